// Faults of the platform's own processes, through the gateway: the penalties
// service killed (SIGKILL) in the middle of a city's sync, then restarted; the
// city resends everything and the store holds exactly the records sent, each
// once. Kills and restarts a service of its platform: ctest runs it alone
// (RUN_SERIAL), so that the timings it waits on are not those of a loaded
// machine.
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <map>
#include <pqxx/pqxx>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/sql.h"
#include "common/testing/faketime.h"
#include "gongkai/penalties/v1/penalties.grpc.pb.h"
#include "gongkai/registry/v1/registry.grpc.pb.h"
#include "tests/e2e/platform.h"
#include "tests/e2e/records.h"

namespace gongkai {
namespace {

using penalties::v1::PenaltiesService;
using RecordResult = common::v1::RecordResult;

constexpr int kBatches = 20;
constexpr int kPerBatch = 100;
constexpr int kRecords = kBatches * kPerBatch;
// Batches sent before the kill, and the records committed when it comes.
constexpr int kSentBeforeKill = 5;
constexpr int kCommittedAtKill = 3 * kPerBatch;

class FaultEndToEnd : public testing::PlatformTest {
 protected:
  void SetUp() override {
    PlatformTest::SetUp();
    agency_ = AddAgency("140100", 81);
    for (int b = 0; b < kBatches; ++b) {
      penalties::v1::UpsertDecisionsRequest batch;
      for (int i = 0; i < kPerBatch; ++i) {
        const std::string id = std::string("S") + std::to_string(b) + "-" + std::to_string(i);
        *batch.add_decisions() = testing::CompanyDecision(agency_, id, IsoDaysAgo(10));
        sent_[id] = batch.decisions(i);
      }
      batches_.push_back(batch);
    }
  }

  // A context of the city for a stream that may last `seconds`.
  void AuthorizeStream(grpc::ClientContext& ctx, int seconds) const {
    ctx.AddMetadata("authorization", platform_->Authorization("city-140100"));
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
  }

  // The agency's records in the store, read from its table.
  int64_t StoredCount(pqxx::connection& db) const {
    pqxx::read_transaction tx(db);
    return tx.exec_params1("SELECT count(*) FROM penalties.records WHERE agency_credit_code = $1", agency_)[0]
        .as<int64_t>();
  }

  // ListPublished through the gateway, as the public: how the penalties
  // service answers there.
  grpc::Status PublicRead() {
    penalties::v1::ListPublishedRequest request;
    request.set_page_size(1);
    penalties::v1::ListPublishedResponse response;
    return Call("", &PenaltiesService::Stub::ListPublished, request, &response);
  }

