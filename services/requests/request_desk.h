#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "common/calendar/checked.h"
#include "common/calendar/request_clock.h"
#include "common/clock.h"
#include "common/deadlines.h"
#include "common/identity.h"
#include "common/violations.h"
#include "gongkai/common/v1/timeliness.pb.h"
#include "gongkai/requests/v1/requests.pb.h"
#include "services/requests/request.h"
#include "services/requests/request_statistics.h"
#include "services/requests/request_store.h"

namespace gongkai::requests {

// The desk's clocks over stored requests and consultations: the request clock
// over the recorded steps, and a consultation's deadline.

// The request clock's rules here: the deadline engine's reply limit, and the
// consultation window of GONGKAI_CONSULTATION_WINDOW_WORKING_DAYS.
common::RequestClockRules RequestClockRulesOf(const common::Deadlines& deadlines, int consultation_working_days);

// The request clock as the service runs it on a day: the calendar in use
// (through `deadlines`), the clock's rules, and the day.
struct ClockAsOf {
  const common::Deadlines& deadlines;
  common::RequestClockRules rules;
  common::Date today;
};

// The request clock over the request's stored steps and, when `next` is
// given, the step about to be recorded, as of `clock.today`; the clock's
// reason when the sequence is impossible.
common::Checked<common::RequestClockReport> EvaluateRequestClock(const StoredRequest& request, const v1::Step* next,
                                                                 const ClockAsOf& clock);

// The request clock with `step` recorded next on the request, as of
// `clock.today`, or why the desk may not record it (RecordStep's one check,
// FAILED_PRECONDITION with this reason): the history is full
// (HistoryRefusal), a review or lawsuit before the reply (StepRefusal), a
// decision without its filing (LegalStepRefusal), or a sequence the request
// clock refuses. `step` is already valid (ValidateStep).
common::Checked<common::RequestClockReport> ClockWithStep(const StoredRequest& request, const v1::Step& step,
                                                          const ClockAsOf& clock);

// Why an extension (延期, Art. 33) dated `clock.today` may not be recorded on a
// request; the values of requests.v1.RequestView.ExtensionRefusal.
enum class ExtensionRefusal {
  kNone = 0,
  kAlreadyExtended = 1,
  kPastDue = 2,  // Recorded, it would be LATE and extend nothing.
  kAwaitingCorrection = 3,
  kClosed = 4,
  kHistoryFull = 5,
  kOther = 6,
};

struct ExtensionStanding {
  ExtensionRefusal refusal = ExtensionRefusal::kNone;
  // The platform's words: ClockWithStep's refusal, or for kPastDue the
  // clock's extension_refusal; empty with kNone.
  std::string reason;
};

// Whether an extension dated `clock.today` may be recorded on the request:
// ClockWithStep over the history with an extension of the most working days
// the rules allow, so the answer is RecordStep's own. A refusal is named by
// what the request's clock shows (closed, already extended, awaiting
// correction, in the order the clock checks them); an extension the clock
// accepts but that would extend nothing is kPastDue.
ExtensionStanding ExtensionStandingOf(const StoredRequest& request, const ClockAsOf& clock);

// True when the report's answers change with the day they are read: an open
// request with an unanswered consultation (its pause runs up to today), or a
// request awaiting correction (abandoned once its correction date passes).
// Such a request is stored `live`.
bool DependsOnToday(const common::RequestClockReport& report);

// The request must be the desk's own agency's; another's is NOT_FOUND, so a
// desk cannot even learn that an id exists elsewhere.
void CheckOwn(const StoredRequest& request, const common::CallerIdentity& caller, const std::string& id);

// True while a request waits on the desk or on the applicant's correction.
bool IsOpen(common::RequestState state);

// What the desk sees of the request's deadline: closed unless open with a running clock.
DeskState RequestDeskState(const common::RequestClockReport& report);

// What the desk sees of the request's deadline as of `clock.today`: as
// above, but a request awaiting correction is open, by the working days left
// to its correction due date (DeskDue).
DeskState RequestDeskState(const common::RequestClockReport& report, const ClockAsOf& clock);

// The due date the desk sees: the reply's, or while awaiting correction the
// correction due date; none otherwise.
std::optional<common::Date> DeskDue(const common::RequestClockReport& report);

// What recording `step` changes: the step, and the clock's answers with it
// (state, open, due date, live).
RequestUpdate UpdateOf(const v1::Step& step, const common::RequestClockReport& report);

// The facts of `year` (0: every year) of a city and agency (empty: all), the
// live requests' read as of `clock.today`: their state, open flag and due
// date are the clock's today, and one no longer open that the year would not
// count (received before it, not replied in or after it) is left out. What
// the gauges and the statistics count. A live request whose clock no longer
// depends on today (abandoned by the platform) is settled: stored with its
// answers and no longer live.
std::vector<RequestFacts> LiveRequestFacts(RequestStore& store, int year, const std::string& city,
                                           const std::string& agency, const ClockAsOf& clock);

// The agency's open requests as of `clock.today`, soonest due first (no due
// date last, as kNoDueDate), after the keyset position (after_due,
// after_id), or from the first when after_due is nullopt, at most `limit`:
// the stored order of those whose due date holds, with the live ones
// evaluated and merged in by (due, id). Live rows carry the clock's state
// and open flag of the day, and the due date the desk sees (DeskDue: the
// correction due date while awaiting correction), which places and pages
// them; settled as LiveRequestFacts does.
std::vector<StoredRequest> ListOpenAsOf(RequestStore& store, const std::string& agency,
                                        std::optional<common::Date> after_due, const std::string& after_id, int limit,
                                        const ClockAsOf& clock);

// A registration's request_key: empty (none), or 1 to 64 bytes of
// [A-Za-z0-9._:-] ("request_key").
void CheckRequestKey(common::Violations& out, const std::string& key);

// True when the report's reply step is on time.
bool ReplyOnTime(const common::RequestClockReport& report);

// The due date of a consultation asked on `asked_on`, under the calendar in use.
common::CalendarAnswer<common::Date> ConsultationDue(const common::Deadlines& deadlines, common::Date asked_on);

// A consultation's deadline as the desk sees it, as of `today`.
struct ConsultationClock {
  common::v1::Timeliness timeliness;
  DeskState desk_state = DeskState::kOnTrack;
};

ConsultationClock ConsultationClockOf(const StoredConsultation& consultation, const common::Deadlines& deadlines,
                                      common::Date today);

// Recomputes the stored due dates of requests and unanswered consultations
// that rested on a calendar year not loaded then, under the calendar in use
// now; returns how many were recomputed. A request whose steps the clock
// refuses throws, as when it is read.
int RecomputeProvisionalDueDates(RequestStore& store, const ClockAsOf& clock);

// An instant in RFC 3339, UTC, to the second ("2026-06-15T02:30:00Z"): a step's recorded_at.
std::string Rfc3339(std::chrono::system_clock::time_point instant);

}  // namespace gongkai::requests
