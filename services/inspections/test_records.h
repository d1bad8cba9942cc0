#pragma once

// The records the inspections tests build and then vary: an agency, a
// company and a person of Taiyuan (140100), a draw's seed, check objects, a
// valid task, a platform draw and a result.

#include <string>
#include <vector>

#include "common/identifiers.h"
#include "gongkai/inspections/v1/inspections.pb.h"

namespace gongkai::inspections {

// `first17` completed with its check character: a valid unified social
// credit code (GB 32100) and a valid citizen ID number (GB 11643).
inline std::string CreditCode(const std::string& first17) {
  return first17 + common::CreditCodeCheckCharacter(first17);
}
inline std::string CitizenId(const std::string& first17) { return first17 + common::CitizenIdCheckCharacter(first17); }

inline const std::string kAgency = CreditCode("11140100MB0000101");
inline const std::string kCompany = CreditCode("91140100MA0KABCD1");
inline const std::string kPersonId = CitizenId("14010119850315123");
// A platform draw's seed: 32 bytes in lowercase hexadecimal.
inline const std::string kSeed = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

inline v1::CheckObject Org(const std::string& name, const std::string& code) {
  v1::CheckObject o;
  o.set_kind(v1::CheckObject::ORGANIZATION);
  o.set_name(name);
  o.set_credit_code(code);
  return o;
}

inline v1::CheckObject Person(const std::string& name, const std::string& id) {
  v1::CheckObject o;
  o.set_kind(v1::CheckObject::NATURAL_PERSON);
  o.set_name(name);
  o.set_id_number(id);
  return o;
}

// A valid task of kAgency (TY-CC-2026-001): items JC-001 and JC-002 of
// market regulation, kCompany and the person kPersonId drawn from a pool of
// 100, two officers, checked from 2026-06-01 to 2026-06-30.
inline v1::Task ValidTask() {
  v1::Task t;
  t.set_agency_credit_code(kAgency);
  t.set_source_id("TY-CC-2026-001");
  t.set_source_version(1);
  t.set_name("2026年食品生产企业双随机抽查");
  t.add_items("JC-001");
  t.add_items("JC-002");
  t.set_domain("market_regulation");
  t.set_pool_size(100);
  *t.add_objects() = Org("太原市某某食品有限公司", kCompany);
  *t.add_objects() = Person("张三", kPersonId);
  t.add_officers("140100-0001");
  t.add_officers("140100-0002");
  t.set_check_from("2026-06-01");
  t.set_check_to("2026-06-30");
  return t;
}

// A platform draw as a city sends it: 2 of `pool` and 2 of the officers C-1,
// C-2 and C-3, drawn on 2026-06-01.
inline v1::Draw DrawOf(const std::vector<std::string>& pool) {
  v1::Draw d;
  for (const auto& id : pool) d.add_pool(id);
  d.set_objects(2);
  for (const char* officer : {"C-1", "C-2", "C-3"}) d.add_officers(officer);
  d.set_officers_drawn(2);
  d.set_draw_date("2026-06-01");
  return d;
}

// A result of kAgency for `object` of task `task`: item JC-001, no problem.
inline v1::Result ResultOf(const std::string& source_id, const std::string& task, const v1::CheckObject& object,
                           const std::string& checked_on) {
  v1::Result r;
  r.set_agency_credit_code(kAgency);
  r.set_source_id(source_id);
  r.set_source_version(1);
  r.set_task_source_id(task);
  *r.mutable_object() = object;
  r.add_items("JC-001");
  r.set_outcome(v1::NO_PROBLEM);
  r.set_checked_on(checked_on);
  return r;
}

}  // namespace gongkai::inspections
