// The province view over fake sources: how the services' tallies add up to a
// scope's figures and its parts, who may see which scope, a service that does
// not answer, and the lead sweep's runs.
#include "services/supervision/province_view.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "common/errors.h"
#include "common/kpi_tallies.h"
#include "common/testing/adapter.h"
#include "common/testing/dates.h"
#include "services/supervision/lead_sweep.h"
#include "services/supervision/test_support.h"

namespace gongkai::supervision {
namespace {

using common::v1::Finding;
using common::v1::KpiTally;
using common::v1::RecordLink;
using ::testing::ElementsAre;

const common::Date kDay = testing::Day("2026-07-15");

// A service's part: canned per-agency tallies (filtered and grouped as a
// service does, common::TalliesAnswer) and overdue counts, canned findings,
// the requests it was asked, and whether it is down.
class FakeSource final : public KpiSource {
 public:
  explicit FakeSource(std::string service) : service_(std::move(service)) {}

  std::string service() const override { return service_; }

  common::v1::GetKpiTalliesResponse Tallies(const common::v1::GetKpiTalliesRequest& request) override {
    std::lock_guard lock(mutex_);
    tally_requests.push_back(request);
    if (down) throw common::ServiceError::Unavailable("the " + service_ + " service did not answer GetKpiTallies");
    std::vector<KpiTally> matching;
    for (const KpiTally& t : tallies) {
      if (!request.city_code().empty() && t.city_code() != request.city_code()) continue;
      if (!request.agency_credit_code().empty() && t.agency_credit_code() != request.agency_credit_code()) continue;
      KpiTally copy = t;
      while (copy.misses_size() > request.max_misses()) {
        copy.mutable_misses()->RemoveLast();
        copy.set_misses_unlisted(copy.misses_unlisted() + 1);
      }
      matching.push_back(std::move(copy));
    }
    common::v1::GetKpiTalliesResponse answer = common::TalliesAnswer(request, matching, kDay);
    // The overdue counts of the city asked, none for an agency, as a service
    // answers them.
    if (request.agency_credit_code().empty()) {
      for (const common::v1::OverdueCount& c : overdue) {
        if (request.city_code().empty() || c.city_code() == request.city_code()) *answer.add_overdue() = c;
      }
    }
    return answer;
  }

  common::v1::ListFindingsResponse Findings(const common::v1::ListFindingsRequest& request) override {
    std::lock_guard lock(mutex_);
    finding_requests.push_back(request);
    if (down) throw common::ServiceError::Unavailable("the " + service_ + " service did not answer ListFindings");
    common::v1::ListFindingsResponse answer;
    for (const Finding& f : findings) *answer.add_findings() = f;
    answer.set_truncated(truncated);
    return answer;
  }

  std::vector<KpiTally> tallies;
  std::vector<common::v1::OverdueCount> overdue;
  std::vector<Finding> findings;
  bool truncated = false;
  bool down = false;
  std::vector<common::v1::GetKpiTalliesRequest> tally_requests;
  std::vector<common::v1::ListFindingsRequest> finding_requests;

