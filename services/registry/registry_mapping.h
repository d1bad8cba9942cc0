#pragma once

#include "gongkai/registry/v1/registry.pb.h"
#include "services/registry/agency.h"
#include "services/registry/benchmark.h"
#include "services/registry/officer.h"
#include "services/registry/powers.h"

namespace gongkai::registry {

// Proto <-> domain, field by field; no rules here.
Agency AgencyFromProto(const v1::Agency& proto);
void AgencyToProto(const Agency& agency, v1::Agency* proto);

PowersItem PowersItemFromProto(const v1::PowersItem& proto);
void PowersItemToProto(const PowersItem& item, v1::PowersItem* proto);

DiscretionBenchmark BenchmarkFromProto(const v1::DiscretionBenchmark& proto);
void BenchmarkToProto(const DiscretionBenchmark& benchmark, v1::DiscretionBenchmark* proto);
void TierToProto(const BenchmarkTier& tier, v1::BenchmarkTier* proto);
CaseFacts CaseFactsFromProto(const v1::CaseFacts& proto);

Officer OfficerFromProto(const v1::Officer& proto);
// The published fields only (DOMAIN.md: name, agency, category, certificate, validity, status).
void PublicOfficerToProto(const Officer& officer, v1::Officer* proto);

}  // namespace gongkai::registry
