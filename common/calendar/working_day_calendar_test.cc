#include "common/calendar/working_day_calendar.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <utility>
#include <vector>

#include "common/calendar/calendar_test_support.h"

namespace gongkai::common {
namespace {

using std::chrono::days;
using std::chrono::sys_days;
using testing_support::D;
using testing_support::Iso;
using testing_support::NationalCalendar;

// DOMAIN.md's lists, written out here independently of the shipped files.
struct OfficialYear {
  int year;
  std::vector<std::pair<const char*, const char*>> holidays;
  std::vector<const char*> makeup_working_days;
};

const std::vector<OfficialYear>& OfficialYears() {
  static const std::vector<OfficialYear> years = {
      {2025,
       {{"2025-01-01", "2025-01-01"},
        {"2025-01-28", "2025-02-04"},
        {"2025-04-04", "2025-04-06"},
        {"2025-05-01", "2025-05-05"},
        {"2025-05-31", "2025-06-02"},
        {"2025-10-01", "2025-10-08"}},
       {"2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"}},
      {2026,
       {{"2026-01-01", "2026-01-03"},
        {"2026-02-15", "2026-02-23"},
        {"2026-04-04", "2026-04-06"},
        {"2026-05-01", "2026-05-05"},
        {"2026-06-19", "2026-06-21"},
        {"2026-09-25", "2026-09-27"},
        {"2026-10-01", "2026-10-07"}},
       {"2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"}},
  };
  return years;
}

bool IsWeekend(sys_days date) {
  const unsigned weekday = std::chrono::weekday{date}.c_encoding();
  return weekday == 0 || weekday == 6;
}

TEST(WorkingDayCalendar, EveryDayOf2025And2026FollowsTheStateCouncilNotice) {
  const WorkingDayCalendar& calendar = NationalCalendar();
  for (const OfficialYear& official : OfficialYears()) {
    std::set<sys_days> holidays;
    for (const auto& [from, to] : official.holidays) {
      for (sys_days day = D(from); day <= D(to); day += days{1}) holidays.insert(day);
    }
    std::set<sys_days> makeup;
    for (const char* day : official.makeup_working_days) makeup.insert(D(day));

    int working_days = 0;
    const sys_days first{std::chrono::year{official.year} / 1 / 1};
    const sys_days last{std::chrono::year{official.year} / 12 / 31};
    for (sys_days day = first; day <= last; day += days{1}) {
      const bool expected = makeup.contains(day) || (!IsWeekend(day) && !holidays.contains(day));
      const CalendarAnswer<bool> answer = calendar.IsWorkingDay(day);
      EXPECT_EQ(answer.value, expected) << Iso(day);
      EXPECT_FALSE(answer.provisional) << Iso(day);
      working_days += answer.value;
    }
    EXPECT_EQ(working_days, 248) << official.year;
    const CalendarAnswer<int> counted = calendar.WorkingDaysBetween(first - days{1}, last);
    EXPECT_EQ(counted, (CalendarAnswer<int>{248, false})) << official.year;
  }
}

TEST(WorkingDayCalendar, EveryListedHolidayIsRest) {
  const WorkingDayCalendar& calendar = NationalCalendar();
  for (const char* day :
       {"2025-01-01", "2025-01-28", "2025-02-04", "2025-04-04", "2025-05-05", "2025-05-31", "2025-06-02", "2025-10-01",
        "2025-10-08", "2026-01-01", "2026-01-02", "2026-01-03", "2026-02-15", "2026-02-16", "2026-02-20", "2026-02-23",
        "2026-04-06", "2026-05-01", "2026-05-05", "2026-06-19", "2026-09-25", "2026-10-01", "2026-10-07"}) {
    EXPECT_FALSE(calendar.IsWorkingDay(D(day)).value) << day;
  }
}

TEST(WorkingDayCalendar, HolidayNameIsKnownOnlyForRestDaysOfLoadedYears) {
  const YearSchedule schedule{
      .year = 2026,
      .holidays = {D("2026-03-10")},
      .makeup_working_days = {},
      .holiday_names = {{D("2026-03-10"), "local day"}, {D("2026-03-11"), "not a listed holiday"}},
  };
  const WorkingDayCalendar calendar("cn", {schedule});
  EXPECT_EQ(calendar.HolidayName(D("2026-03-10")), "local day");
  EXPECT_EQ(calendar.HolidayName(D("2026-03-11")), std::nullopt) << "a name for a working day is not kept";
  EXPECT_EQ(calendar.HolidayName(D("2027-01-01")), std::nullopt) << "2027 is not loaded";
}

TEST(WorkingDayCalendar, MakeUpSaturdayCountsAsWorkingDay) {
  const WorkingDayCalendar& calendar = NationalCalendar();
  for (const char* saturday : {"2025-02-08", "2025-10-11", "2026-02-14", "2026-02-28", "2026-05-09", "2026-10-10"}) {
    EXPECT_EQ(std::chrono::weekday{D(saturday)}, std::chrono::Saturday) << saturday;
    EXPECT_TRUE(calendar.IsWorkingDay(D(saturday)).value) << saturday;
  }
  EXPECT_FALSE(calendar.IsWorkingDay(D("2026-03-07")).value) << "an ordinary Saturday";
}

TEST(WorkingDayCalendar, MakeUpSundayCountsAsWorkingDay) {
  const WorkingDayCalendar& calendar = NationalCalendar();
  for (const char* sunday : {"2025-01-26", "2025-04-27", "2025-09-28", "2026-01-04", "2026-09-20"}) {
    EXPECT_EQ(std::chrono::weekday{D(sunday)}, std::chrono::Sunday) << sunday;
    EXPECT_TRUE(calendar.IsWorkingDay(D(sunday)).value) << sunday;
  }
}

TEST(WorkingDayCalendar, PenaltyDecidedThursdayBeforeSpringFestivalIsDueOnMakeUpSaturday) {
  const WorkingDayCalendar& calendar = NationalCalendar();
  const sys_days decided = D("2026-02-12");
  EXPECT_EQ(Iso(calendar.AddWorkingDays(decided, 1).value), "2026-02-13");
  EXPECT_EQ(Iso(calendar.AddWorkingDays(decided, 2).value), "2026-02-14");
  EXPECT_EQ(Iso(calendar.AddWorkingDays(decided, 3).value), "2026-02-24");
  EXPECT_EQ(Iso(calendar.AddWorkingDays(decided, 6).value), "2026-02-27");
  const CalendarAnswer<sys_days> due = calendar.AddWorkingDays(decided, 7);
  EXPECT_EQ(Iso(due.value), "2026-02-28");
  EXPECT_FALSE(due.provisional);
}

TEST(WorkingDayCalendar, DeadlineCrossingNationalDay2026SkipsTheHolidayAndCountsMakeUpSaturday) {
  const WorkingDayCalendar& calendar = NationalCalendar();
  EXPECT_EQ(Iso(calendar.AddWorkingDays(D("2026-09-30"), 1).value), "2026-10-08");
  EXPECT_EQ(Iso(calendar.AddWorkingDays(D("2026-09-30"), 2).value), "2026-10-09");
  EXPECT_EQ(Iso(calendar.AddWorkingDays(D("2026-09-30"), 3).value), "2026-10-10");
  EXPECT_EQ(Iso(calendar.AddWorkingDays(D("2026-09-30"), 4).value), "2026-10-12");
  EXPECT_EQ(Iso(calendar.AddWorkingDays(D("2026-09-24"), 1).value), "2026-09-28");
  EXPECT_EQ(Iso(calendar.AddWorkingDays(D("2025-09-30"), 1).value), "2025-10-09");
}

TEST(WorkingDayCalendar, EventDayIsDayZeroAndIsNotCounted) {
  const WorkingDayCalendar& calendar = NationalCalendar();
  EXPECT_EQ(Iso(calendar.AddWorkingDays(D("2026-03-06"), 0).value), "2026-03-06");
  EXPECT_EQ(Iso(calendar.AddWorkingDays(D("2026-03-07"), 0).value), "2026-03-07")
      << "n = 0 returns the date itself, even a rest day";
  EXPECT_EQ(Iso(calendar.AddWorkingDays(D("2026-03-06"), 1).value), "2026-03-09");
  EXPECT_EQ(Iso(calendar.AddWorkingDays(D("2026-03-07"), 1).value), "2026-03-09");
  EXPECT_EQ(calendar.WorkingDaysBetween(D("2026-03-06"), D("2026-03-06")).value, 0);
  EXPECT_EQ(calendar.WorkingDaysBetween(D("2026-03-06"), D("2026-03-09")).value, 1);
}

TEST(WorkingDayCalendar, NegativeCountWalksBackToEarlierWorkingDays) {
  const WorkingDayCalendar& calendar = NationalCalendar();
  EXPECT_EQ(Iso(calendar.AddWorkingDays(D("2026-02-24"), -1).value), "2026-02-14");
  EXPECT_EQ(Iso(calendar.AddWorkingDays(D("2026-02-28"), -7).value), "2026-02-12");
  EXPECT_EQ(calendar.WorkingDaysBetween(D("2026-02-28"), D("2026-02-12")).value, -7);
}

TEST(WorkingDayCalendar, DeadlineRunningIntoUnloadedYearIsProvisional) {
  const WorkingDayCalendar& calendar = NationalCalendar();
  EXPECT_EQ(calendar.AddWorkingDays(D("2026-12-30"), 1), (CalendarAnswer<sys_days>{D("2026-12-31"), false}));
  // Weekends only in 2027: New Year's Day counts until the 2027 notice is loaded.
  EXPECT_EQ(calendar.AddWorkingDays(D("2026-12-31"), 1), (CalendarAnswer<sys_days>{D("2027-01-01"), true}));
  EXPECT_EQ(calendar.IsWorkingDay(D("2027-01-01")), (CalendarAnswer<bool>{true, true}));
  EXPECT_EQ(calendar.IsWorkingDay(D("2024-12-31")), (CalendarAnswer<bool>{true, true}));
  EXPECT_TRUE(calendar.WorkingDaysBetween(D("2026-12-01"), D("2027-01-05")).provisional);
  EXPECT_FALSE(calendar.WorkingDaysBetween(D("2024-12-31"), D("2026-12-31")).provisional)
      << "(from, to] does not include the unloaded 2024-12-31";
}

TEST(WorkingDayCalendar, EmptyCalendarIsWeekendsOnlyAndAlwaysProvisional) {
  const WorkingDayCalendar calendar;
  EXPECT_EQ(calendar.IsWorkingDay(D("2026-02-16")), (CalendarAnswer<bool>{true, true}));
  EXPECT_EQ(calendar.AddWorkingDays(D("2026-02-12"), 7), (CalendarAnswer<sys_days>{D("2026-02-23"), true}));
  EXPECT_EQ(calendar.WorkingDaysBetween(D("1969-12-26"), D("1970-01-09")), (CalendarAnswer<int>{10, true}));
}

// A calendar with 2025 and a made-up 2027 but not 2026, checked against a
// plain day-by-day walk over its weekends-only edges and its gap.
const std::vector<YearSchedule>& GapSchedules() {
  static const std::vector<YearSchedule> schedules = {
      {2027, {D("2027-01-01"), D("2027-05-03")}, {D("2027-05-08")}, {}},
      {2025, {D("2025-01-01"), D("2025-10-01"), D("2025-10-02")}, {D("2025-10-11")}, {}},
  };
  return schedules;
}

WorkingDayCalendar CalendarWithGap() { return WorkingDayCalendar("cn", GapSchedules()); }

// The rule itself, one day at a time, from the schedules.
bool WalkIsWorking(sys_days day) {
  for (const YearSchedule& schedule : GapSchedules()) {
    for (sys_days holiday : schedule.holidays) {
      if (holiday == day) return false;
    }
    for (sys_days makeup : schedule.makeup_working_days) {
      if (makeup == day) return true;
    }
  }
  return !IsWeekend(day);
}

TEST(WorkingDayCalendar, YearMissingBetweenLoadedYearsFollowsWeekendsOnlyRuleAndIsProvisional) {
  const WorkingDayCalendar calendar = CalendarWithGap();
  EXPECT_EQ(calendar.loaded_years(), (std::vector<int>{2025, 2027}));
  EXPECT_EQ(calendar.IsWorkingDay(D("2026-02-16")), (CalendarAnswer<bool>{true, true}));
  EXPECT_EQ(calendar.IsWorkingDay(D("2027-05-08")), (CalendarAnswer<bool>{true, false}));
  EXPECT_FALSE(calendar.AddWorkingDays(D("2025-09-30"), 3).provisional);
  EXPECT_TRUE(calendar.AddWorkingDays(D("2025-12-30"), 3).provisional);
  EXPECT_FALSE(calendar.AddWorkingDays(D("2027-01-04"), 3).provisional);
}

TEST(WorkingDayCalendar, ConstantTimeAnswersMatchADayByDayWalk) {
  const WorkingDayCalendar calendar = CalendarWithGap();
  std::mt19937 random(20260212);
  std::uniform_int_distribution<int> day_in_range(0, 6 * 365);  // 2023 to 2028.
  std::uniform_int_distribution<int> count(-300, 300);
  const sys_days base = D("2023-01-01");
  for (int i = 0; i < 3000; ++i) {
    const sys_days start = base + days{day_in_range(random)};
    const int n = count(random);
    // The walk: step one day at a time, counting working days after `start`.
    sys_days expected = start;
    for (int remaining = n; remaining != 0;) {
      expected += days{n > 0 ? 1 : -1};
      if (WalkIsWorking(expected)) remaining += n > 0 ? -1 : 1;
    }
    ASSERT_EQ(calendar.IsWorkingDay(start).value, WalkIsWorking(start)) << Iso(start);
    ASSERT_EQ(Iso(calendar.AddWorkingDays(start, n).value), Iso(expected)) << Iso(start) << " + " << n;

    const sys_days other = base + days{day_in_range(random)};
    int walked = 0;
    for (sys_days day = std::min(start, other) + days{1}; day <= std::max(start, other); day += days{1}) {
      walked += WalkIsWorking(day);
    }
    ASSERT_EQ(calendar.WorkingDaysBetween(start, other).value, start <= other ? walked : -walked)
        << Iso(start) << " .. " << Iso(other);
  }
}

TEST(WorkingDayCalendar, CountingTheWorkingDaysAddedGivesBackTheCount) {
  const WorkingDayCalendar& calendar = NationalCalendar();
  std::mt19937 random(7);
  std::uniform_int_distribution<int> day_in_2025_2026(0, 729);
  std::uniform_int_distribution<int> count(0, 60);
  for (int i = 0; i < 20000; ++i) {
    const sys_days start = D("2025-01-01") + days{day_in_2025_2026(random)};
    const int n = count(random);
    const sys_days due = calendar.AddWorkingDays(start, n).value;
    ASSERT_EQ(calendar.WorkingDaysBetween(start, due).value, n) << Iso(start) << " + " << n;
    if (n > 0) {
      ASSERT_TRUE(calendar.IsWorkingDay(due).value) << Iso(start) << " + " << n;
      ASSERT_EQ(calendar.WorkingDaysBetween(start, due - days{1}).value, n - 1)
          << "the first such day: " << Iso(start) << " + " << n;
    }
  }
}

TEST(WorkingDayCalendar, NthWorkingDayOfMonthCountsMakeUpDaysAndSkipsHolidays) {
  using std::chrono::year;
  const WorkingDayCalendar& calendar = NationalCalendar();
  const auto february = year{2026} / std::chrono::February;
  EXPECT_EQ(Iso(*calendar.NthWorkingDayOfMonth(february, 1).value), "2026-02-02");
  EXPECT_EQ(Iso(*calendar.NthWorkingDayOfMonth(february, 11).value), "2026-02-14");
  EXPECT_EQ(Iso(*calendar.NthWorkingDayOfMonth(february, 16).value), "2026-02-28");
  EXPECT_EQ(calendar.NthWorkingDayOfMonth(february, 17),
            (CalendarAnswer<std::optional<sys_days>>{std::nullopt, false}));
  EXPECT_EQ(calendar.NthWorkingDayOfMonth(february, 0).value, std::nullopt);
  EXPECT_EQ(Iso(*calendar.NthWorkingDayOfMonth(year{2026} / std::chrono::October, 1).value), "2026-10-08");
  EXPECT_EQ(Iso(*calendar.NthWorkingDayOfMonth(year{2025} / std::chrono::January, 1).value), "2025-01-02");
  const auto january_2027 = calendar.NthWorkingDayOfMonth(year{2027} / std::chrono::January, 1);
  EXPECT_EQ(Iso(*january_2027.value), "2027-01-01");
  EXPECT_TRUE(january_2027.provisional);
}

}  // namespace
}  // namespace gongkai::common
