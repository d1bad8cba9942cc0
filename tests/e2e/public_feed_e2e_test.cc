// The public change feed through the gateway serves only what is public now:
// a corrected record's earlier content, a withdrawn decision's content, a
// record made private and a record past its retention are gone from every
// page read from seq 0, while every earlier entry keeps its seq; a record
// never public leaves no entry at all.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "common/calendar/iso_date.h"
#include "common/identifiers.h"
#include "gongkai/penalties/v1/penalties.grpc.pb.h"
#include "gongkai/registry/v1/registry.grpc.pb.h"
#include "tests/e2e/platform.h"
#include "tests/e2e/records.h"

namespace gongkai {
namespace {

using penalties::v1::Change;
using penalties::v1::PenaltiesService;
using RecordResult = common::v1::RecordResult;
using testing::CreditCode;

std::string CitizenId(const std::string& first17) { return first17 + common::CitizenIdCheckCharacter(first17); }

// Strings each in one record only, searched for in the feed's bytes.
constexpr char kLeak[] = "举报人系当事人前妻";               // in FD-1's first version only
constexpr char kWithdrawnFacts[] = "销售假冒白酒";           // FD-2, withdrawn
constexpr char kWithdrawnNumber[] = "并市监罚〔2026〕二号";  // FD-2's decision number
constexpr char kMinorFacts[] = "在校期间售卖电子烟";         // FD-3, later flagged a minor's case
constexpr char kKeptFacts[] = "无证经营小餐饮";              // FD-5, untouched

class PublicFeedEndToEnd : public testing::PlatformTest {
 protected:
  void SetUp() override {
    PlatformTest::SetUp();
    agency_ = AddAgency("140100", 71);
  }

  // A natural person's decision whose facts are `facts`, after the party's name.
  penalties::v1::PenaltyDecision Decision(const std::string& source_id, const std::string& facts,
                                          const std::string& date) {
    auto d = testing::PersonDecision(agency_, source_id, date, CitizenId("14010519800101123"));
    d.set_facts("当事人张三丰" + facts + "。");
    return d;
  }

