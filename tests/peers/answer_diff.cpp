#include "answer_diff.h"

#include <cmath>
#include <cstdlib>
#include <vector>

#include "peer_harness.h"

namespace ember::peers {
namespace {

// Series differences named in one message; the rest are counted.
constexpr size_t kMaxListed = 8;

bool ValuesAgree(const nlohmann::json& want, const nlohmann::json& got, ValueMatch match) {
  if (want == got) return true;
  if (match == ValueMatch::kExact || !want.is_string() || !got.is_string()) return false;
  double a = std::strtod(want.get<std::string>().c_str(), nullptr);
  double b = std::strtod(got.get<std::string>().c_str(), nullptr);
  if (std::isnan(a) || std::isnan(b) || std::isinf(a) || std::isinf(b)) return false;
  return std::fabs(a - b) <= 1e-12 * std::max(std::fabs(a), std::fabs(b));
}

// One [timestamp, "value"] pair.
std::optional<std::string> PointDifference(const nlohmann::json& want, const nlohmann::json& got,
                                           ValueMatch match) {
  if (!want.is_array() || !got.is_array() || want.size() != 2 || got.size() != 2) {
    return "malformed point: want " + want.dump() + ", got " + got.dump();
  }
  if (want[0] != got[0]) return "timestamps differ: want " + want.dump() + ", got " + got.dump();
  if (!ValuesAgree(want[1], got[1], match))
    return "values differ: want " + want.dump() + ", got " + got.dump();
  return std::nullopt;
}

std::optional<std::string> SeriesDifference(const nlohmann::json& want, const nlohmann::json& got,
                                            ValueMatch match) {
  const std::string where = want["metric"].dump() + ": ";
  if (want.contains("value") || got.contains("value")) {
    if (!want.contains("value") || !got.contains("value")) return where + "one has a value, the other not";
    if (auto d = PointDifference(want["value"], got["value"], match)) return where + *d;
  }
  if (want.contains("values") || got.contains("values")) {
    if (!want.contains("values") || !got.contains("values")) return where + "one has values, the other not";
    const auto& a = want["values"];
    const auto& b = got["values"];
    for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
      if (auto d = PointDifference(a[i], b[i], match))
        return where + "point " + std::to_string(i) + ": " + *d;
    }
    if (a.size() != b.size()) {
      return where + std::to_string(a.size()) + " points wanted, " + std::to_string(b.size()) + " got";
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> AnswerDifference(const nlohmann::json& want_raw, const nlohmann::json& got_raw,
                                            ValueMatch match) {
  nlohmann::json want = SortedByMetric(want_raw);
  nlohmann::json got = SortedByMetric(got_raw);
  if (!want.is_object() || !want.contains("result")) {
    if (want == got) return std::nullopt;
    return "answers differ";
  }
  if (!got.is_object() || !got.contains("result")) return "ember's answer is not a query result";
  if (want["resultType"] != got["resultType"]) {
    return "result types differ: want " + want["resultType"].dump() + ", got " + got["resultType"].dump();
  }
  if (want["resultType"] == "scalar" || want["resultType"] == "string") {
    if (auto d = PointDifference(want["result"], got["result"], match)) return *d;
    return std::nullopt;
  }
  const auto& a = want["result"];
  const auto& b = got["result"];
  std::vector<std::string> differences;
  for (size_t i = 0, j = 0; i < a.size() || j < b.size();) {
    if (j == b.size() || (i < a.size() && a[i]["metric"].dump() < b[j]["metric"].dump())) {
      differences.push_back("series missing from ember: " + a[i++]["metric"].dump());
    } else if (i == a.size() || b[j]["metric"].dump() < a[i]["metric"].dump()) {
      differences.push_back("series ember has and Prometheus not: " + b[j++]["metric"].dump());
    } else {
      if (auto d = SeriesDifference(a[i], b[j], match)) differences.push_back(*d);
      ++i;
      ++j;
    }
  }
  if (differences.empty()) return std::nullopt;
  std::string out = std::to_string(differences.size()) + " of " + std::to_string(a.size()) + " series differ";
  for (size_t k = 0; k < differences.size() && k < kMaxListed; ++k) out += "\n  - " + differences[k];
  if (differences.size() > kMaxListed) out += "\n  - ...";
  return out;
}

std::string Abbreviated(const nlohmann::json& j, size_t max_chars) {
  std::string s = j.dump();
  if (s.size() <= max_chars) return s;
  return s.substr(0, max_chars) + "... (" + std::to_string(s.size()) + " characters)";
}

}  // namespace ember::peers
