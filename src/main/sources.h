// Builds the configured source. One place knows every source type.
#pragma once
#include <memory>

#include "config/config.h"
#include "event/source.h"
#include "sink/sink.h"

namespace cdc {

std::unique_ptr<event::Source> make_source(const Config& cfg);
std::unique_ptr<Sink> make_sink(const Config& cfg);

}  // namespace cdc
