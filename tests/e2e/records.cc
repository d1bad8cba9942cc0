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

}  // namespace gongkai::testing
