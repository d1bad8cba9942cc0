// The supervision adapter's rounds, reviews, coverage, assessments, feed and
// rejections, served in process over the real store (test_support.h): who
// may write what, validation naming fields, rejections kept and cleared,
// versions, reviews checked against their round, the public form against the
// review as sent, the year's coverage with its units not reviewed, and
// assessment results against their plan.
#include <gtest/gtest.h>
#include <prometheus/metric_family.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "services/supervision/test_support.h"

namespace gongkai::supervision {
namespace {

using common::v1::RecordResult;
using common::v1::Timeliness;
using gongkai::testing::CityCaller;
using gongkai::testing::Day;
using gongkai::testing::DeskCaller;
using gongkai::testing::ProvinceCaller;
using Stub = v1::SupervisionService::Stub;

const common::CallerIdentity kCityCaller = CityCaller(kCity);
const common::CallerIdentity kOtherCityCaller = CityCaller(kOtherCity);

std::vector<std::string> FieldsOf(const RecordResult& result) {
  std::vector<std::string> fields;
  for (const auto& v : result.violations()) fields.push_back(v.field());
  return fields;
}

bool Contains(const std::vector<std::string>& values, const std::string& value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

v1::GetRecordRequest KeyOf(const std::string& agency, const std::string& source_id) {
  v1::GetRecordRequest request;
  request.set_agency_credit_code(agency);
  request.set_source_id(source_id);
  return request;
}

// The value of gongkai_disclosures_total with these labels (0 when absent).
double Disclosed(prometheus::Registry& registry, const std::string& kind, const std::string& city,
                 const std::string& outcome) {
  for (const auto& family : registry.Collect()) {
    if (family.name != "gongkai_disclosures_total") continue;
    for (const auto& metric : family.metric) {
      std::map<std::string, std::string> labels;
      for (const auto& l : metric.label) labels[l.name] = l.value;
      if (labels["kind"] == kind && labels["city"] == city && labels["outcome"] == outcome) {
        return metric.counter.value;
      }
    }
  }
  return 0;
}

class ReviewsServiceTest : public ::testing::Test {
 protected:
  // Writes a batch as `caller`, expecting the call to succeed.
  template <typename Record>
  v1::UpsertResponse Write(const std::vector<Record>& records, const common::CallerIdentity& caller = kCityCaller) {
    v1::UpsertResponse response;
    const grpc::Status status = h.Upsert(records, &response, caller);
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.results_size(), static_cast<int>(records.size()));
    return response;
  }

  // Writes one record as `caller` and expects it ACCEPTED.
  template <typename Record>
  void Accept(const Record& record, const common::CallerIdentity& caller = kCityCaller) {
    const auto response = Write(std::vector<Record>{record}, caller);
    ASSERT_EQ(response.results_size(), 1);
    ASSERT_EQ(response.results(0).outcome(), RecordResult::ACCEPTED)
        << "violations: " << ::testing::PrintToString(FieldsOf(response.results(0)));
  }

  // The public's pages of rounds (and reviews) with `request`.
  v1::ListRoundsResponse Rounds(const v1::ListRoundsRequest& request = {}) {
    v1::ListRoundsResponse response;
    const grpc::Status status = h.Call(&Stub::ListRounds, request, &response, std::nullopt);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }
  v1::ListReviewsResponse Reviews(const v1::ListReviewsRequest& request = {}) {
    v1::ListReviewsResponse response;
    const grpc::Status status = h.Call(&Stub::ListReviews, request, &response, std::nullopt);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  // The review of kBureau `source_id` as `caller` sees it.
  v1::Review ReviewAs(const std::string& source_id, const std::optional<common::CallerIdentity>& caller) {
    v1::Review review;
    const grpc::Status status = h.Call(&Stub::GetReview, KeyOf(kBureau, source_id), &review, caller);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return review;
  }

  v1::ListRejectionsResponse Rejections(const common::CallerIdentity& caller) {
    v1::ListRejectionsResponse response;
    const grpc::Status status = h.Call(&Stub::ListRejections, v1::ListRejectionsRequest(), &response, caller);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  grpc::Status Coverage(const v1::GetReviewCoverageRequest& request, v1::ReviewCoverage* response,
                        const common::CallerIdentity& caller) {
    return h.Call(&Stub::GetReviewCoverage, request, response, caller);
  }

  AdapterHarness h;
};

// ---------------------------------------------------------------- roles and scope

TEST_F(ReviewsServiceTest, ThePublicAndDesksCannotWrite) {
  v1::UpsertRoundsRequest request;
  *request.add_rounds() = MakeRound();
  v1::UpsertResponse response;
  EXPECT_EQ(h.Call(&Stub::UpsertRounds, request, &response, std::nullopt).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(h.Call(&Stub::UpsertRounds, request, &response, DeskCaller(kBureau)).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::UpsertReviewsRequest reviews;
  *reviews.add_reviews() = MakeReview("R-1");
  EXPECT_EQ(h.Call(&Stub::UpsertReviews, reviews, &response, std::nullopt).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  v1::UpsertAssessmentPlansRequest plans;
  *plans.add_plans() = MakePlan();
  EXPECT_EQ(h.Call(&Stub::UpsertAssessmentPlans, plans, &response, std::nullopt).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Rounds().rounds_size(), 0);
}

TEST_F(ReviewsServiceTest, ACityPublishesItsOwnRound) {
  Accept(MakeRound());
  const auto listed = Rounds();
  ASSERT_EQ(listed.rounds_size(), 1);
  const v1::Round& round = listed.rounds(0);
  EXPECT_EQ(round.agency_credit_code(), kBureau);
  EXPECT_EQ(round.title(), MakeRound().title());
  EXPECT_EQ(round.reviewed_units_size(), 3);
  EXPECT_EQ(round.city_code(), kCity);
  EXPECT_TRUE(round.completed());  // ended 2026-06-30, today 2026-07-15
  EXPECT_EQ(round.reviews_published(), 0);
  EXPECT_EQ(round.published_on(), "2026-07-15");
  EXPECT_GT(round.change_seq(), 0);
}

TEST_F(ReviewsServiceTest, ACityCannotNameAnotherCitysUnit) {
  Round round = MakeRound();
  round.add_reviewed_units(kOtherUnit);
  v1::UpsertResponse response;
  const grpc::Status status = h.Upsert(std::vector<Round>{round}, &response, kCityCaller);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(status.error_message().find(kOtherUnit), std::string::npos) << status.error_message();
  EXPECT_NE(status.error_message().find(kOtherCity), std::string::npos) << status.error_message();
  // The whole batch is refused: its valid round too.
  Round fine = MakeRound(kBureau, "PC-2026-Q2-B");
  const grpc::Status both = h.Upsert(std::vector<Round>{fine, round}, &response, kCityCaller);
  EXPECT_EQ(both.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Rounds().rounds_size(), 0);
}

TEST_F(ReviewsServiceTest, ACityCannotWriteForAnotherCitysOrganiser) {
  v1::UpsertResponse response;
  const grpc::Status status = h.Upsert(std::vector<Round>{MakeRound(kOtherBureau)}, &response, kCityCaller);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Rounds().rounds_size(), 0);
}

TEST_F(ReviewsServiceTest, ACityCannotReviewAnotherCitysUnit) {
  // The province may put kOtherUnit in a round of kCity's bureau ...
  Round round = MakeRound();
  round.add_reviewed_units(kOtherUnit);
  Accept(round, ProvinceCaller());
  // ... but kCity may not publish its review.
  v1::UpsertResponse response;
  const grpc::Status status =
      h.Upsert(std::vector<Review>{MakeReview("R-OTHER", kOtherUnit, kUnitA)}, &response, kCityCaller);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(status.error_message().find(kOtherUnit), std::string::npos) << status.error_message();
  EXPECT_EQ(Reviews().reviews_size(), 0);
  // kCity's own units in the same round are its to review.
  Accept(MakeReview("R-C"));
}

TEST_F(ReviewsServiceTest, TheProvinceWritesForEveryCity) {
  Round provincial = MakeRound(kProvinceBureau, "PC-SX-2026-Q2");
  provincial.add_reviewed_units(kOtherUnit);
  provincial.add_reviewing_units(kOtherUnit2);
  Accept(provincial, ProvinceCaller());
  Accept(MakeRound(kOtherBureau, "PC-DT-2026-Q2"), ProvinceCaller());
  Accept(MakeReview("R-DT", kOtherUnit, kOtherUnit2, kProvinceBureau, "PC-SX-2026-Q2"), ProvinceCaller());

  v1::ListRoundsRequest request;
  request.set_agency_credit_code(kProvinceBureau);
  const auto listed = Rounds(request);
  ASSERT_EQ(listed.rounds_size(), 1);
  EXPECT_EQ(listed.rounds(0).city_code(), kProvinceCity);  // the organiser's city
  EXPECT_EQ(listed.rounds(0).reviews_published(), 1);
  request.set_agency_credit_code(kOtherBureau);
  ASSERT_EQ(Rounds(request).rounds_size(), 1);
  EXPECT_EQ(Rounds(request).rounds(0).city_code(), kOtherCity);

  v1::Review dt;
  ASSERT_TRUE(h.Call(&Stub::GetReview, KeyOf(kProvinceBureau, "R-DT"), &dt, std::nullopt).ok());
  EXPECT_EQ(dt.city_code(), kProvinceCity);
  EXPECT_EQ(dt.unit_city_code(), kOtherCity);
}

TEST_F(ReviewsServiceTest, AnUnknownUnitRejectsItsRecordNamingTheField) {
  Round round = MakeRound();
  round.add_reviewed_units(kUnknownUnit);  // reviewed_units[3]
  const auto response = Write(std::vector<Round>{round});
  ASSERT_EQ(response.results(0).outcome(), RecordResult::REJECTED);
  EXPECT_EQ(FieldsOf(response.results(0)), std::vector<std::string>{"rounds[0].reviewed_units[3]"});

  // An unknown organiser is named as CheckAgencies names it.
  const auto unknown = Write(std::vector<Round>{MakeRound(kUnknownUnit)});
  ASSERT_EQ(unknown.results(0).outcome(), RecordResult::REJECTED);
  EXPECT_EQ(FieldsOf(unknown.results(0)), std::vector<std::string>{"rounds[0].agency_credit_code"});
  EXPECT_EQ(Rounds().rounds_size(), 0);
}

// ---------------------------------------------------------------- validation, rejections, versions

TEST_F(ReviewsServiceTest, ValidationNamesEveryField) {
  Round round = MakeRound();
  round.set_quarter(5);
  round.clear_title();
  round.set_ended_on("2026-05-01");  // before started_on
  Round fine = MakeRound(kBureau, "PC-2026-Q2-B");
  const auto response = Write(std::vector<Round>{round, fine});
  ASSERT_EQ(response.results(0).outcome(), RecordResult::REJECTED);
  const auto fields = FieldsOf(response.results(0));
  EXPECT_TRUE(Contains(fields, "rounds[0].quarter")) << ::testing::PrintToString(fields);
  EXPECT_TRUE(Contains(fields, "rounds[0].title")) << ::testing::PrintToString(fields);
  EXPECT_TRUE(Contains(fields, "rounds[0].ended_on")) << ::testing::PrintToString(fields);
  // One bad record never blocks the others.
  EXPECT_EQ(response.results(1).outcome(), RecordResult::ACCEPTED);
}

TEST_F(ReviewsServiceTest, ARejectionIsKeptThenClearedByAnAcceptedVersion) {
  Round round = MakeRound();
  round.clear_title();
  Write(std::vector<Round>{round});
  const auto kept = Rejections(kCityCaller);
  ASSERT_EQ(kept.rejections_size(), 1);
  EXPECT_EQ(kept.rejections(0).kind(), "round");
  EXPECT_EQ(kept.rejections(0).key(), kBureau + "/" + kRoundId);
  EXPECT_EQ(kept.rejections(0).violations(0).field(), "rounds[0].title");
  // Another scope's list does not hold it.
  EXPECT_EQ(Rejections(kOtherCityCaller).rejections_size(), 0);
  EXPECT_EQ(Rejections(ProvinceCaller()).rejections_size(), 0);

  Accept(MakeRound());
  EXPECT_EQ(Rejections(kCityCaller).rejections_size(), 0);
}

TEST_F(ReviewsServiceTest, TheProvincesRejectionsAreItsOwn) {
  Round round = MakeRound(kProvinceBureau);
  round.clear_title();
  Write(std::vector<Round>{round}, ProvinceCaller());
  EXPECT_EQ(Rejections(ProvinceCaller()).rejections_size(), 1);
  EXPECT_EQ(Rejections(kCityCaller).rejections_size(), 0);
  v1::ListRejectionsResponse response;
  EXPECT_EQ(h.Call(&Stub::ListRejections, v1::ListRejectionsRequest(), &response, std::nullopt).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(ReviewsServiceTest, VersionsAreIdempotent) {
  Accept(MakeRound());
  EXPECT_EQ(Write(std::vector<Round>{MakeRound()}).results(0).outcome(), RecordResult::UNCHANGED);
  Round v2 = MakeRound();
  v2.set_source_version(2);
  v2.set_title("2026年第二季度案卷评查（修订）");
  EXPECT_EQ(Write(std::vector<Round>{v2}).results(0).outcome(), RecordResult::ACCEPTED);
  // An older version changes nothing.
  EXPECT_EQ(Write(std::vector<Round>{MakeRound()}).results(0).outcome(), RecordResult::UNCHANGED);
  const auto listed = Rounds();
  ASSERT_EQ(listed.rounds_size(), 1);
  EXPECT_EQ(listed.rounds(0).source_version(), 2);
  EXPECT_EQ(listed.rounds(0).title(), v2.title());
}

TEST_F(ReviewsServiceTest, TheSameKeyTwiceInABatchIsRejected) {
  const auto response = Write(std::vector<Round>{MakeRound(), MakeRound()});
  EXPECT_EQ(response.results(0).outcome(), RecordResult::ACCEPTED);
  EXPECT_EQ(response.results(1).outcome(), RecordResult::REJECTED);
  EXPECT_EQ(FieldsOf(response.results(1)), std::vector<std::string>{"rounds[1]"});
}

TEST_F(ReviewsServiceTest, ARoundsEndCannotChangeOnceItHasReviews) {
  Accept(MakeRound());
  Round moved = MakeRound();
  moved.set_source_version(2);
  moved.set_ended_on("2026-06-20");
  Accept(moved);  // no review yet
  Accept(MakeReview("R-1"));
  Round again = moved;
  again.set_source_version(3);
  again.set_ended_on("2026-06-30");
  const auto response = Write(std::vector<Round>{again});
  ASSERT_EQ(response.results(0).outcome(), RecordResult::REJECTED);
  EXPECT_EQ(FieldsOf(response.results(0)), std::vector<std::string>{"rounds[0].ended_on"});
  // Its other fields may still change.
  Round retitled = moved;
  retitled.set_source_version(3);
  retitled.set_title("2026年第二季度案卷评查（修订）");
  EXPECT_EQ(Write(std::vector<Round>{retitled}).results(0).outcome(), RecordResult::ACCEPTED);
}

// ---------------------------------------------------------------- reviews against their round

TEST_F(ReviewsServiceTest, AReviewWithoutItsRoundIsRejected) {
  const auto response = Write(std::vector<Review>{MakeReview("R-1")});
  ASSERT_EQ(response.results(0).outcome(), RecordResult::REJECTED);
  EXPECT_EQ(FieldsOf(response.results(0)), std::vector<std::string>{"reviews[0].round_source_id"});
  // Another organiser's round of the same source id is not its round.
  Accept(MakeRound(kOtherBureau), ProvinceCaller());
  const auto other = Write(std::vector<Review>{MakeReview("R-1")});
  EXPECT_EQ(FieldsOf(other.results(0)), std::vector<std::string>{"reviews[0].round_source_id"});
}

TEST_F(ReviewsServiceTest, AReviewBeforeItsRoundEndedIsRejectedUntilItHas) {
  Round round = MakeRound(kBureau, "PC-2026-Q3");
  round.set_quarter(3);
  round.set_started_on("2026-07-01");
  round.set_ended_on("2026-07-31");
  Accept(round);
  Review review = MakeReview("R-Q3");
  review.set_round_source_id("PC-2026-Q3");
  const auto early = Write(std::vector<Review>{review});
  ASSERT_EQ(early.results(0).outcome(), RecordResult::REJECTED);
  EXPECT_EQ(FieldsOf(early.results(0)), std::vector<std::string>{"reviews[0].round_source_id"});
  v1::ListRoundsRequest q3;
  q3.set_quarter(3);
  EXPECT_FALSE(Rounds(q3).rounds(0).completed());

  h.clock().Set(Day("2026-08-03"));
  EXPECT_TRUE(Rounds(q3).rounds(0).completed());
  Accept(review);
}

TEST_F(ReviewsServiceTest, ACrossReviewIsNeverByTheUnitReviewed) {
  Accept(MakeRound());
  const auto self = Write(std::vector<Review>{MakeReview("R-1", kUnitA, kUnitA)});
  ASSERT_EQ(self.results(0).outcome(), RecordResult::REJECTED);
  EXPECT_TRUE(Contains(FieldsOf(self.results(0)), "reviews[0].reviewed_by"));
  // Nor by a unit that is not one of the round's reviewing units.
  const auto outsider = Write(std::vector<Review>{MakeReview("R-2", kUnitA, kUnitC)});
  ASSERT_EQ(outsider.results(0).outcome(), RecordResult::REJECTED);
  EXPECT_EQ(FieldsOf(outsider.results(0)), std::vector<std::string>{"reviews[0].reviewed_by"});
  // Of a unit the round does not review.
  Round small = MakeRound(kBureau, "PC-SMALL");
  small.clear_reviewed_units();
  small.add_reviewed_units(kUnitC);
  Accept(small);
  const auto unreviewed = Write(std::vector<Review>{MakeReview("R-3", kUnitB, kUnitA, kBureau, "PC-SMALL")});
  EXPECT_EQ(FieldsOf(unreviewed.results(0)), std::vector<std::string>{"reviews[0].reviewed_unit"});
}

TEST_F(ReviewsServiceTest, AnUnknownReviewedUnitIsNamedAtItsField) {
  Accept(MakeRound());
  const auto response = Write(std::vector<Review>{MakeReview("R-1", kUnknownUnit, kUnitA)});
  ASSERT_EQ(response.results(0).outcome(), RecordResult::REJECTED);
  EXPECT_TRUE(Contains(FieldsOf(response.results(0)), "reviews[0].reviewed_unit"));
}

// ---------------------------------------------------------------- the public form

TEST_F(ReviewsServiceTest, ThePublicFormIsMaskedAndTheProvinceSeesTheReviewAsSent) {
  Accept(MakeRound());
  Accept(MakeReview("R-1"));

  const v1::Review published = ReviewAs("R-1", std::nullopt);
  ASSERT_EQ(published.excellent_cases_size(), 1);
  const auto& c = published.excellent_cases(0);
  EXPECT_EQ(c.party().name(), "张某某");
  EXPECT_TRUE(c.party().id_number().empty());
  EXPECT_EQ(c.title().find("张三"), std::string::npos) << c.title();
  EXPECT_EQ(c.summary().find("张三"), std::string::npos) << c.summary();
  EXPECT_EQ(c.summary().find("13812345678"), std::string::npos) << c.summary();
  // With the platform's fields.
  EXPECT_EQ(published.city_code(), kCity);
  EXPECT_EQ(published.unit_city_code(), kCity);
  EXPECT_EQ(published.year(), 2026);
  EXPECT_EQ(published.quarter(), 2);
  EXPECT_EQ(published.published_on(), "2026-07-15");
  EXPECT_EQ(published.timeliness().clock_start(), "2026-06-30");
  EXPECT_EQ(published.timeliness().status(), Timeliness::ON_TIME);
  ASSERT_TRUE(published.has_rectification());
  EXPECT_EQ(published.rectification().state(), v1::Rectification::OPEN);
  EXPECT_EQ(published.rectification().deadline(), "2026-08-31");
  EXPECT_EQ(published.rectification().unit(), kUnitC);

  // The province gets it as sent.
  const v1::Review as_sent = ReviewAs("R-1", ProvinceCaller());
  ASSERT_EQ(as_sent.excellent_cases_size(), 1);
  EXPECT_EQ(as_sent.excellent_cases(0).party().name(), "张三");
  EXPECT_EQ(as_sent.excellent_cases(0).party().id_number(), kPersonId);
  EXPECT_EQ(as_sent.excellent_cases(0).summary(), MakeReview("R-1").excellent_cases(0).summary());
  EXPECT_EQ(as_sent.timeliness().status(), Timeliness::ON_TIME);
  EXPECT_TRUE(as_sent.has_rectification());
  // So does the city of the record; another city sees the public form.
  EXPECT_EQ(ReviewAs("R-1", kCityCaller).excellent_cases(0).party().name(), "张三");
  EXPECT_EQ(ReviewAs("R-1", kOtherCityCaller).excellent_cases(0).party().name(), "张某某");

  // Lists show the public form, without the rectification.
  const auto listed = Reviews();
  ASSERT_EQ(listed.reviews_size(), 1);
  EXPECT_EQ(listed.reviews(0).excellent_cases(0).party().name(), "张某某");
  EXPECT_FALSE(listed.reviews(0).has_rectification());
  EXPECT_EQ(Rounds().rounds(0).reviews_published(), 1);

  v1::Review missing;
  EXPECT_EQ(h.Call(&Stub::GetReview, KeyOf(kBureau, "R-NONE"), &missing, std::nullopt).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(ReviewsServiceTest, TheCityOfTheReviewedUnitSeesTheReviewAsSent) {
  Round round = MakeRound(kProvinceBureau);
  round.add_reviewed_units(kOtherUnit);
  Accept(round, ProvinceCaller());
  Accept(MakeReview("R-DT", kOtherUnit, kUnitA, kProvinceBureau), ProvinceCaller());
  v1::Review review;
  ASSERT_TRUE(h.Call(&Stub::GetReview, KeyOf(kProvinceBureau, "R-DT"), &review, kOtherCityCaller).ok());
  EXPECT_EQ(review.excellent_cases(0).party().name(), "张三");
  ASSERT_TRUE(h.Call(&Stub::GetReview, KeyOf(kProvinceBureau, "R-DT"), &review, kCityCaller).ok());
  EXPECT_EQ(review.excellent_cases(0).party().name(), "张某某");
}

TEST_F(ReviewsServiceTest, ReviewsAreListedByTheirFilters) {
  Accept(MakeRound());
  Accept(MakeReview("R-C", kUnitC, kUnitA));
  Accept(MakeReview("R-A", kUnitA, kUnitB));
  v1::ListReviewsRequest request;
  request.set_reviewed_unit(kUnitA);
  auto listed = Reviews(request);
  ASSERT_EQ(listed.reviews_size(), 1);
  EXPECT_EQ(listed.reviews(0).source_id(), "R-A");

  v1::ListReviewsRequest by_round;
  by_round.set_agency_credit_code(kBureau);
  by_round.set_round_source_id(kRoundId);
  by_round.set_page_size(1);
  listed = Reviews(by_round);
  ASSERT_EQ(listed.reviews_size(), 1);
  EXPECT_EQ(listed.reviews(0).source_id(), "R-A");  // newest first
  ASSERT_FALSE(listed.next_page_token().empty());
  by_round.set_page_token(listed.next_page_token());
  listed = Reviews(by_round);
  ASSERT_EQ(listed.reviews_size(), 1);
  EXPECT_EQ(listed.reviews(0).source_id(), "R-C");
  EXPECT_TRUE(listed.next_page_token().empty());

  v1::ListReviewsRequest other_city;
  other_city.set_city_code(kOtherCity);
  EXPECT_EQ(Reviews(other_city).reviews_size(), 0);

  // A round is named by its organiser and source id together.
  v1::ListReviewsRequest half;
  half.set_round_source_id(kRoundId);
  v1::ListReviewsResponse response;
  EXPECT_EQ(h.Call(&Stub::ListReviews, half, &response, std::nullopt).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(ReviewsServiceTest, ReviewsAreListedByTheirRoundsEndAndABadDateIsAViolationOfItsField) {
  // The default round ends 2026-06-30; a first-quarter round ends 2026-03-31.
  Round q1 = MakeRound(kBureau, "PC-2026-Q1");
  q1.set_quarter(1);
  q1.set_started_on("2026-03-01");
  q1.set_ended_on("2026-03-31");
  Accept(MakeRound());
  Accept(q1);
  Accept(MakeReview("R-Q2", kUnitC, kUnitA));
  Accept(MakeReview("R-Q1", kUnitC, kUnitA, kBureau, "PC-2026-Q1"));

  const auto listed = [&](const std::string& from, const std::string& to) {
    v1::ListReviewsRequest request;
    request.set_date_from(from);
    request.set_date_to(to);
    std::vector<std::string> ids;
    const v1::ListReviewsResponse response = Reviews(request);
    for (const auto& r : response.reviews()) ids.push_back(r.source_id());
    return ids;
  };
  EXPECT_EQ(listed("", ""), (std::vector<std::string>{"R-Q1", "R-Q2"}));
  EXPECT_EQ(listed("2026-06-30", ""), std::vector<std::string>{"R-Q2"}) << "inclusive";
  EXPECT_EQ(listed("", "2026-03-31"), std::vector<std::string>{"R-Q1"}) << "inclusive";
  EXPECT_EQ(listed("2026-03-31", "2026-06-30"), (std::vector<std::string>{"R-Q1", "R-Q2"}));
  EXPECT_TRUE(listed("2026-04-01", "2026-06-29").empty()) << "by the round's end, not its reviews' publication";
  EXPECT_TRUE(listed("2026-07-01", "").empty());

  for (const std::string field : {"date_from", "date_to"}) {
    v1::ListReviewsRequest bad;
    if (field == "date_from") {
      bad.set_date_from("2026-13-01");
    } else {
      bad.set_date_to("30/06/2026");
    }
    v1::ListReviewsResponse response;
    const grpc::Status status = h.Call(&Stub::ListReviews, bad, &response, std::nullopt);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << field;
    const auto violations = common::ViolationsOf(status);
    ASSERT_EQ(violations.size(), 1u) << field;
    EXPECT_EQ(violations[0].field, field);
  }
}

TEST_F(ReviewsServiceTest, AReviewsFirstPublicationIsCountedOnce) {
  Accept(MakeRound());
  Accept(MakeReview("R-1"));
  EXPECT_EQ(Disclosed(h.metrics(), "case_review", kCity, "on_time"), 1);
  Write(std::vector<Review>{MakeReview("R-1")});  // unchanged
  Review v2 = MakeReview("R-1");
  v2.set_source_version(2);
  v2.set_files_reviewed(40);
  Accept(v2);  // the same clock start: not a new publication
  EXPECT_EQ(Disclosed(h.metrics(), "case_review", kCity, "on_time"), 1);
  // Rounds have no deadline of their own.
  EXPECT_EQ(Disclosed(h.metrics(), "round", kCity, "on_time"), 0);
}

// ---------------------------------------------------------------- coverage

class ReviewCoverageTest : public ReviewsServiceTest {
 protected:
  // kUnitC and kUnitA reviewed in 2026's second quarter: kCity 2 of 3
  // enforcement units, kOtherCity 0 of 2, the province 2 of 5.
  void SetUp() override {
    Accept(MakeRound());
    Accept(MakeReview("R-C", kUnitC, kUnitA));
    Accept(MakeReview("R-A", kUnitA, kUnitB));
  }

  static std::vector<std::string> Unreviewed(const v1::ReviewCoverage& coverage) {
    std::vector<std::string> out;
    for (const auto& u : coverage.unreviewed()) out.push_back(u.city_code() + " " + u.credit_code() + " " + u.name());
    return out;
  }

  static v1::GetReviewCoverageRequest Of(int year, const std::string& city = "", int page_size = 0) {
    v1::GetReviewCoverageRequest request;
    request.set_year(year);
    request.set_city_code(city);
    request.set_page_size(page_size);
    return request;
  }
};

TEST_F(ReviewCoverageTest, TheProvinceSeesEveryCityAndTheUnitsNotReviewed) {
  v1::ReviewCoverage coverage;
  ASSERT_TRUE(Coverage(Of(2026), &coverage, ProvinceCaller()).ok());
  EXPECT_EQ(coverage.year(), 2026);
  EXPECT_DOUBLE_EQ(coverage.target(), 0.6);
  EXPECT_EQ(coverage.total().scope(), "province");
  EXPECT_EQ(coverage.total().enforcement_units(), 5);
  EXPECT_EQ(coverage.total().reviewed_units(), 2);
  EXPECT_DOUBLE_EQ(coverage.total().ratio(), 0.4);
  EXPECT_FALSE(coverage.total().meets_target());
  ASSERT_EQ(coverage.cities_size(), 2);
  EXPECT_EQ(coverage.cities(0).scope(), kCity);
  EXPECT_EQ(coverage.cities(0).enforcement_units(), 3);
  EXPECT_EQ(coverage.cities(0).reviewed_units(), 2);
  EXPECT_TRUE(coverage.cities(0).meets_target());
  EXPECT_EQ(coverage.cities(1).scope(), kOtherCity);
  EXPECT_EQ(coverage.cities(1).reviewed_units(), 0);
  EXPECT_FALSE(coverage.cities(1).meets_target());
  EXPECT_EQ(Unreviewed(coverage), (std::vector<std::string>{kCity + " " + kUnitB + " 太原市生态环境局",
                                                            kOtherCity + " " + kOtherUnit + " 大同市市场监督管理局",
                                                            kOtherCity + " " + kOtherUnit2 + " 大同市生态环境局"}));
  EXPECT_TRUE(coverage.next_page_token().empty());
  // The second quarter ended with its round completed; the third has not ended.
  ASSERT_EQ(coverage.quarters_size(), 4);
  EXPECT_TRUE(coverage.quarters(1).ended());
  EXPECT_EQ(coverage.quarters(1).completed_rounds(), 1);
  EXPECT_TRUE(coverage.quarters(0).ended());
  EXPECT_EQ(coverage.quarters(0).completed_rounds(), 0);
  EXPECT_FALSE(coverage.quarters(2).ended());

  // The province may ask for one city.
  ASSERT_TRUE(Coverage(Of(2026, kOtherCity), &coverage, ProvinceCaller()).ok());
  EXPECT_EQ(coverage.total().scope(), kOtherCity);
  EXPECT_EQ(coverage.cities_size(), 0);
  EXPECT_EQ(coverage.unreviewed_size(), 2);
}

TEST_F(ReviewCoverageTest, ACitySeesItsOwnWhateverItAsks) {
  v1::ReviewCoverage coverage;
  ASSERT_TRUE(Coverage(Of(2026, kOtherCity), &coverage, kCityCaller).ok());
  EXPECT_EQ(coverage.total().scope(), kCity);
  EXPECT_EQ(coverage.total().enforcement_units(), 3);
  EXPECT_EQ(coverage.total().reviewed_units(), 2);
  EXPECT_TRUE(coverage.total().meets_target());
  EXPECT_EQ(coverage.cities_size(), 0);
  EXPECT_EQ(Unreviewed(coverage), std::vector<std::string>{kCity + " " + kUnitB + " 太原市生态环境局"});

  ASSERT_TRUE(Coverage(Of(2026), &coverage, kOtherCityCaller).ok());
  EXPECT_EQ(coverage.total().scope(), kOtherCity);
  EXPECT_EQ(coverage.total().reviewed_units(), 0);
  EXPECT_EQ(coverage.quarters(1).completed_rounds(), 0);  // no round reached it
}

TEST_F(ReviewCoverageTest, TheUnitsNotReviewedArePaged) {
  v1::ReviewCoverage first;
  ASSERT_TRUE(Coverage(Of(2026, "", 2), &first, ProvinceCaller()).ok());
  EXPECT_EQ(Unreviewed(first), (std::vector<std::string>{kCity + " " + kUnitB + " 太原市生态环境局",
                                                         kOtherCity + " " + kOtherUnit + " 大同市市场监督管理局"}));
  ASSERT_FALSE(first.next_page_token().empty());
  auto request = Of(2026, "", 2);
  request.set_page_token(first.next_page_token());
  v1::ReviewCoverage second;
  ASSERT_TRUE(Coverage(request, &second, ProvinceCaller()).ok());
  EXPECT_EQ(Unreviewed(second), std::vector<std::string>{kOtherCity + " " + kOtherUnit2 + " 大同市生态环境局"});
  EXPECT_TRUE(second.next_page_token().empty());
  // The figures are the whole year's on every page.
  EXPECT_EQ(second.total().enforcement_units(), 5);
}

TEST_F(ReviewCoverageTest, ABadRequestIsRefused) {
  v1::ReviewCoverage coverage;
  EXPECT_EQ(Coverage(Of(0), &coverage, ProvinceCaller()).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Coverage(Of(2026, "14"), &coverage, ProvinceCaller()).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Coverage(Of(2026, "", -1), &coverage, ProvinceCaller()).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  auto bad_token = Of(2026);
  bad_token.set_page_token("not-a-token");
  EXPECT_EQ(Coverage(bad_token, &coverage, ProvinceCaller()).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(h.Call(&Stub::GetReviewCoverage, Of(2026), &coverage, std::nullopt).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  // Without the registry there is no answer.
  h.registry().SetDown(true);
  EXPECT_EQ(Coverage(Of(2026), &coverage, ProvinceCaller()).error_code(), grpc::StatusCode::UNAVAILABLE);
}

// ---------------------------------------------------------------- assessments

TEST_F(ReviewsServiceTest, AssessmentResultsAreCheckedAgainstTheirPlan) {
  // No plan yet.
  auto response = Write(std::vector<AssessmentResult>{MakeResult()});
  ASSERT_EQ(response.results(0).outcome(), RecordResult::REJECTED);
  EXPECT_EQ(FieldsOf(response.results(0)), std::vector<std::string>{"results[0].plan_source_id"});

  Accept(MakePlan());
  Accept(MakeResult());
  // A unit the plan does not assess.
  AssessmentResult outside = MakeResult(kBureau, "KHJG-2026-B");
  outside.mutable_units(1)->set_unit(kUnitC);
  response = Write(std::vector<AssessmentResult>{outside});
  ASSERT_EQ(response.results(0).outcome(), RecordResult::REJECTED);
  EXPECT_EQ(FieldsOf(response.results(0)), std::vector<std::string>{"results[0].units[1].unit"});
  // A score above its indicator's most.
  AssessmentResult over = MakeResult(kBureau, "KHJG-2026-C");
  over.mutable_units(0)->mutable_indicator_scores(0)->set_score(31);
  over.mutable_units(0)->set_score(93);
  response = Write(std::vector<AssessmentResult>{over});
  ASSERT_EQ(response.results(0).outcome(), RecordResult::REJECTED);
  EXPECT_EQ(FieldsOf(response.results(0)), std::vector<std::string>{"results[0].units[0].indicator_scores[0].score"});

  v1::ListAssessmentsRequest request;
  request.set_year(2026);
  v1::ListAssessmentResultsResponse results;
  ASSERT_TRUE(h.Call(&Stub::ListAssessmentResults, request, &results, std::nullopt).ok());
  ASSERT_EQ(results.results_size(), 1);
  const v1::AssessmentResult& r = results.results(0);
  EXPECT_EQ(r.source_id(), kResultId);
  EXPECT_EQ(r.year(), 2026);  // the plan's
  EXPECT_EQ(r.city_code(), kCity);
  EXPECT_EQ(r.units_size(), 2);
  EXPECT_EQ(r.timeliness().clock_start(), "2026-07-01");
  EXPECT_EQ(r.timeliness().status(), Timeliness::ON_TIME);
  EXPECT_EQ(Disclosed(h.metrics(), "assessment", kCity, "on_time"), 1);

  v1::ListAssessmentPlansResponse plans;
  ASSERT_TRUE(h.Call(&Stub::ListAssessmentPlans, request, &plans, std::nullopt).ok());
  ASSERT_EQ(plans.plans_size(), 1);
  EXPECT_EQ(plans.plans(0).indicators_size(), 2);
  EXPECT_EQ(plans.plans(0).timeliness().clock_start(), "2026-03-15");
  // Approved on 2026-03-15, published on 2026-07-15: past its 20 WD.
  EXPECT_EQ(plans.plans(0).timeliness().status(), Timeliness::LATE);
  EXPECT_EQ(Disclosed(h.metrics(), "assessment", kCity, "late"), 1);
}

TEST_F(ReviewsServiceTest, AssessmentPlansAreScopedByTheirUnits) {
  AssessmentPlan plan = MakePlan();
  plan.add_units(kOtherUnit);
  v1::UpsertResponse response;
  EXPECT_EQ(h.Upsert(std::vector<AssessmentPlan>{plan}, &response, kCityCaller).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  plan.set_units(2, kUnknownUnit);
  const auto unknown = Write(std::vector<AssessmentPlan>{plan});
  ASSERT_EQ(unknown.results(0).outcome(), RecordResult::REJECTED);
  EXPECT_EQ(FieldsOf(unknown.results(0)), std::vector<std::string>{"plans[0].units[2]"});

  // The province may assess units of every city; a city may not publish
  // the results of such a plan, even for its own units alone.
  plan.set_units(2, kOtherUnit);
  Accept(plan, ProvinceCaller());
  EXPECT_EQ(h.Upsert(std::vector<AssessmentResult>{MakeResult()}, &response, kCityCaller).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  Accept(MakeResult(), ProvinceCaller());
}

TEST_F(ReviewsServiceTest, AssessmentListsAreFilteredAndPaged) {
  Accept(MakePlan());
  AssessmentPlan next = MakePlan(kBureau, "KH-2027");
  next.set_year(2027);
  Accept(next);
  Accept(MakePlan(kOtherBureau, "KH-DT-2026"), ProvinceCaller());

  v1::ListAssessmentsRequest request;
  request.set_page_size(2);
  v1::ListAssessmentPlansResponse page;
  ASSERT_TRUE(h.Call(&Stub::ListAssessmentPlans, request, &page, std::nullopt).ok());
  ASSERT_EQ(page.plans_size(), 2);
  EXPECT_EQ(page.plans(0).source_id(), "KH-DT-2026");
  EXPECT_EQ(page.plans(1).source_id(), "KH-2027");
  request.set_page_token(page.next_page_token());
  ASSERT_TRUE(h.Call(&Stub::ListAssessmentPlans, request, &page, std::nullopt).ok());
  ASSERT_EQ(page.plans_size(), 1);
  EXPECT_EQ(page.plans(0).source_id(), kPlanId);
  EXPECT_TRUE(page.next_page_token().empty());

  v1::ListAssessmentsRequest filtered;
  filtered.set_city_code(kCity);
  filtered.set_year(2026);
  ASSERT_TRUE(h.Call(&Stub::ListAssessmentPlans, filtered, &page, std::nullopt).ok());
  ASSERT_EQ(page.plans_size(), 1);
  EXPECT_EQ(page.plans(0).source_id(), kPlanId);

  filtered.set_year(1999);
  EXPECT_EQ(h.Call(&Stub::ListAssessmentPlans, filtered, &page, std::nullopt).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

// ---------------------------------------------------------------- the feed

TEST_F(ReviewsServiceTest, TheFeedListsEachRecordOnceAtItsLatestChangeInOrder) {
  Accept(MakeRound());
  Accept(MakeReview("R-1"));
  Accept(MakePlan());
  Accept(MakeSupervision());
  Round v2 = MakeRound();
  v2.set_source_version(2);
  v2.set_title("2026年第二季度案卷评查（修订）");
  Accept(v2);

  v1::ListChangesRequest request;
  v1::ListChangesResponse feed;
  ASSERT_TRUE(h.Call(&Stub::ListChanges, request, &feed, std::nullopt).ok());
  ASSERT_EQ(feed.changes_size(), 4);
  EXPECT_EQ(feed.changes(0).record_case(), v1::Change::kReview);
  EXPECT_EQ(feed.changes(1).record_case(), v1::Change::kAssessmentPlan);
  EXPECT_EQ(feed.changes(2).record_case(), v1::Change::kSupervision);
  EXPECT_EQ(feed.changes(3).record_case(), v1::Change::kRound);
  for (int i = 1; i < feed.changes_size(); ++i) EXPECT_GT(feed.changes(i).seq(), feed.changes(i - 1).seq());
  EXPECT_EQ(feed.last_seq(), feed.changes(3).seq());
  // Public forms: the review masked, the supervision without its problems.
  EXPECT_EQ(feed.changes(0).review().excellent_cases(0).party().name(), "张某某");
  EXPECT_EQ(feed.changes(2).supervision().problems_size(), 0);
  EXPECT_EQ(feed.changes(3).round().title(), v2.title());
  EXPECT_EQ(feed.changes(3).round().change_seq(), feed.changes(3).seq());

  // Resumed after a seq, a page at a time.
  request.set_after_seq(feed.changes(0).seq());
  request.set_limit(2);
  ASSERT_TRUE(h.Call(&Stub::ListChanges, request, &feed, std::nullopt).ok());
  ASSERT_EQ(feed.changes_size(), 2);
  EXPECT_EQ(feed.changes(0).record_case(), v1::Change::kAssessmentPlan);
  request.set_after_seq(feed.last_seq());
  v1::ListChangesResponse rest;
  ASSERT_TRUE(h.Call(&Stub::ListChanges, request, &rest, std::nullopt).ok());
  ASSERT_EQ(rest.changes_size(), 1);
  EXPECT_EQ(rest.changes(0).record_case(), v1::Change::kRound);
  request.set_after_seq(rest.last_seq());
  v1::ListChangesResponse none;
  ASSERT_TRUE(h.Call(&Stub::ListChanges, request, &none, std::nullopt).ok());
  EXPECT_EQ(none.changes_size(), 0);
  EXPECT_EQ(none.last_seq(), rest.last_seq());

  request.set_after_seq(-1);
  EXPECT_EQ(h.Call(&Stub::ListChanges, request, &none, std::nullopt).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace gongkai::supervision

namespace gongkai::supervision {
namespace {

// ---------------------------------------------------------------- one review a unit, pages within 4 MiB

TEST_F(ReviewsServiceTest, AUnitIsReviewedOnceInARound) {
  Accept(MakeRound());
  Accept(MakeReview("R-C"));
  // Another review of kUnitC in the same round, stored or in the same batch.
  const auto again = Write(std::vector<Review>{MakeReview("R-C-2")});
  EXPECT_EQ(again.results(0).outcome(), RecordResult::REJECTED);
  EXPECT_TRUE(Contains(FieldsOf(again.results(0)), "reviews[0].reviewed_unit"));
  EXPECT_NE(again.results(0).violations(0).description().find("review R-C"), std::string::npos);
  const auto pair = Write(std::vector<Review>{MakeReview("R-B", kUnitB), MakeReview("R-B-2", kUnitB)});
  EXPECT_EQ(pair.results(0).outcome(), RecordResult::ACCEPTED);
  EXPECT_EQ(pair.results(1).outcome(), RecordResult::REJECTED);
  // A new version of the same review is no second review.
  Review newer = MakeReview("R-C");
  newer.set_source_version(2);
  Accept(newer);
}

TEST_F(ReviewsServiceTest, AListPageEndsBeforeTheAnswerPassesItsBytes) {
  // 36 units, each reviewed with 20 excellent cases of about 5 KB: some
  // 3.8 MB of reviews, more than one answer holds.
  Round round = MakeRound();
  round.clear_reviewed_units();
  std::vector<std::string> units;
  for (int i = 0; i < 36; ++i) {
    char first17[18];
    std::snprintf(first17, sizeof first17, "11140100MB%07d", 500 + i);
    units.push_back(CreditCode(first17));
    h.registry().Add(units.back(), "单位" + std::to_string(i), kCity, true);
    round.add_reviewed_units(units.back());
  }
  Accept(round);
  std::string summary;
  while (summary.size() + 3 <= 4900) summary += "案";
  std::vector<Review> reviews;
  for (int i = 0; i < 36; ++i) {
    Review r = MakeReview("BIG-" + std::to_string(i), units[i]);
    const auto one = r.excellent_cases(0);
    r.clear_excellent_cases();
    for (int k = 0; k < 20; ++k) {
      auto* c = r.add_excellent_cases();
      *c = one;
      c->set_summary(summary);
    }
    reviews.push_back(r);
  }
  const auto written = Write(reviews);
  for (const auto& result : written.results()) ASSERT_EQ(result.outcome(), RecordResult::ACCEPTED);

  std::set<std::string> seen;
  v1::ListReviewsRequest request;
  int pages = 0;
  do {
    const auto page = Reviews(request);
    EXPECT_LE(page.ByteSizeLong(), kAnswerBytes + 1024);
    for (const auto& r : page.reviews()) EXPECT_TRUE(seen.insert(r.source_id()).second) << r.source_id();
    request.set_page_token(page.next_page_token());
    ++pages;
  } while (!request.page_token().empty() && pages < 10);
  EXPECT_EQ(seen.size(), 36u);
  EXPECT_GE(pages, 2);
}

}  // namespace
}  // namespace gongkai::supervision

namespace gongkai::supervision {
namespace {

TEST_F(ReviewsServiceTest, ARoundAPlanAndItsResultsAreReadByTheirKeys) {
  Accept(MakeRound());
  Accept(MakePlan());
  Accept(MakeResult());
  v1::Round round;
  ASSERT_TRUE(h.Call(&Stub::GetRound, KeyOf(kBureau, kRoundId), &round, std::nullopt).ok());
  EXPECT_EQ(round.source_id(), kRoundId);
  EXPECT_EQ(round.city_code(), kCity);
  EXPECT_TRUE(round.completed());
  v1::AssessmentPlan plan;
  ASSERT_TRUE(h.Call(&Stub::GetAssessmentPlan, KeyOf(kBureau, kPlanId), &plan, std::nullopt).ok());
  EXPECT_EQ(plan.timeliness().rule(), "assessment");
  v1::AssessmentResult result;
  ASSERT_TRUE(h.Call(&Stub::GetAssessmentResult, KeyOf(kBureau, kResultId), &result, std::nullopt).ok());
  EXPECT_EQ(result.plan_source_id(), kPlanId);
  EXPECT_EQ(result.year(), 2026);

  // Absent: NOT_FOUND naming the kind; a key that is none: the field named.
  const grpc::Status absent = h.Call(&Stub::GetAssessmentPlan, KeyOf(kBureau, "KH-NONE"), &plan, std::nullopt);
  EXPECT_EQ(absent.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_NE(absent.error_message().find("no assessment_plan KH-NONE"), std::string::npos) << absent.error_message();
  const grpc::Status bad = h.Call(&Stub::GetRound, KeyOf(kBureau, std::string(65, 'x')), &round, std::nullopt);
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  const grpc::Status empty = h.Call(&Stub::GetRound, KeyOf("", kRoundId), &round, std::nullopt);
  EXPECT_EQ(empty.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace gongkai::supervision
