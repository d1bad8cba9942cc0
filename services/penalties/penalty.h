#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/legal.h"
#include "common/personal_data.h"
#include "common/violations.h"

namespace gongkai::penalties {

// Masking is the platform's (common/personal_data.h); penalties use it unqualified.
using common::MaskName;
using common::MaskPersonalData;
using common::PersonalData;

// The two kinds of record the service publishes.
enum class PenaltyKind { kDecision = 1, kMeasure = 2 };
// The kind's name in batch results and rejections: "decision" or "measure".
const char* RejectionKind(PenaltyKind kind);

// The bounds of every repeated and free-text field of a decision and a
// measure, each enforced by ValidateDecision / ValidateMeasure as a violation
// of that field. Text is UTF-8 without control characters (line feeds and tabs
// only where paragraphs are allowed), counted in bytes. "Also as published":
// the field's public form (PublicDecision, PublicMeasure: names, numbers and
// addresses masked) is held to the same bound, so that the size of a
// public record follows from this table (penalty_public.h,
// kMaxPublicRecordBytes). Fields marked "never published" are kept for the
// city and the province only; they make no public record larger.
//
//   field                                          bound
//   agency_credit_code, party.credit_code          18 characters (GB 32100)
//   source_id                                      64 bytes of printable ASCII (kMaxSourceIdBytes), carrying
//                                                  none of the record's personal data (it is published as the
//                                                  record's key; HoldsOwnPersonalData)
//   decision_number, document_number               200 bytes (common::kNameText); also as published
//   domain                                         200 bytes
//   party.name, party.phone                        200 bytes
//   party.legal_representative                     200 bytes, one line: required for an individual business (its
//                                                  operator, published masked), optional for an organisation
//                                                  (published in full), empty for a natural person
//   party.id_number                                18 characters (GB 11643); empty for an organisation
//   party.address                                  1000 bytes (common::kPlainText)
//   party.bank_account                             64 bytes (kMaxBankAccountBytes); never published
//   mentioned_persons                              at most 50 names (kMaxMentionedPersons) of 1 to 200 bytes
//                                                  each; never published
//   facts, legal_application_explanation           20,000 bytes, paragraphs (common::kLongText); also as published
//   result.other                                   1000 bytes; also as published
//   remedy.review_body, remedy.litigation_court    200 bytes
//   benchmark_violation_code                       200 bytes
//   powers_item_source_id                          optional; as source_id, 64 bytes of printable ASCII; published
//   officers                                       at most 20 certificate numbers (kMaxOfficers), each 1 to 32 of
//                                                  0-9, A-Z and '-' (registry::IsCertificateNumber), no repeats;
//                                                  published
//   violated, applied (decision), legal_basis      1 to 20 provisions each (kMaxProvisions)
//   a provision's law                              500 bytes (common::ValidateLegalBasis)
//   object_name                                    200 bytes; also as published
//   object_quantity                                1000 bytes; also as published
//   release_conditions, necessity_statement        20,000 bytes, paragraphs; also as published
//
// Withdrawal and release explanations: withdrawal.h. The public list's party
// name filter: penalty_public.h.
inline constexpr std::size_t kMaxSourceIdBytes = 64;
inline constexpr std::size_t kMaxProvisions = 20;
inline constexpr std::size_t kMaxBankAccountBytes = 64;
inline constexpr std::size_t kMaxMentionedPersons = 50;
inline constexpr std::size_t kMaxOfficers = 20;

// The party a decision or measure is against (当事人): an organisation, a
// natural person, or an individual business (个体工商户: a business a natural
// person runs, with its own name and credit code, published in full, and its
// operator, published masked).
struct Party {
  enum class Kind { kUnset = 0, kOrganization = 1, kNaturalPerson = 2, kIndividualBusiness = 3 };
  Kind kind = Kind::kUnset;
  std::string name;
  std::string credit_code;  // organisations, individual businesses: unified social credit code (GB 32100)
  std::string id_number;    // natural persons: citizen ID number (GB 11643)
  bool minor = false;       // a natural person under 18: the case is never published
  // Never published; kept for the city and the province, and masked
  // wherever the record's published text repeats them (PublicDecision).
  std::string address;
  std::string phone;
  std::string bank_account{};  // 账号; empty where a party is written as {kind, name, ..., phone}
  // An organisation's legal representative (法定代表人), published in full;
  // an individual business's operator (经营者), published as MaskName of it
  // and masked wherever the published text repeats it. Empty for a natural
  // person.
  std::string legal_representative{};
};

// What the decision imposes; amounts in fen.
struct PenaltyResult {
  bool warning = false;
  int64_t fine_fen = 0;
  int64_t confiscation_fen = 0;  // 没收违法所得/非法财物
  int32_t suspension_days = 0;   // 责令停产停业
  bool licence_revoked = false;  // 吊销许可证件
  std::string other;             // 其他, in words
};

// How the party may challenge it (救济途径).
struct Remedy {
  std::string review_body;        // 复议机关
  int32_t review_days = 0;        // 60 by law
  std::string litigation_court;   // 管辖法院
  int32_t litigation_months = 0;  // 6 by law
};

// 信用修复管理办法 tier, deciding how long a decision stays public.
enum class CreditSeverity { kUnset = 0, kMinor = 1, kGeneral = 2, kSerious = 3 };

// A penalty decision (行政处罚决定) as a city system sends it, keyed by
// (agency credit code, source id).
struct PenaltyDecision {
  std::string agency_credit_code;
  std::string source_id;
  int64_t source_version = 0;
  std::string decision_number;  // 文书号
  std::string domain;           // enforcement domain code
  Party party;
  std::string facts;                             // 违法事实
  std::vector<common::LegalProvision> violated;  // 违反的规定
  std::vector<common::LegalProvision> applied;   // 处罚依据
  PenaltyResult result;
  Remedy remedy;
  // The decision date; nullopt when the city sent none that reads as a date
  // (ValidateDecision names it).
  std::optional<common::Date> decision_date;
  CreditSeverity severity = CreditSeverity::kUnset;
  // Major penalties only (IsMajor): 法律适用说明, naming the benchmark tier used
  // (benchmark_tier) as 第N档 or by its name in quotation marks (ValidateDecision).
  std::string legal_application_explanation;
  std::string benchmark_violation_code;  // the benchmark table applied, when one exists
  int32_t benchmark_tier = 0;            // TierLevel of the registry (1 轻微免罚 .. 5 严重顶格)
  // Natural persons other than the party whom the record names (witnesses,
  // informants, employees, relatives). Never published; masked like the
  // party's name wherever the published text names them.
  std::vector<std::string> mentioned_persons;
  // The powers-list item (权责清单事项) the decision exercises, by its source
  // id in the registry; "" when the city names none. Published.
  std::string powers_item_source_id;
  // The officers who handled the case (执法人员), by certificate number.
  // Published: officers are public by design.
  std::vector<std::string> officers;
};

// 查封 / 扣押 / 冻结 / 限制人身自由 / 其他.
enum class MeasureType { kUnset = 0, kSeal = 1, kSeize = 2, kFreeze = 3, kRestrictLiberty = 4, kOther = 5 };

// A coercive measure (行政强制措施), keyed by (agency credit code, source id).
struct CoerciveMeasure {
  std::string agency_credit_code;
  std::string source_id;
  int64_t source_version = 0;
  std::string document_number;
  std::string domain;
  Party party;
  std::vector<common::LegalProvision> legal_basis;
  MeasureType type = MeasureType::kUnset;
  std::string object_name;      // 对象名称
  std::string object_quantity;  // 数量, with its unit
  // The measure date (the clock start) and the end of the period; nullopt
  // when the city sent none that reads as a date (ValidateMeasure names it).
  std::optional<common::Date> period_start;
  std::optional<common::Date> period_end;
  std::string release_conditions;  // 解除条件及程序
  // Restricting personal liberty also needs these.
  std::string necessity_statement;
  Remedy remedy;
  // As for a decision: never published, masked wherever named.
  std::vector<std::string> mentioned_persons;
};

// 重大行政处罚: a fine over 500 000 yuan, a suspension over 3 months
// (SuspensionOverThreeMonths, counted from the decision date: a decision
// carries no start date of its own for the suspension), or a revoked licence.
bool IsMajor(const PenaltyDecision& decision);

// Whether a suspension of `days` days from `start` is over 3 months (停产停业
// 超过3个月): whether it ends (start + days) after start + 3 calendar months
// (AddMonths: the same day of the month, clamped to the month's last day).
// From 2026-01-01 3 months is 2026-04-01, so 90 days is not over and 91 is;
// from 2026-03-01 it is 2026-06-01, so 92 is not over and 93 is. With no
// start (a decision date that does not read as one, which ValidateDecision
// names), only a suspension over 3 months from any start is: more than 92
// days.
bool SuspensionOverThreeMonths(int32_t days, std::optional<common::Date> start);

// Every content rule a decision breaks (DOMAIN.md, "Penalty decision"), field
// by field under `path`. `today` bounds the decision date. Free text must be
// valid UTF-8 without control characters and within its length limit; a major
// penalty needs the legal-application explanation and the benchmark tier, and
// the explanation names that tier and no other: as 第N档 (N the tier's number,
// a digit 1 to 5 or a numeral 一 to 五: 第4档, 第四档) or by its name in
// quotation marks (“轻微免罚”, “一般从轻”, “一般”, “从重”, “严重顶格”).
// The published text is checked too, on the public form (PublicDecision),
// which is left in `shown` when given, for the row (RowOf) to use.
common::Violations ValidateDecision(const PenaltyDecision& decision, const std::string& path, common::Date today,
                                    PenaltyDecision* shown = nullptr);

// The same for a coercive measure (DOMAIN.md, "Coercive measure").
common::Violations ValidateMeasure(const CoerciveMeasure& measure, const std::string& path, common::Date today);

// A record's enforcement domain must be one the platform knows
// (common/domains.h): adds the violation of `<path>.domain` when a domain is
// given and unknown. Kept apart from ValidateDecision and ValidateMeasure,
// which judge only the field's text.
void CheckKnownDomain(common::Violations& out, const std::string& path, const std::string& domain);

// A tier of a city's discretion benchmark (裁量基准) for one violation: its
// level (1 轻微免罚 .. 5 严重顶格) and the fine range it allows, in fen.
struct BenchmarkTier {
  int level = 0;
  int64_t min_fen = 0;
  int64_t max_fen = 0;
};

// Whether a decision is held to a benchmark: a major penalty that names the
// benchmark table it applied.
bool NamesBenchmark(const PenaltyDecision& decision);

// A major penalty naming a benchmark, against the city's benchmark for that
// violation (`tiers`): benchmark_tier must be one of its tiers and the fine
// within that tier's range (inclusive). The violations, under `path`; none for
// a decision that names no benchmark.
common::Violations CheckBenchmarkTier(const PenaltyDecision& decision, const std::vector<BenchmarkTier>& tiers,
                                      const std::string& path);

// The public form of a party (脱敏): a natural person's name as surname +
// 某某 (MaskName), the ID number as its first 6 and last 4 with the middle
// masked, no credit code; an organisation in full with its credit code and
// legal representative; an individual business's name and credit code in
// full, its operator as MaskName of the name and no ID number, and its name
// too when it is its operator's (NamedAfterOperator); no address, phone or
// bank account for any.
Party MaskParty(const Party& party);

// Whether an individual business's name is its operator's name and nothing
// else (张三 run by 张三, in any form MaskPersonalData finds a name in: a
// business without a trade name of its own): that name is a natural
// person's, masked as one. A trade name that holds the operator's name
// (小店区张三烧烤店) is the business's own, published as it is.
bool NamedAfterOperator(const Party& party);

// How long a decision of one credit tier stays public under one set of rules,
// in calendar months from the decision date: whether it is published at all,
// the months before which no credit repair (信用修复) may end its publication,
// and the months after which it leaves the public view by itself.
struct TierTerm {
  bool publishable = false;
  int minimum_months = 0;
  int maximum_months = 0;
};

// A set of retention rules and the first decision date it governs.
struct RetentionRules {
  common::Date effective_from;
  const char* name;
  TierTerm minor;
  TierTerm general;
  TierTerm serious;
};

// The rule sets, oldest first (DOMAIN.md, "Retention"):
//   from        rules                                         minor     general       serious
//   1990-01-01  失信行为纠正后的信用信息修复管理办法（试行）  not        3 to 12       12 to 36
//   2026-04-01  信用修复管理办法                              published  months        months
// The first governs every decision dated before 2026-04-01 (1990-01-01 is the
// earliest date a decision may carry, ValidateDecision).
const std::vector<RetentionRules>& RetentionRuleSets();

// The rule set in force on `decision_date`: the latest whose effective_from is
// not after it (the first for any earlier date).
const RetentionRules& RetentionRulesOn(common::Date decision_date);

// The term of `severity` under `rules`; nullopt for no tier (kUnset or out of
// range), which is never published.
std::optional<TierTerm> TermOf(const RetentionRules& rules, CreditSeverity severity);

// Whether a decision may be public at all (a minor's case never is), and until
// when (inclusive): the maximum of its tier under the rule set in force on its
// decision date (RetentionRulesOn), the day before that many calendar months
// from the decision date. A decision without a date, without a tier, or of a
// tier the rules do not publish (minor) is not published.
struct Retention {
  bool publishable = true;
  std::optional<common::Date> public_until;  // nullopt = no end
};
Retention RetentionOf(const PenaltyDecision& decision);

// ---------------------------------------------------------------- credit repair (信用修复)

// The domains whose credit repairs wait at least kSafetyRepairMinimumMonths
// whatever the tier (特种设备, 安全生产, 消防): the setting
// GONGKAI_CREDIT_REPAIR_ONE_YEAR_DOMAINS, a comma list of domain codes
// (common/domains.h), by default this one.
inline constexpr char kDefaultOneYearRepairDomains[] = "emergency_management";
inline constexpr int kSafetyRepairMinimumMonths = 12;

// The codes of a comma list of domains: blanks around each code ignored, an
// empty list none. `problem` names every code the platform does not know
// ("" when there is none).
struct DomainList {
  std::set<std::string> codes;
  std::string problem;
};
DomainList ParseDomainList(std::string_view list);

// The rules of a credit repair on its own: `granted_by` (who granted it) and
// `reference` (the credit authority's decision number) each one line of 1 to
// 200 bytes (common::kNameText), named by field.
common::Violations ValidateCreditRepair(const std::string& granted_by, const std::string& reference);

// The earliest a credit repair of a decision may be recorded: the decision
// date plus the minimum months of its tier under the rule set in force on
// that date, or kSafetyRepairMinimumMonths when more and its domain is one
// of `one_year_domains`; `basis` says which, in words.
struct RepairMinimum {
  common::Date first_day;
  int months = 0;
  std::string basis;
};
// nullopt when the decision is not published at all (RetentionOf): it has
// nothing to repair.
std::optional<RepairMinimum> RepairMinimumOf(const PenaltyDecision& decision,
                                             const std::set<std::string>& one_year_domains);

// Why a credit repair granted on `repaired_on` may not be recorded for
// `decision` (a decision that is not published, or a day before its
// RepairMinimumOf, naming the first day allowed); nullopt when it may.
std::optional<std::string> CreditRepairRefusal(const PenaltyDecision& decision, common::Date repaired_on,
                                               const std::set<std::string>& one_year_domains);

// The last public day of a decision repaired on `repaired_on`: the day
// before, or its own last day when that is earlier.
std::optional<common::Date> PublicUntilAfterRepair(const std::optional<common::Date>& public_until,
                                                   common::Date repaired_on);

// A date plus whole calendar months, clamped to the month's last day
// (2026-01-31 + 1 month = 2026-02-28); nullopt when the result falls outside
// the years 0001 to 9999.
std::optional<common::Date> AddMonths(common::Date date, int months);

}  // namespace gongkai::penalties
