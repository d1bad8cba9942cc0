#pragma once

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/calendar/checked.h"
#include "common/calendar/deadline_engine.h"
#include "common/calendar/timeliness.h"
#include "common/calendar/working_day_calendar.h"

namespace gongkai::common {

// How a request reached the agency; it decides the receipt date T0 (Art. 31),
// which callers work out before registering RECEIVED.
enum class ReceiptChannel { kInPerson, kRegisteredMail, kOrdinaryLetter, kOnline, kFax };

enum class RequestEventType {
  kReceived,              // T0.
  kCorrectionNotice,      // 补正通知 (Art. 30), with the applicant's correction due date.
  kCorrectedReceived,     // The corrected request arrived: the clock restarts from this date.
  kAbandoned,             // 视为放弃 recorded by the desk, dated after the correction due date.
  kConsultationStarted,   // 征求意见 of a third party or another agency (Art. 32, 34),
  kConsultationAnswered,  // not a public 咨询.
  kExtension,             // 延期 (Art. 33), once, at most 20 WD, with an approver.
  kReplied,
  kWithdrawn,
};

std::string_view RequestEventTypeName(RequestEventType type);  // "RECEIVED", ...

struct RequestEvent {
  RequestEventType type;
  std::chrono::sys_days date;
  ReceiptChannel channel = ReceiptChannel::kOnline;          // kReceived.
  std::optional<std::chrono::sys_days> correction_due = {};  // kCorrectionNotice.
  std::string consultation_id = {};                          // kConsultation*.
  int extension_working_days = 0;                            // kExtension.
  std::string approver = {};                                 // kExtension.

  static RequestEvent Received(std::chrono::sys_days date, ReceiptChannel channel);
  static RequestEvent CorrectionNotice(std::chrono::sys_days date, std::chrono::sys_days correction_due);
  static RequestEvent CorrectedReceived(std::chrono::sys_days date);
  static RequestEvent Abandoned(std::chrono::sys_days date);
  static RequestEvent ConsultationStarted(std::chrono::sys_days date, std::string id);
  static RequestEvent ConsultationAnswered(std::chrono::sys_days date, std::string id);
  static RequestEvent Extension(std::chrono::sys_days date, int working_days, std::string approver);
  static RequestEvent Replied(std::chrono::sys_days date);
  static RequestEvent Withdrawn(std::chrono::sys_days date);
};

enum class RequestState { kOpen, kAwaitingCorrection, kReplied, kAbandoned, kWithdrawn };

std::string_view RequestStateName(RequestState state);  // "OPEN", ...

enum class RequestStep { kCorrectionNotice, kConsultation, kExtension, kReply };

struct RequestStepTimeliness {
  RequestStep step;
  std::string consultation_id;  // kConsultation only.
  Timeliness timeliness;
};

// Working days in (after, through] that a consultation kept from counting.
struct RequestPause {
  std::chrono::sys_days after;
  std::chrono::sys_days through;
  std::string consultation_id;  // the first consultation of the (merged) pause
};

struct RequestClockReport {
  RequestState state = RequestState::kOpen;
  std::chrono::sys_days received;     // T0.
  std::chrono::sys_days clock_start;  // T0, or the corrected request's receipt.
  // Absent when the reply clock is not running: awaiting correction, abandoned,
  // or withdrawn while awaiting correction.
  std::optional<CalendarAnswer<std::chrono::sys_days>> due;
  int limit_working_days = 0;   // The reply limit plus an extension that extended it.
  int paused_working_days = 0;  // Consultation working days not counted.
  // Counted working days from the clock start to today (or to the reply or
  // withdrawal, if earlier); left is negative once overdue. While awaiting
  // correction or with no due date the reply clock does not run: used is 0
  // and left is the whole limit (the time left to correct comes from
  // correction_due, not from these).
  int working_days_used = 0;
  int working_days_left = 0;
  bool provisional = false;  // Any date or count above rests on an unloaded year.
  // The pauses that moved the due date, in date order (at most each
  // consultation's window long, overlapping ones merged).
  std::vector<RequestPause> pauses;
  // While awaiting correction (state AWAITING_CORRECTION, an open state):
  // the applicant's correction due date. The request stays open through that
  // day; once it has passed the request is ABANDONED by the platform.
  std::optional<std::chrono::sys_days> correction_due;
  // Abandoned (视为放弃): the correction due date (Art. 30), reached by the
  // platform (abandoned_by_platform) once it passed without a corrected
  // request; the desk's later ABANDONED step records it and does not move it.
  std::optional<std::chrono::sys_days> abandoned_on;
  bool abandoned_by_platform = false;
  // Why a recorded extension did not extend the reply period (recorded after
  // the period ended, Art. 33); empty when it did or there was none.
  std::string extension_refusal;
  // In this order: correction notice, consultations by start, extension, reply.
  // The reply step is left out for withdrawn and abandoned requests.
  std::vector<RequestStepTimeliness> steps;
};

struct RequestClockRules {
  int reply_working_days = 20;             // Art. 33.
  int correction_notice_working_days = 7;  // Art. 30.
  int consultation_working_days = 15;      // Art. 32.
  int max_extension_working_days = 20;     // Art. 33.

  // The defaults, with the reply limit of the deadline engine's request_reply rule.
  static RequestClockRules FromDeadlines(const DeadlineEngine& engine);
};

// The reply clock of a public-information request (政府信息公开条例 Art. 30-33),
// a pure function of the request's events and today.
//
// Correction (Art. 30): while awaiting the corrected request no reply clock
// runs; the corrected request restarts it from its receipt. A request not
// corrected by its correction due date is ABANDONED on that date by the
// platform, with no step of the desk; a corrected request dated after it, and
// any step after it but the desk's ABANDONED, is impossible.
//
// Consultations (Art. 32, 34): each pauses the clock at most for its window
// (consultation_working_days from its start): the working days in
// (started, min(answered, started + window, today)] are not counted, so the
// due date moves later by that many working days. Past its window an
// unanswered consultation no longer pauses: the clock runs again and the
// agency decides. Overlapping pauses pause it once, not twice. A pause that
// starts after the due date has passed does not move it; one that starts on
// the due date moves it to the last working day of the pause.
//
// Extension (Art. 33): adds its working days to the limit when recorded on
// or before the due date without it; recorded later, it extends nothing
// (extension_refusal says why) and the reply is judged against that date.
//
// Each step is assessed like a record (see Timeliness): the correction notice
// against receipt + 7 WD, each consultation against its start + 15 WD, the
// extension against the due date without it, the reply against the due date.
// A step left undone is VERY_OVERDUE once past twice its limit (due + limit WD).
//
// Impossible sequences are rejected with the reason, never thrown.
class RequestClock {
 public:
  explicit RequestClock(RequestClockRules rules = {}) : rules_(rules) {}

  // `events` in the order they happened (equal dates keep their order).
  Checked<RequestClockReport> Evaluate(const WorkingDayCalendar& calendar, std::span<const RequestEvent> events,
                                       std::chrono::sys_days today) const;

 private:
  RequestClockRules rules_;
};

}  // namespace gongkai::common
