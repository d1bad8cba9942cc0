#include "services/supervision/province_view.h"

#include <algorithm>
#include <cstdint>
#include <exception>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <tuple>
#include <type_traits>
#include <utility>

#include "common/calendar/iso_date.h"
#include "common/current_call.h"
#include "common/errors.h"
#include "common/identifiers.h"
#include "common/kpi.h"
#include "common/kpi_tallies.h"
#include "common/log.h"
#include "services/supervision/lead_sweep.h"

namespace gongkai::supervision {
namespace {

using common::ServiceError;
using common::v1::KpiTally;
using common::v1::RecordLink;

// The records listed behind a figure when the request says 0.
constexpr int kDefaultMisses = 20;

// The four KPIs in the order of DOMAIN.md.
constexpr std::string_view kKpis[] = {common::kKpiCoverage, common::kKpiKeyDomainTimeliness,
                                      common::kKpiConsultationResponse, common::kKpiStandardisedReply};

bool IsKpi(const std::string& name) { return std::find(std::begin(kKpis), std::end(kKpis), name) != std::end(kKpis); }

int YearOf(common::Date day) { return static_cast<int>(std::chrono::year_month_day(day).year()); }

// Asks every source at once, each from a thread of its own that carries on
// this thread's call (its deadline and lane, for the database) and request
// id. The answers in the order of the sources; a failure is rethrown by its
// future's get(). The futures wait for their threads when destroyed.
template <typename Ask>
auto AskEach(const std::vector<KpiSource*>& sources, const Ask& ask) {
  using Answer = std::invoke_result_t<const Ask&, KpiSource&>;
  std::optional<common::CurrentCall> call;
  if (const common::CurrentCall* current = common::CurrentCallOfThisThread()) call = *current;
  const std::string request_id = common::RequestScope::Current();
  std::vector<std::future<Answer>> answers;
  answers.reserve(sources.size());
  for (KpiSource* source : sources) {
    answers.push_back(std::async(std::launch::async, [source, ask, call, request_id] {
      common::RequestScope scope(request_id);
      std::optional<common::ScopedCurrentCall> in_call;
      if (call) in_call.emplace(*call);
      return ask(*source);
    }));
  }
  return answers;
}

// One scope's figures as the tallies add up, by (kpi, rule): a KPI's total
// under (kpi, ""), its parts under (kpi, rule), a deadline rule's own figure
// under ("", rule). The first `max_misses` misses in order are listed (0:
// none), the rest counted.
class Sums {
 public:
  explicit Sums(int max_misses) : max_misses_(max_misses) {}

  void Add(const KpiTally& tally) {
    if (tally.kpi().empty()) {
      if (!tally.rule().empty()) Into(figures_[{"", tally.rule()}], tally);
      return;
    }
    if (!IsKpi(tally.kpi())) return;
    Into(figures_[{tally.kpi(), ""}], tally);
    if (!tally.rule().empty()) Into(figures_[{tally.kpi(), tally.rule()}], tally);
  }

  // The scope's figures: each KPI's total (there even when nothing was due)
  // followed by its parts by rule, then the deadline rules' by rule.
  v1::ScopeKpis Scope(const std::string& scope) const {
    v1::ScopeKpis out;
    out.set_scope(scope);
    for (std::string_view kpi : kKpis) {
      const std::string name(kpi);
      *out.add_kpis() = Figure(name, "");
      for (auto it = figures_.upper_bound({name, ""}); it != figures_.end() && it->first.first == name; ++it) {
        *out.add_kpis() = Figure(name, it->first.second);
      }
    }
    for (auto it = figures_.begin(); it != figures_.end() && it->first.first.empty(); ++it) {
      *out.add_rules() = Figure("", it->first.second);
    }
    return out;
  }

