#include "services/registry/flowchart_store.h"

#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include "common/identifiers.h"
#include "common/testing/dates.h"
#include "common/testing/postgres.h"
#include "services/registry/agency_store.h"

namespace gongkai::registry {
namespace {

using common::UpsertOutcome;
using gongkai::testing::Day;

// A credit code issued in `region` (GB 32100 characters 3-8).
std::string AgencyCode(const std::string& region, int n) {
  std::string first17 = "11" + region + "MB" + std::to_string(1000000 + n).substr(0, 7);
  return first17 + common::CreditCodeCheckCharacter(first17);
}

const std::string kMarket = AgencyCode("140100", 1);      // Taiyuan, market regulation
const std::string kUrban = AgencyCode("140100", 2);       // Taiyuan, urban management and housing
const std::string kDatong = AgencyCode("140200", 3);      // Datong, transport
const std::string kProvincial = AgencyCode("140000", 4);  // the province's, market regulation

class FlowchartStoreTest : public ::testing::Test {
 protected:
  FlowchartStoreTest()
      : pool_(db_.MigratedPool(gongkai_registry_migrations())),
        agencies_(std::make_unique<PgAgencyStore>(*pool_)),
        store_(std::make_unique<PgFlowchartStore>(*pool_)) {
    agencies_->UpsertBatch("140100",
                           {MakeAgency(kMarket, "140100", {"market_regulation"}),
                            MakeAgency(kUrban, "140100", {"urban_management", "housing_construction"})},
                           {}, Day("2026-01-05"));
    agencies_->UpsertBatch("140200", {MakeAgency(kDatong, "140200", {"transport"})}, {}, Day("2026-01-05"));
    agencies_->UpsertBatch("province", {MakeAgency(kProvincial, "140000", {"market_regulation"})}, {},
                           Day("2026-01-05"));
  }

  static Agency MakeAgency(const std::string& code, const std::string& city, std::vector<std::string> domains) {
    Agency a;
    a.credit_code = code;
    a.name = "执法机构" + code.substr(14, 3);
    a.legal_representative = "王某";
    a.area_code = city == "140000" ? "140100" : city;
    a.city_code = city;
    a.contact = "0351-1";
    a.domains = std::move(domains);
    a.valid_from = Day("2026-01-01");
    a.valid_until = Day("2030-12-31");
    a.source_version = 1;
    return a;
  }

  static Flowchart Make(const std::string& agency, const std::string& domain, int64_t version) {
    Flowchart f;
    f.agency_credit_code = agency;
    f.domain = domain;
    f.source_version = version;
    f.changed_on = Day("2026-06-01");
    f.title = "行政处罚流程图 " + domain;
    for (FlowchartStage stage : kFlowchartStages) f.steps.push_back({stage, "环节 " + StageName(stage) + "\n说明"});
    f.link = "https://example.gov.cn/" + domain + ".pdf";
    return f;
  }

  static StaffingProvisions MakeProvisions(const std::string& agency, int64_t version) {
    StaffingProvisions p;
    p.agency_credit_code = agency;
    p.source_version = version;
    p.title = "职能配置、内设机构和人员编制规定";
    p.document_number = "晋办发〔2019〕" + std::to_string(version) + "号";
    p.approved_on = Day("2019-03-15");
    p.link = "https://example.gov.cn/sdgd.html";
    return p;
  }

  std::vector<UpsertOutcome> Upsert(const std::vector<Flowchart>& flowcharts, const char* today = "2026-06-15",
                                    const std::string& scope = "140100") {
    return store_->UpsertFlowcharts(scope, flowcharts, {}, Day(today));
  }

  std::vector<Flowchart> List(const FlowchartFilter& filter = {}) { return store_->ListFlowcharts(filter); }

  static FlowchartFilter Filter(const std::string& agency, const std::string& domain = "",
                                const std::string& city = "") {
    FlowchartFilter filter;
    filter.agency_credit_code = agency;
    filter.domain = domain;
    filter.city_code = city;
    return filter;
  }

