#include "services/penalties/penalty_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <future>
#include <map>
#include <pqxx/pqxx>
#include <thread>
#include <tuple>

#include "common/batch.h"
#include "common/calendar/iso_date.h"
#include "common/identifiers.h"
#include "common/sql.h"
#include "common/testing/dates.h"
#include "common/testing/postgres.h"
#include "gongkai/penalties/v1/penalties.pb.h"
#include "services/penalties/penalties_mapping.h"
#include "services/penalties/penalties_service.h"
#include "services/penalties/penalty_public.h"
#include "services/penalties/penalty_rows.h"
#include "services/penalties/republish.h"

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

RecordToStore Measure(const std::string& source_id, int64_t version, bool publishable) {
  RecordToStore r = Decision(source_id, version, publishable);
  r.kind = PenaltyKind::kMeasure;
  r.public_until = std::nullopt;
  return r;
}

// A feed row as the table holds it.
struct FeedRow {
  int64_t seq = 0;
  std::string source_id;
  int type = 0;
  bool superseded = false;
  bool has_public_record = false;
  bool has_explanation = false;  // withdrawal or release
  bool operator==(const FeedRow&) const = default;
};

std::vector<int64_t> Seqs(const std::vector<ChangeRow>& changes) {
  std::vector<int64_t> out;
  for (const auto& c : changes) out.push_back(c.seq);
  return out;
}

class PenaltyStoreTest : public ::testing::Test {
 protected:
  void Migrate() {
    pool_ = db_.MigratedPool(gongkai_penalties_migrations());
    store_ = std::make_unique<PgPenaltyStore>(*pool_);
  }

  // The feed table itself, past the store: what is cleared is gone from the
  // database, not only hidden by the read.
  std::vector<FeedRow> FeedTable() {
    pqxx::connection conn(db_.url());
    pqxx::read_transaction tx(conn);
    std::vector<FeedRow> out;
    for (const auto& r : tx.exec("SELECT seq, source_id, type, superseded, public_record IS NOT NULL, "
                                 "withdrawal_explanation IS NOT NULL OR release_explanation IS NOT NULL FROM "
                                 "penalties.changes ORDER BY seq")) {
      out.push_back({r[0].as<int64_t>(), r[1].as<std::string>(), r[2].as<int>(), r[3].as<bool>(), r[4].as<bool>(),
                     r[5].as<bool>()});
    }
    return out;
  }

  // Every stored row as if written before the masking rules of
  // kMaskingVersion: its public columns are those of an older version.
  void MakeEveryRowStale() {
    pqxx::connection conn(db_.url());
    pqxx::work tx(conn);
    tx.exec("UPDATE penalties.records SET masking_version = 0");
    tx.commit();
  }

  std::vector<int> MaskingVersions() {
    pqxx::connection conn(db_.url());
    pqxx::read_transaction tx(conn);
    std::vector<int> out;
    for (const auto& r : tx.exec("SELECT DISTINCT masking_version FROM penalties.records ORDER BY 1")) {
      out.push_back(r[0].as<int>());
    }
    return out;
  }

  // Whether `waiters` sessions of this database come to wait for a lock (an
  // advisory lock, or a row another transaction holds) within ten seconds.
  bool WaitForLockWaiters(int waiters) {
    pqxx::connection watch(db_.url());
    for (int i = 0; i < 1000; ++i) {
      pqxx::nontransaction look(watch);
      if (look.exec1("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND "
                     "wait_event_type = 'Lock' AND wait_event IN ('advisory', 'transactionid', 'tuple')")[0]
              .as<int>() == waiters) {
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
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
  EXPECT_FALSE(shown[0].first_publication) << "public again after being private: first public on 2026-11-21";

  auto changes = store_->Changes(0, 100, Day("2026-11-25"));
  ASSERT_EQ(changes.size(), 4u);
  EXPECT_EQ(changes[0].type, ChangeType::kPublished);
  EXPECT_EQ(changes[1].type, ChangeType::kPublished);
  EXPECT_EQ(changes[2].type, ChangeType::kUnpublished);
  EXPECT_EQ(changes[3].type, ChangeType::kPublished);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_TRUE(changes[i].content_removed) << "entry " << i << ": a later entry of the record replaced it";
    EXPECT_EQ(changes[i].record.source_id, "D-1");
    EXPECT_EQ(changes[i].record.public_record, "");
  }
  EXPECT_FALSE(changes[3].content_removed);
  EXPECT_EQ(changes[3].record.source_version, 4);
  EXPECT_EQ(changes[3].record.public_record, Decision("D-1", 4, true).public_record);
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

  auto changes = store_->Changes(0, 100, Day("2026-11-25"));
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
  EXPECT_EQ(store_->Changes(0, 100, Day("2026-11-21")).size(), 3u) << "one publication per public record";
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
  common::MigrationSet to_typed_feed{all.schema, {all.migrations[0], all.migrations[1]}};
  ASSERT_EQ(common::ApplyMigrations(db_.url(), to_typed_feed), 1);
  {
    pqxx::connection conn(db_.url());
    pqxx::read_transaction tx(conn);
    EXPECT_EQ(common::ReadBytes(tx.exec("SELECT public_record FROM penalties.changes")[0][0]),
              std::string("\x01\x02", 2))
        << "migration 002 keeps the public row of the event";
  }
  Migrate();

  auto changes = store_->Changes(0, 10, Day("2026-11-21"));
  ASSERT_EQ(changes.size(), 1u);
  const RecordRow& row = changes[0].record;
  EXPECT_EQ(changes[0].type, ChangeType::kWithdrawn);
  EXPECT_FALSE(changes[0].content_removed) << "a withdrawal notice stays readable";
  EXPECT_EQ(row.source_id, "D-3");
  EXPECT_EQ(row.city_code, "140100");
  EXPECT_EQ(row.domain, "market_regulation");
  EXPECT_EQ(row.source_version, 7);
  EXPECT_EQ(row.public_record, "") << "migration 003: the notice keeps no copy of the record it replaces";
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
  auto next = store_->Changes(changes[0].seq, 10, Day("2026-11-21"));
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].record.source_id, "D-4");
}

// A batch of new versions supersedes the earlier entries of exactly its
// records: they keep their seq and type, lose their public content in the
// table, and read as the key only; other records' entries stay whole.
TEST_F(PenaltyStoreTest, ANewVersionSupersedesTheEarlierEntriesOfItsRecordOnly) {
  Migrate();
  store_->UpsertBatch("140100", {Decision("D-1", 1, true), Decision("D-2", 1, true), Decision("D-3", 1, true)}, {},
                      Day("2026-11-21"));
  const auto before = store_->Changes(0, 100, Day("2026-11-22"));
  ASSERT_EQ(before.size(), 3u);
  for (const auto& c : before) EXPECT_FALSE(c.content_removed);

  store_->UpsertBatch("140100", {Decision("D-1", 2, true), Decision("D-3", 2, true), Decision("D-4", 1, true)}, {},
                      Day("2026-11-22"));
  const auto after = store_->Changes(0, 100, Day("2026-11-22"));
  ASSERT_EQ(after.size(), 6u);
  const std::vector<int64_t> seqs = Seqs(after);
  EXPECT_EQ(std::vector<int64_t>(seqs.begin(), seqs.begin() + 3), Seqs(before)) << "earlier entries keep their seq";
  std::map<std::string, std::vector<bool>> removed;  // by source id, in feed order
  for (const auto& c : after) {
    EXPECT_EQ(c.type, ChangeType::kPublished);
    removed[c.record.source_id].push_back(c.content_removed);
    if (c.content_removed) {
      EXPECT_EQ(c.record.public_record, "") << c.seq;
      EXPECT_EQ(c.record.source_version, 0) << c.seq;
      EXPECT_EQ(c.record.city_code, "140100");
      EXPECT_EQ(c.record.domain, "market_regulation");
    }
  }
  EXPECT_EQ(removed["D-1"], (std::vector<bool>{true, false}));
  EXPECT_EQ(removed["D-2"], (std::vector<bool>{false})) << "a record not in the batch keeps its entry";
  EXPECT_EQ(removed["D-3"], (std::vector<bool>{true, false}));
  EXPECT_EQ(removed["D-4"], (std::vector<bool>{false}));
  EXPECT_EQ(after[3].record.public_record, Decision("D-1", 2, true).public_record);

  for (const FeedRow& row : FeedTable()) {
    const bool first_of_updated = row.seq == before[0].seq || row.seq == before[2].seq;
    EXPECT_EQ(row.superseded, first_of_updated) << row.seq;
    EXPECT_EQ(row.has_public_record, !first_of_updated) << row.seq;
  }
}

// A record made private (a minor's case): its earlier publication loses its
// content, and the unpublication itself carries none.
TEST_F(PenaltyStoreTest, AnUnpublicationLeavesNoContentOfTheRecordInTheFeed) {
  Migrate();
  store_->UpsertBatch("140100", {Decision("D-5", 1, true)}, {}, Day("2026-11-21"));
  const int64_t published = store_->Changes(0, 100, Day("2026-11-21"))[0].seq;
  store_->UpsertBatch("140100", {Decision("D-5", 2, false)}, {}, Day("2026-11-22"));

  const auto changes = store_->Changes(0, 100, Day("2026-11-22"));
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].seq, published);
  EXPECT_EQ(changes[0].type, ChangeType::kPublished);
  EXPECT_EQ(changes[1].type, ChangeType::kUnpublished);
  for (const auto& c : changes) {
    EXPECT_TRUE(c.content_removed) << c.seq;
    EXPECT_EQ(c.record.source_id, "D-5");
    EXPECT_EQ(c.record.public_record, "");
    EXPECT_FALSE(c.record.public_until.has_value());
  }
  for (const FeedRow& row : FeedTable()) EXPECT_FALSE(row.has_public_record) << row.seq;
}

// The withdrawal notice replaces the record: the publication before it loses
// its content, the notice keeps its reason and explanation but no copy of the
// record.
TEST_F(PenaltyStoreTest, AWithdrawalSupersedesThePublicationWithTheNotice) {
  Migrate();
  store_->UpsertBatch("140100", {Decision("D-6", 1, true)}, {}, Day("2026-11-21"));
  const int64_t published = store_->Changes(0, 100, Day("2026-11-21"))[0].seq;
  ASSERT_TRUE(store_->Withdraw(kAgency, "D-6", 2, "复议撤销", Day("2026-11-23"), Day("2026-11-24")).has_value());

  const auto changes = store_->Changes(0, 100, Day("2026-11-24"));
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].seq, published);
  EXPECT_TRUE(changes[0].content_removed);
  EXPECT_EQ(changes[0].record.public_record, "");
  EXPECT_EQ(changes[1].type, ChangeType::kWithdrawn);
  EXPECT_FALSE(changes[1].content_removed);
  EXPECT_EQ(changes[1].record.withdrawal_explanation, "复议撤销");
  EXPECT_EQ(changes[1].record.public_record, "");
  for (const FeedRow& row : FeedTable()) EXPECT_FALSE(row.has_public_record) << row.seq;
}

// A release supersedes like any later entry; the released measure's content is
// carried by the release.
TEST_F(PenaltyStoreTest, AReleaseCarriesTheMeasureAndSupersedesItsPublication) {
  Migrate();
  store_->UpsertBatch("140100", {Measure("M-1", 1, true)}, {}, Day("2026-11-21"));
  ASSERT_TRUE(store_->Release(kAgency, "M-1", Day("2026-11-23"), "检验合格").has_value());
  const auto changes = store_->Changes(0, 100, Day("2030-01-01"));
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_TRUE(changes[0].content_removed);
  EXPECT_EQ(changes[1].type, ChangeType::kReleased);
  EXPECT_FALSE(changes[1].content_removed) << "a measure has no end of retention";
  EXPECT_EQ(changes[1].record.public_record, Measure("M-1", 1, true).public_record);
  EXPECT_EQ(common::FormatIsoDate(changes[1].record.released_on), "2026-11-23");
}

