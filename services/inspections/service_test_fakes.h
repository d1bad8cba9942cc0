#pragma once

// In-memory stand-ins for what the inspections adapter stands on, for its
// adapter tests: the store (InspectionStore, as PgInspectionStore keeps its
// contract) and the registry (RegistryClient, with canned agencies, powers
// items and certificates, recording what it is told).

#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "common/calendar/iso_date.h"
#include "common/errors.h"
#include "services/inspections/inspection_store.h"
#include "services/registry/registry_client.h"

namespace gongkai::inspections {

// The records as the adapter hands them over, kept in memory by (kind,
// agency, source id). A record is written when the stored version is older
// (or absent) and of the same city (ACCEPTED, with the next change_seq),
// else left as it is (UNCHANGED); a new version keeps its publication day
// unless its clock start changed, and a task's stored seed. Accepted plans
// leave a notice per agency and year (the first kept). Rejections are kept
// per city, newest first; an accepted record clears those of its kind and key.
// Reads set task_check_to (results) and results_stored (tasks); lists and
// the feed leave out the record as sent except for tasks; ReadKpiRecords
// reads a year's records as PgInspectionStore does (by agency and source id).
class FakeInspectionStore final : public InspectionStore {
 public:
  std::vector<WriteOutcome> UpsertBatch(RecordKind kind, const std::string& city_code,
                                        const std::vector<RecordToStore>& valid,
                                        const std::vector<common::Rejection>& rejected, common::Date today) override {
    std::lock_guard lock(mutex_);
    std::vector<WriteOutcome> out;
    std::set<std::string> accepted_keys;
    for (const auto& r : valid) {
      written_.push_back(r);
      const Key key{kind, r.agency_credit_code, r.source_id};
      const auto it = rows_.find(key);
      if (it != rows_.end() && (it->second.source_version >= r.source_version || it->second.city_code != city_code)) {
        out.push_back({common::UpsertOutcome::kUnchanged, false});
        continue;
      }
      StoredRecord row;
      row.kind = kind;
      row.agency_credit_code = r.agency_credit_code;
      row.source_id = r.source_id;
      row.source_version = r.source_version;
      row.city_code = city_code;
      row.record = r.record;
      row.public_record = r.public_record;
      row.columns = r.columns;
      row.published_on = today;
      bool first_publication = true;
      if (it != rows_.end()) {
        first_publication = it->second.columns.clock_start != r.columns.clock_start;
        if (!it->second.columns.seed.empty()) row.columns.seed = it->second.columns.seed;
        if (it->second.columns.clock_start == r.columns.clock_start) row.published_on = it->second.published_on;
      }
      row.change_seq = ++last_seq_;
      if (kind == RecordKind::kPlan && row.columns.year > 0) {
        notices_.try_emplace({row.agency_credit_code, row.columns.year}, Notice{row.published_on, false});
      }
      rows_[key] = std::move(row);
      accepted_keys.insert(r.agency_credit_code + "/" + r.source_id);
      out.push_back({common::UpsertOutcome::kAccepted, first_publication});
    }
    const std::string kind_name = RecordKindName(kind);
    std::erase_if(rejections_, [&](const Kept& k) {
      return k.city_code == city_code && k.rejection.kind == kind_name && accepted_keys.contains(k.rejection.key);
    });
    for (const auto& r : rejected) {
      std::erase_if(rejections_, [&](const Kept& k) {
        return k.city_code == city_code && k.rejection.kind == r.kind && k.rejection.key == r.key;
      });
      Kept kept{city_code, r};
      kept.rejection.id = ++last_rejection_id_;
      kept.rejection.received_at = common::FormatIsoDate(today) + "T09:00:00+08:00";
      kept.rejection.raw_bytes = static_cast<int64_t>(r.raw_json.size());
      rejections_.push_back(std::move(kept));
    }
    return out;
  }

  std::optional<StoredRecord> Get(RecordKind kind, const std::string& agency, const std::string& source_id) override {
    std::lock_guard lock(mutex_);
    const auto it = rows_.find(Key{kind, agency, source_id});
    if (it == rows_.end()) return std::nullopt;
    return Read(it->second);
  }

