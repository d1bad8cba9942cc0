#include "services/penalties/penalties_mapping.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/calendar/iso_date.h"

namespace gongkai::penalties {
namespace {

bool Names(const common::Violations& violations, const std::string& field, const std::string& description) {
  for (const auto& v : violations) {
    if (v.field == field && v.description == description) return true;
  }
  return false;
}

TEST(WireDates, ADateIsReadAndWrittenBackAsSent) {
  v1::PenaltyDecision decision;
  decision.set_decision_date("2026-04-15");
  EXPECT_EQ(DecisionFromProto(decision).decision_date, common::ParseIsoDate("2026-04-15"));
  v1::PenaltyDecision back;
  DecisionToProto(DecisionFromProto(decision), &back);
  EXPECT_EQ(back.decision_date(), "2026-04-15");

  v1::CoerciveMeasure measure;
  measure.set_period_start("2026-05-01");
  measure.set_period_end("2026-05-30");
  v1::CoerciveMeasure measure_back;
  MeasureToProto(MeasureFromProto(measure), &measure_back);
  EXPECT_EQ(measure_back.period_start(), "2026-05-01");
  EXPECT_EQ(measure_back.period_end(), "2026-05-30");
}

// The fields never published still travel both ways, so that the record as
// sent keeps them for the city and the province.
TEST(NeverPublished, ABankAccountAndMentionedPersonsAreReadAndWrittenBack) {
  v1::PenaltyDecision decision;
  decision.mutable_party()->set_bank_account("6222 0212 3456 7890 123");
  decision.add_mentioned_persons("王小明");
  decision.add_mentioned_persons("刘芳");
  const PenaltyDecision d = DecisionFromProto(decision);
  EXPECT_EQ(d.party.bank_account, "6222 0212 3456 7890 123");
  EXPECT_EQ(d.mentioned_persons, (std::vector<std::string>{"王小明", "刘芳"}));
  v1::PenaltyDecision back;
  DecisionToProto(d, &back);
  EXPECT_EQ(back.party().bank_account(), "6222 0212 3456 7890 123");
  ASSERT_EQ(back.mentioned_persons_size(), 2);
  EXPECT_EQ(back.mentioned_persons(0), "王小明");
  EXPECT_EQ(back.mentioned_persons(1), "刘芳");

  v1::CoerciveMeasure measure;
  measure.mutable_party()->set_bank_account("6217000012345678901");
  measure.add_mentioned_persons("郑磊");
  const CoerciveMeasure m = MeasureFromProto(measure);
  EXPECT_EQ(m.party.bank_account, "6217000012345678901");
  EXPECT_EQ(m.mentioned_persons, std::vector<std::string>{"郑磊"});
  v1::CoerciveMeasure measure_back;
  MeasureToProto(m, &measure_back);
  EXPECT_EQ(measure_back.party().bank_account(), "6217000012345678901");
  EXPECT_EQ(measure_back.mentioned_persons_size(), 1);
  EXPECT_EQ(measure_back.mentioned_persons(0), "郑磊");
}

// The individual business, the legal representative, the powers item and
// the officers travel both ways.
TEST(PartyAndCaseFields, AreReadAndWrittenBackAsSent) {
  v1::PenaltyDecision decision;
  decision.mutable_party()->set_kind(v1::Party::INDIVIDUAL_BUSINESS);
  decision.mutable_party()->set_legal_representative("张三");
  decision.set_powers_item_source_id("QL-CF-0001");
  decision.add_officers("14010020230001");
  decision.add_officers("14010020230002");
  const PenaltyDecision d = DecisionFromProto(decision);
  EXPECT_EQ(d.party.kind, Party::Kind::kIndividualBusiness);
  EXPECT_EQ(d.party.legal_representative, "张三");
  EXPECT_EQ(d.powers_item_source_id, "QL-CF-0001");
  EXPECT_EQ(d.officers, (std::vector<std::string>{"14010020230001", "14010020230002"}));
  v1::PenaltyDecision back;
  DecisionToProto(d, &back);
  EXPECT_EQ(back.party().kind(), v1::Party::INDIVIDUAL_BUSINESS);
  EXPECT_EQ(back.party().legal_representative(), "张三");
  EXPECT_EQ(back.powers_item_source_id(), "QL-CF-0001");
  ASSERT_EQ(back.officers_size(), 2);
  EXPECT_EQ(back.officers(1), "14010020230002");

  v1::CoerciveMeasure measure;
  measure.mutable_party()->set_legal_representative("李四");
  v1::CoerciveMeasure measure_back;
  MeasureToProto(MeasureFromProto(measure), &measure_back);
  EXPECT_EQ(measure_back.party().legal_representative(), "李四");
}

// A date a city sends that does not read as one is a violation of its field.
TEST(WireDates, AnUnreadableDateIsRejectedNamingItsField) {
  const common::Date today = *common::ParseIsoDate("2026-05-20");
  for (const std::string sent : {"", "2026/04/15", "2026-4-15", "2026-02-29", "soon"}) {
    v1::PenaltyDecision decision;
    decision.set_decision_date(sent);
    const PenaltyDecision d = DecisionFromProto(decision);
    EXPECT_EQ(d.decision_date, std::nullopt) << sent;
    EXPECT_TRUE(
        Names(ValidateDecision(d, "decisions[0]", today), "decisions[0].decision_date", "must be a date YYYY-MM-DD"))
        << sent;

    v1::CoerciveMeasure measure;
    measure.set_period_start(sent);
    measure.set_period_end(sent);
    const auto v = ValidateMeasure(MeasureFromProto(measure), "measures[0]", today);
    EXPECT_TRUE(Names(v, "measures[0].period_start", "must be a date YYYY-MM-DD")) << sent;
    EXPECT_TRUE(Names(v, "measures[0].period_end", "must be a date YYYY-MM-DD")) << sent;
  }
}

}  // namespace
}  // namespace gongkai::penalties
