#include "services/supervision/lead_sweep.h"

#include <algorithm>
#include <charconv>
#include <exception>
#include <map>

#include "common/kpi_tallies.h"
#include "common/log.h"
#include "common/text.h"
#include "services/supervision/province_view.h"
#include "services/supervision/supervision_kpis.h"

namespace gongkai::supervision {

const std::vector<LeadRuleSpec>& LeadRuleSpecs() {
  static const std::vector<LeadRuleSpec> kRules = {
      {"decision_published_late", {"penalties"}, true},
      {"fine_outside_tier", {"penalties"}, false},
      {"agency_list_not_current", {"penalties", "inspections"}, false},
      {"outside_powers_list", {"penalties"}, false},
      {"officer_without_certificate", {"penalties"}, false},
      {"spot_check_results_late", {"inspections"}, true},
      {"review_results_late", {"supervision"}, true},
      {"rectification_overdue", {"supervision"}, true},
      {"request_overdue", {"requests"}, false},
      {"request_very_overdue", {"requests"}, false},
      {"consultation_overdue", {"requests"}, false},
  };
  return kRules;
}

std::optional<std::vector<common::v1::LeadRule>> ParseLeadRules(std::string_view text, std::string* error) {
  // Each rule: on or off, and its threshold.
  std::map<std::string_view, std::pair<bool, int>> chosen;
  for (const LeadRuleSpec& spec : LeadRuleSpecs()) chosen[spec.name] = {true, 0};
  std::map<std::string_view, bool> named;
  const auto fail = [&](std::string_view entry, const std::string& problem) {
    *error = "entry '" + std::string(entry) + "': " + problem;
    return std::nullopt;
  };
  // The entries, each up to its comma; none in a blank text.
  for (bool more = !common::IsBlank(text); more;) {
    const std::size_t comma = text.find(',');
    const std::string_view entry = common::TrimBlank(text.substr(0, comma));
    more = comma != std::string_view::npos;
    if (more) text.remove_prefix(comma + 1);
    if (entry.empty()) return fail(entry, "empty; entries are rule, rule=threshold or -rule, separated by commas");
    const bool off = entry.starts_with('-');
    const std::size_t equals = entry.find('=');
    const std::string_view name = common::TrimBlank(entry.substr(off ? 1 : 0, equals - (off ? 1 : 0)));
    const auto spec = std::find_if(LeadRuleSpecs().begin(), LeadRuleSpecs().end(),
                                   [&](const LeadRuleSpec& s) { return s.name == name; });
    if (spec == LeadRuleSpecs().end()) return fail(entry, "unknown lead rule '" + std::string(name) + "'");
    if (named[spec->name]) return fail(entry, "the rule " + std::string(name) + " is named twice");
    named[spec->name] = true;
    int threshold = 0;
    if (equals != std::string_view::npos) {
      if (off) return fail(entry, "a rule turned off takes no threshold");
      if (!spec->has_threshold) return fail(entry, "the rule " + std::string(name) + " takes no threshold");
      const std::string_view value = common::TrimBlank(entry.substr(equals + 1));
      const auto [end, problem] = std::from_chars(value.data(), value.data() + value.size(), threshold);
      if (value.empty() || problem != std::errc() || end != value.data() + value.size() || threshold < 0 ||
          threshold > common::kMaxLeadThreshold) {
        return fail(entry,
                    "the threshold must be a whole number from 0 to " + std::to_string(common::kMaxLeadThreshold));
      }
    }
    chosen[spec->name] = {!off, threshold};
  }
  std::vector<common::v1::LeadRule> rules;
  for (const LeadRuleSpec& spec : LeadRuleSpecs()) {
    const auto& [on, threshold] = chosen[spec.name];
    if (!on) continue;
    common::v1::LeadRule& rule = rules.emplace_back();
    rule.set_name(std::string(spec.name));
    rule.set_threshold(threshold);
  }
  return rules;
}

LeadSweepSettings ReadLeadSweepSettings(common::Config& config) {
  LeadSweepSettings settings;
  const std::string text =
      config.String("GONGKAI_LEAD_RULES", "",
                    "the lead rules to run, changing the default (every rule, threshold 0): rule=threshold,-rule,...");
  std::string error;
  if (auto rules = ParseLeadRules(text, &error)) {
    settings.rules = std::move(*rules);
  } else {
    config.Fail("GONGKAI_LEAD_RULES", error);
  }
  settings.interval = std::chrono::milliseconds(config.Int("GONGKAI_LEAD_SWEEP_INTERVAL_MS", 600000, 0, 86400000,
                                                           "how often the lead rules run (0: only when asked)"));
  return settings;
}

LeadSweeper::LeadSweeper(ProvinceView& view, std::chrono::milliseconds interval) : view_(view), interval_(interval) {}

LeadSweeper::~LeadSweeper() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stop_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void LeadSweeper::Start() {
  if (interval_.count() > 0) thread_ = std::thread([this] { Run(); });
}

int LeadSweeper::sweeps() const {
  std::lock_guard lock(mutex_);
  return sweeps_;
}

void LeadSweeper::Run() {
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      if (stop_.wait_for(lock, interval_, [this] { return stopping_; })) return;
    }
    try {
      const v1::SweepLeadsResponse counts = view_.Sweep(0);
      common::Log(common::LogLevel::kInfo, "lead_sweep",
                  {{"findings", counts.findings()},
                   {"raised", counts.raised()},
                   {"seen_again", counts.seen_again()},
                   {"no_longer_observed", counts.no_longer_observed()}});
    } catch (const std::exception& e) {
      // The database is away: the next sweep tries again.
      common::Log(common::LogLevel::kWarning, "lead_sweep_failed", {{"reason", e.what()}});
    }
    std::lock_guard lock(mutex_);
    ++sweeps_;
  }
}

}  // namespace gongkai::supervision
