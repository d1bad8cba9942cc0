#pragma once

#include <chrono>
#include <string>

#include "common/calendar/checked.h"
#include "common/calendar/request_clock.h"
#include "common/clock.h"
#include "common/deadlines.h"
#include "gongkai/common/v1/timeliness.pb.h"
#include "gongkai/requests/v1/requests.pb.h"
#include "services/requests/request.h"
#include "services/requests/request_store.h"

namespace gongkai::requests {

// The desk's clocks over stored requests and consultations: the request clock
// over the recorded steps, and a consultation's deadline.

// The request clock over the request's stored steps and, when `next` is
// given, the step about to be recorded, as of `today`; the clock's reason
// when the sequence is impossible.
common::Checked<common::RequestClockReport> EvaluateRequestClock(const StoredRequest& request, const v1::Step* next,
                                                                 const common::Deadlines& deadlines,
                                                                 common::Date today);

// True while a request waits on the desk or on the applicant's correction.
bool IsOpen(common::RequestState state);

// What the desk sees of the request's deadline: closed unless open with a running clock.
DeskState RequestDeskState(const common::RequestClockReport& report);

// What recording `step` changes: the step, and the clock's answers with it.
RequestUpdate UpdateOf(const v1::Step& step, const common::RequestClockReport& report);

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
int RecomputeProvisionalDueDates(RequestStore& store, const common::Deadlines& deadlines, common::Date today);

// An instant in RFC 3339, UTC, to the second ("2026-06-15T02:30:00Z"): a step's recorded_at.
std::string Rfc3339(std::chrono::system_clock::time_point instant);

}  // namespace gongkai::requests
