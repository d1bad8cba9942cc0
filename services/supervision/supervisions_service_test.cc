// The supervision adapter's special supervision, problem statistics,
// rectification and gauges, served in process over the real store
// (test_support.h): validation and scope, units named at their fields, the
// platform's statistics, masking, rectification reports and states on a
// pinned clock, and the scrape-time gauges.
#include <gtest/gtest.h>
#include <prometheus/metric_family.h>

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "services/supervision/kpi_sources.h"
#include "services/supervision/supervision_gauges.h"
#include "services/supervision/supervision_kpis.h"
#include "services/supervision/test_support.h"

namespace gongkai::supervision {
namespace {

using common::v1::RecordResult;
using gongkai::testing::CityCaller;
using gongkai::testing::Day;
using gongkai::testing::ProvinceCaller;
using Stub = v1::SupervisionService::Stub;

const common::CallerIdentity kCityCaller = CityCaller(kCity);
const common::CallerIdentity kOtherCityCaller = CityCaller(kOtherCity);

std::vector<std::string> Fields(const RecordResult& result) {
  std::vector<std::string> fields;
  for (const auto& v : result.violations()) fields.push_back(v.field());
  return fields;
}

bool Has(const std::vector<std::string>& fields, const std::string& field) {
  return std::find(fields.begin(), fields.end(), field) != fields.end();
}

// A list of counts as "key name problems", one per entry, in order.
std::vector<std::string> Listed(const google::protobuf::RepeatedPtrField<v1::Count>& counts) {
  std::vector<std::string> out;
  for (const auto& c : counts) {
    out.push_back(c.key() + (c.name().empty() ? "" : " " + c.name()) + " " + std::to_string(c.problems()));
  }
  return out;
}

// The samples of one metric family as "label=value,..." (labels by name) ->
// value; nullopt when the family is not in the scrape.
std::optional<std::map<std::string, double>> Samples(const std::vector<prometheus::MetricFamily>& families,
                                                     const std::string& name) {
  for (const auto& family : families) {
    if (family.name != name) continue;
    std::map<std::string, double> out;
    for (const auto& metric : family.metric) {
      auto labels = metric.label;
      std::sort(labels.begin(), labels.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
      std::string key;
      for (const auto& l : labels) key += (key.empty() ? "" : ",") + l.name + "=" + l.value;
      out[key] = metric.gauge.value;
    }
    return out;
  }
  return std::nullopt;
}

class SupervisionsServiceTest : public ::testing::Test {
 protected:
  v1::UpsertResponse Write(const std::vector<Supervision>& records, const common::CallerIdentity& caller) {
    v1::UpsertResponse response;
    const grpc::Status status = h.Upsert(records, &response, caller);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }
  v1::UpsertResponse Report(const std::vector<RectificationReport>& reports, const common::CallerIdentity& caller) {
    v1::UpsertResponse response;
    const grpc::Status status = h.Upsert(reports, &response, caller);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }
  // The public form of a stored supervision (NOT_FOUND: an empty one).
  v1::Supervision Get(const std::string& agency, const std::string& source_id, grpc::Status* status = nullptr) {
    v1::GetRecordRequest request;
    request.set_agency_credit_code(agency);
    request.set_source_id(source_id);
    v1::Supervision out;
    const grpc::Status got = h.Call(&Stub::GetSupervision, request, &out, std::nullopt);
    if (status) *status = got;
    return out;
  }
  v1::ProblemStatistics Statistics(const v1::GetProblemStatisticsRequest& request, const common::CallerIdentity& caller,
                                   grpc::Status* status = nullptr) {
    v1::ProblemStatistics out;
    const grpc::Status got = h.Call(&Stub::GetProblemStatistics, request, &out, caller);
    if (status) {
      *status = got;
    } else {
      EXPECT_TRUE(got.ok()) << got.error_message();
    }
    return out;
  }
  v1::ListRectificationsResponse Rectifications(const v1::ListRectificationsRequest& request,
                                                const common::CallerIdentity& caller) {
    v1::ListRectificationsResponse out;
    const grpc::Status status = h.Call(&Stub::ListRectifications, request, &out, caller);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out;
  }
  // Each rectification listed as "source_id/problem_id STATE".
  std::vector<std::string> States(const v1::ListRectificationsRequest& request, const common::CallerIdentity& caller) {
    std::vector<std::string> out;
    const v1::ListRectificationsResponse listed = Rectifications(request, caller);
    for (const auto& r : listed.rectifications()) {
      out.push_back(r.source_id() + "/" + r.problem_id() + " " + v1::Rectification::State_Name(r.state()));
    }
    return out;
  }
  // The default round and one review of kUnitC in it, by kCity.
  void WriteRoundAndReview() {
    v1::UpsertResponse rounds, reviews;
    ASSERT_TRUE(h.Upsert(std::vector<Round>{MakeRound()}, &rounds, kCityCaller).ok());
    ASSERT_EQ(rounds.results(0).outcome(), RecordResult::ACCEPTED);
    ASSERT_TRUE(h.Upsert(std::vector<Review>{MakeReview("PC-R-1")}, &reviews, kCityCaller).ok());
    ASSERT_EQ(reviews.results(0).outcome(), RecordResult::ACCEPTED);
  }

  AdapterHarness h;
};

// ---------------------------------------------------------------- writing

TEST_F(SupervisionsServiceTest, AValidSupervisionIsAcceptedAndAnInvalidOneRejectedNamingItsFields) {
  Supervision bad = MakeSupervision(kBureau, "ZX-BAD");
  bad.clear_topic();
  bad.mutable_problems(1)->set_domain("nowhere");
  const auto response = Write({MakeSupervision(), bad}, kCityCaller);
  ASSERT_EQ(response.results_size(), 2);
  EXPECT_EQ(response.results(0).outcome(), RecordResult::ACCEPTED);
  EXPECT_EQ(response.results(0).key(), kBureau + "/" + kSupervisionId);
  EXPECT_EQ(response.results(1).outcome(), RecordResult::REJECTED);
  EXPECT_TRUE(Has(Fields(response.results(1)), "supervisions[1].topic"));
  EXPECT_TRUE(Has(Fields(response.results(1)), "supervisions[1].problems[1].domain"));

  // The rejection is kept for the city.
  v1::ListRejectionsResponse rejections;
  ASSERT_TRUE(h.Call(&Stub::ListRejections, v1::ListRejectionsRequest(), &rejections, kCityCaller).ok());
  ASSERT_EQ(rejections.rejections_size(), 1);
  EXPECT_EQ(rejections.rejections(0).key(), kBureau + "/ZX-BAD");

  // Versions: the same one again is unchanged, a newer one accepted.
  EXPECT_EQ(Write({MakeSupervision()}, kCityCaller).results(0).outcome(), RecordResult::UNCHANGED);
  Supervision next = MakeSupervision();
  next.set_source_version(2);
  next.set_topic("行政执法不作为乱作为专项督查");
  EXPECT_EQ(Write({next}, kCityCaller).results(0).outcome(), RecordResult::ACCEPTED);
  EXPECT_EQ(Get(kBureau, kSupervisionId).topic(), "行政执法不作为乱作为专项督查");
}

TEST_F(SupervisionsServiceTest, ThePublicMayNotWriteSupervisions) {
  v1::UpsertSupervisionsRequest request;
  *request.add_supervisions() = MakeSupervision();
  v1::UpsertResponse response;
  EXPECT_EQ(h.Call(&Stub::UpsertSupervisions, request, &response, std::nullopt).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(SupervisionsServiceTest, ACityWritesOnlyForItsOwnOrganisersAndUnits) {
  v1::UpsertResponse response;
  // Another city's organiser.
  EXPECT_EQ(h.Upsert(std::vector<Supervision>{MakeSupervision()}, &response, kOtherCityCaller).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // Its own organiser, but a problem of another city's unit: the whole batch.
  Supervision reaching = MakeSupervision(kBureau, "ZX-REACH");
  reaching.mutable_problems(1)->set_unit(kOtherUnit);
  response.Clear();
  EXPECT_EQ(h.Upsert(std::vector<Supervision>{MakeSupervision(), reaching}, &response, kCityCaller).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  grpc::Status status;
  Get(kBureau, kSupervisionId, &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);

  // The province writes for its own body with units of any city.
  Supervision provincial = MakeSupervision(kProvinceBureau, "ZX-SHENG");
  provincial.mutable_problems(1)->set_unit(kOtherUnit);
  EXPECT_EQ(Write({provincial}, ProvinceCaller()).results(0).outcome(), RecordResult::ACCEPTED);
  EXPECT_EQ(Get(kProvinceBureau, "ZX-SHENG").city_code(), kProvinceCity);
}

TEST_F(SupervisionsServiceTest, AnUnknownUnitIsNamedAtTheFieldOfItsFirstMention) {
  Supervision in_problem = MakeSupervision(kBureau, "ZX-1");
  in_problem.mutable_problems(1)->set_unit(kUnknownUnit);
  auto* again = in_problem.add_problems();
  *again = in_problem.problems(1);
  again->set_id("P3");
  Supervision in_case = MakeSupervision(kBureau, "ZX-2");
  in_case.mutable_named_cases(0)->set_unit(kUnknownUnit);
  in_case.mutable_named_cases(0)->clear_problem_id();

  const auto response = Write({in_problem, in_case}, kCityCaller);
  ASSERT_EQ(response.results_size(), 2);
  EXPECT_EQ(response.results(0).outcome(), RecordResult::REJECTED);
  EXPECT_EQ(Fields(response.results(0)), std::vector<std::string>{"supervisions[0].problems[1].unit"});
  // Named cases must name registered units too.
  EXPECT_EQ(response.results(1).outcome(), RecordResult::REJECTED);
  EXPECT_EQ(Fields(response.results(1)), std::vector<std::string>{"supervisions[1].named_cases[0].unit"});
}

// ---------------------------------------------------------------- public form and statistics

TEST_F(SupervisionsServiceTest, ThePublicFormCountsProblemsByUnitAndByDomain) {
  Supervision s = MakeSupervision();
  auto* p3 = s.add_problems();
  *p3 = s.problems(1);
  p3->set_id("P3");
  p3->set_unit(kUnitA);
  Write({s}, kCityCaller);

  const v1::Supervision published = Get(kBureau, kSupervisionId);
  EXPECT_EQ(published.problem_count(), 3);
  EXPECT_EQ(published.problems_size(), 3);
  EXPECT_EQ(Listed(published.problems_by_unit()),
            (std::vector<std::string>{kUnitA + " 太原市市场监督管理局 2", kUnitB + " 太原市生态环境局 1"}));
  EXPECT_EQ(Listed(published.problems_by_domain()),
            (std::vector<std::string>{"ecology_environment 2", "market_regulation 1"}));
  EXPECT_EQ(published.city_code(), kCity);
  EXPECT_EQ(published.published_on(), "2026-07-15");
  EXPECT_TRUE(published.has_timeliness());

  // Lists carry the summary: the problems, the named cases and the count by
  // unit (as long as the problem list) left out, the count by domain kept.
  v1::ListSupervisionsRequest request;
  request.set_year(2026);
  v1::ListSupervisionsResponse listed;
  ASSERT_TRUE(h.Call(&Stub::ListSupervisions, request, &listed, std::nullopt).ok());
  ASSERT_EQ(listed.supervisions_size(), 1);
  EXPECT_EQ(listed.supervisions(0).problems_size(), 0);
  EXPECT_EQ(listed.supervisions(0).problem_count(), 3);
  EXPECT_EQ(listed.supervisions(0).problems_by_unit_size(), 0);
  EXPECT_EQ(listed.supervisions(0).named_cases_size(), 0);
  EXPECT_EQ(listed.supervisions(0).problems_by_domain_size(), 2);
}

TEST_F(SupervisionsServiceTest, SupervisionsAreListedByTheirEndAndByTheDomainAndUnitOfAProblem) {
  // ZX-2026-01 ends 2026-06-30: P1 at kUnitA in market regulation, P2 at
  // kUnitB in ecology and environment. ZX-2026-02 ends 2026-03-31: P1 at
  // kUnitC in transport.
  Supervision march = MakeSupervision(kBureau, "ZX-2026-02");
  march.set_started_on("2026-03-01");
  march.set_ended_on("2026-03-31");
  march.mutable_problems()->RemoveLast();
  march.mutable_problems(0)->set_unit(kUnitC);
  march.mutable_problems(0)->set_domain("transport");
  const auto written = Write({MakeSupervision(), march}, kCityCaller);
  ASSERT_EQ(written.results_size(), 2);
  ASSERT_EQ(written.results(0).outcome(), RecordResult::ACCEPTED)
      << ::testing::PrintToString(Fields(written.results(0)));
  ASSERT_EQ(written.results(1).outcome(), RecordResult::ACCEPTED)
      << ::testing::PrintToString(Fields(written.results(1)));

  const auto listed = [&](const std::string& from, const std::string& to, const std::string& domain,
                          const std::string& unit) {
    v1::ListSupervisionsRequest request;
    request.set_date_from(from);
    request.set_date_to(to);
    request.set_domain(domain);
    request.set_unit(unit);
    v1::ListSupervisionsResponse response;
    const grpc::Status status = h.Call(&Stub::ListSupervisions, request, &response, std::nullopt);
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::vector<std::string> ids;
    for (const auto& s : response.supervisions()) ids.push_back(s.source_id());
    return ids;
  };
  const std::string june = kSupervisionId;
  const std::string march_id = "ZX-2026-02";
  EXPECT_EQ(listed("", "", "", ""), (std::vector<std::string>{march_id, june}));
  EXPECT_EQ(listed("2026-06-30", "", "", ""), std::vector<std::string>{june}) << "inclusive";
  EXPECT_EQ(listed("", "2026-03-31", "", ""), std::vector<std::string>{march_id}) << "inclusive";
  EXPECT_TRUE(listed("2026-04-01", "2026-06-29", "", "").empty()) << "by the end, not the start";
  EXPECT_TRUE(listed("2026-07-01", "", "", "").empty());

  EXPECT_EQ(listed("", "", "market_regulation", ""), std::vector<std::string>{june});
  EXPECT_EQ(listed("", "", "transport", ""), std::vector<std::string>{march_id});
  EXPECT_TRUE(listed("", "", "agriculture", "").empty());
  EXPECT_EQ(listed("", "", "", kUnitB), std::vector<std::string>{june});
  EXPECT_EQ(listed("", "", "", kUnitC), std::vector<std::string>{march_id});
  EXPECT_TRUE(listed("", "", "", kOtherUnit).empty());
  EXPECT_EQ(listed("", "", "market_regulation", kUnitA), std::vector<std::string>{june});
  EXPECT_TRUE(listed("", "", "ecology_environment", kUnitA).empty()) << "one problem has both";
  EXPECT_TRUE(listed("", "2026-03-31", "", kUnitA).empty());

  const std::vector<std::pair<std::string, v1::ListSupervisionsRequest>> bad = [] {
    std::vector<std::pair<std::string, v1::ListSupervisionsRequest>> out(4);
    out[0].first = "domain";
    out[0].second.set_domain("astrology");
    out[1].first = "unit";
    out[1].second.set_unit("太原市市场监督管理局");
    out[2].first = "date_from";
    out[2].second.set_date_from("2026-02-30");
    out[3].first = "date_to";
    out[3].second.set_date_to("2026/06/30");
    return out;
  }();
  for (const auto& [field, request] : bad) {
    v1::ListSupervisionsResponse response;
    const grpc::Status status = h.Call(&Stub::ListSupervisions, request, &response, std::nullopt);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << field;
    const auto violations = common::ViolationsOf(status);
    ASSERT_EQ(violations.size(), 1u) << field;
    EXPECT_EQ(violations[0].field, field);
  }
}

TEST_F(SupervisionsServiceTest, ProblemStatisticsCountByUnitDomainTypeAndCity) {
  WriteRoundAndReview();
  Supervision provincial = MakeSupervision(kProvinceBureau, "ZX-SHENG");
  auto* p3 = provincial.add_problems();
  *p3 = provincial.problems(0);
  p3->set_id("P3");
  p3->set_unit(kOtherUnit);
  Write({provincial}, ProvinceCaller());

  v1::GetProblemStatisticsRequest request;
  request.set_year(2026);
  const auto all = Statistics(request, ProvinceCaller());
  EXPECT_EQ(all.year(), 2026);
  EXPECT_EQ(all.total(), 4);
  EXPECT_EQ(all.by_unit_size(), 4);
  EXPECT_EQ(all.unlisted_units(), 0);
  EXPECT_EQ(Listed(all.by_domain()), (std::vector<std::string>{"market_regulation 2", "ecology_environment 1"}));
  EXPECT_EQ(Listed(all.by_type()), std::vector<std::string>{"PROCEDURAL_DEFECT 1"});
  EXPECT_EQ(Listed(all.by_city()), (std::vector<std::string>{"140100 3", "140200 1"}));
  for (const auto& c : all.by_unit()) EXPECT_FALSE(c.name().empty()) << c.key();

  // Supervisions alone.
  request.set_source(v1::GetProblemStatisticsRequest::SUPERVISIONS);
  const auto supervisions = Statistics(request, ProvinceCaller());
  EXPECT_EQ(supervisions.total(), 3);
  EXPECT_EQ(supervisions.by_type_size(), 0);

  // A city sees its own units' problems, whatever it asks for.
  request.set_source(v1::GetProblemStatisticsRequest::SOURCE_UNSPECIFIED);
  request.set_city_code(kCity);
  const auto other = Statistics(request, kOtherCityCaller);
  EXPECT_EQ(other.total(), 1);
  EXPECT_EQ(Listed(other.by_unit()), std::vector<std::string>{kOtherUnit + " 大同市市场监督管理局 1"});

  // The units listed are bounded; the rest are counted.
  request.clear_city_code();
  request.set_top_units(1);
  const auto top = Statistics(request, ProvinceCaller());
  EXPECT_EQ(top.by_unit_size(), 1);
  EXPECT_EQ(top.unlisted_units(), 3);

  grpc::Status status;
  request.set_top_units(-1);
  Statistics(request, ProvinceCaller(), &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  request.set_top_units(0);
  request.set_year(0);
  Statistics(request, ProvinceCaller(), &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(SupervisionsServiceTest, PersonalDataInAProblemDescriptionIsMaskedInThePublicForm) {
  const std::string phone = "13812345678";
  Supervision s = MakeSupervision();
  s.mutable_problems(0)->set_description("群众反映执法人员向当事人（联系电话" + phone + "，身份证号" + kPersonId +
                                         "）索要材料。");
  s.mutable_named_cases(0)->set_description("当事人身份证号" + kPersonId + "，联系电话" + phone + "。");
  Write({s}, kCityCaller);

  const v1::Supervision published = Get(kBureau, kSupervisionId);
  ASSERT_EQ(published.problems_size(), 2);
  const std::string& problem = published.problems(0).description();
  EXPECT_EQ(problem.find(phone), std::string::npos) << problem;
  EXPECT_EQ(problem.find(kPersonId), std::string::npos) << problem;
  EXPECT_NE(problem.find("索要材料"), std::string::npos) << problem;
  const std::string& named = published.named_cases(0).description();
  EXPECT_EQ(named.find(phone), std::string::npos) << named;
  EXPECT_EQ(named.find(kPersonId), std::string::npos) << named;
}

// ---------------------------------------------------------------- rectification

TEST_F(SupervisionsServiceTest, AReportAfterTheDeadlineIsLate) {
  Write({MakeSupervision()}, kCityCaller);  // P1 and P2 due 2026-09-30
  EXPECT_EQ(
      Report({MakeReport(v1::SUPERVISION_PROBLEM, kBureau, kSupervisionId, "P1")}, kCityCaller).results(0).outcome(),
      RecordResult::ACCEPTED);
  h.clock().Set(Day("2026-10-08"));
  const auto late =
      Report({MakeReport(v1::SUPERVISION_PROBLEM, kBureau, kSupervisionId, "P2", "2026-10-05")}, kCityCaller);
  EXPECT_EQ(late.results(0).outcome(), RecordResult::ACCEPTED);
  EXPECT_EQ(late.results(0).key(), "2/" + kBureau + "/" + kSupervisionId + "/P2");

  const auto listed = Rectifications(v1::ListRectificationsRequest(), ProvinceCaller());
  ASSERT_EQ(listed.rectifications_size(), 2);
  const auto& p1 = listed.rectifications(0);
  EXPECT_EQ(p1.problem_id(), "P1");
  EXPECT_EQ(p1.state(), v1::Rectification::DONE);
  EXPECT_EQ(p1.report().reported_on(), "2026-07-15");
  EXPECT_FALSE(p1.report().late());
  EXPECT_EQ(p1.unit(), kUnitA);
  EXPECT_EQ(p1.unit_city_code(), kCity);
  EXPECT_EQ(p1.deadline(), "2026-09-30");
  const auto& p2 = listed.rectifications(1);
  EXPECT_EQ(p2.problem_id(), "P2");
  EXPECT_EQ(p2.state(), v1::Rectification::DONE_LATE);
  EXPECT_EQ(p2.report().reported_on(), "2026-10-08");
  EXPECT_EQ(p2.report().done_on(), "2026-10-05");
  EXPECT_TRUE(p2.report().late());
}

TEST_F(SupervisionsServiceTest, AReportOfNoSuchRectificationIsRejected) {
  Write({MakeSupervision()}, kCityCaller);
  const auto response = Report(
      {MakeReport(v1::SUPERVISION_PROBLEM, kBureau, kSupervisionId, "P9"), MakeReport(v1::REVIEW, kBureau, "PC-NONE")},
      kCityCaller);
  ASSERT_EQ(response.results_size(), 2);
  EXPECT_EQ(response.results(0).outcome(), RecordResult::REJECTED);
  EXPECT_EQ(Fields(response.results(0)), std::vector<std::string>{"reports[0].problem_id"});
  EXPECT_EQ(response.results(1).outcome(), RecordResult::REJECTED);
  EXPECT_EQ(Fields(response.results(1)), std::vector<std::string>{"reports[1].source_id"});
}

TEST_F(SupervisionsServiceTest, ACityMayNotReportAnotherCitysUnitsRectification) {
  Write({MakeSupervision()}, kCityCaller);  // kUnitA and kUnitB, of kCity
  v1::UpsertResponse response;
  EXPECT_EQ(
      h.Upsert(std::vector<RectificationReport>{MakeReport(v1::SUPERVISION_PROBLEM, kBureau, kSupervisionId, "P1")},
               &response, kOtherCityCaller)
          .error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(States(v1::ListRectificationsRequest(), ProvinceCaller()),
            (std::vector<std::string>{kSupervisionId + "/P1 OPEN", kSupervisionId + "/P2 OPEN"}));
  // The province reports for any unit.
  EXPECT_EQ(Report({MakeReport(v1::SUPERVISION_PROBLEM, kBureau, kSupervisionId, "P1")}, ProvinceCaller())
                .results(0)
                .outcome(),
            RecordResult::ACCEPTED);
}

TEST_F(SupervisionsServiceTest, ReportsAreVersionedAndKeepTheDayFirstReported) {
  Write({MakeSupervision()}, kCityCaller);
  RectificationReport report = MakeReport(v1::SUPERVISION_PROBLEM, kBureau, kSupervisionId, "P1");
  EXPECT_EQ(Report({report}, kCityCaller).results(0).outcome(), RecordResult::ACCEPTED);
  EXPECT_EQ(Report({report}, kCityCaller).results(0).outcome(), RecordResult::UNCHANGED);
  h.clock().Set(Day("2026-07-20"));
  report.set_source_version(2);
  report.set_description("补充整改：建立包容审慎监管清单。");
  EXPECT_EQ(Report({report}, kCityCaller).results(0).outcome(), RecordResult::ACCEPTED);

  const auto listed = Rectifications(v1::ListRectificationsRequest(), kCityCaller);
  ASSERT_GE(listed.rectifications_size(), 1);
  const auto& p1 = listed.rectifications(0);
  EXPECT_EQ(p1.problem_id(), "P1");
  EXPECT_EQ(p1.report().source_version(), 2);
  EXPECT_EQ(p1.report().description(), "补充整改：建立包容审慎监管清单。");
  EXPECT_EQ(p1.report().reported_on(), "2026-07-15");
}

TEST_F(SupervisionsServiceTest, RectificationStatesFollowThePinnedClock) {
  Write({MakeSupervision()}, kCityCaller);  // due 2026-09-30
  EXPECT_EQ(States(v1::ListRectificationsRequest(), kCityCaller),
            (std::vector<std::string>{kSupervisionId + "/P1 OPEN", kSupervisionId + "/P2 OPEN"}));
  Report({MakeReport(v1::SUPERVISION_PROBLEM, kBureau, kSupervisionId, "P1")}, kCityCaller);

  h.clock().Set(Day("2026-09-30"));  // the deadline itself: still open
  EXPECT_EQ(States(v1::ListRectificationsRequest(), kCityCaller),
            (std::vector<std::string>{kSupervisionId + "/P1 DONE", kSupervisionId + "/P2 OPEN"}));
  h.clock().Set(Day("2026-10-01"));
  EXPECT_EQ(States(v1::ListRectificationsRequest(), kCityCaller),
            (std::vector<std::string>{kSupervisionId + "/P1 DONE", kSupervisionId + "/P2 OVERDUE"}));

  v1::ListRectificationsRequest overdue;
  overdue.set_state(v1::Rectification::OVERDUE);
  EXPECT_EQ(States(overdue, ProvinceCaller()), std::vector<std::string>{kSupervisionId + "/P2 OVERDUE"});
  v1::ListRectificationsRequest of_unit;
  of_unit.set_unit(kUnitA);
  EXPECT_EQ(States(of_unit, ProvinceCaller()), std::vector<std::string>{kSupervisionId + "/P1 DONE"});

  // Another city sees its own units' only, whatever it asks for.
  v1::ListRectificationsRequest elsewhere;
  elsewhere.set_city_code(kCity);
  EXPECT_TRUE(States(elsewhere, kOtherCityCaller).empty());

  // Pages, by deadline then key.
  v1::ListRectificationsRequest paged;
  paged.set_page_size(1);
  const auto first = Rectifications(paged, ProvinceCaller());
  ASSERT_EQ(first.rectifications_size(), 1);
  EXPECT_EQ(first.rectifications(0).problem_id(), "P1");
  ASSERT_FALSE(first.next_page_token().empty());
  paged.set_page_token(first.next_page_token());
  const auto second = Rectifications(paged, ProvinceCaller());
  ASSERT_EQ(second.rectifications_size(), 1);
  EXPECT_EQ(second.rectifications(0).problem_id(), "P2");
  EXPECT_TRUE(second.next_page_token().empty());

  // By the year of their deadline (2026-09-30), or of every year; from
  // 2000 to next year.
  v1::ListRectificationsRequest of_year;
  of_year.set_year(2026);
  EXPECT_EQ(States(of_year, ProvinceCaller()),
            (std::vector<std::string>{kSupervisionId + "/P1 DONE", kSupervisionId + "/P2 OVERDUE"}));
  of_year.set_state(v1::Rectification::OVERDUE);
  EXPECT_EQ(States(of_year, kCityCaller), std::vector<std::string>{kSupervisionId + "/P2 OVERDUE"});
  of_year.set_year(2027);
  EXPECT_TRUE(States(of_year, ProvinceCaller()).empty());
  for (int year : {1999, 2028}) {
    v1::ListRectificationsRequest bad_year;
    bad_year.set_year(year);
    v1::ListRectificationsResponse refused;
    const grpc::Status status = h.Call(&Stub::ListRectifications, bad_year, &refused, ProvinceCaller());
    ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << year;
    const auto violations = common::ViolationsOf(status);
    ASSERT_EQ(violations.size(), 1u) << year;
    EXPECT_EQ(violations[0].field, "year");
  }

  v1::ListRectificationsRequest forged;
  forged.set_page_token("not-a-token");
  v1::ListRectificationsResponse response;
  EXPECT_EQ(h.Call(&Stub::ListRectifications, forged, &response, ProvinceCaller()).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(h.Call(&Stub::ListRectifications, v1::ListRectificationsRequest(), &response, std::nullopt).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

// ---------------------------------------------------------------- gauges

TEST_F(SupervisionsServiceTest, GaugesReportTimelinessCoverageQuartersAndOverdueRectifications) {
  // On 2026-07-15: the Q2 round of kCity (kUnitA, kUnitB, kUnitC reviewed,
  // ended 2026-06-30) with one review (kUnitC, rectification by 2026-08-31),
  // and the supervision (P1, P2 by 2026-09-30), each within its deadline.
  WriteRoundAndReview();
  Write({MakeSupervision()}, kCityCaller);
  h.clock().Set(Day("2026-10-08"));
  SupervisionSettings settings;
  const auto gauges = MakeSupervisionGauges(h.store(), h.registry(), h.context().deadlines, h.clock(), settings);
  const auto families = gauges->Collect();

  // The year's tallies per organiser's city: the supervision on time; one
  // review on time and the round's two others past their 15 WD; no
  // assessment due. The ratios are Prometheus' recording rules now.
  const auto due = Samples(families, "gongkai_deadline_records_due");
  const auto met = Samples(families, "gongkai_deadline_records_met");
  ASSERT_TRUE(due && met);
  EXPECT_EQ(*due, (std::map<std::string, double>{{"city=140100,kind=case_review", 3},
                                                 {"city=140100,kind=special_supervision", 1}}));
  EXPECT_EQ(*met, (std::map<std::string, double>{{"city=140100,kind=case_review", 1},
                                                 {"city=140100,kind=special_supervision", 1}}));
  EXPECT_FALSE(Samples(families, "gongkai_deadline_on_time_ratio"));
  const auto kpi_due = Samples(families, "gongkai_kpi_records_due");
  ASSERT_TRUE(kpi_due) << "present, and empty: supervision counts no KPI";
  EXPECT_TRUE(kpi_due->empty());
  const auto leads = Samples(families, "gongkai_leads");
  ASSERT_TRUE(leads);
  EXPECT_TRUE(leads->empty());

  const auto overdue = Samples(families, "gongkai_disclosures_overdue");
  ASSERT_TRUE(overdue);
  EXPECT_EQ(*overdue, (std::map<std::string, double>{{"city=140100,kind=case_review", 2}}));
  // The review's rectification (2026-08-31) and P1, P2 (2026-09-30).
  const auto rectifications = Samples(families, "gongkai_rectifications_overdue");
  ASSERT_TRUE(rectifications);
  EXPECT_EQ(*rectifications, (std::map<std::string, double>{{"city=140100", 3}}));

  // Coverage: kUnitC of kCity's three, none of kOtherCity's two.
  const auto coverage = Samples(families, "gongkai_case_review_coverage_ratio");
  ASSERT_TRUE(coverage);
  EXPECT_DOUBLE_EQ(coverage->at("scope=province"), 0.2);
  EXPECT_DOUBLE_EQ(coverage->at("scope=140100"), 1.0 / 3);
  EXPECT_DOUBLE_EQ(coverage->at("scope=140200"), 0.0);
  const auto units = Samples(families, "gongkai_case_review_units");
  ASSERT_TRUE(units);
  EXPECT_DOUBLE_EQ(units->at("scope=140100,state=enforcement"), 3);
  EXPECT_DOUBLE_EQ(units->at("scope=140100,state=reviewed"), 1);
  EXPECT_DOUBLE_EQ(units->at("scope=province,state=enforcement"), 5);
  const auto target = Samples(families, "gongkai_case_review_coverage_target");
  ASSERT_TRUE(target);
  EXPECT_EQ(*target, (std::map<std::string, double>{{"", 0.6}}));

  // Quarters 1 to 3 ended by 2026-10-08; only the second had a round.
  const auto quarters = Samples(families, "gongkai_case_review_quarter_rounds");
  ASSERT_TRUE(quarters);
  EXPECT_DOUBLE_EQ(quarters->at("quarter=1,scope=province,year=2026"), 0);
  EXPECT_DOUBLE_EQ(quarters->at("quarter=2,scope=province,year=2026"), 1);
  EXPECT_DOUBLE_EQ(quarters->at("quarter=3,scope=province,year=2026"), 0);
  EXPECT_DOUBLE_EQ(quarters->at("quarter=2,scope=140100,year=2026"), 1);
  EXPECT_DOUBLE_EQ(quarters->at("quarter=2,scope=140200,year=2026"), 0);
  EXPECT_FALSE(quarters->contains("quarter=4,scope=province,year=2026"));

  // In the next year's first quarter, the fourth quarter of the year before
  // is shown (it had no round), and no quarter of the new year has ended.
  h.clock().Set(Day("2027-01-15"));
  const auto january = Samples(gauges->Collect(), "gongkai_case_review_quarter_rounds");
  ASSERT_TRUE(january);
  EXPECT_EQ(*january, (std::map<std::string, double>{{"quarter=4,scope=140100,year=2026", 0},
                                                     {"quarter=4,scope=140200,year=2026", 0},
                                                     {"quarter=4,scope=province,year=2026", 0}}));
  h.clock().Set(Day("2026-10-08"));

  // Without the registry, the coverage families are left out, the others kept.
  h.registry().SetDown(true);
  const auto without = gauges->Collect();
  EXPECT_FALSE(Samples(without, "gongkai_case_review_coverage_ratio"));
  EXPECT_FALSE(Samples(without, "gongkai_case_review_units"));
  EXPECT_FALSE(Samples(without, "gongkai_case_review_quarter_rounds"));
  EXPECT_TRUE(Samples(without, "gongkai_rectifications_overdue"));
  EXPECT_TRUE(Samples(without, "gongkai_deadline_records_due"));
}

// ---------------------------------------------------------------- the province's view

TEST_F(SupervisionsServiceTest, TalliesCountEachOrganisersRecordsAndNameTheReviewsMissingByUnit) {
  WriteRoundAndReview();
  Write({MakeSupervision()}, kCityCaller);
  const common::Date today = Day("2026-10-08");
  common::v1::GetKpiTalliesRequest request;
  request.set_year(2026);
  request.set_max_misses(5);
  const auto tallies = SupervisionTallies(h.store(), h.context().deadlines, request, today);
  ASSERT_EQ(tallies.size(), 2u) << "case_review and special_supervision of the bureau";
  const auto& reviews = tallies[0];
  EXPECT_EQ(reviews.agency_credit_code(), kBureau);
  EXPECT_EQ(reviews.city_code(), kCity);
  EXPECT_EQ(reviews.rule(), "case_review");
  EXPECT_EQ(reviews.due(), 3);
  EXPECT_EQ(reviews.met(), 1);
  ASSERT_EQ(reviews.misses_size(), 2);
  EXPECT_EQ(reviews.misses(0).key(), kBureau + "/" + kRoundId + "/" + kUnitA);
  EXPECT_EQ(reviews.misses(1).key(), kBureau + "/" + kRoundId + "/" + kUnitB);
  EXPECT_EQ(reviews.misses(0).detail().substr(0, 19), "not published, due ");
  EXPECT_TRUE(reviews.misses(0).open()) << "still not published, past its deadline";
  EXPECT_TRUE(reviews.misses(1).open());
  EXPECT_EQ(tallies[1].rule(), "special_supervision");
  EXPECT_EQ(tallies[1].met(), 1);

  request.set_city_code(kOtherCity);
  EXPECT_TRUE(SupervisionTallies(h.store(), h.context().deadlines, request, today).empty());
  request.set_city_code("");
  request.set_year(1999);
  EXPECT_THROW(SupervisionTallies(h.store(), h.context().deadlines, request, today), common::ServiceError);
}

TEST_F(SupervisionsServiceTest, TheOverdueReviewsAreTheGaugesAndThisServicesPartOfTheProvinceView) {
  // On 2026-10-08, kUnitA's and kUnitB's reviews of kCity's Q2 round are
  // past their 15 WD.
  WriteRoundAndReview();
  h.clock().Set(Day("2026-10-08"));
  const auto overdue = SupervisionOverdue(h.store(), h.context().deadlines, Day("2026-10-08"));
  ASSERT_EQ(overdue.size(), 1u);
  EXPECT_EQ(overdue[0].kind(), "case_review");
  EXPECT_EQ(overdue[0].city_code(), kCity);
  EXPECT_EQ(overdue[0].count(), 2);
  const auto gauges = MakeSupervisionGauges(h.store(), h.registry(), h.context().deadlines, h.clock(), {});
  const auto gauged = Samples(gauges->Collect(), "gongkai_disclosures_overdue");
  ASSERT_TRUE(gauged);
  EXPECT_EQ(*gauged, (std::map<std::string, double>{{"city=140100,kind=case_review", 2}}));

  // The province view's own source answers them with its tallies, whatever
  // the year: of the city asked, none of another, none for an agency.
  const auto source = LocalKpiSource(h.store(), h.context().deadlines, h.clock());
  common::v1::GetKpiTalliesRequest request;
  request.set_year(2025);
  request.set_group_by_city(true);
  const auto province = source->Tallies(request);
  ASSERT_EQ(province.overdue_size(), 1);
  EXPECT_EQ(province.overdue(0).ShortDebugString(), overdue[0].ShortDebugString());
  request.set_city_code(kCity);
  EXPECT_EQ(source->Tallies(request).overdue_size(), 1);
  request.set_city_code(kOtherCity);
  EXPECT_EQ(source->Tallies(request).overdue_size(), 0);
  request.clear_city_code();
  request.set_group_by_city(false);
  request.set_agency_credit_code(kBureau);
  EXPECT_EQ(source->Tallies(request).overdue_size(), 0);

  // Once the reviews are stored, nothing is overdue.
  v1::UpsertResponse reviews;
  ASSERT_TRUE(h.Upsert(std::vector<Review>{MakeReview("PC-R-A", kUnitA, kUnitB), MakeReview("PC-R-B", kUnitB, kUnitA)},
                       &reviews, kCityCaller)
                  .ok());
  for (const auto& r : reviews.results()) ASSERT_EQ(r.outcome(), RecordResult::ACCEPTED) << r.DebugString();
  EXPECT_TRUE(SupervisionOverdue(h.store(), h.context().deadlines, Day("2026-10-08")).empty());
}

TEST_F(SupervisionsServiceTest, FindingsAreTheLateReviewsAndOverdueRectificationsPastTheirThresholds) {
  WriteRoundAndReview();
  Write({MakeSupervision()}, kCityCaller);
  const common::Date today = Day("2026-10-08");
  common::v1::ListFindingsRequest request;
  request.set_year(2026);
  request.add_rules()->set_name("review_results_late");
  request.add_rules()->set_name("decision_published_late");  // another service's: ignored
  request.add_rules()->set_name("rectification_overdue");
  const auto keys = [&] {
    std::vector<std::string> out;
    const auto answer = SupervisionFindings(h.store(), h.context().deadlines, request, today);
    for (const auto& f : answer.findings()) {
      out.push_back(f.rule() + " " + f.record().key());
    }
    return out;
  };
  // kUnitA's and kUnitB's reviews missing; the review's rectification (due
  // 2026-08-31, of kUnitC) and the supervision's P1 and P2 (2026-09-30).
  EXPECT_EQ(keys(), (std::vector<std::string>{
                        "review_results_late " + kBureau + "/" + kRoundId + "/" + kUnitA,
                        "review_results_late " + kBureau + "/" + kRoundId + "/" + kUnitB,
                        "rectification_overdue 1/" + kBureau + "/PC-R-1/",
                        "rectification_overdue 2/" + kBureau + "/" + kSupervisionId + "/P1",
                        "rectification_overdue 2/" + kBureau + "/" + kSupervisionId + "/P2",
                    }));
  // Thresholds: the reviews allowed 100 WD more, the rectifications 8 days.
  request.mutable_rules(0)->set_threshold(100);
  request.mutable_rules(2)->set_threshold(8);
  EXPECT_EQ(keys(), (std::vector<std::string>{"rectification_overdue 1/" + kBureau + "/PC-R-1/"}));
  request.mutable_rules(2)->set_threshold(-1);
  try {
    SupervisionFindings(h.store(), h.context().deadlines, request, today);
    ADD_FAILURE() << "a negative threshold is refused";
  } catch (const common::ServiceError& e) {
    EXPECT_EQ(e.code(), grpc::StatusCode::INVALID_ARGUMENT);
    ASSERT_EQ(e.violations().size(), 1u);
    EXPECT_EQ(e.violations()[0].field, "rules[2].threshold");
  }
}

}  // namespace
}  // namespace gongkai::supervision
