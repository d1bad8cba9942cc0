#include "common/personal_data.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <optional>

#include "common/text.h"

namespace gongkai::common {
namespace {

using common::DecodeUtf8;

constexpr char32_t kInvalidByte = 0xFFFFFFFF;  // a byte that is not UTF-8
constexpr char kStar[] = "＊";
constexpr std::size_t kNoUnit = static_cast<std::size_t>(-1);

// ---------------------------------------------------------------- text as code points

struct Unit {
  char32_t cp;  // kInvalidByte for a byte that is not UTF-8
  std::size_t offset;
  std::size_t size;
};
using Units = std::vector<Unit>;

Units Decode(std::string_view text) {
  Units units;
  units.reserve(text.size());
  for (std::size_t pos = 0; pos < text.size();) {
    char32_t cp = 0;
    const std::size_t length = DecodeUtf8(text, pos, cp);
    if (length == 0) {
      units.push_back({kInvalidByte, pos, 1});  // passed through as it came
      ++pos;
    } else {
      units.push_back({cp, pos, length});
      pos += length;
    }
  }
  return units;
}

// ---------------------------------------------------------------- blanks

// The Unicode White_Space characters that end a line.
bool IsLineBreak(char32_t cp) { return (cp >= 0x0A && cp <= 0x0D) || cp == 0x85 || cp == 0x2028 || cp == 0x2029; }

// Unicode White_Space: spaces of every width, tabs, line breaks.
bool IsWhiteSpace(char32_t cp) {
  if (cp > 0x3000) return false;  // most of Chinese text, at one comparison
  return cp == '\t' || cp == ' ' || IsLineBreak(cp) || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
         cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

// Characters that show nothing (Unicode Default_Ignorable_Code_Point): a soft
// hyphen, zero-width spaces, joiners and direction marks, word joiners,
// Hangul fillers, variation selectors, a byte-order mark, tags. Free text may
// carry them anywhere (common::CheckText refuses only control characters).
bool IsInvisible(char32_t cp) {
  // None below U+00AD or in U+3165-U+FDFF (which holds the CJK ideographs):
  // ASCII and most of Chinese text are answered here.
  if (cp < 0xAD || (cp > 0x3164 && cp < 0xFE00)) return false;
  return cp == 0xAD || cp == 0x34F || cp == 0x61C || cp == 0x115F || cp == 0x1160 || cp == 0x17B4 || cp == 0x17B5 ||
         (cp >= 0x180B && cp <= 0x180F) || (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2060 && cp <= 0x206F) || cp == 0x3164 || (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFEFF ||
         cp == 0xFFA0 || (cp >= 0x1BCA0 && cp <= 0x1BCA3) || (cp >= 0x1D173 && cp <= 0x1D17A) ||
         (cp >= 0xE0000 && cp <= 0xE0FFF);
}

// What names, the record's own strings and addresses are read through, inside
// them and around them: white space and invisible characters.
bool IsMatchBlank(char32_t cp) { return IsWhiteSpace(cp) || IsInvisible(cp); }

// A part of the text to mask: units [begin, end). `person` is the index of
// the person whose masked name replaces it, or -1 for ＊ per character.
struct Span {
  std::size_t begin;
  std::size_t end;
  int person = -1;
};

// The spans `scan` finds in the text read without the units `skip` says,
// added as spans of the text: each covers what was skipped inside it.
template <typename Skip, typename Scan>
void AddSpansReadWithout(std::vector<Span>& out, const Units& units, Skip skip, Scan scan) {
  if (std::none_of(units.begin(), units.end(), [&](const Unit& u) { return skip(u.cp); })) {
    const std::vector<Span> found = scan(units);
    out.insert(out.end(), found.begin(), found.end());
    return;
  }
  Units read;
  std::vector<std::size_t> at;  // the index in the text of each unit read
  for (std::size_t i = 0; i < units.size(); ++i) {
    if (skip(units[i].cp)) continue;
    read.push_back(units[i]);
    at.push_back(i);
  }
  for (const Span& s : scan(read)) {
    if (s.begin < s.end) out.push_back({at[s.begin], at[s.end - 1] + 1, s.person});
  }
}

// ASCII and fullwidth digits: Chinese text often carries ０-９.
int DigitValue(char32_t cp) {
  if (cp >= '0' && cp <= '9') return static_cast<int>(cp - '0');
  if (cp >= 0xFF10 && cp <= 0xFF19) return static_cast<int>(cp - 0xFF10);
  return -1;
}

bool IsDigit(char32_t cp) { return DigitValue(cp) >= 0; }

int DigitAt(const Units& units, std::size_t pos) { return pos < units.size() ? DigitValue(units[pos].cp) : -1; }

bool IsLatin(char32_t cp) {
  return (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') || (cp >= 0xFF21 && cp <= 0xFF3A) ||
         (cp >= 0xFF41 && cp <= 0xFF5A);
}

bool IsAlnum(char32_t cp) { return IsDigit(cp) || IsLatin(cp); }

bool IsAsciiAlnum(char32_t cp) {
  return (cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z');
}

bool IsIdCheckX(char32_t cp) { return cp == 'X' || cp == 'x' || cp == 0xFF38 || cp == 0xFF58; }

// What may stand between digit groups: a space of any width or a tab (white
// space that does not end a line), a hyphen or its fullwidth form.
bool IsGroupSeparator(char32_t cp) { return (IsWhiteSpace(cp) && !IsLineBreak(cp)) || cp == '-' || cp == 0xFF0D; }

bool IsDot(char32_t cp) { return cp == '.' || cp == 0xFF0E; }
bool IsOpenBracket(char32_t cp) { return cp == '(' || cp == 0xFF08; }
bool IsCloseBracket(char32_t cp) { return cp == ')' || cp == 0xFF09; }
bool IsPlus(char32_t cp) { return cp == '+' || cp == 0xFF0B; }

std::size_t DigitsEnd(const Units& units, std::size_t pos) {
  while (pos < units.size() && IsDigit(units[pos].cp)) ++pos;
  return pos;
}

bool AlnumAt(const Units& units, std::size_t pos) { return pos < units.size() && IsAlnum(units[pos].cp); }

// ---------------------------------------------------------------- numbers by rule

struct DigitGroup {
  std::size_t begin;
  std::size_t end;  // one past the last digit
  bool check_x;     // followed directly by an ID check character X that ends the token
  bool after_dot;   // separated from the group before by a dot
};

// How far from `start` (a digit that starts an alphanumeric token) the text
// looks like an ID number, a phone number or a bank account; `start` when it
// does not. The longest reading wins, so that a grouped account is not cut
// short into a phone number. Dots separate the groups of a mobile only
// (138.1234.5678), so that decimals and dotted dates stay.
std::size_t SensitiveEnd(const Units& units, std::size_t start) {
  constexpr std::size_t kMaxGroups = 5;  // the longest pattern, a grouped 19-digit account
  std::array<DigitGroup, kMaxGroups> groups{};
  std::size_t count = 0;
  std::size_t pos = start;
  bool after_dot = false;
  while (count < kMaxGroups) {
    const std::size_t begin = pos;
    pos = DigitsEnd(units, pos);
    const bool check_x = pos < units.size() && IsIdCheckX(units[pos].cp) && !AlnumAt(units, pos + 1);
    groups[count++] = {begin, pos, check_x, after_dot};
    if (check_x) break;
    if (pos + 1 < units.size() && (IsGroupSeparator(units[pos].cp) || IsDot(units[pos].cp)) &&
        IsDigit(units[pos + 1].cp)) {
      after_dot = IsDot(units[pos].cp);
      ++pos;
    } else {
      break;
    }
  }
  const auto length = [&](std::size_t g) { return groups[g].end - groups[g].begin; };
  const int first = DigitValue(units[start].cp);
  const int second = length(0) > 1 ? DigitValue(units[start + 1].cp) : -1;
  const bool mobile_prefix = first == 1 && second >= 3;
  for (std::size_t k = count; k >= 1; --k) {
    const DigitGroup& last = groups[k - 1];
    const bool x = last.check_x;
    bool dotted = false;
    for (std::size_t g = 1; g < k; ++g) dotted = dotted || groups[g].after_dot;
    bool match = false;
    if (k == 1) {
      const std::size_t d = length(0);
      if (x) {
        match = d == 17;  // 18-digit ID ending in X
      } else {
        match = d == 18 || d == 15 ||                  // ID numbers, new and old
                (d == 11 && mobile_prefix) ||          // mobile
                (d >= 10 && d <= 12 && first == 0) ||  // landline with area code, no separator
                (d >= 16 && d <= 19);                  // bank account
      }
    } else if (k == 2) {
      match = !x && !dotted && first == 0 && length(0) >= 3 && length(0) <= 4 && length(1) >= 7 && length(1) <= 8;
    } else if (k == 3) {
      const bool mobile = !x && mobile_prefix && length(0) == 3 && length(1) == 4 && length(2) == 4;
      const bool id = !dotted && length(0) == 6 && length(1) == 8 && length(2) == (x ? 3u : 4u);
      match = mobile || id;
    } else {
      // A bank account grouped in fours: 4-4-4-4 (16 digits) or 4-4-4-4-1..3 (17-19).
      bool fours = !x && !dotted;
      for (std::size_t g = 0; g < 4; ++g) fours = fours && length(g) == 4;
      match = fours && (k == 4 || length(4) <= 3);
    }
    if (!match) continue;
    const std::size_t end = last.end + (x ? 1 : 0);
    if (AlnumAt(units, end)) continue;  // part of a longer code: a decision number, a credit code
    return end;
  }
  return start;
}

// (0351)1234567, （010） 12345678: an area code of 3-4 digits from 0 in
// brackets, then, after at most one space or hyphen, 7-8 digits; `open` when
// the text there is not one.
std::size_t BracketedLandlineEnd(const Units& units, std::size_t open) {
  std::size_t pos = open + 1;
  const std::size_t area_end = DigitsEnd(units, pos);
  if (area_end - pos < 3 || area_end - pos > 4 || DigitValue(units[pos].cp) != 0) return open;
  pos = area_end;
  if (pos >= units.size() || !IsCloseBracket(units[pos].cp)) return open;
  ++pos;
  if (pos < units.size() && IsGroupSeparator(units[pos].cp)) ++pos;
  const std::size_t end = DigitsEnd(units, pos);
  if (end - pos < 7 || end - pos > 8 || AlnumAt(units, end)) return open;
  return end;
}

std::size_t DigitCount(const Units& units, std::size_t begin, std::size_t end) {
  std::size_t count = 0;
  for (std::size_t i = begin; i < end; ++i) count += IsDigit(units[i].cp) ? 1 : 0;
  return count;
}

// +86 138 1234 5678, +8613812345678, 0086-13812345678, 86 13812345678,
// 8613812345678: the country code and a number after it, as SensitiveEnd reads
// it; `start` (the + or the first digit) when the text there is not one. With
// + the code needs no separator; 86 or 0086 standing alone before a separator
// may be followed by any number SensitiveEnd reads from 1; written straight
// before it, only by a mobile (11 digits from 13-19, grouped or not).
std::size_t CountryCodeEnd(const Units& units, std::size_t start) {
  std::size_t pos = start;
  if (IsPlus(units[pos].cp)) {
    if (DigitAt(units, pos + 1) != 8 || DigitAt(units, pos + 2) != 6) return start;
    pos += 3;
    if (pos < units.size() && IsGroupSeparator(units[pos].cp)) ++pos;
  } else {
    std::size_t code = 0;  // 86 or 0086
    if (DigitAt(units, pos) == 8 && DigitAt(units, pos + 1) == 6) {
      code = 2;
    } else if (DigitAt(units, pos) == 0 && DigitAt(units, pos + 1) == 0 && DigitAt(units, pos + 2) == 8 &&
               DigitAt(units, pos + 3) == 6) {
      code = 4;
    }
    if (code == 0) return start;
    if (DigitsEnd(units, pos) > pos + code) {  // written straight before the number
      pos += code;
      if (DigitAt(units, pos) != 1 || DigitAt(units, pos + 1) < 3) return start;
      const std::size_t end = SensitiveEnd(units, pos);
      return DigitCount(units, pos, end) == 11 ? end : start;
    }
    pos += code;
    if (pos >= units.size() || !IsGroupSeparator(units[pos].cp)) return start;
    ++pos;
  }
  if (DigitAt(units, pos) != 1) return start;
  const std::size_t end = SensitiveEnd(units, pos);
  return end > pos ? end : start;
}

std::vector<Span> NumberSpans(const Units& units) {
  std::vector<Span> spans;
  for (std::size_t i = 0; i < units.size();) {
    const char32_t cp = units[i].cp;
    std::size_t end = i;
    if (IsOpenBracket(cp)) {
      end = BracketedLandlineEnd(units, i);
    } else if (IsPlus(cp)) {
      end = CountryCodeEnd(units, i);
    } else if (IsDigit(cp) && (i == 0 || !IsAlnum(units[i - 1].cp))) {
      end = CountryCodeEnd(units, i);
      if (end == i) end = SensitiveEnd(units, i);
    }
    if (end > i) {
      spans.push_back({i, end});
      i = end;
    } else {
      ++i;
    }
  }
  return spans;
}

// ---------------------------------------------------------------- addresses by rule

bool IsHan(char32_t cp) {
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
         (cp >= 0x20000 && cp <= 0x3134F);
}

bool IsChineseNumeral(char32_t cp) {
  switch (cp) {
    case U'〇':
    case U'零':
    case U'一':
    case U'二':
    case U'三':
    case U'四':
    case U'五':
    case U'六':
    case U'七':
    case U'八':
    case U'九':
    case U'十':
    case U'百':
    case U'千':
    case U'两': return true;
    default: return false;
  }
}

bool IsHyphen(char32_t cp) { return cp == '-' || cp == 0xFF0D || cp == 0x2014; }

// What ends a numbered part of an address, longest first; `building` marks
// the parts of a building.
struct NumberedWord {
  std::u32string_view word;
  bool building;
};
constexpr std::array<NumberedWord, 15> kNumberedWords = {{{U"号院", false},
                                                          {U"号楼", true},
                                                          {U"单元", true},
                                                          {U"号", false},
                                                          {U"栋", true},
                                                          {U"幢", true},
                                                          {U"楼", true},
                                                          {U"室", true},
                                                          {U"层", true},
                                                          {U"户", true},
                                                          {U"座", true},
                                                          {U"组", false},
                                                          {U"弄", false},
                                                          {U"排", false},
                                                          {U"巷", false}}};

// The places below the county that an address names before its numbers,
// each after its own name: towns, villages and estates, roads (a 段 is a
// section of the road before it). A word that ends with another (街道, 道)
// comes before it.
enum class Place { kTown, kVillage, kRoad };
struct PlaceWord {
  std::u32string_view word;
  Place place;
};
constexpr std::array<PlaceWord, 24> kPlaceWords = {{
    {U"街道", Place::kTown},      {U"苏木", Place::kTown},      {U"镇", Place::kTown},      {U"乡", Place::kTown},
    {U"居委会", Place::kVillage}, {U"村委会", Place::kVillage}, {U"社区", Place::kVillage}, {U"小区", Place::kVillage},
    {U"新村", Place::kVillage},   {U"花园", Place::kVillage},   {U"家园", Place::kVillage}, {U"公寓", Place::kVillage},
    {U"大厦", Place::kVillage},   {U"嘎查", Place::kVillage},   {U"村", Place::kVillage},   {U"苑", Place::kVillage},
    {U"大街", Place::kRoad},      {U"大道", Place::kRoad},      {U"胡同", Place::kRoad},    {U"街", Place::kRoad},
    {U"路", Place::kRoad},        {U"巷", Place::kRoad},        {U"道", Place::kRoad},      {U"段", Place::kRoad},
}};

// The first characters of the village words of kPlaceWords.
constexpr std::u32string_view kVillageStarts = U"居村社小新花家公大嘎苑";
static_assert(
    [] {
      for (const PlaceWord& p : kPlaceWords) {
        if (p.place == Place::kVillage && kVillageStarts.find(p.word.front()) == std::u32string_view::npos)
          return false;
      }
      return true;
    }(),
    "every village word begins with a character of kVillageStarts");

// The longest name a place word takes before it, in characters.
std::size_t MaxNameLength(Place place) { return place == Place::kRoad ? 4 : 5; }

// Characters that end a place's name going back: the units of an address
// (a district is kept, and the place before is a place of its own) and the
// words that introduce one (住所地、位于、在).
constexpr std::u32string_view kNameStops =
    U"省市区县旗州盟镇乡村街路巷道号楼室层栋幢组段在于住址至到往从自的与及或经系为是即其地所位处将把被对向由等了着过"
    U"称叫该此";

bool Matches(const Units& units, std::size_t pos, std::u32string_view word) {
  if (pos + word.size() > units.size()) return false;
  for (std::size_t k = 0; k < word.size(); ++k) {
    if (units[pos + k].cp != word[k]) return false;
  }
  return true;
}

// Where the name of a place word at `word_begin` begins: the Han characters
// right before it, at most `max`, up to a stop; `word_begin` for none.
std::size_t NameBegin(const Units& units, std::size_t word_begin, std::size_t max) {
  std::size_t begin = word_begin;
  while (begin > 0 && word_begin - begin < max && IsHan(units[begin - 1].cp) &&
         kNameStops.find(units[begin - 1].cp) == std::u32string_view::npos) {
    --begin;
  }
  return begin;
}

// A named place ending at unit `end` (东山镇, 坞城路, 某村): where its name
// begins; nullopt when no place word with a name ends there.
std::optional<std::size_t> NamedPlaceEndingAt(const Units& units, std::size_t end, Place* place = nullptr) {
  for (const PlaceWord& p : kPlaceWords) {
    if (p.word.size() > end || !Matches(units, end - p.word.size(), p.word)) continue;
    const std::size_t word_begin = end - p.word.size();
    const std::size_t name = NameBegin(units, word_begin, MaxNameLength(p.place));
    if (name == word_begin) return std::nullopt;
    if (place != nullptr) *place = p.place;
    return name;
  }
  return std::nullopt;
}

struct NumberedPart {
  std::size_t begin;
  std::size_t end;
  bool building;
};

bool IsNumberedRunCharacter(char32_t cp) { return IsDigit(cp) || IsChineseNumeral(cp) || IsLatin(cp); }

// Every numbered part of an address in the text, in order: a run of digits or
// Chinese numerals (with at most two letters and inner hyphens: B3, 3-2)
// followed by a word of kNumberedWords. A run after 第 is an ordinal (第3号),
// never a part.
std::vector<NumberedPart> NumberedParts(const Units& units) {
  std::vector<NumberedPart> parts;
  std::size_t i = 0;
  while (i < units.size()) {
    if (!IsNumberedRunCharacter(units[i].cp)) {
      ++i;
      continue;
    }
    const std::size_t begin = i;
    std::size_t numerals = 0;
    std::size_t letters = 0;
    while (i < units.size()) {
      const char32_t cp = units[i].cp;
      if (IsNumberedRunCharacter(cp)) {
        (IsLatin(cp) ? letters : numerals) += 1;
        ++i;
      } else if (IsHyphen(cp) && i + 1 < units.size() && IsNumberedRunCharacter(units[i + 1].cp)) {
        ++i;
      } else {
        break;
      }
    }
    if (numerals == 0 || letters > 2 || (begin > 0 && units[begin - 1].cp == U'第')) continue;
    for (const NumberedWord& w : kNumberedWords) {
      if (Matches(units, i, w.word)) {
        parts.push_back({begin, i + w.word.size(), w.building});
        i += w.word.size();
        break;
      }
    }
  }
  return parts;
}

// After the last numbered part, a bare number that completes it (92号3-2-501).
std::size_t TrailingNumberEnd(const Units& units, std::size_t end) {
  std::size_t pos = end;
  bool digits = false;
  while (pos < units.size() && (IsDigit(units[pos].cp) ||
                                (IsHyphen(units[pos].cp) && pos + 1 < units.size() && IsDigit(units[pos + 1].cp)))) {
    digits = digits || IsDigit(units[pos].cp);
    ++pos;
  }
  return digits ? pos : end;
}

std::vector<Span> AddressSpans(const Units& units) {
  std::vector<Span> spans;
  const std::vector<NumberedPart> parts = NumberedParts(units);
  // Adjacent numbered parts, with the named places before them.
  for (std::size_t p = 0; p < parts.size();) {
    std::size_t q = p + 1;
    bool building = parts[p].building;
    for (; q < parts.size() && parts[q].begin == parts[q - 1].end; ++q) building = building || parts[q].building;
    std::size_t begin = parts[p].begin;
    bool named = false;
    for (int places = 0; places < 4; ++places) {  // 某镇某村, 某街道某路东段: a few levels at most
      const auto name = NamedPlaceEndingAt(units, begin);
      if (!name) break;
      begin = *name;
      named = true;
    }
    if (named || (q - p >= 2 && building)) spans.push_back({begin, TrailingNumberEnd(units, parts[q - 1].end)});
    p = q;
  }
  // A town with its village or community, without numbers: 东山镇王家村.
  // Only where a village word can begin (its first characters, kVillageStarts).
  for (std::size_t i = 0; i < units.size(); ++i) {
    if (kVillageStarts.find(units[i].cp) == std::u32string_view::npos) continue;
    for (const PlaceWord& p : kPlaceWords) {
      if (p.place != Place::kVillage || !Matches(units, i, p.word)) continue;
      const std::size_t name = NameBegin(units, i, MaxNameLength(p.place));
      if (name == i) break;
      Place before = Place::kRoad;
      const auto town = NamedPlaceEndingAt(units, name, &before);
      if (town && before == Place::kTown) spans.push_back({*town, i + p.word.size()});
      break;
    }
  }
  return spans;
}

// ---------------------------------------------------------------- the record's own strings

char32_t Fold(char32_t cp) { return cp >= 'A' && cp <= 'Z' ? cp + ('a' - 'A') : cp; }

// Text as strings are searched in it: its characters without blanks, ASCII
// letters in lower case, each with the unit it came from.
struct Folded {
  std::u32string chars;
  std::vector<std::size_t> at;
};

Folded FoldText(const Units& units) {
  Folded folded;
  for (std::size_t i = 0; i < units.size(); ++i) {
    if (IsMatchBlank(units[i].cp)) continue;
    folded.chars.push_back(Fold(units[i].cp));  // an invalid byte (kInvalidByte) matches no string
    folded.at.push_back(i);
  }
  return folded;
}

// A string as searched for; empty when it is not text.
std::u32string FoldString(std::string_view s) {
  std::u32string out;
  for (const Unit& u : Decode(s)) {
    if (u.cp == kInvalidByte) return {};
    if (!IsMatchBlank(u.cp)) out.push_back(Fold(u.cp));
  }
  return out;
}

// The first positions of the occurrences of `needle` in `hay`, left to right,
// none overlapping the one before (Knuth-Morris-Pratt: linear in both).
template <typename Text>
std::vector<std::size_t> Occurrences(const Text& hay, const Text& needle) {
  std::vector<std::size_t> found;
  const std::size_t m = needle.size();
  if (m == 0 || m > hay.size()) return found;
  std::vector<std::size_t> fallback(m, 0);
  for (std::size_t i = 1, k = 0; i < m; ++i) {
    while (k > 0 && needle[i] != needle[k]) k = fallback[k - 1];
    if (needle[i] == needle[k]) ++k;
    fallback[i] = k;
  }
  for (std::size_t i = 0, k = 0; i < hay.size(); ++i) {
    while (k > 0 && hay[i] != needle[k]) k = fallback[k - 1];
    if (hay[i] == needle[k]) ++k;
    if (k == m) {
      found.push_back(i + 1 - m);
      k = 0;
    }
  }
  return found;
}

// The units [begin, end) of each occurrence of `needle` (FoldString) in the
// text. A string that begins or ends with an ASCII letter or digit counts
// only where no such character continues it.
std::vector<std::pair<std::size_t, std::size_t>> StringOccurrences(const Units& units, const Folded& folded,
                                                                   const std::u32string& needle) {
  std::vector<std::pair<std::size_t, std::size_t>> out;
  if (needle.empty()) return out;
  for (std::size_t pos : Occurrences(folded.chars, needle)) {
    const std::size_t first = folded.at[pos];
    const std::size_t last = folded.at[pos + needle.size() - 1];
    if (IsAsciiAlnum(needle.front()) && first > 0 && IsAsciiAlnum(units[first - 1].cp)) continue;
    if (IsAsciiAlnum(needle.back()) && last + 1 < units.size() && IsAsciiAlnum(units[last + 1].cp)) continue;
    out.emplace_back(first, last + 1);
  }
  return out;
}

// A string as searched for: FoldString of it, or empty (searched for
// nowhere) when it has fewer than `min_length` characters besides blanks.
std::u32string Needle(std::string_view s, std::size_t min_length) {
  std::u32string needle = FoldString(s);
  if (needle.size() < std::max<std::size_t>(min_length, 1)) needle.clear();
  return needle;
}

// The digits of a text, as numbers are searched in it: each run of digits
// (ASCII, full-width; an ID's check X after a digit as X) with at most two
// separators between digits, ended by '|'; each with the unit it came from,
// and whether a line break stands before it in its run. Invisible characters
// are read through as nothing.
struct DigitText {
  std::string digits;
  std::vector<std::size_t> at;
  std::vector<bool> after_line_break;
};

bool IsNumberSeparator(char32_t cp) {
  return IsGroupSeparator(cp) || IsLineBreak(cp) || IsDot(cp) || IsOpenBracket(cp) || IsCloseBracket(cp) ||
         IsPlus(cp) || (cp >= 0x2010 && cp <= 0x2015);
}

DigitText DigitsOf(const Units& units) {
  DigitText text;
  int gap = -1;             // separators since the last digit; -1 outside a run
  bool line_break = false;  // among them
  const auto end_run = [&] {
    text.digits += '|';
    text.at.push_back(kNoUnit);
    text.after_line_break.push_back(false);
    gap = -1;
  };
  for (std::size_t i = 0; i < units.size(); ++i) {
    const char32_t cp = units[i].cp;
    if (IsInvisible(cp)) continue;
    if (IsDigit(cp) || (gap == 0 && IsIdCheckX(cp))) {
      text.digits += IsDigit(cp) ? static_cast<char>('0' + DigitValue(cp)) : 'X';
      text.at.push_back(i);
      text.after_line_break.push_back(gap > 0 && line_break);
      gap = 0;
      line_break = false;
    } else if (gap >= 0 && gap < 2 && IsNumberSeparator(cp)) {
      ++gap;
      line_break = line_break || IsLineBreak(cp);
    } else if (gap >= 0) {
      end_run();
    }
  }
  if (gap >= 0) end_run();
  return text;
}

// A number as searched for: its digits, and whether it counts only as a whole
// run (a landline's local number), a line break ending a run as well.
struct NumberNeedle {
  std::string digits;
  bool whole;
};

std::vector<NumberNeedle> NumberNeedles(std::string_view value) {
  constexpr std::size_t kMinDigits = 6;
  std::vector<NumberNeedle> needles;
  const DigitText runs = DigitsOf(Decode(value));
  std::size_t start = 0;
  for (std::size_t i = 0; i < runs.digits.size(); ++i) {
    if (runs.digits[i] != '|') continue;
    const std::string run = runs.digits.substr(start, i - start);
    start = i + 1;
    if (run.size() < kMinDigits) continue;
    needles.push_back({run, false});
    if (run.rfind("0086", 0) == 0 && run.size() >= 4 + kMinDigits) {
      needles.push_back({run.substr(4), false});
    } else if (run.rfind("86", 0) == 0 && run.size() == 13 && run[2] == '1') {
      needles.push_back({run.substr(2), false});
    } else if (run[0] == '0' && run.size() >= 10 && run.size() <= 12) {
      // 010 and 02x are the three-digit area codes; the others have four.
      const std::size_t area = run[1] == '1' || run[1] == '2' ? 3 : 4;
      const std::string local = run.substr(area);
      if (local.size() >= 7 && local.size() <= 8) needles.push_back({local, true});
    }
  }
  return needles;
}

std::vector<std::pair<std::size_t, std::size_t>> NumberOccurrences(const DigitText& text, const NumberNeedle& needle) {
  std::vector<std::pair<std::size_t, std::size_t>> out;
  const std::size_t m = needle.digits.size();
  for (std::size_t pos : Occurrences(text.digits, needle.digits)) {
    if (needle.whole) {
      const bool starts = pos == 0 || text.digits[pos - 1] == '|' || text.after_line_break[pos];
      const bool ends = text.digits[pos + m] == '|' || text.after_line_break[pos + m];
      if (!starts || !ends) continue;
    }
    out.emplace_back(text.at[pos], text.at[pos + m - 1] + 1);
  }
  return out;
}

// ---------------------------------------------------------------- writing the public text

// The text with `spans` masked. Overlapping spans are masked as one: with the
// masked name of the person a span names when it covers all the others and
// only persons' spans overlap it, else with ＊ per character. Units in `kept`
// are written as they are.
template <typename Person>
std::string Apply(const std::string& text, const Units& units, std::vector<Span> spans,
                  const std::vector<Person>& persons, const std::vector<bool>& kept) {
  if (spans.empty()) return text;
  std::sort(spans.begin(), spans.end(),
            [](const Span& a, const Span& b) { return a.begin != b.begin ? a.begin < b.begin : a.end > b.end; });
  std::string out;
  out.reserve(text.size() + text.size() / 2);
  std::size_t written = 0;  // units
  for (std::size_t s = 0; s < spans.size();) {
    Span group = spans[s++];
    while (s < spans.size() && spans[s].begin < group.end) {
      if (spans[s].end > group.end || spans[s].person < 0) group.person = -1;
      group.end = std::max(group.end, spans[s].end);
      ++s;
    }
    for (; written < group.begin; ++written) out.append(text, units[written].offset, units[written].size);
    const std::size_t bytes = units[group.end - 1].offset + units[group.end - 1].size - units[group.begin].offset;
    const bool any_kept = std::any_of(kept.begin() + group.begin, kept.begin() + group.end, [](bool k) { return k; });
    if (group.person >= 0 && !any_kept && persons[group.person].mask.size() <= 3 * bytes) {
      out += persons[group.person].mask;
    } else {
      for (std::size_t i = group.begin; i < group.end; ++i) {
        if (kept[i]) {
          out.append(text, units[i].offset, units[i].size);
        } else {
          out += kStar;
        }
      }
    }
    written = group.end;
  }
  for (; written < units.size(); ++written) out.append(text, units[written].offset, units[written].size);
  return out;
}

// 复姓 kept whole when masking: 欧阳娜娜 is 欧阳某某, not 欧某某.
constexpr std::array<std::string_view, 64> kCompoundSurnames = {
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯",
    "令狐", "端木", "独孤", "南宫", "西门", "百里", "呼延", "澹台", "公冶", "太史", "申屠", "轩辕", "钟离",
    "闻人", "赫连", "万俟", "司空", "东郭", "南门", "羊舌", "微生", "公羊", "梁丘", "左丘", "东门", "第五",
    "拓跋", "夹谷", "宰父", "谷梁", "段干", "归海", "乐正", "漆雕", "壤驷", "公良", "濮阳", "太叔", "仲孙",
    "单于", "淳于", "司寇", "子车", "颛孙", "巫马", "公西", "亓官", "鲜于", "闾丘", "完颜", "叱干"};

}  // namespace

// A record's personal data as searched for (PersonalDataSearch).
struct PersonalDataSearch::Needles {
  struct Person {
    std::u32string needle;
    std::string mask;  // MaskName of the name
  };
  std::vector<Person> persons;
  std::vector<std::u32string> texts;
  std::vector<NumberNeedle> numbers;
  std::vector<std::u32string> kept;
};

namespace {

// The record's own strings found in a text: the spans to mask, the masked
// name of each person (by index), and the units of strings kept as they are.
struct OwnStrings {
  std::vector<Span> spans;
  const std::vector<PersonalDataSearch::Needles::Person>* persons = nullptr;
  std::vector<bool> kept;
};

OwnStrings FindOwnStrings(const Units& units, const PersonalDataSearch::Needles& needles) {
  OwnStrings own;
  own.persons = &needles.persons;
  const Folded folded = FoldText(units);
  for (std::size_t p = 0; p < needles.persons.size(); ++p) {
    for (const auto& [begin, end] : StringOccurrences(units, folded, needles.persons[p].needle)) {
      own.spans.push_back({begin, end, static_cast<int>(p)});
    }
  }
  for (const std::u32string& s : needles.texts) {
    for (const auto& [begin, end] : StringOccurrences(units, folded, s)) own.spans.push_back({begin, end});
  }
  if (!needles.numbers.empty()) {
    const DigitText digits = DigitsOf(units);
    for (const NumberNeedle& needle : needles.numbers) {
      for (const auto& [begin, end] : NumberOccurrences(digits, needle)) own.spans.push_back({begin, end});
    }
  }
  own.kept.assign(units.size(), false);
  for (const std::u32string& s : needles.kept) {
    for (const auto& [begin, end] : StringOccurrences(units, folded, s)) {
      std::fill(own.kept.begin() + static_cast<std::ptrdiff_t>(begin),
                own.kept.begin() + static_cast<std::ptrdiff_t>(end), true);
    }
  }
  return own;
}

}  // namespace

std::string MaskName(std::string_view full_name) {
  const Units units = Decode(full_name);
  std::size_t first = 0;
  std::size_t last = units.size();
  while (first < last && IsMatchBlank(units[first].cp)) ++first;
  while (last > first && IsMatchBlank(units[last - 1].cp)) --last;
  if (first == last) return "";
  if (units[first].cp == kInvalidByte) return "某某";  // not text: publish nothing of it
  const auto text = [&](std::size_t begin, std::size_t end) {
    return full_name.substr(units[begin].offset, units[end - 1].offset + units[end - 1].size - units[begin].offset);
  };
  std::size_t surname = first + 1;
  // A two-character name that is itself a compound surname (司马 = 司 + 马) would
  // be published whole; only a longer name keeps the compound surname.
  if (last - first > 2) {
    for (std::string_view compound : kCompoundSurnames) {
      if (text(first, first + 2) == compound) {
        surname = first + 2;
        break;
      }
    }
  }
  return std::string(text(first, surname)) + "某某";
}

PersonalDataSearch::PersonalDataSearch(const PersonalData& data) {
  // A name of one character is not searched for: it cannot be told from the
  // words that hold it (李 in 行李).
  constexpr std::size_t kMinNameCharacters = 2;
  auto needles = std::make_unique<Needles>();
  for (const std::string& person : data.persons) {
    needles->persons.push_back({Needle(person, kMinNameCharacters), MaskName(person)});
  }
  for (const std::string& s : data.texts) needles->texts.push_back(Needle(s, 2));
  for (const std::string& number : data.numbers) {
    for (NumberNeedle& needle : NumberNeedles(number)) needles->numbers.push_back(std::move(needle));
  }
  for (const std::string& s : data.kept) needles->kept.push_back(Needle(s, 1));
  needles_ = std::move(needles);
}

PersonalDataSearch::~PersonalDataSearch() = default;
PersonalDataSearch::PersonalDataSearch(PersonalDataSearch&&) noexcept = default;

bool PersonalDataSearch::Holds(const std::string& text) const {
  if (text.empty()) return false;
  const Units units = Decode(text);
  const OwnStrings own = FindOwnStrings(units, *needles_);
  return std::any_of(own.spans.begin(), own.spans.end(), [&](const Span& s) {
    return std::any_of(own.kept.begin() + static_cast<std::ptrdiff_t>(s.begin),
                       own.kept.begin() + static_cast<std::ptrdiff_t>(s.end), [](bool k) { return !k; });
  });
}

std::string PersonalDataSearch::Mask(const std::string& text) const {
  if (text.empty()) return text;
  const Units units = Decode(text);
  OwnStrings own = FindOwnStrings(units, *needles_);
  AddSpansReadWithout(own.spans, units, IsInvisible, NumberSpans);
  AddSpansReadWithout(own.spans, units, IsMatchBlank, AddressSpans);
  return Apply(text, units, std::move(own.spans), *own.persons, own.kept);
}

bool HoldsOwnPersonalData(const std::string& text, const PersonalData& data) {
  return PersonalDataSearch(data).Holds(text);
}

std::string MaskPersonalData(const std::string& text, const PersonalData& data) {
  return PersonalDataSearch(data).Mask(text);
}

}  // namespace gongkai::common
