#include "services/requests/request_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "common/testing/dates.h"
#include "common/testing/postgres.h"
#include "gongkai/requests/v1/requests.pb.h"

namespace gongkai::requests {
namespace {

using common::Date;

constexpr char kAgency[] = "11140100MB0000001X";
constexpr char kOtherAgency[] = "11140200MB0000002Y";
constexpr char kCity[] = "140100";
constexpr char kOtherCity[] = "140200";

using gongkai::testing::Day;

// Serialised protos are bytes: every byte value must come back as it went in.
std::string Bytes(const std::string& text) { return std::string("\x00\xff", 2) + text + std::string("\xff\x00", 2); }

StoredRequest NewRequest(Date received, const std::string& agency = kAgency, const std::string& city = kCity,
                         const std::string& applicant_key = "key-1") {
  StoredRequest r;
  r.agency_credit_code = agency;
  r.city_code = city;
  r.channel = 4;
  r.received_on = received;
  r.applicant = Bytes("applicant");
  r.applicant_name = "李四";
  r.applicant_key = applicant_key;
  r.information_requested = "2025年度本机关行政处罚案件数量";
  r.delivery = 3;
  return r;
}

RequestUpdate Received(std::optional<Date> due, bool provisional = false) {
  RequestUpdate u;
  u.step = Bytes("received");
  u.step_type = 11;
  u.state = "OPEN";
  u.open = true;
  u.due_on = due;
  u.due_provisional = provisional;
  return u;
}

RequestUpdate StepUpdate(const std::string& step, int type, const std::string& state, bool open,
                         std::optional<Date> due) {
  RequestUpdate u;
  u.step = Bytes(step);
  u.step_type = type;
  u.state = state;
  u.open = open;
  u.due_on = due;
  return u;
}

RequestUpdate ReplyUpdate(Date replied, std::optional<Date> due) {
  RequestUpdate u = StepUpdate("replied", 10, "REPLIED", false, due);
  u.reply = Bytes("reply");
  u.replied_on = replied;
  u.outcome = 2;
  u.standardised = true;
  u.fee_fen = 1000;
  return u;
}

StoredConsultation NewConsultation(Date asked, Date due, const std::string& agency = kAgency,
                                   const std::string& city = kCity) {
  StoredConsultation c;
  c.agency_credit_code = agency;
  c.city_code = city;
  c.channel = 4;
  c.asked_on = asked;
  c.question = "行政处罚决定书在哪里可以查询？";
  c.contact = "13800001111";
  c.due_on = due;
  return c;
}

class RequestStoreTest : public ::testing::Test {
 protected:
  RequestStoreTest() : pool_(db_.MigratedPool(gongkai_requests_migrations())), store_(*pool_) {}

  // Records `update` on the request, whatever it holds.
  StoredRequest Apply(const std::string& id, const RequestUpdate& update) {
    auto updated = store_.Update(id, [&](const StoredRequest&) { return update; });
    EXPECT_TRUE(updated.has_value());
    return *updated;
  }

  std::vector<std::string> OpenIds(std::optional<Date> after_due, const std::string& after_id, int limit) {
    std::vector<std::string> ids;
    for (const auto& r : store_.ListOpen(kAgency, after_due, after_id, limit)) ids.push_back(r.id);
    return ids;
  }

  testing::TestDatabase db_;
  std::unique_ptr<common::PgPool> pool_;
  PgRequestStore store_;
};

TEST_F(RequestStoreTest, InsertedRequestReadsBackWithItsFirstStep) {
  const StoredRequest sent = NewRequest(Day(2026, 6, 15));
  const std::string id = store_.Insert(sent, Received(Day(2026, 7, 14), true));
  ASSERT_FALSE(id.empty());
  auto got = store_.Get(id);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->id, id);
  EXPECT_EQ(got->agency_credit_code, kAgency);
  EXPECT_EQ(got->city_code, kCity);
  EXPECT_EQ(got->channel, 4);
  EXPECT_EQ(got->received_on, Day(2026, 6, 15));
  EXPECT_EQ(got->applicant, sent.applicant);
  EXPECT_EQ(got->applicant.size(), std::string("applicant").size() + 4) << "0x00 and 0xff bytes survive";
  EXPECT_EQ(got->applicant_name, "李四");
  EXPECT_EQ(got->applicant_key, "key-1");
  EXPECT_EQ(got->information_requested, sent.information_requested);
  EXPECT_EQ(got->delivery, 3);
  EXPECT_EQ(got->state, "OPEN");
  EXPECT_TRUE(got->open);
  EXPECT_EQ(got->due_on, Day(2026, 7, 14));
  EXPECT_TRUE(got->due_provisional);
  EXPECT_EQ(got->reply, "");
  EXPECT_EQ(got->replied_on, std::nullopt);
  EXPECT_EQ(got->outcome, 0);
  EXPECT_FALSE(got->standardised);
  EXPECT_EQ(got->fee_fen, 0);
  EXPECT_EQ(got->steps, std::vector<std::string>{Bytes("received")});
  EXPECT_EQ(store_.Get("no-such-request"), std::nullopt);
}

TEST_F(RequestStoreTest, StepsComeBackInTheOrderRecorded) {
  const std::string id = store_.Insert(NewRequest(Day(2026, 6, 1)), Received(Day(2026, 6, 29)));
  Apply(id, StepUpdate("notice", 1, "AWAITING_CORRECTION", true, std::nullopt));
  Apply(id, StepUpdate("corrected", 2, "OPEN", true, Day(2026, 7, 8)));
  auto got = store_.Get(id);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->steps, (std::vector<std::string>{Bytes("received"), Bytes("notice"), Bytes("corrected")}));
}

