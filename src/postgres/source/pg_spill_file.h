// The live source's StreamSpool: the messages of each streamed in-progress transaction go to a spill file
// <dir>/<top-level xid>.spill, written sequentially through a buffer and read back in chunks at the
// Stream Commit, so the agent's memory does not grow with the transaction. No fsync: after a crash or
// reconnect the server streams every unfinished transaction again from the slot's restart point, so a
// new spool starts by deleting whatever a previous session left.
#pragma once
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <unordered_map>

#include "postgres/pg_stream_spool.h"

namespace cdc::pg {

class FileStreamSpool final : public StreamSpool {
 public:
  // Creates `dir` and empties it of spill files. `during_replay` runs every few thousand replayed
  // messages (the source answers the server there: a replay can take minutes).
  FileStreamSpool(std::filesystem::path dir, std::function<void()> during_replay);
  ~FileStreamSpool() override;  // deletes its files
  FileStreamSpool(const FileStreamSpool&) = delete;
  FileStreamSpool& operator=(const FileStreamSpool&) = delete;

  void append(Xid top, Xid sub, Lsn lsn, std::span<const uint8_t> payload) override;
  // Logs the transaction's size at info, then reads its file back record by record.
  void replay(Xid top, const Visit& visit) override;
  void discard(Xid top) override;

  std::filesystem::path path(Xid top) const;

 private:
  struct Closer {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  using File = std::unique_ptr<std::FILE, Closer>;
  struct Spill {
    File file;
    std::unique_ptr<char[]> buffer;  // setvbuf's, alive as long as the FILE
    uint64_t messages = 0;
    uint64_t bytes = 0;
  };

  std::filesystem::path dir_;
  std::function<void()> during_replay_;
  std::unordered_map<Xid, Spill> spills_;
};

}  // namespace cdc::pg
