#include "gateway/principals.h"

#include <gtest/gtest.h>

#include "common/identifiers.h"

namespace gongkai::gateway {
namespace {

std::string File() {
  return R"([{"name":"city-140100","role":"city","city":"140100","salt":"saltsalt1","sha256":")" +
         TokenHash("saltsalt1", "s3cret") + R"("},
             {"name":"province","role":"province","salt":"saltsalt2","sha256":")" +
         TokenHash("saltsalt2", "other") + R"("}])";
}

TEST(Principals, ValidTokenAuthenticatesWithItsScope) {
  auto p = Principals::Parse(File(), "test");
  auto r = p.Authenticate("Bearer city-140100.s3cret");
  EXPECT_EQ(r.verdict, Principals::Verdict::kAuthenticated);
  EXPECT_EQ(r.identity.role, common::v1::ROLE_CITY);
  EXPECT_EQ(r.identity.city_code, "140100");
}

TEST(Principals, NoTokenIsAnonymous) {
  auto p = Principals::Parse(File(), "test");
  EXPECT_EQ(p.Authenticate("").verdict, Principals::Verdict::kAnonymous);
}

TEST(Principals, WrongSecretOrUnknownNameIsRejected) {
  auto p = Principals::Parse(File(), "test");
  EXPECT_EQ(p.Authenticate("Bearer city-140100.guess").verdict, Principals::Verdict::kRejected);
  EXPECT_EQ(p.Authenticate("Bearer nobody.s3cret").verdict, Principals::Verdict::kRejected);
  EXPECT_EQ(p.Authenticate("Basic abc").verdict, Principals::Verdict::kRejected);
  // One principal's secret does not open another.
  EXPECT_EQ(p.Authenticate("Bearer province.s3cret").verdict, Principals::Verdict::kRejected);
}

TEST(Principals, AVerifiedSecretIsKeptForItsPrincipalAndOpensNothingElse) {
  auto p = Principals::Parse(File(), "test");
  ASSERT_EQ(p.Authenticate("Bearer city-140100.s3cret").verdict, Principals::Verdict::kAuthenticated);
  // Answered from the kept secret, the same identity.
  auto again = p.Authenticate("Bearer city-140100.s3cret");
  EXPECT_EQ(again.verdict, Principals::Verdict::kAuthenticated);
  EXPECT_EQ(again.identity.city_code, "140100");
  // The kept secret is compared whole: a prefix, an extension or another
  // principal's name with it are refused.
  EXPECT_EQ(p.Authenticate("Bearer city-140100.s3cre").verdict, Principals::Verdict::kRejected);
  EXPECT_EQ(p.Authenticate("Bearer city-140100.s3cret2").verdict, Principals::Verdict::kRejected);
  EXPECT_EQ(p.Authenticate("Bearer province.s3cret").verdict, Principals::Verdict::kRejected);
  // A failure is not kept: the right secret still opens after a wrong one.
  EXPECT_EQ(p.Authenticate("Bearer province.guess").verdict, Principals::Verdict::kRejected);
  EXPECT_EQ(p.Authenticate("Bearer province.other").verdict, Principals::Verdict::kAuthenticated);
}

TEST(Principals, BadFileIsRefusedWithTheEntryNamed) {
  try {
    Principals::Parse(
        R"([{"name":"c","role":"city","city":"140105","salt":"saltsalt","sha256":")" + std::string(64, 'a') + R"("}])",
        "principals.json");
    FAIL() << "accepted a district code as a city";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("principals.json: principal 0"), std::string::npos);
  }
  EXPECT_THROW(Principals::Parse("{", "p"), std::runtime_error);
  EXPECT_THROW(Principals::Parse(R"([{"name":"x","role":"admin","salt":"saltsalt","sha256":"x"}])", "p"),
               std::runtime_error);
}

