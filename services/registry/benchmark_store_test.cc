#include "services/registry/benchmark_store.h"

#include <gtest/gtest.h>

#include "common/calendar/iso_date.h"
#include "common/testing/dates.h"
#include "common/testing/postgres.h"
#include "services/registry/agency_store.h"

namespace gongkai::registry {
namespace {

using common::UpsertOutcome;

using gongkai::testing::Day;

DiscretionBenchmark Make(const std::string& domain, const std::string& violation_code, int64_t version) {
  DiscretionBenchmark b;
  b.domain = domain;
  b.violation_code = violation_code;
  b.violation = "生产经营不符合食品安全标准的食品";
  b.legal_basis = {{"中华人民共和国食品安全法", 124, 1, 1}};
  b.measure = Measure::kGoodsValue;
  b.tiers = {
      {.level = TierLevel::kLighter,
       .from_fen = 0,
       .to_fen = 1000000,
       .requires_prompt_correction = true,
       .penalty_min_fen = 5000000,
       .penalty_max_fen = 7000000,
       .description = "及时改正"},
      {.level = TierLevel::kHeavier,
       .from_fen = 1000000,
       .to_fen = 0,
       .on_repeat_offence = true,
       .penalty_min_fen = 7000000,
       .penalty_max_fen = 150000000,
       .description = "再次违法"},
  };
  b.source_version = version;
  b.changed_on = Day("2026-03-02");
  return b;
}

class BenchmarkStoreTest : public ::testing::Test {
 protected:
  BenchmarkStoreTest()
      : pool_(db_.MigratedPool(gongkai_registry_migrations())),
        agencies_(std::make_unique<PgAgencyStore>(*pool_)),
        benchmarks_(std::make_unique<PgBenchmarkStore>(*pool_)) {}

  std::vector<UpsertOutcome> Upsert(const std::string& city, const std::vector<DiscretionBenchmark>& tables,
                                    const char* today = "2026-11-28") {
    return benchmarks_->UpsertBatch(city, tables, {}, Day(today));
  }

  testing::TestDatabase db_;
  std::unique_ptr<common::PgPool> pool_;
  std::unique_ptr<PgAgencyStore> agencies_;  // reads the registry's rejections
  std::unique_ptr<PgBenchmarkStore> benchmarks_;
};

TEST_F(BenchmarkStoreTest, NewerVersionIsAcceptedEqualOrOlderUnchanged) {
  EXPECT_EQ(Upsert("140100", {Make("market_regulation", "food.a", 2)}),
            (std::vector<UpsertOutcome>{UpsertOutcome::kAccepted}));
  DiscretionBenchmark older = Make("market_regulation", "food.a", 1);
  older.violation = "旧的";
  DiscretionBenchmark same = Make("market_regulation", "food.a", 2);
  same.violation = "同版本";
  EXPECT_EQ(Upsert("140100", {older}), (std::vector<UpsertOutcome>{UpsertOutcome::kUnchanged}));
  EXPECT_EQ(Upsert("140100", {same}), (std::vector<UpsertOutcome>{UpsertOutcome::kUnchanged}));
  EXPECT_EQ(benchmarks_->Get("140100", "market_regulation", "food.a")->violation, "生产经营不符合食品安全标准的食品");

  DiscretionBenchmark newer = Make("market_regulation", "food.a", 3);
  newer.tiers[1].penalty_max_fen = 200000000;
  EXPECT_EQ(Upsert("140100", {newer, Make("market_regulation", "food.b", 1)}),
            (std::vector<UpsertOutcome>{UpsertOutcome::kAccepted, UpsertOutcome::kAccepted}));
  auto got = benchmarks_->Get("140100", "market_regulation", "food.a");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->source_version, 3);
  EXPECT_EQ(got->city_code, "140100");
  EXPECT_EQ(got->tiers, newer.tiers);
  EXPECT_EQ(got->legal_basis, newer.legal_basis);
  EXPECT_EQ(got->measure, Measure::kGoodsValue);
}

TEST_F(BenchmarkStoreTest, EachCityKeepsItsOwnTable) {
  EXPECT_EQ(Upsert("140100", {Make("market_regulation", "food.a", 5)}),
            (std::vector<UpsertOutcome>{UpsertOutcome::kAccepted}));
  EXPECT_EQ(Upsert("140200", {Make("market_regulation", "food.a", 1)}),
            (std::vector<UpsertOutcome>{UpsertOutcome::kAccepted}))
      << "another city's table of the same violation is not an older version";
  EXPECT_EQ(benchmarks_->Get("140100", "market_regulation", "food.a")->source_version, 5);
  EXPECT_EQ(benchmarks_->Get("140200", "market_regulation", "food.a")->source_version, 1);
  EXPECT_FALSE(benchmarks_->Get("140300", "market_regulation", "food.a"));
}

TEST_F(BenchmarkStoreTest, ChangeAndPublicationDaysRoundTrip) {
  Upsert("140100", {Make("market_regulation", "food.a", 1)}, "2026-03-20");
  auto got = benchmarks_->Get("140100", "market_regulation", "food.a");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->changed_on, Day("2026-03-02"));
  EXPECT_EQ(got->published_on, Day("2026-03-20"));
  Upsert("140100", {Make("market_regulation", "food.a", 1)}, "2026-04-01");
  EXPECT_EQ(benchmarks_->Get("140100", "market_regulation", "food.a")->published_on, Day("2026-03-20"))
      << "an unchanged version is not published again";
}

