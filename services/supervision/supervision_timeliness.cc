#include "services/supervision/supervision_timeliness.h"

#include <algorithm>

namespace gongkai::supervision {
namespace {

constexpr char kProvince[] = "province";

}  // namespace

std::optional<common::RecordKind> RuleOf(RecordKind kind) {
  switch (kind) {
    case RecordKind::kReview: return common::RecordKind::kCaseReview;
    case RecordKind::kSupervision: return common::RecordKind::kSpecialSupervision;
    case RecordKind::kAssessmentPlan:
    case RecordKind::kAssessmentResult: return common::RecordKind::kAssessment;
    case RecordKind::kRound: return std::nullopt;
  }
  return std::nullopt;
}

SupervisionTimeliness TallyTimeliness(const std::vector<PublishedCount>& published,
                                      const std::vector<RoundSummary>& rounds, const DueDate& due, common::Date today) {
  // Many counts share a rule and a clock start: each deadline is asked once.
  std::map<std::pair<common::RecordKind, common::Date>, common::Date> dues;
  const auto due_of = [&](common::RecordKind rule, common::Date clock_start) {
    auto it = dues.find({rule, clock_start});
    if (it == dues.end()) it = dues.emplace(std::pair{rule, clock_start}, due(rule, clock_start)).first;
    return it->second;
  };

  SupervisionTimeliness out;
  for (const auto& count : published) {
    const auto rule = RuleOf(count.kind);
    if (!rule || count.count <= 0) continue;
    const common::Date deadline = due_of(*rule, count.clock_start);
    // A published record is done, hence due; one stored after today (a
    // clock moved back) only once its deadline passed.
    if (count.published_on > today && deadline >= today) continue;
    const bool met = count.published_on <= deadline;
    const std::string name(common::RecordKindName(*rule));
    for (const std::string& scope : {count.city_code, std::string(kProvince)}) {
      OnTimeShare& share = out.on_time[{name, scope}];
      share.due += static_cast<double>(count.count);
      if (met) share.met += static_cast<double>(count.count);
    }
  }

  const std::string case_review(common::RecordKindName(common::RecordKind::kCaseReview));
  for (const auto& round : rounds) {
    const int missing = std::max(0, round.expected - round.reviews_stored);
    if (missing == 0 || !(due_of(common::RecordKind::kCaseReview, round.ended_on) < today)) continue;
    out.reviews_overdue[round.city_code] += missing;
    for (const std::string& scope : {round.city_code, std::string(kProvince)}) {
      out.on_time[{case_review, scope}].due += missing;
    }
  }
  return out;
}

}  // namespace gongkai::supervision
