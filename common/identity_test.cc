#include "common/identity.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <stdexcept>
#include <vector>

#include "common/encoding.h"
#include "common/errors.h"

namespace gongkai::common {
namespace {

using std::chrono::system_clock;

TEST(IdentitySigner, SignedIdentityVerifies) {
  IdentitySigner signer(SigningKey::Generate(), kGatewaySigner);
  CallerIdentity id{v1::ROLE_CITY, "140100", "", "taiyuan"};
  auto s = signer.Sign(id, system_clock::now() + std::chrono::minutes(1));
  auto back = signer.Verify(s.payload, s.signature, system_clock::now());
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, id);
}

TEST(IdentitySigner, AlteredPayloadIsRejected) {
  IdentitySigner signer(SigningKey::Generate(), kGatewaySigner);
  auto s = signer.Sign({v1::ROLE_CITY, "140100", "", "taiyuan"}, system_clock::now() + std::chrono::minutes(1));
  std::string forged = s.payload;
  forged.replace(forged.find("140100"), 6, "140200");
  EXPECT_FALSE(signer.Verify(forged, s.signature, system_clock::now()));
}

TEST(IdentitySigner, AnUntrustedKeyIsRejected) {
  IdentitySigner signer(SigningKey::Generate(), kGatewaySigner);
  IdentitySigner other(SigningKey::Generate(), kGatewaySigner);
  auto s = other.Sign({v1::ROLE_PROVINCE, "", "", "x"}, system_clock::now() + std::chrono::minutes(1));
  EXPECT_FALSE(signer.Verify(s.payload, s.signature, system_clock::now()));
}

TEST(IdentitySigner, ExpiredIdentityIsRejected) {
  IdentitySigner signer(SigningKey::Generate(), kGatewaySigner);
  auto s = signer.Sign({v1::ROLE_CITY, "140100", "", "t"}, system_clock::now() - std::chrono::seconds(5));
  EXPECT_FALSE(signer.Verify(s.payload, s.signature, system_clock::now()));
}

constexpr char kRegisterAgencies[] = "/gongkai.registry.v1.RegistryService/UpsertAgencies";
constexpr char kVerifyCertificate[] = "/gongkai.registry.v1.RegistryService/VerifyCertificate";

TEST(IdentitySigner, IdentityVerifiesForTheMethodItWasSignedFor) {
  IdentitySigner signer(SigningKey::Generate(), kGatewaySigner);
  CallerIdentity id{v1::ROLE_CITY, "140100", "", "taiyuan"};
  auto s = signer.Sign(id, system_clock::now() + std::chrono::minutes(1), kRegisterAgencies);
  auto back = signer.Verify(s.payload, s.signature, system_clock::now(), kRegisterAgencies);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, id);
}

TEST(IdentitySigner, IdentitySignedForOneMethodDoesNotVerifyForAnother) {
  IdentitySigner signer(SigningKey::Generate(), kGatewaySigner);
  auto s = signer.Sign({v1::ROLE_CITY, "140100", "", "taiyuan"}, system_clock::now() + std::chrono::minutes(1),
                       kVerifyCertificate);
  EXPECT_FALSE(signer.Verify(s.payload, s.signature, system_clock::now(), kRegisterAgencies));
  EXPECT_FALSE(signer.Verify(s.payload, s.signature, system_clock::now(), std::string(kVerifyCertificate) + "s"));
  EXPECT_TRUE(signer.Verify(s.payload, s.signature, system_clock::now(), kVerifyCertificate));
}

TEST(IdentitySigner, IdentityBoundToNoMethodDoesNotVerifyForANamedMethod) {
  IdentitySigner signer(SigningKey::Generate(), kGatewaySigner);
  auto s = signer.Sign({v1::ROLE_PROVINCE, "", "", "province"}, system_clock::now() + std::chrono::minutes(1));
  EXPECT_FALSE(signer.Verify(s.payload, s.signature, system_clock::now(), kRegisterAgencies));
  EXPECT_TRUE(signer.Verify(s.payload, s.signature, system_clock::now())) << "a verifier naming no method";
}

TEST(IdentitySigner, RewritingTheSignedMethodBreaksTheSignature) {
  IdentitySigner signer(SigningKey::Generate(), kGatewaySigner);
  auto s = signer.Sign({v1::ROLE_CITY, "140100", "", "taiyuan"}, system_clock::now() + std::chrono::minutes(1),
                       kVerifyCertificate);
  std::string forged = s.payload;
  const auto at = forged.find(kVerifyCertificate);
  ASSERT_NE(at, std::string::npos) << "the method is in the signed payload";
  forged.replace(at, std::string(kVerifyCertificate).size(), kRegisterAgencies);
  EXPECT_FALSE(signer.Verify(forged, s.signature, system_clock::now(), kRegisterAgencies));
}

