#include "services/penalties/penalty.h"

#include <algorithm>
#include <chrono>
#include <iterator>
#include <string>
#include <string_view>

#include "common/calendar/iso_date.h"
#include "common/domains.h"
#include "common/identifiers.h"
#include "common/personal_data.h"
#include "common/text.h"
#include "services/penalties/penalty_public.h"
#include "services/registry/officer.h"

namespace gongkai::penalties {
namespace {

using common::Date;
using common::Violations;
using std::chrono::sys_days;

constexpr int64_t kMajorFineFen = 50'000'000;  // 500 000 yuan
// The longest 3 calendar months (e.g. 2026-03-01 to 2026-06-01), in days.
constexpr int32_t kMaxDaysInThreeMonths = 92;
constexpr int64_t kMaxAmountFen = 10'000'000'000'000;  // 10^13 fen: beyond any real penalty, far below overflow
constexpr int32_t kMaxSuspensionDays = 3650;
constexpr std::size_t kMinExplanationBytes = 20;
constexpr std::size_t kMinNecessityBytes = 10;
constexpr Date kEarliestDecision{std::chrono::year{1990} / std::chrono::January / 1};

constexpr char kMajorRule[] =
    "a major penalty (罚款超过50万元/停产停业超过3个月/吊销许可证件) needs a legal-application "
    "explanation naming the discretion tier used";
// How a major penalty's explanation names its tier (CheckExplanationNamesTier).
constexpr char kTierNamingRule[] =
    "legal_application_explanation must name the tier applied, benchmark_tier, as 第N档 (N a digit 1 to 5 or a "
    "numeral 一 to 五) or by its name in quotation marks (“轻微免罚”, “一般从轻”, “一般”, “从重”, “严重顶格”), "
    "and no other tier";

// ---------------------------------------------------------------- text rules

using common::DecodeUtf8;
using common::IsBlank;
using common::IsPrintableAscii;
using common::kLongText;
using common::kNameText;
using common::kPlainText;
using common::Presence;

void Add(Violations& out, const std::string& path, std::string_view field, std::string description) {
  std::string full = path;
  full += field;
  out.push_back({std::move(full), std::move(description)});
}

// Paths here are a record prefix plus a field, as in Add.
bool CheckText(Violations& out, const std::string& path, std::string_view field, const std::string& value,
               common::TextRule rule, Presence presence) {
  return common::CheckText(out, path + std::string(field), value, rule, presence);
}

// ---------------------------------------------------------------- identifiers and dates

void CheckCreditCodeField(Violations& out, const std::string& path, std::string_view field, const std::string& code) {
  if (IsBlank(code)) {
    Add(out, path, field, "required");
    return;
  }
  // CheckCreditCode quotes the offending character; keep bytes that are not
  // printable out of the description, which travels as a proto string.
  if (!IsPrintableAscii(code)) {
    Add(out, path, field, "must be 18 characters from 0-9 and A-Y without I, O, Z, S, V (GB 32100)");
    return;
  }
  if (auto problem = common::CheckCreditCode(code)) Add(out, path, field, *problem);
}

// The birth date in digits 7-14 of an ID that CheckCitizenId accepted.
sys_days BirthDate(std::string_view id) {
  const auto number = [&](std::size_t pos, std::size_t count) {
    int value = 0;
    for (std::size_t i = pos; i < pos + count; ++i) value = value * 10 + (id[i] - '0');
    return value;
  };
  const std::chrono::year_month_day date{std::chrono::year{number(6, 4)},
                                         std::chrono::month{static_cast<unsigned>(number(10, 2))},
                                         std::chrono::day{static_cast<unsigned>(number(12, 2))}};
  return sys_days{date};
}

// Age counts in full years from the day after the birthday (周岁 "从周岁生日的第二天起算",
// 最高人民法院法释〔2006〕1号 Art. 2), so on the 18th birthday itself the party is
// still a minor; a 29 February birthday falls on 1 March in a common year.
bool UnderEighteenOn(sys_days birth, sys_days on) {
  const std::chrono::year_month_day born{birth};
  const std::chrono::year_month eighteenth{born.year() + std::chrono::years{18}, born.month()};
  const std::chrono::year_month_day_last month_end{eighteenth.year(), std::chrono::month_day_last{eighteenth.month()}};
  sys_days birthday = sys_days{month_end};
  if (born.day() <= month_end.day()) {
    birthday = sys_days{std::chrono::year_month_day{eighteenth.year(), eighteenth.month(), born.day()}};
  } else {
    birthday += std::chrono::days{1};
  }
  return on <= birthday;
}

// Whether the party's own ID number shows them under 18 on `on`.
bool IdShowsMinor(const Party& party, std::optional<sys_days> on) {
  if (party.kind != Party::Kind::kNaturalPerson || !on || common::CheckCitizenId(party.id_number)) return false;
  return UnderEighteenOn(BirthDate(party.id_number), *on);
}

// A party with its own credit code, published in full: an organisation or
// an individual business.
bool IsBusiness(Party::Kind kind) {
  return kind == Party::Kind::kOrganization || kind == Party::Kind::kIndividualBusiness;
}

// `on` is the date the party's age is judged on (the decision or measure
// date), when that date is valid.
void CheckParty(Violations& out, const std::string& path, const Party& party, std::optional<sys_days> on) {
  const int kind = static_cast<int>(party.kind);
  if (kind < 1 || kind > 3)
    Add(out, path, ".party.kind", "must be ORGANIZATION, NATURAL_PERSON or INDIVIDUAL_BUSINESS");
  CheckText(out, path, ".party.name", party.name, kNameText, Presence::kRequired);
  if (IsBusiness(party.kind)) {
    CheckCreditCodeField(out, path, ".party.credit_code", party.credit_code);
    // Published as sent: a citizen ID here would go out unmasked.
    if (!party.id_number.empty()) {
      Add(out, path, ".party.id_number",
          "must be empty for an organisation or an individual business (a citizen ID is never published)");
    }
    if (party.minor) Add(out, path, ".party.minor", "only a natural person can be a minor");
    if (party.kind == Party::Kind::kIndividualBusiness && IsBlank(party.legal_representative)) {
      Add(out, path, ".party.legal_representative", "required for an individual business (its operator, 经营者)");
    } else {
      CheckText(out, path, ".party.legal_representative", party.legal_representative, kNameText, Presence::kOptional);
    }
  } else if (party.kind == Party::Kind::kNaturalPerson) {
    // A sole trader (个体工商户) may carry a credit code; it is not published.
    if (!party.credit_code.empty()) CheckCreditCodeField(out, path, ".party.credit_code", party.credit_code);
    if (IsBlank(party.id_number)) {
      Add(out, path, ".party.id_number", "required for a natural person");
    } else if (auto problem = common::CheckCitizenId(party.id_number)) {
      Add(out, path, ".party.id_number", *problem);
    } else if (on) {
      const sys_days birth = BirthDate(party.id_number);
      if (birth > *on) {
        Add(out, path, ".party.id_number", "the birth date in digits 7-14 is after the decision date");
      } else if (!party.minor && UnderEighteenOn(birth, *on)) {
        Add(out, path, ".party.minor",
            "must be true: the birth date in the ID number makes the party under 18 on the decision date "
            "(a minor's case is never published)");
      }
    }
  }
  if (!IsBusiness(party.kind) && !party.legal_representative.empty()) {
    Add(out, path, ".party.legal_representative",
        "must be empty unless the party is an organisation (its legal representative) or an individual business "
        "(its operator)");
  }
  CheckText(out, path, ".party.address", party.address, kPlainText, Presence::kOptional);
  CheckText(out, path, ".party.phone", party.phone, kNameText, Presence::kOptional);
  CheckText(out, path, ".party.bank_account", party.bank_account, {kMaxBankAccountBytes, false}, Presence::kOptional);
}

// Persons a record names besides its party: each a name of one line. A list
// over its bound is named once, as a whole, as for legal provisions.
void CheckMentionedPersons(Violations& out, const std::string& path, const std::vector<std::string>& persons) {
  const std::string list_path = path + ".mentioned_persons";
  if (persons.size() > kMaxMentionedPersons) {
    out.push_back({list_path, "at most " + std::to_string(kMaxMentionedPersons) + " persons (got " +
                                  std::to_string(persons.size()) + ")"});
    return;
  }
  for (std::size_t i = 0; i < persons.size(); ++i) {
    common::CheckText(out, common::At(list_path, static_cast<int>(i)), persons[i], kNameText, Presence::kRequired);
  }
}

// A source id's text: at most kMaxSourceIdBytes of printable ASCII.
void CheckSourceIdText(Violations& out, const std::string& path, std::string_view field, const std::string& id) {
  if (id.size() > kMaxSourceIdBytes) {
    Add(out, path, field,
        "at most " + std::to_string(kMaxSourceIdBytes) + " bytes (got " + std::to_string(id.size()) + ")");
  }
  if (!IsPrintableAscii(id)) Add(out, path, field, "printable ASCII only (no spaces, control characters or non-ASCII)");
}

void CheckRecordKey(Violations& out, const std::string& path, const std::string& agency_credit_code,
                    const std::string& source_id, int64_t source_version) {
  CheckCreditCodeField(out, path, ".agency_credit_code", agency_credit_code);
  if (IsBlank(source_id)) {
    Add(out, path, ".source_id", "required");
  } else {
    CheckSourceIdText(out, path, ".source_id", source_id);
  }
  if (source_version <= 0) Add(out, path, ".source_version", "must be a positive version number");
}

// The powers item a decision names, by the registry's source id: optional.
void CheckPowersItem(Violations& out, const std::string& path, const std::string& source_id) {
  if (!source_id.empty()) CheckSourceIdText(out, path, ".powers_item_source_id", source_id);
}

// The officers who handled a case: certificate numbers as the registry words
// them, each once. A list over its bound is named once, as a whole.
void CheckOfficers(Violations& out, const std::string& path, const std::vector<std::string>& officers) {
  const std::string list_path = path + ".officers";
  if (officers.size() > kMaxOfficers) {
    out.push_back({list_path, "at most " + std::to_string(kMaxOfficers) + " officers (got " +
                                  std::to_string(officers.size()) + ")"});
    return;
  }
  for (std::size_t i = 0; i < officers.size(); ++i) {
    if (!registry::IsCertificateNumber(officers[i])) {
      out.push_back({common::At(list_path, static_cast<int>(i)), "must be a certificate number: 1 to " +
                                                                     std::to_string(registry::kMaxCertificateNumber) +
                                                                     " of 0-9, A-Z and '-'"});
    }
  }
  common::CheckRepeats(out, list_path, "officers", officers, [](const std::string& number) { return number; });
}

// ValidateLegalBasis checks presence and length; the law's name is free text too.
// A list over its bound is named once, as a whole, and its provisions are not
// judged one by one: a hostile list must not make the answer as long as itself.
void CheckLegalBasis(Violations& out, const std::string& path, std::string_view field,
                     const std::vector<common::LegalProvision>& basis) {
  const std::string list_path = path + std::string(field);
  if (basis.size() > kMaxProvisions) {
    out.push_back({list_path, "at most " + std::to_string(kMaxProvisions) + " legal provisions (got " +
                                  std::to_string(basis.size()) + ")"});
    return;
  }
  Violations found = common::ValidateLegalBasis(basis, list_path);
  out.insert(out.end(), found.begin(), found.end());
  for (std::size_t i = 0; i < basis.size(); ++i) {
    const std::string& law = basis[i].law;
    const std::string field = common::At("", static_cast<int>(i)) + ".law";
    // ValidateLegalBasis sees only ASCII blanks; an ideographic space is blank too.
    if (IsBlank(law) && !common::IsAsciiBlank(law)) Add(out, list_path, field, "required");
    common::CheckTextContent(out, list_path + field, law, false);
  }
}

bool RemedyGiven(const Remedy& remedy) {
  return !remedy.review_body.empty() || !remedy.litigation_court.empty() || remedy.review_days != 0 ||
         remedy.litigation_months != 0;
}

void CheckRemedy(Violations& out, const std::string& path, const Remedy& remedy) {
  CheckText(out, path, ".remedy.review_body", remedy.review_body, kNameText, Presence::kRequired);
  if (remedy.review_days < 1 || remedy.review_days > 365) {
    Add(out, path, ".remedy.review_days", "must be 1 to 365 days (the law says 60)");
  }
  CheckText(out, path, ".remedy.litigation_court", remedy.litigation_court, kNameText, Presence::kRequired);
  if (remedy.litigation_months < 1 || remedy.litigation_months > 24) {
    Add(out, path, ".remedy.litigation_months", "must be 1 to 24 months (the law says 6)");
  }
}

void CheckAmount(Violations& out, const std::string& path, std::string_view field, int64_t fen) {
  if (fen < 0) {
    Add(out, path, field, "must not be negative");
  } else if (fen > kMaxAmountFen) {
    Add(out, path, field, "at most " + std::to_string(kMaxAmountFen) + " fen");
  }
}

void CheckResult(Violations& out, const std::string& path, const PenaltyResult& result) {
  const bool imposes_something = result.warning || result.fine_fen > 0 || result.confiscation_fen > 0 ||
                                 result.suspension_days > 0 || result.licence_revoked || !IsBlank(result.other);
  if (!imposes_something) {
    Add(out, path, ".result",
        "at least one of warning, fine, confiscation, suspension, licence revocation or other is required");
  }
  CheckAmount(out, path, ".result.fine_fen", result.fine_fen);
  CheckAmount(out, path, ".result.confiscation_fen", result.confiscation_fen);
  if (result.suspension_days < 0 || result.suspension_days > kMaxSuspensionDays) {
    Add(out, path, ".result.suspension_days", "must be 0 to " + std::to_string(kMaxSuspensionDays) + " days");
  }
  CheckText(out, path, ".result.other", result.other, kPlainText, Presence::kOptional);
}

// A tier of the discretion benchmark: 1 轻微免罚 .. 5 严重顶格.
bool IsTier(int32_t tier) { return tier >= 1 && tier <= 5; }

// The tiers' names and numerals, by level - 1, as the registry names them
// (registry::TierLevelName).
constexpr std::string_view kTierNames[] = {"轻微免罚", "一般从轻", "一般", "从重", "严重顶格"};
constexpr std::string_view kTierNumerals[] = {"一", "二", "三", "四", "五"};

// "4 (从重)"; a level outside 1 to 5 as "未定级", as the registry writes it.
std::string TierText(int level) {
  return std::to_string(level) + " (" + std::string(IsTier(level) ? kTierNames[level - 1] : "未定级") + ")";
}

// Whether `text` names tier `level` (1 to 5): 第4档, 第四档 or “从重”. The
// quotation marks keep a name apart from the words of the text (从重处罚) and
// from a longer name (“一般” is not “一般从轻”).
bool NamesTier(std::string_view text, int level) {
  const std::string spellings[] = {"第" + std::to_string(level) + "档",
                                   "第" + std::string(kTierNumerals[level - 1]) + "档",
                                   "“" + std::string(kTierNames[level - 1]) + "”"};
  return std::any_of(std::begin(spellings), std::end(spellings),
                     [&](const std::string& s) { return text.find(s) != std::string_view::npos; });
}

// A major penalty's explanation names the tier it applies, and that tier is
// benchmark_tier (kTierNamingRule). Called once benchmark_tier is a tier.
void CheckExplanationNamesTier(Violations& out, const std::string& path, const PenaltyDecision& d) {
  std::string others;
  int count = 0;
  for (int level = 1; level <= 5; ++level) {
    if (level == d.benchmark_tier || !NamesTier(d.legal_application_explanation, level)) continue;
    others += (count++ == 0 ? "" : ", ") + TierText(level);
  }
  const bool stated = NamesTier(d.legal_application_explanation, d.benchmark_tier);
  if (stated && others.empty()) return;
  const std::string tier = TierText(d.benchmark_tier);
  const std::string named = (count == 1 ? "names tier " : "names tiers ") + others;
  const std::string what = count == 0 ? "names no tier; benchmark_tier is " + tier
                           : stated   ? named + " besides benchmark_tier " + tier
                                      : named + ", but benchmark_tier is " + tier;
  Add(out, path, ".legal_application_explanation", what + ": " + kTierNamingRule);
}

void CheckMajorPenaltyFields(Violations& out, const std::string& path, const PenaltyDecision& d) {
  const std::string_view explanation_field = ".legal_application_explanation";
  if (IsMajor(d)) {
    if (IsBlank(d.legal_application_explanation)) {
      Add(out, path, explanation_field, kMajorRule);
    } else if (CheckText(out, path, explanation_field, d.legal_application_explanation, kLongText,
                         Presence::kRequired)) {
      if (d.legal_application_explanation.size() < kMinExplanationBytes) {
        Add(out, path, explanation_field,
            "at least " + std::to_string(kMinExplanationBytes) + " bytes: " + std::string(kMajorRule));
      } else if (IsTier(d.benchmark_tier)) {  // otherwise benchmark_tier is named
        CheckExplanationNamesTier(out, path, d);
      }
    }
    if (!IsTier(d.benchmark_tier)) {
      Add(out, path, ".benchmark_tier",
          std::string(kMajorRule) + ": benchmark_tier must be 1 (轻微免罚) to 5 (严重顶格)");
    }
  } else {
    CheckText(out, path, explanation_field, d.legal_application_explanation, kLongText, Presence::kOptional);
    if (d.benchmark_tier != 0 && !IsTier(d.benchmark_tier)) {
      Add(out, path, ".benchmark_tier", "must be 1 (轻微免罚) to 5 (严重顶格), or 0 when no tier is given");
    }
  }
  CheckText(out, path, ".benchmark_violation_code", d.benchmark_violation_code, kNameText, Presence::kOptional);
}

// ---------------------------------------------------------------- published length

bool Named(const Violations& out, const std::string& field) {
  return std::any_of(out.begin(), out.end(), [&](const common::FieldViolation& v) { return v.field == field; });
}

// A free-text field's public form (masking may lengthen it: a digit or a
// character of an address becomes a 3-byte ＊, a name its masked form) is
// held to the field's own bound, so that no public record outgrows the bounds
// of penalty.h. A field whose text already broke a rule is named once, for
// that.
void CheckPublished(Violations& out, const std::string& path, std::string_view field, const std::string& published,
                    common::TextRule rule) {
  std::string full = path;
  full += field;
  if (published.size() <= rule.max_bytes || Named(out, full)) return;
  out.push_back({std::move(full), "at most " + std::to_string(rule.max_bytes) +
                                      " bytes as published, with names and numbers masked (got " +
                                      std::to_string(published.size()) + ")"});
}

// The source id is published as the record's key, where nothing can be masked
// without losing the key: it must carry none of the record's own personal
// data. The number rules of the masking play no part: a key that reads as an
// ID, a phone or an account (a snowflake id, a date and a sequence number) is
// nobody's number in the record.
void CheckSourceIdCarriesNoPersonalData(Violations& out, const std::string& path, const std::string& source_id,
                                        const common::PersonalDataSearch& data) {
  const std::string field = path + ".source_id";
  if (Named(out, field) || !data.Holds(source_id)) return;
  out.push_back({field,
                 "must not carry the record's personal data (the party's name, ID number, phone, bank account, "
                 "address or credit code, or a mentioned person's name): it is published as the record's key"});
}

// ---------------------------------------------------------------- dates

// The last day the record may stay public: the day before the month
// anniversary, on which it leaves the public view ("at the maximum").
std::optional<Date> LastPublicDay(Date decision_date, int months) {
  const auto anniversary = AddMonths(decision_date, months);
  if (!anniversary) return std::nullopt;
  return *anniversary - std::chrono::days{1};
}

}  // namespace

const char* RejectionKind(PenaltyKind kind) { return kind == PenaltyKind::kDecision ? "decision" : "measure"; }

bool SuspensionOverThreeMonths(int32_t days, std::optional<Date> start) {
  const auto three_months = start ? AddMonths(*start, 3) : std::nullopt;
  if (!three_months) return days > kMaxDaysInThreeMonths;
  return *start + std::chrono::days{days} > *three_months;
}

bool IsMajor(const PenaltyDecision& d) {
  return d.result.fine_fen > kMajorFineFen || SuspensionOverThreeMonths(d.result.suspension_days, d.decision_date) ||
         d.result.licence_revoked;
}

Violations ValidateDecision(const PenaltyDecision& d, const std::string& path, Date today, PenaltyDecision* shown_out) {
  Violations out;
  CheckRecordKey(out, path, d.agency_credit_code, d.source_id, d.source_version);
  CheckText(out, path, ".decision_number", d.decision_number, kNameText, Presence::kRequired);
  CheckText(out, path, ".domain", d.domain, kNameText, Presence::kRequired);
  CheckParty(out, path, d.party, d.decision_date);
  CheckText(out, path, ".facts", d.facts, kLongText, Presence::kRequired);
  CheckLegalBasis(out, path, ".violated", d.violated);
  CheckLegalBasis(out, path, ".applied", d.applied);
  CheckResult(out, path, d.result);
  CheckRemedy(out, path, d.remedy);
  if (!d.decision_date) {
    Add(out, path, ".decision_date", "must be a date YYYY-MM-DD");
  } else if (*d.decision_date > today) {
    Add(out, path, ".decision_date", "must not be after today (" + common::FormatIsoDate(today) + ")");
  } else if (*d.decision_date < kEarliestDecision) {
    Add(out, path, ".decision_date", "must not be before " + common::FormatIsoDate(kEarliestDecision));
  }
  const int severity = static_cast<int>(d.severity);
  if (severity < 1 || severity > 3) Add(out, path, ".severity", "must be MINOR, GENERAL or SERIOUS");
  CheckMajorPenaltyFields(out, path, d);
  CheckMentionedPersons(out, path, d.mentioned_persons);
  CheckPowersItem(out, path, d.powers_item_source_id);
  CheckOfficers(out, path, d.officers);
  const common::PersonalDataSearch data(PersonalDataOf(d));
  PenaltyDecision shown = PublicDecision(d, data);
  CheckPublished(out, path, ".facts", shown.facts, kLongText);
  CheckPublished(out, path, ".result.other", shown.result.other, kPlainText);
  CheckPublished(out, path, ".legal_application_explanation", shown.legal_application_explanation, kLongText);
  CheckPublished(out, path, ".decision_number", shown.decision_number, kNameText);
  CheckSourceIdCarriesNoPersonalData(out, path, d.source_id, data);
  if (shown_out != nullptr) *shown_out = std::move(shown);
  return out;
}

Violations ValidateMeasure(const CoerciveMeasure& m, const std::string& path, Date today) {
  Violations out;
  CheckRecordKey(out, path, m.agency_credit_code, m.source_id, m.source_version);
  CheckText(out, path, ".document_number", m.document_number, kNameText, Presence::kRequired);
  CheckText(out, path, ".domain", m.domain, kNameText, Presence::kRequired);
  const auto& start = m.period_start;
  const auto& end = m.period_end;
  CheckParty(out, path, m.party, start);
  CheckLegalBasis(out, path, ".legal_basis", m.legal_basis);
  const int type = static_cast<int>(m.type);
  if (type < 1 || type > 5) Add(out, path, ".type", "must be SEAL, SEIZE, FREEZE, RESTRICT_LIBERTY or OTHER_MEASURE");
  CheckText(out, path, ".object_name", m.object_name, kNameText, Presence::kRequired);
  CheckText(out, path, ".object_quantity", m.object_quantity, kPlainText, Presence::kRequired);
  if (!start) {
    Add(out, path, ".period_start", "must be a date YYYY-MM-DD");
  } else if (*start > today) {
    Add(out, path, ".period_start", "must not be after today (" + common::FormatIsoDate(today) + ")");
  }
  if (!end) {
    Add(out, path, ".period_end", "must be a date YYYY-MM-DD");
  } else if (start && *end < *start) {
    Add(out, path, ".period_end", "must not be before period_start");
  }
  CheckText(out, path, ".release_conditions", m.release_conditions, kLongText, Presence::kRequired);
  if (m.type == MeasureType::kRestrictLiberty) {
    if (IsBlank(m.necessity_statement)) {
      Add(out, path, ".necessity_statement", "required when the measure restricts personal liberty");
    } else if (CheckText(out, path, ".necessity_statement", m.necessity_statement, kLongText, Presence::kRequired) &&
               m.necessity_statement.size() < kMinNecessityBytes) {
      Add(out, path, ".necessity_statement",
          "at least " + std::to_string(kMinNecessityBytes) + " bytes when the measure restricts personal liberty");
    }
    CheckRemedy(out, path, m.remedy);
  } else {
    CheckText(out, path, ".necessity_statement", m.necessity_statement, kLongText, Presence::kOptional);
    if (RemedyGiven(m.remedy)) CheckRemedy(out, path, m.remedy);
  }
  CheckMentionedPersons(out, path, m.mentioned_persons);
  const common::PersonalDataSearch data(PersonalDataOf(m));
  const CoerciveMeasure shown = PublicMeasure(m, data);
  CheckPublished(out, path, ".object_name", shown.object_name, kNameText);
  CheckPublished(out, path, ".release_conditions", shown.release_conditions, kLongText);
  CheckPublished(out, path, ".necessity_statement", shown.necessity_statement, kLongText);
  CheckPublished(out, path, ".document_number", shown.document_number, kNameText);
  CheckPublished(out, path, ".object_quantity", shown.object_quantity, kPlainText);
  CheckSourceIdCarriesNoPersonalData(out, path, m.source_id, data);
  return out;
}

void CheckKnownDomain(Violations& out, const std::string& path, const std::string& domain) {
  if (!domain.empty() && !common::IsKnownDomain(domain)) {
    Add(out, path, ".domain", "unknown enforcement domain '" + domain + "'");
  }
}

bool NamesBenchmark(const PenaltyDecision& d) { return IsMajor(d) && !d.benchmark_violation_code.empty(); }

Violations CheckBenchmarkTier(const PenaltyDecision& d, const std::vector<BenchmarkTier>& tiers,
                              const std::string& path) {
  Violations out;
  if (!NamesBenchmark(d)) return out;
  const auto tier =
      std::find_if(tiers.begin(), tiers.end(), [&](const BenchmarkTier& t) { return t.level == d.benchmark_tier; });
  const std::string benchmark = "the city's benchmark " + d.benchmark_violation_code;
  if (tier == tiers.end()) {
    std::string levels;
    for (const BenchmarkTier& t : tiers) levels += (levels.empty() ? "" : ", ") + TierText(t.level);
    Add(out, path, ".benchmark_tier",
        benchmark + " has no tier " + TierText(d.benchmark_tier) + "; its tiers are " + levels);
  } else if (d.result.fine_fen < tier->min_fen || d.result.fine_fen > tier->max_fen) {
    Add(out, path, ".result.fine_fen",
        "must lie within the range of benchmark_tier " + TierText(tier->level) + " of " + benchmark + ", " +
            std::to_string(tier->min_fen) + " to " + std::to_string(tier->max_fen) + " fen (got " +
            std::to_string(d.result.fine_fen) + ")");
  }
  return out;
}

namespace {

std::string MaskIdNumber(const std::string& id) {
  if (id.size() == 18 && IsPrintableAscii(id)) return id.substr(0, 6) + "********" + id.substr(14);
  std::size_t characters = 0;
  for (std::size_t pos = 0; pos < id.size(); ++characters) {
    char32_t cp = 0;
    const std::size_t length = DecodeUtf8(id, pos, cp);
    pos += length == 0 ? 1 : length;
  }
  return std::string(characters, '*');
}

}  // namespace

bool NamedAfterOperator(const Party& party) {
  if (party.kind != Party::Kind::kIndividualBusiness || IsBlank(party.legal_representative)) return false;
  common::PersonalData operator_name;
  operator_name.persons = {party.legal_representative};
  // The whole name is the operator's, in any of the forms a name is found in.
  return common::TrimBlank(common::MaskPersonalData(party.name, operator_name)) == MaskName(party.legal_representative);
}

Party MaskParty(const Party& party) {
  Party masked = party;
  masked.address.clear();
  masked.phone.clear();
  masked.bank_account.clear();
  if (party.kind == Party::Kind::kOrganization) return masked;
  if (party.kind == Party::Kind::kIndividualBusiness) {
    // The business is published as an organisation is; its operator is a
    // person, wherever his name stands.
    masked.legal_representative = MaskName(party.legal_representative);
    masked.id_number.clear();
    if (NamedAfterOperator(party)) masked.name = masked.legal_representative;
    return masked;
  }
  // Anything else is masked as a person.
  masked.name = MaskName(party.name);
  masked.id_number = MaskIdNumber(party.id_number);
  masked.credit_code.clear();
  masked.legal_representative.clear();
  return masked;
}

const std::vector<RetentionRules>& RetentionRuleSets() {
  // minor: not published; general: 3 to 12 months; serious: 12 to 36 months.
  static const std::vector<RetentionRules> kSets = {
      {kEarliestDecision, "失信行为纠正后的信用信息修复管理办法（试行）", {false, 0, 0}, {true, 3, 12}, {true, 12, 36}},
      {Date{std::chrono::year{2026} / std::chrono::April / 1},
       "信用修复管理办法",
       {false, 0, 0},
       {true, 3, 12},
       {true, 12, 36}},
  };
  return kSets;
}

const RetentionRules& RetentionRulesOn(Date decision_date) {
  const auto& sets = RetentionRuleSets();
  const auto later =
      std::find_if(sets.begin(), sets.end(), [&](const RetentionRules& r) { return r.effective_from > decision_date; });
  return later == sets.begin() ? sets.front() : *std::prev(later);
}

std::optional<TierTerm> TermOf(const RetentionRules& rules, CreditSeverity severity) {
  switch (severity) {
    case CreditSeverity::kMinor: return rules.minor;
    case CreditSeverity::kGeneral: return rules.general;
    case CreditSeverity::kSerious: return rules.serious;
    default: return std::nullopt;
  }
}

Retention RetentionOf(const PenaltyDecision& decision) {
  const auto& decided = decision.decision_date;
  // A record whose date cannot be read cannot be given a term: keep it private.
  if (!decided) return {false, std::nullopt};
  // The flag is the city's word; the ID's birth date is checked as well, so
  // that a flag left unset never publishes a minor.
  if (decision.party.minor || IdShowsMinor(decision.party, decided)) return {false, std::nullopt};
  const auto term = TermOf(RetentionRulesOn(*decided), decision.severity);
  if (!term || !term->publishable) return {false, std::nullopt};  // no tier, or one not published
  return {true, LastPublicDay(*decided, term->maximum_months)};
}

DomainList ParseDomainList(std::string_view list) {
  DomainList out;
  std::vector<std::string> unknown;
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    const std::string code(common::TrimBlank(list.substr(0, comma)));
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    if (code.empty()) continue;
    if (common::IsKnownDomain(code)) {
      out.codes.insert(code);
    } else {
      unknown.push_back("'" + code + "'");
    }
  }
  for (const std::string& code : unknown) out.problem += (out.problem.empty() ? "unknown domain " : ", ") + code;
  if (!unknown.empty()) out.problem += ": a comma list of the domain codes of common/domains.cc";
  return out;
}

