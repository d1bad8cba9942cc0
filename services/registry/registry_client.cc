#include "services/registry/registry_client.h"

#include <set>
#include <stdexcept>

#include "common/calendar/iso_date.h"
#include "common/errors.h"
#include "common/log.h"
#include "common/service_call.h"
#include "services/registry/agency.h"
#include "services/registry/inspection_plan.h"
#include "services/registry/officer.h"
#include "services/registry/powers.h"
#include "services/registry/public_size.h"

namespace gongkai::registry {
namespace {

// How long a call to the registry may take.
constexpr std::chrono::seconds kCallDeadline{3};

// The gRPC path of the registry's method `name`, the method a call's identity
// is signed for.
std::string MethodPath(const char* name) {
  return "/" + std::string(v1::RegistryService::service_full_name()) + "/" + name;
}

const std::string& GetAgencyMethod() {
  static const std::string kPath = MethodPath("GetAgency");
  return kPath;
}

const std::string& ListBenchmarksMethod() {
  static const std::string kPath = MethodPath("ListBenchmarks");
  return kPath;
}

const std::string& CheckCertificatesMethod() {
  static const std::string kPath = MethodPath("CheckCertificates");
  return kPath;
}

const std::string& GetPowersItemsMethod() {
  static const std::string kPath = MethodPath("GetPowersItems");
  return kPath;
}

const std::string& RecordInspectionPlansMethod() {
  static const std::string kPath = MethodPath("RecordInspectionPlans");
  return kPath;
}

const std::string& ListEnforcementUnitsMethod() {
  static const std::string kPath = MethodPath("ListEnforcementUnits");
  return kPath;
}

const std::string& CheckQualificationListsMethod() {
  static const std::string kPath = MethodPath("CheckQualificationLists");
  return kPath;
}

// `what` says what the call was for ("check agencies").
[[noreturn]] void RegistryUnavailable(const grpc::Status& status, const std::string& what = "check agencies") {
  common::Log(common::LogLevel::kWarning, "registry_unavailable", {{"code", static_cast<int>(status.error_code())}});
  throw common::ServiceError::Unavailable(std::string("the registry cannot be reached to ") + what + "; retry later");
}

// A call the registry did not answer: a request it refused as malformed is
// this process's error (std::invalid_argument), anything else the registry
// being away (UNAVAILABLE).
[[noreturn]] void CallFailed(const grpc::Status& status, const std::string& what) {
  if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
    throw std::invalid_argument(std::string("the registry refused a call to ") + what + ": " + status.error_message());
  }
  RegistryUnavailable(status, what);
}

// Past kMaxCachedAnswers, a cache drops its expired answers, and all of them
// if that is not enough.
template <typename Cache>
void BoundCache(Cache& cache, std::chrono::steady_clock::time_point now) {
  if (cache.size() <= GrpcRegistryClient::kMaxCachedAnswers) return;
  std::erase_if(cache, [now](const auto& entry) { return entry.second.expires <= now; });
  if (cache.size() > GrpcRegistryClient::kMaxCachedAnswers) cache.clear();
}

// Consecutive slices of at most `size` of `items`.
std::vector<std::vector<std::string>> Slices(const std::vector<std::string>& items, std::size_t size) {
  std::vector<std::vector<std::string>> out;
  for (std::size_t start = 0; start < items.size(); start += size) {
    out.emplace_back(items.begin() + static_cast<std::ptrdiff_t>(start),
                     items.begin() + static_cast<std::ptrdiff_t>(std::min(items.size(), start + size)));
  }
  return out;
}

}  // namespace

std::map<std::string, std::string> RegistryClient::CitiesOf(const std::vector<std::string>& codes) {
  std::map<std::string, std::string> out;
  for (const auto& code : codes) {
    if (out.contains(code)) continue;
    if (auto info = Agency(code)) out[code] = info->city_code;
  }
  return out;
}

RegistryClientSettings ReadRegistryClientSettings(common::Config& config) {
  RegistryClientSettings settings;
  settings.address = config.Address("GONGKAI_REGISTRY_ADDRESS", "127.0.0.1:7101", "the registry's gRPC address");
  settings.ttl = std::chrono::milliseconds(
      config.Int("GONGKAI_REGISTRY_CACHE_MS", 30000, 0, 3600000, "how long registry answers are cached"));
  return settings;
}

