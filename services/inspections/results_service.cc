// InspectionsService: spot-check results, as cities send them and as the
// public searches them.
#include "common/calendar/iso_date.h"
#include "common/call.h"
#include "common/errors.h"
#include "common/fields.h"
#include "common/text.h"
#include "services/inspections/inspections_service.h"
#include "services/inspections/public_forms.h"

namespace gongkai::inspections {
namespace {

using common::ServiceError;
using common::v1::ROLE_CITY;
using common::v1::ROLE_PROVINCE;
using common::v1::ROLE_PUBLIC;
using Key = std::pair<std::string, std::string>;

constexpr common::PageLimits kResultPage{50, 50};
// The object-name filter: a few characters of a name, at most a name.
constexpr std::size_t kMinNameFilterBytes = 2;
constexpr std::size_t kMaxNameFilterBytes = 100;

}  // namespace

std::map<Key, std::shared_ptr<const InspectionsService::CheckedTask>> InspectionsService::TasksForResults(
    const std::vector<Key>& keys, common::Date today) {
  std::map<Key, std::shared_ptr<const CheckedTask>> out;
  std::vector<Key> stale;
  {
    const auto current = store_.GetMany(RecordKind::kTask, keys, false);
    std::lock_guard lock(tasks_mutex_);
    for (const auto& row : current) {
      const Key key{row.agency_credit_code, row.source_id};
      const auto cached = tasks_.find(key);
      if (cached != tasks_.end() && cached->second->row.change_seq == row.change_seq && cached->second->day == today) {
        out.emplace(key, cached->second);
      } else {
        stale.push_back(key);
      }
    }
  }
  if (stale.empty()) return out;
  for (auto& row : store_.GetMany(RecordKind::kTask, stale)) {
    Task whole;
    common::ParseStored(row.record, &whole);
    TaskObjects objects = ObjectsOf(whole, row.columns.seed, today);
    // The cache keeps the keys results are checked against and the task
    // without its objects and pool, which would only hold memory.
    whole.clear_objects();
    if (whole.has_draw()) whole.mutable_draw()->clear_pool();
    auto task = std::make_shared<CheckedTask>();
    task->task = whole;  // copies what is left
    row.record = std::string();
    task->row = std::move(row);
    task->objects = std::move(objects);
    task->objects.task = &task->task;
    task->day = today;
    const Key key{task->row.agency_credit_code, task->row.source_id};
    out[key] = task;
    std::lock_guard lock(tasks_mutex_);
    if (tasks_.size() >= kCachedTasks) tasks_.clear();
    tasks_[key] = std::move(task);
  }
  return out;
}

grpc::ServerUnaryReactor* InspectionsService::UpsertResults(grpc::CallbackServerContext* context,
                                                            const v1::UpsertResultsRequest* request,
                                                            v1::UpsertResponse* response) {
  return common::Serve(context, context_, {ROLE_CITY}, [=, this](const common::CallerIdentity& caller) {
    const auto& results = request->results();
    common::CheckBatchSize(results.size(), max_batch_, "results");
    const common::Date today = context_.clock.Today();
    common::BatchWrite<Held<Result>> batch(RecordKindName(RecordKind::kResult), "results", response->mutable_results());
    for (int i = 0; i < results.size(); ++i) {
      const Result& r = results[i];
      auto published = std::make_shared<Result>();
      auto violations = ValidateResult(r, common::At("results", i), today, published.get());
      batch.Add(i, r.agency_credit_code() + "/" + r.source_id(), r.source_version(), r,
                {r.agency_credit_code(), &r, std::move(published)}, std::move(violations));
    }
    batch.RejectRepeatedKeys("results");
    batch.CheckAgencies(caller.city_code, "results", [&](const auto& codes) { return registry_.CitiesOf(codes); });
    // Each result against its stored task (one read for the batch).
    std::vector<Key> task_keys;
    batch.CheckEach([&](const Held<Result>& h, int, common::Violations&) {
      task_keys.emplace_back(h.agency_credit_code, h.record->task_source_id());
    });
    std::sort(task_keys.begin(), task_keys.end());
    task_keys.erase(std::unique(task_keys.begin(), task_keys.end()), task_keys.end());
    const auto tasks = TasksForResults(task_keys, today);
    batch.CheckEach([&](const Held<Result>& h, int index, common::Violations& violations) {
      const std::string path = common::At("results", index);
      const auto task = tasks.find({h.agency_credit_code, h.record->task_source_id()});
      if (task == tasks.end()) {
        violations.push_back({path + ".task_source_id", "no such task of this agency: send the task first"});
        return;
      }
      const auto found = CheckAgainstTask(*h.record, task->second->objects, path);
      violations.insert(violations.end(), found.begin(), found.end());
    });
    std::vector<RecordToStore> rows;
    std::vector<common::Date> clock_starts;
    for (const auto& h : batch.Valid()) {
      const Result& r = *h.record;
      const auto& task = tasks.at({h.agency_credit_code, r.task_source_id()});
      const Result& published = *h.published;
      RecordToStore row{RecordKind::kResult,
                        h.agency_credit_code,
                        r.source_id(),
                        r.source_version(),
                        r.SerializeAsString(),
                        published.SerializeAsString(),
                        {}};
      row.columns.domain = task->task.domain();
      row.columns.task_source_id = r.task_source_id();
      row.columns.date_from = row.columns.date_to = common::ParseIsoDate(r.checked_on());
      row.columns.object_name = published.object().name();
      row.columns.credit_code = r.object().credit_code();
      row.columns.items.assign(r.items().begin(), r.items().end());
      row.columns.outcome = r.outcome();
      rows.push_back(std::move(row));
      clock_starts.push_back(*task->row.columns.date_to);
    }
    batch.Settle(Store(RecordKind::kResult, caller.city_code, rows, batch.Rejected(), today, [&](std::size_t i) {
      metrics_.Disclosed(
          "spot_check_result", caller.city_code,
          context_.deadlines.Assess(common::RecordKind::kSpotCheckResult, clock_starts[i], today, today));
    }));
    return grpc::Status::OK;
  });
}

void InspectionsService::ToPublicResult(const StoredRecord& row, v1::Result* out) const {
  common::ParseStored(row.public_record, out);
  out->set_city_code(row.city_code);
  out->set_domain(row.columns.domain);
  out->set_published_on(common::FormatIsoDate(row.published_on));
  out->set_change_seq(row.change_seq);
  if (row.task_check_to) {
    *out->mutable_timeliness() = context_.deadlines.Assess(common::RecordKind::kSpotCheckResult, *row.task_check_to,
                                                           row.published_on, context_.clock.Today());
  }
}

grpc::ServerUnaryReactor* InspectionsService::SearchResults(grpc::CallbackServerContext* context,
                                                            const v1::SearchResultsRequest* request,
                                                            v1::SearchResultsResponse* response) {
  return common::Serve(context, context_, {ROLE_PUBLIC}, [=, this](const common::CallerIdentity&) {
    common::Violations violations;
    ListFilter f;
    common::CheckCityFilter(violations, "city_code", request->city_code());
    common::CheckKeyFilter(violations, "agency_credit_code", request->agency_credit_code());
    common::CheckKeyFilter(violations, "credit_code", request->credit_code());
    common::CheckKeyFilter(violations, "item", request->item());
    common::CheckKeyFilter(violations, "task_source_id", request->task_source_id());
    common::CheckDomainFilter(violations, "domain", request->domain());
    f.date_from = common::CheckDateFilter(violations, "date_from", request->date_from());
    f.date_to = common::CheckDateFilter(violations, "date_to", request->date_to());
    const std::string& name = request->object_name();
    common::CheckTextContent(violations, "object_name", name, false);
    if (!name.empty() && (name.size() < kMinNameFilterBytes || name.size() > kMaxNameFilterBytes)) {
      violations.push_back({"object_name", "must be 2 to 100 bytes"});
    }
    if (!v1::Outcome_IsValid(request->outcome())) violations.push_back({"outcome", "not an outcome"});
    const common::Page page = common::ReadPage(violations, request->page_size(), request->page_token(), 1, kResultPage);
    f.before_seq = common::SeqPageStart(violations, page);
    common::ThrowIfAny(violations, "bad search request");
    f.kind = RecordKind::kResult;
    f.city_code = request->city_code();
    f.agency_credit_code = request->agency_credit_code();
    f.object_name = name;
    f.credit_code = request->credit_code();
    f.item = request->item();
    f.task_source_id = request->task_source_id();
    f.domain = request->domain();
    f.outcome = request->outcome();
    f.limit = page.size + 1;
    auto rows = store_.List(f);
    response->set_next_page_token(common::TakeSeqPage(rows, page.size));
    for (const auto& row : rows) ToPublicResult(row, response->add_results());
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* InspectionsService::GetResult(grpc::CallbackServerContext* context,
                                                        const v1::GetRecordRequest* request, v1::Result* response) {
  return common::Serve(context, context_, {ROLE_CITY, ROLE_PROVINCE}, [=, this](const common::CallerIdentity& caller) {
    auto row = store_.Get(RecordKind::kResult, request->agency_credit_code(), request->source_id());
    if (!row || (caller.role == ROLE_CITY && row->city_code != caller.city_code)) {
      throw ServiceError::NotFound("no result " + request->source_id() + " of agency " + request->agency_credit_code());
    }
    // The record as sent, with the platform's fields as the public form has them.
    v1::Result platform;
    ToPublicResult(*row, &platform);
    common::ParseStored(row->record, response);
    response->set_city_code(platform.city_code());
    response->set_domain(platform.domain());
    response->set_published_on(platform.published_on());
    *response->mutable_timeliness() = platform.timeliness();
    response->set_change_seq(platform.change_seq());
    return grpc::Status::OK;
  });
}

}  // namespace gongkai::inspections