Violations ValidateCreditRepair(const std::string& granted_by, const std::string& reference) {
  Violations out;
  common::CheckText(out, "granted_by", granted_by, kNameText, Presence::kRequired);
  common::CheckText(out, "reference", reference, kNameText, Presence::kRequired);
  return out;
}

std::optional<RepairMinimum> RepairMinimumOf(const PenaltyDecision& decision,
                                             const std::set<std::string>& one_year_domains) {
  if (!RetentionOf(decision).publishable) return std::nullopt;
  const RetentionRules& rules = RetentionRulesOn(*decision.decision_date);
  const int tier_months = TermOf(rules, decision.severity)->minimum_months;
  const char* tier = decision.severity == CreditSeverity::kSerious ? "serious" : "general";
  RepairMinimum out;
  out.months = tier_months;
  out.basis = "the minimum of the " + std::string(tier) + " tier under " + rules.name;
  if (one_year_domains.contains(decision.domain) && kSafetyRepairMinimumMonths > tier_months) {
    out.months = kSafetyRepairMinimumMonths;
    out.basis = "the minimum in the safety domain " + decision.domain;
  }
  const auto first_day = AddMonths(*decision.decision_date, out.months);
  if (!first_day) return std::nullopt;  // past the year 9999: never
  out.first_day = *first_day;
  return out;
}

