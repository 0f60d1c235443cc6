// Prometheus durations (model.Duration): `1y2w3d4h5m6s7ms`, units in this
// order, each at most once, integers only.
#include <cstdint>
#include <limits>
#include <string>

#include "ember/base/strings.h"
#include "ember/promql/parser.h"

namespace ember::promql {
namespace {

struct Unit {
  std::string_view name;
  int64_t ms;
};

constexpr Unit kUnits[] = {
    {"y", 365LL * 24 * 3600 * 1000},
    {"w", 7LL * 24 * 3600 * 1000},
    {"d", 24LL * 3600 * 1000},
    {"h", 3600LL * 1000},
    {"m", 60LL * 1000},
    {"s", 1000},
    {"ms", 1},
};

}  // namespace

Result<int64_t> ParseDuration(std::string_view text) {
  auto invalid = [&] { return Status::InvalidArgument("not a valid duration string: " + GoQuote(text)); };
  if (text == "0") return int64_t{0};
  if (text.empty()) return invalid();
  size_t pos = 0;
  size_t next_unit = 0;  // units must come in kUnits order
  int64_t total = 0;
  while (pos < text.size()) {
    size_t digits_start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
    if (pos == digits_start) return invalid();
    std::optional<int64_t> n = ParseInt(text.substr(digits_start, pos - digits_start));
    if (!n) return invalid();
    size_t unit_start = pos;
    while (pos < text.size() && !(text[pos] >= '0' && text[pos] <= '9')) ++pos;
    std::string_view unit = text.substr(unit_start, pos - unit_start);
    size_t u = next_unit;
    while (u < std::size(kUnits) && kUnits[u].name != unit) ++u;
    if (u == std::size(kUnits)) return invalid();
    next_unit = u + 1;
    if (*n > std::numeric_limits<int64_t>::max() / kUnits[u].ms) return invalid();
    int64_t add = *n * kUnits[u].ms;
    if (total > std::numeric_limits<int64_t>::max() - add) return invalid();
    total += add;
  }
  return total;
}

std::string FormatDuration(int64_t ms) {
  if (ms == 0) return "0s";
  std::string out;
  if (ms < 0) {
    // model.Duration has no negative form; callers print the sign themselves.
    out = "-";
    ms = ms == std::numeric_limits<int64_t>::min() ? std::numeric_limits<int64_t>::max() : -ms;
  }
  for (const Unit& u : kUnits) {
    if (ms >= u.ms) {
      int64_t n = ms / u.ms;
      ms %= u.ms;
      out += std::to_string(n);
      out += u.name;
    }
  }
  return out;
}

}  // namespace ember::promql
