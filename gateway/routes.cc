#include "gateway/routes.h"

#include <google/protobuf/descriptor.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "common/service_table.h"
#include "gongkai/common/v1/access.pb.h"

namespace gongkai::gateway {
namespace {

using google::protobuf::DescriptorPool;
using google::protobuf::MethodDescriptor;

std::string TypeOf(const MethodDescriptor& m) {
  if (m.client_streaming() && m.server_streaming()) return "bidi_stream";
  if (m.client_streaming()) return "client_stream";
  if (m.server_streaming()) return "server_stream";
  return "unary";
}

}  // namespace

const std::vector<const google::protobuf::ServiceDescriptor*>& RoutedServices() {
  static const std::vector<const google::protobuf::ServiceDescriptor*> kServices = [] {
    std::vector<const google::protobuf::ServiceDescriptor*> out;
    for (const auto& entry : common::ServiceTable()) {
      for (const auto* service : entry.Services()) out.push_back(service);
    }
    return out;
  }();
  return kServices;
}

std::optional<MethodInfo> LookUpMethod(const std::string& path) {
  RoutedServices();
  if (path.size() < 4 || path[0] != '/') return std::nullopt;
  auto slash = path.find('/', 1);
  if (slash == std::string::npos) return std::nullopt;
  const auto* service = DescriptorPool::generated_pool()->FindServiceByName(path.substr(1, slash - 1));
  if (service == nullptr) return std::nullopt;
  const auto* method = service->FindMethodByName(path.substr(slash + 1));
  if (method == nullptr) return std::nullopt;
  MethodInfo info{service->full_name(), service->file()->package(), TypeOf(*method), {}};
  const auto& policy = method->options().GetExtension(common::v1::access);
  for (int role : policy.allow()) info.allowed.push_back(static_cast<common::Role>(role));
  info.rate_limited = policy.rate_limited();
  info.no_side_effects = method->options().idempotency_level() == google::protobuf::MethodOptions::NO_SIDE_EFFECTS;
  info.input = method->input_type();
  info.output = method->output_type();
  return info;
}

bool Admits(const MethodInfo& method, common::Role role) {
  if (role == common::v1::ROLE_SERVICE) return false;
  return std::any_of(method.allowed.begin(), method.allowed.end(),
                     [&](common::Role r) { return r == role || r == common::v1::ROLE_PUBLIC; });
}

Routes Routes::Parse(const std::string& spec, const std::optional<common::UpstreamTls>& tls) {
  Routes routes;
  std::size_t start = 0;
  while (start < spec.size()) {
    std::size_t comma = spec.find(',', start);
    if (comma == std::string::npos) comma = spec.size();
    std::string entry = spec.substr(start, comma - start);
    start = comma + 1;
    if (entry.empty()) continue;
    auto eq = entry.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == entry.size()) {
      throw std::invalid_argument("upstream '" + entry + "': expected package=host:port");
    }
    std::string package = entry.substr(0, eq);
    std::string address = entry.substr(eq + 1);
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(64 * 1024 * 1024);
    // gRPC's transparent retries keep a copy of every message a call sends
    // until it is answered; the gateway forwards each call once, and a
    // caller retries what it wants retried.
    args.SetInt(GRPC_ARG_ENABLE_RETRIES, 0);
    args.SetInt(GRPC_ARG_ENABLE_CHANNELZ, 0);
    auto channel = grpc::CreateCustomChannel(address, common::ChannelCredentialsOf(tls), args);
    routes.addresses_[package] = address;
    routes.upstreams_[package] = std::make_shared<Upstream>(address, channel);
  }
  return routes;
}

Upstream::Upstream(std::string address, std::shared_ptr<grpc::Channel> channel)
    : address_(std::move(address)), channel_(channel), stub_(std::move(channel)) {}

void Upstream::ReconnectSoon() {
  const int64_t now =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
          .count();
  int64_t last = last_reconnect_ms_.load();
  if (now - last < 1000 || !last_reconnect_ms_.compare_exchange_strong(last, now)) return;
  grpc::experimental::ChannelResetConnectionBackoff(channel_.get());
}

Upstream* Routes::UpstreamFor(const std::string& package) const {
  auto it = upstreams_.find(package);
  return it == upstreams_.end() ? nullptr : it->second.get();
}

}  // namespace gongkai::gateway
