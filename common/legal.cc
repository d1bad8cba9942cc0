#include "common/legal.h"

#include <nlohmann/json.hpp>

#include "common/text.h"

namespace gongkai::common {

Violations ValidateLegalBasis(const std::vector<LegalProvision>& provisions, const std::string& path) {
  constexpr std::size_t kMaxLaw = 500;
  Violations out;
  if (provisions.empty()) out.push_back({path, "at least one legal provision is required"});
  for (std::size_t i = 0; i < provisions.size(); ++i) {
    const LegalProvision& p = provisions[i];
    const std::string field = At(path, static_cast<int>(i));
    if (IsAsciiBlank(p.law)) {
      out.push_back({field + ".law", "required"});
    } else if (p.law.size() > kMaxLaw) {
      out.push_back({field + ".law", "at most " + std::to_string(kMaxLaw) + " bytes"});
    }
    if (p.article < 1) out.push_back({field + ".article", "must be 1 or more"});
    if (p.paragraph < 0) out.push_back({field + ".paragraph", "must not be negative (0 = not cited)"});
    // An item with no paragraph is allowed: an article of one paragraph is cited
    // as 第三十二条第（一）项, with no 款.
    if (p.item < 0) out.push_back({field + ".item", "must not be negative (0 = not cited)"});
  }
  return out;
}

std::string FormatProvision(const LegalProvision& p) {
  std::string out = p.law + " 第" + std::to_string(p.article) + "条";
  if (p.paragraph > 0) out += "第" + std::to_string(p.paragraph) + "款";
  if (p.item > 0) out += "第" + std::to_string(p.item) + "项";
  return out;
}

std::string LegalBasisToJson(const std::vector<LegalProvision>& basis) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& p : basis) {
    out.push_back({{"law", p.law}, {"article", p.article}, {"paragraph", p.paragraph}, {"item", p.item}});
  }
  return out.dump();
}

std::vector<LegalProvision> LegalBasisFromJson(const std::string& text) {
  std::vector<LegalProvision> out;
  for (const auto& p : nlohmann::json::parse(text)) {
    out.push_back({p.at("law").get<std::string>(), p.at("article").get<int>(), p.at("paragraph").get<int>(),
                   p.at("item").get<int>()});
  }
  return out;
}

}  // namespace gongkai::common
