// The gateway's limits against a hostile internet, tried from outside: a
// caller's deadline is capped, not replaced; a public read is small; a
// streamed message over its limit ends the stream; a unary call that never sends its message is answered by the default
// deadline; the public lists that allow harvesting are rate limited per
// caller; X-Forwarded-For is believed from trusted proxies only, and the
// frame front's own header from the front only.
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "common/encoding.h"
#include "common/testing/faketime.h"
#include "gongkai/penalties/v1/penalties.grpc.pb.h"
#include "gongkai/registry/v1/registry.grpc.pb.h"
#include "tests/e2e/platform.h"
#include "tests/e2e/records.h"

namespace gongkai {
namespace {

using registry::v1::ListAgenciesRequest;
using registry::v1::ListAgenciesResponse;
using registry::v1::RegistryService;

constexpr char kListAgencies[] = "/gongkai.registry.v1.RegistryService/ListAgencies";

// ListAgencies as the public, with an X-Forwarded-For header when given.
grpc::Status ListAgencies(const testing::Platform& platform, const std::string& forwarded_for = "") {
  grpc::ClientContext ctx;
  platform.Authorize(ctx, "");
  if (!forwarded_for.empty()) ctx.AddMetadata("x-forwarded-for", forwarded_for);
  RegistryService::Stub stub(platform.Gateway());
  ListAgenciesResponse response;
  return stub.ListAgencies(&ctx, ListAgenciesRequest(), &response);
}

class GatewayLimits : public testing::PlatformTest {
 protected:
  testing::PlatformOptions Options() override {
    auto options = PlatformTest::Options();
    options.env["gateway"] = {{"GONGKAI_DEFAULT_DEADLINE_MS", "1000"},
                              {"GONGKAI_MAX_DEADLINE_MS", "5000"},
                              {"GONGKAI_REQUEST_MAX_BYTES", "262144"}};
    return options;
  }
};

TEST_F(GatewayLimits, ADeadlineOverTheMaximumIsCappedAndTheCallCompletes) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::hours(24 * 365));
  RegistryService::Stub stub(platform_->Gateway());
  ListAgenciesResponse response;
  auto status = stub.ListAgencies(&ctx, ListAgenciesRequest(), &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
}

TEST_F(GatewayLimits, AnOversizedPublicReadIsRefusedNamingTheLimit) {
  ListAgenciesRequest request;
  request.set_page_token(std::string(70 * 1024, 'A'));
  ListAgenciesResponse response;
  auto status = Call("", &RegistryService::Stub::ListAgencies, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
  EXPECT_NE(status.error_message().find("limit of 65536 bytes"), std::string::npos) << status.error_message();
  EXPECT_NE(status.error_message().find(kListAgencies), std::string::npos) << status.error_message();

  // Under the limit the same read goes through to the service, which judges
  // the token itself.
  request.set_page_token(std::string(1024, 'A'));
  status = Call("", &RegistryService::Stub::ListAgencies, request, &response);
  EXPECT_NE(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
}

TEST_F(GatewayLimits, AStreamedMessageOverTheLimitEndsTheStreamNamingTheLimit) {
  const std::string agency = AddAgency("140100", 73);
  grpc::ClientContext ctx;
  platform_->Authorize(ctx, "city-140100");
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(4));
  penalties::v1::SyncSummary summary;
  auto stub = penalties::v1::PenaltiesService::NewStub(platform_->Gateway());
  auto stream = stub->SyncDecisions(&ctx, &summary);
  penalties::v1::UpsertDecisionsRequest small;
  *small.add_decisions() = testing::CompanyDecision(agency, "L-0", IsoDaysAgo(10));
  ASSERT_TRUE(stream->Write(small));
  penalties::v1::UpsertDecisionsRequest large;
  auto decision = testing::CompanyDecision(agency, "L-1", IsoDaysAgo(10));
  decision.set_facts(std::string(300 * 1024, 'x'));
  *large.add_decisions() = decision;
  stream->Write(large);  // may find the stream ended already
  stream->WritesDone();
  const grpc::Status status = stream->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
  EXPECT_NE(status.error_message().find("exceeds the limit of 262144 bytes for "
                                        "/gongkai.penalties.v1.PenaltiesService/SyncDecisions"),
            std::string::npos)
      << status.error_message();
}

TEST_F(GatewayLimits, AUnaryCallThatNeverSendsItsMessageEndsAtTheDefaultDeadline) {
  if (testing::UnderFaketime()) GTEST_SKIP() << "gRPC timers do not fire under libfaketime";
  // No deadline on the caller's side, headers sent, the message never.
  grpc::GenericStub stub(platform_->Gateway());
  grpc::CompletionQueue cq;
  grpc::ClientContext ctx;
  auto call = stub.PrepareCall(&ctx, kListAgencies, &cq);
  call->StartCall(reinterpret_cast<void*>(1));
  void* tag = nullptr;
  bool ok = false;
  ASSERT_TRUE(cq.Next(&tag, &ok));
  ASSERT_EQ(tag, reinterpret_cast<void*>(1));
  ASSERT_TRUE(ok);

  auto started = std::chrono::steady_clock::now();
  grpc::Status status;
  call->Finish(&status, reinterpret_cast<void*>(2));
  auto next = cq.AsyncNext(&tag, &ok, std::chrono::system_clock::now() + std::chrono::seconds(10));
  auto waited = std::chrono::steady_clock::now() - started;
  if (next != grpc::CompletionQueue::GOT_EVENT) ctx.TryCancel();
  ASSERT_EQ(next, grpc::CompletionQueue::GOT_EVENT) << "the gateway kept the half-open call";
  EXPECT_EQ(tag, reinterpret_cast<void*>(2));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED) << status.error_message();
  EXPECT_LT(waited, std::chrono::seconds(5));
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
}

class RateLimitedLists : public testing::PlatformTest {
 protected:
  testing::PlatformOptions Options() override {
    auto options = PlatformTest::Options();
    options.env["gateway"] = {{"GONGKAI_RATE_LIMIT", "3"},
                              {"GONGKAI_RATE_WINDOW_MS", "600000"},
                              {"GONGKAI_TRUSTED_PROXIES", TrustedProxies()}};
    return options;
  }
  virtual std::string TrustedProxies() { return "192.0.2.1"; }
};

TEST_F(RateLimitedLists, ListAgenciesIsRateLimitedPerCaller) {
  for (int i = 0; i < 3; ++i) {
    auto status = ListAgencies(*platform_);
    ASSERT_TRUE(status.ok()) << i << ": " << status.error_message();
  }
  auto refused = ListAgencies(*platform_);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << refused.error_message();
  EXPECT_NE(refused.error_message().find("rate limit"), std::string::npos) << refused.error_message();

  // Another caller has a bucket of its own.
  ListAgenciesResponse response;
  auto city = Call("city-140100", &RegistryService::Stub::ListAgencies, ListAgenciesRequest(), &response);
  EXPECT_TRUE(city.ok()) << city.error_message();
}

TEST_F(RateLimitedLists, XForwardedForFromAnUntrustedPeerIsIgnored) {
  // The test's own address is no trusted proxy: each header names another
  // client, and all of them are the one peer.
  for (int i = 0; i < 3; ++i) {
    auto status = ListAgencies(*platform_, "198.51.100." + std::to_string(i + 1));
    ASSERT_TRUE(status.ok()) << i << ": " << status.error_message();
  }
  auto refused = ListAgencies(*platform_, "198.51.100.99");
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << refused.error_message();
}

// A compressed request is served by the gateway's gRPC server behind its
// frame front, which names the caller there in a header of its own
// (x-gongkai-front), signed with a key of the process: a caller that sends
// that header itself names nobody, and its calls count as its own. The
// request is compressible (a long city code), so its message goes
// compressed, which only the gRPC server reads; the registry answers it.
void ExpectForgedFrontHeadersNameNobody(const testing::Platform& platform) {
  for (int i = 0; i < 4; ++i) {
    grpc::ClientContext ctx;
    platform.Authorize(ctx, "");
    ctx.set_compression_algorithm(GRPC_COMPRESS_GZIP);
    const std::string peer = "ipv4:198.51.100." + std::to_string(i + 1) + ":5555";
    ctx.AddMetadata("x-gongkai-front",
                    common::Base64Encode(peer, common::Base64::kUrl, false) + ".." + std::string(64, '0'));
    RegistryService::Stub stub(platform.Gateway());
    ListAgenciesRequest request;
    request.set_city_code(std::string(4096, '1'));
    ListAgenciesResponse response;
    const grpc::Status status = stub.ListAgencies(&ctx, request, &response);
    if (i < 3) {
      EXPECT_NE(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << i << ": " << status.error_message();
      EXPECT_NE(status.error_code(), grpc::StatusCode::INTERNAL) << i << ": " << status.error_message();
      EXPECT_NE(status.error_code(), grpc::StatusCode::UNAVAILABLE) << i << ": " << status.error_message();
    } else {
      EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
      EXPECT_NE(status.error_message().find("rate limit"), std::string::npos) << status.error_message();
    }
  }
}

TEST_F(RateLimitedLists, ACompressedRequestIsServedAndAForgedFrontHeaderNamesNobody) {
  ExpectForgedFrontHeadersNameNobody(*platform_);
}

// The same with the gRPC server on the port itself: the header reaches the
// proxy as the caller sent it, and does not verify.
class RateLimitedListsOnTheGrpcServer : public RateLimitedLists {
 protected:
  testing::PlatformOptions Options() override {
    auto options = RateLimitedLists::Options();
    options.env["gateway"]["GONGKAI_GRPC_FRONT"] = "grpc";
    return options;
  }
};

TEST_F(RateLimitedListsOnTheGrpcServer, AForgedFrontHeaderNamesNobody) {
  ExpectForgedFrontHeadersNameNobody(*platform_);
}

class BehindATrustedProxy : public RateLimitedLists {
 protected:
  std::string TrustedProxies() override { return "127.0.0.1,::1"; }
};

TEST_F(BehindATrustedProxy, XForwardedForFromATrustedPeerNamesTheClient) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(ListAgencies(*platform_, "198.51.100.1").ok()) << i;
  EXPECT_EQ(ListAgencies(*platform_, "198.51.100.1").error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  // Another client behind the same proxy has its own bucket.
  auto other = ListAgencies(*platform_, "198.51.100.2");
  EXPECT_TRUE(other.ok()) << other.error_message();
}

}  // namespace
}  // namespace gongkai
