// SupervisionService: case-file review rounds (评查轮次) and their reviews
// (案卷评查结果).
#include <algorithm>
#include <set>
#include <tuple>

#include "common/calendar/iso_date.h"
#include "common/call.h"
#include "common/errors.h"
#include "common/fields.h"
#include "common/paging.h"
#include "common/personal_data.h"
#include "common/proto_strings.h"
#include "services/supervision/review_coverage.h"
#include "services/supervision/supervision_service.h"

namespace gongkai::supervision {
namespace {

using common::ServiceError;
using common::v1::ROLE_CITY;
using common::v1::ROLE_PROVINCE;
using common::v1::ROLE_PUBLIC;
using Key = std::pair<std::string, std::string>;

// At most 20 rounds or 50 reviews a page; a page also ends before 3.5 MB
// (FillSeqPage).
constexpr common::PageLimits kRoundPage{20, 20};
constexpr common::PageLimits kReviewPage{50, 50};

// Every unit a round names, with its field.
std::vector<std::pair<std::string, std::string>> RoundUnits(const Round& r) {
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(static_cast<std::size_t>(r.reviewing_units_size() + r.reviewed_units_size()));
  for (int j = 0; j < r.reviewing_units_size(); ++j) {
    out.emplace_back(common::At("reviewing_units", j), r.reviewing_units(j));
  }
  for (int j = 0; j < r.reviewed_units_size(); ++j) {
    out.emplace_back(common::At("reviewed_units", j), r.reviewed_units(j));
  }
  return out;
}

// The units a review names: the unit reviewed and the unit that reviewed it.
std::vector<std::pair<std::string, std::string>> ReviewUnits(const Review& r) {
  return {{"reviewed_unit", r.reviewed_unit()}, {"reviewed_by", r.reviewed_by()}};
}

void CheckQuarter(common::Violations& violations, int quarter) {
  if (quarter < 0 || quarter > 4) violations.push_back({"quarter", "must be 1 to 4, or 0 for every quarter"});
}

}  // namespace

// ---------------------------------------------------------------- rounds

grpc::ServerUnaryReactor* SupervisionService::UpsertRounds(grpc::CallbackServerContext* context,
                                                           const v1::UpsertRoundsRequest* request,
                                                           v1::UpsertResponse* response) {
  return common::Serve(context, context_, {ROLE_CITY, ROLE_PROVINCE}, [=, this](const common::CallerIdentity& caller) {
    const auto& rounds = request->rounds();
    common::CheckBatchSize(rounds.size(), settings_.max_batch, "rounds");
    const common::Date today = context_.clock.Today();
    // The stored versions: a round with reviews keeps its end.
    std::vector<Key> keys;
    for (const auto& r : rounds) keys.emplace_back(r.agency_credit_code(), r.source_id());
    std::map<Key, StoredRecord> stored;
    for (auto& row : store_.GetMany(RecordKind::kRound, keys)) {
      stored.emplace(Key{row.agency_credit_code, row.source_id}, std::move(row));
    }
    common::BatchWrite<Held<Round>> batch(RecordKindName(RecordKind::kRound), "rounds", response->mutable_results());
    for (int i = 0; i < rounds.size(); ++i) {
      const Round& r = rounds[i];
      const std::string path = common::At("rounds", i);
      auto violations = ValidateRound(r, path);
      const auto before = stored.find({r.agency_credit_code(), r.source_id()});
      // Only a version that would replace the stored one changes it.
      if (before != stored.end() && r.source_version() > before->second.source_version) {
        Round old;
        common::ParseStored(before->second.record, &old);
        auto changed = CheckRoundChange(old, before->second.reviews_stored, r, path);
        violations.insert(violations.end(), changed.begin(), changed.end());
      }
      batch.Add(i, r.agency_credit_code() + "/" + r.source_id(), r.source_version(), r, {r.agency_credit_code(), &r},
                std::move(violations));
    }
    batch.RejectRepeatedKeys("rounds");
    const auto cities = CheckScope<Round>(batch, caller, "rounds", RoundUnits);
    std::vector<RecordToStore> rows;
    for (const auto& h : batch.Valid()) {
      const Round& r = *h.record;
      RecordToStore row;
      row.kind = RecordKind::kRound;
      row.agency_credit_code = h.agency_credit_code;
      row.source_id = r.source_id();
      row.source_version = r.source_version();
      row.record = r.SerializeAsString();
      row.public_record = row.record;  // a round holds nothing to mask
      row.columns.year = r.year();
      row.columns.quarter = r.quarter();
      row.columns.date_from = common::ParseIsoDate(r.started_on());
      row.columns.date_to = common::ParseIsoDate(r.ended_on());
      row.columns.expected = r.reviewed_units_size();
      rows.push_back(std::move(row));
    }
    batch.Settle(Store(RecordKind::kRound, ScopeOf(caller), rows, cities, batch.Rejected(), today));
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* SupervisionService::ListRounds(grpc::CallbackServerContext* context,
                                                         const v1::ListRoundsRequest* request,
                                                         v1::ListRoundsResponse* response) {
  return common::Serve(context, context_, {ROLE_PUBLIC}, [=, this](const common::CallerIdentity&) {
    common::Violations violations;
    CheckYearFilter(violations, request->year(), false);
    CheckQuarter(violations, request->quarter());
    common::CheckCityFilter(violations, "city_code", request->city_code());
    common::CheckKeyFilter(violations, "agency_credit_code", request->agency_credit_code());
    const common::Page page = common::ReadPage(violations, request->page_size(), request->page_token(), 1, kRoundPage);
    ListFilter f;
    f.before_seq = common::SeqPageStart(violations, page);
    common::ThrowIfAny(violations, "bad list request");
    f.kind = RecordKind::kRound;
    f.year = request->year();
    f.quarter = request->quarter();
    f.city_code = request->city_code();
    f.agency_credit_code = request->agency_credit_code();
    f.limit = page.size + 1;
    auto rows = store_.List(f);
    response->set_next_page_token(
        FillSeqPage(rows, page.size, response->mutable_rounds(),
                    [&](const StoredRecord& row, v1::Round* out) { ToPublicRound(row, out); }));
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* SupervisionService::GetRound(grpc::CallbackServerContext* context,
                                                       const v1::GetRecordRequest* request, v1::Round* response) {
  return common::Serve(context, context_, {ROLE_PUBLIC}, [=, this](const common::CallerIdentity&) {
    ToPublicRound(GetStored(RecordKind::kRound, *request), response);
    return grpc::Status::OK;
  });
}

// ---------------------------------------------------------------- reviews

grpc::ServerUnaryReactor* SupervisionService::UpsertReviews(grpc::CallbackServerContext* context,
                                                            const v1::UpsertReviewsRequest* request,
                                                            v1::UpsertResponse* response) {
  return common::Serve(context, context_, {ROLE_CITY, ROLE_PROVINCE}, [=, this](const common::CallerIdentity& caller) {
    const auto& reviews = request->reviews();
    common::CheckBatchSize(reviews.size(), settings_.max_batch, "reviews");
    const common::Date today = context_.clock.Today();
    common::BatchWrite<Held<Review>> batch(RecordKindName(RecordKind::kReview), "reviews", response->mutable_results());
    for (int i = 0; i < reviews.size(); ++i) {
      const Review& r = reviews[i];
      batch.Add(i, r.agency_credit_code() + "/" + r.source_id(), r.source_version(), r, {r.agency_credit_code(), &r},
                ValidateReview(r, common::At("reviews", i)));
    }
    batch.RejectRepeatedKeys("reviews");
    const auto cities = CheckScope<Review>(batch, caller, "reviews", ReviewUnits);
    // Each review against its stored round (one read for the batch).
    std::vector<Key> round_keys;
    batch.CheckEach([&](const Held<Review>& h, int, common::Violations&) {
      round_keys.emplace_back(h.agency_credit_code, h.record->round_source_id());
    });
    std::sort(round_keys.begin(), round_keys.end());
    round_keys.erase(std::unique(round_keys.begin(), round_keys.end()), round_keys.end());
    std::map<Key, Round> stored_rounds;
    if (!round_keys.empty()) {
      for (const auto& row : store_.GetMany(RecordKind::kRound, round_keys)) {
        common::ParseStored(row.record, &stored_rounds[{row.agency_credit_code, row.source_id}]);
      }
    }
    batch.CheckEach([&](const Held<Review>& h, int index, common::Violations& violations) {
      const std::string path = common::At("reviews", index);
      const auto round = stored_rounds.find({h.agency_credit_code, h.record->round_source_id()});
      if (round == stored_rounds.end()) {
        violations.push_back({path + ".round_source_id", "no such round of this organiser: send the round first"});
        return;
      }
      auto found = CheckReviewAgainstRound(*h.record, round->second, path, today);
      violations.insert(violations.end(), found.begin(), found.end());
    });
    // One review per reviewed unit of a round: a unit already reviewed under
    // another source id, or twice in this batch, is refused.
    using UnitKey = std::tuple<std::string, std::string, std::string>;
    std::vector<UnitKey> unit_keys;
    batch.CheckEach([&](const Held<Review>& h, int, common::Violations&) {
      unit_keys.emplace_back(h.agency_credit_code, h.record->round_source_id(), h.record->reviewed_unit());
    });
    const auto reviewed = store_.ReviewsOfUnits(unit_keys);
    std::map<UnitKey, std::string> in_batch;
    batch.CheckEach([&](const Held<Review>& h, int index, common::Violations& violations) {
      const UnitKey key{h.agency_credit_code, h.record->round_source_id(), h.record->reviewed_unit()};
      const auto stored = reviewed.find(key);
      std::string other = stored != reviewed.end() && stored->second != h.record->source_id() ? stored->second : "";
      if (other.empty()) {
        const auto [earlier, fresh] = in_batch.emplace(key, h.record->source_id());
        if (!fresh) other = earlier->second;
      }
      if (!other.empty()) {
        violations.push_back({common::At("reviews", index) + ".reviewed_unit",
                              "already reviewed in this round (review " + other + "): one review per unit of a round"});
      }
    });
    const auto valid = batch.Valid();
    std::vector<std::string> units;
    for (const auto& h : valid) units.push_back(h.record->reviewed_unit());
    // The registry client answers these from the lookups CheckScope made.
    const auto unit_cities = units.empty() ? std::map<std::string, std::string>() : registry_.CitiesOf(units);
    std::vector<RecordToStore> rows;
    rows.reserve(valid.size());
    for (const auto& h : valid) {
      const Review& r = *h.record;
      const Round& round = stored_rounds.at({h.agency_credit_code, r.round_source_id()});
      const auto city = unit_cities.find(r.reviewed_unit());
      const std::string unit_city = city != unit_cities.end() ? city->second : std::string();
      RecordToStore row;
      row.kind = RecordKind::kReview;
      row.agency_credit_code = h.agency_credit_code;
      row.source_id = r.source_id();
      row.source_version = r.source_version();
      row.record = r.SerializeAsString();
      row.public_record = PublicReview(r).SerializeAsString();
      row.columns.year = round.year();
      row.columns.quarter = round.quarter();
      row.columns.clock_start = common::ParseIsoDate(round.ended_on());
      row.columns.parent_source_id = r.round_source_id();
      row.columns.unit = r.reviewed_unit();
      row.columns.unit_city = unit_city;
      for (const auto& p : r.problems()) row.problems.push_back({r.reviewed_unit(), unit_city, "", p.type()});
      if (!r.rectification_deadline().empty()) {
        row.obligations.push_back({"", r.reviewed_unit(), unit_city, r.rectification_requirement(),
                                   *common::ParseIsoDate(r.rectification_deadline())});
      }
      rows.push_back(std::move(row));
    }
    batch.Settle(Store(RecordKind::kReview, ScopeOf(caller), rows, cities, batch.Rejected(), today));
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* SupervisionService::ListReviews(grpc::CallbackServerContext* context,
                                                          const v1::ListReviewsRequest* request,
                                                          v1::ListReviewsResponse* response) {
  return common::Serve(context, context_, {ROLE_PUBLIC}, [=, this](const common::CallerIdentity&) {
    common::Violations violations;
    CheckYearFilter(violations, request->year(), false);
    CheckQuarter(violations, request->quarter());
    common::CheckCityFilter(violations, "city_code", request->city_code());
    common::CheckKeyFilter(violations, "reviewed_unit", request->reviewed_unit());
    common::CheckKeyFilter(violations, "agency_credit_code", request->agency_credit_code());
    common::CheckKeyFilter(violations, "round_source_id", request->round_source_id());
    if (request->agency_credit_code().empty() != request->round_source_id().empty()) {
      violations.push_back({request->round_source_id().empty() ? "round_source_id" : "agency_credit_code",
                            "a round is named by its organiser and source id together"});
    }
    const common::Page page = common::ReadPage(violations, request->page_size(), request->page_token(), 1, kReviewPage);
    ListFilter f;
    f.date_from = common::CheckDateFilter(violations, "date_from", request->date_from());
    f.date_to = common::CheckDateFilter(violations, "date_to", request->date_to());
    f.before_seq = common::SeqPageStart(violations, page);
    common::ThrowIfAny(violations, "bad list request");
    f.kind = RecordKind::kReview;
    f.year = request->year();
    f.quarter = request->quarter();
    f.city_code = request->city_code();
    f.unit = request->reviewed_unit();
    f.agency_credit_code = request->agency_credit_code();
    f.parent_source_id = request->round_source_id();
    f.limit = page.size + 1;
    auto rows = store_.List(f);
    response->set_next_page_token(
        FillSeqPage(rows, page.size, response->mutable_reviews(),
                    [&](const StoredRecord& row, v1::Review* out) { ToPublicReview(row, out); }));
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* SupervisionService::GetReview(grpc::CallbackServerContext* context,
                                                        const v1::GetRecordRequest* request, v1::Review* response) {
  return common::Serve(context, context_, {ROLE_PUBLIC}, [=, this](const common::CallerIdentity& caller) {
    const StoredRecord row = GetStored(RecordKind::kReview, *request);
    // The province, and the city of the organiser or of the unit reviewed,
    // see the review as sent; everyone else its public form.
    const bool as_sent =
        caller.role == ROLE_PROVINCE ||
        (caller.role == ROLE_CITY && (caller.city_code == row.city_code || caller.city_code == row.columns.unit_city));
    v1::Review platform;
    ToPublicReview(row, &platform);
    if (as_sent) {
      common::ParseStored(row.record, response);
      response->set_city_code(platform.city_code());
      response->set_unit_city_code(platform.unit_city_code());
      response->set_year(platform.year());
      response->set_quarter(platform.quarter());
      response->set_published_on(platform.published_on());
      *response->mutable_timeliness() = platform.timeliness();
      response->set_change_seq(platform.change_seq());
    } else {
      *response = platform;
    }
    response->clear_rectification();
    const auto obligations =
        store_.Obligations({{static_cast<int>(v1::REVIEW), row.agency_credit_code, row.source_id, ""}});
    if (!obligations.empty()) {
      // The public reads the requirement as the review publishes it and the
      // report's description masked as the review's texts are.
      v1::Rectification rectification = RectificationOf(obligations.front(), context_.clock.Today());
      if (!as_sent) {
        rectification.set_requirement(platform.rectification_requirement());
        if (rectification.has_report()) {
          auto* report = rectification.mutable_report();
          Review as_sent;
          common::ParseStored(row.record, &as_sent);
          report->set_description(common::MaskPersonalData(report->description(), PersonalDataOf(as_sent)));
        }
      }
      *response->mutable_rectification() = std::move(rectification);
    }
    return grpc::Status::OK;
  });
}

}  // namespace gongkai::supervision
