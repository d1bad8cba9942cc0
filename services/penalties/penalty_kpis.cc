#include "services/penalties/penalty_kpis.h"

#include <algorithm>
#include <cstdio>
#include <set>

#include "common/calendar/iso_date.h"
#include "common/domains.h"
#include "common/errors.h"
#include "common/kpi.h"
#include "common/kpi_tallies.h"
#include "gongkai/penalties/v1/penalties.pb.h"
#include "services/penalties/penalty_store.h"
#include "services/registry/powers.h"

namespace gongkai::penalties {
namespace {

using common::v1::Finding;
using common::v1::KpiTally;
using common::v1::RecordLink;

// The lead rules this service holds, in the order it runs them.
constexpr std::string_view kPenaltyRules[] = {kDecisionPublishedLate, kFineOutsideTier, kAgencyListNotCurrent,
                                              kOutsidePowersList, kOfficerWithoutCertificate};

std::string KeyOf(const std::string& agency, const std::string& source_id) { return agency + "/" + source_id; }

// Pointers to `items` in the order of their key (agency, source id, then
// `rule` for tally records): misses and findings are listed in it.
std::vector<const TallyRecord*> ByKey(const std::vector<TallyRecord>& items) {
  std::vector<const TallyRecord*> out;
  out.reserve(items.size());
  for (const auto& item : items) out.push_back(&item);
  std::stable_sort(out.begin(), out.end(), [](const TallyRecord* a, const TallyRecord* b) {
    return std::tie(a->agency_credit_code, a->source_id, a->rule) <
           std::tie(b->agency_credit_code, b->source_id, b->rule);
  });
  return out;
}

std::vector<const DecisionFacts*> ByKey(const std::vector<DecisionFacts>& items) {
  std::vector<const DecisionFacts*> out;
  out.reserve(items.size());
  for (const auto& item : items) out.push_back(&item);
  std::stable_sort(out.begin(), out.end(), [](const DecisionFacts* a, const DecisionFacts* b) {
    return std::tie(a->agency_credit_code, a->source_id) < std::tie(b->agency_credit_code, b->source_id);
  });
  return out;
}

// The record's state against its due date, in one line.
std::string PublicationDetail(const TallyRecord& r, common::Date due) {
  const std::string due_text = ", due " + common::FormatIsoDate(due);
  if (!r.done_on) {
    return std::string(r.rejected ? "not published (rejected, awaiting an accepted resend)" : "not published") +
           due_text;
  }
  const char* what = r.rule == common::RecordKind::kPenaltyWithdrawal ? "withdrawal notice published " : "published ";
  return what + common::FormatIsoDate(*r.done_on) + due_text;
}

RecordLink LinkOf(std::string_view kind, const std::string& agency, const std::string& source_id,
                  const std::string& city, std::string detail) {
  return common::MakeRecordLink(kServiceName, kind, KeyOf(agency, source_id), agency, city, std::move(detail));
}

// A record the registry holds, that a finding rests on.
RecordLink RegistryLink(std::string_view kind, std::string key, const std::string& agency, const std::string& city,
                        std::string detail) {
  return common::MakeRecordLink("registry", kind, std::move(key), agency, city, std::move(detail));
}

// Counts `r` (its `count` records) into `tally`; `miss` lists each when given.
void Count(KpiTally& tally, const TallyRecord& r, bool met, const RecordLink* miss, int max_misses) {
  if (miss == nullptr) {
    tally.set_due(tally.due() + r.count);
    if (met) tally.set_met(tally.met() + r.count);
    return;
  }
  for (int64_t i = 0; i < r.count; ++i) common::CountRecord(tally, met, miss, max_misses);
}

// An amount in fen as yuan: "1234.50 yuan".
std::string Yuan(int64_t fen) {
  char text[32];
  std::snprintf(text, sizeof text, "%lld.%02lld yuan", static_cast<long long>(fen / 100),
                static_cast<long long>(fen % 100));
  return text;
}

std::string DecidedOn(const DecisionFacts& d) { return "decided " + common::FormatIsoDate(d.decision_date); }

Finding DecisionFinding(std::string_view rule, const DecisionFacts& d, std::string detail) {
  Finding finding;
  finding.set_rule(std::string(rule));
  *finding.mutable_record() = LinkOf(common::RecordKindName(common::RecordKind::kPenaltyDecision), d.agency_credit_code,
                                     d.source_id, d.city_code, std::move(detail));
  return finding;
}

std::optional<Finding> FineOutsideTier(const DecisionFacts& d, const RegistryFacts& facts) {
  if (d.benchmark_violation_code.empty() || d.benchmark_tier == 0) return std::nullopt;
  auto table = facts.benchmarks.find({d.city_code, d.domain, d.benchmark_violation_code});
  if (table == facts.benchmarks.end() || !table->second) return std::nullopt;
  const auto& tiers = *table->second;
  auto tier = std::find_if(tiers.begin(), tiers.end(),
                           [&](const registry::TierRange& t) { return t.level == d.benchmark_tier; });
  if (tier == tiers.end()) return std::nullopt;
  if (d.fine_fen >= tier->penalty_min_fen && d.fine_fen <= tier->penalty_max_fen) return std::nullopt;
  const std::string range = Yuan(tier->penalty_min_fen) + " to " + Yuan(tier->penalty_max_fen);
  Finding finding = DecisionFinding(kFineOutsideTier, d,
                                    DecidedOn(d) + ": fine " + Yuan(d.fine_fen) + " outside tier " +
                                        std::to_string(d.benchmark_tier) + " (" + range + ") of benchmark " +
                                        d.benchmark_violation_code);
  *finding.add_related() =
      RegistryLink("discretion_benchmark", d.city_code + "/" + d.domain + "/" + d.benchmark_violation_code, "",
                   d.city_code, "tier " + std::to_string(d.benchmark_tier) + ": " + range);
  return finding;
}

std::optional<Finding> ListNotCurrent(const DecisionFacts& d, const RegistryFacts& facts) {
  auto list = facts.lists.find({d.agency_credit_code, d.decision_date});
  if (list == facts.lists.end() || list->second.current) return std::nullopt;
  const std::string why = !list->second.known           ? "the agency is unknown to the registry"
                          : list->second.reason.empty() ? "not current"
                                                        : list->second.reason;
  Finding finding =
      DecisionFinding(kAgencyListNotCurrent, d, DecidedOn(d) + ": the agency's qualification list was not current");
  *finding.add_related() = RegistryLink("qualification_list", d.agency_credit_code, d.agency_credit_code, d.city_code,
                                        "on " + common::FormatIsoDate(d.decision_date) + ": " + why);
  return finding;
}

std::optional<Finding> OutsidePowersList(const DecisionFacts& d, const RegistryFacts& facts) {
  if (d.powers_item_source_id.empty()) return std::nullopt;
  constexpr int kPenalty = static_cast<int>(registry::PowerCategory::kPenalty);
  auto item = facts.powers_items.find({d.agency_credit_code, d.powers_item_source_id});
  if (item != facts.powers_items.end() && item->second == kPenalty) return std::nullopt;
  const std::string named = DecidedOn(d) + ": names powers item " + d.powers_item_source_id;
  if (item == facts.powers_items.end()) {
    return DecisionFinding(kOutsidePowersList, d, named + ", not in the agency's powers list");
  }
  const auto category = static_cast<registry::v1::PowerCategory>(item->second);
  const std::string name = registry::v1::PowerCategory_IsValid(item->second)
                               ? registry::v1::PowerCategory_Name(category)
                               : "category " + std::to_string(item->second);
  Finding finding = DecisionFinding(kOutsidePowersList, d, named + ", an item of category " + name + ", not PENALTY");
  *finding.add_related() = RegistryLink("powers_item", KeyOf(d.agency_credit_code, d.powers_item_source_id),
                                        d.agency_credit_code, d.city_code, "category " + name);
  return finding;
}

std::optional<Finding> OfficerWithoutCertificate(const DecisionFacts& d, const RegistryFacts& facts) {
  std::vector<RecordLink> related;
  for (const std::string& number : d.officers) {
    auto found = facts.certificates.find({number, d.decision_date});
    const registry::RegistryClient::CertificateInfo info =
        found == facts.certificates.end() ? registry::RegistryClient::CertificateInfo{} : found->second;
    std::string why;
    if (!info.known) {
      why = "unknown certificate";
    } else if (info.agency_credit_code != d.agency_credit_code) {
      why = "a certificate of agency " + info.agency_credit_code;
    } else if (!info.valid_over_period) {
      why = "not valid on " + common::FormatIsoDate(d.decision_date);
    } else {
      continue;
    }
    related.push_back(RegistryLink("officer", number, info.agency_credit_code, "", std::move(why)));
  }
  if (related.empty()) return std::nullopt;
  Finding finding = DecisionFinding(kOfficerWithoutCertificate, d,
                                    DecidedOn(d) + ": " + std::to_string(related.size()) + " of " +
                                        std::to_string(d.officers.size()) +
                                        " officers without a certificate of the agency valid that day");
  for (auto& link : related) *finding.add_related() = std::move(link);
  return finding;
}

bool Runs(const std::vector<LeadRuleToRun>& rules, std::string_view name) {
  return std::any_of(rules.begin(), rules.end(), [&](const LeadRuleToRun& r) { return r.name == name; });
}

}  // namespace

std::vector<KpiTally> CountTallies(const std::vector<TallyRecord>& records, const common::DeadlineEngine& engine,
                                   const common::WorkingDayCalendar& calendar, common::Date today, int max_misses) {
  std::map<std::tuple<std::string, std::string, std::string_view, std::string_view>, KpiTally> tallies;
  const auto tally_of = [&](const TallyRecord& r, std::string_view kpi) -> KpiTally& {
    const std::string_view rule = common::RecordKindName(r.rule);
    KpiTally& tally = tallies[{r.agency_credit_code, r.city_code, kpi, rule}];
    if (tally.rule().empty()) {
      tally.set_agency_credit_code(r.agency_credit_code);
      tally.set_city_code(r.city_code);
      tally.set_kpi(std::string(kpi));
      tally.set_rule(std::string(rule));
    }
    return tally;
  };
  for (const TallyRecord* r : ByKey(records)) {
    const common::Date due = engine.Due(calendar, r->rule, r->clock_start).value;
    if (!r->done_on && today <= due) continue;  // not due yet
    const bool met = r->done_on && *r->done_on <= due;
    std::optional<RecordLink> miss;
    if (!met && max_misses > 0) {
      miss = LinkOf(common::RecordKindName(r->rule), r->agency_credit_code, r->source_id, r->city_code,
                    PublicationDetail(*r, due));
      miss->set_open(!r->done_on);  // still not published, past its due date
    }
    const RecordLink* link = miss ? &*miss : nullptr;
    Count(tally_of(*r, ""), *r, met, link, max_misses);
    if (common::IsKeyDomain(r->domain)) Count(tally_of(*r, common::kKpiKeyDomainTimeliness), *r, met, link, max_misses);
  }
  std::vector<KpiTally> out;
  out.reserve(tallies.size());
  for (auto& [key, tally] : tallies) out.push_back(std::move(tally));
  return out;
}

std::vector<KpiTally> PenaltyTallies(PenaltyStore& store, const common::Deadlines& deadlines, common::Date today,
                                     const common::v1::GetKpiTalliesRequest& request) {
  const auto calendar = deadlines.calendar();
  const bool one_by_one = request.max_misses() > 0;
  return CountTallies(store.TallyRecords(request.year(), request.city_code(), request.agency_credit_code(), one_by_one),
                      deadlines.engine(), *calendar, today, request.max_misses());
}

std::vector<LeadRuleToRun> PenaltyRulesOf(const common::v1::ListFindingsRequest& request) {
  std::vector<LeadRuleToRun> out;
  for (const std::string_view name : kPenaltyRules) {
    for (const auto& rule : request.rules()) {
      if (rule.name() != name) continue;
      out.push_back({name, rule.threshold()});
      break;
    }
  }
  return out;
}

bool ReadDecisionFacts(std::string_view record, DecisionFacts& facts) {
  v1::PenaltyDecision decision;
  if (!decision.ParseFromArray(record.data(), static_cast<int>(record.size()))) return false;
  facts.fine_fen = decision.result().fine_fen();
  facts.benchmark_violation_code = decision.benchmark_violation_code();
  facts.benchmark_tier = decision.benchmark_tier();
  facts.powers_item_source_id = decision.powers_item_source_id();
  facts.officers.assign(decision.officers().begin(), decision.officers().end());
  return true;
}

RegistryFacts AskRegistry(registry::RegistryClient& registry, const std::vector<DecisionFacts>& decisions,
                          const std::vector<LeadRuleToRun>& rules) {
  RegistryFacts facts;
  if (Runs(rules, kFineOutsideTier)) {
    for (const DecisionFacts& d : decisions) {
      if (d.benchmark_violation_code.empty() || d.benchmark_tier == 0) continue;
      const auto key = std::make_tuple(d.city_code, d.domain, d.benchmark_violation_code);
      if (!facts.benchmarks.contains(key)) {
        facts.benchmarks[key] = registry.Benchmark(d.city_code, d.domain, d.benchmark_violation_code);
      }
    }
  }
  if (Runs(rules, kAgencyListNotCurrent)) {
    std::set<std::pair<std::string, common::Date>> asked;
    std::vector<registry::RegistryClient::QualificationQuery> queries;
    for (const DecisionFacts& d : decisions) {
      if (asked.insert({d.agency_credit_code, d.decision_date}).second) {
        queries.push_back({d.agency_credit_code, d.decision_date});
      }
    }
    if (!queries.empty()) {
      const auto answers = registry.QualificationLists(queries);
      if (answers.size() != queries.size()) {
        throw common::ServiceError::Unavailable("the registry's answer left qualification lists out; retry later");
      }
      for (std::size_t i = 0; i < queries.size(); ++i) {
        facts.lists[{queries[i].agency_credit_code, queries[i].on}] = answers[i];
      }
    }
  }
  if (Runs(rules, kOutsidePowersList)) {
    std::map<std::string, std::set<std::string>> named;  // source ids by agency
    for (const DecisionFacts& d : decisions) {
      if (!d.powers_item_source_id.empty()) named[d.agency_credit_code].insert(d.powers_item_source_id);
    }
    // The agencies a call may name at most, each with the ids it named.
    for (auto first = named.begin(); first != named.end();) {
      std::vector<std::string> agencies;
      std::set<std::string> ids;
      for (; first != named.end() && agencies.size() < registry::kMaxPowersQueryAgencies; ++first) {
        agencies.push_back(first->first);
        ids.insert(first->second.begin(), first->second.end());
      }
      for (const auto& item : registry.PowersItems(agencies, std::vector<std::string>(ids.begin(), ids.end()))) {
        auto asked = named.find(item.agency_credit_code);
        if (asked != named.end() && asked->second.contains(item.source_id)) {
          facts.powers_items[{item.agency_credit_code, item.source_id}] = item.category;
        }
      }
    }
  }
  if (Runs(rules, kOfficerWithoutCertificate)) {
    std::map<common::Date, std::set<std::string>> by_day;
    for (const DecisionFacts& d : decisions) by_day[d.decision_date].insert(d.officers.begin(), d.officers.end());
    for (const auto& [day, numbers] : by_day) {
      if (numbers.empty()) continue;
      for (const auto& [number, info] :
           registry.CheckCertificates(std::vector<std::string>(numbers.begin(), numbers.end()), day, day)) {
        facts.certificates[{number, day}] = info;
      }
    }
  }
  return facts;
}

void AddFinding(common::v1::ListFindingsResponse& out, Finding finding) {
  if (out.findings_size() >= kMaxFindings) {
    out.set_truncated(true);
    return;
  }
  *out.add_findings() = std::move(finding);
}

void FindLatePublications(const std::vector<TallyRecord>& records, const common::DeadlineEngine& engine,
                          const common::WorkingDayCalendar& calendar, common::Date today, int threshold,
                          common::v1::ListFindingsResponse& out) {
  for (const TallyRecord* r : ByKey(records)) {
    if (r->rule == common::RecordKind::kPenaltyWithdrawal) continue;
    const common::Date due = engine.Due(calendar, r->rule, r->clock_start).value;
    const common::Date limit = calendar.AddWorkingDays(due, threshold).value;
    if (r->done_on ? *r->done_on <= limit : today <= limit) continue;
    Finding finding;
    finding.set_rule(std::string(kDecisionPublishedLate));
    *finding.mutable_record() = LinkOf(common::RecordKindName(r->rule), r->agency_credit_code, r->source_id,
                                       r->city_code, PublicationDetail(*r, due));
    AddFinding(out, std::move(finding));
  }
}

void FindDecisionLeads(std::string_view rule, const std::vector<DecisionFacts>& decisions, const RegistryFacts& facts,
                       common::v1::ListFindingsResponse& out) {
  const auto judge = [&](const DecisionFacts& d) -> std::optional<Finding> {
    if (rule == kFineOutsideTier) return FineOutsideTier(d, facts);
    if (rule == kAgencyListNotCurrent) return ListNotCurrent(d, facts);
    if (rule == kOutsidePowersList) return OutsidePowersList(d, facts);
    if (rule == kOfficerWithoutCertificate) return OfficerWithoutCertificate(d, facts);
    return std::nullopt;
  };
  for (const DecisionFacts* d : ByKey(decisions)) {
    if (auto finding = judge(*d)) AddFinding(out, *std::move(finding));
  }
}

common::v1::ListFindingsResponse PenaltyFindings(PenaltyStore& store, registry::RegistryClient& registry,
                                                 const common::Deadlines& deadlines, common::Date today,
                                                 const common::v1::ListFindingsRequest& request) {
  common::v1::ListFindingsResponse out;
  const std::vector<LeadRuleToRun> rules = PenaltyRulesOf(request);
  const bool judges_decisions =
      std::any_of(rules.begin(), rules.end(), [](const LeadRuleToRun& r) { return r.name != kDecisionPublishedLate; });
  std::vector<DecisionFacts> decisions;
  RegistryFacts facts;
  if (judges_decisions) {
    decisions = store.DecisionFactsOf(request.year());
    facts = AskRegistry(registry, decisions, rules);
  }
  const auto calendar = deadlines.calendar();
  for (const LeadRuleToRun& rule : rules) {
    if (rule.name == kDecisionPublishedLate) {
      FindLatePublications(store.TallyRecords(request.year(), "", "", true), deadlines.engine(), *calendar, today,
                           rule.threshold, out);
    } else {
      FindDecisionLeads(rule.name, decisions, facts, out);
    }
  }
  const std::string observed_on = common::FormatIsoDate(today);
  for (Finding& finding : *out.mutable_findings()) finding.set_observed_on(observed_on);
  return out;
}

}  // namespace gongkai::penalties
