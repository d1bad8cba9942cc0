#include "services/requests/request.h"

#include <gtest/gtest.h>

#include <climits>
#include <optional>
#include <string>
#include <vector>

#include "common/calendar/iso_date.h"
#include "common/clock.h"
#include "common/encoding.h"
#include "common/identifiers.h"

namespace gongkai::requests {
namespace {

using common::Violations;

constexpr char kTodayIso[] = "2026-05-20";
constexpr common::Date kToday = std::chrono::year(2026) / std::chrono::May / 20;

// A date field as the mapping reads it from the wire: nullopt unless a date YYYY-MM-DD.
std::optional<common::Date> AsSent(const char* iso) { return common::ParseIsoDate(iso); }

std::string CreditCode(const std::string& first17) { return first17 + common::CreditCodeCheckCharacter(first17); }
std::string CitizenId(const std::string& first17) { return first17 + common::CitizenIdCheckCharacter(first17); }

const std::string kCompanyCode = CreditCode("91140100MA0KABCD1");
const std::string kCitizenId = CitizenId("14010119850315123");  // born 1985-03-15

std::vector<std::string> Fields(const Violations& v) {
  std::vector<std::string> fields;
  for (const auto& violation : v) fields.push_back(violation.field);
  return fields;
}

// The description of the only violation of `field`; "" when there is none,
// "<n violations>" when there are several.
std::string DescriptionOf(const Violations& v, const std::string& field) {
  std::string found;
  int count = 0;
  for (const auto& violation : v) {
    if (violation.field == field) {
      found = violation.description;
      ++count;
    }
  }
  return count <= 1 ? found : "<" + std::to_string(count) + " violations>";
}

bool Contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// ---------------------------------------------------------------- requests

DisclosureRequest ValidNaturalPersonRequest() {
  DisclosureRequest r;
  r.channel = common::ReceiptChannel::kOnline;
  r.channel_set = true;
  r.received_on = AsSent("2026-05-11");
  r.applicant.kind = Applicant::Kind::kNaturalPerson;
  r.applicant.name = "王小明";
  r.applicant.id_number = kCitizenId;
  r.applicant.phone = "13800000000";
  r.information_requested = "2025年太原市市场监管局食品安全抽检计划及结果。\n请提供电子版。";
  r.delivery = DeliveryMethod::kEmail;
  r.applicant.email = "wang@example.cn";
  return r;
}

DisclosureRequest ValidLegalPersonRequest() {
  DisclosureRequest r = ValidNaturalPersonRequest();
  r.channel = common::ReceiptChannel::kRegisteredMail;
  r.applicant = {};
  r.applicant.kind = Applicant::Kind::kLegalPerson;
  r.applicant.name = "太原市某某食品有限公司";
  r.applicant.credit_code = kCompanyCode;
  r.applicant.address = "山西省太原市迎泽区某某路1号";
  r.applicant.category = ApplicantCategory::kCommercialEnterprise;
  r.delivery = DeliveryMethod::kMail;
  return r;
}

TEST(RequestRules, ValidNaturalPersonRequestPasses) {
  EXPECT_EQ(ValidateRequest(ValidNaturalPersonRequest(), kToday), Violations{});
}

TEST(RequestRules, ValidLegalPersonRequestPasses) {
  EXPECT_EQ(ValidateRequest(ValidLegalPersonRequest(), kToday), Violations{});
}

TEST(RequestRules, IdentifiersAreOptional) {
  DisclosureRequest r = ValidNaturalPersonRequest();
  r.applicant.id_number.clear();
  EXPECT_EQ(ValidateRequest(r, kToday), Violations{});
  r = ValidLegalPersonRequest();
  r.applicant.credit_code.clear();
  EXPECT_EQ(ValidateRequest(r, kToday), Violations{});
}

TEST(RequestRules, EmptyRequestNamesEveryMissingField) {
  EXPECT_EQ(Fields(ValidateRequest(DisclosureRequest{}, kToday)),
            (std::vector<std::string>{"channel", "received_on", "applicant.kind", "applicant.name", "applicant.contact",
                                      "information_requested", "delivery"}));
}

TEST(RequestRules, ChannelMustBeSet) {
  DisclosureRequest r = ValidNaturalPersonRequest();
  r.channel_set = false;
  EXPECT_EQ(Fields(ValidateRequest(r, kToday)), std::vector<std::string>{"channel"});
  r.channel_set = true;
  r.channel = static_cast<common::ReceiptChannel>(9);
  EXPECT_EQ(Fields(ValidateRequest(r, kToday)), std::vector<std::string>{"channel"});
  // kInPerson is 0: set explicitly, it is a channel, not "unset".
  r.channel = common::ReceiptChannel::kInPerson;
  EXPECT_EQ(ValidateRequest(r, kToday), Violations{});
}

TEST(RequestRules, ReceivedOnMustBeARealDate) {
  DisclosureRequest r = ValidNaturalPersonRequest();
  for (const char* bad : {"", "2026-5-11", "2026/05/11", "2026-02-30", "2026-05-11T00:00:00"}) {
    r.received_on = AsSent(bad);
    EXPECT_EQ(DescriptionOf(ValidateRequest(r, kToday), "received_on"), "must be a date YYYY-MM-DD") << bad;
  }
}

TEST(RequestRules, ReceivedOnNotAfterToday) {
  DisclosureRequest r = ValidNaturalPersonRequest();
  r.received_on = AsSent(kTodayIso);
  EXPECT_EQ(ValidateRequest(r, kToday), Violations{});
  r.received_on = AsSent("2026-05-21");
  EXPECT_EQ(DescriptionOf(ValidateRequest(r, kToday), "received_on"), "must not be after today (2026-05-20)");
}

TEST(RequestRules, ReceivedOnNotBeforeTheRegulationTookEffect) {
  DisclosureRequest r = ValidNaturalPersonRequest();
  r.received_on = AsSent("2019-05-15");
  EXPECT_EQ(ValidateRequest(r, kToday), Violations{});
  r.received_on = AsSent("2019-05-14");
  EXPECT_TRUE(Contains(DescriptionOf(ValidateRequest(r, kToday), "received_on"), "2019-05-15"));
}

TEST(RequestRules, ApplicantKindMustBeSet) {
  DisclosureRequest r = ValidNaturalPersonRequest();
  r.applicant.kind = Applicant::Kind::kUnset;
  EXPECT_EQ(Fields(ValidateRequest(r, kToday)), std::vector<std::string>{"applicant.kind"});
  r.applicant.kind = static_cast<Applicant::Kind>(3);
  EXPECT_EQ(Fields(ValidateRequest(r, kToday)), std::vector<std::string>{"applicant.kind"});
}

TEST(RequestRules, ApplicantNameRequired) {
  DisclosureRequest r = ValidNaturalPersonRequest();
  r.applicant.name = "";
  EXPECT_EQ(DescriptionOf(ValidateRequest(r, kToday), "applicant.name"), "required");
  r.applicant.name = " \xE3\x80\x80 ";  // ideographic space: blank to a Chinese input method
  EXPECT_EQ(DescriptionOf(ValidateRequest(r, kToday), "applicant.name"), "required");
}

TEST(RequestRules, ApplicantNameIsAtMost200BytesOfCleanText) {
  DisclosureRequest r = ValidNaturalPersonRequest();
  r.applicant.name = std::string(200, 'a');
  EXPECT_EQ(ValidateRequest(r, kToday), Violations{});
  r.applicant.name = std::string(201, 'a');
  EXPECT_EQ(DescriptionOf(ValidateRequest(r, kToday), "applicant.name"), "at most 200 bytes (got 201)");
  r.applicant.name = "王\x07小明";
  EXPECT_EQ(DescriptionOf(ValidateRequest(r, kToday), "applicant.name"), "contains a control character (U+0007)");
  r.applicant.name = "王小\n明";  // a name is one line
  EXPECT_TRUE(Contains(DescriptionOf(ValidateRequest(r, kToday), "applicant.name"), "U+000A"));
  r.applicant.name = "王\xFF";
  EXPECT_EQ(DescriptionOf(ValidateRequest(r, kToday), "applicant.name"),
            "not valid UTF-8 (first bad byte at offset 3)");
}

TEST(RequestRules, IdNumberWhenGivenIsAValidCitizenId) {
  DisclosureRequest r = ValidNaturalPersonRequest();
  const char good = kCitizenId.back();
  r.applicant.id_number = kCitizenId.substr(0, 17) + (good == '0' ? '1' : '0');
  EXPECT_EQ(DescriptionOf(ValidateRequest(r, kToday), "applicant.id_number"),
            "check character does not match (GB 11643)");
  r.applicant.id_number = "1401011985031512";
  EXPECT_EQ(DescriptionOf(ValidateRequest(r, kToday), "applicant.id_number"), "must be 18 characters (GB 11643)");
}

TEST(RequestRules, IdNumberOnlyForANaturalPerson) {
  DisclosureRequest r = ValidLegalPersonRequest();
  r.applicant.id_number = kCitizenId;
  EXPECT_EQ(Fields(ValidateRequest(r, kToday)), std::vector<std::string>{"applicant.id_number"});
}

TEST(RequestRules, CreditCodeWhenGivenIsAValidCode) {
  DisclosureRequest r = ValidLegalPersonRequest();
  const char good = kCompanyCode.back();
  r.applicant.credit_code = kCompanyCode.substr(0, 17) + (good == '0' ? '1' : '0');
  EXPECT_EQ(DescriptionOf(ValidateRequest(r, kToday), "applicant.credit_code"),
            "check character does not match (GB 32100)");
  // A non-ASCII byte is not quoted back into the description.
  r.applicant.credit_code = "91140100MA0KABCD\xE4\xB8";
  const std::string description = DescriptionOf(ValidateRequest(r, kToday), "applicant.credit_code");
  EXPECT_TRUE(Contains(description, "GB 32100"));
  EXPECT_FALSE(Contains(description, "\xE4"));
}

TEST(RequestRules, CreditCodeOnlyForALegalPerson) {
  DisclosureRequest r = ValidNaturalPersonRequest();
  r.applicant.credit_code = kCompanyCode;
  EXPECT_EQ(Fields(ValidateRequest(r, kToday)), std::vector<std::string>{"applicant.credit_code"});
}

TEST(RequestRules, AtLeastOneContact) {
  DisclosureRequest r = ValidNaturalPersonRequest();
  r.applicant.phone.clear();
  r.applicant.email.clear();
  r.applicant.address = "  ";  // blank is no contact
  EXPECT_EQ(Fields(ValidateRequest(r, kToday)), std::vector<std::string>{"applicant.contact"});
  r.applicant.address.clear();
  EXPECT_EQ(Fields(ValidateRequest(r, kToday)), std::vector<std::string>{"applicant.contact"});

  DisclosureRequest phone_only = r;
  phone_only.applicant.phone = "0351-1234567";
  EXPECT_EQ(ValidateRequest(phone_only, kToday), Violations{});
  DisclosureRequest email_only = r;
  email_only.applicant.email = "a@b.cn";
  EXPECT_EQ(ValidateRequest(email_only, kToday), Violations{});
  DisclosureRequest address_only = r;
  address_only.applicant.address = "山西省太原市小店区某某街2号";
  EXPECT_EQ(ValidateRequest(address_only, kToday), Violations{});
}

TEST(RequestRules, EmailHasOneAtWithTextOnBothSides) {
  DisclosureRequest r = ValidNaturalPersonRequest();
  for (const char* good : {"a@b", "wang.xm@example.cn", "王@例子.中国"}) {
    r.applicant.email = good;
    EXPECT_EQ(ValidateRequest(r, kToday), Violations{}) << good;
  }
  for (const char* bad : {"wang.example.cn", "@example.cn", "wang@", "a@b@c", " @example.cn", "wang@\xE3\x80\x80"}) {
    r.applicant.email = bad;
    EXPECT_EQ(Fields(ValidateRequest(r, kToday)), std::vector<std::string>{"applicant.email"}) << bad;
  }
  r.applicant.email = "wang@exa\x01mple.cn";
  EXPECT_EQ(DescriptionOf(ValidateRequest(r, kToday), "applicant.email"), "contains a control character (U+0001)");
}

TEST(RequestRules, ContactTextsAreClean) {
  DisclosureRequest r = ValidNaturalPersonRequest();
  r.applicant.phone = "138\x1B";
  r.applicant.address = std::string(1001, 'a');
  const Violations v = ValidateRequest(r, kToday);
  EXPECT_EQ(Fields(v), (std::vector<std::string>{"applicant.phone", "applicant.address"}));
  EXPECT_EQ(DescriptionOf(v, "applicant.address"), "at most 1000 bytes (got 1001)");
}

TEST(RequestRules, InformationRequestedRequired) {
  DisclosureRequest r = ValidNaturalPersonRequest();
  r.information_requested = "\n\t ";
  EXPECT_EQ(DescriptionOf(ValidateRequest(r, kToday), "information_requested"), "required");
}

TEST(RequestRules, InformationRequestedIsAtMost20000BytesOfParagraphs) {
  DisclosureRequest r = ValidNaturalPersonRequest();
  r.information_requested = "第一项：\t抽检计划。\n第二项：\t抽检结果。";
  EXPECT_EQ(ValidateRequest(r, kToday), Violations{});
  r.information_requested = std::string(20000, 'a');
  EXPECT_EQ(ValidateRequest(r, kToday), Violations{});
  r.information_requested = std::string(20001, 'a');
  EXPECT_EQ(DescriptionOf(ValidateRequest(r, kToday), "information_requested"), "at most 20000 bytes (got 20001)");
  r.information_requested = "第一项\r\n第二项";
  EXPECT_EQ(DescriptionOf(ValidateRequest(r, kToday), "information_requested"),
            "contains a control character (U+000D)");
}

TEST(RequestRules, DeliveryMustBeSet) {
  DisclosureRequest r = ValidNaturalPersonRequest();
  r.delivery = DeliveryMethod::kUnset;
  EXPECT_EQ(Fields(ValidateRequest(r, kToday)), std::vector<std::string>{"delivery"});
  r.delivery = static_cast<DeliveryMethod>(6);
  EXPECT_EQ(Fields(ValidateRequest(r, kToday)), std::vector<std::string>{"delivery"});
}

// ---------------------------------------------------------------- applicants

constexpr char kKeySecret[] = "request-test-applicant-key-secret-0123456789abcdef";
constexpr char kOtherKeySecret[] = "request-test-other-applicant-key-secret-0123456789";

TEST(Applicants, KeyedByIdentifierWhenThereIsOne) {
  Applicant a = ValidNaturalPersonRequest().applicant;
  Applicant renamed = a;
  renamed.name = "王晓明";
  renamed.phone = "13900000000";
  const std::string key = ApplicantKey(a, kKeySecret);
  EXPECT_EQ(key, ApplicantKey(renamed, kKeySecret)) << "one citizen id, one applicant";
  EXPECT_EQ(key, ApplicantKey(a, kKeySecret)) << "the same applicant, the same key";
  EXPECT_EQ(key.size(), 64u);
  EXPECT_EQ(key.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(key.find(kCitizenId), std::string::npos) << "the key keeps no personal data";
  Applicant other = a;
  other.id_number = CitizenId("14010119900101123");
  EXPECT_NE(key, ApplicantKey(other, kKeySecret));
}

TEST(Applicants, KeyIsAnHmacUnderTheSecretNotAHashOfTheIdentifier) {
  Applicant a = ValidNaturalPersonRequest().applicant;
  const std::string key = ApplicantKey(a, kKeySecret);
  EXPECT_NE(key, ApplicantKey(a, kOtherKeySecret)) << "another secret, another key";
  // What a key without a secret would be: a hash anyone can compute from an
  // ID number (the bare identifier, or the composition keyed here).
  for (const std::string& guessable : {common::Sha256Hex(a.id_number), common::Sha256Hex("1|" + a.id_number + "||")}) {
    EXPECT_NE(key, guessable);
    EXPECT_EQ(key.find(guessable), std::string::npos);
  }
  Applicant legal;
  legal.kind = Applicant::Kind::kLegalPerson;
  legal.name = "某某有限公司";
  legal.credit_code = "91140100MA0000000X";
  EXPECT_NE(ApplicantKey(legal, kKeySecret), common::Sha256Hex("2|||" + legal.credit_code + "|"));
  EXPECT_NE(ApplicantKey(legal, kKeySecret), ApplicantKey(legal, kOtherKeySecret));
}

TEST(Applicants, KeyedByNameAndContactWithoutIdentifier) {
  Applicant a = ValidNaturalPersonRequest().applicant;
  a.id_number.clear();
  Applicant same = a;
  same.address = "另一个地址";  // the address is not part of the key
  EXPECT_EQ(ApplicantKey(a, kKeySecret), ApplicantKey(same, kKeySecret));
  Applicant renamed = a;
  renamed.name = "王晓明";
  EXPECT_NE(ApplicantKey(a, kKeySecret), ApplicantKey(renamed, kKeySecret));
  Applicant other_phone = a;
  other_phone.phone = "13900000000";
  EXPECT_NE(ApplicantKey(a, kKeySecret), ApplicantKey(other_phone, kKeySecret));
  EXPECT_NE(ApplicantKey(a, kKeySecret), ApplicantKey(a, kOtherKeySecret));
}

// ---------------------------------------------------------------- steps

constexpr StepType kStepsRecordedHere[] = {
    StepType::kCorrectionNotice,    StepType::kCorrectedReceived,    StepType::kAbandoned,
    StepType::kConsultationStarted, StepType::kConsultationAnswered, StepType::kExtension,
    StepType::kWithdrawn,           StepType::kReviewFiled,          StepType::kLawsuitFiled,
    StepType::kReviewDecided,       StepType::kLawsuitDecided};

bool IsLegalStep(StepType type) {
  return type == StepType::kReviewFiled || type == StepType::kLawsuitFiled || type == StepType::kReviewDecided ||
         type == StepType::kLawsuitDecided;
}

// A step of `type` with what its type needs, dated before today.
Step CompleteStep(StepType type) {
  Step s;
  s.type = type;
  s.date = AsSent("2026-05-18");
  switch (type) {
    case StepType::kCorrectionNotice: s.correction_due = AsSent("2026-05-29"); break;
    case StepType::kConsultationStarted:
      s.consulted_party = "涉及商业秘密的第三方企业";
      s.consultation_id = "third-party-1";
      break;
    case StepType::kConsultationAnswered: s.consultation_id = "third-party-1"; break;
    case StepType::kExtension:
      s.approver = "办公室主任王某";
      s.notice_date = AsSent("2026-05-18");
      break;
    case StepType::kReviewDecided:
    case StepType::kLawsuitDecided: s.legal_outcome = LegalOutcome::kUpheld; break;
    default: break;
  }
  return s;
}

TEST(StepRules, EveryStepRecordedHerePassesWithWhatItNeeds) {
  for (StepType type : kStepsRecordedHere) {
    EXPECT_EQ(ValidateStep(CompleteStep(type), kToday), Violations{}) << static_cast<int>(type);
  }
}

TEST(StepRules, ReceiptReplyAndUnknownTypesAreNotRecordedHere) {
  for (StepType type : {StepType::kUnset, StepType::kReceived, StepType::kReplied, static_cast<StepType>(14)}) {
    const Violations v = ValidateStep(CompleteStep(type), kToday);
    ASSERT_EQ(Fields(v), std::vector<std::string>{"step.type"}) << static_cast<int>(type);
    EXPECT_TRUE(Contains(v[0].description, "Reply")) << v[0].description;
  }
}

TEST(StepRules, CorrectionNoticeNeedsTheCorrectionDueDate) {
  Step s = CompleteStep(StepType::kCorrectionNotice);
  for (const char* bad : {"", "2026-05-32", "29.05.2026"}) {
    s.correction_due = AsSent(bad);
    EXPECT_EQ(DescriptionOf(ValidateStep(s, kToday), "step.correction_due"), "must be a date YYYY-MM-DD") << bad;
  }
  s.correction_due = AsSent("2026-06-30");  // the applicant's due date lies ahead
  EXPECT_EQ(ValidateStep(s, kToday), Violations{});
}

TEST(StepRules, ConsultationStartedNamesThePartyAndTheConsultation) {
  Step s = CompleteStep(StepType::kConsultationStarted);
  s.consulted_party.clear();
  EXPECT_EQ(DescriptionOf(ValidateStep(s, kToday), "step.consulted_party"), "required: who is consulted");
  s = CompleteStep(StepType::kConsultationStarted);
  s.consultation_id.clear();
  EXPECT_EQ(Fields(ValidateStep(s, kToday)), std::vector<std::string>{"step.consultation_id"});
  s.consultation_id = std::string(64, 'c');
  EXPECT_EQ(ValidateStep(s, kToday), Violations{});
  s.consultation_id = std::string(65, 'c');
  EXPECT_EQ(DescriptionOf(ValidateStep(s, kToday), "step.consultation_id"), "required, at most 64 bytes");
}

TEST(StepRules, ConsultationAnsweredNeedsOnlyTheConsultation) {
  Step s = CompleteStep(StepType::kConsultationAnswered);
  EXPECT_TRUE(s.consulted_party.empty());
  EXPECT_EQ(ValidateStep(s, kToday), Violations{});
  s.consultation_id.clear();
  EXPECT_EQ(Fields(ValidateStep(s, kToday)), std::vector<std::string>{"step.consultation_id"});
}

TEST(StepRules, ExtensionNamesItsApproverAndNoticeDate) {
  Step s = CompleteStep(StepType::kExtension);
  s.approver.clear();
  EXPECT_EQ(DescriptionOf(ValidateStep(s, kToday), "step.approver"), "required: who approved the extension");
  s = CompleteStep(StepType::kExtension);
  s.notice_date.reset();
  EXPECT_EQ(DescriptionOf(ValidateStep(s, kToday), "step.notice_date"), "must be a date YYYY-MM-DD");
  s.notice_date = AsSent("2026-05-21");
  EXPECT_EQ(DescriptionOf(ValidateStep(s, kToday), "step.notice_date"), "must not be in the future");
  s.notice_date = AsSent(kTodayIso);
  EXPECT_EQ(ValidateStep(s, kToday), Violations{});
}

TEST(StepRules, StepDateIsADateNotAfterToday) {
  for (StepType type : kStepsRecordedHere) {
    Step s = CompleteStep(type);
    s.date = AsSent("2026-5-18");
    EXPECT_EQ(DescriptionOf(ValidateStep(s, kToday), "step.date"), "must be a date YYYY-MM-DD");
    s.date = AsSent("2026-05-21");
    EXPECT_EQ(DescriptionOf(ValidateStep(s, kToday), "step.date"), "must not be in the future");
    s.date = AsSent(kTodayIso);
    EXPECT_EQ(ValidateStep(s, kToday), Violations{});
  }
}

TEST(StepRules, NoteIsAtMost2000Bytes) {
  Step s = CompleteStep(StepType::kWithdrawn);
  s.note = std::string(2000, 'n');
  EXPECT_EQ(ValidateStep(s, kToday), Violations{});
  s.note = std::string(2001, 'n');
  EXPECT_EQ(DescriptionOf(ValidateStep(s, kToday), "step.note"), "at most 2000 bytes");
}

// Every text of a step has its bound, whatever the step's type.
TEST(StepRules, PartyApproverIdAndNoteAreBoundedText) {
  Step s = CompleteStep(StepType::kConsultationStarted);
  s.consulted_party = std::string(200, 'p');
  s.approver = std::string(200, 'a');
  s.note = std::string(1999, 'n') + "\n";
  EXPECT_EQ(ValidateStep(s, kToday), Violations{});
  s.consulted_party += "p";
  s.approver = "王\t某";
  s.consultation_id = "C-\x01";
  s.note = "备注\x7f";
  EXPECT_EQ(
      ValidateStep(s, kToday),
      (Violations{{"step.consultation_id", "contains a control character (U+0001)"},
                  {"step.consulted_party", "at most 200 bytes (got 201)"},
                  {"step.approver", "contains a control character (U+0009); line breaks and tabs only in long texts"},
                  {"step.note", "contains a control character (U+007F)"}}));
}

TEST(StepRules, AHistoryHoldsAtMost100Steps) {
  EXPECT_EQ(HistoryRefusal(0), std::nullopt);
  EXPECT_EQ(HistoryRefusal(kMaxSteps - 1), std::nullopt);
  EXPECT_EQ(HistoryRefusal(kMaxSteps), "a request holds at most 100 steps, and this one has 100");
  EXPECT_EQ(HistoryRefusal(5000), "a request holds at most 100 steps, and this one has 5000");
}

TEST(StepRules, EveryViolationInFieldOrder) {
  Step s;
  s.type = StepType::kExtension;
  s.note = std::string(2001, 'n');
  EXPECT_EQ(Fields(ValidateStep(s, kToday)),
            (std::vector<std::string>{"step.approver", "step.notice_date", "step.date", "step.note"}));
}

TEST(StepRules, ReviewAndLawsuitAreRecordedOnlyAfterTheReply) {
  for (StepType type :
       {StepType::kReviewFiled, StepType::kLawsuitFiled, StepType::kReviewDecided, StepType::kLawsuitDecided}) {
    for (const char* state : {"OPEN", "AWAITING_CORRECTION", "WITHDRAWN", "ABANDONED"}) {
      auto refusal = StepRefusal(type, state);
      ASSERT_TRUE(refusal.has_value()) << state;
      EXPECT_EQ(*refusal, "a review or lawsuit is recorded only after the reply");
    }
    EXPECT_EQ(StepRefusal(type, "REPLIED"), std::nullopt);
  }
}

TEST(StepRules, OtherStepsAreLeftToTheRequestClock) {
  for (StepType type : kStepsRecordedHere) {
    if (IsLegalStep(type)) continue;
    for (const char* state : {"OPEN", "AWAITING_CORRECTION", "REPLIED", "WITHDRAWN", "ABANDONED"}) {
      EXPECT_EQ(StepRefusal(type, state), std::nullopt) << static_cast<int>(type) << " " << state;
    }
  }
}

// ---------------------------------------------------------------- replies

constexpr ReplyOutcome kAllOutcomes[] = {
    ReplyOutcome::kAlreadyPublic, ReplyOutcome::kDisclosed,        ReplyOutcome::kPartlyDisclosed,
    ReplyOutcome::kNotDisclosed,  ReplyOutcome::kDoesNotExist,     ReplyOutcome::kNotHeld,
    ReplyOutcome::kRepeatRequest, ReplyOutcome::kSpecialProcedure, ReplyOutcome::kNotHandled};

Reply CompleteReply(ReplyOutcome outcome) {
  Reply r;
  r.outcome = outcome;
  r.replied_on = AsSent("2026-05-18");
  r.remedy =
      "如对本答复不服，可在收到本答复之日起60日内向太原市人民政府申请行政复议，"
      "或在6个月内向太原市迎泽区人民法院提起行政诉讼。";
  r.delivered_by = DeliveryMethod::kEmail;
  r.delivered_on = AsSent("2026-05-19");
  switch (outcome) {
    case ReplyOutcome::kAlreadyPublic:
      r.how_to_obtain = "该信息已于2026年3月1日在本局门户网站“政府信息公开”栏目主动公开。";
      break;
    case ReplyOutcome::kDisclosed: r.how_to_obtain = "所申请信息见附件，已通过电子邮件发送。"; break;
    case ReplyOutcome::kPartlyDisclosed:
      r.how_to_obtain = "可公开部分见附件。";
      r.withheld_parts = "抽检结果中涉及企业配方的部分。";
      r.withheld_reason = "涉及商业秘密，第三方不同意公开（条例第十五条）。";
      break;
    case ReplyOutcome::kNotDisclosed:
      r.reason = "所申请信息为内部事务信息。";
      r.legal_basis = "《中华人民共和国政府信息公开条例》第十六条第一款";
      r.report_reason = ReportReason::kInternalAffairs;
      break;
    case ReplyOutcome::kDoesNotExist:
      r.reason = "经检索本局2024年至2026年档案及业务系统，未发现所申请信息。";
      r.report_reason = ReportReason::kNotHeldByAgency;
      break;
    case ReplyOutcome::kNotHeld:
      r.holder_name = "太原市生态环境局";
      r.holder_contact = "0351-0000000，太原市某某路3号";
      r.report_reason = ReportReason::kNotHeldByAgency;
      break;
    case ReplyOutcome::kRepeatRequest:
      r.earlier_reply_reference = "并市监依申复〔2026〕15号";
      r.report_reason = ReportReason::kRepeatApplication;
      break;
    case ReplyOutcome::kSpecialProcedure:
      r.applicable_law = "《不动产登记暂行条例》第二十七条";
      r.report_reason = ReportReason::kOtherHandling;
      break;
    case ReplyOutcome::kNotHandled:
      r.not_handled_reason = "申请内容为投诉举报，不作为政府信息公开申请处理，可通过12315平台提出。";
      r.report_reason = ReportReason::kPetitionComplaintReport;
      break;
    case ReplyOutcome::kUnset: break;
  }
  return r;
}

// Clearing `element` of a complete reply of `outcome` breaks one rule, named
// by field, whose description names the outcome and its article.
void ExpectOnlyMissing(ReplyOutcome outcome, std::string Reply::*element, const std::string& field,
                       const std::string& outcome_name, const std::string& article) {
  SCOPED_TRACE(field);
  for (const char* empty : {"", " \xE3\x80\x80\n"}) {
    Reply r = CompleteReply(outcome);
    r.*element = empty;
    const Violations v = ValidateReply(r, kToday);
    ASSERT_EQ(Fields(v), std::vector<std::string>{field});
    EXPECT_TRUE(Contains(v[0].description, outcome_name)) << v[0].description;
    EXPECT_TRUE(Contains(v[0].description, article)) << v[0].description;
  }
}

TEST(ReplyRules, CompleteReplyOfEveryOutcomePasses) {
  for (ReplyOutcome outcome : kAllOutcomes) {
    EXPECT_EQ(ValidateReply(CompleteReply(outcome), kToday), Violations{}) << static_cast<int>(outcome);
  }
}

TEST(ReplyRules, EmptyReplyNamesEveryMissingField) {
  EXPECT_EQ(Fields(ValidateReply(Reply{}, kToday)),
            (std::vector<std::string>{"reply.outcome", "reply.replied_on", "reply.remedy", "reply.delivered_by",
                                      "reply.delivered_on"}));
}

TEST(ReplyRules, OutcomeMustBeSet) {
  Reply r = CompleteReply(ReplyOutcome::kDisclosed);
  r.outcome = ReplyOutcome::kUnset;
  EXPECT_EQ(Fields(ValidateReply(r, kToday)), std::vector<std::string>{"reply.outcome"});
  r.outcome = static_cast<ReplyOutcome>(10);
  EXPECT_EQ(Fields(ValidateReply(r, kToday)), std::vector<std::string>{"reply.outcome"});
}

TEST(ReplyRules, EveryReplyStatesTheRemedy) {
  for (ReplyOutcome outcome : kAllOutcomes) {
    Reply r = CompleteReply(outcome);
    r.remedy = "";
    const Violations v = ValidateReply(r, kToday);
    ASSERT_EQ(Fields(v), std::vector<std::string>{"reply.remedy"}) << static_cast<int>(outcome);
    EXPECT_TRUE(Contains(v[0].description, "行政复议")) << v[0].description;
  }
}

TEST(ReplyRules, RepliedOnIsADateNotAfterToday) {
  Reply r = CompleteReply(ReplyOutcome::kDisclosed);
  r.replied_on = AsSent("2026-05-32");
  EXPECT_EQ(DescriptionOf(ValidateReply(r, kToday), "reply.replied_on"), "must be a date YYYY-MM-DD");
  r.replied_on = AsSent("2026-05-21");
  r.delivered_on = AsSent("2026-05-21");
  EXPECT_EQ(Fields(ValidateReply(r, kToday)), (std::vector<std::string>{"reply.replied_on", "reply.delivered_on"}));
  r.replied_on = AsSent(kTodayIso);
  r.delivered_on = AsSent(kTodayIso);
  EXPECT_EQ(ValidateReply(r, kToday), Violations{});
}

TEST(ReplyRules, DeliveryMethodMustBeSet) {
  Reply r = CompleteReply(ReplyOutcome::kDisclosed);
  r.delivered_by = DeliveryMethod::kUnset;
  EXPECT_EQ(Fields(ValidateReply(r, kToday)), std::vector<std::string>{"reply.delivered_by"});
}

TEST(ReplyRules, DeliveredOnIsADate) {
  Reply r = CompleteReply(ReplyOutcome::kDisclosed);
  r.delivered_on = AsSent("");
  EXPECT_EQ(DescriptionOf(ValidateReply(r, kToday), "reply.delivered_on"), "must be a date YYYY-MM-DD");
}

TEST(ReplyRules, DeliveryBeforeTheReplyRefused) {
  Reply r = CompleteReply(ReplyOutcome::kDisclosed);
  r.delivered_on = AsSent("2026-05-17");  // replied 2026-05-18
  EXPECT_EQ(DescriptionOf(ValidateReply(r, kToday), "reply.delivered_on"),
            "must not be before replied_on (2026-05-18)");
  r.delivered_on = r.replied_on;  // handed over the same day
  EXPECT_EQ(ValidateReply(r, kToday), Violations{});
}

TEST(ReplyRules, DeliveredOnNotAfterToday) {
  Reply r = CompleteReply(ReplyOutcome::kDisclosed);
  r.delivered_on = AsSent("2026-05-21");
  EXPECT_EQ(DescriptionOf(ValidateReply(r, kToday), "reply.delivered_on"), "must not be after today (2026-05-20)");
}

TEST(ReplyRules, AlreadyPublicReplySaysHowToObtain) {
  ExpectOnlyMissing(ReplyOutcome::kAlreadyPublic, &Reply::how_to_obtain, "reply.how_to_obtain", "已主动公开",
                    "Art. 36(1)");
}

TEST(ReplyRules, DisclosedReplySaysHowToObtain) {
  ExpectOnlyMissing(ReplyOutcome::kDisclosed, &Reply::how_to_obtain, "reply.how_to_obtain", "予以公开", "Art. 36(2)");
}

TEST(ReplyRules, PartlyDisclosedReplyNamesWhatWasWithheld) {
  ExpectOnlyMissing(ReplyOutcome::kPartlyDisclosed, &Reply::how_to_obtain, "reply.how_to_obtain", "部分公开",
                    "Art. 37");
  ExpectOnlyMissing(ReplyOutcome::kPartlyDisclosed, &Reply::withheld_parts, "reply.withheld_parts", "部分公开",
                    "Art. 37");
  ExpectOnlyMissing(ReplyOutcome::kPartlyDisclosed, &Reply::withheld_reason, "reply.withheld_reason", "部分公开",
                    "Art. 37");
  Reply r = CompleteReply(ReplyOutcome::kPartlyDisclosed);
  r.withheld_parts.clear();
  EXPECT_EQ(DescriptionOf(ValidateReply(r, kToday), "reply.withheld_parts"),
            "a partly-disclosed reply (部分公开, Art. 37) must say what was withheld");
}

TEST(ReplyRules, NotDisclosedReplyGivesReasonAndLegalBasis) {
  ExpectOnlyMissing(ReplyOutcome::kNotDisclosed, &Reply::reason, "reply.reason", "不予公开", "Art. 36(3)");
  ExpectOnlyMissing(ReplyOutcome::kNotDisclosed, &Reply::legal_basis, "reply.legal_basis", "不予公开", "Art. 36(3)");
}

TEST(ReplyRules, DoesNotExistReplySaysWhatSearchWasDone) {
  ExpectOnlyMissing(ReplyOutcome::kDoesNotExist, &Reply::reason, "reply.reason", "信息不存在", "Art. 36(4)");
}

TEST(ReplyRules, NotHeldReplyNamesTheHolderAndItsContact) {
  ExpectOnlyMissing(ReplyOutcome::kNotHeld, &Reply::holder_name, "reply.holder_name", "非本机关负责公开", "Art. 36(5)");
  ExpectOnlyMissing(ReplyOutcome::kNotHeld, &Reply::holder_contact, "reply.holder_contact", "非本机关负责公开",
                    "Art. 36(5)");
}

TEST(ReplyRules, NotHeldReplyWithNoDeterminableHolderSaysWhy) {
  // Art. 36(5) names the holder only "能够确定…的": otherwise the reason stands in.
  Reply r = CompleteReply(ReplyOutcome::kNotHeld);
  r.holder_name.clear();
  r.holder_contact.clear();
  r.reason = "所申请信息不属于本机关职责范围，经核实无法确定负责公开该信息的行政机关。";
  EXPECT_EQ(ValidateReply(r, kToday), Violations{});
  // Contact without a holder says nothing to the applicant; it is not required.
  r.reason.clear();
  EXPECT_EQ(Fields(ValidateReply(r, kToday)), std::vector<std::string>{"reply.holder_name"});
}

TEST(ReplyRules, RepeatRequestReplyCitesTheEarlierReply) {
  ExpectOnlyMissing(ReplyOutcome::kRepeatRequest, &Reply::earlier_reply_reference, "reply.earlier_reply_reference",
                    "重复申请", "Art. 36(6)");
}

TEST(ReplyRules, SpecialProcedureReplyNamesTheLawToFollow) {
  ExpectOnlyMissing(ReplyOutcome::kSpecialProcedure, &Reply::applicable_law, "reply.applicable_law", "按其他法律办理",
                    "Art. 36(7)");
}

TEST(ReplyRules, NotHandledReplySaysWhy) {
  ExpectOnlyMissing(ReplyOutcome::kNotHandled, &Reply::not_handled_reason, "reply.not_handled_reason", "不予处理",
                    "Art. 35");
}

TEST(ReplyRules, ElementsAnOutcomeDoesNotNeedAreOptional) {
  // A disclosed reply needs no reason; an already-public one no withheld parts.
  Reply r = CompleteReply(ReplyOutcome::kDisclosed);
  EXPECT_TRUE(r.reason.empty());
  EXPECT_EQ(ValidateReply(r, kToday), Violations{});
  r.reason = "依申请予以公开。";
  EXPECT_EQ(ValidateReply(r, kToday), Violations{});
}

TEST(ReplyRules, EveryTextElementIsCleanUtf8OfAtMost20000Bytes) {
  std::string Reply::*const elements[] = {
      &Reply::how_to_obtain,  &Reply::withheld_parts,     &Reply::withheld_reason, &Reply::reason,
      &Reply::legal_basis,    &Reply::holder_name,        &Reply::holder_contact,  &Reply::earlier_reply_reference,
      &Reply::applicable_law, &Reply::not_handled_reason, &Reply::remedy};
  for (std::string Reply::*element : elements) {
    Reply r = CompleteReply(ReplyOutcome::kNotHeld);
    r.*element = "第一段\x01";
    ASSERT_EQ(ValidateReply(r, kToday).size(), 1u);
    EXPECT_EQ(ValidateReply(r, kToday)[0].description, "contains a control character (U+0001)");
    r.*element = "第一段\xC0\x80";  // overlong NUL
    EXPECT_EQ(ValidateReply(r, kToday)[0].description, "not valid UTF-8 (first bad byte at offset 9)");
    r.*element = std::string(20001, 'a');
    EXPECT_EQ(ValidateReply(r, kToday)[0].description, "at most 20000 bytes (got 20001)");
    // Replies are letters: paragraphs and tabs are fine, and 20000 bytes are.
    r.*element = "第一段。\n\t第二段。";
    EXPECT_EQ(ValidateReply(r, kToday), Violations{});
    r.*element = std::string(20000, 'a');
    EXPECT_EQ(ValidateReply(r, kToday), Violations{});
  }
}

TEST(ReplyRules, FeeMustNotBeNegative) {
  Reply r = CompleteReply(ReplyOutcome::kDisclosed);
  r.fee_fen = -1;
  EXPECT_EQ(Fields(ValidateReply(r, kToday)), std::vector<std::string>{"reply.fee_fen"});
  r.fee_fen = 0;
  EXPECT_EQ(ValidateReply(r, kToday), Violations{});
  r.fee_fen = 10'000;
  EXPECT_EQ(ValidateReply(r, kToday), Violations{});
}

TEST(ReplyRules, CompleteWhenNothingIsMissing) {
  for (ReplyOutcome outcome : kAllOutcomes) {
    Reply r = CompleteReply(outcome);
    EXPECT_TRUE(ValidateReply(r, kToday).empty());
    r.remedy.clear();
    EXPECT_FALSE(ValidateReply(r, kToday).empty());
  }
  EXPECT_FALSE(ValidateReply(Reply{}, kToday).empty());
}

// ---------------------------------------------------------------- fees

TEST(Fees, PerRequestTiersAtEveryBoundary) {
  // 1-10 in a month: free.
  EXPECT_EQ(PerRequestFeeFen(1), 0);
  EXPECT_EQ(PerRequestFeeFen(10), 0);
  // 11-30: 100 yuan = 10 000 fen each.
  EXPECT_EQ(PerRequestFeeFen(11), 10'000);
  EXPECT_EQ(PerRequestFeeFen(30), 10'000);
  // 31-40: 100 + 100 = 200 yuan = 20 000 fen.
  EXPECT_EQ(PerRequestFeeFen(31), 20'000);
  EXPECT_EQ(PerRequestFeeFen(40), 20'000);
  // 41-50: 300 yuan.
  EXPECT_EQ(PerRequestFeeFen(41), 30'000);
  EXPECT_EQ(PerRequestFeeFen(50), 30'000);
  // 51-60: 400 yuan.
  EXPECT_EQ(PerRequestFeeFen(51), 40'000);
  // 91-100 is the 7th band from 31: 200 + 6 * 100 = 800 yuan.
  EXPECT_EQ(PerRequestFeeFen(100), 80'000);
  // 101 opens the 8th: 900 yuan.
  EXPECT_EQ(PerRequestFeeFen(101), 90'000);
}

TEST(Fees, PerRequestBelowTheFirstIsFree) {
  EXPECT_EQ(PerRequestFeeFen(0), 0);
  EXPECT_EQ(PerRequestFeeFen(-1), 0);
  EXPECT_EQ(PerRequestFeeFen(INT_MIN), 0);
}

TEST(Fees, PerPageBandsAtEveryBoundary) {
  // Up to 30 pages: free.
  EXPECT_EQ(PerPageFeeFen(0), 0);
  EXPECT_EQ(PerPageFeeFen(30), 0);
  // Page 31 is the first at 10 yuan: 1 * 1 000 fen.
  EXPECT_EQ(PerPageFeeFen(31), 1'000);
  // Pages 31-100: 70 * 1 000 = 70 000.
  EXPECT_EQ(PerPageFeeFen(100), 70'000);
  // Page 101 at 20 yuan: 70 000 + 2 000.
  EXPECT_EQ(PerPageFeeFen(101), 72'000);
  // Pages 101-200: 100 * 2 000 = 200 000; total 270 000.
  EXPECT_EQ(PerPageFeeFen(200), 270'000);
  // Page 201 at 40 yuan: 270 000 + 4 000.
  EXPECT_EQ(PerPageFeeFen(201), 274'000);
  // Pages 201-1000: 800 * 4 000 = 3 200 000; total 3 470 000 (34 700 yuan).
  EXPECT_EQ(PerPageFeeFen(1000), 3'470'000);
}

TEST(Fees, PerPageNegativeIsFree) { EXPECT_EQ(PerPageFeeFen(-5), 0); }

TEST(Fees, LargestCountsDoNotOverflow) {
  // (INT_MAX - 31) / 10 = 214 748 361 bands above the first: (200 + 100 * that) yuan.
  EXPECT_EQ(PerRequestFeeFen(INT_MAX), (200 + 100 * int64_t{214'748'361}) * 100);
  // 270 000 + (INT_MAX - 200) * 4 000.
  EXPECT_EQ(PerPageFeeFen(INT_MAX), 270'000 + (int64_t{INT_MAX} - 200) * 4'000);
}

TEST(Fees, FeeForUsesTheRequestsScheme) {
  EXPECT_EQ(FeeFor(FeeScheme::kNone, 500), 0);
  EXPECT_EQ(FeeFor(FeeScheme::kPerRequest, 31), 20'000);
  EXPECT_EQ(FeeFor(FeeScheme::kPerPage, 31), 1'000);
  EXPECT_EQ(FeeFor(static_cast<FeeScheme>(7), 500), 0);
}

TEST(Fees, QuoteNeedsAChargingSchemeAndACount) {
  EXPECT_EQ(ValidateFeeQuote(FeeScheme::kPerRequest, 1), Violations{});
  EXPECT_EQ(ValidateFeeQuote(FeeScheme::kPerPage, 1000000), Violations{});
  EXPECT_EQ(Fields(ValidateFeeQuote(FeeScheme::kNone, 0)), (std::vector<std::string>{"scheme", "count"}));
  EXPECT_EQ(ValidateFeeQuote(static_cast<FeeScheme>(3), 5),
            (Violations{{"scheme", "must be PER_REQUEST or PER_PAGE"}}));
  EXPECT_EQ(ValidateFeeQuote(FeeScheme::kPerPage, 1000001), (Violations{{"count", "must be 1..1000000"}}));
  EXPECT_EQ(ValidateFeeQuote(FeeScheme::kPerPage, -1), (Violations{{"count", "must be 1..1000000"}}));
}

TEST(Fees, PagesOnlyUnderThePerPageScheme) {
  EXPECT_EQ(ValidateReplyFee(FeeScheme::kPerPage, 31), Violations{});
  EXPECT_EQ(ValidateReplyFee(FeeScheme::kPerPage, 0), Violations{});
  EXPECT_EQ(ValidateReplyFee(FeeScheme::kPerRequest, 0), Violations{});
  EXPECT_EQ(ValidateReplyFee(FeeScheme::kNone, 0), Violations{});
  for (FeeScheme scheme : {FeeScheme::kNone, FeeScheme::kPerRequest, static_cast<FeeScheme>(7)}) {
    EXPECT_EQ(ValidateReplyFee(scheme, 12), (Violations{{"reply.fee_pages", "only for the per-page scheme"}}));
    EXPECT_EQ(ValidateReplyFee(scheme, -1), (Violations{{"reply.fee_pages", "only for the per-page scheme"}}));
  }
}

TEST(Fees, PagesAreNotNegative) {
  EXPECT_EQ(ValidateReplyFee(FeeScheme::kPerPage, -1), (Violations{{"reply.fee_pages", "must not be negative"}}));
}

TEST(Fees, ReplyFeePerRequestCountsTheApplicantsRequestsInTheMonth) {
  int asked = 0;
  auto nth = [&](int n) {
    return [&asked, n] {
      ++asked;
      return n;
    };
  };
  EXPECT_EQ(ReplyFee(FeeScheme::kPerRequest, 0, nth(10)), 0);
  EXPECT_EQ(ReplyFee(FeeScheme::kPerRequest, 0, nth(11)), 10'000);
  EXPECT_EQ(ReplyFee(FeeScheme::kPerRequest, 0, nth(31)), 20'000);
  EXPECT_EQ(asked, 3);
}

TEST(Fees, ReplyFeePerPageCountsThePagesWithoutAskingForRequests) {
  int asked = 0;
  auto count_requests = [&] {
    ++asked;
    return 50;
  };
  EXPECT_EQ(ReplyFee(FeeScheme::kPerPage, 30, count_requests), 0);
  EXPECT_EQ(ReplyFee(FeeScheme::kPerPage, 31, count_requests), 1'000);
  EXPECT_EQ(ReplyFee(FeeScheme::kPerPage, 101, count_requests), 72'000);
  EXPECT_EQ(asked, 0);
}

TEST(Fees, ReplyFeeWithoutASchemeIsNothing) {
  int asked = 0;
  auto count_requests = [&] {
    ++asked;
    return 50;
  };
  EXPECT_EQ(ReplyFee(FeeScheme::kNone, 0, count_requests), 0);
  EXPECT_EQ(ReplyFee(FeeScheme::kNone, 500, count_requests), 0);
  EXPECT_EQ(ReplyFee(static_cast<FeeScheme>(7), 500, count_requests), 0);
  EXPECT_EQ(asked, 0);
}

// ---------------------------------------------------------------- desk states

TEST(DeskStates, ClosedWhateverTheDays) {
  EXPECT_EQ(DeskStateOf(false, 10, 20, 10), DeskState::kClosed);
  EXPECT_EQ(DeskStateOf(false, -30, 20, 50), DeskState::kClosed);
}

TEST(DeskStates, OnTrackWithMoreThanThreeDaysLeft) {
  EXPECT_EQ(DeskStateOf(true, 20, 20, 0), DeskState::kOnTrack);
  EXPECT_EQ(DeskStateOf(true, 4, 20, 16), DeskState::kOnTrack);
}

TEST(DeskStates, DueSoonFromThreeDaysLeftToTheDueDay) {
  EXPECT_EQ(DeskStateOf(true, 3, 20, 17), DeskState::kDueSoon);
  EXPECT_EQ(DeskStateOf(true, 0, 20, 20), DeskState::kDueSoon);  // due today
}

TEST(DeskStates, OverdueOnceTheDueDayHasPassed) {
  EXPECT_EQ(DeskStateOf(true, -1, 20, 21), DeskState::kOverdue);
  EXPECT_EQ(DeskStateOf(true, -20, 20, 40), DeskState::kOverdue);  // exactly twice the limit
}

TEST(DeskStates, VeryOverduePastTwiceTheLimit) {
  EXPECT_EQ(DeskStateOf(true, -21, 20, 41), DeskState::kVeryOverdue);
  // An extended limit of 40 doubles to 80.
  EXPECT_EQ(DeskStateOf(true, -40, 40, 80), DeskState::kOverdue);
  EXPECT_EQ(DeskStateOf(true, -41, 40, 81), DeskState::kVeryOverdue);
  EXPECT_EQ(DeskStateOf(true, -1, INT_MAX, INT_MAX), DeskState::kOverdue);  // no overflow in 2 * limit
}

// ---------------------------------------------------------------- the annual report's rows and columns

TEST(ReportRules, LegalPersonNeedsItsReportCategory) {
  DisclosureRequest r = ValidLegalPersonRequest();
  r.applicant.category = ApplicantCategory::kUnset;
  const Violations v = ValidateRequest(r, kToday);
  ASSERT_EQ(Fields(v), std::vector<std::string>{"applicant.category"});
  EXPECT_TRUE(Contains(v[0].description, "COMMERCIAL_ENTERPRISE")) << v[0].description;
  r.applicant.category = static_cast<ApplicantCategory>(6);
  EXPECT_EQ(Fields(ValidateRequest(r, kToday)), std::vector<std::string>{"applicant.category"});
}

TEST(ReportRules, NaturalPersonHasNoCategory) {
  DisclosureRequest r = ValidNaturalPersonRequest();
  r.applicant.category = ApplicantCategory::kResearchInstitution;
  const Violations v = ValidateRequest(r, kToday);
  ASSERT_EQ(Fields(v), std::vector<std::string>{"applicant.category"});
  EXPECT_TRUE(Contains(v[0].description, "unset")) << v[0].description;
}

TEST(ReportRules, NotDisclosedReplyWithoutReasonNamesReplyReportReason) {
  Reply r = CompleteReply(ReplyOutcome::kNotDisclosed);
  r.report_reason = ReportReason::kUnset;
  const Violations v = ValidateReply(r, kToday);
  ASSERT_EQ(Fields(v), std::vector<std::string>{"reply.report_reason"});
  EXPECT_TRUE(Contains(v[0].description, "required for NOT_DISCLOSED")) << v[0].description;
  EXPECT_TRUE(Contains(v[0].description, "STATE_SECRET")) << v[0].description;
  EXPECT_TRUE(Contains(v[0].description, "or ADMINISTRATIVE_QUERY")) << v[0].description;
}

TEST(ReportRules, EveryOutcomeWithSubRowsNeedsAReason) {
  for (ReplyOutcome outcome :
       {ReplyOutcome::kNotDisclosed, ReplyOutcome::kDoesNotExist, ReplyOutcome::kNotHeld, ReplyOutcome::kRepeatRequest,
        ReplyOutcome::kSpecialProcedure, ReplyOutcome::kNotHandled}) {
    Reply r = CompleteReply(outcome);
    r.report_reason = ReportReason::kUnset;
    EXPECT_EQ(Fields(ValidateReply(r, kToday)), std::vector<std::string>{"reply.report_reason"})
        << static_cast<int>(outcome);
  }
}

TEST(ReportRules, ReasonMustBelongToItsOutcomesGroup) {
  struct Case {
    ReplyOutcome outcome;
    ReportReason reason;
    bool allowed;
  };
  const Case cases[] = {
      {ReplyOutcome::kNotDisclosed, ReportReason::kStateSecret, true},
      {ReplyOutcome::kNotDisclosed, ReportReason::kNotHeldByAgency, false},
      {ReplyOutcome::kDoesNotExist, ReportReason::kWouldNeedCreating, true},
      {ReplyOutcome::kNotHeld, ReportReason::kUnclearAfterCorrection, true},
      {ReplyOutcome::kNotHeld, ReportReason::kRepeatApplication, false},
      {ReplyOutcome::kNotHandled, ReportReason::kConfirmOrReissue, true},
      {ReplyOutcome::kNotHandled, ReportReason::kRepeatApplication, false},
      {ReplyOutcome::kNotHandled, ReportReason::kFeeNotPaid, false},
      {ReplyOutcome::kRepeatRequest, ReportReason::kRepeatApplication, true},
      {ReplyOutcome::kRepeatRequest, ReportReason::kPetitionComplaintReport, false},
      {ReplyOutcome::kSpecialProcedure, ReportReason::kAdministrativeQuery, true},
      {ReplyOutcome::kSpecialProcedure, ReportReason::kOtherHandling, true},
      {ReplyOutcome::kSpecialProcedure, ReportReason::kStateSecret, false},
  };
  for (const Case& c : cases) {
    Reply r = CompleteReply(c.outcome);
    r.report_reason = c.reason;
    const Violations v = ValidateReply(r, kToday);
    if (c.allowed) {
      EXPECT_EQ(v, Violations{}) << static_cast<int>(c.outcome) << " " << static_cast<int>(c.reason);
    } else {
      ASSERT_EQ(Fields(v), std::vector<std::string>{"reply.report_reason"}) << static_cast<int>(c.reason);
      EXPECT_TRUE(Contains(v[0].description, "must be")) << v[0].description;
    }
  }
}

TEST(ReportRules, DisclosedAlreadyPublicAndPartlyDisclosedHaveNoReason) {
  for (ReplyOutcome outcome :
       {ReplyOutcome::kAlreadyPublic, ReplyOutcome::kDisclosed, ReplyOutcome::kPartlyDisclosed}) {
    Reply r = CompleteReply(outcome);
    r.report_reason = ReportReason::kThirdPartyRights;
    const Violations v = ValidateReply(r, kToday);
    ASSERT_EQ(Fields(v), std::vector<std::string>{"reply.report_reason"}) << static_cast<int>(outcome);
    EXPECT_TRUE(Contains(v[0].description, "must be unset")) << v[0].description;
  }
}

TEST(LegalSteps, DecisionNeedsALegalOutcome) {
  for (StepType type : {StepType::kReviewDecided, StepType::kLawsuitDecided}) {
    Step s = CompleteStep(type);
    s.legal_outcome = LegalOutcome::kUnset;
    EXPECT_EQ(Fields(ValidateStep(s, kToday)), std::vector<std::string>{"step.legal_outcome"});
    s.legal_outcome = static_cast<LegalOutcome>(4);
    EXPECT_EQ(Fields(ValidateStep(s, kToday)), std::vector<std::string>{"step.legal_outcome"});
  }
}

TEST(LegalSteps, OutcomeOnlyOnADecisionAndAfterReviewOnlyOnALawsuitFiled) {
  Step review = CompleteStep(StepType::kReviewFiled);
  review.legal_outcome = LegalOutcome::kCorrected;
  review.after_review = true;
  EXPECT_EQ(Fields(ValidateStep(review, kToday)),
            (std::vector<std::string>{"step.legal_outcome", "step.after_review"}));
  Step lawsuit = CompleteStep(StepType::kLawsuitFiled);
  lawsuit.after_review = true;
  EXPECT_EQ(ValidateStep(lawsuit, kToday), Violations{});
}

Step Dated(StepType type, const char* date, LegalOutcome outcome = LegalOutcome::kUnset, bool after_review = false) {
  Step s;
  s.type = type;
  s.date = AsSent(date);
  s.legal_outcome = outcome;
  s.after_review = after_review;
  return s;
}

TEST(LegalSteps, DecisionOnlyAfterItsFiling) {
  const Step replied = Dated(StepType::kReplied, "2026-03-02");
  const Step decided = Dated(StepType::kReviewDecided, "2026-05-11", LegalOutcome::kUpheld);
  auto refusal = LegalStepRefusal(decided, {replied});
  ASSERT_TRUE(refusal.has_value());
  EXPECT_TRUE(Contains(*refusal, "REVIEW_FILED")) << *refusal;
  // A lawsuit's filing does not answer for a review's decision.
  EXPECT_TRUE(LegalStepRefusal(decided, {replied, Dated(StepType::kLawsuitFiled, "2026-03-10")}).has_value());
  const Step filed = Dated(StepType::kReviewFiled, "2026-03-10");
  EXPECT_EQ(LegalStepRefusal(decided, {replied, filed}), std::nullopt);
  // Once decided, the filing takes no second decision.
  EXPECT_TRUE(LegalStepRefusal(decided, {replied, filed, decided}).has_value());
  // Nor a decision dated before it.
  auto early = LegalStepRefusal(Dated(StepType::kReviewDecided, "2026-03-09", LegalOutcome::kOther), {replied, filed});
  ASSERT_TRUE(early.has_value());
  EXPECT_TRUE(Contains(*early, "2026-03-10")) << *early;
}

TEST(LegalSteps, LawsuitAfterReviewNeedsTheReviewRecordedFirst) {
  const Step replied = Dated(StepType::kReplied, "2026-03-02");
  const Step lawsuit = Dated(StepType::kLawsuitFiled, "2026-05-11", LegalOutcome::kUnset, true);
  EXPECT_TRUE(LegalStepRefusal(lawsuit, {replied}).has_value());
  EXPECT_EQ(LegalStepRefusal(lawsuit, {replied, Dated(StepType::kReviewFiled, "2026-03-10")}), std::nullopt);
  EXPECT_EQ(LegalStepRefusal(Dated(StepType::kLawsuitFiled, "2026-05-11"), {replied}), std::nullopt);
}

TEST(LegalSteps, EachDecisionAnswersTheEarliestUndecidedFilingOfItsKind) {
  const auto cases =
      LegalCasesOf({Dated(StepType::kReviewFiled, "2026-03-10"), Dated(StepType::kLawsuitFiled, "2026-03-11"),
                    Dated(StepType::kLawsuitFiled, "2026-04-01", LegalOutcome::kUnset, true),
                    Dated(StepType::kLawsuitDecided, "2026-05-06", LegalOutcome::kCorrected),
                    Dated(StepType::kReviewDecided, "2026-05-07", LegalOutcome::kUpheld)});
  ASSERT_EQ(cases.size(), 3u);
  EXPECT_EQ(cases[0].kind, StepType::kReviewFiled);
  EXPECT_EQ(cases[0].outcome, LegalOutcome::kUpheld);
  EXPECT_EQ(cases[1].decided_on, AsSent("2026-05-06"));
  EXPECT_EQ(cases[1].outcome, LegalOutcome::kCorrected);
  EXPECT_FALSE(cases[1].after_review);
  EXPECT_TRUE(cases[2].after_review);
  EXPECT_EQ(cases[2].decided_on, std::nullopt);
}

}  // namespace
}  // namespace gongkai::requests
