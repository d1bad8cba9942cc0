// The penalties adapter in process: a real gRPC client against the service on
// a loopback port, with an in-memory store and registry behind it and the
// date pinned. Mapping, scope and error paths; the e2e tests prove the whole
// path.
#include "services/penalties/penalties_service.h"

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <tuple>

#include "common/calendar/iso_date.h"
#include "common/errors.h"
#include "common/identifiers.h"
#include "common/testing/adapter.h"
#include "common/testing/dates.h"
#include "services/penalties/penalty_public.h"
#include "services/penalties/service_test_records.h"

namespace gongkai::penalties {
namespace {

using common::v1::RecordResult;

using gongkai::testing::Day;

std::string CreditCode(const std::string& first17) { return first17 + common::CreditCodeCheckCharacter(first17); }
std::string CitizenId(const std::string& first17) { return first17 + common::CitizenIdCheckCharacter(first17); }

const std::string kAgency = CreditCode("11140100MB0000101");       // registered to 140100
const std::string kOtherAgency = CreditCode("11140200MB0000201");  // registered to 140200
const std::string kUnknownAgency = CreditCode("11140100MB0000999");
const std::string kCompany = CreditCode("91140100MA0KABCD1");
const std::string kOtherCompany = CreditCode("91140100MA0KABCD2");
const std::string kPersonCreditCode = CreditCode("91140100MA0KPER01");  // given with a natural person's decision
const std::string kPersonId = CitizenId("14010119850315123");

// The records as the adapter hands them over, kept in memory.
class FakeStore final : public PenaltyStore {
 public:
  std::vector<WriteResult> UpsertBatch(const std::string& city_code, const std::vector<RecordToStore>& valid,
                                       const std::vector<common::Rejection>& rejected, common::Date today) override {
    std::lock_guard lock(mutex_);
    std::vector<WriteResult> out;
    for (const auto& r : valid) {
      written.push_back(r);
      auto it = rows.find(Key(r.kind, r.agency_credit_code, r.source_id));
      if (it != rows.end() && (it->second.source_version >= r.source_version || it->second.city_code != city_code)) {
        out.push_back({common::UpsertOutcome::kUnchanged, false});
        continue;
      }
      const bool was_public = it != rows.end() && !it->second.public_record.empty();
      RecordRow row = it != rows.end() ? it->second : RecordRow{};
      if (it == rows.end()) row.published_on = today;
      row.kind = r.kind;
      row.agency_credit_code = r.agency_credit_code;
      row.source_id = r.source_id;
      row.city_code = city_code;
      row.domain = r.domain;
      row.source_version = r.source_version;
      row.record = r.record;
      row.public_record = r.public_record;
      row.clock_start = r.clock_start;
      row.public_until = r.public_until;
      rows[Key(r.kind, r.agency_credit_code, r.source_id)] = row;
      party_credit_codes[Key(r.kind, r.agency_credit_code, r.source_id)] = r.public_party_credit_code;
      out.push_back({common::UpsertOutcome::kAccepted, !r.public_record.empty() && !was_public});
    }
    rejections.insert(rejections.end(), rejected.begin(), rejected.end());
    return out;
  }

  std::optional<RecordRow> Get(PenaltyKind kind, const std::string& agency, const std::string& source_id) override {
    std::lock_guard lock(mutex_);
    auto it = rows.find(Key(kind, agency, source_id));
    if (it == rows.end()) return std::nullopt;
    return it->second;
  }

  std::optional<RecordRow> Withdraw(const std::string& agency, const std::string& source_id, int reason,
                                    const std::string& explanation, common::Date event_date,
                                    common::Date today) override {
    std::lock_guard lock(mutex_);
    auto it = rows.find(Key(PenaltyKind::kDecision, agency, source_id));
    if (it == rows.end()) return std::nullopt;
    if (!it->second.withdrawn_on) {
      it->second.withdrawn_on = today;
      it->second.withdrawal_reason = reason;
      it->second.withdrawal_explanation = explanation;
      it->second.withdrawal_event_date = event_date;
    }
    return it->second;
  }

  std::optional<RecordRow> Release(const std::string& agency, const std::string& source_id, common::Date release_date,
                                   const std::string& explanation) override {
    std::lock_guard lock(mutex_);
    auto it = rows.find(Key(PenaltyKind::kMeasure, agency, source_id));
    if (it == rows.end()) return std::nullopt;
    if (!it->second.released_on) {
      it->second.released_on = release_date;
      it->second.release_explanation = explanation;
    }
    return it->second;
  }

  std::optional<RecordRow> RecordCreditRepair(const std::string& agency, const std::string& source_id,
                                              const CreditRepair& repair, common::Date) override {
    std::lock_guard lock(mutex_);
    auto it = rows.find(Key(PenaltyKind::kDecision, agency, source_id));
    if (it == rows.end()) return std::nullopt;
    if (!it->second.repaired_on) {
      it->second.repaired_on = repair.repaired_on;
      it->second.public_until = PublicUntilAfterRepair(it->second.public_until, repair.repaired_on);
      repairs.push_back(repair);
    }
    return it->second;
  }

  // As the statements answer: the records public on `today`, or the
  // withdrawal notices, by city, party credit code and (for notices) the day
  // of the withdrawal, newest first by the list's date, agency and source id.
  std::vector<RecordRow> ListPublished(const PublishedFilter& f, common::Date today) override {
    std::lock_guard lock(mutex_);
    list_limits.push_back(f.limit);
    filters_asked.push_back(f);
    const auto day = [&f](const RecordRow& row) {
      return f.withdrawn ? row.withdrawn_on.value_or(common::Date{}) : row.clock_start;
    };
    std::vector<RecordRow> out;
    for (const auto& [key, row] : rows) {
      if (row.kind != f.kind || row.withdrawn_on.has_value() != f.withdrawn ||
          !VisibleToPublic(!row.public_record.empty(), f.withdrawn, row.public_until, today)) {
        continue;
      }
      if (!f.city_code.empty() && row.city_code != f.city_code) continue;
      if (!f.party_credit_code.empty()) {
        const auto code = party_credit_codes.find(key);
        if (f.withdrawn || code == party_credit_codes.end() || code->second != f.party_credit_code) continue;
      }
      if ((f.date_from && day(row) < *f.date_from) || (f.date_to && day(row) > *f.date_to)) continue;
      if (f.after && std::make_tuple(day(row), row.agency_credit_code, row.source_id) >=
                         std::make_tuple(f.after->day, f.after->agency_credit_code, f.after->source_id)) {
        continue;
      }
      out.push_back(row);
      if (f.withdrawn) out.back().public_record.clear();  // the notice replaces the record
    }
    std::sort(out.begin(), out.end(), [&day](const RecordRow& a, const RecordRow& b) {
      return std::make_tuple(day(a), a.agency_credit_code, a.source_id) >
             std::make_tuple(day(b), b.agency_credit_code, b.source_id);
    });
    if (static_cast<int>(out.size()) > f.limit) out.resize(f.limit);
    return out;
  }

  std::vector<ChangeRow> Changes(int64_t after_seq, int limit, common::Date today) override {
    std::lock_guard lock(mutex_);
    changes_asked.push_back({after_seq, limit, today});
    return changes;
  }

  std::vector<common::Rejection> ListRejections(const std::string&, int64_t, int) override { return {}; }

  std::vector<PublicationCount> PublicationCounts() override { return {}; }

  // Counted from `rows` as the statement counts them: by clock start, public
  // or not, withdrawn or not.
  std::vector<EnforcementCount> AnnualEnforcementCounts(int year, const std::string& city_code,
                                                        const std::string& agency_credit_code) override {
    std::lock_guard lock(mutex_);
    counts_asked.push_back({year, city_code, agency_credit_code});
    std::map<std::pair<std::string, std::string>, EnforcementCount> by_agency;
    for (const auto& [key, row] : rows) {
      if (static_cast<int>(std::chrono::year_month_day(row.clock_start).year()) != year) continue;
      if (!city_code.empty() && row.city_code != city_code) continue;
      if (!agency_credit_code.empty() && row.agency_credit_code != agency_credit_code) continue;
      EnforcementCount& count = by_agency[{row.agency_credit_code, row.city_code}];
      count.agency_credit_code = row.agency_credit_code;
      count.city_code = row.city_code;
      ++(row.kind == PenaltyKind::kDecision ? count.penalty_decisions : count.coercive_measures);
    }
    std::vector<EnforcementCount> out;
    for (const auto& [key, count] : by_agency) out.push_back(count);
    return out;
  }

  // What TallyRecords answers, narrowed as the statement narrows it, and what
  // it was asked.
  std::vector<TallyRecord> TallyRecords(int year, const std::string& city_code, const std::string& agency_credit_code,
                                        bool one_by_one) override {
    std::lock_guard lock(mutex_);
    tallies_asked.push_back({year, city_code, agency_credit_code, one_by_one});
    std::vector<TallyRecord> out;
    for (const auto& r : tally_records) {
      if ((city_code.empty() || r.city_code == city_code) &&
          (agency_credit_code.empty() || r.agency_credit_code == agency_credit_code)) {
        out.push_back(r);
      }
    }
    return out;
  }

