#include "services/registry/registry_client.h"

#include <stdexcept>

#include "common/errors.h"
#include "common/log.h"
#include "services/registry/public_size.h"

namespace gongkai::registry {
namespace {

// How long a call to the registry may take.
constexpr std::chrono::seconds kCallDeadline{3};

// The gRPC path of the registry's method `name`, the method a call's identity
// is signed for.
std::string MethodPath(const char* name) {
  return "/" + std::string(v1::RegistryService::service_full_name()) + "/" + name;
}

const std::string& GetAgencyMethod() {
  static const std::string kPath = MethodPath("GetAgency");
  return kPath;
}

const std::string& ListBenchmarksMethod() {
  static const std::string kPath = MethodPath("ListBenchmarks");
  return kPath;
}

common::CallerIdentity ServiceIdentity(const std::string& service) {
  const bool named = !service.empty() && service.size() <= 48 &&
                     service.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string::npos;
  if (!named) throw std::invalid_argument("a service's name is 1-48 of [a-z0-9-], not '" + service + "'");
  common::CallerIdentity identity;
  identity.role = common::v1::ROLE_SERVICE;
  identity.principal = "service-" + service;
  return identity;
}

[[noreturn]] void RegistryUnavailable(const grpc::Status& status) {
  common::Log(common::LogLevel::kWarning, "registry_unavailable", {{"code", static_cast<int>(status.error_code())}});
  throw common::ServiceError::Unavailable("the registry cannot be reached to check agencies; retry later");
}

}  // namespace

std::map<std::string, std::string> RegistryClient::CitiesOf(const std::vector<std::string>& codes) {
  std::map<std::string, std::string> out;
  for (const auto& code : codes) {
    if (out.contains(code)) continue;
    if (auto info = Agency(code)) out[code] = info->city_code;
  }
  return out;
}

RegistryClientSettings ReadRegistryClientSettings(common::Config& config) {
  RegistryClientSettings settings;
  settings.address = config.Address("GONGKAI_REGISTRY_ADDRESS", "127.0.0.1:7101", "the registry's gRPC address");
  settings.ttl = std::chrono::milliseconds(
      config.Int("GONGKAI_REGISTRY_CACHE_MS", 30000, 0, 3600000, "how long registry answers are cached"));
  return settings;
}

std::unique_ptr<GrpcRegistryClient> ConnectRegistry(const RegistryClientSettings& settings,
                                                    const common::IdentitySigner& signer, const std::string& service) {
  return std::make_unique<GrpcRegistryClient>(grpc::CreateChannel(settings.address, grpc::InsecureChannelCredentials()),
                                              settings.ttl, signer, service);
}

GrpcRegistryClient::GrpcRegistryClient(std::shared_ptr<grpc::Channel> channel, std::chrono::milliseconds ttl,
                                       const common::IdentitySigner& signer, const std::string& service)
    : stub_(v1::RegistryService::NewStub(std::move(channel))),
      ttl_(ttl),
      signer_(signer),
      identity_(ServiceIdentity(service)) {}

void GrpcRegistryClient::Prepare(grpc::ClientContext& ctx, const std::string& method) const {
  const auto now = std::chrono::system_clock::now();
  ctx.set_deadline(now + kCallDeadline);
  const auto signed_identity = signer_.Sign(identity_, now + kIdentityLifetime, method);
  ctx.AddMetadata(common::kIdentityHeader, signed_identity.payload);
  ctx.AddMetadata(common::kIdentitySignatureHeader, signed_identity.signature);
}

std::optional<AgencyInfo> GrpcRegistryClient::Agency(const std::string& credit_code) {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    auto it = agencies_.find(credit_code);
    if (it != agencies_.end() && it->second.expires > now) return it->second.value;
  }
  grpc::ClientContext ctx;
  Prepare(ctx, GetAgencyMethod());
  v1::GetAgencyRequest request;
  request.set_credit_code(credit_code);
  v1::Agency agency;
  grpc::Status status = stub_->GetAgency(&ctx, request, &agency);
  std::optional<AgencyInfo> info;
  if (status.ok()) {
    info = AgencyInfo{agency.city_code(), {agency.domains().begin(), agency.domains().end()}};
  } else if (status.error_code() != grpc::StatusCode::NOT_FOUND &&
             status.error_code() != grpc::StatusCode::INVALID_ARGUMENT) {
    RegistryUnavailable(status);
  }
  std::lock_guard lock(mutex_);
  agencies_[credit_code] = {now + (info ? ttl_ : ttl_ / 10), info};
  return info;
}

std::optional<std::vector<TierRange>> GrpcRegistryClient::Benchmark(const std::string& city_code,
                                                                    const std::string& domain,
                                                                    const std::string& violation_code) {
  const auto now = std::chrono::steady_clock::now();
  const std::string key = city_code + "/" + domain;
  std::map<std::string, std::vector<TierRange>> tables;
  bool cached = false;
  {
    std::lock_guard lock(mutex_);
    auto it = tables_.find(key);
    if (it != tables_.end() && it->second.expires > now) {
      tables = it->second.value;
      cached = true;
    }
  }
  if (!cached) {
    // Every page of the city's tables of the domain.
    std::string token;
    do {
      grpc::ClientContext ctx;
      Prepare(ctx, ListBenchmarksMethod());
      v1::ListBenchmarksRequest request;
      request.set_city_code(city_code);
      request.set_domain(domain);
      request.set_page_size(kBenchmarkPage.max);
      request.set_page_token(token);
      v1::ListBenchmarksResponse response;
      grpc::Status status = stub_->ListBenchmarks(&ctx, request, &response);
      if (!status.ok()) RegistryUnavailable(status);
      for (const auto& b : response.benchmarks()) {
        auto& tiers = tables[b.violation_code()];
        for (const auto& t : b.tiers()) tiers.push_back({t.level(), t.penalty_min_fen(), t.penalty_max_fen()});
      }
      token = response.next_page_token();
    } while (!token.empty());
    std::lock_guard lock(mutex_);
    tables_[key] = {now + ttl_, tables};
  }
  auto it = tables.find(violation_code);
  if (it == tables.end()) return std::nullopt;
  return it->second;
}

}  // namespace gongkai::registry
