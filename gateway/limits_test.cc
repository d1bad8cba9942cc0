#include "gateway/limits.h"

#include <gtest/gtest.h>

namespace gongkai::gateway {
namespace {

using std::chrono::milliseconds;
using std::chrono::system_clock;

const milliseconds kDefault{30000};
const milliseconds kMax{300000};

TEST(UpstreamDeadline, NoDeadlineGetsTheDefault) {
  auto now = system_clock::now();
  EXPECT_EQ(UpstreamDeadline(now, system_clock::time_point::max(), kDefault, kMax), now + kDefault);
}

TEST(UpstreamDeadline, ADeadlineWithinTheMaximumIsKept) {
  auto now = system_clock::now();
  EXPECT_EQ(UpstreamDeadline(now, now + milliseconds(1500), kDefault, kMax), now + milliseconds(1500));
  EXPECT_EQ(UpstreamDeadline(now, now + milliseconds(120000), kDefault, kMax), now + milliseconds(120000));
  EXPECT_EQ(UpstreamDeadline(now, now + kMax, kDefault, kMax), now + kMax);
}

TEST(UpstreamDeadline, ADeadlineOverTheMaximumIsCappedAtTheMaximumNotTheDefault) {
  auto now = system_clock::now();
  EXPECT_EQ(UpstreamDeadline(now, now + kMax + milliseconds(1), kDefault, kMax), now + kMax);
  EXPECT_EQ(UpstreamDeadline(now, now + std::chrono::hours(24 * 365), kDefault, kMax), now + kMax);
}

TEST(UpstreamDeadline, APassedDeadlineStaysPassed) {
  auto now = system_clock::now();
  EXPECT_EQ(UpstreamDeadline(now, now - milliseconds(5), kDefault, kMax), now - milliseconds(5));
}

MethodInfo Method(const std::string& path) {
  auto method = LookUpMethod(path);
  if (!method) throw std::runtime_error("no method " + path);
  return *method;
}

TEST(RequestLimitFor, PublicReadsAreSmallCityWritesAreLarge) {
  RequestLimits limits;
  limits.public_read_bytes = 64 * 1024;
  limits.write_bytes = 64 * 1024 * 1024;
  EXPECT_EQ(RequestLimitFor(Method("/gongkai.registry.v1.RegistryService/ListAgencies"), limits), 64u * 1024);
  EXPECT_EQ(RequestLimitFor(Method("/gongkai.registry.v1.RegistryService/VerifyCertificate"), limits), 64u * 1024);
  EXPECT_EQ(RequestLimitFor(Method("/gongkai.penalties.v1.PenaltiesService/ListPublished"), limits), 64u * 1024);
  EXPECT_EQ(RequestLimitFor(Method("/gongkai.registry.v1.RegistryService/UpsertAgencies"), limits), 64u * 1024 * 1024);
  EXPECT_EQ(RequestLimitFor(Method("/gongkai.penalties.v1.PenaltiesService/UpsertDecisions"), limits),
            64u * 1024 * 1024);
  EXPECT_EQ(RequestLimitFor(Method("/gongkai.penalties.v1.PenaltiesService/SyncDecisions"), limits), 64u * 1024 * 1024);
}

TEST(RequestLimitFor, AClientStreamThePublicMayCallIsNotARead) {
  MethodInfo method;
  method.grpc_type = "client_stream";
  method.allowed = {common::v1::ROLE_PUBLIC};
  RequestLimits limits{100, 1000};
  EXPECT_EQ(RequestLimitFor(method, limits), 1000u);
  method.grpc_type = "unary";
  EXPECT_EQ(RequestLimitFor(method, limits), 100u);
  method.allowed = {common::v1::ROLE_CITY};
  EXPECT_EQ(RequestLimitFor(method, limits), 1000u);
}

TEST(OversizedRequestStatus, IsResourceExhaustedNamingTheSizeTheLimitAndTheMethod) {
  auto status = OversizedRequestStatus("/gongkai.registry.v1.RegistryService/ListAgencies", 70000, 65536);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(
      status.error_message(),
      "request of 70000 bytes exceeds the limit of 65536 bytes for /gongkai.registry.v1.RegistryService/ListAgencies");
}

TEST(ReadServerLimits, DefaultsAndSettings) {
  common::Config defaults({}, {});
  auto d = ReadServerLimits(defaults, 64);
  EXPECT_TRUE(defaults.Errors().empty());
  EXPECT_EQ(d.keepalive_time, milliseconds(60000));
  EXPECT_EQ(d.max_connection_idle, milliseconds(300000));
  EXPECT_EQ(d.max_concurrent_streams, 100);
  EXPECT_EQ(d.memory_quota_bytes, int64_t{1} << 30);
  EXPECT_EQ(d.max_threads, 64);

  common::Config set({{"GONGKAI_KEEPALIVE_TIME_MS", "10000"},
                      {"GONGKAI_MAX_CONCURRENT_STREAMS", "8"},
                      {"GONGKAI_MEMORY_QUOTA_MB", "256"}},
                     {});
  auto s = ReadServerLimits(set, 64);
  EXPECT_TRUE(set.Errors().empty());
  EXPECT_EQ(s.keepalive_time, milliseconds(10000));
  EXPECT_EQ(s.max_concurrent_streams, 8);
  EXPECT_EQ(s.memory_quota_bytes, int64_t{256} << 20);

  common::Config bad({{"GONGKAI_MAX_CONCURRENT_STREAMS", "0"}}, {});
  ReadServerLimits(bad, 64);
  EXPECT_FALSE(bad.Errors().empty());
}

}  // namespace
}  // namespace gongkai::gateway