TEST_F(RequestStoreTest, UpdateAppliesTheDecidedStep) {
  const std::string id = store_.Insert(NewRequest(Day(2026, 6, 1)), Received(Day(2026, 6, 29)));
  int decided = 0;
  auto updated = store_.Update(id, [&](const StoredRequest& now) {
    ++decided;
    EXPECT_EQ(now.id, id);
    EXPECT_EQ(now.state, "OPEN");
    EXPECT_EQ(now.steps.size(), 1u);
    return ReplyUpdate(Day(2026, 6, 10), Day(2026, 6, 29));
  });
  EXPECT_EQ(decided, 1);
  ASSERT_TRUE(updated.has_value());
  EXPECT_EQ(updated->state, "REPLIED");
  EXPECT_FALSE(updated->open);
  EXPECT_EQ(updated->reply, Bytes("reply"));
  EXPECT_EQ(updated->replied_on, Day(2026, 6, 10));
  EXPECT_EQ(updated->outcome, 2);
  EXPECT_TRUE(updated->standardised);
  EXPECT_EQ(updated->fee_fen, 1000);
  EXPECT_EQ(updated->steps, (std::vector<std::string>{Bytes("received"), Bytes("replied")}));
  auto got = store_.Get(id);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->reply, Bytes("reply"));
  EXPECT_EQ(got->steps, updated->steps);

  // A step that is not a reply keeps the reply, its date, outcome, flag and fee.
  auto review = Apply(id, StepUpdate("review", 8, "REPLIED", false, Day(2026, 6, 29)));
  EXPECT_EQ(review.reply, Bytes("reply"));
  EXPECT_EQ(review.replied_on, Day(2026, 6, 10));
  EXPECT_EQ(review.outcome, 2);
  EXPECT_TRUE(review.standardised);
  EXPECT_EQ(review.fee_fen, 1000);
  EXPECT_EQ(review.steps.size(), 3u);
}

TEST_F(RequestStoreTest, RefusedUpdateLeavesTheRequestUnchanged) {
  const std::string id = store_.Insert(NewRequest(Day(2026, 6, 1)), Received(Day(2026, 6, 29)));
  EXPECT_THROW(store_.Update(id, [](const StoredRequest&) -> RequestUpdate { throw std::runtime_error("refused"); }),
               std::runtime_error);
  auto got = store_.Get(id);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->state, "OPEN");
  EXPECT_EQ(got->due_on, Day(2026, 6, 29));
  EXPECT_EQ(got->steps, std::vector<std::string>{Bytes("received")});
}

TEST_F(RequestStoreTest, UpdateOfAnUnknownRequestIsNothing) {
  bool decided = false;
  EXPECT_EQ(store_.Update("no-such-request",
                          [&](const StoredRequest&) {
                            decided = true;
                            return RequestUpdate{};
                          }),
            std::nullopt);
  EXPECT_FALSE(decided);
}

TEST_F(RequestStoreTest, OpenRequestsSoonestDueFirstAndWithoutDueDateLast) {
  const std::string late = store_.Insert(NewRequest(Day(2026, 6, 10)), Received(Day(2026, 7, 9)));
  const std::string soon_a = store_.Insert(NewRequest(Day(2026, 6, 1)), Received(Day(2026, 6, 29)));
  const std::string soon_b = store_.Insert(NewRequest(Day(2026, 6, 1)), Received(Day(2026, 6, 29)));
  const std::string waiting = store_.Insert(NewRequest(Day(2026, 6, 2)), Received(std::nullopt));
  const std::string replied = store_.Insert(NewRequest(Day(2026, 5, 4)), Received(Day(2026, 6, 2)));
  Apply(replied, ReplyUpdate(Day(2026, 5, 20), Day(2026, 6, 2)));
  store_.Insert(NewRequest(Day(2026, 5, 4), kOtherAgency, kOtherCity), Received(Day(2026, 6, 2)));

  const std::string first = std::min(soon_a, soon_b);
  const std::string second = std::max(soon_a, soon_b);
  EXPECT_EQ(OpenIds(std::nullopt, "", 10), (std::vector<std::string>{first, second, late, waiting}));

  // Keyset pages of two: each resumes after the last row's (due, id).
  auto page = store_.ListOpen(kAgency, std::nullopt, "", 3);
  ASSERT_EQ(page.size(), 3u);
  EXPECT_EQ(page[1].id, second);
  EXPECT_EQ(OpenIds(page[1].due_on, page[1].id, 3), (std::vector<std::string>{late, waiting}));
  EXPECT_EQ(OpenIds(Day(2026, 6, 29), first, 3), (std::vector<std::string>{second, late, waiting}));
  EXPECT_EQ(OpenIds(kNoDueDate, "", 3), std::vector<std::string>{waiting}) << "no due date sorts as kNoDueDate";
  EXPECT_EQ(OpenIds(kNoDueDate, waiting, 3), std::vector<std::string>{});

  // The rows carry their steps.
  EXPECT_EQ(page[0].steps, std::vector<std::string>{Bytes("received")});
  EXPECT_EQ(store_.ListOpen(kOtherAgency, std::nullopt, "", 10).size(), 1u);
}

