#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gongkai/inspections/v1/inspections.pb.h"
#include "gongkai/penalties/v1/penalties.pb.h"
#include "gongkai/registry/v1/registry.pb.h"
#include "gongkai/supervision/v1/supervision.pb.h"

namespace gongkai::testing {

// Valid records that end-to-end tests send and then vary.

// An agency seated in `area` whose credit code was issued in `region`
// (characters 3-8 of the code, GB 32100), with serial number `serial`.
registry::v1::Agency MakeAgency(const std::string& region, const std::string& area, int serial, int64_t version = 1);

// A decision of `agency` on a company, decided on `date` (YYYY-MM-DD): a
// warning and a fine under the food-safety law, with its remedies.
penalties::v1::PenaltyDecision CompanyDecision(const std::string& agency, const std::string& source_id,
                                               const std::string& date);

// The same decision on natural person 张三丰, with ID number `id_number`, an
// address and a phone, which its facts repeat.
penalties::v1::PenaltyDecision PersonDecision(const std::string& agency, const std::string& source_id,
                                              const std::string& date, const std::string& id_number);

// A powers-list item of `agency` of category INSPECTION (行政检查), on the
// agency's random-check list (随机抽查事项清单) when `random_check`, changed
// on 2026-01-05.
registry::v1::PowersItem InspectionItem(const std::string& agency, const std::string& source_id, bool random_check);

// An active officer of `agency` whose certificate `number` is valid from
// `valid_from` to `valid_until` (YYYY-MM-DD).
registry::v1::Officer CertifiedOfficer(const std::string& number, const std::string& agency,
                                       const std::string& valid_from, const std::string& valid_until);

// An annual inspection plan of `agency` for `year`, approved on
// `approved_on`: two kinds of object and one item, random checks in March,
// June and September, carrying out powers item `powers_item` (none when
// empty).
inspections::v1::Plan InspectionPlan(const std::string& agency, const std::string& source_id, int year,
                                     const std::string& approved_on, const std::string& powers_item);

// An organisation to inspect, by name and credit code.
inspections::v1::CheckObject Organisation(const std::string& name, const std::string& credit_code);
// A natural person to inspect, by name and citizen ID number.
inspections::v1::CheckObject NaturalPerson(const std::string& name, const std::string& id_number);

// A spot-check task of `agency` in market regulation, checking `items` on
// `objects` by `officers` (certificate numbers) from `check_from` to
// `check_to`, drawn from a pool of 100.
inspections::v1::Task SpotCheckTask(const std::string& agency, const std::string& source_id,
                                    const std::vector<std::string>& items,
                                    const std::vector<inspections::v1::CheckObject>& objects,
                                    const std::vector<std::string>& officers, const std::string& check_from,
                                    const std::string& check_to);

// The result of checking `object` for task `task_source_id` of `agency` on
// `checked_on`: `items` checked, no problem found.
inspections::v1::Result SpotCheckResult(const std::string& agency, const std::string& source_id,
                                        const std::string& task_source_id, const inspections::v1::CheckObject& object,
                                        const std::vector<std::string>& items, const std::string& checked_on);

// A powers-list item of `agency` of category `category` (PENALTY or
// LICENSING makes the agency an enforcement unit, 执法单位, for the review
// coverage), changed on 2026-01-05.
registry::v1::PowersItem PowersItemOf(const std::string& agency, const std::string& source_id,
                                      registry::v1::PowerCategory category);

// A case-file review round (评查轮次) organised by `organiser` for `year` and
// `quarter`, reviewing penalty and licensing files, from `started_on` to
// `ended_on`: `reviewing` units review `reviewed` units.
supervision::v1::Round ReviewRound(const std::string& organiser, const std::string& source_id, int year, int quarter,
                                   const std::vector<std::string>& reviewing, const std::vector<std::string>& reviewed,
                                   const std::string& started_on, const std::string& ended_on);

// The review of `reviewed_unit` by `reviewed_by` in round `round_source_id`
// of `organiser`: 20 files reviewed, no excellent case, no problem found.
supervision::v1::Review UnitReview(const std::string& organiser, const std::string& source_id,
                                   const std::string& round_source_id, const std::string& reviewed_unit,
                                   const std::string& reviewed_by);

// An excellent penalty case file (优秀案卷) on natural person 张三丰 with ID
// number `id_number`, whose title and summary name the person and the number.
supervision::v1::ExcellentCase PersonExcellentCase(const std::string& case_number, const std::string& id_number);

// A problem a review found in `files` files, of `type`.
supervision::v1::ReviewProblem ReviewProblemOf(supervision::v1::ProblemType type, int files);

// A special supervision (专项监督) by `organiser`, deployed by the higher
// level, from `started_on` to `ended_on`, with no problem and no named case.
supervision::v1::Supervision SpecialSupervision(const std::string& organiser, const std::string& source_id,
                                                const std::string& started_on, const std::string& ended_on);

// A problem `id` a special supervision found at `unit` in `domain`, to be
// rectified by `deadline`.
supervision::v1::Problem FoundProblem(const std::string& id, const std::string& unit, const std::string& domain,
                                      const std::string& deadline);

// A typical case of `unit` named in public (点名道姓), circulated with
// criticism and with accountability, illustrating problem `problem_id`
// (none when empty).
supervision::v1::NamedCase NamedCaseOf(const std::string& unit, const std::string& problem_id);

// The enforcement assessment plan of `organiser` for `year`, approved on
// `approved_on`: indicators "SYSTEM" (30 points) and "QUALITY" (70 points),
// assessing `units`.
supervision::v1::AssessmentPlan AssessmentPlanOf(const std::string& organiser, const std::string& source_id, int year,
                                                 const std::string& approved_on, const std::vector<std::string>& units);

// The results of plan `plan_source_id` (as AssessmentPlanOf makes it),
// concluded on `concluded_on`: each of `units` scored 28 + 62 = 90, EXCELLENT.
supervision::v1::AssessmentResult AssessmentResultOf(const std::string& organiser, const std::string& source_id,
                                                     const std::string& plan_source_id, const std::string& concluded_on,
                                                     const std::vector<std::string>& units);

// A report that the rectification of `subject` (a review: `problem_id` empty;
// a supervision's problem: its id) of record (`agency`, `source_id`) was done
// on `done_on`.
supervision::v1::RectificationReport RectificationReportOf(supervision::v1::Subject subject, const std::string& agency,
                                                           const std::string& source_id, const std::string& problem_id,
                                                           const std::string& done_on);

}  // namespace gongkai::testing
