#include "services/inspections/draw.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/testing/dates.h"
#include "services/inspections/test_records.h"

namespace gongkai::inspections {
namespace {

using gongkai::testing::Day;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// SHA-256 in lowercase hex, computed here with OpenSSL's EVP directly, apart
// from draw.cc.
std::string Evp(const std::string& bytes) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  EVP_DigestUpdate(ctx, bytes.data(), bytes.size());
  EVP_DigestFinal_ex(ctx, digest, &size);
  EVP_MD_CTX_free(ctx);
  std::string hex;
  char two[3];
  for (unsigned int i = 0; i < size; ++i) {
    std::snprintf(two, sizeof two, "%02x", digest[i]);
    hex += two;
  }
  return hex;
}

// The published rule, written out again: the n ids of lowest
// SHA256(seed "\n" role "\n" id).
std::vector<std::string> Expected(const std::string& seed, const std::string& role, std::vector<std::string> ids,
                                  std::size_t n) {
  std::vector<std::pair<std::string, std::string>> scored;
  for (const auto& id : ids) scored.emplace_back(Evp(seed + "\n" + role + "\n" + id), id);
  std::sort(scored.begin(), scored.end());
  std::vector<std::string> out;
  for (std::size_t i = 0; i < std::min(n, scored.size()); ++i) out.push_back(scored[i].second);
  return out;
}

const std::vector<std::string> kPool = {"OBJ-001", "OBJ-002", "OBJ-003", "OBJ-004", "OBJ-005"};
const std::vector<std::string> kOfficers = {"A-1", "A-2", "A-3", "A-4"};

v1::Draw Sent() {
  v1::Draw d;
  for (const auto& id : kPool) d.add_pool(id);
  d.set_objects(3);
  for (const auto& n : kOfficers) d.add_officers(n);
  d.set_officers_drawn(2);
  d.set_draw_date("2026-06-10");
  return d;
}

v1::Draw Committed() { return Commit(Sent(), kSeed, {"A-2"}, Day("2026-06-01")); }

TEST(Sha256Hex, MatchesTheKnownVectors) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256Hex, MatchesEvpComputedApart) {
  const std::string text = "双随机、一公开\n" + kSeed;
  EXPECT_EQ(Sha256Hex(text), Evp(text));
}

TEST(NewSeed, IsSixtyFourLowercaseHexCharactersAndNeverRepeats) {
  std::set<std::string> seeds;
  for (int i = 0; i < 20; ++i) {
    const std::string seed = NewSeed();
    EXPECT_EQ(seed.size(), 64u);
    EXPECT_EQ(seed.find_first_not_of("0123456789abcdef"), std::string::npos) << seed;
    seeds.insert(seed);
  }
  EXPECT_EQ(seeds.size(), 20u);
}

TEST(SetDigest, IsTheHashOfTheSortedIdsEachFollowedByALineFeed) {
  EXPECT_EQ(SetDigest({"a", "b"}), "911169ddaaf146aff539f58c26c489af3b892dff0fe283c1c264c65ae5aa59a2");
  EXPECT_EQ(SetDigest({"OBJ-002", "OBJ-001"}), Evp("OBJ-001\nOBJ-002\n"));
}

TEST(SetDigest, IgnoresOrder) {
  std::vector<std::string> reversed(kPool.rbegin(), kPool.rend());
  EXPECT_EQ(SetDigest(kPool), SetDigest(reversed));
  EXPECT_EQ(SetDigest({"b", "a", "c"}), SetDigest({"c", "b", "a"}));
}

TEST(SetDigest, SortsByBytes) {
  // 'Z' (0x5A) sorts before 'a' (0x61), and a non-ASCII byte after both.
  EXPECT_EQ(SetDigest({"a", "\xe5\xbc\xa0", "Z"}), Evp("Z\na\n\xe5\xbc\xa0\n"));
}

TEST(DrawIds, MatchesTheScoresComputedApart) {
  EXPECT_EQ(DrawIds(kSeed, "object", kPool, 3), Expected(kSeed, "object", kPool, 3));
  EXPECT_EQ(DrawIds(kSeed, "officer", kOfficers, 2), Expected(kSeed, "officer", kOfficers, 2));
}

TEST(DrawIds, MatchesTheShellComputation) {
  // printf '%s\n%s\n%s' "$seed" object "$id" | sha256sum, sorted:
  //   11f01886... OBJ-003, 2508e102... OBJ-005, 7c65dd5e... OBJ-002,
  //   96c77e1b... OBJ-001, d8f81312... OBJ-004
  EXPECT_EQ(Sha256Hex(kSeed + "\nobject\nOBJ-003"), "11f01886b9b30c1bbdca20feffbea0a2b96f7bd7f3b5d9091d5e94bd43261c22");
  EXPECT_THAT(DrawIds(kSeed, "object", kPool, 3), ElementsAre("OBJ-003", "OBJ-005", "OBJ-002"));
}

TEST(DrawIds, DependsOnTheRole) {
  const std::vector<std::string> ids = {"X-1", "X-2", "X-3", "X-4", "X-5", "X-6", "X-7", "X-8"};
  EXPECT_EQ(DrawIds(kSeed, "object", ids, 8), Expected(kSeed, "object", ids, 8));
  EXPECT_EQ(DrawIds(kSeed, "officer", ids, 8), Expected(kSeed, "officer", ids, 8));
  EXPECT_NE(DrawIds(kSeed, "object", ids, 8), DrawIds(kSeed, "officer", ids, 8));
}

TEST(DrawIds, ReturnsAllInScoreOrderWhenNIsAtLeastTheirNumber) {
  EXPECT_THAT(DrawIds(kSeed, "object", kPool, 99), ElementsAre("OBJ-003", "OBJ-005", "OBJ-002", "OBJ-001", "OBJ-004"));
}