// A record the public never saw gets no public feed event when it is
// withdrawn or released; the withdrawal or release is still recorded.
TEST_F(PenaltyStoreTest, AWithdrawalOrReleaseOfARecordNeverPublicAddsNoFeedEvent) {
  Migrate();
  store_->UpsertBatch("140100", {Decision("D-7", 1, false), Measure("M-2", 1, false)}, {}, Day("2026-11-21"));
  auto withdrawn = store_->Withdraw(kAgency, "D-7", 1, "变更", Day("2026-11-22"), Day("2026-11-23"));
  ASSERT_TRUE(withdrawn.has_value());
  EXPECT_EQ(common::FormatIsoDate(withdrawn->withdrawn_on), "2026-11-23");
  EXPECT_EQ(withdrawn->withdrawal_explanation, "变更");
  auto released = store_->Release(kAgency, "M-2", Day("2026-11-22"), "解除");
  ASSERT_TRUE(released.has_value());
  EXPECT_EQ(common::FormatIsoDate(released->released_on), "2026-11-22");
  EXPECT_TRUE(store_->Changes(0, 100, Day("2026-11-23")).empty());
  EXPECT_TRUE(FeedTable().empty());

  // Public once, then made private, then withdrawn: the feed says no more
  // than the unpublication it already said.
  store_->UpsertBatch("140100", {Decision("D-8", 1, true)}, {}, Day("2026-11-21"));
  store_->UpsertBatch("140100", {Decision("D-8", 2, false)}, {}, Day("2026-11-22"));
  ASSERT_TRUE(store_->Withdraw(kAgency, "D-8", 1, "变更", Day("2026-11-22"), Day("2026-11-23")).has_value());
  const auto changes = store_->Changes(0, 100, Day("2026-11-23"));
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].type, ChangeType::kPublished);
  EXPECT_EQ(changes[1].type, ChangeType::kUnpublished);
}

// Retention ends at read time, by the day the read is asked for: the entry
// keeps its seq and reads as the key only from the day after public_until. A
// withdrawal notice stays readable, as GetPublished shows it.
TEST_F(PenaltyStoreTest, AnEntryPastItsRetentionReadsAsTheKeyOnly) {
  Migrate();
  store_->UpsertBatch("140100", {Decision("R-1", 1, true), Decision("R-2", 1, true)}, {}, Day("2026-11-21"));
  ASSERT_TRUE(store_->Withdraw(kAgency, "R-2", 3, "确认违法", Day("2026-11-22"), Day("2026-11-23")).has_value());

  const auto last_day = store_->Changes(0, 100, Day("2027-11-20"));
  ASSERT_EQ(last_day.size(), 3u);
  EXPECT_EQ(last_day[0].record.source_id, "R-1");
  EXPECT_FALSE(last_day[0].content_removed);
  EXPECT_EQ(last_day[0].record.public_record, Decision("R-1", 1, true).public_record);

  const auto after = store_->Changes(0, 100, Day("2027-11-21"));
  ASSERT_EQ(after.size(), 3u);
  EXPECT_EQ(Seqs(after), Seqs(last_day));
  EXPECT_TRUE(after[0].content_removed);
  EXPECT_EQ(after[0].record.source_id, "R-1");
  EXPECT_EQ(after[0].record.public_record, "");
  EXPECT_FALSE(after[0].record.public_until.has_value());
  EXPECT_EQ(after[2].type, ChangeType::kWithdrawn);
  EXPECT_FALSE(after[2].content_removed);
  EXPECT_EQ(after[2].record.withdrawal_explanation, "确认违法");
}

// A feed written before migration 003: every entry but the latest of its
// record is superseded, a withdrawal of a record that was not public is
// dropped, and a notice keeps no copy of its record; the rest keep their seq.
TEST_F(PenaltyStoreTest, TheFeedMigrationSupersedesWhatTheOldFeedKept) {
  const common::MigrationSet& all = gongkai_penalties_migrations();
  ASSERT_GE(all.migrations.size(), 3u);
  ASSERT_EQ(all.migrations[2].version, 3);
  ASSERT_EQ(common::ApplyMigrations(db_.url(), {all.schema, {all.migrations[0], all.migrations[1]}}), 2);
  std::vector<int64_t> seqs;
  {
    pqxx::connection conn(db_.url());
    pqxx::work tx(conn);
    // As the code before 003 appended: D-1 published twice, D-2 published and
    // withdrawn, D-3 (never public) withdrawn.
    const std::string insert =
        "INSERT INTO penalties.changes (type, kind, agency_credit_code, source_id, city_code, domain, "
        "source_version, public_record, clock_start, published_on, withdrawal_explanation) VALUES ";
    for (const std::string values :
         {"(1, 1, 'A', 'D-1', '140100', 'market_regulation', 1, '\\x01'::bytea, '2026-11-20', '2026-11-21', NULL)",
          "(1, 1, 'A', 'D-2', '140100', 'market_regulation', 1, '\\x02'::bytea, '2026-11-20', '2026-11-21', NULL)",
          "(1, 1, 'A', 'D-1', '140100', 'market_regulation', 2, '\\x03'::bytea, '2026-11-20', '2026-11-21', NULL)",
          "(2, 1, 'A', 'D-3', '140100', 'market_regulation', 1, NULL, '2026-11-20', '2026-11-21', '未成年人')",
          "(2, 1, 'A', 'D-2', '140100', 'market_regulation', 1, '\\x02'::bytea, '2026-11-20', '2026-11-21', "
          "'撤销')"}) {
      seqs.push_back(tx.exec(insert + values + " RETURNING seq")[0][0].as<int64_t>());
    }
    tx.commit();
  }
  Migrate();

  const auto table = FeedTable();
  ASSERT_EQ(table.size(), 4u) << "the withdrawal of D-3, never public, is gone";
  const std::vector<int64_t> kept{seqs[0], seqs[1], seqs[2], seqs[4]};
  for (std::size_t i = 0; i < table.size(); ++i) EXPECT_EQ(table[i].seq, kept[i]);
  EXPECT_TRUE(table[0].superseded);  // D-1 v1
  EXPECT_FALSE(table[0].has_public_record);
  EXPECT_TRUE(table[1].superseded);  // D-2's publication
  EXPECT_FALSE(table[1].has_public_record);
  EXPECT_FALSE(table[2].superseded);  // D-1 v2
  EXPECT_TRUE(table[2].has_public_record);
  EXPECT_FALSE(table[3].superseded);  // D-2's notice
  EXPECT_FALSE(table[3].has_public_record);
  EXPECT_TRUE(table[3].has_explanation);

  // Writes after the migration supersede through the new index.
  store_->UpsertBatch("140100", {Decision("D-11", 1, true)}, {}, Day("2026-11-21"));
  store_->UpsertBatch("140100", {Decision("D-11", 2, true)}, {}, Day("2026-11-22"));
  const auto changes = store_->Changes(seqs[4], 10, Day("2026-11-22"));
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_TRUE(changes[0].content_removed);
  EXPECT_FALSE(changes[1].content_removed);
}

// The gauges' counts: stored records by their columns, and rejected ones by
// the domain and date their raw record claims (a date that is not one reads
// as none).
TEST_F(PenaltyStoreTest, PublicationCountsReadRejectedRecordsByTheDateTheyClaim) {
  Migrate();
  const auto rejected = [](const std::string& kind, const std::string& source_id, const std::string& raw) {
    return common::Rejection{kind, std::string(kAgency) + "/" + source_id, 1, raw, {{"x", "y"}}, "", 0};
  };
  store_->UpsertBatch(
      "140100", {Decision("D-12", 1, true), Decision("D-13", 1, false), Decision("D-16", 1, true)},
      {rejected("decision", "D-14",
                R"({"agency_credit_code":"11140100MB0000001X","source_id":"D-14","domain":"market_regulation",)"
                R"("party":{"name":"张三","address":"\"domain\":\"x\""},"facts":"\"decision_date\":\"2020-01-01\"",)"
                R"("decision_date":"2026-03-02"})"),
       rejected("measure", "M-3", R"({"source_id":"M-3","domain":"transport","period_start":"2026-02-27"})"),
       rejected("decision", "D-15", R"({"source_id":"D-15","decision_date":"2026-3-2"})")},
      Day("2026-11-21"));
  auto counts = store_->PublicationCounts();
  std::sort(counts.begin(), counts.end(), [](const PublicationCount& a, const PublicationCount& b) {
    return std::tie(a.kind, a.domain, a.clock_start, a.published_on) <
           std::tie(b.kind, b.domain, b.clock_start, b.published_on);
  });
  ASSERT_EQ(counts.size(), 5u);
  EXPECT_EQ(counts[0].domain, "");  // D-15: no domain, no readable date
  EXPECT_FALSE(counts[0].clock_start.has_value());
  EXPECT_FALSE(counts[0].published_on.has_value());
  EXPECT_EQ(counts[1].domain, "market_regulation");  // D-14, rejected
  EXPECT_EQ(common::FormatIsoDate(counts[1].clock_start), "2026-03-02");
  EXPECT_FALSE(counts[1].published_on.has_value());
  EXPECT_FALSE(counts[1].never_published);
  EXPECT_EQ(counts[1].count, 1);
  EXPECT_EQ(counts[2].domain, "market_regulation");  // D-13, stored, never public
  EXPECT_EQ(common::FormatIsoDate(counts[2].clock_start), "2026-11-20");
  EXPECT_FALSE(counts[2].published_on.has_value());
  EXPECT_TRUE(counts[2].never_published);
  EXPECT_EQ(counts[2].count, 1);
  EXPECT_EQ(counts[3].domain, "market_regulation");  // D-12 and D-16, stored
  EXPECT_EQ(common::FormatIsoDate(counts[3].clock_start), "2026-11-20");
  EXPECT_EQ(common::FormatIsoDate(counts[3].published_on), "2026-11-21");
  EXPECT_FALSE(counts[3].never_published);
  EXPECT_EQ(counts[3].count, 2);
  EXPECT_EQ(counts[3].city_code, "140100");
  EXPECT_EQ(counts[4].kind, PenaltyKind::kMeasure);  // M-3, rejected
  EXPECT_EQ(counts[4].domain, "transport");
  EXPECT_EQ(common::FormatIsoDate(counts[4].clock_start), "2026-02-27");
}

// The public list by party name: part of the public name, as it is (LIKE's
// % and _ and its escape character, the backslash, match only themselves),
// short or long, alone or with the other filters.
TEST_F(PenaltyStoreTest, APartyNameIsFoundAsASubstringWithItsPercentUnderscoreAndBackslashLiteral) {
  Migrate();
  std::vector<RecordToStore> batch;
  for (const char* name :
       {"满50%商贸有限公司", "满500商贸有限公司", "a_b食品店", "axb食品店", "C:\\x工作室", "C:x工作室", "张某某"}) {
    batch.push_back(Decision(std::string("D-") + name, 1, true));
    batch.back().public_party_name = name;
  }
  store_->UpsertBatch("140100", batch, {}, Day("2026-11-21"));
  const auto found = [&](const std::string& party_name, const std::string& city = "") {
    PublishedFilter filter;
    filter.party_name = party_name;
    filter.city_code = city;
    std::vector<std::string> names;
    for (const auto& row : store_->ListPublished(filter, Day("2026-11-21"))) names.push_back(row.source_id.substr(2));
    std::sort(names.begin(), names.end());
    return names;
  };
  EXPECT_EQ(found("50%"), std::vector<std::string>{"满50%商贸有限公司"});
  EXPECT_EQ(found("a_b"), std::vector<std::string>{"a_b食品店"});
  EXPECT_EQ(found("C:\\x"), std::vector<std::string>{"C:\\x工作室"});
  EXPECT_EQ(found("%"), std::vector<std::string>{"满50%商贸有限公司"});
  EXPECT_EQ(found("商贸有限"), (std::vector<std::string>{"满50%商贸有限公司", "满500商贸有限公司"}));
  EXPECT_EQ(found("张某"), std::vector<std::string>{"张某某"}) << "two characters: no trigram, the same answer";
  EXPECT_EQ(found("食品店", "140100"), (std::vector<std::string>{"a_b食品店", "axb食品店"}));
  EXPECT_TRUE(found("食品店", "140200").empty());
  EXPECT_EQ(found("").size(), 7u);
}

