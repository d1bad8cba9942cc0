#include "common/batch.h"

#include <gtest/gtest.h>

#include "common/errors.h"
#include "common/proto_strings.h"
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

// A store that holds `stored` (newest first by id) as RejectionLog::List
// reads it.
std::function<std::vector<Rejection>(int64_t, int)> ListOf(const std::vector<Rejection>& stored) {
  return [&stored](int64_t before, int limit) {
    std::vector<Rejection> out;
    for (const auto& r : stored) {
      if ((before == 0 || r.id < before) && static_cast<int>(out.size()) < limit) out.push_back(r);
    }
    return out;
  };
}

// A rejection of several megabytes (a 64 MiB city write can carry one) is
// listed with the first 128 KiB of its raw JSON, cut at a character, its
// size and the flag that says it was cut.
TEST(RejectionsPage, ARawRecordOfSeveralMegabytesIsListedCutWithItsSize) {
  std::string raw = "{\"facts\":\"" + std::string(kListedRawBytes - 12, 'a');
  while (raw.size() < 5'000'000) raw += "货值金额";  // three-byte characters across the cut
  raw += "\"}";
  std::vector<Rejection> stored = {{"decision", "k", 1, raw, {{"decisions[0].facts", "too long"}}, "", 1}};
  google::protobuf::RepeatedPtrField<v1::Rejection> out;
  EXPECT_EQ(RejectionsPage(ListOf(stored), "", 50, &out), "");
  ASSERT_EQ(out.size(), 1);
  EXPECT_TRUE(out[0].raw_truncated());
  EXPECT_EQ(out[0].raw_bytes(), static_cast<int64_t>(raw.size()));
  EXPECT_LE(out[0].raw_json().size(), kListedRawBytes);
  EXPECT_GT(out[0].raw_json().size(), kListedRawBytes - 3) << "cut at the last whole character";
  EXPECT_EQ(raw.compare(0, out[0].raw_json().size(), out[0].raw_json()), 0) << "the start of the record";
  EXPECT_EQ(out[0].violations_size(), 1);
  EXPECT_LT(out.Get(0).ByteSizeLong(), kMaxListedRejectionBytes);

  // A record that fits is listed whole.
  stored[0].raw_json = R"({"facts":"货值金额"})";
  google::protobuf::RepeatedPtrField<v1::Rejection> small;
  RejectionsPage(ListOf(stored), "", 50, &small);
  EXPECT_FALSE(small[0].raw_truncated());
  EXPECT_EQ(small[0].raw_json(), stored[0].raw_json);
  EXPECT_EQ(small[0].raw_bytes(), static_cast<int64_t>(stored[0].raw_json.size()));
}

