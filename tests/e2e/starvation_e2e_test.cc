// Idle streams cannot starve the public: a city that opens more SyncDecisions
// streams than its bound through the gateway is refused the extra ones, and
// a flood of idle streams straight at the penalties service is refused past
// the service's bound; public reads keep answering within their deadline
// while the streams that were let in stay open. A burst of a thousand public
// reads is answered or refused call by call, naming the bound met.
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "common/identity.h"
#include "gongkai/penalties/v1/penalties.grpc.pb.h"
#include "gongkai/registry/v1/registry.grpc.pb.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "tests/e2e/platform.h"

namespace gongkai {
namespace {

using penalties::v1::PenaltiesService;
using registry::v1::RegistryService;
using std::chrono::milliseconds;
using std::chrono::system_clock;

constexpr char kSyncDecisions[] = "/gongkai.penalties.v1.PenaltiesService/SyncDecisions";

// Client streams opened and left idle: each is started, sends nothing and
// has a read pending, which completes only when the server ends the call.
// One completion queue and one thread serve them all; the streams still open
// are cancelled when this goes.
class IdleStreams {
 public:
  using Prepare = std::function<void(grpc::ClientContext&)>;

  IdleStreams(const std::shared_ptr<grpc::Channel>& channel, std::string method)
      : stub_(channel), method_(std::move(method)), pump_([this] { Pump(); }) {}

  ~IdleStreams() {
    {
      std::lock_guard lock(mutex_);
      for (auto& s : streams_) {
        if (!s->ended) s->context.TryCancel();
      }
    }
    {
      std::unique_lock lock(mutex_);
      changed_.wait_for(lock, std::chrono::seconds(30), [&] { return ended_ == static_cast<int>(streams_.size()); });
    }
    queue_.Shutdown();
    pump_.join();
  }

  // Opens `count` more streams, each prepared by `prepare` (its credential),
  // with a deadline a minute away.
  void Open(int count, const Prepare& prepare) {
    std::lock_guard lock(mutex_);
    for (int i = 0; i < count; ++i) {
      const auto index = static_cast<intptr_t>(streams_.size());
      auto& s = streams_.emplace_back(std::make_unique<Stream>());
      prepare(s->context);
      s->context.set_deadline(system_clock::now() + std::chrono::minutes(1));
      s->call = stub_.PrepareCall(&s->context, method_, &queue_);
      s->call->StartCall(Tag(index, kStarted));
    }
  }

  // How many of the streams have ended.
  int Ended() const {
    std::lock_guard lock(mutex_);
    return ended_;
  }

  // Waits until at least `count` streams have ended, or `timeout`; how many have.
  int WaitUntilEnded(int count, milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, timeout, [&] { return ended_ >= count; });
    return ended_;
  }

  // How the streams that ended ended, in the order they did.
  std::vector<grpc::Status> EndedStatuses() const {
    std::lock_guard lock(mutex_);
    std::vector<grpc::Status> out;
    for (intptr_t i : ended_order_) out.push_back(streams_[static_cast<std::size_t>(i)]->status);
    return out;
  }

  // Cancels one stream still open; false when none is.
  bool CancelOneOpen() {
    std::lock_guard lock(mutex_);
    for (auto& s : streams_) {
      if (!s->ended) {
        s->context.TryCancel();
        return true;
      }
    }
    return false;
  }

 private:
  enum Op : intptr_t { kStarted = 1, kRead = 2, kFinished = 3 };

  struct Stream {
    grpc::ClientContext context;
    std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call;
    grpc::ByteBuffer response;
    grpc::Status status;
    bool ended = false;
  };

  static void* Tag(intptr_t index, Op op) { return reinterpret_cast<void*>(index * 4 + op); }

  void Pump() {
    void* tag;
    bool ok;
    while (queue_.Next(&tag, &ok)) {
      const auto value = reinterpret_cast<intptr_t>(tag);
      const intptr_t index = value / 4;
      std::lock_guard lock(mutex_);
      Stream& s = *streams_[static_cast<std::size_t>(index)];
      switch (value % 4) {
        case kStarted:
          if (ok) {
            s.call->Read(&s.response, Tag(index, kRead));
          } else {
            s.call->Finish(&s.status, Tag(index, kFinished));
          }
          break;
        case kRead:  // an answer, or the end of the call: either way its status follows
          s.call->Finish(&s.status, Tag(index, kFinished));
          break;
        case kFinished:
          s.ended = true;
          ++ended_;
          ended_order_.push_back(index);
          changed_.notify_all();
          break;
      }
    }
  }

