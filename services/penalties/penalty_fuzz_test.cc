// Property tests: random and hostile input, fixed seeds, so that a failure
// reproduces exactly. Each test runs well under a second.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "common/calendar/iso_date.h"
#include "common/identifiers.h"
#include "common/testing/utf8.h"
#include "services/penalties/penalty.h"

namespace gongkai::penalties {
namespace {

using Rng = std::mt19937_64;

const common::Date kToday{std::chrono::year{2026} / std::chrono::May / 20};
constexpr std::size_t kMegabyte = 1 << 20;

// ------------------------------------------------------------------ oracles, independent of penalty.cc

// The well-formed byte sequences of Unicode Table 3-7.
bool IsValidUtf8(std::string_view s) {
  std::size_t i = 0;
  const auto in = [&](std::size_t k, unsigned lo, unsigned hi) {
    return i + k < s.size() && static_cast<unsigned char>(s[i + k]) >= lo && static_cast<unsigned char>(s[i + k]) <= hi;
  };
  while (i < s.size()) {
    const unsigned c = static_cast<unsigned char>(s[i]);
    if (c <= 0x7F) {
      i += 1;
    } else if (c >= 0xC2 && c <= 0xDF && in(1, 0x80, 0xBF)) {
      i += 2;
    } else if (c == 0xE0 && in(1, 0xA0, 0xBF) && in(2, 0x80, 0xBF)) {
      i += 3;
    } else if (((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) && in(1, 0x80, 0xBF) && in(2, 0x80, 0xBF)) {
      i += 3;
    } else if (c == 0xED && in(1, 0x80, 0x9F) && in(2, 0x80, 0xBF)) {
      i += 3;
    } else if (c == 0xF0 && in(1, 0x90, 0xBF) && in(2, 0x80, 0xBF) && in(3, 0x80, 0xBF)) {
      i += 4;
    } else if (c >= 0xF1 && c <= 0xF3 && in(1, 0x80, 0xBF) && in(2, 0x80, 0xBF) && in(3, 0x80, 0xBF)) {
      i += 4;
    } else if (c == 0xF4 && in(1, 0x80, 0x8F) && in(2, 0x80, 0xBF) && in(3, 0x80, 0xBF)) {
      i += 4;
    } else {
      return false;
    }
  }
  return true;
}

// Code points of valid UTF-8: every byte that is not a continuation byte.
std::size_t CodePoints(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

std::vector<std::string> SplitCodePoints(std::string_view s) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) out.emplace_back();
    out.back() += s[i];
  }
  return out;
}

std::size_t Uniform(Rng& rng, std::size_t lo, std::size_t hi) {
  return std::uniform_int_distribution<std::size_t>(lo, hi)(rng);
}

bool Chance(Rng& rng, double p) { return std::bernoulli_distribution(p)(rng); }

// ------------------------------------------------------------------ generators

// Chinese text as city systems send it: CJK (some of it outside the BMP),
// Chinese punctuation, ASCII letters, digits and spaces; never blank.
std::string RandomText(Rng& rng, std::size_t code_points, bool multiline = false) {
  static const char32_t kPunctuation[] = {0xFF0C, 0x3002, 0xFF1B, 0xFF1A, 0x201C,
                                          0x201D, 0x3001, 0xFFE5, 0x3014, 0x3015};
  std::string out = testing::Utf8(0x4E00 + static_cast<char32_t>(Uniform(rng, 0, 0x51A5)));
  for (std::size_t i = 1; i < code_points; ++i) {
    const std::size_t kind = Uniform(rng, 0, 19);
    if (kind < 12) {
      out += testing::Utf8(0x4E00 + static_cast<char32_t>(Uniform(rng, 0, 0x51A5)));
    } else if (kind == 12) {
      out += testing::Utf8(0x20000 + static_cast<char32_t>(Uniform(rng, 0, 0xA6DF)));
    } else if (kind < 15) {
      out += testing::Utf8(kPunctuation[Uniform(rng, 0, std::size(kPunctuation) - 1)]);
    } else if (kind < 18) {
      out += static_cast<char>(Uniform(rng, 0x20, 0x7E));
    } else if (multiline) {
      out += kind == 18 ? '\n' : '\t';
    } else {
      out += testing::Utf8(0x3000);
    }
  }
  return out;
}

// Text of exactly `bytes` bytes, valid UTF-8.
std::string RandomTextOfBytes(Rng& rng, std::size_t bytes) {
  std::string out;
  while (out.size() + 4 <= bytes) out += RandomText(rng, 1);
  while (out.size() < bytes) out += 'a';
  return out;
}

std::string RandomBytes(Rng& rng, std::size_t n) {
  static const unsigned char kInteresting[] = {0x00, 0x01, 0x09, 0x0A, 0x0D, 0x1F, 0x20, 0x7F, 0x80,
                                               0x85, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0,
                                               0xE4, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xF8, 0xFE, 0xFF};
  std::string out;
  while (out.size() < n) {
    const std::size_t kind = Uniform(rng, 0, 3);
    if (kind == 0) {
      out += static_cast<char>(kInteresting[Uniform(rng, 0, std::size(kInteresting) - 1)]);
    } else if (kind == 1) {
      out += static_cast<char>(Uniform(rng, 0, 255));
    } else if (kind == 2) {
      out += static_cast<char>(Uniform(rng, 0x20, 0x7E));
    } else {
      char32_t cp = static_cast<char32_t>(Uniform(rng, 0x80, 0x10FFFF));
      if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;
      out += testing::Utf8(cp);
    }
  }
  return out;
}

// Byte sequences that are not UTF-8: overlong, surrogate, beyond U+10FFFF,
// stray continuation, lead bytes that never lead, truncated.
const std::vector<std::string>& InvalidSequences() {
  static const std::vector<std::string> kSequences = {"\xC0\x80",
                                                      "\xC1\xBF",
                                                      "\xE0\x80\x80",
                                                      "\xE0\x9F\xBF",
                                                      "\xF0\x80\x80\x80",
                                                      "\xF0\x8F\xBF\xBF",
                                                      "\xED\xA0\x80",
                                                      "\xED\xBF\xBF",
                                                      "\xF4\x90\x80\x80",
                                                      "\xF7\xBF\xBF\xBF",
                                                      "\x80",
                                                      "\xBF",
                                                      "\xF5",
                                                      "\xFF",
                                                      "\xFE",
                                                      "\xE4\xB8",
                                                      "\xF0\x9F\x98",
                                                      "\xC2"};
  return kSequences;
}

// A character the text rules forbid in a field with or without paragraphs.
char32_t RandomControl(Rng& rng, bool multiline) {
  for (;;) {
    const std::size_t kind = Uniform(rng, 0, 2);
    char32_t cp = kind == 0   ? static_cast<char32_t>(Uniform(rng, 0, 0x1F))
                  : kind == 1 ? 0x7F
                              : static_cast<char32_t>(Uniform(rng, 0x80, 0x9F));
    if (multiline && (cp == '\n' || cp == '\t')) continue;
    return cp;
  }
}

std::string CreditCode(const std::string& first17) { return first17 + common::CreditCodeCheckCharacter(first17); }
std::string CitizenId(const std::string& first17) { return first17 + common::CitizenIdCheckCharacter(first17); }

std::string RandomDigits(Rng& rng, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += static_cast<char>('0' + Uniform(rng, 0, 9));
  return out;
}

std::string RandomCitizenId(Rng& rng, int min_year = 1930, int max_year = 2005) {
  static const char* kAreas[] = {"140101", "140105", "110105", "440305", "650102", "310115"};
  char birth[16];
  std::snprintf(birth, sizeof birth, "%04d%02d%02d", static_cast<int>(Uniform(rng, min_year, max_year)),
                static_cast<int>(Uniform(rng, 1, 12)), static_cast<int>(Uniform(rng, 1, 28)));
  return CitizenId(std::string(kAreas[Uniform(rng, 0, std::size(kAreas) - 1)]) + birth + RandomDigits(rng, 3));
}

const std::string kAgency = CreditCode("11140100MB0000101");
const std::string kCompany = CreditCode("91140100MA0KABCD1");

PenaltyDecision BaseDecision() {
  PenaltyDecision d;
  d.agency_credit_code = kAgency;
  d.source_id = "TY-SJ-2026-000123";
  d.source_version = 1;
  d.decision_number = "晋太市监罚〔2026〕12号";
  d.domain = "market";
  d.party = {Party::Kind::kOrganization, "太原市某某食品有限公司", kCompany, "", false, "", ""};
  d.facts = "当事人销售超过保质期的食品，货值金额3200元。";
  d.violated = {{"中华人民共和国食品安全法", 34, 0, 10}};
  d.applied = {{"中华人民共和国食品安全法", 124, 1, 5}};
  d.result.fine_fen = 5'000'000;
  d.remedy = {"太原市人民政府", 60, "太原市迎泽区人民法院", 6};
  d.decision_date = common::ParseIsoDate("2026-04-15");
  d.severity = CreditSeverity::kGeneral;
  return d;
}

// Restricting liberty, so that every optional part of a measure is checked.
CoerciveMeasure BaseMeasure() {
  CoerciveMeasure m;
  m.agency_credit_code = kAgency;
  m.source_id = "TY-QZ-2026-0042";
  m.source_version = 1;
  m.document_number = "晋太公强〔2026〕4号";
  m.domain = "public_security";
  m.party = {Party::Kind::kNaturalPerson, "李四", "", CitizenId("14010119850315123"), false, "", ""};
  m.legal_basis = {{"中华人民共和国治安管理处罚法", 82, 0, 0}};
  m.type = MeasureType::kRestrictLiberty;
  m.object_name = "李某某";
  m.object_quantity = "1人";
  m.period_start = common::ParseIsoDate("2026-05-01");
  m.period_end = common::ParseIsoDate("2026-05-02");
  m.release_conditions = "期限届满即解除。";
  m.necessity_statement = "当事人有逃匿可能，确有必要。";
  m.remedy = {"太原市人民政府", 60, "太原市迎泽区人民法院", 6};
  return m;
}

template <typename Record>
struct TextField {
  const char* suffix;
  std::size_t limit;  // bytes, as the rule for this field says
  bool multiline;
  bool required;
  std::string& (*get)(Record&);
};

const std::vector<TextField<PenaltyDecision>>& DecisionTextFields() {
  using D = PenaltyDecision;
  static const std::vector<TextField<D>> kFields = {
      {".decision_number", 200, false, true, [](D& d) -> std::string& { return d.decision_number; }},
      {".domain", 200, false, true, [](D& d) -> std::string& { return d.domain; }},
      {".party.name", 200, false, true, [](D& d) -> std::string& { return d.party.name; }},
      {".party.address", 1000, false, false, [](D& d) -> std::string& { return d.party.address; }},
      {".party.phone", 200, false, false, [](D& d) -> std::string& { return d.party.phone; }},
      {".party.legal_representative", 200, false, false,
       [](D& d) -> std::string& { return d.party.legal_representative; }},
      {".facts", 20000, true, true, [](D& d) -> std::string& { return d.facts; }},
      {".violated[0].law", 500, false, true, [](D& d) -> std::string& { return d.violated[0].law; }},
      {".applied[0].law", 500, false, true, [](D& d) -> std::string& { return d.applied[0].law; }},
      {".result.other", 1000, false, false, [](D& d) -> std::string& { return d.result.other; }},
      {".remedy.review_body", 200, false, true, [](D& d) -> std::string& { return d.remedy.review_body; }},
      {".remedy.litigation_court", 200, false, true, [](D& d) -> std::string& { return d.remedy.litigation_court; }},
      {".legal_application_explanation", 20000, true, false,
       [](D& d) -> std::string& { return d.legal_application_explanation; }},
      {".benchmark_violation_code", 200, false, false, [](D& d) -> std::string& { return d.benchmark_violation_code; }},
  };
  return kFields;
}

const std::vector<TextField<CoerciveMeasure>>& MeasureTextFields() {
  using M = CoerciveMeasure;
  static const std::vector<TextField<M>> kFields = {
      {".document_number", 200, false, true, [](M& m) -> std::string& { return m.document_number; }},
      {".domain", 200, false, true, [](M& m) -> std::string& { return m.domain; }},
      {".party.name", 200, false, true, [](M& m) -> std::string& { return m.party.name; }},
      {".party.address", 1000, false, false, [](M& m) -> std::string& { return m.party.address; }},
      {".party.phone", 200, false, false, [](M& m) -> std::string& { return m.party.phone; }},
      {".legal_basis[0].law", 500, false, true, [](M& m) -> std::string& { return m.legal_basis[0].law; }},
      {".object_name", 200, false, true, [](M& m) -> std::string& { return m.object_name; }},
      {".object_quantity", 1000, false, true, [](M& m) -> std::string& { return m.object_quantity; }},
      {".release_conditions", 20000, true, true, [](M& m) -> std::string& { return m.release_conditions; }},
      {".necessity_statement", 20000, true, true, [](M& m) -> std::string& { return m.necessity_statement; }},
      {".remedy.review_body", 200, false, true, [](M& m) -> std::string& { return m.remedy.review_body; }},
      {".remedy.litigation_court", 200, false, true, [](M& m) -> std::string& { return m.remedy.litigation_court; }},
  };
  return kFields;
}

// A value the text rules must reject in a field of this shape.
std::string HostileText(Rng& rng, std::size_t limit, bool multiline, bool required) {
  for (;;) {
    switch (Uniform(rng, 0, 4)) {
      case 0: {  // one bad sequence in good text
        const auto& bad = InvalidSequences();
        return RandomText(rng, Uniform(rng, 1, 20), multiline) + bad[Uniform(rng, 0, bad.size() - 1)] +
               (Chance(rng, 0.5) ? RandomText(rng, Uniform(rng, 1, 20), multiline) : "");
      }
      case 1:  // one control character in good text
        return RandomText(rng, Uniform(rng, 1, 20), multiline) + testing::Utf8(RandomControl(rng, multiline)) +
               RandomText(rng, Uniform(rng, 1, 20), multiline);
      case 2: {  // random bytes, at least one of which is never UTF-8
        std::string bytes = RandomBytes(rng, Uniform(rng, 1, 64));
        bytes.insert(Uniform(rng, 0, bytes.size()), 1, '\xFF');
        return bytes;
      }
      case 3:  // just over the limit
        return RandomTextOfBytes(rng, limit + Uniform(rng, 1, 64));
      default:
        if (!required) continue;
        static const char* kBlanks[] = {"", " ", "\t", "\r\n", "\u3000", " \u3000\t"};
        return kBlanks[Uniform(rng, 0, std::size(kBlanks) - 1)];
    }
  }
}

bool Names(const common::Violations& violations, const std::string& field) {
  for (const auto& v : violations) {
    if (v.field == field) return true;
  }
  return false;
}

// Every violation under `path`, with a rule in words, all of it valid UTF-8
// (it travels as a proto string).
void ExpectWellFormed(const common::Violations& violations, const std::string& path) {
  for (const auto& v : violations) {
    EXPECT_EQ(v.field.rfind(path, 0), 0u) << v.field;
    EXPECT_FALSE(v.description.empty()) << v.field;
    EXPECT_TRUE(IsValidUtf8(v.field)) << v.field;
    EXPECT_TRUE(IsValidUtf8(v.description)) << v.field;
  }
}

// ------------------------------------------------------------------ validation

TEST(ValidationProperties, HostileDecisionFieldIsAlwaysNamed) {
  Rng rng(20260401);
  const auto& fields = DecisionTextFields();
  for (int i = 0; i < 4000; ++i) {
    const auto& field = fields[Uniform(rng, 0, fields.size() - 1)];
    PenaltyDecision d = BaseDecision();
    field.get(d) = HostileText(rng, field.limit, field.multiline, field.required);
    common::Violations v;
    EXPECT_NO_THROW(v = ValidateDecision(d, "decisions[9]", kToday));
    EXPECT_TRUE(Names(v, std::string("decisions[9]") + field.suffix)) << field.suffix << " " << i;
    ExpectWellFormed(v, "decisions[9]");
  }
}

TEST(ValidationProperties, HostileMeasureFieldIsAlwaysNamed) {
  Rng rng(20260402);
  const auto& fields = MeasureTextFields();
  for (int i = 0; i < 4000; ++i) {
    const auto& field = fields[Uniform(rng, 0, fields.size() - 1)];
    CoerciveMeasure m = BaseMeasure();
    field.get(m) = HostileText(rng, field.limit, field.multiline, field.required);
    common::Violations v;
    EXPECT_NO_THROW(v = ValidateMeasure(m, "measures[2]", kToday));
    EXPECT_TRUE(Names(v, std::string("measures[2]") + field.suffix)) << field.suffix << " " << i;
    ExpectWellFormed(v, "measures[2]");
  }
}

TEST(ValidationProperties, GoodChineseTextIsAccepted) {
  Rng rng(20260403);
  for (int i = 0; i < 2000; ++i) {
    const auto& dfield = DecisionTextFields()[Uniform(rng, 0, DecisionTextFields().size() - 1)];
    PenaltyDecision d = BaseDecision();
    // At least 12 bytes (a necessity statement needs 10), at most the limit.
    dfield.get(d) = RandomText(rng, Uniform(rng, 10, std::min<std::size_t>(dfield.limit, 600) / 4), dfield.multiline);
    EXPECT_EQ(ValidateDecision(d, "d", kToday), common::Violations{}) << dfield.suffix;
    const auto& mfield = MeasureTextFields()[Uniform(rng, 0, MeasureTextFields().size() - 1)];
    CoerciveMeasure m = BaseMeasure();
    mfield.get(m) = RandomText(rng, Uniform(rng, 10, std::min<std::size_t>(mfield.limit, 600) / 4), mfield.multiline);
    EXPECT_EQ(ValidateMeasure(m, "m", kToday), common::Violations{}) << mfield.suffix;
  }
}

TEST(ValidationProperties, Utf8VerdictMatchesTheUnicodeTable) {
  Rng rng(20260404);
  int invalid = 0;
  for (int i = 0; i < 5000; ++i) {
    PenaltyDecision d = BaseDecision();
    // Mostly good text with a few random bytes, so that both verdicts occur.
    d.facts = "事实" + RandomBytes(rng, Uniform(rng, 1, 6));
    const auto v = ValidateDecision(d, "d", kToday);
    bool said_invalid = false;
    for (const auto& x : v) said_invalid |= x.field == "d.facts" && x.description.rfind("not valid UTF-8", 0) == 0;
    EXPECT_EQ(said_invalid, !IsValidUtf8(d.facts)) << i;
    invalid += said_invalid;
  }
  EXPECT_GT(invalid, 500);
  EXPECT_LT(invalid, 4500);
}

TEST(ValidationProperties, MegabyteFieldsAreNamedQuickly) {
  Rng rng(20260405);
  const std::string ascii(kMegabyte, 'a');
  const std::string chinese = RandomTextOfBytes(rng, kMegabyte) + "\x01";
  for (const auto& field : DecisionTextFields()) {
    for (const std::string* huge : {&ascii, &chinese}) {
      PenaltyDecision d = BaseDecision();
      field.get(d) = *huge;
      const auto v = ValidateDecision(d, "d", kToday);
      EXPECT_TRUE(Names(v, std::string("d") + field.suffix)) << field.suffix;
    }
  }
  for (const auto& field : MeasureTextFields()) {
    CoerciveMeasure m = BaseMeasure();
    field.get(m) = chinese;
    EXPECT_TRUE(Names(ValidateMeasure(m, "m", kToday), std::string("m") + field.suffix)) << field.suffix;
  }
  // Identifiers and dates too.
  PenaltyDecision d = BaseDecision();
  d.agency_credit_code = d.source_id = d.party.credit_code = ascii;
  d.decision_date = common::ParseIsoDate(ascii);
  const auto v = ValidateDecision(d, "d", kToday);
  for (const char* f : {"d.agency_credit_code", "d.source_id", "d.party.credit_code", "d.decision_date"}) {
    EXPECT_TRUE(Names(v, f)) << f;
  }
  PenaltyDecision p = BaseDecision();
  p.party = {Party::Kind::kNaturalPerson, "张三", "", ascii, false, "", ""};
  EXPECT_TRUE(Names(ValidateDecision(p, "d", kToday), "d.party.id_number"));
}

TEST(ValidationProperties, RandomNumbersBreakExactlyTheirOwnRules) {
  Rng rng(20260406);
  std::uniform_int_distribution<int64_t> any64;
  std::uniform_int_distribution<int32_t> any32;
  const auto near = [&](int64_t centre) { return centre + static_cast<int64_t>(Uniform(rng, 0, 6)) - 3; };
  for (int i = 0; i < 3000; ++i) {
    PenaltyDecision d = BaseDecision();
    d.result.fine_fen = Chance(rng, 0.5) ? any64(rng) : near(Chance(rng, 0.5) ? 50'000'000 : 10'000'000'000'000);
    d.result.confiscation_fen = Chance(rng, 0.5) ? any64(rng) : near(0);
    d.result.suspension_days = Chance(rng, 0.5) ? any32(rng) : static_cast<int32_t>(near(Chance(rng, 0.5) ? 90 : 3650));
    d.remedy.review_days = Chance(rng, 0.5) ? any32(rng) : static_cast<int32_t>(near(Chance(rng, 0.5) ? 1 : 365));
    d.remedy.litigation_months = Chance(rng, 0.5) ? any32(rng) : static_cast<int32_t>(near(Chance(rng, 0.5) ? 1 : 24));
    d.source_version = Chance(rng, 0.5) ? any64(rng) : near(0);
    d.benchmark_tier = static_cast<int32_t>(near(3));
    const auto& r = d.result;
    // From the decision date 2026-04-15, 3 months is 2026-07-15: 91 days.
    const bool major = r.fine_fen > 50'000'000 || r.suspension_days > 91;
    const auto v = ValidateDecision(d, "d", kToday);
    EXPECT_EQ(Names(v, "d.result.fine_fen"), r.fine_fen < 0 || r.fine_fen > 10'000'000'000'000) << r.fine_fen;
    EXPECT_EQ(Names(v, "d.result.confiscation_fen"), r.confiscation_fen < 0 || r.confiscation_fen > 10'000'000'000'000);
    EXPECT_EQ(Names(v, "d.result.suspension_days"), r.suspension_days < 0 || r.suspension_days > 3650);
    EXPECT_EQ(Names(v, "d.remedy.review_days"), d.remedy.review_days < 1 || d.remedy.review_days > 365);
    EXPECT_EQ(Names(v, "d.remedy.litigation_months"),
              d.remedy.litigation_months < 1 || d.remedy.litigation_months > 24);
    EXPECT_EQ(Names(v, "d.source_version"), d.source_version <= 0);
    EXPECT_EQ(Names(v, "d.legal_application_explanation"), major);
    EXPECT_EQ(Names(v, "d.benchmark_tier"), d.benchmark_tier < (major ? 1 : 0) || d.benchmark_tier > 5);
    EXPECT_EQ(IsMajor(d), major);
  }
}

TEST(ValidationProperties, RandomDatesAreJudgedLikeTheCalendar) {
  Rng rng(20260407);
  for (int i = 0; i < 5000; ++i) {
    PenaltyDecision d = BaseDecision();
    const int year = static_cast<int>(Uniform(rng, 1985, 2030));
    const int month = static_cast<int>(Uniform(rng, 0, 13));
    const int day = static_cast<int>(Uniform(rng, 0, 32));
    char text[32];
    std::snprintf(text, sizeof text, "%04d-%02d-%02d", year, month, day);
    const std::string sent = Chance(rng, 0.9) ? std::string(text) : RandomBytes(rng, 10);
    d.decision_date = common::ParseIsoDate(sent);
    const std::chrono::year_month_day ymd{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                                          std::chrono::day{static_cast<unsigned>(day)}};
    const bool well_formed = sent == text && ymd.ok();
    const bool expected = !well_formed || std::chrono::sys_days{ymd} > kToday ||
                          std::chrono::sys_days{ymd} < std::chrono::sys_days{std::chrono::year{1990} / 1 / 1};
    EXPECT_EQ(Names(ValidateDecision(d, "d", kToday), "d.decision_date"), expected) << sent;
  }
}

TEST(ValidationProperties, MinorFlagFollowsTheBirthDate) {
  Rng rng(20260408);
  for (int i = 0; i < 3000; ++i) {
    PenaltyDecision d = BaseDecision();
    const std::string id = RandomCitizenId(rng, 2000, 2015);
    d.party = {Party::Kind::kNaturalPerson, "张三", "", id, false, "", ""};
    // 已满18周岁 from the day after the 18th birthday (birth days are 1-28, no leap-day case here).
    const std::string eighteenth =
        std::to_string(std::stoi(id.substr(6, 4)) + 18) + "-" + id.substr(10, 2) + "-" + id.substr(12, 2);
    const bool minor = *d.decision_date <= *common::ParseIsoDate(eighteenth);
    const auto v = ValidateDecision(d, "d", kToday);
    EXPECT_EQ(Names(v, "d.party.minor"), minor) << id;
    EXPECT_EQ(RetentionOf(d).publishable, !minor) << id;
    d.party.minor = true;
    EXPECT_FALSE(Names(ValidateDecision(d, "d", kToday), "d.party.minor"));
    EXPECT_FALSE(RetentionOf(d).publishable);
  }
}

TEST(ValidationProperties, WhollyRandomRecordsNeverCrash) {
  Rng rng(20260409);
  const auto text = [&]() {
    switch (Uniform(rng, 0, 3)) {
      case 0: return RandomBytes(rng, Uniform(rng, 0, 40));
      case 1: return RandomText(rng, Uniform(rng, 1, 30), true);
      case 2: return RandomDigits(rng, Uniform(rng, 0, 20));
      default: return std::string();
    }
  };
  std::uniform_int_distribution<int64_t> any64;
  std::uniform_int_distribution<int32_t> any32;
  for (int i = 0; i < 2000; ++i) {
    PenaltyDecision d;
    d.agency_credit_code = text();
    d.source_id = text();
    d.source_version = any64(rng);
    d.decision_number = text();
    d.domain = text();
    d.party = {static_cast<Party::Kind>(any32(rng) % 4), text(), text(), text(), Chance(rng, 0.5), text(), text()};
    d.facts = text();
    for (std::size_t k = Uniform(rng, 0, 3); k > 0; --k)
      d.violated.push_back({text(), any32(rng), any32(rng), any32(rng)});
    for (std::size_t k = Uniform(rng, 0, 3); k > 0; --k)
      d.applied.push_back({text(), any32(rng), any32(rng), any32(rng)});
    d.result = {Chance(rng, 0.5), any64(rng), any64(rng), any32(rng), Chance(rng, 0.5), text()};
    d.remedy = {text(), any32(rng), text(), any32(rng)};
    d.decision_date = common::ParseIsoDate(text());
    d.severity = static_cast<CreditSeverity>(any32(rng));
    d.legal_application_explanation = text();
    d.party.legal_representative = text();
    d.powers_item_source_id = text();
    for (std::size_t k = Uniform(rng, 0, 3); k > 0; --k) d.officers.push_back(text());
    d.benchmark_violation_code = text();
    d.benchmark_tier = any32(rng);
    common::Violations v;
    EXPECT_NO_THROW(v = ValidateDecision(d, "d", kToday));
    EXPECT_FALSE(v.empty());
    ExpectWellFormed(v, "d");
    EXPECT_NO_THROW(RetentionOf(d));
    EXPECT_NO_THROW(MaskParty(d.party));

    CoerciveMeasure m;
    m.agency_credit_code = text();
    m.source_id = text();
    m.source_version = any64(rng);
    m.document_number = text();
    m.domain = text();
    m.party = d.party;
    m.legal_basis = d.violated;
    m.type = static_cast<MeasureType>(any32(rng) % 7);
    m.object_name = text();
    m.object_quantity = text();
    m.period_start = common::ParseIsoDate(text());
    m.period_end = common::ParseIsoDate(text());
    m.release_conditions = text();
    m.necessity_statement = text();
    m.remedy = d.remedy;
    EXPECT_NO_THROW(v = ValidateMeasure(m, "m", kToday));
    EXPECT_FALSE(v.empty());
    ExpectWellFormed(v, "m");
  }
}

// 100 000 decisions, every 7th broken in one field: exactly the planted
// violations come back, and ten times the records take about ten times as long.
TEST(ValidationProperties, HugeBatchReturnsExactlyThePlantedViolations) {
  struct Breakage {
    const char* field;
    void (*apply)(PenaltyDecision&);
  };
  static const Breakage kBreakages[] = {
      {".facts", [](PenaltyDecision& d) { d.facts.clear(); }},
      {".party.credit_code", [](PenaltyDecision& d) { d.party.credit_code.back() ^= 1; }},
      {".result.fine_fen",
       [](PenaltyDecision& d) {
         d.result.fine_fen = -5;
         d.result.warning = true;  // still imposes something
       }},
      {".decision_date", [](PenaltyDecision& d) { d.decision_date = common::ParseIsoDate("2026-05-21"); }},
      {".party.name", [](PenaltyDecision& d) { d.party.name = "某\x01公司"; }},
      {".source_version", [](PenaltyDecision& d) { d.source_version = 0; }},
      {".legal_application_explanation",
       [](PenaltyDecision& d) {
         d.result.licence_revoked = true;
         d.benchmark_tier = 3;
       }},
      {".remedy.review_days", [](PenaltyDecision& d) { d.remedy.review_days = 0; }},
      {".applied[0].article", [](PenaltyDecision& d) { d.applied[0].article = 0; }},
      {".decision_number", [](PenaltyDecision& d) { d.decision_number = "\xC0\xAF"; }},
      {".severity", [](PenaltyDecision& d) { d.severity = CreditSeverity::kUnset; }},
  };
  const PenaltyDecision base = BaseDecision();
  const auto run = [&](int count) {
    Rng rng(20260410);
    int broken = 0;
    int violations = 0;
    for (int i = 0; i < count; ++i) {
      PenaltyDecision d = base;
      d.source_id = "TY-" + std::to_string(i);
      d.result.fine_fen = static_cast<int64_t>(Uniform(rng, 1, 50'000'000));
      d.facts = RandomText(rng, Uniform(rng, 10, 60), true);
      const std::string path = "decisions[" + std::to_string(i) + "]";
      const Breakage* breakage = nullptr;
      if (i % 7 == 0) {
        breakage = &kBreakages[(i / 7) % std::size(kBreakages)];
        breakage->apply(d);
        ++broken;
      }
      const auto v = ValidateDecision(d, path, kToday);
      violations += static_cast<int>(v.size());
      if (breakage == nullptr) {
        EXPECT_TRUE(v.empty()) << path << " " << (v.empty() ? "" : v[0].field);
      } else {
        EXPECT_EQ(v.size(), 1u) << path;
        if (!v.empty()) {
          EXPECT_EQ(v[0].field, path + breakage->field);
        }
      }
    }
    EXPECT_EQ(violations, broken);
    EXPECT_EQ(broken, (count + 6) / 7);
  };
  // Speed is measured in bench/, not asserted here.
  run(100'000);
}

// ------------------------------------------------------------------ numbers by rule

// Published text with no record's own data: what the rules alone mask. The
// inputs below are built of numbers and text, not addresses (these seeds give
// none), so the numbers are all the rules find in them.
std::string ByRule(const std::string& text) { return MaskPersonalData(text, {}); }

// What the number rules must catch in a digit run standing alone.
bool LooksSensitive(const std::string& run, bool check_x) {
  const std::size_t n = run.size();
  if (check_x) return n == 17;
  const auto mobile = [&](std::size_t at) { return n == at + 11 && run[at] == '1' && run[at + 1] >= '3'; };
  return n == 18 || n == 15 || (n >= 16 && n <= 19) || mobile(0) || (run.rfind("86", 0) == 0 && mobile(2)) ||
         (n >= 10 && n <= 12 && run[0] == '0');
}

bool IsAsciiAlnum(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

// Every ASCII digit run of the output that stands alone (not inside a longer
// alphanumeric run) and looks like an ID, phone or account number.
std::vector<std::string> SensitiveRunsLeft(const std::string& scrubbed) {
  // Fullwidth digits and letters are digits and letters: fold them to ASCII first.
  std::string out;
  for (std::size_t i = 0; i < scrubbed.size(); ++i) {
    if (scrubbed.compare(i, 2, "\xEF\xBC") == 0 && i + 2 < scrubbed.size()) {
      const unsigned c = static_cast<unsigned char>(scrubbed[i + 2]);
      if (c >= 0x90 && c <= 0x99) {
        out += static_cast<char>('0' + (c - 0x90));
        i += 2;
        continue;
      }
      if (c >= 0xA1 && c <= 0xBA) {
        out += static_cast<char>('A' + (c - 0xA1));
        i += 2;
        continue;
      }
    }
    if (scrubbed.compare(i, 2, "\xEF\xBD") == 0 && i + 2 < scrubbed.size()) {
      const unsigned c = static_cast<unsigned char>(scrubbed[i + 2]);
      if (c >= 0x81 && c <= 0x9A) {
        out += static_cast<char>('a' + (c - 0x81));
        i += 2;
        continue;
      }
    }
    out += scrubbed[i];
  }
  std::vector<std::string> found;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (!(out[i] >= '0' && out[i] <= '9') || (i > 0 && IsAsciiAlnum(out[i - 1]))) continue;
    std::size_t end = i;
    while (end < out.size() && out[end] >= '0' && out[end] <= '9') ++end;
    const std::string run = out.substr(i, end - i);
    const bool check_x = end < out.size() && (out[end] == 'X' || out[end] == 'x') &&
                         (end + 1 == out.size() || !IsAsciiAlnum(out[end + 1]));
    const bool alone = end == out.size() || !IsAsciiAlnum(out[end]);
    if ((alone && LooksSensitive(run, false)) || (check_x && LooksSensitive(run, true))) found.push_back(run);
    i = end;
  }
  return found;
}

std::string Separator(Rng& rng) { return Chance(rng, 0.5) ? " " : "-"; }

// A number the number rules must replace, in one of the shapes people write it.
std::string PlantedNumber(Rng& rng) {
  switch (Uniform(rng, 0, 9)) {
    case 0: return RandomCitizenId(rng);
    case 1: return RandomDigits(rng, 17) + (Chance(rng, 0.5) ? "X" : "x");
    case 2: return RandomDigits(rng, 15);
    case 3: return "1" + std::to_string(Uniform(rng, 3, 9)) + RandomDigits(rng, 9);
    case 4: {
      const std::string mobile = "1" + std::to_string(Uniform(rng, 3, 9)) + RandomDigits(rng, 9);
      const std::string sep = Separator(rng);
      return mobile.substr(0, 3) + sep + mobile.substr(3, 4) + sep + mobile.substr(7);
    }
    case 5:
      return "0" + RandomDigits(rng, Uniform(rng, 2, 3)) + (Chance(rng, 0.3) ? "" : Separator(rng)) +
             RandomDigits(rng, Uniform(rng, 7, 8));
    case 6: return RandomDigits(rng, Uniform(rng, 16, 19));
    case 7: {
      const std::string sep = Separator(rng);
      std::string out = RandomDigits(rng, 4);
      for (int g = 0; g < 3; ++g) out += sep + RandomDigits(rng, 4);
      if (Chance(rng, 0.5)) out += sep + RandomDigits(rng, Uniform(rng, 1, 3));
      return out;
    }
    case 8: {
      const std::string id = RandomCitizenId(rng);
      return id.substr(0, 6) + " " + id.substr(6, 8) + " " + id.substr(14);
    }
    default: {
      std::string wide;  // fullwidth digits
      for (char c : "1" + std::to_string(Uniform(rng, 3, 9)) + RandomDigits(rng, 9))
        wide += testing::Utf8(0xFF10 + (c - '0'));
      return wide;
    }
  }
}

std::string Stars(std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += "＊";
  return out;
}

TEST(ScrubProperties, PlantedNumbersAreReplacedAndEverythingElseKept) {
  Rng rng(20260411);
  for (int i = 0; i < 3000; ++i) {
    // Segments separated by Chinese text or punctuation, which ends a number.
    std::string input;
    std::string expected;
    std::vector<std::string> planted;
    for (std::size_t s = Uniform(rng, 1, 8); s > 0; --s) {
      std::string words = RandomText(rng, Uniform(rng, 1, 6));
      for (char& c : words) {  // ASCII letters and digits would join the number next to them
        if (IsAsciiAlnum(c)) c = ' ';
      }
      words = "，" + words + "。";
      input += words;
      expected += words;
      if (Chance(rng, 0.5)) {
        const std::string number = PlantedNumber(rng);
        planted.push_back(number);
        input += number;
        expected += Stars(CodePoints(number));
      } else {
        const std::string amount = RandomDigits(rng, Uniform(rng, 1, 8));  // too short to be anyone's number
        input += amount;
        expected += amount;
      }
    }
    const std::string out = ByRule(input);
    ASSERT_EQ(out, expected) << input;
    for (const std::string& number : planted) EXPECT_EQ(out.find(number), std::string::npos);
    EXPECT_EQ(SensitiveRunsLeft(out), std::vector<std::string>{}) << input;
  }
}

TEST(ScrubProperties, LoneDigitRunIsScrubbedExactlyWhenItLooksLikeAnIdPhoneOrAccount) {
  Rng rng(20260412);
  for (int i = 0; i < 5000; ++i) {
    std::string run = RandomDigits(rng, Uniform(rng, 1, 24));
    if (Chance(rng, 0.3)) run[0] = '0';
    if (Chance(rng, 0.3)) run[0] = '1';
    const bool check_x = Chance(rng, 0.1);
    const std::string token = run + (check_x ? "X" : "");
    const std::string input = "号码" + token + "，";
    const std::string out = ByRule(input);
    const std::string expected = LooksSensitive(run, check_x) ? "号码" + Stars(token.size()) + "，" : input;
    EXPECT_EQ(out, expected) << token;
  }
}

TEST(ScrubProperties, ValidTextStaysValidWithTheSameNumberOfCodePoints) {
  Rng rng(20260413);
  static const char* kPieces[] = {"1", "3",  "8",  "0",  "X",  "x",  " ",  "-",
                                  "a", "号", "〔", "＊", "１", "Ｘ", "－", "\u3000"};
  for (int i = 0; i < 5000; ++i) {
    std::string input;
    for (std::size_t k = Uniform(rng, 0, 60); k > 0; --k) {
      input += Chance(rng, 0.8) ? kPieces[Uniform(rng, 0, std::size(kPieces) - 1)] : RandomText(rng, 1);
    }
    const std::string out = ByRule(input);
    ASSERT_TRUE(IsValidUtf8(out)) << input;
    EXPECT_EQ(CodePoints(out), CodePoints(input)) << input;
    EXPECT_EQ(SensitiveRunsLeft(out), std::vector<std::string>{}) << input;
    // Only digits, X and separators are ever replaced.
    const auto in_points = SplitCodePoints(input);
    const auto out_points = SplitCodePoints(out);
    for (std::size_t k = 0; k < in_points.size(); ++k) {
      if (in_points[k] == out_points[k]) continue;
      EXPECT_EQ(out_points[k], "＊");
      EXPECT_NE(std::string_view("0123456789Xx -１Ｘ－\u3000").find(in_points[k]), std::string_view::npos)
          << in_points[k];
    }
  }
}

TEST(ScrubProperties, RandomBytesNeverCrashAndPassThrough) {
  Rng rng(20260414);
  for (int i = 0; i < 5000; ++i) {
    std::string input = RandomBytes(rng, Uniform(rng, 0, 120));
    if (Chance(rng, 0.5)) input.insert(Uniform(rng, 0, input.size()), PlantedNumber(rng));
    std::string out;
    EXPECT_NO_THROW(out = ByRule(input));
    if (IsValidUtf8(input)) {
      EXPECT_TRUE(IsValidUtf8(out));
      EXPECT_EQ(CodePoints(out), CodePoints(input));
    }
    // Without the stars, what is left came from the input in order.
    std::string rest = out;
    for (std::size_t p; (p = rest.find("＊")) != std::string::npos;) rest.erase(p, 3);
    std::size_t at = 0;
    for (char c : rest) {
      at = input.find(c, at);
      ASSERT_NE(at, std::string::npos);
      ++at;
    }
  }
}

TEST(ScrubProperties, MegabyteInputsAreScrubbedWhole) {
  Rng rng(20260415);
  std::string digits = RandomDigits(rng, kMegabyte);
  std::string groups;
  while (groups.size() < kMegabyte) groups += "1 ";  // the worst case for digit grouping
  std::string mixed;
  while (mixed.size() < kMegabyte) mixed += "当事人电话13812345678，罚款5000元；";
  EXPECT_EQ(ByRule(digits), digits);
  EXPECT_EQ(ByRule(groups), groups);
  const std::string out = ByRule(mixed);
  EXPECT_EQ(out.find("13812345678"), std::string::npos);
  EXPECT_EQ(CodePoints(out), CodePoints(mixed));
  const std::string bytes = RandomBytes(rng, kMegabyte);
  EXPECT_NO_THROW(ByRule(bytes));
}

// ------------------------------------------------------------------ masking

std::string RandomName(Rng& rng) {
  // Common name characters; no 某, which the mask itself writes.
  static const std::vector<std::string> kChars = SplitCodePoints(
      "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔"
      "钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤伟芳娜敏静丽强"
      "磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红𠮷");
  static const std::vector<std::string> kCompound = {"欧阳", "司马", "上官", "诸葛", "慕容", "令狐", "皇甫"};
  std::string name = Chance(rng, 0.3) ? kCompound[Uniform(rng, 0, kCompound.size() - 1)] : "";
  for (std::size_t k = Uniform(rng, name.empty() ? 2 : 1, 5); k > 0; --k)
    name += kChars[Uniform(rng, 0, kChars.size() - 1)];
  return name;
}

TEST(MaskProperties, NeitherFullNameNorIdMiddleDigitsArePublished) {
  Rng rng(20260416);
  for (int i = 0; i < 5000; ++i) {
    const std::string name = RandomName(rng);
    const std::string id = RandomCitizenId(rng);
    Party p{Party::Kind::kNaturalPerson,
            (Chance(rng, 0.2) ? " " : "") + name,
            "",
            id,
            Chance(rng, 0.1),
            RandomText(rng, 8),
            "13812345678"};
    if (Chance(rng, 0.3)) p.credit_code = CreditCode("92140100MA0KXY001");
    const Party masked = MaskParty(p);
    const std::string published =
        masked.name + "|" + masked.credit_code + "|" + masked.id_number + "|" + masked.address + "|" + masked.phone;
    EXPECT_EQ(published.find(name), std::string::npos) << name;
    EXPECT_EQ(published.find(id.substr(6, 8)), std::string::npos) << id;
    EXPECT_EQ(masked.id_number, id.substr(0, 6) + "********" + id.substr(14));
    EXPECT_EQ(masked.name.rfind(SplitCodePoints(name)[0], 0), 0u) << name;
    EXPECT_EQ(masked.name.substr(masked.name.size() - 6), "某某");
    EXPECT_EQ(masked.minor, p.minor);
    EXPECT_EQ(masked.kind, p.kind);
  }
}

TEST(MaskProperties, AnyInputGivesValidShortOutput) {
  Rng rng(20260417);
  for (int i = 0; i < 5000; ++i) {
    Party p{static_cast<Party::Kind>(Uniform(rng, 0, 3)),
            RandomBytes(rng, Uniform(rng, 0, 30)),
            RandomBytes(rng, 18),
            RandomBytes(rng, Uniform(rng, 0, 20)),
            Chance(rng, 0.5),
            RandomBytes(rng, 5),
            RandomBytes(rng, 5),
            "",
            RandomBytes(rng, Uniform(rng, 0, 30))};
    Party masked;
    EXPECT_NO_THROW(masked = MaskParty(p));
    EXPECT_TRUE(masked.address.empty() && masked.phone.empty());
    if (p.kind == Party::Kind::kOrganization) {
      EXPECT_EQ(masked.name, p.name);
      EXPECT_EQ(masked.legal_representative, p.legal_representative);
      continue;
    }
    if (p.kind == Party::Kind::kIndividualBusiness) {
      EXPECT_EQ(masked.name, p.name);
      EXPECT_EQ(masked.credit_code, p.credit_code);
      EXPECT_TRUE(IsValidUtf8(masked.legal_representative)) << p.legal_representative;
      EXPECT_LE(CodePoints(masked.legal_representative), 4u);
      EXPECT_TRUE(masked.id_number.empty());
      continue;
    }
    EXPECT_TRUE(masked.legal_representative.empty());
    EXPECT_TRUE(IsValidUtf8(masked.name)) << p.name;
    EXPECT_LE(CodePoints(masked.name), 4u);
    EXPECT_TRUE(IsValidUtf8(masked.id_number));
    EXPECT_TRUE(masked.credit_code.empty());
    if (p.id_number.size() == 18) {
      const bool all_stars = masked.id_number.find_first_not_of('*') == std::string::npos;
      EXPECT_TRUE(all_stars || masked.id_number.substr(6, 8) == "********") << masked.id_number;
    }
  }
}

// ------------------------------------------------------------------ dates

TEST(DateProperties, AddMonthsAgreesWithTheCalendar) {
  Rng rng(20260418);
  for (int i = 0; i < 5000; ++i) {
    using namespace std::chrono;
    const sys_days day = sys_days{2000y / January / 1} + days{static_cast<int>(Uniform(rng, 0, 20000))};
    const year_month_day ymd{day};
    const int months = static_cast<int>(Uniform(rng, 0, 800)) - 400;
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()));
    const year_month target = year_month{ymd.year(), ymd.month()} + std::chrono::months{months};
    const year_month_day_last last{target.year(), month_day_last{target.month()}};
    const year_month_day expected{target.year(), target.month(), std::min(ymd.day(), last.day())};
    char want[16];
    std::snprintf(want, sizeof want, "%04d-%02u-%02u", static_cast<int>(expected.year()),
                  static_cast<unsigned>(expected.month()), static_cast<unsigned>(expected.day()));
    EXPECT_EQ(common::FormatIsoDate(AddMonths(day, months)), want) << text << " + " << months;
  }
  // Any date of years -7600 to 11500, any number of months.
  for (int i = 0; i < 2000; ++i) {
    const common::Date day{std::chrono::days{static_cast<int>(Uniform(rng, 0, 7'000'000)) - 3'500'000}};
    EXPECT_NO_THROW(AddMonths(day, static_cast<int>(rng())));
  }
}

}  // namespace
}  // namespace gongkai::penalties
