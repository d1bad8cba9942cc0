// InspectionsService: the live-inspection pilot (检查过程直播): pilot units
// and their broadcasts.
#include <chrono>

#include "common/calendar/iso_date.h"
#include "common/call.h"
#include "common/errors.h"
#include "common/fields.h"
#include "services/inspections/inspection_timeliness.h"
#include "services/inspections/inspections_service.h"
#include "services/inspections/public_forms.h"

namespace gongkai::inspections {
namespace {

using common::v1::ROLE_CITY;
using common::v1::ROLE_PUBLIC;
using Key = std::pair<std::string, std::string>;

constexpr common::PageLimits kPilotPage{50, 50};

}  // namespace

grpc::ServerUnaryReactor* InspectionsService::UpsertPilotUnits(grpc::CallbackServerContext* context,
                                                               const v1::UpsertPilotUnitsRequest* request,
                                                               v1::UpsertResponse* response) {
  return common::Serve(context, context_, {ROLE_CITY}, [=, this](const common::CallerIdentity& caller) {
    const auto& units = request->units();
    common::CheckBatchSize(units.size(), max_batch_, "units");
    common::BatchWrite<Held<PilotUnit>> batch(RecordKindName(RecordKind::kPilotUnit), "units",
                                              response->mutable_results());
    for (int i = 0; i < units.size(); ++i) {
      const PilotUnit& u = units[i];
      batch.Add(i, u.agency_credit_code() + "/" + u.source_id(), u.source_version(), u,
                {u.agency_credit_code(), &u, nullptr}, ValidatePilotUnit(u, common::At("units", i)));
    }
    batch.RejectRepeatedKeys("units");
    batch.CheckAgencies(caller.city_code, "units", [&](const auto& codes) { return registry_.CitiesOf(codes); });
    std::vector<RecordToStore> rows;
    for (const auto& h : batch.Valid()) {
      RecordToStore row{RecordKind::kPilotUnit,
                        h.agency_credit_code,
                        h.record->source_id(),
                        h.record->source_version(),
                        h.record->SerializeAsString(),
                        h.record->SerializeAsString(),
                        {}};
      row.columns.year = h.record->year();
      row.columns.sector = h.record->sector();
      rows.push_back(std::move(row));
    }
    batch.Settle(Store(RecordKind::kPilotUnit, caller.city_code, rows, batch.Rejected(), context_.clock.Today()));
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* InspectionsService::UpsertBroadcasts(grpc::CallbackServerContext* context,
                                                               const v1::UpsertBroadcastsRequest* request,
                                                               v1::UpsertResponse* response) {
  return common::Serve(context, context_, {ROLE_CITY}, [=, this](const common::CallerIdentity& caller) {
    const auto& broadcasts = request->broadcasts();
    common::CheckBatchSize(broadcasts.size(), max_batch_, "broadcasts");
    common::BatchWrite<Held<Broadcast>> batch(RecordKindName(RecordKind::kBroadcast), "broadcasts",
                                              response->mutable_results());
    for (int i = 0; i < broadcasts.size(); ++i) {
      const Broadcast& b = broadcasts[i];
      batch.Add(i, b.agency_credit_code() + "/" + b.source_id(), b.source_version(), b,
                {b.agency_credit_code(), &b, nullptr}, ValidateBroadcast(b, common::At("broadcasts", i)));
    }
    batch.RejectRepeatedKeys("broadcasts");
    batch.CheckAgencies(caller.city_code, "broadcasts", [&](const auto& codes) { return registry_.CitiesOf(codes); });
    std::vector<Key> unit_keys;
    batch.CheckEach([&](const Held<Broadcast>& h, int, common::Violations&) {
      unit_keys.emplace_back(h.agency_credit_code, h.record->pilot_unit_source_id());
    });
    std::map<Key, int> sectors;
    for (const auto& row : store_.GetMany(RecordKind::kPilotUnit, unit_keys)) {
      sectors[{row.agency_credit_code, row.source_id}] = row.columns.sector;
    }
    batch.CheckEach([&](const Held<Broadcast>& h, int index, common::Violations& violations) {
      if (!sectors.contains({h.agency_credit_code, h.record->pilot_unit_source_id()})) {
        violations.push_back({common::At("broadcasts", index) + ".pilot_unit_source_id",
                              "no such pilot unit of this agency: send the unit first"});
      }
    });
    std::vector<RecordToStore> rows;
    for (const auto& h : batch.Valid()) {
      const Broadcast& b = *h.record;
      Broadcast published = PublicBroadcast(b);
      published.set_sector(static_cast<v1::Sector>(sectors.at({h.agency_credit_code, b.pilot_unit_source_id()})));
      RecordToStore row{RecordKind::kBroadcast,
                        h.agency_credit_code,
                        b.source_id(),
                        b.source_version(),
                        b.SerializeAsString(),
                        published.SerializeAsString(),
                        {}};
      row.columns.pilot_unit_source_id = b.pilot_unit_source_id();
      row.columns.planned_start = b.planned_start();
      row.columns.started_at = b.started_at();
      row.columns.ended_at = b.ended_at();
      row.columns.has_replay = !b.replay_url().empty();
      rows.push_back(std::move(row));
    }
    batch.Settle(Store(RecordKind::kBroadcast, caller.city_code, rows, batch.Rejected(), context_.clock.Today()));
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* InspectionsService::ListPilotUnits(grpc::CallbackServerContext* context,
                                                             const v1::ListPilotUnitsRequest* request,
                                                             v1::ListPilotUnitsResponse* response) {
  return common::Serve(context, context_, {ROLE_PUBLIC}, [=, this](const common::CallerIdentity&) {
    common::Violations violations;
    ListFilter f;
    common::CheckCityFilter(violations, "city_code", request->city_code());
    if (request->year() != 0 && (request->year() < 2000 || request->year() > 2100)) {
      violations.push_back({"year", "must be 2000 to 2100, or 0 for this year"});
    }
    const common::Page page = common::ReadPage(violations, request->page_size(), request->page_token(), 1, kPilotPage);
    f.before_seq = common::SeqPageStart(violations, page);
    common::ThrowIfAny(violations, "bad list request");
    const int year = request->year() != 0
                         ? request->year()
                         : static_cast<int>(std::chrono::year_month_day(context_.clock.Today()).year());
    f.kind = RecordKind::kPilotUnit;
    f.city_code = request->city_code();
    f.year = year;
    f.limit = page.size + 1;
    auto rows = store_.List(f);
    response->set_next_page_token(common::TakeSeqPage(rows, page.size));
    for (const auto& row : rows) {
      auto* unit = response->add_units();
      common::ParseStored(row.public_record, unit);
      unit->set_city_code(row.city_code);
    }
    // Counted as the gauges count them.
    const auto pilot = TallyPilot(store_.PilotCounts(year));
    const auto scope = pilot.find(request->city_code().empty() ? std::string("province") : request->city_code());
    if (scope != pilot.end()) {
      response->set_unit_count(static_cast<int32_t>(scope->second.units));
      response->set_sector_count(static_cast<int32_t>(scope->second.sectors));
    }
    // The targets the gauges export, whatever was asked.
    v1::PilotTargets* targets = response->mutable_targets();
    targets->set_units(pilot_targets_.units);
    targets->set_sectors(pilot_targets_.sectors);
    targets->set_date(common::FormatIsoDate(pilot_targets_.date));
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* InspectionsService::ListBroadcasts(grpc::CallbackServerContext* context,
                                                             const v1::ListBroadcastsRequest* request,
                                                             v1::ListBroadcastsResponse* response) {
  return common::Serve(context, context_, {ROLE_PUBLIC}, [=, this](const common::CallerIdentity&) {
    common::Violations violations;
    ListFilter f;
    common::CheckCityFilter(violations, "city_code", request->city_code());
    common::CheckKeyFilter(violations, "agency_credit_code", request->agency_credit_code());
    if (!v1::ListBroadcastsRequest::State_IsValid(request->state())) violations.push_back({"state", "not a state"});
    const common::Page page = common::ReadPage(violations, request->page_size(), request->page_token(), 1, kPilotPage);
    f.before_seq = common::SeqPageStart(violations, page);
    common::ThrowIfAny(violations, "bad list request");
    f.kind = RecordKind::kBroadcast;
    f.city_code = request->city_code();
    f.agency_credit_code = request->agency_credit_code();
    f.broadcast_state = request->state();
    f.limit = page.size + 1;
    auto rows = store_.List(f);
    response->set_next_page_token(common::TakeSeqPage(rows, page.size));
    for (const auto& row : rows) {
      auto* b = response->add_broadcasts();
      common::ParseStored(row.public_record, b);
      b->set_city_code(row.city_code);
    }
    return grpc::Status::OK;
  });
}

}  // namespace gongkai::inspections
