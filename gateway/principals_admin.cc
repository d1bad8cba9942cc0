#include "gateway/principals_admin.h"

#include <fcntl.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <cstdio>
#include <stdexcept>
#include <vector>

#include "gateway/principals.h"

namespace gongkai::gateway {
namespace {

constexpr std::size_t kSecretBytes = 32;
constexpr std::size_t kSaltBytes = 16;

nlohmann::json::const_iterator Find(const nlohmann::json& file, const std::string& name) {
  for (auto it = file.begin(); it != file.end(); ++it) {
    if (it->is_object() && it->value("name", "") == name) return it;
  }
  return file.end();
}

// A new secret for `entry`: its salt and hash replaced; the token.
std::string NewSecret(nlohmann::json& entry, const std::string& name, const RandomHex& random) {
  const std::string secret = random(kSecretBytes);
  const std::string salt = random(kSaltBytes);
  entry["salt"] = salt;
  entry["sha256"] = TokenHash(salt, secret);
  return name + "." + secret;
}

PrincipalsEdit Checked(PrincipalsEdit edit) {
  try {
    Principals::Parse(edit.file.dump(), "the principals file as edited");
  } catch (const std::runtime_error& e) {
    throw std::invalid_argument(e.what());
  }
  return edit;
}

void RequireArray(const nlohmann::json& file) {
  if (!file.is_array()) throw std::invalid_argument("the principals file must be a JSON array");
}

}  // namespace

std::string SystemRandomHex(std::size_t bytes) {
  std::vector<unsigned char> buf(bytes);
  if (RAND_bytes(buf.data(), static_cast<int>(buf.size())) != 1) throw std::runtime_error("RAND_bytes failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes * 2);
  for (unsigned char b : buf) {
    out += kHex[b >> 4];
    out += kHex[b & 0xf];
  }
  return out;
}

PrincipalsEdit AddPrincipal(const nlohmann::json& file, const PrincipalSpec& spec, const RandomHex& random) {
  RequireArray(file);
  if (Find(file, spec.name) != file.end()) {
    throw std::invalid_argument("principal " + spec.name + " exists: rotate its token or revoke it first");
  }
  nlohmann::json entry = {{"name", spec.name}, {"role", spec.role}};
  if (!spec.city.empty()) entry["city"] = spec.city;
  if (!spec.agency.empty()) entry["agency"] = spec.agency;
  if (!spec.expires.empty()) entry["expires"] = spec.expires;
  if (!spec.client_cert_sha256.empty()) entry["client_cert_sha256"] = spec.client_cert_sha256;
  PrincipalsEdit edit;
  if (spec.token) edit.token = NewSecret(entry, spec.name, random);
  edit.file = file;
  edit.file.push_back(std::move(entry));
  return Checked(std::move(edit));
}

PrincipalsEdit RotatePrincipal(const nlohmann::json& file, const std::string& name, const std::string& expires,
                               const RandomHex& random) {
  RequireArray(file);
  const auto found = Find(file, name);
  if (found == file.end()) throw std::invalid_argument("no principal " + name);
  PrincipalsEdit edit;
  edit.file = file;
  nlohmann::json& entry = edit.file[static_cast<std::size_t>(found - file.begin())];
  if (!entry.contains("sha256"))
    throw std::invalid_argument("principal " + name + " has no token, only its certificate");
  edit.token = NewSecret(entry, name, random);
  if (!expires.empty()) entry["expires"] = expires;
  return Checked(std::move(edit));
}

PrincipalsEdit RevokePrincipal(const nlohmann::json& file, const std::string& name) {
  RequireArray(file);
  const auto found = Find(file, name);
  if (found == file.end()) throw std::invalid_argument("no principal " + name);
  PrincipalsEdit edit;
  edit.file = file;
  edit.file.erase(static_cast<std::size_t>(found - file.begin()));
  return Checked(std::move(edit));
}

void WriteFileAtomically(const std::string& path, const std::string& text) {
  const std::string temporary = path + ".new";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) throw std::runtime_error("cannot write " + temporary);
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n <= 0) {
      ::close(fd);
      throw std::runtime_error("cannot write " + temporary);
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) throw std::runtime_error("cannot write " + temporary);
  if (std::rename(temporary.c_str(), path.c_str()) != 0) throw std::runtime_error("cannot replace " + path);
}

}  // namespace gongkai::gateway
