#include "common/calendar/request_clock.h"

#include <algorithm>
#include <utility>

#include "common/calendar/iso_date.h"

namespace gongkai::common {
namespace {

using std::chrono::sys_days;

struct Consultation {
  std::string id;
  sys_days started;
  std::optional<sys_days> answered;
};

using Pause = RequestPause;

// The reply due date for `limit` working days, and the pauses that moved it.
struct PausedDue {
  CalendarAnswer<sys_days> due;
  std::vector<Pause> counted_pauses;
};

std::string Lowercase(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
  return lower;
}

// Pauses of every consultation, clipped to the running clock and merged so that
// overlapping consultations pause it once. A consultation pauses the clock over
// (started, min(answered, end of its window, as_of)]: past its window an
// unanswered consultation no longer pauses it.
CalendarAnswer<std::vector<Pause>> MergedPauses(const WorkingDayCalendar& calendar,
                                                const std::vector<Consultation>& consultations, sys_days clock_start,
                                                sys_days as_of, int window_working_days) {
  CalendarAnswer<std::vector<Pause>> result{{}, false};
  std::vector<Pause> pauses;
  for (const Consultation& consultation : consultations) {
    const CalendarAnswer<sys_days> window_end = calendar.AddWorkingDays(consultation.started, window_working_days);
    result.provisional = result.provisional || window_end.provisional;
    const sys_days after = std::max(consultation.started, clock_start);
    const sys_days through = std::min({consultation.answered.value_or(as_of), window_end.value, as_of});
    if (through > after) pauses.push_back({after, through, consultation.id});
  }
  std::stable_sort(pauses.begin(), pauses.end(), [](const Pause& a, const Pause& b) { return a.after < b.after; });
  for (Pause& pause : pauses) {
    if (!result.value.empty() && pause.after <= result.value.back().through) {
      result.value.back().through = std::max(result.value.back().through, pause.through);
    } else {
      result.value.push_back(std::move(pause));
    }
  }
  return result;
}

PausedDue DueAfterPauses(const WorkingDayCalendar& calendar, sys_days clock_start, int limit,
                         const std::vector<Pause>& pauses) {
  PausedDue result{calendar.AddWorkingDays(clock_start, limit), {}};
  for (const Pause& pause : pauses) {
    // A pause that starts once the due date has passed cannot rescue it.
    if (pause.after > result.due.value) break;
    const CalendarAnswer<int> paused = calendar.WorkingDaysBetween(pause.after, pause.through);
    const CalendarAnswer<sys_days> moved = calendar.AddWorkingDays(result.due.value, paused.value);
    result.due = {moved.value, result.due.provisional || paused.provisional || moved.provisional};
    // A pause over rest days only moves nothing.
    if (paused.value > 0) result.counted_pauses.push_back(pause);
  }
  return result;
}

Deadline WorkingDayDeadline(const WorkingDayCalendar& calendar, sys_days start, int limit) {
  const CalendarAnswer<sys_days> due = calendar.AddWorkingDays(start, limit);
  return {due, calendar.AddWorkingDays(due.value, limit)};
}

}  // namespace

std::string_view RequestEventTypeName(RequestEventType type) {
  switch (type) {
    case RequestEventType::kReceived: return "RECEIVED";
    case RequestEventType::kCorrectionNotice: return "CORRECTION_NOTICE";
    case RequestEventType::kCorrectedReceived: return "CORRECTED_RECEIVED";
    case RequestEventType::kAbandoned: return "ABANDONED";
    case RequestEventType::kConsultationStarted: return "CONSULTATION_STARTED";
    case RequestEventType::kConsultationAnswered: return "CONSULTATION_ANSWERED";
    case RequestEventType::kExtension: return "EXTENSION";
    case RequestEventType::kReplied: return "REPLIED";
    case RequestEventType::kWithdrawn: return "WITHDRAWN";
  }
  return "UNKNOWN";
}

std::string_view RequestStateName(RequestState state) {
  switch (state) {
    case RequestState::kOpen: return "OPEN";
    case RequestState::kAwaitingCorrection: return "AWAITING_CORRECTION";
    case RequestState::kReplied: return "REPLIED";
    case RequestState::kAbandoned: return "ABANDONED";
    case RequestState::kWithdrawn: return "WITHDRAWN";
  }
  return "UNKNOWN";
}

RequestEvent RequestEvent::Received(sys_days date, ReceiptChannel channel) {
  return {.type = RequestEventType::kReceived, .date = date, .channel = channel};
}
RequestEvent RequestEvent::CorrectionNotice(sys_days date, sys_days correction_due) {
  return {.type = RequestEventType::kCorrectionNotice, .date = date, .correction_due = correction_due};
}
RequestEvent RequestEvent::CorrectedReceived(sys_days date) {
  return {.type = RequestEventType::kCorrectedReceived, .date = date};
}
RequestEvent RequestEvent::Abandoned(sys_days date) { return {.type = RequestEventType::kAbandoned, .date = date}; }
RequestEvent RequestEvent::ConsultationStarted(sys_days date, std::string id) {
  return {.type = RequestEventType::kConsultationStarted, .date = date, .consultation_id = std::move(id)};
}
RequestEvent RequestEvent::ConsultationAnswered(sys_days date, std::string id) {
  return {.type = RequestEventType::kConsultationAnswered, .date = date, .consultation_id = std::move(id)};
}
RequestEvent RequestEvent::Extension(sys_days date, int working_days, std::string approver) {
  return {.type = RequestEventType::kExtension,
          .date = date,
          .extension_working_days = working_days,
          .approver = std::move(approver)};
}
RequestEvent RequestEvent::Replied(sys_days date) { return {.type = RequestEventType::kReplied, .date = date}; }
RequestEvent RequestEvent::Withdrawn(sys_days date) { return {.type = RequestEventType::kWithdrawn, .date = date}; }

RequestClockRules RequestClockRules::FromDeadlines(const DeadlineEngine& engine) {
  RequestClockRules rules;
  rules.reply_working_days = engine.Rule(RecordKind::kRequestReply).count;
  return rules;
}

namespace {

// What the events say, once they are known to be possible.
struct RequestHistory {
  RequestState state = RequestState::kOpen;
  sys_days received;
  sys_days clock_start;
  std::optional<RequestEvent> notice;
  std::optional<sys_days> corrected_on;
  std::vector<Consultation> consultations;
  std::optional<RequestEvent> extension;
  std::optional<sys_days> closed_on;  // Replied, withdrawn or abandoned.
  bool clock_ran = true;              // False when closed while awaiting the correction.
  bool abandoned_by_platform = false;
};

// Why `event` is impossible because the correction due date passed without a
// corrected request (Art. 30: the request is then abandoned on that date,
// without any step of the desk), or "". The desk may still record ABANDONED.
std::string PastTheCorrectionDate(const RequestEvent& event, const RequestHistory& history) {
  if (history.state != RequestState::kAwaitingCorrection || event.type == RequestEventType::kAbandoned) return "";
  const sys_days correction_due = *history.notice->correction_due;
  if (event.date <= correction_due) return "";
  if (event.type == RequestEventType::kCorrectedReceived) {
    return "the corrected request arrived after the correction due date " + FormatIsoDate(correction_due) +
           "; a request not corrected by that date is abandoned on it (Art. 30)";
  }
  return "no step may follow once the request was abandoned by the platform on " + FormatIsoDate(correction_due) +
         ", its correction due date, without a corrected request (Art. 30)";
}

// Applies `event` to `history`; returns why it is impossible, or "".
std::string Apply(const RequestEvent& event, const RequestClockRules& rules, RequestHistory& history) {
  const auto consultation = std::find_if(history.consultations.begin(), history.consultations.end(),
                                         [&](const Consultation& c) { return c.id == event.consultation_id; });
  switch (event.type) {
    case RequestEventType::kReceived: return "a request is received once; a corrected request is CORRECTED_RECEIVED";
    case RequestEventType::kCorrectionNotice:
      if (history.notice) {
        return "a second correction notice; Art. 30 requires one notice naming everything to "
               "correct";
      }
      if (!event.correction_due || *event.correction_due < event.date) {
        return "the correction due date must be on or after the notice";
      }
      history.notice = event;
      history.state = RequestState::kAwaitingCorrection;
      return "";
    case RequestEventType::kCorrectedReceived:
      if (!history.notice) return "a corrected request without a correction notice";
      if (history.corrected_on) {
        return "the corrected request was already received on " + FormatIsoDate(*history.corrected_on);
      }
      history.corrected_on = event.date;
      history.clock_start = event.date;
      history.state = RequestState::kOpen;
      return "";
    case RequestEventType::kAbandoned:
      if (!history.notice) return "only a request with a correction notice can be deemed abandoned";
      if (history.corrected_on) {
        return "the corrected request was received on " + FormatIsoDate(*history.corrected_on);
      }
      if (event.date <= *history.notice->correction_due) {
        return "the correction due date " + FormatIsoDate(*history.notice->correction_due) + " has not passed";
      }
      // Art. 30: abandoned on the correction due date; the desk's later step
      // records it and does not move it.
      history.state = RequestState::kAbandoned;
      history.clock_ran = false;
      history.closed_on = *history.notice->correction_due;
      return "";
    case RequestEventType::kConsultationStarted:
      if (history.state != RequestState::kOpen) return "consultation while awaiting the correction";
      if (event.consultation_id.empty()) return "a consultation needs an id";
      if (consultation != history.consultations.end()) {
        return "consultation '" + event.consultation_id + "' already started on " +
               FormatIsoDate(consultation->started);
      }
      history.consultations.push_back({event.consultation_id, event.date, std::nullopt});
      return "";
    case RequestEventType::kConsultationAnswered:
      if (consultation == history.consultations.end()) {
        return "answer for unknown consultation '" + event.consultation_id + "'";
      }
      if (consultation->answered) {
        return "consultation '" + event.consultation_id + "' was already answered on " +
               FormatIsoDate(*consultation->answered);
      }
      consultation->answered = event.date;
      return "";
    case RequestEventType::kExtension:
      if (history.extension) return "a second extension; Art. 33 allows one";
      if (event.extension_working_days <= 0 || event.extension_working_days > rules.max_extension_working_days) {
        return "an extension of " + std::to_string(event.extension_working_days) + " working days; it must be 1 to " +
               std::to_string(rules.max_extension_working_days);
      }
      if (event.approver.empty()) return "an extension needs its approver";
      if (history.state != RequestState::kOpen) return "extension while awaiting the correction";
      history.extension = event;
      return "";
    case RequestEventType::kReplied:
      if (history.state != RequestState::kOpen) {
        return "reply while awaiting the correction; record CORRECTED_RECEIVED or ABANDONED first";
      }
      history.state = RequestState::kReplied;
      history.closed_on = event.date;
      return "";
    case RequestEventType::kWithdrawn:
      history.clock_ran = history.state != RequestState::kAwaitingCorrection;
      history.state = RequestState::kWithdrawn;
      history.closed_on = event.date;
      return "";
  }
  return "unknown event type";
}

Checked<RequestHistory> ReadHistory(std::span<const RequestEvent> events, const RequestClockRules& rules) {
  const auto describe = [&](size_t i) {
    return "event " + std::to_string(i + 1) + " (" + std::string(RequestEventTypeName(events[i].type)) + " " +
           FormatIsoDate(events[i].date) + "): ";
  };
  if (events.empty()) return {.error = "no events: the first event must be RECEIVED"};
  if (events[0].type != RequestEventType::kReceived) {
    return {.error = describe(0) + "the first event must be RECEIVED"};
  }
  RequestHistory history;
  history.received = events[0].date;
  history.clock_start = events[0].date;
  for (size_t i = 1; i < events.size(); ++i) {
    const RequestEvent& event = events[i];
    std::string reason;
    if (history.closed_on) {
      reason = "no step may follow once the request was " + Lowercase(RequestStateName(history.state)) + " on " +
               FormatIsoDate(*history.closed_on);
    } else if (event.date < history.received) {
      reason = "dated before receipt on " + FormatIsoDate(history.received);
    } else if (event.date < events[i - 1].date) {
      reason =
          "dated before the previous event (" + FormatIsoDate(events[i - 1].date) + "); events must be in date order";
    } else {
      reason = PastTheCorrectionDate(event, history);
      if (reason.empty()) reason = Apply(event, rules, history);
    }
    if (!reason.empty()) return {.error = describe(i) + reason};
  }
  return {.value = std::move(history)};
}

}  // namespace

Checked<RequestClockReport> RequestClock::Evaluate(const WorkingDayCalendar& calendar,
                                                   std::span<const RequestEvent> events, sys_days today) const {
  Checked<RequestHistory> read = ReadHistory(events, rules_);
  if (!read.ok()) return {.error = read.error};
  RequestHistory& history = *read.value;

  // 视为放弃 (Art. 30): a request not corrected by its correction due date is
  // abandoned "on that date", without any step of the desk. The day after is
  // the first day without a correction, but the rule names the due date, so
  // the request is abandoned on the correction due date itself.
  if (history.state == RequestState::kAwaitingCorrection && today > *history.notice->correction_due) {
    history.state = RequestState::kAbandoned;
    history.clock_ran = false;
    history.closed_on = *history.notice->correction_due;
    history.abandoned_by_platform = true;
  }

  RequestClockReport report;
  report.state = history.state;
  report.received = history.received;
  report.clock_start = history.clock_start;
  if (report.state == RequestState::kAwaitingCorrection) report.correction_due = history.notice->correction_due;
  if (report.state == RequestState::kAbandoned) {
    report.abandoned_on = history.closed_on;
    report.abandoned_by_platform = history.abandoned_by_platform;
  }

  const sys_days as_of = history.closed_on ? std::min(today, *history.closed_on) : today;
  const auto add_step = [&](RequestStep step, std::string id, const Timeliness& timeliness) {
    report.provisional = report.provisional || timeliness.provisional;
    report.steps.push_back({step, std::move(id), timeliness});
  };
  if (history.notice) {
    add_step(RequestStep::kCorrectionNotice, "",
             AssessDeadline(calendar, report.received,
                            WorkingDayDeadline(calendar, report.received, rules_.correction_notice_working_days),
                            history.notice->date, as_of));
  }
  for (const Consultation& consultation : history.consultations) {
    add_step(RequestStep::kConsultation, consultation.id,
             AssessDeadline(calendar, consultation.started,
                            WorkingDayDeadline(calendar, consultation.started, rules_.consultation_working_days),
                            consultation.answered, as_of));
  }

  report.limit_working_days =
      rules_.reply_working_days + (history.extension ? history.extension->extension_working_days : 0);
  if (report.state == RequestState::kAwaitingCorrection || !history.clock_ran) {
    report.working_days_left = report.limit_working_days;
    return {.value = std::move(report)};
  }

  const CalendarAnswer<std::vector<Pause>> pauses =
      MergedPauses(calendar, history.consultations, report.clock_start, as_of, rules_.consultation_working_days);
  report.provisional = report.provisional || pauses.provisional;
  const PausedDue original = DueAfterPauses(calendar, report.clock_start, rules_.reply_working_days, pauses.value);
  PausedDue reply = original;
  report.limit_working_days = rules_.reply_working_days;
  if (history.extension) {
    // Art. 33: the extension is decided within the reply period; one recorded
    // after it ended extends nothing. On the due date itself it still extends.
    if (history.extension->date > original.due.value) {
      report.extension_refusal = "extension recorded on " + FormatIsoDate(history.extension->date) +
                                 ", after the reply period ended on " + FormatIsoDate(original.due.value) +
                                 " (Art. 33)";
    } else {
      report.limit_working_days += history.extension->extension_working_days;
      reply = DueAfterPauses(calendar, report.clock_start, report.limit_working_days, pauses.value);
    }
  }
  report.due = reply.due;
  report.provisional = report.provisional || reply.due.provisional;
  report.pauses = reply.counted_pauses;

  if (as_of > report.clock_start) {
    const CalendarAnswer<int> elapsed = calendar.WorkingDaysBetween(report.clock_start, as_of);
    report.provisional = report.provisional || elapsed.provisional;
    for (const Pause& pause : reply.counted_pauses) {
      if (as_of <= pause.after) break;
      const CalendarAnswer<int> paused = calendar.WorkingDaysBetween(pause.after, std::min(pause.through, as_of));
      report.paused_working_days += paused.value;
      report.provisional = report.provisional || paused.provisional;
    }
    report.working_days_used = elapsed.value - report.paused_working_days;
  }
  report.working_days_left = report.limit_working_days - report.working_days_used;

  if (history.extension) {
    add_step(
        RequestStep::kExtension, "",
        AssessDeadline(calendar, report.clock_start, {original.due, original.due}, history.extension->date, as_of));
  }
  if (report.state != RequestState::kWithdrawn) {
    const Deadline deadline{reply.due, calendar.AddWorkingDays(reply.due.value, report.limit_working_days)};
    const std::optional<sys_days> replied = report.state == RequestState::kReplied ? history.closed_on : std::nullopt;
    add_step(RequestStep::kReply, "", AssessDeadline(calendar, report.clock_start, deadline, replied, as_of));
  }
  return {.value = std::move(report)};
}

}  // namespace gongkai::common
