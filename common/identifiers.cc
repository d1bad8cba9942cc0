#include "common/identifiers.h"

#include <algorithm>
#include <array>

namespace gongkai::common {
namespace {

constexpr std::string_view kCreditCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY";
constexpr std::array<int, 17> kCreditWeights = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
constexpr std::array<int, 17> kIdWeights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
constexpr std::string_view kIdCheck = "10X98765432";

bool AllDigits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool IsProvincePrefix(int p) {
  return (p >= 11 && p <= 15) || (p >= 21 && p <= 23) || (p >= 31 && p <= 37) || (p >= 41 && p <= 46) ||
         (p >= 50 && p <= 54) || (p >= 61 && p <= 65) || p == 71 || p == 81 || p == 82;
}

bool ValidDate(int y, int m, int d) {
  if (y < 1900 || m < 1 || m > 12 || d < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  int max = kDays[m - 1] + (m == 2 && leap ? 1 : 0);
  return d <= max;
}

int ToInt(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

}  // namespace

char CreditCodeCheckCharacter(std::string_view first17) {
  int sum = 0;
  for (std::size_t i = 0; i < 17; ++i) {
    sum += static_cast<int>(kCreditCharset.find(first17[i])) * kCreditWeights[i];
  }
  int check = (31 - sum % 31) % 31;
  return kCreditCharset[check];
}

IdentifierProblem CheckCreditCode(std::string_view code) {
  if (code.size() != 18) return "must be 18 characters (GB 32100), got " + std::to_string(code.size());
  for (char c : code) {
    if (kCreditCharset.find(c) == std::string_view::npos) {
      return std::string("character '") + c + "' is not allowed (GB 32100: 0-9 and A-Y without I, O, Z, S, V)";
    }
  }
  if (CheckAreaCode(code.substr(2, 6))) return "characters 3-8 must be an area code (GB/T 2260)";
  if (CreditCodeCheckCharacter(code) != code[17]) return "check character does not match (GB 32100)";
  return std::nullopt;
}

char CitizenIdCheckCharacter(std::string_view first17) {
  int sum = 0;
  for (std::size_t i = 0; i < 17; ++i) sum += (first17[i] - '0') * kIdWeights[i];
  return kIdCheck[sum % 11];
}

IdentifierProblem CheckCitizenId(std::string_view id) {
  if (id.size() != 18) return "must be 18 characters (GB 11643)";
  if (!AllDigits(id.substr(0, 17))) return "first 17 characters must be digits (GB 11643)";
  if (!(AllDigits(id.substr(17)) || id[17] == 'X')) return "last character must be a digit or X (GB 11643)";
  if (!ValidDate(ToInt(id.substr(6, 4)), ToInt(id.substr(10, 2)), ToInt(id.substr(12, 2)))) {
    return "digits 7-14 must be a valid birth date (GB 11643)";
  }
  if (CitizenIdCheckCharacter(id) != id[17]) return "check character does not match (GB 11643)";
  return std::nullopt;
}

IdentifierProblem CheckAreaCode(std::string_view code) {
  if (code.size() != 6 || !AllDigits(code)) return "must be 6 digits (GB/T 2260)";
  if (!IsProvincePrefix(ToInt(code.substr(0, 2)))) return "first two digits are not a province (GB/T 2260)";
  return std::nullopt;
}

std::string CityOfArea(std::string_view area_code) {
  if (area_code.size() < 4) return std::string(area_code);
  return std::string(area_code.substr(0, 4)) + "00";
}

bool IsCityCode(std::string_view code) {
  return !CheckAreaCode(code) && code.substr(4) == "00" && code.substr(2) != "0000";
}

}  // namespace gongkai::common
