// RegistryService's methods for officers (执法人员): their batch writes and
// lists, badge codes (一人一码) and public certificate verification.
#include "common/batch.h"
#include "common/call.h"
#include "common/errors.h"
#include "common/paging.h"
#include "services/registry/bounds.h"
#include "services/registry/public_size.h"
#include "services/registry/registry_mapping.h"
#include "services/registry/registry_service.h"

namespace gongkai::registry {
namespace {

using common::At;
using common::RecordKind;
using common::ServiceError;
using common::v1::ROLE_CITY;
using common::v1::ROLE_PUBLIC;

}  // namespace

grpc::ServerUnaryReactor* RegistryService::UpsertOfficers(grpc::CallbackServerContext* context,
                                                          const v1::UpsertOfficersRequest* request,
                                                          v1::UpsertOfficersResponse* response) {
  return common::Serve(context, context_, {ROLE_CITY}, [=, this](const common::CallerIdentity& caller) {
    common::CheckBatchSize(request->officers_size(), max_batch_, "officers");
    const common::Date today = context_.clock.Today();
    common::BatchWrite<Officer> batch("officer", "officers", response->mutable_results());
    for (int i = 0; i < request->officers_size(); ++i) {
      const auto& proto = request->officers(i);
      Officer officer = OfficerFromProto(proto);
      auto violations = ValidateOfficer(officer, At("officers", i), today);
      batch.Add(i, proto.certificate_number(), proto.source_version(), proto, std::move(officer),
                std::move(violations));
    }
    batch.RejectRepeatedKeys("officers");
    batch.CheckAgencies(caller.city_code, "officers",
                        [&](const std::vector<std::string>& codes) { return stores_.agencies.CitiesOf(codes); });
    // A certificate another city registered is not this city's to change or
    // to move under its own agency: the store checks it in the write's
    // transaction.
    auto stored = stores_.officers.UpsertBatch(caller.city_code, batch.Valid(), batch.Rejected(), today);
    if (!stored.foreign.empty()) {
      throw ServiceError::PermissionDenied("certificate " + stored.foreign.front() + " is registered to another city");
    }
    batch.Settle(stored.outcomes);
    // What this process wrote, it verifies at once.
    stores_.certificates.Refresh();
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* RegistryService::ListOfficers(grpc::CallbackServerContext* context,
                                                        const v1::ListOfficersRequest* request,
                                                        v1::ListOfficersResponse* response) {
  return common::Serve(context, context_, {ROLE_PUBLIC}, [=, this](const common::CallerIdentity&) {
    common::Violations violations;
    CheckCreditCodeField(violations, "agency_credit_code", request->agency_credit_code());
    const common::Page page =
        common::ReadPage(violations, request->page_size(), request->page_token(), 1, kOfficerPage);
    common::ThrowIfAny(violations, "bad list request");
    auto officers = stores_.officers.ListByAgency(request->agency_credit_code(),
                                                  page.after.empty() ? "" : page.after[0], page.size + 1);
    response->set_next_page_token(common::TakePage(
        officers, page.size, [](const Officer& o) { return common::PagePosition{o.certificate_number}; }));
    const common::Date today = context_.clock.Today();
    for (const auto& o : officers) {
      auto* p = response->add_officers();
      PublicOfficerToProto(o, p);
      *p->mutable_timeliness() =
          context_.deadlines.Assess(RecordKind::kOfficer, EntryClockStart(o), o.published_on, today);
    }
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* RegistryService::GetOfficerCode(grpc::CallbackServerContext* context,
                                                          const v1::GetOfficerCodeRequest* request,
                                                          v1::GetOfficerCodeResponse* response) {
  return common::Serve(context, context_, {ROLE_CITY}, [=, this](const common::CallerIdentity& caller) {
    common::Violations violations;
    CheckCertificateNumber(violations, "certificate_number", request->certificate_number());
    common::ThrowIfAny(violations, "bad certificate number");
    auto officer = stores_.officers.ByCertificate(request->certificate_number());
    if (!officer || officer->city_code != caller.city_code) {
      throw ServiceError::NotFound("no certificate " + request->certificate_number() + " in city " + caller.city_code);
    }
    if (auto refusal = BadgeCodeRefusal(*officer)) throw ServiceError::FailedPrecondition(*refusal);
    response->set_officer_code(stores_.officers.CodeOf(*officer));
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* RegistryService::VerifyCertificate(grpc::CallbackServerContext* context,
                                                             const v1::VerifyCertificateRequest* request,
                                                             v1::VerifyCertificateResponse* response) {
  return common::AnswerNow(context, context_.signer, {ROLE_PUBLIC}, [&](const common::CallerIdentity&) {
    std::optional<Officer> officer;
    switch (request->subject_case()) {
      case v1::VerifyCertificateRequest::kCertificateNumber:
        if (request->certificate_number().size() <= kMaxCertificateNumber) {
          officer = stores_.certificates.ByCertificate(request->certificate_number());
        }
        break;
      case v1::VerifyCertificateRequest::kOfficerCode:
        if (LooksLikeOfficerCode(request->officer_code())) {
          officer = stores_.certificates.ByCode(request->officer_code());
        }
        break;
      default:
        throw ServiceError::InvalidArgument("nothing to verify",
                                            {{"subject", "give a certificate_number or an officer_code"}});
    }
    if (!officer) {
      response->set_verdict(v1::VerifyCertificateResponse::UNKNOWN);
      return grpc::Status::OK;
    }
    response->set_verdict(VerdictToProto(Judge(*officer, context_.clock.Today())));
    PublicOfficerToProto(*officer, response->mutable_officer());
    return grpc::Status::OK;
  });
}

}  // namespace gongkai::registry
