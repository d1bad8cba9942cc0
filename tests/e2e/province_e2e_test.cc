// The province's view end to end: every service counts its part of the KPIs
// and its overdue records from its own database, the supervision service adds
// the parts up for the province, a city or an agency (GetKpis) and runs the
// lead rules over them (SweepLeads), over real processes on the test date.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>

#include "common/calendar/iso_date.h"
#include "common/errors.h"
#include "common/service_table.h"
#include "common/testing/faketime.h"
#include "gongkai/penalties/v1/penalties.grpc.pb.h"
#include "gongkai/requests/v1/requests.grpc.pb.h"
#include "gongkai/supervision/v1/supervision.grpc.pb.h"
#include "tests/e2e/platform.h"
#include "tests/e2e/records.h"

namespace gongkai {
namespace {

using supervision::v1::GetKpisResponse;
using supervision::v1::KpiFigure;
using supervision::v1::SupervisionService;
using Figures = google::protobuf::RepeatedPtrField<KpiFigure>;
// Overdue records by (kind, city).
using OverdueByKindAndCity = std::map<std::pair<std::string, std::string>, int64_t>;

const std::string kTaiyuan = "140100";
const std::string kDatong = "140200";

// The samples of gongkai_disclosures_overdue{city,kind} in a Prometheus text
// exposition, by (kind, city), zeros left out.
OverdueByKindAndCity OverdueSamples(const std::string& metrics) {
  const std::string name = "gongkai_disclosures_overdue{";
  OverdueByKindAndCity out;
  std::istringstream lines(metrics);
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with(name)) continue;
    const std::size_t close = line.find('}');
    if (close == std::string::npos) continue;
    // Every label follows a comma once one is put before the first.
    const std::string wrapped = "," + line.substr(name.size(), close - name.size());
    const auto label = [&](const std::string& key) {
      const std::string start = "," + key + "=\"";
      const std::size_t at = wrapped.find(start);
      if (at == std::string::npos) return std::string();
      const std::size_t from = at + start.size();
      return wrapped.substr(from, wrapped.find('"', from) - from);
    };
    const auto value = std::llround(std::strtod(line.c_str() + close + 1, nullptr));
    if (value != 0) out[{label("kind"), label("city")}] += value;
  }
  return out;
}

// GetKpis' overdue counts by (kind, city), zeros left out.
OverdueByKindAndCity OverdueOf(const GetKpisResponse& kpis) {
  OverdueByKindAndCity out;
  for (const auto& c : kpis.overdue()) {
    if (c.count() != 0) out[{c.kind(), c.city_code()}] += c.count();
  }
  return out;
}

const KpiFigure* Find(const Figures& figures, const std::string& kpi, const std::string& rule) {
  for (const auto& f : figures) {
    if (f.kpi() == kpi && f.rule() == rule) return &f;
  }
  return nullptr;
}

// Every figure of the answer's total is the sum of the same figure of its parts.
void ExpectTotalIsTheSumOfItsParts(const GetKpisResponse& kpis) {
  for (bool rules : {false, true}) {
    for (const KpiFigure& figure : rules ? kpis.total().rules() : kpis.total().kpis()) {
      int64_t due = 0;
      int64_t met = 0;
      for (const auto& part : kpis.parts()) {
        if (const KpiFigure* p = Find(rules ? part.rules() : part.kpis(), figure.kpi(), figure.rule())) {
          due += p->due();
          met += p->met();
        }
      }
      EXPECT_EQ(figure.due(), due) << kpis.total().scope() << " " << figure.kpi() << "/" << figure.rule();
      EXPECT_EQ(figure.met(), met) << kpis.total().scope() << " " << figure.kpi() << "/" << figure.rule();
    }
  }
}

