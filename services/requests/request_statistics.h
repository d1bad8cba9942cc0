#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/violations.h"
#include "services/requests/request.h"

namespace gongkai::requests {

// What the yearly statistics and the KPIs count of a request; no personal data.
struct RequestFacts {
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
};

// What the yearly statistics and the KPIs count of a consultation.
struct ConsultationFacts {
  std::string agency_credit_code;
  std::string city_code;
  common::Date asked_on;
  common::Date due_on;
  std::optional<common::Date> answered_on;
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
  // Replied by the year's end, or due by then (or by today, within the year),
  // and neither withdrawn nor abandoned.
  int due = 0;
  int standardised_replies = 0;  // of those due, replied within the year as a standardised reply
  // Answered, or due by the year's end (or by today, within the year).
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

// The figures read at each scrape, over every request and consultation as of
// `today`. A scope is a city code or "province".
struct RequestGaugeValues {
  // Of the requests replied or past their due date (withdrawn and abandoned
  // ones aside), the share of standardised replies; by scope.
  std::map<std::string, double> standardised_reply_rate;
  // Of the consultations answered or past their due date, the share answered
  // by it; by scope.
  std::map<std::string, double> consultation_response_rate;
  std::map<std::string, int> overdue_requests;       // open past their due date, by city
  std::map<std::string, int> overdue_consultations;  // unanswered past their due date, by city
};

RequestGaugeValues GaugeValuesOf(common::Date today, const std::vector<RequestFacts>& requests,
                                 const std::vector<ConsultationFacts>& consultations);

}  // namespace gongkai::requests
