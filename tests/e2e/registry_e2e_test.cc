// The registry beyond agencies, end to end through the gateway: powers lists,
// discretion benchmarks, officers and certificate verification, coverage and
// the calendar reload, over real processes and a real database.
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>

#include "common/calendar/iso_date.h"
#include "common/clock.h"
#include "common/errors.h"
#include "common/identity.h"
#include "common/service_table.h"
#include "gongkai/registry/v1/registry.grpc.pb.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "tests/e2e/platform.h"

namespace gongkai {
namespace {

using registry::v1::RegistryService;
using RecordResult = common::v1::RecordResult;
using Verdict = registry::v1::VerifyCertificateResponse;
using testing::CreditCode;

class RegistryEndToEnd : public testing::PlatformTest {
 protected:
  static registry::v1::Officer MakeOfficer(const std::string& number, const std::string& agency,
                                           const std::string& from, const std::string& until,
                                           registry::v1::OfficerStatus status, int64_t version) {
    registry::v1::Officer o;
    o.set_certificate_number(number);
    o.set_agency_credit_code(agency);
    o.set_name("执法员" + number);
    o.set_category("市场监管综合执法");
    o.set_valid_from(from);
    o.set_valid_until(until);
    o.set_status(status);
    o.set_source_version(version);
    return o;
  }

  grpc::Status UpsertOfficers(const std::string& city, const std::vector<registry::v1::Officer>& officers,
                              registry::v1::UpsertOfficersResponse* response) {
    registry::v1::UpsertOfficersRequest request;
    for (const auto& o : officers) *request.add_officers() = o;
    return Call("city-" + city, &RegistryService::Stub::UpsertOfficers, request, response);
  }

