// A permanently failed message pins the watermark: no position after it may ever be acknowledged
// unless that very message (same seq) is delivered after all.
#include <gtest/gtest.h>

#include <string>

#include "sink/watermark.h"

namespace cdc {
namespace {

TEST(WatermarkFailure, FailedMessageBlocksEveryLaterCommit) {
  Watermark<int> wm;
  uint64_t a = wm.next_seq();
  wm.commit(1);
  uint64_t b = wm.next_seq();
  wm.commit(2);
  uint64_t c = wm.next_seq();
  wm.commit(3);
  wm.delivered(a);
  wm.failed(b, "topic t partition 0: Broker: Message size too large");
  wm.delivered(c);
  EXPECT_EQ(wm.ackable(), 1);
  ASSERT_TRUE(wm.has_failure());
  const auto* f = wm.first_failure();
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->seq, b);
  EXPECT_EQ(f->error, "topic t partition 0: Broker: Message size too large");
  EXPECT_EQ(wm.pending(), 1u) << "only b is undelivered, but c still waits behind it";
}

TEST(WatermarkFailure, RetriedMessageDeliveredLaterUnblocks) {
  Watermark<int> wm;
  uint64_t a = wm.next_seq();
  uint64_t b = wm.next_seq();
  wm.commit(1);
  wm.failed(a, "timed out");
  wm.delivered(b);
  EXPECT_FALSE(wm.ackable().has_value());
  wm.delivered(a);  // re-produced under the same seq, and this time it got through
  EXPECT_FALSE(wm.has_failure());
  EXPECT_EQ(wm.first_failure(), nullptr);
  EXPECT_EQ(wm.ackable(), 1);
}

TEST(WatermarkFailure, FirstFailureIsTheLowestOutstandingSeq) {
  Watermark<int> wm;
  uint64_t a = wm.next_seq(), b = wm.next_seq(), c = wm.next_seq();
  wm.commit(1);
  wm.failed(c, "error c");
  wm.failed(a, "error a");
  EXPECT_EQ(wm.first_failure()->seq, a);
  wm.delivered(a);
  EXPECT_EQ(wm.first_failure()->seq, c);
  EXPECT_EQ(wm.first_failure()->error, "error c");
  wm.delivered(b);
  wm.delivered(c);
  EXPECT_FALSE(wm.has_failure());
  EXPECT_EQ(wm.ackable(), 1);
}

TEST(WatermarkFailure, FailingTwiceKeepsTheNewestError) {
  Watermark<int> wm;
  uint64_t a = wm.next_seq();
  wm.failed(a, "first");
  wm.failed(a, "second");
  EXPECT_EQ(wm.first_failure()->error, "second");
}

TEST(WatermarkFailure, FailureAfterDeliveryIsAnInternalError) {
  Watermark<int> wm;
  uint64_t a = wm.next_seq();
  uint64_t b = wm.next_seq();
  wm.delivered(a);
  wm.delivered(b);
  EXPECT_THROW(wm.failed(a, "late"), Error);
  EXPECT_FALSE(wm.has_failure());
}

}  // namespace
}  // namespace cdc