TEST(IdentitySigner, ExpiredIdentityIsRejectedForItsOwnMethod) {
  IdentitySigner signer(SigningKey::Generate(), kGatewaySigner);
  auto s =
      signer.Sign({v1::ROLE_CITY, "140100", "", "t"}, system_clock::now() - std::chrono::seconds(5), kRegisterAgencies);
  EXPECT_FALSE(signer.Verify(s.payload, s.signature, system_clock::now(), kRegisterAgencies));
  EXPECT_TRUE(signer.Verify(s.payload, s.signature, system_clock::now() - std::chrono::seconds(10), kRegisterAgencies))
      << "the same identity before its expiry";
}

TEST(IdentitySigner, ARememberedIdentityStillNeedsItsOwnSignature) {
  IdentitySigner signer(SigningKey::Generate(), kGatewaySigner);
  auto s = signer.Sign({v1::ROLE_CITY, "140100", "", "t"}, system_clock::now() + std::chrono::minutes(1));
  ASSERT_TRUE(signer.Verify(s.payload, s.signature, system_clock::now())) << "now remembered";
  std::string forged = s.signature;
  forged[0] = forged[0] == '0' ? '1' : '0';
  EXPECT_FALSE(signer.Verify(s.payload, forged, system_clock::now()));
  EXPECT_FALSE(signer.Verify(s.payload, s.signature.substr(1), system_clock::now()));
  EXPECT_FALSE(signer.Verify(s.payload, "", system_clock::now()));
  EXPECT_TRUE(signer.Verify(s.payload, s.signature, system_clock::now()));
}

TEST(IdentitySigner, IdentitiesPastWhatIsRememberedStillVerify) {
  IdentitySigner signer(SigningKey::Generate(), kGatewaySigner);
  const auto expires = system_clock::now() + std::chrono::minutes(1);
  std::vector<IdentitySigner::Signed> all;
  for (int i = 0; i < 5000; ++i)
    all.push_back(signer.Sign({v1::ROLE_CITY, "140100", "", "p" + std::to_string(i)}, expires));
  for (int round = 0; round < 2; ++round) {
    for (const auto& s : all) ASSERT_TRUE(signer.Verify(s.payload, s.signature, system_clock::now())) << s.payload;
  }
}

TEST(IdentitySigner, AMethodHoldingTheFieldSeparatorIsRefused) {
  IdentitySigner signer(SigningKey::Generate(), kGatewaySigner);
  EXPECT_THROW(
      signer.Sign({v1::ROLE_CITY, "140100", "", "t"}, system_clock::now() + std::chrono::minutes(1), "/a.B/C;role=3"),
      std::invalid_argument);
}

TEST(CheckSecret, ASecretUnder32BytesIsRefusedNamingTheSettingNotTheSecret) {
  for (const std::string secret : {"", "short", "0123456789abcdef0123456789abcde"}) {
    try {
      CheckSecret(secret, "GONGKAI_OFFICER_CODE_SECRET_FILE");
      FAIL() << "a secret of " << secret.size() << " bytes accepted";
    } catch (const std::invalid_argument& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find("GONGKAI_OFFICER_CODE_SECRET_FILE"), std::string::npos) << message;
      EXPECT_NE(message.find("at least 32 bytes"), std::string::npos) << message;
      EXPECT_NE(message.find("has " + std::to_string(secret.size())), std::string::npos) << message;
      if (!secret.empty()) {
        EXPECT_EQ(message.find(secret), std::string::npos) << "the secret is never written out";
      }
    }
  }
}

TEST(CheckSecret, ASecretOf32BytesOrMoreIsAccepted) {
  EXPECT_NO_THROW(CheckSecret("0123456789abcdef0123456789abcdef", "GONGKAI_OFFICER_CODE_SECRET_FILE"));
  EXPECT_NO_THROW(CheckSecret(std::string(64, 'f'), "GONGKAI_APPLICANT_KEY_SECRET_FILE"));
}