  Verdict::Verdict VerifyNumber(const std::string& number, registry::v1::Officer* officer = nullptr) {
    registry::v1::VerifyCertificateRequest request;
    request.set_certificate_number(number);
    Verdict response;
    grpc::Status status = Call("", &RegistryService::Stub::VerifyCertificate, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    if (officer != nullptr) *officer = response.officer();
    return response.verdict();
  }

  Verdict::Verdict VerifyCode(const std::string& code) {
    registry::v1::VerifyCertificateRequest request;
    request.set_officer_code(code);
    Verdict response;
    grpc::Status status = Call("", &RegistryService::Stub::VerifyCertificate, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    if (response.verdict() == Verdict::UNKNOWN) {
      EXPECT_FALSE(response.has_officer());
    }
    return response.verdict();
  }

  std::string CodeOf(const std::string& city, const std::string& number) {
    registry::v1::GetOfficerCodeRequest request;
    request.set_certificate_number(number);
    registry::v1::GetOfficerCodeResponse response;
    EXPECT_TRUE(Call("city-" + city, &RegistryService::Stub::GetOfficerCode, request, &response).ok());
    return response.officer_code();
  }

  static registry::v1::DiscretionBenchmark FoodSafetyTable() {
    registry::v1::DiscretionBenchmark table;
    auto status = google::protobuf::util::JsonStringToMessage(
        testing::ReadFile(std::string(GONGKAI_SOURCE_DIR) + "/data/demo/food_safety_benchmark.json"), &table);
    EXPECT_TRUE(status.ok()) << status.ToString();
    return table;
  }
};

TEST_F(RegistryEndToEnd, CityLoadsPowersAndThePublicListsAndMirrorsThem) {
  std::string agency = AddAgency("140100", 11);
  registry::v1::UpsertPowersRequest request;
  for (int i = 0; i < 3; ++i) {
    auto* item = request.add_items();
    item->set_agency_credit_code(agency);
    item->set_source_id("QL-" + std::to_string(i));
    item->set_source_version(1);
    item->set_name(i == 0 ? "对生产经营不符合食品安全标准食品的行政处罚" : "食品经营许可" + std::to_string(i));
    item->set_category(i == 0 ? registry::v1::PENALTY : registry::v1::LICENSING);
    auto* basis = item->add_legal_basis();
    basis->set_law("中华人民共和国食品安全法");
    basis->set_article(124);
    basis->set_paragraph(1);
    basis->set_item(1);
    item->set_responsibilities("立案、调查、决定、送达、执行");
    item->set_accountability("不履行或不正确履行职责的，依法追究责任");
    item->set_changed_on("2026-09-01");
  }
  auto* bad = request.add_items();
  *bad = request.items(0);
  bad->set_source_id("QL-bad");
  bad->clear_legal_basis();
  auto* stranger = request.add_items();
  *stranger = request.items(1);
  stranger->set_source_id("QL-x");
  stranger->set_agency_credit_code(CreditCode("140100", 999));  // never registered
  registry::v1::UpsertPowersResponse response;
  ASSERT_TRUE(Call("city-140100", &RegistryService::Stub::UpsertPowers, request, &response).ok());
  for (int i = 0; i < 3; ++i) EXPECT_EQ(response.results(i).outcome(), RecordResult::ACCEPTED);
  ASSERT_EQ(response.results(3).outcome(), RecordResult::REJECTED);
  EXPECT_EQ(response.results(3).violations(0).field(), "items[3].legal_basis");
  ASSERT_EQ(response.results(4).outcome(), RecordResult::REJECTED);
  EXPECT_EQ(response.results(4).violations(0).field(), "items[4].agency_credit_code");

  // Public list by agency, category and keyword, with the timeliness block
  // (published today, long after 2026-09-01 + 20 working days: late).
  registry::v1::ListPowersRequest list;
  list.set_agency_credit_code(agency);
  list.set_category(registry::v1::PENALTY);
  registry::v1::ListPowersResponse page;
  ASSERT_TRUE(Call("", &RegistryService::Stub::ListPowers, list, &page).ok());
  ASSERT_EQ(page.items_size(), 1);
  EXPECT_EQ(page.items(0).timeliness().rule(), "powers_item");
  EXPECT_EQ(page.items(0).timeliness().clock_start(), "2026-09-01");
  EXPECT_EQ(page.items(0).timeliness().due(), "2026-09-29");  // 20 WD, with Sun 09-20 worked and 09-25 off
  EXPECT_EQ(page.items(0).timeliness().status(), common::v1::Timeliness::LATE);
  list.clear_category();
  list.set_keyword("许可");
  ASSERT_TRUE(Call("", &RegistryService::Stub::ListPowers, list, &page).ok());
  EXPECT_EQ(page.items_size(), 2);

  // The change feed: everything once, in order; resuming from the last seq
  // sees only what changed since.
  registry::v1::ListPowersChangesRequest feed;
  registry::v1::ListPowersChangesResponse changes;
  ASSERT_TRUE(Call("", &RegistryService::Stub::ListPowersChanges, feed, &changes).ok());
  ASSERT_EQ(changes.items_size(), 3);
  int64_t last = changes.last_seq();
  request.mutable_items()->DeleteSubrange(3, 2);
  request.mutable_items(1)->set_source_version(2);
  request.mutable_items(1)->set_name("食品经营许可（变更）");
  ASSERT_TRUE(Call("city-140100", &RegistryService::Stub::UpsertPowers, request, &response).ok());
  EXPECT_EQ(response.results(0).outcome(), RecordResult::UNCHANGED);
  EXPECT_EQ(response.results(1).outcome(), RecordResult::ACCEPTED);
  feed.set_after_seq(last);
  ASSERT_TRUE(Call("", &RegistryService::Stub::ListPowersChanges, feed, &changes).ok());
  ASSERT_EQ(changes.items_size(), 1);
  EXPECT_EQ(changes.items(0).name(), "食品经营许可（变更）");
  EXPECT_GT(changes.last_seq(), last);
}

TEST_F(RegistryEndToEnd, CityLoadsTheFoodSafetyBenchmarkAndThePublicGetsATier) {
  registry::v1::UpsertBenchmarksRequest request;
  *request.add_benchmarks() = FoodSafetyTable();
  auto* gapped = request.add_benchmarks();
  *gapped = FoodSafetyTable();
  gapped->set_violation_code("food.gapped");
  gapped->mutable_tiers(2)->set_from_fen(2000000);  // leaves 10 000 to 20 000 yuan uncovered
  registry::v1::UpsertBenchmarksResponse response;
  ASSERT_TRUE(Call("city-140100", &RegistryService::Stub::UpsertBenchmarks, request, &response).ok());
  EXPECT_EQ(response.results(0).outcome(), RecordResult::ACCEPTED);
  ASSERT_EQ(response.results(1).outcome(), RecordResult::REJECTED);
  EXPECT_EQ(response.results(1).violations(0).field(), "benchmarks[1].tiers[2].from_fen");
  EXPECT_NE(response.results(1).violations(0).description().find("gap"), std::string::npos);

  registry::v1::RecommendTierRequest ask;
  ask.set_city_code("140100");
  ask.set_domain("market_regulation");
  ask.set_violation_code("food.unsafe_production");
  ask.mutable_facts()->set_amount_fen(120000);  // 1 200 yuan
  ask.mutable_facts()->set_first_offence(true);
  ask.mutable_facts()->set_prompt_correction(true);
  registry::v1::RecommendTierResponse tier;
  ASSERT_TRUE(Call("", &RegistryService::Stub::RecommendTier, ask, &tier).ok());
  EXPECT_EQ(tier.tier().level(), registry::v1::EXEMPT);
  ask.mutable_facts()->set_serious_harm(true);
  ASSERT_TRUE(Call("", &RegistryService::Stub::RecommendTier, ask, &tier).ok());
  EXPECT_EQ(tier.tier().level(), registry::v1::MAXIMUM);
  EXPECT_GE(tier.decided_by_size(), 2);

  ask.set_city_code("140200");  // Datong has no table for it
  EXPECT_EQ(Call("", &RegistryService::Stub::RecommendTier, ask, &tier).error_code(), grpc::StatusCode::NOT_FOUND);

  registry::v1::ListBenchmarksRequest list;
  list.set_city_code("140100");
  registry::v1::ListBenchmarksResponse tables;
  ASSERT_TRUE(Call("", &RegistryService::Stub::ListBenchmarks, list, &tables).ok());
  ASSERT_EQ(tables.benchmarks_size(), 1);
  EXPECT_EQ(tables.benchmarks(0).tiers_size(), 5);
  EXPECT_EQ(tables.benchmarks(0).timeliness().rule(), "discretion_benchmark");
}

TEST_F(RegistryEndToEnd, PublicVerifiesCertificatesAndBadgeCodes) {
  std::string agency = AddAgency("140100", 21);
  registry::v1::UpsertOfficersResponse response;
  ASSERT_TRUE(UpsertOfficers("140100",
                             {MakeOfficer("TY-VALID", agency, "2025-01-01", "2030-12-31", registry::v1::ACTIVE, 1),
                              MakeOfficer("TY-OLD", agency, "2020-01-01", "2025-12-31", registry::v1::ACTIVE, 1),
                              MakeOfficer("TY-PAUSED", agency, "2025-01-01", "2030-12-31", registry::v1::SUSPENDED, 1),
                              MakeOfficer("TY-GONE", agency, "2025-01-01", "2030-12-31", registry::v1::ACTIVE, 1),
                              MakeOfficer("TY-SOON", agency, "2099-01-01", "2100-12-31", registry::v1::ACTIVE, 1)},
                             &response)
                  .ok());
  for (const auto& r : response.results()) EXPECT_EQ(r.outcome(), RecordResult::ACCEPTED) << r.key();

  registry::v1::Officer shown;
  EXPECT_EQ(VerifyNumber("TY-VALID", &shown), Verdict::VALID);
  EXPECT_EQ(shown.name(), "执法员TY-VALID");
  EXPECT_EQ(shown.agency_name(), "执法机构21");
  EXPECT_EQ(shown.source_version(), 0) << "only the published fields";
  EXPECT_EQ(VerifyNumber("TY-OLD"), Verdict::EXPIRED);
  EXPECT_EQ(VerifyNumber("TY-PAUSED"), Verdict::SUSPENDED);
  EXPECT_EQ(VerifyNumber("TY-SOON"), Verdict::NOT_YET_VALID);
  EXPECT_EQ(VerifyNumber("NEVER-ISSUED", &shown), Verdict::UNKNOWN);
  EXPECT_EQ(shown.ByteSizeLong(), 0u) << "nothing about a number that never existed";

  // One person, one code: the badge verifies; an altered one does not.
  std::string code = CodeOf("140100", "TY-GONE");
  ASSERT_EQ(code.size(), 24u);
  EXPECT_EQ(VerifyCode(code), Verdict::VALID);
  std::string forged = code;
  forged[5] = forged[5] == 'A' ? 'B' : 'A';
  EXPECT_EQ(VerifyCode(forged), Verdict::UNKNOWN);
  EXPECT_EQ(VerifyCode("not a code"), Verdict::UNKNOWN);

  // Revocation: the certificate reads REVOKED and the old badge stops working.
  registry::v1::Officer revoked = MakeOfficer("TY-GONE", agency, "2025-01-01", "2030-12-31", registry::v1::REVOKED, 2);
  revoked.set_changed_on("2026-09-01");
  ASSERT_TRUE(UpsertOfficers("140100", {revoked}, &response).ok());
  EXPECT_EQ(VerifyNumber("TY-GONE"), Verdict::REVOKED);
  EXPECT_EQ(VerifyCode(code), Verdict::UNKNOWN);

  // Reissue (a new validity start): a new code, the old one unknown.
  std::string valid_code = CodeOf("140100", "TY-VALID");
  ASSERT_TRUE(UpsertOfficers("140100",
                             {MakeOfficer("TY-VALID", agency, "2026-06-01", "2031-05-31", registry::v1::ACTIVE, 2)},
                             &response)
                  .ok());
  std::string new_code = CodeOf("140100", "TY-VALID");
  EXPECT_NE(new_code, valid_code);
  EXPECT_EQ(VerifyCode(valid_code), Verdict::UNKNOWN);
  EXPECT_EQ(VerifyCode(new_code), Verdict::VALID);

  // The public list of an agency's officers.
  registry::v1::ListOfficersRequest list;
  list.set_agency_credit_code(agency);
  registry::v1::ListOfficersResponse officers;
  ASSERT_TRUE(Call("", &RegistryService::Stub::ListOfficers, list, &officers).ok());
  EXPECT_EQ(officers.officers_size(), 5);
  // Each entry's 20 WD run from the change it reports, or from the issue.
  const std::string today = common::FormatIsoDate(platform_->Today());
  std::map<std::string, registry::v1::Officer> by_number;
  for (const auto& o : officers.officers()) by_number[o.certificate_number()] = o;
  const auto& gone = by_number.at("TY-GONE");
  EXPECT_EQ(gone.changed_on(), "2026-09-01");
  EXPECT_EQ(gone.timeliness().rule(), "officer");
  EXPECT_EQ(gone.timeliness().clock_start(), "2026-09-01");
  EXPECT_EQ(gone.timeliness().due(), "2026-09-29");  // 20 WD, with Sun 09-20 worked and 09-25 off
  EXPECT_EQ(gone.timeliness().done(), today);
  EXPECT_EQ(gone.timeliness().status(), common::v1::Timeliness::LATE);
  const auto& reissued = by_number.at("TY-VALID");
  EXPECT_EQ(reissued.changed_on(), "");
  EXPECT_EQ(reissued.timeliness().clock_start(), "2026-06-01") << "no change day: the certificate's issue";
  EXPECT_EQ(reissued.timeliness().due(), "2026-06-30");  // 20 WD, with Fri 06-19 off
}

TEST_F(RegistryEndToEnd, CityCannotWriteAnotherCitysOfficers) {
  std::string taiyuan = AddAgency("140100", 31);
  std::string datong = AddAgency("140200", 32);
  registry::v1::UpsertOfficersResponse response;
  // Datong writing an officer of a Taiyuan agency.
  EXPECT_EQ(UpsertOfficers("140200",
                           {MakeOfficer("DT-1", datong, "2025-01-01", "2030-12-31", registry::v1::ACTIVE, 1),
                            MakeOfficer("TY-1", taiyuan, "2025-01-01", "2030-12-31", registry::v1::ACTIVE, 1)},
                           &response)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(VerifyNumber("DT-1"), Verdict::UNKNOWN) << "nothing of the refused batch is stored";
  EXPECT_EQ(VerifyNumber("TY-1"), Verdict::UNKNOWN);

  // Taiyuan's officer cannot be moved or revoked by Datong.
  ASSERT_TRUE(UpsertOfficers("140100",
                             {MakeOfficer("TY-2", taiyuan, "2025-01-01", "2030-12-31", registry::v1::ACTIVE, 1)},
                             &response)
                  .ok());
  EXPECT_EQ(
      UpsertOfficers("140200", {MakeOfficer("TY-2", datong, "2025-01-01", "2030-12-31", registry::v1::REVOKED, 2)},
                     &response)
          .error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(VerifyNumber("TY-2"), Verdict::VALID);

  // Nor can it read Taiyuan's badge codes.
  registry::v1::GetOfficerCodeRequest ask;
  ask.set_certificate_number("TY-2");
  registry::v1::GetOfficerCodeResponse code;
  EXPECT_EQ(Call("city-140200", &RegistryService::Stub::GetOfficerCode, ask, &code).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(RegistryEndToEnd, CoverageShowsWhatEachAgencyLacksAndTheGaugesFollow) {
  std::string full = AddAgency("140300", 41);
  std::string bare = AddAgency("140300", 42, {"transport"});

  registry::v1::UpsertBenchmarksRequest tables;
  *tables.add_benchmarks() = FoodSafetyTable();
  registry::v1::UpsertBenchmarksResponse stored;
  ASSERT_TRUE(Call("city-140300", &RegistryService::Stub::UpsertBenchmarks, tables, &stored).ok());
  registry::v1::UpsertOfficersResponse officers;
  ASSERT_TRUE(UpsertOfficers("140300", {MakeOfficer("YQ-1", full, "2025-01-01", "2030-12-31", registry::v1::ACTIVE, 1)},
                             &officers)
                  .ok());
  registry::v1::UpsertPowersRequest powers;
  auto* item = powers.add_items();
  item->set_agency_credit_code(full);
  item->set_source_id("P1");
  item->set_source_version(1);
  // A penalty power: an agency holding inspection powers also owes its
  // annual inspection plan (inspections_e2e_test covers that item).
  item->set_name("食品安全违法行为处罚");
  item->set_category(registry::v1::PENALTY);
  auto* basis = item->add_legal_basis();
  basis->set_law("中华人民共和国食品安全法");
  basis->set_article(110);
  item->set_responsibilities("检查");
  item->set_accountability("失职追责");
  item->set_changed_on("2026-11-02");
  registry::v1::UpsertPowersResponse powers_result;
  ASSERT_TRUE(Call("city-140300", &RegistryService::Stub::UpsertPowers, powers, &powers_result).ok());

  registry::v1::GetCoverageRequest ask;
  ask.set_city_code("140300");
  registry::v1::GetCoverageResponse coverage;
  ASSERT_TRUE(Call("", &RegistryService::Stub::GetCoverage, ask, &coverage).ok());
  ASSERT_EQ(coverage.agencies_size(), 2);
  const auto& a = coverage.agencies(0).credit_code() == full ? coverage.agencies(0) : coverage.agencies(1);
  const auto& b = coverage.agencies(0).credit_code() == full ? coverage.agencies(1) : coverage.agencies(0);
  EXPECT_EQ(std::vector<std::string>(a.missing().begin(), a.missing().end()),
            (std::vector<std::string>{"staffing_provisions", "flowcharts_for_domains"}));
  EXPECT_TRUE(a.qualification_list_current())
      << "a new agency's list holds until its own deadline, 20 WD after its creation";
  EXPECT_FALSE(a.staffing_provisions_published());
  EXPECT_FALSE(a.flowcharts_for_domains());
  EXPECT_EQ(std::vector<std::string>(b.missing().begin(), b.missing().end()),
            (std::vector<std::string>{"powers_listed", "officers_listed", "benchmarks_for_domains",
                                      "staffing_provisions", "flowcharts_for_domains"}));
  EXPECT_EQ(coverage.items_present(), 5);
  EXPECT_EQ(coverage.items_required(), 12);
  EXPECT_DOUBLE_EQ(coverage.ratio(), 5.0 / 12.0);

  // The gauges count each item per city, and the records of each rule of the
  // year: the powers item changed on Monday 2 November was due 20 WD later,
  // 30 November, and stored on 1 December.
  std::string metrics = testing::HttpGet(platform_->service("registry").ports.metrics, "/metrics");
  for (const char* line :
       {"gongkai_kpi_records_due{city=\"140300\",kpi=\"coverage\",rule=\"powers_listed\"} 2",
        "gongkai_kpi_records_met{city=\"140300\",kpi=\"coverage\",rule=\"powers_listed\"} 1",
        "gongkai_kpi_records_due{city=\"140300\",kpi=\"coverage\",rule=\"flowcharts_for_domains\"} 2",
        "gongkai_kpi_records_met{city=\"140300\",kpi=\"coverage\",rule=\"flowcharts_for_domains\"} 0",
        "gongkai_kpi_records_met{city=\"140300\",kpi=\"coverage\",rule=\"qualification_list\"} 2",
        "gongkai_deadline_records_due{city=\"140300\",kind=\"powers_item\"} 1",
        "gongkai_deadline_records_met{city=\"140300\",kind=\"powers_item\"} 0",
        "gongkai_kpi_records_due{city=\"140300\",kpi=\"key_domain_timeliness\",rule=\"powers_item\"} 1"}) {
    EXPECT_NE(metrics.find(line), std::string::npos) << line << "\n" << metrics;
  }
  EXPECT_EQ(metrics.find("gongkai_kpi_ratio"), std::string::npos) << "ratios are Prometheus' recording rules";
  EXPECT_EQ(metrics.find("gongkai_deadline_on_time_ratio"), std::string::npos);
  EXPECT_NE(metrics.find("gongkai_officer_loading_agencies{city=\"140300\",state=\"without_officers\"} 1"),
            std::string::npos);
  EXPECT_NE(metrics.find("gongkai_qualification_lists{city=\"140300\",state=\"current\"} 2"), std::string::npos);

  // The city confirms its qualification lists; an unknown code is named.
  registry::v1::ConfirmQualificationListsRequest confirm;
  confirm.add_credit_codes(full);
  confirm.add_credit_codes(CreditCode("140300", 999));
  registry::v1::ConfirmQualificationListsResponse confirmed;
  ASSERT_TRUE(Call("city-140300", &RegistryService::Stub::ConfirmQualificationLists, confirm, &confirmed).ok());
  EXPECT_EQ(confirmed.results(0).outcome(), RecordResult::ACCEPTED);
  EXPECT_EQ(confirmed.results(1).outcome(), RecordResult::REJECTED);
  confirm.clear_credit_codes();
  confirm.add_credit_codes(full);
  EXPECT_EQ(Call("city-140100", &RegistryService::Stub::ConfirmQualificationLists, confirm, &confirmed).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  registry::v1::GetAgencyRequest get;
  get.set_credit_code(full);
  registry::v1::Agency agency;
  ASSERT_TRUE(Call("", &RegistryService::Stub::GetAgency, get, &agency).ok());
  EXPECT_EQ(agency.qualification_list().rule(), "qualification_list");
  EXPECT_FALSE(agency.qualification_list().done().empty());
  EXPECT_FALSE(agency.expired());
}

class RateLimitedRegistry : public RegistryEndToEnd {
 protected:
  testing::PlatformOptions Options() override {
    testing::PlatformOptions options = PlatformTest::Options();
    options.env["gateway"] = {{"GONGKAI_RATE_LIMIT", "5"}, {"GONGKAI_RATE_WINDOW_MS", "1000"}};
    return options;
  }
};

TEST_F(RateLimitedRegistry, VerificationIsRateLimitedPerCallerAndRecovers) {
  registry::v1::VerifyCertificateRequest request;
  request.set_certificate_number("ANY-1");
  Verdict response;
  int refused = 0;
  grpc::Status last;
  for (int i = 0; i < 8; ++i) {
    grpc::Status s = Call("", &RegistryService::Stub::VerifyCertificate, request, &response);
    if (s.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
      ++refused;
      last = s;
    }
  }
  EXPECT_GE(refused, 3);
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(last.error_details()));
  google::rpc::RetryInfo retry;
  ASSERT_EQ(details.details_size(), 1);
  ASSERT_TRUE(details.details(0).UnpackTo(&retry));
  EXPECT_GT(retry.retry_delay().nanos() + retry.retry_delay().seconds(), 0);

  // Another caller (a city's credential) has its own allowance.
  EXPECT_TRUE(Call("city-140100", &RegistryService::Stub::VerifyCertificate, request, &response).ok());
  // Methods that are not marked rate-limited are not limited.
  registry::v1::ListBenchmarksResponse benchmarks;
  EXPECT_TRUE(
      Call("", &RegistryService::Stub::ListBenchmarks, registry::v1::ListBenchmarksRequest(), &benchmarks).ok());

  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_TRUE(Call("", &RegistryService::Stub::VerifyCertificate, request, &response).ok());
}

class RegistryWithPartialCalendar : public RegistryEndToEnd {
 protected:
  testing::PlatformOptions Options() override {
    calendar_dir_ = std::filesystem::temp_directory_path() / ("gongkai-cal-" + std::to_string(getpid()));
    std::filesystem::create_directories(calendar_dir_);
    std::filesystem::copy_file(std::string(GONGKAI_SOURCE_DIR) + "/data/calendar/cn-2025.json",
                               calendar_dir_ / "cn-2025.json", std::filesystem::copy_options::overwrite_existing);
    testing::PlatformOptions options = PlatformTest::Options();
    options.env["registry"] = {{"GONGKAI_CALENDAR_DIR", calendar_dir_.string()}};
    return options;
  }
  void TearDown() override { std::filesystem::remove_all(calendar_dir_); }
  std::filesystem::path calendar_dir_;
};

TEST_F(RegistryWithPartialCalendar, DeadlineIsProvisionalUntilItsYearIsLoadedThenRecomputedOnSighup) {
  std::string agency = AddAgency("140100", 51);
  registry::v1::UpsertPowersRequest request;
  auto* item = request.add_items();
  item->set_agency_credit_code(agency);
  item->set_source_id("P-cal");
  item->set_source_version(1);
  item->set_name("行政检查");
  item->set_category(registry::v1::INSPECTION);
  auto* basis = item->add_legal_basis();
  basis->set_law("中华人民共和国行政处罚法");
  basis->set_article(54);
  item->set_responsibilities("检查");
  item->set_accountability("追责");
  item->set_changed_on("2026-09-18");
  registry::v1::UpsertPowersResponse stored;
  ASSERT_TRUE(Call("city-140100", &RegistryService::Stub::UpsertPowers, request, &stored).ok());

  auto due = [&] {
    registry::v1::ListPowersRequest list;
    list.set_agency_credit_code(agency);
    registry::v1::ListPowersResponse page;
    EXPECT_TRUE(Call("", &RegistryService::Stub::ListPowers, list, &page).ok());
    return page.items(0).timeliness();
  };
  // 2026 not loaded: weekends only, so National Day is not skipped.
  auto before = due();
  EXPECT_TRUE(before.provisional());
  EXPECT_EQ(before.due(), "2026-10-16");

  std::filesystem::copy_file(std::string(GONGKAI_SOURCE_DIR) + "/data/calendar/cn-2026.json",
                             calendar_dir_ / "cn-2026.json");
  kill(platform_->service("registry").process->pid(), SIGHUP);
  EXPECT_TRUE(testing::Eventually([&] { return !due().provisional(); }, 5000));
  auto after = due();
  // 20 WD from Fri 2026-09-18: Sun 09-20 is a make-up day, 09-25 and 10-01..07 are holidays.
  EXPECT_EQ(after.due(), "2026-10-22");

  // A malformed file is refused and the calendar in use stays.
  std::ofstream(calendar_dir_ / "cn-2027.json") << "{ not json";
  kill(platform_->service("registry").process->pid(), SIGHUP);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(due().due(), "2026-10-22");
  EXPECT_FALSE(due().provisional());
}

// The registry's tallies as the supervision service asks them, straight to
// the registry (the gateway routes no service call) with a service identity
// signed over the platform's secret, which this fixture sets.
class RegistryTalliesEndToEnd : public RegistryEndToEnd {
 protected:
  // Calls the registry directly as the supervision service does, signed with its key.
  grpc::Status Tallies(const common::v1::GetKpiTalliesRequest& request, common::v1::GetKpiTalliesResponse* response) {
    const auto identity = platform_->SignerOf("supervision")
                              ->Sign({common::v1::ROLE_SERVICE, "", "", "service-supervision"},
                                     std::chrono::system_clock::now() + std::chrono::minutes(1),
                                     "/gongkai.registry.v1.RegistryService/GetKpiTallies");
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    ctx.AddMetadata(common::kIdentityHeader, identity.payload);
    ctx.AddMetadata(common::kIdentitySignatureHeader, identity.signature);
    return RegistryService::Stub(platform_->Direct("registry")).GetKpiTallies(&ctx, request, response);
  }
};

TEST_F(RegistryTalliesEndToEnd, GetKpiTalliesNamesTheAgencyMissingAFlowchartOfItsDomains) {
  const std::string agency = AddAgency("140400", 61, {"market_regulation", "transport"});
  common::v1::GetKpiTalliesRequest request;
  request.set_year(2026);
  request.set_city_code("140400");
  request.set_max_misses(10);
  common::v1::GetKpiTalliesResponse response;
  const grpc::Status status = Tallies(request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.as_of(), std::string(testing::kTestDate));
  const common::v1::KpiTally* flowcharts = nullptr;
  for (const auto& t : response.tallies()) {
    EXPECT_EQ(t.city_code(), "140400");
    if (t.kpi() == "coverage" && t.rule() == "flowcharts_for_domains") flowcharts = &t;
  }
  ASSERT_NE(flowcharts, nullptr);
  EXPECT_EQ(flowcharts->agency_credit_code(), agency);
  EXPECT_EQ(flowcharts->due(), 1);
  EXPECT_EQ(flowcharts->met(), 0);
  ASSERT_EQ(flowcharts->misses_size(), 1);
  EXPECT_EQ(flowcharts->misses(0).service(), "registry");
  EXPECT_EQ(flowcharts->misses(0).kind(), "flowcharts_for_domains");
  EXPECT_EQ(flowcharts->misses(0).key(), agency);
  EXPECT_EQ(flowcharts->misses(0).detail(), "no flowchart of market_regulation, transport");

  // Not through the gateway: a city cannot ask it.
  EXPECT_NE(Call("city-140400", &RegistryService::Stub::GetKpiTallies, request, &response).error_code(),
            grpc::StatusCode::OK);
}

}  // namespace
}  // namespace gongkai
