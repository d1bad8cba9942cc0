#include "services/supervision/leads.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "common/errors.h"
#include "common/paging.h"
#include "common/testing/adapter.h"
#include "common/testing/dates.h"

namespace gongkai::supervision {
namespace {

using gongkai::testing::CityCaller;
using gongkai::testing::Day;
using gongkai::testing::ProvinceCaller;

// The day the requests are read on.
const common::Date kToday = Day("2026-07-15");

std::vector<std::string> Fields(const common::Violations& violations) {
  std::vector<std::string> fields;
  for (const auto& v : violations) fields.push_back(v.field);
  return fields;
}

TEST(LeadTransitions, ANewLeadIsTakenInHandOrClosedAHandledOneClosedAndAClosedOneReopened) {
  EXPECT_EQ(TransitionRefusal(v1::LEAD_NEW, v1::LEAD_IN_HANDLING), std::nullopt);
  EXPECT_EQ(TransitionRefusal(v1::LEAD_NEW, v1::LEAD_CLOSED), std::nullopt);
  EXPECT_EQ(TransitionRefusal(v1::LEAD_IN_HANDLING, v1::LEAD_CLOSED), std::nullopt);
  EXPECT_EQ(TransitionRefusal(v1::LEAD_CLOSED, v1::LEAD_IN_HANDLING), std::nullopt);
}

TEST(LeadTransitions, EveryOtherChangeIsRefusedNamingBothStates) {
  const auto refusal = TransitionRefusal(v1::LEAD_CLOSED, v1::LEAD_CLOSED);
  ASSERT_TRUE(refusal);
  EXPECT_EQ(*refusal, "a lead in LEAD_CLOSED cannot go to LEAD_CLOSED; it can go to LEAD_IN_HANDLING (reopened)");
  EXPECT_TRUE(TransitionRefusal(v1::LEAD_IN_HANDLING, v1::LEAD_IN_HANDLING));
  EXPECT_TRUE(TransitionRefusal(v1::LEAD_IN_HANDLING, v1::LEAD_NEW));
  EXPECT_TRUE(TransitionRefusal(v1::LEAD_CLOSED, v1::LEAD_NEW));
  EXPECT_TRUE(TransitionRefusal(v1::LEAD_NEW, v1::LEAD_NEW));
}

TEST(LeadScope, TheProvinceSeesEveryLeadACityOnlyItsOwn) {
  LeadRow lead;
  lead.city_code = "140100";
  EXPECT_TRUE(InScope(lead, ProvinceCaller()));
  EXPECT_TRUE(InScope(lead, CityCaller("140100")));
  EXPECT_FALSE(InScope(lead, CityCaller("140200")));
}

TEST(ListLeadsRequest, ACityCallerListsItsOwnCityAndMayNotNameAnother) {
  v1::ListLeadsRequest request;
  request.set_city_code("140200");
  request.set_rule("review_results_late");
  request.set_state(v1::LEAD_IN_HANDLING);
  common::Violations violations;
  try {
    ReadLeadsPage(violations, request, CityCaller("140100"), kToday);
    ADD_FAILURE() << "another city's leads were listed";
  } catch (const common::ServiceError& e) {
    EXPECT_EQ(e.code(), grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_NE(std::string(e.what()).find("city_code"), std::string::npos) << e.what();
  }
  EXPECT_EQ(ReadLeadsPage(violations, request, CityCaller("140200"), kToday).filter.city_code, "140200");
  request.clear_city_code();
  const LeadsPage page = ReadLeadsPage(violations, request, CityCaller("140100"), kToday);
  EXPECT_TRUE(violations.empty());
  EXPECT_EQ(page.filter.city_code, "140100");
  EXPECT_EQ(page.filter.rule, "review_results_late");
  EXPECT_EQ(page.filter.state, 2);
  EXPECT_EQ(page.page_size, 50);
  EXPECT_EQ(page.filter.limit, 51) << "one more than the page";
  request.set_city_code("140200");
  EXPECT_EQ(ReadLeadsPage(violations, request, ProvinceCaller(), kToday).filter.city_code, "140200");
}

TEST(ListLeadsRequest, PageSizeIsClampedTo200AndTheTokenResumesBelowTheLastId) {
  v1::ListLeadsRequest request;
  request.set_page_size(1000);
  request.set_page_token(common::EncodePageToken({"42"}));
  common::Violations violations;
  const LeadsPage page = ReadLeadsPage(violations, request, ProvinceCaller(), kToday);
  EXPECT_TRUE(violations.empty());
  EXPECT_EQ(page.page_size, 200);
  EXPECT_EQ(page.filter.before_id, 42);
  // The province may ask for its own agencies' leads (the province code).
  request.set_city_code("140000");
  ReadLeadsPage(violations, request, ProvinceCaller(), kToday);
  EXPECT_TRUE(violations.empty());
}

TEST(ListLeadsRequest, EveryBadFieldIsNamed) {
  v1::ListLeadsRequest request;
  request.set_city_code("14010");
  request.set_rule("no such rule");
  request.set_state(static_cast<v1::LeadState>(9));
  request.set_page_size(-1);
  request.set_page_token("forged");
  common::Violations violations;
  request.set_year(1999);
  ReadLeadsPage(violations, request, ProvinceCaller(), kToday);
  EXPECT_EQ(Fields(violations),
            (std::vector<std::string>{"city_code", "rule", "state", "page_size", "page_token", "year"}));
}

TEST(ListLeadsRequest, AYearIsZeroForEveryYearOrFrom2000ToNextYear) {
  v1::ListLeadsRequest request;
  common::Violations violations;
  EXPECT_EQ(ReadLeadsPage(violations, request, ProvinceCaller(), kToday).filter.year, 0) << "every year";
  for (int year : {2000, 2026, 2027}) {
    request.set_year(year);
    EXPECT_EQ(ReadLeadsPage(violations, request, ProvinceCaller(), kToday).filter.year, year);
  }
  EXPECT_TRUE(violations.empty());
  for (int year : {1999, 2028, -1}) {
    request.set_year(year);
    common::Violations refused;
    ReadLeadsPage(refused, request, ProvinceCaller(), kToday);
    EXPECT_EQ(Fields(refused), std::vector<std::string>{"year"}) << year;
  }
}

TEST(SetLeadStateRequest, ClosingNeedsAReasonOfOneLineUpTo500Bytes) {
  v1::SetLeadStateRequest request;
  request.set_id(7);
  request.set_state(v1::LEAD_CLOSED);
  EXPECT_EQ(Fields(CheckSetLeadState(request)), (std::vector<std::string>{"reason"})) << "required";
  request.set_reason("已移交纪检监察部门处理");
  EXPECT_TRUE(CheckSetLeadState(request).empty());
  request.set_reason("第一行\n第二行");
  EXPECT_EQ(Fields(CheckSetLeadState(request)), (std::vector<std::string>{"reason"})) << "one line";
  request.set_reason(std::string(501, 'x'));
  EXPECT_EQ(Fields(CheckSetLeadState(request)), (std::vector<std::string>{"reason"})) << "500 bytes at most";
  request.set_reason(std::string(500, 'x'));
  EXPECT_TRUE(CheckSetLeadState(request).empty());
}

TEST(SetLeadStateRequest, OnlyHandlingOrClosingOfAnIdentifiedLeadAndAReasonOnlyToClose) {
  v1::SetLeadStateRequest request;
  request.set_state(v1::LEAD_NEW);
  request.set_reason("why");
  EXPECT_EQ(Fields(CheckSetLeadState(request)), (std::vector<std::string>{"id", "state", "reason"}));
  request.set_id(3);
  request.set_state(v1::LEAD_IN_HANDLING);
  request.clear_reason();
  EXPECT_TRUE(CheckSetLeadState(request).empty());
}

TEST(AttachLeadsRequest, NamesTheSupervisionAndOneTo500DistinctPositiveLeadIds) {
  v1::AttachLeadsRequest request;
  EXPECT_EQ(Fields(CheckAttachLeads(request)),
            (std::vector<std::string>{"supervision_organiser", "supervision_source_id", "lead_ids"}));
  request.set_supervision_organiser("11140100MB0000101X");
  request.set_supervision_source_id("ZX-2026-01");
  request.add_lead_ids(1);
  request.add_lead_ids(0);
  request.add_lead_ids(1);
  EXPECT_EQ(Fields(CheckAttachLeads(request)), (std::vector<std::string>{"lead_ids[1]", "lead_ids[2]"}));
  request.clear_lead_ids();
  for (int i = 1; i <= 501; ++i) request.add_lead_ids(i);
  EXPECT_EQ(Fields(CheckAttachLeads(request)), (std::vector<std::string>{"lead_ids"}));
  request.mutable_lead_ids()->RemoveLast();
  EXPECT_TRUE(CheckAttachLeads(request).empty());
}

TEST(LeadOf, ShowsTheStoredLeadWithItsLinksDaysAndSupervisions) {
  common::v1::RecordLink record;
  record.set_service("penalties");
  record.set_key("AGENCY/CF-1");
  common::v1::Finding related;
  related.add_related()->set_kind("qualification_list");
  LeadRow row;
  row.id = 9;
  row.rule = "agency_list_not_current";
  row.record = record.SerializeAsString();
  row.related = related.SerializeAsString();
  row.city_code = "140100";
  row.state = 3;
  row.closed_reason = "已核实";
  row.raised_on = Day("2026-07-01");
  row.last_seen_on = Day("2026-07-03");
  row.still_observed = false;
  row.supervisions = {"ORG/ZX-1", "ORG/ZX-2"};
  row.updated_by = "city-140100";
  row.updated_at = "2026-07-03T02:00:00Z";
  const v1::Lead lead = LeadOf(row);
  EXPECT_EQ(lead.id(), 9);
  EXPECT_EQ(lead.record().key(), "AGENCY/CF-1");
  ASSERT_EQ(lead.related_size(), 1);
  EXPECT_EQ(lead.related(0).kind(), "qualification_list");
  EXPECT_EQ(lead.state(), v1::LEAD_CLOSED);
  EXPECT_EQ(lead.closed_reason(), "已核实");
  EXPECT_EQ(lead.raised_on(), "2026-07-01");
  EXPECT_EQ(lead.last_seen_on(), "2026-07-03");
  EXPECT_FALSE(lead.still_observed());
  EXPECT_EQ(lead.supervisions_size(), 2);
  EXPECT_EQ(lead.updated_by(), "city-140100");
  EXPECT_EQ(lead.updated_at(), "2026-07-03T02:00:00Z");
}

TEST(Rfc3339, WritesAnInstantInUtcToTheSecond) {
  const auto instant = std::chrono::sys_days(Day("2026-06-15")) + std::chrono::hours(2) + std::chrono::minutes(30) +
                       std::chrono::milliseconds(999);
  EXPECT_EQ(Rfc3339(instant), "2026-06-15T02:30:00Z");
}

}  // namespace
}  // namespace gongkai::supervision
