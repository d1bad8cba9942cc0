#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/config.h"
#include "gongkai/common/v1/kpi.pb.h"

namespace gongkai::supervision {

class ProvinceView;

// A lead rule of docs/DOMAIN.md ("Supervision leads"): its name, the
// services that hold the records it reads (each runs it over its own), and
// whether it takes a threshold.
struct LeadRuleSpec {
  std::string_view name;
  std::vector<std::string_view> services;
  bool has_threshold = false;
};

// Every lead rule, in the order of DOMAIN.md.
const std::vector<LeadRuleSpec>& LeadRuleSpecs();

// The rules to run as GONGKAI_LEAD_RULES sets them: every rule on with its
// default threshold (0), changed by a comma-separated list of entries,
// "rule=threshold" (on, with that threshold: 0 to 365, for a rule that has
// one), "rule" (on) or "-rule" (off), each rule at most once; blanks around
// entries are ignored. The rules in the order of LeadRuleSpecs, or nullopt
// with `error` naming the entry and the rule it breaks.
std::optional<std::vector<common::v1::LeadRule>> ParseLeadRules(std::string_view text, std::string* error);

// The lead sweep's settings: the rules (GONGKAI_LEAD_RULES) and how often
// they run (GONGKAI_LEAD_SWEEP_INTERVAL_MS, 10 minutes; 0: never). A bad
// value is a configuration error naming the setting (Config::Finish exits 2).
struct LeadSweepSettings {
  std::vector<common::v1::LeadRule> rules;
  std::chrono::milliseconds interval{600000};
};
LeadSweepSettings ReadLeadSweepSettings(common::Config& config);

// Runs the lead rules over the current year (ProvinceView::Sweep) from a
// thread of its own, every `interval` after Start; a sweep that fails is
// logged and the next one tries again. Destroying it stops the thread,
// after the sweep under way if any.
class LeadSweeper {
 public:
  // `view` must outlive the sweeper. An interval of 0 never sweeps.
  LeadSweeper(ProvinceView& view, std::chrono::milliseconds interval);
  ~LeadSweeper();
  LeadSweeper(const LeadSweeper&) = delete;
  LeadSweeper& operator=(const LeadSweeper&) = delete;

  // Starts the thread (none for an interval of 0).
  void Start();
  // The sweeps finished so far, failed or not.
  int sweeps() const;

 private:
  void Run();

  ProvinceView& view_;
  const std::chrono::milliseconds interval_;
  mutable std::mutex mutex_;
  std::condition_variable stop_;
  bool stopping_ = false;  // guarded by mutex_
  int sweeps_ = 0;         // guarded by mutex_
  std::thread thread_;
};

}  // namespace gongkai::supervision
