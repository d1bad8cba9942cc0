// Penalty decisions and coercive measures end to end: a city syncs them
// through the gateway, the public reads them masked, the portal mirrors the
// feed, over real processes and a real database.
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <set>

#include "common/calendar/calendar_loader.h"
#include "common/calendar/iso_date.h"
#include "common/clock.h"
#include "common/identifiers.h"
#include "gongkai/penalties/v1/penalties.grpc.pb.h"
#include "gongkai/registry/v1/registry.grpc.pb.h"
#include "tests/e2e/platform.h"
#include "tests/e2e/records.h"

namespace gongkai {
namespace {

using penalties::v1::PenaltiesService;
using RecordResult = common::v1::RecordResult;
using testing::CreditCode;

std::string CitizenId(const std::string& first17) { return first17 + common::CitizenIdCheckCharacter(first17); }

class PenaltiesEndToEnd : public testing::PlatformTest {
 protected:
  void SetUp() override {
    PlatformTest::SetUp();
    agency_ = AddAgency("140100", 61);
  }

  // A natural person's decision with personal data everywhere it may hide.
  penalties::v1::PenaltyDecision PersonDecision(const std::string& source_id, const std::string& date) {
    return testing::PersonDecision(agency_, source_id, date, kPersonId);
  }

  penalties::v1::UpsertResponse Upsert(const std::vector<penalties::v1::PenaltyDecision>& decisions,
                                       const std::string& city = "140100") {
    penalties::v1::UpsertDecisionsRequest request;
    for (const auto& d : decisions) *request.add_decisions() = d;
    penalties::v1::UpsertResponse response;
    grpc::Status status = Call("city-" + city, &PenaltiesService::Stub::UpsertDecisions, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  penalties::v1::PublishedRecord GetPublished(const std::string& source_id, grpc::Status* status_out = nullptr) {
    penalties::v1::GetRecordRequest request;
    request.set_kind(penalties::v1::GetRecordRequest::DECISION);
    request.set_agency_credit_code(agency_);
    request.set_source_id(source_id);
    penalties::v1::PublishedRecord record;
    grpc::Status status = Call("", &PenaltiesService::Stub::GetPublished, request, &record);
    if (status_out != nullptr) *status_out = status;
    return record;
  }

  std::vector<penalties::v1::Change> Feed(int64_t after, int limit = 1000) {
    std::vector<penalties::v1::Change> out;
    for (;;) {
      penalties::v1::ListChangesRequest request;
      request.set_after_seq(after);
      request.set_limit(limit);
      penalties::v1::ListChangesResponse page;
      EXPECT_TRUE(Call("", &PenaltiesService::Stub::ListChanges, request, &page).ok());
      for (const auto& c : page.changes()) out.push_back(c);
      if (page.changes_size() == 0) return out;
      after = page.last_seq();
    }
  }

  const std::string kPersonId = CitizenId("14010519800101123");
  std::string agency_;
};

TEST_F(PenaltiesEndToEnd, DecisionsArePublishedWithTheirTimeliness) {
  auto on_time = PersonDecision("OT-1", IsoDaysAgo(1));
  // Decided Thu 2026-02-12: due 7 WD later on the make-up Saturday 02-28,
  // across the Spring Festival.
  auto late = PersonDecision("LT-1", "2026-02-12");
  auto result = Upsert({on_time, late});
  ASSERT_EQ(result.results(0).outcome(), RecordResult::ACCEPTED);
  ASSERT_EQ(result.results(1).outcome(), RecordResult::ACCEPTED);

  auto shown = GetPublished("OT-1");
  EXPECT_EQ(shown.timeliness().status(), common::v1::Timeliness::ON_TIME);
  EXPECT_EQ(shown.timeliness().lag_working_days(), 0);
  EXPECT_EQ(shown.published_on(), common::FormatIsoDate(platform_->Today()));

  auto overdue = GetPublished("LT-1");
  EXPECT_EQ(overdue.timeliness().due(), "2026-02-28");
  EXPECT_EQ(overdue.timeliness().status(), common::v1::Timeliness::LATE);
  auto calendar = common::LoadCalendar(std::string(GONGKAI_SOURCE_DIR) + "/data/calendar", "cn");
  ASSERT_TRUE(calendar.ok()) << calendar.error;
  int expected_lag = calendar.value->WorkingDaysBetween(*common::ParseIsoDate("2026-02-28"), platform_->Today()).value;
  EXPECT_EQ(overdue.timeliness().lag_working_days(), expected_lag);
  EXPECT_GT(expected_lag, 150);

  std::string metrics = testing::HttpGet(platform_->service("penalties").ports.metrics, "/metrics");
  EXPECT_NE(metrics.find("gongkai_disclosures_total{city=\"140100\",kind=\"penalty_decision\",outcome=\"late\"} 1"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("gongkai_disclosures_total{city=\"140100\",kind=\"penalty_decision\",outcome=\"on_time\"} 1"),
            std::string::npos);
  // The year's tallies, per city: both decisions due, the first met; the
  // ratios are Prometheus' recording rules.
  EXPECT_NE(metrics.find("gongkai_deadline_records_due{city=\"140100\",kind=\"penalty_decision\"} 2"),
            std::string::npos);
  EXPECT_NE(metrics.find("gongkai_deadline_records_met{city=\"140100\",kind=\"penalty_decision\"} 1"),
            std::string::npos);
  EXPECT_NE(metrics.find("gongkai_kpi_records_due{city=\"140100\",kpi=\"key_domain_timeliness\","
                         "rule=\"penalty_decision\"} 2"),
            std::string::npos);
  EXPECT_NE(metrics.find("gongkai_kpi_records_met{city=\"140100\",kpi=\"key_domain_timeliness\","
                         "rule=\"penalty_decision\"} 1"),
            std::string::npos);
  EXPECT_EQ(metrics.find("gongkai_kpi_ratio"), std::string::npos);
  EXPECT_EQ(metrics.find("gongkai_deadline_on_time_ratio"), std::string::npos);
}

TEST_F(PenaltiesEndToEnd, MajorPenaltyNeedsItsLegalExplanation) {
  auto major = PersonDecision("MJ-1", IsoDaysAgo(2));
  major.mutable_result()->set_fine_fen(60000000);  // 600 000 yuan
  auto refused = Upsert({major});
  ASSERT_EQ(refused.results(0).outcome(), RecordResult::REJECTED);
  std::set<std::string> fields;
  for (const auto& v : refused.results(0).violations()) fields.insert(v.field());
  EXPECT_TRUE(fields.contains("decisions[0].legal_application_explanation")) << refused.DebugString();

  // The rejection is kept for the city, with the raw record.
  penalties::v1::ListRejectionsResponse rejections;
  ASSERT_TRUE(
      Call("city-140100", &PenaltiesService::Stub::ListRejections, penalties::v1::ListRejectionsRequest(), &rejections)
          .ok());
  ASSERT_EQ(rejections.rejections_size(), 1);
  EXPECT_EQ(rejections.rejections(0).key(), agency_ + "/MJ-1");

  major.set_legal_application_explanation("货值金额巨大且造成严重后果，依据本局裁量基准“严重顶格”阶次从重处罚。");
  major.set_benchmark_tier(5);
  major.set_source_version(2);
  EXPECT_EQ(Upsert({major}).results(0).outcome(), RecordResult::ACCEPTED);
  ASSERT_TRUE(
      Call("city-140100", &PenaltiesService::Stub::ListRejections, penalties::v1::ListRejectionsRequest(), &rejections)
          .ok());
  EXPECT_EQ(rejections.rejections_size(), 0) << "the accepted resend clears the rejection";
}

TEST_F(PenaltiesEndToEnd, MajorPenaltyIsHeldToTheCitysBenchmarkAsTheRegistryHasIt) {
  // Taiyuan's food-safety benchmark (tier 4 从重: 600 000 to 1 500 000 yuan),
  // and the same table without its tier 5.
  registry::v1::UpsertBenchmarksRequest tables;
  auto* food = tables.add_benchmarks();
  const auto parsed = google::protobuf::util::JsonStringToMessage(
      testing::ReadFile(std::string(GONGKAI_SOURCE_DIR) + "/data/demo/food_safety_benchmark.json"), food);
  ASSERT_TRUE(parsed.ok()) << parsed.ToString();
  auto* four = tables.add_benchmarks();
  *four = *food;
  four->set_violation_code("food.four_tiers");
  four->mutable_tiers()->RemoveLast();
  four->mutable_tiers(3)->set_to_fen(0);
  registry::v1::UpsertBenchmarksResponse stored;
  ASSERT_TRUE(Call("city-140100", &registry::v1::RegistryService::Stub::UpsertBenchmarks, tables, &stored).ok());
  ASSERT_EQ(stored.results(0).outcome(), RecordResult::ACCEPTED) << stored.DebugString();
  ASSERT_EQ(stored.results(1).outcome(), RecordResult::ACCEPTED) << stored.DebugString();

  const auto major = [&](const std::string& source_id, const std::string& code, int tier, int64_t fine_fen) {
    auto d = testing::CompanyDecision(agency_, source_id, IsoDaysAgo(2));
    d.mutable_result()->set_fine_fen(fine_fen);
    d.set_legal_application_explanation("依据本局裁量基准第" + std::to_string(tier) + "档，因当事人一年内再次违法。");
    d.set_benchmark_violation_code(code);
    d.set_benchmark_tier(tier);
    return d;
  };
  auto named_otherwise = major("BM-4", "food.unsafe_production", 5, 300'000'000);
  named_otherwise.set_legal_application_explanation("依据本局裁量基准第4档，因当事人一年内再次违法。");
  auto result = Upsert({major("BM-1", "food.unsafe_production", 4, 100'000'000),
                        major("BM-2", "food.unsafe_production", 4, 160'000'000),
                        major("BM-3", "food.four_tiers", 5, 300'000'000), named_otherwise});
  ASSERT_EQ(result.results_size(), 4);
  EXPECT_EQ(result.results(0).outcome(), RecordResult::ACCEPTED) << result.DebugString();
  const auto only_field = [&](int i) {
    EXPECT_EQ(result.results(i).outcome(), RecordResult::REJECTED);
    return result.results(i).violations_size() == 1 ? result.results(i).violations(0).field() : result.DebugString();
  };
  EXPECT_EQ(only_field(1), "decisions[1].result.fine_fen");
  EXPECT_EQ(only_field(2), "decisions[2].benchmark_tier");
  EXPECT_EQ(only_field(3), "decisions[3].legal_application_explanation");
}

TEST_F(PenaltiesEndToEnd, NaturalPersonsDataNeverAppearsInAPublicAnswer) {
  Upsert({PersonDecision("PD-1", IsoDaysAgo(3))});
  std::string bytes;
  auto shown = GetPublished("PD-1");
  bytes += shown.SerializeAsString();
  penalties::v1::ListPublishedRequest list;
  list.set_city_code("140100");
  penalties::v1::ListPublishedResponse page;
  ASSERT_TRUE(Call("", &PenaltiesService::Stub::ListPublished, list, &page).ok());
  ASSERT_EQ(page.records_size(), 1);
  bytes += page.SerializeAsString();
  for (const auto& c : Feed(0)) bytes += c.SerializeAsString();

  EXPECT_EQ(bytes.find(kPersonId), std::string::npos);
  EXPECT_EQ(bytes.find(kPersonId.substr(6, 8)), std::string::npos) << "the birth date digits";
  EXPECT_EQ(bytes.find("张三丰"), std::string::npos);
  EXPECT_EQ(bytes.find("13912345678"), std::string::npos);
  EXPECT_EQ(bytes.find("平阳路"), std::string::npos);
  EXPECT_EQ(shown.decision().party().name(), "张某某");
  EXPECT_EQ(shown.decision().party().id_number(), kPersonId.substr(0, 6) + "********" + kPersonId.substr(14));

  // The city and the province still read the record as sent.
  penalties::v1::GetRecordRequest get;
  get.set_agency_credit_code(agency_);
  get.set_source_id("PD-1");
  penalties::v1::PenaltyDecision full;
  ASSERT_TRUE(Call("province", &PenaltiesService::Stub::GetDecision, get, &full).ok());
  EXPECT_EQ(full.party().id_number(), kPersonId);
  EXPECT_EQ(Call("city-140200", &PenaltiesService::Stub::GetDecision, get, &full).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Call("", &PenaltiesService::Stub::GetDecision, get, &full).error_code(), grpc::StatusCode::UNAUTHENTICATED);

  // A minor's case is stored but never published.
  auto minor = PersonDecision("PD-minor", IsoDaysAgo(3));
  minor.mutable_party()->set_id_number(CitizenId("14010520120101123"));
  minor.mutable_party()->set_minor(true);
  ASSERT_EQ(Upsert({minor}).results(0).outcome(), RecordResult::ACCEPTED);
  grpc::Status status;
  GetPublished("PD-minor", &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(PenaltiesEndToEnd, WithdrawalRemovesTheRecordAndPublishesTheNotice) {
  Upsert({PersonDecision("WD-1", IsoDaysAgo(5)), PersonDecision("WD-2", IsoDaysAgo(5))});
  penalties::v1::WithdrawDecisionRequest withdraw;
  withdraw.set_agency_credit_code(agency_);
  withdraw.set_source_id("WD-1");
  withdraw.set_reason(penalties::v1::REVOKED);
  withdraw.set_explanation("经行政复议，原处罚决定被撤销。");
  withdraw.set_event_date(IsoDaysAgo(1));
  penalties::v1::PublishedRecord notice;
  ASSERT_TRUE(Call("city-140100", &PenaltiesService::Stub::WithdrawDecision, withdraw, &notice).ok());
  EXPECT_TRUE(notice.withdrawn());
  EXPECT_EQ(notice.withdrawal_explanation(), "经行政复议，原处罚决定被撤销。");
  EXPECT_EQ(notice.withdrawal_timeliness().status(), common::v1::Timeliness::ON_TIME);
  EXPECT_FALSE(notice.has_decision()) << "the notice replaces the decision";

  penalties::v1::ListPublishedRequest list;
  list.set_agency_credit_code(agency_);
  penalties::v1::ListPublishedResponse page;
  ASSERT_TRUE(Call("", &PenaltiesService::Stub::ListPublished, list, &page).ok());
  ASSERT_EQ(page.records_size(), 1);
  EXPECT_EQ(page.records(0).source_id(), "WD-2");
  EXPECT_TRUE(GetPublished("WD-1").withdrawn());

  // Another city cannot withdraw it; a second report changes nothing.
  EXPECT_EQ(Call("city-140200", &PenaltiesService::Stub::WithdrawDecision, withdraw, &notice).error_code(),
            grpc::StatusCode::NOT_FOUND);
  size_t changes = Feed(0).size();
  ASSERT_TRUE(Call("city-140100", &PenaltiesService::Stub::WithdrawDecision, withdraw, &notice).ok());
  EXPECT_EQ(Feed(0).size(), changes);
}

TEST_F(PenaltiesEndToEnd, FeedReplaysEveryChangeExactlyOnceAndAResendChangesNothing) {
  std::vector<penalties::v1::PenaltyDecision> batch;
  for (int i = 0; i < 5; ++i) batch.push_back(PersonDecision("FD-" + std::to_string(i), IsoDaysAgo(2)));
  Upsert(batch);
  auto updated = batch[2];
  updated.set_source_version(2);
  updated.mutable_result()->set_fine_fen(600000);
  Upsert({updated});
  penalties::v1::WithdrawDecisionRequest withdraw;
  withdraw.set_agency_credit_code(agency_);
  withdraw.set_source_id("FD-4");
  withdraw.set_reason(penalties::v1::CHANGED);
  withdraw.set_explanation("处罚决定已变更。");
  withdraw.set_event_date(IsoDaysAgo(0));
  penalties::v1::PublishedRecord notice;
  ASSERT_TRUE(Call("city-140100", &PenaltiesService::Stub::WithdrawDecision, withdraw, &notice).ok());

  auto all = Feed(0);
  ASSERT_EQ(all.size(), 7u);  // 5 publications, 1 republication, 1 withdrawal
  for (size_t i = 1; i < all.size(); ++i) EXPECT_GT(all[i].seq(), all[i - 1].seq());
  EXPECT_EQ(all[5].record().source_id(), "FD-2");
  EXPECT_EQ(all[5].record().decision().result().fine_fen(), 600000);
  EXPECT_EQ(all[6].type(), penalties::v1::Change::WITHDRAWN);

  // Paging through the feed two at a time sees the same changes.
  auto paged = Feed(0, 2);
  ASSERT_EQ(paged.size(), all.size());
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(paged[i].seq(), all[i].seq());

  // The whole first batch again: all unchanged, nothing new in the feed.
  auto again = Upsert(batch);
  for (const auto& r : again.results()) EXPECT_EQ(r.outcome(), RecordResult::UNCHANGED);
  EXPECT_TRUE(Feed(all.back().seq()).empty());
}

TEST_F(PenaltiesEndToEnd, StreamingSyncAnswersPerRecordAcrossBatches) {
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", platform_->Authorization("city-140100"));
  penalties::v1::SyncSummary summary;
  auto stub = PenaltiesService::NewStub(platform_->Gateway());
  auto writer = stub->SyncDecisions(&ctx, &summary);
  for (int b = 0; b < 3; ++b) {
    penalties::v1::UpsertDecisionsRequest batch;
    for (int i = 0; i < 100; ++i) {
      auto d = PersonDecision("SY-" + std::to_string(b * 100 + i), IsoDaysAgo(10));
      if (b == 1 && i == 7) d.clear_facts();
      *batch.add_decisions() = d;
    }
    ASSERT_TRUE(writer->Write(batch));
  }
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(summary.received(), 300);
  EXPECT_EQ(summary.accepted(), 299);
  EXPECT_EQ(summary.rejected(), 1);
  ASSERT_EQ(summary.results_size(), 1);
  EXPECT_EQ(summary.results(0).index(), 107);
  EXPECT_EQ(summary.results(0).violations(0).field(), "decisions[107].facts");
}

TEST_F(PenaltiesEndToEnd, ScopeIsCheckedAgainstTheRegistry) {
  // Datong cannot publish for a Taiyuan agency.
  penalties::v1::UpsertDecisionsRequest request;
  *request.add_decisions() = PersonDecision("SC-1", IsoDaysAgo(1));
  penalties::v1::UpsertResponse response;
  EXPECT_EQ(Call("city-140200", &PenaltiesService::Stub::UpsertDecisions, request, &response).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // An agency the registry does not know is named.
  request.mutable_decisions(0)->set_agency_credit_code(CreditCode("140100", 998));
  ASSERT_TRUE(Call("city-140100", &PenaltiesService::Stub::UpsertDecisions, request, &response).ok());
  EXPECT_EQ(response.results(0).violations(0).field(), "decisions[0].agency_credit_code");

  // With the registry down, an agency not in the cache cannot be checked:
  // UNAVAILABLE, not a wrong answer.
  platform_->service("registry").process->Stop();
  request.mutable_decisions(0)->set_agency_credit_code(CreditCode("140100", 997));
  EXPECT_EQ(Call("city-140100", &PenaltiesService::Stub::UpsertDecisions, request, &response).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(PenaltiesEndToEnd, CoerciveMeasureRestrictingLibertyNeedsNecessityAndRemedy) {
  penalties::v1::UpsertMeasuresRequest request;
  auto* m = request.add_measures();
  m->set_agency_credit_code(agency_);
  m->set_source_id("CM-1");
  m->set_source_version(1);
  m->set_document_number("并市监强〔2026〕1号");
  m->set_domain("market_regulation");
  m->mutable_party()->set_kind(penalties::v1::Party::ORGANIZATION);
  m->mutable_party()->set_name("太原某食品有限公司");
  m->mutable_party()->set_credit_code(CreditCode("140105", 77));
  auto* basis = m->add_legal_basis();
  basis->set_law("中华人民共和国食品安全法");
  basis->set_article(110);
  basis->set_paragraph(1);
  basis->set_item(4);
  m->set_type(penalties::v1::SEIZE);
  m->set_object_name("过期月饼");
  m->set_object_quantity("200盒");
  m->set_period_start(IsoDaysAgo(3));
  m->set_period_end(IsoDaysAgo(-27));
  m->set_release_conditions("经检验合格或作出处理决定后解除");
  auto* liberty = request.add_measures();
  *liberty = *m;
  liberty->set_source_id("CM-2");
  liberty->set_type(penalties::v1::RESTRICT_LIBERTY);
  penalties::v1::UpsertResponse response;
  ASSERT_TRUE(Call("city-140100", &PenaltiesService::Stub::UpsertMeasures, request, &response).ok());
  EXPECT_EQ(response.results(0).outcome(), RecordResult::ACCEPTED);
  ASSERT_EQ(response.results(1).outcome(), RecordResult::REJECTED);
  std::set<std::string> fields;
  for (const auto& v : response.results(1).violations()) fields.insert(v.field());
  EXPECT_TRUE(fields.contains("measures[1].necessity_statement"));

  penalties::v1::ReleaseMeasureRequest release;
  release.set_agency_credit_code(agency_);
  release.set_source_id("CM-1");
  release.set_release_date(IsoDaysAgo(0));
  release.set_explanation("经检验，涉案食品合格，解除扣押。");
  penalties::v1::PublishedRecord released;
  ASSERT_TRUE(Call("city-140100", &PenaltiesService::Stub::ReleaseMeasure, release, &released).ok());
  EXPECT_EQ(released.released_on(), IsoDaysAgo(0));
  EXPECT_EQ(released.measure().object_quantity(), "200盒");
  EXPECT_EQ(released.timeliness().rule(), "coercive_measure");
}

}  // namespace
}  // namespace gongkai
