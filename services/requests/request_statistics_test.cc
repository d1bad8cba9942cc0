#include "services/requests/request_statistics.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/testing/dates.h"

namespace gongkai::requests {
namespace {

using common::Date;

constexpr char kAgency[] = "11140100MB0000001X";
constexpr char kOtherAgency[] = "11140200MB0000002Y";
constexpr char kCity[] = "140100";
constexpr char kOtherCity[] = "140200";

using gongkai::testing::Day;

constexpr Date kToday = Day(2026, 6, 15);

// An open request with its reply clock running.
RequestFacts Open(Date received, Date due, const std::string& agency = kAgency, const std::string& city = kCity) {
  RequestFacts f;
  f.agency_credit_code = agency;
  f.city_code = city;
  f.received_on = received;
  f.state = "OPEN";
  f.open = true;
  f.due_on = due;
  return f;
}

RequestFacts Replied(Date received, Date due, Date replied, bool standardised,
                     ReplyOutcome outcome = ReplyOutcome::kDisclosed, const std::string& agency = kAgency,
                     const std::string& city = kCity) {
  RequestFacts f = Open(received, due, agency, city);
  f.state = "REPLIED";
  f.open = false;
  f.replied_on = replied;
  f.outcome = outcome;
  f.standardised = standardised;
  return f;
}

RequestFacts Closed(Date received, std::optional<Date> due, const std::string& state) {
  RequestFacts f = Open(received, Day(2026, 1, 1));
  f.due_on = due;
  f.state = state;
  f.open = false;
  return f;
}

ConsultationFacts Consultation(Date asked, Date due, std::optional<Date> answered, const std::string& agency = kAgency,
                               const std::string& city = kCity, const std::string& id = "") {
  return {agency, city, asked, due, answered, id};
}

RequestFacts WithId(RequestFacts f, const std::string& id) {
  f.id = id;
  return f;
}

const AgencyYear& Only(const YearStatistics& s) {
  EXPECT_EQ(s.agencies.size(), 1u);
  return s.agencies.at(0);
}

// ---------------------------------------------------------------- statistics

TEST(StatisticsYear, NoYearIsTodaysYear) {
  common::Violations v;
  EXPECT_EQ(StatisticsYear(v, 0, kToday), 2026);
  EXPECT_EQ(StatisticsYear(v, 0, Day(2019, 1, 1)), 2019);
  EXPECT_EQ(v, common::Violations{});
}

TEST(StatisticsYear, AYearFrom2019To2100) {
  common::Violations v;
  EXPECT_EQ(StatisticsYear(v, 2019, kToday), 2019);
  EXPECT_EQ(StatisticsYear(v, 2025, kToday), 2025);
  EXPECT_EQ(StatisticsYear(v, 2100, kToday), 2100);
  EXPECT_EQ(v, common::Violations{});
  for (int year : {2018, 2101, -1}) {
    common::Violations out;
    StatisticsYear(out, year, kToday);
    EXPECT_EQ(out, (common::Violations{{"year", "must be 2019..2100"}})) << year;
  }
}

TEST(StatisticsYear, TodaysYearOutOfRangeIsRefused) {
  common::Violations v;
  EXPECT_EQ(StatisticsYear(v, 0, Day(2101, 1, 1)), 2101);
  EXPECT_EQ(v, (common::Violations{{"year", "must be 2019..2100"}}));
}

TEST(YearStatistics, NothingDueIsARateOfOne) {
  auto s = StatisticsOf(2026, kToday, {}, {});
  EXPECT_TRUE(s.agencies.empty());
  EXPECT_DOUBLE_EQ(s.standardised_reply_rate, 1.0);
  EXPECT_DOUBLE_EQ(s.consultation_response_rate, 1.0);
  // Requests and consultations not yet due count for nothing either.
  s = StatisticsOf(2026, kToday, {Open(Day(2026, 6, 10), Day(2026, 7, 9))},
                   {Consultation(Day(2026, 6, 12), Day(2026, 6, 19), std::nullopt)});
  EXPECT_EQ(Only(s).received, 1);
  EXPECT_EQ(Only(s).due, 0);
  EXPECT_EQ(Only(s).consultations_due, 0);
  EXPECT_DOUBLE_EQ(s.standardised_reply_rate, 1.0);
  EXPECT_DOUBLE_EQ(s.consultation_response_rate, 1.0);
}

TEST(YearStatistics, ReceivedInTheYearAndCarriedOverFromTheLast) {
  auto s = StatisticsOf(2026, kToday,
                        {Open(Day(2026, 3, 2), Day(2026, 3, 30)), Open(Day(2025, 12, 22), Day(2026, 1, 21)),
                         Replied(Day(2025, 12, 1), Day(2025, 12, 29), Day(2026, 1, 5), false)},
                        {});
  EXPECT_EQ(Only(s).received, 1);
  EXPECT_EQ(Only(s).carried_over_from_last_year, 2);
}

TEST(YearStatistics, CarriedOverToTheNextYear) {
  // As of 2026-06-15, 2025 has ended: a request still open, or replied in
  // 2026, was carried over into 2026.
  const std::vector<RequestFacts> facts = {Open(Day(2025, 12, 22), Day(2026, 1, 21)),
                                           Replied(Day(2025, 12, 1), Day(2025, 12, 29), Day(2026, 1, 5), true),
                                           Replied(Day(2025, 11, 3), Day(2025, 12, 1), Day(2025, 11, 28), true)};
  EXPECT_EQ(Only(StatisticsOf(2025, kToday, facts, {})).carried_over_to_next_year, 2);
  // 2026 has not ended: its open requests are not carried over yet.
  EXPECT_EQ(Only(StatisticsOf(2026, kToday, {Open(Day(2026, 3, 2), Day(2026, 3, 30))}, {})).carried_over_to_next_year,
            0);
}

TEST(YearStatistics, RepliesCountedByOutcomeInTheYearOfTheReply) {
  const std::vector<RequestFacts> facts = {
      Replied(Day(2025, 12, 1), Day(2025, 12, 29), Day(2026, 1, 5), true, ReplyOutcome::kDisclosed),
      Replied(Day(2026, 2, 2), Day(2026, 3, 3), Day(2026, 2, 20), true, ReplyOutcome::kDisclosed),
      Replied(Day(2026, 2, 2), Day(2026, 3, 3), Day(2026, 2, 25), true, ReplyOutcome::kNotHeld),
      Replied(Day(2025, 11, 3), Day(2025, 12, 1), Day(2025, 12, 31), true, ReplyOutcome::kNotDisclosed)};
  const AgencyYear in_2026 = Only(StatisticsOf(2026, kToday, facts, {}));
  EXPECT_EQ(in_2026.replied_by_outcome,
            (std::map<ReplyOutcome, int>{{ReplyOutcome::kDisclosed, 2}, {ReplyOutcome::kNotHeld, 1}}));
  const AgencyYear in_2025 = Only(StatisticsOf(2025, kToday, facts, {}));
  EXPECT_EQ(in_2025.replied_by_outcome, (std::map<ReplyOutcome, int>{{ReplyOutcome::kNotDisclosed, 1}}));
}

TEST(YearStatistics, WithdrawnAndAbandonedAreCountedButNeverDue) {
  auto s = StatisticsOf(
      2026, kToday,
      {Closed(Day(2026, 3, 2), Day(2026, 3, 30), "WITHDRAWN"), Closed(Day(2026, 3, 9), std::nullopt, "ABANDONED"),
       Closed(Day(2026, 4, 1), Day(2026, 4, 30), "ABANDONED"),
       // Received last year: carried over, not counted as this year's withdrawal.
       Closed(Day(2025, 12, 1), Day(2025, 12, 29), "WITHDRAWN")},
      {});
  EXPECT_EQ(Only(s).withdrawn, 1);
  EXPECT_EQ(Only(s).abandoned, 2);
  EXPECT_EQ(Only(s).due, 0);
  EXPECT_DOUBLE_EQ(s.standardised_reply_rate, 1.0);
}

TEST(YearStatistics, DueWhenRepliedOrPastItsDueDate) {
  auto s = StatisticsOf(2026, kToday,
                        {Open(Day(2026, 5, 6), Day(2026, 6, 3)),    // overdue: due, not standardised
                         Open(Day(2026, 5, 15), Day(2026, 6, 15)),  // due today: a reply today is on time
                         Open(Day(2026, 5, 18), Day(2026, 6, 16)),  // due tomorrow: not yet
                         // Replied early: due from the reply, whatever its due date.
                         Replied(Day(2026, 6, 1), Day(2026, 6, 30), Day(2026, 6, 10), true),
                         Replied(Day(2026, 3, 2), Day(2026, 3, 30), Day(2026, 4, 2), false)},
                        {});
  EXPECT_EQ(Only(s).due, 3);
  EXPECT_EQ(Only(s).standardised_replies, 1);
  EXPECT_DOUBLE_EQ(s.standardised_reply_rate, 1.0 / 3.0);
}

TEST(YearStatistics, StandardisedReplyRateIsStandardisedRepliesOverDue) {
  auto s = StatisticsOf(2026, kToday,
                        {Replied(Day(2026, 2, 2), Day(2026, 3, 3), Day(2026, 2, 20), true),
                         Replied(Day(2026, 2, 2), Day(2026, 3, 3), Day(2026, 2, 25), true),
                         Replied(Day(2026, 2, 2), Day(2026, 3, 3), Day(2026, 3, 10), false),
                         Replied(Day(2026, 2, 2), Day(2026, 3, 3), Day(2026, 2, 26), true, ReplyOutcome::kDisclosed,
                                 kOtherAgency, kOtherCity)},
                        {});
  ASSERT_EQ(s.agencies.size(), 2u);
  EXPECT_EQ(s.agencies[0].agency_credit_code, kAgency);
  EXPECT_EQ(s.agencies[0].city_code, kCity);
  EXPECT_EQ(s.agencies[0].due, 3);
  EXPECT_EQ(s.agencies[0].standardised_replies, 2);
  EXPECT_EQ(s.agencies[1].agency_credit_code, kOtherAgency);
  EXPECT_EQ(s.agencies[1].city_code, kOtherCity);
  EXPECT_EQ(s.agencies[1].due, 1);
  EXPECT_DOUBLE_EQ(s.standardised_reply_rate, 3.0 / 4.0);  // over all agencies counted
}

TEST(YearStatistics, AYearThatEndedCountsUntilItsLastDay) {
  const std::vector<RequestFacts> facts = {
      Open(Day(2025, 1, 1), Day(2025, 12, 31)),  // received on the first day, due on the last: due in 2025
      Open(Day(2025, 12, 3), Day(2026, 1, 5)),   // due in 2026: not due in 2025
      Replied(Day(2024, 12, 31), Day(2025, 1, 29), Day(2025, 12, 31), false),  // carried in, replied on the last day
      Replied(Day(2025, 12, 4), Day(2026, 1, 6), Day(2026, 1, 1), true)};      // replied on the next year's first day
  const AgencyYear a = Only(StatisticsOf(2025, kToday, facts, {}));
  EXPECT_EQ(a.received, 3);
  EXPECT_EQ(a.carried_over_from_last_year, 1);
  EXPECT_EQ(a.due, 2);
  EXPECT_EQ(a.standardised_replies, 0) << "the standardised reply came in 2026";
  EXPECT_EQ(a.replied_by_outcome, (std::map<ReplyOutcome, int>{{ReplyOutcome::kDisclosed, 1}}));
  EXPECT_EQ(a.carried_over_to_next_year, 3);
}

TEST(YearStatistics, ReviewsAndLawsuitsAreSummed) {
  RequestFacts one = Replied(Day(2026, 2, 2), Day(2026, 3, 3), Day(2026, 2, 20), true);
  one.reviews = 1;
  one.lawsuits = 1;
  RequestFacts two = one;
  two.reviews = 2;
  two.lawsuits = 0;
  const AgencyYear a = Only(StatisticsOf(2026, kToday, {one, two}, {}));
  EXPECT_EQ(a.reviews, 3);
  EXPECT_EQ(a.lawsuits, 1);
}

TEST(YearStatistics, ConsultationsAnsweredOnTimeOverDue) {
  auto s = StatisticsOf(2026, kToday, {},
                        {Consultation(Day(2026, 6, 1), Day(2026, 6, 8), Day(2026, 6, 8)),     // on the due day: on time
                         Consultation(Day(2026, 6, 1), Day(2026, 6, 8), Day(2026, 6, 9)),     // late
                         Consultation(Day(2026, 6, 2), Day(2026, 6, 9), std::nullopt),        // unanswered past due
                         Consultation(Day(2026, 6, 8), Day(2026, 6, 15), std::nullopt),       // due today: not yet
                         Consultation(Day(2026, 6, 12), Day(2026, 6, 19), std::nullopt),      // not yet due
                         Consultation(Day(2026, 6, 12), Day(2026, 6, 19), Day(2026, 6, 12))}  // answered early
  );
  EXPECT_EQ(Only(s).consultations_due, 4);
  EXPECT_EQ(Only(s).consultations_answered_on_time, 2);
  EXPECT_DOUBLE_EQ(s.consultation_response_rate, 2.0 / 4.0);
}

TEST(YearStatistics, ConsultationsOfAYearThatEndedCountUntilItsLastDay) {
  auto s = StatisticsOf(2025, kToday, {},
                        {Consultation(Day(2025, 12, 24), Day(2025, 12, 31), std::nullopt),
                         Consultation(Day(2025, 12, 29), Day(2026, 1, 6), std::nullopt)});
  EXPECT_EQ(Only(s).consultations_due, 1);
  EXPECT_DOUBLE_EQ(s.consultation_response_rate, 0.0);
}

// ---------------------------------------------------------------- gauges

TEST(RequestGauges, OverdueRequestsByCity) {
  auto g = GaugeValuesOf(kToday,
                         {Open(Day(2026, 5, 6), Day(2026, 6, 3)), Open(Day(2026, 5, 6), Day(2026, 6, 12)),
                          Open(Day(2026, 5, 15), Day(2026, 6, 15)),  // due today: not overdue yet
                          Open(Day(2026, 5, 6), Day(2026, 6, 3), kOtherAgency, kOtherCity),
                          Closed(Day(2026, 3, 2), Day(2026, 3, 30), "WITHDRAWN")},
                         {});
  EXPECT_EQ(g.overdue_requests, (std::map<std::string, int>{{kCity, 2}, {kOtherCity, 1}}));
}

TEST(RequestGauges, ConsultationsUnansweredPastTheirDueDateAreOverdue) {
  auto g = GaugeValuesOf(kToday, {},
                         {Consultation(Day(2026, 6, 1), Day(2026, 6, 8), Day(2026, 6, 8)),
                          Consultation(Day(2026, 6, 1), Day(2026, 6, 8), Day(2026, 6, 9)),
                          Consultation(Day(2026, 6, 2), Day(2026, 6, 9), std::nullopt),   // overdue
                          Consultation(Day(2026, 6, 8), Day(2026, 6, 15), std::nullopt),  // due today: not yet
                          Consultation(Day(2026, 6, 2), Day(2026, 6, 9), std::nullopt, kOtherAgency, kOtherCity)});
  EXPECT_EQ(g.overdue_consultations, (std::map<std::string, int>{{kCity, 1}, {kOtherCity, 1}}));
}

TEST(RequestGauges, NothingOverdueIsNoSample) {
  auto g = GaugeValuesOf(kToday, {Open(Day(2026, 6, 10), Day(2026, 7, 9))},
                         {Consultation(Day(2026, 6, 12), Day(2026, 6, 19), std::nullopt)});
  EXPECT_TRUE(g.overdue_requests.empty());
  EXPECT_TRUE(g.overdue_consultations.empty());
}

// ---------------------------------------------------------------- tallies

// The tally of `agency` for (kpi, rule); fails the test when there is none.
common::v1::KpiTally TallyOf(const std::vector<common::v1::KpiTally>& tallies, const std::string& kpi,
                             const std::string& rule, const std::string& agency = kAgency) {
  for (const auto& t : tallies) {
    if (t.agency_credit_code() == agency && t.kpi() == kpi && t.rule() == rule) return t;
  }
  ADD_FAILURE() << "no tally " << kpi << "/" << rule << " of " << agency;
  return {};
}

std::vector<std::string> MissKeys(const common::v1::KpiTally& tally) {
  std::vector<std::string> keys;
  for (const auto& m : tally.misses()) keys.push_back(m.key());
  return keys;
}

TEST(KpiTallies, EveryAgencyHasFourTalliesInOrder) {
  const auto tallies =
      KpiTalliesOf(2026, kToday, {Open(Day(2026, 6, 10), Day(2026, 7, 9))},
                   {Consultation(Day(2026, 6, 1), Day(2026, 6, 8), std::nullopt, kOtherAgency, kOtherCity)}, 0);
  ASSERT_EQ(tallies.size(), 8u);
  std::vector<std::string> seen;
  for (const auto& t : tallies)
    seen.push_back(t.agency_credit_code() + " " + t.city_code() + " " + t.kpi() + "/" + t.rule());
  EXPECT_EQ(seen, (std::vector<std::string>{
                      std::string(kAgency) + " 140100 /consultation",
                      std::string(kAgency) + " 140100 /request_reply",
                      std::string(kAgency) + " 140100 consultation_response_rate/consultation",
                      std::string(kAgency) + " 140100 standardised_reply_rate/request_reply",
                      std::string(kOtherAgency) + " 140200 /consultation",
                      std::string(kOtherAgency) + " 140200 /request_reply",
                      std::string(kOtherAgency) + " 140200 consultation_response_rate/consultation",
                      std::string(kOtherAgency) + " 140200 standardised_reply_rate/request_reply",
                  }));
}

TEST(KpiTallies, KpiTalliesEqualTheStatisticsOfEachAgency) {
  const std::vector<RequestFacts> requests = {
      Open(Day(2026, 5, 6), Day(2026, 6, 3)),    // overdue
      Open(Day(2026, 5, 15), Day(2026, 6, 15)),  // due today: not yet
      Open(Day(2026, 5, 18), Day(2026, 6, 16)),  // not yet due
      Replied(Day(2026, 6, 1), Day(2026, 6, 30), Day(2026, 6, 10), true),
      Replied(Day(2026, 3, 2), Day(2026, 3, 30), Day(2026, 4, 2), false),
      Replied(Day(2025, 12, 1), Day(2025, 12, 29), Day(2026, 1, 5), false),  // carried in
      Closed(Day(2026, 3, 2), Day(2026, 3, 30), "WITHDRAWN"),
      Replied(Day(2026, 2, 2), Day(2026, 3, 3), Day(2026, 2, 26), true, ReplyOutcome::kDisclosed, kOtherAgency,
              kOtherCity)};
  const std::vector<ConsultationFacts> consultations = {
      Consultation(Day(2026, 6, 1), Day(2026, 6, 8), Day(2026, 6, 8)),
      Consultation(Day(2026, 6, 1), Day(2026, 6, 8), Day(2026, 6, 9)),
      Consultation(Day(2026, 6, 8), Day(2026, 6, 15), std::nullopt),  // due today
      Consultation(Day(2026, 6, 2), Day(2026, 6, 9), std::nullopt, kOtherAgency, kOtherCity)};
  const YearStatistics statistics = StatisticsOf(2026, kToday, requests, consultations);
  const auto tallies = KpiTalliesOf(2026, kToday, requests, consultations, 0);
  ASSERT_EQ(statistics.agencies.size(), 2u);
  for (const AgencyYear& a : statistics.agencies) {
    const auto replies = TallyOf(tallies, "standardised_reply_rate", "request_reply", a.agency_credit_code);
    EXPECT_EQ(replies.due(), a.due) << a.agency_credit_code;
    EXPECT_EQ(replies.met(), a.standardised_replies) << a.agency_credit_code;
    const auto answers = TallyOf(tallies, "consultation_response_rate", "consultation", a.agency_credit_code);
    EXPECT_EQ(answers.due(), a.consultations_due) << a.agency_credit_code;
    EXPECT_EQ(answers.met(), a.consultations_answered_on_time) << a.agency_credit_code;
    EXPECT_EQ(replies.city_code(), a.city_code);
  }
  EXPECT_EQ(TallyOf(tallies, "standardised_reply_rate", "request_reply").due(), 4);
  EXPECT_EQ(TallyOf(tallies, "consultation_response_rate", "consultation").due(), 2);
}

TEST(KpiTallies, ReplyRuleCountsRepliesByTheirDueDateStandardisedOrNot) {
  // Replied by the due date as stored now, though judged late against the one
  // in force on the reply day: on time for the rule, not a standardised reply.
  RequestFacts recomputed = Replied(Day(2026, 2, 2), Day(2026, 3, 3), Day(2026, 3, 2), false);
  const auto tallies = KpiTalliesOf(
      2026, kToday,
      {recomputed, Replied(Day(2026, 2, 2), Day(2026, 3, 3), Day(2026, 3, 10), false),
       Open(Day(2026, 5, 6), Day(2026, 6, 3)),    // past due
       Open(Day(2026, 5, 15), Day(2026, 6, 15)),  // due today: not yet past it
       Closed(Day(2026, 3, 2), Day(2026, 3, 30), "WITHDRAWN"), Closed(Day(2026, 3, 2), Day(2026, 3, 30), "ABANDONED")},
      {}, 0);
  const auto rule = TallyOf(tallies, "", "request_reply");
  EXPECT_EQ(rule.due(), 3);
  EXPECT_EQ(rule.met(), 1);
  const auto kpi = TallyOf(tallies, "standardised_reply_rate", "request_reply");
  EXPECT_EQ(kpi.due(), 3) << "the KPI counts the requests the rule counts";
  EXPECT_EQ(kpi.met(), 0);
}

TEST(KpiTallies, ConsultationRuleCountsAnsweredOrPastTheDueDate) {
  const auto tallies = KpiTalliesOf(2026, kToday, {},
                                    {Consultation(Day(2026, 6, 1), Day(2026, 6, 8), Day(2026, 6, 8)),
                                     Consultation(Day(2026, 6, 1), Day(2026, 6, 8), Day(2026, 6, 9)),
                                     Consultation(Day(2026, 6, 2), Day(2026, 6, 9), std::nullopt),
                                     Consultation(Day(2026, 6, 8), Day(2026, 6, 15), std::nullopt),  // due today
                                     Consultation(Day(2026, 6, 12), Day(2026, 6, 19), Day(2026, 6, 12))},
                                    0);
  const auto rule = TallyOf(tallies, "", "consultation");
  EXPECT_EQ(rule.due(), 4);
  EXPECT_EQ(rule.met(), 2);
}

TEST(KpiTallies, AYearThatEndedCountsWhatFellDueInIt) {
  const auto tallies = KpiTalliesOf(2025, kToday,
                                    {Open(Day(2025, 12, 1), Day(2025, 12, 31)),  // past due on the last day
                                     Open(Day(2025, 12, 3), Day(2026, 1, 5))},   // due in 2026
                                    {Consultation(Day(2025, 12, 29), Day(2026, 1, 6), std::nullopt)}, 0);
  EXPECT_EQ(TallyOf(tallies, "", "request_reply").due(), 1);
  EXPECT_EQ(TallyOf(tallies, "", "consultation").due(), 0);
}

TEST(KpiTallies, MissesNameTheRecordByIdInOrderWithWhy) {
  RequestFacts lacking = WithId(Replied(Day(2026, 2, 2), Day(2026, 3, 3), Day(2026, 3, 2), false), "r-3");
  lacking.reply_lacks = "reply.legal_basis";
  const auto tallies =
      KpiTalliesOf(2026, kToday,
                   {WithId(Replied(Day(2026, 2, 2), Day(2026, 3, 3), Day(2026, 3, 10), false), "r-2"), lacking,
                    WithId(Open(Day(2026, 5, 6), Day(2026, 6, 3)), "r-1"),
                    WithId(Replied(Day(2026, 2, 2), Day(2026, 3, 3), Day(2026, 2, 20), true), "r-0")},
                   {Consultation(Day(2026, 6, 1), Day(2026, 6, 8), Day(2026, 6, 9), kAgency, kCity, "c-2"),
                    Consultation(Day(2026, 6, 2), Day(2026, 6, 9), std::nullopt, kAgency, kCity, "c-1")},
                   10);
  const auto kpi = TallyOf(tallies, "standardised_reply_rate", "request_reply");
  EXPECT_EQ(MissKeys(kpi), (std::vector<std::string>{"r-1", "r-2", "r-3"}));
  ASSERT_EQ(kpi.misses_size(), 3);
  EXPECT_EQ(kpi.misses(0).detail(), "not replied, due 2026-06-03");
  EXPECT_EQ(kpi.misses(1).detail(), "replied 2026-03-10, due 2026-03-03");
  EXPECT_EQ(kpi.misses(2).detail(), "reply not standardised: reply.legal_basis");
  EXPECT_EQ(kpi.misses(0).service(), "requests");
  EXPECT_EQ(kpi.misses(0).kind(), "request_reply");
  EXPECT_EQ(kpi.misses(0).agency_credit_code(), kAgency);
  EXPECT_EQ(kpi.misses(0).city_code(), kCity);
  EXPECT_EQ(MissKeys(TallyOf(tallies, "", "request_reply")), (std::vector<std::string>{"r-1", "r-2"}));

  const auto answers = TallyOf(tallies, "", "consultation");
  ASSERT_EQ(answers.misses_size(), 2);
  EXPECT_EQ(answers.misses(0).key(), "c-1");
  EXPECT_EQ(answers.misses(0).kind(), "consultation");
  EXPECT_EQ(answers.misses(0).detail(), "not answered, due 2026-06-09");
  EXPECT_EQ(answers.misses(1).detail(), "answered 2026-06-09, due 2026-06-08");
}

TEST(KpiTallies, MissesBeyondTheLimitAreCountedNotListed) {
  std::vector<RequestFacts> overdue;
  for (const char* id : {"r-4", "r-2", "r-3", "r-1"})
    overdue.push_back(WithId(Open(Day(2026, 5, 6), Day(2026, 6, 3)), id));
  auto tallies = KpiTalliesOf(2026, kToday, overdue, {}, 2);
  const auto rule = TallyOf(tallies, "", "request_reply");
  EXPECT_EQ(MissKeys(rule), (std::vector<std::string>{"r-1", "r-2"}));
  EXPECT_EQ(rule.misses_unlisted(), 2);
  tallies = KpiTalliesOf(2026, kToday, overdue, {}, 0);
  EXPECT_EQ(TallyOf(tallies, "", "request_reply").misses_size(), 0) << "none asked for";
  EXPECT_EQ(TallyOf(tallies, "", "request_reply").misses_unlisted(), 0);
}

// ---------------------------------------------------------------- lead findings

OpenRequestState OpenState(const std::string& id, DeskState state) {
  return {id, kAgency, kCity, Day(2026, 5, 13), state, 30, 20};
}

std::vector<std::string> FindingKeys(const common::v1::ListFindingsResponse& response, const std::string& rule) {
  std::vector<std::string> keys;
  for (const auto& f : response.findings()) {
    if (f.rule() == rule) keys.push_back(f.record().key());
  }
  return keys;
}

const std::vector<std::string> kRequestRules = {"request_overdue", "request_very_overdue", "consultation_overdue"};

TEST(LeadFindings, RequestOverdueTripsOnAnOverdueRequestOnly) {
  const auto found = FindingsOf(kRequestRules, kToday,
                                {OpenState("r-1", DeskState::kOnTrack), OpenState("r-2", DeskState::kDueSoon),
                                 OpenState("r-4", DeskState::kOverdue), OpenState("r-3", DeskState::kOverdue),
                                 OpenState("r-5", DeskState::kVeryOverdue)},
                                {});
  EXPECT_EQ(FindingKeys(found, "request_overdue"), (std::vector<std::string>{"r-3", "r-4"}));
}

TEST(LeadFindings, RequestVeryOverdueTripsOnAVeryOverdueRequestOnly) {
  const auto found = FindingsOf(kRequestRules, kToday,
                                {OpenState("r-1", DeskState::kOverdue), OpenState("r-2", DeskState::kVeryOverdue)}, {});
  EXPECT_EQ(FindingKeys(found, "request_very_overdue"), std::vector<std::string>{"r-2"});
  ASSERT_EQ(found.findings_size(), 2);
  const auto& f = found.findings(1);
  EXPECT_EQ(f.rule(), "request_very_overdue");
  EXPECT_EQ(f.observed_on(), "2026-06-15");
  EXPECT_EQ(f.record().service(), "requests");
  EXPECT_EQ(f.record().kind(), "request_reply");
  EXPECT_EQ(f.record().agency_credit_code(), kAgency);
  EXPECT_EQ(f.record().city_code(), kCity);
  EXPECT_EQ(f.record().detail(), "not replied, due 2026-05-13; 30 working days used of a limit of 20");
}

TEST(LeadFindings, ConsultationOverdueTripsWhenUnansweredPastItsDueDate) {
  const auto found = FindingsOf(kRequestRules, kToday, {},
                                {Consultation(Day(2026, 6, 1), Day(2026, 6, 8), Day(2026, 6, 9), kAgency, kCity, "c-1"),
                                 Consultation(Day(2026, 6, 2), Day(2026, 6, 9), std::nullopt, kAgency, kCity, "c-2"),
                                 Consultation(Day(2026, 6, 8), Day(2026, 6, 15), std::nullopt, kAgency, kCity, "c-3")});
  EXPECT_EQ(FindingKeys(found, "consultation_overdue"), std::vector<std::string>{"c-2"});
  ASSERT_EQ(found.findings_size(), 1);
  EXPECT_EQ(found.findings(0).record().kind(), "consultation");
  EXPECT_EQ(found.findings(0).record().detail(), "not answered, due 2026-06-09");
}

TEST(LeadFindings, RulesNotAskedForOrOfOtherServicesFindNothing) {
  const auto found = FindingsOf({"decision_published_late", "request_overdue"}, kToday,
                                {OpenState("r-1", DeskState::kOverdue), OpenState("r-2", DeskState::kVeryOverdue)},
                                {Consultation(Day(2026, 6, 2), Day(2026, 6, 9), std::nullopt, kAgency, kCity, "c-1")});
  ASSERT_EQ(found.findings_size(), 1);
  EXPECT_EQ(found.findings(0).rule(), "request_overdue");
  EXPECT_FALSE(found.truncated());
}

TEST(LeadFindings, FindingsPastTheLimitAreLeftOutAndSaySo) {
  const auto found = FindingsOf(kRequestRules, kToday,
                                {OpenState("r-1", DeskState::kOverdue), OpenState("r-2", DeskState::kOverdue),
                                 OpenState("r-3", DeskState::kVeryOverdue)},
                                {}, 2);
  EXPECT_EQ(FindingKeys(found, "request_overdue"), (std::vector<std::string>{"r-1", "r-2"}));
  EXPECT_TRUE(found.truncated());
}

// ---------------------------------------------------------------- the annual report

constexpr int kNaturalPerson = 0;
constexpr int kCommercial = 1;
constexpr int kOtherOrganisation = 5;
constexpr int kTotal = 6;

RequestFacts OfLegalPerson(RequestFacts f, ApplicantCategory category) {
  f.applicant_kind = Applicant::Kind::kLegalPerson;
  f.applicant_category = category;
  return f;
}

RequestFacts OfNaturalPerson(RequestFacts f) {
  f.applicant_kind = Applicant::Kind::kNaturalPerson;
  return f;
}

RequestFacts Withdrawn(Date received, Date withdrawn) {
  RequestFacts f = OfNaturalPerson(Closed(received, std::nullopt, "WITHDRAWN"));
  f.closing_step_on = withdrawn;
  return f;
}

RequestFacts Reason(RequestFacts f, ReportReason reason) {
  f.report_reason = reason;
  return f;
}

// The cells of 表三's row whose label starts with `label`.
std::vector<int> Row3(const AnnualReport& report, const std::string& label) {
  for (const auto& row : report.tables.at(0).rows) {
    if (row.label.rfind(label, 0) == 0) return row.cells;
  }
  ADD_FAILURE() << "no row " << label;
  return {};
}

int Cell3(const AnnualReport& report, const std::string& label, int column) { return Row3(report, label).at(column); }

TEST(AnnualReport, BalancedTotals) {
  const std::vector<RequestFacts> requests = {
      OfNaturalPerson(Replied(Day(2026, 3, 2), Day(2026, 3, 30), Day(2026, 3, 20), true)),
      OfNaturalPerson(Open(Day(2026, 6, 1), Day(2026, 6, 29))),
      OfNaturalPerson(Replied(Day(2025, 12, 8), Day(2026, 1, 6), Day(2026, 1, 5), true)),  // carried in
      OfNaturalPerson(Open(Day(2025, 12, 20), Day(2026, 1, 20))),                          // carried in and out
      OfLegalPerson(Withdrawn(Day(2026, 2, 2), Day(2026, 2, 9)), ApplicantCategory::kCommercialEnterprise),
      OfLegalPerson(Replied(Day(2026, 4, 1), Day(2026, 4, 29), Day(2026, 4, 20), true, ReplyOutcome::kPartlyDisclosed),
                    ApplicantCategory::kResearchInstitution),
  };
  const AnnualReport report = AnnualReportOf(2026, requests, {});
  EXPECT_EQ(report.unbalanced_columns, std::vector<std::string>{});
  EXPECT_EQ(Cell3(report, "一、", kTotal), 4);
  EXPECT_EQ(Cell3(report, "二、", kTotal), 2);
  EXPECT_EQ(Cell3(report, "（七）总计", kTotal), 4);
  EXPECT_EQ(Cell3(report, "四、", kTotal), 2);
  EXPECT_EQ(Cell3(report, "一、", kNaturalPerson), 2);
  EXPECT_EQ(Cell3(report, "一、", kCommercial), 1);
  for (int column = 0; column <= kTotal; ++column) {
    EXPECT_EQ(Cell3(report, "一、", column) + Cell3(report, "二、", column),
              Cell3(report, "（七）总计", column) + Cell3(report, "四、", column))
        << column;
  }
}

TEST(AnnualReport, UnbalancedColumnsAreNamed) {
  // A withdrawal dated before the year its request was received in: counted
  // as received, neither finished in the year nor carried out of it.
  const AnnualReport report = AnnualReportOf(2026, {Withdrawn(Day(2026, 2, 2), Day(2025, 12, 30))}, {});
  EXPECT_EQ(report.unbalanced_columns, (std::vector<std::string>{"自然人", "总计"}));
}

TEST(AnnualReport, WithdrawnCountsAsOtherHandling) {
  const AnnualReport report = AnnualReportOf(2026, {Withdrawn(Day(2026, 2, 2), Day(2026, 2, 9))}, {});
  EXPECT_EQ(Cell3(report, "（六）其他处理 3.其他", kNaturalPerson), 1);
  EXPECT_EQ(Cell3(report, "（七）总计", kNaturalPerson), 1);
}

TEST(AnnualReport, AbandonedCountsAsNotCorrectedOnTheDayItWasAbandoned) {
  // Abandoned by the platform: on the correction due date, here in 2027.
  RequestFacts f = OfNaturalPerson(Closed(Day(2026, 12, 1), std::nullopt, "ABANDONED"));
  f.correction_due = Day(2027, 1, 8);
  EXPECT_EQ(Cell3(AnnualReportOf(2026, {f}, {}), "四、", kNaturalPerson), 1);
  const AnnualReport next = AnnualReportOf(2027, {f}, {});
  EXPECT_EQ(Cell3(next, "二、", kNaturalPerson), 1);
  EXPECT_EQ(Cell3(next, "（六）其他处理 1.", kNaturalPerson), 1);
  // Abandoned by the desk's step: on its date.
  f.closing_step_on = Day(2026, 12, 28);
  EXPECT_EQ(Cell3(AnnualReportOf(2026, {f}, {}), "（六）其他处理 1.", kNaturalPerson), 1);
}

TEST(AnnualReport, AbandonedInDecemberStaysInItsYearWhenTheDeskRecordsItInJanuary) {
  // Art. 30: abandoned on its correction due date; the desk's step only records it.
  RequestFacts f = OfNaturalPerson(Closed(Day(2026, 12, 1), std::nullopt, "ABANDONED"));
  f.correction_due = Day(2026, 12, 18);
  f.closing_step_on = Day(2027, 1, 5);
  EXPECT_EQ(FinishedOn(f), Day(2026, 12, 18));
  const AnnualReport report = AnnualReportOf(2026, {f}, {});
  EXPECT_EQ(Cell3(report, "（六）其他处理 1.", kNaturalPerson), 1);
  EXPECT_EQ(Cell3(report, "四、", kNaturalPerson), 0);
  EXPECT_EQ(Cell3(AnnualReportOf(2027, {f}, {}), "二、", kNaturalPerson), 0);
}

TEST(AnnualReport, PartlyDisclosedCountsOnce) {
  const AnnualReport report =
      AnnualReportOf(2026,
                     {Reason(OfNaturalPerson(Replied(Day(2026, 3, 2), Day(2026, 3, 30), Day(2026, 3, 20), true,
                                                     ReplyOutcome::kPartlyDisclosed)),
                             ReportReason::kThirdPartyRights)},
                     {});
  EXPECT_EQ(Cell3(report, "（二）部分公开", kNaturalPerson), 1);
  EXPECT_EQ(Cell3(report, "（三）不予公开 4.", kNaturalPerson), 0);
  EXPECT_EQ(Cell3(report, "（七）总计", kNaturalPerson), 1);
}

TEST(AnnualReport, RepliesCountByOutcomeAndReason) {
  auto replied = [](ReplyOutcome outcome, ReportReason reason) {
    return Reason(OfNaturalPerson(Replied(Day(2026, 3, 2), Day(2026, 3, 30), Day(2026, 3, 20), true, outcome)), reason);
  };
  const AnnualReport report =
      AnnualReportOf(2026,
                     {replied(ReplyOutcome::kAlreadyPublic, ReportReason::kUnset),
                      replied(ReplyOutcome::kDisclosed, ReportReason::kUnset),
                      replied(ReplyOutcome::kNotDisclosed, ReportReason::kStateSecret),
                      replied(ReplyOutcome::kSpecialProcedure, ReportReason::kAdministrativeQuery),
                      replied(ReplyOutcome::kNotHeld, ReportReason::kWouldNeedCreating),
                      replied(ReplyOutcome::kNotHandled, ReportReason::kExcessiveRepeated)},
                     {});
  EXPECT_EQ(Cell3(report, "（一）予以公开", kNaturalPerson), 2);
  EXPECT_EQ(Cell3(report, "（三）不予公开 1.", kNaturalPerson), 1);
  EXPECT_EQ(Cell3(report, "（三）不予公开 8.", kNaturalPerson), 1);
  EXPECT_EQ(Cell3(report, "（四）无法提供 2.", kNaturalPerson), 1);
  EXPECT_EQ(Cell3(report, "（五）不予处理 4.", kNaturalPerson), 1);
  EXPECT_EQ(Cell3(report, "（七）总计", kNaturalPerson), 6);
}

TEST(AnnualReport, RepliesStoredWithoutAReasonCountByTheirOutcome) {
  auto replied = [](ReplyOutcome outcome) {
    return OfNaturalPerson(Replied(Day(2026, 3, 2), Day(2026, 3, 30), Day(2026, 3, 20), true, outcome));
  };
  const AnnualReport report =
      AnnualReportOf(2026,
                     {replied(ReplyOutcome::kRepeatRequest), replied(ReplyOutcome::kDoesNotExist),
                      replied(ReplyOutcome::kNotHeld), replied(ReplyOutcome::kNotDisclosed)},
                     {});
  EXPECT_EQ(Cell3(report, "（五）不予处理 2.", kNaturalPerson), 1);
  EXPECT_EQ(Cell3(report, "（四）无法提供 1.", kNaturalPerson), 2);
  EXPECT_EQ(Cell3(report, "（六）其他处理 3.", kNaturalPerson), 1);
}

TEST(AnnualReport, LegalPersonWithoutCategoryCountsInOther) {
  RequestFacts f = Open(Day(2026, 3, 2), Day(2026, 3, 30));
  f.applicant_kind = Applicant::Kind::kLegalPerson;
  EXPECT_EQ(Cell3(AnnualReportOf(2026, {f}, {}), "一、", kOtherOrganisation), 1);
}

TEST(AnnualReport, FinishedBeforeTheYearIsNotCarriedIn) {
  const AnnualReport report = AnnualReportOf(2026, {Withdrawn(Day(2025, 3, 2), Day(2025, 3, 9))}, {});
  EXPECT_EQ(Cell3(report, "二、", kTotal), 0);
  EXPECT_EQ(Cell3(report, "四、", kTotal), 0);
}

LegalCase Filed(StepType kind, Date filed, std::optional<Date> decided = std::nullopt,
                LegalOutcome outcome = LegalOutcome::kUnset, bool after_review = false) {
  LegalCase c;
  c.kind = kind;
  c.filed_on = filed;
  c.after_review = after_review;
  c.decided_on = decided;
  c.outcome = outcome;
  return c;
}

TEST(AnnualReport, ReviewsAndLawsuitsFiledInTheYearByResult) {
  const LegalFacts request{
      kAgency,
      kCity,
      {Filed(StepType::kReviewFiled, Day(2026, 3, 10), Day(2026, 5, 7), LegalOutcome::kUpheld),
       Filed(StepType::kLawsuitFiled, Day(2026, 6, 1), Day(2026, 9, 1), LegalOutcome::kCorrected, true),
       Filed(StepType::kLawsuitFiled, Day(2026, 11, 2), Day(2027, 2, 1), LegalOutcome::kOther),
       Filed(StepType::kReviewFiled, Day(2025, 11, 2), Day(2026, 1, 5), LegalOutcome::kCorrected)}};
  const AnnualReport report = AnnualReportOf(2026, {}, {request});
  const ReportTable& table4 = report.tables.at(1);
  ASSERT_EQ(table4.columns.size(), 15u);
  EXPECT_EQ(table4.columns[0], "行政复议 结果维持");
  EXPECT_EQ(table4.columns[14], "行政诉讼 复议后起诉 总计");
  ASSERT_EQ(table4.rows.size(), 1u);
  // 行政复议: one upheld (the 2025 filing is another year's); 直接起诉: decided
  // after the year, pending; 复议后起诉: corrected.
  EXPECT_EQ(table4.rows[0].cells, (std::vector<int>{1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 1, 0, 0, 1}));
  EXPECT_EQ(report.agency_credit_codes, std::vector<std::string>{kAgency});
}

TEST(AnnualReport, CsvRowOrderEqualsTheTemplates) {
  const AnnualReport report = AnnualReportOf(2026, {OfNaturalPerson(Open(Day(2026, 3, 2), Day(2026, 3, 30)))}, {});
  const std::string csv = AnnualReportCsv(report);
  std::vector<std::string> lines;
  for (std::size_t start = 0, end; start < csv.size(); start = end + 2) {
    end = csv.find("\r\n", start);
    ASSERT_NE(end, std::string::npos) << "every line ends in CRLF";
    lines.push_back(csv.substr(start, end - start));
  }
  ASSERT_EQ(lines.size(), 2u + 26u + 1u + 2u + 1u);
  EXPECT_EQ(lines[0], "表三 收到和处理政府信息公开申请情况");
  EXPECT_EQ(lines[1],
            ",自然人,法人或其他组织 商业企业,法人或其他组织 科研机构,法人或其他组织 社会公益组织,"
            "法人或其他组织 法律服务机构,法人或其他组织 其他,总计");
  EXPECT_EQ(lines[2], "一、本年新收政府信息公开申请数量,1,0,0,0,0,0,1");
  EXPECT_EQ(lines[3], "二、上年结转政府信息公开申请数量,0,0,0,0,0,0,0");
  EXPECT_EQ(lines[4], "三、本年度办理结果,,,,,,,");
  EXPECT_EQ(lines[5], "（一）予以公开,0,0,0,0,0,0,0");
  EXPECT_EQ(lines[6].rfind("（二）部分公开", 0), 0u);
  EXPECT_EQ(lines[7].rfind("（三）不予公开 1.属于国家秘密,", 0), 0u);
  // A label holding quotes is quoted, its quotes doubled (RFC 4180).
  EXPECT_EQ(lines[9].rfind("\"（三）不予公开 3.危及\"\"三安全一稳定\"\"\",", 0), 0u) << lines[9];
  EXPECT_EQ(lines[15].rfind("（四）无法提供 1.", 0), 0u);
  EXPECT_EQ(lines[18].rfind("（五）不予处理 1.", 0), 0u);
  EXPECT_EQ(lines[23].rfind("（六）其他处理 1.", 0), 0u);
  EXPECT_EQ(lines[26].rfind("（七）总计,0,", 0), 0u);
  EXPECT_EQ(lines[27], "四、结转下年度继续办理,1,0,0,0,0,0,1");
  EXPECT_EQ(lines[28], "");
  EXPECT_EQ(lines[29], "表四 行政复议、行政诉讼情况");
  EXPECT_EQ(lines[30].rfind(",行政复议 结果维持,行政复议 结果纠正,", 0), 0u);
  EXPECT_EQ(lines[31], ",0,0,0,0,0,0,0,0,0,0,0,0,0,0,0");
}

}  // namespace
}  // namespace gongkai::requests
