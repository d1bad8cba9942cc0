#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/config.h"
#include "common/identity.h"
#include "common/service_call.h"
#include "gongkai/registry/v1/registry.grpc.pb.h"

namespace gongkai::registry {

struct AgencyInfo {
  std::string city_code;
  std::vector<std::string> domains;
  std::string name;
};

// A tier of a discretion benchmark, as far as a decision is checked against it.
struct TierRange {
  int level = 0;
  int64_t penalty_min_fen = 0;
  int64_t penalty_max_fen = 0;
};

// What other services need to know from the registry: an agency's city and
// domains, a city's benchmark tiers, certificates over a period, powers
// items by source id, the enforcement units; and what they tell it: the
// inspection plans published.
// The client side of the registry. Throws common::ServiceError (UNAVAILABLE)
// when the registry cannot answer: an unknown answer is never taken for "no
// such agency" (or certificate, or item).
class RegistryClient {
 public:
  // A certificate over a period, as CheckCertificates answers it.
  struct CertificateInfo {
    bool known = false;
    std::string agency_credit_code;
    // Active, and its validity covers the whole period.
    bool valid_over_period = false;
  };
  // A powers item as GetPowersItems answers it.
  struct PowersItemInfo {
    std::string agency_credit_code;
    std::string source_id;
    int category = 0;  // registry.v1.PowerCategory
    bool random_check = false;
  };
  // An enforcement unit (执法单位) as ListEnforcementUnits answers it: an
  // agency holding a powers item of category LICENSING or PENALTY.
  struct EnforcementUnitInfo {
    std::string credit_code;
    std::string name;
    std::string city_code;
  };
  // That an agency's annual inspection plan of `year` was public from
  // `published_on`.
  struct InspectionPlanNotice {
    std::string agency_credit_code;
    int year = 0;
    common::Date published_on{};
  };

  // Whether an agency's qualification list was current on a day, as
  // CheckQualificationLists answers it.
  struct QualificationQuery {
    std::string agency_credit_code;
    common::Date on{};
  };
  struct QualificationAnswer {
    bool known = false;
    bool current = false;
    // When not current: why, in one line.
    std::string reason;
  };

  virtual ~RegistryClient() = default;
  virtual std::optional<AgencyInfo> Agency(const std::string& credit_code) = 0;
  // The registered city of each known agency among `codes` (unknown ones are
  // absent): what BatchWrite::CheckAgencies asks.
  std::map<std::string, std::string> CitiesOf(const std::vector<std::string>& codes);
  // The tiers of the city's benchmark for the violation; nullopt when it has none.
  virtual std::optional<std::vector<TierRange>> Benchmark(const std::string& city_code, const std::string& domain,
                                                          const std::string& violation_code) = 0;
  // Each certificate of `numbers` over the period [from, to] (from not after
  // to). One entry per number asked (absent numbers never: unknown ones have
  // known = false).
  virtual std::map<std::string, CertificateInfo> CheckCertificates(const std::vector<std::string>& numbers,
                                                                   common::Date from, common::Date to) = 0;
  // The items of any of `agencies` with any of `source_ids`; an item not
  // found is not listed.
  virtual std::vector<PowersItemInfo> PowersItems(const std::vector<std::string>& agencies,
                                                  const std::vector<std::string>& source_ids) = 0;
  // Tells the registry of published inspection plans (idempotent; notices
  // of agencies it does not know are dropped there). Throws
  // common::ServiceError (UNAVAILABLE) when the registry cannot take them.
  virtual void RecordInspectionPlans(const std::vector<InspectionPlanNotice>& notices) = 0;
  // Every enforcement unit, by credit code. Throws common::ServiceError:
  // UNAVAILABLE when the registry cannot answer, FAILED_PRECONDITION when its
  // units are more than one answer holds (registry.proto, ListEnforcementUnits).
  virtual std::vector<EnforcementUnitInfo> EnforcementUnits() = 0;
  // One answer per query, in order (the registry's bound of 1,000 queries a
  // call is the client's to keep). Throws common::ServiceError (UNAVAILABLE)
  // when the registry cannot answer.
  virtual std::vector<QualificationAnswer> QualificationLists(const std::vector<QualificationQuery>& queries) = 0;
};

// The registry over gRPC, with answers cached briefly: a found agency for
// `ttl`, an unknown one for a tenth of it, so a newly registered agency is
// seen soon; the same for a certificate's answer over a period (per number,
// from and to) and for a powers item (per agency and source id, "not found"
// included), and the enforcement units as one list, asked again when it is
// older than `ttl`. Lists longer than a call takes are asked in several calls
// within the registry's bounds (500 certificates, 21 agencies × 200 source
// ids, 1,000 notices, 1,000 qualification queries; those are not cached); a
// certificate number the registry would refuse (not
// 1-32 of 0-9, A-Z and '-') is answered unknown without asking. A call the
// registry refuses as malformed (INVALID_ARGUMENT: this process's error, not
// the registry's absence) throws std::invalid_argument.
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
  static constexpr std::chrono::seconds kIdentityLifetime = common::kServiceIdentityLifetime;

  // `service` is the calling service's name ("penalties"): lower-case letters,
  // digits and '-' (std::invalid_argument otherwise). `signer` must outlive
  // the client.
  GrpcRegistryClient(std::shared_ptr<grpc::Channel> channel, std::chrono::milliseconds ttl,
                     const common::IdentitySigner& signer, const std::string& service);

  std::optional<AgencyInfo> Agency(const std::string& credit_code) override;
  std::optional<std::vector<TierRange>> Benchmark(const std::string& city_code, const std::string& domain,
                                                  const std::string& violation_code) override;
  // Throws std::invalid_argument when `to` is before `from`.
  std::map<std::string, CertificateInfo> CheckCertificates(const std::vector<std::string>& numbers, common::Date from,
                                                           common::Date to) override;
  std::vector<PowersItemInfo> PowersItems(const std::vector<std::string>& agencies,
                                          const std::vector<std::string>& source_ids) override;
  void RecordInspectionPlans(const std::vector<InspectionPlanNotice>& notices) override;
  std::vector<EnforcementUnitInfo> EnforcementUnits() override;
  std::vector<QualificationAnswer> QualificationLists(const std::vector<QualificationQuery>& queries) override;

  // The most answers a cache of certificates or of powers items holds: past
  // it, the expired ones are dropped, and if that is not enough, all.
  static constexpr std::size_t kMaxCachedAnswers = 100'000;

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
  // By number, from and to; guarded by mutex_.
  std::map<std::tuple<std::string, common::Date, common::Date>, Entry<CertificateInfo>> certificates_;
  // By agency and source id, nullopt when not found; guarded by mutex_.
  std::map<std::pair<std::string, std::string>, Entry<std::optional<PowersItemInfo>>> powers_items_;
  // The last list of enforcement units; guarded by mutex_.
  std::optional<Entry<std::vector<EnforcementUnitInfo>>> units_;
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
// signed with `signer` (ServiceRuntime::signer(), which must outlive it),
// over `credentials` (ServiceRuntime::ChannelCredentials()); connected
// lazily.
std::unique_ptr<GrpcRegistryClient> ConnectRegistry(const RegistryClientSettings& settings,
                                                    const std::shared_ptr<grpc::ChannelCredentials>& credentials,
                                                    const common::IdentitySigner& signer, const std::string& service);

}  // namespace gongkai::registry
