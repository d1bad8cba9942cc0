#include "common/rejections.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "common/testing/postgres.h"

namespace gongkai::common {
namespace {

// A schema with only the shared migrations, as a new service starts.
const MigrationSet& SharedOnly() {
  static const MigrationSet kSet = [] {
    MigrationSet set{"kit_test", {}};
    std::ifstream in(GONGKAI_SHARED_MIGRATION);
    std::stringstream sql;
    sql << in.rdbuf();
    set.migrations.push_back({1001, "1001_rejections.sql", sql.str()});
    return set;
  }();
  return kSet;
}

class RejectionLogTest : public ::testing::Test {
 protected:
  testing::TestDatabase db_;
  std::unique_ptr<PgPool> pool_ = db_.MigratedPool(SharedOnly());
  RejectionLog log_{*pool_};

  void Record(const std::vector<Rejection>& r, const std::string& city = "140100") {
    pool_->Run([&](pqxx::connection& c) {
      pqxx::work tx(c);
      log_.Record(tx, city, r);
      tx.commit();
    });
  }
  std::vector<Rejection> List(const std::string& city = "140100") {
    return pool_->Run([&](pqxx::connection& c) {
      pqxx::read_transaction tx(c);
      return log_.List(tx, city, 0, 100);
    });
  }
};

TEST_F(RejectionLogTest, KeepsTheRawRecordAndEveryViolation) {
  Record({{"officer", "14010000001", 3, R"({"name":"张三"})", {{"officers[0].name", "bad"}, {"x", "y"}}, "", 0}});
  auto rows = List();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].kind, "officer");
  EXPECT_EQ(rows[0].key, "14010000001");
  EXPECT_EQ(rows[0].source_version, 3);
  EXPECT_NE(rows[0].raw_json.find("张三"), std::string::npos);
  EXPECT_EQ(rows[0].violations, (Violations{{"officers[0].name", "bad"}, {"x", "y"}}));
  EXPECT_FALSE(rows[0].received_at.empty());
  EXPECT_TRUE(List("140200").empty());
}

TEST_F(RejectionLogTest, AResendReplacesAndAnAcceptedVersionClears) {
  Record({{"item", "a/1", 1, "{}", {{"f", "one"}}, "", 0}, {"item", "a/2", 1, "{}", {{"f", "two"}}, "", 0}});
  Record({{"item", "a/1", 2, "{}", {{"f", "three"}}, "", 0}});
  auto rows = List();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].key, "a/1");
  EXPECT_EQ(rows[0].source_version, 2);
  pool_->Run([&](pqxx::connection& c) {
    pqxx::work tx(c);
    log_.Clear(tx, "140100", "item", {"a/1", "a/2"});
    log_.Clear(tx, "140100", "item", {});
    tx.commit();
  });
  EXPECT_TRUE(List().empty());
}

}  // namespace
}  // namespace gongkai::common
