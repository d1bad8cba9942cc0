#include "services/registry/agency_store.h"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <future>
#include <map>
#include <set>
#include <thread>
#include <tuple>

#include "common/calendar/iso_date.h"
#include "common/identifiers.h"
#include "common/testing/dates.h"
#include "common/testing/postgres.h"
#include "services/registry/powers_store.h"

namespace gongkai::registry {
namespace {

using gongkai::testing::Day;

const common::Date kToday = Day("2026-11-28");

std::string Code(int n, const std::string& area = "140100") {
  std::string first17 = "11" + area + std::string("MB") + std::to_string(1000000 + n).substr(0, 7);
  return first17 + common::CreditCodeCheckCharacter(first17);
}

Agency Make(int n, int64_t version, const std::string& area = "140105") {
  Agency a;
  a.credit_code = Code(n, area);
  a.name = "机构" + std::to_string(n);
  a.legal_representative = "李某";
  a.area_code = area;
  a.city_code = common::CityOfArea(area);
  a.contact = "0351-0000000";
  a.domains = {"market_regulation", "transport"};
  a.valid_from = Day("2026-01-01");
  a.valid_until = Day("2028-12-31");
  a.source_version = version;
  return a;
}

// True once some session of the test's database waits for a row lock.
bool SomeoneWaitsForALock(const std::string& url) {
  pqxx::connection conn(url);
  for (int i = 0; i < 200; ++i) {
    pqxx::nontransaction tx(conn);
    const pqxx::result waiting = tx.exec(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
    if (waiting[0][0].as<int>() > 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  return false;
}

class AgencyStoreTest : public ::testing::Test {
 protected:
  AgencyStoreTest()
      : pool_(db_.MigratedPool(gongkai_registry_migrations())), store_(std::make_unique<PgAgencyStore>(*pool_)) {}
  testing::TestDatabase db_;
  std::unique_ptr<common::PgPool> pool_;
  std::unique_ptr<PgAgencyStore> store_;
};

TEST_F(AgencyStoreTest, NewerVersionReplacesOlderNeverTheReverse) {
  auto r = store_->UpsertBatch("140100", {Make(1, 5)}, {}, kToday);
  ASSERT_EQ(r.outcomes.size(), 1u);
  EXPECT_EQ(r.outcomes[0], common::UpsertOutcome::kAccepted);

  Agency older = Make(1, 4);
  older.name = "旧名";
  EXPECT_EQ(store_->UpsertBatch("140100", {older}, {}, kToday).outcomes[0], common::UpsertOutcome::kUnchanged);
  EXPECT_EQ(store_->UpsertBatch("140100", {Make(1, 5)}, {}, kToday).outcomes[0], common::UpsertOutcome::kUnchanged);
  EXPECT_EQ(store_->Get(Make(1, 5).credit_code)->name, "机构1");

  Agency newer = Make(1, 6);
  newer.name = "新名";
  EXPECT_EQ(store_->UpsertBatch("140100", {newer}, {}, kToday).outcomes[0], common::UpsertOutcome::kAccepted);
  auto got = store_->Get(newer.credit_code);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->name, "新名");
  EXPECT_EQ(got->source_version, 6);
  EXPECT_EQ(got->city_code, "140100");
  EXPECT_EQ(got->domains, (std::vector<std::string>{"market_regulation", "transport"}));
}

TEST_F(AgencyStoreTest, AgencyOfAnotherCityIsNotOverwrittenAndNothingIsStored) {
  store_->UpsertBatch("140100", {Make(1, 1)}, {}, kToday);
  Agency hijack = Make(1, 9, "140202");
  hijack.credit_code = Make(1, 1).credit_code;
  auto r = store_->UpsertBatch("140200", {Make(2, 1, "140202"), hijack}, {}, kToday);
  ASSERT_EQ(r.foreign.size(), 1u);
  EXPECT_EQ(r.foreign[0], hijack.credit_code);
  EXPECT_FALSE(store_->Get(Make(2, 1, "140202").credit_code));
  EXPECT_EQ(store_->Get(hijack.credit_code)->source_version, 1);
}

// Another city's write of the same agency commits after the batch has begun
// (after any check made before the write would have run): the batch still
// sees it, inside its own transaction, reports it, and stores nothing.
TEST_F(AgencyStoreTest, AnAgencyCommittedByAnotherCityDuringTheBatchRefusesTheBatch) {
  const Agency taiyuans = Make(7, 1);
  pqxx::connection rival_conn(db_.url());
  pqxx::work rival(rival_conn);
  rival.exec_params(
      "INSERT INTO registry.agencies (credit_code, name, legal_representative, area_code, city_code, contact, "
      "domains, valid_from, valid_until, source_version) VALUES ($1, '太原的机构', '王某', '140105', '140100', "
      "'0351-1', '{market_regulation}', '2026-01-01', '2030-12-31', 1)",
      taiyuans.credit_code);

  Agency taken = Make(7, 2, "140202");
  taken.credit_code = taiyuans.credit_code;
  const Agency own = Make(8, 1, "140202");
  auto batch = std::async(std::launch::async, [&] { return store_->UpsertBatch("140200", {own, taken}, {}, kToday); });
  EXPECT_TRUE(SomeoneWaitsForALock(db_.url())) << "the batch waits for the rival's row";
  rival.commit();
  const auto r = batch.get();

  EXPECT_EQ(r.foreign, (std::vector<std::string>{taiyuans.credit_code})) << "reported, not UNCHANGED";
  EXPECT_FALSE(store_->Get(own.credit_code)) << "nothing of the batch is stored";
  auto kept = store_->Get(taiyuans.credit_code);
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->city_code, "140100");
  EXPECT_EQ(kept->name, "太原的机构");
  EXPECT_EQ(kept->source_version, 1);
}

TEST_F(AgencyStoreTest, AProvincialAgencyIsStoredUnderTheProvinceAndItsRejectionsUnderProvince) {
  Agency provincial = Make(9, 1, "140000");
  provincial.area_code = "140100";
  ASSERT_EQ(provincial.city_code, "140000");
  Rejection bad{
      "agency", Make(10, 1, "140000").credit_code, 1, R"({"credit_code":"y"})", {{"agencies[1].name", "required"}}, "",
      0};
  auto r = store_->UpsertBatch("province", {provincial}, {bad}, kToday);
  ASSERT_EQ(r.outcomes, (std::vector<common::UpsertOutcome>{common::UpsertOutcome::kAccepted}));
  EXPECT_EQ(store_->Get(provincial.credit_code)->city_code, "140000");
  ASSERT_EQ(store_->ListRejections("province", 0, 10).size(), 1u);
  EXPECT_TRUE(store_->ListRejections("140100", 0, 10).empty());

  // A city sending it under its own city is refused.
  Agency taken = provincial;
  taken.city_code = "140100";
  taken.source_version = 2;
  EXPECT_EQ(store_->UpsertBatch("140100", {taken}, {}, kToday).foreign,
            (std::vector<std::string>{provincial.credit_code}));
  EXPECT_EQ(store_->Get(provincial.credit_code)->source_version, 1);
}

TEST_F(AgencyStoreTest, RejectionsAreKeptAndClearedByAnAcceptedResend) {
  Rejection bad{"agency", Make(3, 1).credit_code, 1, R"({"credit_code":"x"})", {{"agencies[0].name", "required"}}, "",
                0};
  store_->UpsertBatch("140100", {}, {bad}, kToday);
  auto kept = store_->ListRejections("140100", 0, 10);
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].violations, bad.violations);
  EXPECT_EQ(kept[0].raw_json, R"({"credit_code":"x"})");
  EXPECT_TRUE(store_->ListRejections("140200", 0, 10).empty());

