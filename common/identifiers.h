#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gongkai::common {

// Why an identifier is invalid, in words; nullopt when it is valid.
using IdentifierProblem = std::optional<std::string>;

// Unified social credit code (统一社会信用代码), GB 32100-2015: 18 characters
// from 0-9 and A-Y without I, O, Z, S, V; the last is a mod-31 check character.
IdentifierProblem CheckCreditCode(std::string_view code);

// The check character a 17-character credit code prefix needs.
char CreditCodeCheckCharacter(std::string_view first17);

// Citizen ID number (公民身份号码), GB 11643-1999: 17 digits, a valid birth
// date in digits 7-14, and a mod-11 check character (0-9 or X).
IdentifierProblem CheckCitizenId(std::string_view id);
char CitizenIdCheckCharacter(std::string_view first17);

// Administrative division code (区划代码), GB/T 2260 shape: six digits, a real
// province prefix.
IdentifierProblem CheckAreaCode(std::string_view code);

// The prefecture-level city an area code lies in: its first four digits + "00".
std::string CityOfArea(std::string_view area_code);

// True when code is a prefecture-level city code (6 digits ending in "00",
// not a province code ending in "0000").
bool IsCityCode(std::string_view code);

}  // namespace gongkai::common
