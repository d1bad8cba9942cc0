#include "services/registry/registry_tallies.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "common/calendar/iso_date.h"
#include "common/domains.h"
#include "common/kpi.h"
#include "common/kpi_tallies.h"
#include "services/registry/agency.h"
#include "services/registry/agency_store.h"

namespace gongkai::registry {
namespace {

using common::RecordKind;
using common::v1::KpiTally;
using common::v1::RecordLink;

constexpr RecordKind kRecordKinds[] = {RecordKind::kPowersItem, RecordKind::kFlowchart, RecordKind::kOfficer};

int YearOf(common::Date day) { return static_cast<int>(std::chrono::year_month_day(day).year()); }

std::string Iso(common::Date day) { return common::FormatIsoDate(day); }

bool HoldsKeyDomain(const std::vector<std::string>& domains) {
  return std::any_of(domains.begin(), domains.end(), [](const std::string& d) { return common::IsKeyDomain(d); });
}

// The tallies being counted, by (city, agency, kpi, rule).
class Tallies {
 public:
  explicit Tallies(int max_misses) : max_misses_(max_misses) {}

  KpiTally& Of(const std::string& city, const std::string& agency, std::string_view kpi, std::string_view rule) {
    auto [it, fresh] = tallies_.try_emplace({city, agency, std::string(kpi), std::string(rule)});
    if (fresh) {
      it->second.set_city_code(city);
      it->second.set_agency_credit_code(agency);
      it->second.set_kpi(std::string(kpi));
      it->second.set_rule(std::string(rule));
    }
    return it->second;
  }

  void Count(KpiTally& tally, bool met, const RecordLink& miss) { common::CountRecord(tally, met, &miss, max_misses_); }

  std::vector<KpiTally> Take() {
    std::vector<KpiTally> out;
    out.reserve(tallies_.size());
    for (auto& [key, tally] : tallies_) out.push_back(std::move(tally));
    return out;
  }

