#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/legal.h"
#include "common/text.h"
#include "common/violations.h"

namespace gongkai::registry {

// The bounds the registry's records share (DOMAIN.md, "Registry"). Each
// record's own table is in its header (agency.h, powers.h, benchmark.h,
// officer.h); the size of the public answers follows from them
// (public_size.h). Text is UTF-8 without control characters (line feeds and
// tabs only where paragraphs are allowed), counted in bytes.

// One line of at most 500 bytes: an agency's name, legal representative and
// contact, a powers item's name, a benchmark's violation in words.
inline constexpr common::TextRule kLineText{500, false};
// A benchmark tier's description (适用情形): 500 bytes, line breaks allowed.
inline constexpr common::TextRule kTierDescriptionText{500, true};
// A powers item's responsibilities and accountability cases: paragraphs.
inline constexpr common::TextRule kDutiesText{10'000, true};
// A powers item's source id: one line of at most 64 bytes.
inline constexpr common::TextRule kSourceIdText{64, false};
// A credit code as a record names its agency: 18 characters (GB 32100).
inline constexpr common::TextRule kCreditCodeText{18, false};

// The legal provisions a powers item or a benchmark cites, and the name of a
// provision's law (common::ValidateLegalBasis).
inline constexpr std::size_t kMaxProvisions = 20;
inline constexpr std::size_t kMaxLawBytes = 500;

// An enforcement domain code (common::EnforcementDomains: the longest has 20
// bytes) and how many an agency lists (each known domain at most once).
inline constexpr std::size_t kMaxDomainBytes = 32;
inline constexpr std::size_t kMaxAgencyDomains = 16;

// A list over its bound is one violation of the list as a whole, "at most 20
// legal provisions (got 20000)", and its elements are not judged one by one:
// a hostile list must not make the answer as long as itself. True when the
// list is within its bound.
bool CheckListSize(common::Violations& out, const std::string& field, std::size_t size, std::size_t max,
                   std::string_view items);

// A list of legal provisions (`field`, e.g. "items[0].legal_basis"): at most
// kMaxProvisions; then common::ValidateLegalBasis (at least one, a law of at
// most 500 bytes and an article each) and each law's text (one line, no
// control characters, not blank).
void CheckProvisions(common::Violations& out, const std::string& field,
                     const std::vector<common::LegalProvision>& basis);

// A credit code field: the rule of GB 32100 it breaks, named without quoting
// a byte that is not printable ASCII (common::CheckCreditCode quotes the
// first character it refuses, and a description is a proto string).
void CheckCreditCodeField(common::Violations& out, const std::string& field, std::string_view code);

// "unknown enforcement domain 'x'", quoting what was sent only when it is a
// short printable code: a description never repeats a long or binary value.
std::string UnknownDomain(std::string_view domain);

}  // namespace gongkai::registry
