#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace gongkai::common {

// Personal data in published free text (DOMAIN.md, "Publication and
// masking (脱敏)"): what a record carries, found wherever it appears, and
// what rules find without the record (numbers and addresses). Plain text
// functions over UTF-8; bytes that are not UTF-8 pass through as they came.
//
// Blanks: every Unicode White_Space character (spaces of any width, tabs,
// line breaks) and every character that shows nothing (Unicode
// Default_Ignorable_Code_Point: U+00AD, U+200B-U+200F, U+2060-U+206F, U+FEFF,
// variation selectors, ...). Names, the record's other strings and addresses
// are read through blanks; the number rules read white space within a line
// as a separator between digit groups and see nothing of an invisible
// character.
//
// Every replacement keeps the output within 3 bytes per byte of input: a
// masked character becomes one ＊ (3 bytes), and a person's name becomes its
// masked form only where that is no longer (else one ＊ per character). The
// size bounds of public records rely on this (penalty_public.h).

// The personal strings one record carries, to be masked wherever they occur.
struct PersonalData {
  // Natural persons' names (the party, persons the record mentions): each
  // occurrence becomes MaskName of it (张三 → 张某某). Matched without
  // regard to blanks around or between the characters (张 三, 张　三, 张\u200B三,
  // and a name wrapped at a line end, 张\n三) and to the case of ASCII
  // letters; a name beginning or ending with an ASCII letter or digit only
  // where no such character continues it. A name of one character (besides
  // blanks) is not searched for: it cannot be told from the words that hold
  // it (李 in 行李).
  std::vector<std::string> persons;
  // Other strings (an address, a natural person's credit code): each
  // occurrence, matched as names are, becomes ＊ per character. A string of
  // fewer than two characters (besides blanks) is not searched for.
  std::vector<std::string> texts;
  // Phone, ID and bank-account numbers: matched by their digits (ASCII or
  // full-width; an ID's check X in either case), whatever separators stand
  // between them in the text (blanks, line breaks included, hyphens, dots,
  // brackets, plus signs, at most two together; invisible characters count
  // as nothing); each occurrence becomes ＊ per character. A phone given with
  // the country code (+86, 0086) is also matched without it; a landline is
  // also matched by its number without the area code where that stands
  // alone (a line break ends it too). Numbers of fewer than 6 digits are not
  // searched for.
  std::vector<std::string> numbers;
  // Published as they are, even where a person's name or a rule matches
  // inside them: an organisation party's own name (张三餐饮有限公司).
  std::vector<std::string> kept;
};

// The public form of a natural person's name: surname + 某某 (张三 → 张某某),
// a compound surname kept whole in names longer than two characters (欧阳娜娜
// → 欧阳某某); surrounding blanks (as above) trimmed; "" for a blank name,
// 某某 for a name that is not text.
std::string MaskName(std::string_view name);

// Text as published: the record's own personal strings (`data`) masked
// wherever they appear, and by rule
//   - numbers that identify people, each replaced with ＊ per character (the
//     number of characters is kept): digit runs (ASCII or full-width)
//     standing alone that look like
//       - an ID number: 18 digits, 17 + X (either case), 15 digits, or 6-8-4;
//       - a mobile: 11 digits from 13-19, or grouped 3-4-4 by spaces, hyphens
//         or dots; with +86 / 0086 / 86 before it, with or without a
//         separator (the prefix masked too: 8613812345678);
//       - a landline with area code: 10-12 digits from 0,
//         0xx(x)-xxxxxxx(x), or (0xx(x))xxxxxxx(x) in ASCII or full-width
//         brackets;
//       - a bank account: 16-19 digits, or groups of four.
//     Groups may be separated by spaces of any width or hyphens (half- or
//     full-width; dots for mobiles only). Digits inside a longer code (a
//     decision number, a credit code) are left alone;
//   - every address below the county: a street, lane or alley with a house
//     number (坞城路92号), a village, community or estate with a number
//     (某村3组, 某小区3号楼), a town with its village (东山镇王家村), or two
//     numbered parts of a building (3号楼2单元501室), each with the rest of
//     the address that follows it (buildings, units, rooms). The province,
//     city and district or county before it stay (太原市小店区＊＊＊＊＊), as
//     do decision numbers (晋市监罚〔2026〕12号), amounts, dates and article
//     numbers.
// With no `data`, the rules alone.
std::string MaskPersonalData(const std::string& text, const PersonalData& data);

// Whether `text` holds any of the record's own personal strings (`data`),
// found as MaskPersonalData finds them, outside the strings kept; the number
// and address rules play no part (what they find in a record's key is
// nobody's in particular). For the source id, which is published as the
// record's key and cannot be masked.
bool HoldsOwnPersonalData(const std::string& text, const PersonalData& data);

// A record's personal data made ready to search for once (its strings
// folded, its numbers' digits drawn, its persons' masked names), for the
// several texts of one record: Mask and Holds answer as MaskPersonalData and
// HoldsOwnPersonalData do with the same data.
class PersonalDataSearch {
 public:
  explicit PersonalDataSearch(const PersonalData& data);
  ~PersonalDataSearch();
  PersonalDataSearch(PersonalDataSearch&&) noexcept;

  std::string Mask(const std::string& text) const;
  bool Holds(const std::string& text) const;

  struct Needles;  // what is searched for (personal_data.cc)

 private:
  std::unique_ptr<const Needles> needles_;
};

}  // namespace gongkai::common
