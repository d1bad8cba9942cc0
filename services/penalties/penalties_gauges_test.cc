// The penalties' overdue records (PenaltyOverdue), the one count that both
// the gauge gongkai_disclosures_overdue and GetKpiTallies' overdue are made
// of.
#include "services/penalties/penalties_gauges.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/testing/adapter.h"
#include "common/testing/dates.h"

namespace gongkai::penalties {
namespace {

using gongkai::testing::Day;

// `n` records of `kind` in `city` whose clock started on `clock_start` (""
// for none readable), first public on `published_on` ("" for never).
PublicationCount Count(PenaltyKind kind, const std::string& city, const std::string& clock_start,
                       const std::string& published_on, int64_t n, bool never_published = false) {
  PublicationCount c;
  c.kind = kind;
  c.city_code = city;
  c.domain = "market_regulation";
  if (!clock_start.empty()) c.clock_start = Day(clock_start);
  if (!published_on.empty()) c.published_on = Day(published_on);
  c.count = n;
  c.never_published = never_published;
  return c;
}

// Each count as "<kind> <city> <count>", in the order given.
std::vector<std::string> Lines(const std::vector<common::v1::OverdueCount>& counts) {
  std::vector<std::string> out;
  for (const auto& c : counts) out.push_back(c.kind() + " " + c.city_code() + " " + std::to_string(c.count()));
  return out;
}

TEST(PenaltyOverdue, CountsTheRecordsNotPublishedPastTheirDeadlinePerKindAndCityOfEveryYear) {
  const common::Date today = Day("2026-12-01");
  testing::TestContext ctx(today);
  const std::vector<PublicationCount> counts = {
      // Decided Mon 2026-06-01: due 7 WD later, 2026-06-10.
      Count(PenaltyKind::kDecision, "140100", "2026-06-01", "", 2),            // rejected, awaiting a resend
      Count(PenaltyKind::kDecision, "140100", "2026-06-01", "2026-06-02", 5),  // published
      Count(PenaltyKind::kDecision, "140100", "2026-06-01", "2026-08-03", 1),  // published late
      Count(PenaltyKind::kDecision, "140200", "2025-03-03", "", 1),            // of an earlier year
      Count(PenaltyKind::kMeasure, "140100", "2026-01-05", "", 1),
      Count(PenaltyKind::kDecision, "140100", "2026-11-30", "", 4),        // not due yet (2026-12-09)
      Count(PenaltyKind::kDecision, "140100", "2026-06-01", "", 3, true),  // never published
      Count(PenaltyKind::kDecision, "140100", "", "", 6),                  // no readable clock start
  };
  EXPECT_EQ(Lines(PenaltyOverdue(counts, ctx.context().deadlines, today)),
            (std::vector<std::string>{"coercive_measure 140100 1", "penalty_decision 140100 2",
                                      "penalty_decision 140200 1"}));
  // On its due date a record is not overdue yet.
  EXPECT_TRUE(PenaltyOverdue({counts[0]}, ctx.context().deadlines, Day("2026-06-10")).empty());
}

}  // namespace
}  // namespace gongkai::penalties
