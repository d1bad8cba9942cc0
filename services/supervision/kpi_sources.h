#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/config.h"
#include "common/deadlines.h"
#include "common/identity.h"
#include "gongkai/common/v1/kpi.pb.h"
#include "services/supervision/supervision_store.h"

namespace gongkai::supervision {

// Where the province view reads one service's part of the KPIs and of the
// lead findings: that service's own count from its own database (its
// GetKpiTallies and ListFindings), the one its gauges export.
class KpiSource {
 public:
  virtual ~KpiSource() = default;
  // The service's name in services/services.table ("penalties").
  virtual std::string service() const = 0;
  // The service's tallies for a checked request. Throws common::ServiceError
  // naming the service: UNAVAILABLE when it cannot answer, INTERNAL when it
  // refuses in a way asking again cannot change (UNAUTHENTICATED,
  // PERMISSION_DENIED, INVALID_ARGUMENT, UNIMPLEMENTED).
  virtual common::v1::GetKpiTalliesResponse Tallies(const common::v1::GetKpiTalliesRequest& request) = 0;
  // The records of the request's year tripping those of its rules the
  // service holds the records of; a service holding none answers none.
  // Throws as Tallies does.
  virtual common::v1::ListFindingsResponse Findings(const common::v1::ListFindingsRequest& request) = 0;
};

// Where the other services are and how long a call to one may take:
// GONGKAI_PENALTIES_ADDRESS, GONGKAI_REQUESTS_ADDRESS,
// GONGKAI_INSPECTIONS_ADDRESS and GONGKAI_PROVINCE_CALL_TIMEOUT_MS (10 s,
// 100 ms to 20 s: within the lifetime of the identity a call is signed
// with), read by main before config.Finish(). The registry's address is the
// registry client's (GONGKAI_REGISTRY_ADDRESS).
struct KpiSourceSettings {
  std::string penalties;
  std::string requests;
  std::string inspections;
  std::chrono::milliseconds timeout{10000};
};
KpiSourceSettings ReadKpiSourceSettings(common::Config& config);

// A service of the platform over gRPC: `service` is "registry" (tallies
// only: it holds no lead rule's records, so it answers no findings without
// being asked), "penalties", "requests" or "inspections"
// (std::invalid_argument otherwise). Each call is signed with `signer` as
// the supervision service's own identity (ROLE_SERVICE) for exactly the
// method called, and must end within `timeout`; an answer may be up to 64 MiB
// (a service's 10,000 findings). `signer` must outlive the source.
std::unique_ptr<KpiSource> GrpcKpiSource(const std::string& service, std::shared_ptr<grpc::Channel> channel,
                                         const common::IdentitySigner& signer, std::chrono::milliseconds timeout);
// The same over a new channel to `address` with `credentials`
// (ServiceRuntime::ChannelCredentials(), this channel's own).
std::unique_ptr<KpiSource> ConnectKpiSource(const std::string& service, const std::string& address,
                                            const std::shared_ptr<grpc::ChannelCredentials>& credentials,
                                            const common::IdentitySigner& signer, std::chrono::milliseconds timeout);

// This service's own part, from its store (SupervisionTallies,
// SupervisionFindings) as of the clock's today. All must outlive it.
std::unique_ptr<KpiSource> LocalKpiSource(SupervisionStore& store, const common::Deadlines& deadlines,
                                          const common::Clock& clock);

}  // namespace gongkai::supervision
