// ListCreditExchange in process: a real gRPC client against the adapter on a
// loopback port, with a change feed and records in memory and the registry's
// agency names behind it.
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <tuple>

#include "common/calendar/iso_date.h"
#include "common/errors.h"
#include "common/identifiers.h"
#include "common/testing/adapter.h"
#include "common/testing/dates.h"
#include "services/penalties/penalties_mapping.h"
#include "services/penalties/penalties_service.h"
#include "services/penalties/penalty_rows.h"
#include "services/penalties/service_test_records.h"

namespace gongkai::penalties {
namespace {

using gongkai::testing::Day;

std::string CreditCode(const std::string& first17) { return first17 + common::CreditCodeCheckCharacter(first17); }

const std::string kAgency = CreditCode("11140100MB0000101");
const std::string kUnnamedAgency = CreditCode("11140100MB0000202");
const std::string kCompany = CreditCode("91140100MA0KABCD1");
const std::string kAgencyName = "太原市市场监督管理局";

// The feed and the records, as a test sets them.
class ExchangeStore final : public PenaltyStore {
 public:
  std::vector<WriteResult> UpsertBatch(const std::string&, const std::vector<RecordToStore>&,
                                       const std::vector<common::Rejection>&, common::Date) override {
    return {};
  }
  std::optional<RecordRow> Get(PenaltyKind kind, const std::string& agency, const std::string& source_id) override {
    std::lock_guard lock(mutex_);
    auto it = rows.find({kind, agency, source_id});
    if (it == rows.end()) return std::nullopt;
    return it->second;
  }
  std::optional<RecordRow> Withdraw(const std::string&, const std::string&, int, const std::string&, common::Date,
                                    common::Date) override {
    return std::nullopt;
  }
  std::optional<RecordRow> Release(const std::string&, const std::string&, common::Date, const std::string&) override {
    return std::nullopt;
  }
  std::optional<RecordRow> RecordCreditRepair(const std::string&, const std::string&, const CreditRepair&,
                                              common::Date) override {
    return std::nullopt;
  }
  std::vector<RecordRow> ListPublished(const PublishedFilter&, common::Date) override { return {}; }
  // The entries after `after_seq`, at most `limit`, as the feed reads them.
  std::vector<ChangeRow> Changes(int64_t after_seq, int limit, common::Date) override {
    std::lock_guard lock(mutex_);
    limits_asked.push_back(limit);
    std::vector<ChangeRow> out;
    for (const ChangeRow& change : changes) {
      if (change.seq > after_seq && static_cast<int>(out.size()) < limit) out.push_back(change);
    }
    return out;
  }
  std::vector<common::Rejection> ListRejections(const std::string&, int64_t, int) override { return {}; }
  std::vector<PublicationCount> PublicationCounts() override { return {}; }
  std::vector<EnforcementCount> AnnualEnforcementCounts(int, const std::string&, const std::string&) override {
    return {};
  }
  std::vector<TallyRecord> TallyRecords(int, const std::string&, const std::string&, bool) override { return {}; }
  std::vector<DecisionFacts> DecisionFactsOf(int) override { return {}; }

  std::vector<ChangeRow> changes;
  std::map<std::tuple<PenaltyKind, std::string, std::string>, RecordRow> rows;
  std::vector<int> limits_asked;

 private:
  std::mutex mutex_;
};

// Agency names, as the registry keeps them.
class NamingRegistry final : public registry::RegistryClient {
 public:
  std::optional<registry::AgencyInfo> Agency(const std::string& credit_code) override {
    ++agency_lookups;
    auto it = agencies.find(credit_code);
    if (it == agencies.end()) return std::nullopt;
    return it->second;
  }
  std::optional<std::vector<registry::TierRange>> Benchmark(const std::string&, const std::string&,
                                                            const std::string&) override {
    return std::nullopt;
  }
  std::map<std::string, CertificateInfo> CheckCertificates(const std::vector<std::string>&, common::Date,
                                                           common::Date) override {
    return {};
  }
  std::vector<PowersItemInfo> PowersItems(const std::vector<std::string>&, const std::vector<std::string>&) override {
    return {};
  }
  void RecordInspectionPlans(const std::vector<InspectionPlanNotice>&) override {}
  std::vector<EnforcementUnitInfo> EnforcementUnits() override { return {}; }
  std::vector<QualificationAnswer> QualificationLists(const std::vector<QualificationQuery>& queries) override {
    return std::vector<QualificationAnswer>(queries.size(), QualificationAnswer{true, true, ""});
  }

