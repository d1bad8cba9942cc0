#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/paging.h"
#include "common/text.h"
#include "common/violations.h"
#include "services/registry/public_size.h"

namespace gongkai::registry {

// The steps of an enforcement flowchart (执法环节), in the order a case
// passes them.
enum class FlowchartStage { kAcceptance = 1, kInvestigation = 2, kReview = 3, kDecision = 4, kExecution = 5 };
inline constexpr std::array<FlowchartStage, 5> kFlowchartStages = {
    FlowchartStage::kAcceptance, FlowchartStage::kInvestigation, FlowchartStage::kReview, FlowchartStage::kDecision,
    FlowchartStage::kExecution};

// "ACCEPTANCE", ..., as the proto names the stage; "stage N" for another number.
std::string StageName(FlowchartStage stage);

struct FlowchartStep {
  FlowchartStage stage = FlowchartStage::kAcceptance;
  std::string description;  // what happens, who does it, in what time

  bool operator==(const FlowchartStep&) const = default;
};

// An enforcement flowchart (执法流程图) of an agency for one of its domains,
// keyed by (agency, domain).
struct Flowchart {
  std::string agency_credit_code;
  std::string domain;
  int64_t source_version = 0;
  // Formed or changed: the clock start of its 20 WD. nullopt when what was
  // sent is not a date (ValidateFlowchart names it).
  std::optional<common::Date> changed_on;
  std::string title;
  std::vector<FlowchartStep> steps;
  std::string link;  // "" when none
  // Set by the registry.
  std::string city_code;   // its agency's
  std::string updated_at;  // RFC 3339
  // The first day a version with this changed_on was stored: a later version
  // of the same changed_on (a correction) keeps it.
  std::optional<common::Date> published_on;
  int64_t change_seq = 0;
};

// An agency's "三定" provisions (三定规定: functions, internal bodies and
// staffing), published by reference, keyed by the agency.
struct StaffingProvisions {
  std::string agency_credit_code;
  int64_t source_version = 0;
  std::string title;
  std::string document_number;  // 文号
  std::optional<common::Date> approved_on;
  std::string link;
  // Set by the registry.
  std::string city_code;   // its agency's
  std::string updated_at;  // RFC 3339
  // The first day a version with this approved_on was stored.
  std::optional<common::Date> published_on;
};

// The bounds of their fields (DOMAIN.md, "Flowchart" and "三定 provisions").
inline constexpr common::TextRule kFlowchartTitleText{200, false};
inline constexpr common::TextRule kStepDescriptionText{2'000, true};
inline constexpr common::TextRule kDocumentNumberText{100, false};
inline constexpr std::size_t kMaxLinkBytes = 500;

// Every content rule the flowchart breaks, each a violation of its field
// under `path` (e.g. "flowcharts[2]"); whether its agency is registered, in
// the caller's scope and holds the domain is asked of the store
// (FlowchartDomainRule, WriteScopeRefusal):
//
//   field                 rule
//   agency_credit_code    required, at most 18 bytes
//   domain                a known enforcement domain
//   source_version        positive
//   changed_on            a date, not after `today`
//   title                 required, one line of at most 200 bytes
//   steps                 the five stages, each once, in the order of FlowchartStage
//   steps[i].description  required, at most 2,000 bytes, paragraphs
//   link                  optional; an https URL of at most 500 bytes
common::Violations ValidateFlowchart(const Flowchart& flowchart, const std::string& path, common::Date today);

// Every content rule the provisions break:
//
//   field                 rule
//   agency_credit_code    required, at most 18 bytes
//   source_version        positive
//   title                 required, one line of at most 500 bytes
//   document_number       required, one line of at most 100 bytes
//   approved_on           a date, not after `today`
//   link                  required, an https URL of at most 500 bytes
common::Violations ValidateStaffingProvisions(const StaffingProvisions& provisions, const std::string& path,
                                              common::Date today);

// A link to a published document: "https://" (any case) and a host, at most
// kMaxLinkBytes, UTF-8 without spaces or control characters (a copied link
// is percent-encoded); "required" when empty and required.
void CheckHttpsLink(common::Violations& out, const std::string& field, std::string_view link,
                    common::Presence presence);

// What the write rules read of a record's agency.
struct AgencyFacts {
  std::string city_code;  // whom it is registered to: a city, or a province code such as 140000
  std::vector<std::string> domains;
};

// Why a caller may not write records of the agency `credit_code`, registered
// to `agency_city`; nullopt when it may. A city (`caller_city`, e.g. 140100)
// writes its own agencies' records, the province (`caller_city` empty) the
// provincial agencies' (registered to a province code such as 140000).
std::optional<std::string> WriteScopeRefusal(const std::string& credit_code, const std::string& agency_city,
                                             const std::string& caller_city);

// A flowchart is drawn for one of its agency's domains: the violation of
// `<path>.domain` when `domain` is not one of them.
void FlowchartDomainRule(common::Violations& out, const std::string& path, const std::string& domain,
                         const AgencyFacts& agency);

// The key a flowchart's rejection is kept under: "<agency>/<domain>".
std::string FlowchartKey(const std::string& agency_credit_code, const std::string& domain);

// The size of the public answers (public_size.h). A flowchart
// (v1.Flowchart, as ListFlowcharts and ListFlowchartChanges send it):
// 11,083 bytes.
inline constexpr std::size_t kMaxPublicStepBytes =
    kMessageCost + kNumberCost + StringField(kStepDescriptionText.max_bytes);
inline constexpr std::size_t kMaxPublicFlowchartBytes =
    // agency, domain, source version, changed_on, title: 23 + 37 + 12 + 15 + 205
    StringField(kCodeBytes) + StringField(kMaxDomainBytes) + kNumberCost + StringField(kDateBytes) +
    StringField(kFlowchartTitleText.max_bytes) +
    // steps: 5 × 2,022 = 10,110
    kFlowchartStages.size() * kMaxPublicStepBytes +
    // link, city, updated_at, timeliness, change_seq: 505 + 11 + 25 + 128 + 12
    StringField(kMaxLinkBytes) + StringField(kAreaBytes) + StringField(kInstantBytes) + kTimelinessBytes + kNumberCost;
// Provisions (v1.StaffingProvisions): agency, source version, title, document
// number, approved_on, link, city, updated_at: 23 + 12 + 505 + 105 + 15 + 505
// + 11 + 25 = 1,201 bytes.
inline constexpr std::size_t kMaxPublicProvisionsBytes =
    StringField(kCodeBytes) + kNumberCost + StringField(kLineText.max_bytes) +
    StringField(kDocumentNumberText.max_bytes) + StringField(kDateBytes) + StringField(kMaxLinkBytes) +
    StringField(kAreaBytes) + StringField(kInstantBytes);

// ListFlowcharts and ListFlowchartChanges: 100 × (11,083 + 5) + 1,024 =
// 1,109,824 bytes; ListStaffingProvisions: 100 × (1,201 + 5) + 1,024 =
// 121,624 bytes.
inline constexpr common::PageLimits kFlowchartPage{50, 100};
inline constexpr common::PageLimits kFlowchartFeedPage{100, 100};
inline constexpr common::PageLimits kProvisionsPage{50, 100};
static_assert(PageBytes(kFlowchartPage.max, kMaxPublicFlowchartBytes) < kPublicAnswerBytes);
static_assert(PageBytes(kFlowchartFeedPage.max, kMaxPublicFlowchartBytes) < kPublicAnswerBytes);
static_assert(PageBytes(kProvisionsPage.max, kMaxPublicProvisionsBytes) < kPublicAnswerBytes);

}  // namespace gongkai::registry
