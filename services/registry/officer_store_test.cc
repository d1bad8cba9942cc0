#include "services/registry/officer_store.h"

#include <gtest/gtest.h>

#include <functional>
#include <thread>

#include "common/identifiers.h"
#include "common/testing/postgres.h"
#include "services/registry/agency_store.h"
#include "services/registry/officer_index.h"

namespace gongkai::registry {
namespace {

namespace testing_util {
bool Eventually(const std::function<bool()>& pred) {
  for (int i = 0; i < 100 && !pred(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  return pred();
}
}  // namespace testing_util

class OfficerStoreTest : public ::testing::Test {
 protected:
  OfficerStoreTest() : pool_(db_.url(), 4, std::chrono::seconds(2)) {
    common::ApplyMigrations(db_.url(), gongkai_registry_migrations());
    agencies_ = std::make_unique<PgAgencyStore>(pool_);
    officers_ = std::make_unique<PgOfficerStore>(pool_, "officer-code-secret-for-tests");
    Agency a;
    std::string first17 = "11140100MB0000001";
    a.credit_code = first17 + common::CreditCodeCheckCharacter(first17);
    a.name = "太原市市场监督管理局";
    a.legal_representative = "王某";
    a.area_code = "140100";
    a.contact = "0351-1";
    a.domains = {"market_regulation"};
    a.valid_from = "2026-01-01";
    a.valid_until = "2030-12-31";
    a.source_version = 1;
    agencies_->UpsertBatch("140100", {a}, {}, "2026-11-28");
    agency_ = a.credit_code;
  }

  Officer Make(int64_t version) {
    Officer o;
    o.certificate_number = "TY0001";
    o.agency_credit_code = agency_;
    o.name = "张伟";
    o.category = "市场监管综合执法";
    o.valid_from = "2025-01-01";
    o.valid_until = "2027-12-31";
    o.source_version = version;
    return o;
  }

  testing::TestDatabase db_;
  common::PgPool pool_;
  std::unique_ptr<PgAgencyStore> agencies_;
  std::unique_ptr<PgOfficerStore> officers_;
  std::string agency_;
};

TEST_F(OfficerStoreTest, OfficerIsFoundByCertificateAndInTheIndexByCode) {
  OfficerIndex index(db_.url(), pool_);
  index.Start();
  EXPECT_EQ(index.size(), 0u);
  EXPECT_EQ(officers_->UpsertBatch("140100", {Make(1)}, {}), (std::vector<UpsertOutcome>{UpsertOutcome::kAccepted}));
  auto o = officers_->ByCertificate("TY0001");
  ASSERT_TRUE(o);
  EXPECT_EQ(o->agency_name, "太原市市场监督管理局");
  // The index follows the database's notification without being told.
  ASSERT_TRUE(testing_util::Eventually([&] { return index.ByCode(officers_->CodeOf(*o)).has_value(); }));
  EXPECT_EQ(index.ByCode(officers_->CodeOf(*o))->certificate_number, "TY0001");
  EXPECT_EQ(officers_->CitiesOf({"TY0001", "NOPE"}), (std::map<std::string, std::string>{{"TY0001", "140100"}}));
}

TEST_F(OfficerStoreTest, RevocationReplacesTheCode) {
  OfficerIndex index(db_.url(), pool_);
  index.Start();
  officers_->UpsertBatch("140100", {Make(1)}, {});
  std::string old_code = officers_->CodeOf(*officers_->ByCertificate("TY0001"));
  index.Refresh();
  EXPECT_TRUE(index.ByCode(old_code));
  Officer revoked = Make(2);
  revoked.status = OfficerStatus::kRevoked;
  officers_->UpsertBatch("140100", {revoked}, {});
  index.Refresh();
  EXPECT_FALSE(index.ByCode(old_code));
  EXPECT_EQ(index.ByCertificate("TY0001")->status, OfficerStatus::kRevoked);
  auto o = officers_->ByCertificate("TY0001");
  EXPECT_EQ(o->status, OfficerStatus::kRevoked);
  EXPECT_EQ(o->code_generation, 2);
}

TEST_F(OfficerStoreTest, OlderVersionIsUnchanged) {
  officers_->UpsertBatch("140100", {Make(3)}, {});
  Officer older = Make(2);
  older.name = "旧名";
  EXPECT_EQ(officers_->UpsertBatch("140100", {older}, {}), (std::vector<UpsertOutcome>{UpsertOutcome::kUnchanged}));
  EXPECT_EQ(officers_->ByCertificate("TY0001")->name, "张伟");
}

}  // namespace
}  // namespace gongkai::registry
