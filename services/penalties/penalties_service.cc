#include "services/penalties/penalties_service.h"

#include <map>

#include "common/batch.h"
#include "common/calendar/iso_date.h"
#include "common/call.h"
#include "common/clock.h"
#include "common/domains.h"
#include "common/errors.h"
#include "common/identifiers.h"
#include "common/list_filters.h"
#include "common/paging.h"
#include "services/penalties/penalties_mapping.h"
#include "services/penalties/penalty.h"

namespace gongkai::penalties {
namespace {

using common::RecordKind;
using common::ServiceError;
using common::v1::ROLE_CITY;
using common::v1::ROLE_PROVINCE;
using common::v1::ROLE_PUBLIC;

std::string Today() { return common::FormatIsoDate(common::TodayInShanghai()); }

std::string At(const char* field, int index) { return std::string(field) + "[" + std::to_string(index) + "]"; }

RecordKind DeadlineKind(PenaltyKind kind) {
  return kind == PenaltyKind::kDecision ? RecordKind::kPenaltyDecision : RecordKind::kCoerciveMeasure;
}

std::string KindLabel(PenaltyKind kind) { return std::string(common::RecordKindName(DeadlineKind(kind))); }

void ParseStored(const std::string& bytes, google::protobuf::Message* out) {
  if (bytes.empty()) return;
  if (!out->ParseFromString(bytes)) throw std::runtime_error("stored record does not parse as " + out->GetTypeName());
}

// The agencies of a batch, checked against the registry: unknown ones are
// rejected per record; one of another city refuses the whole batch.
template <typename Record>
void CheckAgencies(common::BatchWrite<Record>& batch, registry::AgencyDirectory& agencies, const common::CallerIdentity& caller,
                   const char* field, std::map<std::string, std::optional<registry::AgencyInfo>>& known) {
  for (const auto& r : batch.Valid()) {
    if (known.contains(r.agency_credit_code)) continue;
    auto info = agencies.Agency(r.agency_credit_code);
    if (info && info->city_code != caller.city_code) {
      throw ServiceError::PermissionDenied("agency " + r.agency_credit_code + " is registered to city " +
                                           info->city_code + ", not " + caller.city_code);
    }
    known[r.agency_credit_code] = info;
  }
  batch.CheckEach([&](const Record& r, int index, common::Violations& violations) {
    if (!known.at(r.agency_credit_code)) {
      violations.push_back({At(field, index) + ".agency_credit_code", "no such agency in the registry"});
    }
  });
}

// Free text as published: numbers that identify people scrubbed, and a
// natural-person party's name replaced by its masked form wherever it occurs.
std::string PublicText(const std::string& text, const Party& party, const Party& masked) {
  std::string out = ScrubFreeText(text);
  if (party.kind != Party::Kind::kNaturalPerson || party.name.empty()) return out;
  for (std::size_t at = out.find(party.name); at != std::string::npos; at = out.find(party.name, at)) {
    out.replace(at, party.name.size(), masked.name);
    at += masked.name.size();
  }
  return out;
}

// The public form of a decision (脱敏): masked party, cleaned free text.
PenaltyDecision PublicDecision(const PenaltyDecision& d) {
  PenaltyDecision p = d;
  p.party = MaskParty(d.party);
  p.facts = PublicText(d.facts, d.party, p.party);
  p.result.other = PublicText(d.result.other, d.party, p.party);
  p.legal_application_explanation = PublicText(d.legal_application_explanation, d.party, p.party);
  return p;
}

CoerciveMeasure PublicMeasure(const CoerciveMeasure& m) {
  CoerciveMeasure p = m;
  p.party = MaskParty(m.party);
  p.object_name = PublicText(m.object_name, m.party, p.party);
  p.release_conditions = PublicText(m.release_conditions, m.party, p.party);
  p.necessity_statement = PublicText(m.necessity_statement, m.party, p.party);
  return p;
}

PenaltyKind KindOf(v1::GetRecordRequest::Kind kind) {
  return kind == v1::GetRecordRequest::MEASURE ? PenaltyKind::kMeasure : PenaltyKind::kDecision;
}

}  // namespace

PenaltiesService::PenaltiesService(PenaltyStore& store, registry::AgencyDirectory& agencies,
                                   const common::IdentitySigner& signer, const common::Deadlines& deadlines,
                                   common::DisclosureMetrics& metrics, PenaltiesOptions options)
    : store_(store),
      agencies_(agencies),
      signer_(signer),
      deadlines_(deadlines),
      metrics_(metrics),
      options_(options) {}

void PenaltiesService::WriteDecisions(const common::CallerIdentity& caller,
                                      const google::protobuf::RepeatedPtrField<v1::PenaltyDecision>& decisions,
                                      int first_index,
                                      google::protobuf::RepeatedPtrField<common::v1::RecordResult>* results) {
  common::CheckBatchSize(decisions.size(), options_.max_batch, "decisions");
  const std::string today = Today();
  common::BatchWrite<PenaltyDecision> batch("decision", results);
  for (int i = 0; i < decisions.size(); ++i) {
    const auto& proto = decisions[i];
    const int index = first_index + i;
    PenaltyDecision d = DecisionFromProto(proto);
    auto violations = ValidateDecision(d, At("decisions", index), today);
    if (!d.domain.empty() && !common::IsKnownDomain(d.domain)) {
      violations.push_back({At("decisions", index) + ".domain", "unknown enforcement domain '" + d.domain + "'"});
    }
    batch.Add(index, proto.agency_credit_code() + "/" + proto.source_id(), proto.source_version(), proto,
              std::move(d), std::move(violations));
  }
  batch.RejectRepeatedKeys("decisions");
  std::map<std::string, std::optional<registry::AgencyInfo>> known;
  CheckAgencies(batch, agencies_, caller, "decisions", known);
  // A major penalty's explanation names a tier; when the city has a benchmark
  // for the violation, the tier must be in it and the fine within its range.
  batch.CheckEach([&](const PenaltyDecision& d, int index, common::Violations& violations) {
    if (!IsMajor(d.result) || d.benchmark_violation_code.empty()) return;
    auto tiers = agencies_.Benchmark(caller.city_code, d.domain, d.benchmark_violation_code);
    if (!tiers) return;
    const std::string at = At("decisions", index);
    auto tier = std::find_if(tiers->begin(), tiers->end(), [&](const registry::TierRange& t) { return t.level == d.benchmark_tier; });
    if (tier == tiers->end()) {
      violations.push_back({at + ".benchmark_tier", "the city's benchmark " + d.benchmark_violation_code +
                                                        " has no tier " + std::to_string(d.benchmark_tier)});
    } else if (d.result.fine_fen < tier->penalty_min_fen || d.result.fine_fen > tier->penalty_max_fen) {
      violations.push_back({at + ".result.fine_fen", "outside the range of the benchmark tier named (" +
                                                         std::to_string(tier->penalty_min_fen) + " to " +
                                                         std::to_string(tier->penalty_max_fen) + " fen)"});
    }
  });

  std::vector<RecordToStore> rows;
  for (const auto& d : batch.Valid()) {
    RecordToStore row{PenaltyKind::kDecision, d.agency_credit_code, d.source_id, d.domain, d.source_version,
                      "", "", "", d.decision_date, ""};
    v1::PenaltyDecision full;
    DecisionToProto(d, &full);
    row.record = full.SerializeAsString();
    Retention retention = RetentionOf(d);
    if (retention.publishable) {
      PenaltyDecision shown = PublicDecision(d);
      v1::PenaltyDecision proto;
      DecisionToProto(shown, &proto);
      row.public_record = proto.SerializeAsString();
      row.public_party_name = shown.party.name;
      row.public_until = retention.public_until;
    }
    rows.push_back(std::move(row));
  }
  batch.Settle(Store(caller.city_code, rows, batch.Rejected(), today));
}

std::vector<common::UpsertOutcome> PenaltiesService::Store(const std::string& city,
                                                           const std::vector<RecordToStore>& rows,
                                                           const std::vector<common::Rejection>& rejected,
                                                           const std::string& today) {
  const std::vector<WriteResult> written = store_.UpsertBatch(city, rows, rejected, today);
  const auto published_on = common::TodayInShanghai();
  std::vector<common::UpsertOutcome> outcomes;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    outcomes.push_back(written[i].outcome);
    if (!written[i].first_publication) continue;
    auto t = deadlines_.Assess(DeadlineKind(rows[i].kind), rows[i].clock_start, common::FormatIsoDate(published_on),
                               published_on);
    metrics_.Disclosed(KindLabel(rows[i].kind), city, t);
  }
  common::ReleaseFreedMemory();
  return outcomes;
}