// On a table with some thousands of public records, a search by party name
// is planned for its name, even on a connection whose plans are made for any
// name (plan_cache_mode = force_generic_plan, what PostgreSQL may settle on
// for a prepared statement), and that plan reads the trigram index of
// migration 004.
TEST_F(PenaltyStoreTest, APartyNameSearchIsPlannedForItsNameAndUsesTheTrigramIndex) {
  Migrate();
  std::vector<RecordToStore> batch;
  for (int i = 0; i < 3000; ++i) {
    batch.push_back(Decision("D-" + std::to_string(i), 1, true));
    batch.back().public_party_name = "太原市某某商贸有限公司" + std::to_string(i);
  }
  batch[1234].public_party_name = "晋中市平遥古城牛肉食品有限公司";
  store_->UpsertBatch("140100", batch, {}, Day("2026-11-21"));
  // One connection: the store prepares its statement on it, and the test
  // reads the statement's plans there.
  auto pool = db_.MigratedPool(gongkai_penalties_migrations(), 1);
  PgPenaltyStore store(*pool);
  pool->Run([](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    tx.exec("SET plan_cache_mode = force_generic_plan");
  });
  PublishedFilter filter;
  filter.party_name = "平遥古城";
  for (int call = 0; call < 3; ++call) {
    const auto found = store.ListPublished(filter, Day("2026-11-21"));
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].source_id, "D-1234");
  }
  pool->Run([](pqxx::connection& c) {
    pqxx::work tx(c);
    const auto plans = tx.exec(
        "SELECT generic_plans, custom_plans FROM pg_prepared_statements "
        "WHERE name = 'penalties_list_published_by_party'");
    ASSERT_EQ(plans.size(), 1u);
    EXPECT_EQ(plans[0][0].as<int>(), 0);
    EXPECT_EQ(plans[0][1].as<int>(), 3);
  });

  const std::string plan = pool->Run([](pqxx::connection& c) {
    pqxx::work tx(c);
    // Rows written since the index was built wait in GIN's pending list,
    // which the planner counts as read on every search, until a vacuum
    // (autovacuum) merges them; so here.
    tx.exec("SELECT gin_clean_pending_list('penalties.records_public_party_name')");
    tx.exec("ANALYZE penalties.records");
    tx.exec("SET LOCAL plan_cache_mode = force_custom_plan");
    std::string text;
    for (const auto& row : tx.exec("EXPLAIN EXECUTE penalties_list_published_by_party(1, '2026-11-21', '', '', '', "
                                   "'', '', '平遥古城', '', '', '', 51, '')")) {
      text += row[0].as<std::string>() + "\n";
    }
    return text;
  });
  EXPECT_NE(plan.find("Bitmap Index Scan on records_public_party_name"), std::string::npos) << plan;
}

// ---------------------------------------------------------------- the republish

std::string CitizenId(const std::string& first17) { return first17 + common::CitizenIdCheckCharacter(first17); }

// A natural person's decision as a city sends it, with personal data in its
// facts: the party's address, another person, a phone in a written form.
PenaltyDecision PersonDecision(const std::string& source_id, const std::string& facts) {
  PenaltyDecision d;
  d.agency_credit_code = kAgency;
  d.source_id = source_id;
  d.source_version = 1;
  d.domain = "market_regulation";
  d.party.kind = Party::Kind::kNaturalPerson;
  d.party.name = "张三";
  d.party.id_number = CitizenId("14010119850315123");
  d.party.address = "太原市小店区坞城路92号";
  d.party.phone = "13912345678";
  d.mentioned_persons = {"王小明"};
  d.facts = facts;
  d.decision_date = Day("2026-11-20");
  d.severity = CreditSeverity::kGeneral;
  return d;
}

constexpr char kLeakyFacts[] = "张三在太原市小店区坞城路92号销售过期食品，证人王小明（电话138-1234-5678）作证。";

// What rules older than kMaskingVersion published of a decision: its
// public form with the facts as they were published then (the party's name
// masked, the address, the other person and the grouped phone left).
std::string OlderPublicForm(const PenaltyDecision& d, const std::string& published_facts) {
  v1::PenaltyDecision shown;
  EXPECT_TRUE(shown.ParseFromString(RowOf(d).public_record));
  shown.set_facts(published_facts);
  return shown.SerializeAsString();
}

// The personal strings of kLeakyFacts that the current rules mask, and the
// party's name.
constexpr const char* kPersonal[] = {"坞城路92号", "王小明", "1234-5678", "张三"};

// The first of kPersonal found in `bytes`, "" for none.
std::string LeakIn(const std::string& bytes) {
  for (const char* s : kPersonal) {
    if (bytes.find(s) != std::string::npos) return s;
  }
  return "";
}

// Records stored under older masking rules are published anew by the
// republish: every public answer (the record, the public list, the feed from
// seq 0) loses what the current rules mask; the entries that carried it keep
// their seq and lose their content; a record whose public form is what the
// current rules make gets no feed entry; a second run finds nothing to do.
TEST_F(PenaltyStoreTest, TheRepublishMasksOlderPublicFormsInEveryPublicAnswer) {
  Migrate();
  const PenaltyDecision leaky = PersonDecision("P-1", kLeakyFacts);
  RecordToStore old_row = RowOf(leaky);
  old_row.public_record =
      OlderPublicForm(leaky, "张某某在太原市小店区坞城路92号销售过期食品，证人王小明（电话138-1234-5678）作证。");
  const PenaltyDecision current = PersonDecision("P-2", "张三销售过期食品。");
  const PenaltyDecision withdrawn = PersonDecision("P-3", "张三销售过期食品。");
  store_->UpsertBatch("140100", {old_row, RowOf(current), RowOf(withdrawn)}, {}, Day("2026-11-21"));
  // The explanation as older rules stored it: digit runs masked, nothing else.
  const std::string explanation = "经复议撤销。张三在坞城路92号的经营已停止。";
  ASSERT_TRUE(store_->Withdraw(kAgency, "P-3", 1, explanation, Day("2026-11-22"), Day("2026-11-23")).has_value());
  EXPECT_EQ(MaskingVersions(), std::vector<int>{kMaskingVersion}) << "a write notes the current rules";
  MakeEveryRowStale();

  const common::Date today = Day("2026-11-25");
  const auto before = FeedTable();
  ASSERT_EQ(before.size(), 4u);  // P-1, P-2, P-3 published; P-3 withdrawn
  ASSERT_NE(LeakIn(store_->Get(PenaltyKind::kDecision, kAgency, "P-1")->public_record), "");
  ASSERT_NE(LeakIn(store_->Changes(0, 50, today)[3].record.withdrawal_explanation), "");
  const auto p1_before = store_->Get(PenaltyKind::kDecision, kAgency, "P-1");

  const RepublishTotals first = RepublishStoredRecords(*store_, 2);
  EXPECT_EQ(first.batches, 2u);
  EXPECT_EQ(first.read, 3u);
  EXPECT_EQ(first.rewritten, 2u) << "P-1's public form and P-3's explanation";
  EXPECT_EQ(first.announced, 2u);
  EXPECT_EQ(MaskingVersions(), std::vector<int>{kMaskingVersion});

  // The record: its public form as a write of it makes it now, nothing else
  // changed.
  const auto p1 = store_->Get(PenaltyKind::kDecision, kAgency, "P-1");
  ASSERT_TRUE(p1.has_value());
  EXPECT_EQ(p1->public_record, RowOf(leaky).public_record);
  EXPECT_EQ(LeakIn(p1->public_record), "");
  EXPECT_EQ(p1->source_version, p1_before->source_version);
  EXPECT_EQ(common::FormatIsoDate(p1->published_on), common::FormatIsoDate(p1_before->published_on));
  EXPECT_EQ(common::FormatIsoDate(p1->public_until), common::FormatIsoDate(p1_before->public_until));
  EXPECT_EQ(common::FormatIsoDate(p1->clock_start), common::FormatIsoDate(p1_before->clock_start));
  EXPECT_EQ(p1->record, p1_before->record) << "the record as sent is kept";

  // The withdrawal notice: its explanation masked with the decision's
  // personal data.
  RecordRow p3_stored;
  p3_stored.kind = PenaltyKind::kDecision;
  p3_stored.record = RowOf(withdrawn).record;
  const auto p3 = store_->Get(PenaltyKind::kDecision, kAgency, "P-3");
  ASSERT_TRUE(p3.has_value());
  EXPECT_EQ(p3->withdrawal_explanation, PublicExplanation(p3_stored, explanation));
  EXPECT_EQ(LeakIn(p3->withdrawal_explanation), "");
  EXPECT_EQ(common::FormatIsoDate(p3->withdrawn_on), "2026-11-23");

  // The public list.
  PublishedFilter filter;
  const auto listed = store_->ListPublished(filter, today);
  ASSERT_EQ(listed.size(), 2u);  // P-1, P-2; P-3 is withdrawn
  for (const auto& row : listed) EXPECT_EQ(LeakIn(row.public_record), "") << row.source_id;

  // The feed from seq 0: two entries more, the earlier ones of P-1 and P-3
  // keep their seq, type and record, and lose their content.
  const auto changes = store_->Changes(0, 50, today);
  ASSERT_EQ(changes.size(), 6u);
  for (const auto& c : changes) {
    EXPECT_EQ(LeakIn(c.record.public_record), "") << c.seq;
    EXPECT_EQ(LeakIn(c.record.withdrawal_explanation), "") << c.seq;
  }
  const auto after = FeedTable();
  ASSERT_EQ(after.size(), 6u);
  for (std::size_t i = 0; i < before.size(); ++i) {
    EXPECT_EQ(after[i].seq, before[i].seq);
    EXPECT_EQ(after[i].source_id, before[i].source_id);
    EXPECT_EQ(after[i].type, before[i].type);
  }
  EXPECT_EQ(after[0].source_id, "P-1");
  EXPECT_TRUE(after[0].superseded);
  EXPECT_FALSE(after[0].has_public_record);
  EXPECT_TRUE(changes[0].content_removed);
  EXPECT_EQ(after[3].source_id, "P-3");
  EXPECT_EQ(after[3].type, static_cast<int>(ChangeType::kWithdrawn));
  EXPECT_TRUE(after[3].superseded);
  EXPECT_FALSE(after[3].has_explanation);

  EXPECT_EQ(changes[4].record.source_id, "P-1");
  EXPECT_EQ(changes[4].type, ChangeType::kPublished);
  EXPECT_FALSE(changes[4].content_removed);
  EXPECT_EQ(changes[4].record.public_record, RowOf(leaky).public_record);
  EXPECT_EQ(changes[4].record.source_version, 1);
  EXPECT_EQ(common::FormatIsoDate(changes[4].record.published_on), "2026-11-21");
  EXPECT_EQ(changes[5].record.source_id, "P-3");
  EXPECT_EQ(changes[5].type, ChangeType::kWithdrawn);
  EXPECT_FALSE(changes[5].content_removed);
  EXPECT_EQ(changes[5].record.withdrawal_explanation, p3->withdrawal_explanation);
  EXPECT_EQ(changes[5].record.public_record, "") << "a withdrawal notice keeps no copy of the decision";
  EXPECT_FALSE(after[5].has_public_record);

  // P-2's public form was already the current one: it keeps its one entry.
  EXPECT_EQ(std::count_if(after.begin(), after.end(), [](const FeedRow& r) { return r.source_id == "P-2"; }), 1);
  EXPECT_EQ(after[1].source_id, "P-2");
  EXPECT_FALSE(after[1].superseded);
  EXPECT_TRUE(after[1].has_public_record);

  const RepublishTotals second = RepublishStoredRecords(*store_, 2);
  EXPECT_EQ(second.read, 0u);
  EXPECT_EQ(second.rewritten, 0u);
  EXPECT_EQ(FeedTable(), after) << "a second run changes nothing";
  EXPECT_EQ(store_->Get(PenaltyKind::kDecision, kAgency, "P-1")->public_record, p1->public_record);
}

// The republish never publishes: a record that was never public stays so,
// with no feed entry. A public record whose record no longer reads back
// cannot be masked by the current rules and leaves the public view, as a new
// version that may not be published leaves it (UNPUBLISHED, its earlier
// entry cleared).
TEST_F(PenaltyStoreTest, TheRepublishKeepsPrivateRecordsPrivateAndWithdrawsWhatItCannotMask) {
  Migrate();
  store_->UpsertBatch("140100", {Decision("N-1", 1, false), Decision("N-2", 1, true)}, {}, Day("2026-11-21"));
  ASSERT_TRUE(
      store_->Withdraw(kAgency, "N-1", 1, "张三的案件已变更", Day("2026-11-22"), Day("2026-11-23")).has_value());
  MakeEveryRowStale();
  const auto before = FeedTable();
  ASSERT_EQ(before.size(), 1u);  // N-2's publication

  const RepublishTotals totals = RepublishStoredRecords(*store_);
  EXPECT_EQ(totals.batches, 1u);
  EXPECT_EQ(totals.read, 2u);
  EXPECT_EQ(totals.rewritten, 1u) << "N-2 only";
  EXPECT_EQ(totals.announced, 1u);
  EXPECT_EQ(MaskingVersions(), std::vector<int>{kMaskingVersion});

  const auto n1 = store_->Get(PenaltyKind::kDecision, kAgency, "N-1");
  EXPECT_EQ(n1->public_record, "");
  // Masked again, by the rules alone (its record does not read back), which
  // find nothing in it; and it was never public.
  EXPECT_EQ(n1->withdrawal_explanation, "张三的案件已变更");
  const auto n2 = store_->Get(PenaltyKind::kDecision, kAgency, "N-2");
  EXPECT_EQ(n2->public_record, "");
  EXPECT_TRUE(store_->ListPublished(PublishedFilter{}, Day("2026-11-25")).empty());

  const auto changes = store_->Changes(0, 50, Day("2026-11-25"));
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].seq, before[0].seq);
  EXPECT_TRUE(changes[0].content_removed);
  EXPECT_EQ(changes[1].record.source_id, "N-2");
  EXPECT_EQ(changes[1].type, ChangeType::kUnpublished);
  EXPECT_TRUE(changes[1].content_removed);
  for (const FeedRow& row : FeedTable()) EXPECT_FALSE(row.has_public_record) << row.seq;
}