  std::vector<StoredRecord> GetMany(RecordKind kind, const std::vector<std::pair<std::string, std::string>>& keys,
                                    bool whole = true) override {
    std::lock_guard lock(mutex_);
    std::vector<StoredRecord> out;
    for (const auto& [agency, source_id] : keys) {
      const auto it = rows_.find(Key{kind, agency, source_id});
      if (it == rows_.end()) continue;
      out.push_back(Read(it->second));
      if (!whole) {
        out.back().record.clear();
        out.back().results_stored = 0;
      }
    }
    return out;
  }

  std::vector<StoredRecord> List(const ListFilter& f) override {
    std::lock_guard lock(mutex_);
    lists_.push_back(f);
    std::vector<StoredRecord> out;
    for (const auto& [key, row] : rows_) {
      if (row.kind == f.kind && Matches(row, f)) out.push_back(Listed(row));
    }
    std::sort(out.begin(), out.end(),
              [](const StoredRecord& a, const StoredRecord& b) { return a.change_seq > b.change_seq; });
    if (static_cast<int>(out.size()) > f.limit) out.resize(static_cast<std::size_t>(std::max(f.limit, 0)));
    return out;
  }

  std::vector<StoredRecord> Changes(int64_t after_seq, int limit) override {
    std::lock_guard lock(mutex_);
    std::vector<StoredRecord> out;
    for (const auto& [key, row] : rows_) {
      const bool fed =
          row.kind == RecordKind::kPlan || row.kind == RecordKind::kTask || row.kind == RecordKind::kResult;
      if (fed && row.change_seq > after_seq) out.push_back(Listed(row));
    }
    std::sort(out.begin(), out.end(),
              [](const StoredRecord& a, const StoredRecord& b) { return a.change_seq < b.change_seq; });
    if (static_cast<int>(out.size()) > limit) out.resize(static_cast<std::size_t>(std::max(limit, 0)));
    return out;
  }

  std::vector<common::Rejection> ListRejections(const std::string& city_code, int64_t before_id, int limit) override {
    std::lock_guard lock(mutex_);
    std::vector<common::Rejection> out;
    for (auto it = rejections_.rbegin(); it != rejections_.rend() && static_cast<int>(out.size()) < limit; ++it) {
      if (it->city_code != city_code || (before_id > 0 && it->rejection.id >= before_id)) continue;
      out.push_back(it->rejection);
    }
    return out;
  }

  std::vector<PlanNotice> PendingPlanNotices(int limit) override {
    std::lock_guard lock(mutex_);
    std::vector<PlanNotice> out;
    for (const auto& [key, notice] : notices_) {
      if (!notice.pushed && static_cast<int>(out.size()) < limit) {
        out.push_back({key.first, key.second, notice.published_on});
      }
    }
    return out;
  }

  void MarkPlanNoticesPushed(const std::vector<PlanNotice>& pushed) override {
    std::lock_guard lock(mutex_);
    for (const auto& n : pushed) {
      const auto it = notices_.find({n.agency_credit_code, n.year});
      if (it != notices_.end()) it->second.pushed = true;
    }
  }

  std::vector<ResultCount> ResultCounts() override {
    std::lock_guard lock(mutex_);
    std::map<std::tuple<std::string, std::string, common::Date, common::Date>, int64_t> groups;
    for (const auto& [key, row] : rows_) {
      if (row.kind != RecordKind::kResult) continue;
      const StoredRecord* task = TaskOf(row);
      if (task == nullptr || !task->columns.date_to) continue;
      ++groups[{task->city_code, task->columns.domain, *task->columns.date_to, row.published_on}];
    }
    std::vector<ResultCount> out;
    for (const auto& [g, count] : groups) {
      out.push_back({std::get<0>(g), std::get<1>(g), std::get<2>(g), std::get<3>(g), count});
    }
    return out;
  }