grpc::Status PenaltiesService::UpsertDecisions(grpc::ServerContext* context, const v1::UpsertDecisionsRequest* request,
                                               v1::UpsertResponse* response) {
  return common::Call(*context, signer_, {ROLE_CITY}, [&](const common::CallerIdentity& caller) {
    WriteDecisions(caller, request->decisions(), 0, response->mutable_results());
    return grpc::Status::OK;
  });
}

grpc::Status PenaltiesService::SyncDecisions(grpc::ServerContext* context,
                                             grpc::ServerReader<v1::UpsertDecisionsRequest>* reader,
                                             v1::SyncSummary* response) {
  return common::Call(*context, signer_, {ROLE_CITY}, [&](const common::CallerIdentity& caller) {
    v1::UpsertDecisionsRequest batch;
    int64_t offset = 0;
    while (reader->Read(&batch)) {
      google::protobuf::RepeatedPtrField<common::v1::RecordResult> results;
      WriteDecisions(caller, batch.decisions(), static_cast<int>(offset), &results);
      for (auto& r : results) {
        switch (r.outcome()) {
          case common::v1::RecordResult::ACCEPTED: response->set_accepted(response->accepted() + 1); break;
          case common::v1::RecordResult::UNCHANGED: response->set_unchanged(response->unchanged() + 1); break;
          default:
            response->set_rejected(response->rejected() + 1);
            *response->add_results() = std::move(r);
        }
      }
      offset += batch.decisions_size();
      response->set_received(offset);
    }
    return grpc::Status::OK;
  });
}

