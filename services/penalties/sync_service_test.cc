// SyncDecisions in process: what a stream that fails part-way still tells its
// sender, and the bound on its summary; and the gauges over a store's counts.
// The rest of the adapter is in penalties_service_test.cc.
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <algorithm>
#include <map>
#include <mutex>

#include "common/errors.h"
#include "common/identifiers.h"
#include "common/pg_pool.h"
#include "common/testing/adapter.h"
#include "common/testing/dates.h"
#include "google/rpc/status.pb.h"
#include "services/penalties/penalties_gauges.h"
#include "services/penalties/penalties_service.h"
#include "services/penalties/service_test_records.h"

namespace gongkai::penalties {
namespace {

using gongkai::testing::Day;

std::string CreditCode(const std::string& first17) { return first17 + common::CreditCodeCheckCharacter(first17); }

const std::string kAgency = CreditCode("11140100MB0000101");       // registered to 140100
const std::string kOtherAgency = CreditCode("11140200MB0000201");  // registered to 140200
const std::string kCompany = CreditCode("91140100MA0KABCD1");

// Accepts every valid record, keeps their source ids and counts the
// rejections; the batch numbered `fail_batch` (from 0) finds the database
// gone.
class SyncStore final : public PenaltyStore {
 public:
  std::vector<WriteResult> UpsertBatch(const std::string&, const std::vector<RecordToStore>& valid,
                                       const std::vector<common::Rejection>& rejected, common::Date) override {
    std::lock_guard lock(mutex_);
    if (batches++ == fail_batch) throw common::DatabaseUnavailable("connection refused");
    std::vector<WriteResult> out;
    for (const auto& r : valid) {
      stored.push_back(r.source_id);
      out.push_back({common::UpsertOutcome::kAccepted, false});
    }
    rejections += rejected.size();
    return out;
  }
  std::optional<RecordRow> Get(PenaltyKind, const std::string&, const std::string&) override { return std::nullopt; }
  std::optional<RecordRow> Withdraw(const std::string&, const std::string&, int, const std::string&, common::Date,
                                    common::Date) override {
    return std::nullopt;
  }
  std::optional<RecordRow> Release(const std::string&, const std::string&, common::Date, const std::string&) override {
    return std::nullopt;
  }
  std::optional<RecordRow> RecordCreditRepair(const std::string&, const std::string&, const CreditRepair&,
                                              common::Date) override {
    return std::nullopt;
  }
  std::vector<RecordRow> ListPublished(const PublishedFilter&, common::Date) override { return {}; }
  std::vector<ChangeRow> Changes(int64_t, int, common::Date) override { return {}; }
  std::vector<common::Rejection> ListRejections(const std::string&, int64_t, int) override { return {}; }
  std::vector<PublicationCount> PublicationCounts() override { return counts; }
  std::vector<EnforcementCount> AnnualEnforcementCounts(int, const std::string&, const std::string&) override {
    return {};
  }
  std::vector<TallyRecord> TallyRecords(int year, const std::string&, const std::string&, bool) override {
    std::lock_guard lock(mutex_);
    years.push_back(year);
    return tally_records;
  }
  std::vector<DecisionFacts> DecisionFactsOf(int) override { return {}; }

  // What PublicationCounts and TallyRecords answer, and the years
  // TallyRecords was asked.
  std::vector<PublicationCount> counts;
  std::vector<TallyRecord> tally_records;
  std::vector<int> years;
  // Read by the tests once a call has returned.
  std::vector<std::string> stored;
  std::size_t rejections = 0;
  int batches = 0;
  int fail_batch = -1;

