// The size of public answers by construction (penalty_public.h): the largest
// record the bounds of penalty.h allow, measured as the public reads send it,
// fits kMaxPublicRecordBytes, and a page of kMaxPublicPage of them stays under
// 4 MB.
#include <gtest/gtest.h>

#include <climits>
#include <string>
#include <vector>

#include "common/calendar/iso_date.h"
#include "common/identifiers.h"
#include "common/paging.h"
#include "gongkai/penalties/v1/penalties.pb.h"
#include "services/penalties/penalty.h"
#include "services/penalties/penalty_public.h"
#include "services/penalties/penalty_rows.h"

namespace gongkai::penalties {
namespace {

const common::Date kToday = *common::ParseIsoDate("2026-05-20");

std::string CreditCode(const std::string& first17) { return first17 + common::CreditCodeCheckCharacter(first17); }

// Text of exactly `bytes` bytes, of characters that masking leaves as they are.
std::string Text(std::size_t bytes) { return std::string(bytes, 'a'); }

// The party's fields that are never published, at their largest, in letters
// the free text does not hold (masking would mask them there); its legal
// representative, published in full, likewise.
Party LargestParty() {
  return {Party::Kind::kOrganization,
          Text(200),
          CreditCode("91140100MA0KABCD1"),
          "",
          false,
          std::string(1000, 'b'),
          std::string(200, 'c'),
          std::string(kMaxBankAccountBytes, 'd'),
          std::string(200, 'f')};
}

// The largest officers' list: 20 distinct certificate numbers of 32 characters.
std::vector<std::string> LargestOfficers() {
  std::vector<std::string> officers;
  for (std::size_t i = 0; i < kMaxOfficers; ++i) {
    std::string number = std::to_string(i);
    officers.push_back(std::string(kCertificateBytes - number.size(), 'A') + number);
  }
  return officers;
}

// The persons a record may mention, never published.
std::vector<std::string> LargestMentionedPersons() {
  return std::vector<std::string>(kMaxMentionedPersons, std::string(200, 'e'));
}

Remedy LargestRemedy() { return {Text(200), 365, Text(200), 24}; }

std::vector<common::LegalProvision> LargestProvisions() {
  return std::vector<common::LegalProvision>(kMaxProvisions, {Text(500), INT_MAX, INT_MAX, INT_MAX});
}

PenaltyDecision LargestDecision() {
  PenaltyDecision d;
  d.agency_credit_code = CreditCode("11140100MB0000101");
  d.source_id = Text(kMaxSourceIdBytes);
  d.source_version = INT64_MAX;
  d.decision_number = Text(200);
  d.domain = Text(200);
  d.party = LargestParty();
  d.facts = Text(20'000);
  d.violated = LargestProvisions();
  d.applied = LargestProvisions();
  d.result = {true, 10'000'000'000'000, 10'000'000'000'000, 3650, true, Text(1000)};
  d.remedy = LargestRemedy();
  d.decision_date = common::ParseIsoDate("2026-04-15");
  d.severity = CreditSeverity::kSerious;
  d.legal_application_explanation = "第5档" + Text(20'000 - 7);  // names its tier (7 bytes)
  d.benchmark_violation_code = Text(200);
  d.benchmark_tier = 5;
  d.mentioned_persons = LargestMentionedPersons();
  d.powers_item_source_id = Text(kMaxSourceIdBytes);
  d.officers = LargestOfficers();
  return d;
}

CoerciveMeasure LargestMeasure() {
  CoerciveMeasure m;
  m.agency_credit_code = CreditCode("11140100MB0000101");
  m.source_id = Text(kMaxSourceIdBytes);
  m.source_version = INT64_MAX;
  m.document_number = Text(200);
  m.domain = Text(200);
  m.party = LargestParty();
  m.legal_basis = LargestProvisions();
  m.type = MeasureType::kRestrictLiberty;
  m.object_name = Text(200);
  m.object_quantity = Text(1000);
  m.period_start = common::ParseIsoDate("2026-04-15");
  m.period_end = common::ParseIsoDate("2026-05-15");
  m.release_conditions = Text(20'000);
  m.necessity_statement = Text(20'000);
  m.remedy = LargestRemedy();
  m.mentioned_persons = LargestMentionedPersons();
  return m;
}

void LargestTimeliness(common::v1::Timeliness* t) {
  t->set_rule(Text(kRuleNameBytes));
  t->set_clock_start("2026-04-15");
  t->set_due("2026-04-24");
  t->set_done("2026-05-20");
  t->set_status(common::v1::Timeliness::VERY_OVERDUE);
  t->set_lag_working_days(INT_MAX);
  t->set_provisional(true);
}

// The envelope of a public record at its largest: every field set, the
// withdrawal explanation at 2000 bytes each masked as a 3-byte ＊.
v1::PublishedRecord LargestEnvelope(const RecordToStore& row) {
  v1::PublishedRecord out;
  out.set_kind(v1::GetRecordRequest::MEASURE);
  out.set_agency_credit_code(row.agency_credit_code);
  out.set_source_id(row.source_id);
  out.set_city_code("140100");
  out.set_domain(row.domain);
  out.set_published_on("2026-05-20");
  LargestTimeliness(out.mutable_timeliness());
  out.set_withdrawn(true);
  out.set_withdrawal_reason(v1::FOUND_ILLEGAL);
  std::string explanation;
  for (std::size_t i = 0; i < kMaxExplanationBytes; ++i) explanation += "＊";
  out.set_withdrawal_explanation(explanation);
  out.set_withdrawn_on("2026-05-20");
  LargestTimeliness(out.mutable_withdrawal_timeliness());
  out.set_released_on("2026-05-20");
  out.set_public_until("2029-04-14");
  return out;
}

v1::PublishedRecord LargestPublicDecision() {
  const PenaltyDecision d = LargestDecision();
  const RecordToStore row = RowOf(d);
  v1::PublishedRecord out = LargestEnvelope(row);
  EXPECT_TRUE(out.mutable_decision()->ParseFromString(row.public_record));
  return out;
}

v1::PublishedRecord LargestPublicMeasure() {
  const RecordToStore row = RowOf(LargestMeasure());
  v1::PublishedRecord out = LargestEnvelope(row);
  EXPECT_TRUE(out.mutable_measure()->ParseFromString(row.public_record));
  return out;
}

TEST(PublicSize, TheLargestRecordsAreValid) {
  EXPECT_EQ(ValidateDecision(LargestDecision(), "d", kToday), common::Violations{});
  EXPECT_EQ(ValidateMeasure(LargestMeasure(), "m", kToday), common::Violations{});
}

TEST(PublicSize, TheArithmeticIsTheCommentsArithmetic) {
  EXPECT_EQ(kMaxPublicProvisionBytes, 546u);
  EXPECT_EQ(kMaxPublicPartyBytes, 485u);
  EXPECT_EQ(kMaxPublicDecisionBytes, 65'411u);
  EXPECT_EQ(kMaxPublicMeasureBytes, 53'620u);
  EXPECT_EQ(kMaxPublicRecordBytes, 72'081u);
  EXPECT_EQ(kMaxPublicPage * (kMaxPublicRecordBytes + kPageEntryCost) + kPageTrailerBytes, 3'607'374u);
}

TEST(PublicSize, TheLargestPublicRecordFitsItsBound) {
  const v1::PublishedRecord decision = LargestPublicDecision();
  ASSERT_TRUE(decision.has_decision());
  EXPECT_EQ(decision.decision().mentioned_persons_size(), 0) << "never published";
  EXPECT_EQ(decision.decision().party().bank_account(), "") << "never published";
  EXPECT_EQ(decision.decision().violated_size(), static_cast<int>(kMaxProvisions));
  EXPECT_EQ(decision.decision().facts().size(), 20'000u);
  EXPECT_EQ(decision.decision().party().legal_representative().size(), 200u) << "published in full";
  EXPECT_EQ(decision.decision().officers_size(), static_cast<int>(kMaxOfficers));
  EXPECT_EQ(decision.decision().powers_item_source_id().size(), kMaxSourceIdBytes);
  EXPECT_LE(decision.decision().ByteSizeLong(), kMaxPublicDecisionBytes);
  EXPECT_LE(decision.ByteSizeLong(), kMaxPublicRecordBytes);

  const v1::PublishedRecord measure = LargestPublicMeasure();
  ASSERT_TRUE(measure.has_measure());
  EXPECT_EQ(measure.measure().mentioned_persons_size(), 0) << "never published";
  EXPECT_LE(measure.measure().ByteSizeLong(), kMaxPublicMeasureBytes);
  EXPECT_LE(measure.ByteSizeLong(), kMaxPublicRecordBytes);
}

// A whole page of the largest records, as ListChanges and ListPublished send
// it, stays under 4 MB.
TEST(PublicSize, APageOfTheLargestRecordsStaysUnderFourMegabytes) {
  const v1::PublishedRecord largest = LargestPublicDecision();
  v1::ListChangesResponse changes;
  for (int i = 0; i < kMaxPublicPage; ++i) {
    auto* c = changes.add_changes();
    c->set_seq(INT64_MAX);
    c->set_type(v1::Change::UNPUBLISHED);
    c->set_content_removed(true);
    *c->mutable_record() = largest;
  }
  changes.set_last_seq(INT64_MAX);
  EXPECT_LT(changes.ByteSizeLong(), kPublicAnswerBytes);
  EXPECT_LE(changes.ByteSizeLong(), kMaxPublicPage * (kMaxPublicRecordBytes + kPageEntryCost) + kPageTrailerBytes);

  v1::ListPublishedResponse published;
  for (int i = 0; i < kMaxPublicPage; ++i) *published.add_records() = largest;
  published.set_next_page_token(
      common::EncodePageToken({"2026-04-15", largest.agency_credit_code(), largest.source_id()}));
  EXPECT_LT(published.ByteSizeLong(), kPublicAnswerBytes);
  EXPECT_LE(published.ByteSizeLong(), kMaxPublicPage * (kMaxPublicRecordBytes + kPageEntryCost) + kPageTrailerBytes);
}

}  // namespace
}  // namespace gongkai::penalties
