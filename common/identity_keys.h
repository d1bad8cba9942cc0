#pragma once

#include <openssl/types.h>

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/config.h"

namespace gongkai::common {

// The Ed25519 keys signed identities are made and checked with. The gateway
// signs the identities of its callers with its own private key, and each
// service signs its own identity (ROLE_SERVICE) for its calls to another; a
// process holds only its own private key, and every process holds the public
// keys it trusts, with whom each may sign for: so no service can mint a
// city's or the province's identity, and a leaked service key vouches only
// for that service.

// What signs with a key: the gateway, or one service ("service-<name>").
inline constexpr char kGatewaySigner[] = "gateway";

// A key's id: the first 8 bytes of the SHA-256 of its public key's DER
// (SubjectPublicKeyInfo), in hexadecimal; a signature names the key that
// made it, so a verifier may trust two keys of one signer during a rotation.
std::string KeyIdOf(std::string_view public_key_der);

// An Ed25519 private key.
class SigningKey {
 public:
  // A new key (tests, and tools that make keys).
  static SigningKey Generate();
  // A key from PEM (PKCS#8, as `openssl genpkey -algorithm ed25519` writes
  // it); throws std::invalid_argument saying why it is not one.
  static SigningKey FromPem(const std::string& pem);

  std::string PrivatePem() const;
  // The public key as a trust file lists it: the base64 of its DER
  // SubjectPublicKeyInfo, which is the one line between the PEM markers
  // of `openssl pkey -pubout`.
  const std::string& public_key() const { return public_key_; }
  const std::string& id() const { return id_; }
  // The 64-byte Ed25519 signature of `data`.
  std::string Sign(std::string_view data) const;

 private:
  explicit SigningKey(std::shared_ptr<EVP_PKEY> key);

  std::shared_ptr<EVP_PKEY> key_;
  std::string public_key_;
  std::string id_;
};

// Public keys trusted to sign identities, each with the signer it belongs to.
class TrustedKeys {
 public:
  // Lines "<signer> <public key>": the signer `gateway` or `service-<name>`
  // (1-48 of [a-z0-9-]), the key as SigningKey::public_key() gives it; blank
  // lines and lines starting with '#' are skipped. Throws
  // std::invalid_argument naming the line and what is wrong with it.
  static TrustedKeys Parse(std::string_view text);

  // Adds `public_key` for `signer`; throws std::invalid_argument as Parse.
  void Add(const std::string& signer, const std::string& public_key);

  struct Key {
    std::string signer;
    std::shared_ptr<EVP_PKEY> key;
  };
  // The key of id `id`, or null.
  const Key* Find(std::string_view id) const;
  std::size_t size() const { return keys_.size(); }

 private:
  std::unordered_map<std::string, Key> keys_;  // by key id
};

// Whether the 64-byte `signature` is `key`'s Ed25519 signature of `data`.
bool VerifySignature(EVP_PKEY& key, std::string_view data, std::string_view signature);

// The files a process signs and checks identities with:
// GONGKAI_IDENTITY_KEY_FILE (its own private key, PEM) and
// GONGKAI_IDENTITY_TRUST_FILE (the trusted public keys, read again on
// SIGHUP). The gateway only signs, and reads no trust file (`trust` false).
struct IdentityFiles {
  std::string key;
  std::string trust;
};
IdentityFiles ReadIdentityFiles(Config& config, bool trust = true);

// The private key of a key file; throws std::invalid_argument naming the
// setting and the file, never the key.
SigningKey ReadSigningKey(const std::string& path);
// The trusted keys of a trust file; throws std::invalid_argument naming the
// setting, the file and the line.
TrustedKeys ReadTrustedKeys(const std::string& path);

}  // namespace gongkai::common