  std::map<std::string, registry::AgencyInfo> agencies;
  int agency_lookups = 0;
};

// A decision of `agency` on a company with its legal representative, as sent.
PenaltyDecision SentDecision(const std::string& source_id, const std::string& agency = kAgency) {
  PenaltyDecision d = DecisionFromProto(CompanyDecisionOf(agency, kCompany, source_id, "2026-06-01"));
  d.party.legal_representative = "王五";
  return d;
}

// A stored row of a decision as sent, with its public form.
RecordRow StoredRow(const PenaltyDecision& d) {
  const RecordToStore stored = RowOf(d);
  RecordRow row;
  row.kind = PenaltyKind::kDecision;
  row.agency_credit_code = d.agency_credit_code;
  row.source_id = d.source_id;
  row.city_code = "140100";
  row.domain = d.domain;
  row.source_version = d.source_version;
  row.record = stored.record;
  row.public_record = stored.public_record;
  row.clock_start = stored.clock_start;
  row.published_on = Day("2026-06-02");
  row.public_until = stored.public_until;
  return row;
}

// A feed entry of `type` with the public columns of `row` (its content, or
// its key only when `removed`).
ChangeRow Entry(int64_t seq, ChangeType type, RecordRow row, bool removed = false) {
  row.record.clear();
  if (removed || type == ChangeType::kWithdrawn || type == ChangeType::kUnpublished) row.public_record.clear();
  return {seq, type, removed, row};
}

class CreditExchangeServiceTest : public ::testing::Test {
 protected:
  CreditExchangeServiceTest()
      : ctx_(Day("2026-06-15")),
        metrics_(prometheus_),
        service_(store_, registry_, ctx_.context(), metrics_, 100),
        server_(&service_),
        stub_(v1::PenaltiesService::NewStub(server_.channel())) {
    registry_.agencies[kAgency] = {"140100", {"market_regulation"}, kAgencyName};
  }

  grpc::Status Exchange(const v1::ListCreditExchangeRequest& request, v1::ListCreditExchangeResponse* response,
                        const std::optional<common::CallerIdentity>& caller = testing::ProvinceCaller()) {
    return stub_->ListCreditExchange(ctx_.ClientAs(caller).get(), request, response);
  }

  // Publishes `d`: its row stored and a PUBLISHED entry at `seq`.
  void Publish(int64_t seq, const PenaltyDecision& d) {
    const RecordRow row = StoredRow(d);
    store_.rows[{PenaltyKind::kDecision, d.agency_credit_code, d.source_id}] = row;
    store_.changes.push_back(Entry(seq, ChangeType::kPublished, row));
  }

