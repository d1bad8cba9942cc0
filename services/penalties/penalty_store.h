#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/batch.h"
#include "common/clock.h"
#include "common/migrations.h"
#include "common/pg_pool.h"
#include "common/rejections.h"
#include "services/penalties/penalty.h"
#include "services/penalties/penalty_kpis.h"
#include "services/penalties/penalty_timeliness.h"

namespace gongkai {
// The penalties schema's migrations, compiled in from migrations/*.sql.
const common::MigrationSet& gongkai_penalties_migrations();
}  // namespace gongkai

namespace gongkai::penalties {

// One valid record as the store keeps it: the record as sent (unmasked) and
// its public form ("" when it may not be published at all), each a
// serialised penalties.v1 message.
struct RecordToStore {
  PenaltyKind kind = PenaltyKind::kDecision;
  std::string agency_credit_code;
  std::string source_id;
  std::string domain;
  int64_t source_version = 0;
  std::string record;
  std::string public_record;
  std::string public_party_name;
  common::Date clock_start{};
  std::optional<common::Date> public_until;  // nullopt = no end
  // The party's credit code as the public form publishes it (an
  // organisation's, an individual business's; "" for a natural person, whose
  // credit code is never published, and for a record with no public form),
  // which the public list finds a party by.
  std::string public_party_credit_code{};
};

// A stored record with its publication state.
struct RecordRow {
  PenaltyKind kind = PenaltyKind::kDecision;
  std::string agency_credit_code;
  std::string source_id;
  std::string city_code;
  std::string domain;
  int64_t source_version = 0;
  std::string record;         // serialised; empty when read for the public
  std::string public_record;  // serialised; empty when not publishable
  common::Date clock_start{};
  // The first day the record was public; nullopt while it never was.
  std::optional<common::Date> published_on;
  std::optional<common::Date> public_until;  // nullopt = no end
  std::optional<common::Date> withdrawn_on;
  int withdrawal_reason = 0;
  std::string withdrawal_explanation;
  std::optional<common::Date> withdrawal_event_date;
  std::optional<common::Date> released_on;
  std::string release_explanation;
  // The day the decision's credit repair was granted, when one is recorded
  // (read by Get and RecordCreditRepair only).
  std::optional<common::Date> repaired_on;
};

// A credit repair (信用修复) of a decision as kept: never public.
struct CreditRepair {
  common::Date repaired_on{};  // the day it was granted
  std::string granted_by;
  std::string reference;
  std::string recorded_by;  // the caller's principal
};

// What a write did: per valid record, its outcome, and for an accepted record
// whether this write made it public for the first time (its first public
// day).
struct WriteResult {
  common::UpsertOutcome outcome = common::UpsertOutcome::kUnchanged;
  bool first_publication = false;
};

// A keyset position in the public list: its last row of the previous page.
struct PublishedPosition {
  // The list's date: the clock start, or in the list of withdrawal notices
  // the day the withdrawal was recorded (withdrawn_on).
  common::Date day{};
  std::string agency_credit_code;
  std::string source_id;
};

struct PublishedFilter {
  PenaltyKind kind = PenaltyKind::kDecision;
  // The withdrawal notices of decisions (public, withdrawn: VisibleToPublic,
  // whatever their retention) instead of the records public now, newest
  // withdrawal first (withdrawn_on, agency, source id, descending), each
  // read without its public record, which the notice replaces. A notice
  // publishes no party: with a party filter, none is found.
  bool withdrawn = false;
  std::string city_code;  // "" = every city; likewise below
  std::string agency_credit_code;
  std::string domain;
  // Clock start, inclusive; for withdrawal notices, the day of the withdrawal.
  std::optional<common::Date> date_from;
  std::optional<common::Date> date_to;
  // Part of the public party name, as it is ("" for any); found through a
  // trigram index when it has three characters or more.
  std::string party_name;
  // The party's credit code as published (RecordToStore::public_party_credit_code),
  // exactly ("" for any); found through the index of migration 010.
  std::string party_credit_code;
  std::optional<PublishedPosition> after;  // nullopt = the first page
  int limit = 50;
};

// Feed event types, as in penalties.v1.Change.Type.
enum class ChangeType { kPublished = 1, kWithdrawn = 2, kReleased = 3, kUnpublished = 4 };

struct ChangeRow {
  int64_t seq = 0;
  ChangeType type = ChangeType::kPublished;
  // The content of the change is no longer public (FeedEntryHasContent):
  // `record` then holds only the record's kind, agency, source id, city and
  // domain.
  bool content_removed = false;
  RecordRow record;  // as it was at the change, without the unmasked record
};

// What the public sees of a stored record, as the masking rules of its
// masking_version made it (kMaskingVersion): its public form and the
// explanations stored masked with its notices.
struct PublicColumns {
  std::string public_record;  // serialised; "" = no public form
  std::string public_party_name;
  std::string withdrawal_explanation;  // as published; "" = none
  std::string release_explanation;     // as stored; "" = none
  // The party's public credit code; "" = none (stored as NULL).
  std::string public_party_credit_code;
  bool operator==(const PublicColumns&) const = default;
};

// A stored record whose public columns older masking rules made, as the
// republish reads it.
struct StaleRecord {
  PenaltyKind kind = PenaltyKind::kDecision;
  std::string agency_credit_code;
  std::string source_id;
  std::string record;  // serialised, as sent
  bool withdrawn = false;
  PublicColumns columns;
};

// The public columns of a StaleRecord under the current rules, and the feed
// event that announces them (nullopt: none).
struct Republished {
  PublicColumns columns;
  std::optional<ChangeType> event;
};

// Where the republish stands: the last row it read, in the order of the
// records_masking_version index. The default is before every row.
struct RepublishPosition {
  int masking_version = -1;
  PenaltyKind kind = PenaltyKind::kDecision;
  std::string agency_credit_code;
  std::string source_id;
};

// What one batch of the republish did.
struct RepublishBatch {
  std::size_t read = 0;       // records of an older masking version
  std::size_t rewritten = 0;  // whose public columns changed
  std::size_t announced = 0;  // feed events appended
  RepublishPosition last;     // the last record read; `after` when none was
};

// Where the retention walk stands: the last decision it read (agency, source
// id). The default is before every decision.
struct RetentionPosition {
  std::string agency_credit_code;
  std::string source_id;
};

// What one batch of the retention walk did.
struct RetentionBatch {
  std::size_t read = 0;         // decisions public without a term
  std::size_t ended = 0;        // given their public_until
  std::size_t unpublished = 0;  // whose rules never publish them
  RetentionPosition last;       // the last decision read; `after` when none was
};

// The records of one agency decided in a year (表二's enforcement rows): the
// decisions by their decision date, the measures by their measure date (both
// their clock start), stored whether public or not, withdrawn or not.
struct EnforcementCount {
  std::string agency_credit_code;
  std::string city_code;  // the city that sent the records
  int penalty_decisions = 0;
  int coercive_measures = 0;
  bool operator==(const EnforcementCount&) const = default;
};

class PenaltyStore {
 public:
  virtual ~PenaltyStore() = default;
  // Stores the records on `today` (each notes that the current masking rules,
  // kMaskingVersion, made its public form), records the rejections, and appends a feed event per
  // change of what the public sees, superseding the earlier events of those
  // records (their public content cleared, their seq and type kept), all in
  // one transaction and a few statements whatever the batch size. Keys must
  // be distinct within a batch. A record's published_on is the first day it
  // had a public form: `today` for a record stored public, or made public by
  // a later version (a correction); later versions keep it, public or not. A
  // withdrawn record that was never public stays so.
  virtual std::vector<WriteResult> UpsertBatch(const std::string& city_code, const std::vector<RecordToStore>& valid,
                                               const std::vector<common::Rejection>& rejected, common::Date today) = 0;
  // With the unmasked record.
  virtual std::optional<RecordRow> Get(PenaltyKind kind, const std::string& agency, const std::string& source_id) = 0;
  // Marks a decision withdrawn (first report wins) and, when the decision has
  // a public form, appends the feed event, which supersedes its earlier
  // events (a decision never public gets none); nullopt when there is no such
  // decision.
  virtual std::optional<RecordRow> Withdraw(const std::string& agency, const std::string& source_id, int reason,
                                            const std::string& explanation, common::Date event_date,
                                            common::Date today) = 0;
  // Marks a measure released (first report wins), with the feed event as for
  // a withdrawal; nullopt when there is no such measure.
  virtual std::optional<RecordRow> Release(const std::string& agency, const std::string& source_id,
                                           common::Date release_date, const std::string& explanation) = 0;
  // Keeps a credit repair of a decision recorded on `today`, the first one
  // recorded winning, and when it is the first ends the decision's
  // publication on the day before it was granted (public_until becomes the
  // earlier of the two, PublicUntilAfterRepair, and later versions keep it)
  // and appends an UNPUBLISHED feed event, which supersedes the decision's
  // earlier events (none for a decision withdrawn or never public). A second
  // repair changes nothing. nullopt when there is no such decision.
  virtual std::optional<RecordRow> RecordCreditRepair(const std::string& agency, const std::string& source_id,
                                                      const CreditRepair& repair, common::Date today) = 0;
  // Public, not withdrawn, within retention on `today`; newest first. Or,
  // with filter.withdrawn, the withdrawal notices, newest withdrawal first.
  virtual std::vector<RecordRow> ListPublished(const PublishedFilter& filter, common::Date today) = 0;
  // The feed after `after_seq`, in order, with the content that is public on
  // `today` (ChangeRow::content_removed).
  virtual std::vector<ChangeRow> Changes(int64_t after_seq, int limit, common::Date today) = 0;
  virtual std::vector<common::Rejection> ListRejections(const std::string& city_code, int64_t before_id, int limit) = 0;
  // Grouped counts of every stored record and every rejected one (by the
  // clock start it claims) whose key is not stored (a refused newer version
  // of a stored record is no record of its own), for the overdue gauge: a
  // stored record never public, and a rejected one whose claims the rules
  // never publish (NeverPublished), are counted as never_published.
  virtual std::vector<PublicationCount> PublicationCounts() = 0;
  // Per agency (and the city that sent its records), the decisions and
  // measures whose clock start falls in `year`, by credit code; agencies with
  // none are left out. `city_code` and `agency_credit_code` narrow it ("" =
  // every one). Reads no record, only its key, city, kind and clock start.
  virtual std::vector<EnforcementCount> AnnualEnforcementCounts(int year, const std::string& city_code,
                                                                const std::string& agency_credit_code) = 0;
  // The records of `year`'s tallies (TallyRecord), in one statement, by key
  // (agency, source id, rule): the decisions and measures stored whose clock
  // start is in `year` and that were ever public (by their first public
  // day); the withdrawals of decisions that were public, whose event is in
  // `year` (by the day recorded); and the records rejected and awaiting an
  // accepted resend, of no stored key, whose claimed clock start is in
  // `year` and reads as a date, unless the rules never publish what they
  // claim (NeverPublished). `city_code` and `agency_credit_code` narrow it
  // ("" = every one). One by one, or counted in groups (source id "") when
  // `one_by_one` is false. Reads no stored record, only its columns.
  virtual std::vector<TallyRecord> TallyRecords(int year, const std::string& city_code,
                                                const std::string& agency_credit_code, bool one_by_one) = 0;
  // The facts the lead rules judge (DecisionFacts) of every stored decision
  // whose decision date is in `year`, withdrawn or not, public or not, by
  // key; a record as sent that does not parse is left out. Reads the
  // records as sent a page at a time, in one transaction.
  virtual std::vector<DecisionFacts> DecisionFactsOf(int year) = 0;
};

class PgPenaltyStore final : public PenaltyStore {
 public:
  explicit PgPenaltyStore(common::PgPool& pool);

