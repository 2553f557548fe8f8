// A source that only has a phase, as the metrics and the systemd notifier see it.
#pragma once
#include "event/source.h"

namespace cdc::test {

class PhaseSource : public event::Source {
 public:
  void start() override {}
  void poll(event::EventSink&, int) override {}
  void ack(const event::SourcePosition&) override {}
  void stop() override {}
  void enter(Phase p) { set_phase(p); }
};

}  // namespace cdc::test
