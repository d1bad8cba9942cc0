// The registry's adapter in this process, over a real gRPC channel, with
// in-memory stores: its mapping, scope and error paths, and where its "today"
// comes from.
#include "services/registry/registry_service.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <tuple>
#include <utility>

#include "common/calendar/iso_date.h"
#include "common/errors.h"
#include "common/identifiers.h"
#include "common/testing/adapter.h"
#include "common/testing/dates.h"
#include "services/registry/public_size.h"

namespace gongkai::registry {
namespace {

using common::Rejection;
using common::UpsertOutcome;
using RecordResult = common::v1::RecordResult;
using Verdict = v1::VerifyCertificateResponse;

using gongkai::testing::Day;

std::string CreditCode(const std::string& area, int serial) {
  std::string first17 = "11" + area + "MB" + std::to_string(1000000 + serial).substr(0, 7);
  return first17 + common::CreditCodeCheckCharacter(first17);
}

class FakeAgencyStore final : public AgencyStore {
 public:
  BatchResult UpsertBatch(const std::string& scope, const std::vector<Agency>& valid,
                          const std::vector<Rejection>& rejected, common::Date today) override {
    BatchResult result;
    for (const auto& a : valid) {
      auto it = agencies.find(a.credit_code);
      if (it != agencies.end() && it->second.city_code != a.city_code) result.foreign.push_back(a.credit_code);
    }
    if (!result.foreign.empty()) return result;
    for (const auto& a : valid) {
      auto it = agencies.find(a.credit_code);
      if (it != agencies.end() && it->second.source_version >= a.source_version) {
        result.outcomes.push_back(UpsertOutcome::kUnchanged);
        continue;
      }
      // As the store's merge: created today, confirmed by a change of the list only.
      Agency stored = a;
      stored.updated_at = "2026-06-15T01:00:00Z";
      if (it == agencies.end()) {
        stored.created_on = today;
      } else {
        stored.created_on = it->second.created_on;
        stored.qualification_confirmed_on =
            ChangesQualificationList(it->second, a) ? std::optional(today) : it->second.qualification_confirmed_on;
      }
      agencies[a.credit_code] = stored;
      result.outcomes.push_back(UpsertOutcome::kAccepted);
    }
    rejections.insert(rejections.end(), rejected.begin(), rejected.end());
    rejection_scopes.insert(rejection_scopes.end(), rejected.size(), scope);
    return result;
  }

  std::optional<Agency> Get(const std::string& credit_code) override {
    auto it = agencies.find(credit_code);
    if (it == agencies.end()) return std::nullopt;
    return it->second;
  }

  std::vector<Agency> List(const AgencyFilter& f) override {
    std::vector<Agency> out;
    for (auto it = agencies.upper_bound(f.after_credit_code);
         it != agencies.end() && static_cast<int>(out.size()) < f.limit; ++it) {
      const Agency& a = it->second;
      const auto& d = a.domains;
      if (!f.city_code.empty() && a.city_code != f.city_code) continue;
      if (!f.domain.empty() && std::find(d.begin(), d.end(), f.domain) == d.end()) continue;
      out.push_back(a);
    }
    return out;
  }

  std::vector<Rejection> ListRejections(const std::string& scope, int64_t, int limit) override {
    std::vector<Rejection> out;
    for (std::size_t i = rejections.size(); i > 0 && static_cast<int>(out.size()) < limit; --i) {
      if (rejection_scopes[i - 1] != scope) continue;
      out.push_back(rejections[i - 1]);
      out.back().id = static_cast<int64_t>(i);
    }
    return out;
  }

  ConfirmResult ConfirmQualificationLists(const std::string& scope, const std::vector<std::string>& codes,
                                          common::Date today) override {
    ConfirmResult result;
    for (const auto& [code, city] : CitiesOf(codes)) {
      if (scope == "province" ? !city.ends_with("0000") : city != scope) result.foreign.push_back(code);
    }
    if (!result.foreign.empty()) return result;
    for (const auto& code : codes) {
      auto it = agencies.find(code);
      if (it != agencies.end()) it->second.qualification_confirmed_on = today;
      result.confirmed.push_back(it != agencies.end());
    }
    return result;
  }

  std::map<std::string, std::string> CitiesOf(const std::vector<std::string>& codes) override {
    std::map<std::string, std::string> out;
    for (const auto& code : codes) {
      auto it = agencies.find(code);
      if (it != agencies.end()) out[code] = it->second.city_code;
    }
    return out;
  }

  std::vector<CoverageFacts> Coverage(const std::string& city_code, const std::string& credit_code, int plan_year,
                                      common::Date today) override {
    coverage_plan_years.push_back(plan_year);
    coverage_days.push_back(today);
    std::vector<CoverageFacts> out;
    for (const auto& f : coverage) {
      if ((city_code.empty() || f.city_code == city_code) && (credit_code.empty() || f.credit_code == credit_code)) {
        out.push_back(f);
      }
    }
    return out;
  }

  std::vector<DeadlineRecord> DeadlineRecords(const std::string& city_code, const std::string& credit_code,
                                              int year) override {
    deadline_reads.emplace_back(city_code, credit_code, year);
    std::vector<DeadlineRecord> out;
    for (const auto& r : deadline_records) {
      if ((city_code.empty() || r.city_code == city_code) &&
          (credit_code.empty() || r.agency_credit_code == credit_code)) {
        out.push_back(r);
      }
    }
    return out;
  }

  PlansResult RecordInspectionPlans(const std::vector<InspectionPlan>& notices) override {
    PlansResult result;
    for (const auto& n : notices) {
      if (!agencies.contains(n.agency_credit_code)) {
        ++result.unknown_agencies;
        continue;
      }
      ++result.recorded;
      auto [it, fresh] = plans.try_emplace({n.agency_credit_code, n.year}, *n.published_on);
      if (!fresh && *n.published_on < it->second) it->second = *n.published_on;
    }
    return result;
  }

  std::map<std::string, Agency> agencies;
  std::vector<Rejection> rejections;
  std::vector<std::string> rejection_scopes;  // whose each rejection is
  std::vector<CoverageFacts> coverage;
  std::vector<int> coverage_plan_years;                       // the plan year of each coverage read
  std::vector<common::Date> coverage_days;                    // the day of each coverage read
  std::map<std::pair<std::string, int>, common::Date> plans;  // the earliest day per agency and year
  std::vector<DeadlineRecord> deadline_records;
  std::vector<std::tuple<std::string, std::string, int>> deadline_reads;  // city, agency and year of each read
};

// The flowcharts' store, which these tests neither write nor read
// (flowcharts_service_test.cc tests those methods).
class NoFlowcharts final : public FlowchartStore {
 public:
  std::map<std::string, AgencyFacts> AgenciesOf(const std::vector<std::string>&) override { return {}; }
  std::vector<UpsertOutcome> UpsertFlowcharts(const std::string&, const std::vector<Flowchart>&,
                                              const std::vector<Rejection>&, common::Date) override {
    return {};
  }
  std::vector<Flowchart> ListFlowcharts(const FlowchartFilter&) override { return {}; }
  std::vector<Flowchart> FlowchartChanges(int64_t, int) override { return {}; }
  std::vector<UpsertOutcome> UpsertProvisions(const std::string&, const std::vector<StaffingProvisions>&,
                                              const std::vector<Rejection>&, common::Date) override {
    return {};
  }
  std::vector<StaffingProvisions> ListProvisions(const ProvisionsFilter&) override { return {}; }
};

// `f` with its "三定" provisions and a flowchart of each domain stored.
CoverageFacts WithProvisionsAndFlowcharts(CoverageFacts f) {
  f.staffing_provisions_published = true;
  f.flowcharts_for_domains = true;
  return f;
}

class FakePowersStore final : public PowersStore {
 public:
  explicit FakePowersStore(FakeAgencyStore& agencies) : agencies_(agencies) {}

  std::vector<UpsertOutcome> UpsertBatch(const std::string& city_code, const std::vector<PowersItem>& valid,
                                         const std::vector<Rejection>&, common::Date today) override {
    std::vector<UpsertOutcome> out;
    for (const auto& item : valid) {
      auto key = std::pair(item.agency_credit_code, item.source_id);
      auto it = items.find(key);
      if (it != items.end() && it->second.source_version >= item.source_version) {
        out.push_back(UpsertOutcome::kUnchanged);
        continue;
      }
      PowersItem stored = item;
      stored.city_code = city_code;
      stored.published_on = today;
      stored.change_seq = ++seq_;
      items[key] = stored;
      out.push_back(UpsertOutcome::kAccepted);
    }
    return out;
  }

  std::vector<PowersItem> List(const PowersFilter& f) override {
    std::vector<PowersItem> out;
    for (auto it = items.upper_bound({f.after_agency_credit_code, f.after_source_id});
         it != items.end() && static_cast<int>(out.size()) < f.limit; ++it) {
      if (f.random_check && !it->second.random_check) continue;
      out.push_back(it->second);
    }
    return out;
  }

  std::vector<PowersItem> Changes(int64_t after_seq, int limit) override {
    std::vector<PowersItem> out;
    for (const auto& [key, item] : items) {
      if (item.change_seq > after_seq) out.push_back(item);
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.change_seq < b.change_seq; });
    if (static_cast<int>(out.size()) > limit) out.resize(limit);
    return out;
  }

  std::vector<PowersItem> Find(const std::vector<std::string>& agencies,
                               const std::vector<std::string>& source_ids) override {
    std::vector<PowersItem> out;
    for (const auto& [key, item] : items) {
      const bool agency = std::find(agencies.begin(), agencies.end(), key.first) != agencies.end();
      const bool id = std::find(source_ids.begin(), source_ids.end(), key.second) != source_ids.end();
      if (!agency || !id) continue;
      PowersItem found;
      found.agency_credit_code = item.agency_credit_code;
      found.source_id = item.source_id;
      found.city_code = item.city_code;
      found.name = item.name;
      found.category = item.category;
      found.random_check = item.random_check;
      out.push_back(found);
    }
    return out;
  }

  std::vector<EnforcementUnit> EnforcementUnits(std::size_t limit) override {
    std::set<std::string> holders;
    for (const auto& [key, item] : items) {
      if (IsEnforcementPower(item.category)) holders.insert(key.first);
    }
    std::vector<EnforcementUnit> out;
    for (const auto& code : holders) {
      if (out.size() == limit) break;
      const auto it = agencies_.agencies.find(code);
      if (it != agencies_.agencies.end()) out.push_back({code, it->second.name, it->second.city_code});
    }
    return out;
  }

  std::map<std::pair<std::string, std::string>, PowersItem> items;

 private:
  FakeAgencyStore& agencies_;
  int64_t seq_ = 0;
};

class FakeBenchmarkStore final : public BenchmarkStore {
 public:
  std::vector<UpsertOutcome> UpsertBatch(const std::string& city_code, const std::vector<DiscretionBenchmark>& valid,
                                         const std::vector<Rejection>&, common::Date today) override {
    std::vector<UpsertOutcome> out;
    for (const auto& b : valid) {
      DiscretionBenchmark stored = b;
      stored.city_code = city_code;
      stored.published_on = today;
      tables[{city_code, b.domain, b.violation_code}] = stored;
      out.push_back(UpsertOutcome::kAccepted);
    }
    return out;
  }

  std::optional<DiscretionBenchmark> Get(const std::string& city_code, const std::string& domain,
                                         const std::string& violation_code) override {
    auto it = tables.find({city_code, domain, violation_code});
    if (it == tables.end()) return std::nullopt;
    return it->second;
  }

