// The MySQL source's durable position: state.dir/offsets, a small key=value text file that is
// replaced atomically (write a temp file, fsync, rename over, fsync the directory), so a crash at any
// moment leaves either the old or the new position, never a torn one.
//
// Errors, as cdc::Error naming the path and the system's reason:
//   saving: EACCES/EPERM/EROFS -> ExitCode::config (state.dir is not writable: fix ownership/mount);
//           ENOSPC/EDQUOT/EFBIG/EIO and others -> ExitCode::temporary (free space, then restart).
//           The previous file stays intact and no temp file is left behind.
//   loading: a file that does not parse -> ExitCode::config: it is local state the operator must
//           restore or delete (deleting means a new snapshot), not a server problem.
// A process that writes this file should ignore SIGXFSZ, so a file-size limit surfaces as EFBIG
// instead of killing the process.
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace cdc::mysql {

struct StoredOffset {
  std::string file;        // binlog file of the next transaction to read
  uint64_t pos = 0;        // its position
  std::string gtid_set;    // executed GTID set (MySQL text form or MariaDB domain-server-seq list)
  std::string flavor;      // "mysql" | "mariadb": a different server behind the same address is noticed
  uint32_t server_id = 0;  // the *source* server's server_id
  std::string server_uuid; // the source server's server_uuid (MySQL)
  std::string time;        // UTC time of the save, ISO 8601; set by save()

  bool operator==(const StoredOffset&) const = default;
};

class OffsetStore {
 public:
  // Creates `dir` (mode 0750, parents too) when missing; throws cdc::Error (config) when it cannot.
  explicit OffsetStore(std::filesystem::path dir);

  // The stored position, or nullopt when none was ever saved.
  std::optional<StoredOffset> load() const;
  // Replaces the stored position atomically and durably; fills `time` in the stored copy.
  void save(const StoredOffset& offset);

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path dir_;
  std::filesystem::path path_;
};

// The file's text, and its parser; exposed for tests. parse throws cdc::Error (config) naming `where`.
std::string format_offset(const StoredOffset& o);
StoredOffset parse_offset(std::string_view text, const std::string& where);

}  // namespace cdc::mysql
