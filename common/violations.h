#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace gongkai::common {

// One broken rule of one field: the field's path in the request
// (e.g. "agencies[2].credit_code") and the rule, in words.
struct FieldViolation {
  std::string field;
  std::string description;

  bool operator==(const FieldViolation&) const = default;
};

using Violations = std::vector<FieldViolation>;

// The path of element `index` of a repeated field: "decisions[3]".
std::string At(std::string_view field, int index);

// The number of elements of a repeated field within [min, max], named once
// for the whole list ("at least 1 required (got 0)", "at most 50 (got 51)").
// True when it is: only then are its elements judged one by one, so that a
// hostile list does not make the answer as long as itself.
bool CheckCount(Violations& out, const std::string& field, int size, std::size_t min, std::size_t max);

// Each element of `list` (at `field`[i]) whose key_of(element) repeats an
// earlier one's, named with the first: "repeats items[0]" (`leaf` "items").
template <typename List, typename KeyOf>
void CheckRepeats(Violations& out, const std::string& field, std::string_view leaf, const List& list, KeyOf key_of) {
  std::unordered_map<std::string, int> first;
  int i = 0;
  for (const auto& element : list) {
    const auto [seen, inserted] = first.emplace(key_of(element), i);
    if (!inserted) out.push_back({At(field, i), std::string("repeats ") + At(leaf, seen->second)});
    ++i;
  }
}

}  // namespace gongkai::common