TEST_F(RequestStoreTest, CountInMonthCountsTheApplicantsRequestsUpToTheDay) {
  for (Date day : {Day(2026, 5, 31), Day(2026, 6, 1), Day(2026, 6, 15), Day(2026, 6, 30), Day(2026, 7, 1)}) {
    store_.Insert(NewRequest(day), Received(day + std::chrono::days(28)));
  }
  store_.Insert(NewRequest(Day(2026, 6, 10), kAgency, kCity, "key-2"), Received(Day(2026, 7, 8)));
  store_.Insert(NewRequest(Day(2026, 6, 10), kOtherAgency, kOtherCity, "key-1"), Received(Day(2026, 7, 8)));
  EXPECT_EQ(store_.CountInMonth(kAgency, "key-1", Day(2026, 6, 1)), 1);
  EXPECT_EQ(store_.CountInMonth(kAgency, "key-1", Day(2026, 6, 15)), 2);
  EXPECT_EQ(store_.CountInMonth(kAgency, "key-1", Day(2026, 6, 30)), 3);
  EXPECT_EQ(store_.CountInMonth(kAgency, "key-2", Day(2026, 6, 30)), 1);
  EXPECT_EQ(store_.CountInMonth(kOtherAgency, "key-1", Day(2026, 6, 30)), 1);
  EXPECT_EQ(store_.CountInMonth(kAgency, "key-1", Day(2026, 7, 1)), 1);
}

TEST_F(RequestStoreTest, ProvisionalDueDatesAreListedUntilSet) {
  const std::string firm = store_.Insert(NewRequest(Day(2026, 6, 1)), Received(Day(2026, 6, 29)));
  const std::string provisional = store_.Insert(NewRequest(Day(2026, 12, 21)), Received(Day(2027, 1, 19), true));
  EXPECT_EQ(store_.ProvisionalIds(), std::vector<std::string>{provisional});
  store_.SetDue(provisional, Day(2027, 1, 21), false);
  EXPECT_EQ(store_.ProvisionalIds(), std::vector<std::string>{});
  auto got = store_.Get(provisional);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->due_on, Day(2027, 1, 21));
  EXPECT_FALSE(got->due_provisional);
  store_.SetDue(firm, std::nullopt, false);
  EXPECT_EQ(store_.Get(firm)->due_on, std::nullopt);
}

TEST_F(RequestStoreTest, ConsultationIsAnsweredOnceByItsAgency) {
  const std::string id = store_.InsertConsultation(NewConsultation(Day(2026, 6, 1), Day(2026, 6, 8)));
  auto got = store_.GetConsultation(id);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->id, id);
  EXPECT_EQ(got->agency_credit_code, kAgency);
  EXPECT_EQ(got->city_code, kCity);
  EXPECT_EQ(got->channel, 4);
  EXPECT_EQ(got->asked_on, Day(2026, 6, 1));
  EXPECT_EQ(got->question, "行政处罚决定书在哪里可以查询？");
  EXPECT_EQ(got->contact, "13800001111");
  EXPECT_EQ(got->due_on, Day(2026, 6, 8));
  EXPECT_FALSE(got->due_provisional);
  EXPECT_EQ(got->answered_on, std::nullopt);
  EXPECT_EQ(got->answer, "");
  EXPECT_EQ(store_.GetConsultation("no-such-consultation"), std::nullopt);

  EXPECT_EQ(store_.AnswerConsultation(id, kOtherAgency, Day(2026, 6, 3), "答复"), std::nullopt)
      << "another agency's consultation";
  auto answered = store_.AnswerConsultation(id, kAgency, Day(2026, 6, 3), "可在省政务公开平台查询。");
  ASSERT_TRUE(answered.has_value());
  EXPECT_EQ(answered->answered_on, Day(2026, 6, 3));
  EXPECT_EQ(answered->answer, "可在省政务公开平台查询。");
  EXPECT_EQ(store_.AnswerConsultation(id, kAgency, Day(2026, 6, 4), "再次答复"), std::nullopt) << "answered once";
  EXPECT_EQ(store_.GetConsultation(id)->answer, "可在省政务公开平台查询。");
}