// ---------------------------------------------------------------- the search by credit code

std::string CreditCode(const std::string& first17) { return first17 + common::CreditCodeCheckCharacter(first17); }

// An organisation's decision as a city sends it.
PenaltyDecision OrganisationDecision(const std::string& source_id, const std::string& credit_code,
                                     const std::string& date) {
  PenaltyDecision d = PersonDecision(source_id, "当事人销售超过保质期的食品。");
  d.party = Party{};
  d.party.kind = Party::Kind::kOrganization;
  d.party.name = "太原市某某食品有限公司";
  d.party.credit_code = credit_code;
  d.mentioned_persons.clear();
  d.decision_date = Day(date);
  return d;
}

// The source ids the public list answers for `filter` on `today`, in its order.
std::vector<std::string> Listed(PgPenaltyStore& store, const PublishedFilter& filter, const std::string& today) {
  std::vector<std::string> ids;
  for (const auto& row : store.ListPublished(filter, Day(today))) ids.push_back(row.source_id);
  return ids;
}

// The public list finds a party by its credit code as published, exactly,
// alone or with the other filters, newest first: an organisation's and an
// individual business's. A natural person's credit code is never published
// (the column holds nothing for the person), so neither it nor the ID number
// finds the decision. A decision withdrawn, or made private by a new
// version, is no longer found.
TEST_F(PenaltyStoreTest, APartyIsFoundByItsPublishedCreditCodeAndANaturalPersonNever) {
  Migrate();
  const std::string company = CreditCode("91140100MA0KABCD1");
  const std::string business = CreditCode("92140100MA0KABCD2");
  const std::string persons_code = CreditCode("91140100MA0KPER01");
  PenaltyDecision shop = OrganisationDecision("B-1", business, "2026-11-20");
  shop.party.kind = Party::Kind::kIndividualBusiness;
  shop.party.name = "小店区某某烧烤店";
  shop.party.legal_representative = "张三";
  PenaltyDecision person = PersonDecision("P-1", "张三销售过期食品。");
  person.party.credit_code = persons_code;
  store_->UpsertBatch("140100",
                      {RowOf(OrganisationDecision("C-1", company, "2026-11-18")),
                       RowOf(OrganisationDecision("C-2", company, "2026-11-19")), RowOf(shop), RowOf(person)},
                      {}, Day("2026-11-21"));
  const auto found = [&](const std::string& code, const std::string& city = "", const std::string& name = "") {
    PublishedFilter filter;
    filter.party_credit_code = code;
    filter.city_code = city;
    filter.party_name = name;
    return Listed(*store_, filter, "2026-11-21");
  };
  EXPECT_EQ(found(company), (std::vector<std::string>{"C-2", "C-1"}));
  EXPECT_EQ(found(business), std::vector<std::string>{"B-1"});
  EXPECT_EQ(found(company, "140100"), (std::vector<std::string>{"C-2", "C-1"}));
  EXPECT_TRUE(found(company, "140200").empty());
  EXPECT_EQ(found(company, "", "某某食品"), (std::vector<std::string>{"C-2", "C-1"})) << "with a party name";
  EXPECT_TRUE(found(business, "", "某某食品").empty());
  EXPECT_TRUE(found(persons_code).empty()) << "a natural person's credit code is never published";
  EXPECT_TRUE(found(person.party.id_number).empty());
  EXPECT_TRUE(found(company.substr(0, 17)).empty()) << "exactly, not a part";
  EXPECT_EQ(found("").size(), 4u);
  {
    pqxx::connection conn(db_.url());
    pqxx::read_transaction tx(conn);
    const auto none = tx.exec("SELECT source_id FROM penalties.records WHERE public_party_credit_code IS NULL");
    ASSERT_EQ(none.size(), 1u);
    EXPECT_EQ(none[0][0].as<std::string>(), "P-1");
  }

  ASSERT_TRUE(store_->Withdraw(kAgency, "C-1", 1, "变更", Day("2026-11-21"), Day("2026-11-21")).has_value());
  EXPECT_EQ(found(company), std::vector<std::string>{"C-2"}) << "a withdrawn decision leaves the list";
  PenaltyDecision minor_tier = OrganisationDecision("C-2", company, "2026-11-19");
  minor_tier.source_version = 2;
  minor_tier.severity = CreditSeverity::kMinor;
  store_->UpsertBatch("140100", {RowOf(minor_tier)}, {}, Day("2026-11-22"));
  EXPECT_TRUE(found(company).empty()) << "a version that may not be published";
}

// On a table with some thousands of public records, a search by credit code
// is planned for its code, even on a connection whose plans are made for any
// filters, and reads the index of migration 010.
TEST_F(PenaltyStoreTest, ACreditCodeSearchIsPlannedForItsCodeAndReadsItsIndex) {
  Migrate();
  const std::string wanted = CreditCode("91140100MA0KABCD1");
  std::vector<RecordToStore> batch;
  for (int i = 0; i < 3000; ++i) {
    batch.push_back(Decision("D-" + std::to_string(i), 1, true));
    batch.back().public_party_credit_code = "91140100MA" + std::to_string(1000000 + i) + "X";
  }
  batch[1234].public_party_credit_code = wanted;
  batch[2345].public_party_credit_code = wanted;
  batch[2345].clock_start = Day("2026-11-19");
  store_->UpsertBatch("140100", batch, {}, Day("2026-11-21"));
  auto pool = db_.MigratedPool(gongkai_penalties_migrations(), 1);
  PgPenaltyStore store(*pool);
  pool->Run([](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    tx.exec("SET plan_cache_mode = force_generic_plan");
  });
  PublishedFilter filter;
  filter.party_credit_code = wanted;
  for (int call = 0; call < 3; ++call) {
    EXPECT_EQ(Listed(store, filter, "2026-11-21"), (std::vector<std::string>{"D-1234", "D-2345"}));
  }
  pool->Run([](pqxx::connection& c) {
    pqxx::work tx(c);
    const auto plans = tx.exec(
        "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE name = 'penalties_list_published'");
    ASSERT_EQ(plans.size(), 1u);
    EXPECT_EQ(plans[0][0].as<int>(), 0);
    EXPECT_EQ(plans[0][1].as<int>(), 3);
  });

  const std::string plan = pool->Run([&wanted](pqxx::connection& c) {
    pqxx::work tx(c);
    tx.exec("ANALYZE penalties.records");
    tx.exec("SET LOCAL plan_cache_mode = force_custom_plan");
    std::string text;
    for (const auto& row : tx.exec("EXPLAIN EXECUTE penalties_list_published(1, '2026-11-21', '', '', '', '', '', "
                                   "'', '', '', 51, " +
                                   tx.quote(wanted) + ")")) {
      text += row[0].as<std::string>() + "\n";
    }
    return text;
  });
  EXPECT_NE(plan.find("records_public_party_credit_code"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("Seq Scan"), std::string::npos) << plan;
}

// Rows stored before the public credit code was kept (migration 010 leaves
// them without it, under an older masking version) get it from the republish
// at start-up, from the record as sent, with no feed event: the public form
// already carried it.
TEST_F(PenaltyStoreTest, TheRepublishFillsThePublicCreditCodeOfRowsStoredBeforeWithoutAFeedEvent) {
  Migrate();
  const std::string company = CreditCode("91140100MA0KABCD1");
  store_->UpsertBatch(
      "140100",
      {RowOf(OrganisationDecision("C-1", company, "2026-11-20")), RowOf(PersonDecision("P-1", "张三销售过期食品。"))},
      {}, Day("2026-11-21"));
  {
    pqxx::connection conn(db_.url());
    pqxx::work tx(conn);
    tx.exec("UPDATE penalties.records SET public_party_credit_code = NULL, masking_version = " +
            std::to_string(kMaskingVersion - 1));
    tx.commit();
  }
  PublishedFilter filter;
  filter.party_credit_code = company;
  ASSERT_TRUE(Listed(*store_, filter, "2026-11-21").empty());
  const auto before = FeedTable();

  const RepublishTotals totals = RepublishStoredRecords(*store_);
  EXPECT_EQ(totals.read, 2u);
  EXPECT_EQ(totals.rewritten, 1u) << "C-1's credit code; a natural person has none to publish";
  EXPECT_EQ(totals.announced, 0u);
  EXPECT_EQ(FeedTable(), before);
  EXPECT_EQ(MaskingVersions(), std::vector<int>{kMaskingVersion});
  EXPECT_EQ(Listed(*store_, filter, "2026-11-21"), std::vector<std::string>{"C-1"});
}

// ---------------------------------------------------------------- the withdrawal notices

// The withdrawal notices: the decisions withdrawn that have a public form,
// newest withdrawal first (then agency and source id, descending), by city,
// agency, domain and the day of the withdrawal, paged by that key; each read
// without its public record, whatever its retention; none of a decision
// never public, and none for a party filter. The records' list leaves them
// out.
TEST_F(PenaltyStoreTest, WithdrawalNoticesAreListedNewestWithdrawalFirstWithTheFiltersAndPaged) {
  Migrate();
  constexpr char kOtherAgency[] = "11140200MB0000003X";
  store_->UpsertBatch("140100",
                      {Decision("N-1", 1, true), Decision("N-2", 1, true), Decision("N-3", 1, true),
                       Decision("N-4", 1, true), Decision("N-5", 1, false)},
                      {}, Day("2026-11-21"));
  RecordToStore other = Decision("O-1", 1, true);
  other.agency_credit_code = kOtherAgency;
  store_->UpsertBatch("140200", {other}, {}, Day("2026-11-21"));
  ASSERT_TRUE(store_->Withdraw(kAgency, "N-1", 1, "变更", Day("2026-11-21"), Day("2026-11-22")).has_value());
  for (const char* id : {"N-2", "N-3", "N-5"}) {
    ASSERT_TRUE(store_->Withdraw(kAgency, id, 2, "撤销", Day("2026-11-21"), Day("2026-11-23")).has_value());
  }
  ASSERT_TRUE(store_->Withdraw(kOtherAgency, "O-1", 3, "确认违法", Day("2026-11-21"), Day("2026-11-23")).has_value());

  PublishedFilter notices;
  notices.withdrawn = true;
  const auto rows = store_->ListPublished(notices, Day("2026-11-25"));
  std::vector<std::string> ids;
  for (const auto& row : rows) {
    ids.push_back(row.source_id);
    EXPECT_TRUE(row.withdrawn_on.has_value()) << row.source_id;
    EXPECT_EQ(row.public_record, "") << "the notice replaces the record";
    EXPECT_EQ(common::FormatIsoDate(row.withdrawal_event_date), "2026-11-21");
  }
  ASSERT_EQ(ids, (std::vector<std::string>{"O-1", "N-3", "N-2", "N-1"}));
  EXPECT_EQ(rows[0].withdrawal_reason, 3);
  EXPECT_EQ(rows[0].withdrawal_explanation, "确认违法");
  EXPECT_EQ(rows[0].city_code, "140200");
  EXPECT_EQ(common::FormatIsoDate(rows[3].withdrawn_on), "2026-11-22");

  // Paged by (withdrawn_on, agency, source id).
  notices.limit = 2;
  EXPECT_EQ(Listed(*store_, notices, "2026-11-25"), (std::vector<std::string>{"O-1", "N-3"}));
  notices.after = PublishedPosition{Day("2026-11-23"), kAgency, "N-3"};
  EXPECT_EQ(Listed(*store_, notices, "2026-11-25"), (std::vector<std::string>{"N-2", "N-1"}));
  notices.after = PublishedPosition{Day("2026-11-22"), kAgency, "N-1"};
  EXPECT_TRUE(Listed(*store_, notices, "2026-11-25").empty());
  notices.after.reset();
  notices.limit = 50;

  // The filters.
  PublishedFilter f = notices;
  f.city_code = "140100";
  EXPECT_EQ(Listed(*store_, f, "2026-11-25"), (std::vector<std::string>{"N-3", "N-2", "N-1"}));
  f = notices;
  f.agency_credit_code = kOtherAgency;
  EXPECT_EQ(Listed(*store_, f, "2026-11-25"), std::vector<std::string>{"O-1"});
  f = notices;
  f.domain = "transport";
  EXPECT_TRUE(Listed(*store_, f, "2026-11-25").empty());
  f = notices;
  f.date_from = Day("2026-11-22");
  f.date_to = Day("2026-11-22");
  EXPECT_EQ(Listed(*store_, f, "2026-11-25"), std::vector<std::string>{"N-1"});
  f = notices;
  f.date_from = Day("2026-11-23");
  EXPECT_EQ(Listed(*store_, f, "2026-11-25"), (std::vector<std::string>{"O-1", "N-3", "N-2"}));
  f = notices;
  f.party_name = "张某某";
  EXPECT_TRUE(Listed(*store_, f, "2026-11-25").empty()) << "a notice publishes no party";
  f = notices;
  f.party_credit_code = CreditCode("91140100MA0KABCD1");
  EXPECT_TRUE(Listed(*store_, f, "2026-11-25").empty());

  // Past the decisions' retention (2027-11-20), the notices stay and the
  // records are gone; the records' list never holds a notice.
  EXPECT_EQ(Listed(*store_, notices, "2028-01-01").size(), 4u);
  EXPECT_EQ(Listed(*store_, PublishedFilter{}, "2026-11-25"), std::vector<std::string>{"N-4"});
  EXPECT_TRUE(Listed(*store_, PublishedFilter{}, "2028-01-01").empty());
}

// ---------------------------------------------------------------- the first public day

std::string PublishedOn(PgPenaltyStore& store, const std::string& agency, const std::string& source_id) {
  const auto row = store.Get(PenaltyKind::kDecision, agency, source_id);
  return row ? common::FormatIsoDate(row->published_on) : "no such record";
}

// A record first stored without a public form (a MINOR-tier decision, say)
// and corrected so that it may be published is first public on the day of
// the correction, in the record, the public list and the feed; until then it
// has no publication day.
TEST_F(PenaltyStoreTest, FirstPublicDayIsTheDayOfTheCorrection) {
  Migrate();
  const auto stored = store_->UpsertBatch("140100", {Decision("C-1", 1, false)}, {}, Day("2026-11-21"));
  EXPECT_FALSE(stored[0].first_publication);
  EXPECT_EQ(PublishedOn(*store_, kAgency, "C-1"), "");

  const auto corrected = store_->UpsertBatch("140100", {Decision("C-1", 2, true)}, {}, Day("2026-11-24"));
  EXPECT_EQ(corrected[0].outcome, common::UpsertOutcome::kAccepted);
  EXPECT_TRUE(corrected[0].first_publication);
  EXPECT_EQ(PublishedOn(*store_, kAgency, "C-1"), "2026-11-24");
  const auto listed = store_->ListPublished(PublishedFilter{}, Day("2026-11-24"));
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(common::FormatIsoDate(listed[0].published_on), "2026-11-24");
  const auto changes = store_->Changes(0, 10, Day("2026-11-24"));
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].type, ChangeType::kPublished);
  EXPECT_EQ(common::FormatIsoDate(changes[0].record.published_on), "2026-11-24");
}

