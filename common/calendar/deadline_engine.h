#pragma once

#include <array>
#include <chrono>
#include <optional>
#include <string_view>

#include "common/calendar/checked.h"
#include "common/calendar/timeliness.h"
#include "common/calendar/working_day_calendar.h"

namespace gongkai::common {

// What must be published (DOMAIN.md, "Record kinds and their disclosure deadlines").
enum class RecordKind {
  kQualificationList,    // 执法主体资格清单
  kPowersItem,           // 权责清单事项
  kDiscretionBenchmark,  // 裁量基准
  kOfficer,              // 执法人员
  kInspectionPlan,       // 年度行政检查计划
  kSpotCheckResult,      // 双随机、一公开 抽查结果
  kPenaltyDecision,      // 行政处罚决定
  kPenaltyWithdrawal,    // 撤下已变更、撤销或确认违法的处罚决定
  kCoerciveMeasure,      // 行政强制
  kCaseReview,           // 案卷评查结果
  kSpecialSupervision,   // 专项监督结果
  kAssessment,           // 执法考核
  kConsultation,         // 公众咨询 answer
  kRequestReply,         // 依申请公开 reply (RequestClock applies the full Art. 30-33 rules)
  kFlowchart,            // 执法流程图
};
inline constexpr size_t kRecordKindCount = 15;

// snake_case names used in configuration, metrics and APIs: "penalty_decision".
std::string_view RecordKindName(RecordKind kind);
std::optional<RecordKind> RecordKindFromName(std::string_view name);

enum class DayCount {
  kWorkingDays,
  // Calendar days; a period ending on a rest day ends on the next working day
  // (民法典 Art. 203).
  kCalendarDays,
  // Due 31 January of the clock start's year, a calendar date that does not move.
  kAnnualByJanuary31,
};

struct DeadlineRule {
  RecordKind kind;
  DayCount day_count;
  int count;                     // Days allowed; 0 for the annual rule.
  std::string_view clock_start;  // The event that starts the clock, for people.
};

// The one deadline engine: record kind -> rule, with DOMAIN.md's defaults and
// per-province overrides. Due dates count from the day after the clock start.
// A record is VERY_OVERDUE once undone past twice its limit: after
// clock_start + 2N WD (2N CD for calendar days; for the annual rule, after the
// 30 days that follow 31 January).
class DeadlineEngine {
 public:
  DeadlineEngine();  // DOMAIN.md defaults.

  // Defaults overridden by a JSON object of kind -> count, e.g.
  // {"penalty_decision": 5}, or kind -> {"count": 10, "days": "calendar"}
  // ("days" is "working" or "calendar"). Unknown kinds, counts outside 1..365
  // and counts for the annual rule are errors that name the kind.
  static Checked<DeadlineEngine> WithOverrides(std::string_view json_object);

  const DeadlineRule& Rule(RecordKind kind) const;
  const std::array<DeadlineRule, kRecordKindCount>& rules() const { return rules_; }

  Deadline DeadlineOf(const WorkingDayCalendar& calendar, RecordKind kind, std::chrono::sys_days clock_start) const;

  CalendarAnswer<std::chrono::sys_days> Due(const WorkingDayCalendar& calendar, RecordKind kind,
                                            std::chrono::sys_days clock_start) const;

  Timeliness Assess(const WorkingDayCalendar& calendar, RecordKind kind, std::chrono::sys_days clock_start,
                    std::optional<std::chrono::sys_days> done, std::chrono::sys_days today) const;

 private:
  std::array<DeadlineRule, kRecordKindCount> rules_;
};

}  // namespace gongkai::common
