// Envelope options: the `envelope:` section of the configuration, plus the topic prefix.
#pragma once
#include <string>

namespace cdc::event {

enum class DecimalHandling { precise, string, double_ };
enum class BinaryHandling { bytes, base64, base64_url_safe, hex };
enum class BigintUnsignedHandling { long_, precise };

struct EnvelopeOptions {
  std::string prefix;  // sink.topic_prefix (default: name); also source.name
  bool schemas = true;
  bool tombstones = true;
  DecimalHandling decimal = DecimalHandling::precise;
  BinaryHandling binary = BinaryHandling::base64;
  BigintUnsignedHandling bigint_unsigned = BigintUnsignedHandling::long_;
  bool transaction_metadata = false;
};

}  // namespace cdc::event
