#include "services/inspections/public_forms.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "common/testing/dates.h"
#include "services/inspections/draw.h"
#include "services/inspections/test_records.h"

namespace gongkai::inspections {
namespace {

using gongkai::testing::Day;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

const std::string kCompany2 = CreditCode("91140100MA0KABCE2");

// The ID number as published: its first 6 and last 4 characters.
const std::string kMaskedId = kPersonId.substr(0, 6) + "********" + kPersonId.substr(14);

std::string Stars(int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += "＊";
  return s;
}

// A result for the person kPersonId, whose name and ID number its text
// repeats, with the platform's fields set.
Result PersonResult() {
  Result r = ResultOf("TY-JG-2026-002", "TY-CC-2026-001", Person("张三", kPersonId), "2026-06-15");
  r.set_outcome(v1::CORRECTION_ORDERED);
  r.set_problems("经营者张三（身份证号" + kPersonId + "）未取得健康证明。");
  r.set_rectification_requirement("责令张三限期办理健康证明。");
  r.set_rectification_deadline("2026-07-15");
  r.set_city_code("140100");
  r.set_domain("market_regulation");
  r.set_published_on("2026-06-16");
  r.set_change_seq(42);
  return r;
}

// A platform draw of a pool of 3 as stored: committed with kSeed on
// 2026-05-20, officer C-3 excluded.
Task DrawTask() {
  Task t = ValidTask();
  t.set_source_id("TY-CC-2026-002");
  t.clear_objects();
  t.clear_officers();
  *t.mutable_draw() = Commit(DrawOf({kCompany, kCompany2, "OBJ-003"}), kSeed, {"C-3"}, Day("2026-05-20"));
  t.set_pool_size(3);
  return t;
}

// ---------------------------------------------------------------- objects

TEST(PublicObject, MasksANaturalPersonsNameAsSurnameAndMouMou) {
  EXPECT_EQ(PublicObject(Person("张三", kPersonId)).name(), "张某某");
  EXPECT_EQ(PublicObject(Person("欧阳娜娜", "")).name(), "欧阳某某");
}

TEST(PublicObject, KeepsTheFirstSixAndLastFourCharactersOfTheIdNumber) {
  const CheckObject shown = PublicObject(Person("张三", kPersonId));
  EXPECT_EQ(shown.id_number(), kMaskedId);
  EXPECT_EQ(shown.id_number().substr(0, 6), "140101");
  EXPECT_EQ(shown.id_number().size(), 18u);
  EXPECT_EQ(PublicObject(Person("张三", "")).id_number(), "");
}

TEST(PublicObject, MasksWhollyAnIdNumberThatIsNotEighteenCharacters) {
  EXPECT_EQ(PublicObject(Person("张三", "1401011985")).id_number(), "**********");
  EXPECT_EQ(PublicObject(Person("张三", "一二三")).id_number(), "***");
}

TEST(PublicObject, LeavesAnOrganisationWhole) {
  const CheckObject org = Org("张三餐饮有限公司", kCompany);
  const CheckObject shown = PublicObject(org);
  EXPECT_EQ(shown.name(), "张三餐饮有限公司");
  EXPECT_EQ(shown.credit_code(), kCompany);
  EXPECT_EQ(shown.SerializeAsString(), org.SerializeAsString());
}

TEST(PublicObject, MasksAnObjectOfNoKindAsAPerson) {
  CheckObject o = Person("李四", kPersonId);
  o.set_kind(CheckObject::KIND_UNSPECIFIED);
  o.set_credit_code(kCompany);
  const CheckObject shown = PublicObject(o);
  EXPECT_EQ(shown.name(), "李某某");
  EXPECT_EQ(shown.id_number(), kMaskedId);
  EXPECT_EQ(shown.credit_code(), "");
}

TEST(PersonalDataOf, IsAPersonsNameAndIdNumberAndKeepsAnOrganisationsName) {
  const common::PersonalData person = PersonalDataOf(Person("张三", kPersonId));
  EXPECT_THAT(person.persons, ElementsAre("张三"));
  EXPECT_THAT(person.numbers, ElementsAre(kPersonId));
  EXPECT_THAT(person.kept, IsEmpty());
  const common::PersonalData org = PersonalDataOf(Org("张三餐饮有限公司", kCompany));
  EXPECT_THAT(org.persons, IsEmpty());
  EXPECT_THAT(org.numbers, IsEmpty());
  EXPECT_THAT(org.kept, ElementsAre("张三餐饮有限公司"));
}

// ---------------------------------------------------------------- results

TEST(PublicResult, MasksTheObjectAndItsNameAndIdNumberInTheText) {
  const Result shown = PublicResult(PersonResult());
  EXPECT_EQ(shown.object().name(), "张某某");
  EXPECT_EQ(shown.object().id_number(), kMaskedId);
  EXPECT_EQ(shown.problems(), std::string("经营者张某某（身份证号") + Stars(18) + "）未取得健康证明。");
  EXPECT_EQ(shown.rectification_requirement(), "责令张某某限期办理健康证明。");
  EXPECT_THAT(shown.problems(), Not(HasSubstr("张三")));
  EXPECT_THAT(shown.problems(), Not(HasSubstr(kPersonId.substr(6, 8))));
}

TEST(PublicResult, LeavesAnOrganisationAndItsNameInTheTextWhole) {
  Result r = PersonResult();
  *r.mutable_object() = Org("张三餐饮有限公司", kCompany);
  r.set_problems("张三餐饮有限公司后厨未设置防蝇设施。");
  r.set_rectification_requirement("责令张三餐饮有限公司限期整改。");
  const Result shown = PublicResult(r);
  EXPECT_EQ(shown.object().SerializeAsString(), r.object().SerializeAsString());
  EXPECT_EQ(shown.problems(), r.problems());
  EXPECT_EQ(shown.rectification_requirement(), r.rectification_requirement());
}

TEST(PublicResult, LeavesThePlatformFieldsAndTheRestAsTheyAre) {
  const Result r = PersonResult();
  const Result shown = PublicResult(r);
  EXPECT_EQ(shown.city_code(), "140100");
  EXPECT_EQ(shown.domain(), "market_regulation");
  EXPECT_EQ(shown.published_on(), "2026-06-16");
  EXPECT_EQ(shown.change_seq(), 42);
  EXPECT_EQ(shown.source_id(), r.source_id());
  EXPECT_EQ(shown.rectification_deadline(), r.rectification_deadline());
  EXPECT_EQ(shown.checked_on(), r.checked_on());
  EXPECT_THAT(shown.items(), ElementsAre("JC-001"));
}

// ---------------------------------------------------------------- tasks

TEST(PublicTask, MasksItsNaturalPersonObjects) {
  const Task shown = PublicTask(ValidTask(), "", Day("2026-06-15"), true);
  ASSERT_EQ(shown.objects_size(), 2);
  EXPECT_EQ(shown.objects(0).name(), "太原市某某食品有限公司");
  EXPECT_EQ(shown.objects(0).credit_code(), kCompany);
  EXPECT_EQ(shown.objects(1).name(), "张某某");
  EXPECT_EQ(shown.objects(1).id_number(), kMaskedId);
}

TEST(PublicTask, MasksItsNaturalPersonObjectsInItsName) {
  Task task = ValidTask();
  task.set_name("对个体户张三（" + kPersonId + "）的专项抽查");
  const Task shown = PublicTask(task, "", Day("2026-06-15"), false);
  EXPECT_EQ(shown.name().find("张三"), std::string::npos) << shown.name();
  EXPECT_EQ(shown.name().find(kPersonId), std::string::npos) << shown.name();
  EXPECT_NE(shown.name().find("张某某"), std::string::npos) << shown.name();
}

TEST(PublicPlan, MasksWhatTheRulesFindInItsTitleObjectsAndItems) {
  Plan plan;
  plan.set_title("2026年检查计划（联系电话13812345678）");
  plan.add_objects("个体户，住太原市小店区坞城路92号");
  plan.add_objects("食品生产企业");
  plan.add_items()->set_description("检查，联系13812345678");
  const Plan shown = PublicPlan(plan);
  EXPECT_EQ(shown.title().find("13812345678"), std::string::npos) << shown.title();
  EXPECT_EQ(shown.objects(0).find("坞城路92号"), std::string::npos) << shown.objects(0);
  EXPECT_EQ(shown.objects(1), "食品生产企业");
  EXPECT_EQ(shown.items(0).description().find("13812345678"), std::string::npos);
}

TEST(PublicTask, HidesTheSeedAndTheDrawBeforeTheDrawDate) {
  const Task shown = PublicTask(DrawTask(), kSeed, Day("2026-05-31"), true);
  EXPECT_TRUE(shown.draw().seed().empty());
  EXPECT_THAT(shown.draw().drawn_objects(), IsEmpty());
  EXPECT_THAT(shown.draw().drawn_officers(), IsEmpty());
  EXPECT_FALSE(shown.draw().revealed());
  EXPECT_EQ(shown.draw().seed_commitment(), Sha256Hex(kSeed));
  EXPECT_EQ(shown.draw().pool_size(), 3);
}

TEST(PublicTask, RevealsTheSeedAndTheDrawOnTheDrawDate) {
  const Task stored = DrawTask();
  const Task shown = PublicTask(stored, kSeed, Day("2026-06-01"), true);
  EXPECT_EQ(shown.draw().seed(), kSeed);
  EXPECT_TRUE(shown.draw().revealed());
  const std::vector<std::string> pool(stored.draw().pool().begin(), stored.draw().pool().end());
  const auto drawn = DrawIds(kSeed, "object", pool, 2);
  EXPECT_EQ(std::vector<std::string>(shown.draw().drawn_objects().begin(), shown.draw().drawn_objects().end()), drawn);
  EXPECT_EQ(shown.draw().drawn_officers_size(), 2);
  EXPECT_THAT(shown.draw().drawn_officers(), Not(::testing::Contains("C-3")));
}

TEST(PublicTask, ListsCarryNeitherObjectsNorPoolNorDrawnLists) {
  Task stored = DrawTask();
  const Task shown = PublicTask(stored, kSeed, Day("2026-06-01"), false);
  EXPECT_THAT(shown.draw().pool(), IsEmpty());
  EXPECT_THAT(shown.draw().drawn_objects(), IsEmpty());
  EXPECT_THAT(shown.draw().drawn_officers(), IsEmpty());
  EXPECT_EQ(shown.draw().pool_digest(), stored.draw().pool_digest());
  EXPECT_TRUE(shown.draw().revealed());
  EXPECT_EQ(shown.pool_size(), 3);

  Task listed;
  *listed.add_objects() = Person("张三", kPersonId);
  EXPECT_THAT(PublicTask(listed, "", Day("2026-06-01"), false).objects(), IsEmpty());
}

// ---------------------------------------------------------------- broadcasts

TEST(PublicBroadcast, MasksANaturalPersonObjectAndTheirNameInTheTitle) {
  Broadcast b;
  b.set_title("张三烧烤摊检查直播");
  *b.mutable_object() = Person("张三", kPersonId);
  const Broadcast shown = PublicBroadcast(b);
  EXPECT_EQ(shown.object().name(), "张某某");
  EXPECT_EQ(shown.object().id_number(), kMaskedId);
  EXPECT_EQ(shown.title(), "张某某烧烤摊检查直播");
}

TEST(PublicBroadcast, LeavesAnOrganisationWhole) {
  Broadcast b;
  b.set_title("张三餐饮有限公司后厨检查直播");
  *b.mutable_object() = Org("张三餐饮有限公司", kCompany);
  const Broadcast shown = PublicBroadcast(b);
  EXPECT_EQ(shown.SerializeAsString(), b.SerializeAsString());
}

}  // namespace
}  // namespace gongkai::inspections
