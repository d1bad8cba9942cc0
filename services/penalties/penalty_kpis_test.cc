#include "services/penalties/penalty_kpis.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/calendar/iso_date.h"
#include "common/errors.h"
#include "common/identifiers.h"
#include "common/kpi_tallies.h"
#include "common/testing/dates.h"
#include "gongkai/penalties/v1/penalties.pb.h"
#include "services/registry/powers.h"

namespace gongkai::penalties {
namespace {

using common::RecordKind;
using common::v1::KpiTally;
using common::v1::ListFindingsResponse;
using gongkai::testing::Day;

std::string CreditCode(const std::string& first17) { return first17 + common::CreditCodeCheckCharacter(first17); }

const std::string kAgency = CreditCode("11140100MB0000101");
const std::string kOtherAgency = CreditCode("11140100MB0000102");

// Weekends only: a decision of Mon 2026-06-01 is due 7 WD later, Wed
// 2026-06-10; a withdrawal whose event is that Monday, 3 WD later, Thu
// 2026-06-04.
const common::WorkingDayCalendar kCalendar;
const common::DeadlineEngine kEngine;

TallyRecord Record(const std::string& source_id, const char* clock_start, const char* done_on,
                   RecordKind rule = RecordKind::kPenaltyDecision, const std::string& domain = "market_regulation",
                   const std::string& agency = kAgency) {
  TallyRecord r;
  r.rule = rule;
  r.agency_credit_code = agency;
  r.source_id = source_id;
  r.city_code = "140100";
  r.domain = domain;
  r.clock_start = Day(clock_start);
  if (*done_on) r.done_on = Day(done_on);
  return r;
}

TallyRecord Rejected(const std::string& source_id, const char* clock_start) {
  TallyRecord r = Record(source_id, clock_start, "");
  r.rejected = true;
  return r;
}

// The tally of (agency, kpi, rule), or an empty one.
KpiTally Find(const std::vector<KpiTally>& tallies, const std::string& agency, const std::string& kpi,
              const std::string& rule) {
  for (const auto& t : tallies) {
    if (t.agency_credit_code() == agency && t.kpi() == kpi && t.rule() == rule) return t;
  }
  return {};
}

std::vector<std::string> MissKeys(const KpiTally& tally) {
  std::vector<std::string> keys;
  for (const auto& m : tally.misses()) keys.push_back(m.key());
  return keys;
}

// ---------------------------------------------------------------- tallies

// On 2026-06-11: published on its due date is met; published the day after,
// or rejected and past the due date, is due and missed; a rejected record
// whose due date has not passed is not due yet.
TEST(PenaltyTallies, APublicationByTheDueDateIsMetAndOnePastItOrMissingIsDue) {
  const std::vector<TallyRecord> records = {Record("D-1", "2026-06-01", "2026-06-10"),
                                            Record("D-2", "2026-06-01", "2026-06-11"), Rejected("D-3", "2026-06-01"),
                                            Rejected("D-4", "2026-06-05")};
  const auto tallies = CountTallies(records, kEngine, kCalendar, Day("2026-06-11"), 10);
  const KpiTally rule = Find(tallies, kAgency, "", "penalty_decision");
  EXPECT_EQ(rule.city_code(), "140100");
  EXPECT_EQ(rule.due(), 3);
  EXPECT_EQ(rule.met(), 1);
  ASSERT_EQ(rule.misses_size(), 2);
  EXPECT_EQ(rule.misses(0).service(), "penalties");
  EXPECT_EQ(rule.misses(0).kind(), "penalty_decision");
  EXPECT_EQ(rule.misses(0).key(), kAgency + "/D-2");
  EXPECT_EQ(rule.misses(0).agency_credit_code(), kAgency);
  EXPECT_EQ(rule.misses(0).city_code(), "140100");
  EXPECT_EQ(rule.misses(0).detail(), "published 2026-06-11, due 2026-06-10");
  EXPECT_EQ(rule.misses(1).detail(), "not published (rejected, awaiting an accepted resend), due 2026-06-10");
  // Published late, the miss no longer stands; the rejected one does.
  EXPECT_FALSE(rule.misses(0).open());
  EXPECT_TRUE(rule.misses(1).open());
  const KpiTally key_domain = Find(tallies, kAgency, "key_domain_timeliness", "penalty_decision");
  EXPECT_EQ(key_domain.due(), 3);
  EXPECT_EQ(key_domain.met(), 1);
  EXPECT_EQ(key_domain.misses_size(), 2);
}

// A record outside the five key domains counts in its rule's tally only.
TEST(PenaltyTallies, OnlyKeyDomainRecordsCountInTheKeyDomainKpi) {
  const std::vector<TallyRecord> records = {
      Record("D-1", "2026-06-01", "2026-06-02", RecordKind::kPenaltyDecision, "health"),
      Record("M-1", "2026-06-01", "2026-06-02", RecordKind::kCoerciveMeasure, "transport")};
  const auto tallies = CountTallies(records, kEngine, kCalendar, Day("2026-06-11"), 0);
  ASSERT_EQ(tallies.size(), 3u);
  EXPECT_EQ(Find(tallies, kAgency, "", "penalty_decision").due(), 1);
  EXPECT_EQ(Find(tallies, kAgency, "key_domain_timeliness", "penalty_decision").due(), 0) << "health is no key domain";
  EXPECT_EQ(Find(tallies, kAgency, "", "coercive_measure").met(), 1);
  EXPECT_EQ(Find(tallies, kAgency, "key_domain_timeliness", "coercive_measure").met(), 1);
}

// A withdrawal is due 3 WD after the day the decision was changed, revoked
// or found illegal, and met when recorded (its notice published) by then.
TEST(PenaltyTallies, AWithdrawalIsMetWhenRecordedWithinThreeWorkingDaysOfItsEvent) {
  const std::vector<TallyRecord> records = {Record("D-1", "2026-06-01", "2026-06-04", RecordKind::kPenaltyWithdrawal),
                                            Record("D-2", "2026-06-01", "2026-06-05", RecordKind::kPenaltyWithdrawal)};
  const auto tallies = CountTallies(records, kEngine, kCalendar, Day("2026-06-11"), 5);
  const KpiTally rule = Find(tallies, kAgency, "", "penalty_withdrawal");
  EXPECT_EQ(rule.due(), 2);
  EXPECT_EQ(rule.met(), 1);
  ASSERT_EQ(rule.misses_size(), 1);
  EXPECT_EQ(rule.misses(0).kind(), "penalty_withdrawal");
  EXPECT_EQ(rule.misses(0).detail(), "withdrawal notice published 2026-06-05, due 2026-06-04");
  EXPECT_EQ(Find(tallies, kAgency, "key_domain_timeliness", "penalty_withdrawal").due(), 2);
}

// Each agency has its own tallies; records counted in groups add their counts
// and list no misses.
TEST(PenaltyTallies, TalliesArePerAgencyAndGroupsAddTheirCounts) {
  TallyRecord group = Record("", "2026-06-01", "2026-06-12", RecordKind::kPenaltyDecision, "agriculture", kOtherAgency);
  group.count = 4;
  const std::vector<TallyRecord> records = {Record("D-1", "2026-06-01", "2026-06-02"), group};
  const auto tallies = CountTallies(records, kEngine, kCalendar, Day("2026-06-15"), 0);
  EXPECT_EQ(Find(tallies, kAgency, "", "penalty_decision").due(), 1);
  EXPECT_EQ(Find(tallies, kAgency, "", "penalty_decision").met(), 1);
  const KpiTally other = Find(tallies, kOtherAgency, "", "penalty_decision");
  EXPECT_EQ(other.due(), 4);
  EXPECT_EQ(other.met(), 0);
  EXPECT_EQ(other.misses_size(), 0);
  EXPECT_EQ(other.misses_unlisted(), 0);
}

// Misses are listed by key, whatever the records' order, up to max_misses;
// the rest are counted.
TEST(PenaltyTallies, MissesAreListedByKeyUpToTheMaximum) {
  const std::vector<TallyRecord> records = {Rejected("D-9", "2026-06-01"), Rejected("D-3", "2026-06-01"),
                                            Rejected("D-5", "2026-06-01")};
  const KpiTally rule =
      Find(CountTallies(records, kEngine, kCalendar, Day("2026-06-30"), 2), kAgency, "", "penalty_decision");
  EXPECT_EQ(rule.due(), 3);
  EXPECT_EQ(MissKeys(rule), (std::vector<std::string>{kAgency + "/D-3", kAgency + "/D-5"}));
  EXPECT_EQ(rule.misses_unlisted(), 1);
}

// ---------------------------------------------------------------- the request

TEST(PenaltyFindingsRequest, EachBadFieldIsNamedWithItsRule) {
  common::v1::ListFindingsRequest request;
  request.set_year(1999);
  request.add_rules()->set_name("fine_outside_tier");
  auto* negative = request.add_rules();
  negative->set_name("decision_published_late");
  negative->set_threshold(-1);
  const common::Violations violations = common::CheckFindingsRequest(request);
  ASSERT_EQ(violations.size(), 2u);
  EXPECT_EQ(violations[0].field, "year");
  EXPECT_EQ(violations[1].field, "rules[1].threshold");

  common::v1::ListFindingsRequest many;
  many.set_year(2026);
  for (int i = 0; i <= common::kMaxLeadRules; ++i) many.add_rules()->set_name("rule");
  const common::Violations too_many = common::CheckFindingsRequest(many);
  ASSERT_EQ(too_many.size(), 1u);
  EXPECT_EQ(too_many[0].field, "rules");
}

// The rules of other services are ignored; this service's run in a fixed
// order, each once, with the threshold first named for it.
TEST(PenaltyFindingsRequest, OnlyThePenaltiesRulesRunEachOnceInAFixedOrder) {
  common::v1::ListFindingsRequest request;
  request.set_year(2026);
  request.add_rules()->set_name("officer_without_certificate");
  request.add_rules()->set_name("request_overdue");
  auto* late = request.add_rules();
  late->set_name("decision_published_late");
  late->set_threshold(3);
  request.add_rules()->set_name("decision_published_late");
  const auto rules = PenaltyRulesOf(request);
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[0].name, kDecisionPublishedLate);
  EXPECT_EQ(rules[0].threshold, 3);
  EXPECT_EQ(rules[1].name, kOfficerWithoutCertificate);
}

TEST(PenaltyFindings, AnAnswerHoldsAtMostTenThousandFindings) {
  ListFindingsResponse out;
  for (int i = 0; i < kMaxFindings; ++i) AddFinding(out, {});
  EXPECT_FALSE(out.truncated());
  AddFinding(out, {});
  EXPECT_EQ(out.findings_size(), kMaxFindings);
  EXPECT_TRUE(out.truncated());
}

TEST(PenaltyFindings, TheDecisionsFactsAreReadFromTheRecordAsSent) {
  v1::PenaltyDecision decision;
  decision.mutable_result()->set_fine_fen(120'000);
  decision.set_benchmark_violation_code("FS-34");
  decision.set_benchmark_tier(3);
  decision.set_powers_item_source_id("P-7");
  decision.add_officers("14010012345");
  decision.add_officers("14010012346");
  DecisionFacts facts;
  ASSERT_TRUE(ReadDecisionFacts(decision.SerializeAsString(), facts));
  EXPECT_EQ(facts.fine_fen, 120'000);
  EXPECT_EQ(facts.benchmark_violation_code, "FS-34");
  EXPECT_EQ(facts.benchmark_tier, 3);
  EXPECT_EQ(facts.powers_item_source_id, "P-7");
  EXPECT_EQ(facts.officers, (std::vector<std::string>{"14010012345", "14010012346"}));
  EXPECT_FALSE(ReadDecisionFacts(std::string("\xff\xff\xff", 3), facts));
}

// ---------------------------------------------------------------- decision_published_late

// Due 2026-06-10. With threshold 0, one day late trips and on the due date
// does not; with threshold 2 (WD), published 2 WD late (Fri 06-12) does not
// and 3 WD late (Mon 06-15) does; not published, it trips once past the due
// date by more than the threshold on today. Withdrawals are not judged.
TEST(DecisionPublishedLate, TripsPastTheDueDateByMoreThanTheThreshold) {
  const std::vector<TallyRecord> records = {Record("D-1", "2026-06-01", "2026-06-10"),
                                            Record("D-2", "2026-06-01", "2026-06-11"),
                                            Record("D-3", "2026-06-01", "2026-06-12"),
                                            Record("D-4", "2026-06-01", "2026-06-15"),
                                            Rejected("D-5", "2026-06-01"),
                                            Record("D-6", "2026-06-01", "2026-06-30", RecordKind::kPenaltyWithdrawal)};
  const auto keys = [](const ListFindingsResponse& out) {
    std::vector<std::string> k;
    for (const auto& f : out.findings()) k.push_back(f.record().key());
    return k;
  };
  ListFindingsResponse strict;
  FindLatePublications(records, kEngine, kCalendar, Day("2026-06-12"), 0, strict);
  EXPECT_EQ(keys(strict),
            (std::vector<std::string>{kAgency + "/D-2", kAgency + "/D-3", kAgency + "/D-4", kAgency + "/D-5"}));
  EXPECT_EQ(strict.findings(0).rule(), "decision_published_late");
  EXPECT_EQ(strict.findings(0).record().detail(), "published 2026-06-11, due 2026-06-10");

  ListFindingsResponse lenient;
  FindLatePublications(records, kEngine, kCalendar, Day("2026-06-12"), 2, lenient);
  EXPECT_EQ(keys(lenient), (std::vector<std::string>{kAgency + "/D-4"})) << "D-5 is 2 WD past its due date on 06-12";

  ListFindingsResponse later;
  FindLatePublications(records, kEngine, kCalendar, Day("2026-06-15"), 2, later);
  EXPECT_EQ(keys(later), (std::vector<std::string>{kAgency + "/D-4", kAgency + "/D-5"}));
}

// ---------------------------------------------------------------- decision rules

DecisionFacts Facts(const std::string& source_id, const std::string& agency = kAgency) {
  DecisionFacts d;
  d.agency_credit_code = agency;
  d.source_id = source_id;
  d.city_code = "140100";
  d.domain = "market_regulation";
  d.decision_date = Day("2026-06-01");
  return d;
}

// The registry's answers, counting the calls each method had.
class FakeRegistry final : public registry::RegistryClient {
 public:
  std::optional<registry::AgencyInfo> Agency(const std::string&) override { return std::nullopt; }
  std::optional<std::vector<registry::TierRange>> Benchmark(const std::string& city, const std::string& domain,
                                                            const std::string& code) override {
    ++benchmark_calls;
    auto it = benchmarks.find(city + "/" + domain + "/" + code);
    if (it == benchmarks.end()) return std::nullopt;
    return it->second;
  }
  std::map<std::string, CertificateInfo> CheckCertificates(const std::vector<std::string>& numbers, common::Date from,
                                                           common::Date to) override {
    certificate_calls.push_back({numbers, from, to});
    std::map<std::string, CertificateInfo> out;
    for (const auto& n : numbers) {
      auto it = certificates.find(n);
      out[n] = it == certificates.end() ? CertificateInfo{} : it->second;
    }
    return out;
  }
  std::vector<PowersItemInfo> PowersItems(const std::vector<std::string>& agencies,
                                          const std::vector<std::string>& ids) override {
    powers_calls.push_back({agencies, ids});
    std::vector<PowersItemInfo> out;
    for (const auto& item : items) {
      if (std::find(agencies.begin(), agencies.end(), item.agency_credit_code) != agencies.end() &&
          std::find(ids.begin(), ids.end(), item.source_id) != ids.end()) {
        out.push_back(item);
      }
    }
    return out;
  }
  void RecordInspectionPlans(const std::vector<InspectionPlanNotice>&) override {}
  std::vector<EnforcementUnitInfo> EnforcementUnits() override { return {}; }
  std::vector<QualificationAnswer> QualificationLists(const std::vector<QualificationQuery>& queries) override {
    list_calls.push_back(queries);
    std::vector<QualificationAnswer> out;
    for (const auto& q : queries) {
      out.push_back(not_current.contains(q.agency_credit_code) ? QualificationAnswer{true, false, "not confirmed"}
                                                               : QualificationAnswer{true, true, ""});
    }
    return out;
  }

  std::map<std::string, std::vector<registry::TierRange>> benchmarks;  // by city/domain/code
  std::map<std::string, CertificateInfo> certificates;                 // by number, whatever the period
  std::vector<PowersItemInfo> items;
  std::set<std::string> not_current;  // agencies whose list is not current
  int benchmark_calls = 0;
  struct CertificateCall {
    std::vector<std::string> numbers;
    common::Date from, to;
  };
  std::vector<CertificateCall> certificate_calls;
  std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>> powers_calls;
  std::vector<std::vector<QualificationQuery>> list_calls;
};

ListFindingsResponse FindingsOf(std::string_view rule, const std::vector<DecisionFacts>& decisions,
                                FakeRegistry& registry) {
  const std::vector<LeadRuleToRun> rules = {{rule, 0}};
  ListFindingsResponse out;
  FindDecisionLeads(rule, decisions, AskRegistry(registry, decisions, rules), out);
  return out;
}

// Tier 3 of the city's FS-34 ranges from 1,000 to 5,000 yuan (bounds
// included): a fine of 6,000 yuan trips, one of 5,000 does not; a decision
// naming no benchmark, or one the city does not have, is not judged.
TEST(FineOutsideTier, TripsForAFineOutsideTheStatedTiersRange) {
  FakeRegistry registry;
  registry.benchmarks["140100/market_regulation/FS-34"] = {{3, 100'000, 500'000}, {4, 500'000, 1'500'000}};
  DecisionFacts above = Facts("D-1");
  above.benchmark_violation_code = "FS-34";
  above.benchmark_tier = 3;
  above.fine_fen = 600'000;
  DecisionFacts within = above;
  within.source_id = "D-2";
  within.fine_fen = 500'000;
  DecisionFacts unnamed = above;
  unnamed.source_id = "D-3";
  unnamed.benchmark_violation_code = "";
  DecisionFacts unknown = above;
  unknown.source_id = "D-4";
  unknown.benchmark_violation_code = "FS-99";
  const auto out = FindingsOf(kFineOutsideTier, {above, within, unnamed, unknown}, registry);
  ASSERT_EQ(out.findings_size(), 1);
  const auto& finding = out.findings(0);
  EXPECT_EQ(finding.rule(), "fine_outside_tier");
  EXPECT_EQ(finding.record().key(), kAgency + "/D-1");
  EXPECT_EQ(finding.record().kind(), "penalty_decision");
  EXPECT_EQ(finding.record().detail(),
            "decided 2026-06-01: fine 6000.00 yuan outside tier 3 (1000.00 yuan to 5000.00 yuan) of benchmark FS-34");
  ASSERT_EQ(finding.related_size(), 1);
  EXPECT_EQ(finding.related(0).service(), "registry");
  EXPECT_EQ(finding.related(0).kind(), "discretion_benchmark");
  EXPECT_EQ(finding.related(0).key(), "140100/market_regulation/FS-34");
  EXPECT_EQ(registry.benchmark_calls, 2) << "one call per benchmark named";
}

// A decision of an agency whose qualification list was not current on its
// decision date trips; the lists are asked in one call, each (agency, day)
// once.
TEST(AgencyListNotCurrent, TripsForADecisionOfAnAgencyWhoseListWasNotCurrentThatDay) {
  FakeRegistry registry;
  registry.not_current = {kOtherAgency};
  const auto out =
      FindingsOf(kAgencyListNotCurrent, {Facts("D-1"), Facts("D-2"), Facts("D-3", kOtherAgency)}, registry);
  ASSERT_EQ(out.findings_size(), 1);
  EXPECT_EQ(out.findings(0).record().key(), kOtherAgency + "/D-3");
  ASSERT_EQ(out.findings(0).related_size(), 1);
  EXPECT_EQ(out.findings(0).related(0).kind(), "qualification_list");
  EXPECT_EQ(out.findings(0).related(0).key(), kOtherAgency);
  EXPECT_EQ(out.findings(0).related(0).detail(), "on 2026-06-01: not confirmed");
  ASSERT_EQ(registry.list_calls.size(), 1u);
  EXPECT_EQ(registry.list_calls[0].size(), 2u);
}

// A decision naming an item its agency's powers list does not hold, or holds
// under another category, trips; one naming a PENALTY item, or none, does
// not.
TEST(OutsidePowersList, TripsForAnItemNotAmongTheAgencysPenaltyItems) {
  FakeRegistry registry;
  registry.items = {{kAgency, "P-1", static_cast<int>(registry::PowerCategory::kPenalty), false},
                    {kAgency, "L-1", static_cast<int>(registry::PowerCategory::kLicensing), false},
                    {kOtherAgency, "P-2", static_cast<int>(registry::PowerCategory::kPenalty), false}};
  const auto naming = [](const std::string& source_id, const std::string& item) {
    DecisionFacts d = Facts(source_id);
    d.powers_item_source_id = item;
    return d;
  };
  const auto out =
      FindingsOf(kOutsidePowersList,
                 {naming("D-1", "P-1"), naming("D-2", "L-1"), naming("D-3", "P-2"), naming("D-4", "")}, registry);
  ASSERT_EQ(out.findings_size(), 2);
  EXPECT_EQ(out.findings(0).record().key(), kAgency + "/D-2");
  EXPECT_EQ(out.findings(0).record().detail(),
            "decided 2026-06-01: names powers item L-1, an item of category LICENSING, not PENALTY");
  ASSERT_EQ(out.findings(0).related_size(), 1);
  EXPECT_EQ(out.findings(0).related(0).key(), kAgency + "/L-1");
  EXPECT_EQ(out.findings(1).record().key(), kAgency + "/D-3");
  EXPECT_EQ(out.findings(1).record().detail(),
            "decided 2026-06-01: names powers item P-2, not in the agency's powers list");
  EXPECT_EQ(out.findings(1).related_size(), 0);
}

// The powers items of 21 agencies at most are asked at once, each call with
// the source ids its agencies named.
TEST(OutsidePowersList, AsksTwentyOneAgenciesACall) {
  FakeRegistry registry;
  std::vector<DecisionFacts> decisions;
  for (int i = 0; i < 22; ++i) {
    char serial[8];
    std::snprintf(serial, sizeof serial, "%07d", i);
    DecisionFacts d = Facts("D-1", CreditCode(std::string("11140100MB") + serial));
    d.powers_item_source_id = "P-" + std::to_string(i);
    decisions.push_back(d);
  }
  FindingsOf(kOutsidePowersList, decisions, registry);
  ASSERT_EQ(registry.powers_calls.size(), 2u);
  EXPECT_EQ(registry.powers_calls[0].first.size(), 21u);
  EXPECT_EQ(registry.powers_calls[0].second.size(), 21u);
  EXPECT_EQ(registry.powers_calls[1].first.size(), 1u);
  EXPECT_EQ(registry.powers_calls[1].second, std::vector<std::string>{"P-21"});
}

// A decision naming an officer whose certificate is unknown, of another
// agency or not valid on the decision date trips, with each such officer
// related; one whose officers all hold valid certificates of the agency does
// not. The certificates of a day are asked at once, over that day.
TEST(OfficerWithoutCertificate, TripsForAnOfficerWithoutAValidCertificateOfTheAgency) {
  FakeRegistry registry;
  registry.certificates["C-VALID"] = {true, kAgency, true};
  registry.certificates["C-OTHER"] = {true, kOtherAgency, true};
  registry.certificates["C-EXPIRED"] = {true, kAgency, false};
  DecisionFacts good = Facts("D-1");
  good.officers = {"C-VALID"};
  DecisionFacts bad = Facts("D-2");
  bad.officers = {"C-VALID", "C-OTHER", "C-EXPIRED", "C-NONE"};
  DecisionFacts later = Facts("D-3");
  later.decision_date = Day("2026-06-02");
  later.officers = {"C-VALID"};
  const auto out = FindingsOf(kOfficerWithoutCertificate, {good, bad, later}, registry);
  ASSERT_EQ(out.findings_size(), 1);
  const auto& finding = out.findings(0);
  EXPECT_EQ(finding.record().key(), kAgency + "/D-2");
  EXPECT_EQ(finding.record().detail(),
            "decided 2026-06-01: 3 of 4 officers without a certificate of the agency valid that day");
  ASSERT_EQ(finding.related_size(), 3);
  EXPECT_EQ(finding.related(0).key(), "C-OTHER");
  EXPECT_EQ(finding.related(0).detail(), "a certificate of agency " + kOtherAgency);
  EXPECT_EQ(finding.related(1).detail(), "not valid on 2026-06-01");
  EXPECT_EQ(finding.related(2).detail(), "unknown certificate");
  ASSERT_EQ(registry.certificate_calls.size(), 2u) << "one call per decision date";
  EXPECT_EQ(registry.certificate_calls[0].numbers.size(), 4u);
  EXPECT_EQ(registry.certificate_calls[0].from, Day("2026-06-01"));
  EXPECT_EQ(registry.certificate_calls[0].to, Day("2026-06-01"));
}

// Only what the rules run is asked of the registry.
TEST(PenaltyFindings, TheRegistryIsAskedOnlyWhatTheRulesNeed) {
  FakeRegistry registry;
  DecisionFacts d = Facts("D-1");
  d.benchmark_violation_code = "FS-34";
  d.benchmark_tier = 3;
  d.powers_item_source_id = "P-1";
  d.officers = {"C-1"};
  AskRegistry(registry, {d}, {{kOfficerWithoutCertificate, 0}});
  EXPECT_EQ(registry.certificate_calls.size(), 1u);
  EXPECT_EQ(registry.benchmark_calls, 0);
  EXPECT_TRUE(registry.powers_calls.empty());
  EXPECT_TRUE(registry.list_calls.empty());
}

}  // namespace
}  // namespace gongkai::penalties
