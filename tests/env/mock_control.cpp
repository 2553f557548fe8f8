#include "tests/env/mock_control.h"

#include <array>
#include <charconv>
#include <optional>
#include <sstream>
#include <utility>
#include <vector>

namespace cdc::devkafka {
namespace {

// Kafka protocol API keys (https://kafka.apache.org/protocol#protocol_api_keys) that the mock
// cluster in librdkafka 2.0.2 serves; librdkafka keeps its own table in a private header.
constexpr std::array<std::pair<std::string_view, int16_t>, 17> kApiKeys{{
    {"Produce", 0},
    {"Fetch", 1},
    {"ListOffsets", 2},
    {"Metadata", 3},
    {"OffsetCommit", 8},
    {"OffsetFetch", 9},
    {"FindCoordinator", 10},
    {"JoinGroup", 11},
    {"Heartbeat", 12},
    {"LeaveGroup", 13},
    {"SyncGroup", 14},
    {"ApiVersion", 18},
    {"InitProducerId", 22},
    {"AddPartitionsToTxn", 24},
    {"AddOffsetsToTxn", 25},
    {"EndTxn", 26},
    {"TxnOffsetCommit", 28},
}};

template <typename Int>
std::optional<Int> parse_int(std::string_view s) {
  Int v{};
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<int16_t> parse_api_key(std::string_view s) {
  if (auto n = parse_int<int16_t>(s)) return n;
  for (const auto& [name, key] : kApiKeys)
    if (name == s) return key;
  return std::nullopt;
}

// Accepts "6", "NOT_LEADER_FOR_PARTITION" or the full enum name "RD_KAFKA_RESP_ERR_...".
std::optional<rd_kafka_resp_err_t> parse_error(std::string_view s) {
  if (auto n = parse_int<int>(s)) return static_cast<rd_kafka_resp_err_t>(*n);
  constexpr std::string_view kPrefix = "RD_KAFKA_RESP_ERR_";
  if (s.starts_with(kPrefix)) s.remove_prefix(kPrefix.size());
  if (s == "NO_ERROR") return RD_KAFKA_RESP_ERR_NO_ERROR;
  const rd_kafka_err_desc* descs = nullptr;
  size_t cnt = 0;
  rd_kafka_get_err_descs(&descs, &cnt);
  for (size_t i = 0; i < cnt; ++i)
    if (descs[i].name && s == descs[i].name) return descs[i].code;
  return std::nullopt;
}

std::string answer(rd_kafka_resp_err_t err) {
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return "ok";
  return std::string("error ") + rd_kafka_err2name(err) + ": " + rd_kafka_err2str(err);
}

std::string usage(std::string_view what) { return "error usage: " + std::string(what); }

using Args = std::vector<std::string>;

std::string broker_updown(rd_kafka_mock_cluster_t* c, const Args& a, bool up) {
  auto id = a.size() == 2 ? parse_int<int32_t>(a[1]) : std::nullopt;
  if (!id) return usage(a[0] + " BROKER_ID");
  return answer(up ? rd_kafka_mock_broker_set_up(c, *id) : rd_kafka_mock_broker_set_down(c, *id));
}

std::string rtt(rd_kafka_mock_cluster_t* c, const Args& a) {
  auto id = a.size() == 3 ? parse_int<int32_t>(a[1]) : std::nullopt;
  auto ms = a.size() == 3 ? parse_int<int>(a[2]) : std::nullopt;
  if (!id || !ms) return usage("rtt BROKER_ID MS");
  return answer(rd_kafka_mock_broker_set_rtt(c, *id, *ms));
}

// push-errors APIKEY CNT ERR...: either CNT errors, or one error repeated CNT times.
std::string push_errors(rd_kafka_mock_cluster_t* c, const Args& a) {
  auto key = a.size() >= 4 ? parse_api_key(a[1]) : std::nullopt;
  auto cnt = a.size() >= 4 ? parse_int<size_t>(a[2]) : std::nullopt;
  const size_t given = a.size() >= 4 ? a.size() - 3 : 0;
  if (!key || !cnt || *cnt == 0 || (given != 1 && given != *cnt))
    return usage("push-errors APIKEY CNT ERR... (CNT errors, or one error repeated CNT times)");
  std::vector<rd_kafka_resp_err_t> errors;
  for (size_t i = 0; i < *cnt; ++i) {
    auto err = parse_error(a[3 + (given == 1 ? 0 : i)]);
    if (!err) return "error unknown error code " + a[3 + (given == 1 ? 0 : i)];
    errors.push_back(*err);
  }
  rd_kafka_mock_push_request_errors_array(c, *key, errors.size(), errors.data());
  return "ok";
}

std::string clear_errors(rd_kafka_mock_cluster_t* c, const Args& a) {
  auto key = a.size() == 2 ? parse_api_key(a[1]) : std::nullopt;
  if (!key) return usage("clear-errors APIKEY");
  rd_kafka_mock_clear_request_errors(c, *key);
  return "ok";
}

std::string topic_error(rd_kafka_mock_cluster_t* c, const Args& a) {
  auto err = a.size() == 3 ? parse_error(a[2]) : std::nullopt;
  if (!err) return usage("topic-error TOPIC ERR (NO_ERROR clears)");
  rd_kafka_mock_topic_set_error(c, a[1].c_str(), *err);
  return "ok";
}

std::string create_topic(rd_kafka_mock_cluster_t* c, const Args& a) {
  auto parts = a.size() == 4 ? parse_int<int>(a[2]) : std::nullopt;
  auto repl = a.size() == 4 ? parse_int<int>(a[3]) : std::nullopt;
  if (!parts || !repl || *parts <= 0 || *repl <= 0)
    return usage("create-topic NAME PARTITIONS REPLICATION");
  return answer(rd_kafka_mock_topic_create(c, a[1].c_str(), *parts, *repl));
}

std::string leader(rd_kafka_mock_cluster_t* c, const Args& a) {
  auto part = a.size() == 4 ? parse_int<int32_t>(a[2]) : std::nullopt;
  auto broker = a.size() == 4 ? parse_int<int32_t>(a[3]) : std::nullopt;
  if (!part || !broker) return usage("leader TOPIC PARTITION BROKER_ID");
  return answer(rd_kafka_mock_partition_set_leader(c, a[1].c_str(), *part, *broker));
}

Args split(std::string_view line) {
  std::istringstream in{std::string(line)};
  Args out;
  for (std::string w; in >> w;) out.push_back(std::move(w));
  return out;
}

}  // namespace

std::string run_command(rd_kafka_mock_cluster_t* cluster, std::string_view line) {
  const Args a = split(line);
  if (a.empty()) return "error empty command";
  const std::string& cmd = a[0];
  if (cmd == "ping") return "ok";
  if (cmd == "bootstrap") return std::string("ok ") + rd_kafka_mock_cluster_bootstraps(cluster);
  if (cmd == "broker-down") return broker_updown(cluster, a, false);
  if (cmd == "broker-up") return broker_updown(cluster, a, true);
  if (cmd == "rtt") return rtt(cluster, a);
  if (cmd == "push-errors") return push_errors(cluster, a);
  if (cmd == "clear-errors") return clear_errors(cluster, a);
  if (cmd == "topic-error") return topic_error(cluster, a);
  if (cmd == "create-topic") return create_topic(cluster, a);
  if (cmd == "leader") return leader(cluster, a);
  return "error unknown command " + cmd;
}

}  // namespace cdc::devkafka