TEST_F(RequestStoreTest, OpenConsultationsSoonestDueFirst) {
  const std::string late = store_.InsertConsultation(NewConsultation(Day(2026, 6, 8), Day(2026, 6, 15)));
  const std::string soon_a = store_.InsertConsultation(NewConsultation(Day(2026, 6, 1), Day(2026, 6, 8)));
  const std::string soon_b = store_.InsertConsultation(NewConsultation(Day(2026, 6, 1), Day(2026, 6, 8)));
  const std::string answered = store_.InsertConsultation(NewConsultation(Day(2026, 5, 25), Day(2026, 6, 1)));
  store_.AnswerConsultation(answered, kAgency, Day(2026, 5, 27), "答复");
  store_.InsertConsultation(NewConsultation(Day(2026, 5, 25), Day(2026, 6, 1), kOtherAgency, kOtherCity));
  auto ids = [&](std::optional<Date> after_due, const std::string& after_id, int limit) {
    std::vector<std::string> out;
    for (const auto& c : store_.ListOpenConsultations(kAgency, after_due, after_id, limit)) out.push_back(c.id);
    return out;
  };
  const std::string first = std::min(soon_a, soon_b);
  const std::string second = std::max(soon_a, soon_b);
  EXPECT_EQ(ids(std::nullopt, "", 10), (std::vector<std::string>{first, second, late}));
  EXPECT_EQ(ids(std::nullopt, "", 2), (std::vector<std::string>{first, second}));
  EXPECT_EQ(ids(Day(2026, 6, 8), second, 2), std::vector<std::string>{late});
}

TEST_F(RequestStoreTest, ConsultationDueDatesAreRecomputedUntilAnswered) {
  const std::string provisional = store_.InsertConsultation([] {
    auto c = NewConsultation(Day(2026, 12, 28), Day(2027, 1, 4));
    c.due_provisional = true;
    return c;
  }());
  const std::string answered = store_.InsertConsultation([] {
    auto c = NewConsultation(Day(2026, 12, 28), Day(2027, 1, 4));
    c.due_provisional = true;
    return c;
  }());
  store_.AnswerConsultation(answered, kAgency, Day(2026, 12, 29), "答复");
  EXPECT_EQ(store_.ProvisionalConsultationIds(), std::vector<std::string>{provisional});
  store_.UpdateConsultationDue(provisional, Day(2027, 1, 5), false);
  EXPECT_EQ(store_.ProvisionalConsultationIds(), std::vector<std::string>{});
  auto got = store_.GetConsultation(provisional);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->due_on, Day(2027, 1, 5));
  EXPECT_FALSE(got->due_provisional);
}

TEST_F(RequestStoreTest, RequestFactsOfAYearCityAndAgency) {
  // Received in 2026, in Taiyuan, with a review and a lawsuit recorded after the reply.
  const std::string this_year = store_.Insert(NewRequest(Day(2026, 3, 2)), Received(Day(2026, 3, 30)));
  Apply(this_year, ReplyUpdate(Day(2026, 3, 20), Day(2026, 3, 30)));
  Apply(this_year, StepUpdate("review", 8, "REPLIED", false, Day(2026, 3, 30)));
  Apply(this_year, StepUpdate("review again", 8, "REPLIED", false, Day(2026, 3, 30)));
  Apply(this_year, StepUpdate("lawsuit", 9, "REPLIED", false, Day(2026, 3, 30)));
  // Received in 2025: one still open, one replied in 2026 (both carried into
  // 2026), one replied in 2025.
  store_.Insert(NewRequest(Day(2025, 12, 1)), Received(Day(2025, 12, 29)));
  const std::string replied_later = store_.Insert(NewRequest(Day(2025, 12, 8)), Received(Day(2026, 1, 6)));
  Apply(replied_later, ReplyUpdate(Day(2026, 1, 5), Day(2026, 1, 6)));
  const std::string replied_then = store_.Insert(NewRequest(Day(2025, 10, 9)), Received(Day(2025, 11, 6)));
  Apply(replied_then, ReplyUpdate(Day(2025, 10, 20), Day(2025, 11, 6)));
  // Another city's agency, in 2026.
  store_.Insert(NewRequest(Day(2026, 4, 1), kOtherAgency, kOtherCity), Received(std::nullopt));

  EXPECT_EQ(store_.RequestFactsOf(2026, "", "").size(), 4u);
  EXPECT_EQ(store_.RequestFactsOf(2026, kCity, "").size(), 3u);
  EXPECT_EQ(store_.RequestFactsOf(2026, "", kOtherAgency).size(), 1u);
  EXPECT_EQ(store_.RequestFactsOf(2026, kOtherCity, kAgency).size(), 0u);
  EXPECT_EQ(store_.RequestFactsOf(2025, "", "").size(), 3u);
  EXPECT_EQ(store_.RequestFactsOf(0, "", "").size(), 5u);

  auto facts = store_.RequestFactsOf(2026, "", kAgency);
  auto it =
      std::find_if(facts.begin(), facts.end(), [](const RequestFacts& f) { return f.received_on == Day(2026, 3, 2); });
  ASSERT_NE(it, facts.end());
  EXPECT_EQ(it->agency_credit_code, kAgency);
  EXPECT_EQ(it->city_code, kCity);
  EXPECT_EQ(it->state, "REPLIED");
  EXPECT_FALSE(it->open);
  EXPECT_EQ(it->due_on, Day(2026, 3, 30));
  EXPECT_EQ(it->replied_on, Day(2026, 3, 20));
  EXPECT_EQ(it->outcome, ReplyOutcome::kDisclosed);
  EXPECT_TRUE(it->standardised);
  EXPECT_EQ(it->reviews, 2);
  EXPECT_EQ(it->lawsuits, 1);

  auto other = store_.RequestFactsOf(2026, kOtherCity, "");
  ASSERT_EQ(other.size(), 1u);
  EXPECT_EQ(other[0].due_on, std::nullopt);
  EXPECT_EQ(other[0].replied_on, std::nullopt);
  EXPECT_EQ(other[0].outcome, ReplyOutcome::kUnset);
  EXPECT_EQ(other[0].reviews, 0);
}

