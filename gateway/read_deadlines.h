#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>
#include <utility>

namespace gongkai::gateway {

// What ReadDeadlines tells a call whose request message did not come in time.
class AwaitsRead {
 public:
  virtual ~AwaitsRead() = default;
  // Called once, from the sweeping thread, with the deadlines' lock held:
  // the call's Remove (from its read's completion) waits until this returns,
  // so the call outlives it.
  virtual void ReadTimedOut() = 0;
};

// The unary calls still waiting for their request message, by the time it
// must have come, and one thread that every `resolution` tells those past
// it (ReadTimedOut). It replaces a timer per call: a call costs an insertion
// and a removal in one ordered set.
//
// Lock order: a call takes no lock of its own around Add or Remove;
// ReadTimedOut runs under this table's lock and may take the call's.
class ReadDeadlines {
 public:
  using TimePoint = std::chrono::system_clock::time_point;

  explicit ReadDeadlines(std::chrono::milliseconds resolution = std::chrono::milliseconds(100));
  ~ReadDeadlines();
  ReadDeadlines(const ReadDeadlines&) = delete;
  ReadDeadlines& operator=(const ReadDeadlines&) = delete;

  void Add(TimePoint by, AwaitsRead* call);
  // False when the call was already told (its ReadTimedOut has returned).
  bool Remove(TimePoint by, AwaitsRead* call);
  // Tells every call whose time is before `now`; the thread calls it.
  void Sweep(TimePoint now);

  std::size_t size() const;

 private:
  void Run();

  const std::chrono::milliseconds resolution_;
  mutable std::mutex mutex_;
  std::condition_variable stop_requested_;
  bool stopping_ = false;                              // guarded by mutex_
  std::set<std::pair<TimePoint, AwaitsRead*>> calls_;  // guarded by mutex_
  std::thread thread_;
};

}  // namespace gongkai::gateway
