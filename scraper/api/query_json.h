// The JSON of the Prometheus query API's results, written straight into a
// string: `data` of /api/v1/query and /api/v1/query_range, and the stats
// object of `stats=all`.
//
// The output is byte-for-byte what Prometheus writes: sample values as
// strings in Go's shortest 'f' format ("NaN", "+Inf", "-Inf" for the
// specials), timestamps as seconds with up to three decimals, label names
// and values escaped as Go's encoding/json does (HTML characters and U+2028/
// U+2029 as \u escapes, invalid UTF-8 as U+FFFD).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ember/base/strings.h"
#include "ember/promql/engine.h"
#include "ember/promql/value.h"

namespace ember::scraper {

// Appends `s` as a JSON string literal, quotes included, as Prometheus's API
// (jsoniter) writes it.
inline void AppendJsonString(std::string& out, std::string_view s) {
  AppendGoJsonString(out, s, GoJsonFlavour::kJsoniter);
}

// Appends a float64 as Go's encoding/json writes a number: the shortest 'f'
// form, or the exponent form (`1.5e-7`, no exponent padding) below 1e-6 and
// from 1e21 on.
void AppendJsonNumber(std::string& out, double v);

// Appends a timestamp in ms as Prometheus writes it: `1435781451.781`,
// `1435781451` for a whole second, `-0.5` before the epoch.
void AppendJsonTimestamp(std::string& out, int64_t ms);

// Appends a sample value as a JSON string: `"1.5"`, `"NaN"`, `"+Inf"`.
void AppendJsonSampleValue(std::string& out, double v);

// Appends `{"resultType":"vector","result":[...]}` (or matrix, scalar,
// string) for a query's value.
void AppendQueryData(std::string& out, const promql::Value& value);

// Appends the `stats` object: `{"timings":{...},"samples":{...}}`, with
// `totalQueryableSamplesPerStep` when it was collected.
void AppendQueryStats(std::string& out, const promql::QueryStats& stats);

}  // namespace ember::scraper