  store_->UpsertBatch("140100", {Make(3, 2)}, {}, kToday);
  EXPECT_TRUE(store_->ListRejections("140100", 0, 10).empty());
}

TEST_F(AgencyStoreTest, ListFiltersByCityAndDomainAndPages) {
  std::vector<Agency> taiyuan;
  for (int i = 0; i < 5; ++i) taiyuan.push_back(Make(10 + i, 1));
  store_->UpsertBatch("140100", taiyuan, {}, kToday);
  Agency datong = Make(20, 1, "140202");
  datong.domains = {"health"};
  store_->UpsertBatch("140200", {datong}, {}, kToday);

  EXPECT_EQ(store_->List({"140100", "", "", 100}).size(), 5u);
  EXPECT_EQ(store_->List({"", "health", "", 100}).size(), 1u);
  EXPECT_EQ(store_->List({"140200", "transport", "", 100}).size(), 0u);

  auto first = store_->List({"140100", "", "", 2});
  ASSERT_EQ(first.size(), 2u);
  auto rest = store_->List({"140100", "", first.back().credit_code, 100});
  EXPECT_EQ(rest.size(), 3u);
  EXPECT_GT(rest.front().credit_code, first.back().credit_code);
}

// Storing an agency creates it on the day, its list not confirmed; a new
// version changing only what is not on the list (contact, representative,
// the order of the domains) confirms nothing and keeps the creation day.
TEST_F(AgencyStoreTest, AgencyUpsertDoesNotConfirmTheQualificationList) {
  store_->UpsertBatch("140100", {Make(1, 1)}, {}, Day("2026-06-15"));
  auto stored = store_->Get(Make(1, 1).credit_code);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->created_on, Day("2026-06-15"));
  EXPECT_EQ(stored->qualification_confirmed_on, std::nullopt);

