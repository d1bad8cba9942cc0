#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "common/calendar/deadline_engine.h"
#include "common/calendar/working_day_calendar.h"
#include "common/clock.h"
#include "common/deadlines.h"
#include "common/violations.h"
#include "gongkai/common/v1/kpi.pb.h"
#include "services/registry/registry_client.h"

namespace gongkai::penalties {

class PenaltyStore;

// The penalties' part of the province view (docs/DOMAIN.md, "The plan's
// KPIs" and "Supervision leads"): the tallies of its three deadline rules
// (penalty_decision, coercive_measure, penalty_withdrawal), per agency and
// over the key domains, and the lead rules it holds the records of.

// The service's name in services/services.table, as a RecordLink names it.
inline constexpr char kServiceName[] = "penalties";

// A record (or, counted in groups, records alike) of a year's tallies, as the
// store reads it: a decision or measure by its clock start and first public
// day, a withdrawal of a decision that was public by the day of its event and
// the day it was recorded (its notice published), or a rejected decision or
// measure awaiting an accepted resend by the clock start it claims, not
// published. Records the rules never publish are never read.
struct TallyRecord {
  common::RecordKind rule = common::RecordKind::kPenaltyDecision;
  std::string agency_credit_code;
  std::string source_id;  // "" when the store counted records in groups
  std::string city_code;
  std::string domain;
  common::Date clock_start{};
  std::optional<common::Date> done_on;  // nullopt: not published
  bool rejected = false;
  int64_t count = 1;
};

// The tallies of `records` as of `today`, per (agency, city, kpi, rule) in
// that order: each record its rule's tally (kpi empty) and, in a key domain
// (common::IsKeyDomain of its own domain), the key_domain_timeliness tally
// of its rule. A record is due once published or, not published, once
// `today` is past its due date; met when published on or before it. With
// `max_misses` > 0 each tally lists its misses (records counted one by one)
// by key, "<agency>/<source id>", with why.
std::vector<common::v1::KpiTally> CountTallies(const std::vector<TallyRecord>& records,
                                               const common::DeadlineEngine& engine,
                                               const common::WorkingDayCalendar& calendar, common::Date today,
                                               int max_misses);

// What GetKpiTallies counts for `request` (a checked one: its year, city,
// agency and max_misses) and the gauges for this year: the store's records
// of the year (one by one only when misses are listed), counted as of
// `today`, per agency.
std::vector<common::v1::KpiTally> PenaltyTallies(PenaltyStore& store, const common::Deadlines& deadlines,
                                                 common::Date today, const common::v1::GetKpiTalliesRequest& request);

// ---------------------------------------------------------------- lead rules

inline constexpr std::string_view kDecisionPublishedLate = "decision_published_late";
inline constexpr std::string_view kFineOutsideTier = "fine_outside_tier";
inline constexpr std::string_view kAgencyListNotCurrent = "agency_list_not_current";
inline constexpr std::string_view kOutsidePowersList = "outside_powers_list";
inline constexpr std::string_view kOfficerWithoutCertificate = "officer_without_certificate";

// The most findings one answer holds; past it the answer says truncated.
inline constexpr int kMaxFindings = 10'000;

// A rule of the request this service runs, with its threshold (the
// default for 0: 0 working days for decision_published_late).
struct LeadRuleToRun {
  std::string_view name;
  int threshold = 0;
};
// The rules of `request` this service holds, in the order of the rules
// above, each once (the first threshold named for it).
std::vector<LeadRuleToRun> PenaltyRulesOf(const common::v1::ListFindingsRequest& request);

// A stored decision's facts the lead rules judge: its key, city, domain and
// decision date from the row, the rest from the record as sent.
struct DecisionFacts {
  std::string agency_credit_code;
  std::string source_id;
  std::string city_code;
  std::string domain;
  common::Date decision_date{};
  int64_t fine_fen = 0;
  std::string benchmark_violation_code;
  int benchmark_tier = 0;
  std::string powers_item_source_id;
  std::vector<std::string> officers;  // certificate numbers
};

// Reads the record's facts (a serialised penalties.v1.PenaltyDecision) into
// `facts`; false when it does not parse.
bool ReadDecisionFacts(std::string_view record, DecisionFacts& facts);

// What the registry says of the facts the decision rules rest on.
struct RegistryFacts {
  // By (city, domain, violation code); nullopt: the city has no such benchmark.
  std::map<std::tuple<std::string, std::string, std::string>, std::optional<std::vector<registry::TierRange>>>
      benchmarks;
  // By (agency, day).
  std::map<std::pair<std::string, common::Date>, registry::RegistryClient::QualificationAnswer> lists;
  // The category of each item found, by (agency, source id).
  std::map<std::pair<std::string, std::string>, int> powers_items;
  // By (certificate number, day).
  std::map<std::pair<std::string, common::Date>, registry::RegistryClient::CertificateInfo> certificates;
};

// Asks the registry what the `rules` (of PenaltyRulesOf) need of the
// decisions, in as few calls as its bounds allow: a benchmark per (city,
// domain, violation code) stated with a tier; one QualificationLists call for
// every (agency, decision date); the powers items of 21 agencies at a time
// with the source ids they name; the certificates of each decision date at
// once. Throws as the client does (UNAVAILABLE when the registry is away).
RegistryFacts AskRegistry(registry::RegistryClient& registry, const std::vector<DecisionFacts>& decisions,
                          const std::vector<LeadRuleToRun>& rules);

// The findings of decision_published_late over the year's records counted
// one by one (decisions and measures; withdrawals are not judged): a record
// first published more than `threshold` WD after its due date, or not
// published and past it by more than `threshold` WD on `today`.
void FindLatePublications(const std::vector<TallyRecord>& records, const common::DeadlineEngine& engine,
                          const common::WorkingDayCalendar& calendar, common::Date today, int threshold,
                          common::v1::ListFindingsResponse& out);

// The findings of one decision rule (fine_outside_tier,
// agency_list_not_current, outside_powers_list, officer_without_certificate)
// over `decisions` with the registry's `facts`, by key.
void FindDecisionLeads(std::string_view rule, const std::vector<DecisionFacts>& decisions, const RegistryFacts& facts,
                       common::v1::ListFindingsResponse& out);

// Adds a finding unless the answer holds kMaxFindings already (then marks it
// truncated).
void AddFinding(common::v1::ListFindingsResponse& out, common::v1::Finding finding);

// What ListFindings answers for `request` (a checked one) as of `today`: the
// findings of each rule this service holds, in the order of PenaltyRulesOf,
// each rule's by key, observed on `today`. Reads a decision's record as sent
// only for the rules that judge it.
common::v1::ListFindingsResponse PenaltyFindings(PenaltyStore& store, registry::RegistryClient& registry,
                                                 const common::Deadlines& deadlines, common::Date today,
                                                 const common::v1::ListFindingsRequest& request);

}  // namespace gongkai::penalties
