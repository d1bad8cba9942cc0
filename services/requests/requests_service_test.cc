// The request desk's adapter in process: a real gRPC client against the
// service on a free port, with an in-memory store and registry behind it and
// the clock pinned to Monday 2026-06-15.
#include "services/requests/requests_service.h"

#include <gtest/gtest.h>
#include <prometheus/metric_family.h>

#include <algorithm>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "common/errors.h"
#include "common/paging.h"
#include "common/testing/adapter.h"
#include "common/testing/dates.h"
#include "services/requests/request.h"
#include "services/requests/request_desk.h"
#include "services/requests/requests_gauges.h"
#include "services/requests/requests_mapping.h"

namespace gongkai::requests {
namespace {

using common::Date;
using v1::Step;

constexpr char kAgency[] = "11140100MB0000001G";       // Taiyuan
constexpr char kOtherAgency[] = "11140200MB0000002Q";  // Datong
constexpr char kUnregistered[] = "11140100MB0000009Z";
constexpr char kCity[] = "140100";
constexpr char kOtherCity[] = "140200";
constexpr char kApplicantKeySecret[] = "requests-service-test-applicant-key-secret-0123456789";

using gongkai::testing::Day;

// The store, in memory, with the PostgreSQL store's semantics as far as the
// adapter relies on them.
class FakeRequestStore final : public RequestStore {
 public:
  std::string Insert(const StoredRequest& request, const RequestUpdate& first) override {
    std::lock_guard lock(mutex_);
    for (const auto& [id, r] : requests_) {
      if (!request.request_key.empty() && r.agency_credit_code == request.agency_credit_code &&
          r.request_key == request.request_key) {
        return id;
      }
    }
    StoredRequest r = request;
    r.id = NextId("request");
    r.steps.clear();
    Apply(r, first);
    requests_[r.id] = r;
    return r.id;
  }

  std::optional<StoredRequest> Get(const std::string& id) override {
    std::lock_guard lock(mutex_);
    auto it = requests_.find(id);
    if (it == requests_.end()) return std::nullopt;
    return it->second;
  }

  std::vector<StoredRequest> GetAll(const std::vector<std::string>& ids) override {
    if (auto hook = std::exchange(before_get_all, nullptr)) hook();  // once
    std::lock_guard lock(mutex_);
    std::vector<StoredRequest> out;
    for (const auto& id : ids) {
      if (auto it = requests_.find(id); it != requests_.end()) out.push_back(it->second);
    }
    return out;
  }

  std::optional<StoredRequest> Update(const std::string& id,
                                      const std::function<RequestUpdate(const StoredRequest&)>& decide) override {
    std::lock_guard lock(mutex_);
    auto it = requests_.find(id);
    if (it == requests_.end()) return std::nullopt;
    StoredRequest r = it->second;
    Apply(r, decide(r));
    it->second = r;
    return r;
  }

  std::vector<StoredRequest> ListOpen(const std::string& agency, std::optional<Date> after_due,
                                      const std::string& after_id, int limit) override {
    std::lock_guard lock(mutex_);
    std::vector<StoredRequest> out;
    for (const auto& [id, r] : requests_) {
      if (r.agency_credit_code != agency || !r.open || r.live) continue;
      if (after_due && std::tuple(r.due_on.value_or(kNoDueDate), r.id) <= std::tuple(*after_due, after_id)) continue;
      out.push_back(r);
    }
    std::sort(out.begin(), out.end(), [](const StoredRequest& a, const StoredRequest& b) {
      return std::tuple(a.due_on.value_or(kNoDueDate), a.id) < std::tuple(b.due_on.value_or(kNoDueDate), b.id);
    });
    if (static_cast<int>(out.size()) > limit) out.resize(limit);
    return out;
  }

  std::vector<StoredRequest> ListOpenLive(const std::string& agency) override {
    std::lock_guard lock(mutex_);
    std::vector<StoredRequest> out;
    for (const auto& [id, r] : requests_) {
      if (r.agency_credit_code == agency && r.open && r.live) out.push_back(r);
    }
    return out;
  }

  void Settle(const std::string& id, const std::string& state_read, const RequestUpdate& now) override {
    std::lock_guard lock(mutex_);
    StoredRequest& r = requests_.at(id);
    if (!r.live || r.state != state_read) return;
    r.state = now.state;
    r.open = now.open;
    r.due_on = now.due_on;
    r.due_provisional = now.due_provisional;
    r.live = now.live;
  }

  int CountInMonth(const std::string& agency, const std::string& applicant_key, Date received_on) override {
    std::lock_guard lock(mutex_);
    const std::chrono::year_month_day day{received_on};
    int n = 0;
    for (const auto& [id, r] : requests_) {
      const std::chrono::year_month_day received{r.received_on};
      if (r.agency_credit_code == agency && r.applicant_key == applicant_key && received.year() == day.year() &&
          received.month() == day.month() && r.received_on <= received_on) {
        ++n;
      }
    }
    return n;
  }

  std::vector<std::string> ProvisionalIds() override {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    for (const auto& [id, r] : requests_) {
      if (r.due_provisional) out.push_back(id);
    }
    return out;
  }

  void SetDue(const std::string& id, std::optional<Date> due_on, bool provisional) override {
    std::lock_guard lock(mutex_);
    requests_.at(id).due_on = due_on;
    requests_.at(id).due_provisional = provisional;
  }

  std::string InsertConsultation(const StoredConsultation& consultation) override {
    std::lock_guard lock(mutex_);
    for (const auto& [id, c] : consultations_) {
      if (!consultation.request_key.empty() && c.agency_credit_code == consultation.agency_credit_code &&
          c.request_key == consultation.request_key) {
        return id;
      }
    }
    StoredConsultation c = consultation;
    c.id = NextId("consultation");
    consultations_[c.id] = c;
    return c.id;
  }

  std::optional<StoredConsultation> AnswerConsultation(const std::string& id, const std::string& agency,
                                                       Date answered_on, const std::string& answer) override {
    std::lock_guard lock(mutex_);
    auto it = consultations_.find(id);
    if (it == consultations_.end() || it->second.agency_credit_code != agency || it->second.answered_on) {
      return std::nullopt;
    }
    it->second.answered_on = answered_on;
    it->second.answer = answer;
    return it->second;
  }

  std::optional<StoredConsultation> GetConsultation(const std::string& id) override {
    std::lock_guard lock(mutex_);
    auto it = consultations_.find(id);
    if (it == consultations_.end()) return std::nullopt;
    return it->second;
  }

  std::vector<StoredConsultation> ListOpenConsultations(const std::string& agency, std::optional<Date> after_due,
                                                        const std::string& after_id, int limit) override {
    std::lock_guard lock(mutex_);
    std::vector<StoredConsultation> out;
    for (const auto& [id, c] : consultations_) {
      if (c.agency_credit_code != agency || c.answered_on) continue;
      if (after_due && std::tuple(c.due_on, c.id) <= std::tuple(*after_due, after_id)) continue;
      out.push_back(c);
    }
    std::sort(out.begin(), out.end(), [](const StoredConsultation& a, const StoredConsultation& b) {
      return std::tuple(a.due_on, a.id) < std::tuple(b.due_on, b.id);
    });
    if (static_cast<int>(out.size()) > limit) out.resize(limit);
    return out;
  }

  void UpdateConsultationDue(const std::string& id, Date due_on, bool provisional) override {
    std::lock_guard lock(mutex_);
    consultations_.at(id).due_on = due_on;
    consultations_.at(id).due_provisional = provisional;
  }

  std::vector<std::string> ProvisionalConsultationIds() override {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    for (const auto& [id, c] : consultations_) {
      if (c.due_provisional && !c.answered_on) out.push_back(id);
    }
    return out;
  }

  std::vector<StoredRequestFacts> RequestFactsOf(int year, const std::string& city,
                                                 const std::string& agency) override {
    std::lock_guard lock(mutex_);
    std::vector<StoredRequestFacts> out;
    for (const auto& [id, r] : requests_) {
      const int received = static_cast<int>(std::chrono::year_month_day(r.received_on).year());
      const int replied = r.replied_on ? static_cast<int>(std::chrono::year_month_day(*r.replied_on).year()) : 0;
      const bool finished = r.state == "WITHDRAWN" || r.state == "ABANDONED";
      const bool in_year =
          year == 0 || received == year || (received < year && (r.open || replied >= year || finished));
      if (!in_year || (!city.empty() && r.city_code != city) || (!agency.empty() && r.agency_credit_code != agency)) {
        continue;
      }
      StoredRequestFacts f;
      f.id = id;
      f.live = r.live;
      f.agency_credit_code = r.agency_credit_code;
      f.city_code = r.city_code;
      f.received_on = r.received_on;
      f.state = r.state;
      f.open = r.open;
      f.due_on = r.due_on;
      f.replied_on = r.replied_on;
      f.outcome = static_cast<ReplyOutcome>(r.outcome);
      f.standardised = r.standardised;
      for (int type : step_types_.at(id)) {
        f.reviews += type == Step::REVIEW_FILED ? 1 : 0;
        f.lawsuits += type == Step::LAWSUIT_FILED ? 1 : 0;
      }
      v1::Applicant applicant;
      applicant.ParseFromString(r.applicant);
      f.applicant_kind = static_cast<Applicant::Kind>(applicant.kind());
      f.applicant_category = static_cast<ApplicantCategory>(applicant.category());
      v1::ReplyContent reply;
      reply.ParseFromString(r.reply);
      f.report_reason = static_cast<ReportReason>(reply.report_reason());
      for (const requests::Step& step : StepsOf(r)) {
        if (step.type == StepType::kWithdrawn || step.type == StepType::kAbandoned) f.closing_step_on = step.date;
        if (step.type == StepType::kCorrectionNotice) f.correction_due = step.correction_due;
      }
      const auto finished_on = FinishedOn(f);
      if (year != 0 && received < year && finished_on &&
          static_cast<int>(std::chrono::year_month_day(*finished_on).year()) < year) {
        continue;
      }
      out.push_back(f);
    }
    return out;
  }

