#include "services/registry/registry_service.h"

#include <google/protobuf/util/json_util.h>

#include "common/call.h"
#include "common/errors.h"
#include "common/identifiers.h"
#include "common/paging.h"

namespace gongkai::registry {
namespace {

using common::ServiceError;

std::string ToJson(const google::protobuf::Message& message) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(message, &out, options);
  return out;
}

void AddViolations(const common::Violations& violations, common::v1::RecordResult* result) {
  for (const auto& v : violations) {
    auto* fv = result->add_violations();
    fv->set_field(v.field);
    fv->set_description(v.description);
  }
}

// The position a page token resumes after; a violation when the token is not ours.
std::string DecodeToken(const std::string& token, common::Violations& violations) {
  if (token.empty()) return {};
  auto position = common::DecodePageToken(token);
  if (!position) violations.push_back({"page_token", "not a token this service issued"});
  return position.value_or("");
}

}  // namespace

Agency AgencyFromProto(const v1::Agency& p) {
  Agency a;
  a.credit_code = p.credit_code();
  a.name = p.name();
  a.legal_representative = p.legal_representative();
  a.area_code = p.area_code();
  a.contact = p.contact();
  a.domains.assign(p.domains().begin(), p.domains().end());
  a.valid_from = p.valid_from();
  a.valid_until = p.valid_until();
  a.source_version = p.source_version();
  return a;
}

void AgencyToProto(const Agency& a, v1::Agency* p) {
  p->set_credit_code(a.credit_code);
  p->set_name(a.name);
  p->set_legal_representative(a.legal_representative);
  p->set_area_code(a.area_code);
  p->set_contact(a.contact);
  for (const auto& d : a.domains) p->add_domains(d);
  p->set_valid_from(a.valid_from);
  p->set_valid_until(a.valid_until);
  p->set_source_version(a.source_version);
  p->set_city_code(a.city_code);
  p->set_updated_at(a.updated_at);
}

RegistryService::RegistryService(AgencyStore& agencies, const common::IdentitySigner& signer,
                                 RegistryOptions options)
    : agencies_(agencies), signer_(signer), options_(options) {}

grpc::Status RegistryService::UpsertAgencies(grpc::ServerContext* context, const v1::UpsertAgenciesRequest* request,
                                             v1::UpsertAgenciesResponse* response) {
  return common::Call(*context, signer_, {common::v1::ROLE_CITY}, [&](const common::CallerIdentity& caller) {
    const int count = request->agencies_size();
    if (count == 0) throw ServiceError::InvalidArgument("empty batch", {{"agencies", "at least one record"}});
    if (count > options_.max_batch) {
      throw ServiceError::InvalidArgument(
          "batch too large", {{"agencies", "at most " + std::to_string(options_.max_batch) + " records per call"}});
    }
    // Scope first: a city writes only agencies in its own city, and a batch
    // that reaches outside it is refused whole.
    std::vector<std::string> outside;
    for (int i = 0; i < count; ++i) {
      const auto& area = request->agencies(i).area_code();
      if (!common::CheckAreaCode(area) && common::CityOfArea(area) != caller.city_code) {
        outside.push_back("agencies[" + std::to_string(i) + "]");
      }
    }
    if (!outside.empty()) {
      throw ServiceError::PermissionDenied("area code outside city " + caller.city_code + ": " + outside.front() +
                                           (outside.size() > 1 ? " and " + std::to_string(outside.size() - 1) + " more" : ""));
    }

    std::vector<Agency> valid;
    std::vector<int> valid_index;
    std::vector<Rejection> rejected;
    response->mutable_results()->Reserve(count);
    for (int i = 0; i < count; ++i) {
      const auto& proto = request->agencies(i);
      auto* result = response->add_results();
      result->set_index(i);
      result->set_key(proto.credit_code());
      Agency agency = AgencyFromProto(proto);
      auto violations = ValidateAgency(agency, "agencies[" + std::to_string(i) + "]");
      if (violations.empty()) {
        valid.push_back(std::move(agency));
        valid_index.push_back(i);
      } else {
        result->set_outcome(common::v1::RecordResult::REJECTED);
        AddViolations(violations, result);
        rejected.push_back({"agency", proto.credit_code(), proto.source_version(), ToJson(proto), violations, "", 0});
      }
    }
    auto stored = agencies_.UpsertBatch(caller.city_code, valid, rejected);
    if (!stored.foreign.empty()) {
      throw ServiceError::PermissionDenied("agency " + stored.foreign.front() + " is registered to another city");
    }
    for (std::size_t k = 0; k < valid.size(); ++k) {
      response->mutable_results(valid_index[k])
          ->set_outcome(stored.outcomes[k] == UpsertOutcome::kAccepted ? common::v1::RecordResult::ACCEPTED
                                                                       : common::v1::RecordResult::UNCHANGED);
    }
    return grpc::Status::OK;
  });
}

