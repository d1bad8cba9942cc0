#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/violations.h"

namespace gongkai::registry {

enum class OfficerStatus { kActive = 1, kSuspended = 2, kRevoked = 3 };

// The longest certificate number there is.
inline constexpr std::size_t kMaxCertificateNumber = 32;

// An enforcement officer and the certificate (执法证) they hold.
struct Officer {
  std::string certificate_number;
  std::string agency_credit_code;
  std::string name;
  std::string category;
  // nullopt when what was sent is not a date (ValidateOfficer names it).
  std::optional<common::Date> valid_from;
  std::optional<common::Date> valid_until;
  OfficerStatus status = OfficerStatus::kActive;
  int64_t source_version = 0;
  // Issued, changed, suspended or revoked; nullopt means valid_from.
  std::optional<common::Date> changed_on;
  // A changed_on that was sent but is not a date, as sent (ValidateOfficer
  // names it); empty otherwise.
  std::string unreadable_changed_on;
  // Set by the registry.
  std::string city_code;
  std::string agency_name;
  int code_generation = 1;
  std::optional<common::Date> published_on;  // the day this version was stored
};

// True for what may be a certificate number: 1 to 32 of 0-9, A-Z and '-'.
// Inline, so that the registry's client (registry_client.h) asks only about
// numbers the registry would take.
inline bool IsCertificateNumber(std::string_view number) {
  return !number.empty() && number.size() <= kMaxCertificateNumber &&
         number.find_first_not_of("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-") == std::string_view::npos;
}

// A certificate number: 1 to 32 of 0-9, A-Z and '-' ("required" when
// blank).
void CheckCertificateNumber(common::Violations& out, const std::string& field, const std::string& number);

// changed_on may not be after `today` (Asia/Shanghai). The bounds of its
// fields, each a violation of that field:
//
//   field                 bound
//   certificate_number    1 to 32 of 0-9, A-Z and '-' (kMaxCertificateNumber)
//   agency_credit_code    required, at most 18 bytes
//   name, category        required, one line of at most 200 bytes (common::kNameText)
common::Violations ValidateOfficer(const Officer& officer, const std::string& path, common::Date today);

// The clock start of an officer entry's 20 WD (DOMAIN.md, kind 4): the day of
// the change it reports, or the certificate's issue when none is given.
// Precondition: the officer is valid (it has a valid_from).
common::Date EntryClockStart(const Officer& officer);

// What the public is told about a certificate (执法证真伪查询).
enum class Verdict { kValid = 1, kExpired = 2, kSuspended = 3, kRevoked = 4, kUnknown = 5, kNotYetValid = 6 };

// The verdict on a stored certificate on `today` (Asia/Shanghai).
Verdict Judge(const Officer& officer, common::Date today);

// Whether a stored certificate may be used on every day of [from, to]: it is
// active, and its validity covers the period (valid_from <= from and
// to <= valid_until). A certificate suspended or revoked now is not, whatever
// the period.
bool ValidOverPeriod(const Officer& officer, common::Date from, common::Date to);

// The most certificates another service checks at once (CheckCertificates).
inline constexpr std::size_t kMaxCertificateChecks = 500;

// A check of certificates over a period (CheckCertificates): 1 to 500
// numbers, each a certificate number ("certificate_numbers[i]"); from and to
// dates (nullopt: what was sent is not one), from not after to ("to").
common::Violations ValidateCertificateCheck(const std::vector<std::string>& numbers,
                                            const std::optional<common::Date>& from,
                                            const std::optional<common::Date>& to);

// A badge code changes when the certificate is revoked or reissued (a new
// validity start), so a printed old badge stops verifying.
bool NeedsNewCode(const Officer& stored, const Officer& incoming);

// Why no badge code is handed out for the certificate, or nullopt: a revoked
// certificate has none.
std::optional<std::string> BadgeCodeRefusal(const Officer& officer);

// The badge code (一人一码) of a certificate's generation: HMAC-SHA256 under
// the platform's officer-code secret, 120 bits in 24 base-32 characters.
// Unguessable without the secret; the platform verifies it by lookup.
std::string OfficerCode(const std::string& secret, const std::string& certificate_number, int generation);

// True for a string shaped like an officer code (a cheap filter before lookup).
bool LooksLikeOfficerCode(const std::string& code);

}  // namespace gongkai::registry
