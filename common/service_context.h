#pragma once

#include "common/clock.h"
#include "common/deadlines.h"
#include "common/executor.h"
#include "common/identity.h"

namespace gongkai::common {

// What every service adapter is handed besides its stores: who the caller is
// (the signer checks the gateway's identity), how deadlines count, what day
// it is, and the threads its calls' work runs on (call.h, Serve).
// ServiceRuntime makes it for a process; adapter tests make their own with a
// pinned clock.
struct ServiceContext {
  const IdentitySigner& signer;
  const Deadlines& deadlines;
  const Clock& clock;
  Executor& executor;
};

}  // namespace gongkai::common
