// Row images as JSON payload objects: one typed Value at a time, formatted straight into the output.
#pragma once
#include <span>
#include <string>
#include <vector>

#include "event/change_event.h"
#include "event/options.h"

namespace cdc::event {

// `"<escaped name>":` for every column of `t`, rendered once per table version by the writer's cache.
std::vector<std::string> field_labels(const TableSchema& t);

// {"a":1,"b":"x"}: the columns listed in `which` (all columns when empty), in that order.
void append_row(std::string& out, const TableSchema& t, std::span<const std::string> labels, const Row& row,
                std::span<const uint32_t> which, const EnvelopeOptions& o);

// One column value. Throws cdc::Error (exit code config) for a decimal that decimal_handling cannot
// represent, such as PostgreSQL NaN under precise, naming the column and the setting to change.
void append_value(std::string& out, const TableSchema& t, const Column& c, const Row& row, const Value& v,
                  const EnvelopeOptions& o);

}  // namespace cdc::event
