// `cdc-agent run`: wires the configured source and sink into the Pipeline and streams until a signal.
#include <malloc.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <memory>

#include "main/commands.h"
#include "main/metrics.h"
#include "main/pipeline.h"
#include "main/service_notify.h"
#include "main/sources.h"
#include "cdc_version.h"
#include "sink/kafka_sink.h"
#include "sink/stdout_sink.h"

namespace cdc {
namespace {

std::atomic<bool> g_stop{false};

extern "C" void on_stop_signal(int) { g_stop.store(true); }

void install_signal_handlers() {
  struct sigaction sa{};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  // A file-size limit on the offset file must surface as EFBIG (a clean error), not kill the process.
  signal(SIGXFSZ, SIG_IGN);
  signal(SIGPIPE, SIG_IGN);
}

}  // namespace

std::unique_ptr<Sink> make_sink(const Config& cfg) {
  if (cfg.sink.type == SinkType::kafka) return std::make_unique<KafkaSink>(cfg.sink.kafka);
  return std::make_unique<StdoutSink>();
}

int run_command(const Config& cfg) {
  install_signal_handlers();
  // Allocator settings for the producer's allocation pattern (docs/benchmarks.md, profiling notes):
  // - librdkafka allocates ~6 small blocks per message (message, headers) and frees them when the report
  //   is served; glibc's fastbin consolidation before larger allocations cost ~9% of end-to-end throughput.
  // - librdkafka builds every produce request in fresh buffers of up to batch.size (1 MB). With glibc's
  //   adaptive thresholds those come from mmap or from a heap top that is trimmed again after each
  //   request, so every batch was page-faulted in anew (page clearing and faults were ~10% of the agent's
  //   CPU). Fixed thresholds keep that memory for reuse; it is bounded by what is in flight.
  mallopt(M_MXFAST, 0);
  mallopt(M_MMAP_THRESHOLD, 8 << 20);
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
  auto source = make_source(cfg);
  auto sink = make_sink(cfg);
  PipelineOptions opts;
  opts.envelope = cfg.envelope;
  opts.heartbeat_interval_ms = static_cast<int>(cfg.heartbeat.interval_ms);
  opts.shutdown_timeout_ms = static_cast<int>(cfg.shutdown_timeout_ms);
  if (!cfg.source.exclude_columns.empty())
    opts.column_excluded = [&cfg](std::string_view c) { return cfg.column_excluded(c); };
  AgentStats stats;
  stats.source = source.get();
  opts.stats = &stats;
  const char* source_type = cfg.source.type == SourceType::mysql ? "mysql" : "postgres";
  std::unique_ptr<MetricsServer> metrics;
  if (!cfg.metrics.listen.empty()) {
    metrics = std::make_unique<MetricsServer>(cfg.metrics.listen, stats, cfg.name, source_type);
    spdlog::info("metrics on http://{}/metrics (also /healthz, /readyz)", cfg.metrics.listen);
  }
  ServiceNotifier notifier(stats);  // systemd Type=notify; silent elsewhere
  Pipeline pipeline(opts, *source, *sink);
  spdlog::info("cdc-agent {} starting: {} source {}:{}, {} sink", CDC_AGENT_VERSION,
               source_type, cfg.source.host, cfg.source.port,
               cfg.sink.type == SinkType::kafka ? "kafka" : "stdout");
  return pipeline.run(g_stop);
}

}  // namespace cdc