  testing::TestDatabase db_;
  std::unique_ptr<common::PgPool> pool_;
  std::unique_ptr<PgAgencyStore> agencies_;
  std::unique_ptr<PgFlowchartStore> store_;
};

TEST_F(FlowchartStoreTest, AgenciesOfAnswersTheCityAndDomainsOfTheRegisteredOnes) {
  const auto facts = store_->AgenciesOf({kUrban, kProvincial, AgencyCode("140100", 99)});
  ASSERT_EQ(facts.size(), 2u);
  EXPECT_EQ(facts.at(kUrban).city_code, "140100");
  EXPECT_EQ(facts.at(kUrban).domains, (std::vector<std::string>{"urban_management", "housing_construction"}));
  EXPECT_EQ(facts.at(kProvincial).city_code, "140000");
  EXPECT_EQ(facts.at(kProvincial).domains, std::vector<std::string>{"market_regulation"});
  EXPECT_TRUE(store_->AgenciesOf({}).empty());
}

TEST_F(FlowchartStoreTest, NewerVersionIsAcceptedEqualOrOlderUnchangedAndEveryFieldRoundTrips) {
  EXPECT_EQ(Upsert({Make(kMarket, "market_regulation", 2), Make(kUrban, "urban_management", 1)}),
            (std::vector<UpsertOutcome>{UpsertOutcome::kAccepted, UpsertOutcome::kAccepted}));
  Flowchart older = Make(kMarket, "market_regulation", 1);
  older.title = "旧标题";
  Flowchart newer = Make(kUrban, "urban_management", 2);
  newer.title = "新标题";
  newer.link.clear();
  EXPECT_EQ(Upsert({older, newer}), (std::vector<UpsertOutcome>{UpsertOutcome::kUnchanged, UpsertOutcome::kAccepted}));
  EXPECT_EQ(Upsert({Make(kMarket, "market_regulation", 2)}), std::vector<UpsertOutcome>{UpsertOutcome::kUnchanged});

  const auto listed = List();
  ASSERT_EQ(listed.size(), 2u);
  const Flowchart sent = Make(kMarket, "market_regulation", 2);
  EXPECT_EQ(listed[0].agency_credit_code, kMarket);
  EXPECT_EQ(listed[0].domain, "market_regulation");
  EXPECT_EQ(listed[0].source_version, 2);
  EXPECT_EQ(listed[0].title, sent.title);
  EXPECT_EQ(listed[0].steps, sent.steps);
  EXPECT_EQ(listed[0].link, sent.link);
  EXPECT_EQ(listed[0].changed_on, Day("2026-06-01"));
  EXPECT_EQ(listed[0].published_on, Day("2026-06-15"));
  EXPECT_EQ(listed[0].city_code, "140100");
  EXPECT_EQ(listed[0].updated_at.size(), 20u) << listed[0].updated_at;
  EXPECT_EQ(listed[0].updated_at.back(), 'Z');
  EXPECT_EQ(listed[1].title, "新标题");
  EXPECT_EQ(listed[1].link, "");
  EXPECT_EQ(listed[1].source_version, 2);
}

// The city is the agency's, whoever's scope the batch is in: a provincial
// agency's flowchart is the province's (140000).
TEST_F(FlowchartStoreTest, EachFlowchartIsStoredUnderItsAgencysCity) {
  Upsert({Make(kProvincial, "market_regulation", 1)}, "2026-06-15", "province");
  Upsert({Make(kDatong, "transport", 1)}, "2026-06-15", "140200");
  const auto listed = List();
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].agency_credit_code, kProvincial);
  EXPECT_EQ(listed[0].city_code, "140000");
  EXPECT_EQ(listed[1].city_code, "140200");
}

// A flowchart's 20 WD run from changed_on to the first day a version with
// that changed_on was stored: a correction does not publish it again, a new
// change does.
TEST_F(FlowchartStoreTest, ACorrectionKeepsItsPublicationDayANewChangeIsPublishedThatDay) {
  Upsert({Make(kMarket, "market_regulation", 1)}, "2026-06-15");
  Flowchart correction = Make(kMarket, "market_regulation", 2);
  correction.title = "更正后的标题";
  EXPECT_EQ(Upsert({correction}, "2026-07-20"), std::vector<UpsertOutcome>{UpsertOutcome::kAccepted});
  auto stored = List();
  EXPECT_EQ(stored[0].title, "更正后的标题");
  EXPECT_EQ(stored[0].published_on, Day("2026-06-15"));

  Flowchart changed = Make(kMarket, "market_regulation", 3);
  changed.changed_on = Day("2026-07-10");
  Upsert({changed}, "2026-07-21");
  stored = List();
  EXPECT_EQ(stored[0].changed_on, Day("2026-07-10"));
  EXPECT_EQ(stored[0].published_on, Day("2026-07-21"));
}

