#include "common/proto_strings.h"

#include <google/protobuf/field_mask.pb.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/wrappers.pb.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "gongkai/common/v1/batch.pb.h"

namespace gongkai::common {
namespace {

const std::string kNul(1, '\0');

std::vector<std::pair<std::string, std::string>> Strings(const google::protobuf::Message& m, const std::string& path) {
  std::vector<std::pair<std::string, std::string>> out;
  ForEachString(m, path, [&](const std::string& at, std::string_view value) { out.emplace_back(at, value); });
  return out;
}

std::vector<std::string> Fields(const Violations& violations) {
  std::vector<std::string> out;
  for (const auto& v : violations) out.push_back(v.field);
  return out;
}

TEST(ForEachString, VisitsEveryStringThatIsSetWithItsPath) {
  v1::Rejection r;
  r.set_kind("decision");
  r.set_source_version(7);  // not a string
  auto* v = r.add_violations();
  v->set_field("f0");
  v = r.add_violations();
  v->set_description("d1");
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(Strings(r, "decisions[2]"), (Pairs{{"decisions[2].kind", "decision"},
                                               {"decisions[2].violations[0].field", "f0"},
                                               {"decisions[2].violations[1].description", "d1"}}));
  EXPECT_EQ(Strings(r, ""),
            (Pairs{{"kind", "decision"}, {"violations[0].field", "f0"}, {"violations[1].description", "d1"}}));
}

TEST(NulCharacterViolations, ACleanMessageHasNone) {
  v1::Rejection r;
  r.set_kind("decision");
  r.set_raw_json("{\"facts\":\"货值金额1200元\\n\"}");
  r.add_violations()->set_description("tab\tand line feed\n are not NUL");
  EXPECT_TRUE(NulCharacterViolations(r, "decisions[0]").empty());
}

TEST(NulCharacterViolations, NamesEveryStringHoldingNulAtAnyDepth) {
  v1::Rejection r;
  r.set_key("a" + kNul);
  r.set_raw_json(kNul);
  r.add_violations()->set_field("clean");
  auto* deep = r.add_violations();
  deep->set_field("x");
  deep->set_description("middle" + kNul + "of it");
  const auto found = NulCharacterViolations(r, "decisions[3]");
  EXPECT_EQ(Fields(found), (std::vector<std::string>{"decisions[3].key", "decisions[3].raw_json",
                                                     "decisions[3].violations[1].description"}));
  for (const auto& v : found) EXPECT_EQ(v.description, kNoNulRule);
}

TEST(NulCharacterViolations, RepeatedStringsAreNamedByIndex) {
  google::protobuf::FieldMask mask;
  mask.add_paths("a");
  mask.add_paths("b" + kNul);
  mask.add_paths(kNul);
  EXPECT_EQ(Fields(NulCharacterViolations(mask, "masks[0]")),
            (std::vector<std::string>{"masks[0].paths[1]", "masks[0].paths[2]"}));
}

TEST(NulCharacterViolations, MapKeysAndValuesAndWhatTheyNest) {
  google::protobuf::Struct s;
  (*s.mutable_fields())["clean"].set_string_value("ok");
  (*s.mutable_fields())["v"].set_string_value("x" + kNul);
  (*s.mutable_fields())["k" + kNul].set_number_value(1);
  auto* list = (*s.mutable_fields())["list"].mutable_list_value();
  list->add_values()->set_string_value("fine");
  (*list->add_values()->mutable_struct_value()->mutable_fields())["inner"].set_string_value(kNul);
  auto found = Fields(NulCharacterViolations(s, "s"));
  std::sort(found.begin(), found.end());
  // A key at the map's own path; a value at the entry's path, its key
  // written as a JSON string so that the path holds no NUL itself.
  EXPECT_EQ(found, (std::vector<std::string>{"s.fields",
                                             R"(s.fields["list"].list_value.values[1].struct_value.)"
                                             R"(fields["inner"].string_value)",
                                             R"(s.fields["v"].string_value)"}));
}

TEST(NulCharacterViolations, ANulInAMapKeyAloneIsFound) {
  google::protobuf::Struct s;
  (*s.mutable_fields())["k" + kNul].set_bool_value(true);
  EXPECT_EQ(Fields(NulCharacterViolations(s, "")), (std::vector<std::string>{"fields"}));
}

TEST(NulCharacterViolations, BytesAreNotStrings) {
  google::protobuf::BytesValue bytes;
  bytes.set_value("\x01" + kNul + "\xff");
  EXPECT_TRUE(NulCharacterViolations(bytes, "b").empty());
}

}  // namespace
}  // namespace gongkai::common
