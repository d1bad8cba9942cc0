#include "services/penalties/penalty_store.h"

#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include "common/calendar/iso_date.h"
#include "common/testing/dates.h"
#include "common/testing/postgres.h"

namespace gongkai::penalties {
namespace {

constexpr char kAgency[] = "11140100MB0000001X";

using gongkai::testing::Day;

RecordToStore Decision(const std::string& source_id, int64_t version, bool publishable) {
  RecordToStore r;
  r.kind = PenaltyKind::kDecision;
  r.agency_credit_code = kAgency;
  r.source_id = source_id;
  r.domain = "market_regulation";
  r.source_version = version;
  r.record = std::string("unmasked\0record v", 17) + std::to_string(version);
  r.public_record = publishable ? std::string("public\0record v", 15) + std::to_string(version) : "";
  r.public_party_name = publishable ? "张某某" : "";
  r.clock_start = Day("2026-11-20");
  r.public_until = Day("2027-11-20");
  return r;
}

class PenaltyStoreTest : public ::testing::Test {
 protected:
  void Migrate() {
    pool_ = db_.MigratedPool(gongkai_penalties_migrations());
    store_ = std::make_unique<PgPenaltyStore>(*pool_);
  }

  testing::TestDatabase db_;
  std::unique_ptr<common::PgPool> pool_;
  std::unique_ptr<PgPenaltyStore> store_;
};

TEST_F(PenaltyStoreTest, FeedTellsFirstPublicationUnpublicationAndRepublication) {
  Migrate();
  auto first = store_->UpsertBatch("140100", {Decision("D-1", 1, true)}, {}, Day("2026-11-21"));
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].outcome, common::UpsertOutcome::kAccepted);
  EXPECT_TRUE(first[0].first_publication);

  auto again = store_->UpsertBatch("140100", {Decision("D-1", 2, true)}, {}, Day("2026-11-22"));
  EXPECT_EQ(again[0].outcome, common::UpsertOutcome::kAccepted);
  EXPECT_FALSE(again[0].first_publication) << "a new version of a public record is not a first publication";

  auto hidden = store_->UpsertBatch("140100", {Decision("D-1", 3, false)}, {}, Day("2026-11-23"));
  EXPECT_EQ(hidden[0].outcome, common::UpsertOutcome::kAccepted);
  EXPECT_FALSE(hidden[0].first_publication);

  auto older = store_->UpsertBatch("140100", {Decision("D-1", 2, true)}, {}, Day("2026-11-24"));
  EXPECT_EQ(older[0].outcome, common::UpsertOutcome::kUnchanged);

  auto shown = store_->UpsertBatch("140100", {Decision("D-1", 4, true)}, {}, Day("2026-11-25"));
  EXPECT_TRUE(shown[0].first_publication) << "public again after being private";

  auto changes = store_->Changes(0, 100);
  ASSERT_EQ(changes.size(), 4u);
  EXPECT_EQ(changes[0].type, ChangeType::kPublished);
  EXPECT_EQ(changes[0].record.source_version, 1);
  EXPECT_EQ(changes[0].record.public_record, Decision("D-1", 1, true).public_record);
  EXPECT_EQ(changes[1].type, ChangeType::kPublished);
  EXPECT_EQ(changes[1].record.source_version, 2);
  EXPECT_EQ(changes[2].type, ChangeType::kUnpublished);
  EXPECT_EQ(changes[2].record.public_record, "");
  EXPECT_EQ(changes[3].type, ChangeType::kPublished);
  EXPECT_EQ(changes[3].record.source_version, 4);
  EXPECT_EQ(common::FormatIsoDate(changes[3].record.published_on), "2026-11-21")
      << "a record keeps its first publication date";
  for (const auto& c : changes) EXPECT_TRUE(c.record.record.empty()) << "the feed never carries the unmasked record";
}

