#include "mysql/conn/offset_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <sstream>

#include "util/error.h"
#include "util/parse_number.h"
#include "util/state_file.h"

namespace cdc::mysql {
namespace {

constexpr const char* kFileName = "offsets";
constexpr int kFormatVersion = 1;

std::string utc_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void check_value(const std::string& key, const std::string& value) {
  if (value.find_first_of("\r\n") != std::string::npos) {
    throw Error(ExitCode::internal, "offset " + key + " contains a line break: " + value);
  }
}

template <class T>
T parse_uint(std::string_view v, const std::string& key, const std::string& where) {
  T out{};
  if (!parse_number(v, out)) {
    throw Error(ExitCode::config, where + ": " + key + "=" + std::string(v) + " is not a number");
  }
  return out;
}

}  // namespace

std::string format_offset(const StoredOffset& o) {
  check_value("file", o.file);
  check_value("gtid_set", o.gtid_set);
  check_value("flavor", o.flavor);
  check_value("server_uuid", o.server_uuid);
  check_value("time", o.time);
  std::string out = "# cdc-agent MySQL source position. Replaced atomically by the agent; delete it to\n"
                    "# take a new snapshot.\n";
  out += "version=" + std::to_string(kFormatVersion) + "\n";
  out += "file=" + o.file + "\n";
  out += "pos=" + std::to_string(o.pos) + "\n";
  out += "gtid_set=" + o.gtid_set + "\n";
  out += "flavor=" + o.flavor + "\n";
  out += "server_id=" + std::to_string(o.server_id) + "\n";
  out += "server_uuid=" + o.server_uuid + "\n";
  out += "time=" + o.time + "\n";
  return out;
}

StoredOffset parse_offset(std::string_view text, const std::string& where) {
  auto corrupt = [&](const std::string& why) {
    return Error(ExitCode::config, where + " is not a valid offset file (" + why +
                                       "); restore it from a backup, or delete it to take a new snapshot");
  };
  StoredOffset o;
  bool have_version = false, have_file = false, have_pos = false;
  std::istringstream in{std::string(text)};
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (line.empty() || line[0] == '#') continue;
    size_t eq = line.find('=');
    if (eq == std::string::npos) throw corrupt("line " + std::to_string(lineno) + " has no '='");
    std::string key = line.substr(0, eq), value = line.substr(eq + 1);
    if (key == "version") {
      if (parse_uint<int>(value, key, where) != kFormatVersion) throw corrupt("unsupported version " + value);
      have_version = true;
    } else if (key == "file") {
      o.file = value, have_file = true;
    } else if (key == "pos") {
      o.pos = parse_uint<uint64_t>(value, key, where), have_pos = true;
    } else if (key == "gtid_set") {
      o.gtid_set = value;
    } else if (key == "flavor") {
      o.flavor = value;
    } else if (key == "server_id") {
      o.server_id = parse_uint<uint32_t>(value, key, where);
    } else if (key == "server_uuid") {
      o.server_uuid = value;
    } else if (key == "time") {
      o.time = value;
    } else {
      throw corrupt("unknown key \"" + key + "\" on line " + std::to_string(lineno));
    }
  }
  // A file written by save() always ends with "time="; a missing tail means it was cut short.
  if (!have_version || !have_file || !have_pos || text.empty() || text.back() != '\n') {
    throw corrupt("incomplete: version, file and pos are required");
  }
  if (o.file.empty() && o.gtid_set.empty()) throw corrupt("neither file nor gtid_set is set");
  return o;
}

OffsetStore::OffsetStore(std::filesystem::path dir) : dir_(std::move(dir)), path_(dir_ / kFileName) {
  ensure_state_dir(dir_);
}

std::optional<StoredOffset> OffsetStore::load() const {
  auto text = read_state_file(path_);
  if (!text) return std::nullopt;
  return parse_offset(*text, path_.string());
}

void OffsetStore::save(const StoredOffset& offset) {
  StoredOffset stamped = offset;
  stamped.time = utc_now();
  write_state_file(dir_, kFileName, format_offset(stamped));
}

}  // namespace cdc::mysql
