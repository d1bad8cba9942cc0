#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/violations.h"
#include "gongkai/common/v1/kpi.pb.h"
#include "services/requests/request.h"

namespace gongkai::requests {

// What the yearly statistics and the KPIs count of a request; no personal data.
struct RequestFacts {
  std::string id;  // the request's id, as the desk's API names it
  std::string agency_credit_code;
  std::string city_code;
  common::Date received_on;
  std::string state;  // a common::RequestStateName
  bool open = true;
  std::optional<common::Date> due_on;  // none while the reply clock is not running
  std::optional<common::Date> replied_on;
  ReplyOutcome outcome = ReplyOutcome::kUnset;
  bool standardised = false;  // replied on time with every element its outcome needs
  int reviews = 0;
  int lawsuits = 0;
  // The annual report's column and row (表三). A request stored before the
  // category existed has none: it counts in 其他 if its applicant is not a
  // natural person.
  Applicant::Kind applicant_kind = Applicant::Kind::kUnset;
  ApplicantCategory applicant_category = ApplicantCategory::kUnset;
  ReportReason report_reason = ReportReason::kUnset;
  // The date of the withdrawal or of the desk's abandonment, when recorded.
  std::optional<common::Date> closing_step_on;
  // The correction notice's due date, when there is one: the day the
  // platform abandons a request not corrected by then.
  std::optional<common::Date> correction_due;
  // Of a reply not standardised though dated by its due date (judged late
  // against a due date recomputed since, or lacking an element): the first
  // element it lacks ("reply.legal_basis"); empty otherwise.
  std::string reply_lacks;
};

// The day the request was finished: replied, withdrawn, or abandoned (the
// correction due date, or the desk's step if earlier);
// nullopt while open.
std::optional<common::Date> FinishedOn(const RequestFacts& facts);

// The reviews and lawsuits of one request (表四); no personal data.
struct LegalFacts {
  std::string agency_credit_code;
  std::string city_code;
  std::vector<LegalCase> cases;
};

// What the yearly statistics and the KPIs count of a consultation.
struct ConsultationFacts {
  std::string agency_credit_code;
  std::string city_code;
  common::Date asked_on;
  common::Date due_on;
  std::optional<common::Date> answered_on;
  std::string id;  // the consultation's id, as the desk's API names it
};

// One agency's figures of a year (the requests table of the annual report).
struct AgencyYear {
  std::string agency_credit_code;
  std::string city_code;
  int received = 0;                                // received in the year
  int carried_over_from_last_year = 0;             // received before the year
  std::map<ReplyOutcome, int> replied_by_outcome;  // replied in the year
  int withdrawn = 0;                               // received in the year and withdrawn
  int abandoned = 0;                               // received in the year and abandoned
  int carried_over_to_next_year = 0;               // open after the year ended, or replied after it
  int reviews = 0;
  int lawsuits = 0;
  // Replied by the year's end, or past its due date (before today and by the
  // year's end), and neither withdrawn nor abandoned.
  int due = 0;
  int standardised_replies = 0;  // of those due, replied within the year as a standardised reply
  // Answered, or past its due date (before today and by the year's end).
  int consultations_due = 0;
  int consultations_answered_on_time = 0;  // of those, answered by their due date
};

// A year's statistics with the plan's two KPIs over all the agencies counted.
struct YearStatistics {
  std::vector<AgencyYear> agencies;         // by credit code
  double standardised_reply_rate = 1.0;     // standardised replies / due; 1 when none was due
  double consultation_response_rate = 1.0;  // consultations answered on time / due; 1 when none was due
};

// The year whose statistics are asked for: `requested`, or the year of
// `today` when 0. A year outside 2019..2100 is a violation of "year".
int StatisticsYear(common::Violations& out, int requested, common::Date today);

// The statistics of `year` as of `today`, over the facts of the requests
// received in the year or carried into it, and of the consultations asked in
// it (RequestStore::RequestFactsOf, ConsultationFactsOf).
YearStatistics StatisticsOf(int year, common::Date today, const std::vector<RequestFacts>& requests,
                            const std::vector<ConsultationFacts>& consultations);

// The KPI and deadline-rule tallies (docs/DOMAIN.md, "The plan's KPIs") of
// `year` as of `today`, over the facts StatisticsOf counts for the year: per
// agency the facts name, by credit code, four tallies, in this order:
//   rule "consultation" (kpi empty): the consultations answered, or past
//     their due date (before today and by the year's end); met when answered
//     by the due date;
//   rule "request_reply" (kpi empty): the requests replied by the year's
//     end, or past their due date (before today and by the year's end),
//     withdrawn and abandoned ones aside; met when replied by the due date,
//     standardised or not;
//   kpi "consultation_response_rate", rule "consultation": StatisticsOf's
//     consultations_due and consultations_answered_on_time;
//   kpi "standardised_reply_rate", rule "request_reply": StatisticsOf's due
//     and standardised_replies.
// The misses of each (at most `max_misses`, as common::CountRecord lists
// them) name the request or consultation by its id, in the order of the ids,
// with why in one line ("not replied, due 2026-03-10").
std::vector<common::v1::KpiTally> KpiTalliesOf(int year, common::Date today, const std::vector<RequestFacts>& requests,
                                               const std::vector<ConsultationFacts>& consultations, int max_misses);

// The lead rules (docs/DOMAIN.md, "Supervision leads") whose records the
// requests service holds.
inline constexpr char kRequestOverdueRule[] = "request_overdue";
inline constexpr char kRequestVeryOverdueRule[] = "request_very_overdue";
inline constexpr char kConsultationOverdueRule[] = "consultation_overdue";
// The findings one answer holds at most.
inline constexpr int kMaxFindings = 10000;

// An open request as the lead rules read it on a day: its desk state and the
// clock's figures behind it (request_desk.h); no personal data.
struct OpenRequestState {
  std::string id;
  std::string agency_credit_code;
  std::string city_code;
  std::optional<common::Date> due_on;
  DeskState desk_state = DeskState::kOnTrack;
  int working_days_used = 0;
  int limit_working_days = 0;
};

// The findings of the rules named in `rules` that are the requests' (others
// ignored), observed on `today`: request_overdue, an open request whose desk
// state is OVERDUE; request_very_overdue, one VERY_OVERDUE; and
// consultation_overdue, a consultation unanswered past its due date. Rule by
// rule in that order, each by id; at most `max_findings`, the rest dropped
// and `truncated` set.
common::v1::ListFindingsResponse FindingsOf(const std::vector<std::string>& rules, common::Date today,
                                            const std::vector<OpenRequestState>& requests,
                                            const std::vector<ConsultationFacts>& consultations,
                                            int max_findings = kMaxFindings);

// The overdue counts read at each scrape, over every request and consultation
// as of `today`, by city.
struct RequestGaugeValues {
  std::map<std::string, int> overdue_requests;       // open past their due date
  std::map<std::string, int> overdue_consultations;  // unanswered past their due date
};

// One row of an annual report table: its label as the template prints it and
// its cells in the template's column order (none for a heading such as
// 三、本年度办理结果).
struct ReportRow {
  std::string label;
  std::vector<int> cells;
};

struct ReportTable {
  std::string title;
  std::vector<std::string> columns;
  std::vector<ReportRow> rows;
};

// The annual report's tables 表三 and 表四 (政府信息公开工作年度报告格式,
// 国办公开办函〔2021〕30号) of one year.
struct AnnualReport {
  int year = 0;
  std::vector<std::string> agency_credit_codes;  // every agency the facts name, in order
  std::vector<ReportTable> tables;               // 表三, then 表四
  // 表三's columns where 新收 + 上年结转 = 办理结果总计 + 结转下年 does not hold.
  std::vector<std::string> unbalanced_columns;
};

// 表三 over the facts of the requests received in `year` or carried into it
// (RequestFacts), and 表四 over the reviews and lawsuits of the scope.
//
// 表三: a request's column is its applicant's (a natural person, or a legal
// person's category; 其他 without one). Received in the year: 新收; received
// before and not finished before it: 上年结转; finished in the year (FinishedOn):
// once in 办理结果, by its reply's outcome and report reason, and in 总计; not
// finished by the year's end (or finished after it): 结转下年. A request
// abandoned for want of correction counts in 其他处理 1; a withdrawn one in
// 其他处理 3 (其他), the template having no row for a withdrawal. A reply
// stored without a report reason (before reasons existed) counts by its
// outcome: REPEAT_REQUEST in 不予处理 2, DOES_NOT_EXIST and NOT_HELD in 无法提供
// 1, any other in 其他处理 3. 其他处理 2 (fees not paid) stays 0: no outcome
// gives it.
//
// 表四: each review and lawsuit filed in the year, in its group (行政复议;
// 行政诉讼 未经复议直接起诉; 复议后起诉) by the result of its decision, or 尚未审结
// when not decided by the year's end.
AnnualReport AnnualReportOf(int year, const std::vector<RequestFacts>& requests, const std::vector<LegalFacts>& legal);

// The report's tables as CSV (RFC 4180: CRLF line ends, a field with a comma,
// quote or line break quoted, quotes doubled): for each table its title line,
// a header row (an empty label, then the columns), then each row's label and
// cells; a blank line between tables.
std::string AnnualReportCsv(const AnnualReport& report);

RequestGaugeValues GaugeValuesOf(common::Date today, const std::vector<RequestFacts>& requests,
                                 const std::vector<ConsultationFacts>& consultations);

}  // namespace gongkai::requests
