#include "services/penalties/penalty_timeliness.h"

#include <gtest/gtest.h>

#include "common/calendar/iso_date.h"
#include "common/testing/dates.h"

namespace gongkai::penalties {
namespace {

using gongkai::testing::Day;

// Due a week after the clock start, for decisions and measures alike.
const DueDate kWeekLater = [](PenaltyKind, common::Date start) { return start + std::chrono::days{7}; };

PublicationCount Count(const char* city, const char* domain, const char* clock_start, const char* published_on,
                       int64_t count, PenaltyKind kind = PenaltyKind::kDecision) {
  return {kind, city, domain, common::ParseIsoDate(clock_start), common::ParseIsoDate(published_on), count};
}

TEST(PublicationTimeliness, KindsAreNamedAsInMetrics) {
  EXPECT_EQ(KindLabel(PenaltyKind::kDecision), "penalty_decision");
  EXPECT_EQ(KindLabel(PenaltyKind::kMeasure), "coercive_measure");
  EXPECT_EQ(DeadlineKind(PenaltyKind::kDecision), common::RecordKind::kPenaltyDecision);
  EXPECT_EQ(DeadlineKind(PenaltyKind::kMeasure), common::RecordKind::kCoerciveMeasure);
}

TEST(PublicationTimeliness, PublishedByTheDueDateIsOnTimeAfterItLate) {
  const auto tally = TallyPublications({Count("140100", "market_regulation", "2026-06-01", "2026-06-08", 3),
                                        Count("140100", "market_regulation", "2026-06-01", "2026-06-09", 1)},
                                       kWeekLater, Day("2026-06-15"));
  EXPECT_TRUE(tally.overdue.empty());
  EXPECT_EQ(tally.key_domain.at("140100").on_time, 3);
  EXPECT_EQ(tally.key_domain.at("140100").due, 4);
  EXPECT_DOUBLE_EQ(tally.key_domain.at("140100").Ratio(), 0.75);
}

TEST(PublicationTimeliness, UnpublishedPastTheDueDateIsOverdueAndDue) {
  const auto tally = TallyPublications({Count("140100", "transport", "2026-06-01", "", 2),
                                        Count("140200", "transport", "2026-06-01", "", 5, PenaltyKind::kMeasure)},
                                       kWeekLater, Day("2026-06-09"));
  EXPECT_EQ(tally.overdue.at({"penalty_decision", "140100"}), 2);
  EXPECT_EQ(tally.overdue.at({"coercive_measure", "140200"}), 5);
  EXPECT_EQ(tally.key_domain.at("140100").due, 2);
  EXPECT_EQ(tally.key_domain.at("140100").on_time, 0);
  EXPECT_EQ(tally.key_domain.at("province").due, 7);
}

TEST(PublicationTimeliness, UnpublishedUpToTheDueDateIsNeitherOverdueNorDue) {
  const auto tally =
      TallyPublications({Count("140100", "transport", "2026-06-01", "", 2)}, kWeekLater, Day("2026-06-08"));
  EXPECT_TRUE(tally.overdue.empty());
  EXPECT_TRUE(tally.key_domain.empty());
}

TEST(PublicationTimeliness, OtherDomainsCountAsOverdueButNotInTheKeyDomainShare) {
  const auto tally = TallyPublications(
      {Count("140100", "health", "2026-06-01", "", 4), Count("140100", "health", "2026-06-01", "2026-06-20", 1)},
      kWeekLater, Day("2026-06-30"));
  EXPECT_EQ(tally.overdue.at({"penalty_decision", "140100"}), 4);
  EXPECT_TRUE(tally.key_domain.empty());
}

TEST(PublicationTimeliness, TheProvinceSumsItsCities) {
  const auto tally = TallyPublications({Count("140100", "agriculture", "2026-06-01", "2026-06-02", 1),
                                        Count("140200", "agriculture", "2026-06-01", "2026-06-20", 1)},
                                       kWeekLater, Day("2026-06-30"));
  EXPECT_DOUBLE_EQ(tally.key_domain.at("140100").Ratio(), 1.0);
  EXPECT_DOUBLE_EQ(tally.key_domain.at("140200").Ratio(), 0.0);
  EXPECT_DOUBLE_EQ(tally.key_domain.at("province").Ratio(), 0.5);
}

TEST(PublicationTimeliness, ACountWithoutAReadableClockStartIsLeftOut) {
  const auto tally =
      TallyPublications({Count("140100", "transport", "2026-02-30", "", 9)}, kWeekLater, Day("2026-12-31"));
  EXPECT_TRUE(tally.overdue.empty());
  EXPECT_TRUE(tally.key_domain.empty());
}

TEST(PublicationTimeliness, NothingDueIsARatioOfOne) { EXPECT_DOUBLE_EQ(OnTimeShare{}.Ratio(), 1.0); }

}  // namespace
}  // namespace gongkai::penalties
