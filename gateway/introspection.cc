#include "gateway/introspection.h"

#include <google/protobuf/descriptor.pb.h>
#include <grpcpp/ext/health_check_service_server_builder_option.h>
#include <grpcpp/impl/server_builder_option.h>
#include <grpcpp/impl/server_builder_plugin.h>

#include <algorithm>
#include <mutex>
#include <set>

#include "gateway/parse_check.h"
#include "gongkai/gateway/v1/reflection.pb.h"
#include "grpc/health/v1/health.pb.h"

namespace gongkai::gateway {
namespace {

using google::protobuf::DescriptorPool;
using google::protobuf::FileDescriptor;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

constexpr char kHealthCheck[] = "/grpc.health.v1.Health/Check";
constexpr char kReflectionV1alpha[] = "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo";
constexpr char kReflectionV1[] = "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo";
// How long the gateway waits for an upstream's health answer.
constexpr auto kUpstreamHealthDeadline = std::chrono::seconds(2);

// gRPC's default health service, reporting to the gateway's status instead.
class HealthStatusSink final : public grpc::HealthCheckServiceInterface {
 public:
  explicit HealthStatusSink(GatewayHealth& health) : health_(health) {}
  void SetServingStatus(const std::string& /*service_name*/, bool serving) override { health_.SetServing(serving); }
  void SetServingStatus(bool serving) override { health_.SetServing(serving); }
  void Shutdown() override { health_.ShutDown(); }

 private:
  GatewayHealth& health_;
};

class WithoutReflectionPlugin final : public grpc::ServerBuilderOption {
 public:
  void UpdateArguments(grpc::ChannelArguments* /*args*/) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>* plugins) override {
    plugins->erase(std::remove_if(plugins->begin(), plugins->end(),
                                  [](const auto& plugin) { return plugin->name() == "proto_server_reflection"; }),
                   plugins->end());
  }
};

bool ParseBuffer(const grpc::ByteBuffer& buffer, google::protobuf::Message* message) {
  return message->ParseFromString(BytesOf(buffer));
}

// /grpc.health.v1.Health/Check: one request, one answer.
class HealthCall final : public grpc::ServerGenericBidiReactor {
 public:
  HealthCall(grpc::GenericCallbackServerContext* context, const GatewayHealth& health, const Routes& routes)
      : context_(context), health_(health), routes_(routes) {
    StartRead(&request_buffer_);
  }

  void OnReadDone(bool ok) override {
    HealthCheckRequest request;
    if (!ok || !ParseBuffer(request_buffer_, &request)) {
      return Finish({grpc::StatusCode::INVALID_ARGUMENT, "a grpc.health.v1.HealthCheckRequest is required"});
    }
    if (request.service().empty()) {
      return Answer(health_.serving() ? HealthCheckResponse::SERVING : HealthCheckResponse::NOT_SERVING);
    }
    const auto& services = RoutedServices();
    auto routed = std::find_if(services.begin(), services.end(),
                               [&](const auto* service) { return service->full_name() == request.service(); });
    Upstream* upstream = routed == services.end() ? nullptr : routes_.UpstreamFor((*routed)->file()->package());
    if (upstream == nullptr) return Finish({grpc::StatusCode::NOT_FOUND, "unknown service " + request.service()});
    // The upstream process's own status: a service serves all its RPCs or none.
    upstream_request_ = BufferOf(HealthCheckRequest().SerializeAsString());
    upstream_context_.set_deadline(
        std::min(context_->deadline(), std::chrono::system_clock::now() + kUpstreamHealthDeadline));
    upstream->stub().UnaryCall(&upstream_context_, kHealthCheck, grpc::StubOptions(), &upstream_request_,
                               &upstream_response_, [this](grpc::Status status) {
                                 HealthCheckResponse response;
                                 if (status.ok() && ParseBuffer(upstream_response_, &response)) {
                                   Answer(response.status());
                                 } else {
                                   Answer(HealthCheckResponse::NOT_SERVING);
                                 }
                               });
  }

  void OnDone() override { delete this; }

 private:
  void Answer(HealthCheckResponse::ServingStatus status) {
    HealthCheckResponse response;
    response.set_status(status);
    response_buffer_ = BufferOf(response.SerializeAsString());
    StartWriteAndFinish(&response_buffer_, grpc::WriteOptions(), grpc::Status::OK);
  }

  grpc::GenericCallbackServerContext* context_;
  const GatewayHealth& health_;
  const Routes& routes_;
  grpc::ByteBuffer request_buffer_;
  grpc::ByteBuffer response_buffer_;
  grpc::ClientContext upstream_context_;
  grpc::ByteBuffer upstream_request_;
  grpc::ByteBuffer upstream_response_;
};

// ServerReflectionInfo: a stream of questions, each answered in turn. The
// files a stream has been sent are not sent again on it.
class ReflectionCall final : public grpc::ServerGenericBidiReactor {
 public:
  ReflectionCall() { StartRead(&request_buffer_); }