  std::vector<ExpectedCount> ExpectedCounts() override {
    std::lock_guard lock(mutex_);
    std::map<std::tuple<std::string, std::string, common::Date>, int64_t> groups;
    for (const auto& [key, row] : rows_) {
      if (row.kind != RecordKind::kTask || !row.columns.date_to) continue;
      groups[{row.city_code, row.columns.domain, *row.columns.date_to}] += row.columns.expected_results;
    }
    std::vector<ExpectedCount> out;
    for (const auto& [g, expected] : groups) out.push_back({std::get<0>(g), std::get<1>(g), std::get<2>(g), expected});
    return out;
  }

  std::vector<PlanCount> PlanCounts() override {
    std::lock_guard lock(mutex_);
    std::map<std::tuple<std::string, common::Date, common::Date>, int64_t> groups;
    for (const auto& [key, row] : rows_) {
      if (row.kind != RecordKind::kPlan || !row.columns.clock_start) continue;
      ++groups[{row.city_code, *row.columns.clock_start, row.published_on}];
    }
    std::vector<PlanCount> out;
    for (const auto& [g, count] : groups) out.push_back({std::get<0>(g), std::get<1>(g), std::get<2>(g), count});
    return out;
  }

  std::vector<PilotCount> PilotCounts(int year) override {
    std::lock_guard lock(mutex_);
    std::map<std::pair<std::string, int>, int64_t> groups;
    for (const auto& [key, row] : rows_) {
      if (row.kind == RecordKind::kPilotUnit && row.columns.year == year) {
        ++groups[{row.city_code, row.columns.sector}];
      }
    }
    std::vector<PilotCount> out;
    for (const auto& [g, count] : groups) out.push_back({g.first, g.second, count});
    return out;
  }

  KpiRecords ReadKpiRecords(const KpiFilter& f) override {
    std::lock_guard lock(mutex_);
    const auto year_of = [](const std::optional<common::Date>& day) {
      return day ? static_cast<int>(std::chrono::year_month_day(*day).year()) : 0;
    };
    const auto of = [&](const StoredRecord& row) {
      return (f.city_code.empty() || row.city_code == f.city_code) &&
             (f.agency_credit_code.empty() || row.agency_credit_code == f.agency_credit_code);
    };
    KpiRecords out;
    for (const auto& [key, row] : rows_) {
      if (!of(row)) continue;
      const Columns& c = row.columns;
      switch (row.kind) {
        case RecordKind::kPlan:
          if (c.year == f.year || c.year == f.year + 1 || year_of(c.clock_start) == f.year) out.plans.push_back(row);
          break;
        case RecordKind::kTask:
          if (year_of(c.date_from) <= f.year && year_of(c.date_to) >= f.year) out.tasks.push_back(row);
          break;
        case RecordKind::kResult: {
          const StoredRecord* task = TaskOf(row);
          if (task != nullptr && year_of(task->columns.date_to) == f.year) out.results.push_back(Read(row));
          break;
        }
        default: break;
      }
    }
    return out;
  }

  // For the tests, once a call has returned.
  // Every valid record handed to UpsertBatch, in order, whatever its outcome.
  std::vector<RecordToStore> written() {
    std::lock_guard lock(mutex_);
    return written_;
  }
  // The rejections kept, of every city, oldest first.
  std::vector<common::Rejection> rejections() {
    std::lock_guard lock(mutex_);
    std::vector<common::Rejection> out;
    for (const auto& k : rejections_) out.push_back(k.rejection);
    return out;
  }
  // A record as stored (with the record as sent and its seed).
  std::optional<StoredRecord> stored(RecordKind kind, const std::string& agency, const std::string& source_id) {
    std::lock_guard lock(mutex_);
    const auto it = rows_.find(Key{kind, agency, source_id});
    if (it == rows_.end()) return std::nullopt;
    return Read(it->second);
  }
  // The filters List was asked with.
  std::vector<ListFilter> lists() {
    std::lock_guard lock(mutex_);
    return lists_;
  }

 private:
  using Key = std::tuple<RecordKind, std::string, std::string>;
  struct Notice {
    common::Date published_on{};
    bool pushed = false;
  };
  struct Kept {
    std::string city_code;
    common::Rejection rejection;
  };

  static std::string Lower(std::string text) {
    for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
  }

