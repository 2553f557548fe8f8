// exclude_columns: removes excluded columns from a table's schema and rows before the envelope is written.
// Projected schemas are built once per table version and cached; tables with no excluded column pass
// through untouched (no copy).
#pragma once
#include <functional>
#include <memory>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "event/change_event.h"

namespace cdc {

class ColumnFilter {
 public:
  // excluded("db.table.column") -> true drops that column (PostgreSQL: "schema.table.column").
  explicit ColumnFilter(std::function<bool(std::string_view)> excluded) : excluded_(std::move(excluded)) {}

  // Projects `ev` in place when its table has excluded columns. restore() must be called after the event
  // has been written, so the source gets its rows back unchanged.
  void apply(event::ChangeEvent& ev);
  void restore(event::ChangeEvent& ev);

 private:
  struct Projection {
    uint64_t version = 0;
    const event::TableSchema* source = nullptr;
    std::unique_ptr<event::TableSchema> schema;  // null = nothing excluded
    std::vector<uint32_t> keep;                  // source column indexes kept, in order
  };
  const Projection& projection_for(const event::TableSchema& t);
  static void project(const event::Row& in, const std::vector<uint32_t>& keep, event::Row& out);

  std::function<bool(std::string_view)> excluded_;
  std::unordered_map<const event::TableSchema*, Projection> cache_;
  const event::TableSchema* original_ = nullptr;
  event::Row before_, after_;
};

}  // namespace cdc