 private:
  void Into(v1::KpiFigure& figure, const KpiTally& tally) const {
    figure.set_due(figure.due() + tally.due());
    figure.set_met(figure.met() + tally.met());
    figure.set_misses_unlisted(figure.misses_unlisted() + tally.misses_unlisted());
    // All kept until the figure is stated (Figure), which lists the first
    // max_misses in order: each tally holds at most max_misses.
    if (max_misses_ > 0) figure.mutable_misses()->MergeFrom(tally.misses());
  }

  v1::KpiFigure Figure(const std::string& kpi, const std::string& rule) const {
    v1::KpiFigure figure;
    if (auto it = figures_.find({kpi, rule}); it != figures_.end()) figure = it->second;
    figure.set_kpi(kpi);
    figure.set_rule(rule);
    figure.set_ratio(common::Share(static_cast<double>(figure.met()), static_cast<double>(figure.due())));
    if (max_misses_ == 0 || figure.ratio() >= 1) {
      figure.clear_misses();
      figure.clear_misses_unlisted();
    } else {
      auto* misses = figure.mutable_misses();
      std::sort(misses->begin(), misses->end(), [](const RecordLink& a, const RecordLink& b) {
        return std::tie(a.service(), a.kind(), a.key()) < std::tie(b.service(), b.kind(), b.key());
      });
      if (misses->size() > max_misses_) {
        figure.set_misses_unlisted(figure.misses_unlisted() + misses->size() - max_misses_);
        misses->DeleteSubrange(max_misses_, misses->size() - max_misses_);
      }
    }
    return figure;
  }

