#include "common/metrics.h"

#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

namespace gongkai::common {
namespace {

std::string Exposition(prometheus::Registry& registry) {
  return prometheus::TextSerializer().Serialize(registry.Collect());
}

TEST(GrpcServerMetrics, ACallsSeriesIsResolvedOnceAndCountsItsCalls) {
  prometheus::Registry registry;
  GrpcServerMetrics metrics(registry, true);
  const GrpcServerMetrics::Call call{"unary", "/gongkai.registry.v1.RegistryService/VerifyCertificate", "public"};
  auto& series = metrics.SeriesOf(call);
  EXPECT_EQ(&metrics.SeriesOf(call), &series);
  EXPECT_NE(&metrics.SeriesOf({"unary", call.full_method, "140100"}), &series);

  metrics.Started(series);
  metrics.Started(series);
  metrics.Handled(series, grpc::StatusCode::OK, 0.002);
  metrics.Handled(series, grpc::StatusCode::RESOURCE_EXHAUSTED, 0.001);
  const std::string text = Exposition(registry);
  const std::string labels =
      R"(caller="public",grpc_method="VerifyCertificate",grpc_service="gongkai.registry.v1.RegistryService",grpc_type="unary")";
  EXPECT_NE(text.find("grpc_server_started_total{" + labels + "} 2"), std::string::npos) << text;
  EXPECT_NE(text.find(R"(grpc_server_handled_total{caller="public",grpc_code="OK",)"), std::string::npos) << text;
  EXPECT_NE(text.find(R"(grpc_server_handled_total{caller="public",grpc_code="ResourceExhausted",)"), std::string::npos)
      << text;
  EXPECT_NE(text.find("grpc_server_handling_seconds_count{" + labels + "} 2"), std::string::npos) << text;
  // Only the codes that occurred are listed.
  EXPECT_EQ(text.find("grpc_code=\"Internal\""), std::string::npos) << text;
}

}  // namespace
}  // namespace gongkai::common