// Once public, a record keeps its first public day through new versions,
// public or not, and through its withdrawal.
TEST_F(PenaltyStoreTest, LaterVersionsKeepTheFirstPublicDay) {
  Migrate();
  store_->UpsertBatch("140100", {Decision("C-2", 1, true)}, {}, Day("2026-11-21"));
  store_->UpsertBatch("140100", {Decision("C-2", 2, true)}, {}, Day("2026-11-22"));
  EXPECT_EQ(PublishedOn(*store_, kAgency, "C-2"), "2026-11-21");
  store_->UpsertBatch("140100", {Decision("C-2", 3, false)}, {}, Day("2026-11-23"));
  EXPECT_EQ(PublishedOn(*store_, kAgency, "C-2"), "2026-11-21") << "made private, it was public from 2026-11-21";
  const auto again = store_->UpsertBatch("140100", {Decision("C-2", 4, true)}, {}, Day("2026-11-25"));
  EXPECT_FALSE(again[0].first_publication);
  EXPECT_EQ(PublishedOn(*store_, kAgency, "C-2"), "2026-11-21");
  const auto changes = store_->Changes(0, 10, Day("2026-11-25"));
  ASSERT_EQ(changes.size(), 4u);
  EXPECT_EQ(common::FormatIsoDate(changes[3].record.published_on), "2026-11-21");

  ASSERT_TRUE(store_->Withdraw(kAgency, "C-2", 1, "变更", Day("2026-11-26"), Day("2026-11-27")).has_value());
  store_->UpsertBatch("140100", {Decision("C-2", 5, true)}, {}, Day("2026-11-28"));
  EXPECT_EQ(PublishedOn(*store_, kAgency, "C-2"), "2026-11-21");
}

// A withdrawn record that was never public stays so: a later version that
// could be published gives it neither a public form nor a first public day,
// and says nothing in the feed.
TEST_F(PenaltyStoreTest, AWithdrawnRecordNeverPublicIsNotPublishedByALaterVersion) {
  Migrate();
  store_->UpsertBatch("140100", {Decision("C-3", 1, false)}, {}, Day("2026-11-21"));
  ASSERT_TRUE(store_->Withdraw(kAgency, "C-3", 1, "变更", Day("2026-11-22"), Day("2026-11-23")).has_value());
  const auto later = store_->UpsertBatch("140100", {Decision("C-3", 2, true)}, {}, Day("2026-11-24"));
  EXPECT_EQ(later[0].outcome, common::UpsertOutcome::kAccepted);
  EXPECT_FALSE(later[0].first_publication);
  const auto row = store_->Get(PenaltyKind::kDecision, kAgency, "C-3");
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->source_version, 2);
  EXPECT_EQ(row->public_record, "");
  EXPECT_FALSE(row->published_on.has_value());
  EXPECT_FALSE(VisibleToPublic(!row->public_record.empty(), true, row->public_until, Day("2026-11-24")))
      << "its withdrawal notice never reaches the public";
  EXPECT_TRUE(FeedTable().empty());
}

// The raw JSON a rejected decision is kept with (common::RecordJson).
common::Rejection RejectedDecision(const PenaltyDecision& d) {
  v1::PenaltyDecision proto;
  DecisionToProto(d, &proto);
  return {"decision",
          std::string(kAgency) + "/" + d.source_id,
          d.source_version,
          common::RecordJson(proto),
          {{"decisions[0].facts", "required"}},
          "",
          0};
}

// What the gauges count as due leaves out what the rules never publish: a
// stored record never public, and rejected records whose claims the rules
// never publish (a minor marked, an ID number showing a minor, a MINOR-tier
// decision dated from 2026-04-01). A record withdrawn after being public
// counts as published on its first public day; a rejected record without a
// tier is due.
TEST_F(PenaltyStoreTest, RecordsNeverPublishedAreNotInTheKpiDenominator) {
  Migrate();
  store_->UpsertBatch("140100", {Decision("K-1", 1, true), Decision("K-2", 1, false)}, {}, Day("2026-11-21"));
  ASSERT_TRUE(store_->Withdraw(kAgency, "K-1", 1, "变更", Day("2026-11-23"), Day("2026-11-24")).has_value());
  PenaltyDecision marked = PersonDecision("K-3", "张三销售过期食品。");
  marked.party.minor = true;
  PenaltyDecision by_id = PersonDecision("K-4", "张三销售过期食品。");
  by_id.party.id_number = CitizenId("14010120100501123");
  PenaltyDecision minor_tier = PersonDecision("K-5", "张三销售过期食品。");
  minor_tier.severity = CreditSeverity::kMinor;
  PenaltyDecision no_tier = PersonDecision("K-6", "张三销售过期食品。");
  no_tier.severity = CreditSeverity::kUnset;
  store_->UpsertBatch(
      "140100", {},
      {RejectedDecision(marked), RejectedDecision(by_id), RejectedDecision(minor_tier), RejectedDecision(no_tier)},
      Day("2026-11-21"));

  const auto counts = store_->PublicationCounts();
  int64_t never = 0;
  for (const auto& c : counts) never += c.never_published ? c.count : 0;
  EXPECT_EQ(never, 4) << "K-2 stored, K-3, K-4 and K-5 rejected";

  const auto tally = TallyPublications(
      counts, [](PenaltyKind, common::Date start) { return start + std::chrono::days{7}; }, Day("2026-12-31"));
  ASSERT_EQ(tally.key_domain.count("140100"), 1u);
  EXPECT_EQ(tally.key_domain.at("140100").due, 2) << "K-1, published on 2026-11-21, and K-6, overdue";
  EXPECT_EQ(tally.key_domain.at("140100").on_time, 1);
  EXPECT_EQ(tally.overdue.at({"penalty_decision", "140100"}), 1);
  EXPECT_EQ(tally.on_time.at({"penalty_decision", "province"}).due, 2);

  std::vector<std::string> tallied;
  for (const auto& r : store_->TallyRecords(2026, "", "", true)) {
    tallied.push_back(r.source_id + " " + std::string(common::RecordKindName(r.rule)));
  }
  EXPECT_EQ(tallied,
            (std::vector<std::string>{"K-1 penalty_decision", "K-1 penalty_withdrawal", "K-6 penalty_decision"}))
      << "the tallies read neither K-2 nor the rejected records the rules never publish";
}

// The counts judge a rejected record's ID number in the database, as
// NeverPublished judges it: a valid GB 11643 number whose birth date puts the
// party under 18 on the clock start, the 18th birthday included (1 March for
// one born on 29 February); a number that is not valid shows nothing.
TEST_F(PenaltyStoreTest, PublicationCountsJudgeARejectedIdNumberAsNeverPublishedDoes) {
  Migrate();
  const common::Date clock_start = Day("2026-03-01");
  std::string wrong_check = CitizenId("14010120100501123");
  wrong_check.back() = wrong_check.back() == '0' ? '1' : '0';
  const std::vector<std::string> ids = {
      CitizenId("14010120080301123"),  // 18th birthday on the clock start: a minor
      CitizenId("14010120080229123"),  // 18th birthday on 1 March: a minor
      CitizenId("14010120080228123"),  // 18 the day before
      wrong_check,                     // born 2010, check character wrong
      CitizenId("14010120100230123"),  // no such birth date
      CitizenId("14010118990101123"),  // a birth date before 1900
  };
  std::vector<common::Rejection> rejected;
  int64_t expected = 0;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    PenaltyDecision d = PersonDecision("A-" + std::to_string(i), "张三销售过期食品。");
    d.party.id_number = ids[i];
    d.decision_date = clock_start;
    rejected.push_back(RejectedDecision(d));
    expected += NeverPublished(PenaltyKind::kDecision, {false, false, ids[i]}, clock_start) ? 1 : 0;
  }
  ASSERT_EQ(expected, 2);
  store_->UpsertBatch("140100", {}, rejected, Day("2026-03-02"));

  int64_t never = 0, total = 0;
  for (const auto& c : store_->PublicationCounts()) {
    total += c.count;
    never += c.never_published ? c.count : 0;
  }
  EXPECT_EQ(total, 6);
  EXPECT_EQ(never, expected);
}

