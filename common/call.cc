#include "common/call.h"

#include "common/current_call.h"
#include "common/service_runtime.h"

namespace gongkai::common {

std::string RequestIdOf(const grpc::ServerContextBase& context) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find(kRequestIdHeader);
  if (it == metadata.end()) return {};
  // Bounded and printable: it ends up in every log line of the call.
  std::string id(it->second.data(), std::min<std::size_t>(it->second.size(), 64));
  for (char& c : id) {
    if (c < 0x21 || c > 0x7e) c = '_';
  }
  return id;
}

Admission::~Admission() {
  if (stream) ReleaseThreadCache();
}

std::optional<grpc::Status> Admit(Admission& admission) {
  const CurrentCall* call = CurrentCallOfThisThread();
  if (call == nullptr) return std::nullopt;
  if (call->streams != nullptr) {
    admission.stream = call->streams->TryTake();
    if (!admission.stream) {
      Log(LogLevel::kWarning, "call_refused", {{"bound", "streams"}, {"limit", call->streams->limit()}});
      return SlotsExhaustedStatus("streams", call->streams->limit(), "in this service");
    }
  }
  if (call->calls != nullptr) {
    admission.call = call->calls->TryTake();
    if (!admission.call) {
      const std::string what = call->lane == Lane::kPublic ? "calls of the public" : "calls other than the public's";
      Log(LogLevel::kWarning, "call_refused", {{"bound", what}, {"limit", call->calls->limit()}});
      return SlotsExhaustedStatus(what, call->calls->limit(), "in this service");
    }
  }
  return std::nullopt;
}

}  // namespace gongkai::common