TEST_F(PenaltyStoreTest, WithdrawnRecordGetsNoFeedEventFromLaterVersions) {
  Migrate();
  store_->UpsertBatch("140100", {Decision("D-2", 1, true)}, {}, Day("2026-11-21"));
  ASSERT_TRUE(store_->Withdraw(kAgency, "D-2", 1, "复议撤销", Day("2026-11-23"), Day("2026-11-24")).has_value());
  auto later = store_->UpsertBatch("140100", {Decision("D-2", 2, true)}, {}, Day("2026-11-25"));
  EXPECT_EQ(later[0].outcome, common::UpsertOutcome::kAccepted);

  auto changes = store_->Changes(0, 100);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].type, ChangeType::kPublished);
  EXPECT_EQ(changes[1].type, ChangeType::kWithdrawn);
  EXPECT_EQ(changes[1].record.withdrawal_explanation, "复议撤销");
  EXPECT_EQ(common::FormatIsoDate(changes[1].record.withdrawal_event_date), "2026-11-23");
}

common::Rejection RejectionOf(const std::string& source_id, int64_t version) {
  return {"decision",
          std::string(kAgency) + "/" + source_id,
          version,
          R"({"sourceId":"x"})",
          {{"decisions[0].facts", "required"}},
          "",
          0};
}

// A rejection stays until an accepted version of its key clears it, in the
// batch that stores that version; a rejection recorded in that same batch
// stays, and other cities' and other keys' rejections are untouched.
TEST_F(PenaltyStoreTest, AcceptedVersionClearsTheRejectionsOfItsKeyOnly) {
  Migrate();
  store_->UpsertBatch("140100", {}, {RejectionOf("D-5", 1), RejectionOf("D-6", 1)}, Day("2026-11-21"));
  store_->UpsertBatch("140200", {}, {RejectionOf("D-5", 1)}, Day("2026-11-21"));
  ASSERT_EQ(store_->ListRejections("140100", 0, 10).size(), 2u);

  auto results = store_->UpsertBatch("140100", {Decision("D-5", 2, true)}, {}, Day("2026-11-22"));
  EXPECT_EQ(results[0].outcome, common::UpsertOutcome::kAccepted);
  auto left = store_->ListRejections("140100", 0, 10);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].key, std::string(kAgency) + "/D-6");
  EXPECT_EQ(store_->ListRejections("140200", 0, 10).size(), 1u) << "another city's rejection stays";

  // The same key accepted and rejected in one batch (a repeated key): the
  // rejection recorded with the batch stays.
  store_->UpsertBatch("140100", {Decision("D-6", 2, true)}, {RejectionOf("D-6", 3)}, Day("2026-11-23"));
  left = store_->ListRejections("140100", 0, 10);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].source_version, 3);
}

// Every byte value, and text that array literals must quote, comes back as
// sent, each record with its own bytes.
TEST_F(PenaltyStoreTest, BatchKeepsEveryRecordsBytesAndText) {
  Migrate();
  std::string all_bytes;
  for (int b = 0; b < 256; ++b) all_bytes += static_cast<char>(b);
  std::vector<RecordToStore> batch;
  for (const std::string id : {"D-\"q\"", "D-\\back,slash", "D-{brace} NULL", "D-空 格"}) {
    RecordToStore r = Decision(id, 1, batch.size() != 1);
    r.record = id + all_bytes + std::string(batch.size() * 100, 'x');
    if (!r.public_record.empty()) r.public_record = all_bytes + id;
    r.domain = batch.size() == 2 ? "NULL" : "market_regulation";
    batch.push_back(r);
  }
  auto results = store_->UpsertBatch("140100", batch, {}, Day("2026-11-21"));
  ASSERT_EQ(results.size(), batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    EXPECT_EQ(results[i].outcome, common::UpsertOutcome::kAccepted) << batch[i].source_id;
    EXPECT_EQ(results[i].first_publication, !batch[i].public_record.empty()) << batch[i].source_id;
    auto row = store_->Get(PenaltyKind::kDecision, kAgency, batch[i].source_id);
    ASSERT_TRUE(row.has_value()) << batch[i].source_id;
    EXPECT_EQ(row->record, batch[i].record) << batch[i].source_id;
    EXPECT_EQ(row->public_record, batch[i].public_record) << batch[i].source_id;
    EXPECT_EQ(row->domain, batch[i].domain) << batch[i].source_id;
    EXPECT_EQ(common::FormatIsoDate(row->public_until), "2027-11-20");
  }
  EXPECT_EQ(store_->Changes(0, 100).size(), 3u) << "one publication per public record";
}

