#include "services/registry/officer.h"

#include <gtest/gtest.h>

#include "common/calendar/iso_date.h"
#include "common/testing/dates.h"

namespace gongkai::registry {
namespace {

using gongkai::testing::Day;

Officer Valid() {
  Officer o;
  o.certificate_number = "14010020260001";
  o.agency_credit_code = "11140100MB00001016";
  o.name = "张伟";
  o.category = "市场监管综合执法";
  o.valid_from = Day("2025-01-01");
  o.valid_until = Day("2027-12-31");
  o.status = OfficerStatus::kActive;
  o.source_version = 1;
  return o;
}

TEST(OfficerRules, ValidOfficerHasNoViolations) {
  EXPECT_TRUE(ValidateOfficer(Valid(), "o", Day("2026-11-28")).empty());
}

TEST(OfficerRules, EveryBrokenRuleIsNamed) {
  Officer o = Valid();
  o.certificate_number = "bad number!";
  o.name = "";
  o.category = "\t ";
  o.valid_until = Day("2024-01-01");
  o.status = static_cast<OfficerStatus>(9);
  o.source_version = 0;
  o.unreadable_changed_on = "2026-13-01";
  auto v = ValidateOfficer(o, "officers[2]", Day("2026-11-28"));
  std::vector<std::string> fields;
  for (const auto& x : v) fields.push_back(x.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"officers[2].certificate_number", "officers[2].name",
                                              "officers[2].category", "officers[2].valid_until", "officers[2].status",
                                              "officers[2].source_version", "officers[2].changed_on"}));
}

// Each bound of officer.h is one violation of its field, named with the rule.
TEST(OfficerRules, NameAndCategoryAreOneLineOfAtMost200Bytes) {
  Officer o = Valid();
  o.name = std::string(200, 'n');
  o.category = std::string(200, 'c');
  EXPECT_EQ(ValidateOfficer(o, "o", Day("2026-11-28")), common::Violations{});
  o.name += "n";
  o.category = "市场监管\r\n综合执法";
  o.agency_credit_code = std::string(19, 'A');
  EXPECT_EQ(ValidateOfficer(o, "o", Day("2026-11-28")),
            (common::Violations{{"o.agency_credit_code", "at most 18 bytes (got 19)"},
                                {"o.name", "at most 200 bytes (got 201)"},
                                {"o.category", "contains a control character (U+000D)"}}));
}

TEST(OfficerRules, ACertificateNumberIsAtMost32OfItsCharacters) {
  common::Violations v;
  CheckCertificateNumber(v, "certificate_number", std::string(32, '9'));
  EXPECT_EQ(v, common::Violations{});
  CheckCertificateNumber(v, "certificate_number", std::string(33, '9'));
  CheckCertificateNumber(v, "certificate_number", "执法证");
  CheckCertificateNumber(v, "certificate_number", " ");
  EXPECT_EQ(v, (common::Violations{{"certificate_number", "at most 32 of 0-9, A-Z and '-'"},
                                   {"certificate_number", "at most 32 of 0-9, A-Z and '-'"},
                                   {"certificate_number", "required"}}));
}

TEST(OfficerRules, ChangeDayMayNotBeInTheFuture) {
  Officer o = Valid();
  o.changed_on = Day("2026-11-29");
  auto v = ValidateOfficer(o, "o", Day("2026-11-28"));
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].field, "o.changed_on");
  EXPECT_EQ(v[0].description, "must not be in the future");
  o.changed_on = Day("2026-11-28");
  EXPECT_TRUE(ValidateOfficer(o, "o", Day("2026-11-28")).empty());
}

TEST(CertificateVerdict, FollowsStatusThenValidity) {
  Officer o = Valid();
  EXPECT_EQ(Judge(o, Day("2026-11-28")), Verdict::kValid);
  EXPECT_EQ(Judge(o, Day("2027-12-31")), Verdict::kValid);
  EXPECT_EQ(Judge(o, Day("2028-01-01")), Verdict::kExpired);
  EXPECT_EQ(Judge(o, Day("2024-12-31")), Verdict::kNotYetValid);
  o.status = OfficerStatus::kSuspended;
  EXPECT_EQ(Judge(o, Day("2026-11-28")), Verdict::kSuspended);
  o.status = OfficerStatus::kRevoked;
  EXPECT_EQ(Judge(o, Day("2028-01-01")), Verdict::kRevoked);
}

TEST(OfficerCode, IsStablePerGenerationAndChangesWithIt) {
  std::string a = OfficerCode("secret-secret-secret", "14010020260001", 1);
  EXPECT_EQ(a, OfficerCode("secret-secret-secret", "14010020260001", 1));
  EXPECT_NE(a, OfficerCode("secret-secret-secret", "14010020260001", 2));
  EXPECT_NE(a, OfficerCode("secret-secret-secret", "14010020260002", 1));
  EXPECT_NE(a, OfficerCode("another-secret-here", "14010020260001", 1));
  EXPECT_TRUE(LooksLikeOfficerCode(a));
  EXPECT_FALSE(LooksLikeOfficerCode(a.substr(1)));
  EXPECT_FALSE(LooksLikeOfficerCode(std::string(24, 'U')));  // not in Crockford's alphabet
}