  std::vector<WriteResult> UpsertBatch(const std::string& city_code, const std::vector<RecordToStore>& valid,
                                       const std::vector<common::Rejection>& rejected, common::Date today) override;
  std::optional<RecordRow> Get(PenaltyKind kind, const std::string& agency, const std::string& source_id) override;
  std::optional<RecordRow> Withdraw(const std::string& agency, const std::string& source_id, int reason,
                                    const std::string& explanation, common::Date event_date,
                                    common::Date today) override;
  std::optional<RecordRow> Release(const std::string& agency, const std::string& source_id, common::Date release_date,
                                   const std::string& explanation) override;
  std::optional<RecordRow> RecordCreditRepair(const std::string& agency, const std::string& source_id,
                                              const CreditRepair& repair, common::Date today) override;
  std::vector<RecordRow> ListPublished(const PublishedFilter& filter, common::Date today) override;
  std::vector<ChangeRow> Changes(int64_t after_seq, int limit, common::Date today) override;
  std::vector<common::Rejection> ListRejections(const std::string& city_code, int64_t before_id, int limit) override;
  std::vector<PublicationCount> PublicationCounts() override;
  std::vector<EnforcementCount> AnnualEnforcementCounts(int year, const std::string& city_code,
                                                        const std::string& agency_credit_code) override;
  std::vector<TallyRecord> TallyRecords(int year, const std::string& city_code, const std::string& agency_credit_code,
                                        bool one_by_one) override;
  std::vector<DecisionFacts> DecisionFactsOf(int year) override;

