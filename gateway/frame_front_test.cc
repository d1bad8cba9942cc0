#include "gateway/frame_front.h"

#include <gtest/gtest.h>

namespace gongkai::gateway {
namespace {

TEST(FrontHeader, WhatThisProcessSignedVerifies) {
  const std::string signed_value = SignFrontHeader({"ipv4:10.1.2.3:5555", "ab12"});
  const auto header = VerifyFrontHeader(signed_value);
  ASSERT_TRUE(header);
  EXPECT_EQ(header->peer, "ipv4:10.1.2.3:5555");
  EXPECT_EQ(header->client_certificate, "ab12");

  const auto without = VerifyFrontHeader(SignFrontHeader({"ipv6:[::1]:1", ""}));
  ASSERT_TRUE(without);
  EXPECT_EQ(without->client_certificate, "");
}

// A caller that sends the header itself cannot name another address or
// certificate: the front's key is drawn at start and never leaves the process.
TEST(FrontHeader, AForgedOrAlteredHeaderDoesNotVerify) {
  const std::string genuine = SignFrontHeader({"ipv4:10.1.2.3:5555", ""});
  const auto dot = genuine.rfind('.');
  std::string other_peer = SignFrontHeader({"ipv4:10.9.9.9:1", ""});
  // The address of one with the signature of another.
  const std::string spliced = other_peer.substr(0, other_peer.find('.')) + genuine.substr(genuine.find('.'));
  std::string flipped = genuine;
  flipped.back() = flipped.back() == '0' ? '1' : '0';
  for (const std::string& forged : {std::string(), std::string("ipv4:1.2.3.4:1"), genuine.substr(0, dot), spliced,
                                    flipped, genuine + "00", std::string("aXB2NDox..") + std::string(64, '0')}) {
    EXPECT_EQ(VerifyFrontHeader(forged), std::nullopt) << forged;
  }
}

}  // namespace
}  // namespace gongkai::gateway
