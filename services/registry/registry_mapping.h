#pragma once

#include "gongkai/registry/v1/registry.pb.h"
#include "services/registry/agency.h"
#include "services/registry/benchmark.h"
#include "services/registry/coverage.h"
#include "services/registry/inspection_plan.h"
#include "services/registry/officer.h"
#include "services/registry/powers.h"

namespace gongkai::registry {

// Proto <-> domain, field by field; no rules here. Dates are ISO text on the
// wire: one that is not a date reads as none (the domain's validation names
// it), and none is written as "".
Agency AgencyFromProto(const v1::Agency& proto);
void AgencyToProto(const Agency& agency, v1::Agency* proto);

PowersItem PowersItemFromProto(const v1::PowersItem& proto);
void PowersItemToProto(const PowersItem& item, v1::PowersItem* proto);
// What GetPowersItems answers of an item: agency, source id, name, category,
// random-check flag and city, without the long texts.
void PowersItemSummaryToProto(const PowersItem& item, v1::PowersItem* proto);

DiscretionBenchmark BenchmarkFromProto(const v1::DiscretionBenchmark& proto);
void BenchmarkToProto(const DiscretionBenchmark& benchmark, v1::DiscretionBenchmark* proto);
void TierToProto(const BenchmarkTier& tier, v1::BenchmarkTier* proto);
CaseFacts CaseFactsFromProto(const v1::CaseFacts& proto);

Officer OfficerFromProto(const v1::Officer& proto);
// The published fields only (DOMAIN.md: name, agency, category, certificate, validity, status).
void PublicOfficerToProto(const Officer& officer, v1::Officer* proto);
v1::VerifyCertificateResponse::Verdict VerdictToProto(Verdict verdict);

void CoverageToProto(const AgencyCoverage& coverage, v1::AgencyCoverage* proto);

InspectionPlan InspectionPlanFromProto(const v1::InspectionPlanNotice& proto);

}  // namespace gongkai::registry
