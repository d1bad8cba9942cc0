// The masking corpus end to end (services/penalties/testdata/masking_corpus.json):
// a city sends every decision and coercive measure of the corpus through the
// gateway, then withdraws and releases some with explanations that carry
// personal data. Every answer the public can get from the penalties service
// (every page of ListPublished, for decisions and for measures; GetPublished
// of each record; every page of ListChanges from seq 0) is searched, as bytes
// on the wire and field by field, for every personal string of the corpus and
// its bare digits, before the withdrawals and after: none is found, while the
// decision numbers, amounts, dates, articles and organisations stay readable.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "common/proto_strings.h"
#include "gongkai/penalties/v1/penalties.grpc.pb.h"
#include "services/penalties/masking_corpus.h"
#include "tests/e2e/platform.h"

namespace gongkai {
namespace {

using penalties::MaskingCase;
using penalties::v1::GetRecordRequest;
using penalties::v1::PenaltiesService;
using RecordResult = common::v1::RecordResult;

// One answer of a public call, as the public received it.
struct Answer {
  std::string what;  // the call, for failure messages
  std::string bytes;
  std::vector<std::pair<std::string, std::string>> strings;  // every string field, with its path
};

class MaskingEndToEnd : public testing::PlatformTest {
 protected:
  void SetUp() override {
    PlatformTest::SetUp();
    agency_ = AddAgency(
        "140100", 81, {"market_regulation", "urban_management", "transport", "ecology_environment", "public_security"});
    corpus_ = penalties::LoadMaskingCorpus();
    for (const MaskingCase& c : corpus_) {
      for (const std::string& secret : c.secrets) {
        for (const std::string& form : penalties::SearchForms(secret)) forms_.push_back(form);
      }
    }
  }

  // Sends every record of the corpus, under the test's agency, as city 140100;
  // each must be accepted.
  void SendCorpus() {
    penalties::v1::UpsertDecisionsRequest decisions;
    penalties::v1::UpsertMeasuresRequest measures;
    for (const MaskingCase& c : corpus_) {
      if (c.decision) {
        auto* d = decisions.add_decisions();
        *d = *c.decision;
        d->set_agency_credit_code(agency_);
      } else {
        auto* m = measures.add_measures();
        *m = *c.measure;
        m->set_agency_credit_code(agency_);
      }
    }
    penalties::v1::UpsertResponse stored;
    grpc::Status status = Call("city-140100", &PenaltiesService::Stub::UpsertDecisions, decisions, &stored);
    ASSERT_TRUE(status.ok()) << status.error_message();
    for (const auto& r : stored.results()) EXPECT_EQ(r.outcome(), RecordResult::ACCEPTED) << r.DebugString();
    status = Call("city-140100", &PenaltiesService::Stub::UpsertMeasures, measures, &stored);
    ASSERT_TRUE(status.ok()) << status.error_message();
    for (const auto& r : stored.results()) EXPECT_EQ(r.outcome(), RecordResult::ACCEPTED) << r.DebugString();
  }

  // Withdraws each decision of the corpus that has an explanation, and
  // releases each such measure, with that explanation.
  void WithdrawAndRelease() {
    for (const MaskingCase& c : corpus_) {
      if (c.withdrawal.empty()) continue;
      penalties::v1::PublishedRecord notice;
      grpc::Status status;
      if (c.decision) {
        penalties::v1::WithdrawDecisionRequest request;
        request.set_agency_credit_code(agency_);
        request.set_source_id(c.decision->source_id());
        request.set_reason(penalties::v1::REVOKED);
        request.set_explanation(c.withdrawal);
        request.set_event_date(IsoDaysAgo(0));
        status = Call("city-140100", &PenaltiesService::Stub::WithdrawDecision, request, &notice);
      } else {
        penalties::v1::ReleaseMeasureRequest request;
        request.set_agency_credit_code(agency_);
        request.set_source_id(c.measure->source_id());
        request.set_release_date(IsoDaysAgo(0));
        request.set_explanation(c.withdrawal);
        status = Call("city-140100", &PenaltiesService::Stub::ReleaseMeasure, request, &notice);
      }
      ASSERT_TRUE(status.ok()) << c.name << ": " << status.error_message();
    }
  }

  static Answer AnswerOf(const std::string& what, const google::protobuf::Message& message) {
    Answer answer{what, message.SerializeAsString(), {}};
    common::ForEachString(message, "", [&](const std::string& path, std::string_view value) {
      answer.strings.emplace_back(path, std::string(value));
    });
    return answer;
  }

