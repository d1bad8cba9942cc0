#include "services/inspections/inspection_rules.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <set>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "common/calendar/iso_date.h"
#include "common/domains.h"
#include "common/fields.h"
#include "common/identifiers.h"
#include "common/personal_data.h"
#include "common/text.h"
#include "gongkai/registry/v1/registry.pb.h"
#include "services/inspections/draw.h"
#include "services/inspections/public_forms.h"
#include "services/registry/officer.h"

namespace gongkai::inspections {
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

constexpr TextRule kTitleText{500, false};  // plan.title, task.name, a plan item's description
constexpr TextRule kResultText{kMaxResultText, true};
constexpr TextRule kPlatformText{100, false};
constexpr std::size_t kMaxMonths = 12;
constexpr std::size_t kMaxQuarters = 4;
constexpr std::size_t kMaxPoolIdBytes = 64;
constexpr std::size_t kMaxUrlBytes = 2000;
constexpr int kMinYear = 2000;
constexpr int kMaxYear = 2100;
constexpr std::chrono::days kMaxCheckPeriod{366};
constexpr int kMinOfficers = 2;  // a check is done by at least two officers

void Add(Violations& out, std::string field, std::string description) {
  out.push_back({std::move(field), std::move(description)});
}

void Append(Violations& out, const Violations& more) { out.insert(out.end(), more.begin(), more.end()); }

bool Named(const Violations& out, const std::string& field) {
  return std::any_of(out.begin(), out.end(), [&](const common::FieldViolation& v) { return v.field == field; });
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

// A source id: 1 to 64 bytes of printable ASCII; an optional one may be empty.
void CheckSourceId(Violations& out, const std::string& field, const std::string& value, Presence presence) {
  if (value.empty() || (presence == Presence::kRequired && IsBlank(value))) {
    if (presence == Presence::kRequired) Add(out, field, "required");
    return;
  }
  if (value.size() > kMaxSourceIdBytes) {
    Add(out, field,
        std::string("at most ") + std::to_string(kMaxSourceIdBytes) + " bytes (got " + std::to_string(value.size()) +
            ")");
  }
  if (!IsPrintableAscii(value)) Add(out, field, "printable ASCII only (no spaces, control characters or non-ASCII)");
}

// A certificate number, as the registry's CheckCertificateNumber words it
// (that function is not in the registry's client library; the rule is
// registry::IsCertificateNumber).
void CheckCertificateField(Violations& out, const std::string& field, const std::string& number) {
  if (common::IsAsciiBlank(number)) {
    Add(out, field, "required");
  } else if (!registry::IsCertificateNumber(number)) {
    Add(out, field, std::string("at most ") + std::to_string(registry::kMaxCertificateNumber) + " of 0-9, A-Z and '-'");
  }
}

void CheckRecordKey(Violations& out, const std::string& path, const std::string& agency_credit_code,
                    const std::string& source_id, int64_t source_version) {
  CheckCreditCodeField(out, path + ".agency_credit_code", agency_credit_code);
  CheckSourceId(out, path + ".source_id", source_id, Presence::kRequired);
  if (source_version <= 0) Add(out, path + ".source_version", "must be a positive version number");
}

void CheckYear(Violations& out, const std::string& field, int32_t year) {
  if (year < kMinYear || year > kMaxYear) {
    Add(out, field, std::string("must be ") + std::to_string(kMinYear) + " to " + std::to_string(kMaxYear));
  }
}

template <typename List>
void CheckRepeats(Violations& out, const std::string& field, std::string_view leaf, const List& list) {
  CheckRepeats(out, field, leaf, list, [](const auto& element) { return std::string(element); });
}

// The leaf of a path ("tasks[0].items" -> "items"), for descriptions.
std::string_view Leaf(std::string_view field) {
  const auto dot = field.rfind('.');
  return dot == std::string_view::npos ? field : field.substr(dot + 1);
}

// A list of source ids (a task's or a result's items).
void CheckItemList(Violations& out, const std::string& field,
                   const google::protobuf::RepeatedPtrField<std::string>& items) {
  if (!CheckCount(out, field, items.size(), 1, kMaxTaskItems)) return;
  for (int i = 0; i < items.size(); ++i) CheckSourceId(out, At(field, i), items[i], Presence::kRequired);
  CheckRepeats(out, field, Leaf(field), items);
}

// A list of certificate numbers (a task's or a draw's officers).
void CheckOfficerList(Violations& out, const std::string& field,
                      const google::protobuf::RepeatedPtrField<std::string>& officers, std::size_t min) {
  if (!CheckCount(out, field, officers.size(), min, kMaxOfficers)) return;
  for (int i = 0; i < officers.size(); ++i) CheckCertificateField(out, At(field, i), officers[i]);
  CheckRepeats(out, field, Leaf(field), officers);
}

std::optional<Date> CheckDate(Violations& out, const std::string& field, const std::string& value) {
  auto date = common::ParseIsoDate(value);
  if (!date) Add(out, field, "must be a date YYYY-MM-DD");
  return date;
}

std::string Iso(Date date) { return common::FormatIsoDate(date); }

// A free-text field's public form (masking may lengthen it: a masked
// character becomes a 3-byte ＊) is held to the field's own bound. A field
// that already broke a rule is named once, for that.
void CheckPublished(Violations& out, const std::string& field, const std::string& published, TextRule rule) {
  if (published.size() <= rule.max_bytes || Named(out, field)) return;
  Add(out, field,
      std::string("at most ") + std::to_string(rule.max_bytes) +
          " bytes as published, with names and numbers masked (got " + std::to_string(published.size()) + ")");
}

// The source id is published as the record's key, where nothing can be
// masked: it must carry none of the record's own personal data.
void CheckSourceIdCarriesNoPersonalData(Violations& out, const std::string& path, const std::string& source_id,
                                        const common::PersonalData& data) {
  const std::string field = path + ".source_id";
  if (Named(out, field) || !common::HoldsOwnPersonalData(source_id, data)) return;
  Add(out, field,
      "must not carry the personal data of the record's objects (a natural person's name or ID number): it is "
      "published as the record's key");
}

// ---------------------------------------------------------------- URLs and instants

// Unicode white space and characters that show nothing, which a URL must
// not hold (a copied link with a no-break or zero-width space in it).
bool IsSpaceOrInvisible(char32_t cp) {
  return cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200F) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
         cp == 0x205F || cp == 0x2060 || cp == 0x3000 || cp == 0xFEFF;
}

bool IsControl(char32_t cp) { return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F); }

