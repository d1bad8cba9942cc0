#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/legal.h"
#include "common/personal_data.h"
#include "common/violations.h"

namespace gongkai::penalties {

// Masking is the platform's (common/personal_data.h); penalties use it unqualified.
using common::HoldsOwnPersonalData;
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
//   party.id_number                                18 characters (GB 11643); empty for an organisation
//   party.address                                  1000 bytes (common::kPlainText)
//   party.bank_account                             64 bytes (kMaxBankAccountBytes); never published
//   mentioned_persons                              at most 50 names (kMaxMentionedPersons) of 1 to 200 bytes
//                                                  each; never published
//   facts, legal_application_explanation           20,000 bytes, paragraphs (common::kLongText); also as published
//   result.other                                   1000 bytes; also as published
//   remedy.review_body, remedy.litigation_court    200 bytes
//   benchmark_violation_code                       200 bytes
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

// The party a decision or measure is against (当事人).
struct Party {
  enum class Kind { kUnset = 0, kOrganization = 1, kNaturalPerson = 2 };
  Kind kind = Kind::kUnset;
  std::string name;
  std::string credit_code;  // organisations: unified social credit code (GB 32100)
  std::string id_number;    // natural persons: citizen ID number (GB 11643)
  bool minor = false;       // a natural person under 18: the case is never published
  // Never published; kept for the city and the province, and masked
  // wherever the record's published text repeats them (PublicDecision).
  std::string address;
  std::string phone;
  std::string bank_account{};  // 账号; empty where a party is written as {kind, name, ..., phone}
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
  // Major penalties only (IsMajor): 法律适用说明, naming the benchmark tier used.
  std::string legal_application_explanation;
  std::string benchmark_violation_code;  // the benchmark table applied, when one exists
  int32_t benchmark_tier = 0;            // TierLevel of the registry (1 轻微免罚 .. 5 严重顶格)
  // Natural persons other than the party whom the record names (witnesses,
  // informants, employees, relatives). Never published; masked like the
  // party's name wherever the published text names them.
  std::vector<std::string> mentioned_persons;
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

// 重大行政处罚: a fine over 500 000 yuan, a suspension over 3 months (90
// days), or a revoked licence.
bool IsMajor(const PenaltyResult& result);

// Every content rule a decision breaks (DOMAIN.md, "Penalty decision"), field
// by field under `path`. `today` bounds the decision date. Free text must be
// valid UTF-8 without control characters and within its length limit; a major
// penalty needs the legal-application explanation and the benchmark tier.
common::Violations ValidateDecision(const PenaltyDecision& decision, const std::string& path, common::Date today);

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

// A major penalty's explanation names a tier; when the city has a benchmark
// for the violation (`tiers`), the tier must be one of them and the fine
// within its range. The violations, under `path`; none for a decision that
// names no benchmark.
common::Violations CheckBenchmarkTier(const PenaltyDecision& decision, const std::vector<BenchmarkTier>& tiers,
                                      const std::string& path);

// The public form of a party (脱敏): a natural person's name as surname +
// 某某 (MaskName), the ID number as its first 6 and last 4 with the middle
// masked, no credit code; an organisation in full with its credit code; no
// address, phone or bank account for either.
Party MaskParty(const Party& party);

// Whether a decision may be public at all (a minor's case never is), and until
// when (inclusive): decisions dated on or after 2026-04-01 follow the
// 信用修复管理办法 tiers, counted in calendar months from the decision date:
// minor, not published; general, 1 year; serious, 3 years. Earlier decisions
// carry no end date.
struct Retention {
  bool publishable = true;
  std::optional<common::Date> public_until;  // nullopt = no end
};
Retention RetentionOf(const PenaltyDecision& decision);

// A date plus whole calendar months, clamped to the month's last day
// (2026-01-31 + 1 month = 2026-02-28); nullopt when the result falls outside
// the years 0001 to 9999.
std::optional<common::Date> AddMonths(common::Date date, int months);

}  // namespace gongkai::penalties