TEST(Principals, TheServicesOwnRoleIsRefusedToAPrincipal) {
  const auto entry = [](const std::string& role) {
    return R"([{"name":"city-140100","role":"city","city":"140100","salt":"saltsalt1","sha256":")" +
           TokenHash("saltsalt1", "s3cret") + R"("},
               {"name":"service-penalties","role":")" +
           role + R"(","salt":"saltsalt3","sha256":")" + TokenHash("saltsalt3", "third") + R"("}])";
  };
  // The same entry with a principal's role is a valid file.
  EXPECT_EQ(Principals::Parse(entry("province"), "principals.json").size(), 2u);
  try {
    Principals::Parse(entry("service"), "principals.json");
    FAIL() << "accepted a principal with the services' own role";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("principals.json: principal 1"), std::string::npos) << what;
    EXPECT_NE(what.find("role 'service'"), std::string::npos) << what;
  }
  EXPECT_THROW(Principals::Parse(entry("SERVICE"), "principals.json"), std::runtime_error);
}

}  // namespace

TEST(Principals, AReplacedTableServesTheNextCallsAndForgetsWhatWasVerified) {
  const std::string agency =
      "11140100MB0000901" + std::string(1, common::CreditCodeCheckCharacter("11140100MB0000901"));
  auto p = Principals::Parse(File(), "test");
  ASSERT_EQ(p.Authenticate("Bearer city-140100.s3cret").verdict, Principals::Verdict::kAuthenticated);
  ASSERT_EQ(p.Authenticate("Bearer province.other").verdict, Principals::Verdict::kAuthenticated);
  // city-140100 rotated to a new secret, province revoked, a desk added.
  p.Replace(Principals::Parse(R"([{"name":"city-140100","role":"city","city":"140100","salt":"saltsalt3","sha256":")" +
                                  TokenHash("saltsalt3", "n3w") + R"("},
          {"name":"desk-1","role":"desk","agency":")" +
                                  agency + R"(","salt":"saltsalt4","sha256":")" + TokenHash("saltsalt4", "desk") +
                                  R"("}])",
                              "reloaded"));
  EXPECT_EQ(p.size(), 2u);
  // The old secret, verified before, is not kept across the reload.
  EXPECT_EQ(p.Authenticate("Bearer city-140100.s3cret").verdict, Principals::Verdict::kRejected);
  EXPECT_EQ(p.Authenticate("Bearer city-140100.n3w").verdict, Principals::Verdict::kAuthenticated);
  EXPECT_EQ(p.Authenticate("Bearer province.other").verdict, Principals::Verdict::kRejected);
  EXPECT_EQ(p.Authenticate("Bearer desk-1.desk").identity.agency, agency);
}

TEST(Principals, AnExpiredTokenIsRefusedAsExpiredOnlyToItsHolder) {
  auto p = Principals::Parse(R"([{"name":"city-140200","role":"city","city":"140200","salt":"saltsalt5","sha256":")" +
                                 TokenHash("saltsalt5", "s") + R"(","expires":"2027-01-01T00:00:00Z"}])",
                             "test");
  const auto before = *ParseUtcTime("2026-12-31T23:59:59Z");
  const auto at = *ParseUtcTime("2027-01-01T00:00:00Z");
  EXPECT_EQ(p.Authenticate("Bearer city-140200.s", "", before).verdict, Principals::Verdict::kAuthenticated);
  const auto expired = p.Authenticate("Bearer city-140200.s", "", at);
  EXPECT_EQ(expired.verdict, Principals::Verdict::kExpired);
  EXPECT_EQ(expired.identity.principal, "city-140200");
  EXPECT_NE(expired.identity.role, common::v1::ROLE_CITY);  // no scope to act with
  // A wrong secret is refused as any other, expired or not.
  EXPECT_EQ(p.Authenticate("Bearer city-140200.guess", "", at).verdict, Principals::Verdict::kRejected);
}

TEST(Principals, AnExpiryThatIsNotAUtcTimeIsRefusedWithTheEntryNamed) {
  for (const std::string bad : {"2027-01-01", "2027-02-30T00:00:00Z", "2027-01-01T00:00:00+08:00", "soon"}) {
    try {
      Principals::Parse(R"([{"name":"p","role":"province","salt":"saltsalt6","sha256":")" +
                            TokenHash("saltsalt6", "s") + R"(","expires":")" + bad + R"("}])",
                        "f.json");
      ADD_FAILURE() << bad << " was taken";
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find("f.json: principal 0: expires"), std::string::npos) << e.what();
    }
  }
}

