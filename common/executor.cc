#include "common/executor.h"

#include <algorithm>
#include <system_error>
#include <utility>

namespace gongkai::common {

Executor::Executor(int max_threads, int max_queued)
    : max_threads_(std::max(max_threads, 1)), max_queued_(std::max(max_queued, 0)) {}

Executor::~Executor() {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    threads.swap(threads_);
  }
  ready_.notify_all();
  for (auto& t : threads) t.join();
}

bool Executor::TrySubmit(std::function<void()> work) {
  std::unique_lock lock(mutex_);
  // Threads not running work (idle, or just started) each take one item;
  // what is queued beyond them waits.
  const std::size_t free = threads_.size() - busy_;
  const std::size_t waiting = queue_.size() > free ? queue_.size() - free : 0;
  const bool can_start = threads_.size() < static_cast<std::size_t>(max_threads_);
  if (!can_start && waiting >= static_cast<std::size_t>(max_queued_)) return false;
  queue_.push_back(std::move(work));
  if (queue_.size() > free && can_start) {
    try {
      threads_.emplace_back([this] { Work(); });
    } catch (const std::system_error&) {
      // No thread to be had from the system: the threads there are take the
      // work in turn; with none, it is not taken.
      if (threads_.empty()) {
        queue_.pop_back();
        return false;
      }
    }
  }
  lock.unlock();
  ready_.notify_one();
  return true;
}

int Executor::Threads() const {
  std::lock_guard lock(mutex_);
  return static_cast<int>(threads_.size());
}

void Executor::Work() {
  std::unique_lock lock(mutex_);
  for (;;) {
    ready_.wait(lock, [this] { return !queue_.empty() || stopping_; });
    if (queue_.empty()) return;  // stopping, and nothing left to run
    std::function<void()> work = std::move(queue_.front());
    queue_.pop_front();
    ++busy_;
    lock.unlock();
    work();
    // The work's captures go here, on this thread, before it waits again.
    work = nullptr;
    lock.lock();
    --busy_;
  }
}

}  // namespace gongkai::common
