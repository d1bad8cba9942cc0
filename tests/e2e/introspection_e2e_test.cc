// Health and reflection through the gateway (gateway/introspection.h): the
// routed services are listed and described, and their health is asked of
// their upstreams.
#include <google/protobuf/descriptor.pb.h>
#include <grpcpp/impl/rpc_method.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>

#include "common/testing/faketime.h"
#include "gongkai/gateway/v1/reflection.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "tests/e2e/platform.h"

namespace gongkai::testing {
namespace {

using gateway::v1::ServerReflectionRequest;
using gateway::v1::ServerReflectionResponse;

class IntrospectionTest : public PlatformTest {
 protected:
  // One reflection stream, as grpcurl opens it: the questions, then the answers.
  std::vector<ServerReflectionResponse> Reflect(const std::vector<ServerReflectionRequest>& requests,
                                                const std::string& version = "v1alpha") {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    const std::string path = "/grpc.reflection." + version + ".ServerReflection/ServerReflectionInfo";
    grpc::internal::RpcMethod method(path.c_str(), grpc::internal::RpcMethod::BIDI_STREAMING);
    auto channel = platform_->Gateway();
    std::unique_ptr<grpc::ClientReaderWriter<ServerReflectionRequest, ServerReflectionResponse>> stream(
        grpc::internal::ClientReaderWriterFactory<ServerReflectionRequest, ServerReflectionResponse>::Create(
            channel.get(), method, &ctx));
    std::vector<ServerReflectionResponse> responses;
    for (const auto& request : requests) {
      EXPECT_TRUE(stream->Write(request));
      ServerReflectionResponse response;
      EXPECT_TRUE(stream->Read(&response));
      responses.push_back(response);
    }
    stream->WritesDone();
    grpc::Status status = stream->Finish();
    EXPECT_TRUE(status.ok()) << status.error_message();
    return responses;
  }

  grpc::health::v1::HealthCheckResponse::ServingStatus Health(const std::string& service, grpc::Status* status) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(service);
    grpc::health::v1::HealthCheckResponse response;
    *status = grpc::health::v1::Health::NewStub(platform_->Gateway())->Check(&ctx, request, &response);
    return response.status();
  }
};

TEST_F(IntrospectionTest, ReflectionListsAndDescribesEveryRoutedService) {
  ServerReflectionRequest list;
  list.set_list_services("");
  ServerReflectionRequest by_symbol;
  by_symbol.set_file_containing_symbol("gongkai.registry.v1.RegistryService");
  ServerReflectionRequest unknown;
  unknown.set_file_containing_symbol("gongkai.nothing.v1.Nothing");
  ServerReflectionRequest by_file;
  by_file.set_file_by_filename("gongkai/penalties/v1/penalties.proto");
  auto answers = Reflect({list, by_symbol, unknown, by_file});
  ASSERT_EQ(answers.size(), 4u);

  std::vector<std::string> names;
  for (const auto& service : answers[0].list_services_response().service()) names.push_back(service.name());
  for (const char* expected : {"gongkai.registry.v1.RegistryService", "gongkai.penalties.v1.PenaltiesService",
                               "gongkai.requests.v1.RequestsService", "gongkai.inspections.v1.InspectionsService",
                               "gongkai.supervision.v1.SupervisionService", "grpc.health.v1.Health",
                               "grpc.reflection.v1alpha.ServerReflection"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), expected), names.end()) << expected;
  }

  // The registry's file first, then the files it imports (access options,
  // descriptor.proto among them), each once.
  const auto& files = answers[1].file_descriptor_response().file_descriptor_proto();
  ASSERT_GE(files.size(), 2);
  google::protobuf::FileDescriptorProto registry;
  ASSERT_TRUE(registry.ParseFromString(files[0]));
  EXPECT_EQ(registry.name(), "gongkai/registry/v1/registry.proto");
  ASSERT_GE(registry.service_size(), 1);
  EXPECT_EQ(registry.service(0).name(), "RegistryService");
  bool has_verify = false;
  for (const auto& method : registry.service(0).method()) has_verify |= method.name() == "VerifyCertificate";
  EXPECT_TRUE(has_verify);

  EXPECT_EQ(answers[2].error_response().error_code(), static_cast<int>(grpc::StatusCode::NOT_FOUND));

  // The common files were sent on this stream already: only the penalties file comes.
  google::protobuf::FileDescriptorProto penalties;
  ASSERT_TRUE(penalties.ParseFromString(answers[3].file_descriptor_response().file_descriptor_proto(0)));
  EXPECT_EQ(penalties.name(), "gongkai/penalties/v1/penalties.proto");
  for (const auto& file : answers[3].file_descriptor_response().file_descriptor_proto()) {
    google::protobuf::FileDescriptorProto proto;
    ASSERT_TRUE(proto.ParseFromString(file));
    EXPECT_NE(proto.name(), "google/protobuf/descriptor.proto");
  }

  // grpc.reflection.v1 answers alike.
  EXPECT_GE(Reflect({list}, "v1")[0].list_services_response().service_size(), 7);
}

TEST_F(IntrospectionTest, HealthIsAskedOfEachRoutedServicesUpstream) {
  grpc::Status status;
  EXPECT_EQ(Health("", &status), grpc::health::v1::HealthCheckResponse::SERVING);
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(Health("gongkai.registry.v1.RegistryService", &status), grpc::health::v1::HealthCheckResponse::SERVING);
  EXPECT_TRUE(status.ok()) << status.error_message();
  Health("gongkai.nothing.v1.Nothing", &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);

  // A stopped service is NOT_SERVING through the gateway, which itself still serves.
  platform_->service("requests").process->Stop();
  EXPECT_EQ(Health("gongkai.requests.v1.RequestsService", &status), grpc::health::v1::HealthCheckResponse::NOT_SERVING);
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(Health("gongkai.registry.v1.RegistryService", &status), grpc::health::v1::HealthCheckResponse::SERVING);
  EXPECT_EQ(Health("", &status), grpc::health::v1::HealthCheckResponse::SERVING);
  if (UnderFaketime()) GTEST_SKIP() << "the gateway reconnects to the restarted service on a gRPC timer";
  platform_->Restart("requests");
  EXPECT_TRUE(Eventually(
      [&] {
        return Health("gongkai.requests.v1.RequestsService", &status) == grpc::health::v1::HealthCheckResponse::SERVING;
      },
      15000));
}

}  // namespace
}  // namespace gongkai::testing