void CheckUrl(Violations& out, const std::string& field, const std::string& url) {
  if (url.size() > kMaxUrlBytes) {
    Add(out, field,
        std::string("at most ") + std::to_string(kMaxUrlBytes) + " bytes (got " + std::to_string(url.size()) + ")");
    return;
  }
  constexpr std::string_view kScheme = "https://";
  const bool https =
      url.size() >= kScheme.size() && std::equal(kScheme.begin(), kScheme.end(), url.begin(), [](char a, char b) {
        return a == (b >= 'A' && b <= 'Z' ? static_cast<char>(b - 'A' + 'a') : b);
      });
  if (!https) {
    Add(out, field, "must be an https URL (https://...)");
  } else if (url.size() == kScheme.size() || std::string_view("/?#").find(url[kScheme.size()]) != std::string::npos) {
    Add(out, field, "must name a host after https://");
  }
  for (std::size_t pos = 0; pos < url.size();) {
    char32_t cp = 0;
    const std::size_t length = common::DecodeUtf8(url, pos, cp);
    if (length == 0) {
      Add(out, field, "must be UTF-8");
      return;
    }
    if (cp == ' ' || IsControl(cp) || IsSpaceOrInvisible(cp)) {
      Add(out, field, "must not hold spaces or control characters (percent-encode them)");
      return;
    }
    pos += length;
  }
}

bool ReadDigits(std::string_view text, std::size_t pos, std::size_t count, int& value) {
  if (pos + count > text.size()) return false;
  value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    value = value * 10 + (text[i] - '0');
  }
  return true;
}

constexpr char kInstantRule[] = "must be an RFC 3339 instant with an offset, such as 2026-12-02T14:00:00+08:00";

// ---------------------------------------------------------------- objects

std::string OutcomeNames() {
  std::string names;
  for (int value = v1::Outcome_MIN; value <= v1::Outcome_MAX; ++value) {
    if (value == v1::OUTCOME_UNSPECIFIED || !v1::Outcome_IsValid(value)) continue;
    if (!names.empty()) names += ", ";
    names += v1::Outcome_Name(static_cast<v1::Outcome>(value));
  }
  return names;
}

bool IsOutcome(v1::Outcome outcome) { return outcome != v1::OUTCOME_UNSPECIFIED && v1::Outcome_IsValid(outcome); }

// ---------------------------------------------------------------- plans