TEST_F(RequestStoreTest, ConsultationFactsOfAYearCityAndAgency) {
  const std::string answered = store_.InsertConsultation(NewConsultation(Day(2026, 6, 1), Day(2026, 6, 8)));
  store_.AnswerConsultation(answered, kAgency, Day(2026, 6, 3), "答复");
  store_.InsertConsultation(NewConsultation(Day(2026, 6, 2), Day(2026, 6, 9)));
  store_.InsertConsultation(NewConsultation(Day(2025, 12, 29), Day(2026, 1, 6)));
  store_.InsertConsultation(NewConsultation(Day(2026, 6, 2), Day(2026, 6, 9), kOtherAgency, kOtherCity));

  EXPECT_EQ(store_.ConsultationFactsOf(2026, "", "").size(), 3u);
  EXPECT_EQ(store_.ConsultationFactsOf(2025, "", "").size(), 1u);
  EXPECT_EQ(store_.ConsultationFactsOf(0, "", "").size(), 4u);
  EXPECT_EQ(store_.ConsultationFactsOf(2026, kCity, "").size(), 2u);
  EXPECT_EQ(store_.ConsultationFactsOf(2026, "", kOtherAgency).size(), 1u);

  auto facts = store_.ConsultationFactsOf(2026, kCity, kAgency);
  auto it =
      std::find_if(facts.begin(), facts.end(), [](const ConsultationFacts& c) { return c.answered_on.has_value(); });
  ASSERT_NE(it, facts.end());
  EXPECT_EQ(it->agency_credit_code, kAgency);
  EXPECT_EQ(it->city_code, kCity);
  EXPECT_EQ(it->asked_on, Day(2026, 6, 1));
  EXPECT_EQ(it->due_on, Day(2026, 6, 8));
  EXPECT_EQ(it->answered_on, Day(2026, 6, 3));
}

TEST_F(RequestStoreTest, ResendWithTheSameKeyReturnsTheSameRequest) {
  StoredRequest sent = NewRequest(Day(2026, 6, 10));
  sent.request_key = "desk-7:0001";
  const std::string id = store_.Insert(sent, Received(Day(2026, 7, 9)));
  // A resend that differs is still the request stored first.
  sent.information_requested = "另一项信息";
  EXPECT_EQ(store_.Insert(sent, Received(Day(2026, 7, 9))), id);
  auto got = store_.Get(id);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->request_key, "desk-7:0001");
  EXPECT_EQ(got->information_requested, "2025年度本机关行政处罚案件数量");
  EXPECT_EQ(got->steps.size(), 1u) << "the resend recorded no step";

  // Resends arriving at once: every one gets the same request.
  sent.request_key = "desk-7:0002";
  std::vector<std::string> ids(8);
  std::vector<std::thread> senders;
  for (auto& out : ids) senders.emplace_back([&] { out = store_.Insert(sent, Received(Day(2026, 7, 9))); });
  for (auto& t : senders) t.join();
  EXPECT_NE(ids[0], id);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), ids[0]), 8);
  EXPECT_EQ(store_.ListOpen(kAgency, std::nullopt, "", 100).size(), 2u);
  EXPECT_EQ(store_.Get(ids[0])->steps.size(), 1u);
}

TEST_F(RequestStoreTest, KeysAreUniquePerAgency) {
  StoredRequest ours = NewRequest(Day(2026, 6, 10));
  ours.request_key = "row-17";
  StoredRequest theirs = NewRequest(Day(2026, 6, 10), kOtherAgency, kOtherCity);
  theirs.request_key = "row-17";
  EXPECT_NE(store_.Insert(ours, Received(Day(2026, 7, 9))), store_.Insert(theirs, Received(Day(2026, 7, 9))));
  // Without a key, every registration is a request of its own.
  const StoredRequest keyless = NewRequest(Day(2026, 6, 10));
  EXPECT_NE(store_.Insert(keyless, Received(Day(2026, 7, 9))), store_.Insert(keyless, Received(Day(2026, 7, 9))));
  EXPECT_EQ(store_.ListOpen(kAgency, std::nullopt, "", 100).size(), 3u);
}