  void Upsert(const std::vector<penalties::v1::PenaltyDecision>& decisions) {
    penalties::v1::UpsertDecisionsRequest request;
    for (const auto& d : decisions) *request.add_decisions() = d;
    penalties::v1::UpsertResponse response;
    grpc::Status status = Call("city-140100", &PenaltiesService::Stub::UpsertDecisions, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    for (const auto& r : response.results()) EXPECT_EQ(r.outcome(), RecordResult::ACCEPTED) << r.DebugString();
  }

  void Withdraw(const std::string& source_id) {
    penalties::v1::WithdrawDecisionRequest request;
    request.set_agency_credit_code(agency_);
    request.set_source_id(source_id);
    request.set_reason(penalties::v1::REVOKED);
    request.set_explanation("经行政复议，原处罚决定被撤销。");
    request.set_event_date(IsoDaysAgo(0));
    penalties::v1::PublishedRecord notice;
    grpc::Status status = Call("city-140100", &PenaltiesService::Stub::WithdrawDecision, request, &notice);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  // Every page of the feed from seq 0, `limit` entries at a time, as the
  // public receives them.
  std::vector<penalties::v1::ListChangesResponse> Pages(int limit) {
    std::vector<penalties::v1::ListChangesResponse> pages;
    int64_t after = 0;
    for (;;) {
      penalties::v1::ListChangesRequest request;
      request.set_after_seq(after);
      request.set_limit(limit);
      penalties::v1::ListChangesResponse page;
      grpc::Status status = Call("", &PenaltiesService::Stub::ListChanges, request, &page);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok() || page.changes_size() == 0) return pages;
      after = page.last_seq();
      pages.push_back(page);
    }
  }

  static std::vector<Change> Entries(const std::vector<penalties::v1::ListChangesResponse>& pages) {
    std::vector<Change> out;
    for (const auto& page : pages) out.insert(out.end(), page.changes().begin(), page.changes().end());
    return out;
  }

  // The pages in which `needle` occurs, as bytes on the wire.
  static int PagesHolding(const std::vector<penalties::v1::ListChangesResponse>& pages, const std::string& needle) {
    int count = 0;
    for (const auto& page : pages) count += page.SerializeAsString().find(needle) != std::string::npos;
    return count;
  }

  std::string agency_;
};

TEST_F(PublicFeedEndToEnd, EveryPageFromSeqZeroCarriesOnlyWhatIsPublicNow) {
  auto corrected = Decision("FD-1", "销售过期食品，" + std::string(kLeak), IsoDaysAgo(5));
  auto withdrawn = Decision("FD-2", kWithdrawnFacts, IsoDaysAgo(5));
  withdrawn.set_decision_number(kWithdrawnNumber);
  auto minor = Decision("FD-3", kMinorFacts, IsoDaysAgo(5));
  auto never_public = Decision("FD-4", "未成年人案件", IsoDaysAgo(5));
  never_public.set_severity(penalties::v1::MINOR);  // a MINOR-tier decision is never published
  auto kept = Decision("FD-5", kKeptFacts, IsoDaysAgo(5));
  Upsert({corrected, withdrawn, minor, never_public, kept});

  // A coercive measure against a minor, never public.
  penalties::v1::UpsertMeasuresRequest measures;
  auto* m = measures.add_measures();
  m->set_agency_credit_code(agency_);
  m->set_source_id("CM-MINOR");
  m->set_source_version(1);
  m->set_document_number("并市监强〔2026〕9号");
  m->set_domain("market_regulation");
  m->mutable_party()->set_kind(penalties::v1::Party::NATURAL_PERSON);
  m->mutable_party()->set_name("李小四");
  m->mutable_party()->set_id_number(CitizenId("14010520120101123"));
  m->mutable_party()->set_minor(true);
  auto* basis = m->add_legal_basis();
  basis->set_law("中华人民共和国食品安全法");
  basis->set_article(110);
  m->set_type(penalties::v1::SEIZE);
  m->set_object_name("电子烟");
  m->set_object_quantity("20盒");
  m->set_period_start(IsoDaysAgo(4));
  m->set_period_end(IsoDaysAgo(-26));
  m->set_release_conditions("作出处理决定后解除");
  penalties::v1::UpsertResponse stored;
  ASSERT_TRUE(Call("city-140100", &PenaltiesService::Stub::UpsertMeasures, measures, &stored).ok());
  ASSERT_EQ(stored.results(0).outcome(), RecordResult::ACCEPTED);

  const auto before = Pages(2);
  const auto published = Entries(before);
  ASSERT_EQ(published.size(), 4u) << "FD-1, FD-2, FD-3 and FD-5; FD-4 and CM-MINOR are never public";
  EXPECT_EQ(PagesHolding(before, kLeak), 1) << "the leak was public before the correction";
  EXPECT_EQ(PagesHolding(before, kWithdrawnFacts), 1);
  EXPECT_EQ(PagesHolding(before, kMinorFacts), 1);

  // The correction, the withdrawal, the minor's case, and the withdrawal and
  // release of records the public never saw.
  corrected.set_source_version(2);
  corrected.set_facts("当事人张三丰销售过期食品。");
  minor.set_source_version(2);
  minor.mutable_party()->set_minor(true);
  Upsert({corrected, minor});
  Withdraw("FD-2");
  Withdraw("FD-4");
  penalties::v1::ReleaseMeasureRequest release;
  release.set_agency_credit_code(agency_);
  release.set_source_id("CM-MINOR");
  release.set_release_date(IsoDaysAgo(0));
  release.set_explanation("已作出处理决定，解除扣押。");
  penalties::v1::PublishedRecord released;
  ASSERT_TRUE(Call("city-140100", &PenaltiesService::Stub::ReleaseMeasure, release, &released).ok());
  EXPECT_EQ(released.released_on(), IsoDaysAgo(0)) << "the release is recorded for the city";

  for (int limit : {1, 2, 50}) {
    SCOPED_TRACE("pages of " + std::to_string(limit));
    const auto pages = Pages(limit);
    EXPECT_EQ(PagesHolding(pages, kLeak), 0);
    EXPECT_EQ(PagesHolding(pages, kWithdrawnFacts), 0);
    EXPECT_EQ(PagesHolding(pages, kWithdrawnNumber), 0);
    EXPECT_EQ(PagesHolding(pages, kMinorFacts), 0);
    EXPECT_EQ(PagesHolding(pages, "FD-4"), 0) << "a decision never public has no entry, not even its withdrawal";
    EXPECT_EQ(PagesHolding(pages, "CM-MINOR"), 0) << "a measure never public has no entry, not even its release";
    EXPECT_EQ(PagesHolding(pages, "张三丰"), 0);
    EXPECT_EQ(PagesHolding(pages, kKeptFacts), 1) << "a record nobody changed keeps its content";

    const auto entries = Entries(pages);
    ASSERT_EQ(entries.size(), published.size() + 3) << "FD-1 republished, FD-2 withdrawn, FD-3 unpublished";
    // Every earlier entry is where it was, with its type and key.
    for (std::size_t i = 0; i < published.size(); ++i) {
      EXPECT_EQ(entries[i].seq(), published[i].seq());
      EXPECT_EQ(entries[i].type(), published[i].type());
      EXPECT_EQ(entries[i].record().source_id(), published[i].record().source_id());
      EXPECT_EQ(entries[i].content_removed(), entries[i].record().source_id() != "FD-5") << entries[i].seq();
      if (entries[i].content_removed()) {
        EXPECT_FALSE(entries[i].record().has_decision());
        EXPECT_EQ(entries[i].record().published_on(), "");
        EXPECT_FALSE(entries[i].record().has_timeliness());
      }
    }
    std::map<std::string, const Change*> latest;
    for (std::size_t i = published.size(); i < entries.size(); ++i) {
      EXPECT_GT(entries[i].seq(), published.back().seq());
      latest[entries[i].record().source_id()] = &entries[i];
    }
    ASSERT_EQ(latest.size(), 3u);
    EXPECT_EQ(latest["FD-1"]->type(), Change::PUBLISHED);
    EXPECT_FALSE(latest["FD-1"]->content_removed());
    EXPECT_EQ(latest["FD-1"]->record().decision().facts(), "当事人张某某销售过期食品。");
    EXPECT_EQ(latest["FD-2"]->type(), Change::WITHDRAWN);
    EXPECT_FALSE(latest["FD-2"]->content_removed());
    EXPECT_EQ(latest["FD-2"]->record().withdrawal_explanation(), "经行政复议，原处罚决定被撤销。");
    EXPECT_FALSE(latest["FD-2"]->record().has_decision()) << "the notice replaces the decision";
    EXPECT_EQ(latest["FD-3"]->type(), Change::UNPUBLISHED);
    EXPECT_TRUE(latest["FD-3"]->content_removed());
  }
}

// On a day past a decision's retention, the feed no longer serves its content,
// from seq 0 as from anywhere, though its entry keeps its seq; a decision
// still within its retention is served whole.
class PublicFeedAfterRetention : public PublicFeedEndToEnd {
 protected:
  testing::PlatformOptions Options() override {
    testing::PlatformOptions options;
    options.pinned_date = "2027-06-01";
    return options;
  }
};

TEST_F(PublicFeedAfterRetention, AnEntryPastItsRetentionIsServedAsTheKeyOnly) {
  auto general = Decision("RT-1", "占道经营流动摊贩", "2026-05-10");  // public through 2027-05-09
  auto serious = Decision("RT-2", "生产销售不合格奶粉", "2026-05-10");
  serious.set_severity(penalties::v1::SERIOUS);  // public through 2029-05-09
  Upsert({general, serious});

  const auto pages = Pages(1);
  const auto entries = Entries(pages);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].record().source_id(), "RT-1");
  EXPECT_EQ(entries[0].type(), Change::PUBLISHED);
  EXPECT_TRUE(entries[0].content_removed());
  EXPECT_FALSE(entries[0].record().has_decision());
  EXPECT_EQ(entries[0].record().public_until(), "");
  EXPECT_EQ(PagesHolding(pages, "占道经营流动摊贩"), 0);
  EXPECT_EQ(entries[1].record().source_id(), "RT-2");
  EXPECT_FALSE(entries[1].content_removed());
  EXPECT_EQ(entries[1].record().public_until(), "2029-05-09");
  EXPECT_EQ(PagesHolding(pages, "生产销售不合格奶粉"), 1);
}

}  // namespace
}  // namespace gongkai
