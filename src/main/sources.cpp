#include "main/sources.h"

#include "mysql/source/mysql_source.h"
#include "util/error.h"

namespace cdc {

std::unique_ptr<event::Source> make_source(const Config& cfg) {
  switch (cfg.source.type) {
    case SourceType::mysql:
      return std::make_unique<mysql::MysqlSource>(cfg);
    case SourceType::postgres:
      break;
  }
  throw Error(ExitCode::config, "source.type: postgres streaming is not available in this build yet");
}

}  // namespace cdc