  const StoredRecord* TaskOf(const StoredRecord& result) const {
    const auto it = rows_.find(Key{RecordKind::kTask, result.agency_credit_code, result.columns.task_source_id});
    return it == rows_.end() ? nullptr : &it->second;
  }

  // A stored record as a read answers it.
  StoredRecord Read(const StoredRecord& row) const {
    StoredRecord out = row;
    if (row.kind == RecordKind::kResult) {
      const StoredRecord* task = TaskOf(row);
      out.task_check_to = task != nullptr ? task->columns.date_to : std::nullopt;
    }
    if (row.kind == RecordKind::kTask) {
      out.results_stored = static_cast<int>(std::count_if(rows_.begin(), rows_.end(), [&](const auto& entry) {
        const StoredRecord& r = entry.second;
        return r.kind == RecordKind::kResult && r.agency_credit_code == row.agency_credit_code &&
               r.columns.task_source_id == row.source_id;
      }));
    }
    return out;
  }

  // As a list or the feed answers it: without the record as sent, but for tasks.
  StoredRecord Listed(const StoredRecord& row) const {
    StoredRecord out = Read(row);
    if (row.kind != RecordKind::kTask) out.record.clear();
    return out;
  }

  static bool Matches(const StoredRecord& row, const ListFilter& f) {
    const Columns& c = row.columns;
    if (!f.city_code.empty() && row.city_code != f.city_code) return false;
    if (!f.agency_credit_code.empty() && row.agency_credit_code != f.agency_credit_code) return false;
    if (f.before_seq > 0 && row.change_seq >= f.before_seq) return false;
    switch (row.kind) {
      case RecordKind::kPlan:
      case RecordKind::kPilotUnit: return f.year == 0 || c.year == f.year;
      case RecordKind::kTask:
        if (f.date_from && (!c.date_to || *c.date_to < *f.date_from)) return false;
        if (f.date_to && (!c.date_from || *c.date_from > *f.date_to)) return false;
        return true;
      case RecordKind::kResult:
        if (f.date_from && (!c.date_from || *c.date_from < *f.date_from)) return false;
        if (f.date_to && (!c.date_from || *c.date_from > *f.date_to)) return false;
        if (!f.object_name.empty() && Lower(c.object_name).find(Lower(f.object_name)) == std::string::npos) {
          return false;
        }
        if (!f.credit_code.empty() && c.credit_code != f.credit_code) return false;
        if (!f.item.empty() && std::find(c.items.begin(), c.items.end(), f.item) == c.items.end()) return false;
        if (!f.task_source_id.empty() && c.task_source_id != f.task_source_id) return false;
        if (!f.domain.empty() && c.domain != f.domain) return false;
        return f.outcome == 0 || c.outcome == f.outcome;
      case RecordKind::kBroadcast:
        switch (f.broadcast_state) {
          case 1: return c.started_at.empty();
          case 2: return !c.started_at.empty() && c.ended_at.empty();
          case 3: return !c.ended_at.empty() && c.has_replay;
          default: return true;
        }
    }
    return false;
  }

  std::mutex mutex_;
  std::map<Key, StoredRecord> rows_;                       // guarded by mutex_
  std::map<std::pair<std::string, int>, Notice> notices_;  // by agency and year; guarded
  std::vector<Kept> rejections_;                           // oldest first; guarded
  std::vector<RecordToStore> written_;                     // guarded
  std::vector<ListFilter> lists_;                          // guarded
  int64_t last_seq_ = 0;                                   // guarded
  int64_t last_rejection_id_ = 0;                          // guarded
};

// The registry's answers, or UNAVAILABLE from every call while `down`. Its
// data is set by a test before the calls; what it is told and asked is
// recorded.
class FakeRegistry final : public registry::RegistryClient {
 public:
  // A certificate: whose, whether active, and its validity (inclusive).
  struct Certificate {
    std::string agency_credit_code;
    common::Date valid_from{};
    common::Date valid_until{};
    bool active = true;
  };
  // A powers item of an agency.
  struct Item {
    int category = 0;  // registry.v1.PowerCategory
    bool random_check = false;
  };
  // One CheckCertificates call.
  struct CertificateCall {
    std::vector<std::string> numbers;
    common::Date from{};
    common::Date to{};
  };