TEST_F(FlowchartStoreTest, ChangeFeedIsInSeqOrderAndResumesAfterTheLastSeqSeen) {
  Upsert({Make(kMarket, "market_regulation", 1), Make(kUrban, "urban_management", 1),
          Make(kUrban, "housing_construction", 1)});
  const auto all = store_->FlowchartChanges(0, 100);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_LT(all[0].change_seq, all[1].change_seq);
  EXPECT_LT(all[1].change_seq, all[2].change_seq);
  const int64_t last = all.back().change_seq;
  EXPECT_TRUE(store_->FlowchartChanges(last, 100).empty());

  // An unchanged version is no change; a new one comes once, at its latest seq.
  Upsert({Make(kMarket, "market_regulation", 1), Make(kUrban, "urban_management", 2)});
  const auto changed = store_->FlowchartChanges(last, 100);
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(changed[0].agency_credit_code, kUrban);
  EXPECT_EQ(changed[0].domain, "urban_management");
  EXPECT_EQ(changed[0].source_version, 2);
  EXPECT_GT(changed[0].change_seq, last);
  EXPECT_EQ(store_->FlowchartChanges(0, 100).size(), 3u);
  EXPECT_EQ(store_->FlowchartChanges(0, 2).size(), 2u);
}

TEST_F(FlowchartStoreTest, ListFiltersByAgencyDomainAndCityAndPagesByKey) {
  Upsert({Make(kMarket, "market_regulation", 1), Make(kUrban, "urban_management", 1),
          Make(kUrban, "housing_construction", 1)});
  Upsert({Make(kDatong, "transport", 1)}, "2026-06-15", "140200");

  EXPECT_EQ(List().size(), 4u);
  EXPECT_EQ(List(Filter(kUrban)).size(), 2u);
  const auto housing = List(Filter("", "housing_construction"));
  ASSERT_EQ(housing.size(), 1u);
  EXPECT_EQ(housing[0].agency_credit_code, kUrban);
  const auto datong = List(Filter("", "", "140200"));
  ASSERT_EQ(datong.size(), 1u);
  EXPECT_EQ(datong[0].agency_credit_code, kDatong);
  EXPECT_EQ(List(Filter("", "", "140100")).size(), 3u);
  EXPECT_TRUE(List(Filter(kMarket, "transport")).empty());

  // Keyset pages, by (agency, domain).
  const auto first = List({"", "", "", "", "", 2});
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].agency_credit_code, kMarket);
  EXPECT_EQ(first[1].agency_credit_code, kUrban);
  EXPECT_EQ(first[1].domain, "housing_construction");
  const auto rest = List({"", "", "", first[1].agency_credit_code, first[1].domain, 10});
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_EQ(rest[0].agency_credit_code, kUrban);
  EXPECT_EQ(rest[0].domain, "urban_management");
  EXPECT_EQ(rest[1].agency_credit_code, kDatong);
}

// The adapter asks for the agencies first; a record of an agency the
// registry does not hold is not stored by the merge either.
TEST_F(FlowchartStoreTest, AFlowchartOfAnUnregisteredAgencyIsNotStored) {
  EXPECT_EQ(Upsert({Make(AgencyCode("140100", 99), "market_regulation", 1)}),
            std::vector<UpsertOutcome>{UpsertOutcome::kUnchanged});
  EXPECT_TRUE(List().empty());
}

TEST_F(FlowchartStoreTest, RejectionsAreKeptUnderTheScopeUntilAnAcceptedVersionClearsThem) {
  const std::string key = FlowchartKey(kProvincial, "market_regulation");
  common::Rejection flowchart{
      "flowchart", key, 1, R"({"domain":"market_regulation"})", {{"flowcharts[0].title", "required"}}, "", 0};
  common::Rejection provisions{
      "staffing_provisions", kProvincial, 1, R"({"title":""})", {{"provisions[0].title", "required"}}, "", 0};
  store_->UpsertFlowcharts("province", {}, {flowchart}, Day("2026-06-15"));
  store_->UpsertProvisions("province", {}, {provisions}, Day("2026-06-15"));
  auto kept = agencies_->ListRejections("province", 0, 10);
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[0].kind, "staffing_provisions");
  EXPECT_EQ(kept[0].key, kProvincial);
  EXPECT_EQ(kept[1].kind, "flowchart");
  EXPECT_EQ(kept[1].key, key);
  EXPECT_EQ(kept[1].violations, flowchart.violations);
  EXPECT_TRUE(agencies_->ListRejections("140100", 0, 10).empty());

  Upsert({Make(kProvincial, "market_regulation", 2)}, "2026-06-15", "province");
  kept = agencies_->ListRejections("province", 0, 10);
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].kind, "staffing_provisions");
  store_->UpsertProvisions("province", {MakeProvisions(kProvincial, 2)}, {}, Day("2026-06-15"));
  EXPECT_TRUE(agencies_->ListRejections("province", 0, 10).empty());
}

