// cdc-torture-writer: the workload generator of the torture harness (docs/torture.md).
// Writes transactions to one database of the test environment (CDC_TEST_ENV_FILE) until SIGTERM and
// keeps a ledger of their outcome, one block per transaction, flushed as soon as the outcome is known:
//   T <txid> <C|R> <changes> <ambiguous 0|1>
//   <table> <c|u|d> <id> <v>        one line per change, only for committed transactions
// C = COMMIT returned OK, or it was interrupted (the server died) and the transaction-log row proves it
// committed; R = it failed before COMMIT, or the interrupted COMMIT left no transaction-log row.
#include <signal.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <thread>

#include "tests/support/test_env.h"
#include "workload.h"

namespace {

using Clock = std::chrono::steady_clock;
std::atomic<bool> g_stop{false};
extern "C" void on_stop(int) { g_stop.store(true); }

// One connection to MariaDB or PostgreSQL that is replaced after any error: dropping a connection in
// the middle of a transaction is what rolls the transaction back.
class Session {
 public:
  Session(std::string kind, cdc::test::TestEnv env) : kind_(std::move(kind)), env_(std::move(env)) {}

  void exec(const std::string& sql) {
    if (kind_ == "mysql")
      my_->exec(sql);
    else
      pg_->exec(sql);
  }
  std::string scalar(const std::string& sql) { return kind_ == "mysql" ? my_->scalar(sql) : pg_->scalar(sql); }

  // Connects, retrying while the server is down (the chaos loop restarts it); gives up after 5 minutes.
  void reconnect() {
    my_.reset();
    pg_.reset();
    const auto deadline = Clock::now() + std::chrono::minutes(5);
    for (;;) {
      try {
        if (kind_ == "mysql")
          my_ = std::make_unique<cdc::test::MysqlConn>(env_.mysql());
        else
          pg_ = std::make_unique<cdc::test::PgConn>(env_.pg_conninfo());
        return;
      } catch (const std::exception& e) {
        if (Clock::now() > deadline) throw;
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
      }
    }
  }

 private:
  std::string kind_;
  cdc::test::TestEnv env_;
  std::unique_ptr<cdc::test::MysqlConn> my_;
  std::unique_ptr<cdc::test::PgConn> pg_;
};

struct Outcome {
  bool committed = false;
  bool ambiguous = false;
};

Outcome run_tx(Session& db, const cdc::torture::Tx& tx, const std::vector<std::string>& statements) {
  bool commit_sent = false;
  try {
    db.exec("BEGIN");
    for (const auto& s : statements) db.exec(s);
    commit_sent = true;
    db.exec("COMMIT");
    return {true, false};
  } catch (const std::runtime_error& e) {
    std::cerr << "writer: tx " << tx.txid << (commit_sent ? " COMMIT interrupted: " : " failed: ") << e.what()
              << "\n";
  }
  for (;;) {
    db.reconnect();
    if (!commit_sent) return {false, false};
    // The server died during COMMIT: the transaction-log row, written inside the transaction, settles it.
    try {
      const std::string n = db.scalar("SELECT count(*) FROM tx_log WHERE id = " + std::to_string(tx.txid));
      return {n == "1", true};
    } catch (const std::runtime_error&) {
      // The server went down again before answering: ask the next one.
    }
  }
}

void write_ledger(std::FILE* f, const cdc::torture::Workload& wl, const cdc::torture::Tx& tx, Outcome o) {
  std::fprintf(f, "T %lld %c %zu %d\n", static_cast<long long>(tx.txid), o.committed ? 'C' : 'R', tx.changes.size(),
               o.ambiguous ? 1 : 0);
  if (o.committed)
    for (const auto& c : tx.changes)
      std::fprintf(f, "%s %c %lld %d\n", wl.tables()[static_cast<size_t>(c.table)].c_str(), c.op,
                   static_cast<long long>(c.id), c.v);
  std::fflush(f);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"torture workload: random transactions with a ledger of committed changes"};
  std::string kind, ledger_path;
  int tables = 3, max_tx = 5000;
  double rate = 150;
  uint64_t seed = 1;
  app.add_option("--source", kind, "mysql | postgres")->required()->check(CLI::IsMember({"mysql", "postgres"}));
  app.add_option("--ledger", ledger_path, "ledger file to write")->required();
  app.add_option("--tables", tables, "data tables t1..tN (created by the harness)");
  app.add_option("--max-tx", max_tx, "largest transaction, in rows");
  app.add_option("--rate", rate, "average row changes per second");
  app.add_option("--seed", seed, "random seed");
  CLI11_PARSE(app, argc, argv);

  struct sigaction sa {};
  sa.sa_handler = on_stop;
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);

  auto env = cdc::test::TestEnv::load();
  if (!env.available()) {
    std::cerr << "writer: no test environment: " << env.skip_reason() << "\n";
    return 2;
  }
  std::unique_ptr<std::FILE, decltype(&std::fclose)> ledger(std::fopen(ledger_path.c_str(), "w"), &std::fclose);
  if (!ledger) {
    std::perror(ledger_path.c_str());
    return 2;
  }
  cdc::torture::Workload wl(tables, max_tx, seed);
  Session db(kind, env);
  int failures_in_a_row = 0;
  try {
    db.reconnect();
    const auto start = Clock::now();
    double rows = 0;
    while (!g_stop.load()) {
      auto tx = wl.next();
      const Outcome o = run_tx(db, tx, wl.statements(tx));
      write_ledger(ledger.get(), wl, tx, o);
      if (o.committed) wl.committed(tx);
      // A statement that fails over and over with the server up is a harness bug, not chaos.
      failures_in_a_row = o.committed ? 0 : failures_in_a_row + 1;
      if (failures_in_a_row > 50) throw std::runtime_error("50 transactions in a row failed");
      rows += static_cast<double>(tx.changes.size());
      const auto due = start + std::chrono::duration<double>(rows / rate);
      while (!g_stop.load() && Clock::now() < due) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  } catch (const std::exception& e) {
    std::cerr << "writer: giving up: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