// Fifty rejections of 200 kB each, listed cut at 128 KiB: every page stays
// within its budget (under 4 MB), ends before the rejection that would take
// it over, and the next page resumes there, so that every rejection is
// listed once.
TEST(RejectionsPage, APageEndsBeforeItsByteBudgetAndTheNextResumesThere) {
  const std::string raw(200'000, 'x');
  std::vector<Rejection> stored;
  for (int id = 50; id >= 1; --id)
    stored.push_back({"decision", std::string("k") + std::to_string(id), 1, raw, {}, "", id});
  std::vector<std::string> keys;
  std::string token;
  int pages = 0;
  do {
    google::protobuf::RepeatedPtrField<v1::Rejection> page;
    token = RejectionsPage(ListOf(stored), token, 500, &page);
    std::size_t bytes = 0;
    for (const auto& r : page) {
      keys.push_back(r.key());
      EXPECT_TRUE(r.raw_truncated());
      bytes += r.ByteSizeLong() + 5;
    }
    EXPECT_LE(bytes, kRejectionsPageBytes);
    EXPECT_GE(page.size(), 20);
    ++pages;
  } while (!token.empty());
  EXPECT_EQ(pages, 2);
  ASSERT_EQ(keys.size(), 50u);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(keys[i], std::string("k") + std::to_string(50 - i));
}

// Violations are listed while they fit in 16 KiB; the rest are counted, and
// a long key is cut as a rejection's is.
TEST(RejectionsPage, ViolationsBeyondTheirBudgetAreCountedAndALongKeyIsCut) {
  Violations many;
  for (int i = 0; i < 1000; ++i) many.push_back({"decisions[0].applied[" + std::to_string(i) + "].law", kNoNulRule});
  std::vector<Rejection> stored = {{"decision", std::string(10'000, 'k'), 1, "{}", many, "", 1}};
  google::protobuf::RepeatedPtrField<v1::Rejection> out;
  RejectionsPage(ListOf(stored), "", 50, &out);
  ASSERT_EQ(out.size(), 1);
  EXPECT_GT(out[0].violations_size(), 100);
  EXPECT_EQ(out[0].violations_size() + out[0].unlisted_violations(), 1000);
  EXPECT_EQ(out[0].violations(0).field(), "decisions[0].applied[0].law");
  std::size_t bytes = 0;
  for (const auto& v : out[0].violations()) bytes += v.ByteSizeLong() + 2;
  EXPECT_LE(bytes, kListedViolationsBytes);
  EXPECT_EQ(out[0].key(), std::string(kListedKeyBytes, 'k'));
}

TEST(CappedViolations, ARecordKeepsItsFirst99ViolationsAndACountOfTheRest) {
  Violations many;
  for (int i = 0; i < 20'000; ++i) many.push_back({"items[3].names[" + std::to_string(i) + "]", kNoNulRule});
  const Violations capped = CappedViolations(many, "items[3]");
  ASSERT_EQ(capped.size(), kMaxRecordViolations);
  EXPECT_EQ(capped[98], many[98]);
  EXPECT_EQ(capped[99], (FieldViolation{"items[3]", "and 19901 more violations (at most 100 are listed per record)"}));
  many.resize(kMaxRecordViolations);
  EXPECT_EQ(CappedViolations(many, "items[3]"), many) << "100 are kept as they are";
}

// A record whose every string holds NUL is answered and kept with 100
// violations, not one per string.
TEST(BatchWrite, ARecordBreakingThousandsOfRulesKeepsOneHundredViolations) {
  const std::string nul(1, '\0');
  v1::Rejection raw;
  for (int i = 0; i < 5'000; ++i) raw.add_violations()->set_field("f" + nul);
  google::protobuf::RepeatedPtrField<v1::RecordResult> results;
  BatchWrite<Item> batch("item", "items", &results);
  batch.Add(0, "a/1", 1, raw, {"A"}, {});
  batch.Settle({});
  ASSERT_EQ(results[0].outcome(), v1::RecordResult::REJECTED);
  EXPECT_EQ(results[0].violations_size(), static_cast<int>(kMaxRecordViolations));
  EXPECT_EQ(results[0].violations(99).field(), "items[0]");
  ASSERT_EQ(batch.Rejected().size(), 1u);
  EXPECT_EQ(batch.Rejected()[0].violations.size(), kMaxRecordViolations);
}

TEST(BatchWrite, ARepeatedKeyIsQuotedAsARejectionListsIt) {
  const v1::RecordResult raw = Raw();
  const std::string key(100'000, 'k');
  google::protobuf::RepeatedPtrField<v1::RecordResult> results;
  BatchWrite<Item> batch("item", "items", &results);
  batch.Add(0, key, 1, raw, {"A"}, {});
  batch.Add(1, key, 1, raw, {"A"}, {});
  batch.RejectRepeatedKeys("items");
  batch.Settle({UpsertOutcome::kAccepted});
  ASSERT_EQ(results[1].violations_size(), 1);
  EXPECT_EQ(results[1].violations(0).description(),
            "the same record (key " + std::string(kListedKeyBytes, 'k') + ") is already at index 0 of this batch");
}

TEST(ArrayLiteral, QuotesAndEscapes) {
  EXPECT_EQ(ArrayLiteral({}), "{}");
  EXPECT_EQ(ArrayLiteral({"a", ""}), "{\"a\",\"\"}");
  EXPECT_EQ(ArrayLiteral({"x\"y", "back\\slash", "com,ma", "{br}"}),
            "{\"x\\\"y\",\"back\\\\slash\",\"com,ma\",\"{br}\"}");
}

TEST(ArrayLiteral, ANulGoesAsItsEscapeText) { EXPECT_EQ(ArrayLiteral({std::string("x\0y", 3)}), "{\"x\\\\u0000y\"}"); }

TEST(ArrayLiteral, TheBuilderWritesTheSameLiteralAnItemAtATime) {
  EXPECT_EQ(ArrayLiteralBuilder().Literal(), "{}");
  const std::vector<std::string> items = {"",     "a",  "x\"y\"", "back\\slash\\",        "com,ma",
                                          "{br}", "\"", "货值",   std::string("\0x\0", 3)};
  ArrayLiteralBuilder builder;
  for (const std::string& item : items) builder.Add(item);
  EXPECT_EQ(builder.Literal(), ArrayLiteral(items));
  EXPECT_EQ(builder.Literal(),
            "{\"\",\"a\",\"x\\\"y\\\"\",\"back\\\\slash\\\\\",\"com,ma\",\"{br}\",\"\\\"\",\"货值\","
            "\"\\\\u0000x\\\\u0000\"}");
}

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
