#include "gateway/introspection.h"

#include <google/protobuf/descriptor.pb.h>
#include <grpcpp/ext/health_check_service_server_builder_option.h>
#include <grpcpp/impl/rpc_service_method.h>
#include <grpcpp/impl/server_builder_option.h>
#include <grpcpp/impl/server_builder_plugin.h>

#include <algorithm>
#include <mutex>
#include <set>

#include "gateway/parse_check.h"
#include "gateway/proxy.h"
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

using Stream = grpc::ServerAsyncReaderWriter<grpc::ByteBuffer, grpc::ByteBuffer>;

// The methods Introspection registers, by index.
constexpr int kHealthIndex = 0;
constexpr int kReflectionV1alphaIndex = 1;
constexpr int kReflectionV1Index = 2;

// /grpc.health.v1.Health/Check: one request, one answer. Each step starts
// the next operation only once the one before has come back, so the steps
// never overlap. Counted alive with the proxy (Proxy::CallBegun).
class HealthCall final {
 public:
  HealthCall(Introspection& owner, grpc::ServerCompletionQueue* queue)
      : owner_(owner), queue_(queue), stream_(&context_) {
    owner_.proxy().CallBegun();
    owner_.RequestCall(kHealthIndex, &context_, &stream_, queue_, requested_.tag());
  }
  ~HealthCall() { owner_.proxy().CallEnded(); }

 private:
  void Requested(bool ok) {
    if (!ok) return delete this;  // the server is stopping
    new HealthCall(owner_, queue_);
    stream_.Read(&request_buffer_, read_.tag());
  }

  void Read(bool ok) {
    HealthCheckRequest request;
    if (!ok || !ParseBuffer(request_buffer_, &request)) {
      return End({grpc::StatusCode::INVALID_ARGUMENT, "a grpc.health.v1.HealthCheckRequest is required"});
    }
    if (request.service().empty()) {
      return Answer(owner_.health().serving() ? HealthCheckResponse::SERVING : HealthCheckResponse::NOT_SERVING);
    }
    const auto& services = RoutedServices();
    auto routed = std::find_if(services.begin(), services.end(),
                               [&](const auto* service) { return service->full_name() == request.service(); });
    Upstream* upstream = routed == services.end() ? nullptr : owner_.routes().UpstreamFor((*routed)->file()->package());
    if (upstream == nullptr) return End({grpc::StatusCode::NOT_FOUND, "unknown service " + request.service()});
    // The upstream process's own status: a service serves all its RPCs or none.
    upstream_request_ = BufferOf(HealthCheckRequest().SerializeAsString());
    upstream_context_.set_deadline(
        std::min(context_.deadline(), std::chrono::system_clock::now() + kUpstreamHealthDeadline));
    owner_.proxy().CallUpstream(*upstream, &upstream_context_, kHealthCheck, upstream_request_, &upstream_response_,
                                [this](grpc::Status status) {
                                  HealthCheckResponse response;
                                  if (status.ok() && ParseBuffer(upstream_response_, &response)) {
                                    Answer(response.status());
                                  } else {
                                    Answer(HealthCheckResponse::NOT_SERVING);
                                  }
                                });
  }

  void Answer(HealthCheckResponse::ServingStatus status) {
    HealthCheckResponse response;
    response.set_status(status);
    response_buffer_ = BufferOf(response.SerializeAsString());
    stream_.WriteAndFinish(response_buffer_, grpc::WriteOptions(), grpc::Status::OK, finished_.tag());
  }

  void End(const grpc::Status& status) { stream_.Finish(status, finished_.tag()); }

  void Finished(bool /*ok*/) { delete this; }

  Introspection& owner_;
  grpc::ServerCompletionQueue* const queue_;
  grpc::ServerContext context_;
  Stream stream_;
  grpc::ByteBuffer request_buffer_;
  grpc::ByteBuffer response_buffer_;
  grpc::ClientContext upstream_context_;
  grpc::ByteBuffer upstream_request_;
  grpc::ByteBuffer upstream_response_;
  Step<HealthCall> requested_{this, &HealthCall::Requested};
  Step<HealthCall> read_{this, &HealthCall::Read};
  Step<HealthCall> finished_{this, &HealthCall::Finished};
};

