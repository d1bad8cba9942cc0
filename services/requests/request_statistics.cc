#include "services/requests/request_statistics.h"

#include <algorithm>
#include <array>
#include <functional>
#include <set>
#include <tuple>
#include <utility>

#include "common/calendar/deadline_engine.h"
#include "common/calendar/iso_date.h"
#include "common/kpi.h"
#include "common/kpi_tallies.h"
#include "common/text.h"

namespace gongkai::requests {
namespace {

using common::Date;
using common::FormatIsoDate;
using common::Violations;

constexpr int kFirstStatisticsYear = 2019;
constexpr int kLastStatisticsYear = 2100;

constexpr char kService[] = "requests";

// A withdrawn or abandoned request is never due a reply: both counts leave it out.
bool NeverDue(const RequestFacts& f) {
  return f.state == common::RequestStateName(common::RequestState::kWithdrawn) ||
         f.state == common::RequestStateName(common::RequestState::kAbandoned);
}

bool AnsweredOnTime(const ConsultationFacts& c) { return c.answered_on && *c.answered_on <= c.due_on; }

// Replied by its due date (none running: nothing to be late against).
bool RepliedOnTime(const RequestFacts& f) { return f.replied_on && (!f.due_on || *f.replied_on <= *f.due_on); }

struct Tally {
  int64_t met = 0;
  int64_t due = 0;
};

// The days that bound what a year counts as of `today`. A record is due in
// the year when it was answered by the year's end, or when its due date is in
// the year and has passed: work done on the due date itself is on time, so a
// record due today is not yet counted. Both KPIs and both deadline rules
// count the same records; they differ in what meets them.
struct YearWindow {
  Date end;  // the year's last day
  Date today;

  YearWindow(int year, Date today_) : end(std::chrono::year(year) / std::chrono::December / 31), today(today_) {}

