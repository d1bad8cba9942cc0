#include "services/supervision/supervision_timeliness.h"

#include <algorithm>

namespace gongkai::supervision {

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

Standing PublishedStanding(common::Date deadline, common::Date published_on, common::Date today) {
  if (published_on > today && deadline >= today) return {};
  return {true, published_on <= deadline};
}

Standing MissingStanding(common::Date deadline, common::Date today) { return {deadline < today, false}; }

std::map<std::string, double> ReviewsOverdue(const std::vector<RoundSummary>& rounds, const DueDate& due,
                                             common::Date today) {
  std::map<std::string, double> out;
  for (const auto& round : rounds) {
    const int missing = std::max(0, round.expected - round.reviews_stored);
    if (missing == 0 || !MissingStanding(due(common::RecordKind::kCaseReview, round.ended_on), today).due) continue;
    out[round.city_code] += missing;
  }
  return out;
}

}  // namespace gongkai::supervision
