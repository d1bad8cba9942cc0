#include "services/supervision/kpi_sources.h"

#include <stdexcept>
#include <utility>

#include "common/errors.h"
#include "common/kpi_tallies.h"
#include "common/log.h"
#include "common/metrics.h"
#include "common/service_call.h"
#include "gongkai/inspections/v1/inspections.grpc.pb.h"
#include "gongkai/penalties/v1/penalties.grpc.pb.h"
#include "gongkai/registry/v1/registry.grpc.pb.h"
#include "gongkai/requests/v1/requests.grpc.pb.h"
#include "services/supervision/supervision_kpis.h"

namespace gongkai::supervision {
namespace {

// A call's timeout stays well within the lifetime of the identity it is
// signed with (common::kServiceIdentityLifetime), so that a slow answer is
// never refused as unauthenticated.
constexpr int kMaxCallTimeoutMs = 20000;
static_assert(std::chrono::milliseconds(kMaxCallTimeoutMs) + std::chrono::seconds(10) <=
              common::kServiceIdentityLifetime);

using common::v1::GetKpiTalliesRequest;
using common::v1::GetKpiTalliesResponse;
using common::v1::ListFindingsRequest;
using common::v1::ListFindingsResponse;

// The largest answer a source may send: a service's 10,000 findings with
// their related records.
constexpr int kMaxAnswerBytes = 64 * 1024 * 1024;

// A service whose API is `Service` (its generated gRPC class), asked as this
// service's own identity.
template <typename Service>
class GrpcSource final : public KpiSource {
 public:
  GrpcSource(std::string service, std::shared_ptr<grpc::Channel> channel, const common::IdentitySigner& signer,
             std::chrono::milliseconds timeout)
      : service_(std::move(service)),
        stub_(Service::NewStub(std::move(channel))),
        signer_(signer),
        identity_(common::ServiceIdentity("supervision")),
        timeout_(timeout) {}

  std::string service() const override { return service_; }

  GetKpiTalliesResponse Tallies(const GetKpiTalliesRequest& request) override {
    GetKpiTalliesResponse answer;
    grpc::ClientContext ctx;
    Prepare(ctx, "GetKpiTallies");
    Check(stub_->GetKpiTallies(&ctx, request, &answer), "GetKpiTallies");
    return answer;
  }

  ListFindingsResponse Findings(const ListFindingsRequest& request) override {
    ListFindingsResponse answer;
    if constexpr (requires(typename Service::Stub & stub, grpc::ClientContext * ctx, const ListFindingsRequest& asked,
                           ListFindingsResponse* answered) { stub.ListFindings(ctx, asked, answered); }) {
      grpc::ClientContext ctx;
      Prepare(ctx, "ListFindings");
      Check(stub_->ListFindings(&ctx, request, &answer), "ListFindings");
    }
    return answer;
  }

 private:
  void Prepare(grpc::ClientContext& ctx, const std::string& method) const {
    common::PrepareServiceCall(ctx, signer_, identity_, "/" + std::string(Service::service_full_name()) + "/" + method,
                               timeout_);
  }

  // A call that failed is the service being away (UNAVAILABLE, retry
  // later), except a refusal that asking again cannot change: the platform's
  // services disagree on who may ask or what (a secret, a version), INTERNAL
  // naming the service and its code.
  void Check(const grpc::Status& status, const std::string& method) const {
    if (status.ok()) return;
    const grpc::StatusCode code = status.error_code();
    const bool misconfigured = code == grpc::StatusCode::UNAUTHENTICATED ||
                               code == grpc::StatusCode::PERMISSION_DENIED ||
                               code == grpc::StatusCode::INVALID_ARGUMENT || code == grpc::StatusCode::UNIMPLEMENTED;
    common::Log(misconfigured ? common::LogLevel::kError : common::LogLevel::kWarning,
                misconfigured ? "kpi_source_refused" : "kpi_source_unavailable",
                {{"service", service_},
                 {"method", method},
                 {"code", common::CodeName(code)},
                 {"message", status.error_message()}});
    if (misconfigured) {
      throw common::ServiceError(grpc::StatusCode::INTERNAL, "the " + service_ + " service refused " + method + " (" +
                                                                 common::CodeName(code) +
                                                                 "): the platform's services disagree; see the log");
    }
    throw common::ServiceError::Unavailable("the " + service_ + " service did not answer " + method + " (" +
                                            common::CodeName(code) + "); retry later");
  }

