#pragma once

#include <google/protobuf/message.h>
#include <google/protobuf/repeated_ptr_field.h>

#include <cstddef>
#include <functional>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "common/errors.h"
#include "common/proto_strings.h"
#include "common/rejections.h"
#include "common/violations.h"
#include "gongkai/common/v1/batch.pb.h"

namespace gongkai::common {

// What a store did with one valid record of a batch.
enum class UpsertOutcome { kAccepted, kUnchanged };

// The proto JSON of a record, as rejections keep it.
std::string RecordJson(const google::protobuf::Message& record);

// Refuses an empty batch, or one over `max` records, naming `field`.
void CheckBatchSize(int count, int max, const char* field);

// What a page of rejections lists, whatever the records held (the store
// keeps every byte of them):
// - of each rejection, at most kListedKeyBytes of its key and
//   kListedRawBytes of its raw JSON (common/rejections.h), the JSON's size
//   (raw_bytes) and whether it was cut (raw_truncated), and its first
//   violations while they fit in kListedViolationsBytes (the others counted
//   in unlisted_violations): at most kMaxListedRejectionBytes serialised;
// - rejections while the page fits in kRejectionsPageBytes: one that would
//   take it over ends the page early, and the next page token resumes at it.
// So a page stays under 4 MB, and it holds at least
// kRejectionsPageBytes / kMaxListedRejectionBytes (23) rejections, or every
// one its page size asks for.
inline constexpr std::size_t kListedViolationsBytes = 16 * 1024;
// Kind (at most 32 bytes), key, source version, raw JSON, violations,
// received_at (25), raw_bytes, raw_truncated, unlisted_violations, and the
// entry's own tag and length in the page: 37 + 261 + 12 + 131,077 + 16,384 +
// 25 + 3 × 12 + 5 = 147,837 bytes.
inline constexpr std::size_t kMaxListedRejectionBytes =
    37 + (kListedKeyBytes + 5) + 12 + (kListedRawBytes + 5) + kListedViolationsBytes + 25 + 3 * 12 + 5;
inline constexpr std::size_t kRejectionsPageBytes = 3'500'000;
// A page's rejections and its next page token (well under 1024 bytes) stay
// under 4 MB (4,000,000 bytes, below a default client's 4 MiB).
static_assert(kRejectionsPageBytes + 1024 < 4'000'000);
static_assert(kMaxListedRejectionBytes * 20 < kRejectionsPageBytes);

// The most violations a record of a batch keeps (in its result and its
// rejection): the first kMaxRecordViolations - 1 its rules found, and one
// more, naming the record, that counts the rest. A record whose every string
// breaks a rule is answered at the size of a few of them, not of itself.
inline constexpr std::size_t kMaxRecordViolations = 100;

// The violations of the record at `record_path` (e.g. "decisions[3]") as a
// batch keeps them: all of them when there are at most
// kMaxRecordViolations, else the first kMaxRecordViolations - 1 and "and N
// more violations (at most 100 are listed per record)" at `record_path`.
Violations CappedViolations(Violations violations, const std::string& record_path);

// One page of a city's rejections for a ListRejections call: `list(before_id,
// limit)` reads the store; returns the next page token ("" on the last page).
// Throws INVALID_ARGUMENT for a negative size or a token this service did not
// issue. What each rejection and the page hold is bounded as above.
std::string RejectionsPage(const std::function<std::vector<Rejection>(int64_t, int)>& list,
                           const std::string& page_token, int64_t page_size,
                           google::protobuf::RepeatedPtrField<v1::Rejection>* out);

// One batch write from a city system, record by record: every record gets a
// result; invalid ones are REJECTED with every violation and kept as
// rejections; the valid ones go to the store in one call, and their outcomes
// come back as ACCEPTED or UNCHANGED. One bad record never blocks the others.
template <typename Record>
class BatchWrite {
 public:
  // `field` is the request's repeated field the records come in
  // ("decisions"): the paths of the violations Add finds start with it.
  BatchWrite(std::string kind, std::string field, google::protobuf::RepeatedPtrField<v1::RecordResult>* results)
      : kind_(std::move(kind)), field_(std::move(field)), results_(results) {}

