// Envelope throughput: one 10-column row (ints, text, decimal, timestamps, bytes, a null) rendered as
// key + value, with and without schemas. Target: >= 1M envelopes/s per core (Release build).
#include <benchmark/benchmark.h>

#include <string>

#include "event/columns.h"
#include "event/envelope.h"

namespace {

using namespace cdc::event;

struct Fixture {
  EnvelopeOptions o;
  TableSchema t;
  ChangeEvent e;

  explicit Fixture(bool schemas) {
    o.prefix = "shop";
    o.schemas = schemas;
    t.db = "inventory";
    t.table = "orders";
    t.version = 1;
    t.columns = {col::int64("id", false),
                 col::int32("customer_id", false),
                 col::string("status", false),
                 col::decimal("total", 12, 2, o, false),
                 col::string("note", true),
                 col::micro_timestamp("created_at", false),
                 col::zoned_timestamp("updated_at", true),
                 col::bytes("digest", o, true),
                 col::boolean("paid", false),
                 col::float64("weight", true)};
    t.key = {0};
    e.table = &t;
    e.op = Op::create;
    e.has_after = true;
    Row& r = e.after;
    r.reset(10);
    r.set_int(0, 100234);
    r.set_int(1, 4411);
    r.set_text(2, "shipped");
    r.set_decimal(3, "1234.50");
    r.set_null(4);
    r.set_int(5, 1709205255123456);
    r.set_text(6, "2024-02-29T11:14:15.123456Z");
    r.set_bytes(7, std::string_view("\x9f\x86\xd0\x81\x88\x4c\x7d\x65\x9a\x2f\xea\xa0\xc5\x5a\xd0\x15", 16));
    r.set_bool(8, true);
    r.set_float64(9, 2.75);
    e.source.connector = Connector::mysql;
    e.source.ts_ns = 1709205255000000000;
    e.source.db = "inventory";
    e.source.server_id = 5401;
    e.source.gtid = "3e11fa47-71ca-11e1-9e33-c80aa9429562:42";
    e.source.file = "mysql-bin.000003";
    e.source.pos = 154;
    e.processed_ts_ns = 1709205256789012345;
  }
};

void BM_Envelope(benchmark::State& state) {
  Fixture f(state.range(0) != 0);
  EnvelopeWriter w(f.o);
  std::string key, value;
  for (auto _ : state) {
    key.clear();
    value.clear();
    w.key(f.e, key);
    w.value(f.e, value);
    benchmark::DoNotOptimize(key.data());
    benchmark::DoNotOptimize(value.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(key.size() + value.size()));
}
BENCHMARK(BM_Envelope)->ArgName("schemas")->Arg(0)->Arg(1);

}  // namespace