grpc::Status RegistryService::GetAgency(grpc::ServerContext* context, const v1::GetAgencyRequest* request,
                                        v1::Agency* response) {
  return common::Call(*context, signer_, {common::v1::ROLE_PUBLIC}, [&](const common::CallerIdentity&) {
    if (auto problem = common::CheckCreditCode(request->credit_code())) {
      throw ServiceError::InvalidArgument("bad credit code", {{"credit_code", *problem}});
    }
    auto agency = agencies_.Get(request->credit_code());
    if (!agency) throw ServiceError::NotFound("no agency " + request->credit_code());
    AgencyToProto(*agency, response);
    return grpc::Status::OK;
  });
}

grpc::Status RegistryService::ListAgencies(grpc::ServerContext* context, const v1::ListAgenciesRequest* request,
                                           v1::ListAgenciesResponse* response) {
  return common::Call(*context, signer_, {common::v1::ROLE_PUBLIC}, [&](const common::CallerIdentity&) {
    common::Violations violations;
    if (!request->city_code().empty() && !common::IsCityCode(request->city_code())) {
      violations.push_back({"city_code", "must be a prefecture-level city code such as 140100"});
    }
    const auto& domains = EnforcementDomains();
    if (!request->domain().empty() &&
        std::find(domains.begin(), domains.end(), request->domain()) == domains.end()) {
      violations.push_back({"domain", "unknown enforcement domain"});
    }
    if (request->page_size() < 0) violations.push_back({"page_size", "must not be negative"});
    std::string after = DecodeToken(request->page_token(), violations);
    if (!violations.empty()) throw ServiceError::InvalidArgument("bad list request", violations);

    AgencyFilter filter{request->city_code(), request->domain(), after, common::PageSize(request->page_size())};
    // One extra row tells whether another page follows.
    const int page = filter.limit;
    filter.limit = page + 1;
    auto agencies = agencies_.List(filter);
    bool more = static_cast<int>(agencies.size()) > page;
    if (more) agencies.resize(page);
    for (const auto& a : agencies) AgencyToProto(a, response->add_agencies());
    if (more) response->set_next_page_token(common::EncodePageToken(agencies.back().credit_code));
    return grpc::Status::OK;
  });
}

grpc::Status RegistryService::ListRejections(grpc::ServerContext* context, const v1::ListRejectionsRequest* request,
                                             v1::ListRejectionsResponse* response) {
  return common::Call(*context, signer_, {common::v1::ROLE_CITY}, [&](const common::CallerIdentity& caller) {
    common::Violations violations;
    std::string position = DecodeToken(request->page_token(), violations);
    if (!violations.empty()) throw ServiceError::InvalidArgument("bad page token", violations);
    int64_t before = position.empty() ? 0 : std::strtoll(position.c_str(), nullptr, 10);
    const int page = common::PageSize(request->page_size());
    auto rows = agencies_.ListRejections(caller.city_code, before, page + 1);
    bool more = static_cast<int>(rows.size()) > page;
    if (more) rows.resize(page);
    for (const auto& r : rows) {
      auto* p = response->add_rejections();
      p->set_kind(r.kind);
      p->set_key(r.key);
      p->set_source_version(r.source_version);
      p->set_raw_json(r.raw_json);
      p->set_received_at(r.received_at);
      for (const auto& v : r.violations) {
        auto* fv = p->add_violations();
        fv->set_field(v.field);
        fv->set_description(v.description);
      }
    }
    if (more) response->set_next_page_token(common::EncodePageToken(std::to_string(rows.back().id)));
    return grpc::Status::OK;
  });
}

}  // namespace gongkai::registry
