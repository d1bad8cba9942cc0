#include "common/identity_keys.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "common/encoding.h"

namespace gongkai::common {
namespace {

struct Free {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
  void operator()(BIO* bio) const { BIO_free(bio); }
};

std::shared_ptr<EVP_PKEY> Shared(EVP_PKEY* key) { return std::shared_ptr<EVP_PKEY>(key, Free()); }

std::string PublicDer(EVP_PKEY& key) {
  unsigned char* der = nullptr;
  const int length = i2d_PUBKEY(&key, &der);
  if (length <= 0) throw std::runtime_error("the public key does not encode");
  std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(length));
  OPENSSL_free(der);
  return out;
}

bool IsSignerName(std::string_view signer) {
  if (signer == kGatewaySigner) return true;
  constexpr std::string_view kPrefix = "service-";
  if (!signer.starts_with(kPrefix)) return false;
  const std::string_view name = signer.substr(kPrefix.size());
  return !name.empty() && name.size() <= 48 &&
         name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string_view::npos;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::invalid_argument("it cannot be read");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::string KeyIdOf(std::string_view public_key_der) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(public_key_der.data()), public_key_der.size(), digest);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(digest), 8));
}

SigningKey::SigningKey(std::shared_ptr<EVP_PKEY> key) : key_(std::move(key)) {
  const std::string der = PublicDer(*key_);
  public_key_ = Base64Encode(der);
  id_ = KeyIdOf(der);
}

SigningKey SigningKey::Generate() {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  if (key == nullptr) throw std::runtime_error("an Ed25519 key could not be made");
  return SigningKey(Shared(key));
}

SigningKey SigningKey::FromPem(const std::string& pem) {
  std::unique_ptr<BIO, Free> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) throw std::runtime_error("out of memory");
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  if (key == nullptr) throw std::invalid_argument("it does not read as a PEM private key");
  auto shared = Shared(key);
  if (EVP_PKEY_get_id(key) != EVP_PKEY_ED25519) {
    throw std::invalid_argument("it is not an Ed25519 key (make one with: openssl genpkey -algorithm ed25519)");
  }
  return SigningKey(std::move(shared));
}

std::string SigningKey::PrivatePem() const {
  std::unique_ptr<BIO, Free> bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    throw std::runtime_error("the private key does not encode");
  }
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(length));
}

std::string SigningKey::Sign(std::string_view data) const {
  std::unique_ptr<EVP_MD_CTX, Free> ctx(EVP_MD_CTX_new());
  std::string signature(64, '\0');
  std::size_t length = signature.size();
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                     reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1) {
    throw std::runtime_error("Ed25519 signing failed");
  }
  signature.resize(length);
  return signature;
}

bool VerifySignature(EVP_PKEY& key, std::string_view data, std::string_view signature) {
  std::unique_ptr<EVP_MD_CTX, Free> ctx(EVP_MD_CTX_new());
  return ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, &key) == 1 &&
         EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                          reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
}

TrustedKeys TrustedKeys::Parse(std::string_view text) {
  TrustedKeys trusted;
  int number = 0;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    std::string line(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::size_t first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') continue;
    std::istringstream fields(line);
    std::string signer, key, extra;
    fields >> signer >> key;
    try {
      if (key.empty() || (fields >> extra)) throw std::invalid_argument("must be \"<signer> <public key>\"");
      trusted.Add(signer, key);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument("line " + std::to_string(number) + ": " + e.what());
    }
  }
  return trusted;
}

void TrustedKeys::Add(const std::string& signer, const std::string& public_key) {
  if (!IsSignerName(signer)) {
    throw std::invalid_argument("the signer '" + signer + "' is neither gateway nor service-<name> ([a-z0-9-])");
  }
  const auto der = Base64Decode(public_key);
  if (!der) throw std::invalid_argument("the public key of " + signer + " is not base64");
  const auto* cursor = reinterpret_cast<const unsigned char*>(der->data());
  EVP_PKEY* key = d2i_PUBKEY(nullptr, &cursor, static_cast<long>(der->size()));
  if (key == nullptr) throw std::invalid_argument("the public key of " + signer + " does not read as a public key");
  auto shared = Shared(key);
  if (EVP_PKEY_get_id(key) != EVP_PKEY_ED25519) {
    throw std::invalid_argument("the public key of " + signer + " is not an Ed25519 key");
  }
  const std::string id = KeyIdOf(*der);
  auto [known, added] = keys_.try_emplace(id, Key{signer, std::move(shared)});
  if (!added && known->second.signer != signer) {
    throw std::invalid_argument("the public key of " + signer + " is already listed for " + known->second.signer);
  }
}

const TrustedKeys::Key* TrustedKeys::Find(std::string_view id) const {
  auto it = keys_.find(std::string(id));
  return it == keys_.end() ? nullptr : &it->second;
}

IdentityFiles ReadIdentityFiles(Config& config, bool trust) {
  IdentityFiles files;
  files.key = config.RequiredString("GONGKAI_IDENTITY_KEY_FILE",
                                    "this process's Ed25519 private key (PEM), which signs the identities it sends");
  if (!trust) return files;
  files.trust = config.RequiredString(
      "GONGKAI_IDENTITY_TRUST_FILE",
      "public keys trusted to sign identities, a line \"<gateway|service-NAME> <key>\" each (read again on SIGHUP)");
  return files;
}

SigningKey ReadSigningKey(const std::string& path) {
  try {
    return SigningKey::FromPem(ReadFile(path));
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument("GONGKAI_IDENTITY_KEY_FILE " + path + ": " + e.what());
  }
}

TrustedKeys ReadTrustedKeys(const std::string& path) {
  try {
    return TrustedKeys::Parse(ReadFile(path));
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument("GONGKAI_IDENTITY_TRUST_FILE " + path + ": " + e.what());
  }
}

}  // namespace gongkai::common
