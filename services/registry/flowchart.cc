#include "services/registry/flowchart.h"

#include <algorithm>

#include "common/domains.h"
#include "common/fields.h"
#include "services/registry/bounds.h"

namespace gongkai::registry {
namespace {

using common::Presence;

// The stages in words, as a violation names the order.
std::string StageOrder() {
  std::string out;
  for (FlowchartStage stage : kFlowchartStages) out += (out.empty() ? "" : ", ") + StageName(stage);
  return out;
}

void CheckSourceVersion(common::Violations& out, const std::string& path, int64_t version) {
  if (version <= 0) out.push_back({path + ".source_version", "must be a positive version number"});
}

}  // namespace

std::string StageName(FlowchartStage stage) {
  switch (stage) {
    case FlowchartStage::kAcceptance: return "ACCEPTANCE";
    case FlowchartStage::kInvestigation: return "INVESTIGATION";
    case FlowchartStage::kReview: return "REVIEW";
    case FlowchartStage::kDecision: return "DECISION";
    case FlowchartStage::kExecution: return "EXECUTION";
  }
  return "stage " + std::to_string(static_cast<int>(stage));
}

void CheckHttpsLink(common::Violations& out, const std::string& field, std::string_view link, Presence presence) {
  if (link.empty()) {
    if (presence == Presence::kRequired) out.push_back({field, "required"});
    return;
  }
  if (link.size() > kMaxLinkBytes) {
    out.push_back(
        {field, "at most " + std::to_string(kMaxLinkBytes) + " bytes (got " + std::to_string(link.size()) + ")"});
    return;
  }
  constexpr std::string_view kScheme = "https://";
  const bool https = link.size() >= kScheme.size() &&
                     std::equal(kScheme.begin(), kScheme.end(), link.begin(), [](char want, char got) {
                       return want == (got >= 'A' && got <= 'Z' ? static_cast<char>(got - 'A' + 'a') : got);
                     });
  if (!https) {
    out.push_back({field, "must be an https URL (https://...)"});
  } else if (link.size() == kScheme.size() || std::string_view("/?#").find(link[kScheme.size()]) != std::string::npos) {
    out.push_back({field, "must name a host after https://"});
  }
  common::CheckTextContent(out, field, link, false);
  if (link.find(' ') != std::string_view::npos || link.find("\u3000") != std::string_view::npos) {
    out.push_back({field, "must not hold spaces (percent-encode them)"});
  }
}

common::Violations ValidateFlowchart(const Flowchart& f, const std::string& path, common::Date today) {
  common::Violations out;
  common::CheckText(out, path + ".agency_credit_code", f.agency_credit_code, kCreditCodeText, Presence::kRequired);
  if (f.domain.empty()) {
    out.push_back({path + ".domain", "required"});
  } else if (!common::IsKnownDomain(f.domain)) {
    out.push_back({path + ".domain", UnknownDomain(f.domain)});
  }
  CheckSourceVersion(out, path, f.source_version);
  common::CheckPastDate(out, path + ".changed_on", f.changed_on, today);
  common::CheckText(out, path + ".title", f.title, kFlowchartTitleText, Presence::kRequired);
  const std::string steps = path + ".steps";
  if (f.steps.size() != kFlowchartStages.size()) {
    // One violation of the list as a whole: a hostile list is not judged step by step.
    out.push_back({steps, "the " + std::to_string(kFlowchartStages.size()) + " stages " + StageOrder() +
                              ", each once in that order (got " + std::to_string(f.steps.size()) + " steps)"});
  } else {
    for (std::size_t i = 0; i < f.steps.size(); ++i) {
      const std::string step = common::At(steps, static_cast<int>(i));
      if (f.steps[i].stage != kFlowchartStages[i]) {
        out.push_back({step + ".stage", "must be " + StageName(kFlowchartStages[i]) + ": the stages are " +
                                            StageOrder() + ", each once in that order"});
      }
      common::CheckText(out, step + ".description", f.steps[i].description, kStepDescriptionText, Presence::kRequired);
    }
  }
  CheckHttpsLink(out, path + ".link", f.link, Presence::kOptional);
  return out;
}

common::Violations ValidateStaffingProvisions(const StaffingProvisions& p, const std::string& path,
                                              common::Date today) {
  common::Violations out;
  common::CheckText(out, path + ".agency_credit_code", p.agency_credit_code, kCreditCodeText, Presence::kRequired);
  CheckSourceVersion(out, path, p.source_version);
  common::CheckText(out, path + ".title", p.title, kLineText, Presence::kRequired);
  common::CheckText(out, path + ".document_number", p.document_number, kDocumentNumberText, Presence::kRequired);
  common::CheckPastDate(out, path + ".approved_on", p.approved_on, today);
  CheckHttpsLink(out, path + ".link", p.link, Presence::kRequired);
  return out;
}

std::optional<std::string> WriteScopeRefusal(const std::string& credit_code, const std::string& agency_city,
                                             const std::string& caller_city) {
  if (caller_city.empty()) {
    if (agency_city.size() == 6 && agency_city.ends_with("0000")) return std::nullopt;
    return "agency " + credit_code + " is registered to city " + agency_city +
           ": the province writes only its provincial agencies' records";
  }
  if (agency_city == caller_city) return std::nullopt;
  return "agency " + credit_code + " is registered to city " + agency_city + ", not " + caller_city;
}

void FlowchartDomainRule(common::Violations& out, const std::string& path, const std::string& domain,
                         const AgencyFacts& agency) {
  if (std::find(agency.domains.begin(), agency.domains.end(), domain) != agency.domains.end()) return;
  std::string held;
  for (const auto& d : agency.domains) held += (held.empty() ? "" : ", ") + d;
  out.push_back({path + ".domain", "not one of the agency's domains (" + held + ")"});
}

std::string FlowchartKey(const std::string& agency_credit_code, const std::string& domain) {
  return agency_credit_code + "/" + domain;
}

}  // namespace gongkai::registry
