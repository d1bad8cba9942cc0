#include "common/batch.h"

#include <gtest/gtest.h>

#include "common/errors.h"
#include "common/sql.h"

namespace gongkai::common {
namespace {

struct Item {
  std::string agency_credit_code;
};

// Any message serves as the raw form.
v1::RecordResult Raw() { return {}; }

TEST(BatchWrite, AnotherCitysAgencyRefusesTheWholeBatch) {
  google::protobuf::RepeatedPtrField<v1::RecordResult> results;
  const v1::RecordResult raw = Raw();
  BatchWrite<Item> batch("item", "items", &results);
  batch.Add(0, "a/1", 1, raw, {"A"}, {});
  batch.Add(1, "b/1", 1, raw, {"B"}, {});
  try {
    batch.CheckAgencies("140100", "items", [](const std::vector<std::string>&) {
      return std::map<std::string, std::string>{{"A", "140100"}, {"B", "140200"}};
    });
    FAIL() << "no error";
  } catch (const ServiceError& e) {
    EXPECT_EQ(e.code(), grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_NE(std::string(e.what()).find("140200"), std::string::npos);
  }
}

TEST(BatchWrite, AnUnknownAgencyRejectsOnlyItsRecord) {
  google::protobuf::RepeatedPtrField<v1::RecordResult> results;
  const v1::RecordResult raw = Raw();
  BatchWrite<Item> batch("item", "items", &results);
  batch.Add(0, "a/1", 1, raw, {"A"}, {});
  batch.Add(1, "x/1", 1, raw, {"X"}, {});
  batch.Add(2, "y/1", 1, raw, {"Y"}, {{"items[2].name", "required"}});
  std::vector<std::string> asked;
  batch.CheckAgencies("140100", "items", [&](const std::vector<std::string>& codes) {
    asked = codes;
    return std::map<std::string, std::string>{{"A", "140100"}};
  });
  // Records already invalid are not looked up.
  EXPECT_EQ(asked, (std::vector<std::string>{"A", "X"}));
  ASSERT_EQ(batch.Valid().size(), 1u);
  batch.Settle({UpsertOutcome::kAccepted});
  EXPECT_EQ(results[0].outcome(), v1::RecordResult::ACCEPTED);
  EXPECT_EQ(results[1].outcome(), v1::RecordResult::REJECTED);
  ASSERT_EQ(results[1].violations_size(), 1);
  EXPECT_EQ(results[1].violations(0).field(), "items[1].agency_credit_code");
  EXPECT_EQ(results[2].violations(0).field(), "items[2].name");
  EXPECT_EQ(batch.Rejected().size(), 2u);
}

TEST(RejectionsPage, ANegativeSizeOrAForgedTokenNamesTheField) {
  google::protobuf::RepeatedPtrField<v1::Rejection> out;
  auto list = [](int64_t, int) { return std::vector<Rejection>{}; };
  try {
    RejectionsPage(list, "", -1, &out);
    FAIL() << "no error";
  } catch (const ServiceError& e) {
    ASSERT_EQ(e.violations().size(), 1u);
    EXPECT_EQ(e.violations()[0].field, "page_size");
  }
  try {
    RejectionsPage(list, "Zm9yZ2Vk", 10, &out);
    FAIL() << "no error";
  } catch (const ServiceError& e) {
    ASSERT_EQ(e.violations().size(), 1u);
    EXPECT_EQ(e.violations()[0].field, "page_token");
  }
}

TEST(RejectionsPage, PagesNewestFirstByIdAndResumesBeforeTheLast) {
  std::vector<Rejection> stored;
  for (int id = 5; id >= 1; --id)
    stored.push_back({"item", std::string(1, 'k').append(std::to_string(id)), 1, "{}", {}, "", id});
  auto list = [&](int64_t before, int limit) {
    std::vector<Rejection> out;
    for (const auto& r : stored) {
      if ((before == 0 || r.id < before) && static_cast<int>(out.size()) < limit) out.push_back(r);
    }
    return out;
  };
  google::protobuf::RepeatedPtrField<v1::Rejection> first, second;
  std::string token = RejectionsPage(list, "", 3, &first);
  ASSERT_EQ(first.size(), 3);
  EXPECT_EQ(first[2].key(), "k3");
  EXPECT_EQ(RejectionsPage(list, token, 3, &second), "");
  ASSERT_EQ(second.size(), 2);
  EXPECT_EQ(second[0].key(), "k2");
}

TEST(ArrayLiteral, QuotesAndEscapes) {
  EXPECT_EQ(ArrayLiteral({}), "{}");
  EXPECT_EQ(ArrayLiteral({"a", ""}), "{\"a\",\"\"}");
  EXPECT_EQ(ArrayLiteral({"x\"y", "back\\slash", "com,ma", "{br}"}),
            "{\"x\\\"y\",\"back\\\\slash\",\"com,ma\",\"{br}\"}");
}

TEST(ArrayLiteral, ANulGoesAsItsEscapeText) { EXPECT_EQ(ArrayLiteral({std::string("x\0y", 3)}), "{\"x\\\\u0000y\"}"); }

TEST(EscapeNul, WritesEachNulAsTheSixCharactersOfItsJsonEscape) {
  EXPECT_EQ(EscapeNul(std::string("\0a\0\0", 4)), "\\u0000a\\u0000\\u0000");
  EXPECT_EQ(EscapeNul("货值 \t\n\\u0000"), "货值 \t\n\\u0000");
}

// A record as a city sends it: nested and repeated strings.
v1::Rejection RawWith(const std::string& facts, const std::string& description) {
  v1::Rejection raw;
  raw.set_key("k");
  raw.set_raw_json(facts);
  raw.add_violations()->set_field("clean");
  raw.add_violations()->set_description(description);
  return raw;
}

TEST(BatchWrite, ANulInAnyStringRejectsOnlyItsRecordNamingTheField) {
  const std::string nul(1, '\0');
  google::protobuf::RepeatedPtrField<v1::RecordResult> results;
  const v1::Rejection good = RawWith("fine", "fine");
  const v1::Rejection bad = RawWith("a" + nul, "b" + nul + "c");
  BatchWrite<Item> batch("item", "items", &results);
  batch.Add(0, "a/1", 1, good, {"A"}, {});
  batch.Add(1, "b/1", 1, bad, {"B"}, {{"items[1].other", "a rule of its own"}});
  std::vector<std::string> asked;
  batch.CheckAgencies("140100", "items", [&](const std::vector<std::string>& codes) {
    asked = codes;
    return std::map<std::string, std::string>{{"A", "140100"}, {"B", "140100"}};
  });
  EXPECT_EQ(asked, (std::vector<std::string>{"A"})) << "a record holding NUL reaches no store";
  ASSERT_EQ(batch.Valid().size(), 1u);
  batch.Settle({UpsertOutcome::kAccepted});
  EXPECT_EQ(results[0].outcome(), v1::RecordResult::ACCEPTED);
  ASSERT_EQ(results[1].outcome(), v1::RecordResult::REJECTED);
  ASSERT_EQ(results[1].violations_size(), 3);
  EXPECT_EQ(results[1].violations(0).field(), "items[1].other");
  EXPECT_EQ(results[1].violations(1).field(), "items[1].raw_json");
  EXPECT_EQ(results[1].violations(1).description(), kNoNulRule);
  EXPECT_EQ(results[1].violations(2).field(), "items[1].violations[1].description");

  const auto rejected = batch.Rejected();
  ASSERT_EQ(rejected.size(), 1u);
  EXPECT_EQ(rejected[0].key, "b/1");
  // The raw JSON holds the value as JSON escapes it, and no NUL byte.
  EXPECT_EQ(rejected[0].raw_json.find('\0'), std::string::npos);
  EXPECT_NE(rejected[0].raw_json.find(R"("raw_json":"a\u0000")"), std::string::npos) << rejected[0].raw_json;
}

}  // namespace
}  // namespace gongkai::common