class ProvinceEndToEnd : public testing::PlatformTest {
 protected:
  void SetUp() override {
    PlatformTest::SetUp();
    agency_ = AddAgency(kTaiyuan, 71);
    officerless_ = AddAgency(kTaiyuan, 72);
    other_city_agency_ = AddAgency(kDatong, 73);
    desk_agency_ = AddAgency(kTaiyuan, 901);  // the desk principal's agency
    ASSERT_EQ(desk_agency_, testing::Platform::DeskAgency(1));

    // Decided Mon 2026-11-02: due 7 WD later, on 11-11; first published today (12-01), late.
    UpsertDecisions(kTaiyuan, {testing::CompanyDecision(agency_, "LATE-1", "2026-11-02"),
                               testing::CompanyDecision(agency_, "ONTIME-1", IsoDaysAgo(1))});
    UpsertDecisions(kDatong, {testing::CompanyDecision(other_city_agency_, "ONTIME-2", IsoDaysAgo(1))});

    // A request received Tue 09-01, due 09-29, never answered: very overdue by now.
    requests::v1::RegisterRequestRequest request;
    request.set_channel(requests::v1::ONLINE);
    request.set_received_on("2026-09-01");
    request.mutable_applicant()->set_kind(requests::v1::Applicant::NATURAL_PERSON);
    request.mutable_applicant()->set_name("李四");
    request.mutable_applicant()->set_phone("13800001111");
    request.set_information_requested("2025年度本机关行政处罚案件数量及罚没金额");
    request.set_delivery(requests::v1::DELIVERY_EMAIL);
    requests::v1::RequestView view;
    ASSERT_TRUE(Call("desk", &requests::v1::RequestsService::Stub::RegisterRequest, request, &view).ok());
    request_id_ = view.request_id();
  }

