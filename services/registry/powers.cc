#include "services/registry/powers.h"

#include "common/fields.h"
#include "common/text.h"
#include "services/registry/bounds.h"

namespace gongkai::registry {
namespace {

using common::Presence;

// Characters (code points) of UTF-8 text; a byte that starts none counts as one.
std::size_t CharacterCount(std::string_view text) {
  std::size_t count = 0;
  for (std::size_t pos = 0; pos < text.size(); ++count) {
    char32_t cp = 0;
    const std::size_t length = common::DecodeUtf8(text, pos, cp);
    pos += length == 0 ? 1 : length;
  }
  return count;
}

}  // namespace

common::Violations ValidatePowersItem(const PowersItem& item, const std::string& path, common::Date today) {
  common::Violations out;
  common::CheckText(out, path + ".agency_credit_code", item.agency_credit_code, kCreditCodeText, Presence::kRequired);
  common::CheckText(out, path + ".source_id", item.source_id, kSourceIdText, Presence::kRequired);
  common::CheckText(out, path + ".name", item.name, kLineText, Presence::kRequired);
  int category = static_cast<int>(item.category);
  if (category < 1 || category > 5) {
    out.push_back({path + ".category", "must be LICENSING, PENALTY, COERCION, INSPECTION or OTHER"});
  }
  CheckProvisions(out, path + ".legal_basis", item.legal_basis);
  common::CheckText(out, path + ".responsibilities", item.responsibilities, kDutiesText, Presence::kRequired);
  common::CheckText(out, path + ".accountability", item.accountability, kDutiesText, Presence::kRequired);
  common::CheckPastDate(out, path + ".changed_on", item.changed_on, today);
  if (item.source_version <= 0) out.push_back({path + ".source_version", "must be a positive version number"});
  if (item.random_check && item.category != PowerCategory::kInspection) {
    out.push_back({path + ".random_check", "only an item of category INSPECTION may be on the random-check list"});
  }
  return out;
}

common::Violations ValidatePowersFilter(int category, std::string_view keyword, std::string_view agency_credit_code) {
  common::Violations out;
  if (category < 0 || category > 5) out.push_back({"category", "unknown category"});
  if (keyword.size() > kMaxKeywordBytes) {
    out.push_back({"keyword", "at most " + std::to_string(kMaxKeywordBytes) + " bytes"});
    return out;
  }
  common::CheckTextContent(out, "keyword", keyword, false);
  if (!keyword.empty() && agency_credit_code.empty() && CharacterCount(keyword) < kMinIndexedKeyword) {
    out.push_back({"keyword", "at least " + std::to_string(kMinIndexedKeyword) +
                                  " characters, or fewer with agency_credit_code: a shorter keyword cannot use "
                                  "the search index"});
  }
  return out;
}

common::Violations ValidatePowersQuery(std::size_t agencies, std::size_t source_ids) {
  common::Violations out;
  if (agencies == 0) {
    out.push_back({"agency_credit_codes", "at least one agency"});
  } else {
    CheckListSize(out, "agency_credit_codes", agencies, kMaxPowersQueryAgencies, "agencies");
  }
  if (source_ids == 0) {
    out.push_back({"source_ids", "at least one source id"});
  } else {
    CheckListSize(out, "source_ids", source_ids, kMaxPowersQuerySourceIds, "source ids");
  }
  return out;
}

}  // namespace gongkai::registry
