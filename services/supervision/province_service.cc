// SupervisionService: the province's view, the KPIs of every service added
// up (GetKpis) and the lead rules run on demand (SweepLeads), through the
// ProvinceView main sets.
#include "common/call.h"
#include "services/supervision/province_view.h"
#include "services/supervision/supervision_service.h"

namespace gongkai::supervision {
namespace {

using common::v1::ROLE_CITY;
using common::v1::ROLE_PROVINCE;

grpc::Status NoProvinceView() {
  return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "this process serves no province view");
}

}  // namespace

grpc::ServerUnaryReactor* SupervisionService::GetKpis(grpc::CallbackServerContext* context,
                                                      const v1::GetKpisRequest* request,
                                                      v1::GetKpisResponse* response) {
  return common::Serve(context, context_, {ROLE_PROVINCE, ROLE_CITY}, [=, this](const common::CallerIdentity& caller) {
    if (province_ == nullptr) return NoProvinceView();
    *response = province_->Kpis(*request, caller);
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* SupervisionService::SweepLeads(grpc::CallbackServerContext* context,
                                                         const v1::SweepLeadsRequest* request,
                                                         v1::SweepLeadsResponse* response) {
  return common::Serve(context, context_, {ROLE_PROVINCE}, [=, this](const common::CallerIdentity&) {
    if (province_ == nullptr) return NoProvinceView();
    *response = province_->Sweep(request->year());
    return grpc::Status::OK;
  });
}

}  // namespace gongkai::supervision