  std::vector<StoredRequest> OpenRequestsReceivedIn(int year, const std::string& city,
                                                    const std::string& agency) override {
    std::lock_guard lock(mutex_);
    std::vector<StoredRequest> out;
    for (const auto& [id, r] : requests_) {
      const int received = static_cast<int>(std::chrono::year_month_day(r.received_on).year());
      if (!r.open || (year != 0 && received != year) || (!city.empty() && r.city_code != city) ||
          (!agency.empty() && r.agency_credit_code != agency)) {
        continue;
      }
      StoredRequest row = r;
      row.applicant.clear();
      row.applicant_name.clear();
      row.applicant_key.clear();
      row.information_requested.clear();
      out.push_back(std::move(row));
    }
    return out;
  }

  std::vector<LegalFacts> LegalFactsOf(const std::string& city, const std::string& agency) override {
    std::lock_guard lock(mutex_);
    std::vector<LegalFacts> out;
    for (const auto& [id, r] : requests_) {
      if ((!city.empty() && r.city_code != city) || (!agency.empty() && r.agency_credit_code != agency)) continue;
      auto cases = LegalCasesOf(StepsOf(r));
      if (!cases.empty()) out.push_back({r.agency_credit_code, r.city_code, std::move(cases)});
    }
    return out;
  }

  std::vector<ConsultationFacts> ConsultationFactsOf(int year, const std::string& city,
                                                     const std::string& agency) override {
    std::lock_guard lock(mutex_);
    std::vector<ConsultationFacts> out;
    for (const auto& [id, c] : consultations_) {
      const int asked = static_cast<int>(std::chrono::year_month_day(c.asked_on).year());
      if ((year != 0 && asked != year) || (!city.empty() && c.city_code != city) ||
          (!agency.empty() && c.agency_credit_code != agency)) {
        continue;
      }
      out.push_back({c.agency_credit_code, c.city_code, c.asked_on, c.due_on, c.answered_on, c.id});
    }
    return out;
  }

  // Runs once before the next GetAll, unlocked: a step recorded between the
  // reads of one answer.
  std::function<void()> before_get_all;

  std::size_t request_count() {
    std::lock_guard lock(mutex_);
    return requests_.size();
  }

 private:
  // Ids in the order made, so that ties of due dates page in insertion order.
  std::string NextId(const std::string& kind) {
    char serial[16];
    std::snprintf(serial, sizeof serial, "%06d", ++serial_);
    return kind + "-" + serial;
  }

  void Apply(StoredRequest& r, const RequestUpdate& u) {
    r.steps.push_back(u.step);
    step_types_[r.id].push_back(u.step_type);
    r.state = u.state;
    r.open = u.open;
    r.due_on = u.due_on;
    r.due_provisional = u.due_provisional;
    r.live = u.live;
    if (!u.reply.empty()) r.reply = u.reply;
    if (u.replied_on) r.replied_on = u.replied_on;
    if (u.outcome != 0) {
      r.outcome = u.outcome;
      r.standardised = u.standardised;
      r.fee_fen = u.fee_fen;
    }
  }

  std::mutex mutex_;
  int serial_ = 0;                                           // guarded by mutex_
  std::map<std::string, StoredRequest> requests_;            // guarded by mutex_
  std::map<std::string, std::vector<int>> step_types_;       // guarded by mutex_
  std::map<std::string, StoredConsultation> consultations_;  // guarded by mutex_
};

class FakeRegistry final : public registry::RegistryClient {
 public:
  std::optional<registry::AgencyInfo> Agency(const std::string& credit_code) override {
    if (credit_code == kAgency) return registry::AgencyInfo{kCity, {"other"}, "政府信息公开办公室1"};
    if (credit_code == kOtherAgency) return registry::AgencyInfo{kOtherCity, {"other"}, "政府信息公开办公室2"};
    return std::nullopt;
  }
  std::optional<std::vector<registry::TierRange>> Benchmark(const std::string&, const std::string&,
                                                            const std::string&) override {
    return std::nullopt;
  }
  std::map<std::string, CertificateInfo> CheckCertificates(const std::vector<std::string>& numbers, common::Date,
                                                           common::Date) override {
    std::map<std::string, CertificateInfo> out;
    for (const auto& number : numbers) out[number] = {};  // none known
    return out;
  }
  std::vector<PowersItemInfo> PowersItems(const std::vector<std::string>&, const std::vector<std::string>&) override {
    return {};
  }
  void RecordInspectionPlans(const std::vector<InspectionPlanNotice>&) override {}
  // Every agency's list current on every day.
  std::vector<QualificationAnswer> QualificationLists(const std::vector<QualificationQuery>& queries) override {
    return std::vector<QualificationAnswer>(queries.size(), QualificationAnswer{true, true, ""});
  }
  std::vector<EnforcementUnitInfo> EnforcementUnits() override { return {}; }
};

v1::RegisterRequestRequest Registration(const std::string& received_on) {
  v1::RegisterRequestRequest r;
  r.set_channel(v1::ONLINE);
  r.set_received_on(received_on);
  auto* a = r.mutable_applicant();
  a->set_kind(v1::Applicant::NATURAL_PERSON);
  a->set_name("李四");
  a->set_phone("13800001111");
  r.set_information_requested("2025年度本机关行政处罚案件数量及罚没金额");
  r.set_delivery(v1::DELIVERY_EMAIL);
  return r;
}

v1::RecordStepRequest StepOn(const std::string& request_id, Step::Type type, const std::string& date) {
  v1::RecordStepRequest r;
  r.set_request_id(request_id);
  r.mutable_step()->set_type(type);
  r.mutable_step()->set_date(date);
  return r;
}

v1::RegisterConsultationRequest Question(const std::string& asked_on) {
  v1::RegisterConsultationRequest r;
  r.set_asked_on(asked_on);
  r.set_channel(v1::ONLINE);
  r.set_question("行政处罚决定书在哪里可以查询？");
  return r;
}

v1::RecordStepRequest ConsultationStarted(const std::string& request_id, const std::string& date) {
  v1::RecordStepRequest r = StepOn(request_id, Step::CONSULTATION_STARTED, date);
  r.mutable_step()->set_consultation_id("third-party-1");
  r.mutable_step()->set_consulted_party("太原某某有限公司");
  return r;
}

v1::RecordStepRequest CorrectionNotice(const std::string& request_id, const std::string& date,
                                       const std::string& correction_due) {
  v1::RecordStepRequest r = StepOn(request_id, Step::CORRECTION_NOTICE, date);
  r.mutable_step()->set_correction_due(correction_due);
  return r;
}

// The samples of one metric family as "label=value,..." (labels by name) ->
// value; empty when the scrape has none.
std::map<std::string, double> Samples(const std::vector<prometheus::MetricFamily>& families, const std::string& name) {
  std::map<std::string, double> out;
  for (const auto& family : families) {
    if (family.name != name) continue;
    for (const auto& metric : family.metric) {
      auto labels = metric.label;
      std::sort(labels.begin(), labels.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
      std::string key;
      for (const auto& l : labels) key += (key.empty() ? "" : ",") + l.name + "=" + l.value;
      out[key] = metric.gauge.value;
    }
  }
  return out;
}

// The fields the status's BadRequest names.
std::vector<std::string> FieldsOf(const grpc::Status& status) {
  std::vector<std::string> fields;
  for (const auto& v : common::ViolationsOf(status)) fields.push_back(v.field);
  return fields;
}

class RequestsServiceTest : public ::testing::Test {
 protected:
  RequestsServiceTest()
      : context_(Day(2026, 6, 15)),
        service_(store_, registry_, context_.context(), kApplicantKeySecret),
        server_(&service_),
        stub_(v1::RequestsService::NewStub(server_.channel())) {}

  // Calls `method` as `caller`; as the public when there is none.
  template <typename Request, typename Response>
  grpc::Status Call(const std::optional<common::CallerIdentity>& caller,
                    grpc::Status (v1::RequestsService::Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                    const Request& request, Response* response) {
    return (stub_.get()->*method)(context_.ClientAs(caller).get(), request, response);
  }

  // Registers a request at kAgency's desk (or `agency`'s), received on `received_on`.
  v1::RequestView Register(const std::string& received_on, const std::string& agency = kAgency) {
    v1::RequestView view;
    grpc::Status status = Call(testing::DeskCaller(agency), &v1::RequestsService::Stub::RegisterRequest,
                               Registration(received_on), &view);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return view;
  }

  // Records `step` on a request of kAgency's desk.
  v1::RequestView Record(const v1::RecordStepRequest& step) {
    v1::RequestView view;
    grpc::Status status = Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::RecordStep, step, &view);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return view;
  }

  v1::RequestView Get(const std::string& id) {
    v1::GetRequestRequest get;
    get.set_request_id(id);
    v1::RequestView view;
    grpc::Status status = Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::GetRequest, get, &view);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return view;
  }

  // kAgency's statistics of 2026, as of the clock's day.
  v1::AgencyStatistics Statistics() {
    v1::GetStatisticsRequest request;
    request.set_year(2026);
    v1::GetStatisticsResponse stats;
    EXPECT_TRUE(Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::GetStatistics, request, &stats).ok());
    return stats.agencies_size() == 1 ? stats.agencies(0) : v1::AgencyStatistics();
  }

