#include "common/kpi_tallies.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>

#include "common/calendar/iso_date.h"
#include "common/identifiers.h"

namespace gongkai::common {

v1::RecordLink MakeRecordLink(std::string_view service, std::string_view kind, std::string key, std::string agency,
                              std::string city, std::string detail) {
  v1::RecordLink link;
  link.set_service(std::string(service));
  link.set_kind(std::string(kind));
  link.set_key(std::move(key));
  link.set_agency_credit_code(std::move(agency));
  link.set_city_code(std::move(city));
  link.set_detail(std::move(detail));
  return link;
}

Violations CheckKpiTalliesRequest(const v1::GetKpiTalliesRequest& request) {
  Violations out;
  if (request.year() < kMinKpiYear || request.year() > kMaxKpiYear) {
    out.push_back({"year", "must be from " + std::to_string(kMinKpiYear) + " to " + std::to_string(kMaxKpiYear)});
  }
  if (request.max_misses() < 0 || request.max_misses() > kMaxKpiMisses) {
    out.push_back({"max_misses", "must be from 0 to " + std::to_string(kMaxKpiMisses)});
  }
  const std::string& city = request.city_code();
  if (!city.empty() && (CheckAreaCode(city) || !city.ends_with("00"))) {
    out.push_back({"city_code", "must be a city or province code: 6 digits ending in 00"});
  }
  if (!request.agency_credit_code().empty()) {
    if (auto problem = CheckCreditCode(request.agency_credit_code())) out.push_back({"agency_credit_code", *problem});
  }
  return out;
}

Violations CheckFindingsRequest(const v1::ListFindingsRequest& request) {
  Violations out;
  if (request.year() < kMinKpiYear || request.year() > kMaxKpiYear) {
    out.push_back({"year", "must be from " + std::to_string(kMinKpiYear) + " to " + std::to_string(kMaxKpiYear)});
  }
  if (!CheckCount(out, "rules", request.rules_size(), 0, kMaxLeadRules)) return out;
  for (int i = 0; i < request.rules_size(); ++i) {
    const int threshold = request.rules(i).threshold();
    if (threshold < 0 || threshold > kMaxLeadThreshold) {
      out.push_back({At("rules", i) + ".threshold",
                     "must be from 0 (the rule's default) to " + std::to_string(kMaxLeadThreshold)});
    }
  }
  return out;
}

void CountRecord(v1::KpiTally& tally, bool met, const v1::RecordLink* miss, int max_misses) {
  tally.set_due(tally.due() + 1);
  if (met) {
    tally.set_met(tally.met() + 1);
    return;
  }
  if (miss == nullptr || max_misses <= 0) return;
  if (tally.misses_size() < max_misses) {
    *tally.add_misses() = *miss;
  } else {
    tally.set_misses_unlisted(tally.misses_unlisted() + 1);
  }
}

std::vector<v1::KpiTally> GroupByCity(const std::vector<v1::KpiTally>& tallies, int max_misses) {
  std::map<std::tuple<std::string, std::string, std::string>, v1::KpiTally> sums;
  for (const v1::KpiTally& tally : tallies) {
    v1::KpiTally& sum = sums[{tally.city_code(), tally.kpi(), tally.rule()}];
    sum.set_city_code(tally.city_code());
    sum.set_kpi(tally.kpi());
    sum.set_rule(tally.rule());
    sum.set_due(sum.due() + tally.due());
    sum.set_met(sum.met() + tally.met());
    int64_t unlisted = sum.misses_unlisted() + tally.misses_unlisted();
    for (const v1::RecordLink& miss : tally.misses()) {
      if (sum.misses_size() < max_misses) {
        *sum.add_misses() = miss;
      } else {
        ++unlisted;
      }
    }
    sum.set_misses_unlisted(unlisted);
  }
  std::vector<v1::KpiTally> grouped;
  grouped.reserve(sums.size());
  for (auto& [key, sum] : sums) grouped.push_back(std::move(sum));
  return grouped;
}

v1::GetKpiTalliesResponse TalliesAnswer(const v1::GetKpiTalliesRequest& request, std::vector<v1::KpiTally> tallies,
                                        Date as_of) {
  if (request.group_by_city()) tallies = GroupByCity(tallies, request.max_misses());
  v1::GetKpiTalliesResponse answer;
  for (v1::KpiTally& tally : tallies) *answer.add_tallies() = std::move(tally);
  answer.set_as_of(FormatIsoDate(as_of));
  return answer;
}

std::vector<ScrapeGauges::Family> KpiTallyFamilies(const std::vector<v1::KpiTally>& tallies) {
  ScrapeGauges::Family kpi_due{
      "gongkai_kpi_records_due", "Records (or coverage items) due for a KPI this year, per city and part (rule)", {}};
  ScrapeGauges::Family kpi_met{"gongkai_kpi_records_met",
                               "Records (or coverage items) of a KPI this year that met it, per city and part (rule)",
                               {}};
  ScrapeGauges::Family rule_due{
      "gongkai_deadline_records_due",
      "Records of a deadline rule due this year (published, or past their deadline), per city",
      {}};
  ScrapeGauges::Family rule_met{
      "gongkai_deadline_records_met", "Records of a deadline rule published by their deadline this year, per city", {}};
  for (const v1::KpiTally& sum : GroupByCity(tallies, 0)) {
    if (sum.kpi().empty()) {
      std::map<std::string, std::string> labels{{"kind", sum.rule()}, {"city", sum.city_code()}};
      rule_due.samples.push_back({labels, static_cast<double>(sum.due())});
      rule_met.samples.push_back({labels, static_cast<double>(sum.met())});
    } else {
      std::map<std::string, std::string> labels{{"kpi", sum.kpi()}, {"rule", sum.rule()}, {"city", sum.city_code()}};
      kpi_due.samples.push_back({labels, static_cast<double>(sum.due())});
      kpi_met.samples.push_back({labels, static_cast<double>(sum.met())});
    }
  }
  return {std::move(kpi_due), std::move(kpi_met), std::move(rule_due), std::move(rule_met)};
}

}  // namespace gongkai::common
