// `cdc-agent decode`: binlog files -> envelopes on stdout, one JSON per line (value only; the topic and key
// go in front, tab-separated, like the stdout sink, so the output can be replayed).
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <string>
#include <unordered_map>
#include <vector>

#include "event/envelope.h"
#include "main/commands.h"
#include "mysql/binlog_file.h"

namespace cdc {
namespace {

// Batches envelope lines for writev(). With schemas every line starts with its table's schema (kilobytes,
// the same for every row of the table): that part is handed to the kernel from one copy per table instead
// of being copied into the output buffer for every event, which was a fifth of decode's time.
class LineWriter {
 public:
  explicit LineWriter(event::EnvelopeWriter& writer) : writer_(writer) { buf_.reserve(kBufBytes); }

  void add(const event::ChangeEvent& ev) {
    std::string_view prefix = writer_.value_prefix(ev);
    if (writer_.generation() != generation_) {
      // A schema was (re)rendered, which may have freed prefixes queued pieces point at: those point at
      // our copies, which stay until the flush.
      flush();
      copies_.clear();
      last_prefix_ = nullptr;
      generation_ = writer_.generation();
    }
    if (!prefix.empty()) {
      if (prefix.data() != last_prefix_) {  // rows of one table come in runs: look the copy up once per run
        std::string& copy = copies_[prefix.data()];
        if (copy.empty()) copy.assign(prefix);
        last_copy_ = &copy;
        last_prefix_ = prefix.data();
      }
      pieces_.push_back(Piece{last_copy_, 0, last_copy_->size()});
    }
    size_t off = buf_.size();
    writer_.value_payload(ev, buf_);
    buf_.push_back('\n');
    pieces_.push_back(Piece{nullptr, off, buf_.size() - off});
    if (pieces_.size() >= kMaxPieces || buf_.size() > kBufBytes - 65536) flush();
  }

  void flush() {
    std::vector<iovec> iov;
    iov.reserve(pieces_.size());
    for (const Piece& p : pieces_) {
      const char* base = p.text ? p.text->data() : buf_.data() + p.off;
      iov.push_back(iovec{const_cast<char*>(base), p.len});
    }
    size_t i = 0;
    while (i < iov.size()) {
      int n = static_cast<int>(std::min<size_t>(iov.size() - i, IOV_MAX));
      ssize_t w = ::writev(STDOUT_FILENO, iov.data() + i, n);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) throw Error(ExitCode::internal, "decode: cannot write to stdout");
      auto left = static_cast<size_t>(w);
      while (i < iov.size() && left >= iov[i].iov_len) left -= iov[i++].iov_len;  // fully written
      if (left > 0) {  // partly written: go on from the middle of that piece
        iov[i].iov_base = static_cast<char*>(iov[i].iov_base) + left;
        iov[i].iov_len -= left;
      }
    }
    pieces_.clear();
    buf_.clear();
  }

 private:
  static constexpr size_t kBufBytes = 1 << 20;
  static constexpr size_t kMaxPieces = 1024;
  struct Piece {
    const std::string* text;  // a schema copy, or nullptr for buf_[off, off + len)
    size_t off, len;
  };

  event::EnvelopeWriter& writer_;
  std::string buf_;
  std::vector<Piece> pieces_;
  std::unordered_map<const char*, std::string> copies_;  // by the writer's prefix address, this generation
  uint64_t generation_ = 0;
  const char* last_prefix_ = nullptr;  // the prefix of the previous event and its copy (map values stay put)
  const std::string* last_copy_ = nullptr;
};

}  // namespace

int decode_command(const DecodeArgs& a) {
  event::EnvelopeOptions opts;
  opts.prefix = a.prefix;
  opts.schemas = a.schemas;
  event::EnvelopeWriter writer(opts);
  LineWriter out(writer);
  try {
    for (const auto& file : a.files) mysql::decode_file(file, opts, [&](event::ChangeEvent& ev) { out.add(ev); });
  } catch (const Error&) {
    out.flush();  // every event before the damaged one is good: write it, then report where decoding stopped
    throw;
  }
  out.flush();
  return 0;
}

}  // namespace cdc
