#include "api_params.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "api_response.h"
#include "ember/base/strings.h"
#include "ember/promql/parser.h"

namespace ember::scraper {
namespace {

// Adds the pairs of an encoded query or form body, skipping those that do not
// decode, as Go's url.ParseQuery does; the first error goes to `*first`.
void AddPairs(std::string_view encoded, http::Params& out, Status& first) {
  for (std::string_view pair : Split(encoded, '&')) {
    if (pair.find(';') != std::string_view::npos) {
      if (first.ok()) first = Status::InvalidArgument("invalid semicolon separator in query");
      continue;
    }
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    auto key = http::PercentDecode(pair.substr(0, eq), /*plus_is_space=*/true);
    auto value = http::PercentDecode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1),
                                     /*plus_is_space=*/true);
    if (!key.ok() || !value.ok()) {
      if (first.ok()) first = key.ok() ? value.status() : key.status();
      continue;
    }
    out.Add(std::move(key).value(), std::move(value).value());
  }
}

bool BodyIsForm(const http::Request& request) {
  if (request.method != "POST" && request.method != "PUT" && request.method != "PATCH") return false;
  std::string_view type = request.headers.Get("Content-Type");
  type = TrimSpace(type.substr(0, type.find(';')));
  return EqualsIgnoreCase(type, "application/x-www-form-urlencoded");
}

bool IsValidRune(uint64_t cp) { return cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff); }

}  // namespace

http::Params ApiForm(const http::Request& request, Status* error) {
  http::Params form;
  Status first;
  if (BodyIsForm(request)) AddPairs(request.body, form, first);
  AddPairs(request.raw_query, form, first);
  if (error != nullptr) *error = std::move(first);
  return form;
}

Result<int64_t> ParseApiTime(std::string_view s) {
  // Go's time parser cannot read these years, so Prometheus matches its own
  // bounds by text.
  if (s == kApiMinTimeFormatted) return kApiMinTimeMs;
  if (s == kApiMaxTimeFormatted) return kApiMaxTimeMs;
  auto t = ParseTimestamp(s);
  if (!t.ok()) return Status::InvalidArgument("cannot parse " + GoQuote(s) + " to a valid timestamp");
  return *t;
}

Result<int64_t> ParseApiTimeParam(const http::Params& form, std::string_view name, int64_t default_ms) {
  const std::string_view value = form.Get(name);
  if (value.empty()) return default_ms;
  auto t = ParseApiTime(value);
  if (!t.ok()) {
    return Status::InvalidArgument("Invalid time value for '" + std::string(name) +
                                   "': " + t.status().message());
  }
  return t;
}

Result<int64_t> ParseApiDuration(std::string_view s) {
  if (auto seconds = ParseFloat(s)) {
    const double ns = *seconds * 1e9;
    // 2^63: Go compares against float64(math.MaxInt64), which rounds up to it.
    constexpr double kTwo63 = 9223372036854775808.0;
    if (ns > kTwo63 || ns < -kTwo63) {
      return Status::InvalidArgument("cannot parse " + GoQuote(s) +
                                     " to a valid duration. It overflows int64");
    }
    // NaN and exactly 2^63 pass Go's check; converting them gives the most
    // negative int64 on amd64.
    if (std::isnan(ns) || ns >= kTwo63) return std::numeric_limits<int64_t>::min() / 1'000'000;
    // Go truncates to nanoseconds, the engine then to milliseconds.
    return static_cast<int64_t>(ns) / 1'000'000;
  }
  if (auto d = promql::ParseDuration(s); d.ok()) return *d;
  return Status::InvalidArgument("cannot parse " + GoQuote(s) + " to a valid duration");
}