TEST(RequireRole, AnonymousIsUnauthenticatedAndWrongRoleDenied) {
  try {
    RequireRole(CallerIdentity{}, {v1::ROLE_CITY});
    FAIL() << "anonymous caller accepted";
  } catch (const ServiceError& e) {
    EXPECT_EQ(e.code(), grpc::StatusCode::UNAUTHENTICATED);
  }
  try {
    RequireRole(CallerIdentity{v1::ROLE_DESK, "", "x", "d"}, {v1::ROLE_CITY});
    FAIL() << "desk caller accepted";
  } catch (const ServiceError& e) {
    EXPECT_EQ(e.code(), grpc::StatusCode::PERMISSION_DENIED);
  }
  EXPECT_NO_THROW(RequireRole(CallerIdentity{v1::ROLE_CITY, "140100", "", "t"}, {v1::ROLE_CITY}));
}

// ------------------------------------------------------------------ keys

const CallerIdentity kProvince{v1::ROLE_PROVINCE, "", "", "province"};
const CallerIdentity kPenaltiesService{v1::ROLE_SERVICE, "", "", "service-penalties"};

// A payload as Sign writes it, signed straight with `key`: what a holder of
// the key could send whatever its signer may vouch for.
IdentitySigner::Signed Forge(const SigningKey& key, const CallerIdentity& identity) {
  const auto exp = std::chrono::duration_cast<std::chrono::seconds>(
                       (system_clock::now() + std::chrono::minutes(1)).time_since_epoch())
                       .count();
  std::string payload = "v1;role=" + std::to_string(static_cast<int>(identity.role)) + ";city=" + identity.city_code +
                        ";agency=" + identity.agency + ";principal=" + identity.principal +
                        ";exp=" + std::to_string(exp) + ";method=";
  return {payload, key.id() + "." + Base64Encode(key.Sign(payload), Base64::kUrl, false)};
}

TEST(IdentityKeys, AServiceKeyVouchesOnlyForItsOwnService) {
  const SigningKey gateway = SigningKey::Generate();
  const SigningKey penalties = SigningKey::Generate();
  TrustedKeys trusted;
  trusted.Add(kGatewaySigner, gateway.public_key());
  trusted.Add("service-penalties", penalties.public_key());
  const IdentitySigner registry(SigningKey::Generate(), "service-registry", trusted);
  const IdentitySigner penalties_signer(penalties, "service-penalties", trusted);
  const auto expires = system_clock::now() + std::chrono::minutes(1);

  // Its own identity verifies.
  auto own = penalties_signer.Sign(kPenaltiesService, expires);
  auto back = registry.Verify(own.payload, own.signature, system_clock::now());
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, kPenaltiesService);
  // It will not sign another's, and what its key signs for another is refused.
  EXPECT_THROW(penalties_signer.Sign(kProvince, expires), std::logic_error);
  EXPECT_THROW(penalties_signer.Sign({v1::ROLE_SERVICE, "", "", "service-requests"}, expires), std::logic_error);
  for (const CallerIdentity& other : {kProvince, CallerIdentity{v1::ROLE_CITY, "140100", "", "city-140100"},
                                      CallerIdentity{v1::ROLE_SERVICE, "", "", "service-requests"},
                                      CallerIdentity{v1::ROLE_SERVICE, "140100", "", "service-penalties"}}) {
    const auto forged = Forge(penalties, other);
    EXPECT_FALSE(registry.Verify(forged.payload, forged.signature, system_clock::now())) << forged.payload;
  }
  // The gateway's key vouches for callers, never for a service.
  const auto province = Forge(gateway, kProvince);
  EXPECT_TRUE(registry.Verify(province.payload, province.signature, system_clock::now()));
  const auto service = Forge(gateway, kPenaltiesService);
  EXPECT_FALSE(registry.Verify(service.payload, service.signature, system_clock::now()));
  const IdentitySigner gateway_signer(gateway, kGatewaySigner);
  EXPECT_THROW(gateway_signer.Sign(kPenaltiesService, expires), std::logic_error);
}

