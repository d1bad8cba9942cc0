// The public-request desk end to end with the 2026 calendar: requests through
// their legal clock (correction, consultation across National Day,
// extension), replies with their required elements, consultations, the KPIs.
// Every date is fixed in 2026, before the day these tests were written, so
// the expected due dates are counted by hand here.
#include <gtest/gtest.h>

#include <set>

#include "gongkai/registry/v1/registry.grpc.pb.h"
#include "gongkai/requests/v1/requests.grpc.pb.h"
#include "tests/e2e/platform.h"

namespace gongkai {
namespace {

using requests::v1::RequestsService;
using requests::v1::Step;

class RequestsEndToEnd : public testing::PlatformTest {
 protected:
  void SetUp() override {
    PlatformTest::SetUp();
    for (int n : {1, 2}) AddAgency(testing::Platform::DeskAgency(n), n);
  }

  void AddAgency(const std::string& code, int n) {
    registry::v1::UpsertAgenciesRequest request;
    auto* a = request.add_agencies();
    a->set_credit_code(code);
    a->set_name("政府信息公开办公室" + std::to_string(n));
    a->set_legal_representative("吴某");
    a->set_area_code("140100");
    a->set_contact("0351-4444444");
    a->add_domains("other");
    a->set_valid_from("2026-01-01");
    a->set_valid_until("2030-12-31");
    a->set_source_version(1);
    registry::v1::UpsertAgenciesResponse response;
    ASSERT_TRUE(Call("city-140100", &registry::v1::RegistryService::Stub::UpsertAgencies, request, &response).ok());
  }

  requests::v1::RequestView Register(const std::string& received_on, const std::string& desk = "desk") {
    requests::v1::RegisterRequestRequest request;
    request.set_channel(requests::v1::ONLINE);
    request.set_received_on(received_on);
    auto* a = request.mutable_applicant();
    a->set_kind(requests::v1::Applicant::NATURAL_PERSON);
    a->set_name("李四");
    a->set_phone("13800001111");
    request.set_information_requested("2025年度本机关行政处罚案件数量及罚没金额");
    request.set_delivery(requests::v1::DELIVERY_EMAIL);
    requests::v1::RequestView view;
    grpc::Status status = Call(desk, &RequestsService::Stub::RegisterRequest, request, &view);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return view;
  }

  grpc::Status Step(const std::string& id, const requests::v1::Step& step, requests::v1::RequestView* view) {
    requests::v1::RecordStepRequest request;
    request.set_request_id(id);
    *request.mutable_step() = step;
    return Call("desk", &RequestsService::Stub::RecordStep, request, view);
  }

  static requests::v1::Step MakeStep(requests::v1::Step::Type type, const std::string& date) {
    requests::v1::Step s;
    s.set_type(type);
    s.set_date(date);
    return s;
  }

  static requests::v1::ReplyContent Disclosed(const std::string& on) {
    requests::v1::ReplyContent r;
    r.set_outcome(requests::v1::DISCLOSED);
    r.set_replied_on(on);
    r.set_how_to_obtain("见附件《2025年度行政处罚统计表》");
    r.set_remedy(
        "如不服本答复，可自收到之日起60日内向太原市人民政府申请行政复议，或6个月内向小店区人民法院提起行政诉讼。");
    r.set_delivered_by(requests::v1::DELIVERY_EMAIL);
    r.set_delivered_on(on);
    return r;
  }