grpc::Status PenaltiesService::UpsertMeasures(grpc::ServerContext* context, const v1::UpsertMeasuresRequest* request,
                                              v1::UpsertResponse* response) {
  return common::Call(*context, signer_, {ROLE_CITY}, [&](const common::CallerIdentity& caller) {
    common::CheckBatchSize(request->measures_size(), options_.max_batch, "measures");
    const std::string today = Today();
    common::BatchWrite<CoerciveMeasure> batch("measure", response->mutable_results());
    for (int i = 0; i < request->measures_size(); ++i) {
      const auto& proto = request->measures(i);
      CoerciveMeasure m = MeasureFromProto(proto);
      auto violations = ValidateMeasure(m, At("measures", i), today);
      if (!m.domain.empty() && !common::IsKnownDomain(m.domain)) {
        violations.push_back({At("measures", i) + ".domain", "unknown enforcement domain '" + m.domain + "'"});
      }
      batch.Add(i, proto.agency_credit_code() + "/" + proto.source_id(), proto.source_version(), proto,
                std::move(m), std::move(violations));
    }
    batch.RejectRepeatedKeys("measures");
    std::map<std::string, std::optional<registry::AgencyInfo>> known;
    CheckAgencies(batch, agencies_, caller, "measures", known);
    std::vector<RecordToStore> rows;
    for (const auto& m : batch.Valid()) {
      RecordToStore row{PenaltyKind::kMeasure, m.agency_credit_code, m.source_id, m.domain, m.source_version,
                        "", "", "", m.period_start, ""};
      v1::CoerciveMeasure full;
      MeasureToProto(m, &full);
      row.record = full.SerializeAsString();
      if (!m.party.minor) {
        CoerciveMeasure shown = PublicMeasure(m);
        v1::CoerciveMeasure proto;
        MeasureToProto(shown, &proto);
        row.public_record = proto.SerializeAsString();
        row.public_party_name = shown.party.name;
      }
      rows.push_back(std::move(row));
    }
    batch.Settle(Store(caller.city_code, rows, batch.Rejected(), today));
    return grpc::Status::OK;
  });
}

