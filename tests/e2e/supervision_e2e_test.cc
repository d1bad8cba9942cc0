// The supervision service end to end through the gateway, over real
// processes, a real database and the real registry (agencies and powers
// items loaded through the gateway): case-file review rounds, their reviews
// published masked and read whole by the province, the year's review
// coverage against the registry's enforcement units; a special supervision
// with its statistics by unit and by domain and the problem statistics of a
// year; an assessment plan and its results; rectifications tracked to their
// end on the service's own (pinned) day; and the service's gauges.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "common/calendar/calendar_loader.h"
#include "common/calendar/iso_date.h"
#include "common/errors.h"
#include "common/identifiers.h"
#include "gongkai/registry/v1/registry.grpc.pb.h"
#include "gongkai/supervision/v1/supervision.grpc.pb.h"
#include "tests/e2e/platform.h"
#include "tests/e2e/records.h"

namespace gongkai {
namespace {

using registry::v1::RegistryService;
using supervision::v1::Rectification;
using supervision::v1::Review;
using supervision::v1::Round;
using supervision::v1::SupervisionService;
using RecordResult = common::v1::RecordResult;
using Timeliness = common::v1::Timeliness;
using testing::CreditCode;
using testing::MetricValue;

// The platform's day: a Wednesday of the third quarter, so that the first two
// quarters of 2026 have ended and the third has not.
constexpr char kToday[] = "2026-07-15";
constexpr char kTaiyuan[] = "city-140100";
constexpr char kDatong[] = "city-140200";

std::set<std::string> FieldsOf(const RecordResult& result) {
  std::set<std::string> fields;
  for (const auto& v : result.violations()) fields.insert(v.field());
  return fields;
}

// Whether a violation of `result` names `field` or a field under it.
bool NamesFieldUnder(const RecordResult& result, const std::string& field) {
  return std::any_of(result.violations().begin(), result.violations().end(), [&](const auto& v) {
    const std::string& f = v.field();
    return f == field || (f.starts_with(field) && (f[field.size()] == '.' || f[field.size()] == '['));
  });
}

std::string CitizenId(const std::string& first17) { return first17 + common::CitizenIdCheckCharacter(first17); }

// The keys of counts, in order.
std::vector<std::string> KeysOf(const google::protobuf::RepeatedPtrField<supervision::v1::Count>& counts) {
  std::vector<std::string> keys;
  for (const auto& c : counts) keys.push_back(c.key());
  return keys;
}

// The problems of each key of counts.
std::map<std::string, int64_t> CountsOf(const google::protobuf::RepeatedPtrField<supervision::v1::Count>& counts) {
  std::map<std::string, int64_t> out;
  for (const auto& c : counts) out[c.key()] = c.problems();
  return out;
}

class SupervisionEndToEnd : public testing::PlatformTest {
 protected:
  testing::PlatformOptions Options() override {
    testing::PlatformOptions options;
    options.pinned_date = kToday;
    return options;
  }

  // The registry: in Taiyuan the city's supervision bureau (no powers), three
  // enforcement units (a penalty or licensing powers item each) and a unit
  // holding inspection powers only; in Datong its bureau and one
  // enforcement unit; and a provincial agency, the province's organiser.
  void SetUp() override {
    PlatformTest::SetUp();
    auto calendar = common::LoadCalendar(std::string(GONGKAI_SOURCE_DIR) + "/data/calendar", "cn");
    ASSERT_TRUE(calendar.ok()) << calendar.error;
    calendar_ = std::move(*calendar.value);

    bureau_ = AddAgency("140100", 10);
    a1_ = AddAgency("140100", 11);
    a2_ = AddAgency("140100", 12);
    a3_ = AddAgency("140100", 13);
    a4_ = AddAgency("140100", 14);
    datong_bureau_ = AddAgency("140200", 20);
    d1_ = AddAgency("140200", 21);

    const registry::v1::Agency provincial = testing::MakeAgency("140000", "140100", 30);
    registry::v1::UpsertAgenciesRequest agencies;
    *agencies.add_agencies() = provincial;
    registry::v1::UpsertAgenciesResponse registered;
    grpc::Status status = Call("province", &RegistryService::Stub::UpsertAgencies, agencies, &registered);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_EQ(registered.results_size(), 1);
    ASSERT_EQ(registered.results(0).outcome(), RecordResult::ACCEPTED) << registered.DebugString();
    province_organiser_ = provincial.credit_code();

    registry::v1::UpsertPowersRequest taiyuan_powers;
    *taiyuan_powers.add_items() = testing::PowersItemOf(a1_, "CF-1", registry::v1::PENALTY);
    *taiyuan_powers.add_items() = testing::PowersItemOf(a2_, "XK-1", registry::v1::LICENSING);
    *taiyuan_powers.add_items() = testing::PowersItemOf(a3_, "CF-1", registry::v1::PENALTY);
    *taiyuan_powers.add_items() = testing::PowersItemOf(a4_, "JC-1", registry::v1::INSPECTION);
    ASSERT_NO_FATAL_FAILURE(UpsertPowers(kTaiyuan, taiyuan_powers));
    registry::v1::UpsertPowersRequest datong_powers;
    *datong_powers.add_items() = testing::PowersItemOf(d1_, "CF-1", registry::v1::PENALTY);
    ASSERT_NO_FATAL_FAILURE(UpsertPowers(kDatong, datong_powers));
  }

