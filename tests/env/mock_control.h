// Line commands that steer librdkafka's mock cluster (rdkafka_mock.h) for fault tests.
// One command per line, one answer per command: "ok" or "error <reason>".
#pragma once

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <string>
#include <string_view>

namespace cdc::devkafka {

// Runs `line` against `cluster` and returns the answer line (without newline).
// Commands: ping | broker-down ID | broker-up ID | rtt ID MS |
//           push-errors APIKEY CNT ERR... | clear-errors APIKEY | topic-error TOPIC ERR |
//           create-topic NAME PARTITIONS REPL | leader TOPIC PARTITION BROKER | bootstrap
// APIKEY and ERR accept a number or a name (Produce, NOT_LEADER_FOR_PARTITION, ...).
std::string run_command(rd_kafka_mock_cluster_t* cluster, std::string_view line);

}  // namespace cdc::devkafka