  testing::TestContext ctx_;
  ExchangeStore store_;
  NamingRegistry registry_;
  prometheus::Registry prometheus_;
  common::DisclosureMetrics metrics_;
  PenaltiesService service_;
  testing::InProcessServer server_;
  std::unique_ptr<v1::PenaltiesService::Stub> stub_;
};

TEST_F(CreditExchangeServiceTest, OnlyTheProvinceTakesTheExchange) {
  v1::ListCreditExchangeResponse response;
  EXPECT_EQ(Exchange({}, &response, testing::CityCaller("140100")).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Exchange({}, &response, testing::DeskCaller(kAgency)).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Exchange({}, &response, std::nullopt).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(store_.limits_asked.empty()) << "nothing read for a caller refused";
  EXPECT_TRUE(Exchange({}, &response).ok());
}

TEST_F(CreditExchangeServiceTest, ABadRequestIsRefusedNamingEachField) {
  v1::ListCreditExchangeRequest request;
  request.set_after_seq(-1);
  request.set_limit(-5);
  request.set_format(static_cast<v1::CreditExchangeFormat>(9));
  v1::ListCreditExchangeResponse response;
  const grpc::Status status = Exchange(request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(common::ViolationsOf(status),
            (common::Violations{{"after_seq", "must not be negative"},
                                {"limit", "must not be negative"},
                                {"format", "must be CREDIT_EXCHANGE_JSON or CREDIT_EXCHANGE_CSV (unset: JSON)"}}));
  EXPECT_TRUE(store_.limits_asked.empty());
}

TEST_F(CreditExchangeServiceTest, LimitIsOneTo500WithZeroAskingFor100) {
  v1::ListCreditExchangeRequest request;
  v1::ListCreditExchangeResponse response;
  ASSERT_TRUE(Exchange(request, &response).ok());
  request.set_limit(9999);
  ASSERT_TRUE(Exchange(request, &response).ok());
  request.set_limit(7);
  ASSERT_TRUE(Exchange(request, &response).ok());
  EXPECT_EQ(store_.limits_asked, (std::vector<int>{100, 500, 7}));
}

TEST_F(CreditExchangeServiceTest, AnEmptyFeedAnswersAnEmptyBodyAndKeepsThePosition) {
  v1::ListCreditExchangeRequest request;
  request.set_after_seq(42);
  v1::ListCreditExchangeResponse response;
  ASSERT_TRUE(Exchange(request, &response).ok());
  EXPECT_EQ(response.content_type(), "application/json");
  EXPECT_EQ(response.body(), "[]");
  EXPECT_EQ(response.count(), 0);
  EXPECT_EQ(response.last_seq(), 42);
}

TEST_F(CreditExchangeServiceTest, APublishedDecisionIsAddedFromItsPublicForm) {
  PenaltyDecision d = SentDecision("D-1");
  d.party = Party{};
  d.party.kind = Party::Kind::kNaturalPerson;
  d.party.name = "张三";
  d.party.id_number = "14010119850315123" + std::string(1, common::CitizenIdCheckCharacter("14010119850315123"));
  d.party.phone = "13812345678";
  d.facts = "张三（电话13812345678）销售过期食品。";
  Publish(1, d);
  v1::ListCreditExchangeResponse response;
  ASSERT_TRUE(Exchange({}, &response).ok());
  EXPECT_EQ(response.count(), 1);
  EXPECT_EQ(response.last_seq(), 1);
  EXPECT_EQ(response.skipped_size(), 0);
  const auto body = nlohmann::json::parse(response.body());
  ASSERT_EQ(body.size(), 1u);
  const auto& record = body[0];
  EXPECT_EQ(record["行政相对人名称"], "张某某");
  EXPECT_EQ(record["行政相对人类别"], "自然人");
  EXPECT_EQ(record["行政相对人代码_1"], "");
  EXPECT_EQ(record["行政处罚决定书文号"], "晋太市监罚〔2026〕D-1号");
  EXPECT_EQ(record["违法事实"], "张某某（电话＊＊＊＊＊＊＊＊＊＊＊）销售过期食品。");
  EXPECT_EQ(record["罚款金额（万元）"], "5");
  EXPECT_EQ(record["处罚决定日期"], "2026-06-01");
  EXPECT_EQ(record["公示截止期"], "2027-05-31");
  EXPECT_EQ(record["处罚机关"], kAgencyName);
  EXPECT_EQ(record["处罚机关统一社会信用代码"], kAgency);
  EXPECT_EQ(record["数据来源单位"], kAgencyName);
  EXPECT_EQ(record["数据来源单位统一社会信用代码"], kAgency);
  EXPECT_EQ(record["操作类型"], "新增");
  EXPECT_EQ(response.body().find("张三"), std::string::npos);
  EXPECT_EQ(response.body().find("13812345678"), std::string::npos);
  EXPECT_EQ(response.body().find(d.party.id_number.substr(6, 8)), std::string::npos);
}

TEST_F(CreditExchangeServiceTest, AWithdrawalIsWithdrawnAndACreditRepairRemoved) {
  const PenaltyDecision withdrawn = SentDecision("D-1");
  Publish(1, withdrawn);
  RecordRow notice = StoredRow(withdrawn);
  notice.withdrawn_on = Day("2026-06-10");
  notice.withdrawal_reason = 3;
  notice.withdrawal_explanation = "经复议确认违法。";
  store_.rows[{PenaltyKind::kDecision, kAgency, "D-1"}] = notice;
  store_.changes[0].content_removed = true;  // superseded by the withdrawal
  store_.changes.push_back(Entry(2, ChangeType::kWithdrawn, notice));

  const PenaltyDecision repaired = SentDecision("D-2");
  Publish(3, repaired);
  store_.changes.back().content_removed = true;
  RecordRow after_repair = StoredRow(repaired);
  after_repair.repaired_on = Day("2026-06-12");
  after_repair.public_until = Day("2026-06-11");
  store_.rows[{PenaltyKind::kDecision, kAgency, "D-2"}] = after_repair;
  store_.changes.push_back(Entry(4, ChangeType::kUnpublished, after_repair, true));

  v1::ListCreditExchangeResponse response;
  ASSERT_TRUE(Exchange({}, &response).ok());
  EXPECT_EQ(response.last_seq(), 4);
  const auto body = nlohmann::json::parse(response.body());
  ASSERT_EQ(body.size(), 2u) << "the superseded publications are not exchanged";
  EXPECT_EQ(body[0]["操作类型"], "撤销");
  EXPECT_EQ(body[0]["行政处罚决定书文号"], "晋太市监罚〔2026〕D-1号") << "named from the stored public form";
  EXPECT_EQ(body[0]["备注"], "行政处罚决定已撤回（原因：确认违法）：经复议确认违法。");
  EXPECT_EQ(body[0]["违法事实"], "") << "a withdrawal names the decision and nothing of its case";
  EXPECT_EQ(body[1]["操作类型"], "删除");
  EXPECT_EQ(body[1]["行政处罚决定书文号"], "晋太市监罚〔2026〕D-2号");
  EXPECT_EQ(body[1]["公示截止期"], "2026-06-11");
  EXPECT_EQ(body[1]["备注"], "已信用修复（2026-06-12），提前停止公示");
}

TEST_F(CreditExchangeServiceTest, ARecordNoLongerPublishableIsRemovedWithoutItsParty) {
  PenaltyDecision minor = SentDecision("D-3");
  Publish(1, minor);
  store_.changes.back().content_removed = true;
  RecordRow now = StoredRow(minor);
  now.public_record.clear();  // a new version the rules do not publish
  store_.rows[{PenaltyKind::kDecision, kAgency, "D-3"}] = now;
  store_.changes.push_back(Entry(2, ChangeType::kUnpublished, now, true));
  v1::ListCreditExchangeResponse response;
  ASSERT_TRUE(Exchange({}, &response).ok());
  const auto body = nlohmann::json::parse(response.body());
  ASSERT_EQ(body.size(), 1u);
  EXPECT_EQ(body[0]["操作类型"], "删除");
  EXPECT_EQ(body[0]["行政处罚决定书文号"], "晋太市监罚〔2026〕D-3号");
  for (const char* field : {"行政相对人名称", "行政相对人代码_1", "法定代表人", "违法事实", "处罚内容"}) {
    EXPECT_EQ(body[0][field], "") << field << ": a removal names the decision and nothing of its case";
  }
  EXPECT_EQ(body[0]["备注"], "依规则不再公示，提前停止公示");
}

TEST_F(CreditExchangeServiceTest, MeasuresAndReleasesAreNotExchangedButPassed) {
  RecordRow measure;
  measure.kind = PenaltyKind::kMeasure;
  measure.agency_credit_code = kAgency;
  measure.source_id = "M-1";
  store_.changes.push_back({1, ChangeType::kPublished, false, measure});
  store_.changes.push_back({2, ChangeType::kReleased, false, measure});
  v1::ListCreditExchangeResponse response;
  ASSERT_TRUE(Exchange({}, &response).ok());
  EXPECT_EQ(response.count(), 0);
  EXPECT_EQ(response.skipped_size(), 0);
  EXPECT_EQ(response.last_seq(), 2);
}

TEST_F(CreditExchangeServiceTest, AnEntryMissingRequiredFieldsIsSkippedAndListed) {
  PenaltyDecision no_representative = SentDecision("D-1");
  no_representative.party.legal_representative = "";
  Publish(1, no_representative);
  Publish(2, SentDecision("D-2", kUnnamedAgency));
  Publish(3, SentDecision("D-3"));
  v1::ListCreditExchangeResponse response;
  ASSERT_TRUE(Exchange({}, &response).ok());
  EXPECT_EQ(response.count(), 1);
  EXPECT_EQ(response.last_seq(), 3);
  ASSERT_EQ(response.skipped_size(), 2);
  EXPECT_EQ(response.skipped(0).seq(), 1);
  EXPECT_EQ(response.skipped(0).key(), kAgency + "/D-1");
  EXPECT_EQ(std::vector<std::string>(response.skipped(0).missing().begin(), response.skipped(0).missing().end()),
            std::vector<std::string>{"法定代表人"});
  EXPECT_EQ(response.skipped(1).key(), kUnnamedAgency + "/D-2");
  EXPECT_EQ(std::vector<std::string>(response.skipped(1).missing().begin(), response.skipped(1).missing().end()),
            (std::vector<std::string>{"处罚机关", "数据来源单位"}));
  const auto body = nlohmann::json::parse(response.body());
  ASSERT_EQ(body.size(), 1u);
  EXPECT_EQ(body[0]["行政处罚决定书文号"], "晋太市监罚〔2026〕D-3号");
  EXPECT_EQ(registry_.agency_lookups, 2) << "each agency asked once per answer";
}

TEST_F(CreditExchangeServiceTest, CsvHasAHeaderRowAndOneRowPerRecord) {
  Publish(1, SentDecision("D-1"));
  Publish(2, SentDecision("D-2"));
  v1::ListCreditExchangeRequest request;
  request.set_format(v1::CREDIT_EXCHANGE_CSV);
  v1::ListCreditExchangeResponse response;
  ASSERT_TRUE(Exchange(request, &response).ok());
  EXPECT_EQ(response.content_type(), "text/csv");
  EXPECT_EQ(response.count(), 2);
  const std::string& csv = response.body();
  EXPECT_EQ(csv.rfind("行政相对人名称,行政相对人类别,行政相对人代码_1,法定代表人,", 0), 0u) << csv;
  std::size_t lines = 0;
  for (std::size_t at = csv.find("\r\n"); at != std::string::npos; at = csv.find("\r\n", at + 2)) ++lines;
  EXPECT_EQ(lines, 3u);
  EXPECT_NE(csv.find("\r\n太原市某某食品有限公司,法人及非法人组织," + kCompany + ",王五,晋太市监罚〔2026〕D-2号,"),
            std::string::npos);
}

TEST_F(CreditExchangeServiceTest, AnAnswerStopsBeforeThreeAndAHalfMegabytesAndTheNextResumes) {
  for (int i = 1; i <= 500; ++i) {
    PenaltyDecision d = SentDecision("D-" + std::to_string(i));
    d.facts = std::string(20'000, 'a');
    Publish(i, d);
  }
  v1::ListCreditExchangeRequest request;
  request.set_limit(500);
  v1::ListCreditExchangeResponse first;
  ASSERT_TRUE(Exchange(request, &first).ok());
  EXPECT_GT(first.count(), 100);
  EXPECT_LT(first.count(), 500);
  EXPECT_LE(first.ByteSizeLong(), 3'500'000u);
  EXPECT_EQ(first.last_seq(), first.count()) << "the last entry included";
  const auto body = nlohmann::json::parse(first.body());
  EXPECT_EQ(body.back()["行政处罚决定书文号"], "晋太市监罚〔2026〕D-" + std::to_string(first.count()) + "号");

  request.set_after_seq(first.last_seq());
  v1::ListCreditExchangeResponse next;
  ASSERT_TRUE(Exchange(request, &next).ok());
  const auto rest = nlohmann::json::parse(next.body());
  ASSERT_FALSE(rest.empty());
  EXPECT_EQ(rest.front()["行政处罚决定书文号"], "晋太市监罚〔2026〕D-" + std::to_string(first.count() + 1) + "号");
}

}  // namespace
}  // namespace gongkai::penalties