grpc::Status PenaltiesService::WithdrawDecision(grpc::ServerContext* context,
                                                const v1::WithdrawDecisionRequest* request,
                                                v1::PublishedRecord* response) {
  return common::Call(*context, signer_, {ROLE_CITY}, [&](const common::CallerIdentity& caller) {
    const std::string today = Today();
    common::Violations violations;
    if (request->reason() == v1::WITHDRAWAL_REASON_UNSPECIFIED) {
      violations.push_back({"reason", "must be CHANGED, REVOKED or FOUND_ILLEGAL"});
    }
    if (request->explanation().find_first_not_of(" \t\r\n") == std::string::npos) {
      violations.push_back({"explanation", "required: the reason is published with the notice"});
    } else if (request->explanation().size() > 2000) {
      violations.push_back({"explanation", "at most 2000 bytes"});
    }
    if (!common::IsIsoDate(request->event_date())) {
      violations.push_back({"event_date", "must be a date YYYY-MM-DD"});
    } else if (request->event_date() > today) {
      violations.push_back({"event_date", "must not be in the future"});
    }
    if (!violations.empty()) throw ServiceError::InvalidArgument("bad withdrawal", violations);
    auto before = store_.Get(PenaltyKind::kDecision, request->agency_credit_code(), request->source_id());
    if (!before || before->city_code != caller.city_code) {
      throw ServiceError::NotFound("no decision " + request->source_id() + " of agency " +
                                   request->agency_credit_code() + " in city " + caller.city_code);
    }
    if (request->event_date() < before->clock_start) {
      throw ServiceError::InvalidArgument("bad withdrawal", {{"event_date", "must not be before the decision date"}});
    }
    auto row = store_.Withdraw(request->agency_credit_code(), request->source_id(), request->reason(),
                               ScrubFreeText(request->explanation()), request->event_date(), today);
    ToPublished(*row, response);
    if (before->withdrawn_on.empty()) {
      metrics_.Disclosed("penalty_withdrawal", caller.city_code, response->withdrawal_timeliness());
    }
    return grpc::Status::OK;
  });
}

grpc::Status PenaltiesService::ReleaseMeasure(grpc::ServerContext* context, const v1::ReleaseMeasureRequest* request,
                                              v1::PublishedRecord* response) {
  return common::Call(*context, signer_, {ROLE_CITY}, [&](const common::CallerIdentity& caller) {
    common::Violations violations;
    if (!common::IsIsoDate(request->release_date())) {
      violations.push_back({"release_date", "must be a date YYYY-MM-DD"});
    } else if (request->release_date() > Today()) {
      violations.push_back({"release_date", "must not be in the future"});
    }
    if (request->explanation().size() > 2000) violations.push_back({"explanation", "at most 2000 bytes"});
    if (!violations.empty()) throw ServiceError::InvalidArgument("bad release", violations);
    auto before = store_.Get(PenaltyKind::kMeasure, request->agency_credit_code(), request->source_id());
    if (!before || before->city_code != caller.city_code) {
      throw ServiceError::NotFound("no measure " + request->source_id() + " of agency " +
                                   request->agency_credit_code() + " in city " + caller.city_code);
    }
    auto row = store_.Release(request->agency_credit_code(), request->source_id(), request->release_date(),
                              ScrubFreeText(request->explanation()));
    ToPublished(*row, response);
    return grpc::Status::OK;
  });
}

grpc::Status PenaltiesService::ListRejections(grpc::ServerContext* context, const v1::ListRejectionsRequest* request,
                                              v1::ListRejectionsResponse* response) {
  return common::Call(*context, signer_, {ROLE_CITY}, [&](const common::CallerIdentity& caller) {
    response->set_next_page_token(common::RejectionsPage(
        [&](int64_t before, int limit) { return store_.ListRejections(caller.city_code, before, limit); },
        request->page_token(), request->page_size(), response->mutable_rejections()));
    return grpc::Status::OK;
  });
}

