// Hands the rows of an initial snapshot to an EventSink with Debezium's source.snapshot markers
// (RelationalSnapshotChangeEventSource.setSnapshotMarker, Debezium 2.x+):
//   the last row of the snapshot "last", the first row "first", the last row of every other table
//   "last_in_data_collection", its first row "first_in_data_collection", every other row "true".
// Whether a row is the last of its table, or of the snapshot, is only known when the next row, the next
// table or the end arrives, so one filled event is held back. Unlike Debezium, which decides "last" by
// the table's place in the list, the held row makes the marker exact when the last tables are empty.
// Header-only and source-neutral: used by the MySQL and the PostgreSQL snapshot readers.
#pragma once
#include <cstdint>

#include "event/change_event.h"
#include "event/source.h"

namespace cdc::event {

class SnapshotEmitter {
 public:
  explicit SnapshotEmitter(EventSink& out) : out_(out) {}

  // The event to fill for the next row. It is reused: its rows keep their buffers.
  ChangeEvent& slot() { return ev_[cur_]; }

  // Rows pushed from now on belong to a new table.
  void begin_table() { table_rows_ = 0; }
  // The filled slot() is a complete row: the row held before it goes to the sink.
  void push() {
    if (held_) emit(false);
    held_ = true;
    held_first_ = rows_ == 0;
    held_first_in_table_ = table_rows_ == 0;
    held_last_in_table_ = false;
    ++rows_;
    ++table_rows_;
    cur_ ^= 1;
  }
  // The current table has no more rows.
  void end_table() {
    if (held_ && table_rows_ > 0) held_last_in_table_ = true;
  }
  // The snapshot has no more rows: the held one goes out as "last".
  void finish() {
    if (held_) emit(true);
  }
  uint64_t rows() const { return rows_; }

 private:
  void emit(bool last) {
    ChangeEvent& ev = ev_[cur_ ^ 1];
    SnapshotMarker m = SnapshotMarker::true_;
    if (last)
      m = SnapshotMarker::last;
    else if (held_first_)
      m = SnapshotMarker::first;
    else if (held_last_in_table_)
      m = SnapshotMarker::last_in_data_collection;
    else if (held_first_in_table_)
      m = SnapshotMarker::first_in_data_collection;
    ev.source.snapshot = m;
    held_ = false;
    out_.change(ev);
  }

  EventSink& out_;
  ChangeEvent ev_[2];
  int cur_ = 0;
  bool held_ = false;
  bool held_first_ = false, held_first_in_table_ = false, held_last_in_table_ = false;
  uint64_t rows_ = 0;        // pushed so far, all tables
  uint64_t table_rows_ = 0;  // pushed so far in the current table
};

}  // namespace cdc::event
