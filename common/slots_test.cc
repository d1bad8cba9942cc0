#include "common/slots.h"

#include <gtest/gtest.h>

#include <utility>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace gongkai::common {
namespace {

TEST(Slots, AKeyTakesUpToTheLimitAndOtherKeysTheirOwn) {
  Slots slots(2);
  auto a = slots.TryTake("city-140100");
  auto b = slots.TryTake("city-140100");
  EXPECT_TRUE(a);
  EXPECT_TRUE(b);
  EXPECT_FALSE(slots.TryTake("city-140100")) << "the third of one key is refused";
  EXPECT_EQ(slots.Held("city-140100"), 2);
  auto c = slots.TryTake("city-140200");
  EXPECT_TRUE(c) << "another key has slots of its own";
  EXPECT_EQ(slots.Held("city-140200"), 1);
}

TEST(Slots, ASlotIsGivenBackWhenItGoesAndOnlyOnce) {
  Slots slots(1);
  {
    auto a = slots.TryTake();
    ASSERT_TRUE(a);
    EXPECT_FALSE(slots.TryTake());
    Slots::Slot moved = std::move(a);
    EXPECT_TRUE(moved);
    EXPECT_EQ(slots.Held(), 1) << "a move keeps the one slot";
  }
  EXPECT_EQ(slots.Held(), 0);
  auto again = slots.TryTake();
  EXPECT_TRUE(again);
  again = Slots::Slot();
  EXPECT_EQ(slots.Held(), 0) << "assigning over a held slot gives it back";
}

TEST(Slots, RefusalNamesTheLimitAndCarriesRetryInfo) {
  grpc::Status status = SlotsExhaustedStatus("streams", 8, "for this caller");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_NE(status.error_message().find("too many streams: at most 8 at once for this caller"), std::string::npos)
      << status.error_message();
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(status.error_details()));
  ASSERT_EQ(details.details_size(), 1);
  google::rpc::RetryInfo retry;
  ASSERT_TRUE(details.details(0).UnpackTo(&retry));
  EXPECT_EQ(retry.retry_delay().seconds() * 1000 + retry.retry_delay().nanos() / 1000000, kSlotRetryDelay.count());
}

}  // namespace
}  // namespace gongkai::common