  const std::string service_;
  const std::unique_ptr<typename Service::Stub> stub_;
  const common::IdentitySigner& signer_;
  const common::CallerIdentity identity_;
  const std::chrono::milliseconds timeout_;
};

class LocalSource final : public KpiSource {
 public:
  LocalSource(SupervisionStore& store, const common::Deadlines& deadlines, const common::Clock& clock)
      : store_(store), deadlines_(deadlines), clock_(clock) {}

  std::string service() const override { return "supervision"; }

  GetKpiTalliesResponse Tallies(const GetKpiTalliesRequest& request) override {
    const common::Date today = clock_.Today();
    GetKpiTalliesResponse answer =
        common::TalliesAnswer(request, SupervisionTallies(store_, deadlines_, request, today), today);
    // The gauge's overdue reviews, of the city asked, as the other services
    // answer theirs: none for an agency.
    if (request.agency_credit_code().empty()) {
      for (common::v1::OverdueCount& c : SupervisionOverdue(store_, deadlines_, today)) {
        if (request.city_code().empty() || c.city_code() == request.city_code()) {
          *answer.add_overdue() = std::move(c);
        }
      }
    }
    return answer;
  }

  ListFindingsResponse Findings(const ListFindingsRequest& request) override {
    return SupervisionFindings(store_, deadlines_, request, clock_.Today());
  }

 private:
  SupervisionStore& store_;
  const common::Deadlines& deadlines_;
  const common::Clock& clock_;
};

}  // namespace

KpiSourceSettings ReadKpiSourceSettings(common::Config& config) {
  KpiSourceSettings settings;
  settings.penalties =
      config.Address("GONGKAI_PENALTIES_ADDRESS", "127.0.0.1:7103", "the penalties service's gRPC address");
  settings.requests =
      config.Address("GONGKAI_REQUESTS_ADDRESS", "127.0.0.1:7105", "the requests service's gRPC address");
  settings.inspections =
      config.Address("GONGKAI_INSPECTIONS_ADDRESS", "127.0.0.1:7107", "the inspections service's gRPC address");
  settings.timeout = std::chrono::milliseconds(
      config.Int("GONGKAI_PROVINCE_CALL_TIMEOUT_MS", 10000, 100, kMaxCallTimeoutMs,
                 "how long a call to another service for the province view or the lead sweep may take"));
  return settings;
}

std::unique_ptr<KpiSource> GrpcKpiSource(const std::string& service, std::shared_ptr<grpc::Channel> channel,
                                         const common::IdentitySigner& signer, std::chrono::milliseconds timeout) {
  if (service == "registry") {
    return std::make_unique<GrpcSource<registry::v1::RegistryService>>(service, std::move(channel), signer, timeout);
  }
  if (service == "penalties") {
    return std::make_unique<GrpcSource<penalties::v1::PenaltiesService>>(service, std::move(channel), signer, timeout);
  }
  if (service == "requests") {
    return std::make_unique<GrpcSource<requests::v1::RequestsService>>(service, std::move(channel), signer, timeout);
  }
  if (service == "inspections") {
    return std::make_unique<GrpcSource<inspections::v1::InspectionsService>>(service, std::move(channel), signer,
                                                                             timeout);
  }
  throw std::invalid_argument("no KPI source for the service '" + service + "'");
}

std::unique_ptr<KpiSource> ConnectKpiSource(const std::string& service, const std::string& address,
                                            const std::shared_ptr<grpc::ChannelCredentials>& credentials,
                                            const common::IdentitySigner& signer, std::chrono::milliseconds timeout) {
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(kMaxAnswerBytes);
  return GrpcKpiSource(service, grpc::CreateCustomChannel(address, credentials, arguments), signer, timeout);
}

std::unique_ptr<KpiSource> LocalKpiSource(SupervisionStore& store, const common::Deadlines& deadlines,
                                          const common::Clock& clock) {
  return std::make_unique<LocalSource>(store, deadlines, clock);
}

}  // namespace gongkai::supervision
