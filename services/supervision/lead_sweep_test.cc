// The lead rules' configuration (GONGKAI_LEAD_RULES) and the sweep thread.
#include "services/supervision/lead_sweep.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <thread>

#include "common/testing/dates.h"
#include "services/supervision/province_view.h"
#include "services/supervision/test_support.h"

namespace gongkai::supervision {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// The rules a configuration turns on, with their thresholds.
std::map<std::string, int> Parsed(std::string_view text) {
  std::string error;
  const auto rules = ParseLeadRules(text, &error);
  EXPECT_TRUE(rules.has_value()) << error;
  std::map<std::string, int> out;
  if (rules) {
    for (const auto& rule : *rules) out[rule.name()] = rule.threshold();
  }
  return out;
}

// The error a configuration is refused with; empty when it is taken.
std::string Refusal(std::string_view text) {
  std::string error;
  return ParseLeadRules(text, &error) ? std::string() : error;
}

TEST(LeadRules, EveryRuleOfTheContractRunsWithThresholdZeroByDefault) {
  const auto rules = Parsed("");
  EXPECT_EQ(rules.size(), 11u);
  for (const char* name :
       {"decision_published_late", "fine_outside_tier", "agency_list_not_current", "outside_powers_list",
        "officer_without_certificate", "spot_check_results_late", "review_results_late", "rectification_overdue",
        "request_overdue", "request_very_overdue", "consultation_overdue"}) {
    ASSERT_TRUE(rules.contains(name)) << name;
    EXPECT_EQ(rules.at(name), 0) << name;
  }
  EXPECT_EQ(Parsed("  "), rules);
}

TEST(LeadRules, EachRuleRunsInTheServicesHoldingItsRecords) {
  std::map<std::string, std::vector<std::string_view>> services;
  for (const auto& spec : LeadRuleSpecs()) services[std::string(spec.name)] = spec.services;
  EXPECT_THAT(services.at("agency_list_not_current"), ElementsAre("penalties", "inspections"));
  EXPECT_THAT(services.at("fine_outside_tier"), ElementsAre("penalties"));
  EXPECT_THAT(services.at("spot_check_results_late"), ElementsAre("inspections"));
  EXPECT_THAT(services.at("rectification_overdue"), ElementsAre("supervision"));
  EXPECT_THAT(services.at("consultation_overdue"), ElementsAre("requests"));
}

TEST(LeadRules, EntriesSetAThresholdOrTurnARuleOff) {
  const auto rules =
      Parsed("decision_published_late=3, -fine_outside_tier ,rectification_overdue = 30,request_overdue");
  EXPECT_EQ(rules.size(), 10u);
  EXPECT_FALSE(rules.contains("fine_outside_tier"));
  EXPECT_EQ(rules.at("decision_published_late"), 3);
  EXPECT_EQ(rules.at("rectification_overdue"), 30);
  EXPECT_EQ(rules.at("request_overdue"), 0);
  EXPECT_EQ(Parsed("spot_check_results_late=365").at("spot_check_results_late"), 365);
}

TEST(LeadRules, AnUnknownRuleIsRefusedNamingIt) {
  EXPECT_THAT(Refusal("decision_published_late=2,no_such_rule"), HasSubstr("unknown lead rule 'no_such_rule'"));
  EXPECT_THAT(Refusal("-nope"), HasSubstr("unknown lead rule 'nope'"));
}

TEST(LeadRules, ABadThresholdIsRefusedNamingTheEntry) {
  for (const char* text : {"decision_published_late=x", "decision_published_late=-1", "decision_published_late=366",
                           "decision_published_late=", "decision_published_late=3d"}) {
    const std::string error = Refusal(text);
    EXPECT_THAT(error, HasSubstr("threshold must be a whole number from 0 to 365")) << text;
    EXPECT_THAT(error, HasSubstr("decision_published_late")) << text;
  }
  EXPECT_THAT(Refusal("fine_outside_tier=2"), HasSubstr("fine_outside_tier takes no threshold"));
  EXPECT_THAT(Refusal("-decision_published_late=2"), HasSubstr("takes no threshold"));
}

TEST(LeadRules, ARuleNamedTwiceOrAnEmptyEntryIsRefused) {
  EXPECT_THAT(Refusal("request_overdue,-request_overdue"), HasSubstr("request_overdue is named twice"));
  EXPECT_THAT(Refusal("request_overdue,,consultation_overdue"), HasSubstr("empty"));
  EXPECT_THAT(Refusal("request_overdue,"), HasSubstr("empty"));
}

TEST(LeadRules, ABadListIsAConfigurationErrorNamingTheSetting) {
  common::Config config({{"GONGKAI_LEAD_RULES", "decision_published_late=2,bogus"}}, {});
  ReadLeadSweepSettings(config);
  ASSERT_EQ(config.Errors().size(), 1u);
  EXPECT_THAT(config.Errors()[0], HasSubstr("GONGKAI_LEAD_RULES"));
  EXPECT_THAT(config.Errors()[0], HasSubstr("unknown lead rule 'bogus'"));
}

TEST(LeadRules, TheSweepRunsEveryTenMinutesUnlessSetAndZeroMeansNever) {
  common::Config defaults({}, {});
  const LeadSweepSettings settings = ReadLeadSweepSettings(defaults);
  EXPECT_TRUE(defaults.Errors().empty());
  EXPECT_EQ(settings.interval, std::chrono::minutes(10));
  EXPECT_EQ(settings.rules.size(), LeadRuleSpecs().size());

  common::Config never({{"GONGKAI_LEAD_SWEEP_INTERVAL_MS", "0"}}, {});
  EXPECT_EQ(ReadLeadSweepSettings(never).interval.count(), 0);
  EXPECT_TRUE(never.Errors().empty());
  common::Config negative({{"GONGKAI_LEAD_SWEEP_INTERVAL_MS", "-5"}}, {});
  ReadLeadSweepSettings(negative);
  ASSERT_EQ(negative.Errors().size(), 1u);
  EXPECT_THAT(negative.Errors()[0], HasSubstr("GONGKAI_LEAD_SWEEP_INTERVAL_MS"));
}

// A view without sources whose sweeps are counted.
class SweeperTest : public ::testing::Test {
 protected:
  ProvinceView view_{
      {},
      registry_,
      [this](int, const std::vector<std::string>&, const std::vector<common::v1::Finding>&, common::Date) {
        ++sweeps_;
        return LeadSweepCounts{};
      },
      clock_,
      {}};
  FakeRegistry registry_;
  common::PinnedClock clock_{testing::Day("2026-07-15")};
  std::atomic<int> sweeps_{0};
};

TEST_F(SweeperTest, TheSweeperSweepsEveryIntervalAndStopsAtShutdown) {
  {
    LeadSweeper sweeper(view_, std::chrono::milliseconds(5));
    sweeper.Start();
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (sweeper.sweeps() < 2 && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    EXPECT_GE(sweeper.sweeps(), 2);
  }
  const int swept = sweeps_.load();
  EXPECT_GE(swept, 2);
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_EQ(sweeps_.load(), swept) << "no sweep after the sweeper is gone";
}

TEST_F(SweeperTest, AZeroIntervalNeverSweeps) {
  LeadSweeper sweeper(view_, std::chrono::milliseconds(0));
  sweeper.Start();
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_EQ(sweeps_.load(), 0);
  EXPECT_EQ(sweeper.sweeps(), 0);
}

TEST_F(SweeperTest, AnHourlySweeperStopsAtOnceAtShutdown) {
  const auto start = std::chrono::steady_clock::now();
  {
    LeadSweeper sweeper(view_, std::chrono::hours(1));
    sweeper.Start();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(sweeps_.load(), 0);
}

}  // namespace
}  // namespace gongkai::supervision
