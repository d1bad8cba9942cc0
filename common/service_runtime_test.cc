#include "common/service_runtime.h"

#include <gperftools/malloc_extension.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <thread>
#include <vector>

#include "common/call.h"
#include "common/current_call.h"
#include "common/slots.h"

namespace gongkai::common {
namespace {

constexpr char kProperty[] = "tcmalloc.max_total_thread_cache_bytes";
constexpr char kVariable[] = "TCMALLOC_MAX_TOTAL_THREAD_CACHE_BYTES";

std::size_t TcmallocProperty(const char* name) {
  std::size_t bytes = 0;
  EXPECT_TRUE(MallocExtension::instance()->GetNumericProperty(name, &bytes)) << name;
  return bytes;
}

std::size_t ThreadCachesHold() { return TcmallocProperty("tcmalloc.current_total_thread_cache_bytes"); }

// Allocates and frees small blocks, as the batches of a stream do (a thread's
// cache grows as the same sizes come back again and again), so that the
// calling thread's cache holds freed memory; returns how much all threads'
// caches then hold.
std::size_t FillThisThreadsCache() {
  std::vector<std::unique_ptr<char[]>> blocks;
  for (int batch = 0; batch < 200; ++batch) {
    for (int i = 0; i < 10'000; ++i) blocks.push_back(std::make_unique<char[]>(64));
    blocks.clear();
  }
  return ThreadCachesHold();
}

constexpr std::size_t kFilled = 256 * 1024;  // at least, after FillThisThreadsCache
constexpr std::size_t kSlack = 64 * 1024;    // what the test's own bookkeeping may move

std::size_t ThreadCacheBudget() { return TcmallocProperty(kProperty); }

TEST(SizeThreadCaches, GivesTcmallocsThreadCachesTheirBudgetUnlessTheEnvironmentSetsOne) {
  const std::size_t before = ThreadCacheBudget();
  ASSERT_TRUE(MallocExtension::instance()->SetNumericProperty(kProperty, std::size_t{32} << 20));
  ASSERT_EQ(unsetenv(kVariable), 0);
  SizeThreadCaches();
  EXPECT_EQ(ThreadCacheBudget(), kThreadCacheBytes);

  ASSERT_TRUE(MallocExtension::instance()->SetNumericProperty(kProperty, std::size_t{16} << 20));
  ASSERT_EQ(setenv(kVariable, "16777216", 1), 0);
  SizeThreadCaches();
  EXPECT_EQ(ThreadCacheBudget(), std::size_t{16} << 20) << "the operator's setting stands";
  ASSERT_EQ(unsetenv(kVariable), 0);
  MallocExtension::instance()->SetNumericProperty(kProperty, before);
}

TEST(ReleaseThreadCache, GivesWhatTheThreadsCacheHoldsBack) {
  std::thread([] {
    const std::size_t filled = FillThisThreadsCache();
    ReleaseThreadCache();
    const std::size_t after = ThreadCachesHold();
    ASSERT_GT(filled, after);
    EXPECT_GT(filled - after, kFilled) << "held " << filled << " bytes, then " << after;
  }).join();
}

// A client stream's thread gives its cache back when the stream's admission
// ends; any other call's thread keeps it for its next call.
TEST(ReleaseThreadCache, AClientStreamsThreadGivesItsCacheBackWhenTheStreamEnds) {
  Slots streams(1);
  Slots calls(1);
  for (const bool stream : {false, true}) {
    const std::size_t others = ThreadCachesHold();  // the caches of the threads already running
    std::thread([&] {
      CurrentCall call;
      call.calls = &calls;
      call.streams = stream ? &streams : nullptr;
      const ScopedCurrentCall scope(call);
      std::size_t filled = 0;
      {
        Admission admission;
        ASSERT_FALSE(Admit(admission).has_value());
        filled = FillThisThreadsCache();
      }
      const std::size_t after = ThreadCachesHold();
      ASSERT_GT(filled, others + kFilled);
      if (stream) {
        EXPECT_LT(after, others + kSlack) << "a stream's end: held " << filled << " bytes, then " << after;
      } else {
        EXPECT_GT(after, others + kFilled / 2) << "a unary call's end: held " << filled << " bytes, then " << after;
      }
    }).join();
  }
}

}  // namespace
}  // namespace gongkai::common
