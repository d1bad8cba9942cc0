#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace gongkai::common {

// The threads that run a service's calls' work, which blocks (the database,
// other services), apart from gRPC's own threads: a service's methods are
// served with gRPC's callback API, whose threads must not block, and hand
// their work here (call.h, Serve). Threads are started as work needs them, up
// to `max_threads`, and kept; work that finds every one busy waits in a queue
// of at most `max_queued`, and past that is not taken, which the caller
// answers RESOURCE_EXHAUSTED with a RetryInfo. (A service admits calls per
// lane before they come here, CallsPerLane of its GONGKAI_MAX_THREADS, so its
// queue is where admitted calls wait for a thread while one is being
// started.)
class Executor {
 public:
  Executor(int max_threads, int max_queued);
  // Runs the work still waiting, then joins the threads.
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  // Has one of the threads run `work`; false (and `work` dropped, not run)
  // when `max_queued` items of work wait already.
  bool TrySubmit(std::function<void()> work);

  int max_threads() const { return max_threads_; }
  int max_queued() const { return max_queued_; }
  // The threads started so far.
  int Threads() const;

 private:
  void Work();

  const int max_threads_;
  const int max_queued_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> queue_;  // guarded by mutex_
  std::vector<std::thread> threads_;         // guarded by mutex_
  std::size_t busy_ = 0;                     // threads running work; guarded by mutex_
  bool stopping_ = false;                    // guarded by mutex_
};

}  // namespace gongkai::common