  Agency contact = Make(1, 2);
  contact.contact = "0351-1111111，太原市新建路1号";
  contact.legal_representative = "王某";
  contact.domains = {"transport", "market_regulation"};
  ASSERT_EQ(store_->UpsertBatch("140100", {contact}, {}, Day("2026-06-20")).outcomes[0],
            common::UpsertOutcome::kAccepted);
  stored = store_->Get(contact.credit_code);
  EXPECT_EQ(stored->contact, "0351-1111111，太原市新建路1号");
  EXPECT_EQ(stored->qualification_confirmed_on, std::nullopt);
  EXPECT_EQ(stored->created_on, Day("2026-06-15"));
}

// Each field of the list, changed by a new version, confirms the list on the
// day that version is stored; ConfirmQualificationLists does too.
TEST_F(AgencyStoreTest, ChangingTheQualificationListConfirmsIt) {
  const std::string code = Make(1, 1).credit_code;
  store_->UpsertBatch("140100", {Make(1, 1)}, {}, Day("2026-03-02"));
  const std::vector<std::function<void(Agency&)>> changes = {
      [](Agency& a) { a.name = "新名"; },
      [](Agency& a) { a.area_code = "140106"; },
      [](Agency& a) { a.domains = {"market_regulation"}; },
      [](Agency& a) { a.valid_from = Day("2026-02-01"); },
      [](Agency& a) { a.valid_until = Day("2029-12-31"); },
  };
  common::Date day = Day("2026-03-02");
  Agency current = Make(1, 1);
  for (std::size_t i = 0; i < changes.size(); ++i) {
    day += std::chrono::days(1);
    changes[i](current);
    current.source_version = static_cast<int64_t>(i) + 2;
    ASSERT_EQ(store_->UpsertBatch("140100", {current}, {}, day).outcomes[0], common::UpsertOutcome::kAccepted);
    EXPECT_EQ(store_->Get(code)->qualification_confirmed_on, day) << "change " << i;
  }
  EXPECT_EQ(store_->Get(code)->created_on, Day("2026-03-02"));

  const auto confirmed = store_->ConfirmQualificationLists("140100", {code}, Day("2026-04-01"));
  EXPECT_EQ(confirmed.confirmed, std::vector<bool>{true});
  EXPECT_EQ(store_->Get(code)->qualification_confirmed_on, Day("2026-04-01"));
}

