#include "mysql/binlog_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace cdc::mysql {

void for_each_event(Bytes data, const std::function<void(Bytes, uint64_t)>& fn) {
  ByteReader r(data);
  auto magic = r.bytes(4, "binlog magic");
  if (std::memcmp(magic.data(), kBinlogMagic, 4) != 0) throw DecodeError("not a binlog file (bad magic)");
  bool stream = false;
  for (bool first = true; !r.empty(); first = false) {
    size_t offset = r.offset();
    // Checked here so the error names the file offset, not the offset inside the header.
    if (r.remaining() < kHeaderLen)
      throw DecodeError("offset " + std::to_string(offset) + ": event header is truncated (" +
                        std::to_string(r.remaining()) + " bytes left)");
    ByteReader peek(r.rest());
    EventHeader h = parse_header(peek);
    // A file starts with FORMAT_DESCRIPTION; a saved replication stream with an artificial ROTATE.
    if (first) stream = h.type == ROTATE_EVENT;
    if (h.event_size < kHeaderLen)
      throw DecodeError("offset " + std::to_string(offset) + ": event_size " + std::to_string(h.event_size) + " is too small");
    if (h.event_size > r.remaining())
      throw DecodeError("offset " + std::to_string(offset) + ": event of " + std::to_string(h.event_size) +
                        " bytes is truncated (" + std::to_string(r.remaining()) + " left)");
    Bytes ev = r.bytes(h.event_size, "event");
    uint64_t pos = offset;
    if (stream) pos = h.log_pos >= h.event_size ? h.log_pos - h.event_size : 0;
    fn(ev, pos);
  }
}

std::string read_binlog_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ExitCode::usage, "cannot open binlog file " + path + ": " + std::strerror(errno));
  // Block reads: istreambuf_iterator goes through the stream buffer one character at a time.
  std::string data;
  char buf[1 << 16];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) data.append(buf, static_cast<size_t>(in.gcount()));
  if (in.bad()) throw Error(ExitCode::usage, "cannot read binlog file " + path);
  return data;
}

namespace {

// A regular file mapped read-only, so decoding needs neither a copy of the file nor memory that grows
// with it: pages already decoded are handed back to the kernel as the decoder moves on (release_before),
// which keeps the resident set flat however large the file is. Pipes and other unmappable inputs fall
// back to reading the whole stream.
class MappedFile {
 public:
  explicit MappedFile(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw Error(ExitCode::usage, "cannot open binlog file " + path + ": " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
      void* p = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
      if (p != MAP_FAILED) {
        map_ = static_cast<uint8_t*>(p);
        size_ = static_cast<size_t>(st.st_size);
        ::madvise(p, size_, MADV_SEQUENTIAL);
      }
    }
    ::close(fd);
    if (!map_) fallback_ = read_binlog_file(path);
  }
  ~MappedFile() {
    if (map_) ::munmap(map_, size_);
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  Bytes bytes() const {
    if (map_) return Bytes(map_, size_);
    return Bytes(reinterpret_cast<const uint8_t*>(fallback_.data()), fallback_.size());
  }

  // Drops the pages wholly before `offset` from the resident set once a few MiB have piled up; they are
  // read again from the file should anything touch them (nothing does: decoded events copy what they keep).
  void release_before(uint64_t offset) {
    constexpr uint64_t kChunk = 8u << 20;
    if (!map_ || offset < released_ + kChunk) return;
    uint64_t page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
    uint64_t end = offset / page * page;
    ::madvise(map_ + released_, end - released_, MADV_DONTNEED);
    released_ = end;
  }

 private:
  uint8_t* map_ = nullptr;
  size_t size_ = 0;
  uint64_t released_ = 0;
  std::string fallback_;
};

}  // namespace

void decode_file(const std::string& path, DecoderOptions opts, BinlogHandler& handler) {
  MappedFile file(path);
  BinlogDecoder dec(std::move(opts), handler);
  dec.set_file(path.substr(path.find_last_of('/') + 1));
  try {
    for_each_event(file.bytes(), [&](Bytes ev, uint64_t pos) {
      dec.feed(ev, pos);
      file.release_before(static_cast<uint64_t>(ev.data() - file.bytes().data()));
    });
  } catch (const DecodeError& e) {
    throw DecodeError(path + ": " + e.what());
  }
}

void decode_file(const std::string& path, const event::EnvelopeOptions& opts,
                 const std::function<void(event::ChangeEvent&)>& on_change) {
  struct Adapter : BinlogHandler {
    const std::function<void(event::ChangeEvent&)>& fn;
    explicit Adapter(const std::function<void(event::ChangeEvent&)>& f) : fn(f) {}
    void on_change(event::ChangeEvent& c) override { fn(c); }
  } adapter(on_change);
  DecoderOptions o;
  o.envelope = opts;
  o.naming = ColumnNaming::positional;
  decode_file(path, std::move(o), adapter);
}

}  // namespace cdc::mysql
