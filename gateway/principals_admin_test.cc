#include "gateway/principals_admin.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "gateway/principals.h"

namespace gongkai::gateway {
namespace {

// Counts up, so that each secret and salt differs and is known.
RandomHex Counter() {
  auto n = std::make_shared<int>(0);
  return [n](std::size_t bytes) { return std::string(bytes * 2 - 1, 'a') + std::to_string(++*n % 10); };
}

Principals Served(const PrincipalsEdit& edit) { return Principals::Parse(edit.file.dump(), "test"); }

TEST(PrincipalsAdmin, AnAddedPrincipalsTokenAuthenticatesWithItsScopeAndOnlyItsHashIsStored) {
  const auto edit = AddPrincipal(nlohmann::json::array(), {"city-140300", "city", "140300", "", ""}, Counter());
  ASSERT_TRUE(edit.token.starts_with("city-140300."));
  const std::string secret = edit.token.substr(std::string("city-140300.").size());
  EXPECT_EQ(secret.size(), 64u);
  EXPECT_EQ(edit.file.dump().find(secret), std::string::npos) << "the secret itself is not stored";
  const auto r = Served(edit).Authenticate("Bearer " + edit.token);
  EXPECT_EQ(r.verdict, Principals::Verdict::kAuthenticated);
  EXPECT_EQ(r.identity.city_code, "140300");
}

TEST(PrincipalsAdmin, ANameTakenOrAnEntryTheGatewayWouldRefuseIsNotWritten) {
  const auto first = AddPrincipal(nlohmann::json::array(), {"province", "province", "", "", ""}, Counter());
  EXPECT_THROW(AddPrincipal(first.file, {"province", "province", "", "", ""}, Counter()), std::invalid_argument);
  EXPECT_THROW(AddPrincipal(first.file, {"city-x", "city", "999999", "", ""}, Counter()), std::invalid_argument);
  EXPECT_THROW(AddPrincipal(first.file, {"svc", "service", "", "", ""}, Counter()), std::invalid_argument);
  EXPECT_THROW(AddPrincipal(first.file, {"p2", "province", "", "", "tomorrow"}, Counter()), std::invalid_argument);
  EXPECT_THROW(RotatePrincipal(first.file, "nobody", "", Counter()), std::invalid_argument);
  EXPECT_THROW(RevokePrincipal(first.file, "nobody"), std::invalid_argument);
}

TEST(PrincipalsAdmin, ARotatedTokenReplacesTheOldAndARevokedPrincipalIsGone) {
  auto random = Counter();
  const auto added = AddPrincipal(nlohmann::json::array(), {"province", "province", "", "", ""}, random);
  const auto rotated = RotatePrincipal(added.file, "province", "2027-06-30T00:00:00Z", random);
  ASSERT_NE(rotated.token, added.token);
  const auto served = Served(rotated);
  EXPECT_EQ(served.Authenticate("Bearer " + added.token).verdict, Principals::Verdict::kRejected);
  EXPECT_EQ(served.Authenticate("Bearer " + rotated.token, "", *ParseUtcTime("2027-06-29T00:00:00Z")).verdict,
            Principals::Verdict::kAuthenticated);
  EXPECT_EQ(served.Authenticate("Bearer " + rotated.token, "", *ParseUtcTime("2027-06-30T00:00:00Z")).verdict,
            Principals::Verdict::kExpired);
  const auto revoked = RevokePrincipal(rotated.file, "province");
  EXPECT_TRUE(revoked.token.empty());
  EXPECT_EQ(Served(revoked).size(), 0u);
}

TEST(PrincipalsAdmin, TheFileIsReplacedWhole) {
  const auto dir = std::filesystem::temp_directory_path() / ("principals-admin-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "principals.json").string();
  WriteFileAtomically(path, "[]\n");
  WriteFileAtomically(path, "[1]\n");
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), "[1]\n");
  EXPECT_FALSE(std::filesystem::exists(path + ".new"));
  EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::others_read,
            std::filesystem::perms::none);
  std::filesystem::remove_all(dir);
}

TEST(PrincipalsAdmin, APrincipalOfACertificateAloneGetsNoTokenAndCannotBeRotated) {
  const std::string certificate(64, 'e');
  PrincipalSpec spec{"jincheng-system", "city", "140500", "", ""};
  spec.client_cert_sha256 = certificate;
  spec.token = false;
  const auto edit = AddPrincipal(nlohmann::json::array(), spec, Counter());
  EXPECT_TRUE(edit.token.empty());
  EXPECT_FALSE(edit.file[0].contains("sha256"));
  const auto r = Served(edit).Authenticate("", certificate);
  EXPECT_EQ(r.verdict, Principals::Verdict::kAuthenticated);
  EXPECT_EQ(r.identity.city_code, "140500");
  EXPECT_THROW(RotatePrincipal(edit.file, "jincheng-system", "", Counter()), std::invalid_argument);

  // With a token as well: both are needed.
  spec.name = "jincheng-both";
  spec.client_cert_sha256 = std::string(64, 'f');
  spec.token = true;
  const auto both = AddPrincipal(edit.file, spec, Counter());
  EXPECT_EQ(Served(both).Authenticate("Bearer " + both.token, spec.client_cert_sha256).verdict,
            Principals::Verdict::kAuthenticated);
  EXPECT_EQ(Served(both).Authenticate("Bearer " + both.token).verdict, Principals::Verdict::kRejected);
}

}  // namespace
}  // namespace gongkai::gateway