std::optional<std::string> CreditRepairRefusal(const PenaltyDecision& decision, Date repaired_on,
                                               const std::set<std::string>& one_year_domains) {
  const auto minimum = RepairMinimumOf(decision, one_year_domains);
  if (!minimum) return "the decision is not published: a credit repair ends a publication";
  if (repaired_on >= minimum->first_day) return std::nullopt;
  return "repaired_on " + common::FormatIsoDate(repaired_on) + " is before " +
         common::FormatIsoDate(minimum->first_day) +
         ", the first day a credit repair of this decision may be recorded: the decision date " +
         common::FormatIsoDate(*decision.decision_date) + " plus " + std::to_string(minimum->months) + " months, " +
         minimum->basis;
}

std::optional<Date> PublicUntilAfterRepair(const std::optional<Date>& public_until, Date repaired_on) {
  const Date last = repaired_on - std::chrono::days{1};
  return public_until && *public_until < last ? *public_until : last;
}

std::optional<Date> AddMonths(Date date, int months) {
  const std::chrono::year_month_day ymd{date};
  // In 64 bits, so that any `months` is safe; the result must stay a four-digit year.
  const int64_t index =
      static_cast<int64_t>(static_cast<int>(ymd.year())) * 12 + (static_cast<unsigned>(ymd.month()) - 1) + months;
  const int64_t year = index >= 0 ? index / 12 : -((-index + 11) / 12);
  const int64_t month = index - year * 12 + 1;
  if (year < 1 || year > 9999) return std::nullopt;
  const std::chrono::year_month_day_last last{
      std::chrono::year{static_cast<int>(year)},
      std::chrono::month_day_last{std::chrono::month{static_cast<unsigned>(month)}}};
  const std::chrono::day day = std::min(ymd.day(), last.day());
  return sys_days{std::chrono::year_month_day{last.year(), last.month(), day}};
}

}  // namespace gongkai::penalties
