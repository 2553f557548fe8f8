// The torture workload, without any database: plans transactions of random size over a few tables
// (inserts with ever-increasing ids, updates that bump a per-row version, deletes), turns them into
// SQL that MariaDB and PostgreSQL both accept, and keeps the committed state the next plan draws from.
//
// Every table has the shape (id BIGINT PRIMARY KEY, v INT, tx BIGINT, pad VARCHAR(24)): `v` counts the
// row's updates and `tx` names the transaction that wrote it, so each change of a key is identified by
// (op, v, tx) and the checker can tell a lost change from a duplicate from a phantom.
// The last table is the transaction log: one row per transaction (id = txid, v = row changes), written
// inside the transaction, so a COMMIT interrupted by a database crash is settled by looking it up.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace cdc::torture {

struct Change {
  int table = 0;  // index into Workload::tables()
  char op = 'c';  // c | u | d
  int64_t id = 0;
  int v = 0;  // the row's version after this change (before it, for a delete)
};

struct Tx {
  int64_t txid = 0;
  std::vector<Change> changes;  // the transaction-log row is the last one
};

class Workload {
 public:
  // `tables` data tables named t1..tN plus "tx_log"; transactions get 1..max_tx data rows.
  Workload(int tables, int max_tx, uint64_t seed);

  const std::vector<std::string>& tables() const { return names_; }
  // Plans the next transaction from the committed state. Ids and txids are never reused, also when
  // the transaction is later rolled back.
  Tx next();
  // Applies a transaction that committed to the state the next plans draw from.
  void committed(const Tx& tx);
  // The statements of a transaction, without BEGIN/COMMIT.
  std::vector<std::string> statements(const Tx& tx);

 private:
  struct Live {
    std::vector<std::pair<int64_t, int>> rows;  // (id, v), for picking uniformly at random
    std::unordered_map<int64_t, size_t> index;  // id -> position in rows
  };
  int tx_size();
  void erase(Live& live, int64_t id);
  std::string pad();

  std::mt19937_64 rng_;
  int max_tx_;
  std::vector<std::string> names_;
  std::vector<Live> live_;  // per data table
  int64_t next_id_ = 1;
  int64_t next_txid_ = 1;
};

}  // namespace cdc::torture