TEST_F(BenchmarkStoreTest, RejectionIsKeptUntilAnAcceptedVersionClearsIt) {
  const std::string key = BenchmarkKey(Make("market_regulation", "food.a", 1));
  common::Rejection bad{"benchmark", key, 1, R"({"domain":"market_regulation"})", {{"benchmarks[0].tiers", "x"}},
                        "",          0};
  benchmarks_->UpsertBatch("140100", {}, {bad}, Day("2026-11-28"));
  auto kept = agencies_->ListRejections("140100", 0, 10);
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].kind, "benchmark");
  EXPECT_EQ(kept[0].key, "market_regulation/food.a");
  EXPECT_EQ(kept[0].violations, bad.violations);

  Upsert("140100", {Make("market_regulation", "food.b", 1)});
  EXPECT_EQ(agencies_->ListRejections("140100", 0, 10).size(), 1u) << "another key's acceptance leaves it";
  Upsert("140200", {Make("market_regulation", "food.a", 1)});
  EXPECT_EQ(agencies_->ListRejections("140100", 0, 10).size(), 1u) << "another city's acceptance leaves it";
  Upsert("140100", {Make("market_regulation", "food.a", 2)});
  EXPECT_TRUE(agencies_->ListRejections("140100", 0, 10).empty());
}

TEST_F(BenchmarkStoreTest, ListFiltersByCityAndDomainInKeyOrder) {
  Upsert("140100", {Make("market_regulation", "food.b", 1), Make("market_regulation", "food.a", 1),
                    Make("transport", "road.a", 1)});
  Upsert("140200", {Make("market_regulation", "food.a", 1)});

  auto all = benchmarks_->List({"", "", "", "", "", 10});
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0].city_code, "140100");
  EXPECT_EQ(all[0].violation_code, "food.a");
  EXPECT_EQ(all[1].violation_code, "food.b");
  EXPECT_EQ(all[2].domain, "transport");
  EXPECT_EQ(all[3].city_code, "140200");
  EXPECT_EQ(benchmarks_->List({"140100", "", "", "", "", 10}).size(), 3u);
  EXPECT_EQ(benchmarks_->List({"", "market_regulation", "", "", "", 10}).size(), 3u);
  auto one = benchmarks_->List({"140100", "transport", "", "", "", 10});
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].violation_code, "road.a");
  EXPECT_TRUE(benchmarks_->List({"140300", "", "", "", "", 10}).empty());
}

TEST_F(BenchmarkStoreTest, ListPagesAfterTheKeyOfThePreviousPagesLastTable) {
  Upsert("140100", {Make("market_regulation", "food.b", 1), Make("market_regulation", "food.a", 1),
                    Make("transport", "road.a", 1)});
  Upsert("140200", {Make("market_regulation", "food.a", 1)});

  auto first = benchmarks_->List({"", "", "", "", "", 2});
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[1].violation_code, "food.b");
  auto rest = benchmarks_->List({"", "", first[1].city_code, first[1].domain, first[1].violation_code, 10});
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_EQ(rest[0].domain, "transport");
  EXPECT_EQ(rest[1].city_code, "140200");
  // Within a filter, after a key the filter matches.
  auto market = benchmarks_->List({"", "market_regulation", "140100", "market_regulation", "food.b", 10});
  ASSERT_EQ(market.size(), 1u);
  EXPECT_EQ(market[0].city_code, "140200");
}

}  // namespace
}  // namespace gongkai::registry