void CheckSchedule(Violations& out, const std::string& field, const google::protobuf::RepeatedField<int32_t>& values,
                   std::size_t max) {
  if (!CheckCount(out, field, values.size(), 1, max)) return;
  for (int i = 0; i < values.size(); ++i) {
    if (values[i] < 1 || static_cast<std::size_t>(values[i]) > max) {
      Add(out, At(field, i), std::string("must be 1 to ") + std::to_string(max));
    }
  }
  CheckRepeats(out, field, Leaf(field), values, [](int32_t v) { return std::to_string(v); });
}

void CheckPlanItem(Violations& out, const std::string& path, const v1::PlanItem& item, const std::string& agency) {
  common::CheckText(out, path + ".description", item.description(), kTitleText, Presence::kRequired);
  CheckSourceId(out, path + ".powers_item_source_id", item.powers_item_source_id(), Presence::kOptional);
  const bool known_method = item.method() != v1::METHOD_UNSPECIFIED && v1::Method_IsValid(item.method());
  if (!known_method) Add(out, path + ".method", "must be RANDOM, FOCUSED, SPECIAL or JOINT");
  const std::string partners = path + ".partner_agencies";
  if (item.method() == v1::JOINT) {
    if (CheckCount(out, partners, item.partner_agencies_size(), 1, kMaxPartners)) {
      for (int j = 0; j < item.partner_agencies_size(); ++j) {
        const std::string& code = item.partner_agencies(j);
        CheckCreditCodeField(out, At(partners, j), code);
        if (code == agency) Add(out, At(partners, j), "must not be the plan's own agency");
      }
      CheckRepeats(out, partners, "partner_agencies", item.partner_agencies());
    }
  } else if (known_method && item.partner_agencies_size() > 0) {
    Add(out, partners, "must be empty unless the method is JOINT");
  }
  const bool months = item.months_size() > 0;
  const bool quarters = item.quarters_size() > 0;
  if (!months && !quarters) {
    Add(out, path + ".months", "months (1-12) or quarters (1-4) of the plan's year required");
  } else if (months && quarters) {
    Add(out, path + ".quarters", "must be empty when months are given (one of the two)");
  } else if (months) {
    CheckSchedule(out, path + ".months", item.months(), kMaxMonths);
  } else {
    CheckSchedule(out, path + ".quarters", item.quarters(), kMaxQuarters);
  }
}

// ---------------------------------------------------------------- tasks

void CheckObjects(Violations& out, const std::string& field,
                  const google::protobuf::RepeatedPtrField<CheckObject>& objects) {
  if (!CheckCount(out, field, objects.size(), 1, kMaxObjects)) return;
  for (int i = 0; i < objects.size(); ++i) Append(out, ValidateObject(objects[i], At(field, i)));
  // Each object is checked once, with one result: the results name it by
  // ObjectKey.
  CheckRepeats(out, field, "objects", objects, [](const CheckObject& o) { return ObjectKey(o); });
}

// An identifier of a draw's pool: a credit code or the agency's own object
// code, never a citizen ID number (the pool is published whole).
void CheckPoolId(Violations& out, const std::string& field, const std::string& id) {
  if (id.empty()) {
    Add(out, field, "required");
    return;
  }
  if (id.size() > kMaxPoolIdBytes ||
      id.find_first_not_of("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_") != std::string::npos) {
    Add(out, field,
        std::string("must be a credit code or an object code of 1 to ") + std::to_string(kMaxPoolIdBytes) +
            " of 0-9, A-Z, a-z, '-' and '_'");
    return;
  }
  std::string upper = id;
  if (!upper.empty() && upper.back() == 'x') upper.back() = 'X';
  if (!common::CheckCitizenId(upper)) {
    Add(out, field, "must not be a citizen ID number (the pool is published whole)");
  }
}

// The platform's fields of a draw, which a city leaves empty.
void CheckPlatformFieldsEmpty(Violations& out, const std::string& path, const Draw& draw) {
  const auto empty = [&](bool is_empty, std::string_view field) {
    if (!is_empty) Add(out, path + "." + std::string(field), "must be empty: the platform sets it");
  };
  empty(draw.seed_commitment().empty(), "seed_commitment");
  empty(draw.pool_digest().empty(), "pool_digest");
  empty(draw.officers_digest().empty(), "officers_digest");
  empty(draw.excluded_officers().empty(), "excluded_officers");
  empty(draw.committed_on().empty(), "committed_on");
  empty(draw.seed().empty(), "seed");
  empty(draw.drawn_objects().empty(), "drawn_objects");
  empty(draw.drawn_officers().empty(), "drawn_officers");
  empty(!draw.revealed(), "revealed");
}

