#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "common/violations.h"

namespace gongkai::registry {

enum class OfficerStatus { kActive = 1, kSuspended = 2, kRevoked = 3 };

// An enforcement officer and the certificate (执法证) they hold.
struct Officer {
  std::string certificate_number;
  std::string agency_credit_code;
  std::string name;
  std::string category;
  std::string valid_from;   // YYYY-MM-DD
  std::string valid_until;  // YYYY-MM-DD
  OfficerStatus status = OfficerStatus::kActive;
  int64_t source_version = 0;
  // Issued, changed, suspended or revoked (YYYY-MM-DD); "" means valid_from.
  std::string changed_on;
  // Set by the registry.
  std::string city_code;
  std::string agency_name;
  int code_generation = 1;
  std::string published_on;  // the day this version was stored, YYYY-MM-DD
};

// `today` is YYYY-MM-DD (Asia/Shanghai): changed_on may not be after it.
common::Violations ValidateOfficer(const Officer& officer, const std::string& path, const std::string& today);

// The clock start of an officer entry's 20 WD (DOMAIN.md, kind 4): the day of
// the change it reports, or the certificate's issue when none is given.
const std::string& EntryClockStart(const Officer& officer);

// What the public is told about a certificate (执法证真伪查询).
enum class Verdict { kValid = 1, kExpired = 2, kSuspended = 3, kRevoked = 4, kUnknown = 5, kNotYetValid = 6 };

// The verdict on a stored certificate on `today` (YYYY-MM-DD, Asia/Shanghai).
Verdict Judge(const Officer& officer, const std::string& today);

// A badge code changes when the certificate is revoked or reissued (a new
// validity start), so a printed old badge stops verifying.
bool NeedsNewCode(const Officer& stored, const Officer& incoming);

// The badge code (一人一码) of a certificate's generation: HMAC-SHA256 under
// the platform's officer-code secret, 120 bits in 24 base-32 characters.
// Unguessable without the secret; the platform verifies it by lookup.
std::string OfficerCode(const std::string& secret, const std::string& certificate_number, int generation);

// True for a string shaped like an officer code (a cheap filter before lookup).
bool LooksLikeOfficerCode(const std::string& code);

}  // namespace gongkai::registry
