// Streams and requests that do not parse, and streams that fail part-way,
// through the gateway: the sender always learns which message failed and what
// was stored before it, and never gets OK for a stream that was cut short.
// The messages are sent as raw bytes through a generic stub, as an
// independent client could send them (a generated stub would not encode a
// string that is not UTF-8).
#include <grpcpp/generic/generic_stub.h>
#include <gtest/gtest.h>

#include <chrono>

#include "common/calendar/iso_date.h"
#include "common/identifiers.h"
#include "common/testing/faketime.h"
#include "gongkai/penalties/v1/penalties.grpc.pb.h"
#include "gongkai/registry/v1/registry.grpc.pb.h"
#include "google/rpc/status.pb.h"
#include "tests/e2e/platform.h"
#include "tests/e2e/records.h"

namespace gongkai {
namespace {

using penalties::v1::PenaltiesService;
using testing::CreditCode;

constexpr char kSyncDecisions[] = "/gongkai.penalties.v1.PenaltiesService/SyncDecisions";
constexpr char kUpsertDecisions[] = "/gongkai.penalties.v1.PenaltiesService/UpsertDecisions";

// One call of any method through a generic stub, its messages raw bytes, each
// step waited for: what a sender of hand-made bytes does.
class RawCall {
 public:
  RawCall(const std::shared_ptr<grpc::Channel>& channel, const std::string& method, const std::string& authorization)
      : stub_(channel) {
    context_.AddMetadata("authorization", authorization);
    context_.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    call_ = stub_.PrepareCall(&context_, method, &queue_);
    call_->StartCall(this);
    started_ = Wait();
  }

  ~RawCall() {
    if (!finished_) {
      context_.TryCancel();
      grpc::Status ignored;
      call_->Finish(&ignored, this);
      Wait();
    }
    queue_.Shutdown();
    void* tag;
    bool ok;
    while (queue_.Next(&tag, &ok)) {
    }
  }

  // False once the call is over (the gateway ended it): the message was not
  // sent.
  bool Write(const std::string& bytes) {
    grpc::Slice slice(bytes);
    grpc::ByteBuffer buffer(&slice, 1);
    call_->Write(buffer, this);
    return Wait();
  }

  // Half-closes, reads the answer if one comes (into `answer`), and returns
  // how the call ended.
  grpc::Status Finish(std::string* answer = nullptr) {
    call_->WritesDone(this);
    Wait();
    grpc::ByteBuffer response;
    call_->Read(&response, this);
    if (Wait() && answer != nullptr) {
      std::vector<grpc::Slice> slices;
      EXPECT_TRUE(response.Dump(&slices).ok());
      for (const auto& s : slices) answer->append(reinterpret_cast<const char*>(s.begin()), s.size());
    }
    grpc::Status status;
    call_->Finish(&status, this);
    Wait();
    finished_ = true;
    return status;
  }

  bool started() const { return started_; }

 private:
  bool Wait() {
    void* tag;
    bool ok = false;
    EXPECT_TRUE(queue_.Next(&tag, &ok));
    return ok;
  }

  grpc::GenericStub stub_;
  grpc::ClientContext context_;
  grpc::CompletionQueue queue_;
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call_;
  bool started_ = false;
  bool finished_ = false;
};

// The encoding of `batch` with the first "##" in it made 0xff 0xfe: never
// valid UTF-8, in a string field of one record.
std::string WithInvalidUtf8(const penalties::v1::UpsertDecisionsRequest& batch) {
  std::string bytes = batch.SerializeAsString();
  const auto at = bytes.find("##");
  EXPECT_NE(at, std::string::npos);
  bytes[at] = '\xff';
  bytes[at + 1] = '\xfe';
  return bytes;
}

// The sync summary in a status's details; fails the test when there is none.
penalties::v1::SyncSummary SummaryIn(const grpc::Status& status) {
  google::rpc::Status details;
  penalties::v1::SyncSummary summary;
  EXPECT_TRUE(details.ParseFromString(status.error_details())) << "status details";
  EXPECT_EQ(details.code(), status.error_code());
  int found = 0;
  for (const auto& any : details.details()) found += any.UnpackTo(&summary) ? 1 : 0;
  EXPECT_EQ(found, 1) << "one SyncSummary in the details";
  return summary;
}

class StreamsEndToEnd : public testing::PlatformTest {
 protected:
  void SetUp() override {
    PlatformTest::SetUp();
    agency_ = AddAgency("140100", 71);
  }

