// InspectionsService: annual inspection plans, the change feed and the
// rejections; the shared parts of the adapter.
#include "services/inspections/inspections_service.h"

#include <charconv>

#include "common/calendar/iso_date.h"
#include "common/call.h"
#include "common/errors.h"
#include "common/fields.h"
#include "common/paging.h"
#include "common/proto_strings.h"
#include "common/text.h"
#include "services/inspections/public_forms.h"

namespace gongkai::inspections {
namespace {

using common::ServiceError;
using common::v1::ROLE_CITY;
using common::v1::ROLE_PUBLIC;

// Plans may hold 100 items of 1 KiB: a page of 20 stays far under 4 MB, as
// does a feed page of 20 records of any kind.
constexpr common::PageLimits kPlanPage{20, 20};

}  // namespace

InspectionsService::InspectionsService(InspectionStore& store, registry::RegistryClient& registry,
                                       common::ServiceContext context, common::DisclosureMetrics& metrics,
                                       PlanNotices& notices, int max_batch, PilotTargets pilot_targets)
    : store_(store),
      registry_(registry),
      context_(context),
      metrics_(metrics),
      notices_(notices),
      max_batch_(max_batch),
      pilot_targets_(pilot_targets) {}

PowersFacts InspectionsService::Powers(const std::vector<std::string>& agencies, const std::vector<std::string>& ids) {
  PowersFacts facts;
  if (agencies.empty() || ids.empty()) return facts;
  for (const auto& item : registry_.PowersItems(agencies, ids)) {
    facts[{item.agency_credit_code, item.source_id}] = {item.category, item.random_check};
  }
  return facts;
}

std::vector<common::UpsertOutcome> InspectionsService::Store(RecordKind kind, const std::string& city,
                                                             const std::vector<RecordToStore>& rows,
                                                             const std::vector<common::Rejection>& rejected,
                                                             common::Date today,
                                                             const std::function<void(std::size_t)>& published) {
  const auto written = store_.UpsertBatch(kind, city, rows, rejected, today);
  std::vector<common::UpsertOutcome> outcomes;
  outcomes.reserve(written.size());
  for (std::size_t i = 0; i < written.size(); ++i) {
    outcomes.push_back(written[i].outcome);
    if (written[i].first_publication && published) published(i);
  }
  return outcomes;
}

grpc::ServerUnaryReactor* InspectionsService::UpsertPlans(grpc::CallbackServerContext* context,
                                                          const v1::UpsertPlansRequest* request,
                                                          v1::UpsertResponse* response) {
  return common::Serve(context, context_, {ROLE_CITY}, [=, this](const common::CallerIdentity& caller) {
    const auto& plans = request->plans();
    common::CheckBatchSize(plans.size(), max_batch_, "plans");
    const common::Date today = context_.clock.Today();
    common::BatchWrite<Held<Plan>> batch(RecordKindName(RecordKind::kPlan), "plans", response->mutable_results());
    for (int i = 0; i < plans.size(); ++i) {
      const Plan& p = plans[i];
      batch.Add(i, p.agency_credit_code() + "/" + p.source_id(), p.source_version(), p,
                {p.agency_credit_code(), &p, nullptr}, ValidatePlan(p, common::At("plans", i), today));
    }
    batch.RejectRepeatedKeys("plans");
    batch.CheckAgencies(caller.city_code, "plans", [&](const auto& codes) { return registry_.CitiesOf(codes); });
    // Partner agencies must be registered (in any city: joint checks cross
    // boundaries); the powers items named must be the plan agency's.
    std::vector<std::string> partners, agencies, ids;
    batch.CheckEach([&](const Held<Plan>& h, int, common::Violations&) {
      agencies.push_back(h.agency_credit_code);
      for (const auto& item : h.record->items()) {
        partners.insert(partners.end(), item.partner_agencies().begin(), item.partner_agencies().end());
        if (!item.powers_item_source_id().empty()) ids.push_back(item.powers_item_source_id());
      }
    });
    const auto partner_cities = registry_.CitiesOf(partners);
    const PowersFacts facts = Powers(agencies, ids);
    batch.CheckEach([&](const Held<Plan>& h, int index, common::Violations& violations) {
      const std::string path = common::At("plans", index);
      for (int k = 0; k < h.record->items_size(); ++k) {
        const auto& item = h.record->items(k);
        for (int j = 0; j < item.partner_agencies_size(); ++j) {
          if (!partner_cities.contains(item.partner_agencies(j))) {
            violations.push_back({common::At(common::At(path + ".items", k) + ".partner_agencies", j),
                                  "no such agency in the registry"});
          }
        }
      }
      const auto found = CheckPlanPowers(*h.record, facts, path);
      violations.insert(violations.end(), found.begin(), found.end());
    });
    std::vector<RecordToStore> rows;
    for (const auto& h : batch.Valid()) {
      RecordToStore row{RecordKind::kPlan,
                        h.agency_credit_code,
                        h.record->source_id(),
                        h.record->source_version(),
                        h.record->SerializeAsString(),
                        PublicPlan(*h.record).SerializeAsString(),
                        {}};
      row.columns.year = h.record->year();
      row.columns.clock_start = PlanClockStart(*h.record);
      rows.push_back(std::move(row));
    }
    batch.Settle(Store(RecordKind::kPlan, caller.city_code, rows, batch.Rejected(), today, [&](std::size_t i) {
      metrics_.Disclosed(
          "inspection_plan", caller.city_code,
          context_.deadlines.Assess(common::RecordKind::kInspectionPlan, *rows[i].columns.clock_start, today, today));
    }));
    if (!rows.empty()) notices_.Wake();
    return grpc::Status::OK;
  });
}

void InspectionsService::ToPublicPlan(const StoredRecord& row, v1::Plan* out) const {
  common::ParseStored(row.public_record, out);
  out->set_city_code(row.city_code);
  out->set_published_on(common::FormatIsoDate(row.published_on));
  out->set_change_seq(row.change_seq);
  if (row.columns.clock_start) {
    *out->mutable_timeliness() = context_.deadlines.Assess(
        common::RecordKind::kInspectionPlan, *row.columns.clock_start, row.published_on, context_.clock.Today());
  }
}

grpc::ServerUnaryReactor* InspectionsService::ListPlans(grpc::CallbackServerContext* context,
                                                        const v1::ListPlansRequest* request,
                                                        v1::ListPlansResponse* response) {
  return common::Serve(context, context_, {ROLE_PUBLIC}, [=, this](const common::CallerIdentity&) {
    common::Violations violations;
    common::CheckCityFilter(violations, "city_code", request->city_code());
    common::CheckKeyFilter(violations, "agency_credit_code", request->agency_credit_code());
    if (request->year() != 0 && (request->year() < 2000 || request->year() > 2100)) {
      violations.push_back({"year", "must be 2000 to 2100, or 0 for every year"});
    }
    const common::Page page = common::ReadPage(violations, request->page_size(), request->page_token(), 1, kPlanPage);
    ListFilter f;
    f.before_seq = common::SeqPageStart(violations, page);
    common::ThrowIfAny(violations, "bad list request");
    f.kind = RecordKind::kPlan;
    f.city_code = request->city_code();
    f.agency_credit_code = request->agency_credit_code();
    f.year = request->year();
    f.limit = page.size + 1;
    auto rows = store_.List(f);
    response->set_next_page_token(common::TakeSeqPage(rows, page.size));
    for (const auto& row : rows) ToPublicPlan(row, response->add_plans());
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* InspectionsService::GetPlan(grpc::CallbackServerContext* context,
                                                      const v1::GetRecordRequest* request, v1::Plan* response) {
  return common::Serve(context, context_, {ROLE_PUBLIC}, [=, this](const common::CallerIdentity&) {
    auto row = store_.Get(RecordKind::kPlan, request->agency_credit_code(), request->source_id());
    if (!row)
      throw ServiceError::NotFound("no plan " + request->source_id() + " of agency " + request->agency_credit_code());
    ToPublicPlan(*row, response);
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* InspectionsService::ListChanges(grpc::CallbackServerContext* context,
                                                          const v1::ListChangesRequest* request,
                                                          v1::ListChangesResponse* response) {
  return common::Serve(context, context_, {ROLE_PUBLIC}, [=, this](const common::CallerIdentity&) {
    common::Violations violations;
    if (request->after_seq() < 0) violations.push_back({"after_seq", "must not be negative"});
    const int limit = common::ReadPageSize(violations, "limit", request->limit(), kPlanPage);
    common::ThrowIfAny(violations, "bad feed request");
    int64_t last = request->after_seq();
    for (const auto& row : store_.Changes(request->after_seq(), limit)) {
      auto* c = response->add_changes();
      c->set_seq(row.change_seq);
      switch (row.kind) {
        case RecordKind::kPlan: ToPublicPlan(row, c->mutable_plan()); break;
        case RecordKind::kTask: ToPublicTask(row, false, c->mutable_task()); break;
        case RecordKind::kResult: ToPublicResult(row, c->mutable_result()); break;
        default: throw std::runtime_error("a pilot record in the feed");
      }
      last = row.change_seq;
    }
    response->set_last_seq(last);
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* InspectionsService::ListRejections(grpc::CallbackServerContext* context,
                                                             const v1::ListRejectionsRequest* request,
                                                             v1::ListRejectionsResponse* response) {
  return common::Serve(context, context_, {ROLE_CITY}, [=, this](const common::CallerIdentity& caller) {
    response->set_next_page_token(common::RejectionsPage(
        [&](int64_t before, int limit) { return store_.ListRejections(caller.city_code, before, limit); },
        request->page_token(), request->page_size(), response->mutable_rejections()));
    return grpc::Status::OK;
  });
}

}  // namespace gongkai::inspections
