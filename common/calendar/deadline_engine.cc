#include "common/calendar/deadline_engine.h"

#include <nlohmann/json.hpp>
#include <string>

namespace gongkai::common {
namespace {

using std::chrono::sys_days;

constexpr std::array<DeadlineRule, kRecordKindCount> kDefaultRules{{
    {RecordKind::kQualificationList, DayCount::kAnnualByJanuary31, 0, "1 January"},
    {RecordKind::kPowersItem, DayCount::kWorkingDays, 20, "item formed or changed"},
    {RecordKind::kDiscretionBenchmark, DayCount::kWorkingDays, 20, "benchmark formed or changed"},
    {RecordKind::kOfficer, DayCount::kWorkingDays, 20, "certificate issued, changed or revoked"},
    {RecordKind::kInspectionPlan, DayCount::kWorkingDays, 20, "plan approved"},
    {RecordKind::kSpotCheckResult, DayCount::kWorkingDays, 20, "check ended"},
    {RecordKind::kPenaltyDecision, DayCount::kWorkingDays, 7, "decision date"},
    {RecordKind::kPenaltyWithdrawal, DayCount::kWorkingDays, 3, "decision changed, revoked or found illegal"},
    {RecordKind::kCoerciveMeasure, DayCount::kWorkingDays, 7, "measure taken"},
    {RecordKind::kCaseReview, DayCount::kWorkingDays, 15, "review ended"},
    {RecordKind::kSpecialSupervision, DayCount::kWorkingDays, 30, "supervision ended"},
    {RecordKind::kAssessment, DayCount::kWorkingDays, 20, "plan approved or results concluded"},
    {RecordKind::kConsultation, DayCount::kWorkingDays, 5, "consultation received"},
    {RecordKind::kRequestReply, DayCount::kWorkingDays, 20, "request received (or corrected request received)"},
    {RecordKind::kFlowchart, DayCount::kWorkingDays, 20, "flowchart formed or changed"},
}};

constexpr std::array<std::string_view, kRecordKindCount> kNames{
    "qualification_list",  "powers_item",      "discretion_benchmark", "officer",          "inspection_plan",
    "spot_check_result",   "penalty_decision", "penalty_withdrawal",   "coercive_measure", "case_review",
    "special_supervision", "assessment",       "consultation",         "request_reply",    "flowchart",
};

// Rules are looked up by the enum's value.
constexpr bool RulesFollowTheEnumOrder() {
  for (size_t i = 0; i < kDefaultRules.size(); ++i) {
    if (static_cast<size_t>(kDefaultRules[i].kind) != i) return false;
  }
  return true;
}
static_assert(RulesFollowTheEnumOrder());

// Guards against a typo of a year or more, far from any legal limit.
constexpr int64_t kMaxCount = 365;

// The annual rule's limit, 1 to 31 January; very overdue after as long again.
constexpr std::chrono::days kAnnualRuleLimit{30};

// The first working day on or after `date`.
CalendarAnswer<sys_days> OnOrNextWorkingDay(const WorkingDayCalendar& calendar, sys_days date) {
  const CalendarAnswer<bool> working = calendar.IsWorkingDay(date);
  if (working.value) return {date, working.provisional};
  const CalendarAnswer<sys_days> next = calendar.AddWorkingDays(date, 1);
  return {next.value, next.provisional || working.provisional};
}

std::string CountError(std::string_view kind, const std::string& problem) {
  return "deadline override \"" + std::string(kind) + "\": " + problem;
}

}  // namespace

std::string_view RecordKindName(RecordKind kind) { return kNames[static_cast<size_t>(kind)]; }

std::optional<RecordKind> RecordKindFromName(std::string_view name) {
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<RecordKind>(i);
  }
  return std::nullopt;
}

DeadlineEngine::DeadlineEngine() : rules_(kDefaultRules) {}

Checked<DeadlineEngine> DeadlineEngine::WithOverrides(std::string_view json_object) {
  nlohmann::json overrides;
  try {
    overrides = nlohmann::json::parse(json_object);
  } catch (const nlohmann::json::parse_error& e) {
    return {.error = std::string("deadline overrides: malformed JSON: ") + e.what()};
  }
  if (!overrides.is_object()) {
    return {.error = R"(deadline overrides: expected an object such as {"penalty_decision": 5})"};
  }
  DeadlineEngine engine;
  for (const auto& [name, value] : overrides.items()) {
    const std::optional<RecordKind> kind = RecordKindFromName(name);
    if (!kind) return {.error = CountError(name, "unknown record kind")};
    DeadlineRule& rule = engine.rules_[static_cast<size_t>(*kind)];
    if (rule.day_count == DayCount::kAnnualByJanuary31) {
      return {.error = CountError(name, "follows the annual rule (by 31 January) and takes no count")};
    }
    const nlohmann::json& count = value.is_object() && value.contains("count") ? value["count"] : value;
    if (!count.is_number_integer() || count.get<int64_t>() <= 0 || count.get<int64_t>() > kMaxCount) {
      return {.error = CountError(name, "count must be a positive whole number of days up to " +
                                            std::to_string(kMaxCount) + ", got " + count.dump())};
    }
    rule.count = count.get<int>();
    if (value.is_object()) {
      if (value.contains("days") && !value["days"].is_string()) {
        return {.error = CountError(name, R"("days" must be "working" or "calendar")")};
      }
      const std::string days = value.value("days", std::string("working"));
      if (days != "working" && days != "calendar") {
        return {.error = CountError(name, "\"days\" must be \"working\" or \"calendar\", got \"" + days + "\"")};
      }
      rule.day_count = days == "calendar" ? DayCount::kCalendarDays : DayCount::kWorkingDays;
    }
  }
  return {.value = std::move(engine)};
}

const DeadlineRule& DeadlineEngine::Rule(RecordKind kind) const { return rules_[static_cast<size_t>(kind)]; }

Deadline DeadlineEngine::DeadlineOf(const WorkingDayCalendar& calendar, RecordKind kind, sys_days clock_start) const {
  const DeadlineRule& rule = Rule(kind);
  switch (rule.day_count) {
    case DayCount::kWorkingDays: {
      const CalendarAnswer<sys_days> due = calendar.AddWorkingDays(clock_start, rule.count);
      const CalendarAnswer<sys_days> twice = calendar.AddWorkingDays(due.value, rule.count);
      return {due, twice};
    }
    case DayCount::kCalendarDays: {
      const std::chrono::days limit{rule.count};
      const CalendarAnswer<sys_days> due = OnOrNextWorkingDay(calendar, clock_start + limit);
      const CalendarAnswer<sys_days> twice = OnOrNextWorkingDay(calendar, clock_start + 2 * limit);
      return {due, twice};
    }
    case DayCount::kAnnualByJanuary31: {
      const std::chrono::year year = std::chrono::year_month_day{clock_start}.year();
      const sys_days due{year / std::chrono::January / 31};
      return {{due, false}, {due + kAnnualRuleLimit, false}};
    }
  }
  return {{clock_start, true}, {clock_start, true}};
}

CalendarAnswer<sys_days> DeadlineEngine::Due(const WorkingDayCalendar& calendar, RecordKind kind,
                                             sys_days clock_start) const {
  return DeadlineOf(calendar, kind, clock_start).due;
}

Timeliness DeadlineEngine::Assess(const WorkingDayCalendar& calendar, RecordKind kind, sys_days clock_start,
                                  std::optional<sys_days> done, sys_days today) const {
  return AssessDeadline(calendar, clock_start, DeadlineOf(calendar, kind, clock_start), done, today);
}

}  // namespace gongkai::common
