#include "common/executor.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace gongkai::common {
namespace {

bool Eventually(const std::function<bool()>& pred) {
  for (int i = 0; i < 500 && !pred(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return pred();
}

// Work that waits until the gate opens, counting itself while it runs.
class Gate {
 public:
  std::function<void()> Work() {
    return [this] {
      ++running;
      std::unique_lock lock(mutex_);
      open_.wait(lock, [this] { return opened_; });
      --running;
      ++done;
    };
  }
  void Open() {
    std::lock_guard lock(mutex_);
    opened_ = true;
    open_.notify_all();
  }

  std::atomic<int> running = 0;
  std::atomic<int> done = 0;

 private:
  std::mutex mutex_;
  std::condition_variable open_;
  bool opened_ = false;
};

TEST(Executor, StartsThreadsAsWorkNeedsThemAndKeepsThem) {
  Gate gate;
  Executor executor(4, 4);
  EXPECT_EQ(executor.Threads(), 0) << "none before any work";
  ASSERT_TRUE(executor.TrySubmit(gate.Work()));
  ASSERT_TRUE(executor.TrySubmit(gate.Work()));
  ASSERT_TRUE(Eventually([&] { return gate.running == 2; }));
  EXPECT_EQ(executor.Threads(), 2);
  gate.Open();
  ASSERT_TRUE(Eventually([&] { return gate.done == 2; }));

  // Idle threads take the next work; none is started for it.
  std::atomic<int> ran = 0;
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(executor.TrySubmit([&] { ++ran; }));
    ASSERT_TRUE(Eventually([&] { return ran == i + 1; }));
  }
  EXPECT_EQ(executor.Threads(), 2);
}

TEST(Executor, PastItsThreadsWorkWaitsInTheQueueAndPastTheQueueIsNotTaken) {
  Gate gate;
  Executor executor(2, 3);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(executor.TrySubmit(gate.Work())) << i;
  ASSERT_TRUE(Eventually([&] { return gate.running == 2; }));
  std::atomic<bool> ran = false;
  EXPECT_FALSE(executor.TrySubmit([&] { ran = true; })) << "2 running, 3 waiting: the queue is full";
  EXPECT_EQ(executor.Threads(), 2);
  gate.Open();
  ASSERT_TRUE(Eventually([&] { return gate.done == 5; })) << "the queued work ran once threads were free";
  EXPECT_FALSE(ran) << "work not taken is not run";
  EXPECT_TRUE(executor.TrySubmit([&] { ran = true; }));
  EXPECT_TRUE(Eventually([&] { return ran.load(); }));
}

TEST(Executor, RunsTheWorkStillWaitingBeforeItGoes) {
  Gate gate;
  std::atomic<int> ran = 0;
  std::thread opener;
  {
    Executor executor(1, 10);
    ASSERT_TRUE(executor.TrySubmit(gate.Work()));
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(executor.TrySubmit([&] { ++ran; }));
    ASSERT_TRUE(Eventually([&] { return gate.running == 1; }));
    EXPECT_EQ(ran, 0);
    opener = std::thread([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      gate.Open();
    });
  }
  opener.join();
  EXPECT_EQ(gate.done, 1);
  EXPECT_EQ(ran, 5);
}

}  // namespace
}  // namespace gongkai::common