  // A company's decision of `agency_`, valid on the platform's date; its
  // facts end in "##", where WithInvalidUtf8 puts its bytes.
  penalties::v1::PenaltyDecision Decision(const std::string& source_id) const {
    auto d = testing::CompanyDecision(agency_, source_id, IsoDaysAgo(10));
    d.set_facts(d.facts() + "##");
    return d;
  }

  // A batch of `count` decisions "<prefix>-0"..; the one at `rejected` (if
  // any) has no facts, so it is rejected.
  penalties::v1::UpsertDecisionsRequest Batch(const std::string& prefix, int count, int rejected = -1) const {
    penalties::v1::UpsertDecisionsRequest batch;
    for (int i = 0; i < count; ++i) {
      auto d = Decision(prefix + "-" + std::to_string(i));
      if (i == rejected) d.clear_facts();
      *batch.add_decisions() = d;
    }
    return batch;
  }

  // Whether the city's decision is stored (GetDecision finds it).
  bool Stored(const std::string& source_id) {
    penalties::v1::GetRecordRequest request;
    request.set_kind(penalties::v1::GetRecordRequest::DECISION);
    request.set_agency_credit_code(agency_);
    request.set_source_id(source_id);
    penalties::v1::PenaltyDecision decision;
    grpc::Status status = Call("city-140100", &PenaltiesService::Stub::GetDecision, request, &decision);
    EXPECT_TRUE(status.ok() || status.error_code() == grpc::StatusCode::NOT_FOUND) << status.error_message();
    return status.ok();
  }

