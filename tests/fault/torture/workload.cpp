#include "workload.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace cdc::torture {
namespace {

constexpr size_t kRowsPerStatement = 500;  // keeps statements far below max_allowed_packet

std::string join_ids(const std::vector<int64_t>& ids, size_t from, size_t to) {
  std::string s;
  for (size_t i = from; i < to; ++i) {
    if (i > from) s += ',';
    s += std::to_string(ids[i]);
  }
  return s;
}

}  // namespace

Workload::Workload(int tables, int max_tx, uint64_t seed) : rng_(seed), max_tx_(max_tx), live_(tables) {
  for (int i = 1; i <= tables; ++i) names_.push_back("t" + std::to_string(i));
  names_.push_back("tx_log");
}

// Skewed towards small transactions (many commit boundaries for the chaos to land between), with the
// occasional one near max_tx: exp(u^2 * ln max) spans 1..max with a median around 8 for max = 5000.
int Workload::tx_size() {
  double u = std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
  int n = static_cast<int>(std::exp(u * u * std::log(static_cast<double>(max_tx_))));
  return std::clamp(n, 1, max_tx_);
}

std::string Workload::pad() {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::uniform_int_distribution<int> len(4, 24), ch(0, sizeof(kAlphabet) - 2);
  std::string s(static_cast<size_t>(len(rng_)), ' ');
  for (char& c : s) c = kAlphabet[ch(rng_)];
  return s;
}

Tx Workload::next() {
  Tx tx;
  tx.txid = next_txid_++;
  const int n = tx_size();
  std::unordered_set<int64_t> touched;  // one change per key and transaction keeps (op, v, tx) unique
  std::uniform_int_distribution<int> pick_table(0, static_cast<int>(live_.size()) - 1);
  std::uniform_int_distribution<int> pick_op(0, 99);
  for (int i = 0; i < n; ++i) {
    const int t = pick_table(rng_);
    const auto& rows = live_[static_cast<size_t>(t)].rows;
    const int roll = pick_op(rng_);
    Change c{t, 'c', 0, 0};
    if (roll >= 55 && !rows.empty()) {
      const auto& [id, v] = rows[std::uniform_int_distribution<size_t>(0, rows.size() - 1)(rng_)];
      if (touched.insert(id).second) c = roll < 85 ? Change{t, 'u', id, v + 1} : Change{t, 'd', id, v};
    }
    if (c.op == 'c') c.id = next_id_++;
    tx.changes.push_back(c);
  }
  tx.changes.push_back(Change{static_cast<int>(live_.size()), 'c', tx.txid, n});
  return tx;
}

void Workload::erase(Live& live, int64_t id) {
  auto it = live.index.find(id);
  const size_t pos = it->second;
  live.index.erase(it);
  if (pos + 1 != live.rows.size()) {
    live.rows[pos] = live.rows.back();
    live.index[live.rows[pos].first] = pos;
  }
  live.rows.pop_back();
}

void Workload::committed(const Tx& tx) {
  for (const Change& c : tx.changes) {
    if (c.table >= static_cast<int>(live_.size())) continue;  // the transaction log is insert-only
    Live& live = live_[static_cast<size_t>(c.table)];
    if (c.op == 'c') {
      live.index[c.id] = live.rows.size();
      live.rows.emplace_back(c.id, c.v);
    } else if (c.op == 'u') {
      live.rows[live.index.at(c.id)].second = c.v;
    } else {
      erase(live, c.id);
    }
  }
}

std::vector<std::string> Workload::statements(const Tx& tx) {
  // Group the changes by (table, op) and run the groups in random order, so transactions mix tables
  // and operations without one statement per row.
  std::map<std::pair<int, char>, std::vector<const Change*>> groups;
  for (const Change& c : tx.changes) groups[{c.table, c.op}].push_back(&c);
  std::vector<std::pair<std::pair<int, char>, std::vector<const Change*>>> order(groups.begin(), groups.end());
  std::shuffle(order.begin(), order.end(), rng_);

  std::vector<std::string> out;
  const std::string tx_str = std::to_string(tx.txid);
  for (const auto& [what, changes] : order) {
    const std::string& table = names_[static_cast<size_t>(what.first)];
    for (size_t from = 0; from < changes.size(); from += kRowsPerStatement) {
      const size_t to = std::min(changes.size(), from + kRowsPerStatement);
      if (what.second == 'c') {
        std::string s = "INSERT INTO " + table + " (id, v, tx, pad) VALUES ";
        for (size_t i = from; i < to; ++i) {
          if (i > from) s += ',';
          s += '(' + std::to_string(changes[i]->id) + ',' + std::to_string(changes[i]->v) + ',' + tx_str + ",'" +
               pad() + "')";
        }
        out.push_back(std::move(s));
        continue;
      }
      std::vector<int64_t> ids;
      for (size_t i = from; i < to; ++i) ids.push_back(changes[i]->id);
      const std::string in = " WHERE id IN (" + join_ids(ids, 0, ids.size()) + ")";
      if (what.second == 'u')
        out.push_back("UPDATE " + table + " SET v = v + 1, tx = " + tx_str + ", pad = '" + pad() + "'" + in);
      else
        out.push_back("DELETE FROM " + table + in);
    }
  }
  return out;
}

}  // namespace cdc::torture
