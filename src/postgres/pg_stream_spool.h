// Where the messages of a streamed in-progress transaction (protocol v2: between Stream Start and Stream
// Stop) wait until their Stream Commit or Stream Abort. PgDecoder appends the raw pgoutput messages, each
// tagged with the (sub)transaction that made it, and replays them in order at the commit. The live source
// spills them to files (postgres/source/pg_spill_file.h) so that memory stays bounded whatever the
// transaction's size; MemoryStreamSpool serves tests, fuzzing and offline use.
#pragma once
#include <cstdint>
#include <functional>
#include <span>
#include <unordered_map>
#include <vector>

#include "postgres/pgoutput.h"

namespace cdc::pg {

class StreamSpool {
 public:
  virtual ~StreamSpool() = default;
  // One message of top-level transaction `top`, made by (sub)transaction `sub` (== top for its own).
  virtual void append(Xid top, Xid sub, Lsn lsn, std::span<const uint8_t> payload) = 0;
  using Visit = std::function<void(Xid sub, Lsn lsn, std::span<const uint8_t> payload)>;
  // Hands every message of `top` to `visit` in append order (nothing when there is none), then forgets
  // them, also when `visit` throws.
  virtual void replay(Xid top, const Visit& visit) = 0;
  // Forgets the messages of `top`.
  virtual void discard(Xid top) = 0;
};

class MemoryStreamSpool : public StreamSpool {
 public:
  void append(Xid top, Xid sub, Lsn lsn, std::span<const uint8_t> payload) override;
  void replay(Xid top, const Visit& visit) override;
  void discard(Xid top) override { txs_.erase(top); }

 private:
  struct Message {
    Xid sub;
    Lsn lsn;
    std::vector<uint8_t> bytes;
  };
  std::unordered_map<Xid, std::vector<Message>> txs_;
};

}  // namespace cdc::pg
