#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace gongkai::common {

// The enforcement domains the platform knows, by code. The first five are the
// plan's key domains (重点领域: 市场监管, 生态环境, 交通运输, 城市管理, 农业农村).
const std::vector<std::string>& EnforcementDomains();
bool IsKnownDomain(std::string_view domain);
bool IsKeyDomain(std::string_view domain);

}  // namespace gongkai::common
