#include "services/registry/officer.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "common/text.h"
#include "services/registry/bounds.h"

namespace gongkai::registry {
namespace {

// Crockford's base 32: no I, L, O or U, so a code read off a badge is not misread.
constexpr char kBase32[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr std::size_t kCodeLength = 24;

}  // namespace

void CheckCertificateNumber(common::Violations& out, const std::string& field, const std::string& number) {
  if (common::IsAsciiBlank(number)) {
    out.push_back({field, "required"});
  } else if (!IsCertificateNumber(number)) {
    out.push_back({field, "at most 32 of 0-9, A-Z and '-'"});
  }
}

common::Violations ValidateOfficer(const Officer& o, const std::string& path, common::Date today) {
  common::Violations out;
  CheckCertificateNumber(out, path + ".certificate_number", o.certificate_number);
  common::CheckText(out, path + ".agency_credit_code", o.agency_credit_code, kCreditCodeText,
                    common::Presence::kRequired);
  common::CheckText(out, path + ".name", o.name, common::kNameText, common::Presence::kRequired);
  common::CheckText(out, path + ".category", o.category, common::kNameText, common::Presence::kRequired);
  if (!o.valid_from) out.push_back({path + ".valid_from", "must be a date YYYY-MM-DD"});
  if (!o.valid_until) out.push_back({path + ".valid_until", "must be a date YYYY-MM-DD"});
  if (o.valid_from && o.valid_until && *o.valid_from >= *o.valid_until) {
    out.push_back({path + ".valid_until", "must be after valid_from"});
  }
  int status = static_cast<int>(o.status);
  if (status < 1 || status > 3) out.push_back({path + ".status", "must be ACTIVE, SUSPENDED or REVOKED"});
  if (o.source_version <= 0) out.push_back({path + ".source_version", "must be a positive version number"});
  if (!o.unreadable_changed_on.empty()) {
    out.push_back({path + ".changed_on", "must be a date YYYY-MM-DD, or empty for valid_from"});
  } else if (o.changed_on && *o.changed_on > today) {
    out.push_back({path + ".changed_on", "must not be in the future"});
  }
  return out;
}

common::Date EntryClockStart(const Officer& o) { return o.changed_on ? *o.changed_on : o.valid_from.value(); }

Verdict Judge(const Officer& o, common::Date today) {
  if (o.status == OfficerStatus::kRevoked) return Verdict::kRevoked;
  if (o.status == OfficerStatus::kSuspended) return Verdict::kSuspended;
  if (o.valid_from && today < *o.valid_from) return Verdict::kNotYetValid;
  if (o.valid_until && today > *o.valid_until) return Verdict::kExpired;
  return Verdict::kValid;
}

bool ValidOverPeriod(const Officer& o, common::Date from, common::Date to) {
  return o.status == OfficerStatus::kActive && o.valid_from && o.valid_until && *o.valid_from <= from &&
         to <= *o.valid_until;
}

common::Violations ValidateCertificateCheck(const std::vector<std::string>& numbers,
                                            const std::optional<common::Date>& from,
                                            const std::optional<common::Date>& to) {
  common::Violations out;
  if (numbers.empty()) {
    out.push_back({"certificate_numbers", "at least one certificate number"});
  } else if (CheckListSize(out, "certificate_numbers", numbers.size(), kMaxCertificateChecks, "certificate numbers")) {
    for (std::size_t i = 0; i < numbers.size(); ++i) {
      CheckCertificateNumber(out, common::At("certificate_numbers", static_cast<int>(i)), numbers[i]);
    }
  }
  if (!from) out.push_back({"from", "must be a date YYYY-MM-DD"});
  if (!to) out.push_back({"to", "must be a date YYYY-MM-DD"});
  if (from && to && *to < *from) out.push_back({"to", "must not be before from"});
  return out;
}

bool NeedsNewCode(const Officer& stored, const Officer& incoming) {
  bool revoked_now = incoming.status == OfficerStatus::kRevoked && stored.status != OfficerStatus::kRevoked;
  bool reissued = incoming.valid_from != stored.valid_from;
  return revoked_now || reissued;
}

std::optional<std::string> BadgeCodeRefusal(const Officer& o) {
  if (o.status == OfficerStatus::kRevoked) return "certificate " + o.certificate_number + " is revoked";
  return std::nullopt;
}

std::string OfficerCode(const std::string& secret, const std::string& certificate_number, int generation) {
  std::string message = "officer-code|" + certificate_number + "|" + std::to_string(generation);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &len);
  std::string code;
  // 24 characters of 5 bits from the first 15 bytes of the MAC.
  uint64_t buffer = 0;
  int bits = 0;
  for (unsigned int i = 0; i < len && code.size() < kCodeLength; ++i) {
    buffer = (buffer << 8) | mac[i];
    bits += 8;
    while (bits >= 5 && code.size() < kCodeLength) {
      code.push_back(kBase32[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  return code;
}

bool LooksLikeOfficerCode(const std::string& code) {
  if (code.size() != kCodeLength) return false;
  return code.find_first_not_of(kBase32) == std::string::npos;
}

}  // namespace gongkai::registry
