#pragma once

#include "common/identity.h"
#include "gongkai/registry/v1/registry.grpc.pb.h"
#include "services/registry/agency_store.h"

namespace gongkai::registry {

struct RegistryOptions {
  int max_batch = 1000;
};

// The gRPC adapter of the registry: proto <-> domain, authorisation, errors.
class RegistryService final : public v1::RegistryService::Service {
 public:
  RegistryService(AgencyStore& agencies, const common::IdentitySigner& signer, RegistryOptions options);

  grpc::Status UpsertAgencies(grpc::ServerContext* context, const v1::UpsertAgenciesRequest* request,
                              v1::UpsertAgenciesResponse* response) override;
  grpc::Status GetAgency(grpc::ServerContext* context, const v1::GetAgencyRequest* request,
                         v1::Agency* response) override;
  grpc::Status ListAgencies(grpc::ServerContext* context, const v1::ListAgenciesRequest* request,
                            v1::ListAgenciesResponse* response) override;
  grpc::Status ListRejections(grpc::ServerContext* context, const v1::ListRejectionsRequest* request,
                              v1::ListRejectionsResponse* response) override;

 private:
  AgencyStore& agencies_;
  const common::IdentitySigner& signer_;
  RegistryOptions options_;
};

Agency AgencyFromProto(const v1::Agency& proto);
void AgencyToProto(const Agency& agency, v1::Agency* proto);

}  // namespace gongkai::registry