// Why a certificate may not serve on the task, or "" when it may.
std::string CertificateProblem(const Task& task, const CertificateFacts& facts, const std::string& number) {
  const auto fact = facts.find(number);
  if (fact == facts.end() || !fact->second.known) return "no such certificate in the registry";
  const std::string& agency = fact->second.agency_credit_code;
  const auto& joint = task.joint_agencies();
  if (agency != task.agency_credit_code() && std::find(joint.begin(), joint.end(), agency) == joint.end()) {
    return "a certificate of another agency (" + agency + "), neither the lead nor a joint agency";
  }
  if (!fact->second.valid_over_period) {
    return "the certificate is not valid over the whole check period (" + task.check_from() + " to " + task.check_to() +
           ")";
  }
  return "";
}

}  // namespace

// ---------------------------------------------------------------- plans

common::Violations ValidatePlan(const Plan& plan, const std::string& path, common::Date today) {
  Violations out;
  CheckRecordKey(out, path, plan.agency_credit_code(), plan.source_id(), plan.source_version());
  CheckYear(out, path + ".year", plan.year());
  common::CheckText(out, path + ".title", plan.title(), kTitleText, Presence::kRequired);
  const std::string objects = path + ".objects";
  if (CheckCount(out, objects, plan.objects_size(), 1, kMaxPlanObjects)) {
    for (int i = 0; i < plan.objects_size(); ++i) {
      common::CheckText(out, At(objects, i), plan.objects(i), common::kNameText, Presence::kRequired);
    }
  }
  const std::string items = path + ".items";
  if (CheckCount(out, items, plan.items_size(), 1, kMaxPlanItems)) {
    for (int i = 0; i < plan.items_size(); ++i) {
      CheckPlanItem(out, At(items, i), plan.items(i), plan.agency_credit_code());
    }
  }
  const std::string approved_field = path + ".approved_on";
  const auto approved = CheckDate(out, approved_field, plan.approved_on());
  if (approved) {
    if (*approved > today) Add(out, approved_field, std::string("must not be after today (") + Iso(today) + ")");
    const int year = static_cast<int>(std::chrono::year_month_day(*approved).year());
    if (plan.year() >= kMinYear && plan.year() <= kMaxYear && year != plan.year() && year != plan.year() - 1) {
      Add(out, approved_field,
          std::string("must lie in the plan's year (") + std::to_string(plan.year()) + ") or the year before");
    }
  }
  if (!plan.changed_on().empty()) {
    const std::string changed_field = path + ".changed_on";
    if (const auto changed = CheckDate(out, changed_field, plan.changed_on())) {
      if (approved && *changed < *approved) Add(out, changed_field, "must not be before approved_on");
      if (*changed > today) Add(out, changed_field, std::string("must not be after today (") + Iso(today) + ")");
    }
  }
  return out;
}

common::Date PlanClockStart(const Plan& plan) {
  if (!plan.changed_on().empty()) {
    if (const auto changed = common::ParseIsoDate(plan.changed_on())) return *changed;
  }
  return common::ParseIsoDate(plan.approved_on()).value();
}

// ---------------------------------------------------------------- tasks and results

common::Violations ValidateObject(const CheckObject& object, const std::string& path) {
  Violations out;
  const bool organisation = object.kind() == CheckObject::ORGANIZATION;
  const bool person = object.kind() == CheckObject::NATURAL_PERSON;
  if (!organisation && !person) Add(out, path + ".kind", "must be ORGANIZATION or NATURAL_PERSON");
  common::CheckText(out, path + ".name", object.name(), common::kNameText, Presence::kRequired);
  if (organisation) {
    CheckCreditCodeField(out, path + ".credit_code", object.credit_code());
    // An organisation is published as sent: a citizen ID here would go out unmasked.
    if (!object.id_number().empty()) {
      Add(out, path + ".id_number", "must be empty for an organisation (a citizen ID is never published)");
    }
  } else if (person) {
    if (!object.credit_code().empty()) Add(out, path + ".credit_code", "must be empty for a natural person");
    if (!object.id_number().empty()) CheckIdNumberField(out, path + ".id_number", object.id_number());
  }
  if (!object.object_code().empty()) CheckPoolId(out, path + ".object_code", object.object_code());
  return out;
}