// An officer counts when their certificate is valid on the day asked:
// ACTIVE, within its validity. Expired, not yet valid, suspended and revoked
// ones do not.
TEST_F(AgencyStoreTest, OfficersCountOnlyWithAValidCertificate) {
  std::vector<Agency> agencies;
  for (int n = 1; n <= 5; ++n) agencies.push_back(Make(n, 1));
  store_->UpsertBatch("140100", agencies, {}, kToday);
  // Agency i holds certificate i: status (1 ACTIVE, 2 SUSPENDED, 3 REVOKED), valid from, valid until.
  const std::vector<std::tuple<int, std::string, std::string>> certificates = {
      {1, "2025-01-01", "2027-12-31"},  // valid
      {1, "2023-01-01", "2026-11-27"},  // expired the day before
      {1, "2026-11-29", "2029-12-31"},  // valid from the day after
      {2, "2025-01-01", "2027-12-31"},  // suspended
      {3, "2025-01-01", "2027-12-31"},  // revoked
  };
  pool_->Run([&](pqxx::connection& c) {
    pqxx::work tx(c);
    for (std::size_t i = 0; i < certificates.size(); ++i) {
      const auto& [status, from, until] = certificates[i];
      tx.exec_params(
          "INSERT INTO registry.officers (certificate_number, agency_credit_code, city_code, name, category, "
          "valid_from, valid_until, status, source_version, code_generation, officer_code, published_on) "
          "VALUES ($1, $2, '140100', '执法员', '市场监管', $3::date, $4::date, $5, 1, 1, $1, '2026-01-05')",
          "C-" + std::to_string(i), agencies[i].credit_code, from, until, status);
    }
    tx.commit();
    return 0;
  });
  const auto officers_listed = [&](common::Date day) {
    std::map<std::string, bool> out;
    for (const auto& f : store_->Coverage("140100", "", 2026, day)) out[f.credit_code] = f.officers_listed;
    return out;
  };
  auto today = officers_listed(kToday);
  EXPECT_TRUE(today.at(agencies[0].credit_code)) << "ACTIVE, valid today";
  EXPECT_FALSE(today.at(agencies[1].credit_code)) << "expired yesterday";
  EXPECT_FALSE(today.at(agencies[2].credit_code)) << "valid from tomorrow";
  EXPECT_FALSE(today.at(agencies[3].credit_code)) << "suspended";
  EXPECT_FALSE(today.at(agencies[4].credit_code)) << "revoked";
  auto earlier = officers_listed(Day("2026-11-27"));
  EXPECT_TRUE(earlier.at(agencies[1].credit_code)) << "on its last valid day";
  EXPECT_FALSE(officers_listed(Day("2028-01-01")).at(agencies[0].credit_code));
}

// The changes a city sent and the registry has not stored are its rejected
// powers items and benchmarks: of each agency, its own items, and of its
// city's benchmarks, those of its domains; the earliest changed_on counts. A
// rejected version no newer than the stored one, one without a readable
// changed_on and another city's do not.
TEST_F(AgencyStoreTest, CoverageFactsCarryTheEarliestChangeNotStored) {
  Agency datong = Make(3, 1, "140202");
  store_->UpsertBatch("140100", {Make(1, 1), Make(2, 1)}, {}, kToday);
  store_->UpsertBatch("140200", {datong}, {}, kToday);
  const std::string one = Make(1, 1).credit_code;
  const std::string two = Make(2, 1).credit_code;
  PgPowersStore powers(*pool_);
  PowersItem item;
  item.agency_credit_code = one;
  item.source_id = "XK-1";
  item.source_version = 2;
  item.name = "食品经营许可";
  item.category = PowerCategory::kLicensing;
  item.legal_basis = {{"中华人民共和国食品安全法", 35, 0, 0}};
  item.responsibilities = "审查";
  item.accountability = "失职追责";
  item.changed_on = Day("2026-09-01");
  powers.UpsertBatch("140100", {item}, {}, kToday);
  const auto rejected = [](const std::string& kind, const std::string& key, int64_t version,
                           const std::string& changed_on) {
    return Rejection{
        kind, key, version, R"({"changed_on":")" + changed_on + R"(","name":""})", {{"x.name", "required"}}, "", 0};
  };
  powers.UpsertBatch(
      "140100", {},
      {rejected("powers_item", one + "/XK-1", 1, "2026-03-01"),  // older than the stored one
       rejected("powers_item", one + "/XK-2", 1, "2026-10-12"), rejected("powers_item", one + "/XK-3", 4, "2026-10-09"),
       rejected("powers_item", one + "/XK-4", 1, "2026-02-30"),  // not a date
       rejected("benchmark", "transport/overload", 1, "2026-08-03"),
       rejected("benchmark", "health/no_licence", 1, "2026-01-05")},  // no agency's domain
      kToday);
  powers.UpsertBatch("140200", {}, {rejected("powers_item", datong.credit_code + "/XK-9", 1, "2026-01-06")}, kToday);

  std::map<std::string, CoverageFacts> facts;
  for (const auto& f : store_->Coverage("", "", 2026, kToday)) facts[f.credit_code] = f;
  ASSERT_EQ(facts.size(), 3u);
  EXPECT_EQ(facts.at(one).unpublished_powers_since, Day("2026-10-09"));
  EXPECT_EQ(facts.at(one).unpublished_benchmarks_since, Day("2026-08-03"));
  EXPECT_EQ(facts.at(two).unpublished_powers_since, std::nullopt);
  EXPECT_EQ(facts.at(two).unpublished_benchmarks_since, Day("2026-08-03")) << "a benchmark of its city and domain";
  EXPECT_EQ(facts.at(datong.credit_code).unpublished_powers_since, Day("2026-01-06"));
  EXPECT_EQ(facts.at(datong.credit_code).unpublished_benchmarks_since, std::nullopt) << "another city's";

  const auto alone = store_->Coverage("", two, 2026, kToday);
  ASSERT_EQ(alone.size(), 1u);
  EXPECT_EQ(alone[0].unpublished_benchmarks_since, Day("2026-08-03"));

  // An accepted newer version clears its rejection.
  item.source_id = "XK-3";
  item.source_version = 5;
  powers.UpsertBatch("140100", {item}, {}, kToday);
  EXPECT_EQ(store_->Coverage("", one, 2026, kToday)[0].unpublished_powers_since, Day("2026-10-12"));
}

