#pragma once

#include <cstdlib>
#include <cstring>

namespace gongkai::testing {

// Whether this process runs under libfaketime (how the suite is checked
// against other years). Its shifted wall clock reaches gRPC's timer thread as
// a condition-variable deadline the kernel reads as far away, so no gRPC
// timer fires then: not a call's read timeout, nor a channel's reconnect
// after its backoff. A test that needs one skips itself.
inline bool UnderFaketime() {
  const char* preload = std::getenv("LD_PRELOAD");
  return std::getenv("FAKETIME") != nullptr || (preload != nullptr && std::strstr(preload, "faketime") != nullptr);
}

}  // namespace gongkai::testing
