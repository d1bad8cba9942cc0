#include "common/calendar/iso_date.h"

#include <cstdio>

namespace gongkai::common {
namespace {

// Reads `count` ASCII digits starting at `pos`; -1 if any is not a digit.
int ReadDigits(std::string_view text, size_t pos, size_t count) {
  int value = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

}  // namespace

std::optional<std::chrono::sys_days> ParseIsoDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  const int year = ReadDigits(text, 0, 4);
  const int month = ReadDigits(text, 5, 2);
  const int day = ReadDigits(text, 8, 2);
  // Year 0000 is no year of the proleptic Gregorian calendar PostgreSQL
  // keeps (1 BC is its year before 0001).
  if (year < 1 || month < 0 || day < 0) return std::nullopt;
  const std::chrono::year_month_day date{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                                         std::chrono::day{static_cast<unsigned>(day)}};
  if (!date.ok()) return std::nullopt;
  return std::chrono::sys_days{date};
}

std::string FormatIsoDate(std::chrono::sys_days date) {
  const std::chrono::year_month_day ymd{date};
  const int year = static_cast<int>(ymd.year());
  if (year < 0 || year > 9999) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", year, static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()));
    return buffer;
  }
  // Written digit by digit: a sync formats several dates per record.
  std::string out = "0000-00-00";
  const auto put = [&out](std::size_t end, unsigned value) {
    for (std::size_t i = end; value > 0; --i, value /= 10) out[i] = static_cast<char>('0' + value % 10);
  };
  put(3, static_cast<unsigned>(year));
  put(6, static_cast<unsigned>(ymd.month()));
  put(9, static_cast<unsigned>(ymd.day()));
  return out;
}

std::string FormatIsoDate(const std::optional<std::chrono::sys_days>& date) {
  return date ? FormatIsoDate(*date) : std::string();
}

}  // namespace gongkai::common
