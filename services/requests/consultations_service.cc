// RequestsService's consultation methods (咨询).
#include "common/calendar/iso_date.h"
#include "common/call.h"
#include "common/errors.h"
#include "common/paging.h"
#include "services/requests/consultation.h"
#include "services/requests/request_desk.h"
#include "services/requests/requests_mapping.h"
#include "services/requests/requests_service.h"

namespace gongkai::requests {

using common::ServiceError;
using common::v1::ROLE_DESK;

void RequestsService::ToView(const StoredConsultation& c, v1::ConsultationView* out) const {
  requests::ToView(c, ConsultationClockOf(c, context_.deadlines, context_.clock.Today()), out);
}

grpc::ServerUnaryReactor* RequestsService::RegisterConsultation(grpc::CallbackServerContext* context,
                                                                const v1::RegisterConsultationRequest* request,
                                                                v1::ConsultationView* response) {
  return common::Serve(context, context_, {ROLE_DESK}, [=, this](const common::CallerIdentity& caller) {
    const Consultation consultation = ConsultationFromProto(*request);
    common::Violations violations = ValidateConsultation(consultation, context_.clock.Today());
    CheckRequestKey(violations, request->request_key());
    common::ThrowIfAny(violations, "bad consultation");
    StoredConsultation c;
    c.agency_credit_code = caller.agency;
    c.city_code = CityOfDesk(caller.agency);
    c.channel = request->channel();
    c.asked_on = *consultation.asked_on;  // validated above
    c.question = request->question();
    c.contact = request->contact();
    c.request_key = request->request_key();
    auto due = ConsultationDue(context_.deadlines, c.asked_on);
    c.due_on = due.value;
    c.due_provisional = due.provisional;
    // A resend under a key the agency has used gets the consultation
    // registered first, even when its content differs: the key identifies
    // the sender's attempt, not the content.
    ToView(store_.GetConsultation(store_.InsertConsultation(c)).value(), response);
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* RequestsService::AnswerConsultation(grpc::CallbackServerContext* context,
                                                              const v1::AnswerConsultationRequest* request,
                                                              v1::ConsultationView* response) {
  return common::Serve(context, context_, {ROLE_DESK}, [=, this](const common::CallerIdentity& caller) {
    const ConsultationAnswer answer = AnswerFromProto(*request);
    common::ThrowIfAny(ValidateAnswer(answer, context_.clock.Today()), "bad answer");
    auto c = store_.GetConsultation(request->consultation_id());
    if (!c || c->agency_credit_code != caller.agency) {
      throw ServiceError::NotFound("no consultation " + request->consultation_id() + " at this desk");
    }
    if (c->answered_on) throw ServiceError::FailedPrecondition("the consultation was answered already");
    const common::Date answered_on = *answer.answered_on;  // validated above
    common::ThrowIfAny(CheckAnswerDate(answered_on, c->asked_on), "bad answer");
    auto answered = store_.AnswerConsultation(c->id, caller.agency, answered_on, answer.answer);
    if (!answered) throw ServiceError::FailedPrecondition("the consultation was answered already");
    ToView(*answered, response);
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* RequestsService::ListOpenConsultations(grpc::CallbackServerContext* context,
                                                                 const v1::ListOpenConsultationsRequest* request,
                                                                 v1::ListOpenConsultationsResponse* response) {
  return common::Serve(context, context_, {ROLE_DESK}, [=, this](const common::CallerIdentity& caller) {
    common::Violations v;
    auto page = common::ReadPage(v, request->page_size(), request->page_token(), 2, kOpenConsultationsPage);
    auto after = DuePositionOf(v, page.after);
    common::ThrowIfAny(v, "bad list request");
    auto rows = store_.ListOpenConsultations(caller.agency, after.due, after.id, page.size + 1);
    response->set_next_page_token(common::TakePage(rows, page.size, [](const StoredConsultation& c) {
      return common::PagePosition{common::FormatIsoDate(c.due_on), c.id};
    }));
    for (const auto& c : rows) ToView(c, response->add_consultations());
    return grpc::Status::OK;
  });
}

}  // namespace gongkai::requests
