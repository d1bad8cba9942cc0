// SupervisionService: enforcement assessments (执法考核), the year's plan and
// its results.
#include <algorithm>

#include "common/calendar/iso_date.h"
#include "common/call.h"
#include "common/errors.h"
#include "common/fields.h"
#include "common/paging.h"
#include "common/proto_strings.h"
#include "services/supervision/supervision_service.h"

namespace gongkai::supervision {
namespace {

using common::v1::ROLE_CITY;
using common::v1::ROLE_PROVINCE;
using common::v1::ROLE_PUBLIC;
using Key = std::pair<std::string, std::string>;

// At most 20 a page; a page also ends before 3.5 MB (FillSeqPage).
constexpr common::PageLimits kAssessmentPage{20, 20};

std::vector<std::pair<std::string, std::string>> PlanUnits(const AssessmentPlan& p) {
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(static_cast<std::size_t>(p.units_size()));
  for (int j = 0; j < p.units_size(); ++j) out.emplace_back(common::At("units", j), p.units(j));
  return out;
}

// The filters both lists share, read into `f`.
void ReadAssessmentsRequest(const v1::ListAssessmentsRequest& request, RecordKind kind, ListFilter& f,
                            common::Page& page) {
  common::Violations violations;
  CheckYearFilter(violations, request.year(), false);
  common::CheckCityFilter(violations, "city_code", request.city_code());
  common::CheckKeyFilter(violations, "agency_credit_code", request.agency_credit_code());
  page = common::ReadPage(violations, request.page_size(), request.page_token(), 1, kAssessmentPage);
  f.before_seq = common::SeqPageStart(violations, page);
  common::ThrowIfAny(violations, "bad list request");
  f.kind = kind;
  f.year = request.year();
  f.city_code = request.city_code();
  f.agency_credit_code = request.agency_credit_code();
  f.limit = page.size + 1;
}

}  // namespace

grpc::ServerUnaryReactor* SupervisionService::UpsertAssessmentPlans(grpc::CallbackServerContext* context,
                                                                    const v1::UpsertAssessmentPlansRequest* request,
                                                                    v1::UpsertResponse* response) {
  return common::Serve(context, context_, {ROLE_CITY, ROLE_PROVINCE}, [=, this](const common::CallerIdentity& caller) {
    const auto& plans = request->plans();
    common::CheckBatchSize(plans.size(), settings_.max_batch, "plans");
    const common::Date today = context_.clock.Today();
    common::BatchWrite<Held<AssessmentPlan>> batch(RecordKindName(RecordKind::kAssessmentPlan), "plans",
                                                   response->mutable_results());
    for (int i = 0; i < plans.size(); ++i) {
      const AssessmentPlan& p = plans[i];
      batch.Add(i, p.agency_credit_code() + "/" + p.source_id(), p.source_version(), p, {p.agency_credit_code(), &p},
                ValidateAssessmentPlan(p, common::At("plans", i), today));
    }
    batch.RejectRepeatedKeys("plans");
    const auto cities = CheckScope<AssessmentPlan>(batch, caller, "plans", PlanUnits);
    std::vector<RecordToStore> rows;
    for (const auto& h : batch.Valid()) {
      const AssessmentPlan& p = *h.record;
      RecordToStore row;
      row.kind = RecordKind::kAssessmentPlan;
      row.agency_credit_code = h.agency_credit_code;
      row.source_id = p.source_id();
      row.source_version = p.source_version();
      row.record = p.SerializeAsString();
      row.public_record = row.record;  // a plan holds nothing to mask
      row.columns.year = p.year();
      row.columns.clock_start = common::ParseIsoDate(p.approved_on());
      rows.push_back(std::move(row));
    }
    batch.Settle(Store(RecordKind::kAssessmentPlan, ScopeOf(caller), rows, cities, batch.Rejected(), today));
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* SupervisionService::UpsertAssessmentResults(grpc::CallbackServerContext* context,
                                                                      const v1::UpsertAssessmentResultsRequest* request,
                                                                      v1::UpsertResponse* response) {
  return common::Serve(context, context_, {ROLE_CITY, ROLE_PROVINCE}, [=, this](const common::CallerIdentity& caller) {
    const auto& results = request->results();
    common::CheckBatchSize(results.size(), settings_.max_batch, "results");
    const common::Date today = context_.clock.Today();
    common::BatchWrite<Held<AssessmentResult>> batch(RecordKindName(RecordKind::kAssessmentResult), "results",
                                                     response->mutable_results());
    for (int i = 0; i < results.size(); ++i) {
      const AssessmentResult& r = results[i];
      batch.Add(i, r.agency_credit_code() + "/" + r.source_id(), r.source_version(), r, {r.agency_credit_code(), &r},
                ValidateAssessmentResult(r, common::At("results", i), today));
    }
    batch.RejectRepeatedKeys("results");
    // The plans (one read for the batch), before the scope: the plan's units
    // are in it as well as the results'.
    std::vector<Key> plan_keys;
    batch.CheckEach([&](const Held<AssessmentResult>& h, int, common::Violations&) {
      plan_keys.emplace_back(h.agency_credit_code, h.record->plan_source_id());
    });
    std::sort(plan_keys.begin(), plan_keys.end());
    plan_keys.erase(std::unique(plan_keys.begin(), plan_keys.end()), plan_keys.end());
    std::map<Key, AssessmentPlan> stored_plans;
    if (!plan_keys.empty()) {
      for (const auto& row : store_.GetMany(RecordKind::kAssessmentPlan, plan_keys)) {
        common::ParseStored(row.record, &stored_plans[{row.agency_credit_code, row.source_id}]);
      }
    }
    const auto units_of = [&](const AssessmentResult& r) {
      std::vector<std::pair<std::string, std::string>> out;
      const auto plan = stored_plans.find({r.agency_credit_code(), r.plan_source_id()});
      if (plan != stored_plans.end()) {
        for (const auto& unit : plan->second.units()) out.emplace_back("plan_source_id", unit);
      }
      for (int j = 0; j < r.units_size(); ++j) out.emplace_back(common::At("units", j) + ".unit", r.units(j).unit());
      return out;
    };
    const auto cities = CheckScope<AssessmentResult>(batch, caller, "results", units_of);
    batch.CheckEach([&](const Held<AssessmentResult>& h, int index, common::Violations& violations) {
      const std::string path = common::At("results", index);
      const auto plan = stored_plans.find({h.agency_credit_code, h.record->plan_source_id()});
      if (plan == stored_plans.end()) {
        violations.push_back(
            {path + ".plan_source_id", "no such assessment plan of this organiser: send the plan first"});
        return;
      }
      auto found = CheckResultAgainstPlan(*h.record, plan->second, path);
      violations.insert(violations.end(), found.begin(), found.end());
    });
    std::vector<RecordToStore> rows;
    for (const auto& h : batch.Valid()) {
      const AssessmentResult& r = *h.record;
      const AssessmentPlan& plan = stored_plans.at({h.agency_credit_code, r.plan_source_id()});
      RecordToStore row;
      row.kind = RecordKind::kAssessmentResult;
      row.agency_credit_code = h.agency_credit_code;
      row.source_id = r.source_id();
      row.source_version = r.source_version();
      row.record = r.SerializeAsString();
      row.public_record = row.record;  // scores and grades are published as they are
      row.columns.year = plan.year();
      row.columns.clock_start = common::ParseIsoDate(r.concluded_on());
      row.columns.parent_source_id = r.plan_source_id();
      rows.push_back(std::move(row));
    }
    batch.Settle(Store(RecordKind::kAssessmentResult, ScopeOf(caller), rows, cities, batch.Rejected(), today));
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* SupervisionService::ListAssessmentPlans(grpc::CallbackServerContext* context,
                                                                  const v1::ListAssessmentsRequest* request,
                                                                  v1::ListAssessmentPlansResponse* response) {
  return common::Serve(context, context_, {ROLE_PUBLIC}, [=, this](const common::CallerIdentity&) {
    ListFilter f;
    common::Page page;
    ReadAssessmentsRequest(*request, RecordKind::kAssessmentPlan, f, page);
    auto rows = store_.List(f);
    response->set_next_page_token(
        FillSeqPage(rows, page.size, response->mutable_plans(),
                    [&](const StoredRecord& row, v1::AssessmentPlan* out) { ToPublicAssessmentPlan(row, out); }));
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* SupervisionService::ListAssessmentResults(grpc::CallbackServerContext* context,
                                                                    const v1::ListAssessmentsRequest* request,
                                                                    v1::ListAssessmentResultsResponse* response) {
  return common::Serve(context, context_, {ROLE_PUBLIC}, [=, this](const common::CallerIdentity&) {
    ListFilter f;
    common::Page page;
    ReadAssessmentsRequest(*request, RecordKind::kAssessmentResult, f, page);
    auto rows = store_.List(f);
    response->set_next_page_token(
        FillSeqPage(rows, page.size, response->mutable_results(),
                    [&](const StoredRecord& row, v1::AssessmentResult* out) { ToPublicAssessmentResult(row, out); }));
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* SupervisionService::GetAssessmentPlan(grpc::CallbackServerContext* context,
                                                                const v1::GetRecordRequest* request,
                                                                v1::AssessmentPlan* response) {
  return common::Serve(context, context_, {ROLE_PUBLIC}, [=, this](const common::CallerIdentity&) {
    ToPublicAssessmentPlan(GetStored(RecordKind::kAssessmentPlan, *request), response);
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* SupervisionService::GetAssessmentResult(grpc::CallbackServerContext* context,
                                                                  const v1::GetRecordRequest* request,
                                                                  v1::AssessmentResult* response) {
  return common::Serve(context, context_, {ROLE_PUBLIC}, [=, this](const common::CallerIdentity&) {
    ToPublicAssessmentResult(GetStored(RecordKind::kAssessmentResult, *request), response);
    return grpc::Status::OK;
  });
}

}  // namespace gongkai::supervision