// A database written before migration 006 kept the day a record was first
// stored. The migration clears it for a record never public, and dates a
// record made public by a later version on its first publication in the feed
// (the day in Asia/Shanghai of the entry's time), in the record and in its
// feed entries; a public form without a first public day is refused after.
TEST_F(PenaltyStoreTest, TheFirstPublicDayMigrationKeepsOnlyDaysARecordWasPublic) {
  const common::MigrationSet& all = gongkai_penalties_migrations();
  ASSERT_GE(all.migrations.size(), 6u);
  ASSERT_EQ(all.migrations[5].version, 6);
  const std::vector<common::Migration> before(all.migrations.begin(), all.migrations.begin() + 5);
  ASSERT_EQ(common::ApplyMigrations(db_.url(), {all.schema, before}), 5);
  {
    pqxx::connection conn(db_.url());
    pqxx::work tx(conn);
    const std::string record =
        "INSERT INTO penalties.records (kind, agency_credit_code, source_id, city_code, domain, source_version, "
        "record, public_record, clock_start, published_on, previously_public) VALUES ";
    for (const std::string values :
         {// public from its first version
          "(1, 'A', 'M-1', '140100', 'market_regulation', 1, '\\x00'::bytea, '\\x01'::bytea, '2026-11-20', "
          "'2026-11-21', false)",
          // never public
          "(1, 'A', 'M-2', '140100', 'market_regulation', 1, '\\x00'::bytea, NULL, '2026-11-20', '2026-11-21', "
          "false)",
          // made public by its second version
          "(1, 'A', 'M-3', '140100', 'market_regulation', 2, '\\x00'::bytea, '\\x03'::bytea, '2026-11-20', "
          "'2026-11-21', false)",
          // public, then made private
          "(1, 'A', 'M-4', '140100', 'market_regulation', 2, '\\x00'::bytea, NULL, '2026-11-20', '2026-11-21', "
          "true)"}) {
      tx.exec(record + values);
    }
    const std::string change =
        "INSERT INTO penalties.changes (type, kind, agency_credit_code, source_id, city_code, domain, "
        "source_version, public_record, clock_start, published_on, at) VALUES ";
    for (const std::string values :
         {"(1, 1, 'A', 'M-1', '140100', 'market_regulation', 1, '\\x01'::bytea, '2026-11-20', '2026-11-21', "
          "'2026-11-21 02:00:00+00')",
          // 2026-11-25 01:30 in Asia/Shanghai
          "(1, 1, 'A', 'M-3', '140100', 'market_regulation', 2, '\\x03'::bytea, '2026-11-20', '2026-11-21', "
          "'2026-11-24 17:30:00+00')",
          "(1, 1, 'A', 'M-4', '140100', 'market_regulation', 1, NULL, '2026-11-20', '2026-11-21', "
          "'2026-11-21 03:00:00+00')",
          "(4, 1, 'A', 'M-4', '140100', 'market_regulation', 2, NULL, '2026-11-20', '2026-11-21', "
          "'2026-11-22 03:00:00+00')"}) {
      tx.exec(change + values);
    }
    tx.commit();
  }
  Migrate();

  EXPECT_EQ(PublishedOn(*store_, "A", "M-1"), "2026-11-21");
  EXPECT_EQ(PublishedOn(*store_, "A", "M-2"), "") << "never public";
  EXPECT_EQ(PublishedOn(*store_, "A", "M-3"), "2026-11-25") << "the day of its first publication";
  EXPECT_EQ(PublishedOn(*store_, "A", "M-4"), "2026-11-21") << "public once";
  for (const auto& c : store_->Changes(0, 10, Day("2026-11-25"))) {
    if (c.content_removed) continue;
    EXPECT_EQ(common::FormatIsoDate(c.record.published_on), c.record.source_id == "M-3" ? "2026-11-25" : "2026-11-21")
        << c.seq;
  }

  pqxx::connection conn(db_.url());
  pqxx::work tx(conn);
  EXPECT_THROW(tx.exec("UPDATE penalties.records SET published_on = NULL WHERE source_id = 'M-1'"),
               pqxx::check_violation);
}

// ---------------------------------------------------------------- credit repair and retention terms

CreditRepair GrantedOn(const std::string& day) {
  return {Day(day), "太原市发展和改革委员会", "并发改信用修复〔2027〕3号", "city-140100"};
}

// A credit repair ends the publication the day before it was granted, and
// announces it: the decision's earlier entries lose their content, and the
// UNPUBLISHED entry carries none, in the feed as read and in the table. The
// first repair stands, and later versions keep the end it gave.
TEST_F(PenaltyStoreTest, FeedServesRepairedRecordWithoutContent) {
  Migrate();
  store_->UpsertBatch("140100", {Decision("C-1", 1, true), Decision("C-2", 1, true)}, {}, Day("2026-11-21"));
  const common::Date today = Day("2027-03-02");
  const auto row = store_->RecordCreditRepair(kAgency, "C-1", GrantedOn("2027-03-01"), today);
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(common::FormatIsoDate(row->repaired_on), "2027-03-01");
  EXPECT_EQ(common::FormatIsoDate(row->public_until), "2027-02-28");
  EXPECT_EQ(row->public_record, Decision("C-1", 1, true).public_record) << "kept, past its term";
  EXPECT_FALSE(store_->Get(PenaltyKind::kDecision, kAgency, "C-2")->repaired_on.has_value());

  const auto changes = store_->Changes(0, 100, today);
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_EQ(changes[0].record.source_id, "C-1");
  EXPECT_TRUE(changes[0].content_removed);
  EXPECT_EQ(changes[0].record.public_record, "");
  EXPECT_EQ(changes[1].record.source_id, "C-2");
  EXPECT_FALSE(changes[1].content_removed);
  EXPECT_EQ(changes[2].record.source_id, "C-1");
  EXPECT_EQ(changes[2].type, ChangeType::kUnpublished);
  EXPECT_TRUE(changes[2].content_removed);
  for (const FeedRow& r : FeedTable()) EXPECT_EQ(r.has_public_record, r.source_id == "C-2") << r.seq;
  const auto listed = store_->ListPublished(PublishedFilter{}, today);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].source_id, "C-2");

  const auto again = store_->RecordCreditRepair(kAgency, "C-1", GrantedOn("2027-01-15"), Day("2027-03-03"));
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(common::FormatIsoDate(again->repaired_on), "2027-03-01");
  EXPECT_EQ(common::FormatIsoDate(again->public_until), "2027-02-28");
  EXPECT_EQ(FeedTable().size(), 3u);
  EXPECT_FALSE(store_->RecordCreditRepair(kAgency, "C-404", GrantedOn("2027-03-01"), today).has_value());

  store_->UpsertBatch("140100", {Decision("C-1", 2, true)}, {}, Day("2027-03-04"));
  EXPECT_EQ(common::FormatIsoDate(store_->Get(PenaltyKind::kDecision, kAgency, "C-1")->public_until), "2027-02-28");
  const auto later = store_->Changes(0, 100, Day("2027-03-04"));
  ASSERT_EQ(later.size(), 4u);
  EXPECT_EQ(later[3].record.source_id, "C-1");
  EXPECT_TRUE(later[3].content_removed) << "a new version is past the repair's end too";

  pqxx::connection conn(db_.url());
  pqxx::read_transaction tx(conn);
  const auto kept = tx.exec(
      "SELECT source_id, repaired_on::text, granted_by, reference, recorded_by, recorded_on::text "
      "FROM penalties.credit_repairs");
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0][0].as<std::string>(), "C-1");
  EXPECT_EQ(kept[0][1].as<std::string>(), "2027-03-01");
  EXPECT_EQ(kept[0][2].as<std::string>(), "太原市发展和改革委员会");
  EXPECT_EQ(kept[0][3].as<std::string>(), "并发改信用修复〔2027〕3号");
  EXPECT_EQ(kept[0][4].as<std::string>(), "city-140100");
  EXPECT_EQ(kept[0][5].as<std::string>(), "2027-03-02");
}

// A credit repair that commits while a new version of its decision waits
// for the decision's row still ends the publication: the merge reads the
// repair's day from the row it updates, the version committed last. The
// repair is held after writing the row (at the feed's lock, which another
// connection holds) until the merge of the new version waits for that row.
TEST_F(PenaltyStoreTest, ARepairCommittedWhileANewVersionWaitsForTheRowKeepsItsEnd) {
  Migrate();
  store_->UpsertBatch("140100", {Decision("R-9", 1, true)}, {}, Day("2026-11-21"));
  pqxx::connection feed(db_.url());
  for (const common::Statement& s : common::SharedStatements()) feed.prepare(s.name, s.sql);
  pqxx::work holding(feed);
  common::LockFeed(holding, "penalties.changes");
  auto repaired = std::async(std::launch::async, [&] {
    return store_->RecordCreditRepair(kAgency, "R-9", GrantedOn("2026-11-23"), Day("2026-11-23"));
  });
  const bool repair_waits = WaitForLockWaiters(1);  // at the feed's lock, the row written
  auto merged = std::async(std::launch::async, [&] {
    return store_->UpsertBatch("140100", {Decision("R-9", 2, true)}, {}, Day("2026-11-24"));
  });
  const bool merge_waits = repair_waits && WaitForLockWaiters(2);  // for the row
  holding.commit();
  EXPECT_TRUE(repair_waits);
  EXPECT_TRUE(merge_waits);
  EXPECT_TRUE(repaired.get().has_value());
  const auto written = merged.get();
  ASSERT_EQ(written.size(), 1u);
  EXPECT_EQ(written[0].outcome, common::UpsertOutcome::kAccepted);
  const auto row = store_->Get(PenaltyKind::kDecision, kAgency, "R-9");
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->source_version, 2);
  EXPECT_EQ(common::FormatIsoDate(row->repaired_on), "2026-11-23");
  EXPECT_EQ(common::FormatIsoDate(row->public_until), "2026-11-22") << "the new version keeps the repair's end";
}

// Migration 011 copies the day of every repair recorded before it onto its
// decision's row, and later versions keep the end it gave.
TEST_F(PenaltyStoreTest, TheRepairDayMigrationCarriesEveryRecordedRepair) {
  const common::MigrationSet& all = gongkai_penalties_migrations();
  std::vector<common::Migration> before;
  for (const auto& m : all.migrations) {
    if (m.version != 11) before.push_back(m);
  }
  ASSERT_EQ(before.size() + 1, all.migrations.size());
  ASSERT_EQ(common::ApplyMigrations(db_.url(), {all.schema, before}), static_cast<int>(before.size()));
  {
    pqxx::connection conn(db_.url());
    pqxx::work tx(conn);
    const std::string record =
        "INSERT INTO penalties.records (kind, agency_credit_code, source_id, city_code, domain, source_version, "
        "record, public_record, clock_start, published_on, public_until) VALUES ";
    tx.exec(record + "(1, '" + kAgency +
            "', 'R-1', '140100', 'market_regulation', 1, '\\x00'::bytea, '\\x01'::bytea, '2026-11-20', "
            "'2026-11-21', '2026-11-22')");
    tx.exec(record + "(1, '" + kAgency +
            "', 'R-2', '140100', 'market_regulation', 1, '\\x00'::bytea, '\\x02'::bytea, '2026-11-20', "
            "'2026-11-21', '2027-11-20')");
    tx.exec(std::string("INSERT INTO penalties.credit_repairs (agency_credit_code, source_id, repaired_on, "
                        "granted_by, reference, recorded_by, recorded_on) VALUES ('") +
            kAgency +
            "', 'R-1', '2026-11-23', '太原市发展和改革委员会', '并发改信用修复〔2026〕1号', 'city-140100', "
            "'2026-11-23')");
    tx.commit();
  }
  Migrate();
  EXPECT_EQ(common::FormatIsoDate(store_->Get(PenaltyKind::kDecision, kAgency, "R-1")->repaired_on), "2026-11-23");
  EXPECT_FALSE(store_->Get(PenaltyKind::kDecision, kAgency, "R-2")->repaired_on.has_value());
  store_->UpsertBatch("140100", {Decision("R-1", 2, true), Decision("R-2", 2, true)}, {}, Day("2026-11-24"));
  EXPECT_EQ(common::FormatIsoDate(store_->Get(PenaltyKind::kDecision, kAgency, "R-1")->public_until), "2026-11-22");
  EXPECT_EQ(common::FormatIsoDate(store_->Get(PenaltyKind::kDecision, kAgency, "R-2")->public_until), "2027-11-20");
}

// A repair written as the release before migration 011 wrote it (during a
// rollout, or after a rollback) gets its day on the decision's row all the
// same, and a later version keeps its end.
TEST_F(PenaltyStoreTest, ARepairWrittenAsTheReleaseBeforeWroteItKeepsItsEnd) {
  Migrate();
  store_->UpsertBatch("140100", {Decision("R-5", 1, true)}, {}, Day("2026-11-21"));
  {
    pqxx::connection conn(db_.url());
    pqxx::work tx(conn);
    tx.exec_params(
        "WITH repair AS (INSERT INTO penalties.credit_repairs (agency_credit_code, source_id, repaired_on, "
        "  granted_by, reference, recorded_by, recorded_on) "
        "  SELECT agency_credit_code, source_id, $3::date, '太原市发展和改革委员会', '并发改信用修复〔2026〕2号', "
        "  'city-140100', $3::date FROM penalties.records WHERE kind = 1 AND agency_credit_code = $1 "
        "  AND source_id = $2 ON CONFLICT DO NOTHING RETURNING agency_credit_code, source_id) "
        "UPDATE penalties.records r SET public_until = least(r.public_until, $3::date - 1) FROM repair "
        "WHERE r.kind = 1 AND r.agency_credit_code = repair.agency_credit_code AND r.source_id = repair.source_id",
        kAgency, "R-5", "2026-11-23");
    tx.commit();
  }
  EXPECT_EQ(common::FormatIsoDate(store_->Get(PenaltyKind::kDecision, kAgency, "R-5")->repaired_on), "2026-11-23");
  store_->UpsertBatch("140100", {Decision("R-5", 2, true)}, {}, Day("2026-11-24"));
  EXPECT_EQ(common::FormatIsoDate(store_->Get(PenaltyKind::kDecision, kAgency, "R-5")->public_until), "2026-11-22");
}