  std::optional<registry::AgencyInfo> Agency(const std::string& credit_code) override {
    Available();
    const auto it = agencies.find(credit_code);
    if (it == agencies.end()) return std::nullopt;
    return it->second;
  }

  std::optional<std::vector<registry::TierRange>> Benchmark(const std::string&, const std::string&,
                                                            const std::string&) override {
    Available();
    return std::nullopt;
  }

  std::map<std::string, CertificateInfo> CheckCertificates(const std::vector<std::string>& numbers, common::Date from,
                                                           common::Date to) override {
    Available();
    {
      std::lock_guard lock(mutex_);
      certificate_calls_.push_back({numbers, from, to});
    }
    std::map<std::string, CertificateInfo> out;
    for (const auto& number : numbers) {
      const auto it = certificates.find(number);
      if (it == certificates.end()) {
        out[number] = CertificateInfo{};
        continue;
      }
      const Certificate& c = it->second;
      out[number] = {true, c.agency_credit_code, c.active && c.valid_from <= from && to <= c.valid_until};
    }
    return out;
  }

  std::vector<PowersItemInfo> PowersItems(const std::vector<std::string>& agencies_asked,
                                          const std::vector<std::string>& source_ids) override {
    Available();
    std::vector<PowersItemInfo> out;
    for (const auto& [key, item] : items) {
      const bool agency = std::find(agencies_asked.begin(), agencies_asked.end(), key.first) != agencies_asked.end();
      const bool id = std::find(source_ids.begin(), source_ids.end(), key.second) != source_ids.end();
      if (agency && id) out.push_back({key.first, key.second, item.category, item.random_check});
    }
    return out;
  }

  void RecordInspectionPlans(const std::vector<InspectionPlanNotice>& notices) override {
    Available();
    std::lock_guard lock(mutex_);
    plan_calls_.push_back(notices);
  }

  // Every agency's list current on every day but those of `lists_not_current`
  // (by agency: from that day on).
  std::vector<QualificationAnswer> QualificationLists(const std::vector<QualificationQuery>& queries) override {
    Available();
    {
      std::lock_guard lock(mutex_);
      list_calls_.push_back(queries);
    }
    std::vector<QualificationAnswer> out;
    for (const auto& q : queries) {
      const auto it = lists_not_current.find(q.agency_credit_code);
      if (it != lists_not_current.end() && q.on >= it->second) {
        out.push_back({true, false, "not confirmed this year"});
      } else {
        out.push_back({true, true, ""});
      }
    }
    return out;
  }
  std::vector<EnforcementUnitInfo> EnforcementUnits() override {
    Available();
    return units;
  }

  // What the tests read once a call has returned.
  std::vector<std::vector<InspectionPlanNotice>> plan_calls() {
    std::lock_guard lock(mutex_);
    return plan_calls_;
  }
  std::vector<CertificateCall> certificate_calls() {
    std::lock_guard lock(mutex_);
    return certificate_calls_;
  }
  std::vector<std::vector<QualificationQuery>> list_calls() {
    std::lock_guard lock(mutex_);
    return list_calls_;
  }

  std::map<std::string, registry::AgencyInfo> agencies;       // by credit code
  std::map<std::pair<std::string, std::string>, Item> items;  // by agency and source id
  std::map<std::string, Certificate> certificates;            // by number
  std::vector<EnforcementUnitInfo> units;                     // as ListEnforcementUnits answers them
  std::map<std::string, common::Date> lists_not_current;      // by agency: from that day on
  bool down = false;

 private:
  void Available() const {
    if (down) throw common::ServiceError::Unavailable("the registry is down");
  }

  std::mutex mutex_;
  std::vector<std::vector<InspectionPlanNotice>> plan_calls_;  // guarded by mutex_
  std::vector<CertificateCall> certificate_calls_;             // guarded by mutex_
  std::vector<std::vector<QualificationQuery>> list_calls_;    // guarded by mutex_
};

}  // namespace gongkai::inspections
