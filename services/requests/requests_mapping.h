#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/calendar/explain.h"
#include "common/calendar/request_clock.h"
#include "common/identity.h"
#include "common/paging.h"
#include "common/violations.h"
#include "gongkai/common/v1/timeliness.pb.h"
#include "gongkai/requests/v1/requests.pb.h"
#include "services/requests/consultation.h"
#include "services/requests/request.h"
#include "services/requests/request_desk.h"
#include "services/requests/request_statistics.h"
#include "services/requests/request_store.h"

namespace gongkai::requests {

// Proto <-> domain, field by field; no rules here. A date field that does not
// read as a date (YYYY-MM-DD) comes in as nullopt, which validation names.
DisclosureRequest RequestFromProto(const v1::RegisterRequestRequest& proto);
Step StepFromProto(const v1::Step& proto);
Reply ReplyFromProto(const v1::ReplyContent& proto);
Consultation ConsultationFromProto(const v1::RegisterConsultationRequest& proto);
ConsultationAnswer AnswerFromProto(const v1::AnswerConsultationRequest& proto);

// The clock event of a step; nullopt for steps the clock does not count
// (review and lawsuit records). Dates must already be valid.
std::optional<common::RequestEvent> EventOf(const v1::Step& step, common::ReceiptChannel channel);

common::ReceiptChannel ChannelFromProto(v1::Channel channel);

// The clock events of a stored request's steps, in the order recorded; throws
// when a stored step does not parse.
std::vector<common::RequestEvent> EventsOf(const StoredRequest& request);

// A stored request's steps, in the order recorded; throws when a stored step
// does not parse.
std::vector<Step> StepsOf(const StoredRequest& request);

// A stored request with its clock's report.
void ToView(const StoredRequest& request, const common::RequestClockReport& report, v1::RequestView* out);
void ToOpenRequest(const StoredRequest& request, const common::RequestClockReport& report, v1::OpenRequest* out);

// A stored consultation with its deadline.
void ToView(const StoredConsultation& consultation, const ConsultationClock& clock, v1::ConsultationView* out);

void ToProto(const YearStatistics& statistics, v1::GetStatisticsResponse* out);

// The report with its CSV (AnnualReportCsv).
void ToProto(const AnnualReport& report, v1::AnnualReport* out);

// What a caller's statistics and annual report cover (empty: all).
struct StatisticsScope {
  std::string city;
  std::string agency;
};

// A desk sees its own agency; a city its own city (asking for another's is
// PERMISSION_DENIED), narrowed to the agency it asks for; the province the
// city and agency it asks for.
StatisticsScope ScopeOf(const common::CallerIdentity& caller, const std::string& city_code,
                        const std::string& agency_credit_code);

// A deadline day by day. The message has no field for a list cut at
// common::kMaxExplainedDays: its last day's note says so.
void ToProto(const common::DeadlineExplanation& explanation, common::v1::DeadlineExplanation* out);

// Where a page of the desk's lists (soonest due first) resumes: after this
// due date and id; from the first when `due` is nullopt.
struct DuePosition {
  std::optional<common::Date> due;
  std::string id;
};

// The position of a page token's fields (due date, id), as the desk's lists
// write them; a due field that is not a date is a violation of "page_token".
DuePosition DuePositionOf(common::Violations& out, const common::PagePosition& after);

}  // namespace gongkai::requests
