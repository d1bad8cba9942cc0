#include "services/registry/registry_mapping.h"

#include "common/calendar/iso_date.h"
#include "common/legal_proto.h"

namespace gongkai::registry {

using common::FormatIsoDate;
using common::ParseIsoDate;

Agency AgencyFromProto(const v1::Agency& p) {
  Agency a;
  a.credit_code = p.credit_code();
  a.name = p.name();
  a.legal_representative = p.legal_representative();
  a.area_code = p.area_code();
  a.contact = p.contact();
  a.domains.assign(p.domains().begin(), p.domains().end());
  a.valid_from = ParseIsoDate(p.valid_from());
  a.valid_until = ParseIsoDate(p.valid_until());
  a.source_version = p.source_version();
  return a;
}

void AgencyToProto(const Agency& a, v1::Agency* p) {
  p->set_credit_code(a.credit_code);
  p->set_name(a.name);
  p->set_legal_representative(a.legal_representative);
  p->set_area_code(a.area_code);
  p->set_contact(a.contact);
  for (const auto& d : a.domains) p->add_domains(d);
  p->set_valid_from(FormatIsoDate(a.valid_from));
  p->set_valid_until(FormatIsoDate(a.valid_until));
  p->set_source_version(a.source_version);
  p->set_city_code(a.city_code);
  p->set_updated_at(a.updated_at);
}

PowersItem PowersItemFromProto(const v1::PowersItem& p) {
  PowersItem item;
  item.agency_credit_code = p.agency_credit_code();
  item.source_id = p.source_id();
  item.source_version = p.source_version();
  item.name = p.name();
  item.category = static_cast<PowerCategory>(p.category());
  item.legal_basis = common::LegalBasisFromProto(p.legal_basis());
  item.responsibilities = p.responsibilities();
  item.accountability = p.accountability();
  item.changed_on = ParseIsoDate(p.changed_on());
  item.random_check = p.random_check();
  return item;
}

void PowersItemToProto(const PowersItem& item, v1::PowersItem* p) {
  p->set_agency_credit_code(item.agency_credit_code);
  p->set_source_id(item.source_id);
  p->set_source_version(item.source_version);
  p->set_name(item.name);
  p->set_category(static_cast<v1::PowerCategory>(item.category));
  common::LegalBasisToProto(item.legal_basis, p->mutable_legal_basis());
  p->set_responsibilities(item.responsibilities);
  p->set_accountability(item.accountability);
  p->set_changed_on(FormatIsoDate(item.changed_on));
  p->set_city_code(item.city_code);
  p->set_change_seq(item.change_seq);
  p->set_random_check(item.random_check);
}

void PowersItemSummaryToProto(const PowersItem& item, v1::PowersItem* p) {
  p->set_agency_credit_code(item.agency_credit_code);
  p->set_source_id(item.source_id);
  p->set_name(item.name);
  p->set_category(static_cast<v1::PowerCategory>(item.category));
  p->set_random_check(item.random_check);
  p->set_city_code(item.city_code);
}

DiscretionBenchmark BenchmarkFromProto(const v1::DiscretionBenchmark& p) {
  DiscretionBenchmark b;
  b.domain = p.domain();
  b.violation_code = p.violation_code();
  b.violation = p.violation();
  b.legal_basis = common::LegalBasisFromProto(p.legal_basis());
  b.measure = static_cast<Measure>(p.measure());
  for (const auto& t : p.tiers()) {
    BenchmarkTier tier;
    tier.level = static_cast<TierLevel>(t.level());
    tier.from_fen = t.from_fen();
    tier.to_fen = t.to_fen();
    tier.requires_first_offence = t.requires_first_offence();
    tier.requires_prompt_correction = t.requires_prompt_correction();
    tier.requires_no_harm = t.requires_no_harm();
    tier.on_serious_harm = t.on_serious_harm();
    tier.on_repeat_offence = t.on_repeat_offence();
    tier.penalty_min_fen = t.penalty_min_fen();
    tier.penalty_max_fen = t.penalty_max_fen();
    tier.description = t.description();
    b.tiers.push_back(std::move(tier));
  }
  b.source_version = p.source_version();
  b.changed_on = ParseIsoDate(p.changed_on());
  return b;
}

void TierToProto(const BenchmarkTier& t, v1::BenchmarkTier* p) {
  p->set_level(static_cast<v1::TierLevel>(t.level));
  p->set_from_fen(t.from_fen);
  p->set_to_fen(t.to_fen);
  p->set_requires_first_offence(t.requires_first_offence);
  p->set_requires_prompt_correction(t.requires_prompt_correction);
  p->set_requires_no_harm(t.requires_no_harm);
  p->set_on_serious_harm(t.on_serious_harm);
  p->set_on_repeat_offence(t.on_repeat_offence);
  p->set_penalty_min_fen(t.penalty_min_fen);
  p->set_penalty_max_fen(t.penalty_max_fen);
  p->set_description(t.description);
}

void BenchmarkToProto(const DiscretionBenchmark& b, v1::DiscretionBenchmark* p) {
  p->set_domain(b.domain);
  p->set_violation_code(b.violation_code);
  p->set_violation(b.violation);
  common::LegalBasisToProto(b.legal_basis, p->mutable_legal_basis());
  p->set_measure(static_cast<v1::Measure>(b.measure));
  for (const auto& t : b.tiers) TierToProto(t, p->add_tiers());
  p->set_source_version(b.source_version);
  p->set_changed_on(FormatIsoDate(b.changed_on));
  p->set_city_code(b.city_code);
}

CaseFacts CaseFactsFromProto(const v1::CaseFacts& p) {
  return {p.amount_fen(),  p.first_offence(), p.prompt_correction(),
          p.harm_caused(), p.serious_harm(),  p.repeat_offence()};
}

Officer OfficerFromProto(const v1::Officer& p) {
  Officer o;
  o.certificate_number = p.certificate_number();
  o.agency_credit_code = p.agency_credit_code();
  o.name = p.name();
  o.category = p.category();
  o.valid_from = ParseIsoDate(p.valid_from());
  o.valid_until = ParseIsoDate(p.valid_until());
  o.status = static_cast<OfficerStatus>(p.status());
  o.source_version = p.source_version();
  o.changed_on = ParseIsoDate(p.changed_on());
  if (!p.changed_on().empty() && !o.changed_on) o.unreadable_changed_on = p.changed_on();
  return o;
}

void PublicOfficerToProto(const Officer& o, v1::Officer* p) {
  p->set_certificate_number(o.certificate_number);
  p->set_agency_credit_code(o.agency_credit_code);
  p->set_agency_name(o.agency_name);
  p->set_name(o.name);
  p->set_category(o.category);
  p->set_valid_from(FormatIsoDate(o.valid_from));
  p->set_valid_until(FormatIsoDate(o.valid_until));
  p->set_status(static_cast<v1::OfficerStatus>(o.status));
  p->set_city_code(o.city_code);
  p->set_changed_on(FormatIsoDate(o.changed_on));
}

v1::VerifyCertificateResponse::Verdict VerdictToProto(Verdict v) {
  switch (v) {
    case Verdict::kValid: return v1::VerifyCertificateResponse::VALID;
    case Verdict::kExpired: return v1::VerifyCertificateResponse::EXPIRED;
    case Verdict::kSuspended: return v1::VerifyCertificateResponse::SUSPENDED;
    case Verdict::kRevoked: return v1::VerifyCertificateResponse::REVOKED;
    case Verdict::kNotYetValid: return v1::VerifyCertificateResponse::NOT_YET_VALID;
    case Verdict::kUnknown: return v1::VerifyCertificateResponse::UNKNOWN;
  }
  return v1::VerifyCertificateResponse::UNKNOWN;
}

void CoverageToProto(const AgencyCoverage& c, v1::AgencyCoverage* p) {
  p->set_credit_code(c.facts.credit_code);
  p->set_name(c.facts.name);
  p->set_city_code(c.facts.city_code);
  p->set_qualification_list_current(c.qualification_list_current);
  p->set_powers_listed(c.facts.powers_listed);
  p->set_officers_listed(c.facts.officers_listed);
  p->set_benchmarks_for_domains(c.facts.benchmarks_for_domains);
  for (const auto& m : c.missing) p->add_missing(m);
  p->set_holds_inspection_powers(c.facts.holds_inspection_powers);
  p->set_inspection_plan_published(c.facts.inspection_plan_published);
  p->set_staffing_provisions_published(c.facts.staffing_provisions_published);
  // Present and current, as the proto has it.
  p->set_flowcharts_for_domains(!c.Missing("flowcharts_for_domains"));
}

InspectionPlan InspectionPlanFromProto(const v1::InspectionPlanNotice& p) {
  return {p.agency_credit_code(), p.year(), ParseIsoDate(p.published_on())};
}

}  // namespace gongkai::registry
