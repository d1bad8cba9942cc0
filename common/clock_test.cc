#include "common/clock.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace gongkai::common