common::Violations ValidateDraw(const Draw& draw, const std::string& path) {
  Violations out;
  const std::string pool = path + ".pool";
  if (CheckCount(out, pool, draw.pool_size(), 1, kMaxPool)) {
    for (int i = 0; i < draw.pool_size(); ++i) CheckPoolId(out, At(pool, i), draw.pool(i));
    CheckRepeats(out, pool, "pool", draw.pool());
  }
  if (draw.objects() < 1 || draw.objects() > draw.pool_size()) {
    Add(out, path + ".objects", std::string("must be 1 to the pool's size (") + std::to_string(draw.pool_size()) + ")");
  }
  CheckOfficerList(out, path + ".officers", draw.officers(), 1);
  // Against the officers sent: how many of them are eligible is known only
  // once the registry has answered for their certificates, and the adapter
  // then holds officers_drawn to that number (IneligibleOfficers).
  if (draw.officers_drawn() < kMinOfficers || draw.officers_drawn() > draw.officers_size()) {
    Add(out, path + ".officers_drawn",
        std::string("must be ") + std::to_string(kMinOfficers) + " to the number of officers (" +
            std::to_string(draw.officers_size()) + "): a check is done by at least two officers");
  }
  CheckDate(out, path + ".draw_date", draw.draw_date());
  CheckPlatformFieldsEmpty(out, path, draw);
  return out;
}

common::Violations ValidateTask(const Task& task, const std::string& path, common::Date today,
                                bool first_registration) {
  Violations out;
  CheckRecordKey(out, path, task.agency_credit_code(), task.source_id(), task.source_version());
  common::CheckText(out, path + ".name", task.name(), kTitleText, Presence::kRequired);

  const std::string joint = path + ".joint_agencies";
  if (CheckCount(out, joint, task.joint_agencies_size(), 0, kMaxJointAgencies)) {
    for (int i = 0; i < task.joint_agencies_size(); ++i) {
      CheckCreditCodeField(out, At(joint, i), task.joint_agencies(i));
      if (task.joint_agencies(i) == task.agency_credit_code()) Add(out, At(joint, i), "must not be the lead agency");
    }
    CheckRepeats(out, joint, "joint_agencies", task.joint_agencies());
  }
  CheckItemList(out, path + ".items", task.items());

  if (IsBlank(task.domain())) {
    Add(out, path + ".domain", "required");
  } else if (!common::IsKnownDomain(task.domain())) {
    Add(out, path + ".domain", "must be a known enforcement domain code (such as market_regulation)");
  }

  const bool drawn = IsPlatformDraw(task);
  if (drawn) {
    if (task.objects_size() > 0) Add(out, path + ".objects", "must be empty for a platform draw (the draw names them)");
    if (task.officers_size() > 0) {
      Add(out, path + ".officers", "must be empty for a platform draw (the draw names them)");
    }
    const int pool = task.draw().pool_size();
    if (task.pool_size() != 0 && task.pool_size() != pool) {
      Add(out, path + ".pool_size", std::string("must be the draw's pool size (") + std::to_string(pool) + ") or 0");
    }
  } else {
    CheckObjects(out, path + ".objects", task.objects());
    CheckOfficerList(out, path + ".officers", task.officers(), kMinOfficers);
    if (task.pool_size() < task.objects_size()) {
      Add(out, path + ".pool_size",
          std::string("must be at least the number of objects (") + std::to_string(task.objects_size()) + ")");
    }
  }

  const auto from = CheckDate(out, path + ".check_from", task.check_from());
  const auto to = CheckDate(out, path + ".check_to", task.check_to());
  if (from && to) {
    if (*to < *from) {
      Add(out, path + ".check_to", "must not be before check_from");
    } else if (*to - *from > kMaxCheckPeriod) {
      Add(out, path + ".check_to",
          std::string("at most ") + std::to_string(kMaxCheckPeriod.count()) + " days after check_from (" + Iso(*from) +
              ")");
    }
  }
  CheckSourceId(out, path + ".plan_source_id", task.plan_source_id(), Presence::kOptional);

  if (drawn) {
    const std::string draw_path = path + ".draw";
    Append(out, ValidateDraw(task.draw(), draw_path));
    if (const auto draw_date = common::ParseIsoDate(task.draw().draw_date())) {
      if (first_registration && *draw_date <= today) {
        Add(out, draw_path + ".draw_date",
            std::string("must be after today (") + Iso(today) + "): the draw is committed before its date");
      }
      if (to && *draw_date > *to) {
        Add(out, draw_path + ".draw_date",
            std::string("must not be after check_to (") + Iso(*to) +
                "): the objects drawn are checked within the check period");
      }
    }
  } else if (static_cast<std::size_t>(task.objects_size()) <= kMaxObjects) {
    CheckSourceIdCarriesNoPersonalData(out, path, task.source_id(), PersonalDataOfObjects(task.objects()));
  }
  return out;
}

