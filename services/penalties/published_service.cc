// PenaltiesService: what is read back, by the province and cities (a decision
// as sent) and by the public (published records and the change feed).
#include <optional>

#include "common/calendar/iso_date.h"
#include "common/call.h"
#include "common/errors.h"
#include "common/fields.h"
#include "common/paging.h"
#include "services/penalties/penalties_service.h"
#include "services/penalties/penalty_public.h"
#include "services/penalties/penalty_timeliness.h"
#include "services/penalties/withdrawal.h"

namespace gongkai::penalties {
namespace {

using common::ServiceError;
using common::v1::ROLE_CITY;
using common::v1::ROLE_PROVINCE;
using common::v1::ROLE_PUBLIC;

// The public list's keyset: clock start, agency, source id.
constexpr std::size_t kPositionFields = 3;
// The withdrawal notices' keyset: the day of the withdrawal, agency, source
// id, and a mark, so that a token of one list is not read as a position in
// the other (whose first field is another date).
constexpr std::size_t kNoticePositionFields = 4;
constexpr char kNoticeMark[] = "withdrawn";

void ParseStored(const std::string& bytes, google::protobuf::Message* out) {
  if (bytes.empty()) return;
  if (!out->ParseFromString(bytes)) throw std::runtime_error("stored record does not parse as " + out->GetTypeName());
}

PenaltyKind KindOf(v1::GetRecordRequest::Kind kind) {
  return kind == v1::GetRecordRequest::MEASURE ? PenaltyKind::kMeasure : PenaltyKind::kDecision;
}

// The public pages: at most kMaxPublicPage records, so that a page stays under
// 4 MB whatever its records (penalty_public.h); 0 asks for a whole page.
constexpr common::PageLimits kPublicPage{kMaxPublicPage, kMaxPublicPage};

// What every public form of a record starts with, and all that a feed entry
// whose content is no longer public carries: its key, city and domain.
void ToKey(const RecordRow& row, v1::PublishedRecord* out) {
  out->set_kind(row.kind == PenaltyKind::kDecision ? v1::GetRecordRequest::DECISION : v1::GetRecordRequest::MEASURE);
  out->set_agency_credit_code(row.agency_credit_code);
  out->set_source_id(row.source_id);
  out->set_city_code(row.city_code);
  out->set_domain(row.domain);
}

}  // namespace

grpc::ServerUnaryReactor* PenaltiesService::GetDecision(grpc::CallbackServerContext* context,
                                                        const v1::GetRecordRequest* request,
                                                        v1::PenaltyDecision* response) {
  return common::Serve(context, context_, {ROLE_CITY, ROLE_PROVINCE}, [=, this](const common::CallerIdentity& caller) {
    auto row = store_.Get(PenaltyKind::kDecision, request->agency_credit_code(), request->source_id());
    if (!row || (caller.role == ROLE_CITY && !IsOwnRecord(row->city_code, caller.city_code))) {
      throw ServiceError::NotFound("no decision " + request->source_id() + " of agency " +
                                   request->agency_credit_code());
    }
    ParseStored(row->record, response);
    return grpc::Status::OK;
  });
}

void PenaltiesService::ToPublished(const RecordRow& row, v1::PublishedRecord* out) const {
  const common::Date today = context_.clock.Today();
  ToKey(row, out);
  out->set_published_on(common::FormatIsoDate(row.published_on));
  out->set_public_until(common::FormatIsoDate(row.public_until));
  *out->mutable_timeliness() =
      context_.deadlines.Assess(DeadlineKind(row.kind), row.clock_start, row.published_on, today);
  if (row.withdrawn_on) {
    // The notice replaces the record: the reason is published, the decision is not.
    out->set_withdrawn(true);
    out->set_withdrawal_reason(static_cast<v1::WithdrawalReason>(row.withdrawal_reason));
    out->set_withdrawal_explanation(row.withdrawal_explanation);
    out->set_withdrawn_on(common::FormatIsoDate(*row.withdrawn_on));
    if (row.withdrawal_event_date) {
      *out->mutable_withdrawal_timeliness() = context_.deadlines.Assess(
          common::RecordKind::kPenaltyWithdrawal, *row.withdrawal_event_date, row.withdrawn_on, today);
    } else {
      // A notice kept without the day of its event has no clock to assess.
      out->mutable_withdrawal_timeliness()->set_rule(
          std::string(common::RecordKindName(common::RecordKind::kPenaltyWithdrawal)));
    }
    return;
  }
  if (row.kind == PenaltyKind::kDecision) {
    ParseStored(row.public_record, out->mutable_decision());
  } else {
    ParseStored(row.public_record, out->mutable_measure());
  }
  out->set_released_on(common::FormatIsoDate(row.released_on));
}

grpc::ServerUnaryReactor* PenaltiesService::ListPublished(grpc::CallbackServerContext* context,
                                                          const v1::ListPublishedRequest* request,
                                                          v1::ListPublishedResponse* response) {
  return common::Serve(context, context_, {ROLE_PUBLIC}, [=, this](const common::CallerIdentity&) {
    common::Violations violations;
    PublishedFilter f;
    common::CheckCityFilter(violations, "city_code", request->city_code());
    common::CheckDomainFilter(violations, "domain", request->domain());
    f.date_from = common::CheckDateFilter(violations, "date_from", request->date_from());
    f.date_to = common::CheckDateFilter(violations, "date_to", request->date_to());
    // The withdrawal notices take no party filter; the records take a party's
    // name and credit code.
    const bool notices = request->withdrawn();
    const common::Violations party_violations =
        notices ? ValidateNoticeFilter(request->kind() == v1::GetRecordRequest::MEASURE, request->party_name(),
                                       request->party_credit_code())
                : ValidatePublishedFilter(request->party_name());
    violations.insert(violations.end(), party_violations.begin(), party_violations.end());
    if (!notices) {
      const common::Violations code_violations = ValidatePartyCreditCodeFilter(request->party_credit_code());
      violations.insert(violations.end(), code_violations.begin(), code_violations.end());
    }
    const common::Page page = common::ReadPage(violations, request->page_size(), request->page_token(),
                                               notices ? kNoticePositionFields : kPositionFields, kPublicPage);
    if (!page.after.empty()) {
      const std::optional<common::Date> day = common::ParseIsoDate(page.after[0]);
      if (day && (!notices || page.after[3] == kNoticeMark)) {
        f.after = PublishedPosition{*day, page.after[1], page.after[2]};
      } else {
        violations.push_back({"page_token", "not a token this service issued"});
      }
    }
    common::ThrowIfAny(violations, "bad list request");
    f.kind = KindOf(request->kind());
    f.withdrawn = notices;
    f.city_code = request->city_code();
    f.agency_credit_code = request->agency_credit_code();
    f.domain = request->domain();
    f.party_name = request->party_name();
    f.party_credit_code = request->party_credit_code();
    f.limit = page.size + 1;
    auto rows = store_.ListPublished(f, context_.clock.Today());
    response->set_next_page_token(common::TakePage(rows, page.size, [notices](const RecordRow& last) {
      if (notices) {
        // A notice listed is withdrawn: it has its day.
        return common::PagePosition{common::FormatIsoDate(last.withdrawn_on), last.agency_credit_code, last.source_id,
                                    kNoticeMark};
      }
      return common::PagePosition{common::FormatIsoDate(last.clock_start), last.agency_credit_code, last.source_id};
    }));
    for (const auto& row : rows) ToPublished(row, response->add_records());
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* PenaltiesService::GetPublished(grpc::CallbackServerContext* context,
                                                         const v1::GetRecordRequest* request,
                                                         v1::PublishedRecord* response) {
  return common::Serve(context, context_, {ROLE_PUBLIC}, [=, this](const common::CallerIdentity&) {
    auto row = store_.Get(KindOf(request->kind()), request->agency_credit_code(), request->source_id());
    if (!row || !VisibleToPublic(!row->public_record.empty(), row->withdrawn_on.has_value(), row->public_until,
                                 context_.clock.Today())) {
      throw ServiceError::NotFound("no published record " + request->source_id());
    }
    row->record.clear();
    ToPublished(*row, response);
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* PenaltiesService::ListChanges(grpc::CallbackServerContext* context,
                                                        const v1::ListChangesRequest* request,
                                                        v1::ListChangesResponse* response) {
  return common::Serve(context, context_, {ROLE_PUBLIC}, [=, this](const common::CallerIdentity&) {
    common::Violations violations;
    if (request->after_seq() < 0) violations.push_back({"after_seq", "must not be negative"});
    const int limit = common::ReadPageSize(violations, "limit", request->limit(), kPublicPage);
    common::ThrowIfAny(violations, "bad feed request");
    int64_t last = request->after_seq();
    for (const auto& change : store_.Changes(request->after_seq(), limit, context_.clock.Today())) {
      auto* c = response->add_changes();
      c->set_seq(change.seq);
      c->set_type(static_cast<v1::Change::Type>(change.type));
      if (change.content_removed) {
        c->set_content_removed(true);
        ToKey(change.record, c->mutable_record());
      } else {
        ToPublished(change.record, c->mutable_record());
      }
      last = change.seq;
    }
    response->set_last_seq(last);
    return grpc::Status::OK;
  });
}

}  // namespace gongkai::penalties
