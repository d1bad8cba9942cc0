#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/personal_data.h"
#include "common/text.h"
#include "common/violations.h"
#include "services/penalties/penalty.h"
#include "services/penalties/withdrawal.h"
#include "services/registry/officer.h"

namespace gongkai::penalties {

// What the public sees of a record (DOMAIN.md, "Publication and masking (脱敏)").

// The version of the masking rules below and of personal_data.h: every
// stored record notes the version that made its public form
// (records.masking_version), and at start-up the service recomputes the
// public form of every record of an older version (RepublishStoredRecords).
// Raise it with every change to what these rules mask, and with every public
// column added to what a write stores of the public form (3: the party's
// public credit code, records.public_party_credit_code, for the search by
// credit code).
inline constexpr int kMaskingVersion = 3;

// The personal strings a record carries (MaskPersonalData): the names of the
// party, when a natural person, of an individual business's operator, and of
// the persons it mentions (the first kMaxMentionedPersons: a longer list
// makes the record invalid); the party's address and, when a natural person,
// its credit code; the party's phone, ID number and bank account. The name of
// an organisation or an individual business is kept as it is.
PersonalData PersonalDataOf(const PenaltyDecision& decision);
PersonalData PersonalDataOf(const CoerciveMeasure& measure);

// The public form of a decision: masked party (MaskParty), no mentioned
// persons, and its decision number and free text (facts, other result,
// legal-application explanation) as MaskPersonalData with the decision's
// own personal data. Its powers item and officers' certificate numbers are
// published as they are (officers are public by design).
PenaltyDecision PublicDecision(const PenaltyDecision& decision);
// The same with the decision's personal data already prepared
// (common::PersonalDataSearch of PersonalDataOf(decision)).
PenaltyDecision PublicDecision(const PenaltyDecision& decision, const common::PersonalDataSearch& data);

// The public form of a measure: masked party, no mentioned persons, and its
// document number, object name and quantity, release conditions and
// necessity statement as MaskPersonalData with the measure's own personal
// data.
CoerciveMeasure PublicMeasure(const CoerciveMeasure& measure);
CoerciveMeasure PublicMeasure(const CoerciveMeasure& measure, const common::PersonalDataSearch& data);

// Whether a stored record is visible to the public on `today`: it has a public
// form, and it is withdrawn (its withdrawal notice stays public) or still
// within its retention (`public_until` inclusive; nullopt = no end).
bool VisibleToPublic(bool has_public_form, bool withdrawn, const std::optional<common::Date>& public_until,
                     common::Date today);

// Whether a feed entry still carries its record's public content on `today`:
// it is not `superseded` (a later entry of the same record replaced it), it
// is not an `unpublication` (which has none), and it is a `withdrawal_notice`
// (which stays readable, as in VisibleToPublic) or within the retention its
// record had at the change (`public_until` inclusive; nullopt = no end).
bool FeedEntryHasContent(bool superseded, bool unpublication, bool withdrawal_notice,
                         const std::optional<common::Date>& public_until, common::Date today);

// ---------------------------------------------------------------- the size of public answers
//
// Every public answer page stays under 4 MB (kPublicAnswerBytes, below the
// 4 MiB a default gRPC client accepts) by construction: the bounds of
// penalty.h bound the serialised size of a public record, and a page holds at
// most kMaxPublicPage records. Serialised, a field costs at most its bytes
// plus kStringCost for a string (a tag of up to 2 bytes and a length of up to
// 3, for lengths below 2^21), kNumberCost for a number, enum or flag (tag and
// a varint of up to 10 bytes), kMessageCost for a nested message besides its
// own fields. public_size_test.cc builds the largest record and measures it.
inline constexpr std::size_t kPublicAnswerBytes = 4'000'000;
inline constexpr std::size_t kStringCost = 5;
inline constexpr std::size_t kNumberCost = 12;
inline constexpr std::size_t kMessageCost = 5;

// Bounds the public form keeps from elsewhere: a law's name
// (common::ValidateLegalBasis), a credit code or ID number, an ISO date, a
// city code, a deadline rule's name (common::RecordKindName), an officer's
// certificate number (registry::IsCertificateNumber).
inline constexpr std::size_t kLawBytes = 500;
inline constexpr std::size_t kCodeBytes = 18;
inline constexpr std::size_t kDateBytes = 10;
inline constexpr std::size_t kCityBytes = 6;
inline constexpr std::size_t kRuleNameBytes = 32;
inline constexpr std::size_t kCertificateBytes = registry::kMaxCertificateNumber;

// A legal provision: its law and three numbers: 5 + 505 + 36 = 546.
inline constexpr std::size_t kMaxPublicProvisionBytes = kMessageCost + kLawBytes + kStringCost + 3 * kNumberCost;

// A public party: kind, minor, name and legal representative (an operator's
// masked name is shorter than the name), credit code, masked ID; no address,
// phone or bank account: 5 + 24 + 2 × 205 + 2 × 23 = 485.
inline constexpr std::size_t kMaxPublicPartyBytes =
    kMessageCost + 2 * kNumberCost + 2 * (common::kNameText.max_bytes + kStringCost) + 2 * (kCodeBytes + kStringCost);

// A public decision (penalties.v1.PenaltyDecision, masked): 65,411 bytes.
inline constexpr std::size_t kMaxPublicDecisionBytes =
    // agency, source id, decision number, domain: 23 + 69 + 2 × 205
    (kCodeBytes + kStringCost) + (kMaxSourceIdBytes + kStringCost) + 2 * (common::kNameText.max_bytes + kStringCost) +
    // party: 485
    kMaxPublicPartyBytes +
    // facts and legal-application explanation as published, decision date, benchmark code: 2 × 20,005 + 15 + 205
    2 * (common::kLongText.max_bytes + kStringCost) + (kDateBytes + kStringCost) +
    (common::kNameText.max_bytes + kStringCost) +
    // result (warning, fine, confiscation, suspension, revocation; other as published): 5 + 60 + 1005
    kMessageCost + 5 * kNumberCost + (common::kPlainText.max_bytes + kStringCost) +
    // remedy (body, court, two periods): 5 + 2 × 205 + 24
    kMessageCost + 2 * (common::kNameText.max_bytes + kStringCost) + 2 * kNumberCost +
    // source version, severity, benchmark tier: 36
    3 * kNumberCost +
    // violated and applied: 2 × 20 × 546 = 21,840
    2 * kMaxProvisions * kMaxPublicProvisionBytes +
    // powers item and officers' certificate numbers: 69 + 20 × 37 = 809
    (kMaxSourceIdBytes + kStringCost) + kMaxOfficers * (kCertificateBytes + kStringCost);

// A public measure (penalties.v1.CoerciveMeasure, masked): 53,620 bytes.
inline constexpr std::size_t kMaxPublicMeasureBytes =
    // agency, source id, document number, domain: 23 + 69 + 2 × 205
    (kCodeBytes + kStringCost) + (kMaxSourceIdBytes + kStringCost) + 2 * (common::kNameText.max_bytes + kStringCost) +
    // party: 485
    kMaxPublicPartyBytes +
    // legal basis: 20 × 546 = 10,920
    kMaxProvisions * kMaxPublicProvisionBytes +
    // source version, type: 24
    2 * kNumberCost +
    // object name as published, quantity, period start and end: 205 + 1005 + 2 × 15
    (common::kNameText.max_bytes + kStringCost) + (common::kPlainText.max_bytes + kStringCost) +
    2 * (kDateBytes + kStringCost) +
    // release conditions and necessity statement as published: 2 × 20,005
    2 * (common::kLongText.max_bytes + kStringCost) +
    // remedy: 439, as for a decision
    kMessageCost + 2 * (common::kNameText.max_bytes + kStringCost) + 2 * kNumberCost;

// A timeliness block (common.v1.Timeliness): rule name, three dates, status,
// lag, provisional: 5 + 37 + 3 × 15 + 3 × 12 = 123, taken as 128.
inline constexpr std::size_t kMaxTimelinessBytes = 128;

// A withdrawal explanation as published: at most 2000 bytes as sent
// (withdrawal.h), each of which masking turns into at most 3 bytes
// (MaskPersonalData).
inline constexpr std::size_t kMaxPublicExplanationBytes = 3 * kMaxExplanationBytes;

// A public record (penalties.v1.PublishedRecord): the larger of a decision and
// a measure, plus its envelope (kind, agency, source id, city, domain, the
// record's own tag, published_on, two timeliness blocks, withdrawn, reason,
// the explanation as published, withdrawn_on, released_on, public_until):
// 65,411 + 12 + 23 + 69 + 11 + 205 + 5 + 15 + 2 × 128 + 2 × 12 + 6005 + 3 × 15
// = 72,081 bytes.
inline constexpr std::size_t kMaxPublicRecordBytes =
    (kMaxPublicDecisionBytes > kMaxPublicMeasureBytes ? kMaxPublicDecisionBytes : kMaxPublicMeasureBytes) +
    kNumberCost + (kCodeBytes + kStringCost) + (kMaxSourceIdBytes + kStringCost) + (kCityBytes + kStringCost) +
    (common::kNameText.max_bytes + kStringCost) + kMessageCost + (kDateBytes + kStringCost) + 2 * kMaxTimelinessBytes +
    2 * kNumberCost + (kMaxPublicExplanationBytes + kStringCost) + 3 * (kDateBytes + kStringCost);

// What a page adds to each record: a feed entry's tag in the page, seq, type,
// content_removed and the record's tag (5 + 3 × 12 + 5 = 46); and once per
// page, the next page token or the last seq (well under 1024).
inline constexpr std::size_t kPageEntryCost = 2 * kMessageCost + 3 * kNumberCost;
inline constexpr std::size_t kPageTrailerBytes = 1024;

// The most records a public page (ListPublished, ListChanges) holds:
// 50 × (72,081 + 46) + 1024 = 3,607,374 bytes, under kPublicAnswerBytes.
inline constexpr int kMaxPublicPage = 50;
static_assert(kMaxPublicPage * (kMaxPublicRecordBytes + kPageEntryCost) + kPageTrailerBytes < kPublicAnswerBytes);

// The limits of the public list's own filters (its city, domain and date
// filters are the common list filters): a party name searched for is text of
// one line, at most 200 bytes ("party_name").
common::Violations ValidatePublishedFilter(std::string_view party_name);

// A party's credit code searched for ("party_credit_code"): empty (any
// party), or a valid unified social credit code (common::CheckCreditCode:
// 18 characters of the GB 32100 alphabet, an area code in characters 3-8,
// the check character), as every published party's code is (ValidateDecision
// requires one of an organisation and an individual business). A citizen ID
// number nearly always fails it (its characters 3-8 are seldom an area code,
// and then the check character must match too); either way no search finds
// a natural person, whose credit code and ID number are never published
// (MaskParty).
common::Violations ValidatePartyCreditCodeFilter(std::string_view party_credit_code);

// The list of withdrawal notices (ListPublished with `withdrawn`): a notice
// publishes the decision's key, city and domain and the withdrawal, not the
// decision, so neither party filter applies ("party_name",
// "party_credit_code"), and only decisions are withdrawn ("kind": a measure
// is released and stays in the list).
common::Violations ValidateNoticeFilter(bool measures, std::string_view party_name, std::string_view party_credit_code);

}  // namespace gongkai::penalties
