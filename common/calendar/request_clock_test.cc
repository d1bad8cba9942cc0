#include "common/calendar/request_clock.h"

#include <gtest/gtest.h>

#include <vector>

#include "common/calendar/calendar_test_support.h"

namespace gongkai::common {
namespace {

using std::chrono::sys_days;
using testing_support::D;
using testing_support::Iso;
using testing_support::Mentions;
using testing_support::NationalCalendar;
using Event = RequestEvent;

Checked<RequestClockReport> Evaluate(const std::vector<RequestEvent>& events, std::string_view today) {
  return RequestClock().Evaluate(NationalCalendar(), events, D(today));
}

RequestClockReport EvaluateOk(const std::vector<RequestEvent>& events, std::string_view today) {
  Checked<RequestClockReport> report = Evaluate(events, today);
  EXPECT_TRUE(report.ok()) << report.error;
  return report.ok() ? *report.value : RequestClockReport{};
}

const RequestStepTimeliness* FindStep(const RequestClockReport& report, RequestStep step, std::string_view id = "") {
  for (const RequestStepTimeliness& found : report.steps) {
    if (found.step == step && found.consultation_id == id) return &found;
  }
  ADD_FAILURE() << "no such step";
  return nullptr;
}

std::string DueOf(const RequestClockReport& report) { return report.due ? Iso(report.due->value) : "none"; }

// Mon 2026-03-02 + 20 WD is Mon 2026-03-30.
const Event kReceived = Event::Received(D("2026-03-02"), ReceiptChannel::kOnline);

TEST(RequestClock, PlainRequestIsDueTwentyWorkingDaysAfterReceipt) {
  const RequestClockReport report = EvaluateOk({kReceived}, "2026-03-16");
  EXPECT_EQ(report.state, RequestState::kOpen);
  EXPECT_EQ(DueOf(report), "2026-03-30");
  EXPECT_EQ(report.working_days_used, 10);
  EXPECT_EQ(report.working_days_left, 10);
  EXPECT_FALSE(report.provisional);
  EXPECT_EQ(FindStep(report, RequestStep::kReply)->timeliness.status, TimelinessStatus::kPending);
}

TEST(RequestClock, ReplyByTheDueDateIsOnTime) {
  const RequestClockReport report = EvaluateOk({kReceived, Event::Replied(D("2026-03-27"))}, "2026-05-01");
  EXPECT_EQ(report.state, RequestState::kReplied);
  EXPECT_EQ(report.working_days_used, 19) << "counted up to the reply, not to today";
  EXPECT_EQ(FindStep(report, RequestStep::kReply)->timeliness.status, TimelinessStatus::kOnTime);
}

TEST(RequestClock, UnrepliedPastTheDueDateIsOverdueThenVeryOverdue) {
  const RequestClockReport overdue = EvaluateOk({kReceived}, "2026-04-01");
  EXPECT_EQ(overdue.working_days_left, -2);
  EXPECT_EQ(FindStep(overdue, RequestStep::kReply)->timeliness.status, TimelinessStatus::kOverdue);
  EXPECT_EQ(FindStep(overdue, RequestStep::kReply)->timeliness.lag_working_days, 2);
  // Twice the limit: 20 more WD after Mar 30, skipping Qingming, is Apr 28.
  EXPECT_EQ(FindStep(EvaluateOk({kReceived}, "2026-04-28"), RequestStep::kReply)->timeliness.status,
            TimelinessStatus::kOverdue);
  EXPECT_EQ(FindStep(EvaluateOk({kReceived}, "2026-04-29"), RequestStep::kReply)->timeliness.status,
            TimelinessStatus::kVeryOverdue);
}

TEST(RequestClock, CorrectionRestartsTheClockFromTheCorrectedRequest) {
  const Event notice = Event::CorrectionNotice(D("2026-03-05"), D("2026-03-20"));
  const RequestClockReport waiting = EvaluateOk({kReceived, notice}, "2026-03-10");
  EXPECT_EQ(waiting.state, RequestState::kAwaitingCorrection);
  EXPECT_EQ(waiting.due, std::nullopt);
  EXPECT_EQ(waiting.working_days_used, 0);
  EXPECT_EQ(FindStep(waiting, RequestStep::kCorrectionNotice)->timeliness.status, TimelinessStatus::kOnTime);

  const RequestClockReport corrected =
      EvaluateOk({kReceived, notice, Event::CorrectedReceived(D("2026-03-16"))}, "2026-03-17");
  EXPECT_EQ(corrected.state, RequestState::kOpen);
  EXPECT_EQ(Iso(corrected.clock_start), "2026-03-16");
  EXPECT_EQ(DueOf(corrected), "2026-04-14");
  EXPECT_EQ(corrected.working_days_used, 1);
}

TEST(RequestClock, CorrectionNoticeIsDueWithinSevenWorkingDaysOfReceipt) {
  const RequestClockReport report =
      EvaluateOk({kReceived, Event::CorrectionNotice(D("2026-03-12"), D("2026-03-27"))}, "2026-03-13");
  const Timeliness& notice = FindStep(report, RequestStep::kCorrectionNotice)->timeliness;
  EXPECT_EQ(Iso(notice.due), "2026-03-11");
  EXPECT_EQ(notice.status, TimelinessStatus::kLate);
  EXPECT_EQ(notice.lag_working_days, 1);
}

TEST(RequestClock, UncorrectedRequestIsAbandonedOnceTheCorrectionDateHasPassed) {
  const Event notice = Event::CorrectionNotice(D("2026-03-05"), D("2026-03-20"));
  const RequestClockReport report = EvaluateOk({kReceived, notice, Event::Abandoned(D("2026-03-23"))}, "2026-04-30");
  EXPECT_EQ(report.state, RequestState::kAbandoned);
  EXPECT_EQ(report.due, std::nullopt);
  EXPECT_EQ(report.steps.size(), 1u) << "only the correction notice is assessed";
  ASSERT_TRUE(report.abandoned_on.has_value());
  EXPECT_EQ(Iso(*report.abandoned_on), "2026-03-20") << "the correction due date, not the desk's step, dates it";
  EXPECT_FALSE(report.abandoned_by_platform);
}

TEST(RequestClock, DesksLaterAbandonmentStepKeepsTheAbandonmentOnTheCorrectionDueDate) {
  // Art. 30: abandoned on 2026-12-18 by law; the desk records it in January.
  const Event notice = Event::CorrectionNotice(D("2026-12-07"), D("2026-12-18"));
  const Event recorded = Event::Abandoned(D("2027-01-05"));
  const RequestClockReport report =
      EvaluateOk({Event::Received(D("2026-12-01"), ReceiptChannel::kOnline), notice, recorded}, "2027-01-06");
  EXPECT_EQ(report.state, RequestState::kAbandoned);
  ASSERT_TRUE(report.abandoned_on.has_value());
  EXPECT_EQ(Iso(*report.abandoned_on), "2026-12-18");
  EXPECT_FALSE(report.abandoned_by_platform) << "the desk recorded it";
  const RequestClockReport platform =
      EvaluateOk({Event::Received(D("2026-12-01"), ReceiptChannel::kOnline), notice}, "2027-01-06");
  EXPECT_EQ(platform.abandoned_on, report.abandoned_on) << "the same day whether the desk records it or not";
}

TEST(RequestClock, AwaitingCorrectionIsOpenWithItsCorrectionDue) {
  const Event notice = Event::CorrectionNotice(D("2026-03-05"), D("2026-03-20"));
  for (const char* today : {"2026-03-06", "2026-03-20"}) {
    const RequestClockReport report = EvaluateOk({kReceived, notice}, today);
    EXPECT_EQ(report.state, RequestState::kAwaitingCorrection) << today;
    ASSERT_TRUE(report.correction_due.has_value()) << today;
    EXPECT_EQ(Iso(*report.correction_due), "2026-03-20") << today;
    EXPECT_EQ(report.abandoned_on, std::nullopt) << today;
    // No reply clock runs: nothing used, the whole reply limit left.
    EXPECT_EQ(report.due, std::nullopt) << today;
    EXPECT_EQ(report.working_days_used, 0) << today;
    EXPECT_EQ(report.working_days_left, 20) << today;
  }
  const RequestClockReport corrected =
      EvaluateOk({kReceived, notice, Event::CorrectedReceived(D("2026-03-20"))}, "2026-03-23");
  EXPECT_EQ(corrected.state, RequestState::kOpen) << "corrected on the correction due date itself";
  EXPECT_EQ(corrected.correction_due, std::nullopt);
}

TEST(RequestClock, CorrectionDatePassedAbandonsOnThatDate) {
  const Event notice = Event::CorrectionNotice(D("2026-03-05"), D("2026-03-20"));
  for (const char* today : {"2026-03-21", "2026-06-30"}) {
    const RequestClockReport report = EvaluateOk({kReceived, notice}, today);
    EXPECT_EQ(report.state, RequestState::kAbandoned) << today;
    ASSERT_TRUE(report.abandoned_on.has_value()) << today;
    EXPECT_EQ(Iso(*report.abandoned_on), "2026-03-20") << today;
    EXPECT_TRUE(report.abandoned_by_platform) << today;
    EXPECT_EQ(report.correction_due, std::nullopt) << today;
    EXPECT_EQ(report.due, std::nullopt) << today;
    EXPECT_EQ(report.steps.size(), 1u) << "only the correction notice is assessed";
  }
}

TEST(RequestClock, CorrectedAfterTheCorrectionDateIsRefused) {
  const Checked<RequestClockReport> result = Evaluate(
      {kReceived, Event::CorrectionNotice(D("2026-03-05"), D("2026-03-20")), Event::CorrectedReceived(D("2026-03-23"))},
      "2026-03-23");
  EXPECT_FALSE(result.ok());
  EXPECT_TRUE(Mentions(result.error, "event 3 (CORRECTED_RECEIVED 2026-03-23)"));
  EXPECT_TRUE(Mentions(result.error, "after the correction due date 2026-03-20"));
  EXPECT_TRUE(Mentions(result.error, "(Art. 30)"));
}

TEST(RequestClock, NoStepFollowsAnAbandonmentByThePlatformButTheDesksRecordOfIt) {
  const Event notice = Event::CorrectionNotice(D("2026-03-05"), D("2026-03-20"));
  const Checked<RequestClockReport> withdrawn =
      Evaluate({kReceived, notice, Event::Withdrawn(D("2026-03-23"))}, "2026-03-23");
  EXPECT_FALSE(withdrawn.ok());
  EXPECT_TRUE(Mentions(withdrawn.error, "abandoned by the platform on 2026-03-20"));
  EXPECT_TRUE(Mentions(withdrawn.error, "(Art. 30)"));

  const RequestClockReport recorded = EvaluateOk({kReceived, notice, Event::Abandoned(D("2026-03-24"))}, "2026-03-25");
  EXPECT_EQ(recorded.state, RequestState::kAbandoned);
  EXPECT_FALSE(recorded.abandoned_by_platform);
}

// Received Mon 2026-09-14; without a pause due Fri 2026-10-16 (Sun Sep 20 and
// Sat Oct 10 are make-up days). The consultation runs from Thu Sep 24 to
// Fri Oct 9, across Mid-Autumn and National Day: Sep 28, 29, 30, Oct 8, 9 do
// not count, so the reply is due five working days later, Fri 2026-10-23.
const Event kReceivedBeforeNationalDay = Event::Received(D("2026-09-14"), ReceiptChannel::kInPerson);

TEST(RequestClock, ConsultationPausesTheClockAcrossNationalDay2026) {
  const RequestClockReport plain = EvaluateOk({kReceivedBeforeNationalDay}, "2026-09-15");
  EXPECT_EQ(DueOf(plain), "2026-10-16");

  const RequestClockReport report =
      EvaluateOk({kReceivedBeforeNationalDay, Event::ConsultationStarted(D("2026-09-24"), "owner"),
                  Event::ConsultationAnswered(D("2026-10-09"), "owner")},
                 "2026-10-12");
  EXPECT_EQ(DueOf(report), "2026-10-23");
  EXPECT_EQ(report.paused_working_days, 5);
  EXPECT_EQ(report.working_days_used, 11);
  ASSERT_EQ(report.pauses.size(), 1u);
  EXPECT_EQ(Iso(report.pauses[0].after), "2026-09-24");
  EXPECT_EQ(Iso(report.pauses[0].through), "2026-10-09");
  EXPECT_EQ(report.pauses[0].consultation_id, "owner");
  EXPECT_EQ(report.working_days_left, 9);
  const Timeliness& consultation = FindStep(report, RequestStep::kConsultation, "owner")->timeliness;
  EXPECT_EQ(Iso(consultation.due), "2026-10-22");
  EXPECT_EQ(consultation.status, TimelinessStatus::kOnTime);
}

TEST(RequestClock, UnansweredConsultationKeepsPausingUntilToday) {
  const std::vector<Event> events = {kReceivedBeforeNationalDay, Event::ConsultationStarted(D("2026-09-24"), "owner")};
  EXPECT_EQ(DueOf(EvaluateOk(events, "2026-10-09")), "2026-10-23");
  EXPECT_EQ(DueOf(EvaluateOk(events, "2026-10-12")), "2026-10-27");
  EXPECT_EQ(FindStep(EvaluateOk(events, "2026-10-12"), RequestStep::kConsultation, "owner")->timeliness.status,
            TimelinessStatus::kPending);
}

// The consultation started Thu 2026-09-24 has its 15 WD window up to Thu
// 2026-10-22: Sep 28-30, Oct 8, 9, Sat Oct 10 (make-up), Oct 12-16, 19-22.
// Pausing all of it moves the due date Fri 2026-10-16 by 15 WD to Fri 2026-11-06.
TEST(RequestClock, ThirdPartyConsultationPausesAtMostItsWindow) {
  const RequestClockReport report =
      EvaluateOk({kReceivedBeforeNationalDay, Event::ConsultationStarted(D("2026-09-24"), "owner"),
                  Event::ConsultationAnswered(D("2026-10-27"), "owner")},
                 "2026-10-28");
  EXPECT_EQ(DueOf(report), "2026-11-06");
  EXPECT_EQ(report.paused_working_days, 15);
  ASSERT_EQ(report.pauses.size(), 1u);
  EXPECT_EQ(Iso(report.pauses[0].after), "2026-09-24");
  EXPECT_EQ(Iso(report.pauses[0].through), "2026-10-22") << "the end of the window, not the answer";
  EXPECT_EQ(report.pauses[0].consultation_id, "owner");
  EXPECT_EQ(FindStep(report, RequestStep::kConsultation, "owner")->timeliness.status, TimelinessStatus::kLate);
}

TEST(RequestClock, UnansweredConsultationPastItsWindowLetsTheClockRun) {
  const std::vector<Event> events = {kReceivedBeforeNationalDay, Event::ConsultationStarted(D("2026-09-24"), "owner")};
  EXPECT_EQ(DueOf(EvaluateOk(events, "2026-10-21")), "2026-11-05") << "inside the window it pauses up to today";
  for (const char* today : {"2026-10-22", "2026-10-26", "2026-11-02"}) {
    EXPECT_EQ(DueOf(EvaluateOk(events, today)), "2026-11-06") << today;
  }
  // Sep 15-18, Sun Sep 20 (make-up), Sep 21-24 count (9); the window pauses
  // 15; Oct 23 and Oct 26 count again.
  const RequestClockReport report = EvaluateOk(events, "2026-10-26");
  EXPECT_EQ(report.paused_working_days, 15);
  EXPECT_EQ(report.working_days_used, 11);
  EXPECT_EQ(report.working_days_left, 9);
  ASSERT_EQ(report.pauses.size(), 1u);
  EXPECT_EQ(Iso(report.pauses[0].through), "2026-10-22");
  EXPECT_EQ(FindStep(report, RequestStep::kConsultation, "owner")->timeliness.status, TimelinessStatus::kOverdue);
}

TEST(RequestClock, AnsweredWithinWindowPausesToTheAnswer) {
  const RequestClockReport report =
      EvaluateOk({kReceivedBeforeNationalDay, Event::ConsultationStarted(D("2026-09-24"), "owner"),
                  Event::ConsultationAnswered(D("2026-10-22"), "owner")},
                 "2026-10-23");
  EXPECT_EQ(DueOf(report), "2026-11-06") << "answered on the last day of the window";
  ASSERT_EQ(report.pauses.size(), 1u);
  EXPECT_EQ(Iso(report.pauses[0].through), "2026-10-22");
  EXPECT_EQ(FindStep(report, RequestStep::kConsultation, "owner")->timeliness.status, TimelinessStatus::kOnTime);
}

// "owner" pauses (Sep 24, Oct 22] (its window; unanswered) and "bureau",
// started Mon Oct 12 with a window to Mon Nov 2, pauses (Oct 12, Oct 30]: merged,
// (Sep 24, Oct 30] is 21 WD, so Fri 2026-10-16 moves to Mon 2026-11-16.
TEST(RequestClock, OverlappingPausesMergeEachCappedAtItsWindow) {
  const RequestClockReport report = EvaluateOk(
      {kReceivedBeforeNationalDay, Event::ConsultationStarted(D("2026-09-24"), "owner"),
       Event::ConsultationStarted(D("2026-10-12"), "bureau"), Event::ConsultationAnswered(D("2026-10-30"), "bureau")},
      "2026-11-02");
  EXPECT_EQ(DueOf(report), "2026-11-16");
  EXPECT_EQ(report.paused_working_days, 21);
  ASSERT_EQ(report.pauses.size(), 1u);
  EXPECT_EQ(Iso(report.pauses[0].after), "2026-09-24");
  EXPECT_EQ(Iso(report.pauses[0].through), "2026-10-30");
  EXPECT_EQ(report.pauses[0].consultation_id, "owner");
}

TEST(RequestClock, LateConsultationAnswerIsReportedWithItsLag) {
  const RequestClockReport report =
      EvaluateOk({kReceivedBeforeNationalDay, Event::ConsultationStarted(D("2026-09-24"), "owner"),
                  Event::ConsultationAnswered(D("2026-10-23"), "owner")},
                 "2026-10-23");
  const Timeliness& consultation = FindStep(report, RequestStep::kConsultation, "owner")->timeliness;
  EXPECT_EQ(consultation.status, TimelinessStatus::kLate);
  EXPECT_EQ(consultation.lag_working_days, 1);
}

TEST(RequestClock, OverlappingConsultationsPauseTheClockOnce) {
  const RequestClockReport report = EvaluateOk(
      {kReceivedBeforeNationalDay, Event::ConsultationStarted(D("2026-09-24"), "owner"),
       Event::ConsultationStarted(D("2026-09-28"), "bureau"), Event::ConsultationAnswered(D("2026-10-08"), "bureau"),
       Event::ConsultationAnswered(D("2026-10-09"), "owner")},
      "2026-10-12");
  EXPECT_EQ(DueOf(report), "2026-10-23");
  EXPECT_EQ(report.paused_working_days, 5);
  ASSERT_EQ(report.pauses.size(), 1u);
  EXPECT_EQ(report.pauses[0].consultation_id, "owner");
}

TEST(RequestClock, ConsultationStartedAfterTheDueDateDoesNotMoveIt) {
  const RequestClockReport report = EvaluateOk({kReceived, Event::ConsultationStarted(D("2026-03-31"), "late"),
                                                Event::ConsultationAnswered(D("2026-04-10"), "late")},
                                               "2026-04-13");
  EXPECT_EQ(DueOf(report), "2026-03-30");
  EXPECT_TRUE(report.pauses.empty()) << "a pause that moved nothing is not listed";
  EXPECT_EQ(FindStep(report, RequestStep::kReply)->timeliness.status, TimelinessStatus::kOverdue);
}

TEST(RequestClock, ExtensionAddsItsWorkingDaysToTheDueDate) {
  const RequestClockReport report =
      EvaluateOk({kReceived, Event::Extension(D("2026-03-25"), 10, "张局长")}, "2026-03-31");
  EXPECT_EQ(DueOf(report), "2026-04-14");
  EXPECT_EQ(report.limit_working_days, 30);
  EXPECT_EQ(report.working_days_left, 9);
  EXPECT_EQ(FindStep(report, RequestStep::kExtension)->timeliness.status, TimelinessStatus::kOnTime);
  EXPECT_EQ(FindStep(report, RequestStep::kReply)->timeliness.status, TimelinessStatus::kPending);
}

TEST(RequestClock, ExtensionGrantedAfterTheOriginalDueDateIsLate) {
  const RequestClockReport report =
      EvaluateOk({kReceived, Event::Extension(D("2026-03-31"), 10, "张局长")}, "2026-03-31");
  EXPECT_EQ(FindStep(report, RequestStep::kExtension)->timeliness.status, TimelinessStatus::kLate);
}

TEST(RequestClock, ExtensionAfterThePeriodDoesNotExtend) {
  const RequestClockReport report = EvaluateOk(
      {kReceived, Event::Extension(D("2026-03-31"), 10, "张局长"), Event::Replied(D("2026-04-10"))}, "2026-04-13");
  EXPECT_EQ(DueOf(report), "2026-03-30");
  EXPECT_EQ(report.limit_working_days, 20);
  EXPECT_EQ(report.extension_refusal,
            "extension recorded on 2026-03-31, after the reply period ended on 2026-03-30 (Art. 33)");
  EXPECT_EQ(FindStep(report, RequestStep::kExtension)->timeliness.status, TimelinessStatus::kLate);
  const Timeliness& reply = FindStep(report, RequestStep::kReply)->timeliness;
  EXPECT_EQ(Iso(reply.due), "2026-03-30") << "judged against the original due date";
  EXPECT_EQ(reply.status, TimelinessStatus::kLate);
}

TEST(RequestClock, ExtensionOnTheDueDateExtends) {
  const RequestClockReport report =
      EvaluateOk({kReceived, Event::Extension(D("2026-03-30"), 10, "张局长")}, "2026-03-31");
  EXPECT_EQ(DueOf(report), "2026-04-14");
  EXPECT_EQ(report.limit_working_days, 30);
  EXPECT_EQ(report.extension_refusal, "");
  EXPECT_EQ(FindStep(report, RequestStep::kExtension)->timeliness.status, TimelinessStatus::kOnTime);
}

// The consultation moved the due date to Fri 2026-10-23: an extension on
// Tue Oct 20, after the unpaused date but within the period, extends it by
// 10 WD to Fri 2026-11-06.
TEST(RequestClock, ExtensionWithinAPausedPeriodExtends) {
  const RequestClockReport report =
      EvaluateOk({kReceivedBeforeNationalDay, Event::ConsultationStarted(D("2026-09-24"), "owner"),
                  Event::ConsultationAnswered(D("2026-10-09"), "owner"), Event::Extension(D("2026-10-20"), 10, "A")},
                 "2026-10-21");
  EXPECT_EQ(DueOf(report), "2026-11-06");
  EXPECT_EQ(report.limit_working_days, 30);
  EXPECT_EQ(report.extension_refusal, "");
  EXPECT_EQ(FindStep(report, RequestStep::kExtension)->timeliness.status, TimelinessStatus::kOnTime);
}

TEST(RequestClock, WithdrawnRequestHasNoReplyStep) {
  const RequestClockReport report = EvaluateOk({kReceived, Event::Withdrawn(D("2026-03-05"))}, "2026-06-01");
  EXPECT_EQ(report.state, RequestState::kWithdrawn);
  EXPECT_TRUE(report.steps.empty());
  EXPECT_EQ(report.working_days_used, 3);
}

TEST(RequestClock, WithdrawnWhileAwaitingCorrectionHasNoDueDate) {
  const RequestClockReport report = EvaluateOk(
      {kReceived, Event::CorrectionNotice(D("2026-03-05"), D("2026-03-20")), Event::Withdrawn(D("2026-03-09"))},
      "2026-06-01");
  EXPECT_EQ(report.state, RequestState::kWithdrawn);
  EXPECT_EQ(report.due, std::nullopt);
  EXPECT_EQ(report.working_days_used, 0);
}

TEST(RequestClock, DueDateInAnUnloadedYearIsProvisional) {
  const RequestClockReport report =
      EvaluateOk({Event::Received(D("2026-12-10"), ReceiptChannel::kRegisteredMail)}, "2026-12-11");
  EXPECT_TRUE(report.due->provisional);
  EXPECT_TRUE(report.provisional);
}

struct ImpossibleSequence {
  const char* name;
  std::vector<Event> events;
  const char* reason;
};

TEST(RequestClock, RejectsImpossibleSequencesWithTheirReason) {
  const Event notice = Event::CorrectionNotice(D("2026-03-05"), D("2026-03-20"));
  const std::vector<ImpossibleSequence> cases = {
      {"no events", {}, "the first event must be RECEIVED"},
      {"first event not RECEIVED",
       {Event::Replied(D("2026-03-02"))},
       "event 1 (REPLIED 2026-03-02): the first event must be RECEIVED"},
      {"event dated before receipt",
       {kReceived, Event::ConsultationStarted(D("2026-02-27"), "a")},
       "event 2 (CONSULTATION_STARTED 2026-02-27): dated before receipt on 2026-03-02"},
      {"reply before receipt",
       {kReceived, Event::Replied(D("2026-02-27"))},
       "event 2 (REPLIED 2026-02-27): dated before receipt on 2026-03-02"},
      {"events out of date order",
       {kReceived, Event::ConsultationStarted(D("2026-03-10"), "a"), Event::ConsultationAnswered(D("2026-03-09"), "a")},
       "dated before the previous event (2026-03-10); events must be in date order"},
      {"second extension",
       {kReceived, Event::Extension(D("2026-03-20"), 5, "A"), Event::Extension(D("2026-03-21"), 5, "A")},
       "a second extension"},
      {"extension over 20 WD",
       {kReceived, Event::Extension(D("2026-03-20"), 21, "A")},
       "an extension of 21 working days; it must be 1 to 20"},
      {"extension of zero", {kReceived, Event::Extension(D("2026-03-20"), 0, "A")}, "an extension of 0 working days"},
      {"extension without approver",
       {kReceived, Event::Extension(D("2026-03-20"), 5, "")},
       "an extension needs its approver"},
      {"step after a reply",
       {kReceived, Event::Replied(D("2026-03-10")), Event::Extension(D("2026-03-11"), 5, "A")},
       "no step may follow once the request was replied on 2026-03-10"},
      {"step after a withdrawal",
       {kReceived, Event::Withdrawn(D("2026-03-10")), Event::Replied(D("2026-03-11"))},
       "no step may follow once the request was withdrawn on 2026-03-10"},
      {"step after abandonment",
       {kReceived, notice, Event::Abandoned(D("2026-03-23")), Event::CorrectedReceived(D("2026-03-24"))},
       "no step may follow once the request was abandoned on 2026-03-20"},
      {"answer for an unknown consultation",
       {kReceived, Event::ConsultationAnswered(D("2026-03-10"), "b")},
       "answer for unknown consultation 'b'"},
      {"corrected request without a notice",
       {kReceived, Event::CorrectedReceived(D("2026-03-10"))},
       "a corrected request without a correction notice"},
      {"abandoned before the correction date passed",
       {kReceived, notice, Event::Abandoned(D("2026-03-20"))},
       "the correction due date 2026-03-20 has not passed"},
      {"corrected after the correction date",
       {kReceived, notice, Event::CorrectedReceived(D("2026-03-21"))},
       "the corrected request arrived after the correction due date 2026-03-20"},
      {"step after an abandonment by the platform",
       {kReceived, notice, Event::Withdrawn(D("2026-03-23"))},
       "no step may follow once the request was abandoned by the platform on 2026-03-20"},
      {"abandoned without a notice",
       {kReceived, Event::Abandoned(D("2026-03-20"))},
       "only a request with a correction notice can be deemed abandoned"},
      {"second receipt",
       {kReceived, Event::Received(D("2026-03-03"), ReceiptChannel::kFax)},
       "a request is received once"},
      {"second correction notice",
       {kReceived, notice, Event::CorrectedReceived(D("2026-03-10")),
        Event::CorrectionNotice(D("2026-03-11"), D("2026-03-20"))},
       "a second correction notice"},
      {"reply while awaiting the correction",
       {kReceived, notice, Event::Replied(D("2026-03-10"))},
       "reply while awaiting the correction"},
      {"consultation answered twice",
       {kReceived, Event::ConsultationStarted(D("2026-03-03"), "a"), Event::ConsultationAnswered(D("2026-03-04"), "a"),
        Event::ConsultationAnswered(D("2026-03-05"), "a")},
       "consultation 'a' was already answered on 2026-03-04"},
  };
  for (const ImpossibleSequence& sequence : cases) {
    const Checked<RequestClockReport> result = Evaluate(sequence.events, "2026-04-30");
    EXPECT_FALSE(result.ok()) << sequence.name;
    EXPECT_TRUE(Mentions(result.error, sequence.reason)) << sequence.name;
  }
}

}  // namespace
}  // namespace gongkai::common