  // `method` called as the supervision service (ROLE_SERVICE).
  template <typename Request, typename Response>
  grpc::Status CallAsService(grpc::Status (v1::RequestsService::Stub::*method)(grpc::ClientContext*, const Request&,
                                                                               Response*),
                             const Request& request, Response* response) {
    return Call(common::CallerIdentity{common::v1::ROLE_SERVICE, "", "", "service-supervision"}, method, request,
                response);
  }

  // The request gauges scraped on the clock's day.
  std::vector<prometheus::MetricFamily> Scrape() {
    const common::ServiceContext context = context_.context();
    return MakeRequestGauges(store_, context.deadlines, RequestClockRulesOf(context.deadlines, 15), context.clock)
        ->Collect();
  }

  // The ids of kAgency's open requests, page by page of `size`.
  std::vector<std::string> OpenIds(int size) {
    std::vector<std::string> ids;
    v1::ListOpenRequestsRequest request;
    request.set_page_size(size);
    do {
      v1::ListOpenRequestsResponse page;
      EXPECT_TRUE(
          Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::ListOpenRequests, request, &page).ok());
      for (const auto& r : page.requests()) ids.push_back(r.request_id());
      request.set_page_token(page.next_page_token());
    } while (!request.page_token().empty());
    return ids;
  }

  testing::TestContext context_;
  FakeRequestStore store_;
  FakeRegistry registry_;
  RequestsService service_;
  testing::InProcessServer server_;
  std::unique_ptr<v1::RequestsService::Stub> stub_;
};

TEST_F(RequestsServiceTest, RegisterRequestCountsTheDueDateOnThePinnedDaysCalendar) {
  // Received Mon 2026-06-15 online: 20 working days later, past the Dragon
  // Boat Festival (06-19), is Tue 07-14.
  v1::RequestView view = Register("2026-06-15");
  EXPECT_FALSE(view.request_id().empty());
  EXPECT_EQ(view.agency_credit_code(), kAgency);
  EXPECT_EQ(view.channel(), v1::ONLINE);
  EXPECT_EQ(view.received_on(), "2026-06-15");
  EXPECT_EQ(view.applicant().name(), "李四");
  EXPECT_EQ(view.applicant().phone(), "13800001111");
  EXPECT_EQ(view.information_requested(), "2025年度本机关行政处罚案件数量及罚没金额");
  EXPECT_EQ(view.delivery(), v1::DELIVERY_EMAIL);
  EXPECT_EQ(view.state(), "OPEN");
  EXPECT_EQ(view.clock_start(), "2026-06-15");
  EXPECT_EQ(view.due(), "2026-07-14");
  EXPECT_FALSE(view.due_provisional());
  EXPECT_EQ(view.limit_working_days(), 20);
  EXPECT_EQ(view.working_days_used(), 0);
  EXPECT_EQ(view.working_days_left(), 20);
  EXPECT_EQ(view.desk_state(), v1::ON_TRACK);
  ASSERT_EQ(view.history_size(), 1);
  EXPECT_EQ(view.history(0).type(), Step::RECEIVED);
  EXPECT_EQ(view.history(0).date(), "2026-06-15");
  EXPECT_EQ(view.history(0).recorded_by(), "desk");
  EXPECT_EQ(view.history(0).recorded_at().rfind("2026-06-1", 0), 0u) << view.history(0).recorded_at();
  ASSERT_EQ(view.steps_size(), 1);
  EXPECT_EQ(view.steps(0).step(), "reply");
  EXPECT_EQ(view.steps(0).due(), "2026-07-14");

  auto stored = store_.Get(view.request_id());
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->city_code, kCity) << "the desk's city, from the registry";
  EXPECT_EQ(stored->received_on, Day(2026, 6, 15));
  EXPECT_EQ(stored->due_on, Day(2026, 7, 14));
  EXPECT_EQ(stored->applicant_key,
            ApplicantKey(RequestFromProto(Registration("2026-06-15")).applicant, kApplicantKeySecret))
      << "the applicant's key under the service's secret";

  // The day after the due date, on the same clock.
  context_.clock().Set(Day(2026, 7, 15));
  v1::GetRequestRequest get;
  get.set_request_id(view.request_id());
  ASSERT_TRUE(Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::GetRequest, get, &view).ok());
  EXPECT_EQ(view.working_days_left(), -1);
  EXPECT_EQ(view.desk_state(), v1::OVERDUE);
}

TEST_F(RequestsServiceTest, ReceivedAfterThePinnedDayIsInvalid) {
  v1::RequestView view;
  grpc::Status status = Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::RegisterRequest,
                             Registration("2026-06-16"), &view);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(common::ViolationsOf(status),
            (common::Violations{{"received_on", "must not be after today (2026-06-15)"}}));
  EXPECT_EQ(store_.request_count(), 0u);
}

