// SupervisionService: the shared parts of the adapter (the caller's scope,
// storing a batch, the public forms), the change feed and the rejections.
#include "services/supervision/supervision_service.h"

#include <algorithm>
#include <stdexcept>

#include "common/calendar/iso_date.h"
#include "common/call.h"
#include "common/errors.h"
#include "common/fields.h"
#include "common/paging.h"
#include "common/proto_strings.h"
#include "services/supervision/supervision_timeliness.h"

namespace gongkai::supervision {
namespace {

using common::ServiceError;
using common::v1::ROLE_CITY;
using common::v1::ROLE_PROVINCE;
using common::v1::ROLE_PUBLIC;

// At most 20 records a feed page; a page also ends before 3.5 MB
// (FillSeqPage).
constexpr common::PageLimits kFeedPage{20, 20};

// The timeliness of a stored record of `rule` whose clock started on its
// clock_start column, as of `today`; unset when the row has none.
void SetTimeliness(const common::Deadlines& deadlines, common::RecordKind rule, const StoredRecord& row,
                   common::Date today, common::v1::Timeliness* out) {
  if (row.columns.clock_start) *out = deadlines.Assess(rule, *row.columns.clock_start, row.published_on, today);
}

}  // namespace

SupervisionService::SupervisionService(SupervisionStore& store, registry::RegistryClient& registry,
                                       common::ServiceContext context, common::DisclosureMetrics& metrics,
                                       SupervisionSettings settings)
    : store_(store), registry_(registry), context_(context), metrics_(metrics), settings_(settings) {}

std::string SupervisionService::ScopeOf(const common::CallerIdentity& caller) {
  return caller.role == ROLE_PROVINCE ? std::string("province") : caller.city_code;
}

template <typename Message>
std::map<std::string, std::string> SupervisionService::CheckScope(
    common::BatchWrite<Held<Message>>& batch, const common::CallerIdentity& caller, const std::string& field,
    const std::function<std::vector<std::pair<std::string, std::string>>(const Message&)>& units_of) {
  const bool province = caller.role == ROLE_PROVINCE;
  // The organisers: of the caller's city, or of any for the province.
  std::map<std::string, std::string> organisers;
  batch.CheckAgencies(province ? std::string() : caller.city_code, field, [&](const std::vector<std::string>& codes) {
    organisers = registry_.CitiesOf(codes);
    return organisers;
  });
  // Every unit the records still valid name, asked once each.
  std::vector<std::string> units;
  batch.CheckEach([&](const Held<Message>& h, int, common::Violations&) {
    for (auto& [path, unit] : units_of(*h.record)) units.push_back(std::move(unit));
  });
  std::sort(units.begin(), units.end());
  units.erase(std::unique(units.begin(), units.end()), units.end());
  const auto cities = units.empty() ? std::map<std::string, std::string>() : registry_.CitiesOf(units);
  if (!province) {
    for (const auto& [unit, city] : cities) {
      if (city != caller.city_code) {
        throw ServiceError::PermissionDenied("unit " + unit + " is registered to city " + city + ", not " +
                                             caller.city_code);
      }
    }
  }
  batch.CheckEach([&](const Held<Message>& h, int index, common::Violations& violations) {
    for (const auto& [path, unit] : units_of(*h.record)) {
      if (!cities.contains(unit)) {
        violations.push_back({common::At(field, index) + "." + path, "no such agency in the registry"});
      }
    }
  });
  return organisers;
}

// The record kinds whose batches are checked in the other files of the adapter.
template std::map<std::string, std::string> SupervisionService::CheckScope<Round>(
    common::BatchWrite<Held<Round>>&, const common::CallerIdentity&, const std::string&,
    const std::function<std::vector<std::pair<std::string, std::string>>(const Round&)>&);
template std::map<std::string, std::string> SupervisionService::CheckScope<Review>(
    common::BatchWrite<Held<Review>>&, const common::CallerIdentity&, const std::string&,
    const std::function<std::vector<std::pair<std::string, std::string>>(const Review&)>&);
template std::map<std::string, std::string> SupervisionService::CheckScope<Supervision>(
    common::BatchWrite<Held<Supervision>>&, const common::CallerIdentity&, const std::string&,
    const std::function<std::vector<std::pair<std::string, std::string>>(const Supervision&)>&);
template std::map<std::string, std::string> SupervisionService::CheckScope<AssessmentPlan>(
    common::BatchWrite<Held<AssessmentPlan>>&, const common::CallerIdentity&, const std::string&,
    const std::function<std::vector<std::pair<std::string, std::string>>(const AssessmentPlan&)>&);
template std::map<std::string, std::string> SupervisionService::CheckScope<AssessmentResult>(
    common::BatchWrite<Held<AssessmentResult>>&, const common::CallerIdentity&, const std::string&,
    const std::function<std::vector<std::pair<std::string, std::string>>(const AssessmentResult&)>&);

std::vector<common::UpsertOutcome> SupervisionService::Store(RecordKind kind, const std::string& scope,
                                                             const std::vector<RecordToStore>& rows,
                                                             const std::map<std::string, std::string>& cities,
                                                             const std::vector<common::Rejection>& rejected,
                                                             common::Date today) {
  std::vector<std::string> row_cities;
  row_cities.reserve(rows.size());
  for (const auto& row : rows) {
    const auto city = cities.find(row.agency_credit_code);
    if (city == cities.end()) throw std::logic_error("a valid record's organiser without a city");
    row_cities.push_back(city->second);
  }
  const auto written = store_.UpsertBatch(kind, scope, rows, row_cities, rejected, today);
  const auto rule = RuleOf(kind);
  std::vector<common::UpsertOutcome> outcomes;
  outcomes.reserve(written.size());
  for (std::size_t i = 0; i < written.size(); ++i) {
    outcomes.push_back(written[i].outcome);
    if (written[i].first_publication && rule && rows[i].columns.clock_start) {
      metrics_.Disclosed(std::string(common::RecordKindName(*rule)), row_cities[i],
                         context_.deadlines.Assess(*rule, *rows[i].columns.clock_start, today, today));
    }
  }
  return outcomes;
}

StoredRecord SupervisionService::GetStored(RecordKind kind, const v1::GetRecordRequest& request) {
  common::Violations violations;
  for (const auto& [field, value] :
       {std::pair<std::string, const std::string&>{"agency_credit_code", request.agency_credit_code()},
        std::pair<std::string, const std::string&>{"source_id", request.source_id()}}) {
    if (value.empty()) violations.push_back({field, "required"});
    common::CheckKeyFilter(violations, field, value);
  }
  common::ThrowIfAny(violations, "bad record key");
  auto row = store_.Get(kind, request.agency_credit_code(), request.source_id());
  if (!row) {
    throw ServiceError::NotFound(std::string("no ") + RecordKindName(kind) + " " + request.source_id() + " of agency " +
                                 request.agency_credit_code());
  }
  return std::move(*row);
}

std::map<std::string, std::string> SupervisionService::UnitNames() {
  std::map<std::string, std::string> names;
  for (auto& unit : registry_.EnforcementUnits()) names.emplace(std::move(unit.credit_code), std::move(unit.name));
  return names;
}

// ---------------------------------------------------------------- public forms

void SupervisionService::ToPublicRound(const StoredRecord& row, v1::Round* out) const {
  common::ParseStored(row.public_record, out);
  out->set_city_code(row.city_code);
  out->set_completed(row.columns.date_to && *row.columns.date_to <= context_.clock.Today());
  out->set_reviews_published(row.reviews_stored);
  out->set_published_on(common::FormatIsoDate(row.published_on));
  out->set_change_seq(row.change_seq);
}

void SupervisionService::ToPublicReview(const StoredRecord& row, v1::Review* out) const {
  common::ParseStored(row.public_record, out);
  out->clear_rectification();  // GetReview's alone
  out->set_city_code(row.city_code);
  out->set_unit_city_code(row.columns.unit_city);
  out->set_year(row.columns.year);
  out->set_quarter(row.columns.quarter);
  out->set_published_on(common::FormatIsoDate(row.published_on));
  SetTimeliness(context_.deadlines, common::RecordKind::kCaseReview, row, context_.clock.Today(),
                out->mutable_timeliness());
  out->set_change_seq(row.change_seq);
}

void SupervisionService::ToPublicSupervision(const StoredRecord& row, bool with_problems, v1::Supervision* out) const {
  common::ParseStored(row.public_record, out);
  // Lists and the feed carry a supervision's summary: its named cases and
  // its count by unit are as long as its problem list.
  if (!with_problems) {
    out->clear_problems();
    out->clear_named_cases();
    out->clear_problems_by_unit();
  }
  out->set_city_code(row.city_code);
  out->set_published_on(common::FormatIsoDate(row.published_on));
  SetTimeliness(context_.deadlines, common::RecordKind::kSpecialSupervision, row, context_.clock.Today(),
                out->mutable_timeliness());
  out->set_change_seq(row.change_seq);
}

void SupervisionService::ToPublicAssessmentPlan(const StoredRecord& row, v1::AssessmentPlan* out) const {
  common::ParseStored(row.public_record, out);
  out->set_city_code(row.city_code);
  out->set_published_on(common::FormatIsoDate(row.published_on));
  SetTimeliness(context_.deadlines, common::RecordKind::kAssessment, row, context_.clock.Today(),
                out->mutable_timeliness());
  out->set_change_seq(row.change_seq);
}

void SupervisionService::ToPublicAssessmentResult(const StoredRecord& row, v1::AssessmentResult* out) const {
  common::ParseStored(row.public_record, out);
  out->set_city_code(row.city_code);
  out->set_year(row.columns.year);
  out->set_published_on(common::FormatIsoDate(row.published_on));
  SetTimeliness(context_.deadlines, common::RecordKind::kAssessment, row, context_.clock.Today(),
                out->mutable_timeliness());
  out->set_change_seq(row.change_seq);
}

// ---------------------------------------------------------------- feed and rejections

grpc::ServerUnaryReactor* SupervisionService::ListChanges(grpc::CallbackServerContext* context,
                                                          const v1::ListChangesRequest* request,
                                                          v1::ListChangesResponse* response) {
  return common::Serve(context, context_, {ROLE_PUBLIC}, [=, this](const common::CallerIdentity&) {
    common::Violations violations;
    if (request->after_seq() < 0) violations.push_back({"after_seq", "must not be negative"});
    const int limit = common::ReadPageSize(violations, "limit", request->limit(), kFeedPage);
    common::ThrowIfAny(violations, "bad feed request");
    auto rows = store_.Changes(request->after_seq(), limit);
    FillSeqPage(rows, limit, response->mutable_changes(), [&](const StoredRecord& row, v1::Change* c) {
      c->set_seq(row.change_seq);
      switch (row.kind) {
        case RecordKind::kRound: ToPublicRound(row, c->mutable_round()); break;
        case RecordKind::kReview: ToPublicReview(row, c->mutable_review()); break;
        case RecordKind::kSupervision: ToPublicSupervision(row, false, c->mutable_supervision()); break;
        case RecordKind::kAssessmentPlan: ToPublicAssessmentPlan(row, c->mutable_assessment_plan()); break;
        case RecordKind::kAssessmentResult: ToPublicAssessmentResult(row, c->mutable_assessment_result()); break;
      }
    });
    const int n = response->changes_size();
    response->set_last_seq(n == 0 ? request->after_seq() : response->changes(n - 1).seq());
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* SupervisionService::ListRejections(grpc::CallbackServerContext* context,
                                                             const v1::ListRejectionsRequest* request,
                                                             v1::ListRejectionsResponse* response) {
  return common::Serve(context, context_, {ROLE_CITY, ROLE_PROVINCE}, [=, this](const common::CallerIdentity& caller) {
    const std::string scope = ScopeOf(caller);
    response->set_next_page_token(
        common::RejectionsPage([&](int64_t before, int limit) { return store_.ListRejections(scope, before, limit); },
                               request->page_token(), request->page_size(), response->mutable_rejections()));
    return grpc::Status::OK;
  });
}

void CheckYearFilter(common::Violations& violations, int year, bool required) {
  if (year == 0 && !required) return;
  if (year < 2000 || year > 2100) {
    violations.push_back({"year", required ? "must be 2000 to 2100" : "must be 2000 to 2100, or 0 for every year"});
  }
}

std::vector<EnforcementUnit> EnforcementUnitsOf(registry::RegistryClient& registry) {
  std::vector<EnforcementUnit> units;
  for (auto& u : registry.EnforcementUnits()) {
    units.push_back({std::move(u.credit_code), std::move(u.name), std::move(u.city_code)});
  }
  return units;
}

}  // namespace gongkai::supervision