grpc::Status PenaltiesService::GetDecision(grpc::ServerContext* context, const v1::GetRecordRequest* request,
                                           v1::PenaltyDecision* response) {
  return common::Call(*context, signer_, {ROLE_CITY, ROLE_PROVINCE}, [&](const common::CallerIdentity& caller) {
    auto row = store_.Get(PenaltyKind::kDecision, request->agency_credit_code(), request->source_id());
    if (!row || (caller.role == ROLE_CITY && row->city_code != caller.city_code)) {
      throw ServiceError::NotFound("no decision " + request->source_id() + " of agency " +
                                   request->agency_credit_code());
    }
    ParseStored(row->record, response);
    return grpc::Status::OK;
  });
}

void PenaltiesService::ToPublished(const RecordRow& row, v1::PublishedRecord* out) const {
  const auto today = common::TodayInShanghai();
  out->set_kind(row.kind == PenaltyKind::kDecision ? v1::GetRecordRequest::DECISION : v1::GetRecordRequest::MEASURE);
  out->set_agency_credit_code(row.agency_credit_code);
  out->set_source_id(row.source_id);
  out->set_city_code(row.city_code);
  out->set_domain(row.domain);
  out->set_published_on(row.published_on);
  out->set_public_until(row.public_until);
  *out->mutable_timeliness() = deadlines_.Assess(DeadlineKind(row.kind), row.clock_start, row.published_on, today);
  if (!row.withdrawn_on.empty()) {
    // The notice replaces the record: the reason is published, the decision is not.
    out->set_withdrawn(true);
    out->set_withdrawal_reason(static_cast<v1::WithdrawalReason>(row.withdrawal_reason));
    out->set_withdrawal_explanation(row.withdrawal_explanation);
    out->set_withdrawn_on(row.withdrawn_on);
    *out->mutable_withdrawal_timeliness() =
        deadlines_.Assess(RecordKind::kPenaltyWithdrawal, row.withdrawal_event_date, row.withdrawn_on, today);
    return;
  }
  if (row.kind == PenaltyKind::kDecision) {
    ParseStored(row.public_record, out->mutable_decision());
  } else {
    ParseStored(row.public_record, out->mutable_measure());
  }
  out->set_released_on(row.released_on);
}

grpc::Status PenaltiesService::ListPublished(grpc::ServerContext* context, const v1::ListPublishedRequest* request,
                                             v1::ListPublishedResponse* response) {
  return common::Call(*context, signer_, {ROLE_PUBLIC}, [&](const common::CallerIdentity&) {
    common::Violations violations;
    common::CheckCityFilter(violations, "city_code", request->city_code());
    common::CheckDomainFilter(violations, "domain", request->domain());
    common::CheckDateFilter(violations, "date_from", request->date_from());
    common::CheckDateFilter(violations, "date_to", request->date_to());
    if (request->party_name().size() > 200) violations.push_back({"party_name", "at most 200 bytes"});
    if (request->page_size() < 0) violations.push_back({"page_size", "must not be negative"});
    PublishedFilter f;
    if (!request->page_token().empty()) {
      auto position = common::DecodePageToken(request->page_token());
      auto first = position ? position->find('|') : std::string::npos;
      auto second = first == std::string::npos ? std::string::npos : position->find('|', first + 1);
      if (second == std::string::npos) {
        violations.push_back({"page_token", "not a token this service issued"});
      } else {
        f.after_clock_start = position->substr(0, first);
        f.after_agency = position->substr(first + 1, second - first - 1);
        f.after_source_id = position->substr(second + 1);
      }
    }
    if (!violations.empty()) throw ServiceError::InvalidArgument("bad list request", violations);
    f.kind = KindOf(request->kind());
    f.city_code = request->city_code();
    f.agency_credit_code = request->agency_credit_code();
    f.domain = request->domain();
    f.date_from = request->date_from();
    f.date_to = request->date_to();
    f.party_name = request->party_name();
    const int page = common::PageSize(request->page_size());
    f.limit = page + 1;
    auto rows = store_.ListPublished(f, Today());
    const bool more = static_cast<int>(rows.size()) > page;
    if (more) rows.resize(page);
    for (const auto& row : rows) ToPublished(row, response->add_records());
    if (more) {
      const auto& last = rows.back();
      response->set_next_page_token(
          common::EncodePageToken(last.clock_start + "|" + last.agency_credit_code + "|" + last.source_id));
    }
    return grpc::Status::OK;
  });
}

