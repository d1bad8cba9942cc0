#include "services/requests/requests_service.h"

#include <map>

#include "common/calendar/iso_date.h"
#include "common/call.h"
#include "common/clock.h"
#include "common/encoding.h"
#include "common/errors.h"
#include "common/identifiers.h"
#include "common/log.h"
#include "common/paging.h"
#include "services/requests/request.h"
#include "services/requests/requests_mapping.h"

namespace gongkai::requests {
namespace {

using common::ServiceError;
using common::v1::ROLE_CITY;
using common::v1::ROLE_DESK;
using common::v1::ROLE_PROVINCE;
using common::v1::ROLE_PUBLIC;

std::string Today() { return common::FormatIsoDate(common::TodayInShanghai()); }

std::string NowRfc3339() {
  auto secs = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Identifies an applicant across requests without keeping their data in the key.
std::string ApplicantKey(const v1::Applicant& a) {
  std::string id = std::to_string(a.kind()) + "|" + a.id_number() + "|" + a.credit_code() + "|" +
                   (a.id_number().empty() && a.credit_code().empty() ? a.name() + "|" + a.phone() + "|" + a.email() : "");
  return common::Sha256Hex(id);
}

std::string StepName(common::RequestStep step) {
  switch (step) {
    case common::RequestStep::kCorrectionNotice: return "correction_notice";
    case common::RequestStep::kConsultation: return "consultation";
    case common::RequestStep::kExtension: return "extension";
    case common::RequestStep::kReply: return "reply";
  }
  return "";
}

// The request must be the desk's own agency's; another's is NOT_FOUND, so a
// desk cannot even learn that an id exists elsewhere.
void CheckOwn(const StoredRequest& r, const common::CallerIdentity& caller, const std::string& id) {
  if (r.agency_credit_code != caller.agency) throw ServiceError::NotFound("no request " + id + " at this desk");
}

void RequireDate(common::Violations& v, const std::string& field, const std::string& value,
                 const std::string& today) {
  if (!common::IsIsoDate(value)) {
    v.push_back({field, "must be a date YYYY-MM-DD"});
  } else if (value > today) {
    v.push_back({field, "must not be in the future"});
  }
}

void ThrowIfAny(const common::Violations& violations, const char* what) {
  if (!violations.empty()) throw ServiceError::InvalidArgument(what, violations);
}

v1::DeskState ToProto(DeskState s) { return static_cast<v1::DeskState>(static_cast<int>(s)); }

// "due|id" keyset page tokens of the desk's lists.
std::pair<std::string, std::string> DecodePosition(const std::string& token) {
  if (token.empty()) return {};
  auto position = common::DecodePageToken(token);
  auto bar = position ? position->find('|') : std::string::npos;
  if (bar == std::string::npos) {
    throw ServiceError::InvalidArgument("bad page token", {{"page_token", "not a token this service issued"}});
  }
  return {position->substr(0, bar), position->substr(bar + 1)};
}

std::string DueOrLast(const std::string& due) { return due.empty() ? "9999-12-31" : due; }

}  // namespace

RequestsService::RequestsService(RequestStore& store, registry::AgencyDirectory& agencies,
                                 const common::IdentitySigner& signer, const common::Deadlines& deadlines)
    : store_(store), agencies_(agencies), signer_(signer), deadlines_(deadlines) {}

common::RequestClockReport RequestsService::Evaluate(const StoredRequest& r, const v1::Step* next) const {
  const auto channel = ChannelFromProto(static_cast<v1::Channel>(r.channel));
  std::vector<common::RequestEvent> events;
  auto add = [&](const v1::Step& step) {
    if (auto e = EventOf(step, channel)) events.push_back(*e);
  };
  for (const auto& bytes : r.steps) {
    v1::Step step;
    if (!step.ParseFromString(bytes)) throw std::runtime_error("stored step does not parse");
    add(step);
  }
  if (next != nullptr) add(*next);
  common::RequestClock clock(common::RequestClockRules::FromDeadlines(deadlines_.engine()));
  auto report = clock.Evaluate(*deadlines_.calendar(), events, common::TodayInShanghai());
  if (!report.ok()) throw ServiceError::FailedPrecondition(report.error);
  return *report.value;
}

void RequestsService::ToView(const StoredRequest& r, v1::RequestView* out) const {
  auto report = Evaluate(r, nullptr);
  out->set_request_id(r.id);
  out->set_agency_credit_code(r.agency_credit_code);
  out->set_channel(static_cast<v1::Channel>(r.channel));
  out->set_received_on(r.received_on);
  out->mutable_applicant()->ParseFromString(r.applicant);
  out->set_information_requested(r.information_requested);
  out->set_delivery(static_cast<v1::DeliveryMethod>(r.delivery));
  out->set_state(std::string(common::RequestStateName(report.state)));
  const bool open = report.state == common::RequestState::kOpen ||
                    report.state == common::RequestState::kAwaitingCorrection;
  out->set_desk_state(ToProto(DeskStateOf(open && report.due.has_value(), report.working_days_left,
                                          report.limit_working_days, report.working_days_used)));
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

grpc::Status RequestsService::RegisterRequest(grpc::ServerContext* context, const v1::RegisterRequestRequest* request,
                                              v1::RequestView* response) {
  return common::Call(*context, signer_, {ROLE_DESK}, [&](const common::CallerIdentity& caller) {
    const std::string today = Today();
    ThrowIfAny(ValidateRequest(RequestFromProto(*request), today), "bad request registration");
    auto agency = agencies_.Agency(caller.agency);
    if (!agency) throw ServiceError::FailedPrecondition("the desk's agency " + caller.agency + " is not registered");

    StoredRequest r;
    r.agency_credit_code = caller.agency;
    r.city_code = agency->city_code;
    r.channel = request->channel();
    r.received_on = request->received_on();
    r.applicant = request->applicant().SerializeAsString();
    r.applicant_name = request->applicant().name();
    r.applicant_key = ApplicantKey(request->applicant());
    r.information_requested = request->information_requested();
    r.delivery = request->delivery();

    v1::Step received;
    received.set_type(v1::Step::RECEIVED);
    received.set_date(request->received_on());
    received.set_recorded_by(caller.principal);
    received.set_recorded_at(NowRfc3339());
    auto report = Evaluate(r, &received);
    RequestUpdate first;
    first.step = received.SerializeAsString();
    first.step_type = received.type();
    first.state = std::string(common::RequestStateName(report.state));
    first.open = true;
    if (report.due) first.due_on = common::FormatIsoDate(report.due->value);
    first.due_provisional = report.provisional;
    r.id = store_.Insert(r, first);
    common::Log(common::LogLevel::kInfo, "request_registered", {{"request_id", r.id}, {"agency", caller.agency}});
    ToView(*store_.Get(r.id), response);
    return grpc::Status::OK;
  });
}

grpc::Status RequestsService::RecordStep(grpc::ServerContext* context, const v1::RecordStepRequest* request,
                                         v1::RequestView* response) {
  return common::Call(*context, signer_, {ROLE_DESK}, [&](const common::CallerIdentity& caller) {
    const std::string today = Today();
    v1::Step step = request->step();
    common::Violations v;
    switch (step.type()) {
      case v1::Step::CORRECTION_NOTICE:
        if (!common::IsIsoDate(step.correction_due())) v.push_back({"step.correction_due", "must be a date YYYY-MM-DD"});
        break;
      case v1::Step::CONSULTATION_STARTED:
        if (step.consulted_party().empty()) v.push_back({"step.consulted_party", "required: who is consulted"});
        [[fallthrough]];
      case v1::Step::CONSULTATION_ANSWERED:
        if (step.consultation_id().empty() || step.consultation_id().size() > 64) {
          v.push_back({"step.consultation_id", "required, at most 64 bytes"});
        }
        break;
      case v1::Step::EXTENSION:
        if (step.approver().empty()) v.push_back({"step.approver", "required: who approved the extension"});
        RequireDate(v, "step.notice_date", step.notice_date(), today);
        break;
      case v1::Step::CORRECTED_RECEIVED:
      case v1::Step::ABANDONED:
      case v1::Step::WITHDRAWN:
      case v1::Step::REVIEW_FILED:
      case v1::Step::LAWSUIT_FILED:
        break;
      default:
        v.push_back({"step.type", "not a step recorded here (replies go through Reply, receipt through RegisterRequest)"});
    }
    RequireDate(v, "step.date", step.date(), today);
    if (step.note().size() > 2000) v.push_back({"step.note", "at most 2000 bytes"});
    ThrowIfAny(v, "bad step");
    step.set_recorded_by(caller.principal);
    step.set_recorded_at(NowRfc3339());

    auto updated = store_.Update(request->request_id(), [&](const StoredRequest& r) {
      CheckOwn(r, caller, request->request_id());
      const bool record_only = step.type() == v1::Step::REVIEW_FILED || step.type() == v1::Step::LAWSUIT_FILED;
      if (record_only && r.state != "REPLIED") {
        throw ServiceError::FailedPrecondition("a review or lawsuit is recorded only after the reply");
      }
      auto report = Evaluate(r, &step);
      RequestUpdate u;
      u.step = step.SerializeAsString();
      u.step_type = step.type();
      u.state = std::string(common::RequestStateName(report.state));
      u.open = report.state == common::RequestState::kOpen || report.state == common::RequestState::kAwaitingCorrection;
      if (report.due) u.due_on = common::FormatIsoDate(report.due->value);
      u.due_provisional = report.provisional;
      return u;
    });
    if (!updated) throw ServiceError::NotFound("no request " + request->request_id() + " at this desk");
    ToView(*updated, response);
    return grpc::Status::OK;
  });
}

grpc::Status RequestsService::Reply(grpc::ServerContext* context, const v1::ReplyRequest* request,
                                    v1::RequestView* response) {
  return common::Call(*context, signer_, {ROLE_DESK}, [&](const common::CallerIdentity& caller) {
    const std::string today = Today();
    v1::ReplyContent content = request->reply();
    if (content.fee_scheme() != v1::PER_PAGE && content.fee_pages() != 0) {
      throw ServiceError::InvalidArgument("bad reply", {{"reply.fee_pages", "only for the per-page scheme"}});
    }
    if (content.fee_pages() < 0) {
      throw ServiceError::InvalidArgument("bad reply", {{"reply.fee_pages", "must not be negative"}});
    }
    auto before = store_.Get(request->request_id());
    if (!before) throw ServiceError::NotFound("no request " + request->request_id() + " at this desk");
    CheckOwn(*before, caller, request->request_id());
    int64_t fee = 0;
    if (content.fee_scheme() == v1::PER_REQUEST) {
      fee = FeeFor(FeeScheme::kPerRequest,
                   store_.CountInMonth(before->agency_credit_code, before->applicant_key, before->received_on));
    } else if (content.fee_scheme() == v1::PER_PAGE) {
      fee = FeeFor(FeeScheme::kPerPage, content.fee_pages());
    }
    content.set_fee_fen(fee);
    ThrowIfAny(ValidateReply(ReplyFromProto(content), today), "the reply lacks what its outcome needs");

    v1::Step replied;
    replied.set_type(v1::Step::REPLIED);
    replied.set_date(content.replied_on());
    replied.set_recorded_by(caller.principal);
    replied.set_recorded_at(NowRfc3339());
    auto updated = store_.Update(request->request_id(), [&](const StoredRequest& r) {
      CheckOwn(r, caller, request->request_id());
      auto report = Evaluate(r, &replied);
      bool on_time = false;
      for (const auto& s : report.steps) {
        if (s.step == common::RequestStep::kReply) on_time = s.timeliness.status == common::TimelinessStatus::kOnTime;
      }
      RequestUpdate u;
      u.step = replied.SerializeAsString();
      u.step_type = replied.type();
      u.state = std::string(common::RequestStateName(report.state));
      u.open = false;
      if (report.due) u.due_on = common::FormatIsoDate(report.due->value);
      u.due_provisional = report.provisional;
      u.reply = content.SerializeAsString();
      u.replied_on = content.replied_on();
      u.outcome = content.outcome();
      u.standardised = on_time;  // complete and of a valid outcome: checked above
      u.fee_fen = fee;
      return u;
    });
    if (!updated) throw ServiceError::NotFound("no request " + request->request_id() + " at this desk");
    ToView(*updated, response);
    return grpc::Status::OK;
  });
}

grpc::Status RequestsService::GetRequest(grpc::ServerContext* context, const v1::GetRequestRequest* request,
                                         v1::RequestView* response) {
  return common::Call(*context, signer_, {ROLE_DESK}, [&](const common::CallerIdentity& caller) {
    auto r = store_.Get(request->request_id());
    if (!r) throw ServiceError::NotFound("no request " + request->request_id() + " at this desk");
    CheckOwn(*r, caller, request->request_id());
    ToView(*r, response);
    return grpc::Status::OK;
  });
}

grpc::Status RequestsService::ListOpenRequests(grpc::ServerContext* context, const v1::ListOpenRequestsRequest* request,
                                               v1::ListOpenRequestsResponse* response) {
  return common::Call(*context, signer_, {ROLE_DESK}, [&](const common::CallerIdentity& caller) {
    if (request->page_size() < 0) {
      throw ServiceError::InvalidArgument("bad list request", {{"page_size", "must not be negative"}});
    }
    auto [after_due, after_id] = DecodePosition(request->page_token());
    const int page = common::PageSize(request->page_size());
    auto rows = store_.ListOpen(caller.agency, after_due, after_id, page + 1);
    const bool more = static_cast<int>(rows.size()) > page;
    if (more) rows.resize(page);
    for (const auto& r : rows) {
      auto report = Evaluate(r, nullptr);
      auto* p = response->add_requests();
      p->set_request_id(r.id);
      p->set_received_on(r.received_on);
      p->set_applicant_name(r.applicant_name);
      p->set_state(std::string(common::RequestStateName(report.state)));
      p->set_desk_state(ToProto(DeskStateOf(report.due.has_value(), report.working_days_left,
                                            report.limit_working_days, report.working_days_used)));
      if (report.due) p->set_due(common::FormatIsoDate(report.due->value));
      p->set_due_provisional(report.provisional);
      p->set_working_days_used(report.working_days_used);
      p->set_working_days_left(report.working_days_left);
    }
    if (more) response->set_next_page_token(common::EncodePageToken(DueOrLast(rows.back().due_on) + "|" + rows.back().id));
    return grpc::Status::OK;
  });
}

grpc::Status RequestsService::QuoteFee(grpc::ServerContext* context, const v1::QuoteFeeRequest* request,
                                       v1::QuoteFeeResponse* response) {
  return common::Call(*context, signer_, {ROLE_DESK, ROLE_PUBLIC}, [&](const common::CallerIdentity&) {
    common::Violations v;
    if (request->scheme() != v1::PER_REQUEST && request->scheme() != v1::PER_PAGE) {
      v.push_back({"scheme", "must be PER_REQUEST or PER_PAGE"});
    }
    if (request->count() < 1 || request->count() > 1000000) v.push_back({"count", "must be 1..1000000"});
    ThrowIfAny(v, "bad fee quote");
    response->set_fee_fen(FeeFor(static_cast<FeeScheme>(request->scheme()), request->count()));
    return grpc::Status::OK;
  });
}

void RequestsService::ToView(const StoredConsultation& c, v1::ConsultationView* out) const {
  const auto today = common::TodayInShanghai();
  out->set_consultation_id(c.id);
  out->set_agency_credit_code(c.agency_credit_code);
  out->set_asked_on(c.asked_on);
  out->set_question(c.question);
  out->set_answered_on(c.answered_on);
  out->set_answer(c.answer);
  auto t = deadlines_.Assess(common::RecordKind::kConsultation, c.asked_on, c.answered_on, today);
  out->set_due(t.due());
  out->set_status(common::v1::Timeliness::Status_Name(t.status()));
  auto calendar = deadlines_.calendar();
  auto asked = *common::ParseIsoDate(c.asked_on);
  auto due = *common::ParseIsoDate(t.due());
  const int limit = deadlines_.engine().Rule(common::RecordKind::kConsultation).count;
  const int used = calendar->WorkingDaysBetween(asked, c.answered_on.empty() ? today : *common::ParseIsoDate(c.answered_on)).value;
  const int left = due >= today ? calendar->WorkingDaysBetween(today, due).value : -calendar->WorkingDaysBetween(due, today).value;
  out->set_desk_state(ToProto(DeskStateOf(c.answered_on.empty(), left, limit, used)));
}

grpc::Status RequestsService::RegisterConsultation(grpc::ServerContext* context,
                                                   const v1::RegisterConsultationRequest* request,
                                                   v1::ConsultationView* response) {
  return common::Call(*context, signer_, {ROLE_DESK}, [&](const common::CallerIdentity& caller) {
    const std::string today = Today();
    common::Violations v;
    RequireDate(v, "asked_on", request->asked_on(), today);
    if (request->channel() == v1::CHANNEL_UNSPECIFIED || !v1::Channel_IsValid(request->channel())) {
      v.push_back({"channel", "required"});
    }
    if (request->question().find_first_not_of(" \t\r\n") == std::string::npos) {
      v.push_back({"question", "required"});
    } else if (request->question().size() > 20000) {
      v.push_back({"question", "at most 20000 bytes"});
    }
    if (request->contact().size() > 500) v.push_back({"contact", "at most 500 bytes"});
    ThrowIfAny(v, "bad consultation");
    auto agency = agencies_.Agency(caller.agency);
    if (!agency) throw ServiceError::FailedPrecondition("the desk's agency " + caller.agency + " is not registered");
    StoredConsultation c;
    c.agency_credit_code = caller.agency;
    c.city_code = agency->city_code;
    c.channel = request->channel();
    c.asked_on = request->asked_on();
    c.question = request->question();
    c.contact = request->contact();
    auto due = deadlines_.engine().Due(*deadlines_.calendar(), common::RecordKind::kConsultation,
                                       *common::ParseIsoDate(c.asked_on));
    c.due_on = common::FormatIsoDate(due.value);
    c.due_provisional = due.provisional;
    c.id = store_.InsertConsultation(c);
    ToView(c, response);
    return grpc::Status::OK;
  });
}

grpc::Status RequestsService::AnswerConsultation(grpc::ServerContext* context,
                                                 const v1::AnswerConsultationRequest* request,
                                                 v1::ConsultationView* response) {
  return common::Call(*context, signer_, {ROLE_DESK}, [&](const common::CallerIdentity& caller) {
    common::Violations v;
    RequireDate(v, "answered_on", request->answered_on(), Today());
    if (request->answer().find_first_not_of(" \t\r\n") == std::string::npos) {
      v.push_back({"answer", "required"});
    } else if (request->answer().size() > 20000) {
      v.push_back({"answer", "at most 20000 bytes"});
    }
    ThrowIfAny(v, "bad answer");
    auto c = store_.GetConsultation(request->consultation_id());
    if (!c || c->agency_credit_code != caller.agency) {
      throw ServiceError::NotFound("no consultation " + request->consultation_id() + " at this desk");
    }
    if (!c->answered_on.empty()) throw ServiceError::FailedPrecondition("the consultation was answered already");
    if (request->answered_on() < c->asked_on) {
      throw ServiceError::InvalidArgument("bad answer", {{"answered_on", "must not be before asked_on"}});
    }
    auto answered = store_.AnswerConsultation(c->id, caller.agency, request->answered_on(), request->answer());
    if (!answered) throw ServiceError::FailedPrecondition("the consultation was answered already");
    ToView(*answered, response);
    return grpc::Status::OK;
  });
}

grpc::Status RequestsService::ListOpenConsultations(grpc::ServerContext* context,
                                                    const v1::ListOpenConsultationsRequest* request,
                                                    v1::ListOpenConsultationsResponse* response) {
  return common::Call(*context, signer_, {ROLE_DESK}, [&](const common::CallerIdentity& caller) {
    auto [after_due, after_id] = DecodePosition(request->page_token());
    const int page = common::PageSize(request->page_size());
    auto rows = store_.ListOpenConsultations(caller.agency, after_due, after_id, page + 1);
    const bool more = static_cast<int>(rows.size()) > page;
    if (more) rows.resize(page);
    for (const auto& c : rows) ToView(c, response->add_consultations());
    if (more) response->set_next_page_token(common::EncodePageToken(rows.back().due_on + "|" + rows.back().id));
    return grpc::Status::OK;
  });
}

grpc::Status RequestsService::GetStatistics(grpc::ServerContext* context, const v1::GetStatisticsRequest* request,
                                            v1::GetStatisticsResponse* response) {
  return common::Call(*context, signer_, {ROLE_DESK, ROLE_CITY, ROLE_PROVINCE},
                      [&](const common::CallerIdentity& caller) {
    const std::string today = Today();
    const int year = request->year() == 0 ? std::stoi(today.substr(0, 4)) : request->year();
    if (year < 2019 || year > 2100) throw ServiceError::InvalidArgument("bad year", {{"year", "must be 2019..2100"}});
    // Each role sees its own scope only.
    std::string city = request->city_code();
    std::string agency = request->agency_credit_code();
    if (caller.role == ROLE_DESK) {
      city.clear();
      agency = caller.agency;
    } else if (caller.role == ROLE_CITY) {
      if (!city.empty() && city != caller.city_code) throw ServiceError::PermissionDenied("another city's statistics");
      city = caller.city_code;
    }
    const std::string year_start = std::to_string(year) + "-01-01";
    const std::string year_end = std::to_string(year) + "-12-31";
    const std::string counted_until = std::min(today, year_end);
    std::map<std::string, v1::AgencyStatistics> by_agency;
    auto stats = [&](const std::string& code, const std::string& city_code) -> v1::AgencyStatistics& {
      auto& s = by_agency[code];
      s.set_agency_credit_code(code);
      s.set_city_code(city_code);
      return s;
    };
    int64_t due = 0, standardised = 0, consultations_due = 0, consultations_on_time = 0;
    for (const auto& f : store_.RequestFactsOf(year, city, agency)) {
      auto& s = stats(f.agency_credit_code, f.city_code);
      const bool received_this_year = f.received_on >= year_start && f.received_on <= year_end;
      if (received_this_year) s.set_received(s.received() + 1);
      if (f.received_on < year_start) s.set_carried_over_from_last_year(s.carried_over_from_last_year() + 1);
      if (!f.replied_on.empty() && f.replied_on >= year_start && f.replied_on <= year_end) {
        const std::string name = v1::ReplyOutcome_Name(static_cast<v1::ReplyOutcome>(f.outcome));
        (*s.mutable_replied_by_outcome())[name] += 1;
      }
      if (received_this_year && f.state == "WITHDRAWN") s.set_withdrawn(s.withdrawn() + 1);
      if (received_this_year && f.state == "ABANDONED") s.set_abandoned(s.abandoned() + 1);
      if ((f.open && year_end < today) || (!f.replied_on.empty() && f.replied_on > year_end)) {
        s.set_carried_over_to_next_year(s.carried_over_to_next_year() + 1);
      }
      s.set_reviews(s.reviews() + f.reviews);
      s.set_lawsuits(s.lawsuits() + f.lawsuits);
      const bool replied_in_year = !f.replied_on.empty() && f.replied_on <= year_end;
      const bool fell_due = !f.due_on.empty() && f.due_on <= counted_until;
      if ((replied_in_year || fell_due) && f.state != "WITHDRAWN" && f.state != "ABANDONED") {
        s.set_due(s.due() + 1);
        ++due;
        if (f.standardised && replied_in_year) {
          s.set_standardised_replies(s.standardised_replies() + 1);
          ++standardised;
        }
      }
    }
    for (const auto& c : store_.ConsultationFactsOf(year, city, agency)) {
      auto& s = stats(c.agency_credit_code, c.city_code);
      if (!c.answered_on.empty() || c.due_on <= counted_until) {
        s.set_consultations_due(s.consultations_due() + 1);
        ++consultations_due;
        if (!c.answered_on.empty() && c.answered_on <= c.due_on) {
          s.set_consultations_answered_on_time(s.consultations_answered_on_time() + 1);
          ++consultations_on_time;
        }
      }
    }
    for (auto& [code, s] : by_agency) *response->add_agencies() = std::move(s);
    response->set_standardised_reply_rate(due == 0 ? 1.0 : static_cast<double>(standardised) / due);
    response->set_consultation_response_rate(
        consultations_due == 0 ? 1.0 : static_cast<double>(consultations_on_time) / consultations_due);
    return grpc::Status::OK;
  });
}

void RequestsService::RecomputeProvisional() {
  int recomputed = 0;
  for (const auto& id : store_.ProvisionalIds()) {
    auto r = store_.Get(id);
    if (!r) continue;
    auto report = Evaluate(*r, nullptr);
    store_.SetDue(id, report.due ? common::FormatIsoDate(report.due->value) : "", report.provisional);
    ++recomputed;
  }
  for (const auto& id : store_.ProvisionalConsultationIds()) {
    auto c = store_.GetConsultation(id);
    if (!c) continue;
    auto due = deadlines_.engine().Due(*deadlines_.calendar(), common::RecordKind::kConsultation,
                                       *common::ParseIsoDate(c->asked_on));
    store_.UpdateConsultationDue(id, common::FormatIsoDate(due.value), due.provisional);
    ++recomputed;
  }
  common::Log(common::LogLevel::kInfo, "provisional_deadlines_recomputed", {{"records", recomputed}});
}

std::shared_ptr<common::ScrapeGauges> MakeRequestGauges(RequestStore& store) {
  return std::make_shared<common::ScrapeGauges>([&store] {
    const std::string today = Today();
    std::map<std::string, std::pair<double, double>> replies;        // scope -> (standardised, due)
    std::map<std::string, std::pair<double, double>> consultations;  // scope -> (on time, due)
    std::map<std::string, double> overdue_requests, overdue_consultations;
    for (const auto& f : store.RequestFactsOf(0, "", "")) {
      if (f.state == "WITHDRAWN" || f.state == "ABANDONED") continue;
      const bool fell_due = !f.due_on.empty() && f.due_on < today;
      if (f.open && fell_due) overdue_requests[f.city_code] += 1;
      if (f.open && !fell_due) continue;
      for (const std::string& scope : {f.city_code, std::string("province")}) {
        replies[scope].first += f.standardised ? 1 : 0;
        replies[scope].second += 1;
      }
    }
    for (const auto& c : store.ConsultationFactsOf(0, "", "")) {
      const bool fell_due = c.due_on < today;
      if (c.answered_on.empty() && fell_due) overdue_consultations[c.city_code] += 1;
      if (c.answered_on.empty() && !fell_due) continue;
      for (const std::string& scope : {c.city_code, std::string("province")}) {
        consultations[scope].first += !c.answered_on.empty() && c.answered_on <= c.due_on ? 1 : 0;
        consultations[scope].second += 1;
      }
    }
    common::ScrapeGauges::Family kpi{"gongkai_kpi_ratio", "The plan's KPIs, computed from the database.", {}};
    for (const auto& [scope, n] : replies) {
      kpi.samples.push_back({{{"kpi", "standardised_reply_rate"}, {"scope", scope}}, n.second == 0 ? 1.0 : n.first / n.second});
    }
    for (const auto& [scope, n] : consultations) {
      kpi.samples.push_back(
          {{{"kpi", "consultation_response_rate"}, {"scope", scope}}, n.second == 0 ? 1.0 : n.first / n.second});
    }
    common::ScrapeGauges::Family overdue{"gongkai_disclosures_overdue",
                                         "Records past their deadline and still not published or answered.", {}};
    for (const auto& [city, n] : overdue_requests) overdue.samples.push_back({{{"kind", "request"}, {"city", city}}, n});
    for (const auto& [city, n] : overdue_consultations) {
      overdue.samples.push_back({{{"kind", "consultation"}, {"city", city}}, n});
    }
    return std::vector<common::ScrapeGauges::Family>{kpi, overdue};
  });
}

}  // namespace gongkai::requests