  std::string agency_;
};

TEST_F(StreamsEndToEnd, AStreamMessageThatDoesNotParseEndsTheStreamNamingItWithTheSummaryBefore) {
  RawCall sync(platform_->Gateway(), kSyncDecisions, platform_->Authorization("city-140100"));
  ASSERT_TRUE(sync.started());
  ASSERT_TRUE(sync.Write(Batch("A", 50, 7).SerializeAsString()));
  ASSERT_TRUE(sync.Write(WithInvalidUtf8(Batch("B", 50))));
  sync.Write(Batch("C", 50).SerializeAsString());  // may find the call over already
  std::string answer;
  grpc::Status status = sync.Finish(&answer);

  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  EXPECT_EQ(status.error_message(),
            "message 1 (from 0) of the stream does not parse as gongkai.penalties.v1.UpsertDecisionsRequest (string "
            "field gongkai.penalties.v1.PenaltyDecision.facts is not valid UTF-8); the messages before it were "
            "processed: see the summary in the details");
  EXPECT_TRUE(answer.empty()) << "no answer as if the stream had succeeded";
  const penalties::v1::SyncSummary before = SummaryIn(status);
  EXPECT_EQ(before.received(), 50);
  EXPECT_EQ(before.accepted(), 49);
  EXPECT_EQ(before.rejected(), 1);
  ASSERT_EQ(before.results_size(), 1);
  EXPECT_EQ(before.results(0).index(), 7);
  EXPECT_EQ(before.results(0).violations(0).field(), "decisions[7].facts");

  // Stored: exactly the first message's valid records; nothing of the
  // message that did not parse, nothing after it.
  EXPECT_TRUE(Stored("A-0"));
  EXPECT_TRUE(Stored("A-49"));
  EXPECT_FALSE(Stored("A-7"));
  EXPECT_FALSE(Stored("B-0"));
  EXPECT_FALSE(Stored("C-0"));

  // The sender resumes from message 1, corrected, and the stream succeeds.
  RawCall resume(platform_->Gateway(), kSyncDecisions, platform_->Authorization("city-140100"));
  ASSERT_TRUE(resume.Write(Batch("B", 50).SerializeAsString()));
  ASSERT_TRUE(resume.Write(Batch("C", 50).SerializeAsString()));
  answer.clear();
  status = resume.Finish(&answer);
  ASSERT_TRUE(status.ok()) << status.error_message();
  penalties::v1::SyncSummary summary;
  ASSERT_TRUE(summary.ParseFromString(answer));
  EXPECT_EQ(summary.received(), 100);
  EXPECT_EQ(summary.accepted(), 100);
  EXPECT_TRUE(Stored("C-49"));
}

TEST_F(StreamsEndToEnd, AFirstStreamMessageThatDoesNotParseReportsThatNothingWasProcessed) {
  RawCall sync(platform_->Gateway(), kSyncDecisions, platform_->Authorization("city-140100"));
  ASSERT_TRUE(sync.Write(WithInvalidUtf8(Batch("N", 3))));
  grpc::Status status = sync.Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  EXPECT_TRUE(status.error_message().starts_with("message 0 (from 0) of the stream does not parse"));
  const penalties::v1::SyncSummary before = SummaryIn(status);
  EXPECT_EQ(before.received(), 0);
  EXPECT_FALSE(Stored("N-0"));
}

TEST_F(StreamsEndToEnd, AFailureMidStreamKeepsTheSummaryOfWhatWasCommitted) {
  const std::string foreign = AddAgency("140200", 72);
  auto refused = Batch("Q", 10);
  refused.mutable_decisions(4)->set_agency_credit_code(foreign);

  RawCall sync(platform_->Gateway(), kSyncDecisions, platform_->Authorization("city-140100"));
  ASSERT_TRUE(sync.Write(Batch("P", 20, 3).SerializeAsString()));
  ASSERT_TRUE(sync.Write(refused.SerializeAsString()));
  sync.Write(Batch("R", 10).SerializeAsString());  // may find the call over already
  grpc::Status status = sync.Finish();

  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << status.error_message();
  EXPECT_TRUE(status.error_message().starts_with("message 1 (from 0) of the stream failed: agency " + foreign))
      << status.error_message();
  const penalties::v1::SyncSummary before = SummaryIn(status);
  EXPECT_EQ(before.received(), 20);
  EXPECT_EQ(before.accepted(), 19);
  EXPECT_EQ(before.rejected(), 1);
  ASSERT_EQ(before.results_size(), 1);
  EXPECT_EQ(before.results(0).index(), 3);
  EXPECT_TRUE(Stored("P-19"));
  EXPECT_FALSE(Stored("Q-0"));
  EXPECT_FALSE(Stored("R-0"));
}

TEST_F(StreamsEndToEnd, AUnaryRequestThatDoesNotParseIsInvalidArgumentAndNothingIsStored) {
  RawCall upsert(platform_->Gateway(), kUpsertDecisions, platform_->Authorization("city-140100"));
  ASSERT_TRUE(upsert.Write(WithInvalidUtf8(Batch("U", 2))));
  std::string answer;
  grpc::Status status = upsert.Finish(&answer);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  EXPECT_EQ(status.error_message(),
            "request does not parse as gongkai.penalties.v1.UpsertDecisionsRequest (string field "
            "gongkai.penalties.v1.PenaltyDecision.facts is not valid UTF-8)");
  EXPECT_TRUE(answer.empty());
  EXPECT_FALSE(Stored("U-1"));

  // A malformed encoding (cut short) too.
  const std::string bytes = Batch("U", 2).SerializeAsString();
  RawCall truncated(platform_->Gateway(), kUpsertDecisions, platform_->Authorization("city-140100"));
  ASSERT_TRUE(truncated.Write(bytes.substr(0, bytes.size() - 5)));
  status = truncated.Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  EXPECT_EQ(status.error_message(), "request does not parse as gongkai.penalties.v1.UpsertDecisionsRequest");

  // The same bytes made valid are taken.
  RawCall valid(platform_->Gateway(), kUpsertDecisions, platform_->Authorization("city-140100"));
  ASSERT_TRUE(valid.Write(bytes));
  status = valid.Finish();
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(Stored("U-1"));
}

// SIGTERM with a stream open and a unary call whose message never came: the
// gateway ends both within its grace (2 s in the platform), stops its
// threads and exits 0, and the callers are told.
TEST_F(StreamsEndToEnd, TheGatewayStopsWithCallsOpenWithinItsGrace) {
  if (testing::UnderFaketime()) GTEST_SKIP() << "the gateway's grace ends on a gRPC timer";
  RawCall sync(platform_->Gateway(), kSyncDecisions, platform_->Authorization("city-140100"));
  ASSERT_TRUE(sync.Write(Batch("T", 2).SerializeAsString()));
  RawCall upsert(platform_->Gateway(), kUpsertDecisions, platform_->Authorization("city-140100"));
  ASSERT_TRUE(upsert.started());

  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(platform_->gateway().process->Stop(), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(8));
  EXPECT_FALSE(sync.Finish().ok());
  EXPECT_FALSE(upsert.Finish().ok());
}

}  // namespace
}  // namespace gongkai
