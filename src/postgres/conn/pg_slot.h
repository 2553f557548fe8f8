// The replication slot the PostgreSQL source streams from (CONTRACT.md "PostgreSQL slot and publication").
// A slot is created only when missing: a lost or foreign slot stops the agent with the fix, it is never
// dropped or recreated behind the operator's back; one held by another process is waited for, boundedly.
#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "postgres/conn/pg_connection.h"
#include "postgres/conn/pg_replication.h"

namespace cdc::pg {

struct SlotState {
  std::string name;
  std::string plugin;
  std::string slot_type;  // logical | physical
  std::string database;
  bool temporary = false;
  bool active = false;
  int active_pid = 0;
  std::string wal_status;  // reserved | extended | unreserved | lost (PostgreSQL 13+; empty before)
  bool conflicting = false;  // invalidated by a conflict (PostgreSQL 16+)
  std::string invalidation_reason;  // PostgreSQL 17+
  Lsn restart_lsn = 0;
  Lsn confirmed_flush_lsn = 0;
};

std::optional<SlotState> query_slot(PgConnection& c, const std::string& slot);
std::optional<Lsn> confirmed_flush_lsn(PgConnection& c, const std::string& slot);

// Throws cdc::Error for a slot the agent cannot stream from: source_unusable when it was invalidated
// (wal_status lost, conflicting), config when it belongs to another plugin, type or database.
// Returns warnings (wal_status unreserved: about to be lost).
std::vector<std::string> validate_slot(const SlotState& s, const std::string& dbname);

// How long a slot held by another process is waited for before giving up with exit 69.
struct BusyRetry {
  std::chrono::milliseconds limit{60'000};
  std::chrono::milliseconds first_delay{500};
  std::chrono::milliseconds max_delay{5'000};
};

struct SlotReady {
  bool created = false;
  Lsn start_lsn = 0;  // consistent_point of a new slot, confirmed_flush_lsn of an existing one
  std::string snapshot_name;  // when created with export_snapshot
  std::vector<std::string> warnings;
};

// Validates the existing slot (waiting per `busy` while another process holds it) or creates it on
// `repl`. Throws PgSlotBusy (exit 69) once the wait runs out.
SlotReady ensure_slot(PgConnection& sql, PgReplicationConnection& repl, const std::string& slot,
                      const BusyRetry& busy = {}, bool export_snapshot = false);

// START_REPLICATION, retried per `busy` while another process holds the slot.
void start_streaming(PgReplicationConnection& repl, const StartOptions& opts, const BusyRetry& busy = {});

}  // namespace cdc::pg
