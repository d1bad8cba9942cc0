#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gongkai::common {

// Lower-case hexadecimal of bytes.
std::string HexEncode(std::string_view bytes);

// Lower-case hexadecimal SHA-256 of bytes.
std::string Sha256Hex(std::string_view bytes);

enum class Base64 { kStandard, kUrl };  // "+/" or "-_"
std::string Base64Encode(std::string_view bytes, Base64 alphabet = Base64::kStandard, bool padded = true);
// Either alphabet, padded or not; nullopt for any other character or an
// impossible length.
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace gongkai::common