  grpc::Status Reply(const std::string& id, const requests::v1::ReplyContent& reply, requests::v1::RequestView* view,
                     const std::string& desk = "desk") {
    requests::v1::ReplyRequest request;
    request.set_request_id(id);
    *request.mutable_reply() = reply;
    return Call(desk, &RequestsService::Stub::Reply, request, view);
  }
};

TEST_F(RequestsEndToEnd, RequestsRunOnTheirLegalClock) {
  requests::v1::RequestView view;

  // Received Mon 2026-11-02 online: due 20 WD later, Mon 11-30; replied 11-20.
  auto plain = Register("2026-11-02");
  EXPECT_EQ(plain.due(), "2026-11-30");
  EXPECT_EQ(plain.state(), "OPEN");
  ASSERT_TRUE(Reply(plain.request_id(), Disclosed("2026-11-20"), &view).ok());
  EXPECT_EQ(view.state(), "REPLIED");
  EXPECT_TRUE(view.standardised_reply());
  EXPECT_EQ(view.desk_state(), requests::v1::CLOSED);
  EXPECT_EQ(view.extension_refusal(), requests::v1::RequestView::REQUEST_CLOSED);

  // Corrected: the clock restarts from the corrected request (Tue 10-20): due Tue 11-17.
  auto corrected = Register("2026-10-12");
  auto notice = MakeStep(Step::CORRECTION_NOTICE, "2026-10-14");
  notice.set_correction_due("2026-10-23");
  ASSERT_TRUE(Step(corrected.request_id(), notice, &view).ok());
  // Recorded after the correction date (10-23) passed, with no correction yet:
  // abandoned by the platform on that date (Art. 30) ...
  EXPECT_EQ(view.state(), "ABANDONED");
  // ... until the corrected request, received on 10-20 and recorded late, reopens it.
  ASSERT_TRUE(Step(corrected.request_id(), MakeStep(Step::CORRECTED_RECEIVED, "2026-10-20"), &view).ok());
  EXPECT_EQ(view.clock_start(), "2026-10-20");
  EXPECT_EQ(view.due(), "2026-11-17");
  // Explained day by day: the days before the correction do not count, the
  // corrected request restarts the clock, the due date ends it.
  for (const auto& day : view.explanation().days()) {
    EXPECT_EQ(day.before_correction(), day.date() > "2026-10-12" && day.date() < "2026-10-20") << day.date();
    EXPECT_EQ(day.status() == gongkai::common::v1::ExplainedDay::RESTART, day.date() == "2026-10-20") << day.date();
    EXPECT_FALSE(day.corrected_on_receipt()) << day.date();
    EXPECT_EQ(day.due_day(), day.date() == "2026-11-17") << day.date();
  }
  // Replied two working days late: not a standardised reply.
  ASSERT_TRUE(Reply(corrected.request_id(), Disclosed("2026-11-19"), &view).ok());
  EXPECT_FALSE(view.standardised_reply());

  // Paused by a consultation across National Day: received Mon 09-21, due
  // 10-26 without the pause; consulted 09-24 to 10-12, which holds 7 working
  // days (09-28, 09-29, 09-30, 10-08, 10-09, Sat 10-10 make-up, 10-12), so due Wed 11-04.
  auto paused = Register("2026-09-21");
  EXPECT_EQ(paused.due(), "2026-10-26");
  auto consult = MakeStep(Step::CONSULTATION_STARTED, "2026-09-24");
  consult.set_consultation_id("third-party-1");
  consult.set_consulted_party("涉及商业秘密的第三方企业");
  ASSERT_TRUE(Step(paused.request_id(), consult, &view).ok());
  auto answered = MakeStep(Step::CONSULTATION_ANSWERED, "2026-10-12");
  answered.set_consultation_id("third-party-1");
  ASSERT_TRUE(Step(paused.request_id(), answered, &view).ok());
  EXPECT_EQ(view.paused_working_days(), 7);
  EXPECT_EQ(view.due(), "2026-11-04");
  int paused_days = 0;
  for (const auto& day : view.explanation().days()) {
    if (day.status() != gongkai::common::v1::ExplainedDay::PAUSED) continue;
    ++paused_days;
    EXPECT_EQ(day.consultation_id(), "third-party-1") << day.date();
  }
  EXPECT_EQ(paused_days, 7) << "each paused working day names its consultation";
  ASSERT_TRUE(Reply(paused.request_id(), Disclosed("2026-11-03"), &view).ok());
  EXPECT_TRUE(view.standardised_reply());

  // Extended once by 20 WD: received Thu 10-08, due Wed 11-04, extended to Wed 12-02.
  auto extended = Register("2026-10-08");
  EXPECT_EQ(extended.due(), "2026-11-04");
  auto extension = MakeStep(Step::EXTENSION, "2026-10-30");
  extension.set_extension_working_days(20);
  extension.set_approver("办公室主任王某");
  extension.set_notice_date("2026-10-30");
  ASSERT_TRUE(Step(extended.request_id(), extension, &view).ok());
  EXPECT_EQ(view.due(), "2026-12-02");
  EXPECT_EQ(view.limit_working_days(), 40);
  // A second extension is impossible, and the view says so before it is tried.
  EXPECT_EQ(view.extension_refusal(), requests::v1::RequestView::ALREADY_EXTENDED);
  EXPECT_NE(view.extension_refusal_reason().find("a second extension"), std::string::npos)
      << view.extension_refusal_reason();
  grpc::Status second = Step(extended.request_id(), extension, &view);
  EXPECT_EQ(second.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(second.error_message().find("a second extension"), std::string::npos) << second.error_message();
  ASSERT_TRUE(Reply(extended.request_id(), Disclosed("2026-11-27"), &view).ok());
  EXPECT_TRUE(view.standardised_reply());

  // Overdue: received Tue 09-01, due Tue 09-29, never answered.
  auto overdue = Register("2026-09-01");
  ASSERT_TRUE(Call(
                  "desk", &RequestsService::Stub::GetRequest,
                  [&] {
                    requests::v1::GetRequestRequest r;
                    r.set_request_id(overdue.request_id());
                    return r;
                  }(),
                  &view)
                  .ok());
  EXPECT_EQ(view.due(), "2026-09-29");
  EXPECT_EQ(view.state(), "OPEN");
  EXPECT_EQ(view.desk_state(), requests::v1::VERY_OVERDUE);
  EXPECT_LT(view.working_days_left(), -20);
  // Past its due date an extension would extend nothing (Art. 33).
  EXPECT_EQ(view.extension_refusal(), requests::v1::RequestView::PAST_DUE);
  EXPECT_NE(view.extension_refusal_reason().find("after the reply period ended on 2026-09-29"), std::string::npos)
      << view.extension_refusal_reason();

  // The desk's open list: only the open one, soonest due first.
  requests::v1::ListOpenRequestsResponse open;
  ASSERT_TRUE(
      Call("desk", &RequestsService::Stub::ListOpenRequests, requests::v1::ListOpenRequestsRequest(), &open).ok());
  ASSERT_EQ(open.requests_size(), 1);
  EXPECT_EQ(open.requests(0).request_id(), overdue.request_id());

  // Consultations: one answered in 3 WD, one never (due 5 WD after 11-02: 11-09).
  requests::v1::RegisterConsultationRequest ask;
  ask.set_asked_on("2026-11-02");
  ask.set_channel(requests::v1::ONLINE);
  ask.set_question("行政处罚决定书在哪里可以查询？");
  requests::v1::ConsultationView c1, c2;
  ASSERT_TRUE(Call("desk", &RequestsService::Stub::RegisterConsultation, ask, &c1).ok());
  ASSERT_TRUE(Call("desk", &RequestsService::Stub::RegisterConsultation, ask, &c2).ok());
  EXPECT_EQ(c1.due(), "2026-11-09");
  requests::v1::AnswerConsultationRequest answer;
  answer.set_consultation_id(c1.consultation_id());
  answer.set_answered_on("2026-11-05");
  answer.set_answer("可在省政务公开平台“行政处罚”栏目查询。");
  ASSERT_TRUE(Call("desk", &RequestsService::Stub::AnswerConsultation, answer, &c1).ok());
  EXPECT_EQ(c1.status(), "ON_TIME");

  // The KPIs, counted by hand: 5 requests due, 3 standardised (the corrected
  // one was late, the overdue one unanswered); 2 consultations due, 1 on time.
  requests::v1::GetStatisticsRequest stats_request;
  stats_request.set_year(2026);
  requests::v1::GetStatisticsResponse stats;
  ASSERT_TRUE(Call("province", &RequestsService::Stub::GetStatistics, stats_request, &stats).ok());
  EXPECT_DOUBLE_EQ(stats.standardised_reply_rate(), 3.0 / 5.0);
  EXPECT_DOUBLE_EQ(stats.consultation_response_rate(), 0.5);
  ASSERT_EQ(stats.agencies_size(), 1);
  EXPECT_EQ(stats.agencies(0).received(), 5);
  EXPECT_EQ(stats.agencies(0).replied_by_outcome().at("DISCLOSED"), 4);
  EXPECT_EQ(stats.agencies(0).due(), 5);
  EXPECT_EQ(stats.agencies(0).standardised_replies(), 3);
  std::string metrics = testing::HttpGet(platform_->service("requests").ports.metrics, "/metrics");
  // The same counts as the year's gauges (the ratios are Prometheus'
  // recording rules), and each deadline rule's own: replied, or past due,
  // by the due date.
  for (const std::string sample : {
           "gongkai_kpi_records_due{city=\"140100\",kpi=\"standardised_reply_rate\",rule=\"request_reply\"} 5",
           "gongkai_kpi_records_met{city=\"140100\",kpi=\"standardised_reply_rate\",rule=\"request_reply\"} 3",
           "gongkai_kpi_records_due{city=\"140100\",kpi=\"consultation_response_rate\",rule=\"consultation\"} 2",
           "gongkai_kpi_records_met{city=\"140100\",kpi=\"consultation_response_rate\",rule=\"consultation\"} 1",
           "gongkai_deadline_records_due{city=\"140100\",kind=\"request_reply\"} 5",
           "gongkai_deadline_records_met{city=\"140100\",kind=\"request_reply\"} 3",
           "gongkai_deadline_records_due{city=\"140100\",kind=\"consultation\"} 2",
           "gongkai_deadline_records_met{city=\"140100\",kind=\"consultation\"} 1",
       }) {
    EXPECT_NE(metrics.find(sample), std::string::npos) << sample << "\n" << metrics;
  }
  EXPECT_EQ(metrics.find("gongkai_kpi_ratio"), std::string::npos) << "ratios are recording rules now";
  EXPECT_NE(metrics.find("gongkai_disclosures_overdue{city=\"140100\",kind=\"request\"} 1"), std::string::npos);
  EXPECT_NE(metrics.find("gongkai_disclosures_overdue{city=\"140100\",kind=\"consultation\"} 1"), std::string::npos);
  // No applicant data in what Prometheus sees.
  EXPECT_EQ(metrics.find("李四"), std::string::npos);
}

TEST_F(RequestsEndToEnd, ReplyMissingWhatItsOutcomeNeedsIsRefused) {
  auto request = Register("2026-11-16");
  auto partly = Disclosed("2026-11-20");
  partly.set_outcome(requests::v1::PARTLY_DISCLOSED);
  partly.set_withheld_parts("涉及个人隐私的当事人信息");
  requests::v1::RequestView view;
  grpc::Status status = Reply(request.request_id(), partly, &view);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_details().find("reply.withheld_reason"), std::string::npos);
  // Nothing was recorded: the request is still open.
  requests::v1::GetRequestRequest get;
  get.set_request_id(request.request_id());
  ASSERT_TRUE(Call("desk", &RequestsService::Stub::GetRequest, get, &view).ok());
  EXPECT_EQ(view.state(), "OPEN");

  partly.set_withheld_reason("依据《政府信息公开条例》第十五条，涉及个人隐私，不予公开。");
  partly.set_fee_scheme(requests::v1::PER_PAGE);
  partly.set_fee_pages(31);
  ASSERT_TRUE(Reply(request.request_id(), partly, &view).ok());
  EXPECT_EQ(view.reply().fee_fen(), 1000);  // page 31 at 10 yuan

  // A step on a closed request, and a reply before receipt, are impossible.
  EXPECT_EQ(Step(request.request_id(), MakeStep(Step::WITHDRAWN, "2026-11-21"), &view).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  auto other = Register("2026-11-16");
  EXPECT_EQ(Reply(other.request_id(), Disclosed("2026-11-10"), &view).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(RequestsEndToEnd, DeskSeesOnlyItsAgencysRequests) {
  auto mine = Register("2026-11-16");
  requests::v1::GetRequestRequest get;
  get.set_request_id(mine.request_id());
  requests::v1::RequestView view;
  EXPECT_EQ(Call("desk-2", &RequestsService::Stub::GetRequest, get, &view).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Reply(mine.request_id(), Disclosed("2026-11-20"), &view, "desk-2").error_code(),
            grpc::StatusCode::NOT_FOUND);
  requests::v1::ListOpenRequestsResponse open;
  ASSERT_TRUE(
      Call("desk-2", &RequestsService::Stub::ListOpenRequests, requests::v1::ListOpenRequestsRequest(), &open).ok());
  EXPECT_EQ(open.requests_size(), 0);
  // A city system is not a desk; the public cannot register requests.
  EXPECT_EQ(Call("city-140100", &RequestsService::Stub::GetRequest, get, &view).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Call("", &RequestsService::Stub::GetRequest, get, &view).error_code(), grpc::StatusCode::UNAUTHENTICATED);

  // The province sees statistics, never applicants.
  requests::v1::GetStatisticsRequest stats_request;
  stats_request.set_year(2026);
  requests::v1::GetStatisticsResponse stats;
  ASSERT_TRUE(Call("province", &RequestsService::Stub::GetStatistics, stats_request, &stats).ok());
  EXPECT_EQ(stats.SerializeAsString().find("李四"), std::string::npos);
  EXPECT_EQ(stats.agencies(0).received(), 1);
  // Another city sees none of Taiyuan's.
  ASSERT_TRUE(Call("city-140200", &RequestsService::Stub::GetStatistics, stats_request, &stats).ok());
  EXPECT_EQ(stats.agencies_size(), 0);
}

}  // namespace
}  // namespace gongkai
