#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/legal.h"
#include "common/violations.h"

namespace gongkai::registry {

// Tiers of a discretion benchmark (裁量基准), lightest first. 0 is "unset", as
// on the wire, so a value that came in without a level can be reported.
enum class TierLevel {
  kExempt = 1,  // 轻微免罚
  kLighter,     // 一般从轻
  kOrdinary,    // 一般
  kHeavier,     // 从重
  kMaximum,     // 严重顶格
};

// What a benchmark's amounts are measured on (计算标准); 0 is "unset".
enum class Measure {
  kGoodsValue = 1,  // 货值金额
  kIllegalGains,    // 违法所得
};

// One tier: the band [from_fen, to_fen) of the measure it covers, the facts
// that keep a case in it or force a case into it, and its penalty range.
struct BenchmarkTier {
  TierLevel level{};
  int64_t from_fen = 0;
  int64_t to_fen = 0;  // 0 = no upper bound
  // Mitigating: a case in the band that misses one moves to the next heavier tier.
  bool requires_first_offence = false;
  bool requires_prompt_correction = false;
  bool requires_no_harm = false;
  // Aggravating: a case with one of these facts is put in this tier whatever its amount.
  bool on_serious_harm = false;
  bool on_repeat_offence = false;
  int64_t penalty_min_fen = 0;
  int64_t penalty_max_fen = 0;
  std::string description;  // 适用情形

  bool operator==(const BenchmarkTier&) const = default;
};

using common::LegalProvision;

// A city's benchmark table for one violation of one domain.
struct DiscretionBenchmark {
  std::string domain;
  std::string violation_code;
  std::string violation;  // 违法行为
  std::vector<LegalProvision> legal_basis;
  Measure measure{};
  std::vector<BenchmarkTier> tiers;  // lightest first
  int64_t source_version = 0;
  // nullopt when what was sent is not a date (ValidateBenchmark names it).
  std::optional<common::Date> changed_on;
  // Set by the platform.
  std::string city_code;
  std::optional<common::Date> published_on;  // the day this version was stored
};

// The facts of a case that the tiers depend on.
struct CaseFacts {
  int64_t amount_fen = 0;  // of the benchmark's measure
  bool first_offence = false;
  bool prompt_correction = false;
  bool harm_caused = false;
  bool serious_harm = false;
  bool repeat_offence = false;
};

struct TierRecommendation {
  BenchmarkTier tier;
  // The conditions that decided it, in order, in words.
  std::vector<std::string> decided_by;
};

// 轻微免罚, 一般从轻, 一般, 从重, 严重顶格; "未定级" for a value outside the enum.
std::string_view TierLevelName(TierLevel level);

// Fen as yuan with two decimals and no grouping: 123456 -> "1234.56".
std::string FormatYuan(int64_t fen);

// A benchmark's violation code: 1 to 64 characters of a-z, 0-9, '_', '.', '-'.
inline constexpr std::size_t kMaxViolationCode = 64;
// Its tiers: one per level, so at most five.
inline constexpr std::size_t kMaxTiers = 5;

// Every content rule a benchmark breaks; field paths are prefixed with `path`
// (e.g. "benchmarks[0]"). The domain must be one of EnforcementDomains() and
// changed_on may not be after `today`. The bounds of its fields (bounds.h),
// each a violation of that field:
//
//   field                     bound
//   domain                    a known domain code (at most 32 bytes)
//   violation_code            1 to 64 characters of a-z, 0-9, '_', '.', '-' (kMaxViolationCode)
//   violation                 required, one line of at most 500 bytes (kLineText)
//   legal_basis               1 to 20 provisions (kMaxProvisions), a law of at most 500 bytes each
//   tiers                     2 to 5 (kMaxTiers)
//   a tier's description      at most 500 bytes, line breaks allowed (kTierDescriptionText)
common::Violations ValidateBenchmark(const DiscretionBenchmark& b, const std::string& path, common::Date today);

// What a tier recommendation is asked for: a prefecture-level city code
// ("city_code"), a known enforcement domain ("domain"), a violation code as a
// benchmark's ("violation_code") and facts whose amount is not negative
// ("facts.amount_fen").
common::Violations ValidateRecommendRequest(const std::string& city_code, const std::string& domain,
                                            const std::string& violation_code, const CaseFacts& facts);

// The tier that applies to `facts` and why. Precondition: ValidateBenchmark(b)
// is empty and facts.amount_fen >= 0.
TierRecommendation RecommendTier(const DiscretionBenchmark& b, const CaseFacts& facts);

}  // namespace gongkai::registry
