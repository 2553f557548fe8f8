#include "postgres/source/pg_spill_file.h"

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "util/error.h"

namespace cdc::pg {
namespace {

constexpr size_t kWriteBuffer = 256 * 1024;
constexpr size_t kReadBuffer = 1024 * 1024;
constexpr uint64_t kProgressEvery = 4096;  // replayed messages between during_replay calls
constexpr const char* kSuffix = ".spill";

// A record: this header, then `length` payload bytes. Host byte order: the file never leaves this process.
struct RecordHeader {
  uint32_t length;
  uint32_t sub;
  uint64_t lsn;
};

[[noreturn]] void io_error(const std::string& what, const std::filesystem::path& p) {
  throw Error(ExitCode::temporary, what + " spill file " + p.string() + ": " + std::strerror(errno));
}

}  // namespace

FileStreamSpool::FileStreamSpool(std::filesystem::path dir, std::function<void()> during_replay)
    : dir_(std::move(dir)), during_replay_(std::move(during_replay)) {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) throw Error(ExitCode::temporary, "cannot create spill directory " + dir_.string() + ": " + ec.message());
  for (const auto& e : std::filesystem::directory_iterator(dir_, ec))
    if (e.path().extension() == kSuffix) std::filesystem::remove(e.path(), ec);
}

FileStreamSpool::~FileStreamSpool() {
  while (!spills_.empty()) discard(spills_.begin()->first);
}

std::filesystem::path FileStreamSpool::path(Xid top) const { return dir_ / (std::to_string(top) + kSuffix); }

void FileStreamSpool::append(Xid top, Xid sub, Lsn lsn, std::span<const uint8_t> payload) {
  Spill& s = spills_[top];
  if (!s.file) {
    s.file.reset(std::fopen(path(top).c_str(), "wb"));
    if (!s.file) io_error("cannot create", path(top));
    s.buffer = std::make_unique<char[]>(kWriteBuffer);
    std::setvbuf(s.file.get(), s.buffer.get(), _IOFBF, kWriteBuffer);
  }
  RecordHeader h{static_cast<uint32_t>(payload.size()), sub, lsn};
  if (std::fwrite(&h, sizeof h, 1, s.file.get()) != 1 ||
      (!payload.empty() && std::fwrite(payload.data(), payload.size(), 1, s.file.get()) != 1))
    io_error("cannot write", path(top));
  ++s.messages;
  s.bytes += sizeof h + payload.size();
}

void FileStreamSpool::replay(Xid top, const Visit& visit) {
  auto it = spills_.find(top);
  if (it == spills_.end()) return;
  const std::filesystem::path p = path(top);
  // Removes the file however the replay ends; a decode or delivery failure stops the agent anyway.
  struct Cleanup {
    FileStreamSpool& spool;
    Xid top;
    ~Cleanup() { spool.discard(top); }
  } cleanup{*this, top};
  Spill& s = it->second;
  if (std::fflush(s.file.get()) != 0) io_error("cannot write", p);
  spdlog::info("streamed transaction {} committed: replaying {} messages ({:.1f} MiB) from {}", top, s.messages,
               static_cast<double>(s.bytes) / (1024.0 * 1024.0), p.string());
  File in(std::fopen(p.c_str(), "rb"));
  if (!in) io_error("cannot open", p);
  auto buffer = std::make_unique<char[]>(kReadBuffer);
  std::setvbuf(in.get(), buffer.get(), _IOFBF, kReadBuffer);
  std::vector<uint8_t> payload;  // reused: holds one message at a time
  for (uint64_t n = 0; n < s.messages; ++n) {
    RecordHeader h{};
    bool whole = std::fread(&h, sizeof h, 1, in.get()) == 1;
    if (whole) payload.resize(h.length);
    if (whole && h.length) whole = std::fread(payload.data(), h.length, 1, in.get()) == 1;
    if (!whole) {
      if (std::ferror(in.get())) io_error("cannot read", p);
      throw Error(ExitCode::internal, "spill file " + p.string() + " ends before its message " + std::to_string(n + 1));
    }
    visit(h.sub, h.lsn, payload);
    if (during_replay_ && (n + 1) % kProgressEvery == 0) during_replay_();
  }
}

void FileStreamSpool::discard(Xid top) {
  auto node = spills_.extract(top);
  if (!node) return;
  node.mapped().file.reset();
  std::error_code ec;
  std::filesystem::remove(path(top), ec);
}

}  // namespace cdc::pg
