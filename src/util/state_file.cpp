#include "util/state_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

#include "util/error.h"

namespace cdc {
namespace {

[[noreturn]] void throw_errno(int err, const std::string& what, const std::filesystem::path& path) {
  bool local_setup = err == EACCES || err == EPERM || err == EROFS;
  std::string msg = what + " " + path.string() + ": " + std::strerror(err);
  msg += local_setup ? " (make state.dir writable by the agent's user)"
                     : " (the stored position is unchanged; free space or raise the limit, then restart)";
  throw Error(local_setup ? ExitCode::config : ExitCode::temporary, msg);
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

}  // namespace

void ensure_state_dir(const std::filesystem::path& dir) {
  std::error_code ec;
  if (std::filesystem::create_directories(dir, ec)) std::filesystem::permissions(dir, std::filesystem::perms(0750), ec);
  if (ec) throw_errno(ec.value(), "cannot create state directory", dir);
  if (!std::filesystem::is_directory(dir, ec)) throw Error(ExitCode::config, "state.dir " + dir.string() + " is not a directory");
}

void write_state_file(const std::filesystem::path& dir, const std::string& name, const std::string& text) {
  const std::filesystem::path path = dir / name;
  const std::filesystem::path tmp = dir / (name + ".tmp." + std::to_string(::getpid()));
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) throw_errno(errno, "cannot create", tmp);
  int err = write_all(fd, text);
  if (err == 0 && ::fsync(fd) != 0) err = errno;
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err == 0 && ::rename(tmp.c_str(), path.c_str()) != 0) err = errno;
  if (err != 0) {
    ::unlink(tmp.c_str());
    throw_errno(err, "cannot write", path);
  }
  // The rename is durable only once the directory entry is on disk.
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) throw_errno(errno, "cannot open state directory", dir);
  err = ::fsync(dfd) == 0 ? 0 : errno;
  ::close(dfd);
  if (err != 0) throw_errno(err, "cannot sync state directory", dir);
}

std::optional<std::string> read_state_file(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::nullopt;
    throw_errno(errno, "cannot read", path);
  }
  std::string text;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      throw_errno(err, "cannot read", path);
    }
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return text;
}

}  // namespace cdc
