// gongkai-call: calls any platform RPC through the gateway with a JSON request
// and prints the JSON response, from the descriptors of the services of
// services/services.table (no per-method code). For operators, the README's
// examples and smoke checks.
//
//   gongkai-call --method=gongkai.registry.v1.RegistryService/ListAgencies
//                --request='{"city_code":"140100"}' [--token=city-140100.xxxx]
#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <condition_variable>
#include <iostream>
#include <mutex>
#include <stdexcept>

#include "common/config.h"
#include "common/errors.h"
#include "common/metrics.h"
#include "common/service_table.h"
#include "tools/client.h"

namespace {

namespace pb = google::protobuf;

// The unary method "package.Service/Method" of a service of the table;
// nullptr when there is none.
const pb::MethodDescriptor* FindUnaryMethod(const std::string& name) {
  const auto slash = name.find('/');
  if (slash == std::string::npos) return nullptr;
  for (const auto& entry : gongkai::common::ServiceTable()) {
    for (const auto* service : entry.Services()) {
      if (service->full_name() != name.substr(0, slash)) continue;
      const auto* method = service->FindMethodByName(name.substr(slash + 1));
      if (method == nullptr || method->client_streaming() || method->server_streaming()) return nullptr;
      return method;
    }
  }
  return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace gongkai;
  common::Config config(argc, argv);
  const tools::Gateway gateway = tools::ReadGateway(config);
  std::string method_name = config.RequiredString("GONGKAI_METHOD", "package.Service/Method");
  std::string request_json = config.String("GONGKAI_REQUEST", "{}", "request as proto JSON");
  std::string token = config.String("GONGKAI_TOKEN", "", "bearer token; empty calls as the public");
  config.Finish();

  const pb::MethodDescriptor* method = FindUnaryMethod(method_name);
  if (method == nullptr) {
    std::cerr << "unknown unary method " << method_name << "\n";
    return 2;
  }
  pb::DynamicMessageFactory factory;
  std::unique_ptr<pb::Message> request(factory.GetPrototype(method->input_type())->New());
  std::unique_ptr<pb::Message> response(factory.GetPrototype(method->output_type())->New());
  try {
    tools::ParseJson(request_json, request.get(), "request");
  } catch (const std::runtime_error& e) {
    std::cerr << e.what() << "\n";
    return 2;
  }

  grpc::GenericStub stub(tools::GatewayChannel(gateway));
  grpc::ClientContext ctx;
  tools::Authorize(ctx, token);
  std::string bytes = request->SerializeAsString();
  grpc::Slice slice(bytes);
  grpc::ByteBuffer request_buffer(&slice, 1), response_buffer;
  std::mutex m;
  std::condition_variable cv;
  bool done = false;
  grpc::Status status;
  stub.UnaryCall(&ctx, "/" + method->service()->full_name() + "/" + method->name(), grpc::StubOptions(),
                 &request_buffer, &response_buffer, [&](grpc::Status s) {
                   std::lock_guard lock(m);
                   status = std::move(s);
                   done = true;
                   cv.notify_one();
                 });
  std::unique_lock lock(m);
  cv.wait(lock, [&] { return done; });
  if (!status.ok()) {
    std::cerr << common::CodeName(status.error_code()) << ": " << status.error_message() << "\n";
    for (const auto& v : common::ViolationsOf(status)) std::cerr << "  " << v.field << ": " << v.description << "\n";
    return 1;
  }
  std::vector<grpc::Slice> slices;
  (void)response_buffer.Dump(&slices);
  std::string out;
  for (const auto& s : slices) out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  response->ParseFromString(out);
  std::string json;
  pb::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  (void)pb::util::MessageToJsonString(*response, &json, options);
  std::cout << json;
  return 0;
}
