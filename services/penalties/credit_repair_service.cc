// PenaltiesService: credit repairs (信用修复) of published decisions, and the
// retention terms of stored decisions given at start-up; both end a
// decision's publication (DOMAIN.md, "Retention").
#include <optional>
#include <stdexcept>
#include <utility>

#include "common/calendar/iso_date.h"
#include "common/call.h"
#include "common/errors.h"
#include "common/fields.h"
#include "common/log.h"
#include "services/penalties/penalties_mapping.h"
#include "services/penalties/penalties_service.h"
#include "services/penalties/penalty_public.h"
#include "services/penalties/withdrawal.h"

namespace gongkai::penalties {
namespace {

using common::ServiceError;
using common::v1::ROLE_CITY;
using common::v1::ROLE_PROVINCE;

// A stored decision as sent; nullopt when its bytes no longer parse.
std::optional<PenaltyDecision> StoredDecision(const std::string& record) {
  v1::PenaltyDecision proto;
  if (!proto.ParseFromString(record)) return std::nullopt;
  return DecisionFromProto(proto);
}

// A record key field of a request: 1 to 64 printable ASCII characters.
void CheckKey(common::Violations& out, const std::string& field, const std::string& value) {
  if (value.empty()) out.push_back({field, "required"});
  common::CheckKeyFilter(out, field, value);
}

// Why a stored decision is not public on `today`, in words; "" when it is.
std::string NotPublic(const RecordRow& row, common::Date today) {
  if (row.withdrawn_on) return "it was withdrawn on " + common::FormatIsoDate(*row.withdrawn_on);
  if (row.public_record.empty()) return "it has no public form";
  if (!VisibleToPublic(true, false, row.public_until, today)) {
    return "its publication ended on " + common::FormatIsoDate(row.public_until);
  }
  return "";
}

}  // namespace

PenaltiesService::PenaltiesService(PenaltyStore& store, registry::RegistryClient& registry,
                                   common::ServiceContext context, common::DisclosureMetrics& metrics, int max_batch,
                                   std::set<std::string> one_year_repair_domains)
    : PenaltiesService(store, registry, context, metrics, max_batch) {
  one_year_repair_domains_ = std::move(one_year_repair_domains);
}

grpc::ServerUnaryReactor* PenaltiesService::RecordCreditRepair(grpc::CallbackServerContext* context,
                                                               const v1::RecordCreditRepairRequest* request,
                                                               v1::PublishedRecord* response) {
  return common::Serve(context, context_, {ROLE_CITY, ROLE_PROVINCE}, [=, this](const common::CallerIdentity& caller) {
    const common::Date today = context_.clock.Today();
    const std::string& agency = request->agency_credit_code();
    const std::string& source_id = request->source_id();
    common::Violations violations;
    CheckKey(violations, "agency_credit_code", agency);
    CheckKey(violations, "source_id", source_id);
    const auto repaired_on = common::CheckPastDate(violations, "repaired_on", request->repaired_on(), today);
    const common::Violations texts = ValidateCreditRepair(request->granted_by(), request->reference());
    violations.insert(violations.end(), texts.begin(), texts.end());
    common::ThrowIfAny(violations, "bad credit repair");

    // A city records the repairs of its own agencies' decisions; which city
    // an agency belongs to is the registry's public word, so the refusal
    // tells nothing of the decisions stored.
    const bool city = caller.role == ROLE_CITY;
    if (city) {
      const auto cities = registry_.CitiesOf({agency});
      const auto found = cities.find(agency);
      if (found != cities.end() && found->second != caller.city_code) {
        throw ServiceError::PermissionDenied("agency " + agency + " is registered to city " + found->second + ", not " +
                                             caller.city_code +
                                             ": a city records credit repairs of its own agencies' decisions");
      }
    }
    const auto not_found = [&] {
      return ServiceError::NotFound("no decision " + source_id + " of agency " + agency +
                                    (city ? " in city " + caller.city_code : std::string()));
    };
    const auto before = store_.Get(PenaltyKind::kDecision, agency, source_id);
    if (!before || (city && !IsOwnRecord(before->city_code, caller.city_code))) throw not_found();
    // A decision is repaired once: the repair recorded first stands.
    if (before->repaired_on) {
      ToPublished(*before, response);
      return grpc::Status::OK;
    }
    if (const std::string why = NotPublic(*before, today); !why.empty()) {
      throw ServiceError::FailedPrecondition("decision " + source_id + " of agency " + agency + " is not public (" +
                                             why + "): a credit repair ends the publication of a public decision");
    }
    const auto decision = StoredDecision(before->record);
    if (!decision) throw std::runtime_error("stored decision does not parse");
    if (const auto refusal = CreditRepairRefusal(*decision, *repaired_on, one_year_repair_domains_)) {
      throw ServiceError::FailedPrecondition(*refusal);
    }
    const auto row = store_.RecordCreditRepair(
        agency, source_id, {*repaired_on, request->granted_by(), request->reference(), caller.principal}, today);
    if (!row) throw not_found();
    ToPublished(*row, response);
    return grpc::Status::OK;
  });
}

std::size_t RecomputeRetentionTerms(PgPenaltyStore& store, int batch_size) {
  const auto retention = [](const std::string& record) {
    const auto decision = StoredDecision(record);
    return decision ? RetentionOf(*decision) : Retention{false, std::nullopt};
  };
  RetentionPosition after;
  std::size_t read = 0, ended = 0, unpublished = 0;
  for (;;) {
    const RetentionBatch batch = store.RecomputeRetention(after, batch_size, retention);
    read += batch.read;
    ended += batch.ended;
    unpublished += batch.unpublished;
    if (batch.read < static_cast<std::size_t>(batch_size)) break;
    after = batch.last;
  }
  common::Log(common::LogLevel::kInfo, "retention_terms",
              {{"read", read}, {"ended", ended}, {"unpublished", unpublished}});
  return read;
}

}  // namespace gongkai::penalties