 private:
  std::mutex mutex_;
};

class SyncRegistry final : public registry::RegistryClient {
 public:
  std::optional<registry::AgencyInfo> Agency(const std::string& credit_code) override {
    if (credit_code == kAgency) return registry::AgencyInfo{"140100", {"market_regulation"}, ""};
    if (credit_code == kOtherAgency) return registry::AgencyInfo{"140200", {"market_regulation"}, ""};
    return std::nullopt;
  }
  std::optional<std::vector<registry::TierRange>> Benchmark(const std::string&, const std::string&,
                                                            const std::string&) override {
    return std::nullopt;
  }
  std::map<std::string, CertificateInfo> CheckCertificates(const std::vector<std::string>& numbers, common::Date,
                                                           common::Date) override {
    std::map<std::string, CertificateInfo> out;
    for (const auto& number : numbers) out[number] = {};  // none known
    return out;
  }
  std::vector<PowersItemInfo> PowersItems(const std::vector<std::string>&, const std::vector<std::string>&) override {
    return {};
  }
  void RecordInspectionPlans(const std::vector<InspectionPlanNotice>&) override {}
  // Every agency's list current on every day.
  std::vector<QualificationAnswer> QualificationLists(const std::vector<QualificationQuery>& queries) override {
    return std::vector<QualificationAnswer>(queries.size(), QualificationAnswer{true, true, ""});
  }
  std::vector<EnforcementUnitInfo> EnforcementUnits() override { return {}; }
};

v1::PenaltyDecision Decision(const std::string& source_id) {
  return CompanyDecisionOf(kAgency, kCompany, source_id, "2026-06-01");
}

// A decision rejected for its date, after the pinned today.
v1::PenaltyDecision Rejected(const std::string& source_id) {
  v1::PenaltyDecision d = Decision(source_id);
  d.set_decision_date("2026-06-16");
  return d;
}

v1::UpsertDecisionsRequest Batch(const std::vector<v1::PenaltyDecision>& decisions) {
  v1::UpsertDecisionsRequest batch;
  for (const auto& d : decisions) *batch.add_decisions() = d;
  return batch;
}

// The sync summary in a status's details; fails the test when there is none.
v1::SyncSummary SummaryIn(const grpc::Status& status) {
  google::rpc::Status details;
  v1::SyncSummary summary;
  EXPECT_TRUE(details.ParseFromString(status.error_details()));
  EXPECT_EQ(details.code(), status.error_code());
  EXPECT_EQ(details.message(), status.error_message());
  int found = 0;
  for (const auto& any : details.details()) found += any.UnpackTo(&summary) ? 1 : 0;
  EXPECT_EQ(found, 1) << "one SyncSummary in the details";
  return summary;
}

class SyncDecisionsTest : public ::testing::Test {
 protected:
  SyncDecisionsTest()
      : ctx_(Day("2026-06-15")),
        metrics_(prometheus_),
        service_(store_, registry_, ctx_.context(), metrics_, 500),
        server_(&service_),
        stub_(v1::PenaltiesService::NewStub(server_.channel())) {}

  // Streams `batches` as city 140100 and returns how the call ended; the
  // answer, when it ended OK, in `summary`. A message after the one the
  // service stopped at may or may not be taken by the transport: the service
  // never reads it.
  grpc::Status Sync(const std::vector<v1::UpsertDecisionsRequest>& batches, v1::SyncSummary* summary) {
    auto context = ctx_.ClientAs(testing::CityCaller("140100"));
    auto writer = stub_->SyncDecisions(context.get(), summary);
    for (const auto& b : batches) {
      if (!writer->Write(b)) break;
    }
    writer->WritesDone();
    return writer->Finish();
  }

