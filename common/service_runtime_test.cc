#include "common/service_runtime.h"

#include <gperftools/malloc_extension.h>
#include <gtest/gtest.h>

#include <cstdlib>

namespace gongkai::common {
namespace {

constexpr char kProperty[] = "tcmalloc.max_total_thread_cache_bytes";
constexpr char kVariable[] = "TCMALLOC_MAX_TOTAL_THREAD_CACHE_BYTES";

std::size_t ThreadCacheBudget() {
  std::size_t bytes = 0;
  EXPECT_TRUE(MallocExtension::instance()->GetNumericProperty(kProperty, &bytes));
  return bytes;
}

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

}  // namespace
}  // namespace gongkai::common
