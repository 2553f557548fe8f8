#include "event/schema_json.h"

#include "event/json_append.h"

namespace cdc::event {

std::string_view field_type_name(FieldType t) {
  switch (t) {
    case FieldType::boolean: return "boolean";
    case FieldType::int8: return "int8";
    case FieldType::int16: return "int16";
    case FieldType::int32: return "int32";
    case FieldType::int64: return "int64";
    case FieldType::float32: return "float";
    case FieldType::float64: return "double";
    case FieldType::bytes: return "bytes";
    case FieldType::string: return "string";
    case FieldType::array: return "array";
    case FieldType::map: return "map";
    case FieldType::struct_: return "struct";
  }
  return "string";
}

namespace schema {

void append_column(std::string& out, const Column& c, bool as_field) {
  out.append("{\"type\":\"");
  out.append(field_type_name(c.type));
  out.push_back('"');
  if (c.type == FieldType::struct_) {
    out.append(",\"fields\":");
    out.append(c.struct_fields_json.empty() ? std::string_view("[]") : std::string_view(c.struct_fields_json));
  } else if (c.type == FieldType::array) {
    out.append(",\"items\":");
    out.append(c.items_json);
  }
  out.append(c.optional ? ",\"optional\":true" : ",\"optional\":false");
  if (!c.semantic.empty()) {
    out.append(",\"name\":");
    json::append_string(out, c.semantic);
  }
  if (c.version != 0) {
    out.append(",\"version\":");
    json::append_int(out, c.version);
  }
  if (!c.doc.empty()) {
    out.append(",\"doc\":");
    json::append_string(out, c.doc);
  }
  if (!c.parameters.empty()) {
    out.append(",\"parameters\":{");
    for (size_t i = 0; i < c.parameters.size(); ++i) {
      if (i != 0) out.push_back(',');
      json::append_string(out, c.parameters[i].first);
      out.push_back(':');
      json::append_string(out, c.parameters[i].second);
    }
    out.push_back('}');
  }
  if (!c.default_json.empty()) {
    out.append(",\"default\":");
    out.append(c.default_json);
  }
  if (as_field) {
    out.append(",\"field\":");
    json::append_string(out, c.name);
  }
  out.push_back('}');
}

std::string fields_json(std::span<const Column> members) {
  std::string out = "[";
  for (size_t i = 0; i < members.size(); ++i) {
    if (i != 0) out.push_back(',');
    append_column(out, members[i], true);
  }
  out.push_back(']');
  return out;
}

Column struct_column(std::string field_name, std::span<const Column> members, bool optional,
                     std::string schema_name, int version) {
  Column c;
  c.name = std::move(field_name);
  c.type = FieldType::struct_;
  c.optional = optional;
  c.semantic = std::move(schema_name);
  c.version = version;
  c.struct_fields_json = fields_json(members);
  return c;
}

}  // namespace schema
}  // namespace cdc::event
