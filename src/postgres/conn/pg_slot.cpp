#include "postgres/conn/pg_slot.h"

#include <spdlog/spdlog.h>

#include <thread>

namespace cdc::pg {
namespace {

using Clock = std::chrono::steady_clock;

Lsn lsn_or_zero(const PgResult& r, int row, int col) {
  if (r.is_null(row, col)) return 0;
  auto lsn = parse_lsn(r.get(row, col));
  if (!lsn) throw Error(ExitCode::internal, "pg_replication_slots returned a malformed LSN '" + r.str(row, col) + "'");
  return *lsn;
}

std::string seconds(std::chrono::milliseconds ms) {
  return fmt::format("{:.1f} s", static_cast<double>(ms.count()) / 1000.0);
}

// Runs `attempt` until it does not throw PgSlotBusy or `busy.limit` has passed, backing off exponentially.
template <class F>
void retry_while_busy(const BusyRetry& busy, const std::string& slot, F&& attempt) {
  auto start = Clock::now();
  auto delay = busy.first_delay;
  for (;;) {
    try {
      attempt();
      return;
    } catch (const PgSlotBusy& e) {
      auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
      if (waited + delay > busy.limit) throw PgSlotBusy(e, seconds(waited));
      spdlog::warn("replication slot {} is in use by pid {}; retrying in {}", slot, e.pid(), seconds(delay));
      std::this_thread::sleep_for(delay);
      delay = std::min(delay * 2, busy.max_delay);
    }
  }
}

std::string where(const PgConnection& c) { return "PostgreSQL " + c.params().describe() + ": "; }

}  // namespace

std::optional<SlotState> query_slot(PgConnection& c, const std::string& slot) {
  int v = c.server_version();
  std::string sql =
      "SELECT slot_name, plugin, slot_type, database, temporary, active, active_pid, restart_lsn, confirmed_flush_lsn";
  sql += v >= 130000 ? ", wal_status" : ", NULL";
  sql += v >= 160000 ? ", conflicting" : ", NULL";
  sql += v >= 170000 ? ", invalidation_reason" : ", NULL";
  sql += " FROM pg_replication_slots WHERE slot_name = $1";
  PgResult r = c.exec_params(sql, {slot}, "reading replication slot " + slot);
  if (r.rows() == 0) return std::nullopt;
  SlotState s;
  s.name = r.str(0, 0);
  s.plugin = r.str(0, 1);
  s.slot_type = r.str(0, 2);
  s.database = r.str(0, 3);
  s.temporary = r.boolean(0, 4);
  s.active = r.boolean(0, 5);
  s.active_pid = r.is_null(0, 6) ? 0 : static_cast<int>(r.int64(0, 6));
  s.restart_lsn = lsn_or_zero(r, 0, 7);
  s.confirmed_flush_lsn = lsn_or_zero(r, 0, 8);
  s.wal_status = r.str(0, 9);
  s.conflicting = r.boolean(0, 10);
  s.invalidation_reason = r.str(0, 11);
  return s;
}

std::optional<Lsn> confirmed_flush_lsn(PgConnection& c, const std::string& slot) {
  auto s = query_slot(c, slot);
  if (!s) return std::nullopt;
  return s->confirmed_flush_lsn;
}

std::vector<std::string> validate_slot(const SlotState& s, const std::string& dbname) {
  std::string name = "replication slot \"" + s.name + "\"";
  std::string other = "; fix: set source.postgres.slot to a name of its own (the agent creates it)";
  if (s.slot_type != "logical") throw Error(ExitCode::config, name + " is a " + s.slot_type + " slot" + other);
  if (s.plugin != "pgoutput") throw Error(ExitCode::config, name + " uses plugin " + s.plugin + ", not pgoutput" + other);
  if (s.database != dbname)
    throw Error(ExitCode::config, name + " belongs to database " + s.database + ", not " + dbname + other);
  std::string why = s.wal_status == "lost" ? "the WAL it needs was removed (wal_status lost)"
                    : !s.invalidation_reason.empty() ? "it was invalidated (" + s.invalidation_reason + ")"
                    : s.conflicting ? "it was invalidated by a conflict with recovery"
                                    : "";
  if (!why.empty())
    throw Error(ExitCode::source_unusable,
                name + " cannot be streamed: " + why + ", so changes after " + format_lsn(s.confirmed_flush_lsn) +
                    " are lost; fix: drop it (SELECT pg_drop_replication_slot('" + s.name + "')) and restart the "
                    "agent with snapshot: initial or when_needed to re-read the tables; raise "
                    "max_slot_wal_keep_size so it does not happen again");
  std::vector<std::string> warnings;
  if (s.wal_status == "unreserved")
    warnings.push_back(name + " is behind max_slot_wal_keep_size (wal_status unreserved) and will be invalidated at "
                              "the next checkpoint unless it catches up");
  return warnings;
}

SlotReady ensure_slot(PgConnection& sql, PgReplicationConnection& repl, const std::string& slot,
                      const BusyRetry& busy, bool export_snapshot) {
  SlotReady ready;
  retry_while_busy(busy, slot, [&] {
    auto st = query_slot(sql, slot);
    if (!st) {
      try {
        CreatedSlot created = repl.create_slot(slot, export_snapshot);
        spdlog::info("created replication slot {} at {}", slot, format_lsn(created.consistent_point));
        ready = {true, created.consistent_point, created.snapshot_name, {}};
        return;
      } catch (const PgError& e) {
        if (e.sqlstate() != "42710") throw;  // anything but "created concurrently"
        st = query_slot(sql, slot);
        if (!st) throw;
      }
    }
    ready.warnings = validate_slot(*st, sql.params().dbname);
    if (st->active && st->active_pid != repl.backend_pid()) throw PgSlotBusy(where(sql), slot, st->active_pid);
    ready.start_lsn = st->confirmed_flush_lsn;
  });
  return ready;
}

void start_streaming(PgReplicationConnection& repl, const StartOptions& opts, const BusyRetry& busy) {
  retry_while_busy(busy, opts.slot, [&] { repl.start_replication(opts); });
}

}  // namespace cdc::pg