 private:
  std::string service_;
  std::mutex mutex_;
};

RecordLink Link(const std::string& service, const std::string& kind, const std::string& key) {
  RecordLink link;
  link.set_service(service);
  link.set_kind(kind);
  link.set_key(key);
  return link;
}

// An agency's tally: `due`, `met`, and a miss per key of `misses`.
KpiTally Tally(const std::string& agency, const std::string& city, const std::string& kpi, const std::string& rule,
               int due, int met, const std::vector<std::string>& misses = {}) {
  KpiTally t;
  t.set_agency_credit_code(agency);
  t.set_city_code(city);
  t.set_kpi(kpi);
  t.set_rule(rule);
  t.set_due(due);
  t.set_met(met);
  for (const auto& key : misses) *t.add_misses() = Link("penalties", rule, key);
  return t;
}

common::v1::OverdueCount Overdue(const std::string& kind, const std::string& city, int64_t count) {
  common::v1::OverdueCount c;
  c.set_kind(kind);
  c.set_city_code(city);
  c.set_count(count);
  return c;
}

// Each overdue count as "<kind> <city> <count>", in order.
std::vector<std::string> Lines(const google::protobuf::RepeatedPtrField<common::v1::OverdueCount>& counts) {
  std::vector<std::string> out;
  for (const auto& c : counts) out.push_back(c.kind() + " " + c.city_code() + " " + std::to_string(c.count()));
  return out;
}

Finding FindingOf(const std::string& rule, const std::string& service, const std::string& key) {
  Finding f;
  f.set_rule(rule);
  *f.mutable_record() = Link(service, "penalty_decision", key);
  f.set_observed_on("2026-07-15");
  return f;
}

common::CallerIdentity Province() { return testing::ProvinceCaller(); }

common::CallerIdentity City(const std::string& city) { return testing::CityCaller(city); }

v1::GetKpisRequest Asking(const std::string& city = "", const std::string& agency = "", int max_misses = 0) {
  v1::GetKpisRequest r;
  r.set_year(2026);
  r.set_city_code(city);
  r.set_agency_credit_code(agency);
  r.set_max_misses(max_misses);
  return r;
}

const v1::KpiFigure* FigureOf(const google::protobuf::RepeatedPtrField<v1::KpiFigure>& figures, const std::string& kpi,
                              const std::string& rule) {
  for (const auto& f : figures) {
    if (f.kpi() == kpi && f.rule() == rule) return &f;
  }
  return nullptr;
}

std::vector<std::string> Keys(const v1::KpiFigure& figure) {
  std::vector<std::string> keys;
  for (const auto& m : figure.misses()) keys.push_back(m.key());
  return keys;
}

// Every figure of a scope as "kpi/rule", in order.
std::vector<std::string> Names(const google::protobuf::RepeatedPtrField<v1::KpiFigure>& figures) {
  std::vector<std::string> names;
  for (const auto& f : figures) names.push_back(f.kpi() + "/" + f.rule());
  return names;
}

class ProvinceViewTest : public ::testing::Test {
 protected:
  ProvinceViewTest() {
    AddTestAgencies(registry_);
    // Coverage from the registry: kUnitA 4 of 5 items, kUnitB 5 of 5, kOtherUnit 3 of 5.
    registry_source_.tallies = {
        Tally(kUnitA, kCity, "coverage", "powers_listed", 1, 1),
        Tally(kUnitA, kCity, "coverage", "officers_loaded", 1, 0, {kUnitA + "/officers"}),
        Tally(kUnitB, kCity, "coverage", "powers_listed", 1, 1),
        Tally(kOtherUnit, kOtherCity, "coverage", "powers_listed", 1, 0, {kOtherUnit + "/powers"}),
        // A city's own benchmark, of no agency.
        Tally("", kCity, "", "discretion_benchmark", 2, 1, {kCity + "/BM-1"}),
    };
    // Penalty decisions: the rule's own figure and their key-domain share.
    penalties_.tallies = {
        Tally(kUnitA, kCity, "", "penalty_decision", 3, 1, {kUnitA + "/D-2", kUnitA + "/D-1"}),
        Tally(kUnitA, kCity, "key_domain_timeliness", "penalty_decision", 2, 1, {kUnitA + "/D-1"}),
        Tally(kUnitB, kCity, "", "penalty_decision", 1, 1),
        Tally(kOtherUnit, kOtherCity, "", "penalty_decision", 2, 0, {kOtherUnit + "/D-9", kOtherUnit + "/D-8"}),
        Tally(kOtherUnit, kOtherCity, "key_domain_timeliness", "coercive_measure", 1, 1),
    };
    requests_.tallies = {
        Tally(kUnitA, kCity, "consultation_response_rate", "consultation", 4, 3, {kUnitA + "/C-1"}),
    };
  }

  ProvinceView View(std::vector<common::v1::LeadRule> rules = {}) {
    return ProvinceView(
        {&registry_source_, &penalties_, &requests_, &inspections_, &supervision_}, registry_,
        [this](int year, const std::vector<std::string>& rules_run, const std::vector<Finding>& found,
               common::Date today) {
          recorded_year_ = year;
          rules_run_ = rules_run;
          recorded_ = found;
          recorded_on_ = today;
          LeadSweepCounts counts;
          counts.raised = static_cast<int>(found.size());
          return counts;
        },
        clock_, std::move(rules));
  }

  static std::vector<common::v1::LeadRule> AllRules() {
    std::string error;
    return *ParseLeadRules("", &error);
  }

