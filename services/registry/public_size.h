#pragma once

#include <cstddef>

#include "common/paging.h"
#include "common/text.h"
#include "services/registry/benchmark.h"
#include "services/registry/bounds.h"
#include "services/registry/officer.h"
#include "services/registry/powers.h"

namespace gongkai::registry {

// Every public answer page of the registry stays under 4 MB
// (kPublicAnswerBytes, below the 4 MiB a default gRPC client accepts) by
// construction: the bounds of the records (bounds.h and the domain headers)
// bound the serialised size of each public record, and each list holds at
// most its page cap of them. Serialised, a field costs at most its bytes plus
// kStringCost for a string (a tag of up to 2 bytes and a length of up to 3),
// kNumberCost for a number, enum or flag (tag and a varint of up to 10
// bytes), kMessageCost for a nested message besides its own fields.
// public_size_test.cc builds the largest record of each kind and measures it.
inline constexpr std::size_t kPublicAnswerBytes = 4'000'000;
inline constexpr std::size_t kStringCost = 5;
inline constexpr std::size_t kNumberCost = 12;
inline constexpr std::size_t kMessageCost = 5;

// A string field of at most `bytes` bytes.
constexpr std::size_t StringField(std::size_t bytes) { return bytes + kStringCost; }

// Bounds the public forms hold besides their records' own: a credit code, an
// area or city code, an ISO date, an RFC 3339 instant to the second.
inline constexpr std::size_t kCodeBytes = 18;
inline constexpr std::size_t kAreaBytes = 6;
inline constexpr std::size_t kDateBytes = 10;
inline constexpr std::size_t kInstantBytes = 20;
// A timeliness block (common.v1.Timeliness: rule name of at most 32 bytes,
// three dates, status, lag, provisional): 5 + 37 + 3 × 15 + 3 × 12 = 123,
// taken as 128.
inline constexpr std::size_t kTimelinessBytes = 128;
// The name of a missing coverage item ("qualification_list_current", the
// longest, has 26 bytes).
inline constexpr std::size_t kCoverageItemBytes = 32;

// A legal provision: its law and three numbers: 5 + 505 + 36 = 546.
inline constexpr std::size_t kMaxPublicProvisionBytes = kMessageCost + StringField(kMaxLawBytes) + 3 * kNumberCost;

// An agency (v1.Agency, as GetAgency and ListAgencies send it): 2,359 bytes.
inline constexpr std::size_t kMaxPublicAgencyBytes =
    // credit code, name, legal representative, area code, contact: 23 + 3 × 505 + 11
    StringField(kCodeBytes) + 3 * StringField(kLineText.max_bytes) + StringField(kAreaBytes) +
    // domains: 16 × 37 = 592
    kMaxAgencyDomains * StringField(kMaxDomainBytes) +
    // validity, source version, city, updated_at: 2 × 15 + 12 + 11 + 25
    2 * StringField(kDateBytes) + kNumberCost + StringField(kAreaBytes) + StringField(kInstantBytes) +
    // qualification-list timeliness, expired: 128 + 12
    kTimelinessBytes + kNumberCost;

// An officer (v1.Officer, the published fields, as ListOfficers and
// VerifyCertificate send them): 1,171 bytes.
inline constexpr std::size_t kMaxPublicOfficerBytes =
    // certificate number, agency, its name, officer's name and category: 37 + 23 + 505 + 2 × 205
    StringField(kMaxCertificateNumber) + StringField(kCodeBytes) + StringField(kLineText.max_bytes) +
    2 * StringField(common::kNameText.max_bytes) +
    // validity, status, city, changed_on, timeliness: 2 × 15 + 12 + 11 + 15 + 128
    2 * StringField(kDateBytes) + kNumberCost + StringField(kAreaBytes) + StringField(kDateBytes) + kTimelinessBytes;

// A powers item (v1.PowersItem, as ListPowers and ListPowersChanges send
// it): 31,729 bytes.
inline constexpr std::size_t kMaxPublicPowersItemBytes =
    // agency, source id, source version, name, category: 23 + 69 + 12 + 505 + 12
    StringField(kCodeBytes) + StringField(kSourceIdText.max_bytes) + kNumberCost + StringField(kLineText.max_bytes) +
    kNumberCost +
    // legal basis: 20 × 546 = 10,920
    kMaxProvisions * kMaxPublicProvisionBytes +
    // responsibilities, accountability: 2 × 10,005
    2 * StringField(kDutiesText.max_bytes) +
    // changed_on, city, change_seq, timeliness, random_check: 15 + 11 + 12 + 128 + 12
    StringField(kDateBytes) + StringField(kAreaBytes) + kNumberCost + kTimelinessBytes + kNumberCost;

// A powers item as GetPowersItems sends it (agency, source id, name,
// category, random_check, city; not public, but bounded the same way): 23 +
// 69 + 505 + 12 + 12 + 11 = 632 bytes.
inline constexpr std::size_t kMaxPowersItemSummaryBytes =
    StringField(kCodeBytes) + StringField(kSourceIdText.max_bytes) + StringField(kLineText.max_bytes) +
    2 * kNumberCost + StringField(kAreaBytes);

// A benchmark tier (v1.BenchmarkTier): level, two band ends, five flags, two
// penalty amounts and its description: 5 + 10 × 12 + 505 = 630.
inline constexpr std::size_t kMaxPublicTierBytes =
    kMessageCost + 10 * kNumberCost + StringField(kTierDescriptionText.max_bytes);

// A benchmark table (v1.DiscretionBenchmark, as ListBenchmarks sends it):
// 14,859 bytes.
inline constexpr std::size_t kMaxPublicBenchmarkBytes =
    // domain, violation code, violation, measure: 37 + 69 + 505 + 12
    StringField(kMaxDomainBytes) + StringField(kMaxViolationCode) + StringField(kLineText.max_bytes) + kNumberCost +
    // legal basis and tiers: 10,920 + 5 × 630
    kMaxProvisions * kMaxPublicProvisionBytes + kMaxTiers * kMaxPublicTierBytes +
    // source version, changed_on, city, timeliness: 12 + 15 + 11 + 128
    kNumberCost + StringField(kDateBytes) + StringField(kAreaBytes) + kTimelinessBytes;

// An agency's coverage (v1.AgencyCoverage): credit code, name, city, eight
// flags and at most seven missing items: 23 + 505 + 11 + 96 + 7 × 37 = 894.
inline constexpr std::size_t kMaxPublicCoverageBytes = StringField(kCodeBytes) + StringField(kLineText.max_bytes) +
                                                       StringField(kAreaBytes) + 8 * kNumberCost +
                                                       7 * StringField(kCoverageItemBytes);

// What a page adds: each record's tag and length in the page (kMessageCost),
// and once per page the next page token, the last seq or the coverage totals
// (well under 1024).
inline constexpr std::size_t kPageTrailerBytes = 1024;
constexpr std::size_t PageBytes(std::size_t records, std::size_t record_bytes) {
  return records * (record_bytes + kMessageCost) + kPageTrailerBytes;
}

// The page caps of the public lists (page_size, or a feed's limit, above the
// cap is clamped to it) and what a full page of the largest records costs.
// ListAgencies: 500 × (2,359 + 5) + 1,024 = 1,183,024 bytes.
inline constexpr common::PageLimits kAgencyPage{50, 500};
static_assert(PageBytes(kAgencyPage.max, kMaxPublicAgencyBytes) < kPublicAnswerBytes);
// ListOfficers: 500 × (1,171 + 5) + 1,024 = 589,024 bytes.
inline constexpr common::PageLimits kOfficerPage{50, 500};
static_assert(PageBytes(kOfficerPage.max, kMaxPublicOfficerBytes) < kPublicAnswerBytes);
// ListPowers and ListPowersChanges: 100 × (31,729 + 5) + 1,024 = 3,174,424 bytes.
inline constexpr common::PageLimits kPowersPage{50, 100};
inline constexpr common::PageLimits kPowersFeedPage{100, 100};
static_assert(PageBytes(kPowersPage.max, kMaxPublicPowersItemBytes) < kPublicAnswerBytes);
static_assert(PageBytes(kPowersFeedPage.max, kMaxPublicPowersItemBytes) < kPublicAnswerBytes);
// ListBenchmarks: 100 × (14,859 + 5) + 1,024 = 1,487,424 bytes.
inline constexpr common::PageLimits kBenchmarkPage{50, 100};
static_assert(PageBytes(kBenchmarkPage.max, kMaxPublicBenchmarkBytes) < kPublicAnswerBytes);
// GetCoverage: 500 × (894 + 5) + 1,024 = 450,524 bytes.
inline constexpr common::PageLimits kCoveragePage{50, 500};
static_assert(PageBytes(kCoveragePage.max, kMaxPublicCoverageBytes) < kPublicAnswerBytes);
// GetPowersItems, every agency's every id found: 21 × 200 × (632 + 5) +
// 1,024 = 2,676,424 bytes.
static_assert(PageBytes(kMaxPowersQueryAgencies * kMaxPowersQuerySourceIds, kMaxPowersItemSummaryBytes) <
              kPublicAnswerBytes);

}  // namespace gongkai::registry
