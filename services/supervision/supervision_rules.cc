#include "services/supervision/supervision_rules.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <set>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "common/calendar/iso_date.h"
#include "common/domains.h"
#include "common/identifiers.h"
#include "common/personal_data.h"
#include "common/text.h"

namespace gongkai::supervision {
namespace {

using common::CheckCount;
using common::CheckRepeats;

using common::At;
using common::Date;
using common::IsBlank;
using common::IsPrintableAscii;
using common::Presence;
using common::TextRule;
using common::Violations;

constexpr TextRule kTitleText{500, false};         // round.title, plan.title
constexpr TextRule kCaseNumberText{100, false};    // an excellent case's decision number
constexpr TextRule kLineText = common::kNameText;  // one line of 1 to 200 bytes
constexpr TextRule kCaseText{5'000, true};         // case summaries and descriptions, reports
constexpr TextRule kProblemText{2'000, true};      // problems, their requirements, scope, handling detail
constexpr TextRule kRequirementText{5'000, true};  // a review's rectification requirement

constexpr std::size_t kMaxCaseTypes = 5;
constexpr std::size_t kMaxExcellentCases = 20;
constexpr std::size_t kMaxReviewProblems = 50;
constexpr std::size_t kMaxMethods = 10;
constexpr std::size_t kMaxNamedCases = 100;
constexpr std::size_t kMaxHandling = 5;
constexpr std::size_t kMaxIndicators = 100;
constexpr std::size_t kMaxIndicatorCodeBytes = 32;
constexpr int kMinYear = 2000;
constexpr int kMaxYear = 2100;
constexpr int kMaxFilesReviewed = 10'000;
constexpr double kMaxIndicatorScore = 1'000;
constexpr double kScoreTolerance = 0.01;
constexpr std::chrono::days kMaxRoundDays{366};

void Add(Violations& out, std::string field, std::string description) {
  out.push_back({std::move(field), std::move(description)});
}

bool Named(const Violations& out, const std::string& field) {
  return std::any_of(out.begin(), out.end(), [&](const common::FieldViolation& v) { return v.field == field; });
}

std::string Iso(Date date) { return common::FormatIsoDate(date); }

// A number as a description quotes it: 85.5, 100, 0.25.
std::string Number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.10g", value);
  return buffer;
}

// ---------------------------------------------------------------- fields

void CheckCreditCodeField(Violations& out, const std::string& field, const std::string& code) {
  if (IsBlank(code)) {
    Add(out, field, "required");
    return;
  }
  // CheckCreditCode quotes the offending character; keep bytes that are not
  // printable out of the description, which travels as a proto string.
  if (!IsPrintableAscii(code)) {
    Add(out, field, "must be 18 characters from 0-9 and A-Y without I, O, Z, S, V (GB 32100)");
    return;
  }
  if (auto problem = common::CheckCreditCode(code)) Add(out, field, *problem);
}

void CheckIdNumberField(Violations& out, const std::string& field, const std::string& id) {
  if (!IsPrintableAscii(id)) {
    Add(out, field, "must be 18 characters: 17 digits and a check character 0-9 or X (GB 11643)");
    return;
  }
  if (auto problem = common::CheckCitizenId(id)) Add(out, field, *problem);
}

// A key of printable ASCII of 1 to `max` bytes (source ids, problem ids,
// indicator codes); an optional one may be empty.
void CheckKey(Violations& out, const std::string& field, const std::string& value, Presence presence,
              std::size_t max = kMaxSourceIdBytes) {
  if (value.empty() || (presence == Presence::kRequired && IsBlank(value))) {
    if (presence == Presence::kRequired) Add(out, field, "required");
    return;
  }
  if (value.size() > max) {
    Add(out, field,
        std::string("at most ") + std::to_string(max) + " bytes (got " + std::to_string(value.size()) + ")");
  }
  if (!IsPrintableAscii(value)) Add(out, field, "printable ASCII only (no spaces, control characters or non-ASCII)");
}

void CheckRecordKey(Violations& out, const std::string& path, const std::string& agency_credit_code,
                    const std::string& source_id, int64_t source_version) {
  CheckCreditCodeField(out, path + ".agency_credit_code", agency_credit_code);
  CheckKey(out, path + ".source_id", source_id, Presence::kRequired);
  if (source_version <= 0) Add(out, path + ".source_version", "must be a positive version number");
}

bool CheckYear(Violations& out, const std::string& field, int32_t year) {
  if (year >= kMinYear && year <= kMaxYear) return true;
  Add(out, field, std::string("must be ") + std::to_string(kMinYear) + " to " + std::to_string(kMaxYear));
  return false;
}

// The leaf of a path ("rounds[0].reviewed_units" -> "reviewed_units"), for descriptions.
std::string_view Leaf(std::string_view field) {
  const auto dot = field.rfind('.');
  return dot == std::string_view::npos ? field : field.substr(dot + 1);
}

// A list of credit codes: within its bounds, each a credit code, no repeats.
void CheckUnitList(Violations& out, const std::string& field,
                   const google::protobuf::RepeatedPtrField<std::string>& units, std::size_t min, std::size_t max) {
  if (!CheckCount(out, field, units.size(), min, max)) return;
  for (int i = 0; i < units.size(); ++i) CheckCreditCodeField(out, At(field, i), units[i]);
  CheckRepeats(out, field, Leaf(field), units, [](const std::string& unit) { return unit; });
}

std::optional<Date> CheckDate(Violations& out, const std::string& field, const std::string& value) {
  if (value.empty()) {
    Add(out, field, "required");
    return std::nullopt;
  }
  auto date = common::ParseIsoDate(value);
  if (!date) Add(out, field, "must be a date YYYY-MM-DD");
  return date;
}

// A date that has happened: a date, not after today.
std::optional<Date> CheckPastDate(Violations& out, const std::string& field, const std::string& value, Date today) {
  auto date = CheckDate(out, field, value);
  if (date && *date > today) {
    Add(out, field, std::string("must not be after today (") + Iso(today) + ")");
    return std::nullopt;
  }
  return date;
}

// The names of an enum's values other than the unspecified one: "A, B, C".
std::string NamesOf(const google::protobuf::EnumDescriptor* descriptor) {
  std::string names;
  for (int i = 0; i < descriptor->value_count(); ++i) {
    const auto* value = descriptor->value(i);
    if (value->number() == 0) continue;
    if (!names.empty()) names += ", ";
    names += value->name();
  }
  return names;
}

// Set to one of the enum's values (not the unspecified one).
bool CheckEnum(Violations& out, const std::string& field, const google::protobuf::EnumDescriptor* descriptor,
               int value) {
  if (value != 0 && descriptor->FindValueByNumber(value) != nullptr) return true;
  Add(out, field, std::string("must be one of ") + NamesOf(descriptor));
  return false;
}

// A repeated enum field: within its bounds, each set, no repeats.
void CheckEnumList(Violations& out, const std::string& field, const google::protobuf::RepeatedField<int>& values,
                   const google::protobuf::EnumDescriptor* descriptor, std::size_t min, std::size_t max) {
  if (!CheckCount(out, field, values.size(), min, max)) return;
  for (int i = 0; i < values.size(); ++i) CheckEnum(out, At(field, i), descriptor, values[i]);
  CheckRepeats(out, field, Leaf(field), values, [](int value) { return std::to_string(value); });
}

// A score: a finite number.
bool CheckFinite(Violations& out, const std::string& field, double value) {
  if (std::isfinite(value)) return true;
  Add(out, field, "must be a finite number");
  return false;
}

// A free-text field's public form (masking may lengthen it: a masked
// character becomes a 3-byte ＊) is held to the field's own bound. A field
// that already broke a rule is named once, for that.
void CheckPublished(Violations& out, const std::string& field, const std::string& published, TextRule rule) {
  if (published.size() <= rule.max_bytes || Named(out, field)) return;
  Add(out, field,
      std::string("at most ") + std::to_string(rule.max_bytes) +
          " bytes as published, with names and numbers masked (got " + std::to_string(published.size()) + ")");
}

bool Contains(const google::protobuf::RepeatedPtrField<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// ---------------------------------------------------------------- parties

bool IsOrganisation(const v1::CaseParty& party) { return party.kind() == v1::CaseParty::ORGANIZATION; }

void CheckParty(Violations& out, const std::string& path, const v1::CaseParty& party) {
  const bool organisation = IsOrganisation(party);
  const bool person = party.kind() == v1::CaseParty::NATURAL_PERSON;
  if (!organisation && !person) Add(out, path + ".kind", "must be ORGANIZATION or NATURAL_PERSON");
  common::CheckText(out, path + ".name", party.name(), kLineText, Presence::kRequired);
  if (organisation) {
    CheckCreditCodeField(out, path + ".credit_code", party.credit_code());
    // An organisation is published as sent: a citizen ID here would go out unmasked.
    if (!party.id_number().empty()) {
      Add(out, path + ".id_number", "must be empty for an organisation (a citizen ID is never published)");
    }
  } else if (person) {
    // A sole trader (个体工商户) may carry a credit code; it is not published.
    if (!party.credit_code().empty()) CheckCreditCodeField(out, path + ".credit_code", party.credit_code());
    if (!party.id_number().empty()) CheckIdNumberField(out, path + ".id_number", party.id_number());
  }
}

// The personal data of a party, as inspections and penalties read a party:
// an organisation's name is kept; anything not known to be an organisation
// is a person, whose name, credit code and ID number are masked.
common::PersonalData PersonalDataOf(const v1::CaseParty& party) {
  common::PersonalData data;
  if (IsOrganisation(party)) {
    data.kept.push_back(party.name());
    return data;
  }
  data.persons.push_back(party.name());
  if (!party.credit_code().empty()) data.texts.push_back(party.credit_code());
  if (!party.id_number().empty()) data.numbers.push_back(party.id_number());
  return data;
}

}  // namespace

common::PersonalData PersonalDataOf(const Review& review) {
  common::PersonalData data;
  for (const auto& excellent : review.excellent_cases()) {
    auto one = PersonalDataOf(excellent.party());
    data.persons.insert(data.persons.end(), one.persons.begin(), one.persons.end());
    data.texts.insert(data.texts.end(), one.texts.begin(), one.texts.end());
    data.numbers.insert(data.numbers.end(), one.numbers.begin(), one.numbers.end());
  }
  return data;
}

namespace {

// A party as published: an organisation whole; a person's name as surname +
// 某某, with neither ID number nor credit code.
v1::CaseParty PublicParty(const v1::CaseParty& party) {
  if (IsOrganisation(party)) return party;
  v1::CaseParty masked = party;
  masked.set_name(common::MaskName(party.name()));
  masked.clear_id_number();
  masked.clear_credit_code();
  return masked;
}

// An excellent case as published, its texts masked with `data`.
ExcellentCase PublicCase(const ExcellentCase& excellent, const common::PersonalData& data) {
  ExcellentCase published = excellent;
  *published.mutable_party() = PublicParty(excellent.party());
  published.set_case_number(common::MaskPersonalData(excellent.case_number(), data));
  published.set_title(common::MaskPersonalData(excellent.title(), data));
  published.set_summary(common::MaskPersonalData(excellent.summary(), data));
  return published;
}

// ---------------------------------------------------------------- reviews

void CheckExcellentCase(Violations& out, const std::string& path, const ExcellentCase& excellent) {
  common::CheckText(out, path + ".case_number", excellent.case_number(), kCaseNumberText, Presence::kRequired);
  // The case type is optional; one sent is a known type.
  if (excellent.case_type() != v1::CASE_TYPE_UNSPECIFIED) {
    CheckEnum(out, path + ".case_type", v1::CaseType_descriptor(), excellent.case_type());
  }
  common::CheckText(out, path + ".title", excellent.title(), kLineText, Presence::kRequired);
  common::CheckText(out, path + ".summary", excellent.summary(), kCaseText, Presence::kRequired);
  CheckParty(out, path + ".party", excellent.party());
  const ExcellentCase published = PublicCase(excellent, PersonalDataOf(excellent.party()));
  CheckPublished(out, path + ".case_number", published.case_number(), kCaseNumberText);
  CheckPublished(out, path + ".title", published.title(), kLineText);
  CheckPublished(out, path + ".summary", published.summary(), kCaseText);
}

void CheckReviewProblem(Violations& out, const std::string& path, const v1::ReviewProblem& problem,
                        int32_t files_reviewed) {
  CheckEnum(out, path + ".type", v1::ProblemType_descriptor(), problem.type());
  common::CheckText(out, path + ".description", problem.description(), kProblemText, Presence::kRequired);
  CheckPublished(out, path + ".description", common::MaskPersonalData(problem.description(), {}), kProblemText);
  const int32_t most = std::clamp(files_reviewed, 1, kMaxFilesReviewed);
  if (problem.files() < 1 || problem.files() > most) {
    Add(out, path + ".files", std::string("must be 1 to files_reviewed (") + std::to_string(most) + ")");
  }
}

// The first day and the last day of a quarter of a year.
std::pair<Date, Date> QuarterDays(int year, int quarter) {
  const std::chrono::year y{year};
  const std::chrono::month first{static_cast<unsigned>(3 * quarter - 2)};
  const std::chrono::month last{static_cast<unsigned>(3 * quarter)};
  return {Date(y / first / 1), Date(y / last / std::chrono::last)};
}

// ---------------------------------------------------------------- special supervision

void CheckProblem(Violations& out, const std::string& path, const Problem& problem, std::optional<Date> started) {
  CheckKey(out, path + ".id", problem.id(), Presence::kRequired);
  CheckCreditCodeField(out, path + ".unit", problem.unit());
  if (IsBlank(problem.domain())) {
    Add(out, path + ".domain", "required");
  } else if (!common::IsKnownDomain(problem.domain())) {
    Add(out, path + ".domain", "must be a known enforcement domain code (such as market_regulation)");
  }
  common::CheckText(out, path + ".description", problem.description(), kProblemText, Presence::kRequired);
  common::CheckText(out, path + ".rectification_requirement", problem.rectification_requirement(), kProblemText,
                    Presence::kRequired);
  const std::string deadline_field = path + ".rectification_deadline";
  if (const auto deadline = CheckDate(out, deadline_field, problem.rectification_deadline())) {
    if (started && *deadline < *started) {
      Add(out, deadline_field, std::string("must not be before the supervision's start (") + Iso(*started) + ")");
    }
  }
  CheckPublished(out, path + ".description", common::MaskPersonalData(problem.description(), {}), kProblemText);
  CheckPublished(out, path + ".rectification_requirement",
                 common::MaskPersonalData(problem.rectification_requirement(), {}), kProblemText);
}

void CheckNamedCase(Violations& out, const std::string& path, const NamedCase& named,
                    const std::unordered_set<std::string>* problem_ids) {
  CheckCreditCodeField(out, path + ".unit", named.unit());
  common::CheckText(out, path + ".title", named.title(), kLineText, Presence::kRequired);
  common::CheckText(out, path + ".description", named.description(), kCaseText, Presence::kRequired);
  CheckEnumList(out, path + ".handling", named.handling(), v1::Handling_descriptor(), 1, kMaxHandling);
  const std::string detail = path + ".handling_detail";
  const bool other =
      std::find(named.handling().begin(), named.handling().end(), v1::OTHER_HANDLING) != named.handling().end();
  if (other && IsBlank(named.handling_detail())) {
    Add(out, detail, "required when handling includes OTHER_HANDLING (it says what was done)");
  } else {
    common::CheckText(out, detail, named.handling_detail(), kProblemText, Presence::kOptional);
  }
  // Judged against the problems only when their list was (null otherwise).
  if (problem_ids && !named.problem_id().empty() && !problem_ids->contains(named.problem_id())) {
    Add(out, path + ".problem_id", "must be empty or the id of one of the supervision's problems");
  }
  CheckPublished(out, path + ".description", common::MaskPersonalData(named.description(), {}), kCaseText);
  CheckPublished(out, detail, common::MaskPersonalData(named.handling_detail(), {}), kProblemText);
}

std::vector<v1::Count> Sorted(const std::map<std::string, int64_t>& counts) {
  std::vector<v1::Count> sorted;
  sorted.reserve(counts.size());
  for (const auto& [key, problems] : counts) {
    v1::Count count;
    count.set_key(key);
    count.set_problems(problems);
    sorted.push_back(std::move(count));
  }
  // The map gives keys ascending; a stable sort by count keeps them so within a count.
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const v1::Count& a, const v1::Count& b) { return a.problems() > b.problems(); });
  return sorted;
}

// ---------------------------------------------------------------- assessments

void CheckIndicator(Violations& out, const std::string& path, const v1::Indicator& indicator) {
  CheckKey(out, path + ".code", indicator.code(), Presence::kRequired, kMaxIndicatorCodeBytes);
  common::CheckText(out, path + ".name", indicator.name(), kLineText, Presence::kRequired);
  const std::string field = path + ".max_score";
  if (CheckFinite(out, field, indicator.max_score()) &&
      (indicator.max_score() <= 0 || indicator.max_score() > kMaxIndicatorScore)) {
    Add(out, field, std::string("must be more than 0 and at most ") + Number(kMaxIndicatorScore));
  }
}

void CheckUnitResult(Violations& out, const std::string& path, const v1::UnitResult& unit) {
  CheckCreditCodeField(out, path + ".unit", unit.unit());
  CheckEnum(out, path + ".grade", v1::Grade_descriptor(), unit.grade());
  const std::string scores = path + ".indicator_scores";
  double sum = 0;
  // One score per indicator of the plan, which has at most kMaxIndicators
  // (CheckResultAgainstPlan names those missing).
  const bool counted = CheckCount(out, scores, unit.indicator_scores_size(), 0, kMaxIndicators);
  bool summable = counted;
  for (int i = 0; counted && i < unit.indicator_scores_size(); ++i) {
    const auto& score = unit.indicator_scores(i);
    CheckKey(out, At(scores, i) + ".code", score.code(), Presence::kRequired, kMaxIndicatorCodeBytes);
    if (CheckFinite(out, At(scores, i) + ".score", score.score())) {
      sum += score.score();
    } else {
      summable = false;
    }
  }
  if (counted) {
    CheckRepeats(out, scores, "indicator_scores", unit.indicator_scores(),
                 [](const v1::IndicatorScore& score) { return score.code(); });
  }
  // The tolerance takes in the rounding of a sum of decimal fractions.
  if (CheckFinite(out, path + ".score", unit.score()) && summable &&
      std::abs(unit.score() - sum) > kScoreTolerance + 1e-9) {
    Add(out, path + ".score",
        std::string("must be the sum of its indicator scores (") + Number(sum) + ") within " + Number(kScoreTolerance));
  }
}

// The record within kMaxRecordBytes as sent, and `published` (its public
// form, or nullptr when it is the record itself) within `published_max`.
void CheckRecordSize(Violations& out, const std::string& path, const google::protobuf::Message& record,
                     const google::protobuf::Message* published, std::size_t published_max) {
  const std::size_t bytes = record.ByteSizeLong();
  if (bytes > kMaxRecordBytes) {
    Add(out, path,
        "is " + std::to_string(bytes) + " bytes; a record may hold at most " + std::to_string(kMaxRecordBytes));
    return;
  }
  if (published == nullptr) return;
  const std::size_t public_bytes = published->ByteSizeLong();
  if (public_bytes > published_max) {
    Add(out, path,
        "is " + std::to_string(public_bytes) + " bytes as published (masked); at most " +
            std::to_string(published_max));
  }
}

}  // namespace

// ---------------------------------------------------------------- reviews

common::Violations ValidateRound(const Round& round, const std::string& path) {
  Violations out;
  CheckRecordKey(out, path, round.agency_credit_code(), round.source_id(), round.source_version());
  const bool year = CheckYear(out, path + ".year", round.year());
  const bool quarter = round.quarter() >= 1 && round.quarter() <= 4;
  if (!quarter) Add(out, path + ".quarter", "must be 1 to 4");
  common::CheckText(out, path + ".title", round.title(), kTitleText, Presence::kRequired);
  CheckEnumList(out, path + ".case_types", round.case_types(), v1::CaseType_descriptor(), 1, kMaxCaseTypes);
  CheckUnitList(out, path + ".reviewing_units", round.reviewing_units(), 1, kMaxReviewingUnits);
  CheckUnitList(out, path + ".reviewed_units", round.reviewed_units(), 1, kMaxUnits);

  const std::string started_field = path + ".started_on";
  const std::string ended_field = path + ".ended_on";
  const auto started = CheckDate(out, started_field, round.started_on());
  const auto ended = CheckDate(out, ended_field, round.ended_on());
  if (started && year && quarter) {
    const auto [first, last] = QuarterDays(round.year(), round.quarter());
    if (*started < first || *started > last) {
      Add(out, started_field,
          std::string("must lie within the round's quarter (Q") + std::to_string(round.quarter()) + " " +
              std::to_string(round.year()) + ": " + Iso(first) + " to " + Iso(last) + ")");
    }
  }
  if (started && ended) {
    if (*ended < *started) {
      Add(out, ended_field, std::string("must not be before started_on (") + Iso(*started) + ")");
    } else if (*ended - *started > kMaxRoundDays) {
      Add(out, ended_field,
          std::string("at most ") + std::to_string(kMaxRoundDays.count()) + " days after started_on (" + Iso(*started) +
              ")");
    }
  }
  CheckRecordSize(out, path, round, nullptr, 0);
  return out;
}

common::Violations CheckRoundChange(const Round& stored, int reviews_stored, const Round& next,
                                    const std::string& path) {
  Violations out;
  if (reviews_stored == 0) return out;
  const std::string held = " once the round has reviews (" + std::to_string(reviews_stored) + " stored)";
  if (next.ended_on() != stored.ended_on()) {
    Add(out, path + ".ended_on",
        std::string("must stay ") + stored.ended_on() + held + ": their 15 working days count from it");
  }
  // The reviews are counted in the round's year and quarter.
  if (next.year() != stored.year()) {
    Add(out, path + ".year", "must stay " + std::to_string(stored.year()) + held);
  }
  if (next.quarter() != stored.quarter()) {
    Add(out, path + ".quarter", "must stay " + std::to_string(stored.quarter()) + held);
  }
  // Reviewed units may be added, not taken out: a unit's review would be
  // left outside its round.
  const std::set<std::string> kept(next.reviewed_units().begin(), next.reviewed_units().end());
  for (const auto& unit : stored.reviewed_units()) {
    if (!kept.contains(unit)) {
      Add(out, path + ".reviewed_units", "must still name " + unit + held + ": units may be added, not removed");
      break;
    }
  }
  return out;
}

common::Violations ValidateReview(const Review& review, const std::string& path) {
  Violations out;
  CheckRecordKey(out, path, review.agency_credit_code(), review.source_id(), review.source_version());
  CheckKey(out, path + ".round_source_id", review.round_source_id(), Presence::kRequired);
  CheckCreditCodeField(out, path + ".reviewed_unit", review.reviewed_unit());
  CheckCreditCodeField(out, path + ".reviewed_by", review.reviewed_by());
  if (!review.reviewed_by().empty() && review.reviewed_by() == review.reviewed_unit()) {
    Add(out, path + ".reviewed_by", "must not be the unit reviewed (cross review: a unit does not review itself)");
  }
  if (review.files_reviewed() < 1 || review.files_reviewed() > kMaxFilesReviewed) {
    Add(out, path + ".files_reviewed", std::string("must be 1 to ") + std::to_string(kMaxFilesReviewed));
  }

  const std::string cases = path + ".excellent_cases";
  const bool cases_counted = CheckCount(out, cases, review.excellent_cases_size(), 0, kMaxExcellentCases);
  if (cases_counted) {
    for (int i = 0; i < review.excellent_cases_size(); ++i) {
      CheckExcellentCase(out, At(cases, i), review.excellent_cases(i));
    }
  }

  const std::string problems = path + ".problems";
  if (CheckCount(out, problems, review.problems_size(), 0, kMaxReviewProblems)) {
    for (int i = 0; i < review.problems_size(); ++i) {
      CheckReviewProblem(out, At(problems, i), review.problems(i), review.files_reviewed());
    }
    CheckRepeats(out, problems, "problems", review.problems(), [](const v1::ReviewProblem& problem) {
      return v1::ProblemType_IsValid(problem.type()) ? v1::ProblemType_Name(problem.type())
                                                     : std::to_string(problem.type());
    });
  }

  const std::string requirement = path + ".rectification_requirement";
  const std::string deadline = path + ".rectification_deadline";
  if (review.problems_size() > 0) {
    const std::string rule = "required when a problem was found";
    if (IsBlank(review.rectification_requirement())) {
      Add(out, requirement, rule);
    } else {
      common::CheckText(out, requirement, review.rectification_requirement(), kRequirementText, Presence::kRequired);
      CheckPublished(out, requirement, common::MaskPersonalData(review.rectification_requirement(), {}),
                     kRequirementText);
    }
    if (review.rectification_deadline().empty()) {
      Add(out, deadline, rule);
    } else {
      CheckDate(out, deadline, review.rectification_deadline());
    }
  } else {
    const std::string rule = "must be empty when no problem was found";
    if (!review.rectification_requirement().empty()) Add(out, requirement, rule);
    if (!review.rectification_deadline().empty()) Add(out, deadline, rule);
  }

  // The source id is published as the record's key, where nothing can be
  // masked: it must carry none of the excellent cases' parties' personal data.
  const std::string source_field = path + ".source_id";
  if (cases_counted && !Named(out, source_field) &&
      common::HoldsOwnPersonalData(review.source_id(), PersonalDataOf(review))) {
    Add(out, source_field,
        "must not carry the personal data of an excellent case's party (a natural person's name or ID number): it "
        "is published as the record's key");
  }
  if (out.empty()) {
    const Review published = PublicReview(review);
    CheckRecordSize(out, path, review, &published, kMaxPublicRecordBytes);
  }
  return out;
}

common::Violations CheckReviewAgainstRound(const Review& review, const Round& round, const std::string& path,
                                           common::Date today) {
  Violations out;
  const auto ended = common::ParseIsoDate(round.ended_on());
  if (ended && *ended > today) {
    Add(out, path + ".round_source_id",
        std::string("the round ends on ") + Iso(*ended) + ": its reviews are published once it has ended (today is " +
            Iso(today) + ")");
  }
  if (!review.reviewed_unit().empty() && !Contains(round.reviewed_units(), review.reviewed_unit())) {
    Add(out, path + ".reviewed_unit", "must be one of the round's reviewed units");
  }
  if (!review.reviewed_by().empty() && !Contains(round.reviewing_units(), review.reviewed_by())) {
    Add(out, path + ".reviewed_by", "must be one of the round's reviewing units");
  }
  const auto deadline = common::ParseIsoDate(review.rectification_deadline());
  if (deadline && ended && *deadline < *ended) {
    Add(out, path + ".rectification_deadline", std::string("must not be before the round's end (") + Iso(*ended) + ")");
  }
  return out;
}

Review PublicReview(const Review& review) {
  Review published = review;
  // Each text is masked with every party of the review: a party named in
  // another case or in the problems is masked there too.
  const common::PersonalData parties = PersonalDataOf(review);
  for (auto& excellent : *published.mutable_excellent_cases()) excellent = PublicCase(excellent, parties);
  for (auto& problem : *published.mutable_problems()) {
    problem.set_description(common::MaskPersonalData(problem.description(), parties));
  }
  published.set_rectification_requirement(common::MaskPersonalData(review.rectification_requirement(), parties));
  return published;
}

// ---------------------------------------------------------------- special supervision

common::Violations ValidateSupervision(const Supervision& supervision, const std::string& path, common::Date today) {
  Violations out;
  CheckRecordKey(out, path, supervision.agency_credit_code(), supervision.source_id(), supervision.source_version());
  common::CheckText(out, path + ".topic", supervision.topic(), kLineText, Presence::kRequired);
  const std::string deployed_by = path + ".deployed_by";
  if (CheckEnum(out, path + ".deployment", v1::Deployment_descriptor(), supervision.deployment())) {
    if (supervision.deployment() == v1::HIGHER_LEVEL) {
      if (IsBlank(supervision.deployed_by())) {
        Add(out, deployed_by, "required when deployment is HIGHER_LEVEL (the document or authority that deployed it)");
      } else {
        common::CheckText(out, deployed_by, supervision.deployed_by(), kLineText, Presence::kRequired);
      }
    } else if (!supervision.deployed_by().empty()) {
      Add(out, deployed_by, "must be empty unless deployment is HIGHER_LEVEL");
    }
  } else {
    common::CheckText(out, deployed_by, supervision.deployed_by(), kLineText, Presence::kOptional);
  }
  common::CheckText(out, path + ".scope", supervision.scope(), kProblemText, Presence::kRequired);
  const std::string methods = path + ".methods";
  if (CheckCount(out, methods, supervision.methods_size(), 1, kMaxMethods)) {
    for (int i = 0; i < supervision.methods_size(); ++i) {
      common::CheckText(out, At(methods, i), supervision.methods(i), kLineText, Presence::kRequired);
    }
  }

  const std::string started_field = path + ".started_on";
  const std::string ended_field = path + ".ended_on";
  const auto started = CheckDate(out, started_field, supervision.started_on());
  const auto ended = CheckPastDate(out, ended_field, supervision.ended_on(), today);
  if (started && ended && *ended < *started) {
    Add(out, ended_field, std::string("must not be before started_on (") + Iso(*started) + ")");
  }

  const std::string problems = path + ".problems";
  std::unordered_set<std::string> problem_ids;
  const bool problems_counted = CheckCount(out, problems, supervision.problems_size(), 0, kMaxProblems);
  if (problems_counted) {
    for (int i = 0; i < supervision.problems_size(); ++i) {
      CheckProblem(out, At(problems, i), supervision.problems(i), started);
      problem_ids.insert(supervision.problems(i).id());
    }
    CheckRepeats(out, problems, "problems", supervision.problems(),
                 [](const Problem& problem) { return problem.id(); });
  }
  const std::string named = path + ".named_cases";
  if (CheckCount(out, named, supervision.named_cases_size(), 0, kMaxNamedCases)) {
    for (int i = 0; i < supervision.named_cases_size(); ++i) {
      CheckNamedCase(out, At(named, i), supervision.named_cases(i), problems_counted ? &problem_ids : nullptr);
    }
  }
  if (out.empty()) {
    // The units' names are added when it is stored: room is kept for them.
    const Supervision published = PublicSupervision(supervision, {});
    CheckRecordSize(out, path, supervision, &published, kMaxPublicRecordBytes - kMaxProblems * kUnitNameRoom);
  }
  return out;
}

std::vector<std::string> UnitsOf(const Supervision& supervision) {
  std::vector<std::string> units;
  std::unordered_set<std::string> seen;
  const auto add = [&](const std::string& unit) {
    if (seen.insert(unit).second) units.push_back(unit);
  };
  for (const auto& problem : supervision.problems()) add(problem.unit());
  for (const auto& named : supervision.named_cases()) add(named.unit());
  return units;
}

ProblemTally TallyProblems(const Supervision& supervision) {
  std::map<std::string, int64_t> by_unit;
  std::map<std::string, int64_t> by_domain;
  for (const auto& problem : supervision.problems()) {
    ++by_unit[problem.unit()];
    ++by_domain[problem.domain()];
  }
  return {Sorted(by_unit), Sorted(by_domain)};
}

Supervision PublicSupervision(const Supervision& supervision, const std::map<std::string, std::string>& unit_names) {
  Supervision published = supervision;
  const common::PersonalData none;
  for (auto& problem : *published.mutable_problems()) {
    problem.set_description(common::MaskPersonalData(problem.description(), none));
    problem.set_rectification_requirement(common::MaskPersonalData(problem.rectification_requirement(), none));
  }
  for (auto& named : *published.mutable_named_cases()) {
    named.set_description(common::MaskPersonalData(named.description(), none));
    named.set_handling_detail(common::MaskPersonalData(named.handling_detail(), none));
  }
  published.set_problem_count(supervision.problems_size());
  ProblemTally tally = TallyProblems(supervision);
  for (auto& count : tally.by_unit) {
    const auto name = unit_names.find(count.key());
    if (name != unit_names.end()) count.set_name(name->second);
  }
  published.clear_problems_by_unit();
  published.clear_problems_by_domain();
  for (auto& count : tally.by_unit) *published.add_problems_by_unit() = std::move(count);
  for (auto& count : tally.by_domain) *published.add_problems_by_domain() = std::move(count);
  return published;
}

// ---------------------------------------------------------------- assessments

common::Violations ValidateAssessmentPlan(const AssessmentPlan& plan, const std::string& path, common::Date today) {
  Violations out;
  CheckRecordKey(out, path, plan.agency_credit_code(), plan.source_id(), plan.source_version());
  CheckYear(out, path + ".year", plan.year());
  common::CheckText(out, path + ".title", plan.title(), kTitleText, Presence::kRequired);
  const std::string indicators = path + ".indicators";
  if (CheckCount(out, indicators, plan.indicators_size(), 1, kMaxIndicators)) {
    for (int i = 0; i < plan.indicators_size(); ++i) CheckIndicator(out, At(indicators, i), plan.indicators(i));
    CheckRepeats(out, indicators, "indicators", plan.indicators(),
                 [](const v1::Indicator& indicator) { return indicator.code(); });
  }
  CheckUnitList(out, path + ".units", plan.units(), 1, kMaxUnits);
  CheckPastDate(out, path + ".approved_on", plan.approved_on(), today);
  CheckRecordSize(out, path, plan, nullptr, 0);
  return out;
}

common::Violations ValidateAssessmentResult(const AssessmentResult& result, const std::string& path,
                                            common::Date today) {
  Violations out;
  CheckRecordKey(out, path, result.agency_credit_code(), result.source_id(), result.source_version());
  CheckKey(out, path + ".plan_source_id", result.plan_source_id(), Presence::kRequired);
  CheckPastDate(out, path + ".concluded_on", result.concluded_on(), today);
  const std::string units = path + ".units";
  if (CheckCount(out, units, result.units_size(), 1, kMaxUnits)) {
    for (int i = 0; i < result.units_size(); ++i) CheckUnitResult(out, At(units, i), result.units(i));
    CheckRepeats(out, units, "units", result.units(), [](const v1::UnitResult& unit) { return unit.unit(); });
  }
  CheckRecordSize(out, path, result, nullptr, 0);
  return out;
}

common::Violations CheckResultAgainstPlan(const AssessmentResult& result, const AssessmentPlan& plan,
                                          const std::string& path) {
  Violations out;
  const auto approved = common::ParseIsoDate(plan.approved_on());
  const auto concluded = common::ParseIsoDate(result.concluded_on());
  if (approved && concluded && *concluded < *approved) {
    Add(out, path + ".concluded_on", std::string("must not be before the plan's approval (") + Iso(*approved) + ")");
  }
  const std::unordered_set<std::string> plan_units(plan.units().begin(), plan.units().end());
  std::unordered_map<std::string, double> max_scores;
  for (const auto& indicator : plan.indicators()) max_scores.emplace(indicator.code(), indicator.max_score());

  for (int i = 0; i < result.units_size(); ++i) {
    const v1::UnitResult& unit = result.units(i);
    const std::string unit_path = At(path + ".units", i);
    if (!unit.unit().empty() && !plan_units.contains(unit.unit())) {
      Add(out, unit_path + ".unit", "must be one of the plan's units");
    }
    const std::string scores = unit_path + ".indicator_scores";
    std::unordered_set<std::string> scored;
    for (int j = 0; j < unit.indicator_scores_size(); ++j) {
      const v1::IndicatorScore& score = unit.indicator_scores(j);
      scored.insert(score.code());
      const auto max = max_scores.find(score.code());
      if (max == max_scores.end()) {
        Add(out, At(scores, j) + ".code", "must be the code of one of the plan's indicators");
      } else if (std::isfinite(score.score()) && (score.score() < 0 || score.score() > max->second)) {
        Add(out, At(scores, j) + ".score",
            std::string("must be 0 to the indicator's max_score (") + Number(max->second) + ")");
      }
    }
    std::vector<std::string> missing;
    for (const auto& indicator : plan.indicators()) {
      if (!scored.contains(indicator.code())) missing.push_back(indicator.code());
    }
    if (!missing.empty()) {
      // Named once per unit, with the first few codes missing.
      constexpr std::size_t kQuoted = 5;
      std::string codes;
      for (std::size_t k = 0; k < std::min(missing.size(), kQuoted); ++k) {
        if (k > 0) codes += ", ";
        codes += missing[k];
      }
      if (missing.size() > kQuoted) codes += " and " + std::to_string(missing.size() - kQuoted) + " more";
      Add(out, scores, std::string("must hold one score per indicator of the plan: missing ") + codes);
    }
  }
  return out;
}

// ---------------------------------------------------------------- rectification

common::Violations ValidateReport(const RectificationReport& report, const std::string& path, common::Date today) {
  Violations out;
  const bool subject = CheckEnum(out, path + ".subject", v1::Subject_descriptor(), report.subject());
  CheckRecordKey(out, path, report.agency_credit_code(), report.source_id(), report.source_version());
  const std::string problem_id = path + ".problem_id";
  if (subject && report.subject() == v1::REVIEW) {
    if (!report.problem_id().empty()) {
      Add(out, problem_id, "must be empty for a REVIEW rectification (it is of the whole review)");
    }
  } else if (subject) {
    CheckKey(out, problem_id, report.problem_id(), Presence::kRequired);
  } else {
    CheckKey(out, problem_id, report.problem_id(), Presence::kOptional);
  }
  CheckPastDate(out, path + ".done_on", report.done_on(), today);
  common::CheckText(out, path + ".description", report.description(), kCaseText, Presence::kRequired);
  return out;
}

v1::Rectification::State RectificationState(common::Date deadline, std::optional<common::Date> reported_on,
                                            common::Date today) {
  if (reported_on) return *reported_on <= deadline ? v1::Rectification::DONE : v1::Rectification::DONE_LATE;
  return today <= deadline ? v1::Rectification::OPEN : v1::Rectification::OVERDUE;
}

void CheckJudgedYear(common::Violations& out, int year, common::Date today) {
  const int next_year = static_cast<int>(std::chrono::year_month_day(today).year()) + 1;
  if (year != 0 && (year < 2000 || year > next_year)) {
    out.push_back({"year", "must be 0 (every year) or from 2000 to " + std::to_string(next_year)});
  }
}

}  // namespace gongkai::supervision
