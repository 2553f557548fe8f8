// StdoutSink: one line per message, "topic<TAB>key<TAB>value", with the word null for a null key or
// a tombstone. Lines are buffered; a message counts as delivered once its line was written out
// (on poll, flush, or when the buffer fills), so the watermark works exactly as with Kafka.
#pragma once
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sink/sink.h"

namespace cdc {

class StdoutSink final : public Sink {
 public:
  explicit StdoutSink(int fd = STDOUT_FILENO, size_t buffer_bytes = 256 * 1024);

  void send(OutMessage&& msg) override;
  // Writes what is buffered and reports it; nothing is ever outstanding after that, so it does
  // not wait.
  void poll(int timeout_ms) override;
  bool flush(int timeout_ms) override;

 private:
  bool write_out();

  int fd_;
  size_t limit_;
  std::string buf_;
  std::vector<uint64_t> waiting_;  // seqs whose lines are in buf_
};

}  // namespace cdc
