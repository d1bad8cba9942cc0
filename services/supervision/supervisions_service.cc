// SupervisionService: special supervision (专项监督) and the problem
// statistics (分单位、分领域统计) over reviews and supervisions.
#include <algorithm>
#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "common/calendar/iso_date.h"
#include "common/call.h"
#include "common/errors.h"
#include "common/fields.h"
#include "common/paging.h"
#include "services/supervision/supervision_service.h"

namespace gongkai::supervision {
namespace {

using common::ServiceError;
using common::v1::ROLE_CITY;
using common::v1::ROLE_PROVINCE;
using common::v1::ROLE_PUBLIC;

// At most 50 summaries a page; a page also ends before 3.5 MB (FillSeqPage).
constexpr common::PageLimits kSupervisionPage{50, 50};
// How many units the statistics list: 0 asks for 100, more than 2,000 is
// clamped.
constexpr common::PageLimits kTopUnits{100, 2'000};

// Every unit a supervision names, each with the field of its first mention
// ("problems[4].unit", "named_cases[0].unit"), in UnitsOf's order.
std::vector<std::pair<std::string, std::string>> NamedUnits(const Supervision& s) {
  std::map<std::string, std::string> first;
  for (int k = 0; k < s.problems_size(); ++k) {
    first.emplace(s.problems(k).unit(), common::At("problems", k) + ".unit");
  }
  for (int k = 0; k < s.named_cases_size(); ++k) {
    first.emplace(s.named_cases(k).unit(), common::At("named_cases", k) + ".unit");
  }
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& unit : UnitsOf(s)) {
    const auto found = first.find(unit);
    out.emplace_back(found != first.end() ? found->second : std::string("problems"), unit);
  }
  return out;
}

void AddCounts(const std::vector<std::pair<std::string, int64_t>>& counts,
               google::protobuf::RepeatedPtrField<v1::Count>* out) {
  for (const auto& [key, n] : counts) {
    auto* c = out->Add();
    c->set_key(key);
    c->set_problems(n);
  }
}

}  // namespace

grpc::ServerUnaryReactor* SupervisionService::UpsertSupervisions(grpc::CallbackServerContext* context,
                                                                 const v1::UpsertSupervisionsRequest* request,
                                                                 v1::UpsertResponse* response) {
  return common::Serve(context, context_, {ROLE_CITY, ROLE_PROVINCE}, [=, this](const common::CallerIdentity& caller) {
    const auto& supervisions = request->supervisions();
    common::CheckBatchSize(supervisions.size(), settings_.max_batch, "supervisions");
    const common::Date today = context_.clock.Today();
    common::BatchWrite<Held<Supervision>> batch(RecordKindName(RecordKind::kSupervision), "supervisions",
                                                response->mutable_results());
    for (int i = 0; i < supervisions.size(); ++i) {
      const Supervision& s = supervisions[i];
      batch.Add(i, s.agency_credit_code() + "/" + s.source_id(), s.source_version(), s, {s.agency_credit_code(), &s},
                ValidateSupervision(s, common::At("supervisions", i), today));
    }
    batch.RejectRepeatedKeys("supervisions");
    const auto cities = CheckScope<Supervision>(batch, caller, "supervisions", NamedUnits);
    const auto valid = batch.Valid();
    // The units' cities (the registry client's cache answers: CheckScope
    // asked for the same units) and names, for the rows and the public form.
    std::vector<std::string> units;
    for (const auto& h : valid) {
      for (const auto& unit : UnitsOf(*h.record)) units.push_back(unit);
    }
    const auto unit_cities = units.empty() ? std::map<std::string, std::string>() : registry_.CitiesOf(units);
    const auto names = valid.empty() ? std::map<std::string, std::string>() : UnitNames();
    const auto city_of = [&](const std::string& unit) {
      const auto found = unit_cities.find(unit);
      return found != unit_cities.end() ? found->second : std::string();
    };
    std::vector<RecordToStore> rows;
    rows.reserve(valid.size());
    for (const auto& h : valid) {
      const Supervision& s = *h.record;
      RecordToStore row;
      row.kind = RecordKind::kSupervision;
      row.agency_credit_code = h.agency_credit_code;
      row.source_id = s.source_id();
      row.source_version = s.source_version();
      row.record = s.SerializeAsString();
      row.public_record = PublicSupervision(s, names).SerializeAsString();
      const auto ended_on = common::ParseIsoDate(s.ended_on());
      row.columns.year = static_cast<int>(std::chrono::year_month_day(*ended_on).year());
      row.columns.clock_start = ended_on;
      row.columns.date_to = ended_on;
      row.columns.date_from = common::ParseIsoDate(s.started_on());
      for (const auto& p : s.problems()) {
        const std::string unit_city = city_of(p.unit());
        row.problems.push_back({p.unit(), unit_city, p.domain(), 0});
        row.obligations.push_back({p.id(), p.unit(), unit_city, p.rectification_requirement(),
                                   *common::ParseIsoDate(p.rectification_deadline())});
      }
      rows.push_back(std::move(row));
    }
    batch.Settle(Store(RecordKind::kSupervision, ScopeOf(caller), rows, cities, batch.Rejected(), today));
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* SupervisionService::ListSupervisions(grpc::CallbackServerContext* context,
                                                               const v1::ListSupervisionsRequest* request,
                                                               v1::ListSupervisionsResponse* response) {
  return common::Serve(context, context_, {ROLE_PUBLIC}, [=, this](const common::CallerIdentity&) {
    common::Violations violations;
    common::CheckCityFilter(violations, "city_code", request->city_code());
    common::CheckKeyFilter(violations, "agency_credit_code", request->agency_credit_code());
    CheckYearFilter(violations, request->year(), false);
    common::CheckDomainFilter(violations, "domain", request->domain());
    common::CheckKeyFilter(violations, "unit", request->unit());
    const common::Page page =
        common::ReadPage(violations, request->page_size(), request->page_token(), 1, kSupervisionPage);
    ListFilter f;
    f.date_from = common::CheckDateFilter(violations, "date_from", request->date_from());
    f.date_to = common::CheckDateFilter(violations, "date_to", request->date_to());
    f.before_seq = common::SeqPageStart(violations, page);
    common::ThrowIfAny(violations, "bad list request");
    f.kind = RecordKind::kSupervision;
    f.city_code = request->city_code();
    f.agency_credit_code = request->agency_credit_code();
    f.year = request->year();
    f.domain = request->domain();
    f.unit = request->unit();
    f.limit = page.size + 1;
    auto rows = store_.List(f);
    response->set_next_page_token(
        FillSeqPage(rows, page.size, response->mutable_supervisions(),
                    [&](const StoredRecord& row, v1::Supervision* out) { ToPublicSupervision(row, false, out); }));
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* SupervisionService::GetSupervision(grpc::CallbackServerContext* context,
                                                             const v1::GetRecordRequest* request,
                                                             v1::Supervision* response) {
  return common::Serve(context, context_, {ROLE_PUBLIC}, [=, this](const common::CallerIdentity&) {
    ToPublicSupervision(GetStored(RecordKind::kSupervision, *request), true, response);
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* SupervisionService::GetProblemStatistics(grpc::CallbackServerContext* context,
                                                                   const v1::GetProblemStatisticsRequest* request,
                                                                   v1::ProblemStatistics* response) {
  return common::Serve(context, context_, {ROLE_CITY, ROLE_PROVINCE}, [=, this](const common::CallerIdentity& caller) {
    common::Violations violations;
    CheckYearFilter(violations, request->year(), true);
    common::CheckCityFilter(violations, "city_code", request->city_code());
    if (!v1::GetProblemStatisticsRequest::Source_IsValid(request->source())) {
      violations.push_back({"source", "not a source"});
    }
    const int top_units = common::ReadPageSize(violations, "top_units", request->top_units(), kTopUnits);
    common::ThrowIfAny(violations, "bad statistics request");
    // A city sees its own units' problems, whatever it asked for.
    const std::string city = caller.role == ROLE_CITY ? caller.city_code : request->city_code();
    int kind = 0;
    if (request->source() == v1::GetProblemStatisticsRequest::REVIEWS) {
      kind = static_cast<int>(RecordKind::kReview);
    } else if (request->source() == v1::GetProblemStatisticsRequest::SUPERVISIONS) {
      kind = static_cast<int>(RecordKind::kSupervision);
    }
    const ProblemCounts counts = store_.CountProblems(request->year(), city, kind);
    response->set_year(request->year());
    response->set_total(counts.total);
    const std::size_t listed = std::min(counts.by_unit.size(), static_cast<std::size_t>(top_units));
    if (listed > 0) {
      const auto names = UnitNames();
      for (std::size_t i = 0; i < listed; ++i) {
        auto* c = response->add_by_unit();
        c->set_key(counts.by_unit[i].first);
        const auto name = names.find(counts.by_unit[i].first);
        if (name != names.end()) c->set_name(name->second);
        c->set_problems(counts.by_unit[i].second);
      }
    }
    response->set_unlisted_units(static_cast<int32_t>(counts.by_unit.size() - listed));
    AddCounts(counts.by_domain, response->mutable_by_domain());
    for (const auto& [type, n] : counts.by_type) {
      auto* c = response->add_by_type();
      c->set_key(v1::ProblemType_IsValid(type) ? v1::ProblemType_Name(static_cast<v1::ProblemType>(type))
                                               : std::to_string(type));
      c->set_problems(n);
    }
    AddCounts(counts.by_city, response->mutable_by_city());
    return grpc::Status::OK;
  });
}

}  // namespace gongkai::supervision
