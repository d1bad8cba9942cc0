// Records taken over, tried from outside through the gateway: a city
// registering another city's agency (a credit code issued in Taiyuan, sent by
// Datong under a Datong area code), a city registering a provincial agency,
// and a city taking over another city's officer certificate, one call at a
// time and racing.
#include <gtest/gtest.h>

#include <future>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "gongkai/penalties/v1/penalties.grpc.pb.h"
#include "gongkai/registry/v1/registry.grpc.pb.h"
#include "tests/e2e/platform.h"
#include "tests/e2e/records.h"

namespace gongkai {
namespace {

using penalties::v1::PenaltiesService;
using registry::v1::RegistryService;
using RecordResult = common::v1::RecordResult;
using testing::CreditCode;
using testing::MakeAgency;

class TakeoverEndToEnd : public testing::PlatformTest {
 protected:
  grpc::Status UpsertAgencies(const std::string& principal, const std::vector<registry::v1::Agency>& agencies,
                              registry::v1::UpsertAgenciesResponse* response) {
    registry::v1::UpsertAgenciesRequest request;
    for (const auto& a : agencies) *request.add_agencies() = a;
    return Call(principal, &RegistryService::Stub::UpsertAgencies, request, response);
  }

  grpc::Status GetAgency(const std::string& code, registry::v1::Agency* out) {
    registry::v1::GetAgencyRequest request;
    request.set_credit_code(code);
    return Call("", &RegistryService::Stub::GetAgency, request, out);
  }

  static registry::v1::Officer MakeOfficer(const std::string& number, const std::string& agency,
                                           registry::v1::OfficerStatus status, int64_t version) {
    registry::v1::Officer o;
    o.set_certificate_number(number);
    o.set_agency_credit_code(agency);
    o.set_name("执法员" + number);
    o.set_category("市场监管综合执法");
    o.set_valid_from("2025-01-01");
    o.set_valid_until("2030-12-31");
    o.set_status(status);
    o.set_source_version(version);
    return o;
  }

  // Safe to call from several threads at once.
  grpc::Status UpsertOfficers(const std::string& city, const std::vector<registry::v1::Officer>& officers) {
    registry::v1::UpsertOfficersRequest request;
    for (const auto& o : officers) *request.add_officers() = o;
    registry::v1::UpsertOfficersResponse response;
    return platform_->Call("city-" + city, &RegistryService::Stub::UpsertOfficers, request, &response);
  }

  // Every officer of `agency`, by certificate number (as the database has them).
  std::map<std::string, registry::v1::Officer> OfficersOf(const std::string& agency) {
    registry::v1::ListOfficersRequest request;
    request.set_agency_credit_code(agency);
    request.set_page_size(100);
    registry::v1::ListOfficersResponse page;
    grpc::Status status = Call("", &RegistryService::Stub::ListOfficers, request, &page);
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::map<std::string, registry::v1::Officer> out;
    for (const auto& o : page.officers()) out[o.certificate_number()] = o;
    return out;
  }

