#include "services/inspections/draw.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cstddef>
#include <stdexcept>
#include <unordered_set>
#include <utility>

#include "common/calendar/iso_date.h"

namespace gongkai::inspections {
namespace {

constexpr std::size_t kSeedBytes = 32;
constexpr char kObjectRole[] = "object";
constexpr char kOfficerRole[] = "officer";

std::string Hex(const unsigned char* bytes, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out += kDigits[bytes[i] >> 4];
    out += kDigits[bytes[i] & 0x0f];
  }
  return out;
}

// score(role, id) = SHA256(seed "\n" role "\n" id).
std::string Score(const std::string& seed, std::string_view role, const std::string& id) {
  std::string message;
  message.reserve(seed.size() + role.size() + id.size() + 2);
  message += seed;
  message += '\n';
  message += role;
  message += '\n';
  message += id;
  return Sha256Hex(message);
}

// The officers that may be drawn: those sent, less the ones excluded, in the
// order sent.
template <typename Officers, typename Excluded>
std::vector<std::string> Eligible(const Officers& officers, const Excluded& excluded) {
  const std::unordered_set<std::string> out(excluded.begin(), excluded.end());
  std::vector<std::string> eligible;
  for (const auto& number : officers) {
    if (!out.contains(number)) eligible.push_back(number);
  }
  return eligible;
}

}  // namespace

std::string Sha256Hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 failed (EVP_Digest)");
  }
  return Hex(digest, size);
}

std::string NewSeed() {
  unsigned char bytes[kSeedBytes];
  if (RAND_bytes(bytes, static_cast<int>(kSeedBytes)) != 1) {
    throw std::runtime_error("the random generator failed (RAND_bytes)");
  }
  return Hex(bytes, kSeedBytes);
}

std::string SetDigest(std::vector<std::string> ids) {
  // std::string compares as unsigned bytes (char_traits<char>), as the
  // published rule and `sort` in the C locale do.
  std::sort(ids.begin(), ids.end());
  std::size_t size = 0;
  for (const auto& id : ids) size += id.size() + 1;
  std::string all;
  all.reserve(size);
  for (const auto& id : ids) {
    all += id;
    all += '\n';
  }
  return Sha256Hex(all);
}

std::vector<std::string> DrawIds(const std::string& seed, std::string_view role, const std::vector<std::string>& ids,
                                 int n) {
  if (n <= 0 || ids.empty()) return {};
  std::vector<std::pair<std::string, const std::string*>> scored;
  scored.reserve(ids.size());
  for (const auto& id : ids) scored.emplace_back(Score(seed, role, id), &id);
  const auto order = [](const auto& a, const auto& b) {
    // Equal scores (a repeated id, or a collision of SHA-256) fall back to the id.
    return a.first != b.first ? a.first < b.first : *a.second < *b.second;
  };
  const std::size_t count = std::min(static_cast<std::size_t>(n), scored.size());
  std::partial_sort(scored.begin(), scored.begin() + static_cast<std::ptrdiff_t>(count), scored.end(), order);
  std::vector<std::string> drawn;
  drawn.reserve(count);
  for (std::size_t i = 0; i < count; ++i) drawn.push_back(*scored[i].second);
  return drawn;
}

v1::Draw Commit(const v1::Draw& sent, const std::string& seed, const std::vector<std::string>& ineligible,
                common::Date committed_on) {
  // Only what the city chose is kept from `sent`: any platform field it
  // carried is replaced.
  v1::Draw draw;
  *draw.mutable_pool() = sent.pool();
  draw.set_objects(sent.objects());
  *draw.mutable_officers() = sent.officers();
  draw.set_officers_drawn(sent.officers_drawn());
  draw.set_draw_date(sent.draw_date());
  draw.set_seed_commitment(Sha256Hex(seed));
  draw.set_pool_digest(SetDigest({sent.pool().begin(), sent.pool().end()}));
  draw.set_officers_digest(SetDigest(Eligible(sent.officers(), ineligible)));
  for (const auto& number : ineligible) draw.add_excluded_officers(number);
  draw.set_committed_on(common::FormatIsoDate(committed_on));
  return draw;
}

bool Revealed(const v1::Draw& committed, common::Date today) {
  const auto draw_date = common::ParseIsoDate(committed.draw_date());
  return draw_date && today >= *draw_date;
}

v1::Draw Published(const v1::Draw& committed, const std::string& seed, common::Date today) {
  v1::Draw draw = committed;
  draw.clear_seed();
  draw.clear_drawn_objects();
  draw.clear_drawn_officers();
  draw.set_revealed(false);
  if (!Revealed(committed, today) || seed.empty() || Sha256Hex(seed) != committed.seed_commitment()) return draw;
  draw.set_seed(seed);
  const std::vector<std::string> pool(committed.pool().begin(), committed.pool().end());
  for (auto& id : DrawIds(seed, kObjectRole, pool, committed.objects())) draw.add_drawn_objects(std::move(id));
  const auto eligible = Eligible(committed.officers(), committed.excluded_officers());
  for (auto& number : DrawIds(seed, kOfficerRole, eligible, committed.officers_drawn())) {
    draw.add_drawn_officers(std::move(number));
  }
  draw.set_revealed(true);
  return draw;
}

}  // namespace gongkai::inspections
