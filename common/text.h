#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/violations.h"

namespace gongkai::common {

// The code point starting at text[pos] and its length in bytes; length 0 when
// the bytes there are not UTF-8 (overlong form, surrogate, beyond U+10FFFF,
// stray continuation byte or truncated sequence).
std::size_t DecodeUtf8(std::string_view text, std::size_t pos, char32_t& cp);

// ASCII whitespace and the ideographic space U+3000, which Chinese input
// methods produce for an "empty" field.
bool IsBlank(std::string_view s);
std::string_view TrimBlank(std::string_view s);

// Nothing but spaces, tabs, carriage returns and line feeds (an ideographic
// space is not blank here).
bool IsAsciiBlank(std::string_view s);

// Only '!' to '~': no spaces, control characters or non-ASCII. Codes and keys
// that pass may be quoted in a description as they are.
bool IsPrintableAscii(std::string_view s);

// How long a free-text field may be and whether it may hold paragraphs.
struct TextRule {
  std::size_t max_bytes;
  bool multiline;  // line feeds and tabs allowed
};
inline constexpr TextRule kNameText{200, false};    // names, numbers, codes, bodies
inline constexpr TextRule kPlainText{1000, false};  // other short text
inline constexpr TextRule kLongText{20000, true};   // facts, explanations, conditions: paragraphs

enum class Presence { kRequired, kOptional };

// Encoding and control characters (C0 except, when multiline, line feed and
// tab; DEL; C1); the length is the caller's. At most one violation of each kind.
void CheckTextContent(Violations& out, const std::string& field, std::string_view value, bool multiline);

// The text rules of one free-text field: "required" when required and blank
// (and nothing else then), else its content and its length in bytes. True
// when it broke none.
bool CheckText(Violations& out, const std::string& field, std::string_view value, TextRule rule, Presence presence);

// A field of a CSV file (RFC 4180): quoted when it holds a comma, a quote or
// a line break, its quotes doubled. A field a spreadsheet would read as a
// formula (one beginning with =, +, -, @, a tab or a carriage return) is
// prefixed with ' and quoted, so that opening the file runs nothing.
std::string CsvField(std::string_view value);

}  // namespace gongkai::common