TEST(IdentityKeys, TwoGatewayKeysAreAcceptedDuringARotationAndARemovedOneNoMore) {
  const SigningKey old_key = SigningKey::Generate();
  const SigningKey new_key = SigningKey::Generate();
  ASSERT_NE(old_key.id(), new_key.id());
  const IdentitySigner old_gateway(old_key, kGatewaySigner);
  const IdentitySigner new_gateway(new_key, kGatewaySigner);
  const auto expires = system_clock::now() + std::chrono::minutes(1);
  const auto by_old = old_gateway.Sign(kProvince, expires);
  const auto by_new = new_gateway.Sign(kProvince, expires);
  EXPECT_TRUE(by_old.signature.starts_with(old_key.id() + "."));

  TrustedKeys both = TrustedKeys::Parse("# the gateway, during a rotation\ngateway " + old_key.public_key() +
                                        "\n\ngateway " + new_key.public_key() + "\n");
  EXPECT_EQ(both.size(), 2u);
  IdentitySigner service(SigningKey::Generate(), "service-registry", both);
  EXPECT_TRUE(service.Verify(by_old.payload, by_old.signature, system_clock::now())) << "remembered now";
  EXPECT_TRUE(service.Verify(by_new.payload, by_new.signature, system_clock::now()));

  // The old key removed from the trust file and read again: what it signed,
  // remembered or not, is refused.
  service.Trust(TrustedKeys::Parse("gateway " + new_key.public_key() + "\n"));
  EXPECT_FALSE(service.Verify(by_old.payload, by_old.signature, system_clock::now()));
  EXPECT_TRUE(service.Verify(by_new.payload, by_new.signature, system_clock::now()));
  // A signature under the new key id but made by the old key is no signature.
  std::string swapped = by_old.signature;
  swapped.replace(0, old_key.id().size(), new_key.id());
  EXPECT_FALSE(service.Verify(by_old.payload, swapped, system_clock::now()));
}

TEST(IdentityKeys, AKeyReadsBackFromItsPemWithTheSameId) {
  const SigningKey key = SigningKey::Generate();
  const std::string pem = key.PrivatePem();
  EXPECT_TRUE(pem.starts_with("-----BEGIN PRIVATE KEY-----")) << pem;
  const SigningKey back = SigningKey::FromPem(pem);
  EXPECT_EQ(back.id(), key.id());
  EXPECT_EQ(back.public_key(), key.public_key());
  EXPECT_EQ(key.id().size(), 16u);
  // An Ed25519 public key's DER is 44 bytes: 60 base64 characters, one line.
  EXPECT_EQ(key.public_key().size(), 60u);
}

TEST(IdentityKeys, WhatIsNotAnEd25519PrivateKeyIsRefusedSayingWhy) {
  try {
    SigningKey::FromPem("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n");
    FAIL() << "an HMAC secret read as a key";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("does not read as a PEM private key"), std::string::npos) << e.what();
  }
  EVP_PKEY* rsa = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(2048));
  ASSERT_NE(rsa, nullptr);
  BIO* bio = BIO_new(BIO_s_mem());
  ASSERT_EQ(PEM_write_bio_PrivateKey(bio, rsa, nullptr, nullptr, 0, nullptr, nullptr), 1);
  char* data = nullptr;
  const std::string rsa_pem(data, static_cast<std::size_t>(BIO_get_mem_data(bio, &data)));
  BIO_free(bio);
  EVP_PKEY_free(rsa);
  try {
    SigningKey::FromPem(rsa_pem);
    FAIL() << "an RSA key accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("not an Ed25519 key"), std::string::npos) << e.what();
  }
}

TEST(IdentityKeys, ATrustFileThatDoesNotReadNamesTheLine) {
  const SigningKey key = SigningKey::Generate();
  const auto refused = [](const std::string& text, const std::string& why) {
    try {
      TrustedKeys::Parse(text);
      ADD_FAILURE() << "accepted: " << text;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(why), std::string::npos) << e.what();
    }
  };
  refused("# keys\ngateway\n", "line 2: must be \"<signer> <public key>\"");
  refused("gateway " + key.public_key() + " extra\n", "line 1: must be");
  refused("\nprovince " + key.public_key() + "\n", "line 2: the signer 'province' is neither gateway");
  refused("service-Penalties " + key.public_key() + "\n", "the signer 'service-Penalties'");
  refused("gateway not*base64\n", "the public key of gateway is not base64");
  refused("gateway " + key.public_key().substr(0, 40) + "\n", "does not read as a public key");
  refused("gateway " + key.public_key() + "\nservice-penalties " + key.public_key() + "\n",
          "line 2: the public key of service-penalties is already listed for gateway");
  EXPECT_EQ(TrustedKeys::Parse("").size(), 0u);
  EXPECT_EQ(TrustedKeys::Parse("gateway " + key.public_key() + "\r\ngateway " + key.public_key()).size(), 1u)
      << "one key listed twice for the same signer is one key";
}

}  // namespace
}  // namespace gongkai::common
