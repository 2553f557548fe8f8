#include "sink/stdout_sink.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

namespace cdc {

StdoutSink::StdoutSink(int fd, size_t buffer_bytes) : fd_(fd), limit_(buffer_bytes) {
  buf_.reserve(limit_);
  // Into a pipe, a write larger than the pipe's capacity (64 KiB by default) blocks halfway, and every
  // write wakes the reader: a pipe as large as the buffer takes each write whole. Best effort (the limit
  // is /proc/sys/fs/pipe-max-size); a smaller pipe still works, only with more wakeups.
  struct stat st {};
  if (fstat(fd_, &st) == 0 && S_ISFIFO(st.st_mode)) (void)fcntl(fd_, F_SETPIPE_SZ, static_cast<int>(limit_));
}

void StdoutSink::send(OutMessage&& msg) {
  buf_ += msg.topic;
  buf_ += '\t';
  buf_ += msg.key_null ? std::string_view("null") : std::string_view(msg.key);
  buf_ += '\t';
  buf_ += msg.value_null ? std::string_view("null") : std::string_view(msg.value);
  buf_ += '\n';
  waiting_.push_back(msg.seq);
  if (buf_.size() >= limit_) write_out();
}

void StdoutSink::poll(int) { write_out(); }

bool StdoutSink::flush(int) { return write_out(); }

// Reports every buffered line: delivered if the whole buffer reached the fd, failed otherwise
// (a partial line on a broken pipe or full disk is no delivery).
bool StdoutSink::write_out() {
  std::string error;
  size_t done = 0;
  while (done < buf_.size()) {
    ssize_t n = ::write(fd_, buf_.data() + done, buf_.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error = std::string("writing to stdout failed: ") + std::strerror(errno);
      break;
    }
    done += static_cast<size_t>(n);
  }
  buf_.clear();
  if (on_delivery)
    for (uint64_t seq : waiting_) on_delivery(seq, error.empty() ? nullptr : &error);
  waiting_.clear();
  return error.empty();
}

}  // namespace cdc