TEST_F(RequestStoreTest, ConsultationResendReturnsTheSameConsultation) {
  StoredConsultation sent = NewConsultation(Day(2026, 6, 1), Day(2026, 6, 8));
  sent.request_key = "hotline-42";
  const std::string id = store_.InsertConsultation(sent);
  sent.question = "另一个问题";
  EXPECT_EQ(store_.InsertConsultation(sent), id);
  EXPECT_EQ(store_.GetConsultation(id)->question, "行政处罚决定书在哪里可以查询？");
  EXPECT_EQ(store_.GetConsultation(id)->request_key, "hotline-42");
  StoredConsultation theirs = NewConsultation(Day(2026, 6, 1), Day(2026, 6, 8), kOtherAgency, kOtherCity);
  theirs.request_key = "hotline-42";
  EXPECT_NE(store_.InsertConsultation(theirs), id) << "keys are the agency's own";
  EXPECT_EQ(store_.ListOpenConsultations(kAgency, std::nullopt, "", 100).size(), 1u);
}

// A live request (its clock depends on today) is kept out of the stored
// order, listed apart, and settled only while still live in the state read.
TEST_F(RequestStoreTest, LiveRequestsAreListedApartAndSettledOnce) {
  const std::string plain = store_.Insert(NewRequest(Day(2026, 6, 1)), Received(Day(2026, 6, 29)));
  const std::string waiting = store_.Insert(NewRequest(Day(2026, 6, 2)), Received(Day(2026, 6, 30)));
  RequestUpdate notice = StepUpdate("notice", 1, "AWAITING_CORRECTION", true, std::nullopt);
  notice.live = true;
  EXPECT_TRUE(Apply(waiting, notice).live);

  EXPECT_EQ(OpenIds(std::nullopt, "", 10), std::vector<std::string>{plain});
  auto live = store_.ListOpenLive(kAgency);
  ASSERT_EQ(live.size(), 1u);
  EXPECT_EQ(live[0].id, waiting);
  EXPECT_EQ(live[0].steps.size(), 2u);
  EXPECT_TRUE(store_.ListOpenLive(kOtherAgency).empty());

  auto facts = store_.RequestFactsOf(2026, "", kAgency);
  ASSERT_EQ(facts.size(), 2u);
  for (const auto& f : facts) EXPECT_EQ(f.live, f.id == waiting) << f.id;

  RequestUpdate abandoned = StepUpdate("", 0, "ABANDONED", false, std::nullopt);
  store_.Settle(waiting, "OPEN", abandoned);
  EXPECT_EQ(store_.Get(waiting)->state, "AWAITING_CORRECTION") << "not in the state read: left as it is";
  store_.Settle(waiting, "AWAITING_CORRECTION", abandoned);
  auto settled = store_.Get(waiting);
  EXPECT_EQ(settled->state, "ABANDONED");
  EXPECT_FALSE(settled->open);
  EXPECT_FALSE(settled->live);
  EXPECT_TRUE(store_.ListOpenLive(kAgency).empty());
  EXPECT_EQ(store_.GetAll({waiting, plain, "no-such-request"}).size(), 2u);
}

// ---------------------------------------------------------------- the annual report's facts

v1::Step StepOn(v1::Step::Type type, const std::string& date) {
  v1::Step step;
  step.set_type(type);
  step.set_date(date);
  return step;
}

RequestUpdate UpdateOf(const v1::Step& step, const std::string& state, bool open) {
  RequestUpdate u = StepUpdate("", step.type(), state, open, std::nullopt);
  u.step = step.SerializeAsString();
  return u;
}

TEST_F(RequestStoreTest, RequestFactsNameTheRequestAndWhatANonStandardisedReplyLacks) {
  // Dated by its due date but not standardised, and lacking how to obtain
  // the information: the facts name the first element it lacks.
  v1::ReplyContent lacking;
  lacking.set_outcome(v1::DISCLOSED);
  lacking.set_replied_on("2026-03-20");
  lacking.set_remedy("如不服本答复，可申请行政复议或提起行政诉讼。");
  lacking.set_delivered_by(v1::DELIVERY_EMAIL);
  lacking.set_delivered_on("2026-03-20");
  const std::string on_time = store_.Insert(NewRequest(Day(2026, 3, 2)), Received(Day(2026, 3, 30)));
  RequestUpdate reply = ReplyUpdate(Day(2026, 3, 20), Day(2026, 3, 30));
  reply.reply = lacking.SerializeAsString();
  reply.standardised = false;
  Apply(on_time, reply);
  // Replied after its due date: late, whatever it lacks.
  const std::string late = store_.Insert(NewRequest(Day(2026, 2, 2)), Received(Day(2026, 3, 3)));
  reply.replied_on = Day(2026, 3, 20);
  reply.due_on = Day(2026, 3, 3);
  Apply(late, reply);
  // Standardised: nothing read.
  const std::string standardised = store_.Insert(NewRequest(Day(2026, 3, 2)), Received(Day(2026, 3, 30)));
  reply.due_on = Day(2026, 3, 30);
  reply.standardised = true;
  Apply(standardised, reply);

  std::map<std::string, std::string> lacks;
  for (const auto& f : store_.RequestFactsOf(2026, "", "")) lacks[f.id] = f.reply_lacks;
  EXPECT_EQ(lacks,
            (std::map<std::string, std::string>{{on_time, "reply.how_to_obtain"}, {late, ""}, {standardised, ""}}));
}