  // One batch of the republish, in one transaction: locks the next `limit`
  // records after `after` whose masking_version is older than
  // kMaskingVersion, gives each to `republish`, and writes what it returns:
  // changed public columns, with the feed event it names appended exactly as
  // a merge appends one (superseding the record's earlier entries), or the
  // version alone when nothing changed. The source version, publication and
  // retention dates and notices stay as they are; a NULL explanation stays
  // NULL. `republish` may be called again for a record when the connection
  // is lost before the commit.
  RepublishBatch Republish(const RepublishPosition& after, int limit,
                           const std::function<Republished(const StaleRecord&)>& republish);

  // One batch of the retention walk, in one transaction: locks the next
  // `limit` decisions after `after` that have a public form and no
  // public_until (stored before every decision had a term), gives each record
  // as sent to `retention`, and writes what it returns, with the feed event a
  // merge would append (superseding the record's earlier entries): a
  // publishable decision gets its public_until, announced PUBLISHED with that
  // term; any other loses its public form, announced UNPUBLISHED. A withdrawn
  // decision gets its term (or loses its public form) unannounced: its
  // withdrawal notice stays the feed's live entry of it, explanation and all.
  RetentionBatch RecomputeRetention(const RetentionPosition& after, int limit,
                                    const std::function<Retention(const std::string& record)>& retention);

 private:
  common::PgPool& pool_;
  common::RejectionLog rejections_;
};

}  // namespace gongkai::penalties
