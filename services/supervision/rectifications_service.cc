// SupervisionService: rectification (整改) reports, and the rectifications
// required with where each stands, for supervisors.
#include <algorithm>
#include <charconv>
#include <map>
#include <optional>
#include <string>
#include <tuple>
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
using Key = std::tuple<int, std::string, std::string, std::string>;

constexpr common::PageLimits kRectificationPage{200, 200};
// A page token holds (deadline, subject, agency, source id, problem id).
constexpr std::size_t kPositionFields = 5;

Key KeyOf(const RectificationReport& r) {
  return {static_cast<int>(r.subject()), r.agency_credit_code(), r.source_id(), r.problem_id()};
}

std::string KeyText(const Key& key) {
  return std::to_string(std::get<0>(key)) + "/" + std::get<1>(key) + "/" + std::get<2>(key) + "/" + std::get<3>(key);
}

// The row after which a page starts, from its token's fields; nullopt (and a
// violation) when they are not a position this list made.
std::optional<RectificationRow> PositionOf(common::Violations& violations, const common::PagePosition& after) {
  if (after.size() != kPositionFields) return std::nullopt;
  const auto deadline = common::ParseIsoDate(after[0]);
  int subject = 0;
  const auto [end, error] = std::from_chars(after[1].data(), after[1].data() + after[1].size(), subject);
  const bool printable = std::all_of(after.begin() + 2, after.end(), [](const std::string& key) {
    return key.size() <= kMaxSourceIdBytes &&
           std::all_of(key.begin(), key.end(), [](char c) { return c >= '!' && c <= '~'; });
  });
  if (!deadline || error != std::errc() || end != after[1].data() + after[1].size() || !printable ||
      !v1::Subject_IsValid(subject) || subject == v1::SUBJECT_UNSPECIFIED) {
    violations.push_back({"page_token", "not a token this service issued"});
    return std::nullopt;
  }
  RectificationRow row;
  row.deadline = *deadline;
  row.subject = subject;
  row.agency_credit_code = after[2];
  row.source_id = after[3];
  row.problem_id = after[4];
  return row;
}

}  // namespace