std::unique_ptr<GrpcRegistryClient> ConnectRegistry(const RegistryClientSettings& settings,
                                                    const std::shared_ptr<grpc::ChannelCredentials>& credentials,
                                                    const common::IdentitySigner& signer, const std::string& service) {
  return std::make_unique<GrpcRegistryClient>(grpc::CreateChannel(settings.address, credentials), settings.ttl, signer,
                                              service);
}

GrpcRegistryClient::GrpcRegistryClient(std::shared_ptr<grpc::Channel> channel, std::chrono::milliseconds ttl,
                                       const common::IdentitySigner& signer, const std::string& service)
    : stub_(v1::RegistryService::NewStub(std::move(channel))),
      ttl_(ttl),
      signer_(signer),
      identity_(common::ServiceIdentity(service)) {}

void GrpcRegistryClient::Prepare(grpc::ClientContext& ctx, const std::string& method) const {
  common::PrepareServiceCall(ctx, signer_, identity_, method, kCallDeadline);
}

std::optional<AgencyInfo> GrpcRegistryClient::Agency(const std::string& credit_code) {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    auto it = agencies_.find(credit_code);
    if (it != agencies_.end() && it->second.expires > now) return it->second.value;
  }
  grpc::ClientContext ctx;
  Prepare(ctx, GetAgencyMethod());
  v1::GetAgencyRequest request;
  request.set_credit_code(credit_code);
  v1::Agency agency;
  grpc::Status status = stub_->GetAgency(&ctx, request, &agency);
  std::optional<AgencyInfo> info;
  if (status.ok()) {
    info = AgencyInfo{agency.city_code(), {agency.domains().begin(), agency.domains().end()}, agency.name()};
  } else if (status.error_code() != grpc::StatusCode::NOT_FOUND &&
             status.error_code() != grpc::StatusCode::INVALID_ARGUMENT) {
    RegistryUnavailable(status);
  }
  std::lock_guard lock(mutex_);
  agencies_[credit_code] = {now + (info ? ttl_ : ttl_ / 10), info};
  return info;
}

std::optional<std::vector<TierRange>> GrpcRegistryClient::Benchmark(const std::string& city_code,
                                                                    const std::string& domain,
                                                                    const std::string& violation_code) {
  const auto now = std::chrono::steady_clock::now();
  const std::string key = city_code + "/" + domain;
  std::map<std::string, std::vector<TierRange>> tables;
  bool cached = false;
  {
    std::lock_guard lock(mutex_);
    auto it = tables_.find(key);
    if (it != tables_.end() && it->second.expires > now) {
      tables = it->second.value;
      cached = true;
    }
  }
  if (!cached) {
    // Every page of the city's tables of the domain.
    std::string token;
    do {
      grpc::ClientContext ctx;
      Prepare(ctx, ListBenchmarksMethod());
      v1::ListBenchmarksRequest request;
      request.set_city_code(city_code);
      request.set_domain(domain);
      request.set_page_size(kBenchmarkPage.max);
      request.set_page_token(token);
      v1::ListBenchmarksResponse response;
      grpc::Status status = stub_->ListBenchmarks(&ctx, request, &response);
      if (!status.ok()) RegistryUnavailable(status);
      for (const auto& b : response.benchmarks()) {
        auto& tiers = tables[b.violation_code()];
        for (const auto& t : b.tiers()) tiers.push_back({t.level(), t.penalty_min_fen(), t.penalty_max_fen()});
      }
      token = response.next_page_token();
    } while (!token.empty());
    std::lock_guard lock(mutex_);
    tables_[key] = {now + ttl_, tables};
  }
  auto it = tables.find(violation_code);
  if (it == tables.end()) return std::nullopt;
  return it->second;
}