  FakeRegistry registry_;
  common::PinnedClock clock_{kDay};
  FakeSource registry_source_{"registry"};
  FakeSource penalties_{"penalties"};
  FakeSource requests_{"requests"};
  FakeSource inspections_{"inspections"};
  FakeSource supervision_{"supervision"};
  int recorded_year_ = 0;
  std::vector<std::string> rules_run_;
  std::vector<Finding> recorded_;
  common::Date recorded_on_{};
};

TEST_F(ProvinceViewTest, TheProvinceSeesEveryServicesTalliesAddedUpWithItsCitiesAsParts) {
  const v1::GetKpisResponse kpis = View().Kpis(Asking(), Province());

  // Each service was asked per city, with the misses of the province's figures.
  ASSERT_EQ(penalties_.tally_requests.size(), 1u);
  EXPECT_TRUE(penalties_.tally_requests[0].group_by_city());
  EXPECT_EQ(penalties_.tally_requests[0].year(), 2026);
  EXPECT_EQ(penalties_.tally_requests[0].max_misses(), 20);
  EXPECT_TRUE(penalties_.tally_requests[0].city_code().empty());

  const v1::ScopeKpis& total = kpis.total();
  EXPECT_EQ(total.scope(), "province");
  // The four KPIs in DOMAIN.md's order, each total followed by its parts.
  EXPECT_THAT(Names(total.kpis()), ElementsAre("coverage/", "coverage/officers_loaded", "coverage/powers_listed",
                                               "key_domain_timeliness/", "key_domain_timeliness/coercive_measure",
                                               "key_domain_timeliness/penalty_decision", "consultation_response_rate/",
                                               "consultation_response_rate/consultation", "standardised_reply_rate/"));
  EXPECT_THAT(Names(total.rules()), ElementsAre("/discretion_benchmark", "/penalty_decision"));

  const v1::KpiFigure* coverage = FigureOf(total.kpis(), "coverage", "");
  EXPECT_EQ(coverage->due(), 4);
  EXPECT_EQ(coverage->met(), 2);
  EXPECT_DOUBLE_EQ(coverage->ratio(), 0.5);
  const v1::KpiFigure* key_domain = FigureOf(total.kpis(), "key_domain_timeliness", "");
  EXPECT_EQ(key_domain->due(), 3);
  EXPECT_EQ(key_domain->met(), 2);
  const v1::KpiFigure* decisions = FigureOf(total.rules(), "", "penalty_decision");
  EXPECT_EQ(decisions->due(), 6);
  EXPECT_EQ(decisions->met(), 2);
  // Nothing due is 100%.
  const v1::KpiFigure* replies = FigureOf(total.kpis(), "standardised_reply_rate", "");
  EXPECT_EQ(replies->due(), 0);
  EXPECT_DOUBLE_EQ(replies->ratio(), 1.0);

  ASSERT_EQ(kpis.parts_size(), 2);
  EXPECT_EQ(kpis.parts(0).scope(), kCity);
  EXPECT_EQ(kpis.parts(1).scope(), kOtherCity);
  EXPECT_EQ(FigureOf(kpis.parts(0).rules(), "", "penalty_decision")->due(), 4);
  EXPECT_EQ(FigureOf(kpis.parts(1).rules(), "", "penalty_decision")->due(), 2);
  EXPECT_EQ(kpis.as_of(), "2026-07-15");
}

TEST_F(ProvinceViewTest, ACitysFiguresAreTheSumOfItsAgenciesParts) {
  const v1::GetKpisResponse kpis = View().Kpis(Asking(kCity), Province());

  EXPECT_FALSE(penalties_.tally_requests[0].group_by_city());
  EXPECT_EQ(penalties_.tally_requests[0].city_code(), kCity);
  EXPECT_EQ(kpis.total().scope(), kCity);
  // The agencies, and the city itself for the records it keeps (benchmarks).
  std::set<std::string> scopes;
  for (const auto& part : kpis.parts()) scopes.insert(part.scope());
  EXPECT_EQ(scopes, (std::set<std::string>{kCity, kUnitA, kUnitB}));
  for (const auto* figures : {&kpis.total().kpis(), &kpis.total().rules()}) {
    for (const v1::KpiFigure& figure : *figures) {
      int64_t due = 0;
      int64_t met = 0;
      for (const auto& part : kpis.parts()) {
        const auto& of_part = figures == &kpis.total().kpis() ? part.kpis() : part.rules();
        if (const v1::KpiFigure* p = FigureOf(of_part, figure.kpi(), figure.rule())) {
          due += p->due();
          met += p->met();
        }
      }
      EXPECT_EQ(figure.due(), due) << figure.kpi() << "/" << figure.rule();
      EXPECT_EQ(figure.met(), met) << figure.kpi() << "/" << figure.rule();
    }
  }
  EXPECT_EQ(FigureOf(kpis.total().rules(), "", "penalty_decision")->due(), 4);
}

TEST_F(ProvinceViewTest, MissesAreListedForTheScopesOwnFiguresBelowOneHundredPercentByKey) {
  const v1::GetKpisResponse kpis = View().Kpis(Asking(kCity), Province());

  const v1::KpiFigure* decisions = FigureOf(kpis.total().rules(), "", "penalty_decision");
  EXPECT_THAT(Keys(*decisions), ElementsAre(kUnitA + "/D-1", kUnitA + "/D-2"));
  // A KPI's total lists the misses of its parts.
  EXPECT_THAT(Keys(*FigureOf(kpis.total().kpis(), "coverage", "")), ElementsAre(kUnitA + "/officers"));
  // The parts list none.
  for (const auto& part : kpis.parts()) {
    for (const auto& f : part.rules()) EXPECT_EQ(f.misses_size(), 0) << part.scope();
    for (const auto& f : part.kpis()) EXPECT_EQ(f.misses_size(), 0) << part.scope();
  }

  // At most max_misses, the rest counted; a figure at 100% lists none.
  const v1::GetKpisResponse one = View().Kpis(Asking("", "", 1), Province());
  const v1::KpiFigure* measures = FigureOf(one.total().kpis(), "key_domain_timeliness", "coercive_measure");
  EXPECT_DOUBLE_EQ(measures->ratio(), 1.0);
  EXPECT_EQ(measures->misses_size() + measures->misses_unlisted(), 0);
  const v1::KpiFigure* all_decisions = FigureOf(one.total().rules(), "", "penalty_decision");
  EXPECT_EQ(all_decisions->misses_size(), 1);
  EXPECT_EQ(all_decisions->misses_size() + all_decisions->misses_unlisted(), 4);
}

TEST_F(ProvinceViewTest, AnAgencysScopeIsItsOwnTalliesInItsCityWithoutParts) {
  const v1::GetKpisResponse kpis = View().Kpis(Asking("", kUnitA), Province());

  EXPECT_EQ(penalties_.tally_requests[0].agency_credit_code(), kUnitA);
  EXPECT_EQ(penalties_.tally_requests[0].city_code(), kCity);
  EXPECT_EQ(kpis.total().scope(), kUnitA);
  EXPECT_EQ(kpis.parts_size(), 0);
  EXPECT_EQ(FigureOf(kpis.total().rules(), "", "penalty_decision")->due(), 3);
  // The city's benchmarks are not the agency's.
  EXPECT_EQ(FigureOf(kpis.total().rules(), "", "discretion_benchmark"), nullptr);
}

TEST_F(ProvinceViewTest, OverdueRecordsAreEveryServicesCountsAddedUpPerKindAndCityOfTheScope) {
  penalties_.overdue = {Overdue("penalty_decision", kCity, 2), Overdue("penalty_decision", kOtherCity, 1),
                        Overdue("coercive_measure", kCity, 1)};
  requests_.overdue = {Overdue("request", kCity, 3), Overdue("consultation", kOtherCity, 1)};
  supervision_.overdue = {Overdue("case_review", kOtherCity, 4)};
  // The same kind and city from two services is added up.
  inspections_.overdue = {Overdue("spot_check_result", kCity, 2)};
  registry_source_.overdue = {Overdue("spot_check_result", kCity, 1)};
  ProvinceView view = View();

  // The province: every city's, by kind then city.
  EXPECT_THAT(Lines(view.Kpis(Asking(), Province()).overdue()),
              ElementsAre("case_review 140200 4", "coercive_measure 140100 1", "consultation 140200 1",
                          "penalty_decision 140100 2", "penalty_decision 140200 1", "request 140100 3",
                          "spot_check_result 140100 3"));
  // A city: its own, whoever asks.
  const std::vector<std::string> taiyuan = {"coercive_measure 140100 1", "penalty_decision 140100 2",
                                            "request 140100 3", "spot_check_result 140100 3"};
  EXPECT_EQ(Lines(view.Kpis(Asking(kCity), Province()).overdue()), taiyuan);
  EXPECT_EQ(Lines(view.Kpis(Asking(), City(kCity)).overdue()), taiyuan);
  EXPECT_THAT(Lines(view.Kpis(Asking(), City(kOtherCity)).overdue()),
              ElementsAre("case_review 140200 4", "consultation 140200 1", "penalty_decision 140200 1"));
  // An agency: none, the counts being per city.
  EXPECT_EQ(view.Kpis(Asking("", kUnitA), Province()).overdue_size(), 0);
}

TEST_F(ProvinceViewTest, ACityCallerSeesItsOwnCityAndIsRefusedAnother) {
  ProvinceView view = View();
  EXPECT_EQ(view.Kpis(Asking(), City(kCity)).total().scope(), kCity);
  EXPECT_EQ(view.Kpis(Asking(kCity), City(kCity)).total().scope(), kCity);
  EXPECT_EQ(view.Kpis(Asking("", kUnitB), City(kCity)).total().scope(), kUnitB);

  for (const auto& request : {Asking(kOtherCity), Asking("", kOtherUnit)}) {
    try {
      view.Kpis(request, City(kCity));
      ADD_FAILURE() << "another city's scope was answered: " << request.ShortDebugString();
    } catch (const common::ServiceError& e) {
      EXPECT_EQ(e.code(), grpc::StatusCode::PERMISSION_DENIED) << e.what();
    }
  }
}

TEST_F(ProvinceViewTest, BadRequestsNameEachField) {
  ProvinceView view = View();
  const auto fields_of = [&](const v1::GetKpisRequest& request) {
    std::set<std::string> fields;
    try {
      view.Kpis(request, Province());
    } catch (const common::ServiceError& e) {
      EXPECT_EQ(e.code(), grpc::StatusCode::INVALID_ARGUMENT) << e.what();
      for (const auto& v : e.violations()) fields.insert(v.field);
    }
    return fields;
  };
  v1::GetKpisRequest bad = Asking("14010", "not-a-code", 101);
  bad.set_year(1999);
  EXPECT_EQ(fields_of(bad), (std::set<std::string>{"year", "max_misses", "city_code", "agency_credit_code"}));
  v1::GetKpisRequest next_year = Asking();
  next_year.set_year(2027);
  EXPECT_TRUE(fields_of(next_year).empty()) << "next year may be asked";
  next_year.set_year(2028);
  EXPECT_EQ(fields_of(next_year), (std::set<std::string>{"year"}));
  EXPECT_EQ(fields_of(Asking(kCity, kUnitA)), (std::set<std::string>{"agency_credit_code"}));
  EXPECT_EQ(fields_of(Asking("", kUnknownUnit)), (std::set<std::string>{"agency_credit_code"}));
  EXPECT_EQ(penalties_.tally_requests.size(), 1u) << "nothing is asked for a bad request";
}

TEST_F(ProvinceViewTest, AServiceThatDoesNotAnswerMakesTheFiguresUnavailableNamingIt) {
  requests_.down = true;
  try {
    View().Kpis(Asking(), Province());
    ADD_FAILURE() << "figures were stated without the requests service's part";
  } catch (const common::ServiceError& e) {
    EXPECT_EQ(e.code(), grpc::StatusCode::UNAVAILABLE);
    EXPECT_THAT(e.what(), ::testing::HasSubstr("requests"));
  }
}

TEST_F(ProvinceViewTest, TheRegistryDownMakesAnAgencysScopeUnavailable) {
  registry_.SetDown(true);
  try {
    View().Kpis(Asking("", kUnitA), Province());
    ADD_FAILURE() << "an agency's city was taken for known";
  } catch (const common::ServiceError& e) {
    EXPECT_EQ(e.code(), grpc::StatusCode::UNAVAILABLE);
  }
}

TEST_F(ProvinceViewTest, ASweepAsksEachServiceForTheRulesItRunsAndRecordsEveryFinding) {
  penalties_.findings = {FindingOf("decision_published_late", "penalties", kUnitA + "/D-1")};
  inspections_.findings = {FindingOf("spot_check_results_late", "inspections", kUnitA + "/T-1")};
  const v1::SweepLeadsResponse counts = View(AllRules()).Sweep(0);

  const auto rules_of = [](const FakeSource& source) {
    std::set<std::string> rules;
    for (const auto& rule : source.finding_requests.at(0).rules()) rules.insert(rule.name());
    return rules;
  };
  EXPECT_EQ(rules_of(penalties_),
            (std::set<std::string>{"decision_published_late", "fine_outside_tier", "agency_list_not_current",
                                   "outside_powers_list", "officer_without_certificate"}));
  EXPECT_EQ(rules_of(inspections_), (std::set<std::string>{"agency_list_not_current", "spot_check_results_late"}));
  EXPECT_EQ(rules_of(requests_),
            (std::set<std::string>{"request_overdue", "request_very_overdue", "consultation_overdue"}));
  EXPECT_EQ(rules_of(supervision_), (std::set<std::string>{"review_results_late", "rectification_overdue"}));
  EXPECT_TRUE(registry_source_.finding_requests.empty()) << "the registry runs no rule";
  EXPECT_EQ(penalties_.finding_requests[0].year(), 2026);

  EXPECT_EQ(recorded_year_, 2026);
  EXPECT_EQ(recorded_on_, kDay);
  EXPECT_EQ(rules_run_.size(), LeadRuleSpecs().size());
  EXPECT_EQ(recorded_.size(), 2u);
  EXPECT_EQ(counts.findings(), 2);
  EXPECT_EQ(counts.raised(), 2);
}

TEST_F(ProvinceViewTest, AServiceThatFailsLeavesTheRulesItRunsOutOfTheRun) {
  penalties_.down = true;
  inspections_.findings = {FindingOf("agency_list_not_current", "inspections", kUnitA + "/T-1")};
  const v1::SweepLeadsResponse counts = View(AllRules()).Sweep(0);

  const std::set<std::string> run(rules_run_.begin(), rules_run_.end());
  for (const char* rule : {"decision_published_late", "fine_outside_tier", "agency_list_not_current",
                           "outside_powers_list", "officer_without_certificate"}) {
    EXPECT_FALSE(run.contains(rule)) << rule;
  }
  EXPECT_TRUE(run.contains("spot_check_results_late"));
  EXPECT_TRUE(run.contains("request_overdue"));
  EXPECT_TRUE(run.contains("review_results_late"));
  // What the others found is still recorded.
  EXPECT_EQ(counts.findings(), 1);
  ASSERT_EQ(recorded_.size(), 1u);
  EXPECT_EQ(recorded_[0].record().key(), kUnitA + "/T-1");
}

TEST_F(ProvinceViewTest, ATruncatedAnswerLeavesTheRulesItRunsOutOfTheRun) {
  requests_.truncated = true;
  requests_.findings = {FindingOf("request_overdue", "requests", "R-1")};
  View(AllRules()).Sweep(2026);

  const std::set<std::string> run(rules_run_.begin(), rules_run_.end());
  EXPECT_FALSE(run.contains("request_overdue"));
  EXPECT_FALSE(run.contains("consultation_overdue"));
  EXPECT_TRUE(run.contains("decision_published_late"));
  EXPECT_EQ(recorded_.size(), 1u);
}

TEST_F(ProvinceViewTest, ASweepRunsOnlyTheConfiguredRules) {
  std::string error;
  View(*ParseLeadRules("-fine_outside_tier,decision_published_late=3", &error)).Sweep(0);

  const auto& asked = penalties_.finding_requests.at(0).rules();
  std::map<std::string, int> thresholds;
  for (const auto& rule : asked) thresholds[rule.name()] = rule.threshold();
  EXPECT_FALSE(thresholds.contains("fine_outside_tier"));
  EXPECT_EQ(thresholds.at("decision_published_late"), 3);
  EXPECT_EQ(std::count(rules_run_.begin(), rules_run_.end(), "fine_outside_tier"), 0);
}

TEST_F(ProvinceViewTest, ASweepYearIsTheCurrentOneOrFrom2000ToNextYear) {
  ProvinceView view = View(AllRules());
  view.Sweep(2027);
  EXPECT_EQ(recorded_year_, 2027);
  for (int year : {1999, 2028}) {
    try {
      view.Sweep(year);
      ADD_FAILURE() << year;
    } catch (const common::ServiceError& e) {
      EXPECT_EQ(e.code(), grpc::StatusCode::INVALID_ARGUMENT);
      ASSERT_EQ(e.violations().size(), 1u);
      EXPECT_EQ(e.violations()[0].field, "year");
    }
  }
}

}  // namespace
}  // namespace gongkai::supervision
