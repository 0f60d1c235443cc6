// Comparing two servers' answers to the same API call, as parsed JSON.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace ember::peers {

enum class ValueMatch {
  // The sample value strings are identical: the same samples went through
  // the same arithmetic.
  kExact,
  // Values may differ in their last bits (relative 1e-12), where Prometheus
  // 3.x, which ember follows, does the arithmetic differently from 2.42.
  kLastBits,
};

// What differs between `want` (Prometheus's "data") and `got` (ember's):
// how many series, and the first few differences; nullopt when they agree. Query results ("resultType" and
// "result") are compared as sets of series keyed by their labels; timestamps
// always exactly, values as `match` says. Any other JSON exactly.
std::optional<std::string> AnswerDifference(const nlohmann::json& want, const nlohmann::json& got,
                                            ValueMatch match);

// The JSON cut to at most `max_chars` characters, for a failure message.
std::string Abbreviated(const nlohmann::json& j, size_t max_chars = 3000);

}  // namespace ember::peers
