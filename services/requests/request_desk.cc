#include "services/requests/request_desk.h"

#include <algorithm>
#include <ctime>
#include <map>
#include <stdexcept>
#include <tuple>
#include <vector>

#include "common/calendar/iso_date.h"
#include "common/errors.h"
#include "services/requests/requests_mapping.h"

namespace gongkai::requests {

common::RequestClockRules RequestClockRulesOf(const common::Deadlines& deadlines, int consultation_working_days) {
  common::RequestClockRules rules = common::RequestClockRules::FromDeadlines(deadlines.engine());
  rules.consultation_working_days = consultation_working_days;
  return rules;
}

common::Checked<common::RequestClockReport> EvaluateRequestClock(const StoredRequest& request, const v1::Step* next,
                                                                 const ClockAsOf& clock) {
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
  return common::RequestClock(clock.rules).Evaluate(*clock.deadlines.calendar(), events, clock.today);
}

common::Checked<common::RequestClockReport> ClockWithStep(const StoredRequest& request, const v1::Step& step,
                                                          const ClockAsOf& clock) {
  if (auto refusal = HistoryRefusal(request.steps.size())) return {.error = *refusal};
  if (auto refusal = StepRefusal(static_cast<StepType>(step.type()), request.state)) return {.error = *refusal};
  if (auto refusal = LegalStepRefusal(StepFromProto(step), StepsOf(request))) return {.error = *refusal};
  return EvaluateRequestClock(request, &step, clock);
}

namespace {

// What the request shows that made ClockWithStep refuse an extension of
// today, in the order the checks run: a full history; then the clock's, a
// closed request (replied, withdrawn, abandoned, by the platform too), an
// extension already recorded, a request awaiting its correction.
ExtensionRefusal RefusalShown(const StoredRequest& request, const ClockAsOf& clock) {
  if (HistoryRefusal(request.steps.size())) return ExtensionRefusal::kHistoryFull;
  const auto now = EvaluateRequestClock(request, nullptr, clock);
  if (!now.ok()) return ExtensionRefusal::kOther;
  if (!IsOpen(now.value->state)) return ExtensionRefusal::kClosed;
  const std::vector<common::RequestEvent> events = EventsOf(request);
  if (std::any_of(events.begin(), events.end(),
                  [](const common::RequestEvent& e) { return e.type == common::RequestEventType::kExtension; })) {
    return ExtensionRefusal::kAlreadyExtended;
  }
  if (now.value->state == common::RequestState::kAwaitingCorrection) return ExtensionRefusal::kAwaitingCorrection;
  return ExtensionRefusal::kOther;
}

}  // namespace

ExtensionStanding ExtensionStandingOf(const StoredRequest& request, const ClockAsOf& clock) {
  const std::string today = common::FormatIsoDate(clock.today);
  v1::Step extension;
  extension.set_type(v1::Step::EXTENSION);
  extension.set_date(today);
  extension.set_extension_working_days(clock.rules.max_extension_working_days);
  extension.set_approver("approver");  // Any: the clock asks only that there is one.
  extension.set_notice_date(today);
  const auto with = ClockWithStep(request, extension, clock);
  if (!with.ok()) return {RefusalShown(request, clock), with.error};
  if (with.value->extension_refusal.empty()) return {};
  return {ExtensionRefusal::kPastDue, with.value->extension_refusal};
}

bool DependsOnToday(const common::RequestClockReport& report) {
  if (report.state == common::RequestState::kAwaitingCorrection) return true;
  if (report.state != common::RequestState::kOpen) return false;
  return std::any_of(report.steps.begin(), report.steps.end(), [](const common::RequestStepTimeliness& s) {
    return s.step == common::RequestStep::kConsultation && !s.timeliness.done;
  });
}

void CheckOwn(const StoredRequest& r, const common::CallerIdentity& caller, const std::string& id) {
  if (r.agency_credit_code != caller.agency) {
    throw common::ServiceError::NotFound("no request " + id + " at this desk");
  }
}

bool IsOpen(common::RequestState state) {
  return state == common::RequestState::kOpen || state == common::RequestState::kAwaitingCorrection;
}

DeskState RequestDeskState(const common::RequestClockReport& report) {
  return DeskStateOf(IsOpen(report.state) && report.due.has_value(), report.working_days_left,
                     report.limit_working_days, report.working_days_used);
}

DeskState RequestDeskState(const common::RequestClockReport& report, const ClockAsOf& clock) {
  if (report.state != common::RequestState::kAwaitingCorrection || !report.correction_due) {
    return RequestDeskState(report);
  }
  const auto calendar = clock.deadlines.calendar();
  const common::Date due = *report.correction_due;
  const int left = due >= clock.today ? calendar->WorkingDaysBetween(clock.today, due).value
                                      : -calendar->WorkingDaysBetween(due, clock.today).value;
  return DeskStateOf(true, left, 0, 0);
}

std::optional<common::Date> DeskDue(const common::RequestClockReport& report) {
  if (report.state == common::RequestState::kAwaitingCorrection) return report.correction_due;
  if (report.due) return report.due->value;
  return std::nullopt;
}

namespace {

// The clock's answers that are stored with a request.
RequestUpdate AnswersOf(const common::RequestClockReport& report) {
  RequestUpdate u;
  u.state = std::string(common::RequestStateName(report.state));
  u.open = IsOpen(report.state);
  if (report.due) u.due_on = report.due->value;
  u.due_provisional = report.provisional;
  u.live = DependsOnToday(report);
  return u;
}

// Puts the clock's answers as of `clock.today` on a live request; settles it
// when they no longer depend on the day. Returns the clock's report; nullopt
// for a history the clock refuses, which keeps its stored answers (reading
// the request names the reason).
std::optional<common::RequestClockReport> ReadAsOf(RequestStore& store, StoredRequest& r, const ClockAsOf& clock) {
  auto report = EvaluateRequestClock(r, nullptr, clock);
  if (!report.ok()) return std::nullopt;
  const RequestUpdate now = AnswersOf(*report.value);
  if (!now.live) store.Settle(r.id, r.state, now);
  r.state = now.state;
  r.open = now.open;
  r.due_on = now.due_on;
  r.due_provisional = now.due_provisional;
  r.live = now.live;
  return std::move(*report.value);
}

// Puts what the statistics read of a request on `f` from the row `r` read
// later: a step recorded between the two reads (a reply, a withdrawal) is
// then counted whole, with its dates and outcome.
void CopyFactsOf(const StoredRequest& r, RequestFacts& f) {
  f.state = r.state;
  f.open = r.open;
  f.due_on = r.due_on;
  f.replied_on = r.replied_on;
  f.outcome = static_cast<ReplyOutcome>(r.outcome);
  f.standardised = r.standardised;
  v1::ReplyContent reply;
  f.report_reason = !r.reply.empty() && reply.ParseFromString(r.reply)
                        ? static_cast<ReportReason>(reply.report_reason())
                        : ReportReason::kUnset;
  f.reviews = 0;
  f.lawsuits = 0;
  f.closing_step_on.reset();
  f.correction_due.reset();
  for (const auto& bytes : r.steps) {
    v1::Step step;
    if (!step.ParseFromString(bytes)) continue;
    switch (step.type()) {
      case v1::Step::REVIEW_FILED: ++f.reviews; break;
      case v1::Step::LAWSUIT_FILED: ++f.lawsuits; break;
      case v1::Step::ABANDONED:
      case v1::Step::WITHDRAWN: f.closing_step_on = common::ParseIsoDate(step.date()); break;
      case v1::Step::CORRECTION_NOTICE: f.correction_due = common::ParseIsoDate(step.correction_due()); break;
      default: break;
    }
  }
}

std::tuple<common::Date, const std::string&> PositionOf(const StoredRequest& r) {
  return {r.due_on.value_or(kNoDueDate), r.id};
}

}  // namespace

RequestUpdate UpdateOf(const v1::Step& step, const common::RequestClockReport& report) {
  RequestUpdate u = AnswersOf(report);
  u.step = step.SerializeAsString();
  u.step_type = step.type();
  return u;
}

std::vector<RequestFacts> LiveRequestFacts(RequestStore& store, int year, const std::string& city,
                                           const std::string& agency, const ClockAsOf& clock) {
  std::vector<StoredRequestFacts> stored = store.RequestFactsOf(year, city, agency);
  std::vector<std::string> live_ids;
  for (const auto& f : stored) {
    if (f.live) live_ids.push_back(f.id);
  }
  std::map<std::string, StoredRequest> live;
  for (StoredRequest& r : store.GetAll(live_ids)) {
    ReadAsOf(store, r, clock);
    live.emplace(r.id, std::move(r));
  }
  std::vector<RequestFacts> out;
  out.reserve(stored.size());
  for (StoredRequestFacts& f : stored) {
    if (auto it = live.find(f.id); it != live.end()) {
      CopyFactsOf(it->second, f);
      const bool carried_in = year != 0 && static_cast<int>(std::chrono::year_month_day(f.received_on).year()) < year;
      if (auto finished = FinishedOn(f); carried_in && finished && *finished < std::chrono::year(year) / 1 / 1)
        continue;
    }
    out.push_back(std::move(f));
  }
  return out;
}

std::vector<StoredRequest> ListOpenAsOf(RequestStore& store, const std::string& agency,
                                        std::optional<common::Date> after_due, const std::string& after_id, int limit,
                                        const ClockAsOf& clock) {
  std::vector<StoredRequest> rows = store.ListOpen(agency, after_due, after_id, limit);
  for (StoredRequest& r : store.ListOpenLive(agency)) {
    // Placed by the due date the desk sees (DeskDue): awaiting correction,
    // the correction due date; the page position is read from it too.
    if (auto report = ReadAsOf(store, r, clock)) r.due_on = DeskDue(*report);
    if (!r.open) continue;
    if (after_due && PositionOf(r) <= std::tuple<common::Date, const std::string&>(*after_due, after_id)) continue;
    rows.push_back(std::move(r));
  }
  std::sort(rows.begin(), rows.end(),
            [](const StoredRequest& a, const StoredRequest& b) { return PositionOf(a) < PositionOf(b); });
  if (static_cast<int>(rows.size()) > limit) rows.resize(std::max(limit, 0));
  return rows;
}

void CheckRequestKey(common::Violations& out, const std::string& key) {
  const bool allowed = std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == ':' || c == '-';
  });
  if (key.size() > 64 || !allowed) out.push_back({"request_key", "must be 1 to 64 bytes of A-Z a-z 0-9 . _ : -"});
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

int RecomputeProvisionalDueDates(RequestStore& store, const ClockAsOf& clock) {
  int recomputed = 0;
  for (const auto& id : store.ProvisionalIds()) {
    auto r = store.Get(id);
    if (!r) continue;
    auto report = EvaluateRequestClock(*r, nullptr, clock);
    if (!report.ok()) throw std::runtime_error("request " + id + ": " + report.error);
    store.SetDue(id, report.value->due ? std::optional(report.value->due->value) : std::nullopt,
                 report.value->provisional);
    ++recomputed;
  }
  for (const auto& id : store.ProvisionalConsultationIds()) {
    auto c = store.GetConsultation(id);
    if (!c) continue;
    auto due = ConsultationDue(clock.deadlines, c->asked_on);
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
