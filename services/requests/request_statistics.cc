#include "services/requests/request_statistics.h"

#include <algorithm>

#include "common/kpi.h"

namespace gongkai::requests {
namespace {

using common::Date;
using common::Violations;

constexpr char kProvince[] = "province";

constexpr int kFirstStatisticsYear = 2019;
constexpr int kLastStatisticsYear = 2100;

// A withdrawn or abandoned request is never due a reply: both counts leave it out.
bool NeverDue(const RequestFacts& f) {
  return f.state == common::RequestStateName(common::RequestState::kWithdrawn) ||
         f.state == common::RequestStateName(common::RequestState::kAbandoned);
}

bool AnsweredOnTime(const ConsultationFacts& c) { return c.answered_on && *c.answered_on <= c.due_on; }

struct Tally {
  int64_t met = 0;
  int64_t due = 0;
};

}  // namespace

int StatisticsYear(Violations& out, int requested, Date today) {
  const int year = requested == 0 ? static_cast<int>(std::chrono::year_month_day(today).year()) : requested;
  if (year < kFirstStatisticsYear || year > kLastStatisticsYear) out.push_back({"year", "must be 2019..2100"});
  return year;
}

YearStatistics StatisticsOf(int year, Date today, const std::vector<RequestFacts>& requests,
                            const std::vector<ConsultationFacts>& consultations) {
  const Date year_start = std::chrono::year(year) / std::chrono::January / 1;
  const Date year_end = std::chrono::year(year) / std::chrono::December / 31;
  const Date counted_until = std::min(today, year_end);
  std::map<std::string, AgencyYear> by_agency;
  auto agency = [&](const std::string& code, const std::string& city_code) -> AgencyYear& {
    auto& s = by_agency[code];
    s.agency_credit_code = code;
    s.city_code = city_code;
    return s;
  };
  Tally replies, answers;
  for (const auto& f : requests) {
    auto& s = agency(f.agency_credit_code, f.city_code);
    const bool received_this_year = f.received_on >= year_start && f.received_on <= year_end;
    if (received_this_year) ++s.received;
    if (f.received_on < year_start) ++s.carried_over_from_last_year;
    if (f.replied_on && *f.replied_on >= year_start && *f.replied_on <= year_end) ++s.replied_by_outcome[f.outcome];
    if (received_this_year && f.state == common::RequestStateName(common::RequestState::kWithdrawn)) ++s.withdrawn;
    if (received_this_year && f.state == common::RequestStateName(common::RequestState::kAbandoned)) ++s.abandoned;
    if ((f.open && year_end < today) || (f.replied_on && *f.replied_on > year_end)) ++s.carried_over_to_next_year;
    s.reviews += f.reviews;
    s.lawsuits += f.lawsuits;
    const bool replied_in_year = f.replied_on && *f.replied_on <= year_end;
    const bool fell_due = f.due_on && *f.due_on <= counted_until;
    if ((replied_in_year || fell_due) && !NeverDue(f)) {
      ++s.due;
      ++replies.due;
      if (f.standardised && replied_in_year) {
        ++s.standardised_replies;
        ++replies.met;
      }
    }
  }
  for (const auto& c : consultations) {
    auto& s = agency(c.agency_credit_code, c.city_code);
    if (c.answered_on || c.due_on <= counted_until) {
      ++s.consultations_due;
      ++answers.due;
      if (AnsweredOnTime(c)) {
        ++s.consultations_answered_on_time;
        ++answers.met;
      }
    }
  }
  YearStatistics out;
  for (auto& [code, s] : by_agency) out.agencies.push_back(std::move(s));
  out.standardised_reply_rate = common::Share(replies.met, replies.due);
  out.consultation_response_rate = common::Share(answers.met, answers.due);
  return out;
}

RequestGaugeValues GaugeValuesOf(Date today, const std::vector<RequestFacts>& requests,
                                 const std::vector<ConsultationFacts>& consultations) {
  RequestGaugeValues out;
  std::map<std::string, Tally> replies, answers;  // by scope
  for (const auto& f : requests) {
    if (NeverDue(f)) continue;
    const bool fell_due = f.due_on && *f.due_on < today;
    if (f.open && fell_due) ++out.overdue_requests[f.city_code];
    if (f.open && !fell_due) continue;
    for (const std::string& scope : {f.city_code, std::string(kProvince)}) {
      replies[scope].met += f.standardised ? 1 : 0;
      ++replies[scope].due;
    }
  }
  for (const auto& c : consultations) {
    const bool fell_due = c.due_on < today;
    if (!c.answered_on && fell_due) ++out.overdue_consultations[c.city_code];
    if (!c.answered_on && !fell_due) continue;
    for (const std::string& scope : {c.city_code, std::string(kProvince)}) {
      answers[scope].met += AnsweredOnTime(c) ? 1 : 0;
      ++answers[scope].due;
    }
  }
  for (const auto& [scope, n] : replies) out.standardised_reply_rate[scope] = common::Share(n.met, n.due);
  for (const auto& [scope, n] : answers) out.consultation_response_rate[scope] = common::Share(n.met, n.due);
  return out;
}

}  // namespace gongkai::requests
