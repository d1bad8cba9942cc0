#include "services/registry/officer_store.h"

#include <gtest/gtest.h>

#include <functional>
#include <future>
#include <thread>

#include "common/calendar/iso_date.h"
#include "common/identifiers.h"
#include "common/testing/dates.h"
#include "common/testing/postgres.h"
#include "services/registry/agency_store.h"
#include "services/registry/officer_index.h"

namespace gongkai::registry {
namespace {

using gongkai::testing::Day;

namespace testing_util {
bool Eventually(const std::function<bool()>& pred) {
  for (int i = 0; i < 100 && !pred(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  return pred();
}

// True once some session of the test's database waits for a row lock.
bool SomeoneWaitsForALock(const std::string& url) {
  pqxx::connection conn(url);
  return Eventually([&] {
    pqxx::nontransaction tx(conn);
    const pqxx::result waiting = tx.exec(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
    return waiting[0][0].as<int>() > 0;
  });
}
}  // namespace testing_util

class OfficerStoreTest : public ::testing::Test {
 protected:
  OfficerStoreTest() : pool_(db_.MigratedPool(gongkai_registry_migrations())) {
    agencies_ = std::make_unique<PgAgencyStore>(*pool_);
    officers_ = std::make_unique<PgOfficerStore>(*pool_, "officer-code-secret-for-tests");
    Agency a;
    std::string first17 = "11140100MB0000001";
    a.credit_code = first17 + common::CreditCodeCheckCharacter(first17);
    a.name = "太原市市场监督管理局";
    a.legal_representative = "王某";
    a.area_code = "140100";
    a.city_code = "140100";
    a.contact = "0351-1";
    a.domains = {"market_regulation"};
    a.valid_from = Day("2026-01-01");
    a.valid_until = Day("2030-12-31");
    a.source_version = 1;
    agencies_->UpsertBatch("140100", {a}, {}, Day("2026-11-28"));
    agency_ = a.credit_code;
  }

  // Registers an agency of Datong (140200); its credit code.
  std::string AddDatongAgency() {
    Agency a;
    std::string first17 = "11140200MB0000002";
    a.credit_code = first17 + common::CreditCodeCheckCharacter(first17);
    a.name = "大同市市场监督管理局";
    a.legal_representative = "李某";
    a.area_code = "140200";
    a.city_code = "140200";
    a.contact = "0352-1";
    a.domains = {"market_regulation"};
    a.valid_from = Day("2026-01-01");
    a.valid_until = Day("2030-12-31");
    a.source_version = 1;
    agencies_->UpsertBatch("140200", {a}, {}, Day("2026-11-28"));
    return a.credit_code;
  }

  Officer Make(int64_t version) {
    Officer o;
    o.certificate_number = "TY0001";
    o.agency_credit_code = agency_;
    o.name = "张伟";
    o.category = "市场监管综合执法";
    o.valid_from = Day("2025-01-01");
    o.valid_until = Day("2027-12-31");
    o.source_version = version;
    return o;
  }

  testing::TestDatabase db_;
  std::unique_ptr<common::PgPool> pool_;
  std::unique_ptr<PgAgencyStore> agencies_;
  std::unique_ptr<PgOfficerStore> officers_;
  std::string agency_;
};

TEST_F(OfficerStoreTest, OfficerIsFoundByCertificateAndInTheIndexByCode) {
  OfficerIndex index(db_.url(), *pool_);
  index.Start();
  EXPECT_EQ(index.size(), 0u);
  EXPECT_EQ(officers_->UpsertBatch("140100", {Make(1)}, {}, Day("2026-11-28")).outcomes,
            (std::vector<common::UpsertOutcome>{common::UpsertOutcome::kAccepted}));
  auto o = officers_->ByCertificate("TY0001");
  ASSERT_TRUE(o);
  EXPECT_EQ(o->agency_name, "太原市市场监督管理局");
  // The index follows the database's notification without being told.
  ASSERT_TRUE(testing_util::Eventually([&] { return index.ByCode(officers_->CodeOf(*o)).has_value(); }));
  EXPECT_EQ(index.ByCode(officers_->CodeOf(*o))->certificate_number, "TY0001");
  EXPECT_EQ(o->city_code, "140100");
}

TEST_F(OfficerStoreTest, RevocationReplacesTheCode) {
  OfficerIndex index(db_.url(), *pool_);
  index.Start();
  officers_->UpsertBatch("140100", {Make(1)}, {}, Day("2026-11-28"));
  std::string old_code = officers_->CodeOf(*officers_->ByCertificate("TY0001"));
  index.Refresh();
  EXPECT_TRUE(index.ByCode(old_code));
  Officer revoked = Make(2);
  revoked.status = OfficerStatus::kRevoked;
  officers_->UpsertBatch("140100", {revoked}, {}, Day("2026-11-28"));
  index.Refresh();
  EXPECT_FALSE(index.ByCode(old_code));
  EXPECT_EQ(index.ByCertificate("TY0001")->status, OfficerStatus::kRevoked);
  auto o = officers_->ByCertificate("TY0001");
  EXPECT_EQ(o->status, OfficerStatus::kRevoked);
  EXPECT_EQ(o->code_generation, 2);
}

TEST_F(OfficerStoreTest, OlderVersionIsUnchanged) {
  officers_->UpsertBatch("140100", {Make(3)}, {}, Day("2026-11-28"));
  Officer older = Make(2);
  older.name = "旧名";
  EXPECT_EQ(officers_->UpsertBatch("140100", {older}, {}, Day("2026-11-28")).outcomes,
            (std::vector<common::UpsertOutcome>{common::UpsertOutcome::kUnchanged}));
  EXPECT_EQ(officers_->ByCertificate("TY0001")->name, "张伟");
}

TEST_F(OfficerStoreTest, ACertificateOfAnotherCityIsNotMovedAndNothingOfTheBatchIsStored) {
  const std::string datong = AddDatongAgency();
  ASSERT_TRUE(officers_->UpsertBatch("140100", {Make(1)}, {}, Day("2026-11-28")).foreign.empty());
  Officer moved = Make(2);
  moved.agency_credit_code = datong;
  Officer own = Make(1);
  own.certificate_number = "DT0001";
  own.agency_credit_code = datong;
  auto r = officers_->UpsertBatch("140200", {own, moved}, {}, Day("2026-11-28"));
  EXPECT_EQ(r.foreign, (std::vector<std::string>{"TY0001"}));
  EXPECT_FALSE(officers_->ByCertificate("DT0001"));
  EXPECT_EQ(officers_->ByCertificate("TY0001")->agency_credit_code, agency_);
  EXPECT_EQ(officers_->ByCertificate("TY0001")->source_version, 1);
}

// Another city's certificate commits after the batch has begun (after any
// check made before the write would have run): the batch still sees it,
// inside its own transaction, reports it, and stores nothing.
TEST_F(OfficerStoreTest, ACertificateCommittedByAnotherCityDuringTheBatchRefusesTheBatch) {
  const std::string datong = AddDatongAgency();
  pqxx::connection rival_conn(db_.url());
  pqxx::work rival(rival_conn);
  rival.exec_params(
      "INSERT INTO registry.officers (certificate_number, agency_credit_code, city_code, name, category, "
      "valid_from, valid_until, status, source_version, code_generation, officer_code, published_on) VALUES "
      "('TY0001', $1, '140100', '张伟', '市场监管综合执法', '2025-01-01', '2027-12-31', 1, 1, 1, 'RIVAL-CODE', "
      "'2026-11-01')",
      agency_);

  Officer taken = Make(2);
  taken.agency_credit_code = datong;
  Officer own = Make(1);
  own.certificate_number = "DT0001";
  own.agency_credit_code = datong;
  auto batch = std::async(std::launch::async, [&] {
    return officers_->UpsertBatch("140200", {own, taken}, {}, Day("2026-11-28"));
  });
  EXPECT_TRUE(testing_util::SomeoneWaitsForALock(db_.url())) << "the batch waits for the rival's row";
  rival.commit();
  const auto r = batch.get();

  EXPECT_EQ(r.foreign, (std::vector<std::string>{"TY0001"})) << "reported, not UNCHANGED";
  EXPECT_FALSE(officers_->ByCertificate("DT0001")) << "nothing of the batch is stored";
  auto kept = officers_->ByCertificate("TY0001");
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->city_code, "140100");
  EXPECT_EQ(kept->agency_credit_code, agency_);
  EXPECT_EQ(kept->source_version, 1);
}

TEST_F(OfficerStoreTest, ListCarriesTheChangeAndThePublicationDayOfEachVersion) {
  officers_->UpsertBatch("140100", {Make(1)}, {}, Day("2026-01-06"));
  auto listed = officers_->ListByAgency(agency_, "", 10);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].changed_on, std::nullopt);
  EXPECT_EQ(listed[0].published_on, Day("2026-01-06"));
  EXPECT_EQ(EntryClockStart(listed[0]), Day("2025-01-01")) << "no change day: the certificate's issue";

