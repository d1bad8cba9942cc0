#include "services/registry/benchmark.h"

#include <algorithm>
#include <cstddef>

#include "common/domains.h"
#include "common/fields.h"
#include "common/identifiers.h"
#include "common/text.h"
#include "services/registry/bounds.h"

namespace gongkai::registry {
namespace {

bool IsKnownLevel(TierLevel level) { return level >= TierLevel::kExempt && level <= TierLevel::kMaximum; }

std::string_view MeasureName(Measure m) {
  switch (m) {
    case Measure::kGoodsValue: return "货值金额";
    case Measure::kIllegalGains: return "违法所得";
  }
  return "金额";
}

std::string TierPath(const std::string& path, std::size_t i) { return path + ".tiers[" + std::to_string(i) + "]"; }

// "tiers[2] (一般)": how descriptions name a tier, so a reader can find it in the table.
std::string TierLabel(const std::vector<BenchmarkTier>& tiers, std::size_t i) {
  return "tiers[" + std::to_string(i) + "] (" + std::string(TierLevelName(tiers[i].level)) + ")";
}

bool BandWellFormed(const BenchmarkTier& t) { return t.from_fen >= 0 && (t.to_fen == 0 || t.to_fen > t.from_fen); }

std::string BandText(const BenchmarkTier& t) {
  std::string out = "[";
  out += FormatYuan(t.from_fen);
  out += ", ";
  out += t.to_fen == 0 ? std::string("∞") : FormatYuan(t.to_fen);
  out += ")";
  return out;
}

void CheckTier(common::Violations& out, const std::string& path, const std::vector<BenchmarkTier>& tiers,
               std::size_t i) {
  const BenchmarkTier& t = tiers[i];
  const std::string p = TierPath(path, i);
  const BenchmarkTier* prev = i > 0 ? &tiers[i - 1] : nullptr;

  if (!IsKnownLevel(t.level)) {
    out.push_back({p + ".level", "required: EXEMPT, LIGHTER, ORDINARY, HEAVIER or MAXIMUM"});
  } else if (prev != nullptr && IsKnownLevel(prev->level) && t.level <= prev->level) {
    out.push_back({p + ".level", t.level == prev->level
                                     ? TierLabel(tiers, i - 1) + " and tiers[" + std::to_string(i) +
                                           "] have the same level: no level may appear twice"
                                     : "out of order: " + std::string(TierLevelName(t.level)) + " is lighter than " +
                                           TierLabel(tiers, i - 1) + " before it; tiers go lightest first"});
  }

  if (t.from_fen < 0) out.push_back({p + ".from_fen", "must not be negative"});
  if (t.to_fen < 0) {
    out.push_back({p + ".to_fen", "must not be negative (0 means no upper bound)"});
  } else if (t.from_fen >= 0 && t.to_fen != 0 && t.to_fen <= t.from_fen) {
    out.push_back(
        {p + ".to_fen", "must be above from_fen (" + FormatYuan(t.from_fen) + " yuan), or 0 for no upper bound"});
  }

  if (t.penalty_min_fen < 0) {
    out.push_back({p + ".penalty_min_fen", "must not be negative"});
  } else if (prev != nullptr && t.penalty_min_fen < prev->penalty_min_fen) {
    out.push_back({p + ".penalty_min_fen", "must be at least the minimum of " + TierLabel(tiers, i - 1) + ", " +
                                               FormatYuan(prev->penalty_min_fen) +
                                               " yuan: a heavier tier cannot allow a lighter penalty"});
  }
  if (t.penalty_max_fen < t.penalty_min_fen) {
    out.push_back(
        {p + ".penalty_max_fen", "must be at least penalty_min_fen (" + FormatYuan(t.penalty_min_fen) + " yuan)"});
  } else if (prev != nullptr && t.penalty_max_fen < prev->penalty_max_fen) {
    out.push_back({p + ".penalty_max_fen", "must be at least the maximum of " + TierLabel(tiers, i - 1) + ", " +
                                               FormatYuan(prev->penalty_max_fen) +
                                               " yuan: a heavier tier cannot cap the penalty lower"});
  }

  // Leniency conditions belong on the lenient tiers and forcing facts on the
  // severe ones, as the tier names say; anywhere else they blur what a tier means.
  if (IsKnownLevel(t.level) && t.level > TierLevel::kLighter) {
    const std::string why = "a mitigating requirement belongs only on a 轻微免罚 or 一般从轻 tier, not on " +
                            std::string(TierLevelName(t.level));
    if (t.requires_first_offence) out.push_back({p + ".requires_first_offence", why});
    if (t.requires_prompt_correction) out.push_back({p + ".requires_prompt_correction", why});
    if (t.requires_no_harm) out.push_back({p + ".requires_no_harm", why});
  }
  if (IsKnownLevel(t.level) && t.level < TierLevel::kHeavier) {
    const std::string why =
        "an aggravating trigger belongs only on a 从重 or 严重顶格 tier, not on " + std::string(TierLevelName(t.level));
    if (t.on_serious_harm) out.push_back({p + ".on_serious_harm", why});
    if (t.on_repeat_offence) out.push_back({p + ".on_repeat_offence", why});
  }

  common::CheckText(out, p + ".description", t.description, kTierDescriptionText, common::Presence::kOptional);
}

// The bands must tile [0, no upper bound) so that every amount has exactly one
// tier; each adjacent pair is compared, which is enough once they are in order.
void CheckTiling(common::Violations& out, const std::string& path, const std::vector<BenchmarkTier>& tiers) {
  if (tiers.empty()) return;
  if (tiers.front().from_fen > 0) {
    out.push_back({TierPath(path, 0) + ".from_fen", "the lightest tier must start at 0"});
  }
  for (std::size_t i = 0; i + 1 < tiers.size(); ++i) {
    if (tiers[i].to_fen == 0) out.push_back({TierPath(path, i) + ".to_fen", "only the last tier may be unbounded"});
  }
  if (tiers.back().to_fen > 0) {
    out.push_back({TierPath(path, tiers.size() - 1) + ".to_fen", "the last tier must be unbounded (to_fen 0)"});
  }
  for (std::size_t i = 1; i < tiers.size(); ++i) {
    const BenchmarkTier& prev = tiers[i - 1];
    const BenchmarkTier& cur = tiers[i];
    // A malformed band was reported on its own; an unbounded one before the end leaves nothing to compare.
    if (!BandWellFormed(prev) || !BandWellFormed(cur) || prev.to_fen == 0) continue;
    const std::string field = TierPath(path, i) + ".from_fen";
    if (cur.from_fen > prev.to_fen) {
      out.push_back({field, "gap: no tier covers " + FormatYuan(prev.to_fen) + " to " + FormatYuan(cur.from_fen) +
                                " yuan between " + TierLabel(tiers, i - 1) + " and " + TierLabel(tiers, i)});
    } else if (cur.from_fen < prev.to_fen) {
      int64_t lo = std::max(prev.from_fen, cur.from_fen);
      int64_t hi = cur.to_fen == 0 ? prev.to_fen : std::min(prev.to_fen, cur.to_fen);
      if (lo < hi) {
        out.push_back({field, "overlap: " + TierLabel(tiers, i - 1) + " and " + TierLabel(tiers, i) + " both cover " +
                                  FormatYuan(lo) + " to " + FormatYuan(hi) + " yuan"});
      } else {
        out.push_back({field, "out of order: " + TierLabel(tiers, i) + " covers " + FormatYuan(cur.from_fen) + " to " +
                                  FormatYuan(cur.to_fen) + " yuan, below " + TierLabel(tiers, i - 1) +
                                  ", which starts at " + FormatYuan(prev.from_fen) +
                                  " yuan; bands go from the lowest amount to the highest"});
      }
    }
  }
}

bool IsViolationCodeChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

// The leniency facts a case lacks for `t`, in words.
std::vector<std::string_view> MissedRequirements(const BenchmarkTier& t, const CaseFacts& f) {
  std::vector<std::string_view> missed;
  if (t.requires_first_offence && !f.first_offence) missed.push_back("not a first offence");
  if (t.requires_prompt_correction && !f.prompt_correction) missed.push_back("not corrected promptly");
  if (t.requires_no_harm && (f.harm_caused || f.serious_harm)) missed.push_back("harm was caused");
  return missed;
}

// The aggravating facts of a case that force `t`, in words.
std::vector<std::string_view> MetTriggers(const BenchmarkTier& t, const CaseFacts& f) {
  std::vector<std::string_view> met;
  if (t.on_serious_harm && f.serious_harm) met.push_back("serious harm");
  if (t.on_repeat_offence && f.repeat_offence) met.push_back("repeat offence");
  return met;
}

}  // namespace

std::string_view TierLevelName(TierLevel level) {
  switch (level) {
    case TierLevel::kExempt: return "轻微免罚";
    case TierLevel::kLighter: return "一般从轻";
    case TierLevel::kOrdinary: return "一般";
    case TierLevel::kHeavier: return "从重";
    case TierLevel::kMaximum: return "严重顶格";
  }
  return "未定级";
}

std::string FormatYuan(int64_t fen) {
  // Through unsigned so that the most negative value has a magnitude too.
  uint64_t magnitude = fen < 0 ? 0 - static_cast<uint64_t>(fen) : static_cast<uint64_t>(fen);
  uint64_t cents = magnitude % 100;
  std::string out = fen < 0 ? "-" : "";
  out += std::to_string(magnitude / 100);
  out += cents < 10 ? ".0" : ".";
  out += std::to_string(cents);
  return out;
}

common::Violations ValidateBenchmark(const DiscretionBenchmark& b, const std::string& path, common::Date today) {
  common::Violations out;
  const bool domain_given = !common::IsAsciiBlank(b.domain);
  if (!domain_given) out.push_back({path + ".domain", "required"});

  if (b.violation_code.empty()) {
    out.push_back({path + ".violation_code", "required"});
  } else if (b.violation_code.size() > kMaxViolationCode) {
    out.push_back({path + ".violation_code", "at most " + std::to_string(kMaxViolationCode) + " characters"});
  } else if (!std::all_of(b.violation_code.begin(), b.violation_code.end(), IsViolationCodeChar)) {
    out.push_back({path + ".violation_code", "only a-z, 0-9, '_', '.' and '-' are allowed"});
  }
  common::CheckText(out, path + ".violation", b.violation, kLineText, common::Presence::kRequired);

  CheckProvisions(out, path + ".legal_basis", b.legal_basis);

  if (b.measure != Measure::kGoodsValue && b.measure != Measure::kIllegalGains) {
    out.push_back({path + ".measure", "required: GOODS_VALUE or ILLEGAL_GAINS"});
  }

  if (b.tiers.size() < 2) out.push_back({path + ".tiers", "at least 2 tiers are required"});
  if (CheckListSize(out, path + ".tiers", b.tiers.size(), kMaxTiers, "tiers (one per level)")) {
    for (std::size_t i = 0; i < b.tiers.size(); ++i) CheckTier(out, path, b.tiers, i);
    CheckTiling(out, path, b.tiers);
  }

  if (domain_given && !common::IsKnownDomain(b.domain)) out.push_back({path + ".domain", UnknownDomain(b.domain)});
  common::CheckPastDate(out, path + ".changed_on", b.changed_on, today);
  if (b.source_version <= 0) out.push_back({path + ".source_version", "must be a positive version number"});
  return out;
}

common::Violations ValidateRecommendRequest(const std::string& city_code, const std::string& domain,
                                            const std::string& violation_code, const CaseFacts& facts) {
  common::Violations out;
  if (!common::IsCityCode(city_code)) {
    out.push_back({"city_code", "must be a prefecture-level city code such as 140100"});
  }
  if (!common::IsKnownDomain(domain)) out.push_back({"domain", "unknown enforcement domain"});
  if (violation_code.empty()) {
    out.push_back({"violation_code", "required"});
  } else if (violation_code.size() > kMaxViolationCode ||
             !std::all_of(violation_code.begin(), violation_code.end(), IsViolationCodeChar)) {
    out.push_back({"violation_code",
                   "at most " + std::to_string(kMaxViolationCode) + " characters of a-z, 0-9, '_', '.' and '-'"});
  }
  if (facts.amount_fen < 0) out.push_back({"facts.amount_fen", "must not be negative"});
  return out;
}

TierRecommendation RecommendTier(const DiscretionBenchmark& b, const CaseFacts& facts) {
  TierRecommendation r;
  const std::vector<BenchmarkTier>& tiers = b.tiers;
  if (tiers.empty()) return r;

  // Bands tile in ascending order, so the last tier starting at or below the
  // amount is the one whose band holds it.
  std::size_t i = 0;
  for (std::size_t j = 0; j < tiers.size(); ++j) {
    if (tiers[j].from_fen <= facts.amount_fen) i = j;
  }
  r.decided_by.push_back(std::string(MeasureName(b.measure)) + " " + FormatYuan(facts.amount_fen) + " 元 falls in " +
                         BandText(tiers[i]) + " 元");

  while (i + 1 < tiers.size()) {
    std::vector<std::string_view> missed = MissedRequirements(tiers[i], facts);
    if (missed.empty()) break;
    for (std::string_view m : missed) {
      r.decided_by.push_back(std::string(m) + ": " + std::string(TierLevelName(tiers[i].level)) + " does not apply");
    }
    ++i;
  }

  // The heaviest tier an aggravating fact forces wins; lighter forced tiers are moot.
  for (std::size_t j = tiers.size() - 1; j > i; --j) {
    std::vector<std::string_view> met = MetTriggers(tiers[j], facts);
    if (met.empty()) continue;
    for (std::string_view m : met) {
      r.decided_by.push_back(std::string(m) + ": " + std::string(TierLevelName(tiers[j].level)) + " applies");
    }
    i = j;
    break;
  }

  r.tier = tiers[i];
  return r;
}

}  // namespace gongkai::registry
