// Kafka Connect schema nodes as JsonConverter writes them (schemas: true). Key order is fixed by
// JsonConverter.asJsonSchema: type, fields|items, optional, name, version, doc, parameters, default, and
// "field" last (added by the enclosing struct).
#pragma once
#include <span>
#include <string>
#include <string_view>

#include "event/change_event.h"

namespace cdc::event::schema {

// Appends the schema node of `c`; with `"field":"<c.name>"` last when `as_field` (a struct member).
void append_column(std::string& out, const Column& c, bool as_field);

// "[{…,"field":"a"},{…,"field":"b"}]": the "fields" array of a struct made of `members`.
std::string fields_json(std::span<const Column> members);

// A struct schema as a Column, so it can be nested or rendered like any field.
Column struct_column(std::string field_name, std::span<const Column> members, bool optional,
                     std::string schema_name, int version);

}  // namespace cdc::event::schema