// The day each agency's plan of a year was first public, as the stored row says.
std::map<std::pair<std::string, int>, std::string> StoredPlans(common::PgPool& pool) {
  return pool.Run([](pqxx::connection& c) {
    pqxx::work tx(c);
    std::map<std::pair<std::string, int>, std::string> out;
    for (const auto& r :
         tx.exec("SELECT agency_credit_code, year, published_on::text FROM registry.inspection_plans")) {
      out[{r[0].as<std::string>(), r[1].as<int>()}] = r[2].as<std::string>();
    }
    return out;
  });
}

// Notices of registered agencies are kept, the earliest day of each agency
// and year; those of unknown agencies are counted and dropped; sending the
// same notices again changes nothing.
TEST_F(AgencyStoreTest, InspectionPlansKeepTheEarliestDayAndCountUnknownAgencies) {
  store_->UpsertBatch("140100", {Make(1, 1), Make(2, 1)}, {}, kToday);
  const std::string one = Make(1, 1).credit_code;
  const std::string two = Make(2, 1).credit_code;
  const std::string unknown = Make(3, 1).credit_code;
  const std::vector<InspectionPlan> notices = {{one, 2026, Day("2025-12-28")},
                                               {one, 2026, Day("2025-12-20")},
                                               {two, 2026, Day("2026-01-05")},
                                               {two, 2027, Day("2026-12-30")},
                                               {unknown, 2026, Day("2026-01-05")}};
  auto r = store_->RecordInspectionPlans(notices);
  EXPECT_EQ(r.recorded, 4);
  EXPECT_EQ(r.unknown_agencies, 1);
  const std::map<std::pair<std::string, int>, std::string> expected = {
      {{one, 2026}, "2025-12-20"}, {{two, 2026}, "2026-01-05"}, {{two, 2027}, "2026-12-30"}};
  EXPECT_EQ(StoredPlans(*pool_), expected);

  r = store_->RecordInspectionPlans(notices);
  EXPECT_EQ(r.recorded, 4);
  EXPECT_EQ(r.unknown_agencies, 1);
  EXPECT_EQ(StoredPlans(*pool_), expected) << "idempotent";

  // A later day leaves the earlier one; an earlier day replaces it.
  store_->RecordInspectionPlans({{one, 2026, Day("2026-02-01")}, {two, 2026, Day("2025-11-30")}});
  const auto stored = StoredPlans(*pool_);
  EXPECT_EQ(stored.at({one, 2026}), "2025-12-20");
  EXPECT_EQ(stored.at({two, 2026}), "2025-11-30");

  r = store_->RecordInspectionPlans({});
  EXPECT_EQ(r.recorded, 0);
  EXPECT_EQ(r.unknown_agencies, 0);
}

