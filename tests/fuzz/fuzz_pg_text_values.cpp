// Fuzzes the conversion of pgoutput text values: the input (after one options byte) is used as the text
// of a column of every built-in type and every built-in array type, mapped by map_column as a live
// relation would be, through convert_text; then the row is written as an envelope, which must parse.
// convert_text may refuse text only with cdc::DecodeError. The options byte picks the handling modes
// and which column gets the unchanged-TOAST placeholder instead.
#include <cstdint>
#include <string>
#include <vector>

#include "event/envelope.h"
#include "fuzz_support.h"
#include "postgres/pg_types.h"

namespace {

struct TypeCase {
  cdc::pg::Oid oid;
  int32_t typmod;
};
constexpr int32_t numeric_typmod(int p, int s) { return ((p << 16) | s) + 4; }

// Scalars (with typmods that pick different conversions), then every built-in array.
constexpr TypeCase kTypes[] = {
    {16, -1}, {17, -1}, {18, -1}, {19, -1}, {20, -1}, {21, -1}, {23, -1}, {25, -1}, {26, -1}, {114, -1},
    {142, -1}, {650, -1}, {700, -1}, {701, -1}, {774, -1}, {790, -1}, {829, -1}, {869, -1}, {1042, 14},
    {1043, 24}, {1082, -1}, {1083, -1}, {1083, 0}, {1083, 3}, {1114, -1}, {1114, 2}, {1184, -1}, {1184, 1},
    {1186, -1}, {1266, -1}, {1700, -1}, {1700, numeric_typmod(10, 2)}, {1700, numeric_typmod(5, 0)},
    {1700, numeric_typmod(1000, 999)}, {2950, -1}, {3802, -1}, {3904, -1}, {3906, -1}, {3908, -1},
    {3910, -1}, {3912, -1}, {3926, -1},
    {143, -1}, {199, -1}, {651, -1}, {775, -1}, {791, -1}, {1000, -1}, {1001, -1}, {1002, -1}, {1003, -1},
    {1005, -1}, {1007, -1}, {1009, -1}, {1014, -1}, {1015, -1}, {1016, -1}, {1021, -1}, {1022, -1},
    {1028, -1}, {1040, -1}, {1041, -1}, {1115, -1}, {1115, 3}, {1182, -1}, {1183, -1}, {1183, 2},
    {1185, -1}, {1187, -1}, {1231, -1}, {1231, numeric_typmod(8, 3)}, {1270, -1}, {2951, -1}, {3807, -1},
    {3905, -1}, {3907, -1}, {3909, -1}, {3911, -1}, {3913, -1}, {3927, -1},
};
constexpr size_t kColumns = std::size(kTypes);

struct Table {
  cdc::event::TableSchema schema;
  std::vector<cdc::pg::PgColumnType> types;
};

Table make_table(const cdc::event::EnvelopeOptions& opts) {
  Table t;
  t.schema.db = "fuzz";
  t.schema.schema = "public";
  t.schema.table = "all_types";
  t.schema.version = 1;
  cdc::pg::TypeRegistry none;
  for (size_t i = 0; i < kColumns; ++i) {
    auto m = cdc::pg::map_column("c" + std::to_string(i), kTypes[i].oid, kTypes[i].typmod, true, none, opts);
    t.schema.columns.push_back(std::move(m.column));
    t.types.push_back(std::move(m.type));
  }
  return t;
}

// PostgreSQL rounds numeric(p,s) and money (lc_monetary=C: 2 digits) to their scale before output, so
// text with more fraction digits never arrives; the writer rejects it as an internal error.
bool impossible_for_scale(const cdc::pg::PgColumnType& t, std::string_view text) {
  if (t.kind != cdc::pg::PgValueKind::numeric && t.kind != cdc::pg::PgValueKind::money) return false;
  size_t dot = text.find('.');
  return dot != std::string_view::npos && text.size() - dot - 1 > static_cast<size_t>(t.scale);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  cdc::event::EnvelopeOptions opts;
  opts.prefix = "fuzz";
  opts.schemas = data[0] & 1;
  opts.decimal = static_cast<cdc::event::DecimalHandling>((data[0] >> 1) % 3);
  opts.binary = static_cast<cdc::event::BinaryHandling>((data[0] >> 3) & 3);
  const size_t toast_column = data[0] >> 5 ? (data[0] * 7u) % kColumns : kColumns;  // kColumns = none
  std::string_view text = cdc::fuzz::as_text({data + 1, size - 1});

  Table t = make_table(opts);
  cdc::event::ChangeEvent ev;
  ev.op = cdc::event::Op::create;
  ev.table = &t.schema;
  ev.has_after = true;
  ev.source.connector = cdc::event::Connector::postgresql;
  ev.after.reset(kColumns);
  for (size_t i = 0; i < kColumns; ++i) {
    if (i == toast_column) {
      cdc::pg::set_unchanged_toast(t.types[i], ev.after, i);
      continue;
    }
    if (impossible_for_scale(t.types[i], text)) continue;
    try {
      cdc::pg::convert_text(t.types[i], text, ev.after, i);
    } catch (const cdc::Error&) {
      ev.after.set_null(i);
    }
  }
  cdc::event::EnvelopeWriter writer(opts);
  cdc::fuzz::check_envelope(writer, ev);
  return 0;
}
