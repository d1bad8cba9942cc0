#include "common/current_call.h"

namespace gongkai::common {
namespace {

thread_local std::optional<CurrentCall> current_call;

}  // namespace

const CurrentCall* CurrentCallOfThisThread() { return current_call ? &*current_call : nullptr; }

ScopedCurrentCall::ScopedCurrentCall(const CurrentCall& call) : previous_(current_call) { current_call = call; }

ScopedCurrentCall::~ScopedCurrentCall() { current_call = previous_; }

}  // namespace gongkai::common
