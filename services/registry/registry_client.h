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
class GrpcRegistryClient final : public RegistryClient {
 public:
  GrpcRegistryClient(std::shared_ptr<grpc::Channel> channel, std::chrono::milliseconds ttl);

  std::optional<AgencyInfo> Agency(const std::string& credit_code) override;
  std::optional<std::vector<TierRange>> Benchmark(const std::string& city_code, const std::string& domain,
                                                  const std::string& violation_code) override;

 private:
  template <typename T>
  struct Entry {
    std::chrono::steady_clock::time_point expires;
    T value;
  };

  std::unique_ptr<v1::RegistryService::Stub> stub_;
  const std::chrono::milliseconds ttl_;
  std::mutex mutex_;
  std::map<std::string, Entry<std::optional<AgencyInfo>>> agencies_;                    // guarded by mutex_
  std::map<std::string, Entry<std::map<std::string, std::vector<TierRange>>>> tables_;  // by city/domain; guarded
};

// The registry client a service's main makes from GONGKAI_REGISTRY_ADDRESS and
// GONGKAI_REGISTRY_CACHE_MS; read before config.Finish(), connected lazily.
std::unique_ptr<GrpcRegistryClient> RegistryClientFromConfig(common::Config& config);

}  // namespace gongkai::registry