std::map<std::string, RegistryClient::CertificateInfo> GrpcRegistryClient::CheckCertificates(
    const std::vector<std::string>& numbers, common::Date from, common::Date to) {
  if (to < from) throw std::invalid_argument("a certificate check's period must not end before it starts");
  const auto now = std::chrono::steady_clock::now();
  std::map<std::string, CertificateInfo> out;
  std::vector<std::string> ask;
  {
    std::lock_guard lock(mutex_);
    for (const auto& number : numbers) {
      if (out.contains(number)) continue;
      out[number] = {};
      // A number the registry would refuse is no certificate it knows.
      if (!IsCertificateNumber(number)) continue;
      auto it = certificates_.find({number, from, to});
      if (it != certificates_.end() && it->second.expires > now) {
        out[number] = it->second.value;
      } else {
        ask.push_back(number);
      }
    }
  }
  for (const auto& slice : Slices(ask, kMaxCertificateChecks)) {
    grpc::ClientContext ctx;
    Prepare(ctx, CheckCertificatesMethod());
    v1::CheckCertificatesRequest request;
    for (const auto& number : slice) request.add_certificate_numbers(number);
    request.set_from(common::FormatIsoDate(from));
    request.set_to(common::FormatIsoDate(to));
    v1::CheckCertificatesResponse response;
    grpc::Status status = stub_->CheckCertificates(&ctx, request, &response);
    if (!status.ok()) CallFailed(status, "check certificates");
    std::map<std::string, CertificateInfo> answered;
    for (const auto& check : response.checks()) {
      answered[check.certificate_number()] = {check.known(), check.agency_credit_code(), check.valid_over_period()};
    }
    // An answer that leaves a number out says nothing of it.
    for (const auto& number : slice) {
      if (!answered.contains(number)) {
        common::Log(common::LogLevel::kWarning, "registry_answer_incomplete", {{"method", "CheckCertificates"}});
        throw common::ServiceError::Unavailable("the registry's answer left certificates out; retry later");
      }
    }
    std::lock_guard lock(mutex_);
    for (const auto& [number, info] : answered) {
      if (!out.contains(number)) continue;
      out[number] = info;
      certificates_[{number, from, to}] = {now + (info.known ? ttl_ : ttl_ / 10), info};
    }
    BoundCache(certificates_, now);
  }
  return out;
}

std::vector<RegistryClient::PowersItemInfo> GrpcRegistryClient::PowersItems(
    const std::vector<std::string>& agencies, const std::vector<std::string>& source_ids) {
  const std::set<std::string> agency_set(agencies.begin(), agencies.end());
  const std::set<std::string> id_set(source_ids.begin(), source_ids.end());
  const auto now = std::chrono::steady_clock::now();
  // Every pair asked about, from the cache or from the registry.
  std::map<std::pair<std::string, std::string>, std::optional<PowersItemInfo>> found;
  std::set<std::string> ask_agencies, ask_ids;
  {
    std::lock_guard lock(mutex_);
    for (const auto& agency : agency_set) {
      for (const auto& id : id_set) {
        auto it = powers_items_.find({agency, id});
        if (it != powers_items_.end() && it->second.expires > now) {
          found[{agency, id}] = it->second.value;
        } else {
          ask_agencies.insert(agency);
          ask_ids.insert(id);
        }
      }
    }
  }
  // The pairs not cached lie within ask_agencies × ask_ids: asked a slice of
  // each at a time.
  const std::vector<std::string> agency_list(ask_agencies.begin(), ask_agencies.end());
  const std::vector<std::string> id_list(ask_ids.begin(), ask_ids.end());
  for (const auto& agency_slice : Slices(agency_list, kMaxPowersQueryAgencies)) {
    for (const auto& id_slice : Slices(id_list, kMaxPowersQuerySourceIds)) {
      grpc::ClientContext ctx;
      Prepare(ctx, GetPowersItemsMethod());
      v1::GetPowersItemsRequest request;
      for (const auto& agency : agency_slice) request.add_agency_credit_codes(agency);
      for (const auto& id : id_slice) request.add_source_ids(id);
      v1::GetPowersItemsResponse response;
      grpc::Status status = stub_->GetPowersItems(&ctx, request, &response);
      if (!status.ok()) CallFailed(status, "look up powers items");
      std::map<std::pair<std::string, std::string>, PowersItemInfo> items;
      for (const auto& item : response.items()) {
        items[{item.agency_credit_code(), item.source_id()}] = {item.agency_credit_code(), item.source_id(),
                                                                static_cast<int>(item.category()), item.random_check()};
      }
      std::lock_guard lock(mutex_);
      for (const auto& agency : agency_slice) {
        for (const auto& id : id_slice) {
          std::optional<PowersItemInfo> info;
          if (auto it = items.find({agency, id}); it != items.end()) info = it->second;
          found[{agency, id}] = info;
          powers_items_[{agency, id}] = {now + (info ? ttl_ : ttl_ / 10), info};
        }
      }
      BoundCache(powers_items_, now);
    }
  }
  std::vector<PowersItemInfo> out;
  for (const auto& [key, info] : found) {
    if (info) out.push_back(*info);
  }
  return out;
}

