#include "common/kpi_tallies.h"

#include <gtest/gtest.h>

#include <chrono>

namespace gongkai::common {
namespace {

using namespace std::chrono;

v1::KpiTally Tally(std::string agency, std::string city, std::string kpi, std::string rule, int64_t due, int64_t met) {
  v1::KpiTally tally;
  tally.set_agency_credit_code(std::move(agency));
  tally.set_city_code(std::move(city));
  tally.set_kpi(std::move(kpi));
  tally.set_rule(std::move(rule));
  tally.set_due(due);
  tally.set_met(met);
  return tally;
}

v1::RecordLink Link(std::string key) {
  v1::RecordLink link;
  link.set_service("penalties");
  link.set_kind("penalty_decision");
  link.set_key(std::move(key));
  return link;
}

TEST(KpiTalliesRequest, YearMissesCityAndAgencyAreNamedWhenOutOfBounds) {
  v1::GetKpiTalliesRequest request;
  request.set_year(1999);
  request.set_max_misses(101);
  request.set_city_code("140105");
  request.set_agency_credit_code("not a code");
  Violations violations = CheckKpiTalliesRequest(request);
  ASSERT_EQ(violations.size(), 4u);
  EXPECT_EQ(violations[0].field, "year");
  EXPECT_EQ(violations[1].field, "max_misses");
  EXPECT_EQ(violations[2].field, "city_code");
  EXPECT_EQ(violations[3].field, "agency_credit_code");

  request.set_year(2026);
  request.set_max_misses(100);
  request.set_city_code("140000");
  request.clear_agency_credit_code();
  EXPECT_TRUE(CheckKpiTalliesRequest(request).empty());
}

TEST(KpiTallies, CountRecordListsMissesUpToTheLimitAndCountsTheRest) {
  v1::KpiTally tally;
  v1::RecordLink a = Link("A/1"), b = Link("A/2");
  CountRecord(tally, true, nullptr, 1);
  CountRecord(tally, false, &a, 1);
  CountRecord(tally, false, &b, 1);
  EXPECT_EQ(tally.due(), 3);
  EXPECT_EQ(tally.met(), 1);
  ASSERT_EQ(tally.misses_size(), 1);
  EXPECT_EQ(tally.misses(0).key(), "A/1");
  EXPECT_EQ(tally.misses_unlisted(), 1);

  v1::KpiTally unlisted;
  CountRecord(unlisted, false, &a, 0);
  EXPECT_EQ(unlisted.misses_size(), 0);
  EXPECT_EQ(unlisted.misses_unlisted(), 0);
}

TEST(KpiTallies, GroupByCitySumsAgenciesOfACityPerKpiAndRule) {
  std::vector<v1::KpiTally> tallies{Tally("A", "140100", "", "penalty_decision", 3, 2),
                                    Tally("B", "140100", "", "penalty_decision", 2, 2),
                                    Tally("C", "140200", "", "penalty_decision", 1, 0),
                                    Tally("A", "140100", "key_domain_timeliness", "penalty_decision", 3, 2)};
  *tallies[0].add_misses() = Link("A/1");
  *tallies[2].add_misses() = Link("C/9");
  std::vector<v1::KpiTally> grouped = GroupByCity(tallies, 5);
  ASSERT_EQ(grouped.size(), 3u);
  EXPECT_EQ(grouped[0].city_code(), "140100");
  EXPECT_EQ(grouped[0].kpi(), "");
  EXPECT_EQ(grouped[0].agency_credit_code(), "");
  EXPECT_EQ(grouped[0].due(), 5);
  EXPECT_EQ(grouped[0].met(), 4);
  ASSERT_EQ(grouped[0].misses_size(), 1);
  EXPECT_EQ(grouped[1].kpi(), "key_domain_timeliness");
  EXPECT_EQ(grouped[2].city_code(), "140200");
  EXPECT_EQ(grouped[2].due(), 1);

  std::vector<v1::KpiTally> without_misses = GroupByCity(tallies, 0);
  EXPECT_EQ(without_misses[0].misses_size(), 0);
  EXPECT_EQ(without_misses[0].misses_unlisted(), 1);
}

TEST(KpiTallies, GaugeFamiliesSplitKpiPartsFromDeadlineRulesPerCity) {
  std::vector<v1::KpiTally> tallies{Tally("A", "140100", "", "officer", 4, 3),
                                    Tally("B", "140100", "", "officer", 1, 1),
                                    Tally("A", "140100", "coverage", "flowcharts_for_domains", 1, 0)};
  std::vector<ScrapeGauges::Family> families = KpiTallyFamilies(tallies);
  ASSERT_EQ(families.size(), 4u);
  EXPECT_EQ(families[0].name, "gongkai_kpi_records_due");
  ASSERT_EQ(families[0].samples.size(), 1u);
  EXPECT_EQ(families[0].samples[0].labels.at("rule"), "flowcharts_for_domains");
  EXPECT_EQ(families[0].samples[0].value, 1);
  EXPECT_EQ(families[1].samples[0].value, 0);
  EXPECT_EQ(families[2].name, "gongkai_deadline_records_due");
  ASSERT_EQ(families[2].samples.size(), 1u);
  EXPECT_EQ(families[2].samples[0].labels.at("kind"), "officer");
  EXPECT_EQ(families[2].samples[0].labels.at("city"), "140100");
  EXPECT_EQ(families[2].samples[0].value, 5);
  EXPECT_EQ(families[3].samples[0].value, 4);
}

TEST(KpiTallies, AnswerGroupsByCityOnlyWhenAskedAndStatesTheDay) {
  v1::GetKpiTalliesRequest request;
  request.set_year(2026);
  std::vector<v1::KpiTally> tallies{Tally("A", "140100", "", "officer", 1, 1),
                                    Tally("B", "140100", "", "officer", 1, 0)};
  v1::GetKpiTalliesResponse per_agency = TalliesAnswer(request, tallies, sys_days{2026y / 3 / 2});
  EXPECT_EQ(per_agency.tallies_size(), 2);
  EXPECT_EQ(per_agency.as_of(), "2026-03-02");
  request.set_group_by_city(true);
  v1::GetKpiTalliesResponse per_city = TalliesAnswer(request, tallies, sys_days{2026y / 3 / 2});
  ASSERT_EQ(per_city.tallies_size(), 1);
  EXPECT_EQ(per_city.tallies(0).due(), 2);
}

}  // namespace
}  // namespace gongkai::common
