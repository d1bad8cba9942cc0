#include "common/domains.h"

#include <algorithm>

namespace gongkai::common {

const std::vector<std::string>& EnforcementDomains() {
  static const std::vector<std::string> kDomains = {
      "market_regulation",     // 市场监管
      "ecology_environment",   // 生态环境
      "transport",             // 交通运输
      "urban_management",      // 城市管理
      "agriculture",           // 农业农村
      "culture_tourism",       // 文化市场
      "emergency_management",  // 应急管理
      "health",                // 卫生健康
      "natural_resources",     // 自然资源
      "housing_construction",  // 住房城乡建设
      "water",                 // 水利
      "public_security",       // 公安
      "education",             // 教育
      "other",
  };
  return kDomains;
}

bool IsKnownDomain(std::string_view domain) {
  const auto& all = EnforcementDomains();
  return std::find(all.begin(), all.end(), domain) != all.end();
}

bool IsKeyDomain(std::string_view domain) {
  const auto& all = EnforcementDomains();
  auto it = std::find(all.begin(), all.end(), domain);
  return it != all.end() && it - all.begin() < 5;
}

}  // namespace gongkai::common
