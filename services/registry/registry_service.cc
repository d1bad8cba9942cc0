#include "services/registry/registry_service.h"

#include <algorithm>

#include "common/calendar/iso_date.h"
#include "common/call.h"
#include "common/clock.h"
#include "common/domains.h"
#include "common/errors.h"
#include "common/identifiers.h"
#include "common/list_filters.h"
#include "common/paging.h"
#include "services/registry/coverage.h"
#include "services/registry/registry_mapping.h"

namespace gongkai::registry {
namespace {

using common::RecordKind;
using common::ServiceError;
using common::v1::ROLE_CITY;
using common::v1::ROLE_PUBLIC;

std::string Today() { return common::FormatIsoDate(common::TodayInShanghai()); }

std::string At(const char* field, int index) { return std::string(field) + "[" + std::to_string(index) + "]"; }

// The position a page token resumes after; a violation when the token is not ours.
std::string DecodeToken(const std::string& token, common::Violations& violations) {
  if (token.empty()) return {};
  auto position = common::DecodePageToken(token);
  if (!position) violations.push_back({"page_token", "not a token this service issued"});
  return position.value_or("");
}

void ThrowIfAny(const common::Violations& violations, const char* what) {
  if (!violations.empty()) throw ServiceError::InvalidArgument(what, violations);
}

v1::VerifyCertificateResponse::Verdict VerdictToProto(Verdict v) {
  switch (v) {
    case Verdict::kValid: return v1::VerifyCertificateResponse::VALID;
    case Verdict::kExpired: return v1::VerifyCertificateResponse::EXPIRED;
    case Verdict::kSuspended: return v1::VerifyCertificateResponse::SUSPENDED;
    case Verdict::kRevoked: return v1::VerifyCertificateResponse::REVOKED;
    case Verdict::kNotYetValid: return v1::VerifyCertificateResponse::NOT_YET_VALID;
    case Verdict::kUnknown: return v1::VerifyCertificateResponse::UNKNOWN;
  }
  return v1::VerifyCertificateResponse::UNKNOWN;
}

}  // namespace

RegistryService::RegistryService(RegistryStores stores, const common::IdentitySigner& signer,
                                 const common::Deadlines& deadlines, RegistryOptions options)
    : stores_(stores), signer_(signer), deadlines_(deadlines), options_(options) {}

template <typename Record>
void RegistryService::CheckAgencies(common::BatchWrite<Record>& batch, const common::CallerIdentity& caller,
                                    const char* field) {
  std::vector<std::string> codes;
  for (const auto& r : batch.Valid()) codes.push_back(r.agency_credit_code);
  auto cities = stores_.agencies.CitiesOf(codes);
  for (const auto& [code, city] : cities) {
    if (city != caller.city_code) {
      throw ServiceError::PermissionDenied("agency " + code + " is registered to city " + city + ", not " +
                                           caller.city_code);
    }
  }
  batch.CheckEach([&](const Record& r, int index, common::Violations& violations) {
    if (!cities.contains(r.agency_credit_code)) {
      violations.push_back({At(field, index) + ".agency_credit_code", "no such agency in the registry"});
    }
  });
}

grpc::Status RegistryService::UpsertAgencies(grpc::ServerContext* context, const v1::UpsertAgenciesRequest* request,
                                             v1::UpsertAgenciesResponse* response) {
  return common::Call(*context, signer_, {ROLE_CITY}, [&](const common::CallerIdentity& caller) {
    common::CheckBatchSize(request->agencies_size(), options_.max_batch, "agencies");
    // Scope first: a city writes only agencies in its own city, and a batch
    // that reaches outside it is refused whole.
    for (int i = 0; i < request->agencies_size(); ++i) {
      const auto& area = request->agencies(i).area_code();
      if (!common::CheckAreaCode(area) && common::CityOfArea(area) != caller.city_code) {
        throw ServiceError::PermissionDenied(At("agencies", i) + ": area code " + area + " is outside city " +
                                             caller.city_code);
      }
    }
    common::BatchWrite<Agency> batch("agency", response->mutable_results());
    for (int i = 0; i < request->agencies_size(); ++i) {
      const auto& proto = request->agencies(i);
      Agency agency = AgencyFromProto(proto);
      auto violations = ValidateAgency(agency, At("agencies", i));
      batch.Add(i, proto.credit_code(), proto.source_version(), proto, std::move(agency), std::move(violations));
    }
    batch.RejectRepeatedKeys("agencies");
    auto stored = stores_.agencies.UpsertBatch(caller.city_code, batch.Valid(), batch.Rejected(), Today());
    if (!stored.foreign.empty()) {
      throw ServiceError::PermissionDenied("agency " + stored.foreign.front() + " is registered to another city");
    }
    batch.Settle(stored.outcomes);
    return grpc::Status::OK;
  });
}

namespace {

void AddAgencyDerived(const Agency& a, const common::Deadlines& deadlines, v1::Agency* p) {
  const auto today = common::TodayInShanghai();
  const std::string today_iso = common::FormatIsoDate(today);
  const std::string year = today_iso.substr(0, 4);
  // This year's confirmation, due 31 January: done when confirmed this year.
  std::string done = a.qualification_confirmed_on.starts_with(year) ? a.qualification_confirmed_on : "";
  *p->mutable_qualification_list() = deadlines.Assess(RecordKind::kQualificationList, year + "-01-01", done, today);
  p->set_expired(a.valid_until < today_iso);
}

}  // namespace

grpc::Status RegistryService::GetAgency(grpc::ServerContext* context, const v1::GetAgencyRequest* request,
                                        v1::Agency* response) {
  return common::Call(*context, signer_, {ROLE_PUBLIC}, [&](const common::CallerIdentity&) {
    if (auto problem = common::CheckCreditCode(request->credit_code())) {
      throw ServiceError::InvalidArgument("bad credit code", {{"credit_code", *problem}});
    }
    auto agency = stores_.agencies.Get(request->credit_code());
    if (!agency) throw ServiceError::NotFound("no agency " + request->credit_code());
    AgencyToProto(*agency, response);
    AddAgencyDerived(*agency, deadlines_, response);
    return grpc::Status::OK;
  });
}

grpc::Status RegistryService::ListAgencies(grpc::ServerContext* context, const v1::ListAgenciesRequest* request,
                                           v1::ListAgenciesResponse* response) {
  return common::Call(*context, signer_, {ROLE_PUBLIC}, [&](const common::CallerIdentity&) {
    common::Violations violations;
    common::CheckCityFilter(violations, "city_code", request->city_code());
    common::CheckDomainFilter(violations, "domain", request->domain());
    if (request->page_size() < 0) violations.push_back({"page_size", "must not be negative"});
    std::string after = DecodeToken(request->page_token(), violations);
    ThrowIfAny(violations, "bad list request");

    const int page = common::PageSize(request->page_size());
    // One extra row tells whether another page follows.
    auto agencies = stores_.agencies.List({request->city_code(), request->domain(), after, page + 1});
    bool more = static_cast<int>(agencies.size()) > page;
    if (more) agencies.resize(page);
    for (const auto& a : agencies) {
      auto* p = response->add_agencies();
      AgencyToProto(a, p);
      AddAgencyDerived(a, deadlines_, p);
    }
    if (more) response->set_next_page_token(common::EncodePageToken(agencies.back().credit_code));
    return grpc::Status::OK;
  });
}

grpc::Status RegistryService::ListRejections(grpc::ServerContext* context, const v1::ListRejectionsRequest* request,
                                             v1::ListRejectionsResponse* response) {
  return common::Call(*context, signer_, {ROLE_CITY}, [&](const common::CallerIdentity& caller) {
    response->set_next_page_token(common::RejectionsPage(
        [&](int64_t before, int limit) { return stores_.agencies.ListRejections(caller.city_code, before, limit); },
        request->page_token(), request->page_size(), response->mutable_rejections()));
    return grpc::Status::OK;
  });
}

grpc::Status RegistryService::ConfirmQualificationLists(grpc::ServerContext* context,
                                                        const v1::ConfirmQualificationListsRequest* request,
                                                        v1::ConfirmQualificationListsResponse* response) {
  return common::Call(*context, signer_, {ROLE_CITY}, [&](const common::CallerIdentity& caller) {
    common::CheckBatchSize(request->credit_codes_size(), options_.max_batch, "credit_codes");
    std::vector<std::string> codes(request->credit_codes().begin(), request->credit_codes().end());
    auto result = stores_.agencies.ConfirmQualificationLists(caller.city_code, codes, Today());
    if (!result.foreign.empty()) {
      throw ServiceError::PermissionDenied("agency " + result.foreign.front() + " is registered to another city");
    }
    for (std::size_t i = 0; i < codes.size(); ++i) {
      auto* r = response->add_results();
      r->set_index(static_cast<int>(i));
      r->set_key(codes[i]);
      if (result.confirmed[i]) {
        r->set_outcome(common::v1::RecordResult::ACCEPTED);
      } else {
        r->set_outcome(common::v1::RecordResult::REJECTED);
        auto* v = r->add_violations();
        v->set_field(At("credit_codes", static_cast<int>(i)));
        v->set_description("no such agency in the registry");
      }
    }
    return grpc::Status::OK;
  });
}

grpc::Status RegistryService::UpsertPowers(grpc::ServerContext* context, const v1::UpsertPowersRequest* request,
                                           v1::UpsertPowersResponse* response) {
  return common::Call(*context, signer_, {ROLE_CITY}, [&](const common::CallerIdentity& caller) {
    common::CheckBatchSize(request->items_size(), options_.max_batch, "items");
    const std::string today = Today();
    common::BatchWrite<PowersItem> batch("powers_item", response->mutable_results());
    for (int i = 0; i < request->items_size(); ++i) {
      const auto& proto = request->items(i);
      PowersItem item = PowersItemFromProto(proto);
      auto violations = ValidatePowersItem(item, At("items", i), today);
      batch.Add(i, proto.agency_credit_code() + "/" + proto.source_id(), proto.source_version(), proto,
                std::move(item), std::move(violations));
    }
    batch.RejectRepeatedKeys("items");
    CheckAgencies(batch, caller, "items");
    batch.Settle(stores_.powers.UpsertBatch(caller.city_code, batch.Valid(), batch.Rejected(), today));
    return grpc::Status::OK;
  });
}

grpc::Status RegistryService::ListPowers(grpc::ServerContext* context, const v1::ListPowersRequest* request,
                                         v1::ListPowersResponse* response) {
  return common::Call(*context, signer_, {ROLE_PUBLIC}, [&](const common::CallerIdentity&) {
    common::Violations violations;
    if (request->category() < 0 || request->category() > 5) violations.push_back({"category", "unknown category"});
    if (request->keyword().size() > 100) violations.push_back({"keyword", "at most 100 bytes"});
    if (request->page_size() < 0) violations.push_back({"page_size", "must not be negative"});
    std::string after = DecodeToken(request->page_token(), violations);
    ThrowIfAny(violations, "bad list request");
    const int page = common::PageSize(request->page_size());
    auto items = stores_.powers.List(
        {request->agency_credit_code(), static_cast<int>(request->category()), request->keyword(), after, page + 1});
    bool more = static_cast<int>(items.size()) > page;
    if (more) items.resize(page);
    const auto today = common::TodayInShanghai();
    for (const auto& item : items) {
      auto* p = response->add_items();
      PowersItemToProto(item, p);
      *p->mutable_timeliness() = deadlines_.Assess(RecordKind::kPowersItem, item.changed_on, item.published_on, today);
    }
    if (more) {
      response->set_next_page_token(
          common::EncodePageToken(items.back().agency_credit_code + "|" + items.back().source_id));
    }
    return grpc::Status::OK;
  });
}

grpc::Status RegistryService::ListPowersChanges(grpc::ServerContext* context,
                                                const v1::ListPowersChangesRequest* request,
                                                v1::ListPowersChangesResponse* response) {
  return common::Call(*context, signer_, {ROLE_PUBLIC}, [&](const common::CallerIdentity&) {
    common::Violations violations;
    if (request->after_seq() < 0) violations.push_back({"after_seq", "must not be negative"});
    if (request->limit() < 0) violations.push_back({"limit", "must not be negative"});
    ThrowIfAny(violations, "bad feed request");
    auto items = stores_.powers.Changes(request->after_seq(), common::PageSize(request->limit(), 100, 1000));
    const auto today = common::TodayInShanghai();
    int64_t last = request->after_seq();
    for (const auto& item : items) {
      auto* p = response->add_items();
      PowersItemToProto(item, p);
      *p->mutable_timeliness() = deadlines_.Assess(RecordKind::kPowersItem, item.changed_on, item.published_on, today);
      last = item.change_seq;
    }
    response->set_last_seq(last);
    return grpc::Status::OK;
  });
}

grpc::Status RegistryService::UpsertBenchmarks(grpc::ServerContext* context,
                                               const v1::UpsertBenchmarksRequest* request,
                                               v1::UpsertBenchmarksResponse* response) {
  return common::Call(*context, signer_, {ROLE_CITY}, [&](const common::CallerIdentity& caller) {
    common::CheckBatchSize(request->benchmarks_size(), options_.max_batch, "benchmarks");
    const std::string today = Today();
    common::BatchWrite<DiscretionBenchmark> batch("benchmark", response->mutable_results());
    for (int i = 0; i < request->benchmarks_size(); ++i) {
      const auto& proto = request->benchmarks(i);
      DiscretionBenchmark b = BenchmarkFromProto(proto);
      const std::string path = At("benchmarks", i);
      auto violations = ValidateBenchmark(b, path);
      if (!b.domain.empty() && !common::IsKnownDomain(b.domain)) {
        violations.push_back({path + ".domain", "unknown enforcement domain '" + b.domain + "'"});
      }
      if (!common::IsIsoDate(b.changed_on)) {
        violations.push_back({path + ".changed_on", "must be a date YYYY-MM-DD"});
      } else if (b.changed_on > today) {
        violations.push_back({path + ".changed_on", "must not be in the future"});
      }
      if (b.source_version <= 0) violations.push_back({path + ".source_version", "must be a positive version number"});
      batch.Add(i, BenchmarkKey(b), proto.source_version(), proto, std::move(b), std::move(violations));
    }
    batch.RejectRepeatedKeys("benchmarks");
    batch.Settle(stores_.benchmarks.UpsertBatch(caller.city_code, batch.Valid(), batch.Rejected(), today));
    return grpc::Status::OK;
  });
}

grpc::Status RegistryService::ListBenchmarks(grpc::ServerContext* context, const v1::ListBenchmarksRequest* request,
                                             v1::ListBenchmarksResponse* response) {
  return common::Call(*context, signer_, {ROLE_PUBLIC}, [&](const common::CallerIdentity&) {
    common::Violations violations;
    common::CheckCityFilter(violations, "city_code", request->city_code());
    common::CheckDomainFilter(violations, "domain", request->domain());
    ThrowIfAny(violations, "bad list request");
    const auto today = common::TodayInShanghai();
    for (const auto& b : stores_.benchmarks.List(request->city_code(), request->domain())) {
      auto* p = response->add_benchmarks();
      BenchmarkToProto(b, p);
      *p->mutable_timeliness() =
          deadlines_.Assess(RecordKind::kDiscretionBenchmark, b.changed_on, b.published_on, today);
    }
    return grpc::Status::OK;
  });
}

grpc::Status RegistryService::RecommendTier(grpc::ServerContext* context, const v1::RecommendTierRequest* request,
                                            v1::RecommendTierResponse* response) {
  return common::Call(*context, signer_, {ROLE_PUBLIC}, [&](const common::CallerIdentity&) {
    common::Violations violations;
    if (!common::IsCityCode(request->city_code())) {
      violations.push_back({"city_code", "must be a prefecture-level city code such as 140100"});
    }
    if (!common::IsKnownDomain(request->domain())) violations.push_back({"domain", "unknown enforcement domain"});
    if (request->violation_code().empty()) violations.push_back({"violation_code", "required"});
    if (request->facts().amount_fen() < 0) violations.push_back({"facts.amount_fen", "must not be negative"});
    ThrowIfAny(violations, "bad recommendation request");
    auto benchmark = stores_.benchmarks.Get(request->city_code(), request->domain(), request->violation_code());
    if (!benchmark) {
      throw ServiceError::NotFound("no benchmark for " + request->domain() + "/" + request->violation_code() +
                                   " in city " + request->city_code());
    }
    auto recommendation = registry::RecommendTier(*benchmark, CaseFactsFromProto(request->facts()));
    TierToProto(recommendation.tier, response->mutable_tier());
    for (const auto& reason : recommendation.decided_by) response->add_decided_by(reason);
    return grpc::Status::OK;
  });
}

grpc::Status RegistryService::UpsertOfficers(grpc::ServerContext* context, const v1::UpsertOfficersRequest* request,
                                             v1::UpsertOfficersResponse* response) {
  return common::Call(*context, signer_, {ROLE_CITY}, [&](const common::CallerIdentity& caller) {
    common::CheckBatchSize(request->officers_size(), options_.max_batch, "officers");
    const std::string today = Today();
    common::BatchWrite<Officer> batch("officer", response->mutable_results());
    std::vector<std::string> numbers;
    for (int i = 0; i < request->officers_size(); ++i) {
      const auto& proto = request->officers(i);
      Officer officer = OfficerFromProto(proto);
      auto violations = ValidateOfficer(officer, At("officers", i), today);
      numbers.push_back(proto.certificate_number());
      batch.Add(i, proto.certificate_number(), proto.source_version(), proto, std::move(officer),
                std::move(violations));
    }
    batch.RejectRepeatedKeys("officers");
    // A certificate another city registered is not this city's to change.
    for (const auto& [number, city] : stores_.officers.CitiesOf(numbers)) {
      if (city != caller.city_code) {
        throw ServiceError::PermissionDenied("certificate " + number + " is registered to city " + city);
      }
    }
    CheckAgencies(batch, caller, "officers");
    batch.Settle(stores_.officers.UpsertBatch(caller.city_code, batch.Valid(), batch.Rejected(), today));
    // What this process wrote, it verifies at once.
    stores_.officer_index.Refresh();
    return grpc::Status::OK;
  });
}

grpc::Status RegistryService::ListOfficers(grpc::ServerContext* context, const v1::ListOfficersRequest* request,
                                           v1::ListOfficersResponse* response) {
  return common::Call(*context, signer_, {ROLE_PUBLIC}, [&](const common::CallerIdentity&) {
    common::Violations violations;
    if (auto problem = common::CheckCreditCode(request->agency_credit_code())) {
      violations.push_back({"agency_credit_code", *problem});
    }
    if (request->page_size() < 0) violations.push_back({"page_size", "must not be negative"});
    std::string after = DecodeToken(request->page_token(), violations);
    ThrowIfAny(violations, "bad list request");
    const int page = common::PageSize(request->page_size());
    auto officers = stores_.officers.ListByAgency(request->agency_credit_code(), after, page + 1);
    bool more = static_cast<int>(officers.size()) > page;
    if (more) officers.resize(page);
    const auto today = common::TodayInShanghai();
    for (const auto& o : officers) {
      auto* p = response->add_officers();
      PublicOfficerToProto(o, p);
      *p->mutable_timeliness() = deadlines_.Assess(RecordKind::kOfficer, EntryClockStart(o), o.published_on, today);
    }
    if (more) response->set_next_page_token(common::EncodePageToken(officers.back().certificate_number));
    return grpc::Status::OK;
  });
}

grpc::Status RegistryService::GetOfficerCode(grpc::ServerContext* context, const v1::GetOfficerCodeRequest* request,
                                             v1::GetOfficerCodeResponse* response) {
  return common::Call(*context, signer_, {ROLE_CITY}, [&](const common::CallerIdentity& caller) {
    auto officer = stores_.officers.ByCertificate(request->certificate_number());
    if (!officer || officer->city_code != caller.city_code) {
      throw ServiceError::NotFound("no certificate " + request->certificate_number() + " in city " + caller.city_code);
    }
    if (officer->status == OfficerStatus::kRevoked) {
      throw ServiceError::FailedPrecondition("certificate " + request->certificate_number() + " is revoked");
    }
    response->set_officer_code(stores_.officers.CodeOf(*officer));
    return grpc::Status::OK;
  });
}

grpc::Status RegistryService::VerifyCertificate(grpc::ServerContext* context,
                                                const v1::VerifyCertificateRequest* request,
                                                v1::VerifyCertificateResponse* response) {
  return common::Call(*context, signer_, {ROLE_PUBLIC}, [&](const common::CallerIdentity&) {
    std::optional<Officer> officer;
    switch (request->subject_case()) {
      case v1::VerifyCertificateRequest::kCertificateNumber:
        if (request->certificate_number().size() <= 32) {
          officer = stores_.officer_index.ByCertificate(request->certificate_number());
        }
        break;
      case v1::VerifyCertificateRequest::kOfficerCode:
        if (LooksLikeOfficerCode(request->officer_code())) {
          officer = stores_.officer_index.ByCode(request->officer_code());
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
    response->set_verdict(VerdictToProto(Judge(*officer, Today())));
    PublicOfficerToProto(*officer, response->mutable_officer());
    return grpc::Status::OK;
  });
}

grpc::Status RegistryService::GetCoverage(grpc::ServerContext* context, const v1::GetCoverageRequest* request,
                                          v1::GetCoverageResponse* response) {
  return common::Call(*context, signer_, {ROLE_PUBLIC}, [&](const common::CallerIdentity&) {
    common::Violations violations;
    common::CheckCityFilter(violations, "city_code", request->city_code());
    if (!request->agency_credit_code().empty()) {
      if (auto problem = common::CheckCreditCode(request->agency_credit_code())) {
        violations.push_back({"agency_credit_code", *problem});
      }
    }
    ThrowIfAny(violations, "bad coverage request");
    const std::string today = Today();
    std::vector<AgencyCoverage> all;
    for (const auto& facts : stores_.agencies.Coverage(request->city_code(), request->agency_credit_code())) {
      all.push_back(CoverageOf(facts, today));
    }
    for (const auto& c : all) {
      auto* p = response->add_agencies();
      p->set_credit_code(c.facts.credit_code);
      p->set_name(c.facts.name);
      p->set_city_code(c.facts.city_code);
      p->set_qualification_list_current(c.qualification_list_current);
      p->set_powers_listed(c.facts.powers_listed);
      p->set_officers_listed(c.facts.officers_listed);
      p->set_benchmarks_for_domains(c.facts.benchmarks_for_domains);
      for (const auto& m : c.missing) p->add_missing(m);
    }
    auto totals = Totals(all);
    response->set_items_present(totals.present);
    response->set_items_required(totals.required);
    response->set_ratio(totals.ratio());
    return grpc::Status::OK;
  });
}

std::shared_ptr<common::ScrapeGauges> MakeRegistryGauges(AgencyStore& agencies) {
  return std::make_shared<common::ScrapeGauges>([&agencies] {
    const std::string today = Today();
    std::map<std::string, std::vector<AgencyCoverage>> by_city;
    std::vector<AgencyCoverage> all;
    for (const auto& facts : agencies.Coverage("", "")) {
      auto c = CoverageOf(facts, today);
      by_city[facts.city_code].push_back(c);
      all.push_back(std::move(c));
    }
    common::ScrapeGauges::Family officers{
        "gongkai_officer_loading_agencies",
        "Agencies per city with and without active officers listed (all must have them by 2026-06-30).", {}};
    common::ScrapeGauges::Family qualification{
        "gongkai_qualification_lists", "Agencies per city whose qualification list is current for this year.", {}};
    common::ScrapeGauges::Family kpi{"gongkai_kpi_ratio", "The plan's KPIs, computed from the database.", {}};
    for (const auto& [city, list] : by_city) {
      int with = 0, current = 0;
      for (const auto& c : list) {
        with += c.facts.officers_listed ? 1 : 0;
        current += c.qualification_list_current ? 1 : 0;
      }
      const int n = static_cast<int>(list.size());
      officers.samples.push_back({{{"city", city}, {"state", "with_officers"}}, static_cast<double>(with)});
      officers.samples.push_back({{{"city", city}, {"state", "without_officers"}}, static_cast<double>(n - with)});
      qualification.samples.push_back({{{"city", city}, {"state", "current"}}, static_cast<double>(current)});
      qualification.samples.push_back({{{"city", city}, {"state", "not_current"}}, static_cast<double>(n - current)});
      kpi.samples.push_back({{{"kpi", "coverage"}, {"scope", city}}, Totals(list).ratio()});
    }
    kpi.samples.push_back({{{"kpi", "coverage"}, {"scope", "province"}}, Totals(all).ratio()});
    return std::vector<common::ScrapeGauges::Family>{officers, qualification, kpi};
  });
}

}  // namespace gongkai::registry
