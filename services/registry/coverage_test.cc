#include "services/registry/coverage.h"

#include <gtest/gtest.h>

#include "common/calendar/iso_date.h"
#include "common/testing/adapter.h"
#include "common/testing/dates.h"

namespace gongkai::registry {
namespace {

using gongkai::testing::Day;

// `f` with its "三定" provisions and a flowchart of each domain stored.
CoverageFacts WithProvisionsAndFlowcharts(CoverageFacts f) {
  f.staffing_provisions_published = true;
  f.flowcharts_for_domains = true;
  return f;
}

// The calendars of data/calendar and the default rules.
class CoverageTest : public ::testing::Test {
 protected:
  bool Current(const std::optional<common::Date>& confirmed_on, common::Date valid_until, common::Date today,
               const std::optional<common::Date>& created_on = std::nullopt) {
    return QualificationListCurrent(confirmed_on, created_on, valid_until, deadlines_, today);
  }
  AgencyCoverage Of(const CoverageFacts& facts, common::Date today) { return CoverageOf(facts, deadlines_, today); }
  // The same, with the provisions and flowcharts present.
  AgencyCoverage OfFull(const CoverageFacts& facts, common::Date today) {
    return Of(WithProvisionsAndFlowcharts(facts), today);
  }

  testing::TestContext ctx_{Day("2026-06-15")};
  const common::Deadlines& deadlines_ = ctx_.context().deadlines;
};

TEST_F(CoverageTest, ConfirmedThisYearIsCurrent) {
  EXPECT_TRUE(Current(Day("2026-03-15"), Day("2030-12-31"), Day("2026-11-28")));
}

TEST_F(CoverageTest, LastYearsConfirmationHoldsOnlyUntil31January) {
  EXPECT_TRUE(Current(Day("2025-12-20"), Day("2030-12-31"), Day("2026-01-31")));
  EXPECT_FALSE(Current(Day("2025-12-20"), Day("2030-12-31"), Day("2026-02-01")));
  EXPECT_FALSE(Current(Day("2024-12-20"), Day("2030-12-31"), Day("2026-01-10")));
}

TEST_F(CoverageTest, NeverConfirmedOrExpiredIsNotCurrent) {
  EXPECT_FALSE(Current(std::nullopt, Day("2030-12-31"), Day("2026-11-28")));
  EXPECT_FALSE(Current(Day("2026-03-15"), Day("2026-06-30"), Day("2026-11-28")));
}

TEST_F(CoverageTest, EachMissingItemIsNamedAndCounted) {
  CoverageFacts facts{"X", "机构", "140100", Day("2026-01-05"), Day("2030-12-31"), true, false, false};
  auto c = OfFull(facts, Day("2026-11-28"));
  EXPECT_EQ(c.missing, (std::vector<std::string>{"officers_listed", "benchmarks_for_domains"}));
  EXPECT_EQ(c.present(), 4);
  CoverageFacts full{"Y", "机构", "140100", Day("2026-01-05"), Day("2030-12-31"), true, true, true};
  auto totals = Totals({c, OfFull(full, Day("2026-11-28"))});
  EXPECT_EQ(totals.present, 10);
  EXPECT_EQ(totals.required, 12);
  EXPECT_DOUBLE_EQ(totals.ratio(), 10.0 / 12.0);
  EXPECT_DOUBLE_EQ(Totals({}).ratio(), 1.0);
}

TEST_F(CoverageTest, CitiesCountTheirAgenciesOfficersListsAndItems) {
  const common::Date today = Day("2026-11-28");
  std::vector<AgencyCoverage> all = {
      OfFull({"A", "机构A", "140100", Day("2026-01-05"), Day("2030-12-31"), true, true, true}, today),
      OfFull({"B", "机构B", "140100", std::nullopt, Day("2030-12-31"), false, false, true}, today),
      OfFull({"C", "机构C", "140200", Day("2026-02-01"), Day("2030-12-31"), true, true, false}, today),
  };
  auto cities = CoverageByCity(all);
  ASSERT_EQ(cities.size(), 2u);
  const CityCoverage& taiyuan = cities.at("140100");
  EXPECT_EQ(taiyuan.agencies, 2);
  EXPECT_EQ(taiyuan.with_officers, 1);
  EXPECT_EQ(taiyuan.lists_current, 1);
  EXPECT_EQ(taiyuan.totals.present, 9);
  EXPECT_EQ(taiyuan.totals.required, 12);
  EXPECT_DOUBLE_EQ(taiyuan.totals.ratio(), 9.0 / 12.0);
  const CityCoverage& datong = cities.at("140200");
  EXPECT_EQ(datong.agencies, 1);
  EXPECT_EQ(datong.with_officers, 1);
  EXPECT_EQ(datong.lists_current, 1);
  EXPECT_DOUBLE_EQ(datong.totals.ratio(), 5.0 / 6.0);
  EXPECT_TRUE(CoverageByCity({}).empty());
}

// An agency holding inspection powers owes a seventh item, this year's
// annual inspection plan; one without owes six, whether or not a plan is
// recorded.
TEST_F(CoverageTest, InspectionPowersAddTheInspectionPlanAsASeventhItem) {
  const common::Date today = Day("2026-11-28");
  CoverageFacts without =
      WithProvisionsAndFlowcharts({"A", "机构A", "140100", Day("2026-01-05"), Day("2030-12-31"), true, true, true});
  AgencyCoverage a = Of(without, today);
  EXPECT_EQ(a.required(), 6);
  EXPECT_EQ(a.present(), 6);
  EXPECT_TRUE(a.missing.empty());
  without.inspection_plan_published = true;
  EXPECT_EQ(Of(without, today).required(), 6) << "a plan without inspection powers is not an item";

  CoverageFacts owing = without;
  owing.credit_code = "B";
  owing.holds_inspection_powers = true;
  owing.inspection_plan_published = false;
  AgencyCoverage b = Of(owing, today);
  EXPECT_EQ(b.required(), 7);
  EXPECT_EQ(b.present(), 6);
  EXPECT_EQ(b.missing, std::vector<std::string>{"inspection_plan"});

  CoverageFacts published = owing;
  published.credit_code = "C";
  published.inspection_plan_published = true;
  published.officers_listed = false;
  AgencyCoverage c = Of(published, today);
  EXPECT_EQ(c.required(), 7);
  EXPECT_EQ(c.present(), 6);
  EXPECT_EQ(c.missing, std::vector<std::string>{"officers_listed"});

  // 6 of 6, 6 of 7, 6 of 7: 18 of 20, in total and in the city.
  const CoverageTotals totals = Totals({a, b, c});
  EXPECT_EQ(totals.present, 18);
  EXPECT_EQ(totals.required, 20);
  EXPECT_DOUBLE_EQ(totals.ratio(), 18.0 / 20.0);
  const CityCoverage city = CoverageByCity({a, b, c}).at("140100");
  EXPECT_EQ(city.totals.present, 18);
  EXPECT_EQ(city.totals.required, 20);
}

// The inspection plan is named after the six items of every agency.
TEST_F(CoverageTest, TheInspectionPlanIsNamedAfterTheOtherItems) {
  CoverageFacts facts{"X", "机构", "140100", std::nullopt, Day("2030-12-31"), true, false, false, true, false};
  const AgencyCoverage c = Of(facts, Day("2026-11-28"));
  EXPECT_EQ(c.missing,
            (std::vector<std::string>{"qualification_list_current", "officers_listed", "benchmarks_for_domains",
                                      "staffing_provisions", "flowcharts_for_domains", "inspection_plan"}));
  EXPECT_EQ(c.present(), 1);
  EXPECT_EQ(c.required(), AgencyCoverage::kMostRequired);
}

// An agency created this year holds its list, unconfirmed, until its own
// deadline (20 WD after creation: 2026-07-14 for 2026-06-15), not after.
TEST_F(CoverageTest, ANewAgencysListIsCurrentUntilItsOwnDeadline) {
  const common::Date created = Day("2026-06-15");
  EXPECT_TRUE(Current(std::nullopt, Day("2030-12-31"), Day("2026-07-14"), created));
  EXPECT_FALSE(Current(std::nullopt, Day("2030-12-31"), Day("2026-07-15"), created));
  EXPECT_TRUE(Current(Day("2026-07-20"), Day("2030-12-31"), Day("2026-11-28"), created)) << "confirmed late";
  EXPECT_FALSE(Current(std::nullopt, Day("2030-12-31"), Day("2027-01-10"), created));
  // Created in December: its own deadline runs into January.
  EXPECT_TRUE(Current(std::nullopt, Day("2030-12-31"), Day("2026-01-05"), Day("2025-12-22")));
}

// The rejected version of an item, changed on Wednesday 2026-05-06, was due
// 20 WD later, Saturday 9 May a make-up working day: 2026-06-02. The list
// counts while it is pending, not once past.
TEST_F(CoverageTest, PowersListWithAnOverdueItemIsNotCurrent) {
  CoverageFacts facts =
      WithProvisionsAndFlowcharts({"X", "机构", "140100", Day("2026-01-05"), Day("2030-12-31"), true, true, true});
  facts.unpublished_powers_since = Day("2026-05-06");
  AgencyCoverage pending = Of(facts, Day("2026-06-02"));
  EXPECT_TRUE(pending.missing.empty());
  AgencyCoverage overdue = Of(facts, Day("2026-06-03"));
  EXPECT_EQ(overdue.missing, std::vector<std::string>{"powers_current"});
  EXPECT_EQ(overdue.present(), 5);
  facts.powers_listed = false;
  EXPECT_EQ(Of(facts, Day("2026-06-03")).missing, std::vector<std::string>{"powers_listed"})
      << "an item missing is named once";
}

TEST_F(CoverageTest, BenchmarksWithAnOverdueChangeAreNotCurrent) {
  CoverageFacts facts =
      WithProvisionsAndFlowcharts({"X", "机构", "140100", Day("2026-01-05"), Day("2030-12-31"), true, true, true});
  facts.unpublished_benchmarks_since = Day("2026-05-06");
  EXPECT_TRUE(Of(facts, Day("2026-06-02")).missing.empty());
  EXPECT_EQ(Of(facts, Day("2026-06-03")).missing, std::vector<std::string>{"benchmarks_current"});
  facts.unpublished_powers_since = Day("2026-05-06");
  EXPECT_EQ(Of(facts, Day("2026-06-03")).missing, (std::vector<std::string>{"powers_current", "benchmarks_current"}));
  EXPECT_EQ(Of(facts, Day("2026-06-03")).present(), 4);
}

// An agency whose officers' certificates are none valid today (the store
// reads it so) counts without officers, in its items and its city's count.
TEST_F(CoverageTest, OfficersCountOnlyWithAValidCertificate) {
  const common::Date today = Day("2026-11-28");
  CoverageFacts without =
      WithProvisionsAndFlowcharts({"A", "机构A", "140100", Day("2026-01-05"), Day("2030-12-31"), true, false, true});
  CoverageFacts with = without;
  with.credit_code = "B";
  with.officers_listed = true;
  const AgencyCoverage a = Of(without, today);
  EXPECT_EQ(a.missing, std::vector<std::string>{"officers_listed"});
  const CityCoverage city = CoverageByCity({a, Of(with, today)}).at("140100");
  EXPECT_EQ(city.with_officers, 1);
  EXPECT_EQ(city.totals.present, 11);
}

// Every agency's "三定" provisions and a flowchart of each of its domains
// are items of their own, named after the benchmarks.
TEST_F(CoverageTest, StaffingProvisionsAndAFlowchartOfEachDomainAreItemsOfEveryAgency) {
  CoverageFacts facts{"X", "机构", "140100", Day("2026-01-05"), Day("2030-12-31"), true, true, true};
  const AgencyCoverage c = Of(facts, Day("2026-11-28"));
  EXPECT_EQ(c.missing, (std::vector<std::string>{"staffing_provisions", "flowcharts_for_domains"}));
  EXPECT_EQ(c.required(), 6);
  EXPECT_EQ(c.present(), 4);
  facts.staffing_provisions_published = true;
  EXPECT_EQ(Of(facts, Day("2026-11-28")).missing, std::vector<std::string>{"flowcharts_for_domains"});
  facts.flowcharts_for_domains = true;
  EXPECT_TRUE(Of(facts, Day("2026-11-28")).missing.empty());
}

// A flowchart changed on Wednesday 2026-05-06 and not stored is due 20 WD
// later, 2026-06-02 (Saturday 9 May a make-up working day), as a powers item.
TEST_F(CoverageTest, FlowchartsWithAChangePastItsTwentyWorkingDaysUnpublishedAreNotCurrent) {
  CoverageFacts facts =
      WithProvisionsAndFlowcharts({"X", "机构", "140100", Day("2026-01-05"), Day("2030-12-31"), true, true, true});
  facts.unpublished_flowcharts_since = Day("2026-05-06");
  EXPECT_TRUE(Of(facts, Day("2026-06-02")).missing.empty());
  const AgencyCoverage overdue = Of(facts, Day("2026-06-03"));
  EXPECT_EQ(overdue.missing, std::vector<std::string>{"flowcharts_current"});
  EXPECT_TRUE(overdue.Missing("flowcharts_for_domains"));
  EXPECT_EQ(overdue.present(), 5);
  facts.flowcharts_for_domains = false;
  EXPECT_EQ(Of(facts, Day("2026-06-03")).missing, std::vector<std::string>{"flowcharts_for_domains"})
      << "an item missing is named once";
}

TEST_F(CoverageTest, EveryMissingNameIsAboutOneItemOfTheTallies) {
  EXPECT_EQ(CoverageItemOf("qualification_list_current"), "qualification_list");
  EXPECT_EQ(CoverageItemOf("powers_current"), "powers_listed");
  EXPECT_EQ(CoverageItemOf("benchmarks_current"), "benchmarks_for_domains");
  EXPECT_EQ(CoverageItemOf("flowcharts_current"), "flowcharts_for_domains");
  for (std::string_view item : kCoverageItems) EXPECT_EQ(CoverageItemOf(item), item);
}

}  // namespace
}  // namespace gongkai::registry
