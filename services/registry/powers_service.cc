// RegistryService's methods for powers lists (权责清单) and discretion
// benchmarks (裁量基准).
#include "common/batch.h"
#include "common/call.h"
#include "common/errors.h"
#include "common/fields.h"
#include "common/paging.h"
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
using common::v1::ROLE_SERVICE;

void PowersItemWithTimeliness(const PowersItem& item, const common::Deadlines& deadlines, common::Date today,
                              v1::PowersItem* p) {
  PowersItemToProto(item, p);
  *p->mutable_timeliness() =
      deadlines.Assess(RecordKind::kPowersItem, item.changed_on.value(), item.published_on, today);
}

}  // namespace

grpc::ServerUnaryReactor* RegistryService::UpsertPowers(grpc::CallbackServerContext* context,
                                                        const v1::UpsertPowersRequest* request,
                                                        v1::UpsertPowersResponse* response) {
  return common::Serve(context, context_, {ROLE_CITY}, [=, this](const common::CallerIdentity& caller) {
    common::CheckBatchSize(request->items_size(), max_batch_, "items");
    const common::Date today = context_.clock.Today();
    common::BatchWrite<PowersItem> batch("powers_item", "items", response->mutable_results());
    for (int i = 0; i < request->items_size(); ++i) {
      const auto& proto = request->items(i);
      PowersItem item = PowersItemFromProto(proto);
      auto violations = ValidatePowersItem(item, At("items", i), today);
      batch.Add(i, PowersItemKey(proto.agency_credit_code(), proto.source_id()), proto.source_version(), proto,
                std::move(item), std::move(violations));
    }
    batch.RejectRepeatedKeys("items");
    batch.CheckAgencies(caller.city_code, "items",
                        [&](const std::vector<std::string>& codes) { return stores_.agencies.CitiesOf(codes); });
    batch.Settle(stores_.powers.UpsertBatch(caller.city_code, batch.Valid(), batch.Rejected(), today));
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* RegistryService::ListPowers(grpc::CallbackServerContext* context,
                                                      const v1::ListPowersRequest* request,
                                                      v1::ListPowersResponse* response) {
  return common::Serve(context, context_, {ROLE_PUBLIC}, [=, this](const common::CallerIdentity&) {
    common::Violations violations =
        ValidatePowersFilter(request->category(), request->keyword(), request->agency_credit_code());
    const common::Page page = common::ReadPage(violations, request->page_size(), request->page_token(), 2, kPowersPage);
    common::ThrowIfAny(violations, "bad list request");
    PowersFilter filter{
        request->agency_credit_code(), static_cast<int>(request->category()), request->keyword(), "", "", page.size + 1,
        request->random_check()};
    if (!page.after.empty()) {
      filter.after_agency_credit_code = page.after[0];
      filter.after_source_id = page.after[1];
    }
    auto items = stores_.powers.List(filter);
    response->set_next_page_token(common::TakePage(items, page.size, [](const PowersItem& item) {
      return common::PagePosition{item.agency_credit_code, item.source_id};
    }));
    const common::Date today = context_.clock.Today();
    for (const auto& item : items) PowersItemWithTimeliness(item, context_.deadlines, today, response->add_items());
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* RegistryService::ListPowersChanges(grpc::CallbackServerContext* context,
                                                             const v1::ListPowersChangesRequest* request,
                                                             v1::ListPowersChangesResponse* response) {
  return common::Serve(context, context_, {ROLE_PUBLIC}, [=, this](const common::CallerIdentity&) {
    common::Violations violations;
    if (request->after_seq() < 0) violations.push_back({"after_seq", "must not be negative"});
    const int limit = common::ReadPageSize(violations, "limit", request->limit(), kPowersFeedPage);
    common::ThrowIfAny(violations, "bad feed request");
    const common::Date today = context_.clock.Today();
    int64_t last = request->after_seq();
    for (const auto& item : stores_.powers.Changes(request->after_seq(), limit)) {
      PowersItemWithTimeliness(item, context_.deadlines, today, response->add_items());
      last = item.change_seq;
    }
    response->set_last_seq(last);
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* RegistryService::UpsertBenchmarks(grpc::CallbackServerContext* context,
                                                            const v1::UpsertBenchmarksRequest* request,
                                                            v1::UpsertBenchmarksResponse* response) {
  return common::Serve(context, context_, {ROLE_CITY}, [=, this](const common::CallerIdentity& caller) {
    common::CheckBatchSize(request->benchmarks_size(), max_batch_, "benchmarks");
    const common::Date today = context_.clock.Today();
    common::BatchWrite<DiscretionBenchmark> batch("benchmark", "benchmarks", response->mutable_results());
    for (int i = 0; i < request->benchmarks_size(); ++i) {
      const auto& proto = request->benchmarks(i);
      DiscretionBenchmark b = BenchmarkFromProto(proto);
      auto violations = ValidateBenchmark(b, At("benchmarks", i), today);
      // The key first: the record is moved into the batch.
      std::string key = BenchmarkKey(b);
      batch.Add(i, std::move(key), proto.source_version(), proto, std::move(b), std::move(violations));
    }
    batch.RejectRepeatedKeys("benchmarks");
    batch.Settle(stores_.benchmarks.UpsertBatch(caller.city_code, batch.Valid(), batch.Rejected(), today));
    return grpc::Status::OK;
  });
}

// The public's list, and the other services' (GrpcRegistryClient::Benchmark),
// whose calls run outside the public's lane.
grpc::ServerUnaryReactor* RegistryService::ListBenchmarks(grpc::CallbackServerContext* context,
                                                          const v1::ListBenchmarksRequest* request,
                                                          v1::ListBenchmarksResponse* response) {
  return common::Serve(context, context_, {ROLE_PUBLIC, ROLE_SERVICE}, [=, this](const common::CallerIdentity&) {
    common::Violations violations;
    common::CheckCityFilter(violations, "city_code", request->city_code());
    common::CheckDomainFilter(violations, "domain", request->domain());
    const common::Page page =
        common::ReadPage(violations, request->page_size(), request->page_token(), 3, kBenchmarkPage);
    common::ThrowIfAny(violations, "bad list request");
    BenchmarkFilter filter{request->city_code(), request->domain(), "", "", "", page.size + 1};
    if (!page.after.empty()) {
      filter.after_city_code = page.after[0];
      filter.after_domain = page.after[1];
      filter.after_violation_code = page.after[2];
    }
    auto benchmarks = stores_.benchmarks.List(filter);
    response->set_next_page_token(common::TakePage(benchmarks, page.size, [](const DiscretionBenchmark& b) {
      return common::PagePosition{b.city_code, b.domain, b.violation_code};
    }));
    const common::Date today = context_.clock.Today();
    for (const auto& b : benchmarks) {
      auto* p = response->add_benchmarks();
      BenchmarkToProto(b, p);
      *p->mutable_timeliness() =
          context_.deadlines.Assess(RecordKind::kDiscretionBenchmark, b.changed_on.value(), b.published_on, today);
    }
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* RegistryService::RecommendTier(grpc::CallbackServerContext* context,
                                                         const v1::RecommendTierRequest* request,
                                                         v1::RecommendTierResponse* response) {
  return common::Serve(context, context_, {ROLE_PUBLIC}, [=, this](const common::CallerIdentity&) {
    const CaseFacts facts = CaseFactsFromProto(request->facts());
    common::ThrowIfAny(
        ValidateRecommendRequest(request->city_code(), request->domain(), request->violation_code(), facts),
        "bad recommendation request");
    auto benchmark = stores_.benchmarks.Get(request->city_code(), request->domain(), request->violation_code());
    if (!benchmark) {
      throw ServiceError::NotFound("no benchmark for " + request->domain() + "/" + request->violation_code() +
                                   " in city " + request->city_code());
    }
    auto recommendation = registry::RecommendTier(*benchmark, facts);
    TierToProto(recommendation.tier, response->mutable_tier());
    for (const auto& reason : recommendation.decided_by) response->add_decided_by(reason);
    return grpc::Status::OK;
  });
}

}  // namespace gongkai::registry