Result<int64_t> GoAtoi(std::string_view s) {
  auto syntax = [&] {
    return Status::InvalidArgument("strconv.Atoi: parsing " + GoQuote(s) + ": invalid syntax");
  };
  auto range = [&] {
    return Status::InvalidArgument("strconv.Atoi: parsing " + GoQuote(s) + ": value out of range");
  };
  size_t i = 0;
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    i = 1;
  }
  if (i == s.size()) return syntax();
  // As Go's ParseUint: junk is a syntax error, an overflow is reported as
  // soon as it happens, even with junk after it.
  constexpr uint64_t kCutoff = std::numeric_limits<uint64_t>::max() / 10 + 1;
  uint64_t n = 0;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c < '0' || c > '9') return syntax();
    if (n >= kCutoff) return range();
    const uint64_t next = n * 10 + static_cast<uint64_t>(c - '0');
    if (next < n * 10) return range();
    n = next;
  }
  constexpr uint64_t kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  if (!negative && n > kMax) return range();
  if (negative && n > kMax + 1) return range();
  return negative ? static_cast<int64_t>(0 - n) : static_cast<int64_t>(n);
}

Result<int64_t> ParseApiLimit(std::string_view s) {
  if (s.empty()) return int64_t{0};
  EMBER_ASSIGN_OR_RETURN(int64_t limit, GoAtoi(s));
  if (limit < 0) return Status::InvalidArgument("limit must be non-negative");
  return limit;
}

Result<std::vector<std::vector<tsdb::Matcher>>> ParseApiMatchers(const std::vector<std::string>& values) {
  std::vector<std::vector<tsdb::Matcher>> sets;
  sets.reserve(values.size());
  for (const std::string& value : values) {
    EMBER_ASSIGN_OR_RETURN(std::vector<tsdb::Matcher> set, promql::ParseMetricSelector(value));
    sets.push_back(std::move(set));
  }
  for (const auto& set : sets) {
    // A set whose every matcher accepts "" would select every series.
    if (std::all_of(set.begin(), set.end(), [](const tsdb::Matcher& m) { return m.MatchesEmpty(); })) {
      return Status::InvalidArgument("match[] must contain at least one non-empty matcher");
    }
  }
  return sets;
}

std::string UnescapeApiName(std::string_view name) {
  constexpr std::string_view kPrefix = "U__";
  if (!name.starts_with(kPrefix)) return std::string(name);
  const std::string_view escaped = name.substr(kPrefix.size());
  std::string out;
  out.reserve(escaped.size());
  for (size_t i = 0; i < escaped.size(); ++i) {
    if (escaped[i] != '_') {
      out += escaped[i];
      continue;
    }
    if (++i >= escaped.size()) return std::string(name);
    if (escaped[i] == '_') {
      out += '_';
      continue;
    }
    // `_<hex>_`. Upstream gives up once six characters (closing underscore
    // included) are read, so at most five hex digits unescape.
    uint64_t cp = 0;
    for (size_t j = 0;; ++j, ++i) {
      if (i >= escaped.size() || j >= 6) return std::string(name);
      if (escaped[i] == '_') break;
      // Go lowers with `| 0x20`, which also maps a few control bytes onto digits.
      const char c = static_cast<char>(escaped[i] | 0x20);
      if (c >= '0' && c <= '9') {
        cp = cp * 16 + static_cast<uint64_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        cp = cp * 16 + static_cast<uint64_t>(c - 'a' + 10);
      } else {
        return std::string(name);
      }
    }
    if (!IsValidRune(cp)) return std::string(name);
    AppendUtf8(out, static_cast<uint32_t>(cp));
  }
  return out;
}

Result<std::string> ParseApiLabelName(std::string_view raw) {
  std::string name = raw.starts_with("U__") ? UnescapeApiName(raw) : std::string(raw);
  if (name.empty() || !IsValidUtf8(name)) {
    return Status::InvalidArgument("invalid label name: " + GoQuote(name));
  }
  return name;
}

http::Response InvalidParamError(const Status& error, std::string_view param) {
  return ApiError(ApiErrorType::kBadData, "invalid parameter " + GoQuote(param) + ": " + error.message());
}

}  // namespace ember::scraper
