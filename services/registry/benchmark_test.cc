#include "services/registry/benchmark.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "common/calendar/iso_date.h"
#include "common/testing/dates.h"

namespace gongkai::registry {
namespace {

using gongkai::testing::Day;

// The day the tables are checked on.
const common::Date kToday = Day("2026-11-28");

// The demo table of data/demo/food_safety_benchmark.json, modelled on the
// provincial 食品类违法行为裁量基准对照表. Kept in sync with that file by hand:
// change both together.
DiscretionBenchmark FoodSafetyTable() {
  DiscretionBenchmark b;
  b.domain = "market_regulation";
  b.violation_code = "food.unsafe_production";
  b.violation = "生产经营不符合食品安全标准的食品";
  b.legal_basis = {
      {.law = "中华人民共和国食品安全法", .article = 124, .paragraph = 1, .item = 1},
      {.law = "中华人民共和国行政处罚法", .article = 33, .paragraph = 1, .item = 0},
      {.law = "中华人民共和国行政处罚法", .article = 32, .paragraph = 0, .item = 1},
  };
  b.measure = Measure::kGoodsValue;
  b.tiers = {
      {.level = TierLevel::kExempt,
       .from_fen = 0,
       .to_fen = 500000,
       .requires_first_offence = true,
       .requires_prompt_correction = true,
       .requires_no_harm = true,
       .penalty_min_fen = 0,
       .penalty_max_fen = 0,
       .description = "初次违法，货值金额不足五千元，没有造成危害后果并及时改正的，可以不予行政处罚"},
      {.level = TierLevel::kLighter,
       .from_fen = 500000,
       .to_fen = 1000000,
       .requires_prompt_correction = true,
       .penalty_min_fen = 5000000,
       .penalty_max_fen = 7000000,
       .description = "货值金额不足一万元，不符合免罚情形但及时改正、主动减轻危害后果的，并处五万元以上七万元以下罚款"},
      {.level = TierLevel::kOrdinary,
       .from_fen = 1000000,
       .to_fen = 5000000,
       .penalty_min_fen = 7000000,
       .penalty_max_fen = 60000000,
       .description = "货值金额一万元以上不足五万元的，并处货值金额十倍以上二十倍以下罚款；"
                      "货值金额不足一万元但未及时改正的，并处七万元以上十万元以下罚款"},
      {.level = TierLevel::kHeavier,
       .from_fen = 5000000,
       .to_fen = 10000000,
       .on_repeat_offence = true,
       .penalty_min_fen = 60000000,
       .penalty_max_fen = 150000000,
       .description =
           "货值金额五万元以上不足十万元，或一年内因同类违法行为再次被处罚的，并处货值金额十五倍以上二十倍以下罚款"},
      {.level = TierLevel::kMaximum,
       .from_fen = 10000000,
       .to_fen = 0,
       .on_serious_harm = true,
       .penalty_min_fen = 200000000,
       .penalty_max_fen = 2000000000,
       .description = "货值金额十万元以上，或造成严重危害后果的，并处货值金额二十倍罚款；情节严重的，吊销许可证"},
  };
  b.source_version = 1;
  b.changed_on = Day("2026-03-02");
  return b;
}

// Facts that keep a case in whatever tier its amount puts it in.
CaseFacts Lenient(int64_t amount_fen) {
  return {.amount_fen = amount_fen, .first_offence = true, .prompt_correction = true};
}

std::vector<std::string> Fields(const common::Violations& v) {
  std::vector<std::string> out;
  for (const auto& x : v) out.push_back(x.field);
  return out;
}

bool Has(const common::Violations& v, const std::string& field, const std::string& description) {
  for (const auto& x : v) {
    if (x.field == field && x.description == description) return true;
  }
  return false;
}

// --- RecommendTier --------------------------------------------------------

TEST(RecommendTier, FirstOffenceUnderFiveThousandIsExempt) {
  TierRecommendation r = RecommendTier(FoodSafetyTable(), Lenient(120000));
  EXPECT_EQ(r.tier.level, TierLevel::kExempt);
  EXPECT_EQ(r.tier.penalty_max_fen, 0);
  EXPECT_EQ(r.decided_by, std::vector<std::string>{"货值金额 1200.00 元 falls in [0.00, 5000.00) 元"});
}

TEST(RecommendTier, ReturnsTheWholeTierOfTheTable) {
  DiscretionBenchmark b = FoodSafetyTable();
  EXPECT_EQ(RecommendTier(b, Lenient(2000000)).tier, b.tiers[2]);
}

TEST(RecommendTier, ZeroAmountIsInTheLightestBand) {
  EXPECT_EQ(RecommendTier(FoodSafetyTable(), Lenient(0)).tier.level, TierLevel::kExempt);
}

TEST(RecommendTier, LastFenBelowFiveThousandIsStillExempt) {
  TierRecommendation r = RecommendTier(FoodSafetyTable(), Lenient(499999));
  EXPECT_EQ(r.tier.level, TierLevel::kExempt);
  EXPECT_EQ(r.decided_by, std::vector<std::string>{"货值金额 4999.99 元 falls in [0.00, 5000.00) 元"});
}

TEST(RecommendTier, FiveThousandYuanExactlyIsLighter) {
  TierRecommendation r = RecommendTier(FoodSafetyTable(), Lenient(500000));
  EXPECT_EQ(r.tier.level, TierLevel::kLighter);
  EXPECT_EQ(r.decided_by, std::vector<std::string>{"货值金额 5000.00 元 falls in [5000.00, 10000.00) 元"});
}

// Each band holds its from_fen and its to_fen - 1; its to_fen belongs to the next band.
TEST(RecommendTier, EveryBandIsHalfOpen) {
  DiscretionBenchmark b = FoodSafetyTable();
  for (std::size_t i = 0; i < b.tiers.size(); ++i) {
    const BenchmarkTier& t = b.tiers[i];
    SCOPED_TRACE("tiers[" + std::to_string(i) + "]");
    EXPECT_EQ(RecommendTier(b, Lenient(t.from_fen)).tier.level, t.level);
    if (t.to_fen == 0) continue;
    EXPECT_EQ(RecommendTier(b, Lenient(t.to_fen - 1)).tier.level, t.level);
    EXPECT_EQ(RecommendTier(b, Lenient(t.to_fen)).tier.level, b.tiers[i + 1].level);
  }
}

TEST(RecommendTier, TopBandHasNoUpperBound) {
  TierRecommendation r = RecommendTier(FoodSafetyTable(), Lenient(100000000000));
  EXPECT_EQ(r.tier.level, TierLevel::kMaximum);
  EXPECT_EQ(r.decided_by, std::vector<std::string>{"货值金额 1000000000.00 元 falls in [100000.00, ∞) 元"});
}

TEST(RecommendTier, NotAFirstOffenceFallsFromExemptToLighter) {
  CaseFacts f = Lenient(120000);
  f.first_offence = false;
  TierRecommendation r = RecommendTier(FoodSafetyTable(), f);
  EXPECT_EQ(r.tier.level, TierLevel::kLighter);
  EXPECT_EQ(r.decided_by, (std::vector<std::string>{"货值金额 1200.00 元 falls in [0.00, 5000.00) 元",
                                                    "not a first offence: 轻微免罚 does not apply"}));
}

TEST(RecommendTier, HarmCausedFallsFromExemptToLighter) {
  CaseFacts f = Lenient(120000);
  f.harm_caused = true;
  TierRecommendation r = RecommendTier(FoodSafetyTable(), f);
  EXPECT_EQ(r.tier.level, TierLevel::kLighter);
  EXPECT_EQ(r.decided_by.back(), "harm was caused: 轻微免罚 does not apply");
}

TEST(RecommendTier, SeriousHarmAlsoRulesOutNoHarm) {
  DiscretionBenchmark b = FoodSafetyTable();
  b.tiers[4].on_serious_harm = false;  // isolate the mitigating rule
  CaseFacts f = Lenient(120000);
  f.serious_harm = true;
  TierRecommendation r = RecommendTier(b, f);
  EXPECT_EQ(r.tier.level, TierLevel::kLighter);
  EXPECT_EQ(r.decided_by.back(), "harm was caused: 轻微免罚 does not apply");
}

TEST(RecommendTier, NoPromptCorrectionFallsThroughExemptAndLighterToOrdinary) {
  CaseFacts f = Lenient(120000);
  f.prompt_correction = false;
  TierRecommendation r = RecommendTier(FoodSafetyTable(), f);
  EXPECT_EQ(r.tier.level, TierLevel::kOrdinary);
  EXPECT_EQ(r.decided_by, (std::vector<std::string>{"货值金额 1200.00 元 falls in [0.00, 5000.00) 元",
                                                    "not corrected promptly: 轻微免罚 does not apply",
                                                    "not corrected promptly: 一般从轻 does not apply"}));
}

TEST(RecommendTier, LighterBandWithoutPromptCorrectionIsOrdinary) {
  CaseFacts f = Lenient(600000);
  f.prompt_correction = false;
  TierRecommendation r = RecommendTier(FoodSafetyTable(), f);
  EXPECT_EQ(r.tier.level, TierLevel::kOrdinary);
  EXPECT_EQ(r.decided_by, (std::vector<std::string>{"货值金额 6000.00 元 falls in [5000.00, 10000.00) 元",
                                                    "not corrected promptly: 一般从轻 does not apply"}));
}

TEST(RecommendTier, EveryMissedRequirementIsNamed) {
  CaseFacts f = Lenient(120000);
  f.first_offence = false;
  f.harm_caused = true;
  TierRecommendation r = RecommendTier(FoodSafetyTable(), f);
  EXPECT_EQ(r.tier.level, TierLevel::kLighter);
  EXPECT_EQ(r.decided_by, (std::vector<std::string>{"货值金额 1200.00 元 falls in [0.00, 5000.00) 元",
                                                    "not a first offence: 轻微免罚 does not apply",
                                                    "harm was caused: 轻微免罚 does not apply"}));
}

TEST(RecommendTier, MitigatingFactsDoNotMatterFromOrdinaryUp) {
  CaseFacts f{.amount_fen = 2000000, .harm_caused = true};
  TierRecommendation r = RecommendTier(FoodSafetyTable(), f);
  EXPECT_EQ(r.tier.level, TierLevel::kOrdinary);
  EXPECT_EQ(r.decided_by, std::vector<std::string>{"货值金额 20000.00 元 falls in [10000.00, 50000.00) 元"});
}

TEST(RecommendTier, RepeatOffenceIsHeavierWhateverTheAmount) {
  CaseFacts f = Lenient(120000);
  f.first_offence = false;
  f.repeat_offence = true;
  TierRecommendation r = RecommendTier(FoodSafetyTable(), f);
  EXPECT_EQ(r.tier.level, TierLevel::kHeavier);
  EXPECT_EQ(r.decided_by,
            (std::vector<std::string>{"货值金额 1200.00 元 falls in [0.00, 5000.00) 元",
                                      "not a first offence: 轻微免罚 does not apply", "repeat offence: 从重 applies"}));
}

TEST(RecommendTier, SeriousHarmIsMaximumWhateverTheAmount) {
  CaseFacts f = Lenient(120000);
  f.harm_caused = true;
  f.serious_harm = true;
  TierRecommendation r = RecommendTier(FoodSafetyTable(), f);
  EXPECT_EQ(r.tier.level, TierLevel::kMaximum);
  EXPECT_EQ(r.decided_by,
            (std::vector<std::string>{"货值金额 1200.00 元 falls in [0.00, 5000.00) 元",
                                      "harm was caused: 轻微免罚 does not apply", "serious harm: 严重顶格 applies"}));
}

TEST(RecommendTier, HeaviestTriggeredTierWins) {
  CaseFacts f{.amount_fen = 2000000, .serious_harm = true, .repeat_offence = true};
  TierRecommendation r = RecommendTier(FoodSafetyTable(), f);
  EXPECT_EQ(r.tier.level, TierLevel::kMaximum);
  EXPECT_EQ(r.decided_by, (std::vector<std::string>{"货值金额 20000.00 元 falls in [10000.00, 50000.00) 元",
                                                    "serious harm: 严重顶格 applies"}));
}

TEST(RecommendTier, EveryTriggerMetOnTheChosenTierIsNamed) {
  DiscretionBenchmark b = FoodSafetyTable();
  b.tiers[4].on_repeat_offence = true;
  CaseFacts f{.amount_fen = 2000000, .serious_harm = true, .repeat_offence = true};
  TierRecommendation r = RecommendTier(b, f);
  EXPECT_EQ(r.tier.level, TierLevel::kMaximum);
  EXPECT_EQ(r.decided_by,
            (std::vector<std::string>{"货值金额 20000.00 元 falls in [10000.00, 50000.00) 元",
                                      "serious harm: 严重顶格 applies", "repeat offence: 严重顶格 applies"}));
}

TEST(RecommendTier, AggravatingTriggerNeverLowersATier) {
  CaseFacts f{.amount_fen = 20000000, .repeat_offence = true};
  TierRecommendation r = RecommendTier(FoodSafetyTable(), f);
  EXPECT_EQ(r.tier.level, TierLevel::kMaximum);
  EXPECT_EQ(r.decided_by, std::vector<std::string>{"货值金额 200000.00 元 falls in [100000.00, ∞) 元"});
}

TEST(RecommendTier, TriggerOfTheTierAlreadyReachedAddsNoReason) {
  CaseFacts f{.amount_fen = 6000000, .repeat_offence = true};
  TierRecommendation r = RecommendTier(FoodSafetyTable(), f);
  EXPECT_EQ(r.tier.level, TierLevel::kHeavier);
  EXPECT_EQ(r.decided_by.size(), 1u);
}

TEST(RecommendTier, IllegalGainsAreNamedAsSuch) {
  DiscretionBenchmark b = FoodSafetyTable();
  b.measure = Measure::kIllegalGains;
  EXPECT_EQ(RecommendTier(b, Lenient(120000)).decided_by,
            std::vector<std::string>{"违法所得 1200.00 元 falls in [0.00, 5000.00) 元"});
}

// --- ValidateBenchmark ----------------------------------------------------

TEST(BenchmarkRules, FoodSafetyTableIsValid) {
  EXPECT_EQ(ValidateBenchmark(FoodSafetyTable(), "benchmarks[0]", kToday), common::Violations{});
}

TEST(BenchmarkRules, GapBetweenTiersIsNamed) {
  DiscretionBenchmark b = FoodSafetyTable();
  b.tiers[2].from_fen = 2000000;
  EXPECT_EQ(ValidateBenchmark(b, "benchmarks[0]", kToday),
            (common::Violations{{"benchmarks[0].tiers[2].from_fen",
                                 "gap: no tier covers 10000.00 to 20000.00 yuan between tiers[1] (一般从轻) and "
                                 "tiers[2] (一般)"}}));
}

TEST(BenchmarkRules, OverlapBetweenTiersIsNamed) {
  DiscretionBenchmark b = FoodSafetyTable();
  b.tiers[2].from_fen = 800000;
  EXPECT_EQ(
      ValidateBenchmark(b, "benchmarks[0]", kToday),
      (common::Violations{{"benchmarks[0].tiers[2].from_fen",
                           "overlap: tiers[1] (一般从轻) and tiers[2] (一般) both cover 8000.00 to 10000.00 yuan"}}));
}

TEST(BenchmarkRules, OverlapIntoAnUnboundedTierIsNamed) {
  DiscretionBenchmark b = FoodSafetyTable();
  b.tiers[4].from_fen = 9000000;
  EXPECT_EQ(
      ValidateBenchmark(b, "b", kToday),
      (common::Violations{{"b.tiers[4].from_fen",
                           "overlap: tiers[3] (从重) and tiers[4] (严重顶格) both cover 90000.00 to 100000.00 yuan"}}));
}

TEST(BenchmarkRules, BandBelowThePreviousOneIsOutOfOrder) {
  DiscretionBenchmark b = FoodSafetyTable();
  b.tiers[2].from_fen = 100000;
  b.tiers[2].to_fen = 400000;
  auto v = ValidateBenchmark(b, "b", kToday);
  EXPECT_TRUE(Has(v, "b.tiers[2].from_fen",
                  "out of order: tiers[2] (一般) covers 1000.00 to 4000.00 yuan, below tiers[1] (一般从轻), which "
                  "starts at 5000.00 yuan; bands go from the lowest amount to the highest"));
  EXPECT_TRUE(Has(v, "b.tiers[3].from_fen",
                  "gap: no tier covers 4000.00 to 50000.00 yuan between tiers[2] (一般) and tiers[3] (从重)"));
}

TEST(BenchmarkRules, LightestTierMustStartAtZero) {
  DiscretionBenchmark b = FoodSafetyTable();
  b.tiers[0].from_fen = 100;
  EXPECT_EQ(ValidateBenchmark(b, "benchmarks[0]", kToday),
            (common::Violations{{"benchmarks[0].tiers[0].from_fen", "the lightest tier must start at 0"}}));
}

TEST(BenchmarkRules, OnlyTheLastTierMayBeUnbounded) {
  DiscretionBenchmark b = FoodSafetyTable();
  b.tiers[3].to_fen = 0;
  EXPECT_EQ(ValidateBenchmark(b, "benchmarks[0]", kToday),
            (common::Violations{{"benchmarks[0].tiers[3].to_fen", "only the last tier may be unbounded"}}));
}

TEST(BenchmarkRules, LastTierMustBeUnbounded) {
  DiscretionBenchmark b = FoodSafetyTable();
  b.tiers[4].to_fen = 20000000;
  EXPECT_EQ(ValidateBenchmark(b, "benchmarks[0]", kToday),
            (common::Violations{{"benchmarks[0].tiers[4].to_fen", "the last tier must be unbounded (to_fen 0)"}}));
}

TEST(BenchmarkRules, BandMustEndAboveItsStart) {
  DiscretionBenchmark b = FoodSafetyTable();
  b.tiers[1].to_fen = 500000;
  EXPECT_EQ(
      ValidateBenchmark(b, "b", kToday),
      (common::Violations{{"b.tiers[1].to_fen", "must be above from_fen (5000.00 yuan), or 0 for no upper bound"}}));
}

TEST(BenchmarkRules, AmountsAndPenaltiesCannotBeNegative) {
  DiscretionBenchmark b = FoodSafetyTable();
  b.tiers[0].from_fen = -1;
  b.tiers[0].penalty_min_fen = -1;
  b.tiers[4].to_fen = -1;
  EXPECT_EQ(ValidateBenchmark(b, "b", kToday),
            (common::Violations{{"b.tiers[0].from_fen", "must not be negative"},
                                {"b.tiers[0].penalty_min_fen", "must not be negative"},
                                {"b.tiers[4].to_fen", "must not be negative (0 means no upper bound)"}}));
}

TEST(BenchmarkRules, LevelAppearsOnlyOnce) {
  DiscretionBenchmark b = FoodSafetyTable();
  b.tiers[2].level = TierLevel::kLighter;
  EXPECT_EQ(ValidateBenchmark(b, "b", kToday),
            (common::Violations{{"b.tiers[2].level",
                                 "tiers[1] (一般从轻) and tiers[2] have the same level: no level may appear twice"}}));
}

TEST(BenchmarkRules, LevelsGoLightestFirst) {
  DiscretionBenchmark b = FoodSafetyTable();
  b.tiers[2].level = TierLevel::kExempt;
  EXPECT_EQ(ValidateBenchmark(b, "b", kToday),
            (common::Violations{{"b.tiers[2].level",
                                 "out of order: 轻微免罚 is lighter than tiers[1] (一般从轻) before it; tiers go "
                                 "lightest first"}}));
}

TEST(BenchmarkRules, LevelIsRequired) {
  DiscretionBenchmark b = FoodSafetyTable();
  b.tiers[2].level = TierLevel{};
  EXPECT_EQ(ValidateBenchmark(b, "b", kToday),
            (common::Violations{{"b.tiers[2].level", "required: EXEMPT, LIGHTER, ORDINARY, HEAVIER or MAXIMUM"}}));
}

TEST(BenchmarkRules, PenaltyMaxCannotBeBelowMin) {
  DiscretionBenchmark b = FoodSafetyTable();
  b.tiers[2].penalty_max_fen = 6000000;
  EXPECT_EQ(ValidateBenchmark(b, "b", kToday),
            (common::Violations{{"b.tiers[2].penalty_max_fen", "must be at least penalty_min_fen (70000.00 yuan)"}}));
}

TEST(BenchmarkRules, HeavierTierCannotAllowALighterPenalty) {
  DiscretionBenchmark b = FoodSafetyTable();
  b.tiers[3].penalty_min_fen = 1000000;
  EXPECT_EQ(ValidateBenchmark(b, "b", kToday),
            (common::Violations{{"b.tiers[3].penalty_min_fen",
                                 "must be at least the minimum of tiers[2] (一般), 70000.00 yuan: a heavier tier "
                                 "cannot allow a lighter penalty"}}));
}

TEST(BenchmarkRules, HeavierTierCannotCapThePenaltyLower) {
  DiscretionBenchmark b = FoodSafetyTable();
  b.tiers[2].penalty_max_fen = 200000000;
  EXPECT_EQ(ValidateBenchmark(b, "b", kToday),
            (common::Violations{{"b.tiers[3].penalty_max_fen",
                                 "must be at least the maximum of tiers[2] (一般), 2000000.00 yuan: a heavier tier "
                                 "cannot cap the penalty lower"}}));
}

TEST(BenchmarkRules, MitigatingRequirementOnlyOnExemptOrLighter) {
  DiscretionBenchmark b = FoodSafetyTable();
  b.tiers[3].requires_first_offence = true;
  b.tiers[2].requires_no_harm = true;
  EXPECT_EQ(
      ValidateBenchmark(b, "b", kToday),
      (common::Violations{{"b.tiers[2].requires_no_harm",
                           "a mitigating requirement belongs only on a 轻微免罚 or 一般从轻 tier, not on 一般"},
                          {"b.tiers[3].requires_first_offence",
                           "a mitigating requirement belongs only on a 轻微免罚 or 一般从轻 tier, not on 从重"}}));
}

TEST(BenchmarkRules, AggravatingTriggerOnlyOnHeavierOrMaximum) {
  DiscretionBenchmark b = FoodSafetyTable();
  b.tiers[2].on_serious_harm = true;
  b.tiers[0].on_repeat_offence = true;
  EXPECT_EQ(ValidateBenchmark(b, "b", kToday),
            (common::Violations{{"b.tiers[0].on_repeat_offence",
                                 "an aggravating trigger belongs only on a 从重 or 严重顶格 tier, not on 轻微免罚"},
                                {"b.tiers[2].on_serious_harm",
                                 "an aggravating trigger belongs only on a 从重 or 严重顶格 tier, not on 一般"}}));
}

TEST(BenchmarkRules, AtLeastTwoTiers) {
  DiscretionBenchmark b = FoodSafetyTable();
  b.tiers.resize(1);
  b.tiers[0].to_fen = 0;
  EXPECT_EQ(ValidateBenchmark(b, "b", kToday), (common::Violations{{"b.tiers", "at least 2 tiers are required"}}));
  b.tiers.clear();
  EXPECT_EQ(ValidateBenchmark(b, "b", kToday), (common::Violations{{"b.tiers", "at least 2 tiers are required"}}));
}

// One tier per level: a table of more than five is one violation of the
// list, and its tiers are not judged one by one.
TEST(BenchmarkRules, AtMostFiveTiersAndAnOverLongListIsOneViolation) {
  DiscretionBenchmark b = FoodSafetyTable();
  ASSERT_EQ(b.tiers.size(), 5u);
  EXPECT_EQ(ValidateBenchmark(b, "b", kToday), common::Violations{});
  BenchmarkTier broken = b.tiers[0];
  broken.from_fen = -1;
  broken.penalty_min_fen = -1;
  b.tiers.assign(20'000, broken);
  EXPECT_EQ(ValidateBenchmark(b, "b", kToday),
            (common::Violations{{"b.tiers", "at most 5 tiers (one per level) (got 20000)"}}));
}

TEST(BenchmarkRules, AnOverLongLegalBasisIsOneViolationOfTheList) {
  DiscretionBenchmark b = FoodSafetyTable();
  b.legal_basis.assign(20, {"中华人民共和国食品安全法", 124, 1, 1});
  EXPECT_EQ(ValidateBenchmark(b, "b", kToday), common::Violations{});
  b.legal_basis.assign(21, {"", 0, 0, 0});
  EXPECT_EQ(ValidateBenchmark(b, "b", kToday),
            (common::Violations{{"b.legal_basis", "at most 20 legal provisions (got 21)"}}));
}

TEST(BenchmarkRules, TheViolationAndTierDescriptionsAreBoundedText) {
  DiscretionBenchmark b = FoodSafetyTable();
  b.violation = std::string(500, 'v');
  b.tiers[0].description = std::string(499, 'd') + "\n";  // a description may break lines
  EXPECT_EQ(ValidateBenchmark(b, "b", kToday), common::Violations{});
  b.violation += "v";
  b.tiers[0].description += "d";
  b.tiers[1].description = "及时\x07改正";
  EXPECT_EQ(ValidateBenchmark(b, "b", kToday),
            (common::Violations{{"b.violation", "at most 500 bytes (got 501)"},
                                {"b.tiers[0].description", "at most 500 bytes (got 501)"},
                                {"b.tiers[1].description", "contains a control character (U+0007)"}}));
}

TEST(BenchmarkRules, LegalBasisIsRequired) {
  DiscretionBenchmark b = FoodSafetyTable();
  b.legal_basis.clear();
  EXPECT_EQ(ValidateBenchmark(b, "benchmarks[0]", kToday),
            (common::Violations{{"benchmarks[0].legal_basis", "at least one legal provision is required"}}));
}

TEST(BenchmarkRules, ProvisionNeedsLawAndArticle) {
  DiscretionBenchmark b = FoodSafetyTable();
  b.legal_basis[0].article = 0;
  b.legal_basis[1].law = "  ";
  EXPECT_EQ(ValidateBenchmark(b, "benchmarks[0]", kToday),
            (common::Violations{{"benchmarks[0].legal_basis[0].article", "must be 1 or more"},
                                {"benchmarks[0].legal_basis[1].law", "required"}}));
}

TEST(BenchmarkRules, ItemWithoutParagraphIsAllowed) {
  EXPECT_TRUE(common::ValidateLegalBasis({{.law = "中华人民共和国行政处罚法", .article = 32, .item = 1}}, "p").empty());
}

TEST(BenchmarkRules, ParagraphAndItemCannotBeNegative) {
  EXPECT_EQ(common::ValidateLegalBasis(
                {{.law = "中华人民共和国食品安全法", .article = 124, .paragraph = -1, .item = -2}}, "p"),
            (common::Violations{{"p[0].paragraph", "must not be negative (0 = not cited)"},
                                {"p[0].item", "must not be negative (0 = not cited)"}}));
}

TEST(BenchmarkRules, HeaderFieldsAreRequired) {
  DiscretionBenchmark b = FoodSafetyTable();
  b.domain = " ";
  b.violation_code = "";
  b.violation = "";
  b.measure = Measure{};
  EXPECT_EQ(Fields(ValidateBenchmark(b, "b", kToday)),
            (std::vector<std::string>{"b.domain", "b.violation_code", "b.violation", "b.measure"}));
}

TEST(BenchmarkRules, ViolationCodeIsLowercaseDotted) {
  DiscretionBenchmark b = FoodSafetyTable();
  b.violation_code = "Food.Unsafe";
  EXPECT_EQ(ValidateBenchmark(b, "b", kToday),
            (common::Violations{{"b.violation_code", "only a-z, 0-9, '_', '.' and '-' are allowed"}}));
  b.violation_code = std::string(64, 'a');
  EXPECT_TRUE(ValidateBenchmark(b, "b", kToday).empty());
  b.violation_code = std::string(65, 'a');
  EXPECT_EQ(ValidateBenchmark(b, "b", kToday), (common::Violations{{"b.violation_code", "at most 64 characters"}}));
}

TEST(BenchmarkRules, DomainMustBeAnEnforcementDomain) {
  DiscretionBenchmark b = FoodSafetyTable();
  b.domain = "astrology";
  EXPECT_EQ(ValidateBenchmark(b, "b", kToday),
            (common::Violations{{"b.domain", "unknown enforcement domain 'astrology'"}}));
}

TEST(BenchmarkRules, ChangeDayIsADateNotInTheFuture) {
  DiscretionBenchmark b = FoodSafetyTable();
  b.changed_on = std::nullopt;  // sent as "2026-02-30": not a date
  EXPECT_EQ(ValidateBenchmark(b, "b", kToday), (common::Violations{{"b.changed_on", "must be a date YYYY-MM-DD"}}));
  b.changed_on = Day("2026-11-29");
  EXPECT_EQ(ValidateBenchmark(b, "b", kToday), (common::Violations{{"b.changed_on", "must not be in the future"}}));
  b.changed_on = kToday;
  EXPECT_TRUE(ValidateBenchmark(b, "b", kToday).empty());
}

TEST(BenchmarkRules, SourceVersionIsPositive) {
  DiscretionBenchmark b = FoodSafetyTable();
  b.source_version = 0;
  EXPECT_EQ(ValidateBenchmark(b, "b", kToday),
            (common::Violations{{"b.source_version", "must be a positive version number"}}));
}

// --- Names and amounts ----------------------------------------------------

TEST(RecommendRequestRules, ACityADomainAViolationAndNoNegativeAmount) {
  const CaseFacts facts{.amount_fen = 0};
  EXPECT_EQ(ValidateRecommendRequest("140100", "market_regulation", "food.unsafe_production", facts),
            common::Violations{});
  EXPECT_EQ(ValidateRecommendRequest("", "", "", CaseFacts{.amount_fen = -1}),
            (common::Violations{{"city_code", "must be a prefecture-level city code such as 140100"},
                                {"domain", "unknown enforcement domain"},
                                {"violation_code", "required"},
                                {"facts.amount_fen", "must not be negative"}}));
  EXPECT_EQ(ValidateRecommendRequest("140105", "market_regulation", "food.unsafe_production", facts),
            (common::Violations{{"city_code", "must be a prefecture-level city code such as 140100"}}));
  EXPECT_EQ(ValidateRecommendRequest("140100", "weather", "food.unsafe_production", facts),
            (common::Violations{{"domain", "unknown enforcement domain"}}));
  const std::string rule = "at most 64 characters of a-z, 0-9, '_', '.' and '-'";
  EXPECT_EQ(ValidateRecommendRequest("140100", "market_regulation", std::string(65, 'a'), facts),
            (common::Violations{{"violation_code", rule}}));
  EXPECT_EQ(ValidateRecommendRequest("140100", "market_regulation", "食品", facts),
            (common::Violations{{"violation_code", rule}}));
}

TEST(BenchmarkNames, TierLevelsHaveThePlanNames) {
  EXPECT_EQ(TierLevelName(TierLevel::kExempt), "轻微免罚");
  EXPECT_EQ(TierLevelName(TierLevel::kLighter), "一般从轻");
  EXPECT_EQ(TierLevelName(TierLevel::kOrdinary), "一般");
  EXPECT_EQ(TierLevelName(TierLevel::kHeavier), "从重");
  EXPECT_EQ(TierLevelName(TierLevel::kMaximum), "严重顶格");
  EXPECT_EQ(TierLevelName(TierLevel{}), "未定级");
}

TEST(BenchmarkNames, FenAreFormattedAsYuanWithTwoDecimals) {
  EXPECT_EQ(FormatYuan(0), "0.00");
  EXPECT_EQ(FormatYuan(5), "0.05");
  EXPECT_EQ(FormatYuan(123456), "1234.56");
  EXPECT_EQ(FormatYuan(500000), "5000.00");
  EXPECT_EQ(FormatYuan(-150), "-1.50");
  EXPECT_EQ(FormatYuan(std::numeric_limits<int64_t>::min()), "-92233720368547758.08");
}

}  // namespace
}  // namespace gongkai::registry