 private:
  const int max_misses_;
  std::map<std::tuple<std::string, std::string, std::string, std::string>, KpiTally> tallies_;
};

RecordLink LinkOf(std::string_view kind, std::string key, const std::string& agency, const std::string& city,
                  std::string detail) {
  return common::MakeRecordLink(kRegistryService, kind, std::move(key), agency, city, std::move(detail));
}

// A change not published past its due date, in one line.
std::string UnpublishedChange(std::string_view what, RecordKind rule, const std::optional<common::Date>& since,
                              const common::Deadlines& deadlines) {
  if (!since) return std::string(what) + " change not published";
  const common::Date due = deadlines.engine().Due(*deadlines.calendar(), rule, *since).value;
  return std::string(what) + " change of " + Iso(*since) + " not published, due " + Iso(due);
}

// Why the coverage item `missing` (a name of AgencyCoverage::missing) is
// missing, in one line.
std::string MissingDetail(const AgencyCoverage& c, const std::string& missing, const common::Deadlines& deadlines,
                          int year, common::Date today) {
  const CoverageFacts& f = c.facts;
  if (missing == "qualification_list_current") {
    Agency agency;
    agency.qualification_confirmed_on = f.qualification_confirmed_on;
    agency.created_on = f.created_on;
    agency.valid_until = f.valid_until;
    const QualificationStanding standing = QualificationListOn(agency, deadlines, today);
    return "qualification list not current on " + Iso(today) + (standing.reason.empty() ? "" : ": " + standing.reason);
  }
  if (missing == "powers_listed") return "no powers item";
  if (missing == "powers_current") {
    return UnpublishedChange("a powers item", RecordKind::kPowersItem, f.unpublished_powers_since, deadlines);
  }
  if (missing == "officers_listed") return "no officer with a certificate valid on " + Iso(today);
  if (missing == "benchmarks_for_domains") return "a domain of the agency without a benchmark of city " + f.city_code;
  if (missing == "benchmarks_current") {
    return UnpublishedChange("a benchmark", RecordKind::kDiscretionBenchmark, f.unpublished_benchmarks_since,
                             deadlines);
  }
  if (missing == "staffing_provisions") return "no staffing provisions (三定) stored";
  if (missing == "flowcharts_for_domains") {
    if (f.domains_without_flowchart.empty()) return "a domain of the agency without a flowchart";
    std::string domains;
    for (const auto& d : f.domains_without_flowchart) domains += (domains.empty() ? "" : ", ") + d;
    return "no flowchart of " + domains;
  }
  if (missing == "flowcharts_current") {
    return UnpublishedChange("a flowchart", RecordKind::kFlowchart, f.unpublished_flowcharts_since, deadlines);
  }
  if (missing == "inspection_plan") return "no inspection plan of " + std::to_string(year) + " recorded";
  return missing;
}

void CountCoverage(Tallies& tallies, const AgencyCoverage& c, const common::Deadlines& deadlines, int year,
                   common::Date today) {
  const CoverageFacts& f = c.facts;
  for (std::string_view item : kCoverageItems) {
    if (item == "inspection_plan" && !f.holds_inspection_powers) continue;
    KpiTally& tally = tallies.Of(f.city_code, f.credit_code, common::kKpiCoverage, item);
    const auto missing = std::find_if(c.missing.begin(), c.missing.end(),
                                      [&](const std::string& m) { return CoverageItemOf(m) == item; });
    if (missing == c.missing.end()) {
      tallies.Count(tally, true, RecordLink());
      continue;
    }
    // Missing as of today: the miss stands.
    RecordLink link =
        LinkOf(*missing, f.credit_code, f.credit_code, f.city_code, MissingDetail(c, *missing, deadlines, year, today));
    link.set_open(true);
    tallies.Count(tally, false, link);
  }
}

// The qualification list of the year: its timeliness as of today, or for a
// past year as of its last day.
void CountQualificationList(Tallies& tallies, const CoverageFacts& f, const common::Deadlines& deadlines, int year,
                            common::Date today) {
  KpiTally& tally = tallies.Of(f.city_code, f.credit_code, "", common::RecordKindName(RecordKind::kQualificationList));
  if (year > YearOf(today) || (f.created_on && YearOf(*f.created_on) > year)) return;
  const common::Date as_of = year == YearOf(today) ? today : common::Date(std::chrono::year(year) / 12 / 31);
  const common::Timeliness t =
      QualificationListTimeliness(f.qualification_confirmed_on, f.created_on, deadlines, as_of);
  const common::Date due = t.due;
  if (!t.done && !(due < today)) return;
  const bool met = t.done && *t.done <= due;
  const std::string detail =
      (t.done ? "confirmed " + Iso(*t.done) : std::string("not confirmed")) + ", due " + Iso(due);
  RecordLink link =
      LinkOf(common::RecordKindName(RecordKind::kQualificationList), f.credit_code, f.credit_code, f.city_code, detail);
  link.set_open(!t.done);  // not confirmed, past its due date
  tallies.Count(tally, met, link);
}

}  // namespace

std::vector<KpiTally> RegistryTallies(const RegistryKpiFacts& facts, const common::v1::GetKpiTalliesRequest& request,
                                      const common::Deadlines& deadlines, common::Date today) {
  const int year = request.year();
  Tallies tallies(request.max_misses());
  std::map<std::string, const CoverageFacts*> agencies;
  std::set<std::string> cities;
  for (const CoverageFacts& f : facts.agencies) {
    agencies[f.credit_code] = &f;
    cities.insert(f.city_code);
    CountCoverage(tallies, CoverageOf(f, deadlines, today), deadlines, year, today);
    CountQualificationList(tallies, f, deadlines, year, today);
    for (RecordKind kind : kRecordKinds) {
      tallies.Of(f.city_code, f.credit_code, "", common::RecordKindName(kind));
      if (HoldsKeyDomain(f.domains)) {
        tallies.Of(f.city_code, f.credit_code, common::kKpiKeyDomainTimeliness, common::RecordKindName(kind));
      }
    }
  }
  if (request.agency_credit_code().empty()) {
    for (const auto& city : cities) {
      for (std::string_view kpi : {std::string_view(), common::kKpiKeyDomainTimeliness}) {
        tallies.Of(city, "", kpi, common::RecordKindName(RecordKind::kDiscretionBenchmark));
      }
    }
  }

  std::vector<const DeadlineRecord*> records;
  for (const DeadlineRecord& r : facts.records) {
    if (YearOf(r.clock_start) == year) records.push_back(&r);
  }
  std::stable_sort(records.begin(), records.end(), [](const DeadlineRecord* a, const DeadlineRecord* b) {
    return std::tie(a->kind, a->key) < std::tie(b->kind, b->key);
  });
  const auto calendar = deadlines.calendar();
  for (const DeadlineRecord* r : records) {
    const common::Date due = deadlines.engine().Due(*calendar, r->kind, r->clock_start).value;
    if (!r->published_on && !(due < today)) continue;
    const bool met = r->published_on && *r->published_on <= due;
    const std::string detail =
        (r->published_on ? "published " + Iso(*r->published_on)
                         : std::string("not published (a rejected version awaiting an accepted resend)")) +
        ", due " + Iso(due);
    const std::string_view rule = common::RecordKindName(r->kind);
    RecordLink link = LinkOf(rule, r->key, r->agency_credit_code, r->city_code, detail);
    link.set_open(!r->published_on);  // not stored, past its due date
    tallies.Count(tallies.Of(r->city_code, r->agency_credit_code, "", rule), met, link);
    bool key_domain = common::IsKeyDomain(r->domain);
    if (r->domain.empty()) {
      const auto agency = agencies.find(r->agency_credit_code);
      key_domain = agency != agencies.end() && HoldsKeyDomain(agency->second->domains);
    }
    if (key_domain) {
      tallies.Count(tallies.Of(r->city_code, r->agency_credit_code, common::kKpiKeyDomainTimeliness, rule), met, link);
    }
  }
  return tallies.Take();
}

std::vector<KpiTally> RegistryTallies(AgencyStore& store, const common::v1::GetKpiTalliesRequest& request,
                                      const common::Deadlines& deadlines, common::Date today) {
  RegistryKpiFacts facts;
  facts.agencies = store.Coverage(request.city_code(), request.agency_credit_code(), request.year(), today);
  facts.records = store.DeadlineRecords(request.city_code(), request.agency_credit_code(), request.year());
  return RegistryTallies(facts, request, deadlines, today);
}

}  // namespace gongkai::registry
