#pragma once

#include <string>
#include <string_view>

namespace gongkai::common {

// Lower-case hexadecimal of bytes.
std::string HexEncode(std::string_view bytes);

// Lower-case hexadecimal SHA-256 of bytes.
std::string Sha256Hex(std::string_view bytes);

}  // namespace gongkai::common
