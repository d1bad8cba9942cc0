#pragma once

#include <string>
#include <vector>

#include "common/violations.h"

namespace gongkai::common {

// A provision of law down to article, paragraph and item
// (法律名称 + 第X条第X款第X项); 0 means "not cited at that depth".
struct LegalProvision {
  std::string law;
  int article = 0;
  int paragraph = 0;
  int item = 0;

  bool operator==(const LegalProvision&) const = default;
};

// Every rule a list of legal provisions breaks: at least one provision; each
// names its law and an article >= 1, with paragraph and item >= 0. `path` is
// the list's own field path (e.g. "benchmarks[0].legal_basis").
Violations ValidateLegalBasis(const std::vector<LegalProvision>& provisions, const std::string& path);

// "中华人民共和国食品安全法第一百二十四条第一款第一项" style, with Arabic numerals:
// "中华人民共和国食品安全法 第124条第1款第1项".
std::string FormatProvision(const LegalProvision& provision);

// As stored: a JSON array of {"law","article","paragraph","item"}.
std::string LegalBasisToJson(const std::vector<LegalProvision>& basis);
std::vector<LegalProvision> LegalBasisFromJson(const std::string& json);

}  // namespace gongkai::common
