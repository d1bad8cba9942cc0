#include "services/registry/agency_store.h"

#include <gtest/gtest.h>

#include "common/calendar/iso_date.h"
#include "common/identifiers.h"
#include "common/testing/dates.h"
#include "common/testing/postgres.h"

namespace gongkai::registry {
namespace {

using gongkai::testing::Day;

const common::Date kToday = Day("2026-11-28");

std::string Code(int n, const std::string& area = "140100") {
  std::string first17 = "11" + area + std::string("MB") + std::to_string(1000000 + n).substr(0, 7);
  return first17 + common::CreditCodeCheckCharacter(first17);
}

Agency Make(int n, int64_t version, const std::string& area = "140105") {
  Agency a;
  a.credit_code = Code(n, area);
  a.name = "机构" + std::to_string(n);
  a.legal_representative = "李某";
  a.area_code = area;
  a.contact = "0351-0000000";
  a.domains = {"market_regulation", "transport"};
  a.valid_from = Day("2026-01-01");
  a.valid_until = Day("2028-12-31");
  a.source_version = version;
  return a;
}

class AgencyStoreTest : public ::testing::Test {
 protected:
  AgencyStoreTest()
      : pool_(db_.MigratedPool(gongkai_registry_migrations())), store_(std::make_unique<PgAgencyStore>(*pool_)) {}
  testing::TestDatabase db_;
  std::unique_ptr<common::PgPool> pool_;
  std::unique_ptr<PgAgencyStore> store_;
};

TEST_F(AgencyStoreTest, NewerVersionReplacesOlderNeverTheReverse) {
  auto r = store_->UpsertBatch("140100", {Make(1, 5)}, {}, kToday);
  ASSERT_EQ(r.outcomes.size(), 1u);
  EXPECT_EQ(r.outcomes[0], common::UpsertOutcome::kAccepted);

  Agency older = Make(1, 4);
  older.name = "旧名";
  EXPECT_EQ(store_->UpsertBatch("140100", {older}, {}, kToday).outcomes[0], common::UpsertOutcome::kUnchanged);
  EXPECT_EQ(store_->UpsertBatch("140100", {Make(1, 5)}, {}, kToday).outcomes[0], common::UpsertOutcome::kUnchanged);
  EXPECT_EQ(store_->Get(Make(1, 5).credit_code)->name, "机构1");

  Agency newer = Make(1, 6);
  newer.name = "新名";
  EXPECT_EQ(store_->UpsertBatch("140100", {newer}, {}, kToday).outcomes[0], common::UpsertOutcome::kAccepted);
  auto got = store_->Get(newer.credit_code);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->name, "新名");
  EXPECT_EQ(got->source_version, 6);
  EXPECT_EQ(got->city_code, "140100");
  EXPECT_EQ(got->domains, (std::vector<std::string>{"market_regulation", "transport"}));
}

TEST_F(AgencyStoreTest, AgencyOfAnotherCityIsNotOverwrittenAndNothingIsStored) {
  store_->UpsertBatch("140100", {Make(1, 1)}, {}, kToday);
  Agency hijack = Make(1, 9, "140202");
  hijack.credit_code = Make(1, 1).credit_code;
  auto r = store_->UpsertBatch("140200", {Make(2, 1, "140202"), hijack}, {}, kToday);
  ASSERT_EQ(r.foreign.size(), 1u);
  EXPECT_EQ(r.foreign[0], hijack.credit_code);
  EXPECT_FALSE(store_->Get(Make(2, 1, "140202").credit_code));
  EXPECT_EQ(store_->Get(hijack.credit_code)->source_version, 1);
}

TEST_F(AgencyStoreTest, RejectionsAreKeptAndClearedByAnAcceptedResend) {
  Rejection bad{"agency", Make(3, 1).credit_code, 1, R"({"credit_code":"x"})", {{"agencies[0].name", "required"}}, "",
                0};
  store_->UpsertBatch("140100", {}, {bad}, kToday);
  auto kept = store_->ListRejections("140100", 0, 10);
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].violations, bad.violations);
  EXPECT_EQ(kept[0].raw_json, R"({"credit_code": "x"})");
  EXPECT_TRUE(store_->ListRejections("140200", 0, 10).empty());

  store_->UpsertBatch("140100", {Make(3, 2)}, {}, kToday);
  EXPECT_TRUE(store_->ListRejections("140100", 0, 10).empty());
}

TEST_F(AgencyStoreTest, ListFiltersByCityAndDomainAndPages) {
  std::vector<Agency> taiyuan;
  for (int i = 0; i < 5; ++i) taiyuan.push_back(Make(10 + i, 1));
  store_->UpsertBatch("140100", taiyuan, {}, kToday);
  Agency datong = Make(20, 1, "140202");
  datong.domains = {"health"};
  store_->UpsertBatch("140200", {datong}, {}, kToday);

  EXPECT_EQ(store_->List({"140100", "", "", 100}).size(), 5u);
  EXPECT_EQ(store_->List({"", "health", "", 100}).size(), 1u);
  EXPECT_EQ(store_->List({"140200", "transport", "", 100}).size(), 0u);

  auto first = store_->List({"140100", "", "", 2});
  ASSERT_EQ(first.size(), 2u);
  auto rest = store_->List({"140100", "", first.back().credit_code, 100});
  EXPECT_EQ(rest.size(), 3u);
  EXPECT_GT(rest.front().credit_code, first.back().credit_code);
}

}  // namespace
}  // namespace gongkai::registry