// ServerReflectionInfo: a stream of questions, each answered in turn. The
// files a stream has been sent are not sent again on it. One operation at a
// time, as HealthCall.
class ReflectionCall final {
 public:
  ReflectionCall(Introspection& owner, int method, grpc::ServerCompletionQueue* queue)
      : owner_(owner), method_(method), queue_(queue), stream_(&context_) {
    owner_.proxy().CallBegun();
    owner_.RequestCall(method_, &context_, &stream_, queue_, requested_.tag());
  }
  ~ReflectionCall() { owner_.proxy().CallEnded(); }

 private:
  void Requested(bool ok) {
    if (!ok) return delete this;  // the server is stopping
    new ReflectionCall(owner_, method_, queue_);
    stream_.Read(&request_buffer_, read_.tag());
  }

  void Read(bool ok) {
    if (!ok) return stream_.Finish(grpc::Status::OK, finished_.tag());  // the client is done asking
    v1::ServerReflectionRequest request;
    if (!ParseBuffer(request_buffer_, &request)) {
      return stream_.Finish({grpc::StatusCode::INVALID_ARGUMENT, "a ServerReflectionRequest is required"},
                            finished_.tag());
    }
    response_buffer_ = BufferOf(Respond(request).SerializeAsString());
    stream_.Write(response_buffer_, written_.tag());
  }

  void Written(bool ok) {
    if (!ok) return stream_.Finish({grpc::StatusCode::CANCELLED, "the client went away"}, finished_.tag());
    stream_.Read(&request_buffer_, read_.tag());
  }

  void Finished(bool /*ok*/) { delete this; }

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

  Introspection& owner_;
  const int method_;
  grpc::ServerCompletionQueue* const queue_;
  grpc::ServerContext context_;
  Stream stream_;
  grpc::ByteBuffer request_buffer_;
  grpc::ByteBuffer response_buffer_;
  std::set<std::string> sent_;
  Step<ReflectionCall> requested_{this, &ReflectionCall::Requested};
  Step<ReflectionCall> read_{this, &ReflectionCall::Read};
  Step<ReflectionCall> written_{this, &ReflectionCall::Written};
  Step<ReflectionCall> finished_{this, &ReflectionCall::Finished};
};

}  // namespace

void InstallIntrospection(grpc::ServerBuilder& builder, GatewayHealth& health) {
  builder.SetOption(
      std::make_unique<grpc::HealthCheckServiceServerBuilderOption>(std::make_unique<HealthStatusSink>(health)));
  builder.SetOption(std::make_unique<WithoutReflectionPlugin>());
}

Introspection::Introspection(const GatewayHealth& health, const Routes& routes, Proxy& proxy)
    : health_(health), routes_(routes), proxy_(proxy) {
  // Streams of raw messages, as the proxy sees every method: the calls
  // parse what they read.
  for (const char* method : {kHealthCheck, kReflectionV1alpha, kReflectionV1}) {
    AddMethod(new grpc::internal::RpcServiceMethod(method, grpc::internal::RpcMethod::BIDI_STREAMING, nullptr));
  }
  for (int i : {kHealthIndex, kReflectionV1alphaIndex, kReflectionV1Index}) MarkMethodRaw(i);
}

void Introspection::Await(grpc::ServerCompletionQueue* queue) {
  new HealthCall(*this, queue);
  new ReflectionCall(*this, kReflectionV1alphaIndex, queue);
  new ReflectionCall(*this, kReflectionV1Index, queue);
}

void Introspection::RequestCall(int method, grpc::ServerContext* context,
                                grpc::ServerAsyncReaderWriter<grpc::ByteBuffer, grpc::ByteBuffer>* stream,
                                grpc::ServerCompletionQueue* queue, Completion* tag) {
  RequestAsyncBidiStreaming(method, context, stream, queue, queue, tag);
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