grpc::Status PenaltiesService::GetPublished(grpc::ServerContext* context, const v1::GetRecordRequest* request,
                                            v1::PublishedRecord* response) {
  return common::Call(*context, signer_, {ROLE_PUBLIC}, [&](const common::CallerIdentity&) {
    auto row = store_.Get(KindOf(request->kind()), request->agency_credit_code(), request->source_id());
    const std::string today = Today();
    bool visible = row && !row->public_record.empty() &&
                   (!row->withdrawn_on.empty() || row->public_until.empty() || row->public_until >= today);
    if (!visible) throw ServiceError::NotFound("no published record " + request->source_id());
    row->record.clear();
    ToPublished(*row, response);
    return grpc::Status::OK;
  });
}

grpc::Status PenaltiesService::ListChanges(grpc::ServerContext* context, const v1::ListChangesRequest* request,
                                           v1::ListChangesResponse* response) {
  return common::Call(*context, signer_, {ROLE_PUBLIC}, [&](const common::CallerIdentity&) {
    common::Violations violations;
    if (request->after_seq() < 0) violations.push_back({"after_seq", "must not be negative"});
    if (request->limit() < 0) violations.push_back({"limit", "must not be negative"});
    if (!violations.empty()) throw ServiceError::InvalidArgument("bad feed request", violations);
    int64_t last = request->after_seq();
    for (const auto& change : store_.Changes(request->after_seq(), common::PageSize(request->limit(), 100, 1000))) {
      auto* c = response->add_changes();
      c->set_seq(change.seq);
      c->set_type(static_cast<v1::Change::Type>(change.type));
      ToPublished(change.record, c->mutable_record());
      last = change.seq;
    }
    response->set_last_seq(last);
    return grpc::Status::OK;
  });
}

std::shared_ptr<common::ScrapeGauges> MakePenaltyGauges(PenaltyStore& store, const common::Deadlines& deadlines) {
  return std::make_shared<common::ScrapeGauges>([&store, &deadlines] {
    const auto today = common::TodayInShanghai();
    auto calendar = deadlines.calendar();
    std::map<std::pair<std::string, std::string>, double> overdue;  // (kind, city)
    std::map<std::string, std::pair<double, double>> timeliness;    // scope -> (on time, due)
    for (const auto& c : store.PublicationCounts()) {
      auto start = common::ParseIsoDate(c.clock_start);
      if (!start) continue;
      auto due = deadlines.engine().Due(*calendar, DeadlineKind(c.kind), *start).value;
      const bool published = !c.published_on.empty();
      if (!published && today > due) overdue[{KindLabel(c.kind), c.city_code}] += c.count;
      if (!common::IsKeyDomain(c.domain) || (!published && today <= due)) continue;
      const bool on_time = published && c.published_on <= common::FormatIsoDate(due);
      for (const std::string& scope : {c.city_code, std::string("province")}) {
        timeliness[scope].first += on_time ? c.count : 0;
        timeliness[scope].second += c.count;
      }
    }
    common::ScrapeGauges::Family overdue_family{
        "gongkai_disclosures_overdue", "Records past their deadline and still not published, by kind and city.", {}};
    for (const auto& [key, n] : overdue) {
      overdue_family.samples.push_back({{{"kind", key.first}, {"city", key.second}}, n});
    }
    common::ScrapeGauges::Family kpi{"gongkai_kpi_ratio", "The plan's KPIs, computed from the database.", {}};
    for (const auto& [scope, counts] : timeliness) {
      kpi.samples.push_back({{{"kpi", "key_domain_timeliness_penalties"}, {"scope", scope}},
                             counts.second == 0 ? 1.0 : counts.first / counts.second});
    }
    return std::vector<common::ScrapeGauges::Family>{overdue_family, kpi};
  });
}

}  // namespace gongkai::penalties
