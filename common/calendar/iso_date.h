#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace gongkai::common {

// Parses exactly "YYYY-MM-DD" (no time, no zone); nullopt for anything else,
// including impossible dates such as "2026-02-30".
std::optional<std::chrono::sys_days> ParseIsoDate(std::string_view text);

// True for an ISO date YYYY-MM-DD that exists.
inline bool IsIsoDate(std::string_view text) { return ParseIsoDate(text).has_value(); }

// Formats as "YYYY-MM-DD".
std::string FormatIsoDate(std::chrono::sys_days date);
// "" for no date.
std::string FormatIsoDate(const std::optional<std::chrono::sys_days>& date);

}  // namespace gongkai::common