  std::vector<DiscretionBenchmark> List(const BenchmarkFilter& f) override {
    std::vector<DiscretionBenchmark> out;
    for (auto it = tables.upper_bound({f.after_city_code, f.after_domain, f.after_violation_code});
         it != tables.end() && static_cast<int>(out.size()) < f.limit; ++it) {
      const DiscretionBenchmark& b = it->second;
      if ((f.city_code.empty() || b.city_code == f.city_code) && (f.domain.empty() || b.domain == f.domain)) {
        out.push_back(b);
      }
    }
    return out;
  }

  std::map<std::tuple<std::string, std::string, std::string>, DiscretionBenchmark> tables;
};

class FakeOfficerStore final : public OfficerStore {
 public:
  explicit FakeOfficerStore(FakeAgencyStore& agencies) : agencies_(agencies) {}

  BatchResult UpsertBatch(const std::string& city_code, const std::vector<Officer>& valid,
                          const std::vector<Rejection>&, common::Date today) override {
    BatchResult result;
    for (const auto& o : valid) {
      auto it = officers.find(o.certificate_number);
      if (it != officers.end() && it->second.city_code != city_code) result.foreign.push_back(o.certificate_number);
    }
    if (!result.foreign.empty()) return result;
    auto& out = result.outcomes;
    for (const auto& o : valid) {
      auto it = officers.find(o.certificate_number);
      if (it != officers.end() && it->second.source_version >= o.source_version) {
        out.push_back(UpsertOutcome::kUnchanged);
        continue;
      }
      Officer stored = o;
      stored.city_code = city_code;
      stored.agency_name = agencies_.agencies.at(o.agency_credit_code).name;
      stored.code_generation =
          it == officers.end() ? 1 : it->second.code_generation + (NeedsNewCode(it->second, o) ? 1 : 0);
      stored.published_on = today;
      officers[o.certificate_number] = stored;
      out.push_back(UpsertOutcome::kAccepted);
    }
    return result;
  }

  std::string CodeOf(const Officer& officer) const override {
    return OfficerCode("adapter-test-code-secret", officer.certificate_number, officer.code_generation);
  }

  std::optional<Officer> ByCertificate(const std::string& certificate_number) override {
    auto it = officers.find(certificate_number);
    if (it == officers.end()) return std::nullopt;
    return it->second;
  }

  std::vector<Officer> ListByAgency(const std::string& agency_credit_code, const std::string& after,
                                    int limit) override {
    std::vector<Officer> out;
    for (auto it = officers.upper_bound(after); it != officers.end() && static_cast<int>(out.size()) < limit; ++it) {
      if (it->second.agency_credit_code == agency_credit_code) out.push_back(it->second);
    }
    return out;
  }

  std::map<std::string, Officer> officers;

 private:
  FakeAgencyStore& agencies_;
};

// What the verification index would hold: the stored officers, without the
// fields verification does not publish.
class FakeCertificates final : public CertificateLookup {
 public:
  explicit FakeCertificates(FakeOfficerStore& officers) : officers_(officers) {}

  std::optional<Officer> ByCertificate(const std::string& certificate_number) const override {
    auto o = officers_.ByCertificate(certificate_number);
    if (o) o->changed_on.reset();
    return o;
  }
  std::optional<Officer> ByCode(const std::string& officer_code) const override {
    for (const auto& [number, o] : officers_.officers) {
      if (officers_.CodeOf(o) == officer_code) return ByCertificate(number);
    }
    return std::nullopt;
  }
  void Refresh() override { ++refreshes; }

  int refreshes = 0;

 private:
  FakeOfficerStore& officers_;
};

std::vector<std::string> Fields(const RecordResult& result) {
  std::vector<std::string> out;
  for (const auto& v : result.violations()) out.push_back(v.field());
  return out;
}

std::vector<std::string> Fields(const grpc::Status& status) {
  std::vector<std::string> out;
  for (const auto& v : common::ViolationsOf(status)) out.push_back(v.field);
  return out;
}

class RegistryServiceTest : public ::testing::Test {
 protected:
  RegistryServiceTest()
      : powers_(agencies_),
        officers_(agencies_),
        certificates_(officers_),
        ctx_(Day("2026-06-15")),
        service_({agencies_, powers_, benchmarks_, officers_, certificates_, flowcharts_}, ctx_.context(), 100),
        server_(&service_),
        stub_(v1::RegistryService::NewStub(server_.channel())) {}

  // A client context for `caller`; the public's (no identity) without one.
  std::unique_ptr<grpc::ClientContext> As(const std::optional<common::CallerIdentity>& caller = std::nullopt) {
    return ctx_.ClientAs(caller);
  }

  static v1::Agency MakeAgency(const std::string& area, int serial) {
    v1::Agency a;
    a.set_credit_code(CreditCode(area, serial));
    a.set_name("执法机构" + std::to_string(serial));
    a.set_legal_representative("赵某");
    a.set_area_code(area);
    a.set_contact("0351-7654321");
    a.add_domains("market_regulation");
    a.add_domains("transport");
    a.set_valid_from("2026-01-01");
    a.set_valid_until("2029-12-31");
    a.set_source_version(1);
    return a;
  }

  static v1::Officer MakeOfficer(const std::string& number, const std::string& agency, const std::string& from,
                                 const std::string& until, v1::OfficerStatus status) {
    v1::Officer o;
    o.set_certificate_number(number);
    o.set_agency_credit_code(agency);
    o.set_name("执法员" + number);
    o.set_category("市场监管综合执法");
    o.set_valid_from(from);
    o.set_valid_until(until);
    o.set_status(status);
    o.set_source_version(1);
    return o;
  }

  static v1::PowersItem MakePowersItem(const std::string& agency, const std::string& source_id) {
    v1::PowersItem item;
    item.set_agency_credit_code(agency);
    item.set_source_id(source_id);
    item.set_source_version(1);
    item.set_name("行政检查");
    item.set_category(v1::INSPECTION);
    common::v1::LegalProvision* basis = item.add_legal_basis();
    basis->set_law("中华人民共和国食品安全法");
    basis->set_article(110);
    item.set_responsibilities("检查");
    item.set_accountability("追责");
    item.set_changed_on("2026-06-01");
    return item;
  }

  // A table of two tiers that tile every amount.
  static v1::DiscretionBenchmark MakeBenchmark(const std::string& violation_code) {
    v1::DiscretionBenchmark b;
    b.set_domain("market_regulation");
    b.set_violation_code(violation_code);
    b.set_violation("生产经营不符合食品安全标准的食品");
    common::v1::LegalProvision* basis = b.add_legal_basis();
    basis->set_law("中华人民共和国食品安全法");
    basis->set_article(124);
    b.set_measure(v1::GOODS_VALUE);
    v1::BenchmarkTier* ordinary = b.add_tiers();
    ordinary->set_level(v1::ORDINARY);
    ordinary->set_to_fen(1000000);
    ordinary->set_penalty_min_fen(500000);
    ordinary->set_penalty_max_fen(1000000);
    v1::BenchmarkTier* heavier = b.add_tiers();
    heavier->set_level(v1::HEAVIER);
    heavier->set_from_fen(1000000);
    heavier->set_penalty_min_fen(1000000);
    heavier->set_penalty_max_fen(2000000);
    b.set_source_version(1);
    b.set_changed_on("2026-06-01");
    return b;
  }

  // Registers `agencies` as `city`; every one is accepted.
  void AddAgencies(const std::string& city, const std::vector<v1::Agency>& agencies) {
    v1::UpsertAgenciesRequest request;
    for (const auto& a : agencies) *request.add_agencies() = a;
    v1::UpsertAgenciesResponse response;
    ASSERT_TRUE(stub_->UpsertAgencies(As(testing::CityCaller(city)).get(), request, &response).ok());
    for (const auto& r : response.results()) ASSERT_EQ(r.outcome(), RecordResult::ACCEPTED) << r.key();
  }

  v1::UpsertOfficersResponse UpsertOfficers(const std::string& city, const std::vector<v1::Officer>& officers,
                                            grpc::Status* status) {
    v1::UpsertOfficersRequest request;
    for (const auto& o : officers) *request.add_officers() = o;
    v1::UpsertOfficersResponse response;
    *status = stub_->UpsertOfficers(As(testing::CityCaller(city)).get(), request, &response);
    return response;
  }

  Verdict Verify(const std::string& number) {
    v1::VerifyCertificateRequest request;
    request.set_certificate_number(number);
    Verdict response;
    EXPECT_TRUE(stub_->VerifyCertificate(As().get(), request, &response).ok());
    return response;
  }

