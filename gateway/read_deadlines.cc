#include "gateway/read_deadlines.h"

namespace gongkai::gateway {

ReadDeadlines::ReadDeadlines(std::chrono::milliseconds resolution)
    : resolution_(resolution), thread_([this] { Run(); }) {}

ReadDeadlines::~ReadDeadlines() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stop_requested_.notify_all();
  thread_.join();
}

void ReadDeadlines::Add(TimePoint by, AwaitsRead* call) {
  std::lock_guard lock(mutex_);
  calls_.emplace(by, call);
}

bool ReadDeadlines::Remove(TimePoint by, AwaitsRead* call) {
  std::lock_guard lock(mutex_);
  return calls_.erase({by, call}) > 0;
}

void ReadDeadlines::Sweep(TimePoint now) {
  std::lock_guard lock(mutex_);
  while (!calls_.empty() && calls_.begin()->first <= now) {
    AwaitsRead* call = calls_.begin()->second;
    calls_.erase(calls_.begin());
    call->ReadTimedOut();
  }
}

std::size_t ReadDeadlines::size() const {
  std::lock_guard lock(mutex_);
  return calls_.size();
}

void ReadDeadlines::Run() {
  // Woken by the steady clock, judged by the system clock the deadlines are
  // given in (a gRPC deadline is an instant).
  while (true) {
    {
      std::unique_lock lock(mutex_);
      if (stop_requested_.wait_for(lock, resolution_, [this] { return stopping_; })) return;
    }
    Sweep(std::chrono::system_clock::now());
  }
}

}  // namespace gongkai::gateway