  // Adds the record at `index` with the violations its rules found, and one
  // more for each string of `raw`, at any depth, that holds the NUL
  // character (NulCharacterViolations): no store can keep such a record, so
  // every service's batches reject it without rules of their own. `raw` must
  // outlive this BatchWrite: it is turned into JSON only if the record ends
  // up rejected.
  void Add(int index, std::string key, int64_t source_version, const google::protobuf::Message& raw, Record record,
           Violations violations) {
    Violations nul = NulCharacterViolations(raw, At(field_, index));
    violations.insert(violations.end(), std::make_move_iterator(nul.begin()), std::make_move_iterator(nul.end()));
    auto* result = results_->Add();
    result->set_index(index);
    result->set_key(key);
    entries_.push_back({result, index, std::move(key), source_version, &raw, std::move(record), std::move(violations)});
  }

  // A record whose key came earlier in the same batch is rejected: which of
  // two versions sent together should win is the sender's to say.
  void RejectRepeatedKeys(const std::string& field) {
    std::map<std::string, int> first;
    for (auto& e : entries_) {
      auto [it, fresh] = first.emplace(e.key, e.index);
      if (!fresh) {
        // The key is quoted as a rejection lists it: a long one is cut.
        e.violations.push_back(
            {At(field, e.index), "the same record (key " + std::string(Utf8Prefix(e.key, kListedKeyBytes)) +
                                     ") is already at index " + std::to_string(it->second) + " of this batch"});
      }
    }
  }

  // Adds violations found after Add (e.g. an agency the registry does not
  // know): check(record, index, violations) for each record still valid.
  template <typename Check>
  void CheckEach(Check&& check) {
    for (auto& e : entries_) {
      if (e.violations.empty()) check(e.record, e.index, e.violations);
    }
  }

  // The one check of a batch's agencies (records with an
  // `agency_credit_code`): `cities_of(codes)` answers the city each known
  // agency is registered to. An agency of another city than the caller's
  // refuses the whole batch (PERMISSION_DENIED), before anything is stored;
  // an unknown one rejects its record, naming `<field>[i].agency_credit_code`.
  // An empty `caller_city` is the province's scope: an agency of any city.
  void CheckAgencies(
      const std::string& caller_city, const std::string& field,
      const std::function<std::map<std::string, std::string>(const std::vector<std::string>&)>& cities_of) {
    std::vector<std::string> codes;
    for (const auto& e : entries_) {
      if (e.violations.empty()) codes.push_back(e.record.agency_credit_code);
    }
    const auto cities = cities_of(codes);
    for (const auto& [code, city] : cities) {
      if (!caller_city.empty() && city != caller_city) {
        throw ServiceError::PermissionDenied("agency " + code + " is registered to city " + city + ", not " +
                                             caller_city);
      }
    }
    CheckEach([&](const Record& r, int index, Violations& violations) {
      if (!cities.contains(r.agency_credit_code)) {
        violations.push_back({At(field, index) + ".agency_credit_code", "no such agency in the registry"});
      }
    });
  }

  // f(record, index) for each record still valid, in the order of Valid().
  template <typename F>
  void ForEachValid(F&& f) const {
    for (const auto& e : entries_) {
      if (e.violations.empty()) f(e.record, e.index);
    }
  }

  std::vector<Record> Valid() const {
    std::vector<Record> out;
    for (const auto& e : entries_) {
      if (e.violations.empty()) out.push_back(e.record);
    }
    return out;
  }

  // The rejected records, each with its violations capped
  // (CappedViolations).
  std::vector<Rejection> Rejected() const {
    std::vector<Rejection> out;
    for (const auto& e : entries_) {
      if (!e.violations.empty()) {
        out.push_back({kind_, e.key, e.source_version, RecordJson(*e.raw),
                       CappedViolations(e.violations, At(field_, e.index)), "", 0});
      }
    }
    return out;
  }

  // Fills in every result; `outcomes` is the store's answer for Valid(), in order.
  void Settle(const std::vector<UpsertOutcome>& outcomes) {
    std::size_t k = 0;
    for (auto& e : entries_) {
      if (!e.violations.empty()) {
        e.result->set_outcome(v1::RecordResult::REJECTED);
        WriteViolations(CappedViolations(e.violations, At(field_, e.index)), e.result->mutable_violations());
      } else {
        e.result->set_outcome(outcomes.at(k++) == UpsertOutcome::kAccepted ? v1::RecordResult::ACCEPTED
                                                                           : v1::RecordResult::UNCHANGED);
      }
    }
  }

 private:
  struct Entry {
    v1::RecordResult* result;
    int index;
    std::string key;
    int64_t source_version;
    const google::protobuf::Message* raw;
    Record record;
    Violations violations;
  };
  std::string kind_;
  std::string field_;
  google::protobuf::RepeatedPtrField<v1::RecordResult>* results_;
  std::vector<Entry> entries_;
};

}  // namespace gongkai::common
