#include "common/text.h"

#include <gtest/gtest.h>

namespace gongkai::common {
namespace {

TEST(Utf8, DecodesEachLength) {
  char32_t cp = 0;
  EXPECT_EQ(DecodeUtf8("a", 0, cp), 1u);
  EXPECT_EQ(cp, U'a');
  EXPECT_EQ(DecodeUtf8("\xC3\xA9", 0, cp), 2u);  // é
  EXPECT_EQ(cp, U'\u00E9');
  EXPECT_EQ(DecodeUtf8("x中", 1, cp), 3u);
  EXPECT_EQ(cp, U'中');
  EXPECT_EQ(DecodeUtf8("\xF0\x9F\x98\x80", 0, cp), 4u);
  EXPECT_EQ(cp, U'\U0001F600');
}

TEST(Utf8, RejectsWhatIsNotUtf8) {
  char32_t cp = 0;
  EXPECT_EQ(DecodeUtf8("\xC0\x80", 0, cp), 0u);          // overlong NUL
  EXPECT_EQ(DecodeUtf8("\xE0\x80\xAF", 0, cp), 0u);      // overlong '/'
  EXPECT_EQ(DecodeUtf8("\xED\xA0\x80", 0, cp), 0u);      // surrogate U+D800
  EXPECT_EQ(DecodeUtf8("\xF4\x90\x80\x80", 0, cp), 0u);  // beyond U+10FFFF
  EXPECT_EQ(DecodeUtf8("\x80", 0, cp), 0u);              // stray continuation
  EXPECT_EQ(DecodeUtf8("\xE4\xB8", 0, cp), 0u);          // truncated
}

TEST(Blank, WhitespaceAndIdeographicSpace) {
  EXPECT_TRUE(IsBlank(""));
  EXPECT_TRUE(IsBlank(" \t\r\n"));
  EXPECT_TRUE(IsBlank("\xE3\x80\x80 \xE3\x80\x80"));
  EXPECT_FALSE(IsBlank(" a "));
  EXPECT_FALSE(IsBlank("\xE3\x80"));  // a truncated U+3000 is not blank
  EXPECT_EQ(TrimBlank("\xE3\x80\x80 张三\n"), "张三");
  EXPECT_EQ(TrimBlank(" \xE3\x80\x80 "), "");
}

TEST(PrintableAscii, NoSpacesControlsOrNonAscii) {
  EXPECT_TRUE(IsPrintableAscii("91140100MA0KABCD1X"));
  EXPECT_TRUE(IsPrintableAscii(""));
  EXPECT_FALSE(IsPrintableAscii("a b"));
  EXPECT_FALSE(IsPrintableAscii("ab\x7F"));
  EXPECT_FALSE(IsPrintableAscii("中"));
}

TEST(TextRules, RequiredBlankIsOnlyRequired) {
  Violations out;
  EXPECT_FALSE(CheckText(out, "name", " \r ", kNameText, Presence::kRequired));
  EXPECT_EQ(out, (Violations{{"name", "required"}}));
}

TEST(TextRules, OptionalEmptyPasses) {
  Violations out;
  EXPECT_TRUE(CheckText(out, "phone", "", kNameText, Presence::kOptional));
  EXPECT_TRUE(out.empty());
}

TEST(TextRules, ParagraphsOnlyInLongText) {
  Violations out;
  EXPECT_TRUE(CheckText(out, "facts", "一。\n\t二。", kLongText, Presence::kRequired));
  EXPECT_TRUE(out.empty());
  EXPECT_FALSE(CheckText(out, "name", "一\n二", kNameText, Presence::kRequired));
  EXPECT_EQ(out,
            (Violations{{"name", "contains a control character (U+000A); line breaks and tabs only in long texts"}}));
}

TEST(TextRules, LengthIsInBytes) {
  Violations out;
  EXPECT_TRUE(CheckText(out, "other", std::string(1000, 'a'), kPlainText, Presence::kOptional));
  // 67 ideographs are 201 bytes.
  std::string name;
  for (int i = 0; i < 67; ++i) name += "中";
  EXPECT_FALSE(CheckText(out, "name", name, kNameText, Presence::kRequired));
  EXPECT_EQ(out, (Violations{{"name", "at most 200 bytes (got 201)"}}));
}

TEST(TextRules, ReportsTheFirstBadByteAndTheFirstControl) {
  Violations out;
  CheckTextContent(out, "f", "ab\x85\x01\xFF\x02", false);
  EXPECT_EQ(out, (Violations{{"f", "not valid UTF-8 (first bad byte at offset 2)"},
                             {"f", "contains a control character (U+0001)"}}));
  out.clear();
  CheckTextContent(out, "f", "a\xC2\x85", true);  // NEL, a C1 control
  EXPECT_EQ(out, (Violations{{"f", "contains a control character (U+0085)"}}));
}

TEST(Blank, AsciiBlankIsOnlySpacesTabsAndLineBreaks) {
  EXPECT_TRUE(IsAsciiBlank(""));
  EXPECT_TRUE(IsAsciiBlank(" \t\r\n"));
  EXPECT_FALSE(IsAsciiBlank("\xE3\x80\x80"));  // U+3000 counts for IsBlank, not here
  EXPECT_TRUE(IsBlank("\xE3\x80\x80"));
  EXPECT_FALSE(IsAsciiBlank(" a "));
}

}  // namespace
TEST(Csv, AFieldIsQuotedOnlyWhenItHoldsACommaAQuoteOrALineBreak) {
  EXPECT_EQ(CsvField("太原市某某食品有限公司"), "太原市某某食品有限公司");
  EXPECT_EQ(CsvField(""), "");
  EXPECT_EQ(CsvField("甲,乙"), "\"甲,乙\"");
  EXPECT_EQ(CsvField("他说\"是\""), "\"他说\"\"是\"\"\"");
  EXPECT_EQ(CsvField("甲\r\n乙"), "\"甲\r\n乙\"");
  EXPECT_EQ(CsvField("5.5"), "5.5");
  EXPECT_EQ(CsvField("a=b"), "a=b") << "only a formula's first character counts";
}

TEST(Csv, AFieldASpreadsheetWouldRunAsAFormulaIsPrefixedAndQuoted) {
  EXPECT_EQ(CsvField("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
  EXPECT_EQ(CsvField("+1"), "\"'+1\"");
  EXPECT_EQ(CsvField("-2+3"), "\"'-2+3\"");
  EXPECT_EQ(CsvField("@SUM(A1)"), "\"'@SUM(A1)\"");
  EXPECT_EQ(CsvField("\tx"), "\"'\tx\"");
  EXPECT_EQ(CsvField("\rx"), "\"'\rx\"");
}

}  // namespace gongkai::common
