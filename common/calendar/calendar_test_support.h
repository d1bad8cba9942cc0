#pragma once

// Test-only helpers shared by the calendar tests.

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <type_traits>

#include "common/calendar/calendar_loader.h"
#include "common/calendar/iso_date.h"
#include "common/calendar/timeliness.h"
#include "common/calendar/working_day_calendar.h"

namespace gongkai::common {

// Readable gtest failure messages for the calendar's own types.
inline void PrintTo(TimelinessStatus status, std::ostream* out) { *out << TimelinessStatusName(status); }

template <typename T>
void PrintTo(const CalendarAnswer<T>& answer, std::ostream* out) {
  if constexpr (std::is_same_v<T, std::chrono::sys_days>) {
    *out << FormatIsoDate(answer.value);
  } else if constexpr (std::is_same_v<T, std::optional<std::chrono::sys_days>>) {
    *out << (answer.value ? FormatIsoDate(*answer.value) : std::string("none"));
  } else {
    *out << answer.value;
  }
  *out << (answer.provisional ? " (provisional)" : "");
}

}  // namespace gongkai::common

namespace gongkai::common::testing_support {

// The shipped data/calendar directory; ctest sets GONGKAI_CALENDAR_DIR.
inline std::filesystem::path CalendarDataDir() {
  const char* dir = std::getenv("GONGKAI_CALENDAR_DIR");
  if (dir == nullptr || *dir == '\0') {
    ADD_FAILURE() << "GONGKAI_CALENDAR_DIR is not set; run through ctest or point it at data/calendar";
    return "data/calendar";
  }
  return dir;
}

// The national calendar from the shipped files, loaded once.
inline const WorkingDayCalendar& NationalCalendar() {
  static const WorkingDayCalendar calendar = [] {
    Checked<WorkingDayCalendar> loaded = LoadCalendar(CalendarDataDir(), "cn");
    if (!loaded.ok()) {
      ADD_FAILURE() << loaded.error;
      return WorkingDayCalendar();
    }
    return std::move(*loaded.value);
  }();
  return calendar;
}

inline std::chrono::sys_days D(std::string_view iso) {
  const std::optional<std::chrono::sys_days> date = ParseIsoDate(iso);
  if (!date) ADD_FAILURE() << "bad test date " << iso;
  return date.value_or(std::chrono::sys_days{});
}

inline std::string Iso(std::chrono::sys_days date) { return FormatIsoDate(date); }

// EXPECT_TRUE(Mentions(error, "cn-2026.json:9")): the error names that part.
inline ::testing::AssertionResult Mentions(const std::string& text, std::string_view part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << text << "\" does not mention \"" << part << "\"";
}

// A fresh directory under the test temp dir, removed at the end of the test.
class ScratchDir {
 public:
  ScratchDir() {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::path(::testing::TempDir()) / ("calendar_" + std::string(test->test_suite_name()) + "_" +
                                                           test->name() + "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

  void Write(const std::string& name, std::string_view content) const {
    std::ofstream(path_ / name, std::ios::binary | std::ios::trunc) << content;
  }

  void CopyShippedFiles() const {
    for (const char* name : {"cn-2025.json", "cn-2026.json"}) {
      std::filesystem::copy_file(CalendarDataDir() / name, path_ / name,
                                 std::filesystem::copy_options::overwrite_existing);
    }
  }

 private:
  std::filesystem::path path_;
};

}  // namespace gongkai::common::testing_support
