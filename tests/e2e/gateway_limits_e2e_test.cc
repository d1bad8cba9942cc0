// The gateway's limits against a hostile internet, tried from outside: a
// caller's deadline is capped, not replaced; a public read is small; a
// streamed message over its limit ends the stream; a unary call that never sends its message is answered by the default
// deadline; connections to the gRPC port are capped; the public lists that allow harvesting are rate limited per
// caller; X-Forwarded-For is believed from trusted proxies only, and the
// frame front's own header from the front only.
#include <arpa/inet.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

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

// A plain TCP connection to 127.0.0.1:`port`; -1 when it could not be made.
int ConnectTcp(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// Whether the peer closed `fd` within `wait`: what it sends meanwhile (the
// server's HTTP/2 settings) is read and dropped.
bool ClosedWithin(int fd, std::chrono::milliseconds wait) {
  const auto until = std::chrono::steady_clock::now() + wait;
  char buffer[4096];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    const ssize_t n = recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) return true;
  }
}

class ConnectionCap : public testing::PlatformTest {
 protected:
  testing::PlatformOptions Options() override {
    auto options = PlatformTest::Options();
    options.env["gateway"] = {{"GONGKAI_MAX_CONNECTIONS", "3"}};
    return options;
  }
};

TEST_F(ConnectionCap, AConnectionOverTheLimitIsClosedAtOnceAndOneClosedMakesRoom) {
  const int port = platform_->gateway().ports.grpc;
  std::vector<int> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(ConnectTcp(port));
    ASSERT_GE(held.back(), 0);
    EXPECT_FALSE(ClosedWithin(held.back(), std::chrono::milliseconds(300))) << "connection " << i;
  }
  const int over = ConnectTcp(port);
  ASSERT_GE(over, 0);  // the kernel completes the handshake; the front then closes it
  EXPECT_TRUE(ClosedWithin(over, std::chrono::seconds(5)));
  close(over);
  EXPECT_EQ(ListAgencies(*platform_).error_code(), grpc::StatusCode::UNAVAILABLE);

  // A connection closed by its caller makes room for the next (the front
  // sees the close on its next read).
  close(held.back());
  held.pop_back();
  grpc::Status status = ListAgencies(*platform_);
  for (int tries = 0; !status.ok() && tries < 50; ++tries) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    status = ListAgencies(*platform_);
  }
  EXPECT_TRUE(status.ok()) << status.error_message();
  for (int fd : held) EXPECT_FALSE(ClosedWithin(fd, std::chrono::milliseconds(100)));
  for (int fd : held) close(fd);
}

TEST_F(ConnectionCap, AConnectionThatNeverSpeaksHttp2IsClosedAfterTheConnectTimeout) {
  const int fd = ConnectTcp(platform_->gateway().ports.grpc);
  ASSERT_GE(fd, 0);
  const auto opened = std::chrono::steady_clock::now();
  EXPECT_FALSE(ClosedWithin(fd, std::chrono::seconds(2)));
  EXPECT_TRUE(ClosedWithin(fd, std::chrono::seconds(30)));
  EXPECT_GE(std::chrono::steady_clock::now() - opened, std::chrono::seconds(19));
  close(fd);
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
