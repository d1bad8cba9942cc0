#include "services/penalties/penalty_timeliness.h"

#include <gtest/gtest.h>

#include "common/calendar/iso_date.h"
#include "common/identifiers.h"
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

// Records the rules never publish, as the store counts them.
PublicationCount NeverPublishedCount(const char* city, const char* domain, const char* clock_start, int64_t count,
                                     PenaltyKind kind = PenaltyKind::kDecision) {
  PublicationCount c = Count(city, domain, clock_start, "", count, kind);
  c.never_published = true;
  return c;
}

std::string CitizenId(const std::string& first17) { return first17 + common::CitizenIdCheckCharacter(first17); }

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

TEST(PublicationTimeliness, EachKindHasItsOnTimeShareOverEveryDomain) {
  const auto tally = TallyPublications({Count("140100", "health", "2026-06-01", "2026-06-05", 1),
                                        Count("140100", "transport", "2026-06-01", "2026-06-20", 1),
                                        Count("140200", "health", "2026-06-01", "", 2, PenaltyKind::kMeasure),
                                        Count("140200", "health", "2026-06-25", "", 4, PenaltyKind::kMeasure)},
                                       kWeekLater, Day("2026-06-30"));
  EXPECT_EQ(tally.on_time.at({"penalty_decision", "140100"}).on_time, 1);
  EXPECT_EQ(tally.on_time.at({"penalty_decision", "140100"}).due, 2);
  EXPECT_EQ(tally.on_time.at({"penalty_decision", "province"}).due, 2);
  EXPECT_EQ(tally.on_time.at({"coercive_measure", "140200"}).on_time, 0);
  EXPECT_EQ(tally.on_time.at({"coercive_measure", "140200"}).due, 2) << "the measures not yet due are left out";
  EXPECT_EQ(tally.key_domain.at("province").due, 1) << "only transport is a key domain here";
}

TEST(PublicationTimeliness, MinorsCasesAreNotInTheKpiDenominator) {
  const auto tally =
      TallyPublications({Count("140100", "market_regulation", "2026-06-01", "2026-06-02", 1),
                         NeverPublishedCount("140100", "market_regulation", "2026-06-01", 3),
                         NeverPublishedCount("140100", "transport", "2026-06-01", 2, PenaltyKind::kMeasure)},
                        kWeekLater, Day("2026-06-30"));
  EXPECT_TRUE(tally.overdue.empty()) << "a record never published is never overdue";
  EXPECT_EQ(tally.key_domain.at("140100").due, 1);
  EXPECT_EQ(tally.key_domain.at("140100").on_time, 1);
  EXPECT_DOUBLE_EQ(tally.key_domain.at("province").Ratio(), 1.0);
  EXPECT_EQ(tally.on_time.at({"penalty_decision", "140100"}).due, 1);
  EXPECT_EQ(tally.on_time.count({"coercive_measure", "140100"}), 0u);
}

TEST(PublicationTimeliness, NeverPublishedRecordsAloneLeaveNothingDue) {
  const auto tally =
      TallyPublications({NeverPublishedCount("140100", "transport", "2026-06-01", 5)}, kWeekLater, Day("2026-12-31"));
  EXPECT_TRUE(tally.overdue.empty());
  EXPECT_TRUE(tally.key_domain.empty());
  EXPECT_TRUE(tally.on_time.empty());
}

TEST(PublicationTimeliness, NeverPublishedTierIsNotDue) {
  const PublicationClaims minor_tier{false, true, ""};
  EXPECT_TRUE(NeverPublished(PenaltyKind::kDecision, minor_tier, Day("2026-04-01")));
  EXPECT_TRUE(NeverPublished(PenaltyKind::kDecision, minor_tier, Day("2026-03-31")))
      << "the 2023 rules then in force publish no MINOR tier either";
  EXPECT_FALSE(NeverPublished(PenaltyKind::kMeasure, minor_tier, Day("2026-06-01"))) << "a measure has no tier";
}

TEST(PublicationTimeliness, ARejectedRecordWithoutATierIsDue) {
  EXPECT_FALSE(NeverPublished(PenaltyKind::kDecision, {}, Day("2026-06-01")))
      << "its correction must name a tier, and any tier but MINOR is published";
}

TEST(PublicationTimeliness, ARejectedMinorsCaseIsNeverDue) {
  EXPECT_TRUE(NeverPublished(PenaltyKind::kDecision, {true, false, ""}, Day("2026-06-01")));
  EXPECT_TRUE(NeverPublished(PenaltyKind::kMeasure, {true, false, ""}, Day("2026-06-01")));
  const std::string born_2010 = CitizenId("14010120100501123");
  EXPECT_TRUE(NeverPublished(PenaltyKind::kDecision, {false, false, born_2010}, Day("2026-06-01")))
      << "the ID number shows the party under 18 on the clock start, marked or not";
  EXPECT_TRUE(NeverPublished(PenaltyKind::kMeasure, {false, false, born_2010}, Day("2026-06-01")));
  EXPECT_FALSE(NeverPublished(PenaltyKind::kDecision, {false, false, born_2010}, Day("2028-05-02")))
      << "of age from the day after the 18th birthday";
  EXPECT_FALSE(
      NeverPublished(PenaltyKind::kDecision, {false, false, CitizenId("14010119850315123")}, Day("2026-06-01")));
  EXPECT_FALSE(NeverPublished(PenaltyKind::kDecision, {false, false, "1401012010050112"}, Day("2026-06-01")))
      << "an ID number that is not one shows no age";
}

}  // namespace
}  // namespace gongkai::penalties
