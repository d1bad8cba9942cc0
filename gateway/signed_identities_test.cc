#include "gateway/signed_identities.h"

#include <gtest/gtest.h>

#include "common/testing/adapter.h"

namespace gongkai::gateway {
namespace {

using std::chrono::seconds;
using Time = std::chrono::system_clock::time_point;

constexpr char kVerify[] = "/gongkai.registry.v1.RegistryService/VerifyCertificate";
constexpr char kUpsert[] = "/gongkai.registry.v1.RegistryService/UpsertOfficers";

const Time kNow = Time(seconds(1'800'000'000));

common::CallerIdentity City(const std::string& code) { return testing::CityCaller(code); }

class SignedIdentitiesTest : public ::testing::Test {
 protected:
  common::IdentitySigner signer_{common::SigningKey::Generate(), common::kGatewaySigner};
  SignedIdentities identities_{signer_, seconds(60)};
};

TEST_F(SignedIdentitiesTest, WhatIsSentVerifiesForItsCallerAndMethodOnly) {
  auto sent = identities_.For(City("140100"), kVerify, kNow);
  auto identity = signer_.Verify(sent.payload, sent.signature, kNow, kVerify);
  ASSERT_TRUE(identity.has_value());
  EXPECT_EQ(*identity, City("140100"));
  EXPECT_FALSE(signer_.Verify(sent.payload, sent.signature, kNow, kUpsert).has_value());
}

TEST_F(SignedIdentitiesTest, ReusedWhileHalfItsValidityIsLeftThenSignedAgain) {
  auto first = identities_.For(City("140100"), kVerify, kNow);
  EXPECT_EQ(identities_.For(City("140100"), kVerify, kNow + seconds(30)).payload, first.payload);
  auto renewed = identities_.For(City("140100"), kVerify, kNow + seconds(31));
  EXPECT_NE(renewed.payload, first.payload);
  // What goes upstream is always valid for at least half the validity.
  EXPECT_TRUE(signer_.Verify(renewed.payload, renewed.signature, kNow + seconds(31 + 30), kVerify).has_value());
  EXPECT_FALSE(signer_.Verify(first.payload, first.signature, kNow + seconds(61), kVerify).has_value());
}

TEST_F(SignedIdentitiesTest, EachCallerAndMethodHasItsOwn) {
  auto a = identities_.For(City("140100"), kVerify, kNow);
  auto b = identities_.For(City("140200"), kVerify, kNow);
  auto c = identities_.For(City("140100"), kUpsert, kNow);
  common::CallerIdentity desk = City("140100");
  desk.role = common::v1::ROLE_DESK;
  auto d = identities_.For(desk, kVerify, kNow);
  EXPECT_NE(a.payload, b.payload);
  EXPECT_NE(a.payload, c.payload);
  EXPECT_NE(a.payload, d.payload);
  EXPECT_EQ(*signer_.Verify(b.payload, b.signature, kNow, kVerify), City("140200"));
  EXPECT_EQ(signer_.Verify(d.payload, d.signature, kNow, kVerify)->role, common::v1::ROLE_DESK);
  EXPECT_EQ(identities_.size(), 4u);
}

TEST(SignedIdentities, TheTableIsBounded) {
  common::IdentitySigner signer{common::SigningKey::Generate(), common::kGatewaySigner};
  SignedIdentities identities{signer, seconds(60), 3};
  for (int i = 0; i < 10; ++i) identities.For(City(std::to_string(140100 + i * 100)), kVerify, kNow);
  EXPECT_LE(identities.size(), 3u);
}

}  // namespace
}  // namespace gongkai::gateway
