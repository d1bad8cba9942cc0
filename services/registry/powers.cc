#include "services/registry/powers.h"

#include "common/fields.h"
#include "common/text.h"

namespace gongkai::registry {
namespace {

constexpr std::size_t kMaxKeyword = 100;

void RequireText(common::Violations& out, const std::string& field, const std::string& value, std::size_t max) {
  if (common::IsAsciiBlank(value)) {
    out.push_back({field, "required"});
  } else if (value.size() > max) {
    out.push_back({field, "at most " + std::to_string(max) + " bytes"});
  }
}

}  // namespace

common::Violations ValidatePowersItem(const PowersItem& item, const std::string& path, common::Date today) {
  common::Violations out;
  RequireText(out, path + ".agency_credit_code", item.agency_credit_code, 18);
  RequireText(out, path + ".source_id", item.source_id, 64);
  RequireText(out, path + ".name", item.name, 500);
  int category = static_cast<int>(item.category);
  if (category < 1 || category > 5) {
    out.push_back({path + ".category", "must be LICENSING, PENALTY, COERCION, INSPECTION or OTHER"});
  }
  auto basis = common::ValidateLegalBasis(item.legal_basis, path + ".legal_basis");
  out.insert(out.end(), basis.begin(), basis.end());
  RequireText(out, path + ".responsibilities", item.responsibilities, 10000);
  RequireText(out, path + ".accountability", item.accountability, 10000);
  common::CheckPastDate(out, path + ".changed_on", item.changed_on, today);
  if (item.source_version <= 0) out.push_back({path + ".source_version", "must be a positive version number"});
  return out;
}

common::Violations ValidatePowersFilter(int category, std::string_view keyword) {
  common::Violations out;
  if (category < 0 || category > 5) out.push_back({"category", "unknown category"});
  if (keyword.size() > kMaxKeyword) out.push_back({"keyword", "at most 100 bytes"});
  return out;
}

}  // namespace gongkai::registry