TEST_F(RequestStoreTest, ConsultationFactsNameTheConsultation) {
  const std::string id = store_.InsertConsultation(NewConsultation(Day(2026, 6, 1), Day(2026, 6, 8)));
  const auto facts = store_.ConsultationFactsOf(2026, "", "");
  ASSERT_EQ(facts.size(), 1u);
  EXPECT_EQ(facts[0].id, id);
}

TEST_F(RequestStoreTest, OpenRequestsOfAYearCityAndAgencyComeWithTheirStepsAndNoApplicant) {
  const std::string open = store_.Insert(NewRequest(Day(2026, 3, 2)), Received(Day(2026, 3, 30)));
  Apply(open, StepUpdate("extension", 4, "OPEN", true, Day(2026, 4, 28)));
  const std::string replied = store_.Insert(NewRequest(Day(2026, 3, 2)), Received(Day(2026, 3, 30)));
  Apply(replied, ReplyUpdate(Day(2026, 3, 20), Day(2026, 3, 30)));
  const std::string last_year = store_.Insert(NewRequest(Day(2025, 12, 1)), Received(Day(2025, 12, 29)));
  const std::string other =
      store_.Insert(NewRequest(Day(2026, 4, 1), kOtherAgency, kOtherCity), Received(Day(2026, 4, 29)));

  auto ids = [](const std::vector<StoredRequest>& rows) {
    std::vector<std::string> out;
    for (const auto& r : rows) out.push_back(r.id);
    return out;
  };
  std::vector<std::string> both = {open, other};
  std::sort(both.begin(), both.end());
  EXPECT_EQ(ids(store_.OpenRequestsReceivedIn(2026, "", "")), both);
  EXPECT_EQ(ids(store_.OpenRequestsReceivedIn(2025, "", "")), std::vector<std::string>{last_year});
  EXPECT_EQ(store_.OpenRequestsReceivedIn(0, "", "").size(), 3u);
  EXPECT_EQ(ids(store_.OpenRequestsReceivedIn(2026, kCity, "")), std::vector<std::string>{open});
  EXPECT_EQ(ids(store_.OpenRequestsReceivedIn(2026, "", kOtherAgency)), std::vector<std::string>{other});
  EXPECT_TRUE(store_.OpenRequestsReceivedIn(2026, kOtherCity, kAgency).empty());

  const auto rows = store_.OpenRequestsReceivedIn(2026, kCity, kAgency);
  ASSERT_EQ(rows.size(), 1u);
  const StoredRequest& r = rows[0];
  EXPECT_EQ(r.agency_credit_code, kAgency);
  EXPECT_EQ(r.city_code, kCity);
  EXPECT_EQ(r.channel, 4);
  EXPECT_EQ(r.received_on, Day(2026, 3, 2));
  EXPECT_EQ(r.state, "OPEN");
  EXPECT_EQ(r.due_on, Day(2026, 4, 28));
  EXPECT_EQ(r.steps, (std::vector<std::string>{Bytes("received"), Bytes("extension")}));
  EXPECT_TRUE(r.applicant.empty());
  EXPECT_TRUE(r.applicant_name.empty());
  EXPECT_TRUE(r.applicant_key.empty());
  EXPECT_TRUE(r.information_requested.empty());
}

TEST_F(RequestStoreTest, ReportFactsReadTheApplicantsColumnAndTheRepliesRow) {
  v1::Applicant applicant;
  applicant.set_kind(v1::Applicant::LEGAL_PERSON);
  applicant.set_name("山西某某研究院");
  applicant.set_category(v1::Applicant::RESEARCH_INSTITUTION);
  StoredRequest r = NewRequest(Day(2026, 3, 2));
  r.applicant = applicant.SerializeAsString();
  const std::string id = store_.Insert(r, Received(Day(2026, 3, 30)));
  v1::ReplyContent content;
  content.set_outcome(v1::NOT_DISCLOSED);
  content.set_report_reason(v1::THIRD_PARTY_RIGHTS);
  RequestUpdate reply = ReplyUpdate(Day(2026, 3, 20), Day(2026, 3, 30));
  reply.reply = content.SerializeAsString();
  reply.outcome = v1::NOT_DISCLOSED;
  Apply(id, reply);
  // A later step that is not a reply keeps the reason.
  Apply(id, UpdateOf(StepOn(v1::Step::REVIEW_FILED, "2026-04-01"), "REPLIED", false));

  const auto facts = store_.RequestFactsOf(2026, "", "");
  ASSERT_EQ(facts.size(), 1u);
  EXPECT_EQ(facts[0].applicant_kind, Applicant::Kind::kLegalPerson);
  EXPECT_EQ(facts[0].applicant_category, ApplicantCategory::kResearchInstitution);
  EXPECT_EQ(facts[0].report_reason, ReportReason::kThirdPartyRights);
}