  void UpsertPowers(const std::string& principal, const registry::v1::UpsertPowersRequest& request) {
    registry::v1::UpsertPowersResponse response;
    grpc::Status status = Call(principal, &RegistryService::Stub::UpsertPowers, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_EQ(response.results_size(), request.items_size());
    for (const auto& r : response.results()) ASSERT_EQ(r.outcome(), RecordResult::ACCEPTED) << r.DebugString();
  }

  // The day `n` working days after `date` (before it for n < 0).
  std::string WorkingDaysFrom(const std::string& date, int n) const {
    return common::FormatIsoDate(calendar_.AddWorkingDays(*common::ParseIsoDate(date), n).value);
  }

  // A batch write of the service as `principal`; OK expected.
  template <typename Request>
  supervision::v1::UpsertResponse Write(const std::string& principal,
                                        grpc::Status (SupervisionService::Stub::*method)(
                                            grpc::ClientContext*, const Request&, supervision::v1::UpsertResponse*),
                                        const Request& request) {
    supervision::v1::UpsertResponse response;
    grpc::Status status = Call(principal, method, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  // The status of a batch write that is expected to fail as a whole.
  template <typename Request>
  grpc::StatusCode Refused(const std::string& principal,
                           grpc::Status (SupervisionService::Stub::*method)(grpc::ClientContext*, const Request&,
                                                                            supervision::v1::UpsertResponse*),
                           const Request& request) {
    supervision::v1::UpsertResponse response;
    grpc::Status status = Call(principal, method, request, &response);
    EXPECT_EQ(response.results_size(), 0);
    return status.error_code();
  }

  supervision::v1::UpsertResponse UpsertRounds(const std::string& principal, const std::vector<Round>& rounds) {
    supervision::v1::UpsertRoundsRequest request;
    for (const auto& r : rounds) *request.add_rounds() = r;
    return Write(principal, &SupervisionService::Stub::UpsertRounds, request);
  }

  supervision::v1::UpsertResponse UpsertReviews(const std::string& principal, const std::vector<Review>& reviews) {
    supervision::v1::UpsertReviewsRequest request;
    for (const auto& r : reviews) *request.add_reviews() = r;
    return Write(principal, &SupervisionService::Stub::UpsertReviews, request);
  }

  supervision::v1::UpsertResponse UpsertSupervisions(const std::string& principal,
                                                     const std::vector<supervision::v1::Supervision>& supervisions) {
    supervision::v1::UpsertSupervisionsRequest request;
    for (const auto& s : supervisions) *request.add_supervisions() = s;
    return Write(principal, &SupervisionService::Stub::UpsertSupervisions, request);
  }

  supervision::v1::UpsertResponse Report(const std::string& principal,
                                         const std::vector<supervision::v1::RectificationReport>& reports) {
    supervision::v1::ReportRectificationsRequest request;
    for (const auto& r : reports) *request.add_reports() = r;
    return Write(principal, &SupervisionService::Stub::ReportRectifications, request);
  }

  // Expects `n` results, each ACCEPTED.
  static void ExpectAccepted(const supervision::v1::UpsertResponse& response, int n) {
    ASSERT_EQ(response.results_size(), n) << response.DebugString();
    for (const auto& r : response.results()) EXPECT_EQ(r.outcome(), RecordResult::ACCEPTED) << r.DebugString();
  }

  grpc::Status GetReview(const std::string& principal, const std::string& agency, const std::string& source_id,
                         Review* review) {
    supervision::v1::GetRecordRequest request;
    request.set_agency_credit_code(agency);
    request.set_source_id(source_id);
    return Call(principal, &SupervisionService::Stub::GetReview, request, review);
  }

  supervision::v1::ReviewCoverage Coverage(const std::string& principal, const std::string& city, int page_size = 0,
                                           const std::string& page_token = "") {
    supervision::v1::GetReviewCoverageRequest request;
    request.set_year(2026);
    request.set_city_code(city);
    request.set_page_size(page_size);
    request.set_page_token(page_token);
    supervision::v1::ReviewCoverage coverage;
    grpc::Status status = Call(principal, &SupervisionService::Stub::GetReviewCoverage, request, &coverage);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return coverage;
  }

  supervision::v1::ProblemStatistics Statistics(const std::string& principal, const std::string& city,
                                                supervision::v1::GetProblemStatisticsRequest::Source source =
                                                    supervision::v1::GetProblemStatisticsRequest::SOURCE_UNSPECIFIED,
                                                int top_units = 0) {
    supervision::v1::GetProblemStatisticsRequest request;
    request.set_year(2026);
    request.set_city_code(city);
    request.set_source(source);
    request.set_top_units(top_units);
    supervision::v1::ProblemStatistics statistics;
    grpc::Status status = Call(principal, &SupervisionService::Stub::GetProblemStatistics, request, &statistics);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return statistics;
  }

  // The rectifications `principal` lists (first page), as asked.
  supervision::v1::ListRectificationsResponse Rectifications(
      const std::string& principal, const std::string& city = "",
      Rectification::State state = Rectification::STATE_UNSPECIFIED, int year = 0) {
    supervision::v1::ListRectificationsRequest request;
    request.set_city_code(city);
    request.set_state(state);
    request.set_year(year);
    supervision::v1::ListRectificationsResponse response;
    grpc::Status status = Call(principal, &SupervisionService::Stub::ListRectifications, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  // Every page of the public feed from its start; each page's bytes are
  // added to `bytes`.
  std::vector<supervision::v1::Change> Feed(std::string* bytes) {
    std::vector<supervision::v1::Change> changes;
    int64_t after = 0;
    for (int pages = 0; pages < 1000; ++pages) {
      supervision::v1::ListChangesRequest request;
      request.set_after_seq(after);
      supervision::v1::ListChangesResponse page;
      grpc::Status status = Call("", &SupervisionService::Stub::ListChanges, request, &page);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok() || page.changes_size() == 0) break;
      *bytes += page.SerializeAsString();
      for (const auto& c : page.changes()) changes.push_back(c);
      after = page.last_seq();
    }
    return changes;
  }

  std::string SupervisionMetrics() const {
    return testing::HttpGet(platform_->service("supervision").ports.metrics, "/metrics");
  }

  // A review of `unit` by `by` in `round` of the Taiyuan bureau that found a
  // problem of `type`, to be rectified by `deadline`.
  Review ReviewWithProblem(const std::string& source_id, const std::string& round, const std::string& unit,
                           const std::string& by, supervision::v1::ProblemType type, const std::string& deadline) {
    Review r = testing::UnitReview(bureau_, source_id, round, unit, by);
    *r.add_problems() = testing::ReviewProblemOf(type, 2);
    r.set_rectification_requirement("对存在问题的案卷逐一整改，完善案卷归档和法制审核制度。");
    r.set_rectification_deadline(deadline);
    return r;
  }

  common::WorkingDayCalendar calendar_;
  std::string bureau_;              // Taiyuan's supervision bureau, the organiser of its rounds and plans
  std::string a1_, a2_, a3_;        // Taiyuan's enforcement units
  std::string a4_;                  // a Taiyuan unit with inspection powers only: not an enforcement unit
  std::string datong_bureau_;       // Datong's supervision bureau
  std::string d1_;                  // Datong's enforcement unit
  std::string province_organiser_;  // a provincial agency
};

// 1. A round and its reviews: published at once with their 15 WD timeliness,
// an excellent case's natural person masked in every public answer and whole
// for the province; the year's coverage per city and for the province, with
// the units not yet reviewed; another city's unit refused; a review of a
// round not yet ended refused naming the round.
TEST_F(SupervisionEndToEnd, ReviewsArePublishedMaskedAndCountTowardsTheYearsCoverage) {
  const std::string person_id = CitizenId("14010519800101123");
  auto rounds = UpsertRounds(
      kTaiyuan, {testing::ReviewRound(bureau_, "PC-2026-Q2", 2026, 2, {a1_, a2_, a3_}, {a1_, a2_, a3_, a4_},
                                      "2026-06-01", "2026-06-30"),
                 testing::ReviewRound(bureau_, "PC-2026-Q3", 2026, 3, {a1_, a2_}, {a3_}, "2026-07-01", "2026-07-31")});
  ASSERT_NO_FATAL_FAILURE(ExpectAccepted(rounds, 2));

  Review excellent =
      ReviewWithProblem("PC-Q2-A1", "PC-2026-Q2", a1_, a2_, supervision::v1::PROCEDURAL_DEFECT, "2026-08-31");
  *excellent.add_problems() = testing::ReviewProblemOf(supervision::v1::NONSTANDARD_DOCUMENTS, 3);
  *excellent.add_excellent_cases() = testing::PersonExcellentCase("并市监罚〔2026〕18号", person_id);
  auto* organisation = excellent.add_excellent_cases();
  organisation->set_case_number("并市监许〔2026〕7号");
  organisation->set_case_type(supervision::v1::LICENSING_CASES);
  organisation->set_title("太原市汾河餐饮管理有限公司食品经营许可案");
  organisation->mutable_party()->set_kind(supervision::v1::CaseParty::ORGANIZATION);
  organisation->mutable_party()->set_name("太原市汾河餐饮管理有限公司");
  organisation->mutable_party()->set_credit_code(CreditCode("140105", 202));
  organisation->set_summary("太原市汾河餐饮管理有限公司申请材料齐全，办理时限符合承诺。");
  const Review plain = testing::UnitReview(bureau_, "PC-Q2-A2", "PC-2026-Q2", a2_, a3_);
  const Review not_enforcement = testing::UnitReview(bureau_, "PC-Q2-A4", "PC-2026-Q2", a4_, a1_);
  const Review too_early = testing::UnitReview(bureau_, "PC-Q3-A3", "PC-2026-Q3", a3_, a1_);
  const Review by_itself = testing::UnitReview(bureau_, "PC-Q2-SELF", "PC-2026-Q2", a3_, a3_);
  auto reviews = UpsertReviews(kTaiyuan, {excellent, plain, not_enforcement, too_early, by_itself});
  ASSERT_EQ(reviews.results_size(), 5) << reviews.DebugString();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(reviews.results(i).outcome(), RecordResult::ACCEPTED) << reviews.DebugString();
  ASSERT_EQ(reviews.results(3).outcome(), RecordResult::REJECTED) << reviews.DebugString();
  EXPECT_TRUE(NamesFieldUnder(reviews.results(3), "reviews[3].round_source_id")) << reviews.results(3).DebugString();
  ASSERT_EQ(reviews.results(4).outcome(), RecordResult::REJECTED) << reviews.DebugString();
  EXPECT_TRUE(NamesFieldUnder(reviews.results(4), "reviews[4].reviewed_by") ||
              NamesFieldUnder(reviews.results(4), "reviews[4].reviewed_unit"))
      << "a unit does not review itself: " << reviews.results(4).DebugString();

  // The public list of the city's reviews of the quarter.
  supervision::v1::ListReviewsRequest list;
  list.set_year(2026);
  list.set_quarter(2);
  list.set_city_code("140100");
  supervision::v1::ListReviewsResponse listed;
  grpc::Status status = Call("", &SupervisionService::Stub::ListReviews, list, &listed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  std::map<std::string, Review> by_id;
  for (const auto& r : listed.reviews()) by_id[r.source_id()] = r;
  ASSERT_EQ(by_id.size(), 3u) << listed.DebugString();
  ASSERT_TRUE(by_id.contains("PC-Q2-A1") && by_id.contains("PC-Q2-A2") && by_id.contains("PC-Q2-A4"));
  for (const auto& [id, r] : by_id) {
    EXPECT_EQ(r.city_code(), "140100") << id;
    EXPECT_EQ(r.unit_city_code(), "140100") << id;
    EXPECT_EQ(r.year(), 2026) << id;
    EXPECT_EQ(r.quarter(), 2) << id;
    EXPECT_EQ(r.published_on(), kToday) << id;
    EXPECT_EQ(r.timeliness().rule(), "case_review") << id;
    EXPECT_EQ(r.timeliness().clock_start(), "2026-06-30") << id;
    EXPECT_EQ(r.timeliness().due(), WorkingDaysFrom("2026-06-30", 15)) << id;
    EXPECT_EQ(r.timeliness().status(), Timeliness::ON_TIME) << id;
  }
  const Review& masked = by_id["PC-Q2-A1"];
  ASSERT_EQ(masked.excellent_cases_size(), 2);
  EXPECT_EQ(masked.excellent_cases(0).party().kind(), supervision::v1::CaseParty::NATURAL_PERSON);
  EXPECT_EQ(masked.excellent_cases(0).party().name(), "张某某");
  EXPECT_TRUE(masked.excellent_cases(0).party().id_number().empty()) << "a natural person's ID is never published";
  EXPECT_NE(masked.excellent_cases(0).title().find("张某某"), std::string::npos) << masked.excellent_cases(0).title();
  EXPECT_NE(masked.excellent_cases(0).summary().find("张某某"), std::string::npos);
  EXPECT_EQ(masked.excellent_cases(1).party().name(), "太原市汾河餐饮管理有限公司") << "organisations are whole";
  EXPECT_EQ(masked.excellent_cases(1).party().credit_code(), CreditCode("140105", 202));
  EXPECT_EQ(masked.problems_size(), 2);

  // GetReview: the published form, with where its rectification stands.
  std::string bytes = listed.SerializeAsString();
  Review public_review;
  ASSERT_TRUE(GetReview("", bureau_, "PC-Q2-A1", &public_review).ok());
  bytes += public_review.SerializeAsString();
  ASSERT_EQ(public_review.excellent_cases_size(), 2);
  EXPECT_EQ(public_review.excellent_cases(0).party().name(), "张某某");
  ASSERT_TRUE(public_review.has_rectification());
  EXPECT_EQ(public_review.rectification().subject(), supervision::v1::REVIEW);
  EXPECT_EQ(public_review.rectification().state(), Rectification::OPEN);
  EXPECT_EQ(public_review.rectification().deadline(), "2026-08-31");
  EXPECT_EQ(public_review.rectification().unit(), a1_);
  EXPECT_EQ(public_review.rectification().unit_city_code(), "140100");
  Review no_problem;
  ASSERT_TRUE(GetReview("", bureau_, "PC-Q2-A2", &no_problem).ok());
  bytes += no_problem.SerializeAsString();
  EXPECT_FALSE(no_problem.has_rectification()) << "no problem, nothing to rectify";

  // No public answer holds the person's name or ID number.
  bool in_feed = false;
  for (const auto& change : Feed(&bytes)) in_feed = in_feed || change.review().source_id() == "PC-Q2-A1";
  EXPECT_TRUE(in_feed) << "the review is in the public feed";
  supervision::v1::ListRoundsRequest round_list;
  round_list.set_agency_credit_code(bureau_);
  supervision::v1::ListRoundsResponse round_page;
  ASSERT_TRUE(Call("", &SupervisionService::Stub::ListRounds, round_list, &round_page).ok());
  bytes += round_page.SerializeAsString();
  EXPECT_EQ(bytes.find("张三丰"), std::string::npos);
  EXPECT_EQ(bytes.find(person_id), std::string::npos);
  EXPECT_EQ(bytes.find(person_id.substr(6, 8)), std::string::npos) << "the birth date digits";

  // The rounds: the second quarter's completed with its three reviews, the
  // third's not ended.
  std::map<std::string, Round> round_by_id;
  for (const auto& r : round_page.rounds()) round_by_id[r.source_id()] = r;
  ASSERT_EQ(round_by_id.size(), 2u) << round_page.DebugString();
  EXPECT_TRUE(round_by_id["PC-2026-Q2"].completed());
  EXPECT_EQ(round_by_id["PC-2026-Q2"].reviews_published(), 3);
  EXPECT_EQ(round_by_id["PC-2026-Q2"].city_code(), "140100");
  EXPECT_FALSE(round_by_id["PC-2026-Q3"].completed());
  EXPECT_EQ(round_by_id["PC-2026-Q3"].reviews_published(), 0);

  // The province, and the city of the record, read the review as sent;
  // another city reads the published form.
  for (const char* principal : {"province", kTaiyuan}) {
    Review whole;
    status = GetReview(principal, bureau_, "PC-Q2-A1", &whole);
    ASSERT_TRUE(status.ok()) << principal << ": " << status.error_message();
    ASSERT_EQ(whole.excellent_cases_size(), 2) << principal;
    EXPECT_EQ(whole.excellent_cases(0).party().name(), "张三丰") << principal;
    EXPECT_EQ(whole.excellent_cases(0).party().id_number(), person_id) << principal;
    EXPECT_EQ(whole.excellent_cases(0).summary(), excellent.excellent_cases(0).summary()) << principal;
  }
  Review elsewhere;
  ASSERT_TRUE(GetReview(kDatong, bureau_, "PC-Q2-A1", &elsewhere).ok());
  EXPECT_EQ(elsewhere.excellent_cases(0).party().name(), "张某某");
  EXPECT_TRUE(elsewhere.excellent_cases(0).party().id_number().empty());

  // The province's coverage: A1 and A2 of Taiyuan's three enforcement units
  // reviewed (A4 holds no penalty or licensing power and does not count),
  // none of Datong's one.
  const auto province = Coverage("province", "");
  EXPECT_EQ(province.year(), 2026);
  EXPECT_DOUBLE_EQ(province.target(), 0.6);
  EXPECT_EQ(province.total().scope(), "province");
  EXPECT_EQ(province.total().enforcement_units(), 4);
  EXPECT_EQ(province.total().reviewed_units(), 2);
  EXPECT_DOUBLE_EQ(province.total().ratio(), 0.5);
  EXPECT_FALSE(province.total().meets_target());
  std::map<std::string, supervision::v1::CoverageFigure> cities;
  for (const auto& c : province.cities()) cities[c.scope()] = c;
  ASSERT_EQ(cities.size(), 2u) << province.DebugString();
  EXPECT_EQ(cities["140100"].enforcement_units(), 3);
  EXPECT_EQ(cities["140100"].reviewed_units(), 2);
  EXPECT_NEAR(cities["140100"].ratio(), 2.0 / 3.0, 1e-9);
  EXPECT_TRUE(cities["140100"].meets_target());
  EXPECT_EQ(cities["140200"].enforcement_units(), 1);
  EXPECT_EQ(cities["140200"].reviewed_units(), 0);
  EXPECT_DOUBLE_EQ(cities["140200"].ratio(), 0.0);
  EXPECT_FALSE(cities["140200"].meets_target());
  ASSERT_EQ(province.quarters_size(), 4) << province.DebugString();
  for (const auto& q : province.quarters()) {
    EXPECT_EQ(q.ended(), q.quarter() <= 2) << "quarter " << q.quarter();
    EXPECT_EQ(q.completed_rounds(), q.quarter() == 2 ? 1 : 0) << "quarter " << q.quarter();
  }
  ASSERT_EQ(province.unreviewed_size(), 2) << province.DebugString();
  EXPECT_EQ(province.unreviewed(0).credit_code(), a3_);
  EXPECT_EQ(province.unreviewed(0).name(), "执法机构13");
  EXPECT_EQ(province.unreviewed(0).city_code(), "140100");
  EXPECT_EQ(province.unreviewed(1).credit_code(), d1_);
  EXPECT_EQ(province.unreviewed(1).city_code(), "140200");
  EXPECT_TRUE(province.next_page_token().empty());

  // The units not yet reviewed, a page at a time.
  const auto first = Coverage("province", "", 1);
  ASSERT_EQ(first.unreviewed_size(), 1);
  EXPECT_EQ(first.unreviewed(0).credit_code(), a3_);
  ASSERT_FALSE(first.next_page_token().empty());
  const auto second = Coverage("province", "", 1, first.next_page_token());
  ASSERT_EQ(second.unreviewed_size(), 1);
  EXPECT_EQ(second.unreviewed(0).credit_code(), d1_);

  // One city's figures: Datong's asked by the province; Taiyuan's own
  // answered to Taiyuan whatever city it asks for.
  const auto datong = Coverage("province", "140200");
  EXPECT_EQ(datong.total().scope(), "140200");
  EXPECT_EQ(datong.total().enforcement_units(), 1);
  EXPECT_EQ(datong.total().reviewed_units(), 0);
  EXPECT_EQ(datong.cities_size(), 0);
  ASSERT_EQ(datong.unreviewed_size(), 1);
  EXPECT_EQ(datong.unreviewed(0).credit_code(), d1_);
  for (const auto& q : datong.quarters()) EXPECT_EQ(q.completed_rounds(), 0) << "no round reaches Datong";
  const auto taiyuan = Coverage(kTaiyuan, "140200");
  EXPECT_EQ(taiyuan.total().scope(), "140100");
  EXPECT_EQ(taiyuan.total().enforcement_units(), 3);
  EXPECT_EQ(taiyuan.total().reviewed_units(), 2);
  ASSERT_EQ(taiyuan.unreviewed_size(), 1);
  EXPECT_EQ(taiyuan.unreviewed(0).credit_code(), a3_);

  // Datong writes neither a round naming a Taiyuan unit nor a review of
  // Taiyuan's round: the whole batch is refused, nothing stored.
  supervision::v1::UpsertRoundsRequest foreign_round;
  *foreign_round.add_rounds() =
      testing::ReviewRound(datong_bureau_, "DT-2026-Q2", 2026, 2, {d1_}, {d1_, a1_}, "2026-06-01", "2026-06-30");
  EXPECT_EQ(Refused(kDatong, &SupervisionService::Stub::UpsertRounds, foreign_round),
            grpc::StatusCode::PERMISSION_DENIED);
  round_list.set_agency_credit_code(datong_bureau_);
  ASSERT_TRUE(Call("", &SupervisionService::Stub::ListRounds, round_list, &round_page).ok());
  EXPECT_EQ(round_page.rounds_size(), 0);
  supervision::v1::UpsertReviewsRequest foreign_review;
  *foreign_review.add_reviews() = testing::UnitReview(bureau_, "PC-Q2-A3", "PC-2026-Q2", a3_, a1_);
  EXPECT_EQ(Refused(kDatong, &SupervisionService::Stub::UpsertReviews, foreign_review),
            grpc::StatusCode::PERMISSION_DENIED);
  Review absent;
  EXPECT_EQ(GetReview("", bureau_, "PC-Q2-A3", &absent).error_code(), grpc::StatusCode::NOT_FOUND);

  // Taiyuan keeps its refused reviews.
  supervision::v1::ListRejectionsResponse rejections;
  ASSERT_TRUE(
      Call(kTaiyuan, &SupervisionService::Stub::ListRejections, supervision::v1::ListRejectionsRequest(), &rejections)
          .ok());
  std::set<std::string> keys;
  for (const auto& r : rejections.rejections()) keys.insert(r.key());
  EXPECT_TRUE(keys.contains(bureau_ + "/PC-Q3-A3")) << rejections.DebugString();
  EXPECT_TRUE(keys.contains(bureau_ + "/PC-Q2-SELF")) << rejections.DebugString();
}

// 2. A special supervision by the province over two cities: published with
// its statistics by unit and by domain and its named cases; the problem
// statistics of the year for the province and for a city.
TEST_F(SupervisionEndToEnd, ASpecialSupervisionIsPublishedWithItsStatisticsAndNamedCases) {
  auto campaign = testing::SpecialSupervision(province_organiser_, "ZX-2026-1", "2026-05-11", "2026-06-30");
  *campaign.add_problems() = testing::FoundProblem("P1", a1_, "market_regulation", "2026-08-31");
  campaign.mutable_problems(0)->set_description("经营者李四（联系电话13912345678）反映该单位对首次轻微违法一律罚款。");
  *campaign.add_problems() = testing::FoundProblem("P2", a1_, "transport", "2026-08-31");
  *campaign.add_problems() = testing::FoundProblem("P3", d1_, "ecology_environment", "2026-09-30");
  *campaign.add_named_cases() = testing::NamedCaseOf(a1_, "P1");
  *campaign.add_named_cases() = testing::NamedCaseOf(d1_, "P3");
  auto unknown_unit = testing::SpecialSupervision(province_organiser_, "ZX-2026-2", "2026-05-11", "2026-06-30");
  *unknown_unit.add_named_cases() = testing::NamedCaseOf(CreditCode("140100", 99), "");
  auto no_detail = testing::SpecialSupervision(province_organiser_, "ZX-2026-3", "2026-05-11", "2026-06-30");
  *no_detail.add_named_cases() = testing::NamedCaseOf(a2_, "");
  no_detail.mutable_named_cases(0)->add_handling(supervision::v1::OTHER_HANDLING);
  auto stored = UpsertSupervisions("province", {campaign, unknown_unit, no_detail});
  ASSERT_EQ(stored.results_size(), 3) << stored.DebugString();
  EXPECT_EQ(stored.results(0).outcome(), RecordResult::ACCEPTED) << stored.DebugString();
  ASSERT_EQ(stored.results(1).outcome(), RecordResult::REJECTED) << stored.DebugString();
  EXPECT_TRUE(FieldsOf(stored.results(1)).contains("supervisions[1].named_cases[0].unit"))
      << "named units must be registered: " << stored.results(1).DebugString();
  ASSERT_EQ(stored.results(2).outcome(), RecordResult::REJECTED) << stored.DebugString();
  EXPECT_TRUE(FieldsOf(stored.results(2)).contains("supervisions[2].named_cases[0].handling_detail"))
      << stored.results(2).DebugString();

  // A city does not write a supervision that names another city's unit.
  auto taiyuan_supervision = testing::SpecialSupervision(bureau_, "ZX-TY-1", "2026-05-11", "2026-06-30");
  *taiyuan_supervision.add_problems() = testing::FoundProblem("P1", d1_, "market_regulation", "2026-08-31");
  supervision::v1::UpsertSupervisionsRequest foreign;
  *foreign.add_supervisions() = taiyuan_supervision;
  EXPECT_EQ(Refused(kTaiyuan, &SupervisionService::Stub::UpsertSupervisions, foreign),
            grpc::StatusCode::PERMISSION_DENIED);

  // The public form: the statistics by unit (named as registered) and by
  // domain, most first; the problems masked; 30 WD from the end.
  supervision::v1::GetRecordRequest key;
  key.set_agency_credit_code(province_organiser_);
  key.set_source_id("ZX-2026-1");
  supervision::v1::Supervision shown;
  grpc::Status status = Call("", &SupervisionService::Stub::GetSupervision, key, &shown);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(shown.city_code(), "140000");
  EXPECT_EQ(shown.published_on(), kToday);
  EXPECT_EQ(shown.timeliness().rule(), "special_supervision");
  EXPECT_EQ(shown.timeliness().clock_start(), "2026-06-30");
  EXPECT_EQ(shown.timeliness().due(), WorkingDaysFrom("2026-06-30", 30));
  EXPECT_EQ(shown.timeliness().status(), Timeliness::ON_TIME);
  EXPECT_EQ(shown.problem_count(), 3);
  ASSERT_EQ(shown.problems_by_unit_size(), 2) << shown.DebugString();
  EXPECT_EQ(shown.problems_by_unit(0).key(), a1_);
  EXPECT_EQ(shown.problems_by_unit(0).name(), "执法机构11");
  EXPECT_EQ(shown.problems_by_unit(0).problems(), 2);
  EXPECT_EQ(shown.problems_by_unit(1).key(), d1_);
  EXPECT_EQ(shown.problems_by_unit(1).name(), "执法机构21");
  EXPECT_EQ(shown.problems_by_unit(1).problems(), 1);
  EXPECT_EQ(KeysOf(shown.problems_by_domain()),
            (std::vector<std::string>{"ecology_environment", "market_regulation", "transport"}))
      << "one each, by key";
  for (const auto& c : shown.problems_by_domain()) EXPECT_EQ(c.problems(), 1) << c.key();
  ASSERT_EQ(shown.problems_size(), 3);
  EXPECT_EQ(shown.problems(0).description().find("13912345678"), std::string::npos) << shown.problems(0).description();
  EXPECT_EQ(shown.problems(2).unit(), d1_);
  EXPECT_EQ(shown.problems(2).rectification_deadline(), "2026-09-30");
  ASSERT_EQ(shown.named_cases_size(), 2);
  EXPECT_EQ(shown.named_cases(0).unit(), a1_);
  EXPECT_EQ(shown.named_cases(0).handling_size(), 2);
  EXPECT_EQ(shown.named_cases(1).problem_id(), "P3");

  // Listed without the problem list.
  supervision::v1::ListSupervisionsRequest list;
  list.set_year(2026);
  supervision::v1::ListSupervisionsResponse listed;
  ASSERT_TRUE(Call("", &SupervisionService::Stub::ListSupervisions, list, &listed).ok());
  ASSERT_EQ(listed.supervisions_size(), 1) << listed.DebugString();
  EXPECT_EQ(listed.supervisions(0).source_id(), "ZX-2026-1");
  EXPECT_EQ(listed.supervisions(0).topic(), campaign.topic());
  EXPECT_EQ(listed.supervisions(0).problems_size(), 0);
  EXPECT_EQ(listed.supervisions(0).problem_count(), 3);

  // A review of the year's second quarter found two problems at A2.
  auto round = UpsertRounds(
      kTaiyuan, {testing::ReviewRound(bureau_, "PC-S-Q2", 2026, 2, {a3_}, {a2_}, "2026-06-01", "2026-06-30")});
  ASSERT_NO_FATAL_FAILURE(ExpectAccepted(round, 1));
  Review review = ReviewWithProblem("PC-S-A2", "PC-S-Q2", a2_, a3_, supervision::v1::PROCEDURAL_DEFECT, "2026-08-31");
  *review.add_problems() = testing::ReviewProblemOf(supervision::v1::INSUFFICIENT_EVIDENCE, 1);
  ASSERT_NO_FATAL_FAILURE(ExpectAccepted(UpsertReviews(kTaiyuan, {review}), 1));

  // The province's statistics of the year: both sources, or one.
  using Source = supervision::v1::GetProblemStatisticsRequest;
  const auto all = Statistics("province", "");
  EXPECT_EQ(all.year(), 2026);
  EXPECT_EQ(all.total(), 5);
  EXPECT_EQ(CountsOf(all.by_unit()), (std::map<std::string, int64_t>{{a1_, 2}, {a2_, 2}, {d1_, 1}}));
  EXPECT_EQ(KeysOf(all.by_unit()), (std::vector<std::string>{a1_, a2_, d1_})) << "most first, then by key";
  EXPECT_EQ(CountsOf(all.by_domain()),
            (std::map<std::string, int64_t>{{"ecology_environment", 1}, {"market_regulation", 1}, {"transport", 1}}));
  EXPECT_EQ(CountsOf(all.by_type()),
            (std::map<std::string, int64_t>{{"INSUFFICIENT_EVIDENCE", 1}, {"PROCEDURAL_DEFECT", 1}}));
  EXPECT_EQ(CountsOf(all.by_city()), (std::map<std::string, int64_t>{{"140100", 4}, {"140200", 1}}));
  EXPECT_EQ(all.unlisted_units(), 0);
  const auto supervisions_only = Statistics("province", "", Source::SUPERVISIONS);
  EXPECT_EQ(supervisions_only.total(), 3);
  EXPECT_EQ(supervisions_only.by_type_size(), 0);
  const auto reviews_only = Statistics("province", "", Source::REVIEWS);
  EXPECT_EQ(reviews_only.total(), 2);
  EXPECT_EQ(reviews_only.by_domain_size(), 0) << "reviews have no domain";
  const auto top = Statistics("province", "", Source::SOURCE_UNSPECIFIED, 1);
  EXPECT_EQ(KeysOf(top.by_unit()), (std::vector<std::string>{a1_}));
  EXPECT_EQ(top.unlisted_units(), 2);

  // A city's: Datong's asked by the province; Datong's own whatever it asks.
  const auto datong = Statistics("province", "140200");
  EXPECT_EQ(datong.total(), 1);
  EXPECT_EQ(CountsOf(datong.by_unit()), (std::map<std::string, int64_t>{{d1_, 1}}));
  const auto own = Statistics(kDatong, "140100");
  EXPECT_EQ(own.total(), 1);
  EXPECT_EQ(CountsOf(own.by_unit()), (std::map<std::string, int64_t>{{d1_, 1}}));
  EXPECT_EQ(CountsOf(own.by_city()), (std::map<std::string, int64_t>{{"140200", 1}}));
  const auto taiyuan = Statistics(kTaiyuan, "");
  EXPECT_EQ(taiyuan.total(), 4);
  EXPECT_EQ(CountsOf(taiyuan.by_unit()), (std::map<std::string, int64_t>{{a1_, 2}, {a2_, 2}}));
}

// 3. An assessment plan and its results, each with its 20 WD timeliness; a
// score over its indicator's maximum, a unit outside the plan and a result
// without its plan refused, each naming its field.
TEST_F(SupervisionEndToEnd, AssessmentResultsAreCheckedAgainstTheirPlan) {
  const std::string approved_on = WorkingDaysFrom(kToday, -5);
  const std::string concluded_on = WorkingDaysFrom(kToday, -2);
  supervision::v1::UpsertAssessmentPlansRequest plans;
  *plans.add_plans() = testing::AssessmentPlanOf(bureau_, "KH-2026", 2026, approved_on, {a1_, a2_, a3_});
  auto bare = testing::AssessmentPlanOf(bureau_, "KH-BARE", 2026, approved_on, {a1_});
  bare.clear_indicators();
  bare.clear_units();
  *plans.add_plans() = bare;
  auto zero = testing::AssessmentPlanOf(bureau_, "KH-ZERO", 2026, approved_on, {a1_});
  zero.mutable_indicators(0)->set_max_score(0);
  *plans.add_plans() = zero;
  auto stored = Write(kTaiyuan, &SupervisionService::Stub::UpsertAssessmentPlans, plans);
  ASSERT_EQ(stored.results_size(), 3) << stored.DebugString();
  EXPECT_EQ(stored.results(0).outcome(), RecordResult::ACCEPTED) << stored.DebugString();
  ASSERT_EQ(stored.results(1).outcome(), RecordResult::REJECTED);
  EXPECT_TRUE(FieldsOf(stored.results(1)).contains("plans[1].indicators")) << stored.results(1).DebugString();
  EXPECT_TRUE(FieldsOf(stored.results(1)).contains("plans[1].units")) << stored.results(1).DebugString();
  ASSERT_EQ(stored.results(2).outcome(), RecordResult::REJECTED);
  EXPECT_TRUE(FieldsOf(stored.results(2)).contains("plans[2].indicators[0].max_score"))
      << stored.results(2).DebugString();

  supervision::v1::UpsertAssessmentResultsRequest results;
  *results.add_results() = testing::AssessmentResultOf(bureau_, "KH-2026-R", "KH-2026", concluded_on, {a1_, a2_});
  results.mutable_results(0)->mutable_units(1)->set_grade(supervision::v1::GOOD);
  auto over = testing::AssessmentResultOf(bureau_, "KH-2026-OVER", "KH-2026", concluded_on, {a3_});
  over.mutable_units(0)->mutable_indicator_scores(0)->set_score(35);  // SYSTEM gives at most 30
  over.mutable_units(0)->set_score(97);
  *results.add_results() = over;
  *results.add_results() = testing::AssessmentResultOf(bureau_, "KH-2026-STRAY", "KH-2026", concluded_on, {a4_});
  *results.add_results() = testing::AssessmentResultOf(bureau_, "KH-NO-PLAN", "KH-NONE", concluded_on, {a1_});
  stored = Write(kTaiyuan, &SupervisionService::Stub::UpsertAssessmentResults, results);
  ASSERT_EQ(stored.results_size(), 4) << stored.DebugString();
  EXPECT_EQ(stored.results(0).outcome(), RecordResult::ACCEPTED) << stored.DebugString();
  ASSERT_EQ(stored.results(1).outcome(), RecordResult::REJECTED) << stored.DebugString();
  EXPECT_TRUE(FieldsOf(stored.results(1)).contains("results[1].units[0].indicator_scores[0].score"))
      << stored.results(1).DebugString();
  EXPECT_FALSE(NamesFieldUnder(stored.results(1), "results[1].units[0].indicator_scores[1]"))
      << "QUALITY is within its maximum";
  ASSERT_EQ(stored.results(2).outcome(), RecordResult::REJECTED) << stored.DebugString();
  EXPECT_TRUE(FieldsOf(stored.results(2)).contains("results[2].units[0].unit")) << stored.results(2).DebugString();
  ASSERT_EQ(stored.results(3).outcome(), RecordResult::REJECTED) << stored.DebugString();
  EXPECT_TRUE(FieldsOf(stored.results(3)).contains("results[3].plan_source_id")) << stored.results(3).DebugString();

  // Public, with the city's and the year's filters.
  supervision::v1::ListAssessmentsRequest list;
  list.set_year(2026);
  list.set_city_code("140100");
  supervision::v1::ListAssessmentPlansResponse listed_plans;
  grpc::Status status = Call("", &SupervisionService::Stub::ListAssessmentPlans, list, &listed_plans);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(listed_plans.plans_size(), 1) << listed_plans.DebugString();
  const auto& plan = listed_plans.plans(0);
  EXPECT_EQ(plan.source_id(), "KH-2026");
  EXPECT_EQ(plan.city_code(), "140100");
  EXPECT_EQ(plan.published_on(), kToday);
  EXPECT_EQ(plan.indicators_size(), 2);
  EXPECT_EQ(plan.timeliness().rule(), "assessment");
  EXPECT_EQ(plan.timeliness().clock_start(), approved_on);
  EXPECT_EQ(plan.timeliness().due(), WorkingDaysFrom(approved_on, 20));
  EXPECT_EQ(plan.timeliness().status(), Timeliness::ON_TIME);

  supervision::v1::ListAssessmentResultsResponse listed_results;
  status = Call("", &SupervisionService::Stub::ListAssessmentResults, list, &listed_results);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(listed_results.results_size(), 1) << listed_results.DebugString();
  const auto& result = listed_results.results(0);
  EXPECT_EQ(result.source_id(), "KH-2026-R");
  EXPECT_EQ(result.year(), 2026);
  EXPECT_EQ(result.city_code(), "140100");
  ASSERT_EQ(result.units_size(), 2);
  EXPECT_EQ(result.units(1).grade(), supervision::v1::GOOD);
  EXPECT_DOUBLE_EQ(result.units(0).score(), 90);
  EXPECT_EQ(result.timeliness().rule(), "assessment");
  EXPECT_EQ(result.timeliness().clock_start(), concluded_on);
  EXPECT_EQ(result.timeliness().due(), WorkingDaysFrom(concluded_on, 20));
  EXPECT_EQ(result.timeliness().status(), Timeliness::ON_TIME);

  list.set_city_code("140200");
  ASSERT_TRUE(Call("", &SupervisionService::Stub::ListAssessmentPlans, list, &listed_plans).ok());
  EXPECT_EQ(listed_plans.plans_size(), 0);
}

// 4. Rectifications: open until their deadline, overdue after it, done when
// reported by it and done late after it, on the service's own day (moved
// forward by a restart); each city lists its own units' only.
TEST_F(SupervisionEndToEnd, RectificationsAreTrackedToTheirEndOnTheServicesDay) {
  auto round = UpsertRounds(kTaiyuan, {testing::ReviewRound(bureau_, "PC-R-Q2", 2026, 2, {a1_, a2_, a3_}, {a1_, a2_},
                                                            "2026-06-01", "2026-06-30")});
  ASSERT_NO_FATAL_FAILURE(ExpectAccepted(round, 1));
  ASSERT_NO_FATAL_FAILURE(ExpectAccepted(
      UpsertReviews(
          kTaiyuan,
          {ReviewWithProblem("PC-R-A1", "PC-R-Q2", a1_, a2_, supervision::v1::PROCEDURAL_DEFECT, "2026-07-31"),
           ReviewWithProblem("PC-R-A2", "PC-R-Q2", a2_, a3_, supervision::v1::OVERDUE_HANDLING, "2026-07-20")}),
      2));
  auto campaign = testing::SpecialSupervision(province_organiser_, "ZX-R", "2026-06-01", "2026-07-10");
  *campaign.add_problems() = testing::FoundProblem("P1", a3_, "market_regulation", "2026-08-31");
  *campaign.add_problems() = testing::FoundProblem("P2", d1_, "ecology_environment", "2026-07-17");
  ASSERT_NO_FATAL_FAILURE(ExpectAccepted(UpsertSupervisions("province", {campaign}), 1));

  // Today: all four open, earliest deadline first.
  using Row = std::tuple<std::string, std::string, Rectification::State>;  // unit, problem id, state
  const auto rows = [](const supervision::v1::ListRectificationsResponse& page) {
    std::vector<Row> out;
    for (const auto& r : page.rectifications()) out.emplace_back(r.unit(), r.problem_id(), r.state());
    return out;
  };
  auto listed = Rectifications("province");
  EXPECT_EQ(rows(listed), (std::vector<Row>{{d1_, "P2", Rectification::OPEN},
                                            {a2_, "", Rectification::OPEN},
                                            {a1_, "", Rectification::OPEN},
                                            {a3_, "P1", Rectification::OPEN}}))
      << listed.DebugString();
  ASSERT_EQ(listed.rectifications_size(), 4);
  EXPECT_EQ(listed.rectifications(0).subject(), supervision::v1::SUPERVISION_PROBLEM);
  EXPECT_EQ(listed.rectifications(0).agency_credit_code(), province_organiser_);
  EXPECT_EQ(listed.rectifications(0).source_id(), "ZX-R");
  EXPECT_EQ(listed.rectifications(0).unit_city_code(), "140200");
  EXPECT_EQ(listed.rectifications(0).deadline(), "2026-07-17");
  EXPECT_EQ(listed.rectifications(1).subject(), supervision::v1::REVIEW);
  EXPECT_EQ(listed.rectifications(1).source_id(), "PC-R-A2");
  EXPECT_EQ(listed.rectifications(1).unit_city_code(), "140100");

  // A2's review reported done by Taiyuan before its deadline; a report of
  // no rectification and one done in the future are refused.
  auto reported =
      Report(kTaiyuan, {testing::RectificationReportOf(supervision::v1::REVIEW, bureau_, "PC-R-A2", "", "2026-07-14"),
                        testing::RectificationReportOf(supervision::v1::REVIEW, bureau_, "PC-NONE", "", "2026-07-14"),
                        testing::RectificationReportOf(supervision::v1::REVIEW, bureau_, "PC-R-A1", "", "2026-07-16")});
  ASSERT_EQ(reported.results_size(), 3) << reported.DebugString();
  EXPECT_EQ(reported.results(0).outcome(), RecordResult::ACCEPTED) << reported.DebugString();
  EXPECT_EQ(reported.results(1).outcome(), RecordResult::REJECTED) << reported.DebugString();
  EXPECT_TRUE(NamesFieldUnder(reported.results(1), "reports[1]")) << reported.results(1).DebugString();
  ASSERT_EQ(reported.results(2).outcome(), RecordResult::REJECTED) << reported.DebugString();
  EXPECT_TRUE(FieldsOf(reported.results(2)).contains("reports[2].done_on")) << reported.results(2).DebugString();
  Review a2_review;
  ASSERT_TRUE(GetReview("", bureau_, "PC-R-A2", &a2_review).ok());
  ASSERT_TRUE(a2_review.has_rectification());
  EXPECT_EQ(a2_review.rectification().state(), Rectification::DONE);
  EXPECT_EQ(a2_review.rectification().report().done_on(), "2026-07-14");
  EXPECT_EQ(a2_review.rectification().report().reported_on(), kToday);
  EXPECT_FALSE(a2_review.rectification().report().late());
  EXPECT_EQ(rows(Rectifications("province", "", Rectification::DONE)),
            (std::vector<Row>{{a2_, "", Rectification::DONE}}));

  // The supervision service alone moves on to 3 August: A1's review (31 July)
  // and Datong's P2 (17 July) are overdue.
  constexpr char kLater[] = "2026-08-03";
  platform_->Restart("supervision", {{"GONGKAI_PINNED_DATE", kLater}, {"GONGKAI_ALLOW_PINNED_CLOCK", "true"}});
  ASSERT_TRUE(testing::Eventually(
      [&] {
        supervision::v1::ListRectificationsRequest request;
        supervision::v1::ListRectificationsResponse response;
        return Call("province", &SupervisionService::Stub::ListRectifications, request, &response).ok();
      },
      30000))
      << "the gateway reaches the restarted service";
  listed = Rectifications("province");
  EXPECT_EQ(rows(listed), (std::vector<Row>{{d1_, "P2", Rectification::OVERDUE},
                                            {a2_, "", Rectification::DONE},
                                            {a1_, "", Rectification::OVERDUE},
                                            {a3_, "P1", Rectification::OPEN}}))
      << listed.DebugString();
  EXPECT_EQ(rows(Rectifications("province", "", Rectification::OVERDUE)),
            (std::vector<Row>{{d1_, "P2", Rectification::OVERDUE}, {a1_, "", Rectification::OVERDUE}}));
  // By the year of their deadline: every deadline here is of 2026.
  EXPECT_EQ(rows(Rectifications("province", "", Rectification::OVERDUE, 2026)),
            (std::vector<Row>{{d1_, "P2", Rectification::OVERDUE}, {a1_, "", Rectification::OVERDUE}}));
  EXPECT_EQ(Rectifications("province", "", Rectification::STATE_UNSPECIFIED, 2027).rectifications_size(), 0);
  {
    supervision::v1::ListRectificationsRequest bad_year;
    bad_year.set_year(2028);  // past next year
    supervision::v1::ListRectificationsResponse refused;
    const grpc::Status status = Call("province", &SupervisionService::Stub::ListRectifications, bad_year, &refused);
    ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
    const auto violations = common::ViolationsOf(status);
    ASSERT_EQ(violations.size(), 1u);
    EXPECT_EQ(violations[0].field, "year");
  }
  EXPECT_EQ(rows(Rectifications("province", "140100")),
            (std::vector<Row>{
                {a2_, "", Rectification::DONE}, {a1_, "", Rectification::OVERDUE}, {a3_, "P1", Rectification::OPEN}}));
  EXPECT_EQ(rows(Rectifications(kDatong, "140100")), (std::vector<Row>{{d1_, "P2", Rectification::OVERDUE}}))
      << "a city lists its own units' rectifications, whatever it asks";
  std::string metrics = SupervisionMetrics();
  EXPECT_EQ(MetricValue(metrics, "gongkai_rectifications_overdue{city=\"140100\"}"), 1.0) << metrics;
  EXPECT_EQ(MetricValue(metrics, "gongkai_rectifications_overdue{city=\"140200\"}"), 1.0) << metrics;

  // Datong reports P2 done today, past its deadline: done late.
  reported = Report(kDatong, {testing::RectificationReportOf(supervision::v1::SUPERVISION_PROBLEM, province_organiser_,
                                                             "ZX-R", "P2", kLater)});
  ASSERT_NO_FATAL_FAILURE(ExpectAccepted(reported, 1));
  listed = Rectifications(kDatong);
  ASSERT_EQ(listed.rectifications_size(), 1) << listed.DebugString();
  const auto& late = listed.rectifications(0);
  EXPECT_EQ(late.state(), Rectification::DONE_LATE);
  ASSERT_TRUE(late.has_report());
  EXPECT_TRUE(late.report().late());
  EXPECT_EQ(late.report().reported_on(), kLater);
  EXPECT_EQ(late.report().done_on(), kLater);
  metrics = SupervisionMetrics();
  EXPECT_EQ(MetricValue(metrics, "gongkai_rectifications_overdue{city=\"140200\"}").value_or(0), 0.0) << metrics;
  EXPECT_EQ(MetricValue(metrics, "gongkai_rectifications_overdue{city=\"140100\"}"), 1.0) << metrics;
}

// 5. The gauges, read from the database at the scrape: the year's review
// coverage per city and for the province against its target, reviews and
// rectifications overdue, the rounds of the quarters that ended, and each
// deadline rule's records due and met per city.
TEST_F(SupervisionEndToEnd, GaugesShowCoverageOverdueRectificationsAndRecordsDueAndMet) {
  // The first quarter's round ended on 31 March: A2's review comes late, A3's
  // never; the second quarter's ended on 30 June: A1's review is on time.
  auto rounds = UpsertRounds(
      kTaiyuan,
      {testing::ReviewRound(bureau_, "PC-M-Q1", 2026, 1, {a1_, a2_, a3_}, {a2_, a3_}, "2026-03-02", "2026-03-31"),
       testing::ReviewRound(bureau_, "PC-M-Q2", 2026, 2, {a2_, a3_}, {a1_}, "2026-06-01", "2026-06-30")});
  ASSERT_NO_FATAL_FAILURE(ExpectAccepted(rounds, 2));
  ASSERT_LT(WorkingDaysFrom("2026-03-31", 15), std::string(kToday));
  ASSERT_GE(WorkingDaysFrom("2026-06-30", 15), std::string(kToday));
  ASSERT_NO_FATAL_FAILURE(
      ExpectAccepted(UpsertReviews(kTaiyuan, {testing::UnitReview(bureau_, "PC-M-A1", "PC-M-Q2", a1_, a2_),
                                              ReviewWithProblem("PC-M-A2", "PC-M-Q1", a2_, a1_,
                                                                supervision::v1::INCOMPLETE_FILE, "2026-05-29")}),
                     2));

  // Two supervisions of the province: one published past its 30 WD.
  ASSERT_LT(WorkingDaysFrom("2026-05-06", 30), std::string(kToday));
  ASSERT_GE(WorkingDaysFrom("2026-07-01", 30), std::string(kToday));
  ASSERT_NO_FATAL_FAILURE(ExpectAccepted(
      UpsertSupervisions("province",
                         {testing::SpecialSupervision(province_organiser_, "ZX-M-LATE", "2026-04-01", "2026-05-06"),
                          testing::SpecialSupervision(province_organiser_, "ZX-M-ON", "2026-06-01", "2026-07-01")}),
      2));

  // An assessment plan of Taiyuan, on time.
  supervision::v1::UpsertAssessmentPlansRequest plans;
  *plans.add_plans() = testing::AssessmentPlanOf(bureau_, "KH-M", 2026, WorkingDaysFrom(kToday, -5), {a1_, a2_, a3_});
  ASSERT_NO_FATAL_FAILURE(ExpectAccepted(Write(kTaiyuan, &SupervisionService::Stub::UpsertAssessmentPlans, plans), 1));

  const std::string metrics = SupervisionMetrics();
  const auto value = [&](const std::string& series) {
    const auto v = MetricValue(metrics, series);
    EXPECT_TRUE(v.has_value()) << series << " is not exported:\n" << metrics;
    return v.value_or(-1);
  };
  // Coverage: A1 and A2 of the four enforcement units (A3 was in a round
  // but has no review).
  EXPECT_DOUBLE_EQ(value("gongkai_case_review_coverage_ratio{scope=\"province\"}"), 0.5);
  EXPECT_NEAR(value("gongkai_case_review_coverage_ratio{scope=\"140100\"}"), 2.0 / 3.0, 1e-9);
  EXPECT_DOUBLE_EQ(value("gongkai_case_review_coverage_ratio{scope=\"140200\"}"), 0.0);
  EXPECT_DOUBLE_EQ(value("gongkai_case_review_coverage_target"), 0.6);
  EXPECT_DOUBLE_EQ(value("gongkai_case_review_units{scope=\"province\",state=\"enforcement\"}"), 4);
  EXPECT_DOUBLE_EQ(value("gongkai_case_review_units{scope=\"province\",state=\"reviewed\"}"), 2);
  EXPECT_NE(metrics.find("gongkai_case_review_quarter_rounds{"), std::string::npos) << metrics;

  // Overdue: A3's review of the first quarter, and A2's rectification
  // (due 29 May).
  EXPECT_DOUBLE_EQ(value("gongkai_disclosures_overdue{city=\"140100\",kind=\"case_review\"}"), 1);
  EXPECT_DOUBLE_EQ(value("gongkai_rectifications_overdue{city=\"140100\"}"), 1);

  // The year's tallies per organiser's city (the ratios are Prometheus'
  // recording rules): of three reviews due (two published, A3's expected),
  // one on time; of the province's two supervisions, one; the plan.
  EXPECT_DOUBLE_EQ(value("gongkai_deadline_records_due{city=\"140100\",kind=\"case_review\"}"), 3);
  EXPECT_DOUBLE_EQ(value("gongkai_deadline_records_met{city=\"140100\",kind=\"case_review\"}"), 1);
  EXPECT_DOUBLE_EQ(value("gongkai_deadline_records_due{city=\"140000\",kind=\"special_supervision\"}"), 2);
  EXPECT_DOUBLE_EQ(value("gongkai_deadline_records_met{city=\"140000\",kind=\"special_supervision\"}"), 1);
  EXPECT_DOUBLE_EQ(value("gongkai_deadline_records_due{city=\"140100\",kind=\"assessment\"}"), 1);
  EXPECT_DOUBLE_EQ(value("gongkai_deadline_records_met{city=\"140100\",kind=\"assessment\"}"), 1);
  EXPECT_EQ(metrics.find("gongkai_deadline_on_time_ratio"), std::string::npos) << metrics;
  EXPECT_EQ(metrics.find("gongkai_deadline_records_due{kind="), std::string::npos) << "no scope label:\n" << metrics;
}

}  // namespace
}  // namespace gongkai
