// Shared by the snapshot_* integration tests: an EventSink that renders and keeps every event the way
// the agent would publish it, JSON helpers to pull one part out of a rendered envelope, and the
// process's peak resident memory.
#pragma once
#include <gtest/gtest.h>
#include <simdjson.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "event/envelope.h"
#include "event/source.h"

namespace cdc::test::snapshot {

inline event::EnvelopeOptions envelope_options() {
  event::EnvelopeOptions o;
  o.prefix = "snap";
  o.schemas = true;
  return o;
}

struct Rendered {
  std::string table;  // "<db|schema>.<table>"
  event::SnapshotMarker marker = event::SnapshotMarker::false_;
  char op = 0;
  std::string change_id;
  std::string key;    // "" when null
  std::string value;  // the whole envelope, schemas: true
};

// Renders each event at once (the source reuses its ChangeEvent), as the pipeline does.
class CollectingSink : public event::EventSink {
 public:
  explicit CollectingSink(bool keep = true) : writer_(envelope_options()), keep_(keep) {}
  void change(event::ChangeEvent& ev) override {
    ++changes;
    if (on_change) on_change(ev);
    if (!keep_) return;
    Rendered r;
    r.table = ev.table->ns() + "." + ev.table->table;
    r.marker = ev.source.snapshot;
    r.op = static_cast<char>(ev.op);
    r.change_id = ev.change_id;
    writer_.key(ev, r.key);
    writer_.value(ev, r.value);
    events.push_back(std::move(r));
  }
  void commit(const event::SourcePosition& pos) override {
    commits.push_back(pos);
    changes_at_commit.push_back(changes);
  }
  std::vector<Rendered> events;
  std::vector<event::SourcePosition> commits;
  std::vector<uint64_t> changes_at_commit;  // how many changes came before each commit
  uint64_t changes = 0;
  std::function<void(event::ChangeEvent&)> on_change;

 private:
  event::EnvelopeWriter writer_;
  bool keep_;
};

// payload.after of an envelope, minified, with the key column `drop` removed (rows compared across ids).
inline std::string after_without(const std::string& envelope, const std::string& drop) {
  simdjson::dom::parser p;
  simdjson::dom::object after = p.parse(envelope)["payload"]["after"].get_object();
  std::string out = "{";
  for (auto field : after) {
    if (field.key == drop) continue;
    if (out.size() > 1) out += ",";
    out += "\"" + std::string(field.key) + "\":" + simdjson::minify(field.value);
  }
  return out + "}";
}

inline int64_t after_int(const std::string& envelope, const char* column) {
  simdjson::dom::parser p;
  return int64_t(p.parse(envelope)["payload"]["after"][column]);
}

// The Connect schema of the "after" field: the table's Value struct.
inline std::string after_schema(const std::string& envelope) {
  simdjson::dom::parser p;
  for (auto f : p.parse(envelope)["schema"]["fields"].get_array())
    if (std::string_view(f["field"]) == "after") return simdjson::minify(f);
  return {};
}

inline std::string source_field(const std::string& envelope, const char* field) {
  simdjson::dom::parser p;
  return simdjson::minify(p.parse(envelope)["payload"]["source"][field]);
}

// Peak resident set size of this process, in kB (VmHWM).
inline long vm_hwm_kb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

inline std::string unique_suffix() {
  return std::to_string(::getpid()) + "_" +
         std::to_string(std::chrono::steady_clock::now().time_since_epoch().count() % 1000000);
}

inline const char* marker_name(event::SnapshotMarker m) {
  switch (m) {
    case event::SnapshotMarker::false_: return "false";
    case event::SnapshotMarker::true_: return "true";
    case event::SnapshotMarker::first: return "first";
    case event::SnapshotMarker::first_in_data_collection: return "first_in_data_collection";
    case event::SnapshotMarker::last_in_data_collection: return "last_in_data_collection";
    case event::SnapshotMarker::last: return "last";
    case event::SnapshotMarker::incremental: return "incremental";
  }
  return "?";
}

}  // namespace cdc::test::snapshot
