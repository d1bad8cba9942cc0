#include "tests/e2e/records.h"

#include "tests/e2e/platform.h"

namespace gongkai::testing {

registry::v1::Agency MakeAgency(const std::string& region, const std::string& area, int serial, int64_t version) {
  registry::v1::Agency a;
  a.set_credit_code(CreditCode(region, serial));
  a.set_name("执法机构" + std::to_string(serial));
  a.set_legal_representative("孙某");
  a.set_area_code(area);
  a.set_contact("0351-2222222");
  a.add_domains("market_regulation");
  a.set_valid_from("2026-01-01");
  a.set_valid_until("2030-12-31");
  a.set_source_version(version);
  return a;
}

penalties::v1::PenaltyDecision CompanyDecision(const std::string& agency, const std::string& source_id,
                                               const std::string& date) {
  penalties::v1::PenaltyDecision d;
  d.set_agency_credit_code(agency);
  d.set_source_id(source_id);
  d.set_source_version(1);
  d.set_decision_number("并市监罚〔2026〕" + source_id + "号");
  d.set_domain("market_regulation");
  auto* party = d.mutable_party();
  party->set_kind(penalties::v1::Party::ORGANIZATION);
  party->set_name("太原市某某食品有限公司");
  party->set_credit_code(CreditCode("140105", 901));
  d.set_facts("当事人销售超过保质期的食品，货值金额1200元。");
  auto* violated = d.add_violated();
  violated->set_law("中华人民共和国食品安全法");
  violated->set_article(34);
  violated->set_paragraph(1);
  violated->set_item(10);
  auto* applied = d.add_applied();
  applied->set_law("中华人民共和国食品安全法");
  applied->set_article(124);
  applied->set_paragraph(1);
  applied->set_item(5);
  d.mutable_result()->set_warning(true);
  d.mutable_result()->set_fine_fen(500000);
  d.mutable_remedy()->set_review_body("太原市人民政府");
  d.mutable_remedy()->set_review_days(60);
  d.mutable_remedy()->set_litigation_court("太原市小店区人民法院");
  d.mutable_remedy()->set_litigation_months(6);
  d.set_decision_date(date);
  d.set_severity(penalties::v1::GENERAL);
  return d;
}

penalties::v1::PenaltyDecision PersonDecision(const std::string& agency, const std::string& source_id,
                                              const std::string& date, const std::string& id_number) {
  penalties::v1::PenaltyDecision d = CompanyDecision(agency, source_id, date);
  auto* party = d.mutable_party();
  party->Clear();
  party->set_kind(penalties::v1::Party::NATURAL_PERSON);
  party->set_name("张三丰");
  party->set_id_number(id_number);
  party->set_address("太原市小店区平阳路100号");
  party->set_phone("13912345678");
  d.set_facts("当事人张三丰（身份证号" + id_number + "，电话13912345678）销售过期食品，货值金额1200元。");
  return d;
}

registry::v1::PowersItem InspectionItem(const std::string& agency, const std::string& source_id, bool random_check) {
  registry::v1::PowersItem item;
  item.set_agency_credit_code(agency);
  item.set_source_id(source_id);
  item.set_source_version(1);
  item.set_name("对食品生产经营者执行食品安全法律法规情况的监督检查（" + source_id + "）");
  item.set_category(registry::v1::INSPECTION);
  auto* basis = item.add_legal_basis();
  basis->set_law("中华人民共和国食品安全法");
  basis->set_article(110);
  item.set_responsibilities("制定检查计划，实施现场检查，记录并公开检查结果");
  item.set_accountability("不履行或不正确履行检查职责的，依法追究责任");
  item.set_changed_on("2026-01-05");
  item.set_random_check(random_check);
  return item;
}

registry::v1::Officer CertifiedOfficer(const std::string& number, const std::string& agency,
                                       const std::string& valid_from, const std::string& valid_until) {
  registry::v1::Officer o;
  o.set_certificate_number(number);
  o.set_agency_credit_code(agency);
  o.set_name("执法员" + number);
  o.set_category("市场监管综合执法");
  o.set_valid_from(valid_from);
  o.set_valid_until(valid_until);
  o.set_status(registry::v1::ACTIVE);
  o.set_source_version(1);
  return o;
}

inspections::v1::Plan InspectionPlan(const std::string& agency, const std::string& source_id, int year,
                                     const std::string& approved_on, const std::string& powers_item) {
  inspections::v1::Plan p;
  p.set_agency_credit_code(agency);
  p.set_source_id(source_id);
  p.set_source_version(1);
  p.set_year(year);
  p.set_title(std::to_string(year) + "年度行政检查计划");
  p.add_objects("食品生产企业");
  p.add_objects("食品销售经营者");
  auto* item = p.add_items();
  item->set_description("食品生产经营者落实食品安全主体责任情况检查");
  item->set_powers_item_source_id(powers_item);
  item->set_method(inspections::v1::RANDOM);
  for (int month : {3, 6, 9}) item->add_months(month);
  p.set_approved_on(approved_on);
  return p;
}

inspections::v1::CheckObject Organisation(const std::string& name, const std::string& credit_code) {
  inspections::v1::CheckObject o;
  o.set_kind(inspections::v1::CheckObject::ORGANIZATION);
  o.set_name(name);
  o.set_credit_code(credit_code);
  return o;
}

inspections::v1::CheckObject NaturalPerson(const std::string& name, const std::string& id_number) {
  inspections::v1::CheckObject o;
  o.set_kind(inspections::v1::CheckObject::NATURAL_PERSON);
  o.set_name(name);
  o.set_id_number(id_number);
  return o;
}

inspections::v1::Task SpotCheckTask(const std::string& agency, const std::string& source_id,
                                    const std::vector<std::string>& items,
                                    const std::vector<inspections::v1::CheckObject>& objects,
                                    const std::vector<std::string>& officers, const std::string& check_from,
                                    const std::string& check_to) {
  inspections::v1::Task t;
  t.set_agency_credit_code(agency);
  t.set_source_id(source_id);
  t.set_source_version(1);
  t.set_name("食品生产经营者双随机抽查（" + source_id + "）");
  for (const auto& item : items) t.add_items(item);
  t.set_domain("market_regulation");
  t.set_pool_size(100);
  for (const auto& object : objects) *t.add_objects() = object;
  for (const auto& officer : officers) t.add_officers(officer);
  t.set_check_from(check_from);
  t.set_check_to(check_to);
  return t;
}

inspections::v1::Result SpotCheckResult(const std::string& agency, const std::string& source_id,
                                        const std::string& task_source_id, const inspections::v1::CheckObject& object,
                                        const std::vector<std::string>& items, const std::string& checked_on) {
  inspections::v1::Result r;
  r.set_agency_credit_code(agency);
  r.set_source_id(source_id);
  r.set_source_version(1);
  r.set_task_source_id(task_source_id);
  *r.mutable_object() = object;
  for (const auto& item : items) r.add_items(item);
  r.set_outcome(inspections::v1::NO_PROBLEM);
  r.set_checked_on(checked_on);
  return r;
}

registry::v1::PowersItem PowersItemOf(const std::string& agency, const std::string& source_id,
                                      registry::v1::PowerCategory category) {
  registry::v1::PowersItem item = InspectionItem(agency, source_id, false);
  item.set_category(category);
  item.set_name(std::string(category == registry::v1::LICENSING ? "食品经营许可（" : "对食品安全违法行为的行政处罚（") +
                source_id + "）");
  return item;
}

supervision::v1::Round ReviewRound(const std::string& organiser, const std::string& source_id, int year, int quarter,
                                   const std::vector<std::string>& reviewing, const std::vector<std::string>& reviewed,
                                   const std::string& started_on, const std::string& ended_on) {
  supervision::v1::Round r;
  r.set_agency_credit_code(organiser);
  r.set_source_id(source_id);
  r.set_source_version(1);
  r.set_year(year);
  r.set_quarter(quarter);
  r.set_title(std::to_string(year) + "年第" + std::to_string(quarter) + "季度行政执法案卷交叉评查");
  r.add_case_types(supervision::v1::PENALTY_CASES);
  r.add_case_types(supervision::v1::LICENSING_CASES);
  for (const auto& unit : reviewing) r.add_reviewing_units(unit);
  for (const auto& unit : reviewed) r.add_reviewed_units(unit);
  r.set_started_on(started_on);
  r.set_ended_on(ended_on);
  return r;
}

supervision::v1::Review UnitReview(const std::string& organiser, const std::string& source_id,
                                   const std::string& round_source_id, const std::string& reviewed_unit,
                                   const std::string& reviewed_by) {
  supervision::v1::Review r;
  r.set_agency_credit_code(organiser);
  r.set_source_id(source_id);
  r.set_source_version(1);
  r.set_round_source_id(round_source_id);
  r.set_reviewed_unit(reviewed_unit);
  r.set_reviewed_by(reviewed_by);
  r.set_files_reviewed(20);
  return r;
}

supervision::v1::ExcellentCase PersonExcellentCase(const std::string& case_number, const std::string& id_number) {
  supervision::v1::ExcellentCase c;
  c.set_case_number(case_number);
  c.set_case_type(supervision::v1::PENALTY_CASES);
  c.set_title("张三丰销售超过保质期食品案");
  auto* party = c.mutable_party();
  party->set_kind(supervision::v1::CaseParty::NATURAL_PERSON);
  party->set_name("张三丰");
  party->set_id_number(id_number);
  c.set_summary(std::string("当事人张三丰（身份证号") + id_number +
                "）销售超过保质期的食品。办案机关全程记录执法过程，证据确实充分，适用法律正确，"
                "裁量适当，文书制作规范。");
  return c;
}

supervision::v1::ReviewProblem ReviewProblemOf(supervision::v1::ProblemType type, int files) {
  supervision::v1::ReviewProblem p;
  p.set_type(type);
  p.set_description(std::string("抽查案卷中发现的问题：") + supervision::v1::ProblemType_Name(type) + "。");
  p.set_files(files);
  return p;
}

supervision::v1::Supervision SpecialSupervision(const std::string& organiser, const std::string& source_id,
                                                const std::string& started_on, const std::string& ended_on) {
  supervision::v1::Supervision s;
  s.set_agency_credit_code(organiser);
  s.set_source_id(source_id);
  s.set_source_version(1);
  s.set_topic("涉企执法“一刀切”专项整治");
  s.set_deployment(supervision::v1::HIGHER_LEVEL);
  s.set_deployed_by("司法部关于开展涉企行政执法专项行动的通知");
  s.set_scope("全省市场监管、生态环境、交通运输领域行政执法机关的涉企执法行为。");
  s.add_methods("实地检查");
  s.add_methods("案卷抽查");
  s.add_methods("座谈走访");
  s.set_started_on(started_on);
  s.set_ended_on(ended_on);
  return s;
}

supervision::v1::Problem FoundProblem(const std::string& id, const std::string& unit, const std::string& domain,
                                      const std::string& deadline) {
  supervision::v1::Problem p;
  p.set_id(id);
  p.set_unit(unit);
  p.set_domain(domain);
  p.set_description(std::string("对涉企轻微违法行为未依法适用不予处罚清单（问题") + id + "）。");
  p.set_rectification_requirement("对照不予处罚清单逐案复查，建立涉企执法事前审核制度。");
  p.set_rectification_deadline(deadline);
  return p;
}

supervision::v1::NamedCase NamedCaseOf(const std::string& unit, const std::string& problem_id) {
  supervision::v1::NamedCase c;
  c.set_unit(unit);
  c.set_title("对小微企业首次轻微违法“一刀切”罚款案");
  c.set_description("该单位对首次被发现、危害后果轻微并及时改正的小微企业一律处以罚款，未适用不予处罚规定。");
  c.add_handling(supervision::v1::CIRCULATED_CRITICISM);
  c.add_handling(supervision::v1::ACCOUNTABILITY);
  c.set_problem_id(problem_id);
  return c;
}

supervision::v1::AssessmentPlan AssessmentPlanOf(const std::string& organiser, const std::string& source_id, int year,
                                                 const std::string& approved_on,
                                                 const std::vector<std::string>& units) {
  supervision::v1::AssessmentPlan p;
  p.set_agency_credit_code(organiser);
  p.set_source_id(source_id);
  p.set_source_version(1);
  p.set_year(year);
  p.set_title(std::to_string(year) + "年度行政执法工作考核方案");
  auto* system = p.add_indicators();
  system->set_code("SYSTEM");
  system->set_name("执法制度建设");
  system->set_max_score(30);
  auto* quality = p.add_indicators();
  quality->set_code("QUALITY");
  quality->set_name("执法案卷质量");
  quality->set_max_score(70);
  for (const auto& unit : units) p.add_units(unit);
  p.set_approved_on(approved_on);
  return p;
}

supervision::v1::AssessmentResult AssessmentResultOf(const std::string& organiser, const std::string& source_id,
                                                     const std::string& plan_source_id, const std::string& concluded_on,
                                                     const std::vector<std::string>& units) {
  supervision::v1::AssessmentResult r;
  r.set_agency_credit_code(organiser);
  r.set_source_id(source_id);
  r.set_source_version(1);
  r.set_plan_source_id(plan_source_id);
  r.set_concluded_on(concluded_on);
  for (const auto& unit : units) {
    auto* u = r.add_units();
    u->set_unit(unit);
    u->set_score(90);
    u->set_grade(supervision::v1::EXCELLENT);
    auto* system = u->add_indicator_scores();
    system->set_code("SYSTEM");
    system->set_score(28);
    auto* quality = u->add_indicator_scores();
    quality->set_code("QUALITY");
    quality->set_score(62);
  }
  return r;
}

supervision::v1::RectificationReport RectificationReportOf(supervision::v1::Subject subject, const std::string& agency,
                                                           const std::string& source_id, const std::string& problem_id,
                                                           const std::string& done_on) {
  supervision::v1::RectificationReport r;
  r.set_subject(subject);
  r.set_agency_credit_code(agency);
  r.set_source_id(source_id);
  r.set_problem_id(problem_id);
  r.set_source_version(1);
  r.set_done_on(done_on);
  r.set_description("已逐案复查并纠正，修订执法文书范本，组织全员培训。");
  return r;
}

}  // namespace gongkai::testing
