// Property test: over thousands of random histories (random transaction sizes, empty transactions,
// out-of-order delivery, permanent failures and later retries) the watermark always reports exactly
// what a deliberately naive model computes from scratch: the newest commit whose every prior seq is
// delivered. Never an older one, never a newer one.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <random>
#include <set>
#include <vector>

#include "sink/watermark.h"

namespace cdc {
namespace {

// The obviously-correct and slow version: rescans everything every time.
struct ReferenceModel {
  std::vector<bool> delivered;                     // by seq
  std::vector<std::pair<uint64_t, int>> commits;   // (seqs issued before the commit, position)
  std::set<uint64_t> failed;

  std::optional<int> ackable() const {
    uint64_t prefix = 0;
    while (prefix < delivered.size() && delivered[prefix]) ++prefix;
    std::optional<int> result;
    for (const auto& [issued, pos] : commits)
      if (issued <= prefix) result = pos;
    return result;
  }
  uint64_t pending() const { return std::count(delivered.begin(), delivered.end(), false); }
};

struct Outstanding {  // seqs awaiting a report, picked at random
  std::vector<uint64_t> seqs;
  uint64_t take(std::mt19937_64& rng) {
    size_t i = std::uniform_int_distribution<size_t>(0, seqs.size() - 1)(rng);
    uint64_t s = seqs[i];
    seqs[i] = seqs.back();
    seqs.pop_back();
    return s;
  }
};

void check(const Watermark<int>& wm, const ReferenceModel& model, uint64_t seed, int step) {
  ASSERT_EQ(wm.ackable(), model.ackable()) << "seed " << seed << " step " << step;
  ASSERT_EQ(wm.pending(), model.pending()) << "seed " << seed << " step " << step;
  ASSERT_EQ(wm.has_failure(), !model.failed.empty()) << "seed " << seed << " step " << step;
  if (!model.failed.empty()) {
    ASSERT_EQ(wm.first_failure()->seq, *model.failed.begin()) << "seed " << seed;
  }
}

void run_history(uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto chance = [&](double p) { return std::bernoulli_distribution(p)(rng); };
  // Each history gets its own mix, so some are delivery-starved (long gaps) and some eager.
  const double p_deliver = std::uniform_real_distribution<double>(0.2, 0.8)(rng);
  const double p_fail = chance(0.5) ? 0.0 : std::uniform_real_distribution<double>(0.0, 0.1)(rng);
  const int max_tx = std::uniform_int_distribution<int>(1, 12)(rng);
  const int steps = std::uniform_int_distribution<int>(20, 160)(rng);

  Watermark<int> wm;
  ReferenceModel model;
  Outstanding in_flight, failed;
  int next_pos = 0;
  int tx_left = -1;  // messages still to produce in the open transaction; -1 = none open

  for (int step = 0; step < steps; ++step) {
    if (tx_left < 0) {
      // 1 in 5 transactions produces no message (filtered table, heartbeat).
      tx_left = chance(0.2) ? 0 : std::uniform_int_distribution<int>(1, max_tx)(rng);
    } else if (tx_left > 0 && !chance(p_deliver)) {
      uint64_t s = wm.next_seq();
      ASSERT_EQ(s, model.delivered.size()) << "seqs must be contiguous";
      model.delivered.push_back(false);
      in_flight.seqs.push_back(s);
      --tx_left;
    } else if (tx_left == 0) {
      wm.commit(next_pos);
      model.commits.emplace_back(model.delivered.size(), next_pos);
      ++next_pos;
      tx_left = -1;
    } else if (!in_flight.seqs.empty()) {
      uint64_t s = in_flight.take(rng);
      if (chance(p_fail)) {
        wm.failed(s, "injected failure of seq " + std::to_string(s));
        model.failed.insert(s);
        failed.seqs.push_back(s);
      } else {
        wm.delivered(s);
        model.delivered[s] = true;
      }
    }
    if (!failed.seqs.empty() && chance(0.05)) {  // a retry of a failed message gets through
      uint64_t s = failed.take(rng);
      wm.delivered(s);
      model.delivered[s] = true;
      model.failed.erase(s);
    }
    check(wm, model, seed, step);
    if (::testing::Test::HasFatalFailure()) return;
  }

  // Drain: close the open transaction, deliver everything, retry every failure.
  if (tx_left >= 0) {
    while (tx_left-- > 0) {
      model.delivered.push_back(false);
      in_flight.seqs.push_back(wm.next_seq());
    }
    wm.commit(next_pos);
    model.commits.emplace_back(model.delivered.size(), next_pos);
    ++next_pos;
  }
  for (auto* set : {&in_flight, &failed})
    while (!set->seqs.empty()) {
      uint64_t s = set->take(rng);
      wm.delivered(s);
      model.delivered[s] = true;
      model.failed.erase(s);
      check(wm, model, seed, -1);
      if (::testing::Test::HasFatalFailure()) return;
    }
  ASSERT_EQ(wm.pending(), 0u);
  if (next_pos > 0) {
    ASSERT_EQ(wm.ackable(), next_pos - 1) << "seed " << seed;
  }
}

TEST(WatermarkMatchesReferenceModel, RandomHistories) {
  for (uint64_t seed = 1; seed <= 5000; ++seed) {
    run_history(seed);
    if (HasFatalFailure()) return;
  }
}

// A long history keeps many transactions in flight at once, exercising the commit queue deeply.
TEST(WatermarkMatchesReferenceModel, LongHistoryWithDeepBacklog) {
  std::mt19937_64 rng(42);
  Watermark<int> wm;
  ReferenceModel model;
  Outstanding in_flight;
  for (int pos = 0; pos < 3000; ++pos) {
    int n = std::uniform_int_distribution<int>(0, 4)(rng);
    for (int i = 0; i < n; ++i) {
      in_flight.seqs.push_back(wm.next_seq());
      model.delivered.push_back(false);
    }
    wm.commit(pos);
    model.commits.emplace_back(model.delivered.size(), pos);
    if (pos % 3 == 0 && in_flight.seqs.size() > 50) {
      uint64_t s = in_flight.take(rng);
      wm.delivered(s);
      model.delivered[s] = true;
    }
    if (pos % 100 == 0) {
      check(wm, model, 42, pos);
      if (HasFatalFailure()) return;
    }
  }
  while (!in_flight.seqs.empty()) {
    uint64_t s = in_flight.take(rng);
    wm.delivered(s);
    model.delivered[s] = true;
    if (in_flight.seqs.size() % 97 == 0) {
      check(wm, model, 42, -1);
      if (HasFatalFailure()) return;
    }
  }
  EXPECT_EQ(wm.ackable(), 2999);
}

}  // namespace
}  // namespace cdc