void GrpcRegistryClient::RecordInspectionPlans(const std::vector<InspectionPlanNotice>& notices) {
  for (std::size_t start = 0; start < notices.size(); start += kMaxInspectionPlanNotices) {
    const std::size_t end = std::min(notices.size(), start + kMaxInspectionPlanNotices);
    grpc::ClientContext ctx;
    Prepare(ctx, RecordInspectionPlansMethod());
    v1::RecordInspectionPlansRequest request;
    for (std::size_t i = start; i < end; ++i) {
      auto* n = request.add_notices();
      n->set_agency_credit_code(notices[i].agency_credit_code);
      n->set_year(notices[i].year);
      n->set_published_on(common::FormatIsoDate(notices[i].published_on));
    }
    v1::RecordInspectionPlansResponse response;
    grpc::Status status = stub_->RecordInspectionPlans(&ctx, request, &response);
    if (!status.ok()) CallFailed(status, "record inspection plans");
  }
}

std::vector<RegistryClient::EnforcementUnitInfo> GrpcRegistryClient::EnforcementUnits() {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    if (units_ && units_->expires > now) return units_->value;
  }
  grpc::ClientContext ctx;
  Prepare(ctx, ListEnforcementUnitsMethod());
  v1::ListEnforcementUnitsResponse response;
  grpc::Status status = stub_->ListEnforcementUnits(&ctx, v1::ListEnforcementUnitsRequest(), &response);
  if (status.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
    // More units than one answer lists: asking again does not help.
    common::Log(common::LogLevel::kWarning, "registry_refused", {{"method", "ListEnforcementUnits"}});
    throw common::ServiceError::FailedPrecondition(std::string("the registry cannot list the enforcement units: ") +
                                                   status.error_message());
  }
  if (!status.ok()) CallFailed(status, "list enforcement units");
  std::vector<EnforcementUnitInfo> units;
  units.reserve(static_cast<std::size_t>(response.units_size()));
  for (const auto& u : response.units()) units.push_back({u.credit_code(), u.name(), u.city_code()});
  std::lock_guard lock(mutex_);
  units_ = Entry<std::vector<EnforcementUnitInfo>>{now + ttl_, units};
  return units;
}

std::vector<RegistryClient::QualificationAnswer> GrpcRegistryClient::QualificationLists(
    const std::vector<QualificationQuery>& queries) {
  std::vector<QualificationAnswer> out;
  out.reserve(queries.size());
  for (std::size_t start = 0; start < queries.size(); start += kMaxQualificationQueries) {
    const std::size_t end = std::min(queries.size(), start + kMaxQualificationQueries);
    grpc::ClientContext ctx;
    Prepare(ctx, CheckQualificationListsMethod());
    v1::CheckQualificationListsRequest request;
    for (std::size_t i = start; i < end; ++i) {
      auto* q = request.add_queries();
      q->set_agency_credit_code(queries[i].agency_credit_code);
      q->set_on(common::FormatIsoDate(queries[i].on));
    }
    v1::CheckQualificationListsResponse response;
    grpc::Status status = stub_->CheckQualificationLists(&ctx, request, &response);
    if (!status.ok()) CallFailed(status, "check qualification lists");
    // An answer that leaves a query out says nothing of it.
    if (response.answers_size() != static_cast<int>(end - start)) {
      common::Log(common::LogLevel::kWarning, "registry_answer_incomplete", {{"method", "CheckQualificationLists"}});
      throw common::ServiceError::Unavailable("the registry's answer left qualification queries out; retry later");
    }
    for (const auto& a : response.answers()) out.push_back({a.known(), a.current(), a.reason()});
  }
  return out;
}

}  // namespace gongkai::registry