TEST_F(RequestsServiceTest, DeskOfAnUnregisteredAgencyIsFailedPrecondition) {
  v1::RequestView view;
  grpc::Status status = Call(testing::DeskCaller(kUnregistered), &v1::RequestsService::Stub::RegisterRequest,
                             Registration("2026-06-15"), &view);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(status.error_message().find("not registered"), std::string::npos) << status.error_message();
  v1::ConsultationView consultation;
  EXPECT_EQ(Call(testing::DeskCaller(kUnregistered), &v1::RequestsService::Stub::RegisterConsultation,
                 Question("2026-06-15"), &consultation)
                .error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(store_.request_count(), 0u);
}

TEST_F(RequestsServiceTest, PublicCallerIsUnauthenticatedExceptForFeeQuotes) {
  v1::RequestView view;
  EXPECT_EQ(
      Call(std::nullopt, &v1::RequestsService::Stub::RegisterRequest, Registration("2026-06-15"), &view).error_code(),
      grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(
      Call(testing::CityCaller(kCity), &v1::RequestsService::Stub::RegisterRequest, Registration("2026-06-15"), &view)
          .error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  v1::QuoteFeeRequest quote;
  quote.set_scheme(v1::PER_PAGE);
  quote.set_count(31);
  v1::QuoteFeeResponse fee;
  ASSERT_TRUE(Call(std::nullopt, &v1::RequestsService::Stub::QuoteFee, quote, &fee).ok());
  EXPECT_EQ(fee.fee_fen(), 1000);
}

TEST_F(RequestsServiceTest, StepOnAnotherAgencysRequestIsNotFound) {
  const std::string id = Register("2026-06-10").request_id();
  v1::RequestView view;
  EXPECT_EQ(Call(testing::DeskCaller(kOtherAgency), &v1::RequestsService::Stub::RecordStep,
                 StepOn(id, Step::WITHDRAWN, "2026-06-12"), &view)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::GetRequestRequest get;
  get.set_request_id(id);
  EXPECT_EQ(Call(testing::DeskCaller(kOtherAgency), &v1::RequestsService::Stub::GetRequest, get, &view).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(store_.Get(id)->steps.size(), 1u) << "nothing was recorded";
  EXPECT_EQ(Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::RecordStep,
                 StepOn("no-such-request", Step::WITHDRAWN, "2026-06-12"), &view)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(RequestsServiceTest, ImpossibleStepIsFailedPrecondition) {
  const std::string id = Register("2026-06-10").request_id();
  v1::RequestView view;
  grpc::Status review = Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::RecordStep,
                             StepOn(id, Step::REVIEW_FILED, "2026-06-12"), &view);
  EXPECT_EQ(review.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(review.error_message(), "a review or lawsuit is recorded only after the reply");

  v1::RecordStepRequest extension = StepOn(id, Step::EXTENSION, "2026-06-12");
  extension.mutable_step()->set_extension_working_days(20);
  extension.mutable_step()->set_approver("办公室主任王某");
  extension.mutable_step()->set_notice_date("2026-06-12");
  ASSERT_TRUE(Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::RecordStep, extension, &view).ok());
  EXPECT_EQ(view.limit_working_days(), 40);
  grpc::Status second = Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::RecordStep, extension, &view);
  EXPECT_EQ(second.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(second.error_message().find("extension"), std::string::npos) << second.error_message();
  EXPECT_EQ(store_.Get(id)->steps.size(), 2u) << "the refused steps were not recorded";
}

v1::RecordStepRequest Extension(const std::string& request_id, const std::string& date) {
  v1::RecordStepRequest r = StepOn(request_id, Step::EXTENSION, date);
  r.mutable_step()->set_extension_working_days(20);
  r.mutable_step()->set_approver("办公室主任王某");
  r.mutable_step()->set_notice_date(date);
  return r;
}

TEST_F(RequestsServiceTest, FreshOpenRequestMayBeExtendedAndOnceExtendedSaysWhyNot) {
  const v1::RequestView fresh = Register("2026-06-10");
  EXPECT_EQ(fresh.extension_refusal(), v1::RequestView::EXTENSION_REFUSAL_UNSPECIFIED);
  EXPECT_EQ(fresh.extension_refusal_reason(), "");

  const v1::RequestView extended = Record(Extension(fresh.request_id(), "2026-06-12"));
  EXPECT_EQ(extended.limit_working_days(), 40);
  EXPECT_EQ(extended.extension_refusal(), v1::RequestView::ALREADY_EXTENDED);
  EXPECT_NE(extended.extension_refusal_reason().find("a second extension; Art. 33 allows one"), std::string::npos)
      << extended.extension_refusal_reason();
  EXPECT_EQ(Get(fresh.request_id()).extension_refusal(), v1::RequestView::ALREADY_EXTENDED) << "on every read";

  // The reason is RecordStep's own refusal of an extension of today.
  v1::RequestView view;
  grpc::Status second = Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::RecordStep,
                             Extension(fresh.request_id(), "2026-06-15"), &view);
  EXPECT_EQ(second.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(second.error_message(), extended.extension_refusal_reason());
}

TEST_F(RequestsServiceTest, PastItsDueDateAnExtensionWouldExtendNothingAndTheViewSaysWhy) {
  // Received Mon 2026-05-11: due Mon 06-08, a week before the pinned day.
  const v1::RequestView late = Register("2026-05-11");
  ASSERT_EQ(late.due(), "2026-06-08");
  EXPECT_EQ(late.extension_refusal(), v1::RequestView::PAST_DUE);
  EXPECT_NE(late.extension_refusal_reason().find("after the reply period ended on 2026-06-08"), std::string::npos)
      << late.extension_refusal_reason();

  // As it says: recorded all the same, the extension is late and extends nothing.
  const v1::RequestView recorded = Record(Extension(late.request_id(), "2026-06-15"));
  EXPECT_EQ(recorded.due(), "2026-06-08");
  EXPECT_EQ(recorded.limit_working_days(), 20);
  EXPECT_EQ(recorded.extension_refusal(), v1::RequestView::ALREADY_EXTENDED);

  // On the due date itself an extension still extends.
  context_.clock().Set(Day(2026, 6, 8));
  EXPECT_EQ(Register("2026-05-11").extension_refusal(), v1::RequestView::EXTENSION_REFUSAL_UNSPECIFIED);
}

TEST_F(RequestsServiceTest, NoExtensionWhileAwaitingCorrectionOrOnceClosed) {
  const std::string awaiting = Register("2026-06-10").request_id();
  const v1::RequestView notified = Record(CorrectionNotice(awaiting, "2026-06-11", "2026-06-30"));
  EXPECT_EQ(notified.state(), "AWAITING_CORRECTION");
  EXPECT_EQ(notified.extension_refusal(), v1::RequestView::AWAITING_CORRECTION);
  EXPECT_NE(notified.extension_refusal_reason().find("extension while awaiting the correction"), std::string::npos)
      << notified.extension_refusal_reason();
  // The corrected request restarts the clock: an extension may be recorded again.
  EXPECT_EQ(Record(StepOn(awaiting, Step::CORRECTED_RECEIVED, "2026-06-12")).extension_refusal(),
            v1::RequestView::EXTENSION_REFUSAL_UNSPECIFIED);

  const std::string withdrawn = Register("2026-06-10").request_id();
  const v1::RequestView closed = Record(StepOn(withdrawn, Step::WITHDRAWN, "2026-06-12"));
  EXPECT_EQ(closed.extension_refusal(), v1::RequestView::REQUEST_CLOSED);
  EXPECT_NE(closed.extension_refusal_reason().find("withdrawn on 2026-06-12"), std::string::npos)
      << closed.extension_refusal_reason();

  // Not corrected by its correction date: abandoned by the platform, closed.
  const std::string abandoned = Register("2026-06-01").request_id();
  Record(CorrectionNotice(abandoned, "2026-06-02", "2026-06-12"));
  EXPECT_EQ(Get(abandoned).state(), "ABANDONED");
  EXPECT_EQ(Get(abandoned).extension_refusal(), v1::RequestView::REQUEST_CLOSED);
}

// A request's history holds at most 100 steps: receipt, reply and 98
// reviews fill it, and one more is refused, not recorded.
TEST_F(RequestsServiceTest, AFullHistoryRefusesAnotherStep) {
  const std::string id = Register("2026-06-10").request_id();
  v1::ReplyRequest reply;
  reply.set_request_id(id);
  auto* content = reply.mutable_reply();
  content->set_outcome(v1::DISCLOSED);
  content->set_replied_on("2026-06-12");
  content->set_how_to_obtain("见附件");
  content->set_remedy("如不服本答复，可自收到之日起60日内申请行政复议，或6个月内提起行政诉讼。");
  content->set_delivered_by(v1::DELIVERY_EMAIL);
  content->set_delivered_on("2026-06-12");
  v1::RequestView view;
  ASSERT_TRUE(Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::Reply, reply, &view).ok());
  for (std::size_t i = 2; i < kMaxSteps; ++i) {
    ASSERT_TRUE(Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::RecordStep,
                     StepOn(id, Step::REVIEW_FILED, "2026-06-13"), &view)
                    .ok())
        << i;
  }
  EXPECT_EQ(view.history_size(), static_cast<int>(kMaxSteps));
  grpc::Status full = Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::RecordStep,
                           StepOn(id, Step::LAWSUIT_FILED, "2026-06-13"), &view);
  EXPECT_EQ(full.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(full.error_message(), "a request holds at most 100 steps, and this one has 100");
  EXPECT_EQ(store_.Get(id)->steps.size(), kMaxSteps) << "the refused step was not recorded";
}

TEST_F(RequestsServiceTest, BadStepNamesItsFields) {
  const std::string id = Register("2026-06-10").request_id();
  v1::RequestView view;
  grpc::Status status = Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::RecordStep,
                             StepOn(id, Step::RECEIVED, "2026-06-16"), &view);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(FieldsOf(status), (std::vector<std::string>{"step.type", "step.date"}));
}

TEST_F(RequestsServiceTest, ReplyComputesItsFeeAndRefusesPagesOfAnotherScheme) {
  const std::string id = Register("2026-06-10").request_id();
  v1::ReplyRequest reply;
  reply.set_request_id(id);
  auto* content = reply.mutable_reply();
  content->set_outcome(v1::DISCLOSED);
  content->set_replied_on("2026-06-12");
  content->set_how_to_obtain("见附件");
  content->set_remedy("如不服本答复，可自收到之日起60日内申请行政复议，或6个月内提起行政诉讼。");
  content->set_delivered_by(v1::DELIVERY_EMAIL);
  content->set_delivered_on("2026-06-12");
  content->set_fee_scheme(v1::PER_REQUEST);
  content->set_fee_pages(31);
  v1::RequestView view;
  grpc::Status status = Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::Reply, reply, &view);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(FieldsOf(status), std::vector<std::string>{"reply.fee_pages"});

  content->set_fee_scheme(v1::PER_PAGE);
  ASSERT_TRUE(Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::Reply, reply, &view).ok());
  EXPECT_EQ(view.state(), "REPLIED");
  EXPECT_EQ(view.reply().fee_fen(), 1000);
  EXPECT_TRUE(view.standardised_reply());
  EXPECT_EQ(view.desk_state(), v1::CLOSED);
  EXPECT_EQ(store_.Get(id)->replied_on, Day(2026, 6, 12));
}

TEST_F(RequestsServiceTest, ListOpenRequestsPagesSoonestDueFirst) {
  const std::string later = Register("2026-06-10").request_id();  // due 07-09
  const std::string last = Register("2026-06-15").request_id();   // due 07-14
  const std::string first = Register("2026-06-01").request_id();  // due 06-30
  Register("2026-06-01", kOtherAgency);
  v1::ListOpenRequestsRequest request;
  request.set_page_size(2);
  v1::ListOpenRequestsResponse page;
  ASSERT_TRUE(Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::ListOpenRequests, request, &page).ok());
  ASSERT_EQ(page.requests_size(), 2);
  EXPECT_EQ(page.requests(0).request_id(), first);
  EXPECT_EQ(page.requests(0).due(), "2026-06-30");
  EXPECT_EQ(page.requests(0).received_on(), "2026-06-01");
  EXPECT_EQ(page.requests(0).applicant_name(), "李四");
  EXPECT_EQ(page.requests(0).state(), "OPEN");
  EXPECT_EQ(page.requests(0).working_days_used(), 10);
  EXPECT_EQ(page.requests(0).working_days_left(), 10);
  EXPECT_EQ(page.requests(0).desk_state(), v1::ON_TRACK);
  EXPECT_EQ(page.requests(1).request_id(), later);
  ASSERT_FALSE(page.next_page_token().empty());

  request.set_page_token(page.next_page_token());
  ASSERT_TRUE(Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::ListOpenRequests, request, &page).ok());
  ASSERT_EQ(page.requests_size(), 1);
  EXPECT_EQ(page.requests(0).request_id(), last);
  EXPECT_EQ(page.next_page_token(), "");
}

