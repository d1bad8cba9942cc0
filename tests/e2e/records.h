#pragma once

#include <cstdint>
#include <string>

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

}  // namespace gongkai::testing