  FakeAgencyStore agencies_;
  FakePowersStore powers_;
  FakeBenchmarkStore benchmarks_;
  FakeOfficerStore officers_;
  FakeCertificates certificates_;
  NoFlowcharts flowcharts_;
  testing::TestContext ctx_;
  RegistryService service_;
  testing::InProcessServer server_;
  std::unique_ptr<v1::RegistryService::Stub> stub_;
};

TEST_F(RegistryServiceTest, AgencyRoundTripsWithWhatTheRegistryAdds) {
  v1::Agency sent = MakeAgency("140105", 1);
  AddAgencies("140100", {sent});
  const Agency& stored = agencies_.agencies.at(sent.credit_code());
  EXPECT_EQ(stored.valid_from, Day("2026-01-01"));
  EXPECT_EQ(stored.valid_until, Day("2029-12-31"));
  EXPECT_EQ(stored.city_code, "140100");

  v1::GetAgencyRequest get;
  get.set_credit_code(sent.credit_code());
  v1::Agency got;
  ASSERT_TRUE(stub_->GetAgency(As().get(), get, &got).ok());
  EXPECT_EQ(got.credit_code(), sent.credit_code());
  EXPECT_EQ(got.name(), sent.name());
  EXPECT_EQ(got.legal_representative(), "赵某");
  EXPECT_EQ(got.area_code(), "140105");
  EXPECT_EQ(got.contact(), "0351-7654321");
  EXPECT_EQ(std::vector<std::string>(got.domains().begin(), got.domains().end()),
            (std::vector<std::string>{"market_regulation", "transport"}));
  EXPECT_EQ(got.valid_from(), "2026-01-01");
  EXPECT_EQ(got.valid_until(), "2029-12-31");
  EXPECT_EQ(got.source_version(), 1);
  EXPECT_EQ(got.city_code(), "140100");
  EXPECT_EQ(got.updated_at(), "2026-06-15T01:00:00Z");
  EXPECT_EQ(got.qualification_list().rule(), "qualification_list");
  EXPECT_EQ(got.qualification_list().clock_start(), "2026-06-15") << "created today";
  EXPECT_EQ(got.qualification_list().done(), "") << "storing an agency does not confirm its list";
  EXPECT_FALSE(got.expired());

  ctx_.clock().Set(Day("2030-01-01"));
  ASSERT_TRUE(stub_->GetAgency(As().get(), get, &got).ok());
  EXPECT_TRUE(got.expired());
  EXPECT_EQ(got.qualification_list().clock_start(), "2030-01-01");
  EXPECT_EQ(got.qualification_list().done(), "");
}

// Created on Monday 2026-06-15, the agency's list is due 20 working days
// later (the Dragon Boat Festival, 19 June, not counted): pending until
// then, not late all year; a confirmation within them is on time. The
// next year, the 31 January rule.
TEST_F(RegistryServiceTest, AgencyCreatedMidYearIsDueTwentyWorkingDaysAfterCreation) {
  v1::Agency sent = MakeAgency("140105", 1);
  AddAgencies("140100", {sent});
  v1::GetAgencyRequest get;
  get.set_credit_code(sent.credit_code());
  v1::Agency got;
  ctx_.clock().Set(Day("2026-07-14"));
  ASSERT_TRUE(stub_->GetAgency(As().get(), get, &got).ok());
  EXPECT_EQ(got.qualification_list().clock_start(), "2026-06-15");
  EXPECT_EQ(got.qualification_list().due(), "2026-07-14");
  EXPECT_EQ(got.qualification_list().status(), common::v1::Timeliness::PENDING);

  ctx_.clock().Set(Day("2026-07-15"));
  ASSERT_TRUE(stub_->GetAgency(As().get(), get, &got).ok());
  EXPECT_EQ(got.qualification_list().status(), common::v1::Timeliness::OVERDUE);
  EXPECT_EQ(got.qualification_list().lag_working_days(), 1);

  ctx_.clock().Set(Day("2026-07-20"));
  v1::ConfirmQualificationListsRequest confirm;
  confirm.add_credit_codes(sent.credit_code());
  v1::ConfirmQualificationListsResponse confirmed;
  ASSERT_TRUE(stub_->ConfirmQualificationLists(As(testing::CityCaller("140100")).get(), confirm, &confirmed).ok());
  ctx_.clock().Set(Day("2026-11-28"));
  ASSERT_TRUE(stub_->GetAgency(As().get(), get, &got).ok());
  EXPECT_EQ(got.qualification_list().done(), "2026-07-20");
  EXPECT_EQ(got.qualification_list().status(), common::v1::Timeliness::LATE);
  EXPECT_EQ(got.qualification_list().lag_working_days(), 4);

  ctx_.clock().Set(Day("2027-01-05"));
  ASSERT_TRUE(stub_->GetAgency(As().get(), get, &got).ok());
  EXPECT_EQ(got.qualification_list().clock_start(), "2027-01-01");
  EXPECT_EQ(got.qualification_list().due(), "2027-01-31");
  EXPECT_EQ(got.qualification_list().status(), common::v1::Timeliness::PENDING);
}

// The province confirms its provincial agencies' lists, not a city's agency's;
// a city confirms none of the province's.
TEST_F(RegistryServiceTest, TheProvinceConfirmsItsProvincialAgenciesLists) {
  v1::Agency provincial = MakeAgency("140000", 1);
  provincial.set_area_code("140100");
  v1::UpsertAgenciesRequest request;
  *request.add_agencies() = provincial;
  v1::UpsertAgenciesResponse stored;
  ASSERT_TRUE(stub_->UpsertAgencies(As(testing::ProvinceCaller()).get(), request, &stored).ok());
  v1::Agency city = MakeAgency("140105", 2);
  AddAgencies("140100", {city});

  v1::ConfirmQualificationListsRequest confirm;
  confirm.add_credit_codes(provincial.credit_code());
  v1::ConfirmQualificationListsResponse confirmed;
  EXPECT_EQ(stub_->ConfirmQualificationLists(As(testing::CityCaller("140100")).get(), confirm, &confirmed).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(agencies_.agencies.at(provincial.credit_code()).qualification_confirmed_on, std::nullopt);
  ASSERT_TRUE(stub_->ConfirmQualificationLists(As(testing::ProvinceCaller()).get(), confirm, &confirmed).ok());
  ASSERT_EQ(confirmed.results_size(), 1);
  EXPECT_EQ(confirmed.results(0).outcome(), RecordResult::ACCEPTED);
  EXPECT_EQ(agencies_.agencies.at(provincial.credit_code()).qualification_confirmed_on, Day("2026-06-15"));

  confirm.add_credit_codes(city.credit_code());
  const grpc::Status status =
      stub_->ConfirmQualificationLists(As(testing::ProvinceCaller()).get(), confirm, &confirmed);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(status.error_message().find(city.credit_code()), std::string::npos) << status.error_message();
  EXPECT_EQ(agencies_.agencies.at(city.credit_code()).qualification_confirmed_on, std::nullopt);
}

// A new version changing the contact only leaves the list unconfirmed; one
// changing the list's own fields confirms it on the day it is stored.
TEST_F(RegistryServiceTest, AgencyUpsertDoesNotConfirmTheQualificationList) {
  v1::Agency sent = MakeAgency("140105", 1);
  AddAgencies("140100", {sent});
  sent.set_source_version(2);
  sent.set_contact("0351-1111111，太原市新建路1号");
  ctx_.clock().Set(Day("2026-06-20"));
  AddAgencies("140100", {sent});
  v1::GetAgencyRequest get;
  get.set_credit_code(sent.credit_code());
  v1::Agency got;
  ASSERT_TRUE(stub_->GetAgency(As().get(), get, &got).ok());
  EXPECT_EQ(got.contact(), "0351-1111111，太原市新建路1号");
  EXPECT_EQ(got.qualification_list().done(), "");
  EXPECT_EQ(got.qualification_list().clock_start(), "2026-06-15") << "the creation day stays";

  sent.set_source_version(3);
  sent.add_domains("ecology_environment");
  ctx_.clock().Set(Day("2026-06-22"));
  AddAgencies("140100", {sent});
  ASSERT_TRUE(stub_->GetAgency(As().get(), get, &got).ok());
  EXPECT_EQ(got.qualification_list().done(), "2026-06-22") << "a new domain changes the list";
  EXPECT_EQ(got.qualification_list().status(), common::v1::Timeliness::ON_TIME);
}

TEST_F(RegistryServiceTest, ThePublicCannotWriteAgencies) {
  v1::UpsertAgenciesRequest request;
  *request.add_agencies() = MakeAgency("140105", 1);
  v1::UpsertAgenciesResponse response;
  EXPECT_EQ(stub_->UpsertAgencies(As().get(), request, &response).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(agencies_.agencies.empty());
}

TEST_F(RegistryServiceTest, AnAreaCodeOfAnotherCityRefusesTheWholeBatch) {
  v1::UpsertAgenciesRequest request;
  *request.add_agencies() = MakeAgency("140202", 1);
  *request.add_agencies() = MakeAgency("140105", 2);  // Taiyuan's district
  v1::UpsertAgenciesResponse response;
  grpc::Status status = stub_->UpsertAgencies(As(testing::CityCaller("140200")).get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(status.error_message().find("agencies[1]"), std::string::npos) << status.error_message();
  EXPECT_TRUE(agencies_.agencies.empty());
}

TEST_F(RegistryServiceTest, ACodeIssuedInAnotherCityRefusesTheWholeBatchEvenUnderAnAreaCodeOfTheCaller) {
  v1::UpsertAgenciesRequest request;
  *request.add_agencies() = MakeAgency("140202", 1);
  v1::Agency squatted = MakeAgency("140105", 2);  // a code issued in Taiyuan ...
  squatted.set_area_code("140202");               // ... sent under a Datong area code
  *request.add_agencies() = squatted;
  v1::UpsertAgenciesResponse response;
  grpc::Status status = stub_->UpsertAgencies(As(testing::CityCaller("140200")).get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(status.error_message().find("agencies[1]"), std::string::npos) << status.error_message();
  EXPECT_NE(status.error_message().find("lies in city 140100"), std::string::npos) << status.error_message();
  EXPECT_TRUE(agencies_.agencies.empty());
  EXPECT_TRUE(agencies_.rejections.empty());

  // Taiyuan registers its own agency.
  v1::Agency own = MakeAgency("140105", 2);
  AddAgencies("140100", {own});
  EXPECT_EQ(agencies_.agencies.at(own.credit_code()).city_code, "140100");
}

TEST_F(RegistryServiceTest, AnAgencyStoredUnderAnotherCityIsNotOverwritten) {
  // Stored under Datong before codes were read for their region.
  v1::Agency agency = MakeAgency("140105", 3);
  Agency squatted;
  squatted.credit_code = agency.credit_code();
  squatted.city_code = "140200";
  squatted.source_version = 1;
  agencies_.agencies[agency.credit_code()] = squatted;
  agency.set_source_version(2);
  v1::UpsertAgenciesRequest request;
  *request.add_agencies() = agency;
  v1::UpsertAgenciesResponse response;
  grpc::Status status = stub_->UpsertAgencies(As(testing::CityCaller("140100")).get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(agencies_.agencies.at(agency.credit_code()).source_version, 1);
}

TEST_F(RegistryServiceTest, AProvincialAgencyIsTheProvincesToRegisterNotACitys) {
  v1::Agency provincial = MakeAgency("140000", 1);  // code issued at province level
  provincial.set_area_code("140100");               // seated in Taiyuan
  v1::UpsertAgenciesRequest request;
  *request.add_agencies() = provincial;
  v1::UpsertAgenciesResponse response;
  grpc::Status status = stub_->UpsertAgencies(As(testing::CityCaller("140100")).get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(status.error_message().find("the province registers it"), std::string::npos) << status.error_message();
  EXPECT_TRUE(agencies_.agencies.empty());

  // The province registers it, with a bad record kept as the province's rejection.
  v1::Agency bad = MakeAgency("140000", 2);
  bad.set_name("");
  *request.add_agencies() = bad;
  ASSERT_TRUE(stub_->UpsertAgencies(As(testing::ProvinceCaller()).get(), request, &response).ok());
  ASSERT_EQ(response.results_size(), 2);
  EXPECT_EQ(response.results(0).outcome(), RecordResult::ACCEPTED);
  EXPECT_EQ(response.results(1).outcome(), RecordResult::REJECTED);
  EXPECT_EQ(agencies_.agencies.at(provincial.credit_code()).city_code, "140000");
  EXPECT_EQ(agencies_.rejection_scopes, (std::vector<std::string>{"province"}));
  v1::ListRejectionsResponse rejections;
  ASSERT_TRUE(stub_->ListRejections(As(testing::ProvinceCaller()).get(), {}, &rejections).ok());
  ASSERT_EQ(rejections.rejections_size(), 1);
  EXPECT_EQ(rejections.rejections(0).key(), bad.credit_code());
  ASSERT_TRUE(stub_->ListRejections(As(testing::CityCaller("140100")).get(), {}, &rejections).ok());
  EXPECT_EQ(rejections.rejections_size(), 0);

  // A city cannot change it afterwards either.
  provincial.set_source_version(2);
  v1::UpsertAgenciesRequest again;
  *again.add_agencies() = provincial;
  status = stub_->UpsertAgencies(As(testing::CityCaller("140100")).get(), again, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(agencies_.agencies.at(provincial.credit_code()).source_version, 1);
}

TEST_F(RegistryServiceTest, ACitysAgencyIsNotTheProvincesToRegister) {
  v1::UpsertAgenciesRequest request;
  *request.add_agencies() = MakeAgency("140000", 1);
  *request.add_agencies() = MakeAgency("140105", 2);
  v1::UpsertAgenciesResponse response;
  grpc::Status status = stub_->UpsertAgencies(As(testing::ProvinceCaller()).get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(status.error_message().find("agencies[1]"), std::string::npos) << status.error_message();
  EXPECT_TRUE(agencies_.agencies.empty());
}

TEST_F(RegistryServiceTest, AnOfficerOfAnotherCitysAgencyRefusesTheWholeBatch) {
  v1::Agency taiyuan = MakeAgency("140105", 1);
  v1::Agency datong = MakeAgency("140202", 2);
  AddAgencies("140100", {taiyuan});
  AddAgencies("140200", {datong});
  grpc::Status status;
  UpsertOfficers("140200",
                 {MakeOfficer("DT-1", datong.credit_code(), "2025-01-01", "2030-12-31", v1::ACTIVE),
                  MakeOfficer("TY-1", taiyuan.credit_code(), "2025-01-01", "2030-12-31", v1::ACTIVE)},
                 &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(officers_.officers.empty());
}

TEST_F(RegistryServiceTest, ACertificateOfAnotherCityIsNotThisCitysToChange) {
  v1::Agency taiyuan = MakeAgency("140105", 1);
  v1::Agency datong = MakeAgency("140202", 2);
  AddAgencies("140100", {taiyuan});
  AddAgencies("140200", {datong});
  grpc::Status status;
  UpsertOfficers("140100", {MakeOfficer("TY-1", taiyuan.credit_code(), "2025-01-01", "2030-12-31", v1::ACTIVE)},
                 &status);
  ASSERT_TRUE(status.ok());
  v1::Officer moved = MakeOfficer("TY-1", datong.credit_code(), "2025-01-01", "2030-12-31", v1::REVOKED);
  moved.set_source_version(2);
  UpsertOfficers("140200", {moved}, &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(officers_.officers.at("TY-1").status, OfficerStatus::kActive);
  EXPECT_EQ(officers_.officers.at("TY-1").agency_credit_code, taiyuan.credit_code());
}

TEST_F(RegistryServiceTest, BadRecordsAreRejectedFieldByFieldAndTheGoodOnesStored) {
  v1::UpsertAgenciesRequest request;
  *request.add_agencies() = MakeAgency("140105", 1);
  v1::Agency* bad = request.add_agencies();
  *bad = MakeAgency("140106", 2);
  bad->set_name("");
  bad->set_valid_from("2026-02-30");
  v1::UpsertAgenciesResponse response;
  ASSERT_TRUE(stub_->UpsertAgencies(As(testing::CityCaller("140100")).get(), request, &response).ok());
  ASSERT_EQ(response.results_size(), 2);
  EXPECT_EQ(response.results(0).outcome(), RecordResult::ACCEPTED);
  EXPECT_EQ(response.results(1).outcome(), RecordResult::REJECTED);
  EXPECT_EQ(response.results(1).key(), bad->credit_code());
  EXPECT_EQ(Fields(response.results(1)), (std::vector<std::string>{"agencies[1].name", "agencies[1].valid_from"}));
  EXPECT_EQ(response.results(1).violations(1).description(), "must be a date YYYY-MM-DD");
  ASSERT_EQ(agencies_.rejections.size(), 1u);
  EXPECT_EQ(agencies_.rejections[0].kind, "agency");
  EXPECT_NE(agencies_.rejections[0].raw_json.find("2026-02-30"), std::string::npos);
  EXPECT_EQ(agencies_.agencies.size(), 1u);

  // An officer of an agency the registry does not have; a change day that is not a date.
  grpc::Status status;
  v1::Officer unreadable =
      MakeOfficer("TY-2", request.agencies(0).credit_code(), "2025-01-01", "2030-12-31", v1::ACTIVE);
  unreadable.set_changed_on("2026-13-01");
  auto officers = UpsertOfficers(
      "140100", {MakeOfficer("TY-1", CreditCode("140100", 99), "2025-01-01", "2030-12-31", v1::ACTIVE), unreadable},
      &status);
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(officers.results(0).outcome(), RecordResult::REJECTED);
  EXPECT_EQ(Fields(officers.results(0)), (std::vector<std::string>{"officers[0].agency_credit_code"}));
  EXPECT_EQ(officers.results(0).violations(0).description(), "no such agency in the registry");
  EXPECT_EQ(officers.results(1).outcome(), RecordResult::REJECTED);
  EXPECT_EQ(Fields(officers.results(1)), (std::vector<std::string>{"officers[1].changed_on"}));

  // Confirming an unknown agency's qualification list.
  v1::ConfirmQualificationListsRequest confirm;
  confirm.add_credit_codes(request.agencies(0).credit_code());
  confirm.add_credit_codes(CreditCode("140100", 98));
  v1::ConfirmQualificationListsResponse confirmed;
  ASSERT_TRUE(stub_->ConfirmQualificationLists(As(testing::CityCaller("140100")).get(), confirm, &confirmed).ok());
  EXPECT_EQ(confirmed.results(0).outcome(), RecordResult::ACCEPTED);
  EXPECT_EQ(confirmed.results(1).outcome(), RecordResult::REJECTED);
  EXPECT_EQ(Fields(confirmed.results(1)), (std::vector<std::string>{"credit_codes[1]"}));
  EXPECT_EQ(confirmed.results(1).violations(0).description(), "no such agency in the registry");
}

TEST_F(RegistryServiceTest, APowersItemWithAnUnreadableChangeDayIsRejected) {
  v1::Agency agency = MakeAgency("140105", 1);
  AddAgencies("140100", {agency});
  v1::UpsertPowersRequest request;
  *request.add_items() = MakePowersItem(agency.credit_code(), "P-1");
  v1::PowersItem* bad = request.add_items();
  *bad = MakePowersItem(agency.credit_code(), "P-2");
  bad->set_changed_on("2026-02-30");
  v1::UpsertPowersResponse response;
  ASSERT_TRUE(stub_->UpsertPowers(As(testing::CityCaller("140100")).get(), request, &response).ok());
  ASSERT_EQ(response.results_size(), 2);
  EXPECT_EQ(response.results(0).outcome(), RecordResult::ACCEPTED);
  EXPECT_EQ(response.results(1).outcome(), RecordResult::REJECTED);
  EXPECT_EQ(Fields(response.results(1)), (std::vector<std::string>{"items[1].changed_on"}));
  EXPECT_EQ(response.results(1).violations(0).description(), "must be a date YYYY-MM-DD");
  EXPECT_EQ(powers_.items.size(), 1u);
}

TEST_F(RegistryServiceTest, ABenchmarkWithAnUnreadableChangeDayIsRejected) {
  v1::UpsertBenchmarksRequest request;
  *request.add_benchmarks() = MakeBenchmark("food.unsafe_production");
  v1::DiscretionBenchmark* bad = request.add_benchmarks();
  *bad = MakeBenchmark("food.unlicensed");
  bad->set_changed_on("01/06/2026");
  v1::UpsertBenchmarksResponse response;
  ASSERT_TRUE(stub_->UpsertBenchmarks(As(testing::CityCaller("140100")).get(), request, &response).ok());
  ASSERT_EQ(response.results_size(), 2);
  EXPECT_EQ(response.results(0).outcome(), RecordResult::ACCEPTED);
  EXPECT_EQ(response.results(1).outcome(), RecordResult::REJECTED);
  EXPECT_EQ(Fields(response.results(1)), (std::vector<std::string>{"benchmarks[1].changed_on"}))
      << response.results(1).DebugString();
  EXPECT_EQ(response.results(1).violations(0).description(), "must be a date YYYY-MM-DD");
  EXPECT_EQ(benchmarks_.tables.size(), 1u);
}

TEST_F(RegistryServiceTest, ListsPageWithTokensAndNameBadSizesAndForgedTokens) {
  AddAgencies("140100", {MakeAgency("140105", 1), MakeAgency("140105", 2), MakeAgency("140105", 3)});
  std::vector<std::string> seen;
  std::string token;
  do {
    v1::ListAgenciesRequest request;
    request.set_page_size(2);
    request.set_page_token(token);
    v1::ListAgenciesResponse page;
    ASSERT_TRUE(stub_->ListAgencies(As().get(), request, &page).ok());
    for (const auto& a : page.agencies()) seen.push_back(a.credit_code());
    token = page.next_page_token();
  } while (!token.empty());
  EXPECT_EQ(seen.size(), 3u);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));

  v1::ListAgenciesRequest negative;
  negative.set_page_size(-1);
  v1::ListAgenciesResponse agencies;
  grpc::Status status = stub_->ListAgencies(As().get(), negative, &agencies);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Fields(status), (std::vector<std::string>{"page_size"}));

  v1::ListOfficersRequest forged;
  forged.set_agency_credit_code(CreditCode("140105", 1));
  forged.set_page_token("forged");
  v1::ListOfficersResponse officers;
  status = stub_->ListOfficers(As().get(), forged, &officers);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Fields(status), (std::vector<std::string>{"page_token"}));

  // A real token of another list (one field, not the two of a powers key).
  v1::ListAgenciesRequest first;
  first.set_page_size(1);
  ASSERT_TRUE(stub_->ListAgencies(As().get(), first, &agencies).ok());
  v1::ListPowersRequest powers;
  powers.set_page_token(agencies.next_page_token());
  v1::ListPowersResponse items;
  status = stub_->ListPowers(As().get(), powers, &items);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Fields(status), (std::vector<std::string>{"page_token"}));

  v1::ListPowersChangesRequest feed;
  feed.set_limit(-5);
  v1::ListPowersChangesResponse changes;
  status = stub_->ListPowersChanges(As().get(), feed, &changes);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Fields(status), (std::vector<std::string>{"limit"}));
}

TEST_F(RegistryServiceTest, AnUnknownAgencyIsNotFound) {
  v1::GetAgencyRequest request;
  request.set_credit_code(CreditCode("140105", 7));
  v1::Agency got;
  EXPECT_EQ(stub_->GetAgency(As().get(), request, &got).error_code(), grpc::StatusCode::NOT_FOUND);
  request.set_credit_code("not-a-code");
  grpc::Status status = stub_->GetAgency(As().get(), request, &got);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Fields(status), (std::vector<std::string>{"credit_code"}));
}

TEST_F(RegistryServiceTest, VerificationAnswersEachVerdict) {
  v1::Agency agency = MakeAgency("140105", 1);
  AddAgencies("140100", {agency});
  const std::string code = agency.credit_code();
  grpc::Status status;
  UpsertOfficers("140100",
                 {MakeOfficer("V-VALID", code, "2025-01-01", "2030-12-31", v1::ACTIVE),
                  MakeOfficer("V-OLD", code, "2020-01-01", "2025-12-31", v1::ACTIVE),
                  MakeOfficer("V-PAUSED", code, "2025-01-01", "2030-12-31", v1::SUSPENDED),
                  MakeOfficer("V-GONE", code, "2025-01-01", "2030-12-31", v1::REVOKED)},
                 &status);
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(certificates_.refreshes, 1) << "what the adapter wrote, it verifies at once";

  Verdict valid = Verify("V-VALID");
  EXPECT_EQ(valid.verdict(), Verdict::VALID);
  EXPECT_EQ(valid.officer().name(), "执法员V-VALID");
  EXPECT_EQ(valid.officer().agency_name(), agency.name());
  EXPECT_EQ(valid.officer().valid_from(), "2025-01-01");
  EXPECT_EQ(valid.officer().valid_until(), "2030-12-31");
  EXPECT_EQ(valid.officer().status(), v1::ACTIVE);
  EXPECT_EQ(valid.officer().city_code(), "140100");
  EXPECT_EQ(valid.officer().source_version(), 0) << "only the published fields";
  EXPECT_EQ(Verify("V-OLD").verdict(), Verdict::EXPIRED);
  EXPECT_EQ(Verify("V-PAUSED").verdict(), Verdict::SUSPENDED);
  EXPECT_EQ(Verify("V-GONE").verdict(), Verdict::REVOKED);
  Verdict unknown = Verify("NEVER-ISSUED");
  EXPECT_EQ(unknown.verdict(), Verdict::UNKNOWN);
  EXPECT_FALSE(unknown.has_officer());

  v1::GetOfficerCodeRequest ask;
  ask.set_certificate_number("V-VALID");
  v1::GetOfficerCodeResponse badge;
  ASSERT_TRUE(stub_->GetOfficerCode(As(testing::CityCaller("140100")).get(), ask, &badge).ok());
  v1::VerifyCertificateRequest by_code;
  by_code.set_officer_code(badge.officer_code());
  Verdict answer;
  ASSERT_TRUE(stub_->VerifyCertificate(As().get(), by_code, &answer).ok());
  EXPECT_EQ(answer.verdict(), Verdict::VALID);
  EXPECT_EQ(answer.officer().certificate_number(), "V-VALID");
  EXPECT_EQ(stub_->GetOfficerCode(As(testing::CityCaller("140200")).get(), ask, &badge).error_code(),
            grpc::StatusCode::NOT_FOUND);
  ask.set_certificate_number("V-GONE");
  EXPECT_EQ(stub_->GetOfficerCode(As(testing::CityCaller("140100")).get(), ask, &badge).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);

  grpc::Status nothing = stub_->VerifyCertificate(As().get(), v1::VerifyCertificateRequest(), &answer);
  EXPECT_EQ(nothing.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Fields(nothing), (std::vector<std::string>{"subject"}));
}

TEST_F(RegistryServiceTest, CoverageAnswersPerAgencyAndInTotal) {
  agencies_.coverage = {
      WithProvisionsAndFlowcharts(
          {CreditCode("140105", 1), "执法机构1", "140100", Day("2026-01-10"), Day("2030-12-31"), true, true, true}),
      WithProvisionsAndFlowcharts(
          {CreditCode("140105", 2), "执法机构2", "140100", Day("2025-12-20"), Day("2030-12-31"), false, true, false}),
      {CreditCode("140202", 3), "执法机构3", "140200", std::nullopt, Day("2030-12-31"), false, false, false},
  };
  v1::GetCoverageRequest request;
  request.set_city_code("140100");
  v1::GetCoverageResponse coverage;
  ASSERT_TRUE(stub_->GetCoverage(As().get(), request, &coverage).ok());
  ASSERT_EQ(coverage.agencies_size(), 2);
  const auto& full = coverage.agencies(0);
  EXPECT_EQ(full.credit_code(), CreditCode("140105", 1));
  EXPECT_EQ(full.name(), "执法机构1");
  EXPECT_EQ(full.city_code(), "140100");
  EXPECT_TRUE(full.qualification_list_current());
  EXPECT_TRUE(full.powers_listed());
  EXPECT_TRUE(full.officers_listed());
  EXPECT_TRUE(full.benchmarks_for_domains());
  EXPECT_TRUE(full.staffing_provisions_published());
  EXPECT_TRUE(full.flowcharts_for_domains());
  EXPECT_EQ(full.missing_size(), 0);
  const auto& partial = coverage.agencies(1);
  EXPECT_FALSE(partial.qualification_list_current()) << "last year's confirmation, after 31 January";
  EXPECT_FALSE(partial.powers_listed());
  EXPECT_TRUE(partial.officers_listed());
  EXPECT_EQ(std::vector<std::string>(partial.missing().begin(), partial.missing().end()),
            (std::vector<std::string>{"qualification_list_current", "powers_listed", "benchmarks_for_domains"}));
  EXPECT_EQ(coverage.items_present(), 9);
  EXPECT_EQ(coverage.items_required(), 12);
  EXPECT_DOUBLE_EQ(coverage.ratio(), 9.0 / 12.0);

  request.set_city_code("1401");
  grpc::Status status = stub_->GetCoverage(As().get(), request, &coverage);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Fields(status), (std::vector<std::string>{"city_code"}));
}

// The adapter asks for the facts as of its clock's today and judges them
// under its deadlines: a powers item whose change is past its 20 WD
// unpublished (due 2026-06-02 for 2026-05-06) makes the powers list not
// current, named as such, though items are listed.
TEST_F(RegistryServiceTest, PowersListWithAnOverdueItemIsNotCurrent) {
  CoverageFacts facts = WithProvisionsAndFlowcharts(
      {CreditCode("140105", 1), "执法机构1", "140100", Day("2026-01-10"), Day("2030-12-31"), true, true, true});
  facts.unpublished_powers_since = Day("2026-05-06");
  agencies_.coverage = {facts};
  v1::GetCoverageResponse coverage;
  ASSERT_TRUE(stub_->GetCoverage(As().get(), v1::GetCoverageRequest(), &coverage).ok());
  EXPECT_EQ(agencies_.coverage_days, std::vector<common::Date>{Day("2026-06-15")});
  ASSERT_EQ(coverage.agencies_size(), 1);
  EXPECT_TRUE(coverage.agencies(0).powers_listed());
  EXPECT_EQ(std::vector<std::string>(coverage.agencies(0).missing().begin(), coverage.agencies(0).missing().end()),
            std::vector<std::string>{"powers_current"});
  EXPECT_EQ(coverage.items_present(), 5);
  EXPECT_EQ(coverage.items_required(), 6);
}

// Coverage is listed a page at a time, by credit code; the totals are over
// every agency the filters match, on every page.
TEST_F(RegistryServiceTest, CoveragePagesByCreditCodeWithTotalsOverEveryAgency) {
  for (int serial = 1; serial <= 5; ++serial) {
    agencies_.coverage.push_back(
        WithProvisionsAndFlowcharts({CreditCode("140105", serial), "执法机构" + std::to_string(serial), "140100",
                                     Day("2026-01-10"), Day("2030-12-31"), serial % 2 == 1, true, true}));
  }
  std::vector<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    v1::GetCoverageRequest request;
    request.set_city_code("140100");
    request.set_page_size(2);
    request.set_page_token(token);
    v1::GetCoverageResponse page;
    ASSERT_TRUE(stub_->GetCoverage(As().get(), request, &page).ok());
    EXPECT_LE(page.agencies_size(), 2);
    for (const auto& a : page.agencies()) seen.push_back(a.credit_code());
    EXPECT_EQ(page.items_present(), 28) << "5 agencies of 6 items, two without powers";
    EXPECT_EQ(page.items_required(), 30);
    token = page.next_page_token();
    ++pages;
  } while (!token.empty());
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, (std::vector<std::string>{CreditCode("140105", 1), CreditCode("140105", 2), CreditCode("140105", 3),
                                            CreditCode("140105", 4), CreditCode("140105", 5)}));

  v1::GetCoverageRequest forged;
  forged.set_page_token("forged");
  v1::GetCoverageResponse answer;
  grpc::Status status = stub_->GetCoverage(As().get(), forged, &answer);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Fields(status), (std::vector<std::string>{"page_token"}));
}