TEST_F(RequestsServiceTest, ListOpenRequestsRefusesANegativeSizeAndForgedTokens) {
  v1::ListOpenRequestsResponse page;
  v1::ListOpenRequestsRequest request;
  request.set_page_size(-1);
  grpc::Status status =
      Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::ListOpenRequests, request, &page);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(FieldsOf(status), std::vector<std::string>{"page_size"});

  for (const std::string& forged : {std::string("forged"), common::EncodePageToken({"2026-06-30"}),
                                    common::EncodePageToken({"not-a-date", "request-000001"})}) {
    request.set_page_size(2);
    request.set_page_token(forged);
    status = Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::ListOpenRequests, request, &page);
    ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << forged;
    EXPECT_EQ(FieldsOf(status), std::vector<std::string>{"page_token"}) << forged;
  }
}

TEST_F(RequestsServiceTest, ListOpenConsultationsPagesAndRefusesANegativeSize) {
  v1::ConsultationView c1, c2;
  ASSERT_TRUE(
      Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::RegisterConsultation, Question("2026-06-12"), &c2)
          .ok());
  ASSERT_TRUE(
      Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::RegisterConsultation, Question("2026-06-08"), &c1)
          .ok());
  EXPECT_EQ(c1.asked_on(), "2026-06-08");
  EXPECT_EQ(c1.answered_on(), "");
  v1::ListOpenConsultationsRequest request;
  request.set_page_size(-1);
  v1::ListOpenConsultationsResponse page;
  grpc::Status status =
      Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::ListOpenConsultations, request, &page);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(FieldsOf(status), std::vector<std::string>{"page_size"});

  request.set_page_size(1);
  ASSERT_TRUE(
      Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::ListOpenConsultations, request, &page).ok());
  ASSERT_EQ(page.consultations_size(), 1);
  EXPECT_EQ(page.consultations(0).consultation_id(), c1.consultation_id());
  request.set_page_token(page.next_page_token());
  ASSERT_TRUE(
      Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::ListOpenConsultations, request, &page).ok());
  ASSERT_EQ(page.consultations_size(), 1);
  EXPECT_EQ(page.consultations(0).consultation_id(), c2.consultation_id());
  EXPECT_EQ(page.next_page_token(), "");
}

// A page of open consultations holds at most 100 (consultation.h): a
// larger page size is taken as 100.
TEST_F(RequestsServiceTest, AnOpenConsultationsPageHoldsAtMost100) {
  for (int i = 0; i < 101; ++i) {
    v1::ConsultationView view;
    ASSERT_TRUE(Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::RegisterConsultation,
                     Question("2026-06-12"), &view)
                    .ok());
  }
  v1::ListOpenConsultationsRequest list;
  list.set_page_size(500);
  v1::ListOpenConsultationsResponse page;
  ASSERT_TRUE(Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::ListOpenConsultations, list, &page).ok());
  EXPECT_EQ(page.consultations_size(), 100);
  EXPECT_FALSE(page.next_page_token().empty());
}

TEST_F(RequestsServiceTest, ConsultationIsAnsweredOnceAndNotBeforeItWasAsked) {
  v1::ConsultationView c;
  ASSERT_TRUE(
      Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::RegisterConsultation, Question("2026-06-10"), &c)
          .ok());
  v1::AnswerConsultationRequest answer;
  answer.set_consultation_id(c.consultation_id());
  answer.set_answered_on("2026-06-09");
  answer.set_answer("可在省政务公开平台“行政处罚”栏目查询。");
  grpc::Status early = Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::AnswerConsultation, answer, &c);
  ASSERT_EQ(early.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(FieldsOf(early), std::vector<std::string>{"answered_on"});
  EXPECT_EQ(
      Call(testing::DeskCaller(kOtherAgency), &v1::RequestsService::Stub::AnswerConsultation, answer, &c).error_code(),
      grpc::StatusCode::NOT_FOUND);

  answer.set_answered_on("2026-06-12");
  ASSERT_TRUE(Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::AnswerConsultation, answer, &c).ok());
  EXPECT_EQ(c.answered_on(), "2026-06-12");
  EXPECT_EQ(c.status(), "ON_TIME");
  EXPECT_EQ(c.desk_state(), v1::CLOSED);
  EXPECT_EQ(Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::AnswerConsultation, answer, &c).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(RequestsServiceTest, ProvisionalDueDatesAreRecomputed) {
  const std::string request_id = Register("2026-06-15").request_id();
  v1::ConsultationView c;
  ASSERT_TRUE(
      Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::RegisterConsultation, Question("2026-06-12"), &c)
          .ok());
  // As if both had been counted on a calendar that lacked their year.
  store_.SetDue(request_id, Day(2026, 7, 20), true);
  store_.UpdateConsultationDue(c.consultation_id(), Day(2026, 6, 19), true);
  service_.RecomputeProvisional();
  auto request = store_.Get(request_id);
  EXPECT_EQ(request->due_on, Day(2026, 7, 14));
  EXPECT_FALSE(request->due_provisional);
  auto consultation = store_.GetConsultation(c.consultation_id());
  EXPECT_EQ(consultation->due_on, Day(2026, 6, 22));  // 5 working days after Fri 06-12, past the 06-19 holiday
  EXPECT_FALSE(consultation->due_provisional);
  EXPECT_TRUE(store_.ProvisionalIds().empty());
}

TEST_F(RequestsServiceTest, StatisticsAreScopedByRole) {
  Register("2026-06-01");
  Register("2026-06-10");
  Register("2026-06-01", kOtherAgency);
  v1::GetStatisticsRequest request;  // year 0: the pinned day's year
  v1::GetStatisticsResponse stats;

  ASSERT_TRUE(Call(testing::ProvinceCaller(), &v1::RequestsService::Stub::GetStatistics, request, &stats).ok());
  ASSERT_EQ(stats.agencies_size(), 2);
  EXPECT_EQ(stats.agencies(0).agency_credit_code(), kAgency);
  EXPECT_EQ(stats.agencies(0).city_code(), kCity);
  EXPECT_EQ(stats.agencies(0).received(), 2);
  EXPECT_EQ(stats.agencies(1).agency_credit_code(), kOtherAgency);
  EXPECT_EQ(stats.SerializeAsString().find("李四"), std::string::npos) << "no applicant data in statistics";

  // A city sees its own agencies, and may not ask for another city's.
  ASSERT_TRUE(Call(testing::CityCaller(kOtherCity), &v1::RequestsService::Stub::GetStatistics, request, &stats).ok());
  ASSERT_EQ(stats.agencies_size(), 1);
  EXPECT_EQ(stats.agencies(0).agency_credit_code(), kOtherAgency);
  request.set_city_code(kCity);
  EXPECT_EQ(
      Call(testing::CityCaller(kOtherCity), &v1::RequestsService::Stub::GetStatistics, request, &stats).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);

  // A desk sees its own agency whatever it asks for.
  request.set_city_code(kOtherCity);
  request.set_agency_credit_code(kOtherAgency);
  ASSERT_TRUE(Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::GetStatistics, request, &stats).ok());
  ASSERT_EQ(stats.agencies_size(), 1);
  EXPECT_EQ(stats.agencies(0).agency_credit_code(), kAgency);

  // Another year has none of these; a year out of range is refused.
  request = v1::GetStatisticsRequest();
  request.set_year(2025);
  ASSERT_TRUE(Call(testing::ProvinceCaller(), &v1::RequestsService::Stub::GetStatistics, request, &stats).ok());
  EXPECT_EQ(stats.agencies_size(), 0);
  EXPECT_DOUBLE_EQ(stats.standardised_reply_rate(), 1.0);
  request.set_year(2018);
  grpc::Status status = Call(testing::ProvinceCaller(), &v1::RequestsService::Stub::GetStatistics, request, &stats);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(FieldsOf(status), std::vector<std::string>{"year"});
}

TEST_F(RequestsServiceTest, ResendWithTheSameKeyReturnsTheSameRequest) {
  v1::RegisterRequestRequest registration = Registration("2026-06-10");
  registration.set_request_key("city-desk:2026.06-0001_a");
  v1::RequestView first;
  ASSERT_TRUE(
      Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::RegisterRequest, registration, &first).ok());
  // A resend that differs still gets the request registered first: the key
  // names the sender's attempt.
  registration.set_information_requested("另一项信息");
  v1::RequestView again;
  ASSERT_TRUE(
      Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::RegisterRequest, registration, &again).ok());
  EXPECT_EQ(again.request_id(), first.request_id());
  EXPECT_EQ(again.information_requested(), first.information_requested());
  EXPECT_EQ(again.history_size(), 1);
  EXPECT_EQ(store_.request_count(), 1u);

  registration.set_request_key("city-desk:2026.06-0002");
  ASSERT_TRUE(
      Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::RegisterRequest, registration, &again).ok());
  EXPECT_NE(again.request_id(), first.request_id()) << "another key is another request";
  EXPECT_EQ(store_.request_count(), 2u);
}

