#include "services/requests/consultation.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "common/calendar/iso_date.h"

namespace gongkai::requests {
namespace {

using common::Violations;

constexpr common::Date kToday = std::chrono::year(2026) / std::chrono::May / 20;

// A date field as the mapping reads it from the wire: nullopt unless a date YYYY-MM-DD.
std::optional<common::Date> AsSent(const char* iso) { return common::ParseIsoDate(iso); }

std::vector<std::string> Fields(const Violations& v) {
  std::vector<std::string> fields;
  for (const auto& violation : v) fields.push_back(violation.field);
  return fields;
}

Consultation ValidConsultation() {
  Consultation c;
  c.asked_on = AsSent("2026-05-18");
  c.channel_set = true;
  c.question = "行政处罚决定书在哪里可以查询？";
  c.contact = "13800001111";
  return c;
}

TEST(ConsultationRules, ValidConsultationPasses) {
  EXPECT_EQ(ValidateConsultation(ValidConsultation(), kToday), Violations{});
  Consultation no_contact = ValidConsultation();
  no_contact.contact.clear();
  EXPECT_EQ(ValidateConsultation(no_contact, kToday), Violations{});
}

TEST(ConsultationRules, EmptyConsultationNamesEveryMissingField) {
  EXPECT_EQ(Fields(ValidateConsultation(Consultation{}, kToday)),
            (std::vector<std::string>{"asked_on", "channel", "question"}));
}

TEST(ConsultationRules, AskedOnIsADateNotAfterToday) {
  Consultation c = ValidConsultation();
  c.asked_on = AsSent("2026-02-30");
  EXPECT_EQ(ValidateConsultation(c, kToday), (Violations{{"asked_on", "must be a date YYYY-MM-DD"}}));
  c.asked_on = AsSent("2026-05-21");
  EXPECT_EQ(ValidateConsultation(c, kToday), (Violations{{"asked_on", "must not be in the future"}}));
  c.asked_on = AsSent("2026-05-20");
  EXPECT_EQ(ValidateConsultation(c, kToday), Violations{});
}

TEST(ConsultationRules, QuestionIsNotBlankAndAtMost20000Bytes) {
  Consultation c = ValidConsultation();
  c.question = " \t\r\n";
  EXPECT_EQ(ValidateConsultation(c, kToday), (Violations{{"question", "required"}}));
  c.question = std::string(20000, 'q');
  EXPECT_EQ(ValidateConsultation(c, kToday), Violations{});
  c.question = std::string(20001, 'q');
  EXPECT_EQ(ValidateConsultation(c, kToday), (Violations{{"question", "at most 20000 bytes"}}));
}

TEST(ConsultationRules, ContactIsAtMost500Bytes) {
  Consultation c = ValidConsultation();
  c.contact = std::string(500, 'c');
  EXPECT_EQ(ValidateConsultation(c, kToday), Violations{});
  c.contact = std::string(501, 'c');
  EXPECT_EQ(ValidateConsultation(c, kToday), (Violations{{"contact", "at most 500 bytes"}}));
}

TEST(ConsultationRules, QuestionAndContactAreTextWithoutControlCharacters) {
  Consultation c = ValidConsultation();
  c.question = "第一段\n第二段\t完";
  EXPECT_EQ(ValidateConsultation(c, kToday), Violations{}) << "a question may hold paragraphs";
  c.question = "问\x1b题";
  c.contact = "电话\n0351";
  EXPECT_EQ(
      ValidateConsultation(c, kToday),
      (Violations{{"question", "contains a control character (U+001B)"},
                  {"contact", "contains a control character (U+000A); line breaks and tabs only in long texts"}}));
}

TEST(AnswerRules, ValidAnswerPasses) {
  EXPECT_EQ(ValidateAnswer({AsSent("2026-05-20"), "可在省政务公开平台查询。"}, kToday), Violations{});
}

TEST(AnswerRules, AnsweredOnIsADateNotAfterToday) {
  EXPECT_EQ(ValidateAnswer({AsSent(""), "答复"}, kToday), (Violations{{"answered_on", "must be a date YYYY-MM-DD"}}));
  EXPECT_EQ(ValidateAnswer({AsSent("2026-05-21"), "答复"}, kToday),
            (Violations{{"answered_on", "must not be in the future"}}));
}

TEST(AnswerRules, AnswerIsNotBlankAndAtMost20000Bytes) {
  EXPECT_EQ(ValidateAnswer({AsSent("2026-05-20"), "\n "}, kToday), (Violations{{"answer", "required"}}));
  EXPECT_EQ(ValidateAnswer({AsSent("2026-05-20"), std::string(20000, 'a')}, kToday), Violations{});
  EXPECT_EQ(ValidateAnswer({AsSent("2026-05-20"), std::string(20001, 'a')}, kToday),
            (Violations{{"answer", "at most 20000 bytes"}}));
}

TEST(AnswerRules, AnswerIsTextWithoutControlCharacters) {
  EXPECT_EQ(ValidateAnswer({AsSent("2026-05-20"), std::string("答\0复", 7)}, kToday),
            (Violations{{"answer", "contains a control character (U+0000)"}}));
}

TEST(AnswerRules, AnswerIsNotDatedBeforeTheQuestion) {
  const common::Date asked = std::chrono::year(2026) / std::chrono::May / 18;
  EXPECT_EQ(CheckAnswerDate(asked, asked), Violations{});
  EXPECT_EQ(CheckAnswerDate(asked + std::chrono::days(1), asked), Violations{});
  EXPECT_EQ(CheckAnswerDate(asked - std::chrono::days(1), asked),
            (Violations{{"answered_on", "must not be before asked_on"}}));
}

}  // namespace
}  // namespace gongkai::requests
