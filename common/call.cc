#include "common/call.h"

#include <memory>

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

void RunOnExecutor(const grpc::ServerContextBase& context, Executor& executor, std::function<grpc::Status()> work,
                   std::function<void(grpc::Status)> finish) {
  RequestScope scope(RequestIdOf(context));
  // Shared, so that the work is a std::function; the work holds the only
  // reference, and lets go of it on the thread that ran it.
  auto admission = std::make_shared<Admission>();
  if (auto refusal = Admit(*admission)) return finish(*std::move(refusal));
  std::optional<CurrentCall> call;
  if (const CurrentCall* current = CurrentCallOfThisThread()) call = *current;
  const bool taken =
      executor.TrySubmit([admission = std::move(admission), call, work = std::move(work), finish]() mutable {
        grpc::Status status;
        {
          std::optional<ScopedCurrentCall> scoped;
          if (call) scoped.emplace(*call);
          status = work();
        }
        // The slots go back before the caller hears the answer, so that a
        // caller that calls again at once finds its slot free.
        admission.reset();
        finish(std::move(status));
      });
  if (taken) return;
  Log(LogLevel::kWarning, "call_refused", {{"bound", "calls waiting for a thread"}, {"limit", executor.max_queued()}});
  finish(ResourceExhaustedStatus("too many calls waiting for a thread: at most " +
                                     std::to_string(executor.max_queued()) + " wait at once in this service, all " +
                                     std::to_string(executor.max_threads()) + " of its threads are busy; retry shortly",
                                 kSlotRetryDelay));
}

}  // namespace gongkai::common