// An agency holding a powers item of category INSPECTION owes the plan of
// the year asked; whether it is recorded is a fact of that year only.
TEST_F(AgencyStoreTest, CoverageFactsSayWhoHoldsInspectionPowersAndWhetherThePlanOfTheYearIsRecorded) {
  store_->UpsertBatch("140100", {Make(1, 1), Make(2, 1), Make(3, 1)}, {}, kToday);
  const std::string inspects = Make(1, 1).credit_code;
  const std::string penalises = Make(2, 1).credit_code;
  const std::string bare = Make(3, 1).credit_code;
  PgPowersStore powers(*pool_);
  PowersItem item;
  item.agency_credit_code = inspects;
  item.source_id = "JC-1";
  item.source_version = 1;
  item.name = "食品安全监督检查";
  item.category = PowerCategory::kInspection;
  item.legal_basis = {{"中华人民共和国食品安全法", 110, 0, 0}};
  item.responsibilities = "检查";
  item.accountability = "失职追责";
  item.changed_on = Day("2026-09-01");
  PowersItem penalty = item;
  penalty.agency_credit_code = penalises;
  penalty.category = PowerCategory::kPenalty;
  powers.UpsertBatch("140100", {item, penalty}, {}, kToday);
  store_->RecordInspectionPlans({{inspects, 2025, Day("2024-12-30")}, {penalises, 2026, Day("2025-12-30")}});

  const auto facts = [&](int year) {
    std::map<std::string, std::pair<bool, bool>> out;  // holds inspection powers, plan published
    for (const auto& f : store_->Coverage("140100", "", year, kToday)) {
      out[f.credit_code] = {f.holds_inspection_powers, f.inspection_plan_published};
    }
    return out;
  };
  auto of2026 = facts(2026);
  ASSERT_EQ(of2026.size(), 3u);
  EXPECT_EQ(of2026.at(inspects), std::pair(true, false)) << "last year's plan does not count this year";
  EXPECT_EQ(of2026.at(penalises), std::pair(false, true)) << "holds no inspection powers";
  EXPECT_EQ(of2026.at(bare), std::pair(false, false));
  EXPECT_EQ(facts(2025).at(inspects), std::pair(true, true));

  store_->RecordInspectionPlans({{inspects, 2026, Day("2026-01-10")}});
  EXPECT_EQ(facts(2026).at(inspects), std::pair(true, true));
  const auto one = store_->Coverage("", inspects, 2026, kToday);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_TRUE(one[0].powers_listed);
  EXPECT_FALSE(one[0].officers_listed);
}

// Runs `sql` with `params` in a transaction of its own.
template <typename... Params>
void Exec(common::PgPool& pool, const std::string& sql, const Params&... params) {
  pool.Run([&](pqxx::connection& c) {
    pqxx::work tx(c);
    tx.exec_params(sql, params...);
    tx.commit();
    return 0;
  });
}

void InsertFlowchart(common::PgPool& pool, const std::string& agency, const std::string& domain, int64_t version,
                     const std::string& changed_on, const std::string& published_on) {
  Exec(pool,
       "INSERT INTO registry.flowcharts (agency_credit_code, domain, city_code, source_version, title, steps, link, "
       "changed_on, published_on) VALUES ($1, $2, '140100', $3, '流程图', '[]', '', $4::date, $5::date)",
       agency, domain, version, changed_on, published_on);
}

Rejection Rejected(const std::string& kind, const std::string& key, int64_t version, const std::string& raw) {
  return Rejection{kind, key, version, raw, {{"x.name", "required"}}, "", 0};
}

// An agency's "三定" provisions and a flowchart of each of its domains are
// coverage facts; a rejected flowchart newer than the stored one is a change
// not stored.
TEST_F(AgencyStoreTest, CoverageFactsSayWhetherProvisionsAndAFlowchartOfEachDomainAreStored) {
  store_->UpsertBatch("140100", {Make(1, 1), Make(2, 1)}, {}, kToday);
  const std::string one = Make(1, 1).credit_code;
  const std::string two = Make(2, 1).credit_code;
  Exec(*pool_,
       "INSERT INTO registry.staffing_provisions (agency_credit_code, city_code, source_version, title, "
       "document_number, approved_on, link, published_on) "
       "VALUES ($1, '140100', 1, '三定规定', '并编发〔2025〕1号', '2025-06-01', 'https://example.cn/1', '2026-01-05')",
       one);
  InsertFlowchart(*pool_, one, "market_regulation", 1, "2026-03-02", "2026-03-03");
  const auto facts = [&](const std::string& code) { return store_->Coverage("", code, 2026, kToday).at(0); };
  CoverageFacts f = facts(one);
  EXPECT_TRUE(f.staffing_provisions_published);
  EXPECT_FALSE(f.flowcharts_for_domains);
  EXPECT_EQ(f.domains_without_flowchart, std::vector<std::string>{"transport"});
  EXPECT_EQ(f.domains, (std::vector<std::string>{"market_regulation", "transport"}));
  EXPECT_EQ(f.unpublished_flowcharts_since, std::nullopt);
  EXPECT_FALSE(facts(two).staffing_provisions_published);
  EXPECT_EQ(facts(two).domains_without_flowchart, (std::vector<std::string>{"market_regulation", "transport"}));

  InsertFlowchart(*pool_, one, "transport", 1, "2026-03-02", "2026-03-03");
  PgPowersStore powers(*pool_);
  powers.UpsertBatch("140100", {},
                     {Rejected("flowchart", one + "/transport", 2, R"({"changed_on":"2026-10-09","title":""})"),
                      Rejected("flowchart", one + "/market_regulation", 1, R"({"changed_on":"2026-01-09"})")},
                     kToday);
  f = facts(one);
  EXPECT_TRUE(f.flowcharts_for_domains);
  EXPECT_TRUE(f.domains_without_flowchart.empty());
  EXPECT_EQ(f.unpublished_flowcharts_since, Day("2026-10-09")) << "not the one no newer than the stored version";
}

