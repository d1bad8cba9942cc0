#pragma once

#include <optional>
#include <string>

namespace gongkai::common {

// A value, or the reason it could not be produced. C++20 has no std::expected;
// build it with designated initializers: `return {.value = x};` or
// `return {.error = "why"};`.
template <typename T>
struct Checked {
  std::optional<T> value = std::nullopt;
  std::string error = {};  // Empty exactly when `value` is set.

  bool ok() const { return value.has_value(); }
};

}  // namespace gongkai::common