TEST_F(RegistryServiceTest, BenchmarksPageByCityDomainAndViolationCode) {
  v1::UpsertBenchmarksRequest request;
  for (const char* code : {"food.c", "food.a", "food.b"}) *request.add_benchmarks() = MakeBenchmark(code);
  v1::UpsertBenchmarksResponse stored;
  ASSERT_TRUE(stub_->UpsertBenchmarks(As(testing::CityCaller("140100")).get(), request, &stored).ok());
  ASSERT_TRUE(stub_->UpsertBenchmarks(As(testing::CityCaller("140200")).get(), request, &stored).ok());

  std::vector<std::string> seen;
  std::string token;
  do {
    v1::ListBenchmarksRequest list;
    list.set_page_size(4);
    list.set_page_token(token);
    v1::ListBenchmarksResponse page;
    ASSERT_TRUE(stub_->ListBenchmarks(As().get(), list, &page).ok());
    EXPECT_LE(page.benchmarks_size(), 4);
    for (const auto& b : page.benchmarks()) {
      seen.push_back(b.city_code() + "/" + b.violation_code());
      EXPECT_EQ(b.timeliness().rule(), "discretion_benchmark");
    }
    token = page.next_page_token();
  } while (!token.empty());
  EXPECT_EQ(seen, (std::vector<std::string>{"140100/food.a", "140100/food.b", "140100/food.c", "140200/food.a",
                                            "140200/food.b", "140200/food.c"}));

  v1::ListBenchmarksRequest negative;
  negative.set_page_size(-1);
  v1::ListBenchmarksResponse answer;
  grpc::Status status = stub_->ListBenchmarks(As().get(), negative, &answer);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Fields(status), (std::vector<std::string>{"page_size"}));
}