TEST_F(FlowchartStoreTest, ProvisionsRoundTripUnderTheirAgencysCityAndKeepTheirPublicationDay) {
  EXPECT_EQ(store_->UpsertProvisions("140100", {MakeProvisions(kMarket, 1), MakeProvisions(kUrban, 1)}, {},
                                     Day("2026-06-15")),
            (std::vector<UpsertOutcome>{UpsertOutcome::kAccepted, UpsertOutcome::kAccepted}));
  store_->UpsertProvisions("province", {MakeProvisions(kProvincial, 1)}, {}, Day("2026-06-15"));
  EXPECT_EQ(store_->UpsertProvisions("140100", {MakeProvisions(kMarket, 1)}, {}, Day("2026-06-16")),
            std::vector<UpsertOutcome>{UpsertOutcome::kUnchanged});

  auto listed = store_->ListProvisions({"", "", "", 10});
  ASSERT_EQ(listed.size(), 3u);
  const StaffingProvisions sent = MakeProvisions(kMarket, 1);
  EXPECT_EQ(listed[0].agency_credit_code, kProvincial);
  EXPECT_EQ(listed[0].city_code, "140000");
  EXPECT_EQ(listed[1].agency_credit_code, kMarket);
  EXPECT_EQ(listed[1].city_code, "140100");
  EXPECT_EQ(listed[1].title, sent.title);
  EXPECT_EQ(listed[1].document_number, sent.document_number);
  EXPECT_EQ(listed[1].approved_on, Day("2019-03-15"));
  EXPECT_EQ(listed[1].link, sent.link);
  EXPECT_EQ(listed[1].published_on, Day("2026-06-15"));
  EXPECT_EQ(listed[1].updated_at.size(), 20u);

  // A correction keeps the day; provisions approved anew are published that day.
  store_->UpsertProvisions("140100", {MakeProvisions(kMarket, 2)}, {}, Day("2026-07-01"));
  StaffingProvisions revised = MakeProvisions(kMarket, 3);
  revised.approved_on = Day("2026-06-30");
  store_->UpsertProvisions("140100", {revised}, {}, Day("2026-07-02"));
  listed = store_->ListProvisions({kMarket, "", "", 10});
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].source_version, 3);
  EXPECT_EQ(listed[0].approved_on, Day("2026-06-30"));
  EXPECT_EQ(listed[0].published_on, Day("2026-07-02"));
  store_->UpsertProvisions("140100", {MakeProvisions(kMarket, 4)}, {}, Day("2026-07-03"));
  EXPECT_EQ(store_->ListProvisions({kMarket, "", "", 10})[0].published_on, Day("2026-07-03"))
      << "back to the 2019 approval: a change of approval day";
}

TEST_F(FlowchartStoreTest, ProvisionsListFiltersByAgencyAndCityAndPagesByAgency) {
  store_->UpsertProvisions("140100", {MakeProvisions(kMarket, 1), MakeProvisions(kUrban, 1)}, {}, Day("2026-06-15"));
  store_->UpsertProvisions("140200", {MakeProvisions(kDatong, 1)}, {}, Day("2026-06-15"));
  EXPECT_EQ(store_->ListProvisions({"", "140100", "", 10}).size(), 2u);
  EXPECT_EQ(store_->ListProvisions({kDatong, "", "", 10}).size(), 1u);
  EXPECT_TRUE(store_->ListProvisions({kDatong, "140100", "", 10}).empty());
  const auto first = store_->ListProvisions({"", "", "", 2});
  ASSERT_EQ(first.size(), 2u);
  const auto rest = store_->ListProvisions({"", "", first.back().agency_credit_code, 2});
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].agency_credit_code, kDatong);
}

}  // namespace
}  // namespace gongkai::registry