  grpc::GenericStub stub_;
  const std::string method_;
  grpc::CompletionQueue queue_;
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::vector<std::unique_ptr<Stream>> streams_;  // guarded by mutex_
  int ended_ = 0;                                 // guarded by mutex_
  std::vector<intptr_t> ended_order_;             // guarded by mutex_
  std::thread pump_;                              // last: it uses the members above
};

// The RetryInfo of a status's details, in milliseconds; -1 when there is none.
int64_t RetryDelayMs(const grpc::Status& status) {
  google::rpc::Status details;
  if (!details.ParseFromString(status.error_details())) return -1;
  for (const auto& any : details.details()) {
    google::rpc::RetryInfo retry;
    if (any.UnpackTo(&retry)) return retry.retry_delay().seconds() * 1000 + retry.retry_delay().nanos() / 1000000;
  }
  return -1;
}

// Every status is RESOURCE_EXHAUSTED naming `limit` with a RetryInfo.
void ExpectRefusedNaming(const std::vector<grpc::Status>& statuses, int limit) {
  for (const auto& status : statuses) {
    EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
    EXPECT_NE(status.error_message().find("at most " + std::to_string(limit) + " at once"), std::string::npos)
        << status.error_message();
    EXPECT_GT(RetryDelayMs(status), 0) << "a google.rpc.RetryInfo in the details";
  }
}

// A client context of the public with a deadline of 2 s.
std::unique_ptr<grpc::ClientContext> PublicWithin2s() {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(system_clock::now() + std::chrono::seconds(2));
  return ctx;
}

// The public reads of the registry and of penalties through the gateway each
// answer within a deadline of 2 s.
void ExpectPublicReadsAnswer(const testing::Platform& platform) {
  RegistryService::Stub registry(platform.Gateway());
  PenaltiesService::Stub penalties(platform.Gateway());
  registry::v1::VerifyCertificateRequest verify;
  verify.set_certificate_number("1401000000000001");
  registry::v1::VerifyCertificateResponse verdict;
  auto status = registry.VerifyCertificate(PublicWithin2s().get(), verify, &verdict);
  EXPECT_TRUE(status.ok()) << "VerifyCertificate: " << status.error_message();
  registry::v1::ListAgenciesResponse agencies;
  status = registry.ListAgencies(PublicWithin2s().get(), registry::v1::ListAgenciesRequest(), &agencies);
  EXPECT_TRUE(status.ok()) << "ListAgencies: " << status.error_message();
  penalties::v1::ListPublishedResponse published;
  status = penalties.ListPublished(PublicWithin2s().get(), penalties::v1::ListPublishedRequest(), &published);
  EXPECT_TRUE(status.ok()) << "ListPublished: " << status.error_message();
}

// Through the gateway, a city may hold 3 streams at once.
class GatewayStreamBound : public testing::PlatformTest {
 protected:
  testing::PlatformOptions Options() override {
    auto options = PlatformTest::Options();
    options.env["gateway"] = {{"GONGKAI_MAX_STREAMS_PER_CALLER", "3"}};
    return options;
  }

  IdleStreams::Prepare As(const std::string& principal) const {
    const std::string authorization = platform_->Authorization(principal);
    return [authorization](grpc::ClientContext& ctx) { ctx.AddMetadata("authorization", authorization); };
  }
};

TEST_F(GatewayStreamBound, ACitysStreamsPastItsBoundAreRefusedAndPublicReadsGoOn) {
  AddAgency("140100", 91);
  IdleStreams streams(platform_->Gateway(), kSyncDecisions);
  streams.Open(5, As("city-140100"));
  ASSERT_EQ(streams.WaitUntilEnded(2, milliseconds(10000)), 2);
  std::this_thread::sleep_for(milliseconds(300));
  EXPECT_EQ(streams.Ended(), 2) << "the three within the bound stay open";
  ExpectRefusedNaming(streams.EndedStatuses(), 3);

  // The bound is each caller's: another city's stream is let in.
  streams.Open(1, As("city-140200"));
  std::this_thread::sleep_for(milliseconds(300));
  EXPECT_EQ(streams.Ended(), 2);

  ExpectPublicReadsAnswer(*platform_);

  // A stream that ends gives its place back: one more of the city's is let
  // in once the gateway has seen it end (each refusal until then is counted).
  ASSERT_TRUE(streams.CancelOneOpen());
  ASSERT_EQ(streams.WaitUntilEnded(3, milliseconds(10000)), 3);
  bool let_in = false;
  for (int attempt = 0; attempt < 20 && !let_in; ++attempt) {
    const int ended = streams.Ended();
    streams.Open(1, As("city-140100"));
    std::this_thread::sleep_for(milliseconds(300));
    let_in = streams.Ended() == ended;
  }
  EXPECT_TRUE(let_in) << "a freed place is taken again";
}

// Straight at the penalties service, past the gateway: at most 8 streams in
// a server of 64 threads, with the identity the gateway would sign (signed
// with the gateway's key).
class ServiceStreamBound : public testing::PlatformTest {
 protected:
  testing::PlatformOptions Options() override {
    auto options = PlatformTest::Options();
    options.env["penalties"]["GONGKAI_MAX_STREAMS"] = std::to_string(kMaxStreams);
    options.env["penalties"]["GONGKAI_MAX_THREADS"] = "64";
    return options;
  }