// A database whose feed was written as JSON snapshots (migration 001) keeps
// every event, with the same public row, once migration 002 has run.
TEST_F(PenaltyStoreTest, FeedWrittenAsJsonSnapshotsSurvivesTheTypedFeedMigration) {
  const common::MigrationSet& all = gongkai_penalties_migrations();
  ASSERT_GE(all.migrations.size(), 2u);
  common::MigrationSet first_only{all.schema, {all.migrations[0]}};
  ASSERT_EQ(common::ApplyMigrations(db_.url(), first_only), 1);
  {
    pqxx::connection conn(db_.url());
    pqxx::work tx(conn);
    tx.exec(
        "INSERT INTO penalties.records (kind, agency_credit_code, source_id, city_code, domain, source_version, "
        "record, public_record, public_party_name, clock_start, published_on, public_until, withdrawn_on, "
        "withdrawal_reason, withdrawal_explanation, withdrawal_event_date) VALUES (1, '" +
        std::string(kAgency) +
        "', 'D-3', '140100', 'market_regulation', 7, '\\x00ff'::bytea, '\\x0102'::bytea, '李某某', "
        "'2026-02-10', '2026-02-12', '2027-02-10', '2026-03-02', 2, '诉讼撤销', '2026-02-27')");
    // As migration 001's code appended feed events.
    tx.exec(
        "INSERT INTO penalties.changes (kind, agency_credit_code, source_id, type, snapshot) "
        "SELECT kind, agency_credit_code, source_id, 2, to_jsonb(r) - 'record' FROM penalties.records r");
    tx.commit();
  }
  Migrate();

  auto changes = store_->Changes(0, 10);
  ASSERT_EQ(changes.size(), 1u);
  const RecordRow& row = changes[0].record;
  EXPECT_EQ(changes[0].type, ChangeType::kWithdrawn);
  EXPECT_EQ(row.source_id, "D-3");
  EXPECT_EQ(row.city_code, "140100");
  EXPECT_EQ(row.domain, "market_regulation");
  EXPECT_EQ(row.source_version, 7);
  EXPECT_EQ(row.public_record, std::string("\x01\x02", 2));
  EXPECT_EQ(common::FormatIsoDate(row.clock_start), "2026-02-10");
  EXPECT_EQ(common::FormatIsoDate(row.published_on), "2026-02-12");
  EXPECT_EQ(common::FormatIsoDate(row.public_until), "2027-02-10");
  EXPECT_EQ(common::FormatIsoDate(row.withdrawn_on), "2026-03-02");
  EXPECT_EQ(row.withdrawal_reason, 2);
  EXPECT_EQ(row.withdrawal_explanation, "诉讼撤销");
  EXPECT_EQ(common::FormatIsoDate(row.withdrawal_event_date), "2026-02-27");
  EXPECT_EQ(common::FormatIsoDate(row.released_on), "");

  // The feed goes on after the migrated events.
  store_->UpsertBatch("140100", {Decision("D-4", 1, true)}, {}, Day("2026-11-21"));
  auto next = store_->Changes(changes[0].seq, 10);
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].record.source_id, "D-4");
}

}  // namespace
}  // namespace gongkai::penalties
