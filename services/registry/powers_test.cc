#include "services/registry/powers.h"

#include <gtest/gtest.h>

#include "common/calendar/iso_date.h"
#include "common/testing/dates.h"

namespace gongkai::registry {
namespace {

using gongkai::testing::Day;

PowersItem Valid() {
  PowersItem p;
  p.agency_credit_code = "11140100MB00001016";
  p.source_id = "QZ-001";
  p.source_version = 1;
  p.name = "对生产经营不符合食品安全标准食品的行政处罚";
  p.category = PowerCategory::kPenalty;
  p.legal_basis = {{"中华人民共和国食品安全法", 124, 1, 1}};
  p.responsibilities = "立案、调查、审查、告知、决定、送达、执行";
  p.accountability = "不履行或不正确履行职责的，依法追究责任";
  p.changed_on = Day("2026-03-02");
  return p;
}

TEST(PowersItemRules, ValidItemHasNoViolations) {
  EXPECT_TRUE(ValidatePowersItem(Valid(), "i", Day("2026-11-28")).empty());
}

TEST(PowersItemRules, NeedsLegalBasisDownToArticle) {
  PowersItem p = Valid();
  p.legal_basis = {{"中华人民共和国食品安全法", 0, 0, 0}};
  auto v = ValidatePowersItem(p, "items[0]", Day("2026-11-28"));
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].field, "items[0].legal_basis[0].article");
  p.legal_basis.clear();
  v = ValidatePowersItem(p, "items[0]", Day("2026-11-28"));
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].field, "items[0].legal_basis");
}

TEST(PowersItemRules, EveryContentRuleIsNamed) {
  PowersItem p = Valid();
  p.name = "";
  p.category = static_cast<PowerCategory>(0);
  p.responsibilities = "";
  p.accountability = "";
  p.changed_on = Day("2026-12-01");
  p.source_version = 0;
  std::vector<std::string> fields;
  for (const auto& x : ValidatePowersItem(p, "i", Day("2026-11-28"))) fields.push_back(x.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"i.name", "i.category", "i.responsibilities", "i.accountability",
                                              "i.changed_on", "i.source_version"}));
}

TEST(PowersFilterRules, AnyOrAKnownCategoryAndAShortKeyword) {
  const std::string agency = "11140100MB00001016";
  EXPECT_EQ(ValidatePowersFilter(0, "", ""), common::Violations{});
  EXPECT_EQ(ValidatePowersFilter(5, std::string(100, 'k'), ""), common::Violations{});
  EXPECT_EQ(ValidatePowersFilter(6, "", ""), (common::Violations{{"category", "unknown category"}}));
  EXPECT_EQ(ValidatePowersFilter(-1, "", ""), (common::Violations{{"category", "unknown category"}}));
  EXPECT_EQ(ValidatePowersFilter(1, std::string(101, 'k'), agency),
            (common::Violations{{"keyword", "at most 100 bytes"}}));
  EXPECT_EQ(ValidatePowersFilter(9, std::string(101, 'k'), agency),
            (common::Violations{{"category", "unknown category"}, {"keyword", "at most 100 bytes"}}));
}

// The trigram index needs three characters: a shorter keyword is taken only
// within one agency's list. Characters, not bytes: 许可证 is three.
TEST(PowersFilterRules, AKeywordOfFewerThanThreeCharactersNeedsAnAgency) {
  const std::string rule =
      "at least 3 characters, or fewer with agency_credit_code: a shorter keyword cannot use the search index";
  EXPECT_EQ(ValidatePowersFilter(0, "许可", ""), (common::Violations{{"keyword", rule}}));
  EXPECT_EQ(ValidatePowersFilter(0, "ab", ""), (common::Violations{{"keyword", rule}}));
  EXPECT_EQ(ValidatePowersFilter(0, "许", ""), (common::Violations{{"keyword", rule}}));
  EXPECT_EQ(ValidatePowersFilter(0, "许可", "11140100MB00001016"), common::Violations{});
  EXPECT_EQ(ValidatePowersFilter(0, "许可证", ""), common::Violations{});
  EXPECT_EQ(ValidatePowersFilter(0, "abc", ""), common::Violations{});
}