  // Every page of ListPublished of one kind, `page_size` records at a time.
  void ListPublished(GetRecordRequest::Kind kind, int page_size, std::vector<Answer>& out, int* records) {
    std::string token;
    do {
      penalties::v1::ListPublishedRequest request;
      request.set_kind(kind);
      request.set_city_code("140100");
      request.set_page_size(page_size);
      request.set_page_token(token);
      penalties::v1::ListPublishedResponse page;
      grpc::Status status = Call("", &PenaltiesService::Stub::ListPublished, request, &page);
      ASSERT_TRUE(status.ok()) << status.error_message();
      *records += page.records_size();
      out.push_back(AnswerOf("ListPublished " + GetRecordRequest::Kind_Name(kind) + " after '" + token + "'", page));
      token = page.next_page_token();
    } while (!token.empty());
  }

  // Every answer the public can get of the penalties service: the public
  // lists of decisions and of measures, each record by its key, and the
  // change feed from seq 0. `published` counts the records the lists held.
  std::vector<Answer> PublicAnswers(int* published) {
    std::vector<Answer> answers;
    *published = 0;
    ListPublished(GetRecordRequest::DECISION, 4, answers, published);
    ListPublished(GetRecordRequest::MEASURE, 4, answers, published);
    for (const MaskingCase& c : corpus_) {
      GetRecordRequest request;
      request.set_kind(c.decision ? GetRecordRequest::DECISION : GetRecordRequest::MEASURE);
      request.set_agency_credit_code(agency_);
      request.set_source_id(c.decision ? c.decision->source_id() : c.measure->source_id());
      penalties::v1::PublishedRecord record;
      grpc::Status status = Call("", &PenaltiesService::Stub::GetPublished, request, &record);
      EXPECT_TRUE(status.ok()) << c.name << ": " << status.error_message();
      answers.push_back(AnswerOf("GetPublished " + request.source_id(), record));
    }
    int64_t after = 0;
    for (;;) {
      penalties::v1::ListChangesRequest request;
      request.set_after_seq(after);
      request.set_limit(5);
      penalties::v1::ListChangesResponse page;
      grpc::Status status = Call("", &PenaltiesService::Stub::ListChanges, request, &page);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok() || page.changes_size() == 0) break;
      answers.push_back(AnswerOf("ListChanges after " + std::to_string(after), page));
      after = page.last_seq();
    }
    return answers;
  }

  // No personal string of the corpus, nor its bare digits, in any answer.
  void ExpectNoPersonalData(const std::vector<Answer>& answers) {
    for (const Answer& answer : answers) {
      for (const std::string& form : forms_) {
        EXPECT_EQ(answer.bytes.find(form), std::string::npos) << answer.what << " holds " << form;
        for (const auto& [path, value] : answer.strings) {
          EXPECT_EQ(value.find(form), std::string::npos) << answer.what << ": " << path << " holds " << form;
        }
      }
    }
  }

  std::string agency_;
  std::vector<MaskingCase> corpus_;
  std::vector<std::string> forms_;  // every secret of the corpus in every form searched for
};

TEST_F(MaskingEndToEnd, NoPublicAnswerHoldsAnyPersonalStringOfTheCorpus) {
  ASSERT_GE(corpus_.size(), 20u);
  SendCorpus();

  int published = 0;
  const std::vector<Answer> before = PublicAnswers(&published);
  EXPECT_EQ(published, static_cast<int>(corpus_.size())) << "every record of the corpus is public";
  ExpectNoPersonalData(before);

  // What is not personal stays readable, in the record's own public answer.
  for (const MaskingCase& c : corpus_) {
    const std::string key = c.decision ? c.decision->source_id() : c.measure->source_id();
    for (const Answer& answer : before) {
      if (answer.what != "GetPublished " + key) continue;
      for (const std::string& kept : c.kept) {
        EXPECT_NE(answer.bytes.find(kept), std::string::npos) << c.name << ": " << kept;
      }
    }
  }

  WithdrawAndRelease();
  const std::vector<Answer> after = PublicAnswers(&published);
  ExpectNoPersonalData(after);
  // The withdrawal notices are public, with their explanations masked.
  int notices = 0;
  for (const MaskingCase& c : corpus_) {
    if (c.withdrawal.empty() || !c.decision) continue;
    for (const Answer& answer : after) {
      if (answer.what != "GetPublished " + c.decision->source_id()) continue;
      penalties::v1::PublishedRecord record;
      ASSERT_TRUE(record.ParseFromString(answer.bytes));
      EXPECT_TRUE(record.withdrawn()) << c.name;
      EXPECT_NE(record.withdrawal_explanation(), "") << c.name;
      EXPECT_NE(record.withdrawal_explanation(), c.withdrawal) << c.name << ": published as sent";
      ++notices;
    }
  }
  EXPECT_GE(notices, 2);
}

}  // namespace
}  // namespace gongkai
