#pragma once

#include <chrono>
#include <stdexcept>
#include <string>
#include <string_view>

#include "common/calendar/iso_date.h"
#include "common/clock.h"

namespace gongkai::testing {

// A date written in a test: Day("2026-06-15") or Day(2026, 6, 15).
inline common::Date Day(std::string_view iso) {
  auto date = common::ParseIsoDate(iso);
  if (!date) throw std::invalid_argument("not a date: " + std::string(iso));
  return *date;
}

constexpr common::Date Day(int y, unsigned m, unsigned d) { return std::chrono::year(y) / m / d; }

}  // namespace gongkai::testing