TEST(DrawIds, ReturnsNothingForZeroOrNegativeN) {
  EXPECT_THAT(DrawIds(kSeed, "object", kPool, 0), IsEmpty());
  EXPECT_THAT(DrawIds(kSeed, "object", kPool, -1), IsEmpty());
}

TEST(DrawIds, DoesNotDependOnTheOrderOfTheIds) {
  std::vector<std::string> reversed(kPool.rbegin(), kPool.rend());
  EXPECT_EQ(DrawIds(kSeed, "object", reversed, 3), DrawIds(kSeed, "object", kPool, 3));
}

TEST(Commit, CommitsToTheSha256OfTheSeedsHexText) {
  const v1::Draw d = Committed();
  // printf '%s' "$seed" | sha256sum
  EXPECT_EQ(d.seed_commitment(), "a8ae6e6ee929abea3afcfc5258c8ccd6f85273e0d4626d26c7279f3250f77c8e");
  EXPECT_EQ(d.seed_commitment(), Evp(kSeed));
  // Not of the 32 bytes the hex stands for.
  std::string raw;
  for (std::size_t i = 0; i < kSeed.size(); i += 2)
    raw += static_cast<char>(std::stoi(kSeed.substr(i, 2), nullptr, 16));
  EXPECT_NE(d.seed_commitment(), Evp(raw));
}

TEST(Commit, PublishesTheDigestsOfThePoolAndOfTheEligibleOfficers) {
  const v1::Draw d = Committed();
  EXPECT_EQ(d.pool_digest(), Evp("OBJ-001\nOBJ-002\nOBJ-003\nOBJ-004\nOBJ-005\n"));
  EXPECT_EQ(d.officers_digest(), Evp("A-1\nA-3\nA-4\n"));
  EXPECT_THAT(d.excluded_officers(), ElementsAre("A-2"));
  EXPECT_EQ(d.committed_on(), "2026-06-01");
}

TEST(Commit, KeepsWhatWasSentAndHoldsNoSeedNorDraw) {
  v1::Draw sent = Sent();
  sent.set_seed("f00d");  // a platform field sent anyway is replaced
  sent.add_drawn_objects("OBJ-001");
  sent.set_revealed(true);
  const v1::Draw d = Commit(sent, kSeed, {}, Day("2026-06-01"));
  EXPECT_EQ(d.pool_size(), 5);
  EXPECT_EQ(d.objects(), 3);
  EXPECT_EQ(d.officers_size(), 4);
  EXPECT_EQ(d.officers_drawn(), 2);
  EXPECT_EQ(d.draw_date(), "2026-06-10");
  EXPECT_TRUE(d.seed().empty());
  EXPECT_THAT(d.drawn_objects(), IsEmpty());
  EXPECT_THAT(d.drawn_officers(), IsEmpty());
  EXPECT_THAT(d.excluded_officers(), IsEmpty());
  EXPECT_FALSE(d.revealed());
  EXPECT_EQ(d.officers_digest(), Evp("A-1\nA-2\nA-3\nA-4\n"));
}

TEST(Revealed, FromTheDrawDateOn) {
  const v1::Draw d = Committed();
  EXPECT_FALSE(Revealed(d, Day("2026-06-09")));
  EXPECT_TRUE(Revealed(d, Day("2026-06-10")));
  EXPECT_TRUE(Revealed(d, Day("2026-07-01")));
}

TEST(Published, HidesTheSeedAndTheDrawBeforeTheDrawDate) {
  const v1::Draw d = Published(Committed(), kSeed, Day("2026-06-09"));
  EXPECT_TRUE(d.seed().empty());
  EXPECT_THAT(d.drawn_objects(), IsEmpty());
  EXPECT_THAT(d.drawn_officers(), IsEmpty());
  EXPECT_FALSE(d.revealed());
  // The commitment and the pool are public at once.
  EXPECT_EQ(d.seed_commitment(), Evp(kSeed));
  EXPECT_EQ(d.pool_size(), 5);
}

TEST(Published, RevealsTheSeedAndTheDrawOnTheDrawDate) {
  const v1::Draw d = Published(Committed(), kSeed, Day("2026-06-10"));
  EXPECT_EQ(d.seed(), kSeed);
  EXPECT_TRUE(d.revealed());
  EXPECT_THAT(d.drawn_objects(), ElementsAre("OBJ-003", "OBJ-005", "OBJ-002"));
  // From the eligible officers only (A-2 excluded), lowest scores.
  EXPECT_THAT(d.drawn_officers(), ElementsAre("A-1", "A-3"));
  EXPECT_EQ(std::vector<std::string>(d.drawn_officers().begin(), d.drawn_officers().end()),
            Expected(kSeed, "officer", {"A-1", "A-3", "A-4"}, 2));
}

TEST(Published, StaysRevealedAfterTheDrawDate) {
  const v1::Draw on = Published(Committed(), kSeed, Day("2026-06-10"));
  const v1::Draw after = Published(Committed(), kSeed, Day("2027-01-01"));
  EXPECT_TRUE(after.revealed());
  EXPECT_EQ(after.SerializeAsString(), on.SerializeAsString());
}

TEST(Published, RevealsNothingWithASeedThatDoesNotMatchTheCommitment) {
  const std::string other(64, 'b');
  const v1::Draw d = Published(Committed(), other, Day("2026-06-10"));
  EXPECT_FALSE(d.revealed());
  EXPECT_TRUE(d.seed().empty());
  EXPECT_THAT(d.drawn_objects(), IsEmpty());
  EXPECT_FALSE(Published(Committed(), "", Day("2026-06-10")).revealed());
}

}  // namespace
}  // namespace gongkai::inspections
