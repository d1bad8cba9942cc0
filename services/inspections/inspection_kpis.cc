#include "services/inspections/inspection_kpis.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include "common/calendar/iso_date.h"
#include "common/domains.h"
#include "common/kpi.h"
#include "common/kpi_tallies.h"
#include "common/proto_strings.h"
#include "services/inspections/inspection_timeliness.h"

namespace gongkai::inspections {
namespace {

using common::v1::Finding;
using common::v1::KpiTally;
using common::v1::RecordLink;

int YearOf(common::Date day) { return static_cast<int>(std::chrono::year_month_day(day).year()); }

RecordLink LinkOf(std::string_view kind, const StoredRecord& row, const std::string& key, const std::string& detail) {
  return common::MakeRecordLink(kInspectionsService, kind, key, row.agency_credit_code, row.city_code, detail);
}

std::string Detail(std::optional<common::Date> done, common::Date due) {
  const std::string by = "due " + common::FormatIsoDate(due);
  return done ? "published " + common::FormatIsoDate(*done) + ", " + by : "not published, " + by;
}

// An object of a task as the rules count it.
struct ObjectRecord {
  const StoredRecord* task = nullptr;
  bool key_domain = false;
  ExpectedResult expected;
  common::Date due{};
  RecordLink link;
};

// A plan as the rules count it.
struct PlanRecord {
  const StoredRecord* row = nullptr;
  Plan plan;
};

// The records of a year, parsed once.
struct YearRecords {
  std::vector<PlanRecord> plans;                            // every plan read
  std::vector<std::pair<const StoredRecord*, Task>> tasks;  // every task read
  std::vector<ObjectRecord> objects;                        // of the tasks whose check ends in the year
};

YearRecords Parse(const KpiRecords& records, int year, const KpiFacts& facts, common::Date today) {
  YearRecords out;
  for (const StoredRecord& row : records.plans) {
    PlanRecord p{&row, {}};
    common::ParseStored(row.record, &p.plan);
    out.plans.push_back(std::move(p));
  }
  std::map<std::pair<std::string, std::string>, std::vector<StoredResult>> results;  // by agency and task
  for (const StoredRecord& row : records.results) {
    Result result;
    common::ParseStored(row.record, &result);
    results[{row.agency_credit_code, row.columns.task_source_id}].push_back({result.object(), row.published_on});
  }
  for (const StoredRecord& row : records.tasks) {
    Task task;
    common::ParseStored(row.record, &task);
    out.tasks.emplace_back(&row, task);
    if (!row.columns.date_to || YearOf(*row.columns.date_to) != year) continue;
    const common::Date due = facts.due(common::RecordKind::kSpotCheckResult, *row.columns.date_to);
    const auto it = results.find({row.agency_credit_code, row.source_id});
    const std::vector<StoredResult> none;
    for (ExpectedResult& expected :
         ExpectedResults(task, row.columns.seed, it == results.end() ? none : it->second, today)) {
      const std::string key = row.agency_credit_code + "/" + row.source_id + "/" + expected.object_key;
      RecordLink link = LinkOf(kResultKind, row, key, Detail(expected.stored_on, due));
      link.set_open(CountOf(expected.stored_on, due, today).overdue);
      out.objects.push_back({&row, common::IsKeyDomain(row.columns.domain), std::move(expected), due, std::move(link)});
    }
  }
  return out;
}

// A record counted into a tally.
struct Counted {
  RecordLink link;
  bool met = false;
};

}  // namespace

std::vector<KpiTally> CountTallies(const KpiRecords& records, int year, const KpiFacts& facts, common::Date today,
                                   int max_misses) {
  const YearRecords parsed = Parse(records, year, facts, today);
  // (agency, kpi, rule) -> the tally's city and its records.
  std::map<std::tuple<std::string, std::string, std::string>, std::pair<std::string, std::vector<Counted>>> tallies;
  const auto add = [&](const StoredRecord& row, std::string_view rule, bool key_domain, Counted counted) {
    for (const std::string_view kpi : {std::string_view(), common::kKpiKeyDomainTimeliness}) {
      if (!kpi.empty() && !key_domain) continue;
      auto& [city, list] = tallies[{row.agency_credit_code, std::string(kpi), std::string(rule)}];
      city = row.city_code;
      list.push_back(counted);
    }
  };
  std::map<std::string, bool> key_domain_agencies;
  for (const PlanRecord& p : parsed.plans) {
    const StoredRecord& row = *p.row;
    if (!row.columns.clock_start || YearOf(*row.columns.clock_start) != year) continue;
    const common::Date due = facts.due(common::RecordKind::kInspectionPlan, *row.columns.clock_start);
    const RecordCount count = CountOf(row.published_on, due, today);
    auto [known, inserted] = key_domain_agencies.try_emplace(row.agency_credit_code, false);
    if (inserted) known->second = facts.agency_in_key_domain(row.agency_credit_code);
    add(row, kPlanKind, known->second,
        {LinkOf(kPlanKind, row, row.agency_credit_code + "/" + row.source_id, Detail(row.published_on, due)),
         count.met});
  }
  for (const ObjectRecord& o : parsed.objects) {
    const RecordCount count = CountOf(o.expected.stored_on, o.due, today);
    if (count.due) add(*o.task, kResultKind, o.key_domain, {o.link, count.met});
  }
  std::vector<KpiTally> out;
  for (auto& [key, entry] : tallies) {
    auto& [city, list] = entry;
    std::stable_sort(list.begin(), list.end(),
                     [](const Counted& a, const Counted& b) { return a.link.key() < b.link.key(); });
    KpiTally tally;
    tally.set_agency_credit_code(std::get<0>(key));
    tally.set_city_code(city);
    tally.set_kpi(std::get<1>(key));
    tally.set_rule(std::get<2>(key));
    for (const Counted& c : list) common::CountRecord(tally, c.met, &c.link, max_misses);
    out.push_back(std::move(tally));
  }
  return out;
}

namespace {

bool Runs(const std::string& rule) { return rule == kResultsLateRule || rule == kAgencyListRule; }

// The findings of one rule, by key.
std::vector<Finding> ResultsLate(const YearRecords& parsed, const KpiFacts& facts, int threshold, common::Date today) {
  std::vector<Finding> out;
  for (const ObjectRecord& o : parsed.objects) {
    const common::Date limit = facts.add_working_days(o.due, threshold);
    const bool late = o.expected.stored_on ? *o.expected.stored_on > limit : today > limit;
    if (!late) continue;
    Finding f;
    f.set_rule(std::string(kResultsLateRule));
    *f.mutable_record() = o.link;
    const StoredRecord& task = *o.task;
    *f.add_related() = LinkOf(kTaskKind, task, task.agency_credit_code + "/" + task.source_id,
                              "check ended " + common::FormatIsoDate(*task.columns.date_to));
    out.push_back(std::move(f));
  }
  return out;
}

std::vector<Finding> ListsNotCurrent(const YearRecords& parsed, int year, const ListStates& states) {
  // The records to judge: a task on its check_from, a plan on its approved_on.
  struct Judged {
    std::string_view kind;
    const StoredRecord* row;
    common::Date on;
    std::string what;
  };
  std::vector<Judged> judged;
  for (const auto& [row, task] : parsed.tasks) {
    const auto from = common::ParseIsoDate(task.check_from());
    if (from && YearOf(*from) == year) judged.push_back({kTaskKind, row, *from, "checked from "});
  }
  for (const PlanRecord& p : parsed.plans) {
    const auto approved = common::ParseIsoDate(p.plan.approved_on());
    if (approved && YearOf(*approved) == year) judged.push_back({kPlanKind, p.row, *approved, "approved on "});
  }
  std::set<ListQuery> distinct;
  for (const Judged& j : judged) distinct.insert({j.row->agency_credit_code, j.on});
  const std::vector<ListQuery> queries(distinct.begin(), distinct.end());
  std::map<ListQuery, ListState> answers;
  if (!queries.empty()) {
    const std::vector<ListState> states_of = states(queries);
    for (std::size_t i = 0; i < queries.size() && i < states_of.size(); ++i) answers[queries[i]] = states_of[i];
  }
  std::vector<Finding> out;
  for (const Judged& j : judged) {
    const auto it = answers.find({j.row->agency_credit_code, j.on});
    if (it == answers.end() || it->second.current) continue;
    const std::string day = common::FormatIsoDate(j.on);
    Finding f;
    f.set_rule(std::string(kAgencyListRule));
    *f.mutable_record() = LinkOf(j.kind, *j.row, j.row->agency_credit_code + "/" + j.row->source_id,
                                 j.what + day + " by an agency whose qualification list was not current that day");
    *f.add_related() = common::MakeRecordLink(
        "registry", "qualification_list", j.row->agency_credit_code, j.row->agency_credit_code, j.row->city_code,
        "not current on " + day + (it->second.reason.empty() ? "" : ": " + it->second.reason));
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace

bool RunsAnyRule(const common::v1::ListFindingsRequest& request) {
  return std::any_of(request.rules().begin(), request.rules().end(),
                     [](const common::v1::LeadRule& rule) { return Runs(rule.name()); });
}

common::v1::ListFindingsResponse Findings(const common::v1::ListFindingsRequest& request, const KpiRecords& records,
                                          const KpiFacts& facts, const ListStates& states, common::Date today) {
  common::v1::ListFindingsResponse response;
  std::set<std::string> run;
  std::optional<YearRecords> parsed;
  for (const auto& rule : request.rules()) {
    if (!Runs(rule.name()) || !run.insert(rule.name()).second) continue;
    if (!parsed) parsed = Parse(records, request.year(), facts, today);
    std::vector<Finding> found = rule.name() == kResultsLateRule ? ResultsLate(*parsed, facts, rule.threshold(), today)
                                                                 : ListsNotCurrent(*parsed, request.year(), states);
    std::stable_sort(found.begin(), found.end(),
                     [](const Finding& a, const Finding& b) { return a.record().key() < b.record().key(); });
    for (Finding& f : found) {
      if (static_cast<std::size_t>(response.findings_size()) >= kMaxFindings) {
        response.set_truncated(true);
        break;
      }
      f.set_observed_on(common::FormatIsoDate(today));
      *response.add_findings() = std::move(f);
    }
  }
  return response;
}

}  // namespace gongkai::inspections
