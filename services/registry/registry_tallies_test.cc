#include "services/registry/registry_tallies.h"

#include <gtest/gtest.h>

#include "common/kpi.h"
#include "common/testing/adapter.h"
#include "common/testing/dates.h"

namespace gongkai::registry {
namespace {

using common::RecordKind;
using common::v1::KpiTally;
using gongkai::testing::Day;

// An agency of Taiyuan with every item present and current, its list
// confirmed this year on time, of the domains given.
CoverageFacts Agency(const std::string& code, std::vector<std::string> domains = {"market_regulation"}) {
  CoverageFacts f;
  f.credit_code = code;
  f.name = "机构" + code;
  f.city_code = "140100";
  f.qualification_confirmed_on = Day("2026-01-20");
  f.valid_until = Day("2030-12-31");
  f.powers_listed = true;
  f.officers_listed = true;
  f.benchmarks_for_domains = true;
  f.staffing_provisions_published = true;
  f.flowcharts_for_domains = true;
  f.created_on = Day("2024-03-04");
  f.domains = std::move(domains);
  return f;
}

DeadlineRecord Record(RecordKind kind, const std::string& key, const std::string& agency, const std::string& start,
                      std::optional<common::Date> published_on, const std::string& domain = "") {
  return {kind, key, agency, "140100", domain, Day(start), published_on};
}

// The calendars of data/calendar and the default rules; today 2026-06-15.
class RegistryTalliesTest : public ::testing::Test {
 protected:
  std::vector<KpiTally> Count(const RegistryKpiFacts& facts, int max_misses = 10, int year = 2026) {
    common::v1::GetKpiTalliesRequest request;
    request.set_year(year);
    request.set_max_misses(max_misses);
    return RegistryTallies(facts, request, ctx_.context().deadlines, today_);
  }

  static const KpiTally* Find(const std::vector<KpiTally>& tallies, const std::string& agency, std::string_view kpi,
                              std::string_view rule) {
    for (const auto& t : tallies) {
      if (t.agency_credit_code() == agency && t.kpi() == kpi && t.rule() == rule) return &t;
    }
    return nullptr;
  }