TEST(OfficerCode, RevocationAndReissueNeedANewCode) {
  Officer stored = Valid();
  Officer renamed = stored;
  renamed.name = "张伟伟";
  EXPECT_FALSE(NeedsNewCode(stored, renamed));
  Officer revoked = stored;
  revoked.status = OfficerStatus::kRevoked;
  EXPECT_TRUE(NeedsNewCode(stored, revoked));
  EXPECT_FALSE(NeedsNewCode(revoked, revoked));
  Officer reissued = stored;
  reissued.valid_from = Day("2026-01-01");
  EXPECT_TRUE(NeedsNewCode(stored, reissued));
}

TEST(OfficerCode, ARevokedCertificateHasNone) {
  Officer o = Valid();
  EXPECT_EQ(BadgeCodeRefusal(o), std::nullopt);
  o.status = OfficerStatus::kSuspended;
  EXPECT_EQ(BadgeCodeRefusal(o), std::nullopt);
  o.valid_until = Day("2025-06-30");  // expired, not revoked
  EXPECT_EQ(BadgeCodeRefusal(o), std::nullopt);
  o.status = OfficerStatus::kRevoked;
  EXPECT_EQ(BadgeCodeRefusal(o), "certificate 14010020260001 is revoked");
}

// CheckCertificates: usable on every day of the period, which a suspended or
// revoked certificate is not, whatever its validity.
TEST(CertificateOverPeriod, IsActiveAndValidFromTheFirstDayToTheLast) {
  Officer o = Valid();  // valid 2025-01-01 to 2027-12-31
  EXPECT_TRUE(ValidOverPeriod(o, Day("2025-01-01"), Day("2027-12-31")));
  EXPECT_TRUE(ValidOverPeriod(o, Day("2026-03-01"), Day("2026-03-01")));
  EXPECT_FALSE(ValidOverPeriod(o, Day("2024-12-31"), Day("2026-03-01"))) << "starts before its validity";
  EXPECT_FALSE(ValidOverPeriod(o, Day("2027-12-01"), Day("2028-01-01"))) << "ends after it";
  o.status = OfficerStatus::kSuspended;
  EXPECT_FALSE(ValidOverPeriod(o, Day("2026-03-01"), Day("2026-03-31")));
  o.status = OfficerStatus::kRevoked;
  EXPECT_FALSE(ValidOverPeriod(o, Day("2026-03-01"), Day("2026-03-31")));
}

TEST(CertificateCheckRules, OneTo500NumbersAndAPeriodOfDates) {
  const std::vector<std::string> numbers = {"TY-1", "14010020260001"};
  EXPECT_EQ(ValidateCertificateCheck(numbers, Day("2026-03-01"), Day("2026-03-01")), common::Violations{});
  EXPECT_EQ(ValidateCertificateCheck(std::vector<std::string>(500, "TY-1"), Day("2026-03-01"), Day("2026-03-31")),
            common::Violations{});
  EXPECT_EQ(ValidateCertificateCheck({}, Day("2026-03-01"), Day("2026-03-31")),
            (common::Violations{{"certificate_numbers", "at least one certificate number"}}));
  EXPECT_EQ(ValidateCertificateCheck(std::vector<std::string>(501, "ty 1"), Day("2026-03-01"), Day("2026-03-31")),
            (common::Violations{{"certificate_numbers", "at most 500 certificate numbers (got 501)"}}))
      << "an over-long list is one violation, its numbers not judged";
  EXPECT_EQ(ValidateCertificateCheck({"TY-1", "ty-2", ""}, std::nullopt, Day("2026-03-31")),
            (common::Violations{{"certificate_numbers[1]", "at most 32 of 0-9, A-Z and '-'"},
                                {"certificate_numbers[2]", "required"},
                                {"from", "must be a date YYYY-MM-DD"}}));
  EXPECT_EQ(ValidateCertificateCheck(numbers, Day("2026-03-02"), Day("2026-03-01")),
            (common::Violations{{"to", "must not be before from"}}));
  EXPECT_EQ(ValidateCertificateCheck(numbers, Day("2026-03-02"), std::nullopt),
            (common::Violations{{"to", "must be a date YYYY-MM-DD"}}));
}

TEST(CertificateCheckRules, ACertificateNumberIsOneTo32OfItsCharacters) {
  EXPECT_TRUE(IsCertificateNumber("TY-1"));
  EXPECT_TRUE(IsCertificateNumber(std::string(32, '9')));
  EXPECT_FALSE(IsCertificateNumber(std::string(33, '9')));
  EXPECT_FALSE(IsCertificateNumber(""));
  EXPECT_FALSE(IsCertificateNumber("ty-1"));
  EXPECT_FALSE(IsCertificateNumber("TY 1"));
}

}  // namespace
}  // namespace gongkai::registry
