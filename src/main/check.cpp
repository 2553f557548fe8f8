// `cdc-agent check`: preflight, changes nothing. One line per check: PASS/WARN/FAIL, what was found, the fix.
#include <cstdio>

#include "main/commands.h"
#include "mysql/conn/mysql_check.h"
#include "mysql/source/mysql_source.h"
#include "postgres/conn/pg_check.h"
#include "sink/kafka_sink.h"

namespace cdc {
namespace {

struct Line {
  const char* status;
  std::string name, detail, fix;
};

void print(const Line& l) {
  std::printf("%-4s %-28s %s%s%s\n", l.status, l.name.c_str(), l.detail.c_str(), l.fix.empty() ? "" : "  fix: ",
              l.fix.c_str());
}

}  // namespace

int check_command(const Config& cfg) {
  bool ok = true;
  if (cfg.source.type == SourceType::mysql) {
    for (const auto& r : mysql::check_mysql(mysql::connect_options(cfg), cfg.source.mysql.server_id)) {
      const char* st = r.status == mysql::CheckStatus::pass ? "PASS" : r.status == mysql::CheckStatus::warn ? "WARN" : "FAIL";
      ok = ok && r.pass();
      print({st, r.name, r.detail, r.fix});
    }
  } else {
    pg::PgCheckOptions opts;
    opts.conn = pg::params_from_config(cfg.source);
    opts.slot = cfg.source.postgres.slot;
    opts.publication = cfg.source.postgres.publication;
    opts.tables = pg::TableFilter(cfg.source.include_tables, cfg.source.exclude_tables);
    for (const auto& r : pg::check_postgres(opts)) {
      ok = ok && r.pass();
      print({pg::status_name(r.status).data(), r.name, r.detail, r.fix});
    }
  }
  if (cfg.sink.type == SinkType::kafka) {
    KafkaSink sink(cfg.sink.kafka);
    auto r = sink.check_reachable(10000);
    ok = ok && r.ok;
    print({r.ok ? "PASS" : "FAIL", "kafka", r.detail, r.ok ? "" : "check sink.kafka.bootstrap.servers and the network"});
  } else {
    print({"PASS", "sink", "stdout", ""});
  }
  std::fflush(stdout);
  return ok ? 0 : static_cast<int>(ExitCode::source_unusable);
}

}  // namespace cdc