bool ProblemFound(v1::Outcome outcome) {
  return outcome == v1::CORRECTION_ORDERED || outcome == v1::FOLLOW_UP_PENDING || outcome == v1::CASE_OPENED;
}

std::vector<std::string> ObjectKeys(const CheckObject& object) {
  std::vector<std::string> keys;
  for (const std::string* id : {&object.credit_code(), &object.object_code(), &object.id_number()}) {
    if (!id->empty()) keys.push_back(*id);
  }
  if (keys.empty()) keys.push_back(object.name());
  return keys;
}

std::string ObjectKey(const CheckObject& object) {
  if (!object.credit_code().empty()) return object.credit_code();
  if (!object.object_code().empty()) return object.object_code();
  if (!object.id_number().empty()) return object.id_number();
  return object.name();
}

common::Violations ValidateResult(const Result& result, const std::string& path, common::Date today,
                                  Result* published_out) {
  Violations out;
  CheckRecordKey(out, path, result.agency_credit_code(), result.source_id(), result.source_version());
  CheckSourceId(out, path + ".task_source_id", result.task_source_id(), Presence::kRequired);
  Append(out, ValidateObject(result.object(), path + ".object"));
  CheckItemList(out, path + ".items", result.items());
  const bool known_outcome = IsOutcome(result.outcome());
  if (!known_outcome) Add(out, path + ".outcome", std::string("must be one of ") + OutcomeNames());
  const auto checked = common::CheckPastDate(out, path + ".checked_on", result.checked_on(), today);

  const std::string problems = path + ".problems";
  const std::string requirement = path + ".rectification_requirement";
  const std::string deadline_field = path + ".rectification_deadline";
  if (known_outcome && ProblemFound(result.outcome())) {
    const std::string rule =
        std::string("required when a problem was found (") + v1::Outcome_Name(result.outcome()) + ")";
    for (const auto& [field, text] :
         {std::pair{&problems, &result.problems()}, std::pair{&requirement, &result.rectification_requirement()}}) {
      if (IsBlank(*text)) {
        Add(out, *field, rule);
      } else {
        common::CheckText(out, *field, *text, kResultText, Presence::kRequired);
      }
    }
    if (result.rectification_deadline().empty()) {
      Add(out, deadline_field, rule);
    } else if (const auto deadline = CheckDate(out, deadline_field, result.rectification_deadline())) {
      if (checked && *deadline < *checked) Add(out, deadline_field, "must not be before checked_on");
    }
  } else if (known_outcome) {
    const std::string rule =
        std::string("must be empty when no problem was found (") + v1::Outcome_Name(result.outcome()) + ")";
    if (!result.problems().empty()) Add(out, problems, rule);
    if (!result.rectification_requirement().empty()) Add(out, requirement, rule);
    if (!result.rectification_deadline().empty()) Add(out, deadline_field, rule);
  } else {
    // No outcome to judge them by: their form only.
    common::CheckText(out, problems, result.problems(), kResultText, Presence::kOptional);
    common::CheckText(out, requirement, result.rectification_requirement(), kResultText, Presence::kOptional);
    if (!result.rectification_deadline().empty()) CheckDate(out, deadline_field, result.rectification_deadline());
  }

  Result published = PublicResult(result);
  CheckPublished(out, problems, published.problems(), kResultText);
  CheckPublished(out, requirement, published.rectification_requirement(), kResultText);
  CheckSourceIdCarriesNoPersonalData(out, path, result.source_id(), PersonalDataOf(result.object()));
  if (published_out) *published_out = std::move(published);
  return out;
}

TaskObjects ObjectsOf(const Task& task, const std::string& seed, common::Date today) {
  TaskObjects out;
  out.task = &task;
  if (IsPlatformDraw(task)) {
    out.drawn_yet = Revealed(task.draw(), today);
    const Draw published = Published(task.draw(), seed, today);
    out.keys.insert(published.drawn_objects().begin(), published.drawn_objects().end());
  } else {
    for (const auto& object : task.objects()) {
      for (const auto& key : ObjectKeys(object)) out.keys.insert(key);
    }
  }
  return out;
}