  // A company's decision under `agency`, decided the day before kTestDate.
  static penalties::v1::PenaltyDecision Decision(const std::string& agency, const std::string& source_id) {
    return testing::CompanyDecision(agency, source_id, "2026-11-30");
  }
};

TEST_F(TakeoverEndToEnd, ACityCannotSquatAnotherCitysAgencyWhichThenRegistersAndPublishesUnderIt) {
  // Datong sends a code issued in Taiyuan (region 140105) under a Datong
  // area code, in a batch with one of its own.
  const registry::v1::Agency squatted = MakeAgency("140105", "140202", 11);
  const registry::v1::Agency datongs = MakeAgency("140202", "140202", 12);
  registry::v1::UpsertAgenciesResponse response;
  grpc::Status status = UpsertAgencies("city-140200", {datongs, squatted}, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(status.error_message().find("agencies[1]"), std::string::npos) << status.error_message();
  registry::v1::Agency got;
  EXPECT_EQ(GetAgency(squatted.credit_code(), &got).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(GetAgency(datongs.credit_code(), &got).error_code(), grpc::StatusCode::NOT_FOUND)
      << "nothing of the refused batch is stored";

  // Taiyuan registers its agency, and publishes a decision under it.
  const registry::v1::Agency taiyuans = MakeAgency("140105", "140105", 11);
  ASSERT_TRUE(UpsertAgencies("city-140100", {taiyuans}, &response).ok());
  ASSERT_EQ(response.results(0).outcome(), RecordResult::ACCEPTED);
  ASSERT_TRUE(GetAgency(taiyuans.credit_code(), &got).ok());
  EXPECT_EQ(got.city_code(), "140100");

  penalties::v1::UpsertDecisionsRequest decisions;
  *decisions.add_decisions() = Decision(taiyuans.credit_code(), "TO-1");
  penalties::v1::UpsertResponse stored;
  status = Call("city-140100", &PenaltiesService::Stub::UpsertDecisions, decisions, &stored);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(stored.results_size(), 1);
  EXPECT_EQ(stored.results(0).outcome(), RecordResult::ACCEPTED) << stored.results(0).DebugString();

  // Datong cannot change it afterwards, nor publish under it.
  registry::v1::Agency newer = squatted;
  newer.set_source_version(2);
  EXPECT_EQ(UpsertAgencies("city-140200", {newer}, &response).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(GetAgency(taiyuans.credit_code(), &got).ok());
  EXPECT_EQ(got.area_code(), "140105");
  EXPECT_EQ(got.source_version(), 1);
  *decisions.mutable_decisions(0) = Decision(taiyuans.credit_code(), "TO-2");
  EXPECT_EQ(Call("city-140200", &PenaltiesService::Stub::UpsertDecisions, decisions, &stored).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(TakeoverEndToEnd, AProvincialAgencyIsTheProvincesToRegister) {
  const registry::v1::Agency provincial = MakeAgency("140000", "140100", 21);  // seated in Taiyuan
  registry::v1::UpsertAgenciesResponse response;
  EXPECT_EQ(UpsertAgencies("city-140100", {provincial}, &response).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  registry::v1::Agency got;
  EXPECT_EQ(GetAgency(provincial.credit_code(), &got).error_code(), grpc::StatusCode::NOT_FOUND);

  grpc::Status status = UpsertAgencies("province", {provincial}, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.results(0).outcome(), RecordResult::ACCEPTED);
  ASSERT_TRUE(GetAgency(provincial.credit_code(), &got).ok());
  EXPECT_EQ(got.city_code(), "140000");

  // The province does not register a city's agency.
  EXPECT_EQ(UpsertAgencies("province", {MakeAgency("140105", "140105", 22)}, &response).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(TakeoverEndToEnd, ACityCannotTakeOverAnotherCitysCertificate) {
  const registry::v1::Agency taiyuan = MakeAgency("140105", "140105", 31);
  const registry::v1::Agency datong = MakeAgency("140202", "140202", 32);
  registry::v1::UpsertAgenciesResponse response;
  ASSERT_TRUE(UpsertAgencies("city-140100", {taiyuan}, &response).ok());
  ASSERT_TRUE(UpsertAgencies("city-140200", {datong}, &response).ok());
  ASSERT_TRUE(
      UpsertOfficers("140100", {MakeOfficer("14010000901", taiyuan.credit_code(), registry::v1::ACTIVE, 1)}).ok());

  // Datong moves it under its own agency, with a newer version, in a batch
  // with one of its own officers.
  EXPECT_EQ(UpsertOfficers("140200", {MakeOfficer("14020000901", datong.credit_code(), registry::v1::ACTIVE, 1),
                                      MakeOfficer("14010000901", datong.credit_code(), registry::v1::REVOKED, 2)})
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(OfficersOf(datong.credit_code()).empty()) << "nothing of the refused batch is stored";
  auto taiyuans = OfficersOf(taiyuan.credit_code());
  ASSERT_TRUE(taiyuans.contains("14010000901"));
  EXPECT_EQ(taiyuans.at("14010000901").city_code(), "140100");
  EXPECT_EQ(taiyuans.at("14010000901").status(), registry::v1::ACTIVE);
}

// Two cities send the same new certificate numbers at the same time, each
// under its own agency (the newer version from Datong): for each number one
// call is stored and the other refused, and the certificate stays with the
// agency of the city whose call was stored.
TEST_F(TakeoverEndToEnd, RacingCitiesCannotBothClaimACertificate) {
  const registry::v1::Agency taiyuan = MakeAgency("140105", "140105", 41);
  const registry::v1::Agency datong = MakeAgency("140202", "140202", 42);
  registry::v1::UpsertAgenciesResponse response;
  ASSERT_TRUE(UpsertAgencies("city-140100", {taiyuan}, &response).ok());
  ASSERT_TRUE(UpsertAgencies("city-140200", {datong}, &response).ok());

  constexpr int kNumbers = 20;
  std::map<std::string, std::string> winner;  // certificate number -> city whose call was stored
  for (int i = 0; i < kNumbers; ++i) {
    const std::string number = "RACE-" + std::to_string(i);
    auto by_taiyuan = std::async(std::launch::async, [&] {
      return UpsertOfficers("140100", {MakeOfficer(number, taiyuan.credit_code(), registry::v1::ACTIVE, 1)});
    });
    auto by_datong = std::async(std::launch::async, [&] {
      return UpsertOfficers("140200", {MakeOfficer(number, datong.credit_code(), registry::v1::ACTIVE, 2)});
    });
    const grpc::Status t = by_taiyuan.get();
    const grpc::Status d = by_datong.get();
    std::set<grpc::StatusCode> codes = {t.error_code(), d.error_code()};
    ASSERT_EQ(codes, (std::set<grpc::StatusCode>{grpc::StatusCode::OK, grpc::StatusCode::PERMISSION_DENIED}))
        << number << ": Taiyuan " << t.error_message() << "; Datong " << d.error_message();
    winner[number] = t.ok() ? "140100" : "140200";
  }

  auto taiyuans = OfficersOf(taiyuan.credit_code());
  auto datongs = OfficersOf(datong.credit_code());
  for (const auto& [number, city] : winner) {
    const auto& mine = city == "140100" ? taiyuans : datongs;
    const auto& theirs = city == "140100" ? datongs : taiyuans;
    ASSERT_TRUE(mine.contains(number)) << number << " is not with the agency of " << city;
    EXPECT_EQ(mine.at(number).city_code(), city) << number;
    EXPECT_FALSE(theirs.contains(number)) << number;
  }
}

}  // namespace
}  // namespace gongkai
