#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/config.h"
#include "common/identity.h"
#include "gongkai/registry/v1/registry.grpc.pb.h"

namespace gongkai::registry {

struct AgencyInfo {
  std::string city_code;
  std::vector<std::string> domains;
};

// A tier of a discretion benchmark, as far as a decision is checked against it.
struct TierRange {
  int level = 0;
  int64_t penalty_min_fen = 0;
  int64_t penalty_max_fen = 0;
};

// What other services need to know from the registry: an agency's city and
// domains, a city's benchmark tiers. The client side of the registry. Throws
// common::ServiceError (UNAVAILABLE) when the registry cannot answer: an
// unknown answer is never taken for "no such agency".
class RegistryClient {
 public:
  virtual ~RegistryClient() = default;
  virtual std::optional<AgencyInfo> Agency(const std::string& credit_code) = 0;
  // The registered city of each known agency among `codes` (unknown ones are
  // absent): what BatchWrite::CheckAgencies asks.
  std::map<std::string, std::string> CitiesOf(const std::vector<std::string>& codes);
  // The tiers of the city's benchmark for the violation; nullopt when it has none.
  virtual std::optional<std::vector<TierRange>> Benchmark(const std::string& city_code, const std::string& domain,
                                                          const std::string& violation_code) = 0;
};

// The registry over gRPC, with answers cached briefly (a found agency for
// `ttl`, an unknown one for a tenth of it, so a newly registered agency is
// seen soon).
//
// Each call carries the calling service's own identity: ROLE_SERVICE, the
// principal "service-<service>" (for the registry's logs), signed with
// `signer` (the service's, over the secret every service holds) for exactly
// the method it calls and for kIdentityLifetime. The registry runs these
// calls outside the public's lane (call_scope.h), so a flood of public reads
// there cannot make the writes waiting on these lookups fail.
class GrpcRegistryClient final : public RegistryClient {
 public:
  // How long a call's signed identity counts: past the call's 3 s deadline,
  // with room for the clocks of two hosts to differ; captured, it works for
  // no other method and not for long.
  static constexpr std::chrono::seconds kIdentityLifetime{30};

  // `service` is the calling service's name ("penalties"): lower-case letters,
  // digits and '-' (std::invalid_argument otherwise). `signer` must outlive
  // the client.
  GrpcRegistryClient(std::shared_ptr<grpc::Channel> channel, std::chrono::milliseconds ttl,
                     const common::IdentitySigner& signer, const std::string& service);

  std::optional<AgencyInfo> Agency(const std::string& credit_code) override;
  std::optional<std::vector<TierRange>> Benchmark(const std::string& city_code, const std::string& domain,
                                                  const std::string& violation_code) override;

 private:
  // A context for a call of `method` (a gRPC path): its deadline and this
  // service's identity signed for it.
  void Prepare(grpc::ClientContext& ctx, const std::string& method) const;

  template <typename T>
  struct Entry {
    std::chrono::steady_clock::time_point expires;
    T value;
  };

  std::unique_ptr<v1::RegistryService::Stub> stub_;
  const std::chrono::milliseconds ttl_;
  const common::IdentitySigner& signer_;
  const common::CallerIdentity identity_;
  std::mutex mutex_;
  std::map<std::string, Entry<std::optional<AgencyInfo>>> agencies_;                    // guarded by mutex_
  std::map<std::string, Entry<std::map<std::string, std::vector<TierRange>>>> tables_;  // by city/domain; guarded
};

// Where a service finds the registry and how long it keeps its answers:
// GONGKAI_REGISTRY_ADDRESS and GONGKAI_REGISTRY_CACHE_MS, read by the
// service's main before config.Finish().
struct RegistryClientSettings {
  std::string address;
  std::chrono::milliseconds ttl{0};
};
RegistryClientSettings ReadRegistryClientSettings(common::Config& config);

// The registry client of the service `service` ("penalties"), its calls
// signed with `signer` (ServiceRuntime::signer(), which must outlive it);
// connected lazily.
std::unique_ptr<GrpcRegistryClient> ConnectRegistry(const RegistryClientSettings& settings,
                                                    const common::IdentitySigner& signer, const std::string& service);

}  // namespace gongkai::registry
