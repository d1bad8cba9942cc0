// RequestsService's explained deadlines: a request's reply clock, or any
// deadline rule from a clock start, day by day.
#include <string>
#include <vector>

#include "common/calendar/explain.h"
#include "common/calendar/iso_date.h"
#include "common/calendar/request_clock.h"
#include "common/call.h"
#include "common/errors.h"
#include "services/requests/requests_mapping.h"
#include "services/requests/requests_service.h"

namespace gongkai::requests {
namespace {

using common::ServiceError;
using common::v1::ROLE_CITY;
using common::v1::ROLE_DESK;
using common::v1::ROLE_PROVINCE;
using common::v1::ROLE_PUBLIC;

// The rule form of the request, checked: a record kind and a date.
struct RuleQuery {
  common::RecordKind kind;
  common::Date clock_start;
};

RuleQuery RuleQueryOf(const v1::ExplainDeadlineRequest& request) {
  common::Violations v;
  const auto kind = common::RecordKindFromName(request.rule());
  if (request.rule().empty()) {
    v.push_back({"rule", "required without request_id: a record kind such as \"penalty_decision\""});
  } else if (!kind) {
    v.push_back({"rule", "must be a record kind such as \"penalty_decision\" or \"request_reply\""});
  }
  const auto clock_start = common::ParseIsoDate(request.clock_start());
  if (request.clock_start().empty()) {
    v.push_back({"clock_start", "required without request_id: a date YYYY-MM-DD"});
  } else if (!clock_start) {
    v.push_back({"clock_start", "must be a date YYYY-MM-DD"});
  }
  common::ThrowIfAny(v, "bad deadline to explain");
  return {*kind, *clock_start};
}

}  // namespace

grpc::ServerUnaryReactor* RequestsService::ExplainDeadline(grpc::CallbackServerContext* context,
                                                           const v1::ExplainDeadlineRequest* request,
                                                           common::v1::DeadlineExplanation* response) {
  const auto body = [=, this](const common::CallerIdentity& caller) {
    // One calendar for the whole answer, even across a reload.
    const auto calendar = context_.deadlines.calendar();
    const common::Date today = context_.clock.Today();
    if (request->request_id().empty()) {
      const RuleQuery query = RuleQueryOf(*request);
      ToProto(common::ExplainRule(context_.deadlines.engine().Rule(query.kind), *calendar, query.clock_start),
              response);
      return grpc::Status::OK;
    }
    if (!request->rule().empty() || !request->clock_start().empty()) {
      common::ThrowIfAny({{"request_id", "give either request_id, or rule and clock_start, not both"}},
                         "bad deadline to explain");
    }
    // The request's reply clock, for the desk of its agency only: to anyone
    // else it does not exist (as GetRequest).
    const std::string& id = request->request_id();
    auto r = caller.role == ROLE_DESK ? store_.Get(id) : std::nullopt;
    if (!r) throw ServiceError::NotFound("no request " + id + " at this desk");
    CheckOwn(*r, caller, id);
    // The clock on the same calendar as the explanation, even across a reload.
    const std::vector<common::RequestEvent> events = EventsOf(*r);
    auto report = common::RequestClock(clock_rules_).Evaluate(*calendar, events, today);
    if (!report.ok()) throw ServiceError::FailedPrecondition(report.error);
    ToProto(common::ExplainRequestClock(*calendar, *report.value, events, today), response);
    return grpc::Status::OK;
  };
  return common::Serve(context, context_, {ROLE_DESK, ROLE_CITY, ROLE_PROVINCE, ROLE_PUBLIC}, body);
}

}  // namespace gongkai::requests
