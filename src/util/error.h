// The agent's error convention: code that cannot continue throws cdc::Error carrying the exit code the
// process must end with. Decoders throw DecodeError (a cdc::Error) naming where in the stream it happened.
#pragma once
#include <stdexcept>
#include <string>

#include "util/exit_codes.h"

namespace cdc {

class Error : public std::runtime_error {
 public:
  Error(ExitCode code, const std::string& what) : std::runtime_error(what), code_(code) {}
  ExitCode code() const { return code_; }

 private:
  ExitCode code_;
};

// Malformed or truncated input. `where` is filled in by the layer that knows the position
// (file:pos, LSN); the decoder itself only knows the offset inside the buffer it was given.
class DecodeError : public Error {
 public:
  explicit DecodeError(const std::string& what) : Error(ExitCode::source_unusable, what) {}
};

}  // namespace cdc
