// Kafka confirms partitions independently, so delivery reports arrive out of order. The watermark
// must only ever expose a position whose whole prefix of messages is delivered.
#include <gtest/gtest.h>

#include <string>

#include "sink/watermark.h"

namespace cdc {
namespace {

TEST(WatermarkOutOfOrder, NothingIsAckableBeforeTheFirstCommit) {
  Watermark<int> wm;
  EXPECT_FALSE(wm.ackable().has_value());
  uint64_t s = wm.next_seq();
  wm.delivered(s);
  EXPECT_FALSE(wm.ackable().has_value()) << "a delivered message of an uncommitted transaction is no position";
}

TEST(WatermarkOutOfOrder, LaterTransactionDeliveredFirstIsNotAckable) {
  Watermark<int> wm;
  uint64_t a1 = wm.next_seq(), a2 = wm.next_seq();
  wm.commit(1);
  uint64_t b1 = wm.next_seq();
  wm.commit(2);

  wm.delivered(b1);  // transaction 2 complete, transaction 1 not
  EXPECT_FALSE(wm.ackable().has_value());
  wm.delivered(a2);
  EXPECT_FALSE(wm.ackable().has_value());
  wm.delivered(a1);  // now the whole prefix is there: the newest commit, not the first
  EXPECT_EQ(wm.ackable(), 2);
  EXPECT_EQ(wm.pending(), 0u);
}

TEST(WatermarkOutOfOrder, StopsAtTheFirstGap) {
  Watermark<int> wm;
  uint64_t seqs[6];
  for (int t = 0; t < 3; ++t) {
    seqs[2 * t] = wm.next_seq();
    seqs[2 * t + 1] = wm.next_seq();
    wm.commit(t + 1);
  }
  wm.delivered(seqs[0]);
  wm.delivered(seqs[1]);
  wm.delivered(seqs[3]);
  wm.delivered(seqs[4]);
  wm.delivered(seqs[5]);
  EXPECT_EQ(wm.ackable(), 1) << "seq " << seqs[2] << " is missing: transactions 2 and 3 must wait";
  EXPECT_EQ(wm.pending(), 1u);
  EXPECT_EQ(wm.delivered_prefix(), seqs[2]);
  wm.delivered(seqs[2]);
  EXPECT_EQ(wm.ackable(), 3);
}

TEST(WatermarkOutOfOrder, EmptyTransactionsWaitForEarlierMessages) {
  Watermark<int> wm;
  uint64_t s = wm.next_seq();
  wm.commit(1);
  wm.commit(2);  // a transaction on an uncaptured table: no message
  wm.commit(3);  // a heartbeat
  EXPECT_FALSE(wm.ackable().has_value());
  wm.delivered(s);
  EXPECT_EQ(wm.ackable(), 3);
}

TEST(WatermarkOutOfOrder, EmptyTransactionWithNothingInFlightIsAckableAtOnce) {
  Watermark<int> wm;
  wm.commit(7);
  EXPECT_EQ(wm.ackable(), 7);
  uint64_t s = wm.next_seq();
  wm.delivered(s);
  EXPECT_EQ(wm.ackable(), 7) << "the delivered message's transaction is not committed yet";
  wm.commit(8);
  EXPECT_EQ(wm.ackable(), 8);
}

TEST(WatermarkOutOfOrder, CommitCoversOnlySeqsIssuedBeforeIt) {
  Watermark<int> wm;
  uint64_t a = wm.next_seq();
  wm.commit(1);
  uint64_t b = wm.next_seq();  // next transaction, still open
  wm.delivered(a);
  EXPECT_EQ(wm.ackable(), 1);
  wm.delivered(b);
  EXPECT_EQ(wm.ackable(), 1) << "b's transaction has no commit yet";
}

TEST(WatermarkOutOfOrder, DuplicateDeliveryReportChangesNothing) {
  Watermark<int> wm;
  uint64_t a = wm.next_seq(), b = wm.next_seq();
  wm.commit(1);
  wm.delivered(a);
  wm.delivered(a);
  EXPECT_FALSE(wm.ackable().has_value());
  EXPECT_EQ(wm.pending(), 1u);
  wm.delivered(b);
  EXPECT_EQ(wm.ackable(), 1);
}

TEST(WatermarkOutOfOrder, KeepsPositionsThatAreNotNumbers) {
  Watermark<std::string> wm;
  uint64_t a = wm.next_seq();
  wm.commit("mysql-bin.000003:4711");
  wm.delivered(a);
  EXPECT_EQ(wm.ackable(), std::string("mysql-bin.000003:4711"));
}

TEST(WatermarkOutOfOrder, ReportForAnUnissuedSeqIsAnInternalError) {
  Watermark<int> wm;
  wm.next_seq();
  try {
    wm.delivered(5);
    FAIL() << "expected cdc::Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::internal);
    EXPECT_NE(std::string(e.what()).find("never issued"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace cdc
