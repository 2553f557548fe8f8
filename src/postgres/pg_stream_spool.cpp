#include "postgres/pg_stream_spool.h"

namespace cdc::pg {

void MemoryStreamSpool::append(Xid top, Xid sub, Lsn lsn, std::span<const uint8_t> payload) {
  txs_[top].push_back({sub, lsn, std::vector<uint8_t>(payload.begin(), payload.end())});
}

void MemoryStreamSpool::replay(Xid top, const Visit& visit) {
  auto node = txs_.extract(top);
  if (!node) return;
  for (const Message& m : node.mapped()) visit(m.sub, m.lsn, m.bytes);
}

}  // namespace cdc::pg
