#pragma once

#include <string>

#include "gongkai/penalties/v1/penalties.pb.h"

namespace gongkai::penalties {

// A valid decision of `agency` on company `company` (credit codes), decided
// on `date`: a warning and a fine under the food-safety law, with its
// remedies. The adapter tests send it and then vary it.
inline v1::PenaltyDecision CompanyDecisionOf(const std::string& agency, const std::string& company,
                                             const std::string& source_id, const std::string& date) {
  v1::PenaltyDecision d;
  d.set_agency_credit_code(agency);
  d.set_source_id(source_id);
  d.set_source_version(1);
  d.set_decision_number("晋太市监罚〔2026〕" + source_id + "号");
  d.set_domain("market_regulation");
  d.mutable_party()->set_kind(v1::Party::ORGANIZATION);
  d.mutable_party()->set_name("太原市某某食品有限公司");
  d.mutable_party()->set_credit_code(company);
  d.set_facts("当事人销售超过保质期的食品，货值金额3200元。");
  auto* violated = d.add_violated();
  violated->set_law("中华人民共和国食品安全法");
  violated->set_article(34);
  auto* applied = d.add_applied();
  applied->set_law("中华人民共和国食品安全法");
  applied->set_article(124);
  d.mutable_result()->set_warning(true);
  d.mutable_result()->set_fine_fen(5'000'000);
  d.mutable_remedy()->set_review_body("太原市人民政府");
  d.mutable_remedy()->set_review_days(60);
  d.mutable_remedy()->set_litigation_court("太原市迎泽区人民法院");
  d.mutable_remedy()->set_litigation_months(6);
  d.set_decision_date(date);
  d.set_severity(v1::GENERAL);
  return d;
}

}  // namespace gongkai::penalties