  void UpsertDecisions(const std::string& city, const std::vector<penalties::v1::PenaltyDecision>& decisions) {
    penalties::v1::UpsertDecisionsRequest request;
    for (const auto& d : decisions) *request.add_decisions() = d;
    penalties::v1::UpsertResponse response;
    grpc::Status status =
        Call("city-" + city, &penalties::v1::PenaltiesService::Stub::UpsertDecisions, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    for (const auto& result : response.results()) {
      EXPECT_EQ(result.outcome(), common::v1::RecordResult::ACCEPTED) << response.DebugString();
    }
  }

  grpc::Status Kpis(const std::string& principal, const std::string& city, const std::string& agency,
                    GetKpisResponse* response) {
    supervision::v1::GetKpisRequest request;
    request.set_year(2026);
    request.set_city_code(city);
    request.set_agency_credit_code(agency);
    request.set_max_misses(100);
    return Call(principal, &SupervisionService::Stub::GetKpis, request, response);
  }

  std::vector<supervision::v1::Lead> Leads(const std::string& principal, const std::string& rule, int year = 0) {
    supervision::v1::ListLeadsRequest request;
    request.set_rule(rule);
    request.set_year(year);
    request.set_page_size(200);
    supervision::v1::ListLeadsResponse response;
    grpc::Status status = Call(principal, &SupervisionService::Stub::ListLeads, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return {response.leads().begin(), response.leads().end()};
  }

  std::string agency_;
  std::string officerless_;
  std::string other_city_agency_;
  std::string desk_agency_;
  std::string request_id_;
};

TEST_F(ProvinceEndToEnd, ACitysFiguresAreTheSumOfItsAgenciesAndTheMissesNameTheLateRecords) {
  GetKpisResponse province;
  grpc::Status status = Kpis("province", "", "", &province);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(province.total().scope(), "province");
  EXPECT_EQ(province.as_of(), testing::kTestDate);
  std::set<std::string> cities;
  for (const auto& part : province.parts()) cities.insert(part.scope());
  EXPECT_TRUE(cities.contains(kTaiyuan) && cities.contains(kDatong)) << province.ShortDebugString();
  ExpectTotalIsTheSumOfItsParts(province);
  // The four KPIs first, in DOMAIN.md's order.
  std::vector<std::string> kpis;
  for (const auto& f : province.total().kpis()) {
    if (f.rule().empty()) kpis.push_back(f.kpi());
  }
  EXPECT_EQ(kpis, (std::vector<std::string>{"coverage", "key_domain_timeliness", "consultation_response_rate",
                                            "standardised_reply_rate"}));

  GetKpisResponse city;
  status = Kpis("province", kTaiyuan, "", &city);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(city.total().scope(), kTaiyuan);
  ExpectTotalIsTheSumOfItsParts(city);
  std::set<std::string> agencies;
  for (const auto& part : city.parts()) agencies.insert(part.scope());
  EXPECT_TRUE(agencies.contains(agency_)) << city.ShortDebugString();

  // The city's figures are the province's part for it.
  for (const auto& part : province.parts()) {
    if (part.scope() != kTaiyuan) continue;
    for (const auto& f : part.rules()) {
      const KpiFigure* same = Find(city.total().rules(), f.kpi(), f.rule());
      ASSERT_NE(same, nullptr) << f.rule();
      EXPECT_EQ(same->due(), f.due()) << f.rule();
      EXPECT_EQ(same->met(), f.met()) << f.rule();
    }
  }

  // Penalty decisions: two due, one on time; the late one named.
  const KpiFigure* decisions = Find(city.total().rules(), "", "penalty_decision");
  ASSERT_NE(decisions, nullptr) << city.total().ShortDebugString();
  EXPECT_EQ(decisions->due(), 2);
  EXPECT_EQ(decisions->met(), 1);
  EXPECT_DOUBLE_EQ(decisions->ratio(), 0.5);
  ASSERT_EQ(decisions->misses_size(), 1) << decisions->ShortDebugString();
  EXPECT_EQ(decisions->misses(0).service(), "penalties");
  EXPECT_EQ(decisions->misses(0).key(), agency_ + "/LATE-1");
  EXPECT_EQ(decisions->misses(0).agency_credit_code(), agency_);
  EXPECT_EQ(decisions->misses(0).city_code(), kTaiyuan);
  EXPECT_NE(decisions->misses(0).detail().find("2026-11-11"), std::string::npos) << decisions->misses(0).detail();
  // The parts list no misses.
  for (const auto& part : city.parts()) {
    for (const auto& f : part.rules()) EXPECT_EQ(f.misses_size(), 0) << part.scope() << " " << f.rule();
  }
  // The same count the penalties service exports for Prometheus.
  const std::string metrics = testing::HttpGet(platform_->service("penalties").ports.metrics, "/metrics");
  EXPECT_NE(metrics.find("gongkai_deadline_records_due{city=\"140100\",kind=\"penalty_decision\"} 2"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("gongkai_deadline_records_met{city=\"140100\",kind=\"penalty_decision\"} 1"),
            std::string::npos);

  // The late decision is of a key domain (market regulation).
  const KpiFigure* key_domain = Find(city.total().kpis(), "key_domain_timeliness", "");
  ASSERT_NE(key_domain, nullptr);
  EXPECT_LT(key_domain->ratio(), 1.0);
  bool late_named = false;
  for (const auto& miss : key_domain->misses()) late_named |= miss.key() == agency_ + "/LATE-1";
  EXPECT_TRUE(late_named) << key_domain->ShortDebugString();

  // The unanswered request is not a standardised reply, named by the requests service.
  const KpiFigure* replies = Find(city.total().kpis(), "standardised_reply_rate", "");
  ASSERT_NE(replies, nullptr);
  EXPECT_EQ(replies->due(), 1);
  EXPECT_EQ(replies->met(), 0);
  ASSERT_EQ(replies->misses_size(), 1);
  EXPECT_EQ(replies->misses(0).service(), "requests");
  EXPECT_EQ(replies->misses(0).agency_credit_code(), desk_agency_);
  EXPECT_EQ(replies->misses(0).detail().find("李四"), std::string::npos) << "no personal data";

  // Coverage names the agency without officers.
  const KpiFigure* coverage = Find(city.total().kpis(), "coverage", "");
  ASSERT_NE(coverage, nullptr);
  EXPECT_LT(coverage->ratio(), 1.0);
  bool officerless_named = false;
  for (const auto& miss : coverage->misses()) officerless_named |= miss.agency_credit_code() == officerless_;
  EXPECT_TRUE(officerless_named) << coverage->ShortDebugString();

  // An agency's scope: its own figures, no parts.
  GetKpisResponse agency;
  ASSERT_TRUE(Kpis("province", "", agency_, &agency).ok());
  EXPECT_EQ(agency.total().scope(), agency_);
  EXPECT_EQ(agency.parts_size(), 0);
  const KpiFigure* own_decisions = Find(agency.total().rules(), "", "penalty_decision");
  ASSERT_NE(own_decisions, nullptr);
  EXPECT_EQ(own_decisions->due(), 2);
}

// Records overdue on the day: GetKpis adds up each service's own count, the
// very figures the services export as gongkai_disclosures_overdue.
TEST_F(ProvinceEndToEnd, OverdueRecordsAreTheServicesOverdueGaugesAddedUp) {
  // A decision sent without its number, rejected and never stored, that
  // claims Mon 2026-11-02: due 11-11, overdue today (12-01).
  penalties::v1::UpsertDecisionsRequest rejected;
  *rejected.add_decisions() = testing::CompanyDecision(agency_, "REJ-1", "2026-11-02");
  rejected.mutable_decisions(0)->clear_decision_number();
  penalties::v1::UpsertResponse refused;
  ASSERT_TRUE(Call("city-140100", &penalties::v1::PenaltiesService::Stub::UpsertDecisions, rejected, &refused).ok());
  ASSERT_EQ(refused.results_size(), 1);
  ASSERT_EQ(refused.results(0).outcome(), common::v1::RecordResult::REJECTED) << refused.DebugString();

  GetKpisResponse province;
  grpc::Status status = Kpis("province", "", "", &province);
  ASSERT_TRUE(status.ok()) << status.error_message();
  OverdueByKindAndCity scraped;
  for (const auto& entry : common::ServiceTable()) {
    const std::string metrics = testing::HttpGet(platform_->service(entry.name).ports.metrics, "/metrics");
    for (const auto& [key, n] : OverdueSamples(metrics)) scraped[key] += n;
  }
  const OverdueByKindAndCity answered = OverdueOf(province);
  EXPECT_EQ(answered, scraped) << province.ShortDebugString();
  // The rejected decision and the unanswered request, both of Taiyuan.
  const auto count_of = [&](const std::string& kind, const std::string& city) -> int64_t {
    const auto it = answered.find(std::make_pair(kind, city));
    return it == answered.end() ? 0 : it->second;
  };
  EXPECT_EQ(count_of("penalty_decision", kTaiyuan), 1);
  EXPECT_EQ(count_of("request", kTaiyuan), 1);
  // By kind, then city.
  for (int i = 1; i < province.overdue_size(); ++i) {
    const auto& a = province.overdue(i - 1);
    const auto& b = province.overdue(i);
    EXPECT_LT(std::make_pair(a.kind(), a.city_code()), std::make_pair(b.kind(), b.city_code()));
  }

  // A city's are the province's of that city, whoever asks.
  OverdueByKindAndCity taiyuan;
  for (const auto& [key, n] : answered) {
    if (key.second == kTaiyuan) taiyuan[key] = n;
  }
  GetKpisResponse city;
  ASSERT_TRUE(Kpis("province", kTaiyuan, "", &city).ok());
  EXPECT_EQ(OverdueOf(city), taiyuan);
  ASSERT_TRUE(Kpis("city-140100", "", "", &city).ok());
  EXPECT_EQ(OverdueOf(city), taiyuan);
  // An agency's scope has none: the counts are kept per city.
  GetKpisResponse agency;
  ASSERT_TRUE(Kpis("province", "", agency_, &agency).ok());
  EXPECT_EQ(agency.overdue_size(), 0);

  // The request's miss still stands (open); the decision published late does not.
  const KpiFigure* replies = Find(city.total().rules(), "", "request_reply");
  ASSERT_NE(replies, nullptr) << city.total().ShortDebugString();
  ASSERT_EQ(replies->misses_size(), 1);
  EXPECT_TRUE(replies->misses(0).open()) << replies->misses(0).ShortDebugString();
  const KpiFigure* decisions = Find(city.total().rules(), "", "penalty_decision");
  ASSERT_NE(decisions, nullptr);
  bool late_listed = false;
  for (const auto& miss : decisions->misses()) {
    if (miss.key() != agency_ + "/LATE-1") continue;
    late_listed = true;
    EXPECT_FALSE(miss.open()) << "published, though late";
  }
  EXPECT_TRUE(late_listed) << decisions->ShortDebugString();
}

TEST_F(ProvinceEndToEnd, ACityCallerGetsItsOwnScopeAndIsRefusedAnother) {
  GetKpisResponse own;
  grpc::Status status = Kpis("city-140100", "", "", &own);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(own.total().scope(), kTaiyuan);
  ASSERT_TRUE(Kpis("city-140100", "", agency_, &own).ok());
  EXPECT_EQ(own.total().scope(), agency_);

  GetKpisResponse refused;
  EXPECT_EQ(Kpis("city-140100", kDatong, "", &refused).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Kpis("city-140100", "", other_city_agency_, &refused).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Kpis("desk", "", "", &refused).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Kpis("", "", "", &refused).error_code(), grpc::StatusCode::UNAUTHENTICATED);

  supervision::v1::GetKpisRequest bad;
  bad.set_year(1999);
  status = Call("province", &SupervisionService::Stub::GetKpis, bad, &refused);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  const auto violations = common::ViolationsOf(status);
  ASSERT_EQ(violations.size(), 1u) << status.error_message();
  EXPECT_EQ(violations[0].field, "year");
}

TEST_F(ProvinceEndToEnd, SweepLeadsRaisesLeadsForTheLateDecisionAndTheOverdueRequest) {
  supervision::v1::SweepLeadsResponse first;
  grpc::Status status =
      Call("province", &SupervisionService::Stub::SweepLeads, supervision::v1::SweepLeadsRequest(), &first);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_GE(first.raised(), 2);
  EXPECT_EQ(first.raised(), first.findings());

  const auto late = Leads("province", "decision_published_late");
  ASSERT_EQ(late.size(), 1u);
  EXPECT_EQ(late[0].record().service(), "penalties");
  EXPECT_EQ(late[0].record().key(), agency_ + "/LATE-1");
  EXPECT_EQ(late[0].city_code(), kTaiyuan);
  EXPECT_EQ(late[0].state(), supervision::v1::LEAD_NEW);
  EXPECT_EQ(late[0].raised_on(), testing::kTestDate);
  EXPECT_TRUE(late[0].still_observed());

  const auto overdue = Leads("province", "request_very_overdue");
  ASSERT_EQ(overdue.size(), 1u);
  EXPECT_EQ(overdue[0].record().service(), "requests");
  EXPECT_EQ(overdue[0].record().agency_credit_code(), desk_agency_);

  // The sweep judged this year's records: its leads are of 2026.
  EXPECT_EQ(Leads("province", "decision_published_late", 2026).size(), 1u);
  EXPECT_TRUE(Leads("province", "decision_published_late", 2025).empty());
  EXPECT_EQ(Leads("province", "request_very_overdue", 2026).size(), 1u);

  // A city sees its own city's leads only.
  EXPECT_EQ(Leads("city-140100", "decision_published_late").size(), 1u);
  EXPECT_TRUE(Leads("city-140200", "decision_published_late").empty());

  // Run again, the same records are seen again, not raised twice.
  supervision::v1::SweepLeadsResponse second;
  ASSERT_TRUE(
      Call("province", &SupervisionService::Stub::SweepLeads, supervision::v1::SweepLeadsRequest(), &second).ok());
  EXPECT_EQ(second.raised(), 0);
  EXPECT_EQ(second.seen_again(), first.raised());
  EXPECT_EQ(Leads("province", "decision_published_late").size(), 1u);

  // Only the province sweeps.
  EXPECT_EQ(Call("city-140100", &SupervisionService::Stub::SweepLeads, supervision::v1::SweepLeadsRequest(), &second)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(ProvinceEndToEnd, WhenAServiceIsStoppedGetKpisIsUnavailableNamingIt) {
  platform_->service("requests").process->Stop();
  GetKpisResponse kpis;
  grpc::Status status = Kpis("province", "", "", &kpis);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
  EXPECT_NE(status.error_message().find("requests"), std::string::npos) << status.error_message();
  EXPECT_FALSE(kpis.has_total()) << "no figure without every part";

  // Back once the service is: the channel reconnects after its backoff, a
  // gRPC timer (common/testing/faketime.h).
  if (testing::UnderFaketime()) return;
  platform_->Restart("requests");
  EXPECT_TRUE(testing::Eventually([&] { return Kpis("province", "", "", &kpis).ok(); }, 20000));
}

}  // namespace
}  // namespace gongkai
