#include "services/requests/requests_service.h"

#include "common/calendar/explain.h"
#include "common/calendar/iso_date.h"
#include "common/call.h"
#include "common/errors.h"
#include "common/log.h"
#include "common/paging.h"
#include "services/requests/request.h"
#include "services/requests/request_desk.h"
#include "services/requests/requests_mapping.h"

namespace gongkai::requests {
namespace {

using common::ServiceError;
using common::v1::ROLE_DESK;
using common::v1::ROLE_PUBLIC;

// The desk's deadline on a view the mapping made: a request awaiting
// correction is open, due on its correction due date.
template <typename View>
void SetDeskDeadline(const common::RequestClockReport& report, const ClockAsOf& clock, View* out) {
  out->set_desk_state(static_cast<v1::DeskState>(RequestDeskState(report, clock)));
  if (auto due = DeskDue(report)) out->set_due(common::FormatIsoDate(*due));
}

}  // namespace

RequestsService::RequestsService(RequestStore& store, registry::RegistryClient& registry,
                                 common::ServiceContext context, std::string applicant_key_secret,
                                 int consultation_working_days)
    : store_(store),
      registry_(registry),
      context_(context),
      applicant_key_secret_(std::move(applicant_key_secret)),
      clock_rules_(RequestClockRulesOf(context.deadlines, consultation_working_days)) {}

ClockAsOf RequestsService::ClockToday() const { return {context_.deadlines, clock_rules_, context_.clock.Today()}; }

common::RequestClockReport RequestsService::Evaluate(const StoredRequest& r, const v1::Step* next) const {
  auto report = EvaluateRequestClock(r, next, ClockToday());
  if (!report.ok()) throw ServiceError::FailedPrecondition(report.error);
  return *report.value;
}

void RequestsService::ToView(const StoredRequest& r, v1::RequestView* out) const {
  const ClockAsOf clock = ClockToday();
  const common::RequestClockReport report = Evaluate(r, nullptr);
  requests::ToView(r, report, out);
  SetDeskDeadline(report, clock, out);
  ToProto(common::ExplainRequestClock(*context_.deadlines.calendar(), report, EventsOf(r), clock.today),
          out->mutable_explanation());
  const ExtensionStanding extension = ExtensionStandingOf(r, clock);
  out->set_extension_refusal(static_cast<v1::RequestView::ExtensionRefusal>(extension.refusal));
  out->set_extension_refusal_reason(extension.reason);
}

std::string RequestsService::CityOfDesk(const std::string& agency) {
  auto info = registry_.Agency(agency);
  if (!info) throw ServiceError::FailedPrecondition("the desk's agency " + agency + " is not registered");
  return info->city_code;
}

grpc::ServerUnaryReactor* RequestsService::RegisterRequest(grpc::CallbackServerContext* context,
                                                           const v1::RegisterRequestRequest* request,
                                                           v1::RequestView* response) {
  return common::Serve(context, context_, {ROLE_DESK}, [=, this](const common::CallerIdentity& caller) {
    const DisclosureRequest registration = RequestFromProto(*request);
    common::Violations violations = ValidateRequest(registration, context_.clock.Today());
    CheckRequestKey(violations, request->request_key());
    common::ThrowIfAny(violations, "bad request registration");
    StoredRequest r;
    r.agency_credit_code = caller.agency;
    r.city_code = CityOfDesk(caller.agency);
    r.channel = request->channel();
    r.received_on = *registration.received_on;  // validated above
    r.applicant = request->applicant().SerializeAsString();
    r.applicant_name = request->applicant().name();
    r.applicant_key = ApplicantKey(registration.applicant, applicant_key_secret_);
    r.information_requested = request->information_requested();
    r.delivery = request->delivery();
    r.request_key = request->request_key();

    v1::Step received;
    received.set_type(v1::Step::RECEIVED);
    received.set_date(request->received_on());
    received.set_recorded_by(caller.principal);
    received.set_recorded_at(Rfc3339(context_.clock.Now()));
    // A resend under a key the agency has used gets the request registered
    // first, even when its content differs: the key identifies the sender's
    // attempt, not the content.
    const std::string id = store_.Insert(r, UpdateOf(received, Evaluate(r, &received)));
    common::Log(common::LogLevel::kInfo, "request_registered", {{"request_id", id}, {"agency", caller.agency}});
    ToView(*store_.Get(id), response);
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* RequestsService::RecordStep(grpc::CallbackServerContext* context,
                                                      const v1::RecordStepRequest* request, v1::RequestView* response) {
  return common::Serve(context, context_, {ROLE_DESK}, [=, this](const common::CallerIdentity& caller) {
    common::ThrowIfAny(ValidateStep(StepFromProto(request->step()), context_.clock.Today()), "bad step");
    v1::Step step = request->step();
    step.set_recorded_by(caller.principal);
    step.set_recorded_at(Rfc3339(context_.clock.Now()));
    auto updated = store_.Update(request->request_id(), [&](const StoredRequest& r) {
      CheckOwn(r, caller, request->request_id());
      auto report = ClockWithStep(r, step, ClockToday());
      if (!report.ok()) throw ServiceError::FailedPrecondition(report.error);
      return UpdateOf(step, *report.value);
    });
    if (!updated) throw ServiceError::NotFound("no request " + request->request_id() + " at this desk");
    ToView(*updated, response);
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* RequestsService::Reply(grpc::CallbackServerContext* context, const v1::ReplyRequest* request,
                                                 v1::RequestView* response) {
  return common::Serve(context, context_, {ROLE_DESK}, [=, this](const common::CallerIdentity& caller) {
    v1::ReplyContent content = request->reply();
    const auto scheme = static_cast<FeeScheme>(content.fee_scheme());
    common::ThrowIfAny(ValidateReplyFee(scheme, content.fee_pages()), "bad reply");
    auto before = store_.Get(request->request_id());
    if (!before) throw ServiceError::NotFound("no request " + request->request_id() + " at this desk");
    CheckOwn(*before, caller, request->request_id());
    const int64_t fee = ReplyFee(scheme, content.fee_pages(), [&] {
      return store_.CountInMonth(before->agency_credit_code, before->applicant_key, before->received_on);
    });
    content.set_fee_fen(fee);
    const auto reply = ReplyFromProto(content);
    common::ThrowIfAny(ValidateReply(reply, context_.clock.Today()), "the reply lacks what its outcome needs");

    v1::Step replied;
    replied.set_type(v1::Step::REPLIED);
    replied.set_date(content.replied_on());
    replied.set_recorded_by(caller.principal);
    replied.set_recorded_at(Rfc3339(context_.clock.Now()));
    auto updated = store_.Update(request->request_id(), [&](const StoredRequest& r) {
      CheckOwn(r, caller, request->request_id());
      if (auto refusal = HistoryRefusal(r.steps.size())) throw ServiceError::FailedPrecondition(*refusal);
      auto report = Evaluate(r, &replied);
      RequestUpdate u = UpdateOf(replied, report);
      u.reply = content.SerializeAsString();
      u.replied_on = reply.replied_on;
      u.outcome = content.outcome();
      u.standardised = ReplyOnTime(report);  // complete and of a valid outcome: checked above
      u.fee_fen = fee;
      return u;
    });
    if (!updated) throw ServiceError::NotFound("no request " + request->request_id() + " at this desk");
    ToView(*updated, response);
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* RequestsService::GetRequest(grpc::CallbackServerContext* context,
                                                      const v1::GetRequestRequest* request, v1::RequestView* response) {
  return common::Serve(context, context_, {ROLE_DESK}, [=, this](const common::CallerIdentity& caller) {
    auto r = store_.Get(request->request_id());
    if (!r) throw ServiceError::NotFound("no request " + request->request_id() + " at this desk");
    CheckOwn(*r, caller, request->request_id());
    ToView(*r, response);
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* RequestsService::ListOpenRequests(grpc::CallbackServerContext* context,
                                                            const v1::ListOpenRequestsRequest* request,
                                                            v1::ListOpenRequestsResponse* response) {
  return common::Serve(context, context_, {ROLE_DESK}, [=, this](const common::CallerIdentity& caller) {
    common::Violations v;
    auto page = common::ReadPage(v, request->page_size(), request->page_token(), 2);
    auto after = DuePositionOf(v, page.after);
    common::ThrowIfAny(v, "bad list request");
    const ClockAsOf clock = ClockToday();
    response->set_as_of(common::FormatIsoDate(clock.today));
    auto rows = ListOpenAsOf(store_, caller.agency, after.due, after.id, page.size + 1, clock);
    response->set_next_page_token(common::TakePage(rows, page.size, [](const StoredRequest& r) {
      return common::PagePosition{common::FormatIsoDate(r.due_on.value_or(kNoDueDate)), r.id};
    }));
    for (const auto& r : rows) {
      const common::RequestClockReport report = Evaluate(r, nullptr);
      auto* out = response->add_requests();
      ToOpenRequest(r, report, out);
      SetDeskDeadline(report, clock, out);
    }
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* RequestsService::QuoteFee(grpc::CallbackServerContext* context,
                                                    const v1::QuoteFeeRequest* request,
                                                    v1::QuoteFeeResponse* response) {
  return common::Serve(context, context_, {ROLE_DESK, ROLE_PUBLIC}, [=, this](const common::CallerIdentity&) {
    const auto scheme = static_cast<FeeScheme>(request->scheme());
    common::ThrowIfAny(ValidateFeeQuote(scheme, request->count()), "bad fee quote");
    response->set_fee_fen(FeeFor(scheme, request->count()));
    return grpc::Status::OK;
  });
}

void RequestsService::RecomputeProvisional() {
  const int recomputed = RecomputeProvisionalDueDates(store_, ClockToday());
  common::Log(common::LogLevel::kInfo, "provisional_deadlines_recomputed", {{"records", recomputed}});
}

}  // namespace gongkai::requests