TEST_F(RequestsServiceTest, RequestKeyIsOneTo64BytesOfItsCharacters) {
  for (const std::string& key :
       {std::string("has space"), std::string("斜杠"), std::string("a/b"), std::string(65, 'k')}) {
    v1::RegisterRequestRequest registration = Registration("2026-06-10");
    registration.set_request_key(key);
    v1::RequestView view;
    grpc::Status status =
        Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::RegisterRequest, registration, &view);
    ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << key;
    EXPECT_EQ(FieldsOf(status), std::vector<std::string>{"request_key"}) << key;
    v1::RegisterConsultationRequest question = Question("2026-06-10");
    question.set_request_key(key);
    v1::ConsultationView consultation;
    status =
        Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::RegisterConsultation, question, &consultation);
    ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << key;
    EXPECT_EQ(FieldsOf(status), std::vector<std::string>{"request_key"}) << key;
  }
  EXPECT_EQ(store_.request_count(), 0u);
}

TEST_F(RequestsServiceTest, KeysAreUniquePerAgency) {
  v1::RegisterRequestRequest registration = Registration("2026-06-10");
  registration.set_request_key("row-17");
  v1::RequestView ours, theirs;
  ASSERT_TRUE(
      Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::RegisterRequest, registration, &ours).ok());
  ASSERT_TRUE(
      Call(testing::DeskCaller(kOtherAgency), &v1::RequestsService::Stub::RegisterRequest, registration, &theirs).ok());
  EXPECT_NE(ours.request_id(), theirs.request_id());
  EXPECT_EQ(theirs.agency_credit_code(), kOtherAgency);
  EXPECT_EQ(store_.request_count(), 2u);
}

TEST_F(RequestsServiceTest, ConsultationResendReturnsTheSameConsultation) {
  v1::RegisterConsultationRequest question = Question("2026-06-10");
  question.set_request_key("hotline-42");
  v1::ConsultationView first, again;
  ASSERT_TRUE(
      Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::RegisterConsultation, question, &first).ok());
  question.set_question("另一个问题");
  ASSERT_TRUE(
      Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::RegisterConsultation, question, &again).ok());
  EXPECT_EQ(again.consultation_id(), first.consultation_id());
  EXPECT_EQ(again.question(), first.question());
  ASSERT_TRUE(
      Call(testing::DeskCaller(kOtherAgency), &v1::RequestsService::Stub::RegisterConsultation, question, &again).ok());
  EXPECT_NE(again.consultation_id(), first.consultation_id()) << "keys are the agency's own";
}

// Received Mon 2026-05-25, due Tue 06-23. A third-party consultation from
// Mon 06-15 pauses the clock for at most 15 WD, through Tue 07-07, which
// moves the due date to Tue 07-14 at most. The due date stored on 06-15
// (06-23) goes stale as the pause runs.
TEST_F(RequestsServiceTest, ConsultationKeepsARequestFromOverdueWhilePausedAndNotPastItsWindow) {
  const std::string id = Register("2026-05-25").request_id();
  EXPECT_EQ(Record(ConsultationStarted(id, "2026-06-15")).due(), "2026-06-23");
  EXPECT_TRUE(store_.Get(id)->live) << "an unanswered consultation makes the clock depend on today";

  // Wed 06-24: six working days paused, due Wed 07-01.
  context_.clock().Set(Day(2026, 6, 24));
  auto families = Scrape();
  EXPECT_EQ(Samples(families, "gongkai_disclosures_overdue").count("city=140100,kind=request"), 0u);
  EXPECT_EQ(Samples(families, "gongkai_kpi_records_due")["city=140100,kpi=standardised_reply_rate,rule=request_reply"],
            0)
      << "not due yet";
  EXPECT_EQ(Statistics().due(), 0);

  // Thu 07-16: the window ended on 07-07, the clock ran again and the reply
  // fell due on 07-14.
  context_.clock().Set(Day(2026, 7, 16));
  families = Scrape();
  EXPECT_EQ(Samples(families, "gongkai_disclosures_overdue")["city=140100,kind=request"], 1);
  EXPECT_EQ(Samples(families, "gongkai_kpi_records_due")["city=140100,kpi=standardised_reply_rate,rule=request_reply"],
            1);
  EXPECT_EQ(Samples(families, "gongkai_kpi_records_met")["city=140100,kpi=standardised_reply_rate,rule=request_reply"],
            0);
  EXPECT_EQ(Samples(families, "gongkai_deadline_records_due")["city=140100,kind=request_reply"], 1);
  EXPECT_EQ(Statistics().due(), 1);
  EXPECT_EQ(Get(id).due(), "2026-07-14");
}

TEST_F(RequestsServiceTest, AnsweredConsultationNoLongerMakesTheRequestLive) {
  const std::string id = Register("2026-05-25").request_id();
  Record(ConsultationStarted(id, "2026-06-10"));
  EXPECT_TRUE(store_.Get(id)->live);
  v1::RecordStepRequest answered = StepOn(id, Step::CONSULTATION_ANSWERED, "2026-06-12");
  answered.mutable_step()->set_consultation_id("third-party-1");
  Record(answered);
  EXPECT_FALSE(store_.Get(id)->live);
}

// The list follows the due date of the day it is read: on 06-15 the request
// in consultation (due 06-23 then) comes first; on 06-24 its pause has moved
// it to 07-01, after the one due 06-30. Awaiting correction comes by its
// correction due date, here the last.
TEST_F(RequestsServiceTest, OpenRequestsFollowTheDueDateOfTheDay) {
  const std::string consulting = Register("2026-05-25").request_id();
  Record(ConsultationStarted(consulting, "2026-06-15"));
  const std::string plain = Register("2026-06-01").request_id();  // due 06-30
  const std::string correcting = Register("2026-06-10").request_id();
  Record(CorrectionNotice(correcting, "2026-06-12", "2026-07-10"));
  EXPECT_EQ(OpenIds(1), (std::vector<std::string>{consulting, plain, correcting}));

  context_.clock().Set(Day(2026, 6, 24));
  EXPECT_EQ(OpenIds(1), (std::vector<std::string>{plain, consulting, correcting}));
  EXPECT_EQ(OpenIds(2), (std::vector<std::string>{plain, consulting, correcting}));
  v1::ListOpenRequestsRequest request;
  request.set_page_size(10);
  v1::ListOpenRequestsResponse page;
  ASSERT_TRUE(Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::ListOpenRequests, request, &page).ok());
  ASSERT_EQ(page.requests_size(), 3);
  EXPECT_EQ(page.as_of(), "2026-06-24") << "the day the states are counted on";
  EXPECT_EQ(page.requests(1).due(), "2026-07-01");
  EXPECT_EQ(page.requests(2).due(), "2026-07-10") << "the correction due date";
}

TEST_F(RequestsServiceTest, AwaitingCorrectionSortsAndPagesByItsCorrectionDueDate) {
  const std::string plain = Register("2026-06-01").request_id();  // due 06-30
  const std::string correcting = Register("2026-06-10").request_id();
  Record(CorrectionNotice(correcting, "2026-06-12", "2026-06-19"));
  EXPECT_EQ(OpenIds(1), (std::vector<std::string>{correcting, plain}));
  EXPECT_EQ(OpenIds(10), (std::vector<std::string>{correcting, plain}));

  v1::ListOpenRequestsRequest request;
  request.set_page_size(1);
  v1::ListOpenRequestsResponse page;
  ASSERT_TRUE(Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::ListOpenRequests, request, &page).ok());
  ASSERT_EQ(page.requests_size(), 1);
  EXPECT_EQ(page.requests(0).due(), "2026-06-19");
  EXPECT_EQ(common::DecodePageToken(page.next_page_token(), 2), (common::PagePosition{"2026-06-19", correcting}))
      << "the page ends where the desk sees the request due";
}

TEST_F(RequestsServiceTest, AwaitingCorrectionIsOpenWithItsDeadline) {
  const std::string id = Register("2026-06-10").request_id();
  v1::RequestView view = Record(CorrectionNotice(id, "2026-06-12", "2026-07-10"));
  EXPECT_EQ(view.state(), "AWAITING_CORRECTION");
  EXPECT_EQ(view.due(), "2026-07-10");
  EXPECT_EQ(view.desk_state(), v1::ON_TRACK);
  EXPECT_TRUE(store_.Get(id)->live);

  context_.clock().Set(Day(2026, 7, 8));  // two working days left
  view = Get(id);
  EXPECT_EQ(view.desk_state(), v1::DUE_SOON);
  EXPECT_EQ(view.due(), "2026-07-10");
}

TEST_F(RequestsServiceTest, CorrectionDatePassedCountsAsAbandonedWithoutADeskAction) {
  const std::string id = Register("2026-06-10").request_id();
  Record(CorrectionNotice(id, "2026-06-12", "2026-07-10"));
  EXPECT_EQ(Statistics().abandoned(), 0);

  context_.clock().Set(Day(2026, 7, 13));
  const v1::RequestView view = Get(id);
  EXPECT_EQ(view.state(), "ABANDONED");
  EXPECT_EQ(view.desk_state(), v1::CLOSED);
  EXPECT_EQ(OpenIds(10), std::vector<std::string>{});
  const v1::AgencyStatistics stats = Statistics();
  EXPECT_EQ(stats.abandoned(), 1);
  EXPECT_EQ(stats.due(), 0) << "an abandoned request is never due a reply";
  EXPECT_EQ(Samples(Scrape(), "gongkai_disclosures_overdue").count("city=140100,kind=request"), 0u);

  // Read once past its correction date, it is stored as abandoned and no
  // longer read as of each day.
  const auto stored = store_.Get(id);
  EXPECT_EQ(stored->state, "ABANDONED");
  EXPECT_FALSE(stored->open);
  EXPECT_FALSE(stored->live);
}

