#include "main/column_filter.h"

#include <algorithm>
#include <string>

namespace cdc {

const ColumnFilter::Projection& ColumnFilter::projection_for(const event::TableSchema& t) {
  auto& p = cache_[&t];
  // A freed schema's address can be reused by a new table version: the version and name guard that.
  if (p.source == &t && p.version == t.version && (!p.schema || p.schema->table == t.table)) return p;
  p = Projection{};
  p.source = &t;
  p.version = t.version;
  std::string prefix = t.ns() + "." + t.table + ".";
  for (uint32_t i = 0; i < t.columns.size(); ++i)
    if (!excluded_(prefix + t.columns[i].name)) p.keep.push_back(i);
  if (p.keep.size() == t.columns.size()) return p;
  p.schema = std::make_unique<event::TableSchema>(t);
  p.schema->columns.clear();
  for (uint32_t i : p.keep) p.schema->columns.push_back(t.columns[i]);
  p.schema->key.clear();
  for (uint32_t k : t.key) {
    auto it = std::find(p.keep.begin(), p.keep.end(), k);
    if (it != p.keep.end()) p.schema->key.push_back(static_cast<uint32_t>(it - p.keep.begin()));
  }
  return p;
}

void ColumnFilter::project(const event::Row& in, const std::vector<uint32_t>& keep, event::Row& out) {
  out.values.clear();
  for (uint32_t i : keep) out.values.push_back(in.values[i]);
  out.arena = in.arena;  // values keep their offsets into the same bytes
}

void ColumnFilter::apply(event::ChangeEvent& ev) {
  original_ = nullptr;
  if (!ev.table) return;
  const auto& p = projection_for(*ev.table);
  if (!p.schema) return;
  original_ = ev.table;
  if (ev.has_before) project(ev.before, p.keep, before_);
  if (ev.has_after) project(ev.after, p.keep, after_);
  std::swap(ev.before, before_);
  std::swap(ev.after, after_);
  ev.table = p.schema.get();
}

void ColumnFilter::restore(event::ChangeEvent& ev) {
  if (!original_) return;
  std::swap(ev.before, before_);
  std::swap(ev.after, after_);
  ev.table = original_;
  original_ = nullptr;
}

}  // namespace cdc
