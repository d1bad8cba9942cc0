// The size of the registry's public answers by construction (public_size.h):
// the largest record of each kind the bounds allow is valid, its public form
// measured as the lists send it fits its bound, and a full page of them stays
// under 4 MB.
#include "services/registry/public_size.h"

#include <gtest/gtest.h>

#include <climits>
#include <cstdint>
#include <string>

#include "common/domains.h"
#include "common/identifiers.h"
#include "common/paging.h"
#include "common/testing/adapter.h"
#include "common/testing/dates.h"
#include "gongkai/registry/v1/registry.pb.h"
#include "services/registry/agency.h"
#include "services/registry/coverage.h"
#include "services/registry/registry_mapping.h"

namespace gongkai::registry {
namespace {

using gongkai::testing::Day;

const common::Date kToday = Day("2026-06-15");

std::string CreditCode(const std::string& first17) { return first17 + common::CreditCodeCheckCharacter(first17); }

// Text of exactly `bytes` bytes.
std::string Text(std::size_t bytes) { return std::string(bytes, 'a'); }

void LargestTimeliness(common::v1::Timeliness* t) {
  t->set_rule(Text(32));
  t->set_clock_start("2026-04-15");
  t->set_due("2026-05-15");
  t->set_done("2026-06-15");
  t->set_status(common::v1::Timeliness::VERY_OVERDUE);
  t->set_lag_working_days(INT_MAX);
  t->set_provisional(true);
}

std::vector<common::LegalProvision> LargestProvisions() {
  return std::vector<common::LegalProvision>(kMaxProvisions, {Text(kMaxLawBytes), INT_MAX, INT_MAX, INT_MAX});
}

Agency LargestAgency() {
  Agency a;
  a.credit_code = CreditCode("11140105MB0000001");
  a.name = Text(kLineText.max_bytes);
  a.legal_representative = Text(kLineText.max_bytes);
  a.area_code = "140105";
  a.contact = Text(kLineText.max_bytes);
  a.domains = common::EnforcementDomains();
  a.valid_from = Day("2026-01-01");
  a.valid_until = Day("2029-12-31");
  a.source_version = INT64_MAX;
  a.city_code = "140100";
  a.updated_at = "2026-06-15T01:00:00Z";
  return a;
}

v1::Agency LargestPublicAgency() {
  v1::Agency p;
  AgencyToProto(LargestAgency(), &p);
  LargestTimeliness(p.mutable_qualification_list());
  p.set_expired(true);
  return p;
}

Officer LargestOfficer() {
  Officer o;
  o.certificate_number = std::string(kMaxCertificateNumber, '9');
  o.agency_credit_code = CreditCode("11140105MB0000001");
  o.name = Text(common::kNameText.max_bytes);
  o.category = Text(common::kNameText.max_bytes);
  o.valid_from = Day("2026-01-01");
  o.valid_until = Day("2029-12-31");
  o.status = OfficerStatus::kRevoked;
  o.source_version = INT64_MAX;
  o.changed_on = Day("2026-06-01");
  o.city_code = "140100";
  o.agency_name = Text(kLineText.max_bytes);
  return o;
}

v1::Officer LargestPublicOfficer() {
  v1::Officer p;
  PublicOfficerToProto(LargestOfficer(), &p);
  LargestTimeliness(p.mutable_timeliness());
  return p;
}

PowersItem LargestPowersItem() {
  PowersItem item;
  item.agency_credit_code = CreditCode("11140105MB0000001");
  item.source_id = Text(kSourceIdText.max_bytes);
  item.source_version = INT64_MAX;
  item.name = Text(kLineText.max_bytes);
  item.category = PowerCategory::kInspection;  // the only category with a random-check flag
  item.legal_basis = LargestProvisions();
  item.responsibilities = Text(kDutiesText.max_bytes);
  item.accountability = Text(kDutiesText.max_bytes);
  item.changed_on = Day("2026-06-01");
  item.city_code = "140100";
  item.change_seq = INT64_MAX;
  item.random_check = true;
  return item;
}

v1::PowersItem LargestPublicPowersItem() {
  v1::PowersItem p;
  PowersItemToProto(LargestPowersItem(), &p);
  LargestTimeliness(p.mutable_timeliness());
  return p;
}

// Five tiers, every one at its largest: the longest description, amounts of
// ten-digit-and-more varints, every flag its level allows.
DiscretionBenchmark LargestBenchmark() {
  DiscretionBenchmark b;
  b.domain = "emergency_management";  // a longest known code, 20 bytes
  b.violation_code = std::string(kMaxViolationCode, 'a');
  b.violation = Text(kLineText.max_bytes);
  b.legal_basis = LargestProvisions();
  b.measure = Measure::kIllegalGains;
  constexpr int64_t kBand = 1'000'000'000'000'000'000;
  for (int level = 1; level <= static_cast<int>(kMaxTiers); ++level) {
    BenchmarkTier t;
    t.level = static_cast<TierLevel>(level);
    t.from_fen = (level - 1) * kBand;
    t.to_fen = level == static_cast<int>(kMaxTiers) ? 0 : level * kBand;
    const bool lenient = t.level <= TierLevel::kLighter;
    t.requires_first_offence = lenient;
    t.requires_prompt_correction = lenient;
    t.requires_no_harm = lenient;
    t.on_serious_harm = t.level >= TierLevel::kHeavier;
    t.on_repeat_offence = t.level >= TierLevel::kHeavier;
    t.penalty_min_fen = INT64_MAX;
    t.penalty_max_fen = INT64_MAX;
    t.description = Text(kTierDescriptionText.max_bytes);
    b.tiers.push_back(t);
  }
  b.source_version = INT64_MAX;
  b.changed_on = Day("2026-06-01");
  b.city_code = "140100";
  return b;
}

v1::DiscretionBenchmark LargestPublicBenchmark() {
  v1::DiscretionBenchmark p;
  BenchmarkToProto(LargestBenchmark(), &p);
  LargestTimeliness(p.mutable_timeliness());
  return p;
}

// Every item missing, the inspection plan included, the longest name.
v1::AgencyCoverage LargestPublicCoverage() {
  CoverageFacts facts;
  facts.credit_code = CreditCode("11140105MB0000001");
  facts.name = Text(kLineText.max_bytes);
  facts.city_code = "140100";
  facts.valid_until = Day("2029-12-31");
  facts.holds_inspection_powers = true;
  v1::AgencyCoverage p;
  const testing::TestContext ctx(kToday);
  CoverageToProto(CoverageOf(facts, ctx.context().deadlines, kToday), &p);
  p.set_qualification_list_current(true);  // a flag's largest form
  p.set_powers_listed(true);
  p.set_officers_listed(true);
  p.set_staffing_provisions_published(true);
  p.set_flowcharts_for_domains(true);
  p.set_benchmarks_for_domains(true);
  p.set_inspection_plan_published(true);
  return p;
}

// A powers item as GetPowersItems answers it.
v1::PowersItem LargestPowersItemSummary() {
  v1::PowersItem p;
  PowersItemSummaryToProto(LargestPowersItem(), &p);
  return p;
}

TEST(RegistryPublicSize, TheLargestRecordsAreValid) {
  EXPECT_EQ(ValidateAgency(LargestAgency(), "a"), common::Violations{});
  EXPECT_EQ(ValidateOfficer(LargestOfficer(), "o", kToday), common::Violations{});
  EXPECT_EQ(ValidatePowersItem(LargestPowersItem(), "i", kToday), common::Violations{});
  EXPECT_EQ(ValidateBenchmark(LargestBenchmark(), "b", kToday), common::Violations{});
}

// What the arithmetic takes as given: the known domain codes and the
// coverage items fit their bounds.
TEST(RegistryPublicSize, TheCodesTheArithmeticBoundsFit) {
  EXPECT_LE(common::EnforcementDomains().size(), kMaxAgencyDomains);
  for (const auto& domain : common::EnforcementDomains()) EXPECT_LE(domain.size(), kMaxDomainBytes) << domain;
  const v1::AgencyCoverage coverage = LargestPublicCoverage();
  EXPECT_EQ(coverage.missing_size(), AgencyCoverage::kMostRequired);
  for (const auto& item : coverage.missing()) EXPECT_LE(item.size(), kCoverageItemBytes) << item;
}

TEST(RegistryPublicSize, TheArithmeticIsTheCommentsArithmetic) {
  EXPECT_EQ(kMaxPublicProvisionBytes, 546u);
  EXPECT_EQ(kMaxPublicAgencyBytes, 2'359u);
  EXPECT_EQ(kMaxPublicOfficerBytes, 1'171u);
  EXPECT_EQ(kMaxPublicPowersItemBytes, 31'729u);
  EXPECT_EQ(kMaxPowersItemSummaryBytes, 632u);
  EXPECT_EQ(kMaxPublicTierBytes, 630u);
  EXPECT_EQ(kMaxPublicBenchmarkBytes, 14'859u);
  EXPECT_EQ(kMaxPublicCoverageBytes, 894u);
  EXPECT_EQ(PageBytes(kAgencyPage.max, kMaxPublicAgencyBytes), 1'183'024u);
  EXPECT_EQ(PageBytes(kOfficerPage.max, kMaxPublicOfficerBytes), 589'024u);
  EXPECT_EQ(PageBytes(kPowersPage.max, kMaxPublicPowersItemBytes), 3'174'424u);
  EXPECT_EQ(PageBytes(kBenchmarkPage.max, kMaxPublicBenchmarkBytes), 1'487'424u);
  EXPECT_EQ(PageBytes(kCoveragePage.max, kMaxPublicCoverageBytes), 450'524u);
  EXPECT_EQ(PageBytes(kMaxPowersQueryAgencies * kMaxPowersQuerySourceIds, kMaxPowersItemSummaryBytes), 2'676'424u);
}

TEST(RegistryPublicSize, TheLargestPublicRecordsFitTheirBounds) {
  EXPECT_LE(LargestPublicAgency().ByteSizeLong(), kMaxPublicAgencyBytes);
  EXPECT_LE(LargestPublicOfficer().ByteSizeLong(), kMaxPublicOfficerBytes);
  const v1::PowersItem item = LargestPublicPowersItem();
  EXPECT_EQ(item.legal_basis_size(), static_cast<int>(kMaxProvisions));
  EXPECT_LE(item.ByteSizeLong(), kMaxPublicPowersItemBytes);
  const v1::DiscretionBenchmark benchmark = LargestPublicBenchmark();
  EXPECT_EQ(benchmark.tiers_size(), static_cast<int>(kMaxTiers));
  EXPECT_LE(benchmark.ByteSizeLong(), kMaxPublicBenchmarkBytes);
  EXPECT_LE(LargestPublicCoverage().ByteSizeLong(), kMaxPublicCoverageBytes);
  EXPECT_LE(LargestPowersItemSummary().ByteSizeLong(), kMaxPowersItemSummaryBytes);

  v1::VerifyCertificateResponse verified;
  verified.set_verdict(v1::VerifyCertificateResponse::NOT_YET_VALID);
  *verified.mutable_officer() = LargestPublicOfficer();
  EXPECT_LE(verified.ByteSizeLong(), PageBytes(1, kMaxPublicOfficerBytes));
}

// Full pages of the largest records, as the lists send them, with the
// largest page token, stay under 4 MB.
TEST(RegistryPublicSize, FullPagesOfTheLargestRecordsStayUnderFourMegabytes) {
  const std::string token = common::EncodePageToken({"140100", Text(kMaxDomainBytes), Text(kMaxViolationCode)});

  v1::ListAgenciesResponse agencies;
  for (int i = 0; i < kAgencyPage.max; ++i) *agencies.add_agencies() = LargestPublicAgency();
  agencies.set_next_page_token(token);
  EXPECT_LE(agencies.ByteSizeLong(), PageBytes(kAgencyPage.max, kMaxPublicAgencyBytes));

  v1::ListOfficersResponse officers;
  for (int i = 0; i < kOfficerPage.max; ++i) *officers.add_officers() = LargestPublicOfficer();
  officers.set_next_page_token(token);
  EXPECT_LE(officers.ByteSizeLong(), PageBytes(kOfficerPage.max, kMaxPublicOfficerBytes));

  v1::ListPowersResponse powers;
  v1::ListPowersChangesResponse changes;
  for (int i = 0; i < kPowersPage.max; ++i) *powers.add_items() = LargestPublicPowersItem();
  for (int i = 0; i < kPowersFeedPage.max; ++i) *changes.add_items() = LargestPublicPowersItem();
  powers.set_next_page_token(token);
  changes.set_last_seq(INT64_MAX);
  EXPECT_LE(powers.ByteSizeLong(), PageBytes(kPowersPage.max, kMaxPublicPowersItemBytes));
  EXPECT_LE(changes.ByteSizeLong(), PageBytes(kPowersFeedPage.max, kMaxPublicPowersItemBytes));

  v1::ListBenchmarksResponse benchmarks;
  for (int i = 0; i < kBenchmarkPage.max; ++i) *benchmarks.add_benchmarks() = LargestPublicBenchmark();
  benchmarks.set_next_page_token(token);
  EXPECT_LE(benchmarks.ByteSizeLong(), PageBytes(kBenchmarkPage.max, kMaxPublicBenchmarkBytes));

  v1::GetCoverageResponse coverage;
  for (int i = 0; i < kCoveragePage.max; ++i) *coverage.add_agencies() = LargestPublicCoverage();
  coverage.set_items_present(INT_MAX);
  coverage.set_items_required(INT_MAX);
  coverage.set_ratio(0.123456789);
  coverage.set_next_page_token(token);
  EXPECT_LE(coverage.ByteSizeLong(), PageBytes(kCoveragePage.max, kMaxPublicCoverageBytes));

  // GetPowersItems' largest answer: every item of 21 agencies with 200 ids.
  v1::GetPowersItemsResponse found;
  for (std::size_t i = 0; i < kMaxPowersQueryAgencies * kMaxPowersQuerySourceIds; ++i) {
    *found.add_items() = LargestPowersItemSummary();
  }
  EXPECT_LE(found.ByteSizeLong(),
            PageBytes(kMaxPowersQueryAgencies * kMaxPowersQuerySourceIds, kMaxPowersItemSummaryBytes));

  for (std::size_t bytes :
       {agencies.ByteSizeLong(), officers.ByteSizeLong(), powers.ByteSizeLong(), changes.ByteSizeLong(),
        benchmarks.ByteSizeLong(), coverage.ByteSizeLong(), found.ByteSizeLong()}) {
    EXPECT_LT(bytes, kPublicAnswerBytes);
  }
}

}  // namespace
}  // namespace gongkai::registry
