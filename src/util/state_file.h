// Small files under state.dir (the MySQL offset file, the PostgreSQL slot marker), replaced atomically:
// write a temp file, fsync, rename over the old one, fsync the directory. A crash at any moment leaves
// either the old or the new content, never a torn file.
//
// Errors throw cdc::Error naming the path and the system's reason: EACCES/EPERM/EROFS -> ExitCode::config
// (state.dir is not writable: fix ownership or the mount); ENOSPC/EDQUOT/EFBIG/EIO and others ->
// ExitCode::temporary (the previous file is intact; free space, then restart). A process writing these
// should ignore SIGXFSZ, so a file-size limit surfaces as EFBIG instead of killing it.
#pragma once
#include <filesystem>
#include <optional>
#include <string>

namespace cdc {

// Creates `dir` (mode 0750) when missing; throws when it cannot or when it is not a directory.
void ensure_state_dir(const std::filesystem::path& dir);
// Replaces dir/name with `text` atomically and durably.
void write_state_file(const std::filesystem::path& dir, const std::string& name, const std::string& text);
// The file's content, or nullopt when it does not exist.
std::optional<std::string> read_state_file(const std::filesystem::path& path);

}  // namespace cdc
