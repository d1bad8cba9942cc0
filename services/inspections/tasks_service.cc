// InspectionsService: spot-check tasks and the platform's draw.
#include <google/protobuf/util/message_differencer.h>

#include <set>

#include "common/calendar/iso_date.h"
#include "common/call.h"
#include "common/errors.h"
#include "common/fields.h"
#include "services/inspections/draw.h"
#include "services/inspections/inspections_service.h"
#include "services/inspections/public_forms.h"

namespace gongkai::inspections {
namespace {

using common::ServiceError;
using common::v1::ROLE_CITY;
using common::v1::ROLE_PUBLIC;
using Key = std::pair<std::string, std::string>;

constexpr common::PageLimits kTaskPage{50, 50};

// What a city chose for a draw, and what decides whom it may draw: committed
// once, never changed (the pool and officers compared as sets, as their
// digests are).
v1::Task Committed(const v1::Task& task) {
  v1::Task sent;
  const v1::Draw& draw = task.draw();
  std::vector<std::string> pool(draw.pool().begin(), draw.pool().end());
  std::vector<std::string> officers(draw.officers().begin(), draw.officers().end());
  std::vector<std::string> joint(task.joint_agencies().begin(), task.joint_agencies().end());
  for (auto* ids : {&pool, &officers, &joint}) std::sort(ids->begin(), ids->end());
  v1::Draw& out = *sent.mutable_draw();
  *out.mutable_pool() = {pool.begin(), pool.end()};
  out.set_objects(draw.objects());
  *out.mutable_officers() = {officers.begin(), officers.end()};
  out.set_officers_drawn(draw.officers_drawn());
  out.set_draw_date(draw.draw_date());
  *sent.mutable_joint_agencies() = {joint.begin(), joint.end()};
  sent.set_check_from(task.check_from());
  sent.set_check_to(task.check_to());
  return sent;
}

// The registry is asked for the powers items of every agency a batch's
// tasks name, by every item they name: at most this many agencies and
// items, so that one batch cannot make it a million lookups.
constexpr std::size_t kMaxBatchAgencies = 100;
constexpr std::size_t kMaxBatchItems = 500;

}  // namespace

grpc::ServerUnaryReactor* InspectionsService::UpsertTasks(grpc::CallbackServerContext* context,
                                                          const v1::UpsertTasksRequest* request,
                                                          v1::UpsertResponse* response) {
  return common::Serve(context, context_, {ROLE_CITY}, [=, this](const common::CallerIdentity& caller) {
    const auto& tasks = request->tasks();
    common::CheckBatchSize(tasks.size(), max_batch_, "tasks");
    const common::Date today = context_.clock.Today();
    // The stored versions: a drawn task keeps its commitment and seed.
    std::vector<Key> keys;
    for (const auto& t : tasks) keys.emplace_back(t.agency_credit_code(), t.source_id());
    std::map<Key, StoredRecord> stored;
    for (auto& row : store_.GetMany(RecordKind::kTask, keys)) {
      stored.emplace(Key{row.agency_credit_code, row.source_id}, std::move(row));
    }
    common::BatchWrite<Held<Task>> batch(RecordKindName(RecordKind::kTask), "tasks", response->mutable_results());
    for (int i = 0; i < tasks.size(); ++i) {
      const Task& t = tasks[i];
      const std::string path = common::At("tasks", i);
      const auto before = stored.find({t.agency_credit_code(), t.source_id()});
      auto violations = ValidateTask(t, path, today, before == stored.end());
      if (before != stored.end()) {
        Task old;
        common::ParseStored(before->second.record, &old);
        if (old.has_draw() != t.has_draw()) {
          violations.push_back({path + ".draw", "a task is drawn by the platform or not from its first version on"});
        } else if (t.has_draw() && !google::protobuf::util::MessageDifferencer::Equals(Committed(old), Committed(t))) {
          violations.push_back(
              {path + ".draw", "the draw was committed (seed_commitment " + old.draw().seed_commitment() +
                                   "): its pool, counts, officers, draw date, check period and joint agencies "
                                   "cannot change; register a new task to draw again"});
        } else if (before->second.results_stored > 0 &&
                   (old.check_from() != t.check_from() || old.check_to() != t.check_to())) {
          // The results' 20 WD count from the check's end.
          violations.push_back({path + ".check_to", "the task has results: its check period (" + old.check_from() +
                                                        " to " + old.check_to() + ") cannot change"});
        }
      }
      batch.Add(i, t.agency_credit_code() + "/" + t.source_id(), t.source_version(), t,
                {t.agency_credit_code(), &t, nullptr}, std::move(violations));
    }
    batch.RejectRepeatedKeys("tasks");
    batch.CheckAgencies(caller.city_code, "tasks", [&](const auto& codes) { return registry_.CitiesOf(codes); });

    // What the registry says of the joint agencies, items and officers.
    std::vector<std::string> agencies, ids;
    batch.CheckEach([&](const Held<Task>& h, int, common::Violations&) {
      agencies.push_back(h.agency_credit_code);
      agencies.insert(agencies.end(), h.record->joint_agencies().begin(), h.record->joint_agencies().end());
      ids.insert(ids.end(), h.record->items().begin(), h.record->items().end());
    });
    std::sort(agencies.begin(), agencies.end());
    agencies.erase(std::unique(agencies.begin(), agencies.end()), agencies.end());
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    if (agencies.size() > kMaxBatchAgencies || ids.size() > kMaxBatchItems) {
      common::ThrowIfAny(
          {{"tasks", "a batch may name at most " + std::to_string(kMaxBatchAgencies) + " agencies and " +
                         std::to_string(kMaxBatchItems) + " items (it names " + std::to_string(agencies.size()) +
                         " and " + std::to_string(ids.size()) + "): send it in smaller batches"}},
          "bad batch");
    }
    const auto agency_cities = registry_.CitiesOf(agencies);
    const PowersFacts facts = Powers(agencies, ids);
    std::vector<Key> plan_keys;
    batch.CheckEach([&](const Held<Task>& h, int, common::Violations&) {
      if (!h.record->plan_source_id().empty()) plan_keys.emplace_back(h.agency_credit_code, h.record->plan_source_id());
    });
    std::set<Key> plans;
    for (const auto& row : store_.GetMany(RecordKind::kPlan, plan_keys)) {
      plans.emplace(row.agency_credit_code, row.source_id);
    }
    std::map<Key, std::vector<std::string>> ineligible;
    batch.CheckEach([&](const Held<Task>& h, int index, common::Violations& violations) {
      const Task& t = *h.record;
      const std::string path = common::At("tasks", index);
      for (int j = 0; j < t.joint_agencies_size(); ++j) {
        if (!agency_cities.contains(t.joint_agencies(j))) {
          violations.push_back({common::At(path + ".joint_agencies", j), "no such agency in the registry"});
        }
      }
      if (!t.plan_source_id().empty() && !plans.contains({h.agency_credit_code, t.plan_source_id()})) {
        violations.push_back({path + ".plan_source_id", "no such plan of this agency"});
      }
      auto found = CheckTaskItems(t, facts, path);
      violations.insert(violations.end(), found.begin(), found.end());
      const auto from = common::ParseIsoDate(t.check_from());
      const auto to = common::ParseIsoDate(t.check_to());
      if (!from || !to) return;  // ValidateTask named them
      // A later version of a drawn task keeps the committed draw (and whom it
      // excluded then), whatever the certificates say now.
      if (t.has_draw() && stored.contains({h.agency_credit_code, t.source_id()})) return;
      const auto& numbers = t.has_draw() ? t.draw().officers() : t.officers();
      std::map<std::string, CertificateFact> certificates;
      for (const auto& [number, info] :
           registry_.CheckCertificates(std::vector<std::string>(numbers.begin(), numbers.end()), *from, *to)) {
        certificates[number] = {info.known, info.agency_credit_code, info.valid_over_period};
      }
      if (!t.has_draw()) {
        found = CheckTaskOfficers(t, certificates, path);
        violations.insert(violations.end(), found.begin(), found.end());
        return;
      }
      auto excluded = IneligibleOfficers(t, certificates);
      const int eligible = t.draw().officers_size() - static_cast<int>(excluded.size());
      if (t.draw().officers_drawn() > eligible) {
        violations.push_back(
            {path + ".draw.officers_drawn", "more than the " + std::to_string(eligible) +
                                                " officers whose certificates are valid over the whole check period"});
      }
      ineligible[{h.agency_credit_code, t.source_id()}] = std::move(excluded);
    });

    std::vector<RecordToStore> rows;
    for (auto& h : batch.Valid()) {
      Task t = *h.record;
      const Key key{h.agency_credit_code, t.source_id()};
      RecordToStore row{RecordKind::kTask, h.agency_credit_code, t.source_id(), t.source_version(), "", "", {}};
      if (t.has_draw()) {
        const auto before = stored.find(key);
        if (before != stored.end()) {
          // A new version of a drawn task: the committed draw and its seed stay.
          Task old;
          common::ParseStored(before->second.record, &old);
          *t.mutable_draw() = old.draw();
          row.columns.seed = before->second.columns.seed;
        } else {
          row.columns.seed = NewSeed();
          *t.mutable_draw() = Commit(t.draw(), row.columns.seed, ineligible[key], today);
        }
        row.columns.draw_date = common::ParseIsoDate(t.draw().draw_date());
        if (t.pool_size() == 0) t.set_pool_size(t.draw().pool_size());
      }
      row.record = t.SerializeAsString();
      row.columns.domain = t.domain();
      row.columns.date_from = common::ParseIsoDate(t.check_from());
      row.columns.date_to = common::ParseIsoDate(t.check_to());
      row.columns.expected_results = t.has_draw() ? t.draw().objects() : t.objects_size();
      rows.push_back(std::move(row));
    }
    batch.Settle(Store(RecordKind::kTask, caller.city_code, rows, batch.Rejected(), today));
    return grpc::Status::OK;
  });
}

void InspectionsService::ToPublicTask(const StoredRecord& row, bool with_pool, v1::Task* out) const {
  Task stored;
  common::ParseStored(row.record, &stored);
  *out = PublicTask(stored, row.columns.seed, context_.clock.Today(), with_pool);
  out->set_city_code(row.city_code);
  out->set_published_on(common::FormatIsoDate(row.published_on));
  out->set_change_seq(row.change_seq);
  out->set_results_published(row.results_stored);
  out->set_results_expected(row.columns.expected_results);
}

grpc::ServerUnaryReactor* InspectionsService::ListTasks(grpc::CallbackServerContext* context,
                                                        const v1::ListTasksRequest* request,
                                                        v1::ListTasksResponse* response) {
  return common::Serve(context, context_, {ROLE_PUBLIC}, [=, this](const common::CallerIdentity&) {
    common::Violations violations;
    ListFilter f;
    common::CheckCityFilter(violations, "city_code", request->city_code());
    common::CheckKeyFilter(violations, "agency_credit_code", request->agency_credit_code());
    f.date_from = common::CheckDateFilter(violations, "date_from", request->date_from());
    f.date_to = common::CheckDateFilter(violations, "date_to", request->date_to());
    const common::Page page = common::ReadPage(violations, request->page_size(), request->page_token(), 1, kTaskPage);
    f.before_seq = common::SeqPageStart(violations, page);
    common::ThrowIfAny(violations, "bad list request");
    f.kind = RecordKind::kTask;
    f.city_code = request->city_code();
    f.agency_credit_code = request->agency_credit_code();
    f.limit = page.size + 1;
    auto rows = store_.List(f);
    response->set_next_page_token(common::TakeSeqPage(rows, page.size));
    for (const auto& row : rows) ToPublicTask(row, false, response->add_tasks());
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* InspectionsService::GetTask(grpc::CallbackServerContext* context,
                                                      const v1::GetRecordRequest* request, v1::Task* response) {
  return common::Serve(context, context_, {ROLE_PUBLIC}, [=, this](const common::CallerIdentity&) {
    auto row = store_.Get(RecordKind::kTask, request->agency_credit_code(), request->source_id());
    if (!row)
      throw ServiceError::NotFound("no task " + request->source_id() + " of agency " + request->agency_credit_code());
    ToPublicTask(*row, true, response);
    return grpc::Status::OK;
  });
}

}  // namespace gongkai::inspections