// Every writer of the feed writes its record before it takes the feed's
// lock. A sync batch that has written a record and then waits for the lock
// (another connection here, in the merge's order) and a withdrawal, release
// or credit repair of the same record, waiting for its row, therefore never
// wait for each other: the batch gets the lock, commits, and the single
// writer goes on. Holding the lock while waiting for the row would be a
// deadlock, which PostgreSQL ends by aborting one of them.
TEST_F(PenaltyStoreTest, ASingleRecordWriterWaitingForARowBeingSyncedHoldsNoFeedLock) {
  Migrate();
  store_->UpsertBatch("140100", {Decision("L-1", 1, true), Decision("L-2", 1, true), Measure("L-3", 1, true)}, {},
                      Day("2026-11-21"));
  const std::vector<std::pair<std::string, std::function<std::optional<RecordRow>()>>> writers = {
      {"L-1", [&] { return store_->Withdraw(kAgency, "L-1", 1, "变更", Day("2026-11-22"), Day("2026-11-23")); }},
      {"L-2", [&] { return store_->RecordCreditRepair(kAgency, "L-2", GrantedOn("2026-11-23"), Day("2026-11-23")); }},
      {"L-3", [&] { return store_->Release(kAgency, "L-3", Day("2026-11-23"), "解除"); }},
  };
  for (const auto& [source_id, write] : writers) {
    SCOPED_TRACE(source_id);
    pqxx::connection batch(db_.url());
    for (const common::Statement& s : common::SharedStatements()) batch.prepare(s.name, s.sql);
    pqxx::work tx(batch);
    tx.exec("SET LOCAL lock_timeout = '20s'");
    tx.exec_params("UPDATE penalties.records SET source_version = source_version + 1 WHERE source_id = $1", source_id);
    auto written = std::async(std::launch::async, write);

    // The single writer is waiting for the row the batch holds.
    const bool waiting = WaitForLockWaiters(1);
    if (!waiting) tx.abort();  // the writer goes on and `written` can end
    ASSERT_TRUE(waiting);

    // The batch takes the feed's lock, as the merge does before its append.
    EXPECT_NO_THROW(common::LockFeed(tx, "penalties.changes"));
    EXPECT_NO_THROW(tx.commit());
    std::optional<RecordRow> row;
    EXPECT_NO_THROW(row = written.get());
    ASSERT_TRUE(row.has_value());
    EXPECT_EQ(row->source_version, 2) << "written after the batch";
  }
  const auto changes = store_->Changes(0, 100, Day("2026-11-23"));
  ASSERT_EQ(changes.size(), 6u);
  EXPECT_EQ(changes[3].type, ChangeType::kWithdrawn);
  EXPECT_EQ(changes[4].type, ChangeType::kUnpublished);
  EXPECT_EQ(changes[5].type, ChangeType::kReleased);
}

// A decision as a city sent it, dated `date` with `severity`, stored as the
// service stored such decisions before every decision had a term: public,
// without public_until.
RecordToStore StoredWithoutTerm(const std::string& source_id, const std::string& date, CreditSeverity severity) {
  PenaltyDecision d = PersonDecision(source_id, "张三销售过期食品。");
  d.decision_date = Day(date);
  PenaltyDecision published = d;
  published.severity = CreditSeverity::kGeneral;
  d.severity = severity;
  RecordToStore row = RowOf(published);
  row.record = RowOf(d).record;
  row.public_until = std::nullopt;
  return row;
}

// The feed entry of `source_id` with the highest seq.
ChangeRow LatestOf(const std::vector<ChangeRow>& changes, const std::string& source_id) {
  ChangeRow latest;
  for (const auto& c : changes) {
    if (c.record.source_id == source_id) latest = c;
  }
  return latest;
}

// At start-up every decision stored public without a term gets the one its
// rules give (the maximum of its tier, from the decision date), announced
// with its term unless withdrawn; one its rules never publish (MINOR) or whose
// record no longer reads back loses its public form, announced UNPUBLISHED.
// Measures keep theirs; a second run finds nothing.
TEST_F(PenaltyStoreTest, DecisionsStoredWithoutATermGetTheTermOfTheirRulesAtStart) {
  Migrate();
  RecordToStore unreadable = Decision("T-5", 1, true);
  unreadable.public_until = std::nullopt;
  store_->UpsertBatch(
      "140100",
      {StoredWithoutTerm("T-1", "2025-06-10", CreditSeverity::kGeneral),
       StoredWithoutTerm("T-2", "2025-06-10", CreditSeverity::kSerious),
       StoredWithoutTerm("T-3", "2025-06-10", CreditSeverity::kMinor),
       StoredWithoutTerm("T-4", "2025-06-10", CreditSeverity::kGeneral), unreadable, Measure("T-6", 1, true)},
      {}, Day("2025-06-11"));
  ASSERT_TRUE(store_->Withdraw(kAgency, "T-4", 1, "变更处罚决定。", Day("2025-06-20"), Day("2025-06-21")).has_value());
  ASSERT_EQ(FeedTable().size(), 7u);

  EXPECT_EQ(RecomputeRetentionTerms(*store_, 2), 5u);
  const auto get = [&](const std::string& id) { return *store_->Get(PenaltyKind::kDecision, kAgency, id); };
  EXPECT_EQ(common::FormatIsoDate(get("T-1").public_until), "2026-06-09");
  EXPECT_EQ(common::FormatIsoDate(get("T-2").public_until), "2028-06-09");
  EXPECT_EQ(get("T-3").public_record, "");
  EXPECT_EQ(common::FormatIsoDate(get("T-4").public_until), "2026-06-09");
  EXPECT_FALSE(get("T-4").public_record.empty()) << "its withdrawal notice stays public";
  EXPECT_EQ(get("T-5").public_record, "");
  const auto measure = store_->Get(PenaltyKind::kMeasure, kAgency, "T-6");
  EXPECT_FALSE(measure->public_until.has_value());
  EXPECT_FALSE(measure->public_record.empty());

  const common::Date today = Day("2026-06-20");
  const auto changes = store_->Changes(0, 100, today);
  ASSERT_EQ(changes.size(), 11u) << "T-1 and T-2 announced with their term, T-3 and T-5 unpublished";
  EXPECT_EQ(LatestOf(changes, "T-1").type, ChangeType::kPublished);
  EXPECT_TRUE(LatestOf(changes, "T-1").content_removed) << "past its term";
  EXPECT_EQ(LatestOf(changes, "T-2").type, ChangeType::kPublished);
  EXPECT_FALSE(LatestOf(changes, "T-2").content_removed);
  EXPECT_EQ(common::FormatIsoDate(LatestOf(changes, "T-2").record.public_until), "2028-06-09");
  EXPECT_EQ(LatestOf(changes, "T-3").type, ChangeType::kUnpublished);
  EXPECT_EQ(LatestOf(changes, "T-4").type, ChangeType::kWithdrawn);
  EXPECT_FALSE(LatestOf(changes, "T-4").content_removed);
  EXPECT_EQ(LatestOf(changes, "T-5").type, ChangeType::kUnpublished);
  EXPECT_FALSE(LatestOf(changes, "T-6").content_removed);
  for (const auto& c : changes) {
    if (c.record.source_id != "T-2" && c.record.source_id != "T-4" && c.record.source_id != "T-6") {
      EXPECT_TRUE(c.content_removed) << c.seq << " " << c.record.source_id;
    }
  }
  const auto listed = store_->ListPublished(PublishedFilter{}, today);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].source_id, "T-2");

  const auto after = FeedTable();
  EXPECT_EQ(RecomputeRetentionTerms(*store_, 2), 0u);
  EXPECT_EQ(FeedTable(), after);
}

// A decision the walk reaches with the day of a credit repair on its row
// (only data written outside the repair's own statement, which also sets
// the term, can be so) keeps its publication to the day before the repair,
// as a new version's merge does; one without keeps its rules' term.
TEST_F(PenaltyStoreTest, TheRetentionWalkEndsATermBeforeTheCreditRepair) {
  Migrate();
  store_->UpsertBatch("140100",
                      {StoredWithoutTerm("R-1", "2025-06-10", CreditSeverity::kSerious),
                       StoredWithoutTerm("R-2", "2025-06-10", CreditSeverity::kSerious)},
                      {}, Day("2025-06-11"));
  {
    pqxx::connection conn(db_.url());
    pqxx::work tx(conn);
    tx.exec("UPDATE penalties.records SET repaired_on = '2026-09-01' WHERE source_id = 'R-1'");
    tx.commit();
  }
  EXPECT_EQ(RecomputeRetentionTerms(*store_, 10), 2u);
  const auto get = [&](const std::string& id) { return *store_->Get(PenaltyKind::kDecision, kAgency, id); };
  EXPECT_EQ(common::FormatIsoDate(get("R-1").public_until), "2026-08-31");
  EXPECT_EQ(common::FormatIsoDate(get("R-2").public_until), "2028-06-09");
  const auto last_day = store_->Changes(0, 100, Day("2026-08-31"));
  EXPECT_FALSE(LatestOf(last_day, "R-1").content_removed);
  EXPECT_EQ(common::FormatIsoDate(LatestOf(last_day, "R-1").record.public_until), "2026-08-31");
  const auto repair_day = store_->Changes(0, 100, Day("2026-09-01"));
  EXPECT_TRUE(LatestOf(repair_day, "R-1").content_removed) << "past its term on the day of the repair";
  EXPECT_FALSE(LatestOf(repair_day, "R-2").content_removed);
}

// A withdrawn decision the walk reaches keeps its withdrawal notice as the
// feed's live entry, explanation and all: one its rules never publish loses
// its public form unannounced, one they publish gets its term unannounced.
TEST_F(PenaltyStoreTest, WithdrawalNoticeSurvivesTheRetentionWalk) {
  Migrate();
  store_->UpsertBatch("140100",
                      {StoredWithoutTerm("W-1", "2025-06-10", CreditSeverity::kMinor),
                       StoredWithoutTerm("W-2", "2025-06-10", CreditSeverity::kGeneral)},
                      {}, Day("2025-06-11"));
  ASSERT_TRUE(store_->Withdraw(kAgency, "W-1", 1, "变更处罚决定。", Day("2025-06-20"), Day("2025-06-21")).has_value());
  ASSERT_TRUE(store_->Withdraw(kAgency, "W-2", 1, "变更处罚决定。", Day("2025-06-20"), Day("2025-06-21")).has_value());
  const auto before = FeedTable();
  ASSERT_EQ(before.size(), 4u);

  EXPECT_EQ(RecomputeRetentionTerms(*store_, 2), 2u);
  EXPECT_EQ(FeedTable(), before) << "no entry appended, none superseded, no explanation cleared";
  for (const FeedRow& row : before) {
    if (row.type != static_cast<int>(ChangeType::kWithdrawn)) continue;
    EXPECT_FALSE(row.superseded) << row.source_id;
    EXPECT_TRUE(row.has_explanation) << row.source_id;
  }
  const auto get = [&](const std::string& id) { return *store_->Get(PenaltyKind::kDecision, kAgency, id); };
  EXPECT_EQ(get("W-1").public_record, "");
  EXPECT_EQ(common::FormatIsoDate(get("W-2").public_until), "2026-06-09");
  const auto changes = store_->Changes(0, 100, Day("2025-06-22"));
  EXPECT_EQ(LatestOf(changes, "W-1").type, ChangeType::kWithdrawn);
  EXPECT_EQ(LatestOf(changes, "W-2").type, ChangeType::kWithdrawn);
}