  testing::TestContext ctx_;
  SyncStore store_;
  SyncRegistry registry_;
  prometheus::Registry prometheus_;
  common::DisclosureMetrics metrics_;
  PenaltiesService service_;
  testing::InProcessServer server_;
  std::unique_ptr<v1::PenaltiesService::Stub> stub_;
};

TEST_F(SyncDecisionsTest, AnotherCitysAgencyMidStreamEndsItNamingTheMessageWithTheSummaryBefore) {
  v1::PenaltyDecision foreign = Decision("D-5");
  foreign.set_agency_credit_code(kOtherAgency);
  v1::SyncSummary summary;
  grpc::Status status = Sync({Batch({Decision("D-1"), Decision("D-2"), Rejected("D-3")}),
                              Batch({Decision("D-4"), foreign}), Batch({Decision("D-6")})},
                             &summary);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(status.error_message(), "message 1 (from 0) of the stream failed: agency " + kOtherAgency +
                                        " is registered to city 140200, not 140100; the messages before it were "
                                        "processed: see the summary in the details");
  const v1::SyncSummary before = SummaryIn(status);
  EXPECT_EQ(before.received(), 3);
  EXPECT_EQ(before.accepted(), 2);
  EXPECT_EQ(before.unchanged(), 0);
  EXPECT_EQ(before.rejected(), 1);
  ASSERT_EQ(before.results_size(), 1);
  EXPECT_EQ(before.results(0).index(), 2);
  EXPECT_EQ(before.results(0).violations(0).field(), "decisions[2].decision_date");
  EXPECT_EQ(before.unlisted_rejections(), 0);
  // Exactly the first message's records were stored: none of the refused
  // batch, none after it.
  EXPECT_EQ(store_.stored, (std::vector<std::string>{"D-1", "D-2"}));
  EXPECT_EQ(store_.rejections, 1u);
}

TEST_F(SyncDecisionsTest, TheDatabaseFailingMidStreamKeepsTheSummaryOfWhatWasCommitted) {
  store_.fail_batch = 2;
  v1::SyncSummary summary;
  grpc::Status status =
      Sync({Batch({Decision("D-1")}), Batch({Decision("D-2"), Rejected("D-3")}), Batch({Decision("D-4")})}, &summary);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(status.error_message(),
            "message 2 (from 0) of the stream failed: database unavailable, retry later; the messages before it were "
            "processed: see the summary in the details");
  const v1::SyncSummary before = SummaryIn(status);
  EXPECT_EQ(before.received(), 3);
  EXPECT_EQ(before.accepted(), 2);
  EXPECT_EQ(before.rejected(), 1);
  ASSERT_EQ(before.results_size(), 1);
  EXPECT_EQ(before.results(0).index(), 2);
  EXPECT_EQ(store_.stored, (std::vector<std::string>{"D-1", "D-2"}));
}

TEST_F(SyncDecisionsTest, AFailureWithViolationsKeepsThemBesideTheSummary) {
  v1::SyncSummary summary;
  grpc::Status status = Sync({Batch({Decision("D-1")}), v1::UpsertDecisionsRequest()}, &summary);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(),
            "message 1 (from 0) of the stream failed: empty batch; the messages before it were processed: see the "
            "summary in the details");
  EXPECT_EQ(common::ViolationsOf(status), (common::Violations{{"decisions", "at least one record"}}));
  const v1::SyncSummary before = SummaryIn(status);
  EXPECT_EQ(before.received(), 1);
  EXPECT_EQ(before.accepted(), 1);
}

TEST_F(SyncDecisionsTest, AFailureAtTheFirstMessageReportsThatNothingWasProcessed) {
  v1::PenaltyDecision foreign = Decision("D-1");
  foreign.set_agency_credit_code(kOtherAgency);
  v1::SyncSummary summary;
  grpc::Status status = Sync({Batch({foreign}), Batch({Decision("D-2")})}, &summary);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(status.error_message().starts_with("message 0 (from 0) of the stream failed: "));
  const v1::SyncSummary before = SummaryIn(status);
  EXPECT_EQ(before.received(), 0);
  EXPECT_EQ(before.results_size(), 0);
  EXPECT_TRUE(store_.stored.empty());
}

TEST_F(SyncDecisionsTest, TheSummaryListsTheFirstRejectionsAndCountsTheRest) {
  std::vector<v1::UpsertDecisionsRequest> batches;
  for (int b = 0; b < 3; ++b) {
    v1::UpsertDecisionsRequest batch;
    for (int i = 0; i < 100; ++i) *batch.add_decisions() = Rejected("R-" + std::to_string(b * 100 + i));
    *batch.add_decisions() = Decision("A-" + std::to_string(b));
    batches.push_back(batch);
  }
  v1::SyncSummary summary;
  grpc::Status status = Sync(batches, &summary);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(summary.received(), 303);
  EXPECT_EQ(summary.accepted(), 3);
  EXPECT_EQ(summary.rejected(), 300);
  EXPECT_GT(summary.results_size(), 0);
  EXPECT_LT(summary.results_size(), 300);
  EXPECT_EQ(summary.results_size() + summary.unlisted_rejections(), 300);
  // The first rejections, in stream order, each with its violations.
  for (int i = 0; i < summary.results_size(); ++i) {
    EXPECT_EQ(summary.results(i).index(), i);
    EXPECT_EQ(summary.results(i).outcome(), common::v1::RecordResult::REJECTED);
    EXPECT_EQ(summary.results(i).violations(0).field(), "decisions[" + std::to_string(i) + "].decision_date");
  }
  // Small enough for an error's status details through the gateway (4 KiB
  // with the message), whatever the stream carried; every rejection is kept.
  EXPECT_LE(summary.ByteSizeLong(), 3500u);
  EXPECT_EQ(store_.rejections, 300u);
}

// ---------------------------------------------------------------- gauges

// A gauge's samples by their labels, written "name=value,..." in name order.
std::map<std::string, double> Samples(const std::vector<prometheus::MetricFamily>& families, const std::string& name) {
  std::map<std::string, double> out;
  for (const auto& family : families) {
    if (family.name != name) continue;
    for (const auto& metric : family.metric) {
      auto labels = metric.label;
      std::sort(labels.begin(), labels.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
      std::string key;
      for (const auto& l : labels) key += (key.empty() ? "" : ",") + l.name + "=" + l.value;
      out[key] = metric.gauge.value;
    }
  }
  return out;
}

// On 2026-12-01: overdue are the rejected records past their due date (of
// the store's grouped counts). The year's tallies, per city: of the decisions
// of 2026-06-01 in a key domain (due 7 WD later, 2026-06-10), one published
// the next day, one published in August and one rejected and still not
// stored are due, one published; a measure outside the key domains counts in
// its rule's figures only. The ratios are Prometheus' to compute.
TEST(PenaltyGauges, TheYearsTalliesAreExportedPerCityAndRule) {
  testing::TestContext ctx(Day("2026-12-01"));
  SyncStore store;
  const auto count = [](const char* published_on, int64_t n, bool never_published) {
    PublicationCount c{PenaltyKind::kDecision, "140100", "market_regulation", Day("2026-06-01"), std::nullopt, n};
    if (*published_on) c.published_on = Day(published_on);
    c.never_published = never_published;
    return c;
  };
  store.counts = {count("2026-06-02", 1, false), count("", 1, false), count("", 2, true)};
  const auto record = [](const char* source_id, const char* published_on, common::RecordKind rule, const char* domain) {
    TallyRecord r;
    r.rule = rule;
    r.agency_credit_code = kAgency;
    r.source_id = source_id;
    r.city_code = "140100";
    r.domain = domain;
    r.clock_start = Day("2026-06-01");
    if (*published_on) r.done_on = Day(published_on);
    r.rejected = !*published_on;
    return r;
  };
  store.tally_records = {record("D-1", "2026-06-02", common::RecordKind::kPenaltyDecision, "market_regulation"),
                         record("D-2", "2026-08-03", common::RecordKind::kPenaltyDecision, "market_regulation"),
                         record("D-3", "", common::RecordKind::kPenaltyDecision, "market_regulation"),
                         record("M-1", "2026-06-02", common::RecordKind::kCoerciveMeasure, "health")};
  const auto gauges = MakePenaltyGauges(store, ctx.context().deadlines, ctx.clock());
  const auto families = gauges->Collect();

  EXPECT_EQ(store.years, std::vector<int>{2026}) << "the current year's records";
  EXPECT_EQ(Samples(families, "gongkai_disclosures_overdue"),
            (std::map<std::string, double>{{"city=140100,kind=penalty_decision", 1}}));
  EXPECT_EQ(Samples(families, "gongkai_deadline_records_due"),
            (std::map<std::string, double>{{"city=140100,kind=coercive_measure", 1},
                                           {"city=140100,kind=penalty_decision", 3}}));
  EXPECT_EQ(Samples(families, "gongkai_deadline_records_met"),
            (std::map<std::string, double>{{"city=140100,kind=coercive_measure", 1},
                                           {"city=140100,kind=penalty_decision", 1}}));
  EXPECT_EQ(Samples(families, "gongkai_kpi_records_due"),
            (std::map<std::string, double>{{"city=140100,kpi=key_domain_timeliness,rule=penalty_decision", 3}}));
  EXPECT_EQ(Samples(families, "gongkai_kpi_records_met"),
            (std::map<std::string, double>{{"city=140100,kpi=key_domain_timeliness,rule=penalty_decision", 1}}));
  EXPECT_TRUE(Samples(families, "gongkai_kpi_ratio").empty());
  EXPECT_TRUE(Samples(families, "gongkai_deadline_on_time_ratio").empty());
}

}  // namespace
}  // namespace gongkai::penalties
