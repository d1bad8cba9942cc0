#include "gateway/read_deadlines.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace gongkai::gateway {
namespace {

using std::chrono::seconds;
using Time = std::chrono::system_clock::time_point;

const Time kNow = Time(seconds(1'800'000'000));

struct Waiting : AwaitsRead {
  std::atomic<int> told{0};
  void ReadTimedOut() override { ++told; }
};

TEST(ReadDeadlines, ACallPastItsTimeIsToldOnceAndTakenOff) {
  ReadDeadlines deadlines(std::chrono::hours(1));  // swept by hand here
  Waiting late, early_enough;
  deadlines.Add(kNow + seconds(1), &late);
  deadlines.Add(kNow + seconds(5), &early_enough);
  deadlines.Sweep(kNow);
  EXPECT_EQ(late.told, 0);
  deadlines.Sweep(kNow + seconds(2));
  EXPECT_EQ(late.told, 1);
  EXPECT_EQ(early_enough.told, 0);
  EXPECT_EQ(deadlines.size(), 1u);
  // Its read completing afterwards finds it already told.
  EXPECT_FALSE(deadlines.Remove(kNow + seconds(1), &late));
  deadlines.Sweep(kNow + seconds(3));
  EXPECT_EQ(late.told, 1);
}

TEST(ReadDeadlines, ACallWhoseReadCameIsNeverTold) {
  ReadDeadlines deadlines(std::chrono::hours(1));
  Waiting read;
  deadlines.Add(kNow + seconds(1), &read);
  EXPECT_TRUE(deadlines.Remove(kNow + seconds(1), &read));
  deadlines.Sweep(kNow + seconds(10));
  EXPECT_EQ(read.told, 0);
  EXPECT_EQ(deadlines.size(), 0u);
}

TEST(ReadDeadlines, CallsWithTheSameTimeAreKeptApart) {
  ReadDeadlines deadlines(std::chrono::hours(1));
  Waiting a, b;
  deadlines.Add(kNow, &a);
  deadlines.Add(kNow, &b);
  EXPECT_TRUE(deadlines.Remove(kNow, &a));
  deadlines.Sweep(kNow);
  EXPECT_EQ(a.told, 0);
  EXPECT_EQ(b.told, 1);
}

TEST(ReadDeadlines, ItsThreadTellsACallWhoseTimeHasPassed) {
  ReadDeadlines deadlines(std::chrono::milliseconds(10));
  Waiting late;
  deadlines.Add(std::chrono::system_clock::now() - seconds(1), &late);
  for (int i = 0; i < 500 && late.told == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(late.told, 1);
}

}  // namespace
}  // namespace gongkai::gateway