  // Signs, as the gateway would, city 140100's identity for SyncDecisions.
  IdleStreams::Prepare SignedSync() const {
    auto s = platform_->SignerOf("gateway")->Sign({common::v1::ROLE_CITY, "140100", "", "city-140100"},
                                                  system_clock::now() + std::chrono::minutes(5), kSyncDecisions);
    return [s](grpc::ClientContext& ctx) {
      ctx.AddMetadata(common::kIdentityHeader, s.payload);
      ctx.AddMetadata(common::kIdentitySignatureHeader, s.signature);
    };
  }

  static constexpr int kMaxStreams = 8;
};

TEST_F(ServiceStreamBound, HundredsOfIdleStreamsAtOncePastTheBoundAreRefusedAndPublicReadsGoOn) {
  constexpr int kStreams = 300;
  // All at once, more than the service's 64 threads: every stream past the
  // bound is refused naming it, with a RetryInfo (none by gRPC itself for
  // want of a thread). The refusals may take seconds on a loaded machine:
  // the wait is generous, and the count after it is what is asserted.
  IdleStreams streams(platform_->Direct("penalties"), kSyncDecisions);
  streams.Open(kStreams, SignedSync());
  ASSERT_EQ(streams.WaitUntilEnded(kStreams - kMaxStreams, milliseconds(60000)), kStreams - kMaxStreams);
  std::this_thread::sleep_for(milliseconds(500));
  EXPECT_EQ(streams.Ended(), kStreams - kMaxStreams) << "the streams within the bound stay open";
  ExpectRefusedNaming(streams.EndedStatuses(), kMaxStreams);

  // The service's public reads answer, asked directly and through the gateway.
  PenaltiesService::Stub direct(platform_->Direct("penalties"));
  for (int i = 0; i < 20; ++i) {
    penalties::v1::ListPublishedResponse published;
    auto status = direct.ListPublished(PublicWithin2s().get(), penalties::v1::ListPublishedRequest(), &published);
    EXPECT_TRUE(status.ok()) << "ListPublished " << i << ": " << status.error_message();
  }
  ExpectPublicReadsAnswer(*platform_);
  EXPECT_EQ(testing::HealthOf(platform_->Direct("penalties")), "SERVING");
}

// A thousand public reads sent at once straight at the penalties service,
// far more than its 64 threads: each is answered, or refused naming the
// bound it met (the public lane's calls) with a RetryInfo; none is refused by
// gRPC itself, and none fails otherwise.
TEST_F(ServiceStreamBound, AThousandPublicReadsAtOnceAreEachAnsweredOrRefusedNamingABound) {
  constexpr int kCalls = 1000;
  PenaltiesService::Stub direct(platform_->Direct("penalties"));
  struct Read {
    grpc::ClientContext context;
    penalties::v1::ListPublishedRequest request;
    penalties::v1::ListPublishedResponse response;
    grpc::Status status;
  };
  std::vector<std::unique_ptr<Read>> reads;
  std::mutex mutex;
  std::condition_variable all_done;
  int done = 0;
  for (int i = 0; i < kCalls; ++i) {
    auto& read = reads.emplace_back(std::make_unique<Read>());
    read->context.set_deadline(system_clock::now() + std::chrono::seconds(60));
  }
  for (auto& read : reads) {
    Read* r = read.get();
    direct.async()->ListPublished(&r->context, &r->request, &r->response, [&, r](grpc::Status status) {
      std::lock_guard lock(mutex);
      r->status = std::move(status);
      if (++done == kCalls) all_done.notify_all();
    });
  }
  {
    std::unique_lock lock(mutex);
    ASSERT_TRUE(all_done.wait_for(lock, std::chrono::seconds(90), [&] { return done == kCalls; }));
  }
  int answered = 0;
  int refused = 0;
  for (const auto& read : reads) {
    if (read->status.ok()) {
      ++answered;
      continue;
    }
    ++refused;
    ASSERT_EQ(read->status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << read->status.error_message();
    EXPECT_NE(read->status.error_message().find("too many calls of the public: at most"), std::string::npos)
        << read->status.error_message();
    EXPECT_GT(RetryDelayMs(read->status), 0) << read->status.error_message();
  }
  EXPECT_GT(answered, 0);
  std::printf("%d answered, %d refused naming the public lane's bound\n", answered, refused);
  EXPECT_EQ(testing::HealthOf(platform_->Direct("penalties")), "SERVING");
}

}  // namespace
}  // namespace gongkai