  const common::Date today_ = Day("2026-06-15");
  testing::TestContext ctx_{today_};
};

TEST_F(RegistryTalliesTest, CoverageIsOneDuePerRequiredItemMetWhenPresentAndCurrentAndAMissNamesTheItem) {
  CoverageFacts a = Agency("A");
  a.officers_listed = false;
  a.flowcharts_for_domains = false;
  a.domains_without_flowchart = {"market_regulation"};
  const auto tallies = Count({{a}, {}});
  for (std::string_view item :
       {"qualification_list", "powers_listed", "benchmarks_for_domains", "staffing_provisions"}) {
    const KpiTally* t = Find(tallies, "A", common::kKpiCoverage, item);
    ASSERT_NE(t, nullptr) << item;
    EXPECT_EQ(t->due(), 1) << item;
    EXPECT_EQ(t->met(), 1) << item;
  }
  EXPECT_EQ(Find(tallies, "A", common::kKpiCoverage, "inspection_plan"), nullptr)
      << "not owed without inspection powers";
  const KpiTally* flowcharts = Find(tallies, "A", common::kKpiCoverage, "flowcharts_for_domains");
  ASSERT_NE(flowcharts, nullptr);
  EXPECT_EQ(flowcharts->due(), 1);
  EXPECT_EQ(flowcharts->met(), 0);
  ASSERT_EQ(flowcharts->misses_size(), 1);
  EXPECT_EQ(flowcharts->misses(0).service(), "registry");
  EXPECT_EQ(flowcharts->misses(0).kind(), "flowcharts_for_domains");
  EXPECT_EQ(flowcharts->misses(0).key(), "A");
  EXPECT_EQ(flowcharts->misses(0).agency_credit_code(), "A");
  EXPECT_EQ(flowcharts->misses(0).city_code(), "140100");
  EXPECT_EQ(flowcharts->misses(0).detail(), "no flowchart of market_regulation");
  EXPECT_TRUE(flowcharts->misses(0).open()) << "still missing";
  const KpiTally* officers = Find(tallies, "A", common::kKpiCoverage, "officers_listed");
  ASSERT_NE(officers, nullptr);
  ASSERT_EQ(officers->misses_size(), 1);
  EXPECT_EQ(officers->misses(0).detail(), "no officer with a certificate valid on 2026-06-15");
}

// A flowchart change not stored, of 2026-05-06, was due 2026-06-02: the item
// is named by what `missing` says of it, and counted under its item.
TEST_F(RegistryTalliesTest, AnItemPresentButNotCurrentIsAMissOfItsItem) {
  CoverageFacts a = Agency("A");
  a.unpublished_flowcharts_since = Day("2026-05-06");
  a.holds_inspection_powers = true;
  const auto tallies = Count({{a}, {}});
  const KpiTally* flowcharts = Find(tallies, "A", common::kKpiCoverage, "flowcharts_for_domains");
  ASSERT_NE(flowcharts, nullptr);
  EXPECT_EQ(flowcharts->met(), 0);
  ASSERT_EQ(flowcharts->misses_size(), 1);
  EXPECT_EQ(flowcharts->misses(0).kind(), "flowcharts_current");
  EXPECT_EQ(flowcharts->misses(0).detail(), "a flowchart change of 2026-05-06 not published, due 2026-06-02");
  const KpiTally* plan = Find(tallies, "A", common::kKpiCoverage, "inspection_plan");
  ASSERT_NE(plan, nullptr) << "owed with inspection powers";
  EXPECT_EQ(plan->misses(0).detail(), "no inspection plan of 2026 recorded");
}

// Changed on 2026-05-06, due 2026-06-02: published that day is met, a day
// later is late, not published is due once past it, and one whose due date
// has not come is not due.
TEST_F(RegistryTalliesTest, ARuleCountsRecordsPublishedOrPastDueAndMeetsThosePublishedByTheirDueDate) {
  RegistryKpiFacts facts{{Agency("A")},
                         {Record(RecordKind::kPowersItem, "A/3", "A", "2026-05-06", std::nullopt),
                          Record(RecordKind::kPowersItem, "A/1", "A", "2026-05-06", Day("2026-06-02")),
                          Record(RecordKind::kPowersItem, "A/2", "A", "2026-05-06", Day("2026-06-03")),
                          Record(RecordKind::kPowersItem, "A/4", "A", "2026-06-10", std::nullopt)}};
  const auto tallies = Count(facts);
  const KpiTally* powers = Find(tallies, "A", "", "powers_item");
  ASSERT_NE(powers, nullptr);
  EXPECT_EQ(powers->city_code(), "140100");
  EXPECT_EQ(powers->due(), 3);
  EXPECT_EQ(powers->met(), 1);
  ASSERT_EQ(powers->misses_size(), 2);
  EXPECT_EQ(powers->misses(0).key(), "A/2") << "misses in the order of their keys";
  EXPECT_EQ(powers->misses(0).kind(), "powers_item");
  EXPECT_EQ(powers->misses(0).detail(), "published 2026-06-03, due 2026-06-02");
  EXPECT_FALSE(powers->misses(0).open()) << "published, though late";
  EXPECT_EQ(powers->misses(1).key(), "A/3");
  EXPECT_EQ(powers->misses(1).detail(),
            "not published (a rejected version awaiting an accepted resend), due 2026-06-02");
  EXPECT_TRUE(powers->misses(1).open()) << "still not stored, past its due date";
}

TEST_F(RegistryTalliesTest, OnlyRecordsWhoseClockStartsInTheYearAreCounted) {
  RegistryKpiFacts facts{{Agency("A")},
                         {Record(RecordKind::kOfficer, "TY-1", "A", "2025-12-01", Day("2026-01-20")),
                          Record(RecordKind::kOfficer, "TY-2", "A", "2026-01-05", Day("2026-01-06"))}};
  const KpiTally* officers = Find(Count(facts), "A", "", "officer");
  ASSERT_NE(officers, nullptr);
  EXPECT_EQ(officers->due(), 1);
  EXPECT_EQ(officers->met(), 1);
  EXPECT_EQ(Find(Count(facts, 10, 2025), "A", "", "officer")->due(), 1);
}

// Agency A holds a key domain, B none: A's powers item counts for the
// key-domain KPI through its agency, its flowchart of "health" does not; a
// benchmark of "transport" counts through its own domain, for its city.
TEST_F(RegistryTalliesTest, TheKeyDomainKpiCountsRecordsOfTheFiveKeyDomainsOnly) {
  RegistryKpiFacts facts{{Agency("A", {"market_regulation", "health"}), Agency("B", {"health"})},
                         {Record(RecordKind::kPowersItem, "A/1", "A", "2026-05-06", Day("2026-06-03")),
                          Record(RecordKind::kFlowchart, "A/health", "A", "2026-05-06", Day("2026-06-03"), "health"),
                          Record(RecordKind::kOfficer, "TY-9", "B", "2026-05-06", Day("2026-06-03")),
                          Record(RecordKind::kDiscretionBenchmark, "140100/transport/x.1", "", "2026-05-06",
                                 Day("2026-05-07"), "transport")}};
  const auto tallies = Count(facts);
  const KpiTally* powers = Find(tallies, "A", common::kKpiKeyDomainTimeliness, "powers_item");
  ASSERT_NE(powers, nullptr);
  EXPECT_EQ(powers->due(), 1);
  EXPECT_EQ(powers->met(), 0);
  const KpiTally* flowcharts = Find(tallies, "A", common::kKpiKeyDomainTimeliness, "flowchart");
  ASSERT_NE(flowcharts, nullptr) << "every agency with a key domain has the tally";
  EXPECT_EQ(flowcharts->due(), 0);
  EXPECT_EQ(Find(tallies, "A", "", "flowchart")->due(), 1) << "the rule itself counts it";
  EXPECT_EQ(Find(tallies, "B", common::kKpiKeyDomainTimeliness, "officer"), nullptr);
  EXPECT_EQ(Find(tallies, "B", "", "officer")->due(), 1);
  const KpiTally* benchmarks = Find(tallies, "", common::kKpiKeyDomainTimeliness, "discretion_benchmark");
  ASSERT_NE(benchmarks, nullptr);
  EXPECT_EQ(benchmarks->city_code(), "140100");
  EXPECT_EQ(benchmarks->due(), 1);
  EXPECT_EQ(benchmarks->met(), 1);
  EXPECT_EQ(Find(tallies, "", "", "discretion_benchmark")->due(), 1);
  EXPECT_EQ(Find(tallies, "A", common::kKpiKeyDomainTimeliness, "qualification_list"), nullptr)
      << "not part of the key-domain KPI";
}

// The 2026 lists were due 31 January (a new agency's 20 WD after it was
// first stored).
TEST_F(RegistryTalliesTest, TheQualificationListIsDueByItsDeadlineAndMetWhenConfirmedByIt) {
  CoverageFacts late = Agency("B");
  late.qualification_confirmed_on = Day("2026-03-01");
  CoverageFacts fresh = Agency("C");
  fresh.created_on = Day("2026-06-10");
  fresh.qualification_confirmed_on.reset();
  CoverageFacts never = Agency("D");
  never.qualification_confirmed_on.reset();
  never.created_on.reset();
  const auto tallies = Count({{Agency("A"), late, fresh, never}, {}});
  const auto list = [&](const std::string& agency) { return Find(tallies, agency, "", "qualification_list"); };
  EXPECT_EQ(list("A")->due(), 1);
  EXPECT_EQ(list("A")->met(), 1);
  EXPECT_EQ(list("B")->due(), 1);
  EXPECT_EQ(list("B")->met(), 0);
  EXPECT_EQ(list("B")->misses(0).detail(), "confirmed 2026-03-01, due 2026-01-31");
  EXPECT_FALSE(list("B")->misses(0).open());
  EXPECT_EQ(list("C")->due(), 0) << "its own deadline has not come";
  EXPECT_EQ(list("D")->due(), 1);
  EXPECT_EQ(list("D")->misses(0).detail(), "not confirmed, due 2026-01-31");
  EXPECT_EQ(list("D")->misses(0).key(), "D");
  EXPECT_TRUE(list("D")->misses(0).open());
  EXPECT_EQ(Find(Count({{Agency("A")}, {}}, 10, 2027), "A", "", "qualification_list")->due(), 0)
      << "next year's list is not due yet";
}

TEST_F(RegistryTalliesTest, MissesAreListedUpToMaxMissesAndTheRestCounted) {
  RegistryKpiFacts facts{{Agency("A")},
                         {Record(RecordKind::kFlowchart, "A/a", "A", "2026-05-06", std::nullopt, "transport"),
                          Record(RecordKind::kFlowchart, "A/b", "A", "2026-05-06", std::nullopt, "water"),
                          Record(RecordKind::kFlowchart, "A/c", "A", "2026-05-06", std::nullopt, "health")}};
  const KpiTally* listed = Find(Count(facts, 2), "A", "", "flowchart");
  ASSERT_NE(listed, nullptr);
  EXPECT_EQ(listed->due(), 3);
  EXPECT_EQ(listed->misses_size(), 2);
  EXPECT_EQ(listed->misses_unlisted(), 1);
  const KpiTally* none = Find(Count(facts, 0), "A", "", "flowchart");
  EXPECT_EQ(none->misses_size(), 0);
  EXPECT_EQ(none->due(), 3);
}

}  // namespace
}  // namespace gongkai::registry