// A change not stored counts for its agency when the scope that sent it is
// the agency's own: the province for a provincial agency (its rejections are
// kept under "province"), not another city claiming the agency.
TEST_F(AgencyStoreTest, AChangeNotStoredCountsForItsAgencyOnlyFromTheAgencysOwnScope) {
  const Agency provincial = Make(9, 1, "140000");
  const Agency datong = Make(3, 1, "140202");
  store_->UpsertBatch("province", {provincial}, {}, kToday);
  store_->UpsertBatch("140200", {datong}, {}, kToday);
  PgPowersStore powers(*pool_);
  powers.UpsertBatch(
      "province", {},
      {Rejected("flowchart", provincial.credit_code + "/transport", 1, R"({"changed_on":"2026-08-03"})")}, kToday);
  powers.UpsertBatch("140100", {},
                     {Rejected("powers_item", datong.credit_code + "/XK-8", 1, R"({"changed_on":"2026-07-01"})")},
                     kToday);

  std::set<std::string> keys;
  for (const auto& r : store_->DeadlineRecords("", "", 2026)) {
    keys.insert(r.key);
    if (r.key == provincial.credit_code + "/transport") {
      EXPECT_EQ(r.city_code, "140000");
    }
  }
  EXPECT_TRUE(keys.contains(provincial.credit_code + "/transport")) << "the province's own agency";
  EXPECT_FALSE(keys.contains(datong.credit_code + "/XK-8")) << "another city's claim on Datong's agency";

  EXPECT_EQ(store_->Coverage("", provincial.credit_code, 2026, kToday).at(0).unpublished_flowcharts_since,
            Day("2026-08-03"));
  EXPECT_EQ(store_->Coverage("140000", "", 2026, kToday).at(0).unpublished_flowcharts_since, Day("2026-08-03"));
  EXPECT_EQ(store_->Coverage("", datong.credit_code, 2026, kToday).at(0).unpublished_powers_since, std::nullopt);
}

