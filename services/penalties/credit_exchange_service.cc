// PenaltiesService: the exchange with the national credit platform (信用中国,
// 双公示). The change feed, as ListChanges reads it, turned into records of
// the national 行政处罚 data standard (credit_exchange.h) for the province to
// forward.
#include <map>
#include <optional>
#include <string>

#include "common/call.h"
#include "common/errors.h"
#include "common/paging.h"
#include "services/penalties/credit_exchange.h"
#include "services/penalties/penalties_mapping.h"
#include "services/penalties/penalties_service.h"
#include "services/penalties/penalty_public.h"

namespace gongkai::penalties {
namespace {

using common::v1::ROLE_PROVINCE;

// Feed entries read per call: 0 asks for 100, more than 500 is taken as 500.
constexpr common::PageLimits kExchangePage{100, 500};
// An answer stays within 3.5 MB (a default client takes 4 MiB): its body and
// skipped entries within kMaxExchangeAnswerBytes less what the other fields
// (content type, count, last seq) and each skip's framing take.
constexpr std::size_t kMaxExchangeAnswerBytes = 3'500'000;
constexpr std::size_t kAnswerFieldsBytes = 1024;
constexpr std::size_t kSkipFramingBytes = 8;

// The decision of a serialised penalties.v1 record; nullopt when there is none.
std::optional<PenaltyDecision> DecisionOf(const std::string& bytes) {
  v1::PenaltyDecision proto;
  if (bytes.empty() || !proto.ParseFromString(bytes)) return std::nullopt;
  return DecisionFromProto(proto);
}

// What the exchange does with a feed entry: a decision's publication is
// added, its withdrawal notice withdraws it, its unpublication (a credit
// repair, or a version the rules do not publish) removes it. nullopt for a
// measure's entries and for an entry whose content a later entry of the same
// record replaced (that entry is exchanged instead) or whose record is past
// its retention (公示截止期 told the national platform when it ends).
std::optional<CreditOperation> OperationOf(const ChangeRow& change) {
  if (change.record.kind != PenaltyKind::kDecision) return std::nullopt;
  switch (change.type) {
    case ChangeType::kPublished:
      if (change.content_removed) return std::nullopt;
      return CreditOperation::kAdd;
    case ChangeType::kWithdrawn:
      if (change.content_removed) return std::nullopt;
      return CreditOperation::kWithdraw;
    case ChangeType::kUnpublished: return CreditOperation::kRemove;
    default: return std::nullopt;
  }
}

// The public form a withdrawal or removal names: the one the record keeps,
// or, when it has none any more (a version the rules do not publish), the
// public form of the record as sent without its party.
std::optional<PenaltyDecision> PublicFormOf(const RecordRow& row) {
  if (auto shown = DecisionOf(row.public_record)) return shown;
  auto sent = DecisionOf(row.record);
  if (!sent) return std::nullopt;
  PenaltyDecision shown = PublicDecision(*sent);
  shown.party = Party{};
  return shown;
}

}  // namespace

grpc::ServerUnaryReactor* PenaltiesService::ListCreditExchange(grpc::CallbackServerContext* context,
                                                               const v1::ListCreditExchangeRequest* request,
                                                               v1::ListCreditExchangeResponse* response) {
  return common::Serve(context, context_, {ROLE_PROVINCE}, [=, this](const common::CallerIdentity&) {
    common::Violations violations;
    if (request->after_seq() < 0) violations.push_back({"after_seq", "must not be negative"});
    const int limit = common::ReadPageSize(violations, "limit", request->limit(), kExchangePage);
    if (!v1::CreditExchangeFormat_IsValid(request->format())) {
      violations.push_back({"format", "must be CREDIT_EXCHANGE_JSON or CREDIT_EXCHANGE_CSV (unset: JSON)"});
    }
    common::ThrowIfAny(violations, "bad credit exchange request");

    std::map<std::string, std::string> agency_names;  // by credit code, for this answer
    const auto agency_name = [&](const std::string& code) -> const std::string& {
      auto it = agency_names.find(code);
      if (it == agency_names.end()) {
        const auto agency = registry_.Agency(code);
        it = agency_names.emplace(code, agency ? agency->name : "").first;
      }
      return it->second;
    };
    const auto source_of = [&](CreditOperation operation, const ChangeRow& change) {
      const RecordRow& entry = change.record;
      CreditSource source;
      source.operation = operation;
      source.public_until = entry.public_until;
      std::optional<PenaltyDecision> shown;
      if (operation == CreditOperation::kAdd) {
        shown = DecisionOf(entry.public_record);
      } else if (const auto row = store_.Get(PenaltyKind::kDecision, entry.agency_credit_code, entry.source_id)) {
        // The entry keeps no copy of the decision: the record names it.
        shown = PublicFormOf(*row);
        source.public_until = row->public_until;
        if (operation == CreditOperation::kRemove) source.remarks = RemovalRemarks(row->repaired_on);
      }
      if (operation == CreditOperation::kWithdraw) {
        source.remarks = WithdrawalRemarks(entry.withdrawal_reason, entry.withdrawal_explanation);
      }
      if (shown) source.decision = *std::move(shown);
      source.decision.agency_credit_code = entry.agency_credit_code;
      source.decision.source_id = entry.source_id;
      source.agency_name = agency_name(entry.agency_credit_code);
      return source;
    };

    CreditExchangeBody body(request->format() == v1::CREDIT_EXCHANGE_CSV ? CreditExchangeBody::Format::kCsv
                                                                         : CreditExchangeBody::Format::kJson);
    std::size_t skipped_bytes = 0;
    // Whether `more` bytes still fit; the first entry always does, so that a
    // call always moves on.
    const auto fits = [&](std::size_t more) {
      return body.count() + response->skipped_size() == 0 ||
             body.Bytes() + skipped_bytes + more <= kMaxExchangeAnswerBytes - kAnswerFieldsBytes;
    };
    int64_t last = request->after_seq();
    for (const ChangeRow& change : store_.Changes(request->after_seq(), limit, context_.clock.Today())) {
      if (const auto operation = OperationOf(change)) {
        const CreditRecord record = ToCreditRecord(source_of(*operation, change));
        const std::vector<std::string> missing = MissingCreditFields(record, *operation);
        if (missing.empty()) {
          const std::string piece = body.Piece(record);
          if (!fits(piece.size())) break;
          body.Add(piece);
        } else {
          v1::CreditExchangeSkip skip;
          skip.set_seq(change.seq);
          skip.set_key(change.record.agency_credit_code + "/" + change.record.source_id);
          for (const std::string& name : missing) skip.add_missing(name);
          const std::size_t bytes = skip.ByteSizeLong() + kSkipFramingBytes;
          if (!fits(bytes)) break;
          *response->add_skipped() = std::move(skip);
          skipped_bytes += bytes;
        }
      }
      last = change.seq;
    }
    response->set_content_type(std::string(body.ContentType()));
    response->set_body(body.Finish());
    response->set_count(body.count());
    response->set_last_seq(last);
    return grpc::Status::OK;
  });
}

}  // namespace gongkai::penalties
