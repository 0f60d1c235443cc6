// The parameters of the Prometheus query API (/api/v1/query, series, labels,
// ...), parsed as Prometheus parses them, with its error texts: the words
// clients see in `"error"` are Prometheus's own, so tools that match on them
// keep working.
//
// Every function here is pure and thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ember/base/status.h"
#include "ember/base/time.h"
#include "ember/http/params.h"
#include "ember/http/request.h"
#include "ember/http/response.h"
#include "ember/tsdb/matcher.h"

namespace ember::scraper {

// Prometheus's MinTime and MaxTime as it prints them; clients send them back
// for an open bound.
inline constexpr std::string_view kApiMinTimeFormatted = "-292273086-05-16T16:47:06Z";
inline constexpr std::string_view kApiMaxTimeFormatted = "292277025-08-18T07:12:54.999999999Z";

// What the two parse to, and the defaults of an absent `start` / `end`
// (series, labels, label values, exemplars): the oldest and newest times the
// API knows, in ms (Ember's own bounds, see ember/base/time.h).
inline constexpr int64_t kApiMinTimeMs = kMinTimestampMs;
inline constexpr int64_t kApiMaxTimeMs = kMaxTimestampMs;

// The request's form values as Prometheus's handlers read them with Go's
// FormValue: for POST, PUT and PATCH with Content-Type
// application/x-www-form-urlencoded the body's pairs, then the URL query's.
// Unlike http::Request::Form, a pair that does not decode is skipped and the
// rest kept, as Go's ParseForm keeps them; `*error` (when not null) receives
// the first error (OK when there was none), worded as Go words it
// (`invalid URL escape "%zz"`). Only /api/v1/series turns that error into a
// 400; the other endpoints ignore it, as upstream.
http::Params ApiForm(const http::Request& request, Status* error);

// A time parameter: Unix seconds as a float ("1435781451.781", "-1.5",
// rounded to ms) or RFC 3339 with optional fraction and zone, or
// kApiMinTimeFormatted / kApiMaxTimeFormatted. Returns ms.
// Error: InvalidArgument `cannot parse "x" to a valid timestamp`.
Result<int64_t> ParseApiTime(std::string_view s);

// An optional time parameter `name` of `form`: `default_ms` when absent or
// empty. Error: InvalidArgument
// `invalid time value for 'start': cannot parse "x" to a valid timestamp`.
Result<int64_t> ParseApiTimeParam(const http::Params& form, std::string_view name, int64_t default_ms);

// A duration parameter (step, timeout, lookback_delta): float seconds
// ("15", "0.5", "-1") or a PromQL duration ("1m30s"). Returns ms, truncated
// from Go's nanoseconds as Prometheus truncates them.
// Errors: InvalidArgument `cannot parse "x" to a valid duration`, or
// `cannot parse "x" to a valid duration. It overflows int64` for seconds
// beyond int64 nanoseconds. "NaN" parses, as in Go on amd64, to the most
// negative duration (which every caller then rejects as not positive).
Result<int64_t> ParseApiDuration(std::string_view s);

// The `limit` parameter of query, query_range, series, labels and label
// values: 0 (no limit) when empty. Errors: InvalidArgument
// `strconv.Atoi: parsing "x": invalid syntax`,
// `strconv.Atoi: parsing "x": value out of range`, `limit must be non-negative`.
Result<int64_t> ParseApiLimit(std::string_view s);

// Go's strconv.Atoi on a 64-bit platform, with its error texts (see
// ParseApiLimit).
Result<int64_t> GoAtoi(std::string_view s);

// The `match[]` values, each a series selector (`up{job="a"}`), as matcher
// sets. Errors: InvalidArgument with the parser's message, or
// `match[] must contain at least one non-empty matcher` when a set matches
// the empty label set.
Result<std::vector<std::vector<tsdb::Matcher>>> ParseApiMatchers(const std::vector<std::string>& values);

// Undoes the `U__` value escaping of a label or metric name
// (prometheus/common's UnescapeName with ValueEncodingEscaping): after the
// prefix, `__` is `_` and `_<hex>_` is the code point <hex> (at most five
// digits). A name without the prefix, or one that does not unescape
// cleanly, is returned unchanged, as upstream.
std::string UnescapeApiName(std::string_view name);

// The `<name>` of /api/v1/label/<name>/values (already percent-decoded by the
// router): unescaped when it starts with `U__`, then checked.
// Error: InvalidArgument `invalid label name: "x"` for an empty name or one
// that is not valid UTF-8.
Result<std::string> ParseApiLabelName(std::string_view raw);

// The 400 bad_data answer `invalid parameter "start": <error's message>`.
http::Response InvalidParamError(const Status& error, std::string_view param);

}  // namespace ember::scraper
