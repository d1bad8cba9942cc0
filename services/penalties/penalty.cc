#include "services/penalties/penalty.h"

#include <algorithm>
#include <chrono>
#include <string_view>

#include "common/calendar/iso_date.h"
#include "common/domains.h"
#include "common/identifiers.h"
#include "common/text.h"
#include "services/penalties/penalty_public.h"

namespace gongkai::penalties {
namespace {

using common::Date;
using common::Violations;
using std::chrono::sys_days;

constexpr int64_t kMajorFineFen = 50'000'000;          // 500 000 yuan
constexpr int32_t kMajorSuspensionDays = 90;           // 3 months
constexpr int64_t kMaxAmountFen = 10'000'000'000'000;  // 10^13 fen: beyond any real penalty, far below overflow
constexpr int32_t kMaxSuspensionDays = 3650;
constexpr std::size_t kMinExplanationBytes = 20;
constexpr std::size_t kMinNecessityBytes = 10;
constexpr Date kEarliestDecision{std::chrono::year{1990} / std::chrono::January / 1};
// The 信用修复管理办法 tiers apply to decisions dated on or after this day.
constexpr Date kCreditRepairStart{std::chrono::year{2026} / std::chrono::April / 1};

constexpr char kMajorRule[] =
    "a major penalty (罚款超过50万元/停产停业超过3个月/吊销许可证件) needs a legal-application "
    "explanation naming the discretion tier used";

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

// `on` is the date the party's age is judged on (the decision or measure
// date), when that date is valid.
void CheckParty(Violations& out, const std::string& path, const Party& party, std::optional<sys_days> on) {
  const int kind = static_cast<int>(party.kind);
  if (kind != 1 && kind != 2) Add(out, path, ".party.kind", "must be ORGANIZATION or NATURAL_PERSON");
  CheckText(out, path, ".party.name", party.name, kNameText, Presence::kRequired);
  if (party.kind == Party::Kind::kOrganization) {
    CheckCreditCodeField(out, path, ".party.credit_code", party.credit_code);
    // An organisation is published as sent: a citizen ID here would go out unmasked.
    if (!party.id_number.empty()) {
      Add(out, path, ".party.id_number", "must be empty for an organisation (a citizen ID is never published)");
    }
    if (party.minor) Add(out, path, ".party.minor", "only a natural person can be a minor");
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

void CheckRecordKey(Violations& out, const std::string& path, const std::string& agency_credit_code,
                    const std::string& source_id, int64_t source_version) {
  CheckCreditCodeField(out, path, ".agency_credit_code", agency_credit_code);
  if (IsBlank(source_id)) {
    Add(out, path, ".source_id", "required");
  } else {
    if (source_id.size() > kMaxSourceIdBytes) {
      Add(out, path, ".source_id",
          "at most " + std::to_string(kMaxSourceIdBytes) + " bytes (got " + std::to_string(source_id.size()) + ")");
    }
    if (!IsPrintableAscii(source_id)) {
      Add(out, path, ".source_id", "printable ASCII only (no spaces, control characters or non-ASCII)");
    }
  }
  if (source_version <= 0) Add(out, path, ".source_version", "must be a positive version number");
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

void CheckMajorPenaltyFields(Violations& out, const std::string& path, const PenaltyDecision& d) {
  const std::string_view explanation_field = ".legal_application_explanation";
  if (IsMajor(d.result)) {
    if (IsBlank(d.legal_application_explanation)) {
      Add(out, path, explanation_field, kMajorRule);
    } else if (CheckText(out, path, explanation_field, d.legal_application_explanation, kLongText,
                         Presence::kRequired) &&
               d.legal_application_explanation.size() < kMinExplanationBytes) {
      Add(out, path, explanation_field,
          "at least " + std::to_string(kMinExplanationBytes) + " bytes: " + std::string(kMajorRule));
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
                                        const PersonalData& data) {
  const std::string field = path + ".source_id";
  if (Named(out, field) || !HoldsOwnPersonalData(source_id, data)) return;
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

bool IsMajor(const PenaltyResult& result) {
  return result.fine_fen > kMajorFineFen || result.suspension_days > kMajorSuspensionDays || result.licence_revoked;
}

Violations ValidateDecision(const PenaltyDecision& d, const std::string& path, Date today) {
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
  const PenaltyDecision shown = PublicDecision(d);
  CheckPublished(out, path, ".facts", shown.facts, kLongText);
  CheckPublished(out, path, ".result.other", shown.result.other, kPlainText);
  CheckPublished(out, path, ".legal_application_explanation", shown.legal_application_explanation, kLongText);
  CheckPublished(out, path, ".decision_number", shown.decision_number, kNameText);
  CheckSourceIdCarriesNoPersonalData(out, path, d.source_id, PersonalDataOf(d));
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
  const CoerciveMeasure shown = PublicMeasure(m);
  CheckPublished(out, path, ".object_name", shown.object_name, kNameText);
  CheckPublished(out, path, ".release_conditions", shown.release_conditions, kLongText);
  CheckPublished(out, path, ".necessity_statement", shown.necessity_statement, kLongText);
  CheckPublished(out, path, ".document_number", shown.document_number, kNameText);
  CheckPublished(out, path, ".object_quantity", shown.object_quantity, kPlainText);
  CheckSourceIdCarriesNoPersonalData(out, path, m.source_id, PersonalDataOf(m));
  return out;
}

void CheckKnownDomain(Violations& out, const std::string& path, const std::string& domain) {
  if (!domain.empty() && !common::IsKnownDomain(domain)) {
    Add(out, path, ".domain", "unknown enforcement domain '" + domain + "'");
  }
}

bool NamesBenchmark(const PenaltyDecision& d) { return IsMajor(d.result) && !d.benchmark_violation_code.empty(); }

Violations CheckBenchmarkTier(const PenaltyDecision& d, const std::vector<BenchmarkTier>& tiers,
                              const std::string& path) {
  Violations out;
  if (!NamesBenchmark(d)) return out;
  const auto tier =
      std::find_if(tiers.begin(), tiers.end(), [&](const BenchmarkTier& t) { return t.level == d.benchmark_tier; });
  if (tier == tiers.end()) {
    Add(out, path, ".benchmark_tier",
        "the city's benchmark " + d.benchmark_violation_code + " has no tier " + std::to_string(d.benchmark_tier));
  } else if (d.result.fine_fen < tier->min_fen || d.result.fine_fen > tier->max_fen) {
    Add(out, path, ".result.fine_fen",
        "outside the range of the benchmark tier named (" + std::to_string(tier->min_fen) + " to " +
            std::to_string(tier->max_fen) + " fen)");
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

Party MaskParty(const Party& party) {
  Party masked = party;
  masked.address.clear();
  masked.phone.clear();
  masked.bank_account.clear();
  if (party.kind == Party::Kind::kOrganization) return masked;
  // Anything not known to be an organisation is masked as a person.
  masked.name = MaskName(party.name);
  masked.id_number = MaskIdNumber(party.id_number);
  masked.credit_code.clear();
  return masked;
}

Retention RetentionOf(const PenaltyDecision& decision) {
  const auto& decided = decision.decision_date;
  // A record whose date cannot be read cannot be given a term: keep it private.
  if (!decided) return {false, std::nullopt};
  // The flag is the city's word; the ID's birth date is checked as well, so
  // that a flag left unset never publishes a minor.
  if (decision.party.minor || IdShowsMinor(decision.party, decided)) return {false, std::nullopt};
  if (*decided < kCreditRepairStart) return {true, std::nullopt};
  switch (decision.severity) {
    case CreditSeverity::kGeneral: return {true, LastPublicDay(*decided, 12)};
    case CreditSeverity::kSerious: return {true, LastPublicDay(*decided, 36)};
    case CreditSeverity::kMinor:
    default:  // no tier, no term: not published
      return {false, std::nullopt};
  }
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
