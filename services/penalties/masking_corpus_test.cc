// The masking corpus (testdata/masking_corpus.json, masking_corpus.h): every
// record is valid and public, and in what the public reads of it (its public
// form as the store keeps it, its withdrawal or release explanation as
// published) no personal string of any record of the corpus appears in any
// field, as written or as its bare digits; what must stay readable does.
#include "services/penalties/masking_corpus.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "common/calendar/iso_date.h"
#include "common/proto_strings.h"
#include "services/penalties/penalties_mapping.h"
#include "services/penalties/penalty.h"
#include "services/penalties/penalty_public.h"
#include "services/penalties/penalty_rows.h"

namespace gongkai::penalties {
namespace {

// The corpus's records are dated before the end-to-end tests' pinned date.
const common::Date kToday = *common::ParseIsoDate("2026-12-01");

const std::vector<MaskingCase>& Corpus() {
  static const std::vector<MaskingCase> corpus = LoadMaskingCorpus();
  return corpus;
}

RecordToStore RowOfCase(const MaskingCase& c) {
  return c.decision ? RowOf(DecisionFromProto(*c.decision)) : RowOf(MeasureFromProto(*c.measure));
}

// What the public reads of a case: its public form as the store keeps it, in
// a public record with its key and, when the case has one, the withdrawal or
// release explanation as published.
v1::PublishedRecord PublicAnswer(const MaskingCase& c) {
  const RecordToStore row = RowOfCase(c);
  v1::PublishedRecord out;
  out.set_agency_credit_code(row.agency_credit_code);
  out.set_source_id(row.source_id);
  out.set_domain(row.domain);
  if (c.decision) {
    EXPECT_TRUE(out.mutable_decision()->ParseFromString(row.public_record)) << c.name;
  } else {
    EXPECT_TRUE(out.mutable_measure()->ParseFromString(row.public_record)) << c.name;
  }
  if (!c.withdrawal.empty()) {
    RecordRow stored;
    stored.kind = row.kind;
    stored.record = row.record;
    out.set_withdrawal_explanation(PublicExplanation(stored, c.withdrawal));
  }
  return out;
}

// Every string of a message, each with its path.
std::vector<std::pair<std::string, std::string>> Strings(const google::protobuf::Message& message) {
  std::vector<std::pair<std::string, std::string>> out;
  common::ForEachString(message, "", [&](const std::string& path, std::string_view value) {
    out.emplace_back(path, std::string(value));
  });
  return out;
}

TEST(MaskingCorpus, HoldsTwentyRecordsOrMoreOfBothKinds) {
  int decisions = 0;
  int measures = 0;
  std::set<std::string> keys;
  for (const MaskingCase& c : Corpus()) {
    (c.decision ? decisions : measures) += 1;
    keys.insert(c.decision ? c.decision->source_id() : c.measure->source_id());
    EXPECT_GE(c.secrets.size(), 3u) << c.name;
    EXPECT_FALSE(c.kept.empty()) << c.name;
  }
  EXPECT_GE(decisions + measures, 20);
  EXPECT_GE(decisions, 10);
  EXPECT_GE(measures, 5);
  EXPECT_EQ(keys.size(), Corpus().size()) << "each record has its own key";
}

TEST(MaskingCorpus, EveryRecordIsValidAndPublic) {
  for (const MaskingCase& c : Corpus()) {
    const common::Violations violations = c.decision ? ValidateDecision(DecisionFromProto(*c.decision), "r", kToday)
                                                     : ValidateMeasure(MeasureFromProto(*c.measure), "r", kToday);
    EXPECT_EQ(violations, common::Violations{}) << c.name;
    EXPECT_FALSE(RowOfCase(c).public_record.empty()) << c.name;
  }
}

// The search cannot pass for want of secrets: each is in its record as sent
// (or, for a number, its digits are), or in the explanation sent with it.
TEST(MaskingCorpus, EverySecretIsInTheRecordAsSent) {
  for (const MaskingCase& c : Corpus()) {
    std::vector<std::string> sent = {c.withdrawal};
    for (const auto& field : c.decision ? Strings(*c.decision) : Strings(*c.measure)) sent.push_back(field.second);
    for (const std::string& secret : c.secrets) {
      bool found = false;
      for (const std::string& value : sent) {
        const std::string digits = DigitsOf(secret);
        found = found || value.find(secret) != std::string::npos ||
                (digits.size() >= 6 && DigitsOf(value).find(digits) != std::string::npos);
      }
      EXPECT_TRUE(found) << c.name << ": " << secret;
    }
  }
}

// Every public field of every record, searched for every secret of every
// record: a string private in one record is never public in another.
TEST(MaskingCorpus, NoPersonalStringReachesAnyPublicField) {
  std::vector<std::string> forms;
  for (const MaskingCase& c : Corpus()) {
    for (const std::string& secret : c.secrets) {
      for (const std::string& form : SearchForms(secret)) forms.push_back(form);
    }
  }
  for (const MaskingCase& c : Corpus()) {
    const v1::PublishedRecord answer = PublicAnswer(c);
    const std::string bytes = answer.SerializeAsString();
    for (const auto& [path, value] : Strings(answer)) {
      for (const std::string& form : forms) {
        EXPECT_EQ(value.find(form), std::string::npos) << c.name << ": " << path << " holds " << form;
      }
    }
    for (const std::string& form : forms) {
      EXPECT_EQ(bytes.find(form), std::string::npos) << c.name << ": the serialised answer holds " << form;
    }
  }
}

TEST(MaskingCorpus, WhatIsNotPersonalStaysReadable) {
  for (const MaskingCase& c : Corpus()) {
    const std::string bytes = PublicAnswer(c).SerializeAsString();
    for (const std::string& kept : c.kept) EXPECT_NE(bytes.find(kept), std::string::npos) << c.name << ": " << kept;
  }
}

}  // namespace
}  // namespace gongkai::penalties
