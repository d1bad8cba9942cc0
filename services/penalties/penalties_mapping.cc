#include "services/penalties/penalties_mapping.h"

#include "common/calendar/iso_date.h"
#include "common/legal_proto.h"

namespace gongkai::penalties {
namespace {

Party PartyFromProto(const v1::Party& p) {
  Party party;
  party.kind = static_cast<Party::Kind>(p.kind());
  party.name = p.name();
  party.credit_code = p.credit_code();
  party.id_number = p.id_number();
  party.minor = p.minor();
  party.address = p.address();
  party.phone = p.phone();
  party.bank_account = p.bank_account();
  party.legal_representative = p.legal_representative();
  return party;
}

void PartyToProto(const Party& party, v1::Party* p) {
  p->set_kind(static_cast<v1::Party::Kind>(party.kind));
  p->set_name(party.name);
  p->set_credit_code(party.credit_code);
  p->set_id_number(party.id_number);
  p->set_minor(party.minor);
  p->set_address(party.address);
  p->set_phone(party.phone);
  p->set_bank_account(party.bank_account);
  p->set_legal_representative(party.legal_representative);
}

Remedy RemedyFromProto(const v1::Remedy& p) {
  return {p.review_body(), p.review_days(), p.litigation_court(), p.litigation_months()};
}

void RemedyToProto(const Remedy& r, v1::Remedy* p) {
  p->set_review_body(r.review_body);
  p->set_review_days(r.review_days);
  p->set_litigation_court(r.litigation_court);
  p->set_litigation_months(r.litigation_months);
}

}  // namespace

PenaltyDecision DecisionFromProto(const v1::PenaltyDecision& p) {
  PenaltyDecision d;
  d.agency_credit_code = p.agency_credit_code();
  d.source_id = p.source_id();
  d.source_version = p.source_version();
  d.decision_number = p.decision_number();
  d.domain = p.domain();
  d.party = PartyFromProto(p.party());
  d.facts = p.facts();
  d.violated = common::LegalBasisFromProto(p.violated());
  d.applied = common::LegalBasisFromProto(p.applied());
  const auto& r = p.result();
  d.result = {r.warning(), r.fine_fen(), r.confiscation_fen(), r.suspension_days(), r.licence_revoked(), r.other()};
  d.remedy = RemedyFromProto(p.remedy());
  d.decision_date = common::ParseIsoDate(p.decision_date());
  d.severity = static_cast<CreditSeverity>(p.severity());
  d.legal_application_explanation = p.legal_application_explanation();
  d.benchmark_violation_code = p.benchmark_violation_code();
  d.benchmark_tier = p.benchmark_tier();
  d.mentioned_persons.assign(p.mentioned_persons().begin(), p.mentioned_persons().end());
  d.powers_item_source_id = p.powers_item_source_id();
  d.officers.assign(p.officers().begin(), p.officers().end());
  return d;
}

void DecisionToProto(const PenaltyDecision& d, v1::PenaltyDecision* p) {
  p->set_agency_credit_code(d.agency_credit_code);
  p->set_source_id(d.source_id);
  p->set_source_version(d.source_version);
  p->set_decision_number(d.decision_number);
  p->set_domain(d.domain);
  PartyToProto(d.party, p->mutable_party());
  p->set_facts(d.facts);
  common::LegalBasisToProto(d.violated, p->mutable_violated());
  common::LegalBasisToProto(d.applied, p->mutable_applied());
  auto* r = p->mutable_result();
  r->set_warning(d.result.warning);
  r->set_fine_fen(d.result.fine_fen);
  r->set_confiscation_fen(d.result.confiscation_fen);
  r->set_suspension_days(d.result.suspension_days);
  r->set_licence_revoked(d.result.licence_revoked);
  r->set_other(d.result.other);
  RemedyToProto(d.remedy, p->mutable_remedy());
  p->set_decision_date(common::FormatIsoDate(d.decision_date));
  p->set_severity(static_cast<v1::CreditSeverity>(d.severity));
  p->set_legal_application_explanation(d.legal_application_explanation);
  p->set_benchmark_violation_code(d.benchmark_violation_code);
  p->set_benchmark_tier(d.benchmark_tier);
  for (const auto& person : d.mentioned_persons) p->add_mentioned_persons(person);
  p->set_powers_item_source_id(d.powers_item_source_id);
  for (const auto& officer : d.officers) p->add_officers(officer);
}

CoerciveMeasure MeasureFromProto(const v1::CoerciveMeasure& p) {
  CoerciveMeasure m;
  m.agency_credit_code = p.agency_credit_code();
  m.source_id = p.source_id();
  m.source_version = p.source_version();
  m.document_number = p.document_number();
  m.domain = p.domain();
  m.party = PartyFromProto(p.party());
  m.legal_basis = common::LegalBasisFromProto(p.legal_basis());
  m.type = static_cast<MeasureType>(p.type());
  m.object_name = p.object_name();
  m.object_quantity = p.object_quantity();
  m.period_start = common::ParseIsoDate(p.period_start());
  m.period_end = common::ParseIsoDate(p.period_end());
  m.release_conditions = p.release_conditions();
  m.necessity_statement = p.necessity_statement();
  m.remedy = RemedyFromProto(p.remedy());
  m.mentioned_persons.assign(p.mentioned_persons().begin(), p.mentioned_persons().end());
  return m;
}

void MeasureToProto(const CoerciveMeasure& m, v1::CoerciveMeasure* p) {
  p->set_agency_credit_code(m.agency_credit_code);
  p->set_source_id(m.source_id);
  p->set_source_version(m.source_version);
  p->set_document_number(m.document_number);
  p->set_domain(m.domain);
  PartyToProto(m.party, p->mutable_party());
  common::LegalBasisToProto(m.legal_basis, p->mutable_legal_basis());
  p->set_type(static_cast<v1::MeasureType>(m.type));
  p->set_object_name(m.object_name);
  p->set_object_quantity(m.object_quantity);
  p->set_period_start(common::FormatIsoDate(m.period_start));
  p->set_period_end(common::FormatIsoDate(m.period_end));
  p->set_release_conditions(m.release_conditions);
  p->set_necessity_statement(m.necessity_statement);
  RemedyToProto(m.remedy, p->mutable_remedy());
  for (const auto& person : m.mentioned_persons) p->add_mentioned_persons(person);
}

}  // namespace gongkai::penalties