// 表二's enforcement rows: per agency, the decisions dated in the year and the
// measures whose measure date (clock start) is in it, public or not (a
// minor's case), withdrawn or not; other years and other cities left out.
TEST_F(PenaltyStoreTest, AnnualEnforcementCountsCountTheYearsRecordsPerAgency) {
  Migrate();
  constexpr char kSecond[] = "11140100MB0000002X";
  constexpr char kOtherCity[] = "11140200MB0000003X";
  const auto dated = [](RecordToStore r, const std::string& agency, const std::string& date) {
    r.agency_credit_code = agency;
    r.clock_start = Day(date);
    return r;
  };
  const common::Date stored_on = Day("2027-01-05");
  store_->UpsertBatch(
      "140100",
      {dated(Decision("D-1", 1, true), kAgency, "2026-01-01"),
       dated(Decision("D-2", 1, false), kAgency, "2026-12-31"),  // a minor's case, never public
       dated(Decision("D-3", 1, true), kAgency, "2025-12-31"), dated(Decision("D-4", 1, true), kAgency, "2027-01-01"),
       dated(Decision("D-5", 1, true), kAgency, "2026-03-03"), dated(Measure("M-1", 1, true), kAgency, "2026-02-10"),
       dated(Measure("M-2", 1, true), kAgency, "2025-12-20"), dated(Decision("D-6", 1, true), kSecond, "2026-05-05")},
      {}, stored_on);
  store_->UpsertBatch("140200",
                      {dated(Decision("D-7", 1, true), kOtherCity, "2026-05-05"),
                       dated(Measure("M-3", 1, true), kOtherCity, "2026-05-05")},
                      {}, stored_on);
  ASSERT_TRUE(store_->Withdraw(kAgency, "D-5", 1, "撤销处罚决定。", Day("2027-01-04"), stored_on).has_value());

  EXPECT_EQ(store_->AnnualEnforcementCounts(2026, "", ""),
            (std::vector<EnforcementCount>{
                {kAgency, "140100", 3, 1}, {kSecond, "140100", 1, 0}, {kOtherCity, "140200", 1, 1}}))
      << "D-1, the minor's D-2 and the withdrawn D-5; M-1 by its clock start, M-2 in 2025";
  EXPECT_EQ(store_->AnnualEnforcementCounts(2026, "140100", ""),
            (std::vector<EnforcementCount>{{kAgency, "140100", 3, 1}, {kSecond, "140100", 1, 0}}));
  EXPECT_EQ(store_->AnnualEnforcementCounts(2026, "140100", kSecond),
            (std::vector<EnforcementCount>{{kSecond, "140100", 1, 0}}));
  EXPECT_EQ(store_->AnnualEnforcementCounts(2026, "140100", kOtherCity), std::vector<EnforcementCount>{});
  EXPECT_EQ(store_->AnnualEnforcementCounts(2025, "", ""), (std::vector<EnforcementCount>{{kAgency, "140100", 1, 1}}));
  EXPECT_EQ(store_->AnnualEnforcementCounts(2027, "", ""), (std::vector<EnforcementCount>{{kAgency, "140100", 1, 0}}));
  EXPECT_EQ(store_->AnnualEnforcementCounts(2024, "", ""), std::vector<EnforcementCount>{});
}

// A TallyRecord in one line: key, rule, city, domain, clock start, the day
// done ("-" for none), whether stored, count.
std::string Line(const TallyRecord& r) {
  return r.agency_credit_code + "/" + r.source_id + " " + std::string(common::RecordKindName(r.rule)) + " " +
         r.city_code + " " + r.domain + " " + common::FormatIsoDate(r.clock_start) + " " +
         (r.done_on ? common::FormatIsoDate(*r.done_on) : "-") + (r.rejected ? " rejected " : " stored ") +
         std::to_string(r.count);
}

std::vector<std::string> Lines(const std::vector<TallyRecord>& records) {
  std::vector<std::string> out;
  for (const auto& r : records) out.push_back(Line(r));
  return out;
}

// The tallies' records of a year, by key: stored decisions and measures ever
// public by their clock start and first public day; the withdrawal of a
// decision that was public by its event and the day recorded (not that of a
// decision never public); rejected records by the clock start they claim,
// unless their key is stored (a refused newer version) or no record could be
// stored under it. Narrowed by city and agency; counted in groups on asking.
TEST_F(PenaltyStoreTest, TallyRecordsReadTheYearsRecordsByKeyOneByOneOrInGroups) {
  Migrate();
  constexpr char kSecond[] = "11140100MB0000002X";
  constexpr char kOtherCity[] = "11140200MB0000003X";
  const auto of = [](RecordToStore r, const std::string& agency, const std::string& date) {
    r.agency_credit_code = agency;
    r.clock_start = Day(date);
    return r;
  };
  const auto rejected = [](const std::string& kind, const std::string& key, const std::string& raw) {
    return common::Rejection{kind, key, 2, raw, {{"x", "y"}}, "", 0};
  };
  const std::string agency(kAgency);
  store_->UpsertBatch(
      "140100",
      {Decision("T-1", 1, true), Decision("T-11", 1, true), Decision("T-2", 1, false), Measure("T-3", 1, true),
       of(Decision("T-4", 1, true), kAgency, "2025-12-31"), of(Decision("T-5", 1, true), kSecond, "2026-05-05")},
      {}, Day("2026-11-21"));
  store_->UpsertBatch(
      "140100", {},
      {rejected("decision", agency + "/T-1", R"({"domain":"market_regulation","decision_date":"2026-11-20"})"),
       rejected("decision", agency + "/T-7", R"({"domain":"transport","decision_date":"2026-03-02"})"),
       rejected("decision", agency + "/T-8", R"({"domain":"transport","decision_date":"2025-06-01"})"),
       rejected("decision", "BAD/T-9", R"({"domain":"transport","decision_date":"2026-03-02"})"),
       rejected("measure", agency + "/T-10", R"({"domain":"agriculture","period_start":"2026-02-27"})")},
      Day("2026-11-21"));
  store_->UpsertBatch("140200", {of(Decision("T-6", 1, true), kOtherCity, "2026-05-05")}, {}, Day("2026-11-21"));
  ASSERT_TRUE(store_->Withdraw(kAgency, "T-1", 1, "撤销。", Day("2026-11-23"), Day("2026-11-24")).has_value());
  ASSERT_TRUE(store_->Withdraw(kAgency, "T-2", 1, "撤销。", Day("2026-11-23"), Day("2026-11-24")).has_value());

  EXPECT_EQ(
      Lines(store_->TallyRecords(2026, "", "", true)),
      (std::vector<std::string>{
          agency + "/T-1 penalty_decision 140100 market_regulation 2026-11-20 2026-11-21 stored 1",
          agency + "/T-1 penalty_withdrawal 140100 market_regulation 2026-11-23 2026-11-24 stored 1",
          agency + "/T-10 coercive_measure 140100 agriculture 2026-02-27 - rejected 1",
          agency + "/T-11 penalty_decision 140100 market_regulation 2026-11-20 2026-11-21 stored 1",
          agency + "/T-3 coercive_measure 140100 market_regulation 2026-11-20 2026-11-21 stored 1",
          agency + "/T-7 penalty_decision 140100 transport 2026-03-02 - rejected 1",
          std::string(kSecond) + "/T-5 penalty_decision 140100 market_regulation 2026-05-05 2026-11-21 stored 1",
          std::string(kOtherCity) + "/T-6 penalty_decision 140200 market_regulation 2026-05-05 2026-11-21 stored 1"}));
  EXPECT_EQ(
      Lines(store_->TallyRecords(2026, "140200", "", true)),
      (std::vector<std::string>{std::string(kOtherCity) +
                                "/T-6 penalty_decision 140200 market_regulation 2026-05-05 2026-11-21 stored 1"}));
  EXPECT_EQ(
      Lines(store_->TallyRecords(2026, "140100", kSecond, true)),
      (std::vector<std::string>{std::string(kSecond) +
                                "/T-5 penalty_decision 140100 market_regulation 2026-05-05 2026-11-21 stored 1"}));
  EXPECT_EQ(Lines(store_->TallyRecords(2025, "", "", true)),
            (std::vector<std::string>{
                agency + "/T-4 penalty_decision 140100 market_regulation 2025-12-31 2026-11-21 stored 1",
                agency + "/T-8 penalty_decision 140100 transport 2025-06-01 - rejected 1"}));

  int64_t awaiting = 0;
  for (const auto& c : store_->PublicationCounts()) awaiting += !c.published_on && !c.never_published ? c.count : 0;
  EXPECT_EQ(awaiting, 4) << "the overdue gauge's counts leave out the refused newer version of T-1 too";

  std::vector<std::string> grouped = Lines(store_->TallyRecords(2026, "140100", kAgency, false));
  std::sort(grouped.begin(), grouped.end());
  EXPECT_EQ(grouped, (std::vector<std::string>{
                         agency + "/ coercive_measure 140100 agriculture 2026-02-27 - rejected 1",
                         agency + "/ coercive_measure 140100 market_regulation 2026-11-20 2026-11-21 stored 1",
                         agency + "/ penalty_decision 140100 market_regulation 2026-11-20 2026-11-21 stored 2",
                         agency + "/ penalty_decision 140100 transport 2026-03-02 - rejected 1",
                         agency + "/ penalty_withdrawal 140100 market_regulation 2026-11-23 2026-11-24 stored 1"}));
}

// The lead rules' facts of a year's decisions, read from the records as sent
// a page at a time, by key: withdrawn or not, public or not; a measure, a
// decision of another year and a record that does not parse are left out.
TEST_F(PenaltyStoreTest, DecisionFactsAreReadFromTheStoredRecordsOfTheYear) {
  Migrate();
  std::vector<RecordToStore> rows;
  for (int i = 0; i < 501; ++i) {
    char source_id[16];
    std::snprintf(source_id, sizeof source_id, "F-%03d", i);
    v1::PenaltyDecision sent;
    sent.mutable_result()->set_fine_fen(1000 + i);
    sent.set_benchmark_violation_code("FS-34");
    sent.set_benchmark_tier(3);
    sent.set_powers_item_source_id("P-1");
    sent.add_officers("C-1");
    sent.add_officers("C-2");
    RecordToStore row = Decision(source_id, 1, i % 2 == 0);
    row.domain = "transport";
    row.clock_start = Day("2026-03-04");
    row.record = sent.SerializeAsString();
    rows.push_back(row);
  }
  RecordToStore unreadable = Decision("F-900", 1, true);
  unreadable.record = std::string("\xff\xff\xff", 3);
  RecordToStore earlier = Decision("F-901", 1, true);
  earlier.clock_start = Day("2025-03-04");
  rows.push_back(unreadable);
  rows.push_back(earlier);
  rows.push_back(Measure("F-902", 1, true));
  store_->UpsertBatch("140100", rows, {}, Day("2026-11-21"));
  ASSERT_TRUE(store_->Withdraw(kAgency, "F-000", 1, "撤销。", Day("2026-11-23"), Day("2026-11-24")).has_value());

  const std::vector<DecisionFacts> facts = store_->DecisionFactsOf(2026);
  ASSERT_EQ(facts.size(), 501u);
  EXPECT_EQ(facts[0].agency_credit_code, kAgency);
  EXPECT_EQ(facts[0].source_id, "F-000");
  EXPECT_EQ(facts[0].city_code, "140100");
  EXPECT_EQ(facts[0].domain, "transport");
  EXPECT_EQ(facts[0].decision_date, Day("2026-03-04"));
  EXPECT_EQ(facts[0].fine_fen, 1000);
  EXPECT_EQ(facts[0].benchmark_violation_code, "FS-34");
  EXPECT_EQ(facts[0].benchmark_tier, 3);
  EXPECT_EQ(facts[0].powers_item_source_id, "P-1");
  EXPECT_EQ(facts[0].officers, (std::vector<std::string>{"C-1", "C-2"}));
  EXPECT_EQ(facts[500].source_id, "F-500") << "the second page follows the first";
  EXPECT_EQ(facts[500].fine_fen, 1500);
  EXPECT_TRUE(store_->DecisionFactsOf(2024).empty());
}

// The public lists are planned from the statistics autovacuum gathers after
// its VACUUM; on the two tables a sync fills, that VACUUM pauses a tenth as
// often as by default (migration 012), so the statistics of a table just
// filled follow within seconds.
TEST_F(PenaltyStoreTest, TheTablesASyncFillsAreVacuumedAtTenTimesTheDefaultCostLimit) {
  Migrate();
  pqxx::connection conn(db_.url());
  pqxx::read_transaction tx(conn);
  for (const char* table : {"penalties.records", "penalties.changes"}) {
    const pqxx::row row = tx.exec_params1(
        "SELECT coalesce(array_to_string(reloptions, ','), '') FROM pg_class WHERE oid = $1::regclass", table);
    EXPECT_EQ(row[0].as<std::string>(), "autovacuum_vacuum_cost_limit=2000") << table;
  }
}

}  // namespace
}  // namespace gongkai::penalties