  std::vector<DecisionFacts> DecisionFactsOf(int year) override {
    std::lock_guard lock(mutex_);
    facts_asked.push_back(year);
    return decision_facts;
  }

  // What Changes answers, set by a test.
  std::vector<ChangeRow> changes;
  // What TallyRecords and DecisionFactsOf answer, set by a test, and what
  // they were asked.
  std::vector<TallyRecord> tally_records;
  std::vector<DecisionFacts> decision_facts;
  struct TalliesAsked {
    int year;
    std::string city_code;
    std::string agency_credit_code;
    bool one_by_one;
  };
  std::vector<TalliesAsked> tallies_asked;
  std::vector<int> facts_asked;
  // Read by the tests once a call has returned.
  struct ChangesAsked {
    int64_t after_seq;
    int limit;
    common::Date today;
  };
  std::vector<ChangesAsked> changes_asked;
  std::vector<int> list_limits;                // ListPublished's limits
  std::vector<PublishedFilter> filters_asked;  // and its filters
  struct CountsAsked {
    int year;
    std::string city_code;
    std::string agency_credit_code;
  };
  std::vector<CountsAsked> counts_asked;  // AnnualEnforcementCounts' scopes
  std::map<std::tuple<PenaltyKind, std::string, std::string>, RecordRow> rows;
  // The parties' public credit codes, as written with the rows.
  std::map<std::tuple<PenaltyKind, std::string, std::string>, std::string> party_credit_codes;
  std::vector<RecordToStore> written;
  std::vector<common::Rejection> rejections;
  std::vector<CreditRepair> repairs;  // as kept, the first of each decision

 private:
  static std::tuple<PenaltyKind, std::string, std::string> Key(PenaltyKind kind, const std::string& agency,
                                                               const std::string& source_id) {
    return {kind, agency, source_id};
  }

  std::mutex mutex_;
};

// The registry's answers, or UNAVAILABLE while `down`.
class FakeRegistry final : public registry::RegistryClient {
 public:
  std::optional<registry::AgencyInfo> Agency(const std::string& credit_code) override {
    if (down) throw common::ServiceError::Unavailable("the registry is down");
    auto it = agencies.find(credit_code);
    if (it == agencies.end()) return std::nullopt;
    return it->second;
  }

  std::optional<std::vector<registry::TierRange>> Benchmark(const std::string& city_code, const std::string& domain,
                                                            const std::string& violation_code) override {
    if (down) throw common::ServiceError::Unavailable("the registry is down");
    auto it = benchmarks.find(city_code + "/" + domain + "/" + violation_code);
    if (it == benchmarks.end()) return std::nullopt;
    return it->second;
  }

  std::map<std::string, CertificateInfo> CheckCertificates(const std::vector<std::string>& numbers, common::Date,
                                                           common::Date) override {
    if (down) throw common::ServiceError::Unavailable("the registry is down");
    std::map<std::string, CertificateInfo> out;
    for (const auto& number : numbers) {
      auto it = certificates.find(number);
      out[number] = it == certificates.end() ? CertificateInfo{} : it->second;
    }
    return out;
  }

  std::vector<PowersItemInfo> PowersItems(const std::vector<std::string>& agencies_asked,
                                          const std::vector<std::string>& source_ids) override {
    if (down) throw common::ServiceError::Unavailable("the registry is down");
    std::vector<PowersItemInfo> out;
    for (const auto& item : powers_items) {
      const bool agency =
          std::find(agencies_asked.begin(), agencies_asked.end(), item.agency_credit_code) != agencies_asked.end();
      const bool id = std::find(source_ids.begin(), source_ids.end(), item.source_id) != source_ids.end();
      if (agency && id) out.push_back(item);
    }
    return out;
  }

  void RecordInspectionPlans(const std::vector<InspectionPlanNotice>& notices) override {
    if (down) throw common::ServiceError::Unavailable("the registry is down");
    plans.insert(plans.end(), notices.begin(), notices.end());
  }

  // Every agency's list current on every day.
  std::vector<QualificationAnswer> QualificationLists(const std::vector<QualificationQuery>& queries) override {
    return std::vector<QualificationAnswer>(queries.size(), QualificationAnswer{true, true, ""});
  }
  std::vector<EnforcementUnitInfo> EnforcementUnits() override {
    if (down) throw common::ServiceError::Unavailable("the registry is down");
    return units;
  }

  std::map<std::string, registry::AgencyInfo> agencies;
  std::map<std::string, std::vector<registry::TierRange>> benchmarks;  // by city/domain/violation code
  std::map<std::string, CertificateInfo> certificates;                 // by number, whatever the period
  std::vector<PowersItemInfo> powers_items;
  std::vector<InspectionPlanNotice> plans;  // as recorded
  std::vector<EnforcementUnitInfo> units;
  bool down = false;
};

v1::PenaltyDecision CompanyDecision(const std::string& source_id, const std::string& date = "2026-06-01") {
  return CompanyDecisionOf(kAgency, kCompany, source_id, date);
}

v1::PenaltyDecision PersonDecision(const std::string& source_id) {
  v1::PenaltyDecision d = CompanyDecision(source_id);
  auto* party = d.mutable_party();
  party->Clear();
  party->set_kind(v1::Party::NATURAL_PERSON);
  party->set_name("张三");
  party->set_id_number(kPersonId);
  party->set_address("太原市小店区某街1号");
  party->set_phone("13812345678");
  d.set_facts("张三（电话13812345678）销售过期食品。");
  return d;
}

std::vector<std::string> Fields(const common::Violations& violations) {
  std::vector<std::string> fields;
  for (const auto& v : violations) fields.push_back(v.field);
  return fields;
}

std::vector<std::string> Fields(const RecordResult& result) {
  std::vector<std::string> fields;
  for (const auto& v : result.violations()) fields.push_back(v.field());
  return fields;
}

class PenaltiesServiceTest : public ::testing::Test {
 protected:
  PenaltiesServiceTest()
      : ctx_(Day("2026-06-15")),
        metrics_(prometheus_),
        service_(store_, registry_, ctx_.context(), metrics_, 100),
        server_(&service_),
        stub_(v1::PenaltiesService::NewStub(server_.channel())) {
    registry_.agencies[kAgency] = {"140100", {"market_regulation"}, ""};
    registry_.agencies[kOtherAgency] = {"140200", {"market_regulation"}, ""};
  }