common::Violations CheckAgainstTask(const Result& result, const TaskObjects& objects, const std::string& path) {
  Violations out;
  const Task& task = *objects.task;
  const std::vector<std::string> keys = ObjectKeys(result.object());
  const bool known =
      std::any_of(keys.begin(), keys.end(), [&](const std::string& k) { return objects.keys.contains(k); });
  if (!objects.drawn_yet) {
    Add(out, path + ".object",
        "the task's draw is revealed on " + task.draw().draw_date() + ": no object is drawn before it");
  } else if (!known) {
    Add(out, path + ".object",
        IsPlatformDraw(task) ? "not one of the objects drawn for the task (by its credit code or object code)"
                             : "not one of the task's objects");
  }
  const auto& items = task.items();
  for (int i = 0; i < result.items_size(); ++i) {
    if (std::find(items.begin(), items.end(), result.items(i)) == items.end()) {
      Add(out, At(path + ".items", i), "not one of the task's items");
    }
  }
  const auto checked = common::ParseIsoDate(result.checked_on());
  const auto from = common::ParseIsoDate(task.check_from());
  const auto to = common::ParseIsoDate(task.check_to());
  if (checked && from && to && (*checked < *from || *checked > *to)) {
    Add(out, path + ".checked_on",
        "must lie within the task's check period (" + task.check_from() + " to " + task.check_to() + ")");
  }
  return out;
}

// ---------------------------------------------------------------- what the registry says

common::Violations CheckPlanPowers(const Plan& plan, const PowersFacts& facts, const std::string& path) {
  Violations out;
  for (int i = 0; i < plan.items_size(); ++i) {
    const std::string& id = plan.items(i).powers_item_source_id();
    if (id.empty()) continue;
    const std::string field = At(path + ".items", i) + ".powers_item_source_id";
    const auto fact = facts.find({plan.agency_credit_code(), id});
    if (fact == facts.end()) {
      Add(out, field, "no such powers item of the plan's agency in the registry");
    } else if (fact->second.category != registry::v1::INSPECTION) {
      Add(out, field, "must be a powers item of category INSPECTION (检查)");
    }
  }
  return out;
}

common::Violations CheckTaskItems(const Task& task, const PowersFacts& facts, const std::string& path) {
  Violations out;
  std::vector<std::string> agencies{task.agency_credit_code()};
  agencies.insert(agencies.end(), task.joint_agencies().begin(), task.joint_agencies().end());
  for (int i = 0; i < task.items_size(); ++i) {
    bool known = false;
    bool listed = false;
    for (const auto& agency : agencies) {
      const auto fact = facts.find({agency, task.items(i)});
      if (fact == facts.end()) continue;
      known = true;
      listed = listed || (fact->second.category == registry::v1::INSPECTION && fact->second.random_check);
    }
    if (!known) {
      Add(out, At(path + ".items", i), "no such powers item of the lead or a joint agency in the registry");
    } else if (!listed) {
      Add(out, At(path + ".items", i),
          "must be an item of category INSPECTION on the random-check list (随机抽查事项清单) of the lead or a "
          "joint agency");
    }
  }
  return out;
}

common::Violations CheckTaskOfficers(const Task& task, const CertificateFacts& facts, const std::string& path) {
  Violations out;
  for (int i = 0; i < task.officers_size(); ++i) {
    std::string problem = CertificateProblem(task, facts, task.officers(i));
    if (!problem.empty()) Add(out, At(path + ".officers", i), std::move(problem));
  }
  return out;
}

std::vector<std::string> IneligibleOfficers(const Task& task, const CertificateFacts& facts) {
  std::vector<std::string> ineligible;
  for (const auto& number : task.draw().officers()) {
    if (!CertificateProblem(task, facts, number).empty()) ineligible.push_back(number);
  }
  return ineligible;
}

// ---------------------------------------------------------------- pilot

common::Violations ValidatePilotUnit(const PilotUnit& unit, const std::string& path) {
  Violations out;
  CheckRecordKey(out, path, unit.agency_credit_code(), unit.source_id(), unit.source_version());
  CheckYear(out, path + ".year", unit.year());
  if (unit.sector() == v1::SECTOR_UNSPECIFIED || !v1::Sector_IsValid(unit.sector())) {
    Add(out, path + ".sector", "must be a key sector (FOOD_SERVICE_SAFETY to MEDICAL_INSTITUTIONS)");
  }
  if (unit.channel() == v1::CHANNEL_UNSPECIFIED || !v1::Channel_IsValid(unit.channel())) {
    Add(out, path + ".channel", "must be SHORT_VIDEO or GOV_NEW_MEDIA");
  }
  common::CheckText(out, path + ".platform", unit.platform(), kPlatformText, Presence::kRequired);
  common::CheckText(out, path + ".account", unit.account(), common::kNameText, Presence::kRequired);
  return out;
}