TEST(PowersFilterRules, AKeywordIsOneLineOfText) {
  EXPECT_EQ(ValidatePowersFilter(0, "许可\n证", ""),
            (common::Violations{{"keyword",
                                 "contains a control character (U+000A); line breaks and tabs only in long "
                                 "texts"}}));
}

// Each bound of powers.h is one violation of its field, named with the rule.
TEST(PowersItemRules, EveryFieldHasItsBound) {
  PowersItem p = Valid();
  p.name = std::string(500, 'n');
  p.source_id = std::string(64, 's');
  p.responsibilities = std::string(10'000, 'r');
  p.accountability = std::string(9'999, 'a') + "\n";
  p.legal_basis.assign(20, {"中华人民共和国食品安全法", 124, 1, 1});
  EXPECT_EQ(ValidatePowersItem(p, "i", Day("2026-11-28")), common::Violations{});

  p.name += "n";
  p.source_id += "s";
  p.responsibilities += "r";
  p.agency_credit_code += "X";
  EXPECT_EQ(ValidatePowersItem(p, "i", Day("2026-11-28")),
            (common::Violations{{"i.agency_credit_code", "at most 18 bytes (got 19)"},
                                {"i.source_id", "at most 64 bytes (got 65)"},
                                {"i.name", "at most 500 bytes (got 501)"},
                                {"i.responsibilities", "at most 10000 bytes (got 10001)"}}));
}

TEST(PowersItemRules, AnOverLongLegalBasisIsOneViolationOfTheList) {
  PowersItem p = Valid();
  p.legal_basis.assign(20'000, {"", 0, -1, -1});  // every provision broken too
  EXPECT_EQ(ValidatePowersItem(p, "items[0]", Day("2026-11-28")),
            (common::Violations{{"items[0].legal_basis", "at most 20 legal provisions (got 20000)"}}));
}

TEST(PowersItemRules, NamesAreOneLineWithoutControlCharacters) {
  PowersItem p = Valid();
  p.name = "行政\n检查";
  p.source_id = "QZ\t001";
  p.legal_basis[0].law = "食品\x01安全法";
  std::vector<std::string> fields;
  for (const auto& x : ValidatePowersItem(p, "i", Day("2026-11-28"))) fields.push_back(x.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"i.source_id", "i.name", "i.legal_basis[0].law"}));
}

// 随机抽查事项清单 lists inspection items only.
TEST(PowersItemRules, OnlyAnInspectionItemMayBeOnTheRandomCheckList) {
  PowersItem p = Valid();
  p.category = PowerCategory::kInspection;
  p.random_check = true;
  EXPECT_EQ(ValidatePowersItem(p, "items[2]", Day("2026-11-28")), common::Violations{});
  for (PowerCategory other :
       {PowerCategory::kLicensing, PowerCategory::kPenalty, PowerCategory::kCoercion, PowerCategory::kOther}) {
    p.category = other;
    EXPECT_EQ(ValidatePowersItem(p, "items[2]", Day("2026-11-28")),
              (common::Violations{
                  {"items[2].random_check", "only an item of category INSPECTION may be on the random-check list"}}))
        << static_cast<int>(other);
    p.random_check = false;
    EXPECT_EQ(ValidatePowersItem(p, "items[2]", Day("2026-11-28")), common::Violations{});
    p.random_check = true;
  }
}

TEST(PowersQueryRules, OneTo21AgenciesAndOneTo200SourceIds) {
  EXPECT_EQ(ValidatePowersQuery(1, 1), common::Violations{});
  EXPECT_EQ(ValidatePowersQuery(21, 200), common::Violations{});
  EXPECT_EQ(ValidatePowersQuery(0, 0), (common::Violations{{"agency_credit_codes", "at least one agency"},
                                                           {"source_ids", "at least one source id"}}));
  EXPECT_EQ(ValidatePowersQuery(22, 201), (common::Violations{{"agency_credit_codes", "at most 21 agencies (got 22)"},
                                                              {"source_ids", "at most 200 source ids (got 201)"}}));
}

}  // namespace
}  // namespace gongkai::registry