  void OnReadDone(bool ok) override {
    if (!ok) return Finish(grpc::Status::OK);  // the client is done asking
    v1::ServerReflectionRequest request;
    if (!ParseBuffer(request_buffer_, &request)) {
      return Finish({grpc::StatusCode::INVALID_ARGUMENT, "a ServerReflectionRequest is required"});
    }
    response_buffer_ = BufferOf(Respond(request).SerializeAsString());
    StartWrite(&response_buffer_);
  }

  void OnWriteDone(bool ok) override {
    if (!ok) return Finish({grpc::StatusCode::CANCELLED, "the client went away"});
    StartRead(&request_buffer_);
  }

  void OnDone() override { delete this; }

 private:
  v1::ServerReflectionResponse Respond(const v1::ServerReflectionRequest& request) {
    v1::ServerReflectionResponse response;
    response.set_valid_host(request.host());
    *response.mutable_original_request() = request;
    const DescriptorPool* pool = DescriptorPool::generated_pool();
    auto not_found = [&](const std::string& what) {
      response.mutable_error_response()->set_error_code(static_cast<int>(grpc::StatusCode::NOT_FOUND));
      response.mutable_error_response()->set_error_message(what + " not found");
      return response;
    };
    switch (request.message_request_case()) {
      case v1::ServerReflectionRequest::kListServices:
        for (const auto& name : ListedServices()) {
          response.mutable_list_services_response()->add_service()->set_name(name);
        }
        return response;
      case v1::ServerReflectionRequest::kFileByFilename: {
        const FileDescriptor* file = pool->FindFileByName(request.file_by_filename());
        if (file == nullptr) return not_found("file " + request.file_by_filename());
        AddFiles(*file, &response);
        return response;
      }
      case v1::ServerReflectionRequest::kFileContainingSymbol: {
        const FileDescriptor* file = pool->FindFileContainingSymbol(request.file_containing_symbol());
        if (file == nullptr) return not_found("symbol " + request.file_containing_symbol());
        AddFiles(*file, &response);
        return response;
      }
      case v1::ServerReflectionRequest::kFileContainingExtension: {
        const auto& asked = request.file_containing_extension();
        const auto* type = pool->FindMessageTypeByName(asked.containing_type());
        const auto* extension = type == nullptr ? nullptr : pool->FindExtensionByNumber(type, asked.extension_number());
        if (extension == nullptr) return not_found("extension " + std::to_string(asked.extension_number()));
        AddFiles(*extension->file(), &response);
        return response;
      }
      case v1::ServerReflectionRequest::kAllExtensionNumbersOfType: {
        const auto* type = pool->FindMessageTypeByName(request.all_extension_numbers_of_type());
        if (type == nullptr) return not_found("type " + request.all_extension_numbers_of_type());
        std::vector<const google::protobuf::FieldDescriptor*> extensions;
        pool->FindAllExtensions(type, &extensions);
        auto* numbers = response.mutable_all_extension_numbers_response();
        numbers->set_base_type_name(type->full_name());
        for (const auto* extension : extensions) numbers->add_extension_number(extension->number());
        return response;
      }
      default:
        response.mutable_error_response()->set_error_code(static_cast<int>(grpc::StatusCode::UNIMPLEMENTED));
        response.mutable_error_response()->set_error_message("unknown reflection request");
        return response;
    }
  }

  // The file, then each file it imports that this stream has not been sent.
  void AddFiles(const FileDescriptor& file, v1::ServerReflectionResponse* response) {
    std::vector<const FileDescriptor*> pending = {&file};
    bool first = true;
    while (!pending.empty()) {
      const FileDescriptor* next = pending.back();
      pending.pop_back();
      if (!first && sent_.count(next->name()) > 0) continue;
      first = false;
      sent_.insert(next->name());
      google::protobuf::FileDescriptorProto proto;
      next->CopyTo(&proto);
      proto.SerializeToString(response->mutable_file_descriptor_response()->add_file_descriptor_proto());
      for (int i = 0; i < next->dependency_count(); ++i) pending.push_back(next->dependency(i));
    }
  }

  grpc::ByteBuffer request_buffer_;
  grpc::ByteBuffer response_buffer_;
  std::set<std::string> sent_;
};

}  // namespace

void InstallIntrospection(grpc::ServerBuilder& builder, GatewayHealth& health) {
  builder.SetOption(
      std::make_unique<grpc::HealthCheckServiceServerBuilderOption>(std::make_unique<HealthStatusSink>(health)));
  builder.SetOption(std::make_unique<WithoutReflectionPlugin>());
}

grpc::ServerGenericBidiReactor* IntrospectionReactor(grpc::GenericCallbackServerContext* context,
                                                     const GatewayHealth& health, const Routes& routes) {
  const std::string& method = context->method();
  if (method == kHealthCheck) return new HealthCall(context, health, routes);
  if (method == kReflectionV1alpha || method == kReflectionV1) return new ReflectionCall();
  return nullptr;
}

std::vector<std::string> ListedServices() {
  std::vector<std::string> names;
  for (const auto* service : RoutedServices()) names.push_back(service->full_name());
  names.push_back("grpc.health.v1.Health");
  names.push_back("grpc.reflection.v1.ServerReflection");
  names.push_back("grpc.reflection.v1alpha.ServerReflection");
  return names;
}

}  // namespace gongkai::gateway
