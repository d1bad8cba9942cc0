#include "common/rejections.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/testing/postgres.h"

namespace gongkai::common {
namespace {

// The shared migrations (common/migrations) numbered up to `last`, in a
// schema of their own, as a new service starts.
MigrationSet SharedUpTo(int last) {
  MigrationSet set{"kit_test", {}};
  for (const auto& entry : std::filesystem::directory_iterator(GONGKAI_SHARED_MIGRATIONS_DIR)) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".sql") continue;
    const int version = std::stoi(name);
    if (version > last) continue;
    std::ifstream in(entry.path());
    std::stringstream sql;
    sql << in.rdbuf();
    set.migrations.push_back({version, name, sql.str()});
  }
  std::sort(set.migrations.begin(), set.migrations.end(),
            [](const Migration& a, const Migration& b) { return a.version < b.version; });
  return set;
}

const MigrationSet& SharedOnly() {
  static const MigrationSet kSet = SharedUpTo(9999);
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

// A key no compression shrinks: pseudo-random printable bytes.
std::string IncompressibleKey(std::size_t size, uint32_t seed) {
  std::string key;
  for (std::size_t i = 0; i < size; ++i) {
    seed = seed * 1103515245u + 12345u;
    key += static_cast<char>('!' + (seed >> 16) % 94);
  }
  return key;
}

TEST_F(RejectionLogTest, KeysOfAnySizeAreKeptAndClearedWhole) {
  // Over a B-tree entry's 2704 bytes, compressible or not.
  const std::string repeated(10'000, 'k');
  const std::string random = IncompressibleKey(100'000, 7);
  std::string random_sibling = random;
  random_sibling.back() = random.back() == 'x' ? 'y' : 'x';
  Record({{"item", repeated, 1, "{}", {{"f", "one"}}, "", 0},
          {"item", random, 1, "{}", {{"f", "two"}}, "", 0},
          {"item", random_sibling, 1, "{}", {{"f", "three"}}, "", 0}});
  ASSERT_EQ(List().size(), 3u);
  pool_->Run([&](pqxx::connection& c) {
    pqxx::work tx(c);
    log_.Clear(tx, "140100", "item", {random, repeated});
    tx.commit();
  });
  auto rows = List();
  ASSERT_EQ(rows.size(), 1u) << "only the cleared keys go";
  EXPECT_EQ(rows[0].violations, (Violations{{"f", "three"}}));
}

TEST_F(RejectionLogTest, KeepsARecordWhoseStringsHoldNul) {
  const std::string nul(1, '\0');
  // As RecordJson writes a record with U+0000: JSON's escape, which jsonb
  // refuses. The violation quotes the value, NUL and all, and so does the key.
  const std::string raw = R"({"source_id":"D\u00001","facts":"a\u0000b"})";
  const std::string key = "140100/D" + nul + "1";
  const Violations violations = {{"decisions[1].facts", "must not contain U+0000: a" + nul + "b"},
                                 {"decisions[1].source_id", "must not contain the NUL character (U+0000)"}};
  Record({{"decision", key, 1, raw, violations, "", 0}});
  // A resend replaces it.
  Record({{"decision", key, 2, raw, violations, "", 0}});
  // Raw JSON holding the byte itself is kept with JSON's escape of it.
  Record({{"decision", "140100/D2", 1, R"({"facts":"c)" + nul + R"(d"})", {{"decisions[0].facts", "x"}}, "", 0}});
  auto rows = List();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].raw_json, R"({"facts":"c\u0000d"})");
  EXPECT_EQ(rows[1].raw_json, raw);
  EXPECT_EQ(rows[1].violations, violations);
  EXPECT_EQ(rows[1].source_version, 2);
  EXPECT_EQ(rows[1].key, "140100/D\\u00001") << "the key's NUL is kept as the text \\u0000";
}

// A rejected record of several megabytes is kept whole; a list reads the
// first 128 KiB of it, cut at a character, and its whole size.
TEST_F(RejectionLogTest, AListReadsTheStartOfALargeRecordAndItsWholeSize) {
  std::string raw = "{\"facts\":\"ab";  // then three-byte characters, one of them across the cut
  while (raw.size() < 6'000'000) raw += "货值金额";
  raw += "\"}";
  const std::string key = "140100/" + std::string(1'000, 'D');
  Record({{"decision", key, 1, raw, {{"decisions[0].facts", "at most 20000 bytes (got 5999997)"}}, "", 0}});
  const auto kept = pool_->Run([&](pqxx::connection& c) {
    pqxx::read_transaction tx(c);
    return tx.exec_params("SELECT octet_length(raw), raw = $1 FROM kit_test.rejections", raw)[0];
  });
  EXPECT_EQ(kept[0].as<std::size_t>(), raw.size());
  EXPECT_TRUE(kept[1].as<bool>()) << "the table keeps every byte";

  auto rows = List();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].raw_bytes, static_cast<int64_t>(raw.size()));
  EXPECT_LE(rows[0].raw_json.size(), kListedRawBytes);
  EXPECT_GT(rows[0].raw_json.size(), kListedRawBytes - 3);
  EXPECT_EQ(raw.compare(0, rows[0].raw_json.size(), rows[0].raw_json), 0);
  EXPECT_EQ(rows[0].key, key.substr(0, kListedKeyBytes));
  EXPECT_EQ(rows[0].violations.size(), 1u);

  // A small one is read whole.
  Record({{"decision", "140100/D2", 1, R"({"facts":"货值"})", {{"decisions[0].x", "y"}}, "", 0}});
  rows = List();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].raw_json, R"({"facts":"货值"})");
  EXPECT_EQ(rows[0].raw_bytes, static_cast<int64_t>(rows[0].raw_json.size()));
}

TEST(Utf8Prefix, CutsAtTheLastWholeCharacter) {
  const std::string text = "ab货值";  // 2 + 3 + 3 bytes
  EXPECT_EQ(Utf8Prefix(text, 100), text);
  EXPECT_EQ(Utf8Prefix(text, 8), text);
  EXPECT_EQ(Utf8Prefix(text, 7), "ab货");
  EXPECT_EQ(Utf8Prefix(text, 6), "ab货");
  EXPECT_EQ(Utf8Prefix(text, 5), "ab货");
  EXPECT_EQ(Utf8Prefix(text, 4), "ab");
  EXPECT_EQ(Utf8Prefix(text, 2), "ab");
  EXPECT_EQ(Utf8Prefix(text, 0), "");
}

TEST(RejectionsMigration, RejectionsKeptAsJsonbBeforeKeepTheirContentAsText) {
  testing::TestDatabase db;
  ApplyMigrations(db.url(), SharedUpTo(1001));
  {
    pqxx::connection c(db.url());
    pqxx::work tx(c);
    tx.exec(
        "INSERT INTO kit_test.rejections (city_code, kind, record_key, source_version, raw, violations) VALUES "
        "('140100', 'agency', 'k', 1, '{\"name\":\"张三\"}', '[{\"field\":\"name\",\"description\":\"bad\"}]')");
    tx.commit();
  }
  auto pool = db.MigratedPool(SharedOnly());
  RejectionLog log(*pool);
  auto rows = pool->Run([&](pqxx::connection& c) {
    pqxx::read_transaction tx(c);
    return log.List(tx, "140100", 0, 10);
  });
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].raw_json, R"({"name": "张三"})");
  EXPECT_EQ(rows[0].violations, (Violations{{"name", "bad"}}));
}

}  // namespace
}  // namespace gongkai::common
