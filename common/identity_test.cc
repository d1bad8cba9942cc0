#include "common/identity.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

#include "common/errors.h"

namespace gongkai::common {
namespace {

using std::chrono::system_clock;

TEST(IdentitySigner, SignedIdentityVerifies) {
  IdentitySigner signer("0123456789abcdef0123456789abcdef");
  CallerIdentity id{v1::ROLE_CITY, "140100", "", "taiyuan"};
  auto s = signer.Sign(id, system_clock::now() + std::chrono::minutes(1));
  auto back = signer.Verify(s.payload, s.signature, system_clock::now());
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, id);
}

TEST(IdentitySigner, AlteredPayloadIsRejected) {
  IdentitySigner signer("0123456789abcdef0123456789abcdef");
  auto s = signer.Sign({v1::ROLE_CITY, "140100", "", "taiyuan"}, system_clock::now() + std::chrono::minutes(1));
  std::string forged = s.payload;
  forged.replace(forged.find("140100"), 6, "140200");
  EXPECT_FALSE(signer.Verify(forged, s.signature, system_clock::now()));
}

TEST(IdentitySigner, OtherSecretIsRejected) {
  IdentitySigner signer("0123456789abcdef0123456789abcdef");
  IdentitySigner other("fedcba9876543210fedcba9876543210");
  auto s = other.Sign({v1::ROLE_PROVINCE, "", "", "x"}, system_clock::now() + std::chrono::minutes(1));
  EXPECT_FALSE(signer.Verify(s.payload, s.signature, system_clock::now()));
}

TEST(IdentitySigner, ExpiredIdentityIsRejected) {
  IdentitySigner signer("0123456789abcdef0123456789abcdef");
  auto s = signer.Sign({v1::ROLE_CITY, "140100", "", "t"}, system_clock::now() - std::chrono::seconds(5));
  EXPECT_FALSE(signer.Verify(s.payload, s.signature, system_clock::now()));
}

constexpr char kRegisterAgencies[] = "/gongkai.registry.v1.RegistryService/UpsertAgencies";
constexpr char kVerifyCertificate[] = "/gongkai.registry.v1.RegistryService/VerifyCertificate";

TEST(IdentitySigner, IdentityVerifiesForTheMethodItWasSignedFor) {
  IdentitySigner signer("0123456789abcdef0123456789abcdef");
  CallerIdentity id{v1::ROLE_CITY, "140100", "", "taiyuan"};
  auto s = signer.Sign(id, system_clock::now() + std::chrono::minutes(1), kRegisterAgencies);
  auto back = signer.Verify(s.payload, s.signature, system_clock::now(), kRegisterAgencies);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, id);
}

TEST(IdentitySigner, IdentitySignedForOneMethodDoesNotVerifyForAnother) {
  IdentitySigner signer("0123456789abcdef0123456789abcdef");
  auto s = signer.Sign({v1::ROLE_CITY, "140100", "", "taiyuan"}, system_clock::now() + std::chrono::minutes(1),
                       kVerifyCertificate);
  EXPECT_FALSE(signer.Verify(s.payload, s.signature, system_clock::now(), kRegisterAgencies));
  EXPECT_FALSE(signer.Verify(s.payload, s.signature, system_clock::now(), std::string(kVerifyCertificate) + "s"));
  EXPECT_TRUE(signer.Verify(s.payload, s.signature, system_clock::now(), kVerifyCertificate));
}

TEST(IdentitySigner, IdentityBoundToNoMethodDoesNotVerifyForANamedMethod) {
  IdentitySigner signer("0123456789abcdef0123456789abcdef");
  auto s = signer.Sign({v1::ROLE_PROVINCE, "", "", "province"}, system_clock::now() + std::chrono::minutes(1));
  EXPECT_FALSE(signer.Verify(s.payload, s.signature, system_clock::now(), kRegisterAgencies));
  EXPECT_TRUE(signer.Verify(s.payload, s.signature, system_clock::now())) << "a verifier naming no method";
}

TEST(IdentitySigner, RewritingTheSignedMethodBreaksTheSignature) {
  IdentitySigner signer("0123456789abcdef0123456789abcdef");
  auto s = signer.Sign({v1::ROLE_CITY, "140100", "", "taiyuan"}, system_clock::now() + std::chrono::minutes(1),
                       kVerifyCertificate);
  std::string forged = s.payload;
  const auto at = forged.find(kVerifyCertificate);
  ASSERT_NE(at, std::string::npos) << "the method is in the signed payload";
  forged.replace(at, std::string(kVerifyCertificate).size(), kRegisterAgencies);
  EXPECT_FALSE(signer.Verify(forged, s.signature, system_clock::now(), kRegisterAgencies));
}

TEST(IdentitySigner, ExpiredIdentityIsRejectedForItsOwnMethod) {
  IdentitySigner signer("0123456789abcdef0123456789abcdef");
  auto s =
      signer.Sign({v1::ROLE_CITY, "140100", "", "t"}, system_clock::now() - std::chrono::seconds(5), kRegisterAgencies);
  EXPECT_FALSE(signer.Verify(s.payload, s.signature, system_clock::now(), kRegisterAgencies));
  EXPECT_TRUE(signer.Verify(s.payload, s.signature, system_clock::now() - std::chrono::seconds(10), kRegisterAgencies))
      << "the same identity before its expiry";
}

TEST(IdentitySigner, ARememberedIdentityStillNeedsItsOwnSignature) {
  IdentitySigner signer("0123456789abcdef0123456789abcdef");
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
  IdentitySigner signer("0123456789abcdef0123456789abcdef");
  const auto expires = system_clock::now() + std::chrono::minutes(1);
  std::vector<IdentitySigner::Signed> all;
  for (int i = 0; i < 5000; ++i)
    all.push_back(signer.Sign({v1::ROLE_CITY, "140100", "", "p" + std::to_string(i)}, expires));
  for (int round = 0; round < 2; ++round) {
    for (const auto& s : all) ASSERT_TRUE(signer.Verify(s.payload, s.signature, system_clock::now())) << s.payload;
  }
}

TEST(IdentitySigner, AMethodHoldingTheFieldSeparatorIsRefused) {
  IdentitySigner signer("0123456789abcdef0123456789abcdef");
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
  EXPECT_NO_THROW(CheckSecret("0123456789abcdef0123456789abcdef", "GONGKAI_IDENTITY_SECRET_FILE"));
  EXPECT_NO_THROW(CheckSecret(std::string(64, 'f'), "GONGKAI_IDENTITY_SECRET_FILE"));
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

}  // namespace
}  // namespace gongkai::common
