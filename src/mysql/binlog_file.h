// Reading recorded binlogs: a server's binlog file, or a COM_BINLOG_DUMP stream saved as magic + events
// (".dumpstream"), whose positions come from the events' own log_pos.
#pragma once
#include <functional>
#include <string>

#include "event/change_event.h"
#include "event/options.h"
#include "mysql/binlog_decoder.h"

namespace cdc::mysql {

// Calls fn(event bytes, start position) for every event. Checks the magic; a truncated last event is a
// DecodeError naming the offset.
void for_each_event(Bytes data, const std::function<void(Bytes, uint64_t)>& fn);

// Whole file into memory. Throws cdc::Error (usage) when it cannot be read.
std::string read_binlog_file(const std::string& path);

// Decodes a file through `handler`; the decoder is named after the file's base name.
void decode_file(const std::string& path, DecoderOptions opts, BinlogHandler& handler);
// For `cdc-agent decode`: every row change, with positional column names where metadata has none.
void decode_file(const std::string& path, const event::EnvelopeOptions& opts,
                 const std::function<void(event::ChangeEvent&)>& on_change);

}  // namespace cdc::mysql
