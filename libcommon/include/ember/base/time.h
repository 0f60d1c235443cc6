// Timestamps and durations in the forms Prometheus, Loki and Alertmanager
// accept and print.
//
// Sample timestamps are int64 milliseconds since the Unix epoch (TimestampMs),
// as in Prometheus. Durations are std::chrono types.
#pragma once

#include <chrono>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "ember/base/status.h"

namespace ember {

using TimestampMs = int64_t;
using Milliseconds = std::chrono::milliseconds;
using Nanoseconds = std::chrono::nanoseconds;

// The range of timestamps the HTTP APIs accept, as in Prometheus (whose
// min/max time print as "-292273086-05-16T16:47:06Z" and
// "292277025-08-18T07:12:54.999Z"): int64 nanoseconds' range in ms, halved.
inline constexpr TimestampMs kMinTimestampMs = std::numeric_limits<int64_t>::min() / 1000;
inline constexpr TimestampMs kMaxTimestampMs = std::numeric_limits<int64_t>::max() / 1000;

// Parses an API time: RFC 3339 with optional fractional seconds and zone
// ("2015-07-01T20:10:51.781Z", "2015-07-01T22:10:51+02:00") or Unix seconds as
// a float ("1435781451.781"), rounded to milliseconds as Prometheus does.
// Prometheus's printed min/max times parse to kMinTimestampMs/kMaxTimestampMs.
// Error: InvalidArgument `cannot parse "x" to a valid timestamp`.
Result<TimestampMs> ParseTimestamp(std::string_view s);

// RFC 3339 in UTC with exactly three fractional digits: "2015-07-01T20:10:51.781Z".
std::string FormatRfc3339Millis(TimestampMs ts);
// RFC 3339 in UTC with the fraction trimmed of trailing zeros (Go's RFC3339Nano):
// "2015-07-01T20:10:51.78Z", "2015-07-01T20:10:51Z".
std::string FormatRfc3339Nano(int64_t unix_nanos);

// Parses a Prometheus duration ("1h30m", "5m", "1d", "2w", "1y", "300ms", "0"):
// units y=365d, w, d, h, m, s, ms, each at most once, largest first.
// Errors: InvalidArgument `empty duration string`,
// `not a valid duration string: "x"`, `duration out of range`.
Result<Milliseconds> ParseDuration(std::string_view s);

// Prints as Prometheus does: the largest units first, "0s" for zero ("1h30m",
// "1d", "1w", "1y", "1m30s", "1s500ms").
std::string FormatDuration(Milliseconds d);

// Parses a Go time.Duration ("1.5h", "300ms", "1h2m3.5s", "-2us", "0"):
// units ns, us (µs, μs), ms, s, m, h; a sign is allowed; a number without a
// unit is an error except "0". Error: InvalidArgument `time: invalid duration "x"`.
Result<Nanoseconds> ParseGoDuration(std::string_view s);

// Prints as Go's Duration.String: "1h2m3.5s", "300ms", "1.5µs", "0s".
std::string FormatGoDuration(Nanoseconds d);

// The API's duration parameters (step, timeout, lookback_delta): float seconds
// ("15", "0.5") or a Prometheus duration ("15s"). Error: InvalidArgument
// `cannot parse "x" to a valid duration`.
Result<Milliseconds> ParseDurationOrSeconds(std::string_view s);

}  // namespace ember
