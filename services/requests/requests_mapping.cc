#include "services/requests/requests_mapping.h"

#include <stdexcept>

#include "common/calendar/iso_date.h"
#include "common/errors.h"

namespace gongkai::requests {
namespace {

// The date of a step's field, already checked to be one.
common::Date StepDate(const std::string& iso) { return common::ParseIsoDate(iso).value_or(common::Date{}); }

std::string StepName(common::RequestStep step) {
  switch (step) {
    case common::RequestStep::kCorrectionNotice: return "correction_notice";
    case common::RequestStep::kConsultation: return "consultation";
    case common::RequestStep::kExtension: return "extension";
    case common::RequestStep::kReply: return "reply";
  }
  return "";
}

v1::DeskState ToProto(DeskState state) { return static_cast<v1::DeskState>(static_cast<int>(state)); }

common::v1::ExplainedDay::Status ToProto(common::ExplainedDayStatus status) {
  using common::ExplainedDayStatus;
  using common::v1::ExplainedDay;
  switch (status) {
    case ExplainedDayStatus::kClockStart: return ExplainedDay::CLOCK_START;
    case ExplainedDayStatus::kWorkingDay: return ExplainedDay::WORKING_DAY;
    case ExplainedDayStatus::kWeekend: return ExplainedDay::WEEKEND;
    case ExplainedDayStatus::kHoliday: return ExplainedDay::HOLIDAY;
    case ExplainedDayStatus::kMakeupWorkingDay: return ExplainedDay::MAKEUP_WORKING_DAY;
    case ExplainedDayStatus::kPaused: return ExplainedDay::PAUSED;
    case ExplainedDayStatus::kRestart: return ExplainedDay::RESTART;
    case ExplainedDayStatus::kCalendarDay: return ExplainedDay::CALENDAR_DAY;
  }
  return ExplainedDay::STATUS_UNSPECIFIED;
}

}  // namespace

common::ReceiptChannel ChannelFromProto(v1::Channel channel) {
  switch (channel) {
    case v1::IN_PERSON: return common::ReceiptChannel::kInPerson;
    case v1::REGISTERED_MAIL: return common::ReceiptChannel::kRegisteredMail;
    case v1::ORDINARY_LETTER: return common::ReceiptChannel::kOrdinaryLetter;
    case v1::FAX: return common::ReceiptChannel::kFax;
    default: return common::ReceiptChannel::kOnline;
  }
}

DisclosureRequest RequestFromProto(const v1::RegisterRequestRequest& p) {
  DisclosureRequest r;
  r.channel_set = p.channel() != v1::CHANNEL_UNSPECIFIED && v1::Channel_IsValid(p.channel());
  r.channel = ChannelFromProto(p.channel());
  r.received_on = common::ParseIsoDate(p.received_on());
  const auto& a = p.applicant();
  r.applicant = {static_cast<Applicant::Kind>(a.kind()),
                 a.name(),
                 a.id_number(),
                 a.credit_code(),
                 a.phone(),
                 a.email(),
                 a.address()};
  r.applicant.category = static_cast<ApplicantCategory>(a.category());
  r.information_requested = p.information_requested();
  r.delivery = static_cast<DeliveryMethod>(p.delivery());
  return r;
}

Step StepFromProto(const v1::Step& p) {
  Step s;
  s.type = static_cast<StepType>(p.type());
  s.date = common::ParseIsoDate(p.date());
  s.correction_due = common::ParseIsoDate(p.correction_due());
  s.consultation_id = p.consultation_id();
  s.consulted_party = p.consulted_party();
  s.approver = p.approver();
  s.notice_date = common::ParseIsoDate(p.notice_date());
  s.note = p.note();
  s.after_review = p.after_review();
  s.legal_outcome = static_cast<LegalOutcome>(p.legal_outcome());
  return s;
}

Reply ReplyFromProto(const v1::ReplyContent& p) {
  Reply r;
  r.outcome = static_cast<ReplyOutcome>(p.outcome());
  r.replied_on = common::ParseIsoDate(p.replied_on());
  r.how_to_obtain = p.how_to_obtain();
  r.withheld_parts = p.withheld_parts();
  r.withheld_reason = p.withheld_reason();
  r.reason = p.reason();
  r.legal_basis = p.legal_basis();
  r.holder_name = p.holder_name();
  r.holder_contact = p.holder_contact();
  r.earlier_reply_reference = p.earlier_reply_reference();
  r.applicable_law = p.applicable_law();
  r.not_handled_reason = p.not_handled_reason();
  r.remedy = p.remedy();
  r.delivered_by = static_cast<DeliveryMethod>(p.delivered_by());
  r.delivered_on = common::ParseIsoDate(p.delivered_on());
  r.fee_fen = p.fee_fen();
  r.report_reason = static_cast<ReportReason>(p.report_reason());
  return r;
}

Consultation ConsultationFromProto(const v1::RegisterConsultationRequest& p) {
  Consultation c;
  c.asked_on = common::ParseIsoDate(p.asked_on());
  c.channel_set = p.channel() != v1::CHANNEL_UNSPECIFIED && v1::Channel_IsValid(p.channel());
  c.question = p.question();
  c.contact = p.contact();
  return c;
}

ConsultationAnswer AnswerFromProto(const v1::AnswerConsultationRequest& p) {
  return {common::ParseIsoDate(p.answered_on()), p.answer()};
}

std::optional<common::RequestEvent> EventOf(const v1::Step& s, common::ReceiptChannel channel) {
  using common::RequestEvent;
  const auto date = StepDate(s.date());
  switch (s.type()) {
    case v1::Step::RECEIVED: return RequestEvent::Received(date, channel);
    case v1::Step::CORRECTION_NOTICE: return RequestEvent::CorrectionNotice(date, StepDate(s.correction_due()));
    case v1::Step::CORRECTED_RECEIVED: return RequestEvent::CorrectedReceived(date);
    case v1::Step::ABANDONED: return RequestEvent::Abandoned(date);
    case v1::Step::CONSULTATION_STARTED: return RequestEvent::ConsultationStarted(date, s.consultation_id());
    case v1::Step::CONSULTATION_ANSWERED: return RequestEvent::ConsultationAnswered(date, s.consultation_id());
    case v1::Step::EXTENSION: return RequestEvent::Extension(date, s.extension_working_days(), s.approver());
    case v1::Step::REPLIED: return RequestEvent::Replied(date);
    case v1::Step::WITHDRAWN: return RequestEvent::Withdrawn(date);
    default: return std::nullopt;
  }
}

std::vector<common::RequestEvent> EventsOf(const StoredRequest& r) {
  const auto channel = ChannelFromProto(static_cast<v1::Channel>(r.channel));
  std::vector<common::RequestEvent> events;
  for (const auto& bytes : r.steps) {
    v1::Step step;
    if (!step.ParseFromString(bytes)) throw std::runtime_error("stored step does not parse");
    if (auto e = EventOf(step, channel)) events.push_back(*e);
  }
  return events;
}

std::vector<Step> StepsOf(const StoredRequest& r) {
  std::vector<Step> steps;
  for (const auto& bytes : r.steps) {
    v1::Step step;
    if (!step.ParseFromString(bytes)) throw std::runtime_error("stored step does not parse");
    steps.push_back(StepFromProto(step));
  }
  return steps;
}

void ToView(const StoredRequest& r, const common::RequestClockReport& report, v1::RequestView* out) {
  out->set_request_id(r.id);
  out->set_agency_credit_code(r.agency_credit_code);
  out->set_channel(static_cast<v1::Channel>(r.channel));
  out->set_received_on(common::FormatIsoDate(r.received_on));
  out->mutable_applicant()->ParseFromString(r.applicant);
  out->set_information_requested(r.information_requested);
  out->set_delivery(static_cast<v1::DeliveryMethod>(r.delivery));
  out->set_state(std::string(common::RequestStateName(report.state)));
  out->set_desk_state(ToProto(RequestDeskState(report)));
  out->set_clock_start(common::FormatIsoDate(report.clock_start));
  if (report.due) out->set_due(common::FormatIsoDate(report.due->value));
  out->set_due_provisional(report.provisional);
  out->set_limit_working_days(report.limit_working_days);
  out->set_paused_working_days(report.paused_working_days);
  out->set_working_days_used(report.working_days_used);
  out->set_working_days_left(report.working_days_left);
  for (const auto& bytes : r.steps) out->add_history()->ParseFromString(bytes);
  for (const auto& s : report.steps) {
    auto* p = out->add_steps();
    p->set_step(StepName(s.step));
    p->set_consultation_id(s.consultation_id);
    p->set_due(common::FormatIsoDate(s.timeliness.due));
    if (s.timeliness.done) p->set_done(common::FormatIsoDate(*s.timeliness.done));
    p->set_status(std::string(common::TimelinessStatusName(s.timeliness.status)));
  }
  if (!r.reply.empty()) out->mutable_reply()->ParseFromString(r.reply);
  out->set_standardised_reply(r.standardised);
}

void ToOpenRequest(const StoredRequest& r, const common::RequestClockReport& report, v1::OpenRequest* out) {
  out->set_request_id(r.id);
  out->set_received_on(common::FormatIsoDate(r.received_on));
  out->set_applicant_name(r.applicant_name);
  out->set_state(std::string(common::RequestStateName(report.state)));
  out->set_desk_state(ToProto(RequestDeskState(report)));
  if (report.due) out->set_due(common::FormatIsoDate(report.due->value));
  out->set_due_provisional(report.provisional);
  out->set_working_days_used(report.working_days_used);
  out->set_working_days_left(report.working_days_left);
}

void ToView(const StoredConsultation& c, const ConsultationClock& clock, v1::ConsultationView* out) {
  out->set_consultation_id(c.id);
  out->set_agency_credit_code(c.agency_credit_code);
  out->set_asked_on(common::FormatIsoDate(c.asked_on));
  out->set_question(c.question);
  out->set_answered_on(common::FormatIsoDate(c.answered_on));
  out->set_answer(c.answer);
  out->set_due(clock.timeliness.due());
  out->set_status(common::v1::Timeliness::Status_Name(clock.timeliness.status()));
  out->set_desk_state(ToProto(clock.desk_state));
}

DuePosition DuePositionOf(common::Violations& out, const common::PagePosition& after) {
  if (after.size() != 2) return {};
  auto due = common::ParseIsoDate(after[0]);
  if (!due) {
    out.push_back({"page_token", "not a token this service issued"});
    return {};
  }
  return {due, after[1]};
}

void ToProto(const YearStatistics& statistics, v1::GetStatisticsResponse* out) {
  for (const auto& a : statistics.agencies) {
    auto* s = out->add_agencies();
    s->set_agency_credit_code(a.agency_credit_code);
    s->set_city_code(a.city_code);
    s->set_received(a.received);
    s->set_carried_over_from_last_year(a.carried_over_from_last_year);
    for (const auto& [outcome, count] : a.replied_by_outcome) {
      (*s->mutable_replied_by_outcome())[v1::ReplyOutcome_Name(static_cast<v1::ReplyOutcome>(outcome))] += count;
    }
    s->set_withdrawn(a.withdrawn);
    s->set_abandoned(a.abandoned);
    s->set_carried_over_to_next_year(a.carried_over_to_next_year);
    s->set_reviews(a.reviews);
    s->set_lawsuits(a.lawsuits);
    s->set_due(a.due);
    s->set_standardised_replies(a.standardised_replies);
    s->set_consultations_due(a.consultations_due);
    s->set_consultations_answered_on_time(a.consultations_answered_on_time);
  }
  out->set_standardised_reply_rate(statistics.standardised_reply_rate);
  out->set_consultation_response_rate(statistics.consultation_response_rate);
}

void ToProto(const AnnualReport& report, v1::AnnualReport* out) {
  out->set_year(report.year);
  for (const auto& code : report.agency_credit_codes) out->add_agency_credit_codes(code);
  for (const auto& table : report.tables) {
    auto* t = out->add_tables();
    t->set_title(table.title);
    for (const auto& column : table.columns) t->add_columns(column);
    for (const auto& row : table.rows) {
      auto* r = t->add_rows();
      r->set_label(row.label);
      for (int cell : row.cells) r->add_cells(cell);
    }
  }
  for (const auto& column : report.unbalanced_columns) out->add_unbalanced_columns(column);
  out->set_csv(AnnualReportCsv(report));
}

StatisticsScope ScopeOf(const common::CallerIdentity& caller, const std::string& city_code,
                        const std::string& agency_credit_code) {
  if (caller.role == common::v1::ROLE_DESK) return {"", caller.agency};
  if (caller.role == common::v1::ROLE_CITY) {
    if (!city_code.empty() && city_code != caller.city_code) {
      throw common::ServiceError::PermissionDenied("another city's statistics");
    }
    return {caller.city_code, agency_credit_code};
  }
  return {city_code, agency_credit_code};
}

void ToProto(const common::DeadlineExplanation& e, common::v1::DeadlineExplanation* out) {
  out->set_rule(e.rule);
  out->set_clock_start(common::FormatIsoDate(e.clock_start));
  out->set_due(common::FormatIsoDate(e.due));
  out->set_limit(e.limit);
  out->set_day_count(std::string(common::DayCountName(e.day_count)));
  out->set_provisional(e.provisional);
  for (const auto& d : e.days) {
    auto* p = out->add_days();
    p->set_date(common::FormatIsoDate(d.date));
    p->set_status(ToProto(d.status));
    p->set_holiday_name(d.holiday_name);
    p->set_counted(d.counted);
    p->set_count(d.count);
    p->set_note(d.note);
    p->set_provisional(d.provisional);
    p->set_before_correction(d.before_correction);
    p->set_due_day(d.due_day);
    p->set_consultation_id(d.consultation_id);
    p->set_corrected_on_receipt(d.corrected_on_receipt);
  }
  out->set_truncated(e.truncated);
}

}  // namespace gongkai::requests
