#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gongkai/inspections/v1/inspections.pb.h"
#include "gongkai/penalties/v1/penalties.pb.h"
#include "gongkai/registry/v1/registry.pb.h"

namespace gongkai::testing {

// Valid records that end-to-end tests send and then vary.

// An agency seated in `area` whose credit code was issued in `region`
// (characters 3-8 of the code, GB 32100), with serial number `serial`.
registry::v1::Agency MakeAgency(const std::string& region, const std::string& area, int serial, int64_t version = 1);

// A decision of `agency` on a company, decided on `date` (YYYY-MM-DD): a
// warning and a fine under the food-safety law, with its remedies.
penalties::v1::PenaltyDecision CompanyDecision(const std::string& agency, const std::string& source_id,
                                               const std::string& date);

// The same decision on natural person 张三丰, with ID number `id_number`, an
// address and a phone, which its facts repeat.
penalties::v1::PenaltyDecision PersonDecision(const std::string& agency, const std::string& source_id,
                                              const std::string& date, const std::string& id_number);

// A powers-list item of `agency` of category INSPECTION (行政检查), on the
// agency's random-check list (随机抽查事项清单) when `random_check`, changed
// on 2026-01-05.
registry::v1::PowersItem InspectionItem(const std::string& agency, const std::string& source_id, bool random_check);

// An active officer of `agency` whose certificate `number` is valid from
// `valid_from` to `valid_until` (YYYY-MM-DD).
registry::v1::Officer CertifiedOfficer(const std::string& number, const std::string& agency,
                                       const std::string& valid_from, const std::string& valid_until);

// An annual inspection plan of `agency` for `year`, approved on
// `approved_on`: two kinds of object and one item, random checks in March,
// June and September, carrying out powers item `powers_item` (none when
// empty).
inspections::v1::Plan InspectionPlan(const std::string& agency, const std::string& source_id, int year,
                                     const std::string& approved_on, const std::string& powers_item);

// An organisation to inspect, by name and credit code.
inspections::v1::CheckObject Organisation(const std::string& name, const std::string& credit_code);
// A natural person to inspect, by name and citizen ID number.
inspections::v1::CheckObject NaturalPerson(const std::string& name, const std::string& id_number);

// A spot-check task of `agency` in market regulation, checking `items` on
// `objects` by `officers` (certificate numbers) from `check_from` to
// `check_to`, drawn from a pool of 100.
inspections::v1::Task SpotCheckTask(const std::string& agency, const std::string& source_id,
                                    const std::vector<std::string>& items,
                                    const std::vector<inspections::v1::CheckObject>& objects,
                                    const std::vector<std::string>& officers, const std::string& check_from,
                                    const std::string& check_to);

// The result of checking `object` for task `task_source_id` of `agency` on
// `checked_on`: `items` checked, no problem found.
inspections::v1::Result SpotCheckResult(const std::string& agency, const std::string& source_id,
                                        const std::string& task_source_id, const inspections::v1::CheckObject& object,
                                        const std::vector<std::string>& items, const std::string& checked_on);

}  // namespace gongkai::testing
