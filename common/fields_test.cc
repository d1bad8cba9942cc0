#include "common/fields.h"

#include <gtest/gtest.h>

#include "common/calendar/iso_date.h"

namespace gongkai::common {
namespace {

const Date kToday = *ParseIsoDate("2026-06-15");

TEST(CheckPastDate, ADateUpToTodayIsTheDate) {
  Violations v;
  EXPECT_EQ(CheckPastDate(v, "event_date", "2026-06-15", kToday), kToday);
  EXPECT_EQ(CheckPastDate(v, "event_date", "2025-01-01", kToday), ParseIsoDate("2025-01-01"));
  EXPECT_TRUE(v.empty());
}

TEST(CheckPastDate, TomorrowIsInTheFuture) {
  Violations v;
  EXPECT_FALSE(CheckPastDate(v, "event_date", "2026-06-16", kToday));
  EXPECT_EQ(v, (Violations{{"event_date", "must not be in the future"}}));
}

TEST(CheckPastDate, NotADateNamesTheFormat) {
  for (const char* bad : {"", "2026-6-1", "2026-02-30", "20260615", "2026-06-15T00:00"}) {
    Violations v;
    EXPECT_FALSE(CheckPastDate(v, "steps[2].date", bad, kToday)) << bad;
    EXPECT_EQ(v, (Violations{{"steps[2].date", "must be a date YYYY-MM-DD"}})) << bad;
  }
}

TEST(CheckDateFilter, EmptyMatchesAllAndIsNoDate) {
  Violations v;
  EXPECT_FALSE(CheckDateFilter(v, "date_from", ""));
  EXPECT_TRUE(v.empty());
  EXPECT_EQ(CheckDateFilter(v, "date_from", "2026-01-31"), ParseIsoDate("2026-01-31"));
  EXPECT_FALSE(CheckDateFilter(v, "date_to", "31/01/2026"));
  EXPECT_EQ(v, (Violations{{"date_to", "must be a date YYYY-MM-DD"}}));
}

TEST(CheckDateFilter, YearZeroIsNoDateTheDatabaseCouldStore) {
  Violations v;
  EXPECT_FALSE(CheckDateFilter(v, "date_from", "0000-01-01"));
  EXPECT_EQ(v, (Violations{{"date_from", "must be a date YYYY-MM-DD"}}));
  EXPECT_EQ(CheckDateFilter(v, "date_from", "0001-01-01"), ParseIsoDate("0001-01-01"));
}

TEST(ListFilters, CityAndDomainAreCheckedWhenGiven) {
  Violations v;
  CheckCityFilter(v, "city_code", "");
  CheckCityFilter(v, "city_code", "140100");
  CheckDomainFilter(v, "domain", "");
  EXPECT_TRUE(v.empty());
  CheckCityFilter(v, "city_code", "140105");
  CheckDomainFilter(v, "domain", "astrology");
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].field, "city_code");
  EXPECT_EQ(v[1].field, "domain");
}

TEST(FieldPath, ElementOfARepeatedField) { EXPECT_EQ(At("decisions", 3), "decisions[3]"); }

}  // namespace
}  // namespace gongkai::common