// A page size over a list's cap is taken as the cap (public_size.h), which
// keeps every public page under 4 MB.
TEST_F(RegistryServiceTest, APageSizeOverTheCapIsTakenAsTheCap) {
  v1::Agency agency = MakeAgency("140105", 1);
  AddAgencies("140100", {agency});
  // 101 items, in two batches (a batch holds at most 100 here).
  for (int batch = 0; batch < 2; ++batch) {
    v1::UpsertPowersRequest request;
    for (int i = batch * 100; i < std::min(101, (batch + 1) * 100); ++i) {
      *request.add_items() = MakePowersItem(agency.credit_code(), "P-" + std::to_string(1000 + i));
    }
    v1::UpsertPowersResponse stored;
    ASSERT_TRUE(stub_->UpsertPowers(As(testing::CityCaller("140100")).get(), request, &stored).ok());
  }

  v1::ListPowersRequest list;
  list.set_page_size(500);
  v1::ListPowersResponse page;
  ASSERT_TRUE(stub_->ListPowers(As().get(), list, &page).ok());
  EXPECT_EQ(page.items_size(), 100);
  EXPECT_FALSE(page.next_page_token().empty());

  v1::ListPowersChangesRequest feed;
  feed.set_limit(1000);
  v1::ListPowersChangesResponse changes;
  ASSERT_TRUE(stub_->ListPowersChanges(As().get(), feed, &changes).ok());
  EXPECT_EQ(changes.items_size(), 100);
}

TEST_F(RegistryServiceTest, AShortKeywordIsRefusedUnlessTheListIsOneAgencys) {
  v1::ListPowersRequest list;
  list.set_keyword("许可");
  v1::ListPowersResponse page;
  grpc::Status status = stub_->ListPowers(As().get(), list, &page);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Fields(status), (std::vector<std::string>{"keyword"}));
  list.set_agency_credit_code(CreditCode("140105", 1));
  EXPECT_TRUE(stub_->ListPowers(As().get(), list, &page).ok());
}

