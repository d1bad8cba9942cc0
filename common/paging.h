#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace gongkai::common {

// Page tokens are opaque to clients: base64url of the position to resume after.
std::string EncodePageToken(const std::string& position);
// nullopt for a token this platform did not make.
std::optional<std::string> DecodePageToken(const std::string& token);

// The page size to use: fallback when 0, clamped to max.
int PageSize(int32_t requested, int fallback = 50, int max = 500);

}  // namespace gongkai::common