TEST_F(RequestStoreTest, WithdrawnAndAbandonedAreCarriedInUntilTheYearTheyFinished) {
  // Received in 2025: withdrawn in 2026, withdrawn in 2025, abandoned by the
  // platform on its correction due date in 2026.
  const std::string withdrawn_later = store_.Insert(NewRequest(Day(2025, 12, 1)), Received(Day(2025, 12, 29)));
  Apply(withdrawn_later, UpdateOf(StepOn(v1::Step::WITHDRAWN, "2026-01-05"), "WITHDRAWN", false));
  const std::string withdrawn_then = store_.Insert(NewRequest(Day(2025, 11, 3)), Received(Day(2025, 12, 1)));
  Apply(withdrawn_then, UpdateOf(StepOn(v1::Step::WITHDRAWN, "2025-11-10"), "WITHDRAWN", false));
  const std::string abandoned = store_.Insert(NewRequest(Day(2025, 12, 15)), Received(Day(2026, 1, 13)));
  v1::Step notice = StepOn(v1::Step::CORRECTION_NOTICE, "2025-12-17");
  notice.set_correction_due("2026-01-09");
  RequestUpdate waiting = UpdateOf(notice, "AWAITING_CORRECTION", true);
  waiting.live = true;
  Apply(abandoned, waiting);
  store_.Settle(abandoned, "AWAITING_CORRECTION", StepUpdate("", 0, "ABANDONED", false, std::nullopt));

  auto facts = store_.RequestFactsOf(2026, "", "");
  ASSERT_EQ(facts.size(), 2u);
  std::sort(facts.begin(), facts.end(), [](const auto& a, const auto& b) { return a.received_on < b.received_on; });
  EXPECT_EQ(facts[0].id, withdrawn_later);
  EXPECT_EQ(facts[0].closing_step_on, Day(2026, 1, 5));
  EXPECT_EQ(FinishedOn(facts[0]), Day(2026, 1, 5));
  EXPECT_EQ(facts[1].id, abandoned);
  EXPECT_EQ(facts[1].closing_step_on, std::nullopt);
  EXPECT_EQ(FinishedOn(facts[1]), Day(2026, 1, 9));
  EXPECT_EQ(store_.RequestFactsOf(2025, "", "").size(), 3u);
}

TEST_F(RequestStoreTest, LegalFactsPairEachDecisionWithItsFiling) {
  const std::string id = store_.Insert(NewRequest(Day(2026, 3, 2)), Received(Day(2026, 3, 30)));
  Apply(id, ReplyUpdate(Day(2026, 3, 20), Day(2026, 3, 30)));
  Apply(id, UpdateOf(StepOn(v1::Step::REVIEW_FILED, "2026-04-01"), "REPLIED", false));
  v1::Step decided = StepOn(v1::Step::REVIEW_DECIDED, "2026-05-06");
  decided.set_legal_outcome(v1::Step::CORRECTED);
  Apply(id, UpdateOf(decided, "REPLIED", false));
  v1::Step lawsuit = StepOn(v1::Step::LAWSUIT_FILED, "2026-05-20");
  lawsuit.set_after_review(true);
  Apply(id, UpdateOf(lawsuit, "REPLIED", false));
  const std::string other =
      store_.Insert(NewRequest(Day(2026, 3, 2), kOtherAgency, kOtherCity), Received(std::nullopt));
  Apply(other, ReplyUpdate(Day(2026, 3, 20), std::nullopt));
  Apply(other, UpdateOf(StepOn(v1::Step::LAWSUIT_FILED, "2026-04-01"), "REPLIED", false));
  store_.Insert(NewRequest(Day(2026, 3, 3)), Received(Day(2026, 3, 31)));  // none

  EXPECT_EQ(store_.LegalFactsOf("", "").size(), 2u);
  EXPECT_EQ(store_.LegalFactsOf(kOtherCity, "").size(), 1u);
  const auto mine = store_.LegalFactsOf(kCity, kAgency);
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].agency_credit_code, kAgency);
  EXPECT_EQ(mine[0].city_code, kCity);
  ASSERT_EQ(mine[0].cases.size(), 2u);
  EXPECT_EQ(mine[0].cases[0].kind, StepType::kReviewFiled);
  EXPECT_EQ(mine[0].cases[0].filed_on, Day(2026, 4, 1));
  EXPECT_EQ(mine[0].cases[0].decided_on, Day(2026, 5, 6));
  EXPECT_EQ(mine[0].cases[0].outcome, LegalOutcome::kCorrected);
  EXPECT_EQ(mine[0].cases[1].kind, StepType::kLawsuitFiled);
  EXPECT_TRUE(mine[0].cases[1].after_review);
  EXPECT_EQ(mine[0].cases[1].decided_on, std::nullopt);
}

}  // namespace
}  // namespace gongkai::requests
