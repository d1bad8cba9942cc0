#include "common/text.h"

#include <cstdio>

namespace gongkai::common {
namespace {

// C0 (line feed and tab only where paragraphs are allowed), DEL and C1.
bool IsControl(char32_t cp, bool multiline) {
  if (cp < 0x20) return !(multiline && (cp == '\n' || cp == '\t'));
  return cp == 0x7F || (cp >= 0x80 && cp <= 0x9F);
}

std::string CodePointName(char32_t cp) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "U+%04X", static_cast<unsigned>(cp));
  return buffer;
}

bool IsAsciiBlankChar(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

constexpr std::string_view kIdeographicSpace = "\xE3\x80\x80";

}  // namespace

std::size_t DecodeUtf8(std::string_view text, std::size_t pos, char32_t& cp) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char b0 = byte(pos);
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  }
  std::size_t length = 0;
  unsigned char low = 0x80;  // bounds of the second byte, which exclude overlong forms and surrogates
  unsigned char high = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    length = 2;
    cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    length = 3;
    cp = b0 & 0x0F;
    if (b0 == 0xE0) low = 0xA0;
    if (b0 == 0xED) high = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    length = 4;
    cp = b0 & 0x07;
    if (b0 == 0xF0) low = 0x90;
    if (b0 == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (text.size() - pos < length) return 0;
  for (std::size_t i = 1; i < length; ++i) {
    const unsigned char b = byte(pos + i);
    const unsigned char lo = i == 1 ? low : 0x80;
    const unsigned char hi = i == 1 ? high : 0xBF;
    if (b < lo || b > hi) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  return length;
}

bool IsBlank(std::string_view s) {
  std::size_t pos = 0;
  while (pos < s.size()) {
    if (IsAsciiBlankChar(s[pos])) {
      ++pos;
    } else if (s.substr(pos, 3) == kIdeographicSpace) {
      pos += 3;
    } else {
      return false;
    }
  }
  return true;
}

bool IsAsciiBlank(std::string_view s) {
  for (char c : s) {
    if (!IsAsciiBlankChar(c)) return false;
  }
  return true;
}

std::string_view TrimBlank(std::string_view s) {
  while (!s.empty()) {
    if (IsAsciiBlankChar(s.front())) {
      s.remove_prefix(1);
    } else if (s.substr(0, 3) == kIdeographicSpace) {
      s.remove_prefix(3);
    } else {
      break;
    }
  }
  while (!s.empty()) {
    if (IsAsciiBlankChar(s.back())) {
      s.remove_suffix(1);
    } else if (s.size() >= 3 && s.substr(s.size() - 3) == kIdeographicSpace) {
      s.remove_suffix(3);
    } else {
      break;
    }
  }
  return s;
}

bool IsPrintableAscii(std::string_view s) {
  for (char c : s) {
    if (c < 0x21 || c > 0x7E) return false;
  }
  return true;
}

void CheckTextContent(Violations& out, const std::string& field, std::string_view value, bool multiline) {
  std::size_t bad_byte = std::string_view::npos;
  char32_t control = 0;
  bool has_control = false;
  std::size_t pos = 0;
  // Both kinds are reported, the first of each, so one pass finds both.
  while (pos < value.size() && (bad_byte == std::string_view::npos || !has_control)) {
    char32_t cp = 0;
    const std::size_t length = DecodeUtf8(value, pos, cp);
    if (length == 0) {
      if (bad_byte == std::string_view::npos) bad_byte = pos;
      ++pos;
      continue;
    }
    if (!has_control && IsControl(cp, multiline)) {
      has_control = true;
      control = cp;
    }
    pos += length;
  }
  if (bad_byte != std::string_view::npos) {
    out.push_back({field, "not valid UTF-8 (first bad byte at offset " + std::to_string(bad_byte) + ")"});
  }
  if (has_control) {
    std::string description = "contains a control character (" + CodePointName(control) + ")";
    if (!multiline && (control == '\n' || control == '\t')) description += "; line breaks and tabs only in long texts";
    out.push_back({field, std::move(description)});
  }
}

bool CheckText(Violations& out, const std::string& field, std::string_view value, TextRule rule, Presence presence) {
  const std::size_t before = out.size();
  if (presence == Presence::kRequired && IsBlank(value)) {
    out.push_back({field, "required"});
    return false;
  }
  if (value.empty()) return true;
  CheckTextContent(out, field, value, rule.multiline);
  if (value.size() > rule.max_bytes) {
    out.push_back(
        {field, "at most " + std::to_string(rule.max_bytes) + " bytes (got " + std::to_string(value.size()) + ")"});
  }
  return out.size() == before;
}

std::string CsvField(std::string_view value) {
  const bool formula = !value.empty() && std::string_view("=+-@\t\r").find(value.front()) != std::string_view::npos;
  if (!formula && value.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(value);
  std::string out = formula ? "\"'" : "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace gongkai::common
