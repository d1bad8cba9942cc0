#pragma once

#include <chrono>
#include <optional>

namespace gongkai::common {

class Slots;

// The share of a service's capacity a call draws on: database connections
// (PgPool keeps a separate number for each), so that callers of one lane
// holding all of theirs cannot make a call of the other wait.
enum class Lane {
  // Calls of the public (no identity, or one signed as ROLE_PUBLIC): reads.
  kPublic,
  // Every other call (cities' writes, the province, the desk, and the
  // platform's services calling each other as ROLE_SERVICE, such as the
  // penalties service's registry lookups for a city's write), and work done
  // outside any call (start-up, gauges at scrape time, the readiness probe).
  kCity,
};

// The server call this thread is handling, as the call scope (call_scope.h)
// establishes it on the thread that received the call, and common::Serve
// again on the thread that runs the call's work: what code below the
// method that sees no ServerContext (the database pool) needs to know of it.
struct CurrentCall {
  Lane lane = Lane::kCity;
  // When the caller stops waiting; time_point::max() when it set no deadline.
  std::chrono::system_clock::time_point deadline = std::chrono::system_clock::time_point::max();
  // The bound on the calls of the lane, and for a client-streaming call the
  // bound on such streams (null for other calls): the call's frame
  // (common::Serve, Admit) holds a slot of each while its work runs.
  Slots* calls = nullptr;
  Slots* streams = nullptr;

  bool has_deadline() const { return deadline != std::chrono::system_clock::time_point::max(); }
};

// The call this thread is handling; nullptr outside a call.
const CurrentCall* CurrentCallOfThisThread();

// Makes `call` this thread's current call while it lives; the one before (if
// any) is current again after.
class ScopedCurrentCall {
 public:
  explicit ScopedCurrentCall(const CurrentCall& call);
  ~ScopedCurrentCall();
  ScopedCurrentCall(const ScopedCurrentCall&) = delete;
  ScopedCurrentCall& operator=(const ScopedCurrentCall&) = delete;

 private:
  std::optional<CurrentCall> previous_;
};

}  // namespace gongkai::common
