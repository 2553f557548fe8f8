// `cdc-agent decode`: binlog files -> envelopes on stdout, one JSON per line (value only; the topic and key
// go in front, tab-separated, like the stdout sink, so the output can be replayed).
#include <unistd.h>

#include <string>

#include "event/envelope.h"
#include "main/commands.h"
#include "mysql/binlog_file.h"

namespace cdc {

int decode_command(const DecodeArgs& a) {
  event::EnvelopeOptions opts;
  opts.prefix = a.prefix;
  opts.schemas = a.schemas;
  event::EnvelopeWriter writer(opts);
  std::string out;
  out.reserve(1 << 20);
  auto flush = [&] {
    size_t off = 0;
    while (off < out.size()) {
      ssize_t n = ::write(STDOUT_FILENO, out.data() + off, out.size() - off);
      if (n <= 0) throw Error(ExitCode::internal, "decode: cannot write to stdout");
      off += static_cast<size_t>(n);
    }
    out.clear();
  };
  for (const auto& file : a.files) {
    mysql::decode_file(file, opts, [&](event::ChangeEvent& ev) {
      writer.value(ev, out);
      out.push_back('\n');
      if (out.size() > (1 << 20) - 65536) flush();
    });
  }
  flush();
  return 0;
}

}  // namespace cdc