grpc::ServerUnaryReactor* SupervisionService::ReportRectifications(grpc::CallbackServerContext* context,
                                                                   const v1::ReportRectificationsRequest* request,
                                                                   v1::UpsertResponse* response) {
  return common::Serve(context, context_, {ROLE_CITY, ROLE_PROVINCE}, [=, this](const common::CallerIdentity& caller) {
    const auto& reports = request->reports();
    common::CheckBatchSize(reports.size(), settings_.max_batch, "reports");
    const common::Date today = context_.clock.Today();
    common::BatchWrite<Held<RectificationReport>> batch(kRectificationKind, "reports", response->mutable_results());
    for (int i = 0; i < reports.size(); ++i) {
      const RectificationReport& r = reports[i];
      batch.Add(i, KeyText(KeyOf(r)), r.source_version(), r, {r.agency_credit_code(), &r},
                ValidateReport(r, common::At("reports", i), today));
    }
    batch.RejectRepeatedKeys("reports");
    // Each report against the rectification it reports on (one read for
    // the batch); the responsible unit must be of the caller's city.
    std::vector<Key> keys;
    batch.CheckEach(
        [&](const Held<RectificationReport>& h, int, common::Violations&) { keys.push_back(KeyOf(*h.record)); });
    std::map<Key, RectificationRow> obligations;
    if (!keys.empty()) {
      for (auto& row : store_.Obligations(keys)) {
        Key key{row.subject, row.agency_credit_code, row.source_id, row.problem_id};
        obligations.emplace(std::move(key), std::move(row));
      }
    }
    if (caller.role == ROLE_CITY) {
      for (const auto& [key, row] : obligations) {
        if (row.unit_city != caller.city_code) {
          throw ServiceError::PermissionDenied(std::string("rectification ") + KeyText(key) + " is of unit " +
                                               row.unit + ", registered to city " + row.unit_city + ", not " +
                                               caller.city_code);
        }
      }
    }
    batch.CheckEach([&](const Held<RectificationReport>& h, int index, common::Violations& violations) {
      if (obligations.contains(KeyOf(*h.record))) return;
      const std::string path = common::At("reports", index);
      if (h.record->subject() == v1::SUPERVISION_PROBLEM) {
        violations.push_back({path + ".problem_id",
                              "no such rectification: the supervision of this agency and source id has no "
                              "problem of this id requiring one"});
      } else {
        violations.push_back(
            {path + ".source_id", "no such rectification: no review of this agency and source id requires one"});
      }
    });
    std::vector<ReportToStore> rows;
    for (const auto& h : batch.Valid()) {
      const RectificationReport& r = *h.record;
      ReportToStore row;
      row.subject = static_cast<int>(r.subject());
      row.agency_credit_code = r.agency_credit_code();
      row.source_id = r.source_id();
      row.problem_id = r.problem_id();
      row.source_version = r.source_version();
      row.report = r.SerializeAsString();
      row.done_on = *common::ParseIsoDate(r.done_on());
      rows.push_back(std::move(row));
    }
    batch.Settle(store_.UpsertReports(ScopeOf(caller), rows, batch.Rejected(), today));
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* SupervisionService::ListRectifications(grpc::CallbackServerContext* context,
                                                                 const v1::ListRectificationsRequest* request,
                                                                 v1::ListRectificationsResponse* response) {
  return common::Serve(context, context_, {ROLE_CITY, ROLE_PROVINCE}, [=, this](const common::CallerIdentity& caller) {
    common::Violations violations;
    common::CheckCityFilter(violations, "city_code", request->city_code());
    common::CheckKeyFilter(violations, "unit", request->unit());
    if (!v1::Rectification::State_IsValid(request->state())) violations.push_back({"state", "not a state"});
    const common::Page page =
        common::ReadPage(violations, request->page_size(), request->page_token(), kPositionFields, kRectificationPage);
    RectificationFilter f;
    f.after = PositionOf(violations, page.after);
    const common::Date today = context_.clock.Today();
    CheckJudgedYear(violations, request->year(), today);
    common::ThrowIfAny(violations, "bad list request");
    // A city sees its own units' rectifications, whatever it asked for.
    f.unit_city = caller.role == ROLE_CITY ? caller.city_code : request->city_code();
    f.unit = request->unit();
    f.state = static_cast<int>(request->state());
    f.year = request->year();
    f.today = today;
    f.limit = page.size + 1;
    auto rows = store_.ListRectifications(f);
    response->set_next_page_token(common::TakePage(rows, page.size, [](const RectificationRow& last) {
      return common::PagePosition{common::FormatIsoDate(last.deadline), std::to_string(last.subject),
                                  last.agency_credit_code, last.source_id, last.problem_id};
    }));
    for (const auto& row : rows) *response->add_rectifications() = RectificationOf(row, today);
    return grpc::Status::OK;
  });
}

v1::Rectification RectificationOf(const RectificationRow& row, common::Date today) {
  v1::Rectification out;
  out.set_subject(static_cast<v1::Subject>(row.subject));
  out.set_agency_credit_code(row.agency_credit_code);
  out.set_source_id(row.source_id);
  out.set_problem_id(row.problem_id);
  out.set_unit(row.unit);
  out.set_unit_city_code(row.unit_city);
  out.set_requirement(row.requirement);
  out.set_deadline(common::FormatIsoDate(row.deadline));
  out.set_state(RectificationState(row.deadline, row.reported_on, today));
  if (row.report && row.reported_on) {
    auto* report = out.mutable_report();
    common::ParseStored(*row.report, report);
    report->set_reported_on(common::FormatIsoDate(*row.reported_on));
    report->set_late(*row.reported_on > row.deadline);
  }
  return out;
}

}  // namespace gongkai::supervision
