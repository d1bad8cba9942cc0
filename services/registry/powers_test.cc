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
  EXPECT_EQ(ValidatePowersFilter(0, ""), common::Violations{});
  EXPECT_EQ(ValidatePowersFilter(5, std::string(100, 'k')), common::Violations{});
  EXPECT_EQ(ValidatePowersFilter(6, ""), (common::Violations{{"category", "unknown category"}}));
  EXPECT_EQ(ValidatePowersFilter(-1, ""), (common::Violations{{"category", "unknown category"}}));
  EXPECT_EQ(ValidatePowersFilter(1, std::string(101, 'k')), (common::Violations{{"keyword", "at most 100 bytes"}}));
  EXPECT_EQ(ValidatePowersFilter(9, std::string(101, 'k')),
            (common::Violations{{"category", "unknown category"}, {"keyword", "at most 100 bytes"}}));
}

}  // namespace
}  // namespace gongkai::registry