  std::string agency_;
  std::vector<penalties::v1::UpsertDecisionsRequest> batches_;
  std::map<std::string, penalties::v1::PenaltyDecision> sent_;  // by source id
};

TEST_F(FaultEndToEnd, PenaltiesKilledMidSyncThenTheResentSyncStoresEveryRecordExactlyOnce) {
  if (testing::UnderFaketime()) GTEST_SKIP() << "the gateway reconnects to the restarted service on a gRPC timer";
  pqxx::connection db(platform_->database_url());
  const pid_t killed_pid = platform_->service("penalties").process->pid();

  // The sync: a few batches, and the service killed once three are committed
  // (each batch is committed in one transaction, so the count tells).
  grpc::ClientContext cut_ctx;
  AuthorizeStream(cut_ctx, 60);
  penalties::v1::SyncSummary cut_summary;
  auto stub = PenaltiesService::NewStub(platform_->Gateway());
  auto cut = stub->SyncDecisions(&cut_ctx, &cut_summary);
  for (int b = 0; b < kSentBeforeKill; ++b) ASSERT_TRUE(cut->Write(batches_[b])) << "batch " << b;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (StoredCount(db) < kCommittedAtKill && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_GE(StoredCount(db), kCommittedAtKill) << "three batches committed within 30 s";
  EXPECT_EQ(platform_->service("penalties").process->Kill(), -SIGKILL);
  const int64_t at_kill = StoredCount(db);

  // The city goes on sending: the stream is over and ends in an error, never OK.
  int written_after = 0;
  for (int b = kSentBeforeKill; b < kBatches && cut->Write(batches_[b]); ++b) ++written_after;
  cut->WritesDone();
  const grpc::Status cut_status = cut->Finish();
  EXPECT_EQ(cut_status.error_code(), grpc::StatusCode::UNAVAILABLE) << cut_status.error_message();

  // While it is down, its methods are UNAVAILABLE and the other services answer.
  const grpc::Status down = PublicRead();
  EXPECT_EQ(down.error_code(), grpc::StatusCode::UNAVAILABLE) << down.error_message();
  registry::v1::GetAgencyRequest get_agency;
  get_agency.set_credit_code(agency_);
  registry::v1::Agency agency;
  const grpc::Status other = Call("", &registry::v1::RegistryService::Stub::GetAgency, get_agency, &agency);
  EXPECT_TRUE(other.ok()) << other.error_message();

  // Whole batches only: a batch cut by the kill left nothing.
  const int64_t before_resend = StoredCount(db);
  std::printf("penalties killed with %lld records committed; %lld stored after; %d batches written after the kill\n",
              static_cast<long long>(at_kill), static_cast<long long>(before_resend), written_after);
  EXPECT_EQ(before_resend % kPerBatch, 0) << before_resend;
  EXPECT_GE(before_resend, kCommittedAtKill);
  EXPECT_LE(before_resend, kSentBeforeKill * kPerBatch);

  platform_->Restart("penalties");
  EXPECT_NE(platform_->service("penalties").process->pid(), killed_pid);
  ASSERT_TRUE(testing::Eventually([&] { return PublicRead().ok(); }, 30000))
      << "the gateway reaches the restarted service";

  // The city resends everything: what was stored is UNCHANGED, the rest ACCEPTED.
  grpc::ClientContext resend_ctx;
  AuthorizeStream(resend_ctx, 120);
  penalties::v1::SyncSummary summary;
  auto resend = stub->SyncDecisions(&resend_ctx, &summary);
  for (const auto& batch : batches_) ASSERT_TRUE(resend->Write(batch));
  resend->WritesDone();
  const grpc::Status resent = resend->Finish();
  ASSERT_TRUE(resent.ok()) << resent.error_code() << " " << resent.error_message();
  EXPECT_EQ(summary.received(), kRecords);
  EXPECT_EQ(summary.unchanged(), before_resend);
  EXPECT_EQ(summary.accepted(), kRecords - before_resend);
  EXPECT_EQ(summary.rejected(), 0);
  EXPECT_EQ(summary.results_size(), 0);

  // Record by record, once more: every one is UNCHANGED.
  penalties::v1::UpsertResponse again;
  ASSERT_TRUE(Call("city-140100", &PenaltiesService::Stub::UpsertDecisions, batches_[kBatches - 1], &again).ok());
  ASSERT_EQ(again.results_size(), kPerBatch);
  for (const auto& result : again.results()) EXPECT_EQ(result.outcome(), RecordResult::UNCHANGED) << result.key();

  // The store holds exactly the records sent, each once, as sent; no rejection.
  {
    pqxx::read_transaction tx(db);
    const pqxx::result rows =
        tx.exec_params("SELECT source_id, record FROM penalties.records WHERE agency_credit_code = $1", agency_);
    EXPECT_EQ(rows.size(), static_cast<std::size_t>(kRecords));
    std::set<std::string> stored;
    for (const auto& row : rows) {
      const auto id = row[0].as<std::string>();
      EXPECT_TRUE(stored.insert(id).second) << id << " stored twice";
      penalties::v1::PenaltyDecision record;
      ASSERT_TRUE(record.ParseFromString(common::ReadBytes(row[1]))) << id;
      const auto it = sent_.find(id);
      ASSERT_NE(it, sent_.end()) << id << " stored but never sent";
      EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(record, it->second)) << id;
    }
    EXPECT_EQ(stored.size(), sent_.size());
    EXPECT_EQ(tx.exec1("SELECT count(*) FROM penalties.rejections")[0].as<int64_t>(), 0);
  }

  // The public feed, read through the gateway from the start, published each
  // record once.
  std::map<std::string, int> published;
  int64_t after = 0;
  for (;;) {
    penalties::v1::ListChangesRequest request;
    request.set_after_seq(after);
    penalties::v1::ListChangesResponse page;
    const grpc::Status status = Call("", &PenaltiesService::Stub::ListChanges, request, &page);
    ASSERT_TRUE(status.ok()) << status.error_message();
    if (page.changes_size() == 0) break;
    for (const auto& change : page.changes()) {
      EXPECT_EQ(change.type(), penalties::v1::Change::PUBLISHED) << change.record().source_id();
      EXPECT_EQ(change.record().agency_credit_code(), agency_);
      ++published[change.record().source_id()];
    }
    after = page.last_seq();
  }
  EXPECT_EQ(published.size(), sent_.size());
  for (const auto& [id, times] : published) {
    EXPECT_EQ(times, 1) << id;
    EXPECT_TRUE(sent_.count(id)) << id << " published but never sent";
  }
}

}  // namespace
}  // namespace gongkai