// ---------------------------------------------------------------- the annual report

v1::ReplyRequest NotDisclosedReply(const std::string& id, v1::ReportReason reason) {
  v1::ReplyRequest reply;
  reply.set_request_id(id);
  auto* content = reply.mutable_reply();
  content->set_outcome(v1::NOT_DISCLOSED);
  content->set_replied_on("2026-06-12");
  content->set_reason("涉及第三方商业秘密，第三方不同意公开。");
  content->set_legal_basis("《中华人民共和国政府信息公开条例》第十五条");
  content->set_remedy("如不服本答复，可自收到之日起60日内申请行政复议，或6个月内提起行政诉讼。");
  content->set_delivered_by(v1::DELIVERY_EMAIL);
  content->set_delivered_on("2026-06-12");
  content->set_report_reason(reason);
  return reply;
}

// The cells of the report's table `table` row whose label starts with `label`.
std::vector<int> RowOf(const v1::AnnualReport& report, int table, const std::string& label) {
  for (const auto& row : report.tables(table).rows()) {
    if (row.label().rfind(label, 0) == 0) return {row.cells().begin(), row.cells().end()};
  }
  ADD_FAILURE() << "no row " << label;
  return {};
}

TEST_F(RequestsServiceTest, LiveRequestRepliedWhileItsFactsAreReadCountsWithItsReply) {
  const std::string id = Register("2026-06-01").request_id();
  Record(ConsultationStarted(id, "2026-06-05"));
  ASSERT_TRUE(store_.Get(id)->live);
  store_.before_get_all = [&] {
    v1::RequestView view;
    EXPECT_TRUE(Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::Reply,
                     NotDisclosedReply(id, v1::THIRD_PARTY_RIGHTS), &view)
                    .ok());
  };
  const common::ServiceContext context = context_.context();
  const ClockAsOf clock{context.deadlines, RequestClockRulesOf(context.deadlines, 15), Day(2026, 6, 15)};

  const std::vector<RequestFacts> facts = LiveRequestFacts(store_, 2026, "", kAgency, clock);

  ASSERT_EQ(facts.size(), 1u);
  EXPECT_EQ(facts[0].state, "REPLIED");
  EXPECT_FALSE(facts[0].open);
  EXPECT_EQ(facts[0].replied_on, Day(2026, 6, 12));
  EXPECT_EQ(facts[0].outcome, ReplyOutcome::kNotDisclosed);
  EXPECT_EQ(facts[0].report_reason, ReportReason::kThirdPartyRights);
  EXPECT_EQ(FinishedOn(facts[0]), Day(2026, 6, 12));
}

TEST_F(RequestsServiceTest, NotDisclosedReplyWithoutReasonNamesReplyReportReason) {
  const std::string id = Register("2026-06-10").request_id();
  v1::RequestView view;
  grpc::Status status = Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::Reply,
                             NotDisclosedReply(id, v1::REPORT_REASON_UNSPECIFIED), &view);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(FieldsOf(status), std::vector<std::string>{"reply.report_reason"});
}

TEST_F(RequestsServiceTest, LegalPersonWithoutCategoryIsRefusedNamingIt) {
  v1::RegisterRequestRequest registration = Registration("2026-06-10");
  registration.mutable_applicant()->set_kind(v1::Applicant::LEGAL_PERSON);
  v1::RequestView view;
  grpc::Status status =
      Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::RegisterRequest, registration, &view);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(FieldsOf(status), std::vector<std::string>{"applicant.category"});
}

TEST_F(RequestsServiceTest, AnnualReportCountsByApplicantColumnReasonAndLegalResult) {
  v1::RegisterRequestRequest company = Registration("2026-06-01");
  company.mutable_applicant()->set_kind(v1::Applicant::LEGAL_PERSON);
  company.mutable_applicant()->set_category(v1::Applicant::LEGAL_SERVICE_INSTITUTION);
  v1::RequestView view;
  ASSERT_TRUE(Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::RegisterRequest, company, &view).ok());
  const std::string replied = view.request_id();
  ASSERT_TRUE(Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::Reply,
                   NotDisclosedReply(replied, v1::THIRD_PARTY_RIGHTS), &view)
                  .ok());
  Record(StepOn(replied, Step::REVIEW_FILED, "2026-06-13"));
  v1::RecordStepRequest decided = StepOn(replied, Step::REVIEW_DECIDED, "2026-06-15");
  decided.mutable_step()->set_legal_outcome(Step::UPHELD);
  Record(decided);
  Record(StepOn(Register("2026-06-02").request_id(), Step::WITHDRAWN, "2026-06-03"));
  Register("2026-06-05");  // open: carried into the next year
  Register("2026-06-05", kOtherAgency);

  v1::GetAnnualReportRequest request;  // year 0: the pinned day's year
  v1::AnnualReport report;
  ASSERT_TRUE(Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::GetAnnualReport, request, &report).ok());
  EXPECT_EQ(report.year(), 2026);
  ASSERT_EQ(report.agency_credit_codes_size(), 1);
  EXPECT_EQ(report.agency_credit_codes(0), kAgency);
  ASSERT_EQ(report.tables_size(), 2);
  EXPECT_EQ(RowOf(report, 0, "一、"), (std::vector<int>{2, 0, 0, 0, 1, 0, 3}));
  EXPECT_EQ(RowOf(report, 0, "（三）不予公开 4."), (std::vector<int>{0, 0, 0, 0, 1, 0, 1}));
  EXPECT_EQ(RowOf(report, 0, "（六）其他处理 3."), (std::vector<int>{1, 0, 0, 0, 0, 0, 1}));
  EXPECT_EQ(RowOf(report, 0, "四、"), (std::vector<int>{1, 0, 0, 0, 0, 0, 1}));
  EXPECT_EQ(report.unbalanced_columns_size(), 0);
  EXPECT_EQ(RowOf(report, 1, ""), (std::vector<int>{1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(report.csv().rfind("表三 收到和处理政府信息公开申请情况\r\n", 0), 0u);
  EXPECT_EQ(report.SerializeAsString().find("李四"), std::string::npos) << "no applicant data in the report";
}

TEST_F(RequestsServiceTest, AnnualReportIsScopedAsTheStatistics) {
  Register("2026-06-01");
  Register("2026-06-01", kOtherAgency);
  v1::GetAnnualReportRequest request;
  v1::AnnualReport report;
  ASSERT_TRUE(Call(testing::ProvinceCaller(), &v1::RequestsService::Stub::GetAnnualReport, request, &report).ok());
  EXPECT_EQ(report.agency_credit_codes_size(), 2);
  EXPECT_EQ(RowOf(report, 0, "一、").at(6), 2);

  ASSERT_TRUE(
      Call(testing::CityCaller(kOtherCity), &v1::RequestsService::Stub::GetAnnualReport, request, &report).ok());
  ASSERT_EQ(report.agency_credit_codes_size(), 1);
  EXPECT_EQ(report.agency_credit_codes(0), kOtherAgency);
  request.set_city_code(kCity);
  EXPECT_EQ(
      Call(testing::CityCaller(kOtherCity), &v1::RequestsService::Stub::GetAnnualReport, request, &report).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);

  request.set_agency_credit_code(kOtherAgency);
  ASSERT_TRUE(Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::GetAnnualReport, request, &report).ok());
  ASSERT_EQ(report.agency_credit_codes_size(), 1);
  EXPECT_EQ(report.agency_credit_codes(0), kAgency);

  EXPECT_EQ(Call(std::nullopt, &v1::RequestsService::Stub::GetAnnualReport, request, &report).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  request = v1::GetAnnualReportRequest();
  request.set_year(2101);
  grpc::Status status = Call(testing::ProvinceCaller(), &v1::RequestsService::Stub::GetAnnualReport, request, &report);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(FieldsOf(status), std::vector<std::string>{"year"});
}

// Needs RecordStep to ask LegalStepRefusal (requests_service.cc).
TEST_F(RequestsServiceTest, DecisionWithoutItsFilingIsFailedPrecondition) {
  const std::string id = Register("2026-06-10").request_id();
  v1::RequestView view;
  ASSERT_TRUE(Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::Reply,
                   NotDisclosedReply(id, v1::STATE_SECRET), &view)
                  .ok());
  v1::RecordStepRequest decided = StepOn(id, Step::LAWSUIT_DECIDED, "2026-06-15");
  decided.mutable_step()->set_legal_outcome(Step::OTHER);
  grpc::Status status = Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::RecordStep, decided, &view);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  decided.mutable_step()->clear_legal_outcome();
  status = Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::RecordStep, decided, &view);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(FieldsOf(status), std::vector<std::string>{"step.legal_outcome"});
}

