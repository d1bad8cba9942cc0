#include "services/inspections/inspection_rules.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "common/identifiers.h"
#include "common/testing/dates.h"
#include "gongkai/registry/v1/registry.pb.h"
#include "services/inspections/draw.h"
#include "services/inspections/test_records.h"

namespace gongkai::inspections {
namespace {

using gongkai::testing::Day;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// The day a drawn task is registered, and the day results come in.
const common::Date kRegistered = Day("2026-05-20");
const common::Date kToday = Day("2026-07-15");

const std::string kPartner = CreditCode("11140100MB0000202");
const std::string kOtherAgency = CreditCode("11140200MB0000303");
const std::string kCompany2 = CreditCode("91140100MA0KABCE2");
const std::string kCompany3 = CreditCode("91140100MA0KABCF3");

std::vector<std::string> Fields(const common::Violations& violations) {
  std::vector<std::string> fields;
  for (const auto& v : violations) fields.push_back(v.field);
  return fields;
}

std::string DescriptionOf(const common::Violations& violations, const std::string& field) {
  for (const auto& v : violations) {
    if (v.field == field) return v.description;
  }
  return "";
}

Plan ValidPlan() {
  Plan p;
  p.set_agency_credit_code(kAgency);
  p.set_source_id("TY-JH-2026-001");
  p.set_source_version(1);
  p.set_year(2026);
  p.set_title("太原市市场监督管理局2026年度行政检查计划");
  p.add_objects("食品生产企业");
  p.add_objects("特种设备使用单位");
  auto* item = p.add_items();
  item->set_description("食品生产许可条件保持情况检查");
  item->set_powers_item_source_id("JC-001");
  item->set_method(v1::RANDOM);
  item->add_months(3);
  item->add_months(9);
  p.set_approved_on("2026-01-15");
  return p;
}

Plan JointPlan() {
  Plan p = ValidPlan();
  auto* item = p.mutable_items(0);
  item->set_method(v1::JOINT);
  item->add_partner_agencies(kPartner);
  return p;
}

Task ValidDrawTask() {
  Task t = ValidTask();
  t.set_source_id("TY-CC-2026-002");
  t.clear_objects();
  t.clear_officers();
  t.set_pool_size(0);
  *t.mutable_draw() = DrawOf({kCompany, kCompany2, kCompany3});
  return t;
}

// A drawn task as stored: its draw committed with kSeed.
Task StoredDrawTask() {
  Task t = ValidDrawTask();
  *t.mutable_draw() = Commit(t.draw(), kSeed, {}, kRegistered);
  return t;
}

Result ValidResult() {
  return ResultOf("TY-JG-2026-001", "TY-CC-2026-001", Org("太原市某某食品有限公司", kCompany), "2026-06-15");
}

Result ProblemResult() {
  Result r = ValidResult();
  r.set_outcome(v1::CORRECTION_ORDERED);
  r.set_problems("生产车间未按规定设置更衣设施。\n原料库房温湿度记录不全。");
  r.set_rectification_requirement("限期设置更衣设施，完善温湿度记录。");
  r.set_rectification_deadline("2026-07-15");
  return r;
}

PilotUnit ValidUnit() {
  PilotUnit u;
  u.set_agency_credit_code(kAgency);
  u.set_source_id("TY-ZB-2026-01");
  u.set_source_version(1);
  u.set_year(2026);
  u.set_sector(v1::FOOD_SERVICE_SAFETY);
  u.set_channel(v1::SHORT_VIDEO);
  u.set_platform("抖音");
  u.set_account("太原市场监管");
  return u;
}

Broadcast ValidBroadcast() {
  Broadcast b;
  b.set_agency_credit_code(kAgency);
  b.set_source_id("TY-ZB-2026-01-001");
  b.set_source_version(1);
  b.set_pilot_unit_source_id("TY-ZB-2026-01");
  b.set_title("餐饮单位后厨检查直播");
  b.set_planned_start("2026-12-02T14:00:00+08:00");
  b.set_started_at("2026-12-02T14:02:10+08:00");
  b.set_ended_at("2026-12-02T15:00:00+08:00");
  *b.mutable_object() = Org("太原市某某餐饮有限公司", kCompany);
  b.set_live_url("https://live.example.cn/room/123");
  b.set_replay_url("https://live.example.cn/replay/123?t=1");
  return b;
}

// ---------------------------------------------------------------- plans

TEST(ValidatePlan, AcceptsAValidPlan) {
  EXPECT_THAT(ValidatePlan(ValidPlan(), "plans[0]", kToday), IsEmpty());
  EXPECT_THAT(ValidatePlan(JointPlan(), "plans[0]", kToday), IsEmpty());
}

TEST(ValidatePlan, NamesAMissingAgencySourceIdAndVersion) {
  Plan p = ValidPlan();
  p.clear_agency_credit_code();
  p.set_source_id("　");  // an ideographic space is blank
  p.set_source_version(0);
  EXPECT_THAT(Fields(ValidatePlan(p, "plans[0]", kToday)),
              ElementsAre("plans[0].agency_credit_code", "plans[0].source_id", "plans[0].source_version"));
}

TEST(ValidatePlan, NamesAnAgencyThatIsNotACreditCode) {
  Plan p = ValidPlan();
  p.set_agency_credit_code(kAgency.substr(0, 17) + (kAgency[17] == '1' ? '2' : '1'));
  const auto v = ValidatePlan(p, "plans[0]", kToday);
  EXPECT_THAT(Fields(v), ElementsAre("plans[0].agency_credit_code"));
  EXPECT_THAT(DescriptionOf(v, "plans[0].agency_credit_code"), HasSubstr("GB 32100"));
}

TEST(ValidatePlan, NamesASourceIdOver64BytesOrNotPrintableAscii) {
  Plan p = ValidPlan();
  p.set_source_id(std::string(65, 'A'));
  auto v = ValidatePlan(p, "plans[0]", kToday);
  EXPECT_THAT(Fields(v), ElementsAre("plans[0].source_id"));
  EXPECT_THAT(DescriptionOf(v, "plans[0].source_id"), HasSubstr("at most 64 bytes"));
  p.set_source_id("JH 001");
  EXPECT_THAT(Fields(ValidatePlan(p, "plans[0]", kToday)), ElementsAre("plans[0].source_id"));
}

TEST(ValidatePlan, NamesAYearOutside2000To2100) {
  Plan p = ValidPlan();
  p.set_year(1999);
  EXPECT_THAT(Fields(ValidatePlan(p, "plans[0]", kToday)), ElementsAre("plans[0].year"));
  p.set_year(2101);
  EXPECT_THAT(Fields(ValidatePlan(p, "plans[0]", kToday)), ElementsAre("plans[0].year"));
}

TEST(ValidatePlan, NamesATitleMissingOverlongOrOfTwoLines) {
  Plan p = ValidPlan();
  p.clear_title();
  EXPECT_THAT(Fields(ValidatePlan(p, "plans[0]", kToday)), ElementsAre("plans[0].title"));
  p.set_title(std::string(501, 'a'));
  EXPECT_THAT(Fields(ValidatePlan(p, "plans[0]", kToday)), ElementsAre("plans[0].title"));
  p.set_title(std::string(500, 'a'));
  EXPECT_THAT(ValidatePlan(p, "plans[0]", kToday), IsEmpty());
  p.set_title("第一行\n第二行");
  EXPECT_THAT(Fields(ValidatePlan(p, "plans[0]", kToday)), ElementsAre("plans[0].title"));
}

TEST(ValidatePlan, NamesObjectsNoneOverOneHundredOrABadLine) {
  Plan p = ValidPlan();
  p.clear_objects();
  EXPECT_THAT(Fields(ValidatePlan(p, "plans[0]", kToday)), ElementsAre("plans[0].objects"));
  for (int i = 0; i < 101; ++i) p.add_objects("企业");
  EXPECT_THAT(Fields(ValidatePlan(p, "plans[0]", kToday)), ElementsAre("plans[0].objects"));
  p = ValidPlan();
  p.set_objects(1, std::string(201, 'a'));
  EXPECT_THAT(Fields(ValidatePlan(p, "plans[0]", kToday)), ElementsAre("plans[0].objects[1]"));
  p.set_objects(1, " ");
  EXPECT_THAT(Fields(ValidatePlan(p, "plans[0]", kToday)), ElementsAre("plans[0].objects[1]"));
}

TEST(ValidatePlan, NamesItemsNoneOrOverOneHundred) {
  Plan p = ValidPlan();
  p.clear_items();
  EXPECT_THAT(Fields(ValidatePlan(p, "plans[0]", kToday)), ElementsAre("plans[0].items"));
  for (int i = 0; i < 101; ++i) *p.add_items() = ValidPlan().items(0);
  EXPECT_THAT(Fields(ValidatePlan(p, "plans[0]", kToday)), ElementsAre("plans[0].items"));
}

TEST(ValidatePlan, NamesAnItemsDescriptionPowersItemAndMethod) {
  Plan p = ValidPlan();
  p.mutable_items(0)->clear_description();
  p.mutable_items(0)->set_powers_item_source_id("检查事项");
  p.mutable_items(0)->set_method(v1::METHOD_UNSPECIFIED);
  EXPECT_THAT(Fields(ValidatePlan(p, "plans[0]", kToday)),
              ElementsAre("plans[0].items[0].description", "plans[0].items[0].powers_item_source_id",
                          "plans[0].items[0].method"));
}

TEST(ValidatePlan, AcceptsAnItemWithoutAPowersItem) {
  Plan p = ValidPlan();
  p.mutable_items(0)->clear_powers_item_source_id();
  EXPECT_THAT(ValidatePlan(p, "plans[0]", kToday), IsEmpty());
}

TEST(ValidatePlan, JointNeedsOneToTenPartners) {
  Plan p = JointPlan();
  p.mutable_items(0)->clear_partner_agencies();
  EXPECT_THAT(Fields(ValidatePlan(p, "plans[0]", kToday)), ElementsAre("plans[0].items[0].partner_agencies"));
  for (int i = 0; i < 11; ++i) p.mutable_items(0)->add_partner_agencies(kPartner);
  const auto v = ValidatePlan(p, "plans[0]", kToday);
  EXPECT_THAT(Fields(v), ElementsAre("plans[0].items[0].partner_agencies"));
  EXPECT_THAT(DescriptionOf(v, "plans[0].items[0].partner_agencies"), HasSubstr("at most 10"));
}

TEST(ValidatePlan, NamesAPartnerThatIsTheOwnAgencyRepeatedOrNotACreditCode) {
  Plan p = JointPlan();
  p.mutable_items(0)->add_partner_agencies(kAgency);
  p.mutable_items(0)->add_partner_agencies(kPartner);
  p.mutable_items(0)->add_partner_agencies("12345");
  const auto v = ValidatePlan(p, "plans[0]", kToday);
  EXPECT_THAT(Fields(v), ElementsAre("plans[0].items[0].partner_agencies[1]", "plans[0].items[0].partner_agencies[3]",
                                     "plans[0].items[0].partner_agencies[2]"));
  EXPECT_EQ(DescriptionOf(v, "plans[0].items[0].partner_agencies[1]"), "must not be the plan's own agency");
  EXPECT_EQ(DescriptionOf(v, "plans[0].items[0].partner_agencies[2]"), "repeats partner_agencies[0]");
}

TEST(ValidatePlan, OtherMethodsTakeNoPartners) {
  Plan p = ValidPlan();
  p.mutable_items(0)->add_partner_agencies(kPartner);
  EXPECT_THAT(Fields(ValidatePlan(p, "plans[0]", kToday)), ElementsAre("plans[0].items[0].partner_agencies"));
}

TEST(ValidatePlan, NeedsMonthsOrQuartersNotBoth) {
  Plan p = ValidPlan();
  p.mutable_items(0)->clear_months();
  EXPECT_THAT(Fields(ValidatePlan(p, "plans[0]", kToday)), ElementsAre("plans[0].items[0].months"));
  p.mutable_items(0)->add_quarters(2);
  EXPECT_THAT(ValidatePlan(p, "plans[0]", kToday), IsEmpty());
  p.mutable_items(0)->add_months(5);
  EXPECT_THAT(Fields(ValidatePlan(p, "plans[0]", kToday)), ElementsAre("plans[0].items[0].quarters"));
}

TEST(ValidatePlan, NamesAMonthOrQuarterOutOfRangeOrRepeated) {
  Plan p = ValidPlan();
  p.mutable_items(0)->add_months(13);
  p.mutable_items(0)->add_months(0);
  p.mutable_items(0)->add_months(3);
  auto v = ValidatePlan(p, "plans[0]", kToday);
  EXPECT_THAT(Fields(v),
              ElementsAre("plans[0].items[0].months[2]", "plans[0].items[0].months[3]", "plans[0].items[0].months[4]"));
  EXPECT_EQ(DescriptionOf(v, "plans[0].items[0].months[4]"), "repeats months[0]");
  p = ValidPlan();
  p.mutable_items(0)->clear_months();
  p.mutable_items(0)->add_quarters(5);
  EXPECT_THAT(Fields(ValidatePlan(p, "plans[0]", kToday)), ElementsAre("plans[0].items[0].quarters[0]"));
  p.mutable_items(0)->clear_quarters();
  for (int q = 1; q <= 5; ++q) p.mutable_items(0)->add_quarters(q);
  EXPECT_THAT(Fields(ValidatePlan(p, "plans[0]", kToday)), ElementsAre("plans[0].items[0].quarters"));
}

TEST(ValidatePlan, ApprovedOnIsADateNotAfterToday) {
  Plan p = ValidPlan();
  p.set_approved_on("2026-02-30");
  EXPECT_THAT(Fields(ValidatePlan(p, "plans[0]", kToday)), ElementsAre("plans[0].approved_on"));
  p.set_approved_on("2026-07-16");
  EXPECT_THAT(Fields(ValidatePlan(p, "plans[0]", kToday)), ElementsAre("plans[0].approved_on"));
  p.set_approved_on("2026-07-15");
  EXPECT_THAT(ValidatePlan(p, "plans[0]", kToday), IsEmpty());
}

TEST(ValidatePlan, ApprovedOnLiesInThePlansYearOrTheYearBefore) {
  Plan p = ValidPlan();
  p.set_approved_on("2025-12-20");
  EXPECT_THAT(ValidatePlan(p, "plans[0]", kToday), IsEmpty());
  p.set_approved_on("2024-12-31");
  const auto v = ValidatePlan(p, "plans[0]", kToday);
  EXPECT_THAT(Fields(v), ElementsAre("plans[0].approved_on"));
  EXPECT_THAT(DescriptionOf(v, "plans[0].approved_on"), HasSubstr("2026"));
  p.set_year(2027);
  p.set_approved_on("2026-12-01");
  EXPECT_THAT(ValidatePlan(p, "plans[0]", Day("2026-12-20")), IsEmpty());
}

TEST(ValidatePlan, ChangedOnIsEmptyOrADateBetweenApprovalAndToday) {
  Plan p = ValidPlan();
  p.set_changed_on("2026-04-01");
  EXPECT_THAT(ValidatePlan(p, "plans[0]", kToday), IsEmpty());
  p.set_changed_on("2026-01-14");
  EXPECT_THAT(Fields(ValidatePlan(p, "plans[0]", kToday)), ElementsAre("plans[0].changed_on"));
  p.set_changed_on("2026-07-16");
  EXPECT_THAT(Fields(ValidatePlan(p, "plans[0]", kToday)), ElementsAre("plans[0].changed_on"));
  p.set_changed_on("yesterday");
  EXPECT_THAT(Fields(ValidatePlan(p, "plans[0]", kToday)), ElementsAre("plans[0].changed_on"));
}

TEST(PlanClockStart, IsChangedOnWhenSetElseApprovedOn) {
  Plan p = ValidPlan();
  EXPECT_EQ(PlanClockStart(p), Day("2026-01-15"));
  p.set_changed_on("2026-04-01");
  EXPECT_EQ(PlanClockStart(p), Day("2026-04-01"));
}

// ---------------------------------------------------------------- objects

TEST(ValidateObject, AcceptsAnOrganisationAndAPersonWithOrWithoutIdNumber) {
  EXPECT_THAT(ValidateObject(Org("某某公司", kCompany), "o"), IsEmpty());
  EXPECT_THAT(ValidateObject(Person("张三", kPersonId), "o"), IsEmpty());
  EXPECT_THAT(ValidateObject(Person("张三", ""), "o"), IsEmpty());
}

TEST(ValidateObject, NamesAMissingKindAndName) {
  CheckObject o;
  EXPECT_THAT(Fields(ValidateObject(o, "o")), ElementsAre("o.kind", "o.name"));
}

TEST(ValidateObject, AnOrganisationNeedsACreditCodeAndNoIdNumber) {
  CheckObject o = Org("某某公司", "");
  EXPECT_THAT(Fields(ValidateObject(o, "o")), ElementsAre("o.credit_code"));
  o.set_credit_code("91140100MA0KABCDI1");  // I is not in the GB 32100 alphabet
  EXPECT_THAT(Fields(ValidateObject(o, "o")), ElementsAre("o.credit_code"));
  o.set_credit_code(kCompany);
  o.set_id_number(kPersonId);
  EXPECT_THAT(Fields(ValidateObject(o, "o")), ElementsAre("o.id_number"));
}

TEST(ValidateObject, APersonHasNoCreditCodeAndAValidIdNumberIfAny) {
  CheckObject o = Person("张三", kPersonId);
  o.set_credit_code(kCompany);
  EXPECT_THAT(Fields(ValidateObject(o, "o")), ElementsAre("o.credit_code"));
  o.clear_credit_code();
  o.set_id_number(kPersonId.substr(0, 17) + (kPersonId[17] == '0' ? '1' : '0'));
  EXPECT_THAT(Fields(ValidateObject(o, "o")), ElementsAre("o.id_number"));
  o.set_id_number("１４０１");  // full-width digits
  EXPECT_THAT(Fields(ValidateObject(o, "o")), ElementsAre("o.id_number"));
}

TEST(ObjectKey, IsTheCreditCodeElseTheIdNumberElseTheName) {
  EXPECT_EQ(ObjectKey(Org("某某公司", kCompany)), kCompany);
  EXPECT_EQ(ObjectKey(Person("张三", kPersonId)), kPersonId);
  EXPECT_EQ(ObjectKey(Person("张三", "")), "张三");
}

// ---------------------------------------------------------------- tasks

TEST(ValidateTask, AcceptsAValidTaskAndAValidDrawnTask) {
  EXPECT_THAT(ValidateTask(ValidTask(), "tasks[0]", kToday, true), IsEmpty());
  EXPECT_THAT(ValidateTask(ValidDrawTask(), "tasks[0]", kRegistered, true), IsEmpty());
}

TEST(ValidateTask, NamesKeyFieldsAndName) {
  Task t = ValidTask();
  t.set_agency_credit_code("1114");
  t.clear_source_id();
  t.set_source_version(-1);
  t.clear_name();
  EXPECT_THAT(
      Fields(ValidateTask(t, "tasks[0]", kToday, true)),
      ElementsAre("tasks[0].agency_credit_code", "tasks[0].source_id", "tasks[0].source_version", "tasks[0].name"));
  t = ValidTask();
  t.set_name(std::string(501, 'a'));
  EXPECT_THAT(Fields(ValidateTask(t, "tasks[0]", kToday, true)), ElementsAre("tasks[0].name"));
}

TEST(ValidateTask, NamesJointAgenciesOverTwentyTheLeadRepeatedOrInvalid) {
  Task t = ValidTask();
  for (int i = 0; i < 21; ++i) t.add_joint_agencies(kPartner);
  EXPECT_THAT(Fields(ValidateTask(t, "tasks[0]", kToday, true)), ElementsAre("tasks[0].joint_agencies"));
  t.clear_joint_agencies();
  t.add_joint_agencies(kPartner);
  t.add_joint_agencies(kAgency);
  t.add_joint_agencies(kPartner);
  t.add_joint_agencies("X");
  const auto v = ValidateTask(t, "tasks[0]", kToday, true);
  EXPECT_THAT(Fields(v),
              ElementsAre("tasks[0].joint_agencies[1]", "tasks[0].joint_agencies[3]", "tasks[0].joint_agencies[2]"));
  EXPECT_EQ(DescriptionOf(v, "tasks[0].joint_agencies[1]"), "must not be the lead agency");
}

TEST(ValidateTask, NamesItemsNoneOverFiftyRepeatedOrNotASourceId) {
  Task t = ValidTask();
  t.clear_items();
  EXPECT_THAT(Fields(ValidateTask(t, "tasks[0]", kToday, true)), ElementsAre("tasks[0].items"));
  for (int i = 0; i < 51; ++i) t.add_items(std::string("JC-") + std::to_string(i));
  EXPECT_THAT(Fields(ValidateTask(t, "tasks[0]", kToday, true)), ElementsAre("tasks[0].items"));
  t = ValidTask();
  t.add_items("JC-001");
  t.add_items("检查");
  const auto v = ValidateTask(t, "tasks[0]", kToday, true);
  EXPECT_THAT(Fields(v), ElementsAre("tasks[0].items[3]", "tasks[0].items[2]"));
  EXPECT_EQ(DescriptionOf(v, "tasks[0].items[2]"), "repeats items[0]");
}

TEST(ValidateTask, NamesAMissingOrUnknownDomain) {
  Task t = ValidTask();
  t.clear_domain();
  EXPECT_THAT(Fields(ValidateTask(t, "tasks[0]", kToday, true)), ElementsAre("tasks[0].domain"));
  t.set_domain("market");
  EXPECT_THAT(Fields(ValidateTask(t, "tasks[0]", kToday, true)), ElementsAre("tasks[0].domain"));
}

TEST(ValidateTask, NamesObjectsNoneInvalidOrTwice) {
  Task t = ValidTask();
  t.clear_objects();
  EXPECT_THAT(Fields(ValidateTask(t, "tasks[0]", kToday, true)), ElementsAre("tasks[0].objects"));
  t = ValidTask();
  t.mutable_objects(0)->clear_credit_code();
  EXPECT_THAT(Fields(ValidateTask(t, "tasks[0]", kToday, true)), ElementsAre("tasks[0].objects[0].credit_code"));
  t = ValidTask();
  *t.add_objects() = Org("同一家公司", kCompany);
  const auto v = ValidateTask(t, "tasks[0]", kToday, true);
  EXPECT_THAT(Fields(v), ElementsAre("tasks[0].objects[2]"));
  EXPECT_EQ(DescriptionOf(v, "tasks[0].objects[2]"), "repeats objects[0]");
}

TEST(ValidateTask, NamesObjectsOverTenThousand) {
  Task t = ValidTask();
  t.clear_objects();
  for (int i = 0; i <= 10'000; ++i) *t.add_objects() = Person("张三", "");
  t.set_pool_size(20'000);
  EXPECT_THAT(Fields(ValidateTask(t, "tasks[0]", kToday, true)), ElementsAre("tasks[0].objects"));
}

TEST(ValidateTask, NamesOfficersFewerThanTwoOverFiveHundredRepeatedOrMalformed) {
  Task t = ValidTask();
  t.mutable_officers()->RemoveLast();
  EXPECT_THAT(Fields(ValidateTask(t, "tasks[0]", kToday, true)), ElementsAre("tasks[0].officers"));
  for (int i = 0; i < 501; ++i) t.add_officers(std::string("C-") + std::to_string(i));
  EXPECT_THAT(Fields(ValidateTask(t, "tasks[0]", kToday, true)), ElementsAre("tasks[0].officers"));
  t = ValidTask();
  t.add_officers("140100-0001");
  t.add_officers("c-9");
  EXPECT_THAT(Fields(ValidateTask(t, "tasks[0]", kToday, true)),
              ElementsAre("tasks[0].officers[3]", "tasks[0].officers[2]"));
}

TEST(ValidateTask, PoolSizeIsAtLeastTheObjects) {
  Task t = ValidTask();
  t.set_pool_size(1);
  EXPECT_THAT(Fields(ValidateTask(t, "tasks[0]", kToday, true)), ElementsAre("tasks[0].pool_size"));
  t.set_pool_size(2);
  EXPECT_THAT(ValidateTask(t, "tasks[0]", kToday, true), IsEmpty());
}

TEST(ValidateTask, CheckPeriodIsTwoDatesInOrderAtMost366DaysApart) {
  Task t = ValidTask();
  t.set_check_from("2026-06-31");
  EXPECT_THAT(Fields(ValidateTask(t, "tasks[0]", kToday, true)), ElementsAre("tasks[0].check_from"));
  t = ValidTask();
  t.set_check_to("");
  EXPECT_THAT(Fields(ValidateTask(t, "tasks[0]", kToday, true)), ElementsAre("tasks[0].check_to"));
  t.set_check_to("2026-05-31");
  EXPECT_THAT(Fields(ValidateTask(t, "tasks[0]", kToday, true)), ElementsAre("tasks[0].check_to"));
  t.set_check_from("2026-01-01");
  t.set_check_to("2027-01-02");  // 366 days later
  EXPECT_THAT(ValidateTask(t, "tasks[0]", kToday, true), IsEmpty());
  t.set_check_to("2027-01-03");
  EXPECT_THAT(Fields(ValidateTask(t, "tasks[0]", kToday, true)), ElementsAre("tasks[0].check_to"));
}

TEST(ValidateTask, PlanSourceIdIsEmptyOrASourceId) {
  Task t = ValidTask();
  t.set_plan_source_id("TY-JH-2026-001");
  EXPECT_THAT(ValidateTask(t, "tasks[0]", kToday, true), IsEmpty());
  t.set_plan_source_id("计划一");
  EXPECT_THAT(Fields(ValidateTask(t, "tasks[0]", kToday, true)), ElementsAre("tasks[0].plan_source_id"));
}

TEST(ValidateTask, SourceIdCarriesNoObjectsIdNumber) {
  Task t = ValidTask();
  t.set_source_id("T-" + kPersonId);
  EXPECT_THAT(Fields(ValidateTask(t, "tasks[0]", kToday, true)), ElementsAre("tasks[0].source_id"));
}

// ---------------------------------------------------------------- platform draw

TEST(ValidateTask, APlatformDrawTakesNoObjectsNorOfficers) {
  Task t = ValidDrawTask();
  *t.add_objects() = Org("某某公司", kCompany);
  t.add_officers("140100-0001");
  t.add_officers("140100-0002");
  EXPECT_THAT(Fields(ValidateTask(t, "tasks[0]", kRegistered, true)),
              ElementsAre("tasks[0].objects", "tasks[0].officers"));
}

TEST(ValidateTask, APlatformDrawsPoolSizeIsThePoolsOrZero) {
  Task t = ValidDrawTask();
  t.set_pool_size(3);
  EXPECT_THAT(ValidateTask(t, "tasks[0]", kRegistered, true), IsEmpty());
  t.set_pool_size(5);
  EXPECT_THAT(Fields(ValidateTask(t, "tasks[0]", kRegistered, true)), ElementsAre("tasks[0].pool_size"));
}

TEST(ValidateTask, ADrawDateIsAfterTodayAtFirstRegistration) {
  Task t = ValidDrawTask();
  t.mutable_draw()->set_draw_date("2026-05-20");
  EXPECT_THAT(Fields(ValidateTask(t, "tasks[0]", kRegistered, true)), ElementsAre("tasks[0].draw.draw_date"));
  // A later version of a task registered before keeps its draw date.
  EXPECT_THAT(ValidateTask(t, "tasks[0]", kRegistered, false), IsEmpty());
}

TEST(ValidateTask, ADrawDateIsNotAfterTheCheckPeriod) {
  Task t = ValidDrawTask();
  t.mutable_draw()->set_draw_date("2026-07-01");
  EXPECT_THAT(Fields(ValidateTask(t, "tasks[0]", kRegistered, true)), ElementsAre("tasks[0].draw.draw_date"));
  t.mutable_draw()->set_draw_date("2026-06-30");
  EXPECT_THAT(ValidateTask(t, "tasks[0]", kRegistered, true), IsEmpty());
}

TEST(ValidateDraw, AcceptsAValidDraw) { EXPECT_THAT(ValidateDraw(ValidDrawTask().draw(), "d"), IsEmpty()); }

TEST(ValidateDraw, NamesAnEmptyPoolOrOneOverTenThousand) {
  Draw d = ValidDrawTask().draw();
  d.clear_pool();
  EXPECT_THAT(Fields(ValidateDraw(d, "d")), Contains("d.pool"));
  for (int i = 0; i <= 10'000; ++i) d.add_pool(std::string("OBJ-") + std::to_string(i));
  EXPECT_THAT(Fields(ValidateDraw(d, "d")), ElementsAre("d.pool"));
}

TEST(ValidateDraw, NamesPoolIdentifiersMalformedRepeatedOrACitizenIdNumber) {
  Draw d = ValidDrawTask().draw();
  d.add_pool("OBJ 1");
  d.add_pool(std::string(65, 'a'));
  d.add_pool(kPersonId);
  d.add_pool(kCompany);
  d.add_pool("obj_2-x");
  const auto v = ValidateDraw(d, "d");
  EXPECT_THAT(Fields(v), ElementsAre("d.pool[3]", "d.pool[4]", "d.pool[5]", "d.pool[6]"));
  EXPECT_THAT(DescriptionOf(v, "d.pool[5]"), HasSubstr("citizen ID"));
  EXPECT_EQ(DescriptionOf(v, "d.pool[6]"), "repeats pool[0]");
}

TEST(ValidateDraw, NamesAPoolIdThatIsACitizenIdWithALowercaseX) {
  const std::string id = "14010119850315129x";
  ASSERT_EQ(common::CitizenIdCheckCharacter(id.substr(0, 17)), 'X');
  Draw d = ValidDrawTask().draw();
  d.add_pool(id);
  EXPECT_THAT(Fields(ValidateDraw(d, "d")), ElementsAre("d.pool[3]"));
}

TEST(ValidateDraw, ObjectsIsOneToThePoolsSize) {
  Draw d = ValidDrawTask().draw();
  d.set_objects(0);
  EXPECT_THAT(Fields(ValidateDraw(d, "d")), ElementsAre("d.objects"));
  d.set_objects(4);
  EXPECT_THAT(Fields(ValidateDraw(d, "d")), ElementsAre("d.objects"));
  d.set_objects(3);
  EXPECT_THAT(ValidateDraw(d, "d"), IsEmpty());
}

TEST(ValidateDraw, NamesOfficersNoneRepeatedOrMalformed) {
  Draw d = ValidDrawTask().draw();
  d.clear_officers();
  EXPECT_THAT(Fields(ValidateDraw(d, "d")), Contains("d.officers"));
  d = ValidDrawTask().draw();
  d.add_officers("C-1");
  d.add_officers("");
  EXPECT_THAT(Fields(ValidateDraw(d, "d")), ElementsAre("d.officers[4]", "d.officers[3]"));
}

TEST(ValidateDraw, OfficersDrawnIsTwoToTheOfficersSent) {
  Draw d = ValidDrawTask().draw();
  d.set_officers_drawn(1);
  EXPECT_THAT(Fields(ValidateDraw(d, "d")), ElementsAre("d.officers_drawn"));
  d.set_officers_drawn(4);
  EXPECT_THAT(Fields(ValidateDraw(d, "d")), ElementsAre("d.officers_drawn"));
  d.set_officers_drawn(3);
  EXPECT_THAT(ValidateDraw(d, "d"), IsEmpty());
}

TEST(ValidateDraw, NamesADrawDateThatIsNotADate) {
  Draw d = ValidDrawTask().draw();
  d.set_draw_date("2026-6-1");
  EXPECT_THAT(Fields(ValidateDraw(d, "d")), ElementsAre("d.draw_date"));
}

TEST(ValidateDraw, NamesEveryFieldThePlatformSets) {
  const std::vector<std::pair<std::string, std::function<void(Draw&)>>> cases = {
      {"d.seed_commitment", [](Draw& d) { d.set_seed_commitment("ab"); }},
      {"d.pool_digest", [](Draw& d) { d.set_pool_digest("ab"); }},
      {"d.officers_digest", [](Draw& d) { d.set_officers_digest("ab"); }},
      {"d.excluded_officers", [](Draw& d) { d.add_excluded_officers("C-1"); }},
      {"d.committed_on", [](Draw& d) { d.set_committed_on("2026-05-20"); }},
      {"d.seed", [](Draw& d) { d.set_seed(kSeed); }},
      {"d.drawn_objects", [](Draw& d) { d.add_drawn_objects(kCompany); }},
      {"d.drawn_officers", [](Draw& d) { d.add_drawn_officers("C-1"); }},
      {"d.revealed", [](Draw& d) { d.set_revealed(true); }},
  };
  for (const auto& [field, set] : cases) {
    Draw d = ValidDrawTask().draw();
    set(d);
    const auto v = ValidateDraw(d, "d");
    EXPECT_THAT(Fields(v), ElementsAre(field));
    EXPECT_EQ(DescriptionOf(v, field), "must be empty: the platform sets it");
  }
}

TEST(ValidateTask, NamesTheDrawsFieldsUnderDraw) {
  Task t = ValidDrawTask();
  t.mutable_draw()->set_objects(0);
  EXPECT_THAT(Fields(ValidateTask(t, "tasks[0]", kRegistered, true)), ElementsAre("tasks[0].draw.objects"));
}

// ---------------------------------------------------------------- results

TEST(ValidateResult, AcceptsAResultWithAndWithoutAProblem) {
  EXPECT_THAT(ValidateResult(ValidResult(), "results[0]", kToday), IsEmpty());
  EXPECT_THAT(ValidateResult(ProblemResult(), "results[0]", kToday), IsEmpty());
  Result r = ValidResult();
  *r.mutable_object() = Person("张三", kPersonId);
  EXPECT_THAT(ValidateResult(r, "results[0]", kToday), IsEmpty());
}

TEST(ValidateResult, NamesKeyFieldsTaskAndObject) {
  Result r = ValidResult();
  r.clear_agency_credit_code();
  r.clear_source_id();
  r.set_source_version(0);
  r.clear_task_source_id();
  r.mutable_object()->clear_name();
  EXPECT_THAT(Fields(ValidateResult(r, "results[0]", kToday)),
              ElementsAre("results[0].agency_credit_code", "results[0].source_id", "results[0].source_version",
                          "results[0].task_source_id", "results[0].object.name"));
}

TEST(ValidateResult, NamesItemsNoneOverFiftyOrRepeated) {
  Result r = ValidResult();
  r.clear_items();
  EXPECT_THAT(Fields(ValidateResult(r, "results[0]", kToday)), ElementsAre("results[0].items"));
  for (int i = 0; i < 51; ++i) r.add_items(std::string("JC-") + std::to_string(i));
  EXPECT_THAT(Fields(ValidateResult(r, "results[0]", kToday)), ElementsAre("results[0].items"));
  r = ValidResult();
  r.add_items("JC-001");
  EXPECT_THAT(Fields(ValidateResult(r, "results[0]", kToday)), ElementsAre("results[0].items[1]"));
}

TEST(ValidateResult, NamesAMissingOutcome) {
  Result r = ValidResult();
  r.set_outcome(v1::OUTCOME_UNSPECIFIED);
  const auto v = ValidateResult(r, "results[0]", kToday);
  EXPECT_THAT(Fields(v), ElementsAre("results[0].outcome"));
  EXPECT_THAT(DescriptionOf(v, "results[0].outcome"), HasSubstr("CLOSED_OR_DEREGISTERED"));
}

TEST(ValidateResult, CheckedOnIsADateNotAfterToday) {
  Result r = ValidResult();
  r.set_checked_on("2026-07-16");
  EXPECT_THAT(Fields(ValidateResult(r, "results[0]", kToday)), ElementsAre("results[0].checked_on"));
  r.set_checked_on("15/06/2026");
  EXPECT_THAT(Fields(ValidateResult(r, "results[0]", kToday)), ElementsAre("results[0].checked_on"));
}

TEST(ValidateResult, AProblemFoundNeedsProblemsRequirementAndDeadline) {
  for (const v1::Outcome outcome : {v1::CORRECTION_ORDERED, v1::FOLLOW_UP_PENDING, v1::CASE_OPENED}) {
    Result r = ProblemResult();
    r.set_outcome(outcome);
    EXPECT_THAT(ValidateResult(r, "results[0]", kToday), IsEmpty());
    r.set_problems(" \n");
    r.clear_rectification_requirement();
    r.clear_rectification_deadline();
    const auto v = ValidateResult(r, "results[0]", kToday);
    EXPECT_THAT(Fields(v), ElementsAre("results[0].problems", "results[0].rectification_requirement",
                                       "results[0].rectification_deadline"));
    EXPECT_THAT(DescriptionOf(v, "results[0].problems"), HasSubstr("required when a problem was found"));
  }
}

TEST(ValidateResult, TheDeadlineIsADateNotBeforeTheCheck) {
  Result r = ProblemResult();
  r.set_rectification_deadline("2026-06-14");
  EXPECT_THAT(Fields(ValidateResult(r, "results[0]", kToday)), ElementsAre("results[0].rectification_deadline"));
  r.set_rectification_deadline("2026-06-15");
  EXPECT_THAT(ValidateResult(r, "results[0]", kToday), IsEmpty());
  r.set_rectification_deadline("soon");
  EXPECT_THAT(Fields(ValidateResult(r, "results[0]", kToday)), ElementsAre("results[0].rectification_deadline"));
}

TEST(ValidateResult, NoProblemFoundTakesNoProblemsRequirementNorDeadline) {
  for (const v1::Outcome outcome : {v1::NO_PROBLEM, v1::NO_RELEVANT_ACTIVITY, v1::UNREACHABLE_AT_ADDRESS,
                                    v1::SERIOUS_NONCOOPERATION, v1::CLOSED_OR_DEREGISTERED}) {
    Result r = ProblemResult();
    r.set_outcome(outcome);
    const auto v = ValidateResult(r, "results[0]", kToday);
    EXPECT_THAT(Fields(v), ElementsAre("results[0].problems", "results[0].rectification_requirement",
                                       "results[0].rectification_deadline"));
    EXPECT_THAT(DescriptionOf(v, "results[0].problems"), HasSubstr(v1::Outcome_Name(outcome)));
  }
}

TEST(ValidateResult, ProblemsAndRequirementAreAtMost5000Bytes) {
  Result r = ProblemResult();
  r.set_problems(std::string(5001, 'a'));
  r.set_rectification_requirement(std::string(5001, 'b'));
  EXPECT_THAT(Fields(ValidateResult(r, "results[0]", kToday)),
              ElementsAre("results[0].problems", "results[0].rectification_requirement"));
  r.set_problems(std::string(5000, 'a'));
  r.set_rectification_requirement(std::string(5000, 'b'));
  EXPECT_THAT(ValidateResult(r, "results[0]", kToday), IsEmpty());
}

TEST(ValidateResult, ProblemsAreAtMost5000BytesAsPublished) {
  Result r = ProblemResult();
  *r.mutable_object() = Person("张三", kPersonId);
  std::string problems;
  for (int i = 0; i < 200; ++i) problems += kPersonId + "，";  // 4,200 bytes; each ID masked to 54 bytes
  ASSERT_LE(problems.size(), 5000u);
  r.set_problems(problems);
  const auto v = ValidateResult(r, "results[0]", kToday);
  EXPECT_THAT(Fields(v), ElementsAre("results[0].problems"));
  EXPECT_THAT(DescriptionOf(v, "results[0].problems"), HasSubstr("as published"));
}

TEST(ValidateResult, SourceIdCarriesNoObjectsIdNumber) {
  Result r = ValidResult();
  *r.mutable_object() = Person("张三", kPersonId);
  r.set_source_id("R-" + kPersonId);
  EXPECT_THAT(Fields(ValidateResult(r, "results[0]", kToday)), ElementsAre("results[0].source_id"));
}

TEST(ProblemFound, IsTrueForTheThreeOutcomesThatFoundOne) {
  EXPECT_TRUE(ProblemFound(v1::CORRECTION_ORDERED));
  EXPECT_TRUE(ProblemFound(v1::FOLLOW_UP_PENDING));
  EXPECT_TRUE(ProblemFound(v1::CASE_OPENED));
  EXPECT_FALSE(ProblemFound(v1::NO_PROBLEM));
  EXPECT_FALSE(ProblemFound(v1::NO_RELEVANT_ACTIVITY));
  EXPECT_FALSE(ProblemFound(v1::UNREACHABLE_AT_ADDRESS));
  EXPECT_FALSE(ProblemFound(v1::SERIOUS_NONCOOPERATION));
  EXPECT_FALSE(ProblemFound(v1::CLOSED_OR_DEREGISTERED));
  EXPECT_FALSE(ProblemFound(v1::OUTCOME_UNSPECIFIED));
}

// ---------------------------------------------------------------- results against their task

TEST(CheckAgainstTask, AcceptsAResultOnOneOfTheTasksObjectsAndItemsInThePeriod) {
  EXPECT_THAT(CheckAgainstTask(ValidResult(), ObjectsOf(ValidTask(), "", kToday), "results[0]"), IsEmpty());
  Result r = ValidResult();
  *r.mutable_object() = Person("张三", kPersonId);
  r.set_checked_on("2026-06-30");
  EXPECT_THAT(CheckAgainstTask(r, ObjectsOf(ValidTask(), "", kToday), "results[0]"), IsEmpty());
  r.set_checked_on("2026-06-01");
  EXPECT_THAT(CheckAgainstTask(r, ObjectsOf(ValidTask(), "", kToday), "results[0]"), IsEmpty());
}

TEST(CheckAgainstTask, AResultFindsItsObjectByAnyOfItsIdentifiers) {
  // A draw's pool of object codes, and a result that also carries the
  // organisation's credit code.
  Task task = ValidTask();
  task.mutable_objects(0)->set_object_code("OBJ-001");
  Result r = ValidResult();
  *r.mutable_object() = Org("太原市某某食品有限公司", kCompany2);
  r.mutable_object()->set_object_code("OBJ-001");
  EXPECT_THAT(CheckAgainstTask(r, ObjectsOf(task, "", kToday), "results[0]"), IsEmpty());
  r.mutable_object()->set_object_code("OBJ-002");
  EXPECT_THAT(Fields(CheckAgainstTask(r, ObjectsOf(task, "", kToday), "results[0]")), ElementsAre("results[0].object"));
}

TEST(CheckAgainstTask, NamesAnObjectNotOfTheTask) {
  Result r = ValidResult();
  *r.mutable_object() = Org("别家公司", kCompany2);
  EXPECT_THAT(Fields(CheckAgainstTask(r, ObjectsOf(ValidTask(), "", kToday), "results[0]")),
              ElementsAre("results[0].object"));
}

TEST(CheckAgainstTask, NamesItemsNotOfTheTask) {
  Result r = ValidResult();
  r.add_items("JC-009");
  EXPECT_THAT(Fields(CheckAgainstTask(r, ObjectsOf(ValidTask(), "", kToday), "results[0]")),
              ElementsAre("results[0].items[1]"));
}

TEST(CheckAgainstTask, NamesACheckOutsideTheCheckPeriod) {
  Result r = ValidResult();
  r.set_checked_on("2026-05-31");
  EXPECT_THAT(Fields(CheckAgainstTask(r, ObjectsOf(ValidTask(), "", kToday), "results[0]")),
              ElementsAre("results[0].checked_on"));
  r.set_checked_on("2026-07-01");
  EXPECT_THAT(Fields(CheckAgainstTask(r, ObjectsOf(ValidTask(), "", kToday), "results[0]")),
              ElementsAre("results[0].checked_on"));
}

// The pool's identifiers the committed draw picks with kSeed, and the one it leaves.
std::vector<std::string> Drawn() {
  const Task t = StoredDrawTask();
  return DrawIds(kSeed, "object", {t.draw().pool().begin(), t.draw().pool().end()}, t.draw().objects());
}

std::string NotDrawn() {
  const auto drawn = Drawn();
  for (const auto& id : {kCompany, kCompany2, kCompany3}) {
    if (std::find(drawn.begin(), drawn.end(), id) == drawn.end()) return id;
  }
  return "";
}

Result ResultOn(const std::string& credit_code) {
  Result r = ValidResult();
  *r.mutable_object() = Org("某某公司", credit_code);
  return r;
}

TEST(CheckAgainstTask, APlatformDrawNamesNoObjectBeforeItsDrawDate) {
  const auto drawn = Drawn();
  ASSERT_EQ(drawn.size(), 2u);
  const auto v =
      CheckAgainstTask(ResultOn(drawn[0]), ObjectsOf(StoredDrawTask(), kSeed, Day("2026-05-31")), "results[0]");
  EXPECT_THAT(Fields(v), ElementsAre("results[0].object"));
  EXPECT_THAT(DescriptionOf(v, "results[0].object"), HasSubstr("2026-06-01"));
}

TEST(CheckAgainstTask, APlatformDrawAcceptsTheObjectsDrawnFromItsDrawDateOn) {
  const auto drawn = Drawn();
  ASSERT_EQ(drawn.size(), 2u);
  for (const auto& id : drawn) {
    EXPECT_THAT(CheckAgainstTask(ResultOn(id), ObjectsOf(StoredDrawTask(), kSeed, Day("2026-06-01")), "results[0]"),
                IsEmpty());
  }
}

TEST(CheckAgainstTask, APlatformDrawRefusesAnObjectOfThePoolNotDrawn) {
  const std::string left = NotDrawn();
  ASSERT_FALSE(left.empty());
  EXPECT_THAT(Fields(CheckAgainstTask(ResultOn(left), ObjectsOf(StoredDrawTask(), kSeed, kToday), "results[0]")),
              ElementsAre("results[0].object"));
}

TEST(CheckAgainstTask, APlatformDrawRevealsNothingWithAnotherSeed) {
  const auto drawn = Drawn();
  EXPECT_THAT(Fields(CheckAgainstTask(ResultOn(drawn[0]), ObjectsOf(StoredDrawTask(), std::string(64, 'f'), kToday),
                                      "results[0]")),
              ElementsAre("results[0].object"));
}

// ---------------------------------------------------------------- what the registry says

TEST(CheckPlanPowers, AnItemNamedMustBeAnInspectionItemOfThePlansAgency) {
  const Plan p = ValidPlan();
  PowersFacts facts;
  EXPECT_THAT(Fields(CheckPlanPowers(p, facts, "plans[0]")), ElementsAre("plans[0].items[0].powers_item_source_id"));
  facts[{kPartner, "JC-001"}] = {registry::v1::INSPECTION, false};
  EXPECT_THAT(Fields(CheckPlanPowers(p, facts, "plans[0]")), ElementsAre("plans[0].items[0].powers_item_source_id"));
  facts[{kAgency, "JC-001"}] = {registry::v1::PENALTY, false};
  EXPECT_THAT(Fields(CheckPlanPowers(p, facts, "plans[0]")), ElementsAre("plans[0].items[0].powers_item_source_id"));
  facts[{kAgency, "JC-001"}] = {registry::v1::INSPECTION, false};
  EXPECT_THAT(CheckPlanPowers(p, facts, "plans[0]"), IsEmpty());
}

TEST(CheckPlanPowers, SkipsItemsThatNameNone) {
  Plan p = ValidPlan();
  p.mutable_items(0)->clear_powers_item_source_id();
  EXPECT_THAT(CheckPlanPowers(p, {}, "plans[0]"), IsEmpty());
}

TEST(CheckTaskItems, EachItemIsOnTheRandomCheckListOfTheLeadOrAJointAgency) {
  Task t = ValidTask();
  t.add_joint_agencies(kPartner);
  PowersFacts facts;
  facts[{kAgency, "JC-001"}] = {registry::v1::INSPECTION, true};
  facts[{kPartner, "JC-002"}] = {registry::v1::INSPECTION, true};
  EXPECT_THAT(CheckTaskItems(t, facts, "tasks[0]"), IsEmpty());
  facts[{kPartner, "JC-002"}] = {registry::v1::INSPECTION, false};
  EXPECT_THAT(Fields(CheckTaskItems(t, facts, "tasks[0]")), ElementsAre("tasks[0].items[1]"));
  facts[{kPartner, "JC-002"}] = {registry::v1::PENALTY, true};
  EXPECT_THAT(Fields(CheckTaskItems(t, facts, "tasks[0]")), ElementsAre("tasks[0].items[1]"));
  facts.erase(std::make_pair(kPartner, std::string("JC-002")));
  facts[{kOtherAgency, "JC-002"}] = {registry::v1::INSPECTION, true};
  const auto v = CheckTaskItems(t, facts, "tasks[0]");
  EXPECT_THAT(Fields(v), ElementsAre("tasks[0].items[1]"));
  EXPECT_THAT(DescriptionOf(v, "tasks[0].items[1]"), HasSubstr("no such powers item"));
}

TEST(CheckTaskOfficers, EachIsKnownOfTheLeadOrAJointAgencyAndValidOverThePeriod) {
  Task t = ValidTask();
  t.add_joint_agencies(kPartner);
  t.add_officers("140100-0003");
  t.add_officers("140100-0004");
  t.add_officers("140100-0005");
  CertificateFacts facts;
  facts["140100-0001"] = {true, kAgency, true};
  facts["140100-0002"] = {true, kPartner, true};
  facts["140100-0003"] = {false, "", false};
  facts["140100-0004"] = {true, kOtherAgency, true};
  facts["140100-0005"] = {true, kAgency, false};
  const auto v = CheckTaskOfficers(t, facts, "tasks[0]");
  EXPECT_THAT(Fields(v), ElementsAre("tasks[0].officers[2]", "tasks[0].officers[3]", "tasks[0].officers[4]"));
  EXPECT_THAT(DescriptionOf(v, "tasks[0].officers[3]"), HasSubstr(kOtherAgency));
  EXPECT_THAT(DescriptionOf(v, "tasks[0].officers[4]"), HasSubstr("2026-06-01 to 2026-06-30"));
}

TEST(IneligibleOfficers, ListsTheDrawsOfficersThatMayNotServeInTheOrderSent) {
  Task t = ValidDrawTask();
  t.mutable_draw()->add_officers("C-4");
  CertificateFacts facts;
  facts["C-1"] = {true, kAgency, false};
  facts["C-2"] = {true, kAgency, true};
  facts["C-4"] = {true, kOtherAgency, true};
  EXPECT_THAT(IneligibleOfficers(t, facts), ElementsAre("C-1", "C-3", "C-4"));
}

// ---------------------------------------------------------------- pilot

TEST(ValidatePilotUnit, AcceptsAValidUnit) { EXPECT_THAT(ValidatePilotUnit(ValidUnit(), "units[0]"), IsEmpty()); }

TEST(ValidatePilotUnit, NamesEveryMissingOrMalformedField) {
  PilotUnit u;
  EXPECT_THAT(
      Fields(ValidatePilotUnit(u, "units[0]")),
      ElementsAre("units[0].agency_credit_code", "units[0].source_id", "units[0].source_version", "units[0].year",
                  "units[0].sector", "units[0].channel", "units[0].platform", "units[0].account"));
  u = ValidUnit();
  u.set_platform(std::string(101, 'a'));
  u.set_account(std::string(201, 'a'));
  EXPECT_THAT(Fields(ValidatePilotUnit(u, "units[0]")), ElementsAre("units[0].platform", "units[0].account"));
}

TEST(ParseInstant, ReadsZAndOffsetsAsTheSameUtcInstant) {
  const auto utc = ParseInstant("2026-12-02T06:00:00Z");
  ASSERT_TRUE(utc);
  EXPECT_EQ(ParseInstant("2026-12-02T14:00:00+08:00"), utc);
  EXPECT_EQ(ParseInstant("2026-12-02T00:30:00-05:30"), utc);
  EXPECT_EQ(*utc, std::chrono::sys_days{Day("2026-12-02")} + std::chrono::hours{6});
}

TEST(ParseInstant, ReadsAFraction) {
  const auto whole = ParseInstant("2026-12-02T06:00:00Z");
  ASSERT_TRUE(whole);
  EXPECT_EQ(ParseInstant("2026-12-02T06:00:00.5Z"), *whole + std::chrono::milliseconds{500});
  EXPECT_EQ(ParseInstant("2026-12-02T06:00:00.123456789Z"), *whole + std::chrono::microseconds{123456});
}

TEST(ParseInstant, RefusesAnythingElse) {
  for (const char* text :
       {"", "2026-12-02", "2026-12-02T14:00:00", "2026-12-02 14:00:00+08:00", "2026-12-02t14:00:00Z",
        "2026-12-02T14:00:00z", "2026-12-02T14:00+08:00", "2026-02-30T14:00:00Z", "2026-12-02T24:00:00Z",
        "2026-12-02T14:60:00Z", "2026-12-02T14:00:60Z", "2026-12-02T14:00:00.Z", "2026-12-02T14:00:00.1234567890Z",
        "2026-12-02T14:00:00+0800", "2026-12-02T14:00:00+24:00", "2026-12-02T14:00:00Z ", "2026-12-02T14:00:00+08:00x",
        "２０２６-12-02T14:00:00Z"}) {
    EXPECT_FALSE(ParseInstant(text)) << text;
  }
}

TEST(ValidateBroadcast, AcceptsAValidBroadcastAndAnUpcomingOne) {
  EXPECT_THAT(ValidateBroadcast(ValidBroadcast(), "broadcasts[0]"), IsEmpty());
  Broadcast b = ValidBroadcast();
  b.clear_started_at();
  b.clear_ended_at();
  b.clear_replay_url();
  b.clear_object();
  EXPECT_THAT(ValidateBroadcast(b, "broadcasts[0]"), IsEmpty());
}

TEST(ValidateBroadcast, RefusesASourceIdHoldingItsObjectsIdNumber) {
  Broadcast b = ValidBroadcast();
  *b.mutable_object() = Person("张三", kPersonId);
  b.set_source_id(kPersonId + "-live");
  EXPECT_THAT(Fields(ValidateBroadcast(b, "broadcasts[0]")), ElementsAre("broadcasts[0].source_id"));
}

TEST(ValidateBroadcast, RefusesAnOffsetNoTimeZoneHas) {
  Broadcast b = ValidBroadcast();
  b.set_planned_start("2026-12-02T14:00:00+16:00");
  EXPECT_THAT(Fields(ValidateBroadcast(b, "broadcasts[0]")), ElementsAre("broadcasts[0].planned_start"));
  b.set_planned_start("2026-12-02T14:00:00+14:00");
  EXPECT_THAT(ValidateBroadcast(b, "broadcasts[0]"), IsEmpty());
}

TEST(ValidateBroadcast, NamesKeyFieldsUnitAndTitle) {
  Broadcast b = ValidBroadcast();
  b.clear_agency_credit_code();
  b.clear_source_id();
  b.set_source_version(0);
  b.clear_pilot_unit_source_id();
  b.set_title(std::string(201, 'a'));
  EXPECT_THAT(Fields(ValidateBroadcast(b, "broadcasts[0]")),
              ElementsAre("broadcasts[0].agency_credit_code", "broadcasts[0].source_id", "broadcasts[0].source_version",
                          "broadcasts[0].pilot_unit_source_id", "broadcasts[0].title"));
}

TEST(ValidateBroadcast, NamesInstantsThatAreNotRfc3339) {
  Broadcast b = ValidBroadcast();
  b.clear_planned_start();
  EXPECT_THAT(Fields(ValidateBroadcast(b, "broadcasts[0]")), ElementsAre("broadcasts[0].planned_start"));
  b = ValidBroadcast();
  b.set_planned_start("2026-12-02 14:00");
  b.set_started_at("2026-12-02T14:02:10");
  b.set_ended_at("tomorrow");
  EXPECT_THAT(Fields(ValidateBroadcast(b, "broadcasts[0]")),
              ElementsAre("broadcasts[0].planned_start", "broadcasts[0].started_at", "broadcasts[0].ended_at"));
}

TEST(ValidateBroadcast, AnEndNeedsAStartAndIsNotBeforeItInUtc) {
  Broadcast b = ValidBroadcast();
  b.clear_started_at();
  EXPECT_THAT(Fields(ValidateBroadcast(b, "broadcasts[0]")), ElementsAre("broadcasts[0].ended_at"));
  b = ValidBroadcast();
  b.set_ended_at("2026-12-02T06:02:09Z");  // 14:02:09 in Beijing, a second before the start
  EXPECT_THAT(Fields(ValidateBroadcast(b, "broadcasts[0]")), ElementsAre("broadcasts[0].ended_at"));
  b.set_ended_at("2026-12-02T06:02:10Z");  // the very start
  EXPECT_THAT(ValidateBroadcast(b, "broadcasts[0]"), IsEmpty());
  b.set_ended_at("2026-12-02T07:00:00+01:00");  // 14:00 in Beijing, before the start
  EXPECT_THAT(Fields(ValidateBroadcast(b, "broadcasts[0]")), ElementsAre("broadcasts[0].ended_at"));
}

TEST(ValidateBroadcast, NamesAnInvalidObject) {
  Broadcast b = ValidBroadcast();
  b.mutable_object()->clear_credit_code();
  EXPECT_THAT(Fields(ValidateBroadcast(b, "broadcasts[0]")), ElementsAre("broadcasts[0].object.credit_code"));
}

TEST(ValidateBroadcast, TheLiveUrlIsARequiredHttpsUrl) {
  const std::string field = "broadcasts[0].live_url";
  for (const std::string& url :
       {std::string(""), std::string("http://live.example.cn/1"), std::string("ftp://live.example.cn/1"),
        std::string("https://"), std::string("https:///path"), std::string("https://live.example.cn/a b"),
        std::string("https://live.example.cn/a\tb"), std::string("https://live.example.cn/\x7f"),
        std::string("https://live.example.cn/a\u3000b"), std::string("https://live.example.cn/a\u00a0b"),
        std::string("https://live.example.cn/a\u200bb"), std::string("https://live.\xff.cn/"),
        std::string("https://live.example.cn/") + std::string(1977, 'a')}) {
    Broadcast b = ValidBroadcast();
    b.set_live_url(url);
    EXPECT_THAT(Fields(ValidateBroadcast(b, "broadcasts[0]")), ElementsAre(field)) << url;
  }
}

TEST(ValidateBroadcast, AcceptsAnHttpsUrlOf2000BytesWithAnyCaseSchemeAndUnicodePath) {
  for (const std::string& url :
       {std::string("https://live.example.cn/") + std::string(1976, 'a'), std::string("HTTPS://live.example.cn/1"),
        std::string("https://live.example.cn/直播/1")}) {
    Broadcast b = ValidBroadcast();
    b.set_live_url(url);
    EXPECT_THAT(ValidateBroadcast(b, "broadcasts[0]"), IsEmpty()) << url;
  }
}

TEST(ValidateBroadcast, AReplayUrlIsHttpsAndOnlyOnceEnded) {
  Broadcast b = ValidBroadcast();
  b.set_replay_url("http://live.example.cn/replay/1");
  EXPECT_THAT(Fields(ValidateBroadcast(b, "broadcasts[0]")), ElementsAre("broadcasts[0].replay_url"));
  b = ValidBroadcast();
  b.clear_ended_at();
  EXPECT_THAT(Fields(ValidateBroadcast(b, "broadcasts[0]")), ElementsAre("broadcasts[0].replay_url"));
  b.clear_replay_url();
  EXPECT_THAT(ValidateBroadcast(b, "broadcasts[0]"), IsEmpty());
}

TEST(ValidateBroadcast, TheTitleIsAtMost200BytesAsPublished) {
  Broadcast b = ValidBroadcast();
  *b.mutable_object() = Person("张三", kPersonId);
  std::string title;
  for (int i = 0; i < 9; ++i) title += kPersonId + "，";  // 189 bytes; each ID masked to 54 bytes
  b.set_title(title);
  const auto v = ValidateBroadcast(b, "broadcasts[0]");
  EXPECT_THAT(Fields(v), ElementsAre("broadcasts[0].title"));
  EXPECT_THAT(DescriptionOf(v, "broadcasts[0].title"), HasSubstr("as published"));
}

}  // namespace
}  // namespace gongkai::inspections