std::optional<std::chrono::sys_time<std::chrono::microseconds>> ParseInstant(std::string_view text) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!ReadDigits(text, 0, 4, year) || text.size() < 20 || text[4] != '-' || !ReadDigits(text, 5, 2, month) ||
      text[7] != '-' || !ReadDigits(text, 8, 2, day) || text[10] != 'T' || !ReadDigits(text, 11, 2, hour) ||
      text[13] != ':' || !ReadDigits(text, 14, 2, minute) || text[16] != ':' || !ReadDigits(text, 17, 2, second)) {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                                         std::chrono::day{static_cast<unsigned>(day)}};
  if (!date.ok() || hour > 23 || minute > 59 || second > 59) return std::nullopt;
  std::size_t pos = 19;
  int64_t micros = 0;
  if (text[pos] == '.') {
    const std::size_t start = ++pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (pos - start < 6) micros = micros * 10 + (text[pos] - '0');
      ++pos;
    }
    const std::size_t digits = pos - start;
    if (digits == 0 || digits > 9) return std::nullopt;
    for (std::size_t i = digits; i < 6; ++i) micros *= 10;
  }
  if (pos >= text.size()) return std::nullopt;
  std::chrono::minutes offset{0};
  if (text[pos] == 'Z') {
    ++pos;
  } else if (text[pos] == '+' || text[pos] == '-') {
    int offset_hours = 0, offset_minutes = 0;
    if (!ReadDigits(text, pos + 1, 2, offset_hours) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
        !ReadDigits(text, pos + 4, 2, offset_minutes) || offset_hours > 14 || offset_minutes > 59 ||
        (offset_hours == 14 && offset_minutes > 0)) {
      return std::nullopt;
    }
    offset = std::chrono::hours{offset_hours} + std::chrono::minutes{offset_minutes};
    if (text[pos] == '-') offset = -offset;
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;
  return std::chrono::sys_days{date} + std::chrono::hours{hour} + std::chrono::minutes{minute} +
         std::chrono::seconds{second} + std::chrono::microseconds{micros} - offset;
}

common::Violations ValidateBroadcast(const Broadcast& broadcast, const std::string& path) {
  Violations out;
  CheckRecordKey(out, path, broadcast.agency_credit_code(), broadcast.source_id(), broadcast.source_version());
  if (broadcast.has_object()) {
    CheckSourceIdCarriesNoPersonalData(out, path, broadcast.source_id(), PersonalDataOf(broadcast.object()));
  }
  CheckSourceId(out, path + ".pilot_unit_source_id", broadcast.pilot_unit_source_id(), Presence::kRequired);
  common::CheckText(out, path + ".title", broadcast.title(), common::kNameText, Presence::kRequired);

  const auto instant = [&](const std::string& field, const std::string& value, Presence presence) {
    std::optional<std::chrono::sys_time<std::chrono::microseconds>> read;
    if (value.empty()) {
      if (presence == Presence::kRequired) Add(out, field, "required");
    } else if (!(read = ParseInstant(value))) {
      Add(out, field, kInstantRule);
    }
    return read;
  };
  instant(path + ".planned_start", broadcast.planned_start(), Presence::kRequired);
  const auto started = instant(path + ".started_at", broadcast.started_at(), Presence::kOptional);
  const auto ended = instant(path + ".ended_at", broadcast.ended_at(), Presence::kOptional);
  if (!broadcast.ended_at().empty() && broadcast.started_at().empty()) {
    Add(out, path + ".ended_at", "needs started_at (a broadcast ends after it started)");
  } else if (started && ended && *ended < *started) {
    Add(out, path + ".ended_at", "must not be before started_at");
  }

  if (broadcast.has_object()) Append(out, ValidateObject(broadcast.object(), path + ".object"));
  if (broadcast.live_url().empty()) {
    Add(out, path + ".live_url", "required");
  } else {
    CheckUrl(out, path + ".live_url", broadcast.live_url());
  }
  if (!broadcast.replay_url().empty()) {
    CheckUrl(out, path + ".replay_url", broadcast.replay_url());
    if (broadcast.ended_at().empty()) {
      Add(out, path + ".replay_url", "only once the broadcast ended (ended_at)");
    }
  }
  CheckPublished(out, path + ".title", PublicBroadcast(broadcast).title(), common::kNameText);
  return out;
}

}  // namespace gongkai::inspections
