#include "services/requests/request_statistics.h"

#include <algorithm>
#include <set>

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

std::string CsvField(const std::string& field) {
  if (field.find_first_of(",\"\r\n") == std::string::npos) return field;
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
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
    csv += CsvField(table.title) + "\r\n";
    for (const auto& column : table.columns) csv += "," + CsvField(column);
    csv += "\r\n";
    for (const auto& row : table.rows) {
      csv += CsvField(row.label);
      for (std::size_t i = 0; i < table.columns.size(); ++i) {
        csv += "," + (i < row.cells.size() ? std::to_string(row.cells[i]) : std::string());
      }
      csv += "\r\n";
    }
  }
  return csv;
}

}  // namespace gongkai::requests