// ---------------------------------------------------------------- the province view (ROLE_SERVICE)

// The tally of kAgency for (kpi, rule) in `response`; fails the test when there is none.
common::v1::KpiTally TallyIn(const common::v1::GetKpiTalliesResponse& response, const std::string& kpi,
                             const std::string& rule) {
  for (const auto& t : response.tallies()) {
    if (t.agency_credit_code() == kAgency && t.kpi() == kpi && t.rule() == rule) return t;
  }
  ADD_FAILURE() << "no tally " << kpi << "/" << rule;
  return {};
}

TEST_F(RequestsServiceTest, KpiTalliesAndFindingsAreForThePlatformsServicesOnly) {
  common::v1::GetKpiTalliesRequest tallies_request;
  tallies_request.set_year(2026);
  common::v1::GetKpiTalliesResponse tallies;
  common::v1::ListFindingsRequest findings_request;
  findings_request.set_year(2026);
  common::v1::ListFindingsResponse findings;
  for (const auto& caller : {testing::ProvinceCaller(), testing::CityCaller(kCity), testing::DeskCaller(kAgency)}) {
    EXPECT_EQ(Call(caller, &v1::RequestsService::Stub::GetKpiTallies, tallies_request, &tallies).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_EQ(Call(caller, &v1::RequestsService::Stub::ListFindings, findings_request, &findings).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  EXPECT_EQ(Call(std::nullopt, &v1::RequestsService::Stub::GetKpiTallies, tallies_request, &tallies).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(CallAsService(&v1::RequestsService::Stub::GetKpiTallies, tallies_request, &tallies).ok());
  EXPECT_TRUE(CallAsService(&v1::RequestsService::Stub::ListFindings, findings_request, &findings).ok());
}

TEST_F(RequestsServiceTest, BadKpiTalliesRequestNamesEachField) {
  common::v1::GetKpiTalliesRequest request;
  request.set_year(1999);
  request.set_max_misses(101);
  request.set_city_code("140105");
  request.set_agency_credit_code("not a credit code");
  common::v1::GetKpiTalliesResponse response;
  grpc::Status status = CallAsService(&v1::RequestsService::Stub::GetKpiTallies, request, &response);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(FieldsOf(status), (std::vector<std::string>{"year", "max_misses", "city_code", "agency_credit_code"}));
}

// As of Mon 2026-06-15: one request replied by its due date, one received
// 05-04 and still open past its due date, one not yet due; one consultation
// answered on time, one unanswered past its due date (06-08).
TEST_F(RequestsServiceTest, KpiTalliesOfAnAgencyEqualItsStatistics) {
  const std::string replied = Register("2026-06-01").request_id();
  v1::RequestView view;
  ASSERT_TRUE(Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::Reply,
                   NotDisclosedReply(replied, v1::STATE_SECRET), &view)
                  .ok());
  const std::string overdue = Register("2026-05-04").request_id();
  Register("2026-06-10");
  Register("2026-05-04", kOtherAgency);
  v1::ConsultationView answered, unanswered;
  ASSERT_TRUE(Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::RegisterConsultation,
                   Question("2026-06-10"), &answered)
                  .ok());
  ASSERT_TRUE(Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::RegisterConsultation,
                   Question("2026-06-01"), &unanswered)
                  .ok());
  v1::AnswerConsultationRequest answer;
  answer.set_consultation_id(answered.consultation_id());
  answer.set_answered_on("2026-06-12");
  answer.set_answer("可在省政务公开平台查询。");
  ASSERT_TRUE(
      Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::AnswerConsultation, answer, &answered).ok());

  common::v1::GetKpiTalliesRequest request;
  request.set_year(2026);
  request.set_agency_credit_code(kAgency);
  request.set_max_misses(10);
  common::v1::GetKpiTalliesResponse response;
  grpc::Status status = CallAsService(&v1::RequestsService::Stub::GetKpiTallies, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.as_of(), "2026-06-15");
  const v1::AgencyStatistics stats = Statistics();
  const auto replies = TallyIn(response, "standardised_reply_rate", "request_reply");
  EXPECT_EQ(replies.due(), stats.due());
  EXPECT_EQ(replies.met(), stats.standardised_replies());
  EXPECT_EQ(replies.due(), 2);
  EXPECT_EQ(replies.met(), 1);
  const auto answers = TallyIn(response, "consultation_response_rate", "consultation");
  EXPECT_EQ(answers.due(), stats.consultations_due());
  EXPECT_EQ(answers.met(), stats.consultations_answered_on_time());
  EXPECT_EQ(answers.due(), 2);
  EXPECT_EQ(answers.met(), 1);
  for (const auto& t : response.tallies()) EXPECT_EQ(t.agency_credit_code(), kAgency) << "only the agency asked for";

  const auto rule = TallyIn(response, "", "request_reply");
  ASSERT_EQ(rule.misses_size(), 1);
  EXPECT_EQ(rule.misses(0).key(), overdue) << "named by its id, as the desk's API names it";
  EXPECT_EQ(rule.misses(0).service(), "requests");
  EXPECT_EQ(rule.misses(0).city_code(), kCity);
  EXPECT_EQ(rule.misses(0).detail().rfind("not replied, due 2026-", 0), 0u) << rule.misses(0).detail();
  const auto consultation = TallyIn(response, "", "consultation");
  ASSERT_EQ(consultation.misses_size(), 1);
  EXPECT_EQ(consultation.misses(0).key(), unanswered.consultation_id());
  EXPECT_EQ(response.SerializeAsString().find("李四"), std::string::npos) << "no applicant data";

  // The province's view: summed per city.
  request.clear_agency_credit_code();
  request.set_group_by_city(true);
  ASSERT_TRUE(CallAsService(&v1::RequestsService::Stub::GetKpiTallies, request, &response).ok());
  int other_city_replies_due = -1;
  for (const auto& t : response.tallies()) {
    EXPECT_TRUE(t.agency_credit_code().empty());
    if (t.city_code() == kOtherCity && t.kpi().empty() && t.rule() == "request_reply") {
      other_city_replies_due = static_cast<int>(t.due());
    }
  }
  EXPECT_EQ(other_city_replies_due, 1);
}

// Received Mon 05-04, the request is due 06-01 and overdue on 06-15;
// received 03-02, it is past twice its limit; a consultation asked 06-01 was
// due 06-08.
TEST_F(RequestsServiceTest, ListFindingsNamesOverdueRequestsAndConsultations) {
  const std::string overdue = Register("2026-05-04").request_id();
  const std::string very_overdue = Register("2026-03-02").request_id();
  Register("2026-06-10");
  ASSERT_EQ(Get(overdue).desk_state(), v1::OVERDUE);
  ASSERT_EQ(Get(very_overdue).desk_state(), v1::VERY_OVERDUE);
  v1::ConsultationView late, fresh;
  ASSERT_TRUE(Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::RegisterConsultation,
                   Question("2026-06-01"), &late)
                  .ok());
  ASSERT_TRUE(Call(testing::DeskCaller(kAgency), &v1::RequestsService::Stub::RegisterConsultation,
                   Question("2026-06-12"), &fresh)
                  .ok());

  common::v1::ListFindingsRequest request;
  request.set_year(2026);
  for (const char* rule : {"request_overdue", "request_very_overdue", "consultation_overdue", "fine_outside_tier"}) {
    request.add_rules()->set_name(rule);
  }
  common::v1::ListFindingsResponse response;
  ASSERT_TRUE(CallAsService(&v1::RequestsService::Stub::ListFindings, request, &response).ok());
  std::vector<std::string> found;
  for (const auto& f : response.findings()) {
    found.push_back(f.rule() + " " + f.record().key());
    EXPECT_EQ(f.observed_on(), "2026-06-15");
    EXPECT_EQ(f.record().agency_credit_code(), kAgency);
  }
  EXPECT_EQ(found, (std::vector<std::string>{"request_overdue " + overdue, "request_very_overdue " + very_overdue,
                                             "consultation_overdue " + late.consultation_id()}));
  EXPECT_FALSE(response.truncated());
  EXPECT_EQ(response.SerializeAsString().find("李四"), std::string::npos) << "no applicant data";

  // Only the rules asked for, only the year asked for.
  request.clear_rules();
  request.add_rules()->set_name("consultation_overdue");
  ASSERT_TRUE(CallAsService(&v1::RequestsService::Stub::ListFindings, request, &response).ok());
  EXPECT_EQ(response.findings_size(), 1);
  request.set_year(2025);
  request.add_rules()->set_name("request_overdue");
  ASSERT_TRUE(CallAsService(&v1::RequestsService::Stub::ListFindings, request, &response).ok());
  EXPECT_EQ(response.findings_size(), 0);
}

TEST_F(RequestsServiceTest, BadFindingsRequestNamesItsFields) {
  common::v1::ListFindingsRequest request;
  request.set_year(2101);
  for (int i = 0; i < 101; ++i) request.add_rules()->set_name("request_overdue");
  common::v1::ListFindingsResponse response;
  grpc::Status status = CallAsService(&v1::RequestsService::Stub::ListFindings, request, &response);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(FieldsOf(status), (std::vector<std::string>{"year", "rules"}));
}

}  // namespace
}  // namespace gongkai::requests
