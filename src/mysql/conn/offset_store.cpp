#include "mysql/conn/offset_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <ctime>
#include <sstream>

#include "util/error.h"

namespace cdc::mysql {
namespace {

constexpr const char* kFileName = "offsets";
constexpr int kFormatVersion = 1;

[[noreturn]] void throw_errno(int err, const std::string& what, const std::filesystem::path& path) {
  bool local_setup = err == EACCES || err == EPERM || err == EROFS;
  std::string msg = what + " " + path.string() + ": " + std::strerror(err);
  msg += local_setup ? " (make state.dir writable by the agent's user)"
                     : " (the stored position is unchanged; free space or raise the limit, then restart)";
  throw Error(local_setup ? ExitCode::config : ExitCode::temporary, msg);
}

std::string utc_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Writes all of `data`, retrying short writes and EINTR; returns 0 or the errno.
int write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return 0;
}

void check_value(const std::string& key, const std::string& value) {
  if (value.find_first_of("\r\n") != std::string::npos) {
    throw Error(ExitCode::internal, "offset " + key + " contains a line break: " + value);
  }
}

template <class T>
T parse_uint(std::string_view v, const std::string& key, const std::string& where) {
  T out{};
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc() || p != v.data() + v.size() || v.empty()) {
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
  std::error_code ec;
  if (std::filesystem::create_directories(dir_, ec)) {
    std::filesystem::permissions(dir_, std::filesystem::perms(0750), ec);
  }
  if (ec) throw_errno(ec.value(), "cannot create state directory", dir_);
  if (!std::filesystem::is_directory(dir_, ec)) {
    throw Error(ExitCode::config, "state.dir " + dir_.string() + " is not a directory");
  }
}

std::optional<StoredOffset> OffsetStore::load() const {
  int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::nullopt;
    throw_errno(errno, "cannot read offset file", path_);
  }
  std::string text;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      throw_errno(err, "cannot read offset file", path_);
    }
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return parse_offset(text, path_.string());
}

void OffsetStore::save(const StoredOffset& offset) {
  StoredOffset stamped = offset;
  stamped.time = utc_now();
  std::string text = format_offset(stamped);
  std::filesystem::path tmp = dir_ / (std::string(kFileName) + ".tmp." + std::to_string(::getpid()));

  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) throw_errno(errno, "cannot create", tmp);
  int err = write_all(fd, text);
  if (err == 0 && ::fsync(fd) != 0) err = errno;
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err == 0 && ::rename(tmp.c_str(), path_.c_str()) != 0) err = errno;
  if (err != 0) {
    ::unlink(tmp.c_str());
    throw_errno(err, "cannot write offset file", path_);
  }
  // The rename is durable only once the directory entry is on disk.
  int dfd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) throw_errno(errno, "cannot open state directory", dir_);
  err = ::fsync(dfd) == 0 ? 0 : errno;
  ::close(dfd);
  if (err != 0) throw_errno(err, "cannot sync state directory", dir_);
}

}  // namespace cdc::mysql
