#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "gongkai/inspections/v1/inspections.pb.h"

namespace gongkai::inspections {

// A draw anyone can verify (DOMAIN.md, "A draw anyone can verify"). At
// registration the platform makes a secret seed and publishes its
// commitment and the digests of the pool and of the eligible officers; from
// the draw date on it publishes the seed, and the draw is a pure function
// of what was published:
//
//   commitment     = SHA256(seed)                      seed: 64 lowercase hex characters
//   digest(ids)    = SHA256(id_1 "\n" id_2 "\n" ... id_n "\n")   ids sorted by bytes
//   score(role,id) = SHA256(seed "\n" role "\n" id)    role: "object" or "officer"
//   drawn          = the n ids of lowest score (scores compared as hex text), in that order
//
// (SHA256 in lowercase hexadecimal.) With a shell:
//   printf '%s' "$seed" | sha256sum
//   printf '%s\n%s\n%s' "$seed" object "$id" | sha256sum

// SHA-256 of `bytes` in 64 lowercase hexadecimal characters.
std::string Sha256Hex(std::string_view bytes);

// 32 bytes from OpenSSL's RAND_bytes, in 64 lowercase hexadecimal
// characters. Throws std::runtime_error if the generator fails.
std::string NewSeed();

// digest(ids) above (the order of `ids` does not matter).
std::string SetDigest(std::vector<std::string> ids);

// The `n` ids of lowest score(role, id), in that order (all of them when n
// is at least their number).
std::vector<std::string> DrawIds(const std::string& seed, std::string_view role, const std::vector<std::string>& ids,
                                 int n);

// The draw as registered: `sent` (pool, counts, officers, draw date) with the
// platform's fields set: commitment of `seed`, digests of the pool and of the
// eligible officers (those of `sent.officers` not in `ineligible`), the
// ineligible officers as `excluded_officers`, and `committed_on`. No seed and
// nothing drawn.
v1::Draw Commit(const v1::Draw& sent, const std::string& seed, const std::vector<std::string>& ineligible,
                common::Date committed_on);

// Whether the draw is revealed on `today`: from its draw date on.
bool Revealed(const v1::Draw& committed, common::Date today);

// The committed draw as published on `today`: as committed before the draw
// date; from it on, with the seed, the objects drawn from the pool and the
// officers drawn from the eligible ones (`officers` less
// `excluded_officers`), and `revealed` set. A seed that does not match the
// commitment (or none) reveals nothing: what is published must verify.
v1::Draw Published(const v1::Draw& committed, const std::string& seed, common::Date today);

}  // namespace gongkai::inspections
