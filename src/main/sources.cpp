#include "main/sources.h"

#include "mysql/source/mysql_source.h"
#include "postgres/source/pg_source.h"
#include "util/error.h"

namespace cdc {

std::unique_ptr<event::Source> make_source(const Config& cfg) {
  switch (cfg.source.type) {
    case SourceType::mysql:
      return std::make_unique<mysql::MysqlSource>(cfg);
    case SourceType::postgres:
      return std::make_unique<pg::PgSource>(cfg);
  }
  throw Error(ExitCode::config, "source.type: unknown source type");
}

}  // namespace cdc
