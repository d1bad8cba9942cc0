#include "services/registry/flowchart.h"

#include <gtest/gtest.h>

#include "common/testing/dates.h"

namespace gongkai::registry {
namespace {

using common::Violations;
using gongkai::testing::Day;

const common::Date kToday = Day("2026-06-15");

Flowchart Valid() {
  Flowchart f;
  f.agency_credit_code = "11140100MB00001016";
  f.domain = "market_regulation";
  f.source_version = 1;
  f.changed_on = Day("2026-06-01");
  f.title = "太原市市场监督管理局行政处罚流程图";
  f.steps = {{FlowchartStage::kAcceptance, "立案审批，7个工作日内"},
             {FlowchartStage::kInvestigation, "两名执法人员调查取证\n出示执法证件"},
             {FlowchartStage::kReview, "法制审核机构审核"},
             {FlowchartStage::kDecision, "负责人集体讨论决定"},
             {FlowchartStage::kExecution, "送达并执行"}};
  f.link = "https://scjgj.taiyuan.gov.cn/zfgs/lct.pdf";
  return f;
}

StaffingProvisions ValidProvisions() {
  StaffingProvisions p;
  p.agency_credit_code = "11140100MB00001016";
  p.source_version = 1;
  p.title = "太原市市场监督管理局职能配置、内设机构和人员编制规定";
  p.document_number = "并办发〔2019〕12号";
  p.approved_on = Day("2019-03-15");
  p.link = "https://www.taiyuan.gov.cn/sdgd/scjgj.html";
  return p;
}

std::vector<std::string> Fields(const Violations& violations) {
  std::vector<std::string> out;
  for (const auto& v : violations) out.push_back(v.field);
  return out;
}

TEST(FlowchartRules, ValidFlowchartHasNoViolations) {
  EXPECT_EQ(ValidateFlowchart(Valid(), "f", kToday), Violations{});
  Flowchart without_link = Valid();
  without_link.link.clear();
  EXPECT_EQ(ValidateFlowchart(without_link, "f", kToday), Violations{}) << "the link is optional";
}

TEST(FlowchartRules, EveryContentRuleIsNamed) {
  Flowchart f = Valid();
  f.agency_credit_code.clear();
  f.domain = "astrology";
  f.source_version = 0;
  f.changed_on = Day("2026-06-16");
  f.title = "  ";
  f.link = "http://example.cn/a.pdf";
  EXPECT_EQ(Fields(ValidateFlowchart(f, "flowcharts[2]", kToday)),
            (std::vector<std::string>{"flowcharts[2].agency_credit_code", "flowcharts[2].domain",
                                      "flowcharts[2].source_version", "flowcharts[2].changed_on", "flowcharts[2].title",
                                      "flowcharts[2].link"}));
  f = Valid();
  f.domain.clear();
  f.changed_on.reset();  // what was sent is not a date
  EXPECT_EQ(ValidateFlowchart(f, "f", kToday),
            (Violations{{"f.domain", "required"}, {"f.changed_on", "must be a date YYYY-MM-DD"}}));
}

TEST(FlowchartRules, TitleIsOneLineOfAtMost200Bytes) {
  Flowchart f = Valid();
  f.title = std::string(200, 't');
  EXPECT_EQ(ValidateFlowchart(f, "f", kToday), Violations{});
  f.title = std::string(201, 't');
  EXPECT_EQ(Fields(ValidateFlowchart(f, "f", kToday)), std::vector<std::string>{"f.title"});
  f.title = "流程图\n第二行";
  EXPECT_EQ(Fields(ValidateFlowchart(f, "f", kToday)), std::vector<std::string>{"f.title"});
}

TEST(FlowchartRules, StepsAreTheFiveStagesEachOnceInEnumOrder) {
  Flowchart missing = Valid();
  missing.steps.erase(missing.steps.begin() + 2);
  EXPECT_EQ(ValidateFlowchart(missing, "f", kToday),
            (Violations{{"f.steps",
                         "the 5 stages ACCEPTANCE, INVESTIGATION, REVIEW, DECISION, EXECUTION, each once in that "
                         "order (got 4 steps)"}}));

  Flowchart swapped = Valid();
  std::swap(swapped.steps[3], swapped.steps[4]);
  EXPECT_EQ(Fields(ValidateFlowchart(swapped, "f", kToday)),
            (std::vector<std::string>{"f.steps[3].stage", "f.steps[4].stage"}));
  EXPECT_EQ(ValidateFlowchart(swapped, "f", kToday)[0].description,
            "must be DECISION: the stages are ACCEPTANCE, INVESTIGATION, REVIEW, DECISION, EXECUTION, each once in "
            "that order");

  Flowchart repeated = Valid();
  repeated.steps[1].stage = FlowchartStage::kAcceptance;
  EXPECT_EQ(Fields(ValidateFlowchart(repeated, "f", kToday)), std::vector<std::string>{"f.steps[1].stage"});
  Flowchart unknown = Valid();
  unknown.steps[0].stage = static_cast<FlowchartStage>(0);
  EXPECT_EQ(Fields(ValidateFlowchart(unknown, "f", kToday)), std::vector<std::string>{"f.steps[0].stage"});
}

// A hostile list is one violation of the list, whatever its steps hold.
TEST(FlowchartRules, AListOfManyStepsIsOneViolationOfTheList) {
  Flowchart f = Valid();
  f.steps.assign(10'000, {static_cast<FlowchartStage>(9), std::string(3000, '\x01')});
  const Violations v = ValidateFlowchart(f, "f", kToday);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].field, "f.steps");
  EXPECT_NE(v[0].description.find("(got 10000 steps)"), std::string::npos);
}

TEST(FlowchartRules, AStepDescriptionIsRequiredParagraphTextOfAtMost2000Bytes) {
  Flowchart f = Valid();
  f.steps[1].description = std::string(1999, 'd') + "\n";
  f.steps[2].description = "第一段\n\t第二段";
  EXPECT_EQ(ValidateFlowchart(f, "f", kToday), Violations{}) << "line feeds and tabs are allowed";
  f.steps[0].description = "\u3000";  // an ideographic space is blank
  f.steps[1].description = std::string(2001, 'd');
  f.steps[2].description = "审核\x07";
  f.steps[3].description = "\xff\xfe";
  EXPECT_EQ(Fields(ValidateFlowchart(f, "f", kToday)),
            (std::vector<std::string>{"f.steps[0].description", "f.steps[1].description", "f.steps[2].description",
                                      "f.steps[3].description"}));
  EXPECT_EQ(ValidateFlowchart(f, "f", kToday)[0].description, "required");
}

TEST(FlowchartRules, ALinkIsAnHttpsUrlOfAtMost500BytesWithoutSpaces) {
  const auto link_violations = [](const std::string& link) {
    Violations out;
    CheckHttpsLink(out, "link", link, common::Presence::kOptional);
    return out;
  };
  EXPECT_EQ(link_violations(""), Violations{});
  EXPECT_EQ(link_violations("https://a.cn"), Violations{});
  EXPECT_EQ(link_violations("HTTPS://A.CN/流程图.pdf"), Violations{}) << "the scheme in any case; UTF-8 path";
  EXPECT_EQ(link_violations("https://a.cn/" + std::string(487, 'p')), Violations{});
  EXPECT_EQ(link_violations("https://a.cn/" + std::string(488, 'p')),
            (Violations{{"link", "at most 500 bytes (got 501)"}}));
  EXPECT_EQ(link_violations("http://a.cn"), (Violations{{"link", "must be an https URL (https://...)"}}));
  EXPECT_EQ(link_violations("javascript:alert(1)"), (Violations{{"link", "must be an https URL (https://...)"}}));
  EXPECT_EQ(link_violations("https://"), (Violations{{"link", "must name a host after https://"}}));
  EXPECT_EQ(link_violations("https:///path"), (Violations{{"link", "must name a host after https://"}}));
  EXPECT_EQ(link_violations("https://a.cn/a b"), (Violations{{"link", "must not hold spaces (percent-encode them)"}}));
  EXPECT_EQ(link_violations("https://a.cn/a\u3000b"),
            (Violations{{"link", "must not hold spaces (percent-encode them)"}}));
  EXPECT_EQ(Fields(link_violations("https://a.cn/\n")), std::vector<std::string>{"link"});
  Violations required;
  CheckHttpsLink(required, "link", "", common::Presence::kRequired);
  EXPECT_EQ(required, (Violations{{"link", "required"}}));
}

TEST(StaffingProvisionsRules, ValidProvisionsHaveNoViolations) {
  EXPECT_EQ(ValidateStaffingProvisions(ValidProvisions(), "p", kToday), Violations{});
}

TEST(StaffingProvisionsRules, TitleNumberApprovalDayAndLinkAreRequired) {
  StaffingProvisions p = ValidProvisions();
  p.agency_credit_code.clear();
  p.source_version = -1;
  p.title.clear();
  p.document_number.clear();
  p.approved_on.reset();
  p.link.clear();
  EXPECT_EQ(ValidateStaffingProvisions(p, "provisions[0]", kToday),
            (Violations{{"provisions[0].agency_credit_code", "required"},
                        {"provisions[0].source_version", "must be a positive version number"},
                        {"provisions[0].title", "required"},
                        {"provisions[0].document_number", "required"},
                        {"provisions[0].approved_on", "must be a date YYYY-MM-DD"},
                        {"provisions[0].link", "required"}}));
}

TEST(StaffingProvisionsRules, BoundsOfTitleNumberAndApprovalDay) {
  StaffingProvisions p = ValidProvisions();
  p.title = std::string(500, 't');
  p.document_number = std::string(100, 'n');
  p.approved_on = kToday;
  EXPECT_EQ(ValidateStaffingProvisions(p, "p", kToday), Violations{});
  p.title = std::string(501, 't');
  p.document_number = "并办发\n〔2019〕12号";
  p.approved_on = Day("2026-06-16");
  p.link = "ftp://a.cn/sd.pdf";
  EXPECT_EQ(Fields(ValidateStaffingProvisions(p, "p", kToday)),
            (std::vector<std::string>{"p.title", "p.document_number", "p.approved_on", "p.link"}));
  p = ValidProvisions();
  p.document_number = std::string(101, 'n');
  EXPECT_EQ(Fields(ValidateStaffingProvisions(p, "p", kToday)), std::vector<std::string>{"p.document_number"});
}

TEST(WriteScope, ACityWritesItsOwnAgenciesAndTheProvinceTheProvincialOnes) {
  EXPECT_EQ(WriteScopeRefusal("A", "140100", "140100"), std::nullopt);
  EXPECT_EQ(WriteScopeRefusal("A", "140200", "140100"), "agency A is registered to city 140200, not 140100");
  EXPECT_NE(WriteScopeRefusal("P", "140000", "140100"), std::nullopt) << "a provincial agency is not a city's";
  EXPECT_EQ(WriteScopeRefusal("P", "140000", ""), std::nullopt);
  EXPECT_EQ(WriteScopeRefusal("A", "140100", ""),
            "agency A is registered to city 140100: the province writes only its provincial agencies' records");
}

TEST(FlowchartRules, AFlowchartIsForOneOfItsAgencysDomains) {
  const AgencyFacts agency{"140100", {"urban_management", "housing_construction"}};
  Violations out;
  FlowchartDomainRule(out, "flowcharts[1]", "housing_construction", agency);
  EXPECT_EQ(out, Violations{});
  FlowchartDomainRule(out, "flowcharts[1]", "transport", agency);
  EXPECT_EQ(out, (Violations{{"flowcharts[1].domain",
                              "not one of the agency's domains (urban_management, housing_construction)"}}));
}

TEST(FlowchartRules, AFlowchartIsKeptUnderItsAgencyAndDomain) {
  EXPECT_EQ(FlowchartKey("11140100MB00001016", "transport"), "11140100MB00001016/transport");
  EXPECT_EQ(StageName(FlowchartStage::kReview), "REVIEW");
  EXPECT_EQ(StageName(static_cast<FlowchartStage>(7)), "stage 7");
}

}  // namespace
}  // namespace gongkai::registry
