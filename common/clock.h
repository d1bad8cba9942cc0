#pragma once

#include <chrono>

namespace gongkai::common {

// The calendar date in Asia/Shanghai (UTC+8, no daylight saving) of an
// instant: every deadline in the platform is counted in these dates.
inline std::chrono::sys_days ShanghaiDate(std::chrono::system_clock::time_point t) {
  return std::chrono::floor<std::chrono::days>(t + std::chrono::hours(8));
}

inline std::chrono::sys_days TodayInShanghai() { return ShanghaiDate(std::chrono::system_clock::now()); }

}  // namespace gongkai::common