  Officer suspended = Make(2);
  suspended.status = OfficerStatus::kSuspended;
  suspended.changed_on = Day("2026-11-02");
  officers_->UpsertBatch("140100", {suspended}, {}, Day("2026-11-20"));
  listed = officers_->ListByAgency(agency_, "", 10);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].changed_on, Day("2026-11-02"));
  EXPECT_EQ(listed[0].published_on, Day("2026-11-20"));
  EXPECT_EQ(EntryClockStart(listed[0]), Day("2026-11-02"));

  Officer older = Make(1);
  officers_->UpsertBatch("140100", {older}, {}, Day("2026-11-27"));
  EXPECT_EQ(officers_->ListByAgency(agency_, "", 10)[0].published_on, Day("2026-11-20"))
      << "an unchanged version is not published again";
}

// Entries stored before migration 004 count as published on the day (in
// Shanghai) they were last updated; nothing else of them changes.
TEST(OfficerEntryMigration, EarlierEntriesArePublishedOnTheirLastUpdateDay) {
  testing::TestDatabase db;
  const common::MigrationSet& all = gongkai_registry_migrations();
  common::MigrationSet before{all.schema, {}};
  for (const auto& m : all.migrations) {
    if (m.version < 4) before.migrations.push_back(m);
  }
  ASSERT_EQ(common::ApplyMigrations(db.url(), before), 3);
  common::PgPool pool(db.url(), 2, std::chrono::seconds(2), all.schema);
  const std::string first17 = "11140100MB0000001";
  const std::string agency = first17 + common::CreditCodeCheckCharacter(first17);
  {
    pqxx::connection conn(db.url());
    pqxx::work tx(conn);
    tx.exec(
        "INSERT INTO registry.agencies (credit_code, name, legal_representative, area_code, city_code, contact, "
        "domains, valid_from, valid_until, source_version) VALUES ('" +
        agency +
        "', '太原市市场监督管理局', '王某', '140100', '140100', '0351-1', '{market_regulation}', '2026-01-01', "
        "'2030-12-31', 1)");
    tx.exec(
        "INSERT INTO registry.officers (certificate_number, agency_credit_code, city_code, name, category, "
        "valid_from, valid_until, status, source_version, updated_at, code_generation, officer_code) VALUES "
        "('TY0009', '" +
        agency +
        "', '140100', '李娜', '市场监管综合执法', '2025-01-01', '2027-12-31', 1, 4, "
        "'2026-03-02 20:00:00+00', 1, 'CODE-TY0009')");
    tx.commit();
  }
  ASSERT_EQ(common::ApplyMigrations(db.url(), all), static_cast<int>(all.migrations.size()) - 3);
  PgOfficerStore officers(pool, "officer-code-secret-for-tests");
  auto listed = officers.ListByAgency(agency, "", 10);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].published_on, Day("2026-03-03")) << "20:00 UTC is the next day in Shanghai";
  EXPECT_EQ(listed[0].changed_on, std::nullopt);
  EXPECT_EQ(listed[0].name, "李娜");
  EXPECT_EQ(listed[0].source_version, 4);
}

}  // namespace
}  // namespace gongkai::registry
