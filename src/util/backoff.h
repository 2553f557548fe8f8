// Reconnecting after a lost source connection: retry `connect` with exponential backoff (200 ms doubling
// to 10 s) while it throws `Retriable`, for at most `budget`; then stop with exit 75 (temporary), which
// systemd restarts. Errors of any other type (authentication, slot lost, binlog purged) pass through.
#pragma once
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>

#include "util/error.h"

namespace cdc {

constexpr auto kReconnectBudget = std::chrono::minutes(5);

template <class Retriable, class Connect>
void reconnect_with_backoff(const std::string& target, Connect&& connect,
                            std::chrono::minutes budget = kReconnectBudget) {
  const auto deadline = std::chrono::steady_clock::now() + budget;
  auto delay = std::chrono::milliseconds(200);
  for (;;) {
    std::this_thread::sleep_for(delay);
    try {
      connect();
      return;
    } catch (const Retriable& e) {
      if (std::chrono::steady_clock::now() > deadline)
        throw Error(ExitCode::temporary, "could not reconnect to " + target + " for " +
                                             std::to_string(budget.count()) + " minutes: " + e.what());
      spdlog::warn("reconnect failed: {}", e.what());
      delay = std::min(delay * 2, std::chrono::milliseconds(10000));
    }
  }
}

}  // namespace cdc
