#include "services/requests/request_desk.h"

#include <ctime>
#include <stdexcept>
#include <vector>

#include "common/calendar/iso_date.h"
#include "services/requests/requests_mapping.h"

namespace gongkai::requests {

common::Checked<common::RequestClockReport> EvaluateRequestClock(const StoredRequest& request, const v1::Step* next,
                                                                 const common::Deadlines& deadlines,
                                                                 common::Date today) {
  const auto channel = ChannelFromProto(static_cast<v1::Channel>(request.channel));
  std::vector<common::RequestEvent> events;
  auto add = [&](const v1::Step& step) {
    if (auto e = EventOf(step, channel)) events.push_back(*e);
  };
  for (const auto& bytes : request.steps) {
    v1::Step step;
    if (!step.ParseFromString(bytes)) throw std::runtime_error("stored step does not parse");
    add(step);
  }
  if (next != nullptr) add(*next);
  common::RequestClock clock(common::RequestClockRules::FromDeadlines(deadlines.engine()));
  return clock.Evaluate(*deadlines.calendar(), events, today);
}

bool IsOpen(common::RequestState state) {
  return state == common::RequestState::kOpen || state == common::RequestState::kAwaitingCorrection;
}

DeskState RequestDeskState(const common::RequestClockReport& report) {
  return DeskStateOf(IsOpen(report.state) && report.due.has_value(), report.working_days_left,
                     report.limit_working_days, report.working_days_used);
}

RequestUpdate UpdateOf(const v1::Step& step, const common::RequestClockReport& report) {
  RequestUpdate u;
  u.step = step.SerializeAsString();
  u.step_type = step.type();
  u.state = std::string(common::RequestStateName(report.state));
  u.open = IsOpen(report.state);
  if (report.due) u.due_on = report.due->value;
  u.due_provisional = report.provisional;
  return u;
}

bool ReplyOnTime(const common::RequestClockReport& report) {
  bool on_time = false;
  for (const auto& s : report.steps) {
    if (s.step == common::RequestStep::kReply) on_time = s.timeliness.status == common::TimelinessStatus::kOnTime;
  }
  return on_time;
}

common::CalendarAnswer<common::Date> ConsultationDue(const common::Deadlines& deadlines, common::Date asked_on) {
  return deadlines.engine().Due(*deadlines.calendar(), common::RecordKind::kConsultation, asked_on);
}

ConsultationClock ConsultationClockOf(const StoredConsultation& c, const common::Deadlines& deadlines,
                                      common::Date today) {
  ConsultationClock out;
  out.timeliness = deadlines.Assess(common::RecordKind::kConsultation, c.asked_on, c.answered_on, today);
  auto calendar = deadlines.calendar();
  const auto due = *common::ParseIsoDate(out.timeliness.due());
  const int limit = deadlines.engine().Rule(common::RecordKind::kConsultation).count;
  const int used = calendar->WorkingDaysBetween(c.asked_on, c.answered_on.value_or(today)).value;
  const int left =
      due >= today ? calendar->WorkingDaysBetween(today, due).value : -calendar->WorkingDaysBetween(due, today).value;
  out.desk_state = DeskStateOf(!c.answered_on.has_value(), left, limit, used);
  return out;
}

int RecomputeProvisionalDueDates(RequestStore& store, const common::Deadlines& deadlines, common::Date today) {
  int recomputed = 0;
  for (const auto& id : store.ProvisionalIds()) {
    auto r = store.Get(id);
    if (!r) continue;
    auto report = EvaluateRequestClock(*r, nullptr, deadlines, today);
    if (!report.ok()) throw std::runtime_error("request " + id + ": " + report.error);
    store.SetDue(id, report.value->due ? std::optional(report.value->due->value) : std::nullopt,
                 report.value->provisional);
    ++recomputed;
  }
  for (const auto& id : store.ProvisionalConsultationIds()) {
    auto c = store.GetConsultation(id);
    if (!c) continue;
    auto due = ConsultationDue(deadlines, c->asked_on);
    store.UpdateConsultationDue(id, due.value, due.provisional);
    ++recomputed;
  }
  return recomputed;
}

std::string Rfc3339(std::chrono::system_clock::time_point instant) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(instant);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace gongkai::requests
