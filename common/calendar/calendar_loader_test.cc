#include "common/calendar/calendar_loader.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "common/calendar/calendar_in_use.h"
#include "common/calendar/calendar_test_support.h"

namespace gongkai::common {
namespace {

using std::chrono::sys_days;
using testing_support::CalendarDataDir;
using testing_support::D;
using testing_support::Iso;
using testing_support::Mentions;
using testing_support::ScratchDir;

// A calendar file with the given lists (JSON fragments), one entry per line.
std::string CalendarFile(std::string_view region, int year, std::string_view holidays, std::string_view makeup) {
  return "{\n"
         "  \"region\": \"" +
         std::string(region) +
         "\",\n"
         "  \"year\": " +
         std::to_string(year) +
         ",\n"
         "  \"source\": {\"name\": \"test notice\", \"date\": \"2025-11-04\"},\n"
         "  \"holidays\": [\n" +
         std::string(holidays) +
         "\n  ],\n"
         "  \"makeup_working_days\": [\n" +
         std::string(makeup) +
         "\n  ]\n"
         "}\n";
}

// Test-only: the real 2027 schedule is not published yet, so none ships.
constexpr std::string_view kTest2027Holidays = R"(    {"name": "元旦", "from": "2027-01-01", "to": "2027-01-03"})";

TEST(CalendarLoader, LoadsTheShippedNationalFiles) {
  const Checked<WorkingDayCalendar> loaded = LoadCalendar(CalendarDataDir(), "cn");
  ASSERT_TRUE(loaded.ok()) << loaded.error;
  EXPECT_EQ(loaded.value->loaded_years(), (std::vector<int>{2025, 2026}));
  EXPECT_EQ(loaded.value->region(), "cn");
}

TEST(CalendarLoader, KeepsEachHolidayNameForEveryRestDayOfItsRange) {
  const Checked<WorkingDayCalendar> loaded = LoadCalendar(CalendarDataDir(), "cn");
  ASSERT_TRUE(loaded.ok()) << loaded.error;
  for (const char* day : {"2026-10-01", "2026-10-04", "2026-10-07"}) {
    EXPECT_EQ(loaded.value->HolidayName(D(day)), "国庆节 National Day") << day;
  }
  EXPECT_EQ(loaded.value->HolidayName(D("2025-01-29")), "春节 Spring Festival");
  EXPECT_EQ(loaded.value->HolidayName(D("2026-10-10")), std::nullopt) << "a make-up working day has no holiday name";
  EXPECT_EQ(loaded.value->HolidayName(D("2026-10-17")), std::nullopt) << "a plain Saturday has no holiday name";
}

TEST(CalendarLoader, OverlayMakeUpDayDropsTheNationalHolidayName) {
  ScratchDir dir;
  dir.CopyShippedFiles();
  dir.Write("cn-14-2026.json",
            CalendarFile("cn-14", 2026, R"(    {"name": "local day", "from": "2026-03-10"})", R"(    "2026-10-03")"));
  const Checked<WorkingDayCalendar> shanxi = LoadCalendar(dir.path(), "cn-14");
  ASSERT_TRUE(shanxi.ok()) << shanxi.error;
  EXPECT_EQ(shanxi.value->HolidayName(D("2026-03-10")), "local day");
  EXPECT_TRUE(shanxi.value->IsWorkingDay(D("2026-10-03")).value);
  EXPECT_EQ(shanxi.value->HolidayName(D("2026-10-03")), std::nullopt);
  EXPECT_EQ(shanxi.value->HolidayName(D("2026-10-02")), "国庆节 National Day");
}

TEST(CalendarLoader, RejectsDateThatIsBothHolidayAndMakeUpWorkingDay) {
  ScratchDir dir;
  dir.Write("cn-2026.json",
            CalendarFile("cn", 2026, R"(    {"name": "春节", "from": "2026-02-15", "to": "2026-02-23"})",
                         R"(    "2026-02-14",
    "2026-02-21")"));
  const Checked<WorkingDayCalendar> loaded = LoadCalendar(dir.path(), "cn");
  ASSERT_FALSE(loaded.ok());
  EXPECT_TRUE(Mentions(loaded.error, "cn-2026.json:10: makeup_working_days: 2026-02-21"));
  EXPECT_TRUE(Mentions(loaded.error, "also a holiday (春节, line 6)"));
}

TEST(CalendarLoader, RejectsDateOutsideTheFileYear) {
  ScratchDir dir;
  dir.Write("cn-2026.json",
            CalendarFile("cn", 2026, R"(    {"name": "元旦", "from": "2025-12-31", "to": "2026-01-03"})", ""));
  const Checked<WorkingDayCalendar> loaded = LoadCalendar(dir.path(), "cn");
  ASSERT_FALSE(loaded.ok());
  EXPECT_TRUE(Mentions(loaded.error, "cn-2026.json:6: holidays: 2025-12-31 is outside the file's year 2026"));
}

TEST(CalendarLoader, RejectsImpossibleDate) {
  ScratchDir dir;
  dir.Write("cn-2026.json", CalendarFile("cn", 2026, "", R"(    "2026-02-30")"));
  const Checked<WorkingDayCalendar> loaded = LoadCalendar(dir.path(), "cn");
  ASSERT_FALSE(loaded.ok());
  EXPECT_TRUE(Mentions(loaded.error, "cn-2026.json:9: makeup_working_days: \"2026-02-30\" is not a valid date"));
}

TEST(CalendarLoader, RejectsMalformedJsonWithItsLine) {
  ScratchDir dir;
  std::string text = CalendarFile("cn", 2026, "", R"(    "2026-02-14",)");
  dir.Write("cn-2026.json", text);
  const Checked<WorkingDayCalendar> loaded = LoadCalendar(dir.path(), "cn");
  ASSERT_FALSE(loaded.ok());
  EXPECT_TRUE(Mentions(loaded.error, "cn-2026.json:10: malformed JSON"));
}

TEST(CalendarLoader, RejectsMakeUpWorkingDayThatIsAlreadyAWeekday) {
  ScratchDir dir;
  dir.Write("cn-2026.json", CalendarFile("cn", 2026, "", R"(    "2026-02-13")"));
  const Checked<WorkingDayCalendar> loaded = LoadCalendar(dir.path(), "cn");
  ASSERT_FALSE(loaded.ok());
  EXPECT_TRUE(Mentions(loaded.error, "2026-02-13 is a Friday"));
}

TEST(CalendarLoader, RejectsOverlappingHolidays) {
  ScratchDir dir;
  dir.Write("cn-2026.json", CalendarFile("cn", 2026, R"(    {"name": "A", "from": "2026-05-01", "to": "2026-05-05"},
    {"name": "B", "from": "2026-05-04", "to": "2026-05-06"})",
                                         ""));
  const Checked<WorkingDayCalendar> loaded = LoadCalendar(dir.path(), "cn");
  ASSERT_FALSE(loaded.ok());
  EXPECT_TRUE(Mentions(loaded.error, "cn-2026.json:7: holidays: 2026-05-04 is already a holiday (A)"));
}

TEST(CalendarLoader, RejectsFileNamedForAnotherYear) {
  ScratchDir dir;
  dir.Write("cn-2027.json", CalendarFile("cn", 2026, "", ""));
  const Checked<WorkingDayCalendar> loaded = LoadCalendar(dir.path(), "cn");
  ASSERT_FALSE(loaded.ok());
  EXPECT_TRUE(Mentions(loaded.error, "cn-2027.json: a file for region \"cn\", year 2026 must be named cn-2026.json"));
}

TEST(CalendarLoader, RejectsOverlayForAYearWithoutItsNationalFile) {
  ScratchDir dir;
  dir.CopyShippedFiles();
  dir.Write("cn-14-2027.json", CalendarFile("cn-14", 2027, "", ""));
  const Checked<WorkingDayCalendar> loaded = LoadCalendar(dir.path(), "cn-14");
  ASSERT_FALSE(loaded.ok());
  EXPECT_TRUE(Mentions(loaded.error, "cn-14-2027.json: overlay for 2027 has no national file cn-2027.json"));
}

TEST(CalendarLoader, RejectsDirectoryWithoutNationalFiles) {
  ScratchDir dir;
  const Checked<WorkingDayCalendar> loaded = LoadCalendar(dir.path(), "cn");
  ASSERT_FALSE(loaded.ok());
  EXPECT_TRUE(Mentions(loaded.error, "no calendar file for region \"cn\""));
}

TEST(CalendarLoader, ProvincialOverlayAddsLocalHolidayOnlyForThatProvince) {
  ScratchDir dir;
  dir.CopyShippedFiles();
  dir.Write("cn-14-2026.json", CalendarFile("cn-14", 2026, R"(    {"name": "local day", "from": "2026-03-10"})", ""));
  dir.Write("cn-15-2026.json",
            CalendarFile("cn-15", 2026, R"(    {"name": "other local day", "from": "2026-03-11"})", ""));

  const Checked<WorkingDayCalendar> shanxi = LoadCalendar(dir.path(), "cn-14");
  ASSERT_TRUE(shanxi.ok()) << shanxi.error;
  EXPECT_FALSE(shanxi.value->IsWorkingDay(D("2026-03-10")).value);
  EXPECT_TRUE(shanxi.value->IsWorkingDay(D("2026-03-11")).value);
  EXPECT_FALSE(shanxi.value->IsWorkingDay(D("2026-02-16")).value) << "national holidays still apply";
  EXPECT_EQ(Iso(shanxi.value->AddWorkingDays(D("2026-03-09"), 1).value), "2026-03-11");

  const Checked<WorkingDayCalendar> national = LoadCalendar(dir.path(), "cn");
  ASSERT_TRUE(national.ok()) << national.error;
  EXPECT_TRUE(national.value->IsWorkingDay(D("2026-03-10")).value);
}

TEST(CalendarInUse, StartsWithTheEmptyProvisionalCalendar) {
  const CalendarInUse store(CalendarDataDir(), "cn");
  EXPECT_TRUE(store.Current()->IsWorkingDay(D("2026-02-16")).provisional);
}

TEST(CalendarInUse, DeadlineIntoNextYearBecomesFinalWhenThatYearIsLoaded) {
  ScratchDir dir;
  dir.CopyShippedFiles();
  CalendarInUse store(dir.path(), "cn");
  ASSERT_EQ(store.Reload(), std::nullopt);

  // Decided Mon 2026-12-28, 7 WD: Dec 29, 30, 31, then 2027 by weekends only.
  const CalendarAnswer<sys_days> before = store.Current()->AddWorkingDays(D("2026-12-28"), 7);
  EXPECT_EQ(Iso(before.value), "2027-01-06");
  EXPECT_TRUE(before.provisional);

  dir.Write("cn-2027.json", CalendarFile("cn", 2027, kTest2027Holidays, ""));
  ASSERT_EQ(store.Reload(), std::nullopt);
  const CalendarAnswer<sys_days> after = store.Current()->AddWorkingDays(D("2026-12-28"), 7);
  EXPECT_EQ(Iso(after.value), "2027-01-07") << "New Year's Day 2027 is now a holiday";
  EXPECT_FALSE(after.provisional);
}

TEST(CalendarInUse, FailedReloadKeepsTheCalendarInUse) {
  ScratchDir dir;
  dir.CopyShippedFiles();
  CalendarInUse store(dir.path(), "cn");
  ASSERT_EQ(store.Reload(), std::nullopt);
  const std::shared_ptr<const WorkingDayCalendar> in_use = store.Current();

  dir.Write("cn-2027.json", CalendarFile("cn", 2027, R"(    {"name": "x", "from": "2027-02-30"})", ""));
  const std::optional<std::string> error = store.Reload();
  ASSERT_TRUE(error.has_value());
  EXPECT_TRUE(Mentions(*error, "cn-2027.json:6: holidays: \"2027-02-30\""));
  EXPECT_EQ(store.Current(), in_use);
  EXPECT_FALSE(store.Current()->IsWorkingDay(D("2026-02-16")).value);
}

TEST(CalendarInUse, ReadersNeverSeeAPartialCalendarWhileReloading) {
  ScratchDir dir;
  dir.CopyShippedFiles();
  CalendarInUse store(dir.path(), "cn");
  ASSERT_EQ(store.Reload(), std::nullopt);
  std::atomic<bool> stop = false;
  std::atomic<int> wrong = 0;
  std::vector<std::thread> readers;
  for (int i = 0; i < 2; ++i) {
    readers.emplace_back([&] {
      while (!stop) {
        if (store.Current()->AddWorkingDays(D("2026-02-12"), 7).value != D("2026-02-28")) ++wrong;
      }
    });
  }
  for (int i = 0; i < 20; ++i) ASSERT_EQ(store.Reload(), std::nullopt);
  stop = true;
  for (std::thread& reader : readers) reader.join();
  EXPECT_EQ(wrong, 0);
}

}  // namespace
}  // namespace gongkai::common