  int max_misses_;
  std::map<std::pair<std::string, std::string>, v1::KpiFigure> figures_;
};

// The scope a GetKpis request names, as its caller may see it.
enum class Level { kProvince, kCity, kAgency };
struct KpiScope {
  Level level = Level::kProvince;
  // "province", the city code or the agency's credit code.
  std::string name;
  std::string city_code;
};

void CheckKpisRequest(const v1::GetKpisRequest& request, common::Date today) {
  common::Violations violations;
  const int next_year = YearOf(today) + 1;
  if (request.year() < common::kMinKpiYear || request.year() > next_year) {
    violations.push_back(
        {"year", "must be from " + std::to_string(common::kMinKpiYear) + " to " + std::to_string(next_year)});
  }
  if (request.max_misses() < 0 || request.max_misses() > common::kMaxKpiMisses) {
    violations.push_back({"max_misses", "must be from 0 (meaning " + std::to_string(kDefaultMisses) + ") to " +
                                            std::to_string(common::kMaxKpiMisses)});
  }
  const std::string& city = request.city_code();
  if (!city.empty() && (common::CheckAreaCode(city) || !city.ends_with("00"))) {
    violations.push_back({"city_code", "must be a city code: 6 digits ending in 00, such as 140100"});
  }
  if (!request.agency_credit_code().empty()) {
    if (auto problem = common::CheckCreditCode(request.agency_credit_code())) {
      violations.push_back({"agency_credit_code", *problem});
    } else if (!city.empty()) {
      violations.push_back({"agency_credit_code", "names the scope alone: give city_code or agency_credit_code"});
    }
  }
  common::ThrowIfAny(violations, "bad KPI request");
}

KpiScope ScopeOf(const v1::GetKpisRequest& request, const common::CallerIdentity& caller,
                 registry::RegistryClient& registry) {
  const bool city_caller = caller.role == common::v1::ROLE_CITY;
  if (!city_caller && caller.role != common::v1::ROLE_PROVINCE) {
    throw ServiceError::PermissionDenied("the KPIs are the province's and the cities'");
  }
  if (!request.agency_credit_code().empty()) {
    const std::string& agency = request.agency_credit_code();
    const auto info = registry.Agency(agency);
    if (!info) {
      throw ServiceError::InvalidArgument("bad KPI request",
                                          {{"agency_credit_code", "no such agency in the registry"}});
    }
    if (city_caller && info->city_code != caller.city_code) {
      throw ServiceError::PermissionDenied("agency " + agency + " is registered to city " + info->city_code + ", not " +
                                           caller.city_code);
    }
    return {Level::kAgency, agency, info->city_code};
  }
  if (!request.city_code().empty() || city_caller) {
    const std::string city = request.city_code().empty() ? caller.city_code : request.city_code();
    if (city_caller && city != caller.city_code) {
      throw ServiceError::PermissionDenied("city " + city + " is not the caller's city " + caller.city_code);
    }
    return {Level::kCity, city, city};
  }
  return {Level::kProvince, "province", ""};
}

}  // namespace

RecordFindingsFn RecordFindingsIn(SupervisionStore& store) {
  return [&store](int year, const std::vector<std::string>& rules_run, const std::vector<common::v1::Finding>& findings,
                  common::Date today) { return store.RecordFindings(year, rules_run, findings, today); };
}

ProvinceView::ProvinceView(std::vector<KpiSource*> sources, registry::RegistryClient& registry, RecordFindingsFn record,
                           const common::Clock& clock, std::vector<common::v1::LeadRule> rules)
    : sources_(std::move(sources)),
      registry_(registry),
      record_(std::move(record)),
      clock_(clock),
      rules_(std::move(rules)) {}

v1::GetKpisResponse ProvinceView::Kpis(const v1::GetKpisRequest& request, const common::CallerIdentity& caller) {
  const common::Date today = clock_.Today();
  CheckKpisRequest(request, today);
  const KpiScope scope = ScopeOf(request, caller, registry_);
  const int max_misses = request.max_misses() == 0 ? kDefaultMisses : request.max_misses();

  // The province asks per city, a city per agency, an agency its own; each
  // with the misses its own figures list.
  common::v1::GetKpiTalliesRequest ask;
  ask.set_year(request.year());
  ask.set_max_misses(max_misses);
  ask.set_city_code(scope.city_code);
  if (scope.level == Level::kAgency) ask.set_agency_credit_code(scope.name);
  ask.set_group_by_city(scope.level == Level::kProvince);
  auto answers = AskEach(sources_, [&ask](KpiSource& source) { return source.Tallies(ask); });

  Sums total(max_misses);
  std::map<std::string, Sums> parts;  // by code
  // The records overdue, by (kind, city): per city, so none for an agency.
  std::map<std::pair<std::string, std::string>, int64_t> overdue;
  std::vector<std::string> unavailable;
  for (auto& answer : answers) {
    common::v1::GetKpiTalliesResponse tallies;
    try {
      tallies = answer.get();
    } catch (const ServiceError& e) {
      if (e.code() != grpc::StatusCode::UNAVAILABLE) throw;
      unavailable.push_back(e.what());
      continue;
    }
    for (const KpiTally& tally : tallies.tallies()) {
      std::string part;
      switch (scope.level) {
        case Level::kProvince: part = tally.city_code(); break;
        case Level::kCity:
          if (tally.city_code() != scope.city_code) continue;
          // Records a city keeps itself (its discretion benchmarks) are the
          // city's own part.
          part = tally.agency_credit_code().empty() ? tally.city_code() : tally.agency_credit_code();
          break;
        case Level::kAgency:
          if (tally.agency_credit_code() != scope.name) continue;
          break;
      }
      total.Add(tally);
      if (scope.level != Level::kAgency) parts.try_emplace(part, 0).first->second.Add(tally);
    }
    if (scope.level == Level::kAgency) continue;
    for (const common::v1::OverdueCount& count : tallies.overdue()) {
      if (scope.level == Level::kCity && count.city_code() != scope.city_code) continue;
      overdue[{count.kind(), count.city_code()}] += count.count();
    }
  }
  if (!unavailable.empty()) {
    std::string message = "the KPIs need every service's part: ";
    for (std::size_t i = 0; i < unavailable.size(); ++i) message += (i > 0 ? "; " : "") + unavailable[i];
    throw ServiceError::Unavailable(message);
  }

  v1::GetKpisResponse response;
  *response.mutable_total() = total.Scope(scope.name);
  for (const auto& [code, sums] : parts) *response.add_parts() = sums.Scope(code);
  response.set_as_of(common::FormatIsoDate(today));
  for (const auto& [key, n] : overdue) {
    common::v1::OverdueCount* count = response.add_overdue();
    count->set_kind(key.first);
    count->set_city_code(key.second);
    count->set_count(n);
  }
  return response;
}

v1::SweepLeadsResponse ProvinceView::Sweep(int year) {
  const common::Date today = clock_.Today();
  const int current = YearOf(today);
  if (year == 0) {
    year = current;
  } else if (year < common::kMinKpiYear || year > current + 1) {
    throw ServiceError::InvalidArgument(
        "bad sweep request", {{"year", "must be 0 (the current year) or from " + std::to_string(common::kMinKpiYear) +
                                           " to " + std::to_string(current + 1)}});
  }

  // One sweep at a time, from the first question to the last write: a
  // sweep that asked earlier never records over a later one's findings.
  const std::lock_guard<std::mutex> one_at_a_time(sweeping_);

  // Each service is asked for the configured rules it runs.
  const auto spec_of = [](const std::string& rule) -> const LeadRuleSpec* {
    for (const LeadRuleSpec& spec : LeadRuleSpecs()) {
      if (spec.name == rule) return &spec;
    }
    return nullptr;
  };
  std::map<std::string, common::v1::ListFindingsRequest> asks;
  for (const KpiSource* source : sources_) {
    common::v1::ListFindingsRequest& ask = asks[source->service()];
    ask.set_year(year);
    for (const common::v1::LeadRule& rule : rules_) {
      const LeadRuleSpec* spec = spec_of(rule.name());
      if (spec != nullptr &&
          std::find(spec->services.begin(), spec->services.end(), source->service()) != spec->services.end()) {
        *ask.add_rules() = rule;
      }
    }
  }
  auto answers = AskEach(sources_, [&asks](KpiSource& source) {
    const common::v1::ListFindingsRequest& ask = asks.at(source.service());
    return ask.rules().empty() ? common::v1::ListFindingsResponse() : source.Findings(ask);
  });

  std::set<std::string> complete;  // the services whose findings are all in
  std::vector<common::v1::Finding> findings;
  for (std::size_t i = 0; i < answers.size(); ++i) {
    const std::string service = sources_[i]->service();
    try {
      common::v1::ListFindingsResponse answer = answers[i].get();
      if (answer.truncated()) {
        common::Log(common::LogLevel::kWarning, "lead_sweep_truncated",
                    {{"service", service}, {"findings", answer.findings_size()}});
      } else {
        complete.insert(service);
      }
      for (common::v1::Finding& finding : *answer.mutable_findings()) findings.push_back(std::move(finding));
    } catch (const std::exception& e) {
      common::Log(common::LogLevel::kWarning, "lead_sweep_source_failed", {{"service", service}, {"reason", e.what()}});
    }
  }
  // A rule is run when every service that runs it answered in full.
  std::vector<std::string> rules_run;
  for (const common::v1::LeadRule& rule : rules_) {
    const LeadRuleSpec* spec = spec_of(rule.name());
    if (spec != nullptr && std::all_of(spec->services.begin(), spec->services.end(), [&](std::string_view service) {
          return complete.contains(std::string(service));
        })) {
      rules_run.push_back(rule.name());
    }
  }

  const LeadSweepCounts counts = record_(year, rules_run, findings, today);
  v1::SweepLeadsResponse response;
  response.set_findings(static_cast<int32_t>(findings.size()));
  response.set_raised(counts.raised);
  response.set_seen_again(counts.seen_again);
  response.set_no_longer_observed(counts.no_longer_observed);
  return response;
}

}  // namespace gongkai::supervision
