#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/personal_data.h"
#include "common/violations.h"
#include "gongkai/supervision/v1/supervision.pb.h"

namespace gongkai::supervision {

// The service's records are its proto messages: plain data, checked and
// published by the functions below (DOMAIN.md, kinds 10 to 12).
using v1::AssessmentPlan;
using v1::AssessmentResult;
using v1::ExcellentCase;
using v1::NamedCase;
using v1::Problem;
using v1::RectificationReport;
using v1::Review;
using v1::Round;
using v1::Supervision;

// The bounds of every field, each enforced as a violation of that field.
// Text is UTF-8 without control characters (line feeds and tabs only where
// paragraphs are allowed), counted in bytes.
//
//   field                                           bound
//   agency_credit_code and every unit               GB 32100 credit code
//   source_id, round/plan source ids, problem ids   1 to 64 bytes of printable ASCII (kMaxSourceIdBytes)
//   round.year, plan.year                           2000 to 2100
//   round.quarter                                   1 to 4
//   round.title, plan.title                         one line, 1 to 500 bytes
//   round.case_types                                1 to 5, no repeats, none UNSPECIFIED
//   round.reviewing_units / reviewed_units          1 to 500 / 1 to 5,000 (kMaxReviewingUnits, kMaxUnits), no repeats
//   review.files_reviewed                           1 to 10,000
//   review.excellent_cases                          at most 20; case_number one line 1 to 100, title one line
//                                                   1 to 200, summary paragraphs 1 to 5,000, party as below
//   case party                                      name one line 1 to 200; organisation: credit code required;
//                                                   natural person: id_number GB 11643 optional
//   review.problems                                 at most 50, one per type; description paragraphs 1 to 2,000;
//                                                   files 1 to files_reviewed
//   rectification requirement                       paragraphs, at most 5,000 (review), 1 to 2,000 (problem)
//   supervision.topic, deployed_by                  one line, 1 to 200 (deployed_by only and required for HIGHER_LEVEL)
//   supervision.scope                               paragraphs, 1 to 2,000
//   supervision.methods                             1 to 10 lines of 1 to 200
//   supervision.problems                            at most 1,000 (kMaxProblems); ids unique; domain a
//                                                   common/domains code; description paragraphs 1 to 2,000
//   supervision.named_cases                         at most 100; title one line 1 to 200; description
//                                                   paragraphs 1 to 5,000; handling 1 to 5, no repeats;
//                                                   handling_detail at most 2,000, required with OTHER_HANDLING;
//                                                   problem_id empty or one of the problems
//   plan.indicators                                 1 to 100; code 1 to 32 printable ASCII, unique; name one line
//                                                   1 to 200; max_score finite, > 0, <= 1,000
//   plan.units, result.units                        1 to 5,000, no repeats
//   unit result                                     score finite, the sum of indicator scores within 0.01;
//                                                   grade set; one score per indicator of the plan
//   report.description                              paragraphs, 1 to 5,000
inline constexpr std::size_t kMaxSourceIdBytes = 64;
inline constexpr std::size_t kMaxReviewingUnits = 500;
inline constexpr std::size_t kMaxUnits = 5'000;
inline constexpr std::size_t kMaxProblems = 1'000;
// Every record as sent is at most kMaxRecordBytes, and its public form at
// most kMaxPublicRecordBytes (a violation of the record's path), so that one
// record always fits an answer (kAnswerBytes, supervision_service.h) under a
// default client's 4 MiB: masking lengthens text (a digit becomes ＊, three
// bytes) and a supervision's public form adds the units' names (at most
// kUnitNameRoom bytes each, with their count) when it is stored.
inline constexpr std::size_t kMaxRecordBytes = 2'000'000;
inline constexpr std::size_t kMaxPublicRecordBytes = 3'000'000;
inline constexpr std::size_t kUnitNameRoom = 540;

// ---------------------------------------------------------------- reviews

// Every missing or malformed element of a round, each a violation of its
// field under `path` ("rounds[3]"): source id, year, quarter, title, case
// types, units, started_on within the year's quarter, ended_on not before it
// and within 366 days.
common::Violations ValidateRound(const Round& round, const std::string& path);

// A new version of a stored round with `reviews_stored` reviews: once it
// has reviews, its ended_on (their 15 WD count from it), year and quarter
// (theirs) may not change, and no reviewed unit may be taken out.
common::Violations CheckRoundChange(const Round& stored, int reviews_stored, const Round& next,
                                    const std::string& path);

// Every element of a review on its own: source id, round_source_id,
// reviewed_unit and reviewed_by (credit codes, not the same: cross review),
// files, excellent cases, problems, rectification requirement and deadline
// (both or neither: required when a problem was found, empty otherwise).
common::Violations ValidateReview(const Review& review, const std::string& path);

// A review against its stored round, on `today`: the round ended (ended_on
// not after today), the reviewed unit one of its reviewed units, reviewed_by
// one of its reviewing units, the rectification deadline not before its end.
common::Violations CheckReviewAgainstRound(const Review& review, const Round& round, const std::string& path,
                                           common::Date today);

// A review as published: each excellent case's party as penalties publish a
// party (a natural person's name MaskName'd, the ID number left out; an
// organisation in full); its case numbers, titles, summaries, problem
// descriptions and rectification requirement as common::MaskPersonalData
// with every party's name and ID number (PersonalDataOf).
Review PublicReview(const Review& review);

// The personal data of a review's excellent cases' parties (names, ID
// numbers, a natural person's credit code), with which its published texts
// are masked.
common::PersonalData PersonalDataOf(const Review& review);

// ---------------------------------------------------------------- special supervision

// Every missing or malformed element of a supervision, as the table above
// says; ended_on not after today, not before started_on.
common::Violations ValidateSupervision(const Supervision& supervision, const std::string& path, common::Date today);

// The units a supervision names (its problems' and named cases'), each once.
std::vector<std::string> UnitsOf(const Supervision& supervision);

// 分单位、分领域统计: the problems counted by unit and by domain, most first,
// ties by key; unit names are filled in by the caller.
struct ProblemTally {
  std::vector<v1::Count> by_unit;
  std::vector<v1::Count> by_domain;
};
ProblemTally TallyProblems(const Supervision& supervision);

// A supervision as published: problem descriptions, rectification
// requirements, named cases' descriptions and handling details by
// common::MaskPersonalData's rules alone; with problem_count and the tally
// (TallyProblems, unit names from `unit_names` where known).
Supervision PublicSupervision(const Supervision& supervision, const std::map<std::string, std::string>& unit_names);

// ---------------------------------------------------------------- assessments

common::Violations ValidateAssessmentPlan(const AssessmentPlan& plan, const std::string& path, common::Date today);
// On its own: plan_source_id, concluded_on (a date not after today), units
// (each a credit code, no repeats; score finite and the sum of its
// indicator scores within 0.01; grade set; indicator codes not repeated).
common::Violations ValidateAssessmentResult(const AssessmentResult& result, const std::string& path,
                                            common::Date today);
// Against its stored plan: concluded_on not before the plan's approved_on,
// every unit one of the plan's, one score per indicator of the plan and no
// other, each from 0 to the indicator's max_score.
common::Violations CheckResultAgainstPlan(const AssessmentResult& result, const AssessmentPlan& plan,
                                          const std::string& path);

// ---------------------------------------------------------------- rectification

// On its own: subject set; agency a credit code; source id; problem_id empty
// for REVIEW and a source-id-like key for SUPERVISION_PROBLEM; done_on a
// date not after today; description.
common::Violations ValidateReport(const RectificationReport& report, const std::string& path, common::Date today);

// Where a rectification stands on `today`: DONE / DONE_LATE by the day it
// was first reported against the deadline; unreported, OPEN up to and on the
// deadline and OVERDUE after it.
v1::Rectification::State RectificationState(common::Date deadline, std::optional<common::Date> reported_on,
                                            common::Date today);

// ---------------------------------------------------------------- list filters

// The year filter of a list of records judged by their year (leads,
// rectifications), as GetKpis takes a year: 0 for every year, else 2000 to
// the year after `today`'s; a violation of "year" otherwise.
void CheckJudgedYear(common::Violations& out, int year, common::Date today);

}  // namespace gongkai::supervision