  // Calls `method` as `caller` (nullopt: the public, with no identity).
  template <typename Request, typename Response>
  grpc::Status Call(grpc::Status (v1::PenaltiesService::Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                    const Request& request, Response* response,
                    const std::optional<common::CallerIdentity>& caller = testing::CityCaller("140100")) {
    return (stub_.get()->*method)(ctx_.ClientAs(caller).get(), request, response);
  }

  grpc::Status Upsert(const std::vector<v1::PenaltyDecision>& decisions, v1::UpsertResponse* response,
                      const std::string& city = "140100") {
    v1::UpsertDecisionsRequest request;
    for (const auto& d : decisions) *request.add_decisions() = d;
    return Call(&v1::PenaltiesService::Stub::UpsertDecisions, request, response, testing::CityCaller(city));
  }

  testing::TestContext ctx_;
  FakeStore store_;
  FakeRegistry registry_;
  prometheus::Registry prometheus_;
  common::DisclosureMetrics metrics_;
  PenaltiesService service_;
  testing::InProcessServer server_;
  std::unique_ptr<v1::PenaltiesService::Stub> stub_;
};

TEST_F(PenaltiesServiceTest, UpsertDecisionsAcceptsRejectsWithFieldPathsAndKeepsAResendUnchanged) {
  v1::PenaltyDecision bad = CompanyDecision("D-2");
  bad.set_facts("");
  bad.set_domain("market");
  v1::UpsertResponse response;
  ASSERT_TRUE(Upsert({CompanyDecision("D-1"), bad}, &response).ok());
  ASSERT_EQ(response.results_size(), 2);
  EXPECT_EQ(response.results(0).index(), 0);
  EXPECT_EQ(response.results(0).key(), kAgency + "/D-1");
  EXPECT_EQ(response.results(0).outcome(), RecordResult::ACCEPTED);
  EXPECT_EQ(response.results(1).outcome(), RecordResult::REJECTED);
  EXPECT_EQ(Fields(response.results(1)), (std::vector<std::string>{"decisions[1].facts", "decisions[1].domain"}));
  ASSERT_EQ(store_.rejections.size(), 1u);
  EXPECT_EQ(store_.rejections[0].key, kAgency + "/D-2");
  EXPECT_EQ(store_.rejections[0].kind, "decision");

  v1::UpsertResponse again;
  ASSERT_TRUE(Upsert({CompanyDecision("D-1")}, &again).ok());
  EXPECT_EQ(again.results(0).outcome(), RecordResult::UNCHANGED);
}

TEST_F(PenaltiesServiceTest, TheStoreReceivesThePublicFormMasked) {
  v1::UpsertResponse response;
  ASSERT_TRUE(Upsert({PersonDecision("D-3")}, &response).ok());
  ASSERT_EQ(response.results(0).outcome(), RecordResult::ACCEPTED);
  ASSERT_EQ(store_.written.size(), 1u);
  const RecordToStore& row = store_.written[0];
  EXPECT_EQ(common::FormatIsoDate(row.clock_start), "2026-06-01");
  EXPECT_EQ(common::FormatIsoDate(row.public_until), "2027-05-31");
  EXPECT_EQ(row.public_party_name, "张某某");
  v1::PenaltyDecision shown;
  ASSERT_TRUE(shown.ParseFromString(row.public_record));
  EXPECT_EQ(shown.party().name(), "张某某");
  EXPECT_EQ(shown.party().id_number(), "140101********" + kPersonId.substr(14));
  EXPECT_EQ(shown.party().address(), "");
  EXPECT_EQ(shown.party().phone(), "");
  EXPECT_EQ(shown.facts().find("张三"), std::string::npos);
  EXPECT_EQ(shown.facts().find("13812345678"), std::string::npos);
  v1::PenaltyDecision full;
  ASSERT_TRUE(full.ParseFromString(row.record));
  EXPECT_EQ(full.party().name(), "张三");
  EXPECT_EQ(full.party().id_number(), kPersonId);
}

TEST_F(PenaltiesServiceTest, AnotherCitysAgencyRefusesTheWholeBatch) {
  v1::PenaltyDecision foreign = CompanyDecision("D-4");
  foreign.set_agency_credit_code(kOtherAgency);
  v1::UpsertResponse response;
  grpc::Status status = Upsert({CompanyDecision("D-5"), foreign}, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(store_.written.empty());
  EXPECT_TRUE(store_.rejections.empty());
}

TEST_F(PenaltiesServiceTest, AnUnknownAgencyRejectsItsRecordAtTheAgencyField) {
  v1::PenaltyDecision unknown = CompanyDecision("D-6");
  unknown.set_agency_credit_code(kUnknownAgency);
  v1::UpsertResponse response;
  ASSERT_TRUE(Upsert({CompanyDecision("D-7"), unknown}, &response).ok());
  EXPECT_EQ(response.results(0).outcome(), RecordResult::ACCEPTED);
  EXPECT_EQ(response.results(1).outcome(), RecordResult::REJECTED);
  EXPECT_EQ(Fields(response.results(1)), std::vector<std::string>{"decisions[1].agency_credit_code"});
  EXPECT_EQ(response.results(1).violations(0).description(), "no such agency in the registry");
}

TEST_F(PenaltiesServiceTest, AMajorPenaltyIsHeldToTheCitysBenchmark) {
  registry_.benchmarks["140100/market_regulation/SJ-SP-034"] = {{3, 10'000'000, 50'000'000},
                                                                {4, 50'000'000, 100'000'000}};
  const auto major = [](const std::string& source_id, int tier, int64_t fine_fen) {
    v1::PenaltyDecision d = CompanyDecision(source_id);
    d.mutable_result()->set_fine_fen(fine_fen);
    d.set_legal_application_explanation("依据裁量基准第" + std::to_string(tier) + "档，因当事人拒不改正。");
    d.set_benchmark_violation_code("SJ-SP-034");
    d.set_benchmark_tier(tier);
    return d;
  };
  v1::UpsertResponse response;
  ASSERT_TRUE(
      Upsert({major("D-8", 4, 60'000'000), major("D-9", 5, 60'000'000), major("D-10", 4, 200'000'000)}, &response)
          .ok());
  EXPECT_EQ(response.results(0).outcome(), RecordResult::ACCEPTED);
  EXPECT_EQ(Fields(response.results(1)), std::vector<std::string>{"decisions[1].benchmark_tier"});
  EXPECT_EQ(Fields(response.results(2)), std::vector<std::string>{"decisions[2].result.fine_fen"});
}

TEST_F(PenaltiesServiceTest, ThePublicCannotUpsertDecisions) {
  v1::UpsertDecisionsRequest request;
  *request.add_decisions() = CompanyDecision("D-11");
  v1::UpsertResponse response;
  grpc::Status status = Call(&v1::PenaltiesService::Stub::UpsertDecisions, request, &response, std::nullopt);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(store_.written.empty());
}

TEST_F(PenaltiesServiceTest, SyncDecisionsSumsItsMessagesWithIndexesAcrossThem) {
  grpc::ClientContext context;
  ctx_.SignAs(context, testing::CityCaller("140100"));
  v1::SyncSummary summary;
  auto writer = stub_->SyncDecisions(&context, &summary);
  v1::PenaltyDecision bad = CompanyDecision("D-13");
  bad.set_decision_date("2026-06-16");  // after the pinned today
  v1::UpsertDecisionsRequest first;
  *first.add_decisions() = CompanyDecision("D-12");
  *first.add_decisions() = bad;
  v1::UpsertDecisionsRequest second;
  *second.add_decisions() = CompanyDecision("D-12");  // the same version again
  *second.add_decisions() = CompanyDecision("D-14");
  *second.add_decisions() = bad;
  ASSERT_TRUE(writer->Write(first));
  ASSERT_TRUE(writer->Write(second));
  ASSERT_TRUE(writer->WritesDone());
  ASSERT_TRUE(writer->Finish().ok());
  EXPECT_EQ(summary.received(), 5);
  EXPECT_EQ(summary.accepted(), 2);
  EXPECT_EQ(summary.unchanged(), 1);
  EXPECT_EQ(summary.rejected(), 2);
  ASSERT_EQ(summary.results_size(), 2);
  EXPECT_EQ(summary.results(0).index(), 1);
  EXPECT_EQ(Fields(summary.results(0)), std::vector<std::string>{"decisions[1].decision_date"});
  EXPECT_EQ(summary.results(1).index(), 4);
  EXPECT_EQ(Fields(summary.results(1)), std::vector<std::string>{"decisions[4].decision_date"});
}

TEST_F(PenaltiesServiceTest, ACityCannotWithdrawAnotherCitysDecision) {
  v1::PenaltyDecision foreign = CompanyDecision("D-15");
  foreign.set_agency_credit_code(kOtherAgency);
  v1::UpsertResponse stored;
  ASSERT_TRUE(Upsert({foreign}, &stored, "140200").ok());
  ASSERT_EQ(stored.results(0).outcome(), RecordResult::ACCEPTED);

  v1::WithdrawDecisionRequest request;
  request.set_agency_credit_code(kOtherAgency);
  request.set_source_id("D-15");
  request.set_reason(v1::REVOKED);
  request.set_explanation("复议决定撤销原处罚决定。");
  request.set_event_date("2026-06-10");
  v1::PublishedRecord record;
  EXPECT_EQ(Call(&v1::PenaltiesService::Stub::WithdrawDecision, request, &record).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_FALSE(store_.rows.begin()->second.withdrawn_on.has_value());
  EXPECT_TRUE(
      Call(&v1::PenaltiesService::Stub::WithdrawDecision, request, &record, testing::CityCaller("140200")).ok());
  EXPECT_TRUE(record.withdrawn());
  EXPECT_EQ(record.withdrawn_on(), "2026-06-15");
}

TEST_F(PenaltiesServiceTest, AWithdrawalDatedAfterTodayIsInvalidUntilThatDay) {
  v1::UpsertResponse stored;
  ASSERT_TRUE(Upsert({CompanyDecision("D-16")}, &stored).ok());
  v1::WithdrawDecisionRequest request;
  request.set_agency_credit_code(kAgency);
  request.set_source_id("D-16");
  request.set_reason(v1::CHANGED);
  request.set_explanation("变更处罚决定。");
  request.set_event_date("2026-06-16");
  v1::PublishedRecord record;
  grpc::Status status = Call(&v1::PenaltiesService::Stub::WithdrawDecision, request, &record);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(common::ViolationsOf(status), (common::Violations{{"event_date", "must not be in the future"}}));

  ctx_.clock().Set(Day("2026-06-16"));
  EXPECT_TRUE(Call(&v1::PenaltiesService::Stub::WithdrawDecision, request, &record).ok());
  EXPECT_EQ(record.withdrawn_on(), "2026-06-16");
}

TEST_F(PenaltiesServiceTest, ListPublishedNamesABadPageSizeOrToken) {
  v1::ListPublishedRequest request;
  request.set_page_size(-1);
  v1::ListPublishedResponse response;
  grpc::Status status = Call(&v1::PenaltiesService::Stub::ListPublished, request, &response, std::nullopt);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Fields(common::ViolationsOf(status)), std::vector<std::string>{"page_size"});

  request.set_page_size(10);
  request.set_page_token("Zm9yZ2Vk");
  status = Call(&v1::PenaltiesService::Stub::ListPublished, request, &response, std::nullopt);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Fields(common::ViolationsOf(status)), std::vector<std::string>{"page_token"});
}

TEST_F(PenaltiesServiceTest, ListPublishedPagesNewestFirstWithTheNextPageToken) {
  v1::UpsertResponse stored;
  ASSERT_TRUE(Upsert({CompanyDecision("D-17", "2026-06-01"), CompanyDecision("D-18", "2026-06-03"),
                      CompanyDecision("D-19", "2026-06-02")},
                     &stored)
                  .ok());
  v1::ListPublishedRequest request;
  request.set_page_size(2);
  v1::ListPublishedResponse first;
  ASSERT_TRUE(Call(&v1::PenaltiesService::Stub::ListPublished, request, &first, std::nullopt).ok());
  ASSERT_EQ(first.records_size(), 2);
  EXPECT_EQ(first.records(0).source_id(), "D-18");
  EXPECT_EQ(first.records(1).source_id(), "D-19");
  EXPECT_EQ(first.records(0).decision().party().name(), "太原市某某食品有限公司");
  ASSERT_FALSE(first.next_page_token().empty());

  request.set_page_token(first.next_page_token());
  v1::ListPublishedResponse second;
  ASSERT_TRUE(Call(&v1::PenaltiesService::Stub::ListPublished, request, &second, std::nullopt).ok());
  ASSERT_EQ(second.records_size(), 1);
  EXPECT_EQ(second.records(0).source_id(), "D-17");
  EXPECT_EQ(second.next_page_token(), "");
}

// The public finds a party by its credit code as published: an
// organisation's. A natural person's credit code, which a city may send with
// the decision, is never published and finds nothing; a citizen ID number is
// no credit code, and a violation.
TEST_F(PenaltiesServiceTest, ListPublishedFindsAPartyByItsPublishedCreditCodeOnly) {
  v1::PenaltyDecision person = PersonDecision("D-32");
  person.mutable_party()->set_credit_code(kPersonCreditCode);
  v1::UpsertResponse stored;
  const v1::PenaltyDecision other = CompanyDecisionOf(kAgency, kOtherCompany, "D-31", "2026-06-02");
  ASSERT_TRUE(Upsert({CompanyDecision("D-30"), other, person}, &stored).ok());
  for (const auto& result : stored.results()) ASSERT_EQ(result.outcome(), RecordResult::ACCEPTED) << result.key();
  std::map<std::string, std::string> written;  // source id -> public credit code, as the store got it
  for (const RecordToStore& row : store_.written) written[row.source_id] = row.public_party_credit_code;
  EXPECT_EQ(written, (std::map<std::string, std::string>{{"D-30", kCompany}, {"D-31", kOtherCompany}, {"D-32", ""}}));

  const auto found = [&](const std::string& code) {
    v1::ListPublishedRequest request;
    request.set_party_credit_code(code);
    v1::ListPublishedResponse response;
    EXPECT_TRUE(Call(&v1::PenaltiesService::Stub::ListPublished, request, &response, std::nullopt).ok()) << code;
    EXPECT_EQ(store_.filters_asked.back().party_credit_code, code);
    std::vector<std::string> ids;
    for (const auto& r : response.records()) {
      ids.push_back(r.source_id());
      EXPECT_EQ(r.decision().party().credit_code(), code);
    }
    return ids;
  };
  EXPECT_EQ(found(kCompany), std::vector<std::string>{"D-30"});
  EXPECT_EQ(found(kOtherCompany), std::vector<std::string>{"D-31"});
  EXPECT_TRUE(found(kPersonCreditCode).empty()) << "a natural person's credit code is never published";

  const std::size_t asked = store_.filters_asked.size();
  v1::ListPublishedRequest by_id;
  by_id.set_party_credit_code(kPersonId);
  v1::ListPublishedResponse response;
  const grpc::Status status = Call(&v1::PenaltiesService::Stub::ListPublished, by_id, &response, std::nullopt);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Fields(common::ViolationsOf(status)), std::vector<std::string>{"party_credit_code"});
  EXPECT_EQ(store_.filters_asked.size(), asked) << "a refused search reads nothing";
}

TEST_F(PenaltiesServiceTest, ABadPartyCreditCodeIsAViolationNamingIt) {
  for (const std::string& bad : {kCompany.substr(0, 17), kCompany + "1", std::string("91140100ma0kabcd1x"),
                                 kCompany.substr(0, 17) + (kCompany[17] == 'A' ? "B" : "A"), std::string("某某公司")}) {
    v1::ListPublishedRequest request;
    request.set_kind(v1::GetRecordRequest::MEASURE);
    request.set_party_credit_code(bad);
    v1::ListPublishedResponse response;
    const grpc::Status status = Call(&v1::PenaltiesService::Stub::ListPublished, request, &response, std::nullopt);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << bad;
    EXPECT_EQ(Fields(common::ViolationsOf(status)), std::vector<std::string>{"party_credit_code"}) << bad;
  }
}

// With `withdrawn`, the withdrawal notices instead of the records: newest
// withdrawal first, filtered by city and by the day of the withdrawal, paged
// by a token of their own; each is the notice, without the decision.
TEST_F(PenaltiesServiceTest, WithdrawnListsTheNoticesNewestWithdrawalFirstFilteredAndPaged) {
  v1::UpsertResponse stored;
  ASSERT_TRUE(Upsert({CompanyDecision("D-40"), CompanyDecision("D-41"), CompanyDecision("D-42"),
                      CompanyDecision("D-43"), CompanyDecision("D-45")},
                     &stored)
                  .ok());
  ASSERT_TRUE(Upsert({CompanyDecisionOf(kOtherAgency, kCompany, "D-44", "2026-06-01")}, &stored, "140200").ok());
  const auto withdraw = [&](const std::string& agency, const std::string& source_id, const std::string& city) {
    v1::WithdrawDecisionRequest request;
    request.set_agency_credit_code(agency);
    request.set_source_id(source_id);
    request.set_reason(v1::REVOKED);
    request.set_explanation("复议决定撤销原处罚决定。");
    request.set_event_date("2026-06-10");
    v1::PublishedRecord record;
    ASSERT_TRUE(Call(&v1::PenaltiesService::Stub::WithdrawDecision, request, &record, testing::CityCaller(city)).ok())
        << source_id;
  };
  withdraw(kAgency, "D-41", "140100");  // on 2026-06-15
  ctx_.clock().Set(Day("2026-06-16"));
  withdraw(kAgency, "D-40", "140100");
  withdraw(kOtherAgency, "D-44", "140200");
  ctx_.clock().Set(Day("2026-06-17"));
  withdraw(kAgency, "D-42", "140100");

  const auto list = [&](v1::ListPublishedRequest request, std::string* next = nullptr) {
    v1::ListPublishedResponse response;
    EXPECT_TRUE(Call(&v1::PenaltiesService::Stub::ListPublished, request, &response, std::nullopt).ok());
    std::vector<std::string> ids;
    for (const auto& r : response.records()) {
      ids.push_back(r.source_id());
      if (!request.withdrawn()) continue;
      EXPECT_TRUE(r.withdrawn()) << r.source_id();
      EXPECT_FALSE(r.has_decision()) << "the notice replaces the decision";
      EXPECT_EQ(r.withdrawal_reason(), v1::REVOKED);
      EXPECT_EQ(r.withdrawal_explanation(), "复议决定撤销原处罚决定。");
      EXPECT_EQ(r.withdrawal_timeliness().clock_start(), "2026-06-10");
    }
    if (next != nullptr) *next = response.next_page_token();
    return ids;
  };
  v1::ListPublishedRequest request;
  request.set_withdrawn(true);
  request.set_page_size(2);
  std::string notices_next;
  // D-44's agency sorts after D-40's: of one day, it comes first.
  EXPECT_EQ(list(request, &notices_next), (std::vector<std::string>{"D-42", "D-44"}));
  EXPECT_TRUE(store_.filters_asked.back().withdrawn);
  ASSERT_FALSE(notices_next.empty());
  request.set_page_token(notices_next);
  std::string last;
  EXPECT_EQ(list(request, &last), (std::vector<std::string>{"D-40", "D-41"}));
  EXPECT_EQ(last, "");

  v1::ListPublishedRequest by_city;
  by_city.set_withdrawn(true);
  by_city.set_city_code("140200");
  EXPECT_EQ(list(by_city), std::vector<std::string>{"D-44"});
  by_city.set_city_code("140100");
  EXPECT_EQ(list(by_city), (std::vector<std::string>{"D-42", "D-40", "D-41"}));
  v1::ListPublishedRequest by_day;
  by_day.set_withdrawn(true);
  by_day.set_date_from("2026-06-16");
  by_day.set_date_to("2026-06-16");
  EXPECT_EQ(list(by_day), (std::vector<std::string>{"D-44", "D-40"}));
  EXPECT_EQ(common::FormatIsoDate(store_.filters_asked.back().date_from), "2026-06-16");

  EXPECT_EQ(list(v1::ListPublishedRequest{}), (std::vector<std::string>{"D-45", "D-43"})) << "the records public now";

  // A token of one list is not a position in the other.
  v1::ListPublishedRequest records;
  records.set_page_size(1);
  std::string records_next;
  list(records, &records_next);
  ASSERT_FALSE(records_next.empty());
  v1::ListPublishedRequest mixed;
  mixed.set_withdrawn(true);
  mixed.set_page_token(records_next);
  v1::ListPublishedResponse response;
  grpc::Status status = Call(&v1::PenaltiesService::Stub::ListPublished, mixed, &response, std::nullopt);
  EXPECT_EQ(Fields(common::ViolationsOf(status)), std::vector<std::string>{"page_token"});
  mixed.set_withdrawn(false);
  mixed.set_page_token(notices_next);
  status = Call(&v1::PenaltiesService::Stub::ListPublished, mixed, &response, std::nullopt);
  EXPECT_EQ(Fields(common::ViolationsOf(status)), std::vector<std::string>{"page_token"});

  // A notice does not publish the party, and only decisions are withdrawn.
  v1::ListPublishedRequest party;
  party.set_withdrawn(true);
  party.set_kind(v1::GetRecordRequest::MEASURE);
  party.set_party_name("某某食品有限公司");
  party.set_party_credit_code(kCompany);
  status = Call(&v1::PenaltiesService::Stub::ListPublished, party, &response, std::nullopt);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Fields(common::ViolationsOf(status)),
            (std::vector<std::string>{"kind", "party_name", "party_credit_code"}));
}

TEST_F(PenaltiesServiceTest, GetDecisionIsNotFoundForAnotherCity) {
  v1::UpsertResponse stored;
  ASSERT_TRUE(Upsert({PersonDecision("D-20")}, &stored).ok());
  v1::GetRecordRequest request;
  request.set_kind(v1::GetRecordRequest::DECISION);
  request.set_agency_credit_code(kAgency);
  request.set_source_id("D-20");
  v1::PenaltyDecision decision;
  EXPECT_EQ(
      Call(&v1::PenaltiesService::Stub::GetDecision, request, &decision, testing::CityCaller("140200")).error_code(),
      grpc::StatusCode::NOT_FOUND);
  ASSERT_TRUE(Call(&v1::PenaltiesService::Stub::GetDecision, request, &decision).ok());
  EXPECT_EQ(decision.party().name(), "张三") << "the city reads the decision as sent";
  ASSERT_TRUE(Call(&v1::PenaltiesService::Stub::GetDecision, request, &decision, testing::ProvinceCaller()).ok());
}

TEST_F(PenaltiesServiceTest, ARegistryThatIsDownMakesABatchUnavailable) {
  registry_.down = true;
  v1::UpsertResponse response;
  EXPECT_EQ(Upsert({CompanyDecision("D-21")}, &response).error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_TRUE(store_.written.empty());
}

// A feed entry whose content is no longer public goes out as the record's key
// alone, flagged; one whose content is public goes out whole. The store is
// asked with the pinned today, which decides what retention hides.
TEST_F(PenaltiesServiceTest, ListChangesServesAnEntryWhoseContentWasRemovedAsItsKeyOnly) {
  v1::UpsertResponse stored;
  ASSERT_TRUE(Upsert({CompanyDecision("D-22")}, &stored).ok());
  RecordRow current = store_.rows.begin()->second;
  current.record.clear();
  RecordRow key;
  key.kind = PenaltyKind::kDecision;
  key.agency_credit_code = kAgency;
  key.source_id = "D-21";
  key.city_code = "140100";
  key.domain = "market_regulation";
  store_.changes = {{7, ChangeType::kPublished, true, key}, {9, ChangeType::kPublished, false, current}};

  v1::ListChangesRequest request;
  request.set_after_seq(3);
  v1::ListChangesResponse response;
  ASSERT_TRUE(Call(&v1::PenaltiesService::Stub::ListChanges, request, &response, std::nullopt).ok());
  ASSERT_EQ(store_.changes_asked.size(), 1u);
  EXPECT_EQ(store_.changes_asked[0].after_seq, 3);
  EXPECT_EQ(common::FormatIsoDate(store_.changes_asked[0].today), "2026-06-15");
  ASSERT_EQ(response.changes_size(), 2);
  EXPECT_EQ(response.last_seq(), 9);

  const v1::Change& removed = response.changes(0);
  EXPECT_EQ(removed.seq(), 7);
  EXPECT_EQ(removed.type(), v1::Change::PUBLISHED);
  EXPECT_TRUE(removed.content_removed());
  v1::PublishedRecord expected_key;
  expected_key.set_kind(v1::GetRecordRequest::DECISION);
  expected_key.set_agency_credit_code(kAgency);
  expected_key.set_source_id("D-21");
  expected_key.set_city_code("140100");
  expected_key.set_domain("market_regulation");
  EXPECT_EQ(removed.record().SerializeAsString(), expected_key.SerializeAsString())
      << "nothing but the key: " << removed.record().DebugString();

  const v1::Change& shown = response.changes(1);
  EXPECT_FALSE(shown.content_removed());
  EXPECT_EQ(shown.record().source_id(), "D-22");
  EXPECT_EQ(shown.record().decision().facts(), "当事人销售超过保质期的食品，货值金额3200元。");
  EXPECT_EQ(shown.record().published_on(), "2026-06-15");
}

// A page of public answers holds at most 50 records whatever is asked
// (penalty_public.h: 50 of the largest records stay under 4 MB); 0 asks for
// 50.
TEST_F(PenaltiesServiceTest, PublicPagesHoldAtMostFiftyRecords) {
  for (int asked : {0, 50, 1000}) {
    v1::ListChangesRequest request;
    request.set_limit(asked);
    v1::ListChangesResponse response;
    ASSERT_TRUE(Call(&v1::PenaltiesService::Stub::ListChanges, request, &response, std::nullopt).ok());
    ASSERT_FALSE(store_.changes_asked.empty());
    EXPECT_EQ(store_.changes_asked.back().limit, 50) << "limit " << asked;
  }
  v1::ListChangesRequest small;
  small.set_limit(7);
  v1::ListChangesResponse response;
  ASSERT_TRUE(Call(&v1::PenaltiesService::Stub::ListChanges, small, &response, std::nullopt).ok());
  EXPECT_EQ(store_.changes_asked.back().limit, 7);

  for (int asked : {0, 500}) {
    v1::ListPublishedRequest request;
    request.set_page_size(asked);
    v1::ListPublishedResponse page;
    ASSERT_TRUE(Call(&v1::PenaltiesService::Stub::ListPublished, request, &page, std::nullopt).ok());
    ASSERT_FALSE(store_.list_limits.empty());
    EXPECT_EQ(store_.list_limits.back(), 51) << "page_size " << asked << ": a page and one more to tell the last";
  }
}

// A decision over the bound of a repeated field is rejected at that field,
// once, however long the list: the answer stays small too.
TEST_F(PenaltiesServiceTest, ALegalBasisOverTwentyProvisionsIsRejectedOnceAtTheList) {
  v1::PenaltyDecision bounded = CompanyDecision("D-23");
  for (int i = 1; i < 20; ++i) *bounded.add_violated() = bounded.violated(0);
  v1::PenaltyDecision over = CompanyDecision("D-24");
  for (int i = 1; i < 21; ++i) *over.add_applied() = over.applied(0);
  v1::PenaltyDecision hostile = CompanyDecision("D-25");
  for (int i = 1; i < 20'000; ++i) *hostile.add_violated() = hostile.violated(0);
  v1::UpsertResponse response;
  ASSERT_TRUE(Upsert({bounded, over, hostile}, &response).ok());
  ASSERT_EQ(response.results_size(), 3);
  EXPECT_EQ(response.results(0).outcome(), RecordResult::ACCEPTED);
  EXPECT_EQ(response.results(1).outcome(), RecordResult::REJECTED);
  EXPECT_EQ(Fields(response.results(1)), std::vector<std::string>{"decisions[1].applied"});
  EXPECT_EQ(response.results(1).violations(0).description(), "at most 20 legal provisions (got 21)");
  EXPECT_EQ(response.results(2).outcome(), RecordResult::REJECTED);
  EXPECT_EQ(Fields(response.results(2)), std::vector<std::string>{"decisions[2].violated"});
  EXPECT_EQ(response.results(2).violations(0).description(), "at most 20 legal provisions (got 20000)");
  ASSERT_EQ(store_.written.size(), 1u);
  EXPECT_EQ(store_.written[0].source_id, "D-23");
}

// ------------------------------------------------------------------ credit repair (信用修复)

v1::RecordCreditRepairRequest Repair(const std::string& agency, const std::string& source_id,
                                     const std::string& repaired_on) {
  v1::RecordCreditRepairRequest request;
  request.set_agency_credit_code(agency);
  request.set_source_id(source_id);
  request.set_repaired_on(repaired_on);
  request.set_granted_by("太原市发展和改革委员会");
  request.set_reference("并发改信用修复〔2026〕7号");
  return request;
}

v1::GetRecordRequest DecisionKey(const std::string& agency, const std::string& source_id) {
  v1::GetRecordRequest request;
  request.set_kind(v1::GetRecordRequest::DECISION);
  request.set_agency_credit_code(agency);
  request.set_source_id(source_id);
  return request;
}

// A general-tier decision of 2026-04-01 may be repaired from 2026-07-01 (3
// months): before, the repair is refused naming that day, and nothing
// changes.
TEST_F(PenaltiesServiceTest, CreditRepairBeforeTheMinimumIsRefused) {
  v1::UpsertResponse stored;
  ASSERT_TRUE(Upsert({CompanyDecision("CR-1", "2026-04-01")}, &stored).ok());
  ASSERT_EQ(stored.results(0).outcome(), RecordResult::ACCEPTED);
  v1::PublishedRecord record;
  const grpc::Status early =
      Call(&v1::PenaltiesService::Stub::RecordCreditRepair, Repair(kAgency, "CR-1", "2026-06-15"), &record);
  EXPECT_EQ(early.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(early.error_message().find("2026-07-01, the first day a credit repair of this decision may be recorded"),
            std::string::npos)
      << early.error_message();
  EXPECT_TRUE(store_.repairs.empty());
  EXPECT_EQ(common::FormatIsoDate(store_.rows.begin()->second.public_until), "2027-03-31");

  ctx_.clock().Set(Day("2026-07-01"));
  ASSERT_TRUE(
      Call(&v1::PenaltiesService::Stub::RecordCreditRepair, Repair(kAgency, "CR-1", "2026-07-01"), &record).ok());
  EXPECT_EQ(record.public_until(), "2026-06-30");
}

// A repair granted today (by the province here) ends the publication
// yesterday: the decision leaves GetPublished and the public list at once.
// The answer is the record as the city sees it; a second repair of the same
// decision returns it unchanged.
TEST_F(PenaltiesServiceTest, CreditRepairRemovesFromPublicViewAtOnce) {
  v1::UpsertResponse stored;
  ASSERT_TRUE(Upsert({CompanyDecision("CR-2", "2025-10-10")}, &stored).ok());  // public through 2026-10-09
  v1::PublishedRecord shown;
  ASSERT_TRUE(Call(&v1::PenaltiesService::Stub::GetPublished, DecisionKey(kAgency, "CR-2"), &shown, std::nullopt).ok());
  EXPECT_EQ(shown.public_until(), "2026-10-09");

  v1::PublishedRecord record;
  ASSERT_TRUE(Call(&v1::PenaltiesService::Stub::RecordCreditRepair, Repair(kAgency, "CR-2", "2026-06-15"), &record,
                   testing::ProvinceCaller())
                  .ok());
  EXPECT_EQ(record.source_id(), "CR-2");
  EXPECT_EQ(record.public_until(), "2026-06-14");
  EXPECT_EQ(record.decision().facts(), "当事人销售超过保质期的食品，货值金额3200元。");
  ASSERT_EQ(store_.repairs.size(), 1u);
  EXPECT_EQ(common::FormatIsoDate(store_.repairs[0].repaired_on), "2026-06-15");
  EXPECT_EQ(store_.repairs[0].granted_by, "太原市发展和改革委员会");
  EXPECT_EQ(store_.repairs[0].reference, "并发改信用修复〔2026〕7号");

  EXPECT_EQ(
      Call(&v1::PenaltiesService::Stub::GetPublished, DecisionKey(kAgency, "CR-2"), &shown, std::nullopt).error_code(),
      grpc::StatusCode::NOT_FOUND);
  v1::ListPublishedResponse listed;
  ASSERT_TRUE(Call(&v1::PenaltiesService::Stub::ListPublished, v1::ListPublishedRequest{}, &listed, std::nullopt).ok());
  EXPECT_EQ(listed.records_size(), 0);

  v1::PublishedRecord again;
  ASSERT_TRUE(
      Call(&v1::PenaltiesService::Stub::RecordCreditRepair, Repair(kAgency, "CR-2", "2026-06-10"), &again).ok());
  EXPECT_EQ(again.SerializeAsString(), record.SerializeAsString()) << again.DebugString();
  EXPECT_EQ(store_.repairs.size(), 1u);
}

// A city records the repairs of its own agencies' decisions only; the
// province, of any.
TEST_F(PenaltiesServiceTest, AnotherCitysRepairIsRefused) {
  v1::PenaltyDecision foreign = CompanyDecision("CR-3", "2025-10-10");
  foreign.set_agency_credit_code(kOtherAgency);
  v1::UpsertResponse stored;
  ASSERT_TRUE(Upsert({foreign}, &stored, "140200").ok());
  ASSERT_EQ(stored.results(0).outcome(), RecordResult::ACCEPTED);

  v1::PublishedRecord record;
  const grpc::Status refused =
      Call(&v1::PenaltiesService::Stub::RecordCreditRepair, Repair(kOtherAgency, "CR-3", "2026-06-15"), &record);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(refused.error_message().find("registered to city 140200, not 140100"), std::string::npos)
      << refused.error_message();
  EXPECT_EQ(Call(&v1::PenaltiesService::Stub::RecordCreditRepair, Repair(kOtherAgency, "CR-404", "2026-06-15"), &record)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED)
      << "the same whether the decision exists or not";
  EXPECT_TRUE(store_.repairs.empty());
  EXPECT_EQ(common::FormatIsoDate(store_.rows.begin()->second.public_until), "2026-10-09");

  EXPECT_TRUE(Call(&v1::PenaltiesService::Stub::RecordCreditRepair, Repair(kOtherAgency, "CR-3", "2026-06-15"), &record,
                   testing::CityCaller("140200"))
                  .ok());
  EXPECT_EQ(record.public_until(), "2026-06-14");
}

// Only a decision the public sees now is repaired: a withdrawn one is
// refused, saying so; an unknown one is not found.
TEST_F(PenaltiesServiceTest, OnlyAPublicDecisionIsRepaired) {
  v1::UpsertResponse stored;
  ASSERT_TRUE(Upsert({CompanyDecision("CR-4", "2025-10-10")}, &stored).ok());
  v1::WithdrawDecisionRequest withdrawal;
  withdrawal.set_agency_credit_code(kAgency);
  withdrawal.set_source_id("CR-4");
  withdrawal.set_reason(v1::REVOKED);
  withdrawal.set_explanation("复议决定撤销原处罚决定。");
  withdrawal.set_event_date("2026-06-10");
  v1::PublishedRecord record;
  ASSERT_TRUE(Call(&v1::PenaltiesService::Stub::WithdrawDecision, withdrawal, &record).ok());

  const grpc::Status withdrawn =
      Call(&v1::PenaltiesService::Stub::RecordCreditRepair, Repair(kAgency, "CR-4", "2026-06-15"), &record);
  EXPECT_EQ(withdrawn.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(withdrawn.error_message().find("is not public (it was withdrawn on 2026-06-15)"), std::string::npos)
      << withdrawn.error_message();
  EXPECT_EQ(Call(&v1::PenaltiesService::Stub::RecordCreditRepair, Repair(kAgency, "CR-404", "2026-06-15"), &record)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_TRUE(store_.repairs.empty());
}

TEST_F(PenaltiesServiceTest, ACreditRepairNamesEveryBadField) {
  v1::RecordCreditRepairRequest request;
  request.set_repaired_on("2026-06-16");
  request.set_granted_by("第一行\n第二行");
  request.set_reference(std::string(201, 'x'));
  v1::PublishedRecord record;
  const grpc::Status status = Call(&v1::PenaltiesService::Stub::RecordCreditRepair, request, &record);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Fields(common::ViolationsOf(status)),
            (std::vector<std::string>{"agency_credit_code", "source_id", "repaired_on", "granted_by", "reference"}));
}

// The safety domains' repairs wait a year whatever the tier
// (GONGKAI_CREDIT_REPAIR_ONE_YEAR_DOMAINS; emergency_management by default).
TEST_F(PenaltiesServiceTest, SafetyDomainMinimumIsOneYear) {
  v1::PenaltyDecision safety = CompanyDecision("CR-5", "2025-09-01");
  safety.set_domain("emergency_management");
  v1::UpsertResponse stored;
  ASSERT_TRUE(Upsert({safety, CompanyDecision("CR-6", "2025-09-01")}, &stored).ok());
  ASSERT_EQ(stored.results(0).outcome(), RecordResult::ACCEPTED);
  ASSERT_EQ(stored.results(1).outcome(), RecordResult::ACCEPTED);

  v1::PublishedRecord record;
  const grpc::Status early =
      Call(&v1::PenaltiesService::Stub::RecordCreditRepair, Repair(kAgency, "CR-5", "2026-06-15"), &record);
  EXPECT_EQ(early.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(early.error_message().find("2026-09-01, the first day"), std::string::npos) << early.error_message();
  EXPECT_TRUE(
      Call(&v1::PenaltiesService::Stub::RecordCreditRepair, Repair(kAgency, "CR-6", "2026-06-15"), &record).ok())
      << "3 months in market_regulation";

  // Another setting: market_regulation waits a year too.
  PenaltiesService configured(store_, registry_, ctx_.context(), metrics_, 100, {"market_regulation"});
  testing::InProcessServer server(&configured);
  auto stub = v1::PenaltiesService::NewStub(server.channel());
  ASSERT_TRUE(Upsert({CompanyDecision("CR-7", "2025-09-01")}, &stored).ok());
  const grpc::Status configured_early = stub->RecordCreditRepair(ctx_.ClientAs(testing::CityCaller("140100")).get(),
                                                                 Repair(kAgency, "CR-7", "2026-06-15"), &record);
  EXPECT_EQ(configured_early.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(configured_early.error_message().find("the minimum in the safety domain market_regulation"),
            std::string::npos)
      << configured_early.error_message();
}

// ------------------------------------------------------------------ 表二's enforcement rows

const std::string kSecondAgency = CreditCode("11140100MB0000102");  // registered to 140100

class EnforcementCountsTest : public PenaltiesServiceTest {
 protected:
  // A stored record of `agency` sent by `city`, its clock start `date`.
  void Store(PenaltyKind kind, const std::string& agency, const std::string& source_id, const std::string& city,
             const std::string& date, bool is_public = true) {
    RecordRow row;
    row.kind = kind;
    row.agency_credit_code = agency;
    row.source_id = source_id;
    row.city_code = city;
    row.clock_start = Day(date);
    row.public_record = is_public ? "public" : "";
    store_.rows[{kind, agency, source_id}] = row;
  }

  // Two cities' records of 2026, and one of 2025.
  EnforcementCountsTest() {
    Store(PenaltyKind::kDecision, kAgency, "D-1", "140100", "2026-01-01");
    Store(PenaltyKind::kDecision, kAgency, "D-2", "140100", "2026-12-31", false);
    Store(PenaltyKind::kDecision, kAgency, "D-3", "140100", "2025-12-31");
    Store(PenaltyKind::kMeasure, kAgency, "M-1", "140100", "2026-03-01");
    Store(PenaltyKind::kDecision, kSecondAgency, "D-4", "140100", "2026-05-05");
    Store(PenaltyKind::kMeasure, kOtherAgency, "M-2", "140200", "2026-02-02");
  }

  grpc::Status Counts(int year, const common::CallerIdentity& caller, v1::AnnualEnforcementCounts* response,
                      const std::string& city_code = "", const std::string& agency = "") {
    v1::GetAnnualEnforcementCountsRequest request;
    request.set_year(year);
    request.set_city_code(city_code);
    request.set_agency_credit_code(agency);
    return Call(&v1::PenaltiesService::Stub::GetAnnualEnforcementCounts, request, response, caller);
  }
};

// (agency, city, decisions, measures) of each agency listed.
std::vector<std::tuple<std::string, std::string, int, int>> Rows(const v1::AnnualEnforcementCounts& counts) {
  std::vector<std::tuple<std::string, std::string, int, int>> out;
  for (const auto& a : counts.agencies()) {
    out.emplace_back(a.agency_credit_code(), a.city_code(), a.penalty_decisions(), a.coercive_measures());
  }
  return out;
}

// A desk reads its own agency's counts, whatever city or agency it names.
TEST_F(EnforcementCountsTest, DeskGetsItsAgencysCounts) {
  v1::AnnualEnforcementCounts counts;
  ASSERT_TRUE(Counts(2026, testing::DeskCaller(kAgency), &counts, "140200", kOtherAgency).ok());
  EXPECT_EQ(Rows(counts), (std::vector<std::tuple<std::string, std::string, int, int>>{{kAgency, "140100", 2, 1}}));
  EXPECT_EQ(counts.year(), 2026);
  EXPECT_EQ(counts.penalty_decisions(), 2) << "one public, one not; the 2025 decision left out";
  EXPECT_EQ(counts.coercive_measures(), 1);
}

// A city reads the counts of its own agencies, one of them when it names it;
// naming another city is PERMISSION_DENIED.
TEST_F(EnforcementCountsTest, CityGetsItsAgenciesOnly) {
  v1::AnnualEnforcementCounts counts;
  ASSERT_TRUE(Counts(2026, testing::CityCaller("140100"), &counts).ok());
  EXPECT_EQ(Rows(counts), (std::vector<std::tuple<std::string, std::string, int, int>>{
                              {kAgency, "140100", 2, 1}, {kSecondAgency, "140100", 1, 0}}));
  EXPECT_EQ(counts.penalty_decisions(), 3);
  EXPECT_EQ(counts.coercive_measures(), 1);

  v1::AnnualEnforcementCounts narrowed;
  ASSERT_TRUE(Counts(2026, testing::CityCaller("140100"), &narrowed, "", kSecondAgency).ok());
  EXPECT_EQ(Rows(narrowed),
            (std::vector<std::tuple<std::string, std::string, int, int>>{{kSecondAgency, "140100", 1, 0}}));

  v1::AnnualEnforcementCounts others;
  ASSERT_TRUE(Counts(2026, testing::CityCaller("140100"), &others, "", kOtherAgency).ok());
  EXPECT_EQ(others.agencies_size(), 0) << "another city's agency stays out of the city's scope";

  v1::AnnualEnforcementCounts refused;
  const grpc::Status status = Counts(2026, testing::CityCaller("140100"), &refused, "140200");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(status.error_message().find("city_code"), std::string::npos) << status.error_message();
}

// The province reads every agency, or those of one city.
TEST_F(EnforcementCountsTest, ProvinceNarrowsToACity) {
  v1::AnnualEnforcementCounts all;
  ASSERT_TRUE(Counts(2026, testing::ProvinceCaller(), &all).ok());
  EXPECT_EQ(all.agencies_size(), 3);
  EXPECT_EQ(all.penalty_decisions(), 3);
  EXPECT_EQ(all.coercive_measures(), 2);

  v1::AnnualEnforcementCounts city;
  ASSERT_TRUE(Counts(2026, testing::ProvinceCaller(), &city, "140200").ok());
  EXPECT_EQ(Rows(city), (std::vector<std::tuple<std::string, std::string, int, int>>{{kOtherAgency, "140200", 0, 1}}));
  EXPECT_EQ(city.penalty_decisions(), 0);
  EXPECT_EQ(city.coercive_measures(), 1);
  ASSERT_FALSE(store_.counts_asked.empty());
  EXPECT_EQ(store_.counts_asked.back().city_code, "140200");
}

// 1990 to the year after today's (2026-06-15: 2027); anything else, 0
// included, is INVALID_ARGUMENT naming `year`.
TEST_F(EnforcementCountsTest, YearOutOfRangeNamesYear) {
  for (int year : {0, 1989, 2028}) {
    v1::AnnualEnforcementCounts counts;
    const grpc::Status status = Counts(year, testing::ProvinceCaller(), &counts);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << year;
    EXPECT_EQ(Fields(common::ViolationsOf(status)), std::vector<std::string>{"year"}) << year;
  }
  for (int year : {1990, 2027}) {
    v1::AnnualEnforcementCounts counts;
    EXPECT_TRUE(Counts(year, testing::ProvinceCaller(), &counts).ok()) << year;
    EXPECT_EQ(counts.agencies_size(), 0) << year;
  }
  EXPECT_EQ(store_.counts_asked.size(), 2u) << "a refused year reads nothing";
}

// The CSV holds the template's title, its column and the two rows of the
// scope's totals, with CRLF line ends.
TEST_F(EnforcementCountsTest, CsvHasTheTemplatesTwoRows) {
  v1::AnnualEnforcementCounts counts;
  ASSERT_TRUE(Counts(2026, testing::CityCaller("140100"), &counts).ok());
  EXPECT_EQ(counts.csv(),
            "表二 主动公开政府信息情况（行政执法部分）\r\n"
            ",本年处理决定数量\r\n"
            "第二十条第（八）项 行政处罚,3\r\n"
            "第二十条第（九）项 行政强制,1\r\n");

  v1::AnnualEnforcementCounts none;
  ASSERT_TRUE(Counts(2020, testing::CityCaller("140100"), &none).ok());
  EXPECT_NE(none.csv().find("第二十条第（八）项 行政处罚,0\r\n第二十条第（九）项 行政强制,0\r\n"), std::string::npos)
      << "a year without records still has both rows";
}

// ------------------------------------------------------------------ the province view (ROLE_SERVICE)

const common::CallerIdentity kSupervision{common::v1::ROLE_SERVICE, "", "", "service-supervision"};

// A decision of 2026-06-01 in a key domain (due 7 WD later, 2026-06-10),
// published on `published_on`, or rejected and not published ("").
TallyRecord Tallied(const std::string& agency, const std::string& city, const std::string& source_id,
                    const char* published_on) {
  TallyRecord r;
  r.agency_credit_code = agency;
  r.source_id = source_id;
  r.city_code = city;
  r.domain = "market_regulation";
  r.clock_start = Day("2026-06-01");
  if (*published_on) r.done_on = Day(published_on);
  r.rejected = !*published_on;
  return r;
}

// Only the platform's other services read the tallies and the findings: a
// city and the province are refused, the public is asked for a credential,
// and nothing is read.
TEST_F(PenaltiesServiceTest, TalliesAndFindingsAreForServicesOnly) {
  common::v1::GetKpiTalliesRequest tallies;
  tallies.set_year(2026);
  common::v1::ListFindingsRequest findings;
  findings.set_year(2026);
  findings.add_rules()->set_name("decision_published_late");
  for (const auto& caller : {testing::CityCaller("140100"), testing::ProvinceCaller()}) {
    common::v1::GetKpiTalliesResponse t;
    EXPECT_EQ(Call(&v1::PenaltiesService::Stub::GetKpiTallies, tallies, &t, caller).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
    common::v1::ListFindingsResponse f;
    EXPECT_EQ(Call(&v1::PenaltiesService::Stub::ListFindings, findings, &f, caller).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  common::v1::GetKpiTalliesResponse t;
  EXPECT_EQ(Call(&v1::PenaltiesService::Stub::GetKpiTallies, tallies, &t, std::nullopt).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  common::v1::ListFindingsResponse f;
  EXPECT_EQ(Call(&v1::PenaltiesService::Stub::ListFindings, findings, &f, std::nullopt).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(store_.tallies_asked.empty());
  EXPECT_TRUE(store_.facts_asked.empty());
}

// A bad request is INVALID_ARGUMENT naming each bad field, and reads nothing.
TEST_F(PenaltiesServiceTest, ABadTalliesOrFindingsRequestNamesEachField) {
  common::v1::GetKpiTalliesRequest tallies;
  tallies.set_year(1999);
  tallies.set_max_misses(101);
  tallies.set_city_code("1401");
  tallies.set_agency_credit_code("x");
  common::v1::GetKpiTalliesResponse t;
  const grpc::Status bad_tallies = Call(&v1::PenaltiesService::Stub::GetKpiTallies, tallies, &t, kSupervision);
  EXPECT_EQ(bad_tallies.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Fields(common::ViolationsOf(bad_tallies)),
            (std::vector<std::string>{"year", "max_misses", "city_code", "agency_credit_code"}));

  common::v1::ListFindingsRequest findings;
  findings.set_year(2101);
  auto* rule = findings.add_rules();
  rule->set_name("decision_published_late");
  rule->set_threshold(-1);
  common::v1::ListFindingsResponse f;
  const grpc::Status bad_findings = Call(&v1::PenaltiesService::Stub::ListFindings, findings, &f, kSupervision);
  EXPECT_EQ(bad_findings.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Fields(common::ViolationsOf(bad_findings)), (std::vector<std::string>{"year", "rules[0].threshold"}));
  EXPECT_TRUE(store_.tallies_asked.empty());
  EXPECT_TRUE(store_.facts_asked.empty());
}

// On 2026-06-15 the year's records are counted per agency within the filters
// asked, the misses read one by one and listed; summed per city, the records
// are read in groups.
TEST_F(PenaltiesServiceTest, GetKpiTalliesCountsTheYearsRecordsPerAgencyOrPerCity) {
  store_.tally_records = {Tallied(kAgency, "140100", "D-1", "2026-06-02"), Tallied(kAgency, "140100", "D-2", ""),
                          Tallied(kSecondAgency, "140100", "D-3", "2026-06-10"),
                          Tallied(kOtherAgency, "140200", "D-4", "2026-06-11")};
  common::v1::GetKpiTalliesRequest request;
  request.set_year(2026);
  request.set_city_code("140100");
  request.set_max_misses(10);
  common::v1::GetKpiTalliesResponse answer;
  ASSERT_TRUE(Call(&v1::PenaltiesService::Stub::GetKpiTallies, request, &answer, kSupervision).ok());
  ASSERT_EQ(store_.tallies_asked.size(), 1u);
  EXPECT_EQ(store_.tallies_asked[0].year, 2026);
  EXPECT_EQ(store_.tallies_asked[0].city_code, "140100");
  EXPECT_TRUE(store_.tallies_asked[0].one_by_one);
  EXPECT_EQ(answer.as_of(), "2026-06-15");
  ASSERT_EQ(answer.tallies_size(), 4) << answer.DebugString();
  const auto& rule = answer.tallies(0);
  EXPECT_EQ(rule.agency_credit_code(), kAgency);
  EXPECT_EQ(rule.kpi(), "");
  EXPECT_EQ(rule.rule(), "penalty_decision");
  EXPECT_EQ(rule.due(), 2);
  EXPECT_EQ(rule.met(), 1);
  ASSERT_EQ(rule.misses_size(), 1);
  EXPECT_EQ(rule.misses(0).key(), kAgency + "/D-2");
  EXPECT_EQ(answer.tallies(1).kpi(), "key_domain_timeliness");
  EXPECT_EQ(answer.tallies(1).due(), 2);
  EXPECT_EQ(answer.tallies(2).agency_credit_code(), kSecondAgency);
  EXPECT_EQ(answer.tallies(2).met(), 1);

  common::v1::GetKpiTalliesRequest by_city;
  by_city.set_year(2026);
  by_city.set_group_by_city(true);
  common::v1::GetKpiTalliesResponse grouped;
  ASSERT_TRUE(Call(&v1::PenaltiesService::Stub::GetKpiTallies, by_city, &grouped, kSupervision).ok());
  EXPECT_FALSE(store_.tallies_asked.back().one_by_one);
  ASSERT_EQ(grouped.tallies_size(), 4);
  EXPECT_EQ(grouped.tallies(0).city_code(), "140100");
  EXPECT_EQ(grouped.tallies(0).agency_credit_code(), "");
  EXPECT_EQ(grouped.tallies(0).due(), 3);
  EXPECT_EQ(grouped.tallies(0).met(), 2);
  EXPECT_EQ(grouped.tallies(0).misses_size(), 0);
  EXPECT_EQ(grouped.tallies(2).city_code(), "140200");
  EXPECT_EQ(grouped.tallies(2).due(), 1);
  EXPECT_EQ(grouped.tallies(2).met(), 0);
}

// The rules of the penalties run, in their order, over the year's records;
// another service's rule is ignored. Each finding names its record and is
// observed on today.
TEST_F(PenaltiesServiceTest, ListFindingsRunsThePenaltiesRulesOverTheYearsRecords) {
  store_.tally_records = {Tallied(kAgency, "140100", "D-1", "2026-06-12")};
  DecisionFacts decision;
  decision.agency_credit_code = kAgency;
  decision.source_id = "D-2";
  decision.city_code = "140100";
  decision.domain = "market_regulation";
  decision.decision_date = Day("2026-06-01");
  decision.officers = {"C-UNKNOWN"};
  store_.decision_facts = {decision};
  common::v1::ListFindingsRequest request;
  request.set_year(2026);
  for (const char* name : {"officer_without_certificate", "request_overdue", "decision_published_late"}) {
    request.add_rules()->set_name(name);
  }
  common::v1::ListFindingsResponse answer;
  ASSERT_TRUE(Call(&v1::PenaltiesService::Stub::ListFindings, request, &answer, kSupervision).ok());
  ASSERT_EQ(answer.findings_size(), 2) << answer.DebugString();
  EXPECT_FALSE(answer.truncated());
  EXPECT_EQ(answer.findings(0).rule(), "decision_published_late");
  EXPECT_EQ(answer.findings(0).record().service(), "penalties");
  EXPECT_EQ(answer.findings(0).record().key(), kAgency + "/D-1");
  EXPECT_EQ(answer.findings(0).record().detail(), "published 2026-06-12, due 2026-06-10");
  EXPECT_EQ(answer.findings(0).observed_on(), "2026-06-15");
  EXPECT_EQ(answer.findings(1).rule(), "officer_without_certificate");
  EXPECT_EQ(answer.findings(1).record().key(), kAgency + "/D-2");
  ASSERT_EQ(answer.findings(1).related_size(), 1);
  EXPECT_EQ(answer.findings(1).related(0).key(), "C-UNKNOWN");
  EXPECT_EQ(answer.findings(1).observed_on(), "2026-06-15");
  ASSERT_EQ(store_.tallies_asked.size(), 1u);
  EXPECT_TRUE(store_.tallies_asked[0].one_by_one);
  EXPECT_EQ(store_.facts_asked, std::vector<int>{2026});
}

// decision_published_late alone reads no record as sent and asks the registry
// nothing; a rule that needs the registry while it is down is UNAVAILABLE.
TEST_F(PenaltiesServiceTest, ListFindingsReadsRecordsAsSentOnlyForTheDecisionRules) {
  registry_.down = true;
  DecisionFacts decision;
  decision.agency_credit_code = kAgency;
  decision.source_id = "D-2";
  decision.decision_date = Day("2026-06-01");
  decision.officers = {"C-1"};
  store_.decision_facts = {decision};
  common::v1::ListFindingsRequest late;
  late.set_year(2026);
  late.add_rules()->set_name("decision_published_late");
  common::v1::ListFindingsResponse answer;
  ASSERT_TRUE(Call(&v1::PenaltiesService::Stub::ListFindings, late, &answer, kSupervision).ok());
  EXPECT_TRUE(store_.facts_asked.empty());

  common::v1::ListFindingsRequest officers;
  officers.set_year(2026);
  officers.add_rules()->set_name("officer_without_certificate");
  EXPECT_EQ(Call(&v1::PenaltiesService::Stub::ListFindings, officers, &answer, kSupervision).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

}  // namespace
}  // namespace gongkai::penalties