  bool Passed(const std::optional<Date>& due_on) const { return due_on && *due_on < today && *due_on <= end; }
  bool RepliedInYear(const RequestFacts& f) const { return f.replied_on && *f.replied_on <= end; }
  bool ReplyDue(const RequestFacts& f) const { return !NeverDue(f) && (RepliedInYear(f) || Passed(f.due_on)); }
  bool Standardised(const RequestFacts& f) const { return f.standardised && RepliedInYear(f); }
  bool ConsultationDue(const ConsultationFacts& c) const { return c.answered_on.has_value() || Passed(c.due_on); }
};

std::string Dated(const char* what, std::optional<Date> day, std::optional<Date> due) {
  return std::string(what) + " " + FormatIsoDate(day) + ", due " + FormatIsoDate(due);
}

// Why a request counted for the reply rule was not replied by its due date.
std::string ReplyMiss(const RequestFacts& f) {
  return f.replied_on ? Dated("replied", f.replied_on, f.due_on) : "not replied, due " + FormatIsoDate(f.due_on);
}

// Why a request counted for the standardised reply rate is not a standardised
// reply of the year.
std::string StandardisedMiss(const RequestFacts& f, const YearWindow& window) {
  if (!window.RepliedInYear(f) || !RepliedOnTime(f)) return ReplyMiss(f);
  return "reply not standardised: " +
         (f.reply_lacks.empty() ? std::string("late against the due date in force on its day") : f.reply_lacks);
}

std::string ConsultationMiss(const ConsultationFacts& c) {
  return c.answered_on ? Dated("answered", c.answered_on, c.due_on) : "not answered, due " + FormatIsoDate(c.due_on);
}

common::v1::RecordLink Link(std::string_view rule, const std::string& id, const std::string& agency,
                            const std::string& city, std::string detail) {
  return common::MakeRecordLink(kService, rule, id, agency, city, std::move(detail));
}

// The facts in the order their misses are listed: by agency, then id.
template <typename Facts>
std::vector<const Facts*> ByAgencyAndId(const std::vector<Facts>& facts) {
  std::vector<const Facts*> out;
  out.reserve(facts.size());
  for (const Facts& f : facts) out.push_back(&f);
  std::sort(out.begin(), out.end(), [](const Facts* a, const Facts* b) {
    return std::tie(a->agency_credit_code, a->id) < std::tie(b->agency_credit_code, b->id);
  });
  return out;
}

}  // namespace

int StatisticsYear(Violations& out, int requested, Date today) {
  const int year = requested == 0 ? static_cast<int>(std::chrono::year_month_day(today).year()) : requested;
  if (year < kFirstStatisticsYear || year > kLastStatisticsYear) out.push_back({"year", "must be 2019..2100"});
  return year;
}

YearStatistics StatisticsOf(int year, Date today, const std::vector<RequestFacts>& requests,
                            const std::vector<ConsultationFacts>& consultations) {
  const Date year_start = std::chrono::year(year) / std::chrono::January / 1;
  const YearWindow window(year, today);
  const Date year_end = window.end;
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
    if (window.ReplyDue(f)) {
      ++s.due;
      ++replies.due;
      if (window.Standardised(f)) {
        ++s.standardised_replies;
        ++replies.met;
      }
    }
  }
  for (const auto& c : consultations) {
    auto& s = agency(c.agency_credit_code, c.city_code);
    if (window.ConsultationDue(c)) {
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

std::vector<common::v1::KpiTally> KpiTalliesOf(int year, Date today, const std::vector<RequestFacts>& requests,
                                               const std::vector<ConsultationFacts>& consultations, int max_misses) {
  const YearWindow window(year, today);
  const std::string consultation_rule(common::RecordKindName(common::RecordKind::kConsultation));
  const std::string reply_rule(common::RecordKindName(common::RecordKind::kRequestReply));
  // Per agency, in the order documented: the two rules, then the two KPIs.
  enum { kConsultationRule, kReplyRule, kConsultationKpi, kReplyKpi, kTallies };
  std::map<std::string, std::array<common::v1::KpiTally, kTallies>> by_agency;
  auto tallies = [&](const std::string& agency, const std::string& city) -> auto& {
    auto [it, added] = by_agency.try_emplace(agency);
    if (added) {
      const std::pair<std::string_view, const std::string*> parts[kTallies] = {
          {"", &consultation_rule},
          {"", &reply_rule},
          {common::kKpiConsultationResponse, &consultation_rule},
          {common::kKpiStandardisedReply, &reply_rule}};
      for (int i = 0; i < kTallies; ++i) {
        it->second[i].set_agency_credit_code(agency);
        it->second[i].set_city_code(city);
        it->second[i].set_kpi(std::string(parts[i].first));
        it->second[i].set_rule(*parts[i].second);
      }
    }
    return it->second;
  };
  auto count = [&](common::v1::KpiTally& tally, bool met, const std::string& id, const std::string& agency,
                   const std::string& city, const std::function<std::string()>& why) {
    if (met || max_misses <= 0) {
      common::CountRecord(tally, met, nullptr, max_misses);
      return;
    }
    const common::v1::RecordLink link = Link(tally.rule(), id, agency, city, why());
    common::CountRecord(tally, met, &link, max_misses);
  };
  for (const RequestFacts* f : ByAgencyAndId(requests)) {
    auto& t = tallies(f->agency_credit_code, f->city_code);
    if (window.ReplyDue(*f)) {
      count(t[kReplyRule], window.RepliedInYear(*f) && RepliedOnTime(*f), f->id, f->agency_credit_code, f->city_code,
            [&] { return ReplyMiss(*f); });
      count(t[kReplyKpi], window.Standardised(*f), f->id, f->agency_credit_code, f->city_code,
            [&] { return StandardisedMiss(*f, window); });
    }
  }
  for (const ConsultationFacts* c : ByAgencyAndId(consultations)) {
    auto& t = tallies(c->agency_credit_code, c->city_code);
    auto why = [&] { return ConsultationMiss(*c); };
    if (window.ConsultationDue(*c)) {
      count(t[kConsultationRule], AnsweredOnTime(*c), c->id, c->agency_credit_code, c->city_code, why);
      count(t[kConsultationKpi], AnsweredOnTime(*c), c->id, c->agency_credit_code, c->city_code, why);
    }
  }
  std::vector<common::v1::KpiTally> out;
  out.reserve(by_agency.size() * kTallies);
  for (auto& [agency, four] : by_agency) {
    for (auto& tally : four) out.push_back(std::move(tally));
  }
  return out;
}

common::v1::ListFindingsResponse FindingsOf(const std::vector<std::string>& rules, Date today,
                                            const std::vector<OpenRequestState>& requests,
                                            const std::vector<ConsultationFacts>& consultations, int max_findings) {
  const std::string reply_rule(common::RecordKindName(common::RecordKind::kRequestReply));
  const std::string consultation_rule(common::RecordKindName(common::RecordKind::kConsultation));
  auto asked = [&](std::string_view rule) { return std::find(rules.begin(), rules.end(), rule) != rules.end(); };
  common::v1::ListFindingsResponse out;
  auto add = [&](std::string_view rule, common::v1::RecordLink link) {
    if (out.findings_size() >= max_findings) {
      out.set_truncated(true);
      return;
    }
    common::v1::Finding* finding = out.add_findings();
    finding->set_rule(std::string(rule));
    *finding->mutable_record() = std::move(link);
    finding->set_observed_on(FormatIsoDate(today));
  };
  std::vector<const OpenRequestState*> open;
  for (const OpenRequestState& r : requests) open.push_back(&r);
  std::sort(open.begin(), open.end(),
            [](const OpenRequestState* a, const OpenRequestState* b) { return a->id < b->id; });
  for (const auto& [rule, state] : {std::pair{kRequestOverdueRule, DeskState::kOverdue},
                                    std::pair{kRequestVeryOverdueRule, DeskState::kVeryOverdue}}) {
    if (!asked(rule)) continue;
    for (const OpenRequestState* r : open) {
      if (r->desk_state != state) continue;
      add(rule, Link(reply_rule, r->id, r->agency_credit_code, r->city_code,
                     "not replied, due " + FormatIsoDate(r->due_on) + "; " + std::to_string(r->working_days_used) +
                         " working days used of a limit of " + std::to_string(r->limit_working_days)));
    }
  }
  if (asked(kConsultationOverdueRule)) {
    std::vector<const ConsultationFacts*> unanswered;
    for (const ConsultationFacts& c : consultations) {
      if (!c.answered_on && c.due_on < today) unanswered.push_back(&c);
    }
    std::sort(unanswered.begin(), unanswered.end(),
              [](const ConsultationFacts* a, const ConsultationFacts* b) { return a->id < b->id; });
    for (const ConsultationFacts* c : unanswered) {
      add(kConsultationOverdueRule,
          Link(consultation_rule, c->id, c->agency_credit_code, c->city_code, ConsultationMiss(*c)));
    }
  }
  return out;
}

RequestGaugeValues GaugeValuesOf(Date today, const std::vector<RequestFacts>& requests,
                                 const std::vector<ConsultationFacts>& consultations) {
  RequestGaugeValues out;
  for (const auto& f : requests) {
    if (!NeverDue(f) && f.open && f.due_on && *f.due_on < today) ++out.overdue_requests[f.city_code];
  }
  for (const auto& c : consultations) {
    if (!c.answered_on && c.due_on < today) ++out.overdue_consultations[c.city_code];
  }
  return out;
}

namespace {

using R = ReportReason;

// 表三's rows in the template's order; a reason row names its reason. The
// rows of 办理结果 run from kFirstResult to kResultTotal.
struct Table3Row {
  const char* label;
  ReportReason reason = R::kUnset;
};

const Table3Row kTable3Rows[] = {
    {"一、本年新收政府信息公开申请数量"},
    {"二、上年结转政府信息公开申请数量"},
    {"三、本年度办理结果"},
    {"（一）予以公开"},
    {"（二）部分公开（区分处理的，只计这一情形，不计其他情形）"},
    {"（三）不予公开 1.属于国家秘密", R::kStateSecret},
    {"（三）不予公开 2.其他法律行政法规禁止公开", R::kProhibitedByLaw},
    {"（三）不予公开 3.危及\"三安全一稳定\"", R::kEndangersSafetyStability},
    {"（三）不予公开 4.保护第三方合法权益", R::kThirdPartyRights},
    {"（三）不予公开 5.属于三类内部事务信息", R::kInternalAffairs},
    {"（三）不予公开 6.属于四类过程性信息", R::kProcessInformation},
    {"（三）不予公开 7.属于行政执法案卷", R::kEnforcementCaseFile},
    {"（三）不予公开 8.属于行政查询事项", R::kAdministrativeQuery},
    {"（四）无法提供 1.本机关不掌握相关政府信息", R::kNotHeldByAgency},
    {"（四）无法提供 2.没有现成信息需要另行制作", R::kWouldNeedCreating},
    {"（四）无法提供 3.补正后申请内容仍不明确", R::kUnclearAfterCorrection},
    {"（五）不予处理 1.信访举报投诉类申请", R::kPetitionComplaintReport},
    {"（五）不予处理 2.重复申请", R::kRepeatApplication},
    {"（五）不予处理 3.要求提供公开出版物", R::kPublicationRequested},
    {"（五）不予处理 4.无正当理由大量反复申请", R::kExcessiveRepeated},
    {"（五）不予处理 5.要求行政机关确认或重新出具已获取信息", R::kConfirmOrReissue},
    {"（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", R::kNotCorrectedInTime},
    {"（六）其他处理 2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", R::kFeeNotPaid},
    {"（六）其他处理 3.其他", R::kOtherHandling},
    {"（七）总计"},
    {"四、结转下年度继续办理"},
};

constexpr int kReceivedRow = 0;
constexpr int kCarriedInRow = 1;
constexpr int kResultsHeading = 2;
constexpr int kDisclosedRow = 3;
constexpr int kPartlyDisclosedRow = 4;
constexpr int kResultTotalRow = 24;
constexpr int kCarriedOutRow = 25;

const char* const kTable3ColumnNames[] = {"自然人",
                                          "法人或其他组织 商业企业",
                                          "法人或其他组织 科研机构",
                                          "法人或其他组织 社会公益组织",
                                          "法人或其他组织 法律服务机构",
                                          "法人或其他组织 其他",
                                          "总计"};
constexpr int kTable3Columns = static_cast<int>(std::size(kTable3ColumnNames));
constexpr int kTotalColumn = 6;

const char* const kTable4Groups[] = {"行政复议", "行政诉讼 未经复议直接起诉", "行政诉讼 复议后起诉"};
const char* const kTable4Results[] = {"结果维持", "结果纠正", "其他结果", "尚未审结", "总计"};
constexpr int kPending = 3;  // 尚未审结
constexpr int kGroupTotal = 4;

bool InYear(std::optional<Date> day, Date start, Date end) { return day && *day >= start && *day <= end; }

int Table3RowOf(ReportReason reason) {
  for (int i = 0; i < static_cast<int>(std::size(kTable3Rows)); ++i) {
    if (kTable3Rows[i].reason == reason && reason != R::kUnset) return i;
  }
  return Table3RowOf(R::kOtherHandling);
}

// The row of 办理结果 a finished request counts in.
int ResultRow(const RequestFacts& f) {
  if (f.state == common::RequestStateName(common::RequestState::kWithdrawn)) return Table3RowOf(R::kOtherHandling);
  if (f.state == common::RequestStateName(common::RequestState::kAbandoned)) {
    return Table3RowOf(R::kNotCorrectedInTime);
  }
  switch (f.outcome) {
    case ReplyOutcome::kAlreadyPublic:
    case ReplyOutcome::kDisclosed: return kDisclosedRow;
    case ReplyOutcome::kPartlyDisclosed: return kPartlyDisclosedRow;
    default: break;
  }
  if (f.report_reason != R::kUnset) return Table3RowOf(f.report_reason);
  // Replies stored before report reasons existed.
  switch (f.outcome) {
    case ReplyOutcome::kRepeatRequest: return Table3RowOf(R::kRepeatApplication);
    case ReplyOutcome::kDoesNotExist:
    case ReplyOutcome::kNotHeld: return Table3RowOf(R::kNotHeldByAgency);
    default: return Table3RowOf(R::kOtherHandling);
  }
}

int Table3ColumnOf(const RequestFacts& f) {
  if (f.applicant_kind == Applicant::Kind::kNaturalPerson) return 0;
  const int category = static_cast<int>(f.applicant_category);
  return category >= 1 && category <= 5 ? category : 5;  // no category: 其他
}

ReportTable Table3(int year, const std::vector<RequestFacts>& requests, std::vector<std::string>& unbalanced) {
  const Date start = std::chrono::year(year) / std::chrono::January / 1;
  const Date end = std::chrono::year(year) / std::chrono::December / 31;
  ReportTable t;
  t.title = "表三 收到和处理政府信息公开申请情况";
  for (const char* c : kTable3ColumnNames) t.columns.push_back(c);
  for (int i = 0; i < static_cast<int>(std::size(kTable3Rows)); ++i) {
    t.rows.push_back(
        {kTable3Rows[i].label, i == kResultsHeading ? std::vector<int>{} : std::vector<int>(kTable3Columns)});
  }
  auto count = [&](int row, int column) {
    ++t.rows[row].cells[column];
    ++t.rows[row].cells[kTotalColumn];
  };
  for (const auto& f : requests) {
    const int column = Table3ColumnOf(f);
    const std::optional<Date> finished = FinishedOn(f);
    if (InYear(f.received_on, start, end)) count(kReceivedRow, column);
    if (f.received_on < start && !(finished && *finished < start)) count(kCarriedInRow, column);
    if (InYear(finished, start, end)) {
      count(ResultRow(f), column);
      count(kResultTotalRow, column);
    }
    if (f.received_on <= end && !(finished && *finished <= end)) count(kCarriedOutRow, column);
  }
  for (int c = 0; c < kTable3Columns; ++c) {
    auto cell = [&](int row) { return t.rows[row].cells[c]; };
    if (cell(kReceivedRow) + cell(kCarriedInRow) != cell(kResultTotalRow) + cell(kCarriedOutRow)) {
      unbalanced.push_back(kTable3ColumnNames[c]);
    }
  }
  return t;
}

ReportTable Table4(int year, const std::vector<LegalFacts>& legal) {
  const Date start = std::chrono::year(year) / std::chrono::January / 1;
  const Date end = std::chrono::year(year) / std::chrono::December / 31;
  ReportTable t;
  t.title = "表四 行政复议、行政诉讼情况";
  for (const char* group : kTable4Groups) {
    for (const char* result : kTable4Results) t.columns.push_back(std::string(group) + " " + result);
  }
  ReportRow row{"", std::vector<int>(t.columns.size())};
  for (const auto& request : legal) {
    for (const LegalCase& c : request.cases) {
      if (!InYear(c.filed_on, start, end)) continue;
      const int group = c.kind == StepType::kReviewFiled ? 0 : c.after_review ? 2 : 1;
      int result = kPending;
      if (c.decided_on && *c.decided_on <= end) {
        result = c.outcome == LegalOutcome::kUpheld ? 0 : c.outcome == LegalOutcome::kCorrected ? 1 : 2;
      }
      ++row.cells[group * 5 + result];
      ++row.cells[group * 5 + kGroupTotal];
    }
  }
  t.rows.push_back(std::move(row));
  return t;
}

}  // namespace

std::optional<Date> FinishedOn(const RequestFacts& f) {
  if (f.state == common::RequestStateName(common::RequestState::kReplied)) return f.replied_on;
  if (f.state == common::RequestStateName(common::RequestState::kWithdrawn)) return f.closing_step_on;
  if (f.state == common::RequestStateName(common::RequestState::kAbandoned)) {
    // Art. 30: abandoned on the correction due date; the desk's step, dated
    // later, only records it.
    if (f.closing_step_on && f.correction_due) return std::min(*f.closing_step_on, *f.correction_due);
    return f.closing_step_on ? f.closing_step_on : f.correction_due;
  }
  return std::nullopt;
}

AnnualReport AnnualReportOf(int year, const std::vector<RequestFacts>& requests, const std::vector<LegalFacts>& legal) {
  AnnualReport out;
  out.year = year;
  std::set<std::string> agencies;
  for (const auto& f : requests) agencies.insert(f.agency_credit_code);
  for (const auto& l : legal) agencies.insert(l.agency_credit_code);
  out.agency_credit_codes.assign(agencies.begin(), agencies.end());
  out.tables.push_back(Table3(year, requests, out.unbalanced_columns));
  out.tables.push_back(Table4(year, legal));
  return out;
}

std::string AnnualReportCsv(const AnnualReport& report) {
  std::string csv;
  for (const auto& table : report.tables) {
    if (!csv.empty()) csv += "\r\n";
    csv += common::CsvField(table.title) + "\r\n";
    for (const auto& column : table.columns) csv += "," + common::CsvField(column);
    csv += "\r\n";
    for (const auto& row : table.rows) {
      csv += common::CsvField(row.label);
      for (std::size_t i = 0; i < table.columns.size(); ++i) {
        csv += "," + (i < row.cells.size() ? std::to_string(row.cells[i]) : std::string());
      }
      csv += "\r\n";
    }
  }
  return csv;
}

}  // namespace gongkai::requests
