#include "common/clock.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "common/calendar/iso_date.h"
#include "common/config.h"

namespace gongkai::common {
namespace {

Date D(const char* iso) { return *ParseIsoDate(iso); }

TEST(Clock, ShanghaiDateTurnsAtMidnightUtcPlus8) {
  using namespace std::chrono;
  const sys_days utc_day = D("2026-12-31");
  EXPECT_EQ(ShanghaiDate(utc_day + hours(15) + minutes(59)), D("2026-12-31"));
  EXPECT_EQ(ShanghaiDate(utc_day + hours(16)), D("2027-01-01"));
}

TEST(PinnedClock, TodayIsThePinnedDateAndCanBeMoved) {
  PinnedClock clock(D("2027-03-15"));
  EXPECT_EQ(clock.Today(), D("2027-03-15"));
  clock.Set(D("2028-06-30"));
  EXPECT_EQ(clock.Today(), D("2028-06-30"));
  EXPECT_EQ(ShanghaiDate(clock.Now()), D("2028-06-30"));
}

TEST(ClockFromConfig, TheMachineClockByDefault) {
  Config config({}, {});
  auto clock = ClockFromConfig(config);
  EXPECT_TRUE(config.Errors().empty());
  EXPECT_EQ(clock->Today(), ShanghaiDate(std::chrono::system_clock::now()));
}

TEST(ClockFromConfig, APinnedDateIsRefusedUnlessAllowedForTests) {
  Config config({{"GONGKAI_PINNED_DATE", "2027-01-04"}}, {});
  auto clock = ClockFromConfig(config);
  ASSERT_EQ(config.Errors().size(), 1u);
  EXPECT_NE(config.Errors()[0].find("GONGKAI_PINNED_DATE"), std::string::npos);
  EXPECT_NE(config.Errors()[0].find("GONGKAI_ALLOW_PINNED_CLOCK"), std::string::npos);
}

TEST(ClockFromConfig, APinnedDateAllowedForTestsIsToday) {
  Config config({{"GONGKAI_PINNED_DATE", "2027-01-04"}, {"GONGKAI_ALLOW_PINNED_CLOCK", "true"}}, {});
  auto clock = ClockFromConfig(config);
  EXPECT_TRUE(config.Errors().empty());
  EXPECT_EQ(clock->Today(), D("2027-01-04"));
}

TEST(ClockFromConfig, AMalformedPinnedDateIsNamed) {
  Config config({{"GONGKAI_PINNED_DATE", "2027-02-30"}, {"GONGKAI_ALLOW_PINNED_CLOCK", "true"}}, {});
  ClockFromConfig(config);
  ASSERT_EQ(config.Errors().size(), 1u);
  EXPECT_NE(config.Errors()[0].find("YYYY-MM-DD"), std::string::npos);
}

// FormatIsoDate writes its digits itself; it must read back as the same day
// and agree with printf's "%04d-%02u-%02u" at every width of year, month
// and day, and outside the years of four digits.
TEST(IsoDate, FormatsEveryDayAsPrintfAndReadsBack) {
  using namespace std::chrono;
  const auto printf_form = [](sys_days day) {
    const year_month_day ymd{day};
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    return std::string(buffer);
  };
  for (const int y : {0, 1, 9, 10, 99, 100, 999, 1000, 1999, 2026, 2028, 9999}) {
    for (sys_days day = sys_days{year{y} / January / 1}; day <= sys_days{year{y} / December / 31}; day += days{1}) {
      const std::string text = FormatIsoDate(day);
      ASSERT_EQ(text, printf_form(day));
      if (y > 0) {
        ASSERT_EQ(ParseIsoDate(text), day) << text;
      }
    }
  }
  EXPECT_EQ(FormatIsoDate(D("2026-12-05")), "2026-12-05");
  EXPECT_EQ(FormatIsoDate(sys_days{year{10000} / March / 4}), "10000-03-04");
  EXPECT_EQ(FormatIsoDate(sys_days{year{-1} / March / 4}), "-001-03-04");
}

}  // namespace
}  // namespace gongkai::common