TEST_F(RegistryServiceTest, ABadCertificateNumberIsNotQuotedBack) {
  v1::GetOfficerCodeRequest ask;
  ask.set_certificate_number(std::string(100'000, 'A'));
  v1::GetOfficerCodeResponse badge;
  grpc::Status status = stub_->GetOfficerCode(As(testing::CityCaller("140100")).get(), ask, &badge);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Fields(status), (std::vector<std::string>{"certificate_number"}));
  EXPECT_LT(status.error_message().size(), 200u);
}

TEST_F(RegistryServiceTest, TodayIsThePinnedClocksDate) {
  v1::Agency agency = MakeAgency("140105", 1);
  AddAgencies("140100", {agency});
  grpc::Status status;
  UpsertOfficers("140100", {MakeOfficer("V-SOON", agency.credit_code(), "2026-06-16", "2030-12-31", v1::ACTIVE)},
                 &status);
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(Verify("V-SOON").verdict(), Verdict::NOT_YET_VALID);
  ctx_.clock().Set(Day("2026-06-16"));
  EXPECT_EQ(Verify("V-SOON").verdict(), Verdict::VALID);

  // A change reported for a day after today is refused, and accepted once that day has come.
  v1::UpsertPowersRequest request;
  v1::PowersItem* item = request.add_items();
  item->set_agency_credit_code(agency.credit_code());
  item->set_source_id("P-1");
  item->set_source_version(1);
  item->set_name("行政检查");
  item->set_category(v1::INSPECTION);
  item->mutable_legal_basis()->Add()->set_law("中华人民共和国食品安全法");
  item->mutable_legal_basis(0)->set_article(110);
  item->set_responsibilities("检查");
  item->set_accountability("追责");
  item->set_changed_on("2026-06-17");
  v1::UpsertPowersResponse response;
  ASSERT_TRUE(stub_->UpsertPowers(As(testing::CityCaller("140100")).get(), request, &response).ok());
  EXPECT_EQ(response.results(0).outcome(), RecordResult::REJECTED);
  EXPECT_EQ(Fields(response.results(0)), (std::vector<std::string>{"items[0].changed_on"}));
  EXPECT_EQ(response.results(0).violations(0).description(), "must not be in the future");
  ctx_.clock().Set(Day("2026-06-17"));
  ASSERT_TRUE(stub_->UpsertPowers(As(testing::CityCaller("140100")).get(), request, &response).ok());
  EXPECT_EQ(response.results(0).outcome(), RecordResult::ACCEPTED);

  // Published on the clock's day, and assessed as of it.
  v1::ListPowersRequest list;
  v1::ListPowersResponse page;
  ASSERT_TRUE(stub_->ListPowers(As().get(), list, &page).ok());
  ASSERT_EQ(page.items_size(), 1);
  EXPECT_EQ(page.items(0).changed_on(), "2026-06-17");
  EXPECT_EQ(page.items(0).city_code(), "140100");
  EXPECT_EQ(page.items(0).timeliness().clock_start(), "2026-06-17");
  EXPECT_EQ(page.items(0).timeliness().done(), "2026-06-17");
}

// ---------------------------------------------------------------- the random-check list

TEST_F(RegistryServiceTest, OnlyAnInspectionItemMayBeOnTheRandomCheckList) {
  v1::Agency agency = MakeAgency("140105", 1);
  AddAgencies("140100", {agency});
  v1::UpsertPowersRequest request;
  *request.add_items() = MakePowersItem(agency.credit_code(), "JC-1");
  request.mutable_items(0)->set_random_check(true);
  *request.add_items() = MakePowersItem(agency.credit_code(), "CF-1");
  request.mutable_items(1)->set_category(v1::PENALTY);
  request.mutable_items(1)->set_random_check(true);
  v1::UpsertPowersResponse response;
  ASSERT_TRUE(stub_->UpsertPowers(As(testing::CityCaller("140100")).get(), request, &response).ok());
  EXPECT_EQ(response.results(0).outcome(), RecordResult::ACCEPTED);
  EXPECT_EQ(response.results(1).outcome(), RecordResult::REJECTED);
  EXPECT_EQ(Fields(response.results(1)), (std::vector<std::string>{"items[1].random_check"}));
  EXPECT_TRUE(powers_.items.at({agency.credit_code(), "JC-1"}).random_check);
  EXPECT_FALSE(powers_.items.contains({agency.credit_code(), "CF-1"}));
}

TEST_F(RegistryServiceTest, ListsCarryTheRandomCheckFlagAndFilterOnIt) {
  v1::Agency agency = MakeAgency("140105", 1);
  AddAgencies("140100", {agency});
  v1::UpsertPowersRequest request;
  for (const char* id : {"JC-1", "JC-2", "JC-3"}) *request.add_items() = MakePowersItem(agency.credit_code(), id);
  request.mutable_items(1)->set_random_check(true);
  v1::UpsertPowersResponse response;
  ASSERT_TRUE(stub_->UpsertPowers(As(testing::CityCaller("140100")).get(), request, &response).ok());

  v1::ListPowersRequest list;
  v1::ListPowersResponse page;
  ASSERT_TRUE(stub_->ListPowers(As().get(), list, &page).ok());
  ASSERT_EQ(page.items_size(), 3);
  EXPECT_FALSE(page.items(0).random_check());
  EXPECT_TRUE(page.items(1).random_check());
  list.set_random_check(true);
  ASSERT_TRUE(stub_->ListPowers(As().get(), list, &page).ok());
  ASSERT_EQ(page.items_size(), 1);
  EXPECT_EQ(page.items(0).source_id(), "JC-2");
  EXPECT_TRUE(page.items(0).random_check());

  v1::ListPowersChangesResponse changes;
  ASSERT_TRUE(stub_->ListPowersChanges(As().get(), v1::ListPowersChangesRequest(), &changes).ok());
  ASSERT_EQ(changes.items_size(), 3);
  EXPECT_TRUE(changes.items(1).random_check());
}

// ---------------------------------------------------------------- calls of other services

const common::CallerIdentity kInspections{common::v1::ROLE_SERVICE, "", "", "service-inspections"};

// The registry's service-only methods answer another service's own identity
// and no one else: not the public, a city, the province or a desk.
TEST_F(RegistryServiceTest, TheServiceCallsAnswerOnlyAnotherService) {
  v1::CheckCertificatesRequest check;
  check.add_certificate_numbers("TY-1");
  check.set_from("2026-06-01");
  check.set_to("2026-06-30");
  v1::GetPowersItemsRequest items;
  items.add_agency_credit_codes(CreditCode("140105", 1));
  items.add_source_ids("JC-1");
  v1::RecordInspectionPlansRequest plans;
  const v1::ListEnforcementUnitsRequest units;
  v1::CheckQualificationListsRequest lists;
  v1::QualificationQuery* query = lists.add_queries();
  query->set_agency_credit_code(CreditCode("140105", 1));
  query->set_on("2026-06-01");
  common::v1::GetKpiTalliesRequest tallies;
  tallies.set_year(2026);
  const auto codes = [&](const std::optional<common::CallerIdentity>& caller) {
    v1::CheckCertificatesResponse checked;
    v1::GetPowersItemsResponse found;
    v1::RecordInspectionPlansResponse recorded;
    v1::ListEnforcementUnitsResponse listed;
    v1::CheckQualificationListsResponse answered;
    common::v1::GetKpiTalliesResponse counted;
    return std::vector<grpc::StatusCode>{
        stub_->CheckCertificates(As(caller).get(), check, &checked).error_code(),
        stub_->GetPowersItems(As(caller).get(), items, &found).error_code(),
        stub_->RecordInspectionPlans(As(caller).get(), plans, &recorded).error_code(),
        stub_->ListEnforcementUnits(As(caller).get(), units, &listed).error_code(),
        stub_->CheckQualificationLists(As(caller).get(), lists, &answered).error_code(),
        stub_->GetKpiTallies(As(caller).get(), tallies, &counted).error_code()};
  };
  const auto all = [](grpc::StatusCode code) { return std::vector<grpc::StatusCode>(6, code); };
  EXPECT_EQ(codes(std::nullopt), all(grpc::StatusCode::UNAUTHENTICATED));
  EXPECT_EQ(codes(testing::CityCaller("140100")), all(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_EQ(codes(testing::ProvinceCaller()), all(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_EQ(codes(testing::DeskCaller(CreditCode("140105", 1))), all(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_EQ(codes(kInspections), all(grpc::StatusCode::OK));
}

// One answer per number, in the order asked: whose certificate it is,
// whether it is valid over the whole period, and the verdict on its first
// day; an unknown number is only that.
TEST_F(RegistryServiceTest, CertificatesAreCheckedOverThePeriodInTheOrderAsked) {
  v1::Agency agency = MakeAgency("140105", 1);
  AddAgencies("140100", {agency});
  const std::string code = agency.credit_code();
  grpc::Status status;
  UpsertOfficers("140100",
                 {MakeOfficer("C-VALID", code, "2025-01-01", "2030-12-31", v1::ACTIVE),
                  MakeOfficer("C-ENDS", code, "2024-01-01", "2026-06-20", v1::ACTIVE),
                  MakeOfficer("C-PAUSED", code, "2025-01-01", "2030-12-31", v1::SUSPENDED),
                  MakeOfficer("C-LATER", code, "2026-06-10", "2030-12-31", v1::ACTIVE)},
                 &status);
  ASSERT_TRUE(status.ok());

  v1::CheckCertificatesRequest request;
  for (const char* n : {"C-ENDS", "NEVER-ISSUED", "C-VALID", "C-PAUSED", "C-LATER", "C-VALID"}) {
    request.add_certificate_numbers(n);
  }
  request.set_from("2026-06-01");
  request.set_to("2026-06-30");
  v1::CheckCertificatesResponse response;
  ASSERT_TRUE(stub_->CheckCertificates(As(kInspections).get(), request, &response).ok());
  ASSERT_EQ(response.checks_size(), 6);
  std::vector<std::string> numbers;
  for (const auto& c : response.checks()) numbers.push_back(c.certificate_number());
  EXPECT_EQ(numbers, (std::vector<std::string>{"C-ENDS", "NEVER-ISSUED", "C-VALID", "C-PAUSED", "C-LATER", "C-VALID"}));

  const auto& ends = response.checks(0);
  EXPECT_TRUE(ends.known());
  EXPECT_EQ(ends.agency_credit_code(), code);
  EXPECT_FALSE(ends.valid_over_period()) << "its validity ends within the period";
  EXPECT_EQ(ends.verdict(), Verdict::VALID) << "valid on the period's first day";
  const auto& unknown = response.checks(1);
  EXPECT_FALSE(unknown.known());
  EXPECT_EQ(unknown.agency_credit_code(), "");
  EXPECT_FALSE(unknown.valid_over_period());
  EXPECT_EQ(unknown.verdict(), Verdict::UNKNOWN);
  EXPECT_TRUE(response.checks(2).valid_over_period());
  EXPECT_EQ(response.checks(2).verdict(), Verdict::VALID);
  EXPECT_FALSE(response.checks(3).valid_over_period());
  EXPECT_EQ(response.checks(3).verdict(), Verdict::SUSPENDED);
  EXPECT_FALSE(response.checks(4).valid_over_period()) << "valid only from within the period";
  EXPECT_EQ(response.checks(4).verdict(), Verdict::NOT_YET_VALID);
  EXPECT_TRUE(response.checks(5).valid_over_period()) << "a number asked twice is answered twice";

  // A one-day period within C-ENDS's validity.
  request.clear_certificate_numbers();
  request.add_certificate_numbers("C-ENDS");
  request.set_from("2026-06-20");
  request.set_to("2026-06-20");
  ASSERT_TRUE(stub_->CheckCertificates(As(kInspections).get(), request, &response).ok());
  EXPECT_TRUE(response.checks(0).valid_over_period());
}

TEST_F(RegistryServiceTest, ACertificateCheckNamesEveryBadField) {
  const auto fields = [&](const v1::CheckCertificatesRequest& request) {
    v1::CheckCertificatesResponse response;
    grpc::Status status = stub_->CheckCertificates(As(kInspections).get(), request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    return Fields(status);
  };
  v1::CheckCertificatesRequest request;
  request.set_from("2026-06-01");
  request.set_to("2026-06-30");
  EXPECT_EQ(fields(request), (std::vector<std::string>{"certificate_numbers"})) << "at least one";
  request.add_certificate_numbers("TY-1");
  request.add_certificate_numbers("ty-2");
  request.add_certificate_numbers("");
  request.set_from("2026-6-1");
  EXPECT_EQ(fields(request), (std::vector<std::string>{"certificate_numbers[1]", "certificate_numbers[2]", "from"}));
  request.clear_certificate_numbers();
  request.add_certificate_numbers("TY-1");
  request.set_from("2026-07-01");
  EXPECT_EQ(fields(request), (std::vector<std::string>{"to"})) << "from after to";
  request.set_from("2026-06-01");
  for (int i = 0; i < 500; ++i) request.add_certificate_numbers("TY-" + std::to_string(i));
  EXPECT_EQ(fields(request), (std::vector<std::string>{"certificate_numbers"})) << "501 numbers";

  // Many bad numbers: at most 100 violations are listed.
  request.clear_certificate_numbers();
  for (int i = 0; i < 500; ++i) request.add_certificate_numbers("bad " + std::to_string(i));
  EXPECT_EQ(fields(request).size(), common::kMaxRecordViolations);
}

TEST_F(RegistryServiceTest, PowersItemsAreFoundByAgencyAndSourceIdWithoutTheirLongTexts) {
  v1::Agency lead = MakeAgency("140105", 1);
  v1::Agency joint = MakeAgency("140105", 2);
  AddAgencies("140100", {lead, joint});
  v1::UpsertPowersRequest upsert;
  *upsert.add_items() = MakePowersItem(lead.credit_code(), "JC-1");
  upsert.mutable_items(0)->set_random_check(true);
  *upsert.add_items() = MakePowersItem(lead.credit_code(), "CF-1");
  upsert.mutable_items(1)->set_category(v1::PENALTY);
  *upsert.add_items() = MakePowersItem(joint.credit_code(), "JC-9");
  v1::UpsertPowersResponse stored;
  ASSERT_TRUE(stub_->UpsertPowers(As(testing::CityCaller("140100")).get(), upsert, &stored).ok());

  v1::GetPowersItemsRequest request;
  request.add_agency_credit_codes(lead.credit_code());
  request.add_agency_credit_codes(joint.credit_code());
  for (const char* id : {"JC-1", "CF-1", "NONE"}) request.add_source_ids(id);
  v1::GetPowersItemsResponse response;
  ASSERT_TRUE(stub_->GetPowersItems(As(kInspections).get(), request, &response).ok());
  ASSERT_EQ(response.items_size(), 2);
  std::map<std::string, v1::PowersItem> by_id;
  for (const auto& item : response.items()) by_id[item.source_id()] = item;
  const v1::PowersItem& jc = by_id.at("JC-1");
  EXPECT_EQ(jc.agency_credit_code(), lead.credit_code());
  EXPECT_EQ(jc.name(), "行政检查");
  EXPECT_EQ(jc.category(), v1::INSPECTION);
  EXPECT_TRUE(jc.random_check());
  EXPECT_EQ(jc.city_code(), "140100");
  EXPECT_EQ(jc.responsibilities(), "");
  EXPECT_EQ(jc.accountability(), "");
  EXPECT_EQ(jc.legal_basis_size(), 0);
  EXPECT_EQ(by_id.at("CF-1").category(), v1::PENALTY);
  EXPECT_FALSE(by_id.at("CF-1").random_check());
}

TEST_F(RegistryServiceTest, PowersItemsAreAskedOfOneTo21AgenciesAndOneTo200SourceIds) {
  const auto fields = [&](const v1::GetPowersItemsRequest& request) {
    v1::GetPowersItemsResponse response;
    grpc::Status status = stub_->GetPowersItems(As(kInspections).get(), request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    return Fields(status);
  };
  v1::GetPowersItemsRequest request;
  EXPECT_EQ(fields(request), (std::vector<std::string>{"agency_credit_codes", "source_ids"}));
  for (int i = 1; i <= 22; ++i) request.add_agency_credit_codes(CreditCode("140105", i));
  for (int i = 0; i < 201; ++i) request.add_source_ids("JC-" + std::to_string(i));
  EXPECT_EQ(fields(request), (std::vector<std::string>{"agency_credit_codes", "source_ids"}));
  request.mutable_agency_credit_codes()->RemoveLast();
  request.mutable_source_ids()->RemoveLast();
  v1::GetPowersItemsResponse response;
  EXPECT_TRUE(stub_->GetPowersItems(As(kInspections).get(), request, &response).ok());
}

TEST_F(RegistryServiceTest, InspectionPlansAreRecordedAndUnknownAgenciesCounted) {
  v1::Agency agency = MakeAgency("140105", 1);
  AddAgencies("140100", {agency});
  v1::RecordInspectionPlansRequest request;
  const auto add = [&](const std::string& code, int year, const std::string& day) {
    auto* n = request.add_notices();
    n->set_agency_credit_code(code);
    n->set_year(year);
    n->set_published_on(day);
  };
  add(agency.credit_code(), 2026, "2026-01-10");
  add(agency.credit_code(), 2026, "2025-12-30");
  add(CreditCode("140105", 7), 2026, "2026-01-10");
  v1::RecordInspectionPlansResponse response;
  ASSERT_TRUE(stub_->RecordInspectionPlans(As(kInspections).get(), request, &response).ok());
  EXPECT_EQ(response.recorded(), 2);
  EXPECT_EQ(response.unknown_agencies(), 1);
  EXPECT_EQ(agencies_.plans.at({agency.credit_code(), 2026}), Day("2025-12-30"));

  request.clear_notices();
  add("11140105MB000000", 1999, "2026-1-10");
  grpc::Status status = stub_->RecordInspectionPlans(As(kInspections).get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Fields(status),
            (std::vector<std::string>{"notices[0].agency_credit_code", "notices[0].year", "notices[0].published_on"}));
  request.clear_notices();
  for (int i = 0; i < 1001; ++i) add(agency.credit_code(), 2026, "2026-01-10");
  status = stub_->RecordInspectionPlans(As(kInspections).get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Fields(status), (std::vector<std::string>{"notices"}));
}

const common::CallerIdentity kSupervision{common::v1::ROLE_SERVICE, "", "", "service-supervision"};

// The enforcement units are the agencies holding a LICENSING or a PENALTY
// item, of every city, by credit code, with their names and cities; an
// agency holding only INSPECTION items (on the random-check list or not), or
// no item, is not one. A city, the province and the public are refused.
TEST_F(RegistryServiceTest, EnforcementUnitsAreTheAgenciesHoldingLicensingOrPenaltyPowers) {
  const v1::Agency penalises = MakeAgency("140105", 1);
  const v1::Agency inspects = MakeAgency("140105", 2);
  const v1::Agency licenses = MakeAgency("140105", 3);
  const v1::Agency holds_none = MakeAgency("140105", 4);
  const v1::Agency datong = MakeAgency("140202", 5);
  AddAgencies("140100", {penalises, inspects, licenses, holds_none});
  AddAgencies("140200", {datong});
  const auto add_powers = [&](const std::string& city, const std::vector<v1::PowersItem>& items) {
    v1::UpsertPowersRequest request;
    for (const auto& item : items) *request.add_items() = item;
    v1::UpsertPowersResponse response;
    ASSERT_TRUE(stub_->UpsertPowers(As(testing::CityCaller(city)).get(), request, &response).ok());
    for (const auto& r : response.results()) ASSERT_EQ(r.outcome(), RecordResult::ACCEPTED) << r.key();
  };
  const auto item = [](const v1::Agency& agency, const std::string& source_id, v1::PowerCategory category) {
    v1::PowersItem i = MakePowersItem(agency.credit_code(), source_id);
    i.set_category(category);
    return i;
  };
  v1::PowersItem random_check = item(inspects, "JC-2", v1::INSPECTION);
  random_check.set_random_check(true);
  add_powers("140100", {item(penalises, "CF-1", v1::PENALTY), item(penalises, "JC-1", v1::INSPECTION), random_check,
                        item(inspects, "JC-3", v1::INSPECTION), item(licenses, "XK-1", v1::LICENSING),
                        item(licenses, "QZ-1", v1::COERCION)});
  add_powers("140200", {item(datong, "CF-9", v1::PENALTY)});

  v1::ListEnforcementUnitsResponse response;
  ASSERT_TRUE(stub_->ListEnforcementUnits(As(kSupervision).get(), v1::ListEnforcementUnitsRequest(), &response).ok());
  std::vector<std::tuple<std::string, std::string, std::string>> units;
  for (const auto& u : response.units()) units.emplace_back(u.credit_code(), u.name(), u.city_code());
  EXPECT_EQ(units, (std::vector<std::tuple<std::string, std::string, std::string>>{
                       {penalises.credit_code(), penalises.name(), "140100"},
                       {licenses.credit_code(), licenses.name(), "140100"},
                       {datong.credit_code(), datong.name(), "140200"}}));

  const auto refused = [&](const std::optional<common::CallerIdentity>& caller) {
    v1::ListEnforcementUnitsResponse listed;
    const grpc::StatusCode code =
        stub_->ListEnforcementUnits(As(caller).get(), v1::ListEnforcementUnitsRequest(), &listed).error_code();
    EXPECT_EQ(listed.units_size(), 0);
    return code;
  };
  EXPECT_EQ(refused(testing::CityCaller("140100")), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(refused(testing::ProvinceCaller()), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(refused(std::nullopt), grpc::StatusCode::UNAUTHENTICATED);
}

// Registers `count` agencies of Taiyuan directly in the fake stores, each
// with a PENALTY item and a name of `name_bytes` bytes.
void AddUnits(FakeAgencyStore& agencies, FakePowersStore& powers, int count, std::size_t name_bytes) {
  for (int n = 1; n <= count; ++n) {
    Agency a;
    a.credit_code = CreditCode("140105", n);
    a.name = std::string(name_bytes, 'x');
    a.city_code = "140100";
    agencies.agencies[a.credit_code] = a;
    PowersItem item;
    item.agency_credit_code = a.credit_code;
    item.source_id = "CF-1";
    item.category = PowerCategory::kPenalty;
    powers.items[{a.credit_code, item.source_id}] = item;
  }
}

// At most 20,000 units go in the one answer: 20,000 are answered, one more
// is FAILED_PRECONDITION naming the bound, never a part of the list.
TEST_F(RegistryServiceTest, EnforcementUnitsAreAnsweredUpTo20000AndPastThatRefusedNamingTheBound) {
  AddUnits(agencies_, powers_, static_cast<int>(kMaxEnforcementUnits), 40);
  v1::ListEnforcementUnitsResponse response;
  ASSERT_TRUE(stub_->ListEnforcementUnits(As(kSupervision).get(), v1::ListEnforcementUnitsRequest(), &response).ok());
  EXPECT_EQ(response.units_size(), 20'000);
  EXPECT_LT(response.ByteSizeLong(), kPublicAnswerBytes);

  AddUnits(agencies_, powers_, static_cast<int>(kMaxEnforcementUnits) + 1, 40);
  v1::ListEnforcementUnitsResponse refused;
  const grpc::Status status =
      stub_->ListEnforcementUnits(As(kSupervision).get(), v1::ListEnforcementUnitsRequest(), &refused);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(status.error_message().find("20000"), std::string::npos) << status.error_message();
  EXPECT_EQ(refused.units_size(), 0);
}

// Fewer units whose names are so long that the list passes 4 MB are refused
// the same way: 8,000 names of 500 bytes.
TEST_F(RegistryServiceTest, EnforcementUnitsPastFourMegabytesAreRefusedNamingTheBound) {
  AddUnits(agencies_, powers_, 8'000, kLineText.max_bytes);
  v1::ListEnforcementUnitsResponse refused;
  const grpc::Status status =
      stub_->ListEnforcementUnits(As(kSupervision).get(), v1::ListEnforcementUnitsRequest(), &refused);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(status.error_message().find(std::to_string(kPublicAnswerBytes)), std::string::npos)
      << status.error_message();
  EXPECT_EQ(refused.units_size(), 0);
}

// An agency holding inspection powers owes this year's plan: a seventh item,
// named "inspection_plan" when missing; the totals count six or seven items
// per agency.
TEST_F(RegistryServiceTest, CoverageCountsTheInspectionPlanOfAgenciesHoldingInspectionPowers) {
  CoverageFacts owing = WithProvisionsAndFlowcharts({CreditCode("140105", 1), "执法机构1", "140100", Day("2026-01-10"),
                                                     Day("2030-12-31"), true, true, true, true, false});
  CoverageFacts published = owing;
  published.credit_code = CreditCode("140105", 2);
  published.inspection_plan_published = true;
  CoverageFacts other = WithProvisionsAndFlowcharts(
      {CreditCode("140105", 3), "执法机构3", "140100", Day("2026-01-10"), Day("2030-12-31"), true, true, true});
  agencies_.coverage = {owing, published, other};
  v1::GetCoverageResponse coverage;
  ASSERT_TRUE(stub_->GetCoverage(As().get(), v1::GetCoverageRequest(), &coverage).ok());
  EXPECT_EQ(agencies_.coverage_plan_years, std::vector<int>{2026}) << "the plan of today's year";
  ASSERT_EQ(coverage.agencies_size(), 3);
  EXPECT_TRUE(coverage.agencies(0).holds_inspection_powers());
  EXPECT_FALSE(coverage.agencies(0).inspection_plan_published());
  EXPECT_EQ(std::vector<std::string>(coverage.agencies(0).missing().begin(), coverage.agencies(0).missing().end()),
            std::vector<std::string>{"inspection_plan"});
  EXPECT_TRUE(coverage.agencies(1).inspection_plan_published());
  EXPECT_EQ(coverage.agencies(1).missing_size(), 0);
  EXPECT_FALSE(coverage.agencies(2).holds_inspection_powers());
  EXPECT_EQ(coverage.items_present(), 6 + 7 + 6);
  EXPECT_EQ(coverage.items_required(), 7 + 7 + 6);
  EXPECT_DOUBLE_EQ(coverage.ratio(), 19.0 / 20.0);
}

// ---------------------------------------------------------------- the province view's calls

std::vector<std::string> Keys(const common::v1::KpiTally& tally) {
  std::vector<std::string> out;
  for (const auto& miss : tally.misses()) out.push_back(miss.key());
  return out;
}

// Agency 1 of Taiyuan has every item but a flowchart of one domain, and a
// powers item changed on 2026-05-06 whose rejected version was due
// 2026-06-02; agency 3 of Datong has every item.
class KpiTalliesTest : public RegistryServiceTest {
 protected:
  KpiTalliesTest() {
    CoverageFacts one = WithProvisionsAndFlowcharts(
        {CreditCode("140105", 1), "执法机构1", "140100", Day("2026-01-10"), Day("2030-12-31"), true, true, true});
    one.flowcharts_for_domains = false;
    one.domains_without_flowchart = {"transport"};
    one.domains = {"market_regulation", "transport"};
    CoverageFacts three = WithProvisionsAndFlowcharts(
        {CreditCode("140202", 3), "执法机构3", "140200", Day("2026-01-10"), Day("2030-12-31"), true, true, true});
    three.domains = {"health"};
    agencies_.coverage = {one, three};
    agencies_.deadline_records = {{common::RecordKind::kPowersItem, CreditCode("140105", 1) + "/XK-1",
                                   CreditCode("140105", 1), "140100", "", Day("2026-05-06"), std::nullopt}};
  }

  grpc::Status Tallies(const common::v1::GetKpiTalliesRequest& request, common::v1::GetKpiTalliesResponse* response,
                       const std::optional<common::CallerIdentity>& caller = kSupervision) {
    return stub_->GetKpiTallies(As(caller).get(), request, response);
  }

  static const common::v1::KpiTally* Find(const common::v1::GetKpiTalliesResponse& response, std::string_view city,
                                          std::string_view agency, std::string_view kpi, std::string_view rule) {
    for (const auto& t : response.tallies()) {
      if (t.city_code() == city && t.agency_credit_code() == agency && t.kpi() == kpi && t.rule() == rule) return &t;
    }
    return nullptr;
  }
};

TEST_F(KpiTalliesTest, TalliesArePerAgencyForTheYearAsOfTodayWithTheirMisses) {
  common::v1::GetKpiTalliesRequest request;
  request.set_year(2026);
  request.set_max_misses(5);
  common::v1::GetKpiTalliesResponse response;
  ASSERT_TRUE(Tallies(request, &response).ok());
  EXPECT_EQ(response.as_of(), "2026-06-15");
  EXPECT_EQ(agencies_.coverage_plan_years, std::vector<int>{2026});
  EXPECT_EQ(agencies_.deadline_reads, (std::vector<std::tuple<std::string, std::string, int>>{{"", "", 2026}}));
  const std::string one = CreditCode("140105", 1);
  const auto* flowcharts = Find(response, "140100", one, "coverage", "flowcharts_for_domains");
  ASSERT_NE(flowcharts, nullptr);
  EXPECT_EQ(flowcharts->due(), 1);
  EXPECT_EQ(flowcharts->met(), 0);
  ASSERT_EQ(flowcharts->misses_size(), 1);
  EXPECT_EQ(flowcharts->misses(0).kind(), "flowcharts_for_domains");
  EXPECT_EQ(flowcharts->misses(0).detail(), "no flowchart of transport");
  const auto* powers = Find(response, "140100", one, "", "powers_item");
  ASSERT_NE(powers, nullptr);
  EXPECT_EQ(powers->due(), 1);
  EXPECT_EQ(powers->met(), 0);
  EXPECT_EQ(Keys(*powers), std::vector<std::string>{one + "/XK-1"});
  const auto* key_domain = Find(response, "140100", one, "key_domain_timeliness", "powers_item");
  ASSERT_NE(key_domain, nullptr) << "market regulation is a key domain";
  EXPECT_EQ(key_domain->due(), 1);
  const auto* datong = Find(response, "140200", CreditCode("140202", 3), "coverage", "flowcharts_for_domains");
  ASSERT_NE(datong, nullptr);
  EXPECT_EQ(datong->met(), 1);
}

TEST_F(KpiTalliesTest, TheProvincesViewSumsEachFigurePerCityAndFiltersAreTheStoresToApply) {
  common::v1::GetKpiTalliesRequest request;
  request.set_year(2026);
  request.set_group_by_city(true);
  common::v1::GetKpiTalliesResponse response;
  ASSERT_TRUE(Tallies(request, &response).ok());
  for (const auto& t : response.tallies()) {
    EXPECT_EQ(t.agency_credit_code(), "") << t.rule();
    EXPECT_EQ(t.misses_size(), 0) << "none asked for";
  }
  const auto* taiyuan = Find(response, "140100", "", "coverage", "flowcharts_for_domains");
  ASSERT_NE(taiyuan, nullptr);
  EXPECT_EQ(taiyuan->due(), 1);
  EXPECT_EQ(taiyuan->met(), 0);

  request.set_group_by_city(false);
  request.set_city_code("140200");
  ASSERT_TRUE(Tallies(request, &response).ok());
  request.clear_city_code();
  request.set_agency_credit_code(CreditCode("140105", 1));
  ASSERT_TRUE(Tallies(request, &response).ok());
  EXPECT_EQ(agencies_.deadline_reads.back(), std::make_tuple(std::string(), CreditCode("140105", 1), 2026));
  for (const auto& t : response.tallies()) EXPECT_EQ(t.agency_credit_code(), CreditCode("140105", 1)) << t.rule();
  EXPECT_EQ(Find(response, "140100", "", "", "discretion_benchmark"), nullptr) << "a city's, not the agency's";
}

TEST_F(KpiTalliesTest, ABadRequestIsRefusedNamingEachFieldAndOnlyAnotherServiceIsAnswered) {
  common::v1::GetKpiTalliesRequest request;
  request.set_year(1999);
  request.set_max_misses(101);
  request.set_city_code("1401");
  common::v1::GetKpiTalliesResponse response;
  const grpc::Status status = Tallies(request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Fields(status), (std::vector<std::string>{"year", "max_misses", "city_code"}));
  request.Clear();
  request.set_year(2026);
  EXPECT_EQ(Tallies(request, &response, testing::ProvinceCaller()).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Tallies(request, &response, std::nullopt).error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

// Registered on 2026-06-15 (the clock's today) and never confirmed: its own
// deadline is 2026-07-14.
TEST_F(RegistryServiceTest, QualificationListsAreAnsweredPerQueryInTheOrderAsked) {
  const v1::Agency agency = MakeAgency("140105", 1);
  AddAgencies("140100", {agency});
  v1::CheckQualificationListsRequest request;
  for (const auto& [code, on] :
       std::vector<std::pair<std::string, std::string>>{{agency.credit_code(), "2026-07-14"},
                                                        {CreditCode("140105", 9), "2026-07-01"},
                                                        {agency.credit_code(), "2026-07-15"},
                                                        {agency.credit_code(), "2026-06-14"}}) {
    v1::QualificationQuery* q = request.add_queries();
    q->set_agency_credit_code(code);
    q->set_on(on);
  }
  v1::CheckQualificationListsResponse response;
  ASSERT_TRUE(stub_->CheckQualificationLists(As(kInspections).get(), request, &response).ok());
  ASSERT_EQ(response.answers_size(), 4);
  EXPECT_TRUE(response.answers(0).known());
  EXPECT_TRUE(response.answers(0).current());
  EXPECT_FALSE(response.answers(1).known());
  EXPECT_FALSE(response.answers(1).current());
  EXPECT_TRUE(response.answers(2).known());
  EXPECT_FALSE(response.answers(2).current());
  EXPECT_EQ(response.answers(2).reason(),
            "the 2026 list was not confirmed by 2026-07-14, 20 working days after 2026-06-15");
  EXPECT_EQ(response.answers(3).reason(), "not registered before 2026-06-15");
}

TEST_F(RegistryServiceTest, AQualificationCheckNamesEveryBadQuery) {
  v1::CheckQualificationListsRequest request;
  v1::CheckQualificationListsResponse response;
  grpc::Status status = stub_->CheckQualificationLists(As(kInspections).get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Fields(status), std::vector<std::string>{"queries"});
  v1::QualificationQuery* good = request.add_queries();
  good->set_agency_credit_code(CreditCode("140105", 1));
  good->set_on("2026-06-01");
  v1::QualificationQuery* bad = request.add_queries();
  bad->set_agency_credit_code("140105");
  bad->set_on("2026-13-01");
  status = stub_->CheckQualificationLists(As(kInspections).get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Fields(status), (std::vector<std::string>{"queries[1].agency_credit_code", "queries[1].on"}));
  request.clear_queries();
  for (int i = 0; i < 1001; ++i) *request.add_queries() = *good;
  status = stub_->CheckQualificationLists(As(kInspections).get(), request, &response);
  EXPECT_EQ(Fields(status), std::vector<std::string>{"queries"});
}

}  // namespace
}  // namespace gongkai::registry