// Fingerprints of two client certificates (CertificateFingerprint's form).
const std::string kTaiyuanCert(64, 'a');
const std::string kDatongCert(64, 'b');

std::string CertificateFile() {
  return R"([{"name":"city-140100","role":"city","city":"140100","client_cert_sha256":")" + kTaiyuanCert + R"("},
             {"name":"city-140200","role":"city","city":"140200","client_cert_sha256":")" +
         kDatongCert + R"(","salt":"saltsalt7","sha256":")" + TokenHash("saltsalt7", "both") + R"("},
             {"name":"province","role":"province","salt":"saltsalt8","sha256":")" +
         TokenHash("saltsalt8", "p") + R"("}])";
}

TEST(Principals, AClientCertificateAloneAuthenticatesAPrincipalWithoutAToken) {
  auto p = Principals::Parse(CertificateFile(), "test");
  auto r = p.Authenticate("", kTaiyuanCert);
  EXPECT_EQ(r.verdict, Principals::Verdict::kAuthenticated);
  EXPECT_EQ(r.identity.city_code, "140100");
  EXPECT_EQ(r.identity.principal, "city-140100");
  // A certificate the file names for no one is the public's, as no credential.
  EXPECT_EQ(p.Authenticate("", std::string(64, 'c')).verdict, Principals::Verdict::kAnonymous);
  // Taiyuan has no token to present.
  EXPECT_EQ(p.Authenticate("Bearer city-140100.anything", kTaiyuanCert).verdict, Principals::Verdict::kRejected);
}

TEST(Principals, APrincipalWithATokenAndACertificateNeedsBoth) {
  auto p = Principals::Parse(CertificateFile(), "test");
  EXPECT_EQ(p.Authenticate("Bearer city-140200.both", kDatongCert).verdict, Principals::Verdict::kAuthenticated);
  EXPECT_EQ(p.Authenticate("Bearer city-140200.both").verdict, Principals::Verdict::kRejected) << "no certificate";
  EXPECT_EQ(p.Authenticate("", kDatongCert).verdict, Principals::Verdict::kRejected) << "no token";
  EXPECT_EQ(p.Authenticate("Bearer city-140200.guess", kDatongCert).verdict, Principals::Verdict::kRejected);
  EXPECT_EQ(p.Authenticate("Bearer city-140200.both", kTaiyuanCert).verdict, Principals::Verdict::kRejected)
      << "another principal's certificate";
}

TEST(Principals, ATokenOverAnotherPrincipalsCertificateIsRefused) {
  auto p = Principals::Parse(CertificateFile(), "test");
  EXPECT_EQ(p.Authenticate("Bearer province.p").verdict, Principals::Verdict::kAuthenticated);
  EXPECT_EQ(p.Authenticate("Bearer province.p", kTaiyuanCert).verdict, Principals::Verdict::kRejected);
  // A certificate the file does not name takes nothing from the token.
  EXPECT_EQ(p.Authenticate("Bearer province.p", std::string(64, 'c')).verdict, Principals::Verdict::kAuthenticated);
}

TEST(Principals, ACertificateNamedTwiceOrMalformedIsRefusedWithTheEntryNamed) {
  const auto refused = [](const std::string& json, const std::string& why) {
    try {
      Principals::Parse(json, "f.json");
      ADD_FAILURE() << json;
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find(why), std::string::npos) << e.what();
    }
  };
  refused(R"([{"name":"a","role":"province","client_cert_sha256":")" + kTaiyuanCert +
              R"("},{"name":"b","role":"province","client_cert_sha256":")" + kTaiyuanCert + R"("}])",
          "f.json: principal 1: its client certificate is already a's");
  refused(R"([{"name":"a","role":"province","client_cert_sha256":"ABC"}])",
          "principal 0: client_cert_sha256 must be 64 lower-case hex digits");
  refused(R"([{"name":"a","role":"province"}])", "principal 0: 'salt' must be a string");
}

TEST(Principals, WhatDoesNotReadAsACertificateHasNoFingerprint) {
  EXPECT_EQ(CertificateFingerprint(""), "");
  EXPECT_EQ(CertificateFingerprint("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), "");
}

}  // namespace gongkai::gateway