// The records of the 20 WD rules of a year: stored ones with the day they
// were stored, and the changes not stored (rejections newer than the stored
// version) with the clock start their raw record claims.
TEST_F(AgencyStoreTest, DeadlineRecordsAreTheYearsRecordsStoredAndTheChangesNotStored) {
  const Agency datong = Make(3, 1, "140202");
  store_->UpsertBatch("140100", {Make(1, 1)}, {}, kToday);
  store_->UpsertBatch("140200", {datong}, {}, kToday);
  const std::string one = Make(1, 1).credit_code;
  const std::string insert_item =
      "INSERT INTO registry.powers_items (agency_credit_code, source_id, city_code, source_version, name, category, "
      "legal_basis, responsibilities, accountability, changed_on, published_on) "
      "VALUES ($1, $2, '140100', 2, '许可', 1, '[]', '审查', '追责', $3::date, $4::date)";
  Exec(*pool_, insert_item, one, "XK-1", "2026-05-06", "2026-06-03");
  Exec(*pool_, insert_item, one, "XK-0", "2025-05-06", "2025-05-07");
  InsertFlowchart(*pool_, one, "market_regulation", 1, "2026-03-02", "2026-03-03");
  Exec(*pool_,
       "INSERT INTO registry.benchmarks (city_code, domain, violation_code, violation, legal_basis, measure, tiers, "
       "source_version, changed_on, published_on) "
       "VALUES ('140100', 'transport', 'overload', '超限运输', '[]', 1, '[]', 1, '2026-04-01', '2026-04-02')");
  Exec(*pool_,
       "INSERT INTO registry.officers (certificate_number, agency_credit_code, city_code, name, category, "
       "valid_from, valid_until, status, source_version, code_generation, officer_code, published_on) "
       "VALUES ('C-1', $1, '140100', '执法员', '市场监管', '2026-02-02', '2029-12-31', 1, 1, 1, 'C-1', '2026-02-03')",
       one);
  PgPowersStore powers(*pool_);
  powers.UpsertBatch(
      "140100", {},
      {Rejected("powers_item", one + "/XK-2", 1, R"({"changed_on":"2026-07-01"})"),
       Rejected("powers_item", one + "/XK-1", 2, R"({"changed_on":"2026-07-02"})"),  // no newer than the stored one
       Rejected("flowchart", one + "/transport", 1, R"({"changed_on": "2026-08-03"})"),
       Rejected("benchmark", "health/no_licence", 1, R"({"changed_on":"2026-01-05"})"),
       Rejected("officer", "C-2", 1, R"({"agency_credit_code":")" + one + R"(","valid_from":"2026-09-01"})"),
       Rejected("officer", "C-3", 1, R"({"agency_credit_code":")" + one + R"(","changed_on":"2026-02-30"})")},
      kToday);
  powers.UpsertBatch("140200", {},
                     {Rejected("powers_item", datong.credit_code + "/XK-9", 1, R"({"changed_on":"2026-01-06"})")},
                     kToday);

  using Row = std::tuple<std::string, std::string, std::string, std::string, std::optional<common::Date>>;
  const auto read = [&](const std::string& city, const std::string& agency, int year) {
    std::map<std::string, Row> out;  // by key: kind, agency, city, domain, published_on
    for (const auto& r : store_->DeadlineRecords(city, agency, year)) {
      EXPECT_EQ(std::chrono::year_month_day(r.clock_start).year(), std::chrono::year(year)) << r.key;
      out[r.key] = {std::string(common::RecordKindName(r.kind)), r.agency_credit_code, r.city_code, r.domain,
                    r.published_on};
    }
    return out;
  };
  const auto all = read("", "", 2026);
  const std::map<std::string, Row> expected = {
      {one + "/XK-1", {"powers_item", one, "140100", "", Day("2026-06-03")}},
      {one + "/XK-2", {"powers_item", one, "140100", "", std::nullopt}},
      {one + "/market_regulation", {"flowchart", one, "140100", "market_regulation", Day("2026-03-03")}},
      {one + "/transport", {"flowchart", one, "140100", "transport", std::nullopt}},
      {"140100/transport/overload", {"discretion_benchmark", "", "140100", "transport", Day("2026-04-02")}},
      {"140100/health/no_licence", {"discretion_benchmark", "", "140100", "health", std::nullopt}},
      {"C-1", {"officer", one, "140100", "", Day("2026-02-03")}},
      {"C-2", {"officer", one, "140100", "", std::nullopt}},
      {datong.credit_code + "/XK-9", {"powers_item", datong.credit_code, "140200", "", std::nullopt}},
  };
  EXPECT_EQ(all, expected);
  std::map<std::string, common::Date> starts;
  for (const auto& r : store_->DeadlineRecords("", "", 2026)) starts[r.key] = r.clock_start;
  EXPECT_EQ(starts.at("C-1"), Day("2026-02-02")) << "no changed_on: the certificate's issue";
  EXPECT_EQ(starts.at("C-2"), Day("2026-09-01"));
  EXPECT_EQ(starts.at(one + "/transport"), Day("2026-08-03"));

  const auto taiyuan = read("140100", "", 2026);
  EXPECT_EQ(taiyuan.size(), expected.size() - 1);
  EXPECT_FALSE(taiyuan.contains(datong.credit_code + "/XK-9"));
  const auto agency = read("", one, 2026);
  EXPECT_EQ(agency.size(), expected.size() - 3) << "no benchmarks, which are a city's, and not Datong's";
  EXPECT_FALSE(agency.contains("140100/transport/overload"));
  const auto last_year = read("", "", 2025);
  ASSERT_EQ(last_year.size(), 1u);
  EXPECT_TRUE(last_year.contains(one + "/XK-0"));
}

TEST_F(AgencyStoreTest, ManyAgenciesAreReadInOneCallUnknownOnesLeftOut) {
  store_->UpsertBatch("140100", {Make(1, 1), Make(2, 1)}, {}, kToday);
  const auto got = store_->GetMany({Make(2, 1).credit_code, Make(9, 1).credit_code, Make(1, 1).credit_code});
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got.at(Make(1, 1).credit_code).name, "机构1");
  EXPECT_EQ(got.at(Make(2, 1).credit_code).created_on, kToday);
  EXPECT_TRUE(store_->GetMany({}).empty());
}

}  // namespace
}  // namespace gongkai::registry
