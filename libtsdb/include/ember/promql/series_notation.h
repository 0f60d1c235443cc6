// The series notation of Prometheus's test languages: a series written as
// `metric{label="value"}` followed by an expanding value sequence such as
// `1+2x3 _ stale`. It is read by the PromQL test scripts (`load` and `eval`
// blocks) and by rule unit-test files (`input_series`, `exp_samples`).
//
// All functions are pure and thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ember/base/labels.h"
#include "ember/base/status.h"

namespace ember::promql {

// One item of an expanded value sequence.
struct SequenceValue {
  enum class Kind { kFloat, kOmitted, kHistogram };
  Kind kind = Kind::kFloat;
  double value = 0;       // kFloat; may be the stale marker (tsdb::StaleNaN)
  std::string histogram;  // kHistogram: the literal without the braces
};

// A series and its values.
struct SeriesLine {
  Labels labels;
  std::vector<SequenceValue> values;

  bool HasHistogram() const;
};

// `metric{a="b"} 1 2+3x4 _ stale {{...}}`. The series may also be `{}`,
// `{__name__="m"}` or `{"m", a="b"}`; the values may be absent. When
// `start_timestamps` is given, a series written `name{...}@st` is accepted and
// reported there; its values are then offsets and are not returned.
// Error: InvalidArgument naming the problem and the start of the text.
[[nodiscard]] Result<SeriesLine> ParseSeriesLine(std::string_view text, bool* start_timestamps = nullptr);

// Expands a value sequence: `a+bxn` is n+1 values from a stepping by b (the
// step added repeatedly, as upstream does), `axn` repeats a n+1 times, `_` and
// `_xn` omit one or n samples, `stale` is the stale marker, `{{...}}` a native
// histogram literal (kept as text, with `+`/`-`/`x` forms expanded
// textually). Error: InvalidArgument.
[[nodiscard]] Result<std::vector<SequenceValue>> ParseValueSequence(std::string_view text);

// A Prometheus duration as the test languages write times and steps: `0`,
// `5m`, `1h30m`, `20s500ms`, `1d`, and negative ones such as `-1m`. Units
// y, w, d, h, m, s, ms, largest first, each at most once. Result in
// milliseconds. Error: InvalidArgument `not a valid duration string: "<text>"`.
[[nodiscard]] Result<int64_t> ParseNotationDuration(std::string_view text);

// A number as the test scripts read a scalar: an integer in any Go base
// (`0x10`, `010`, `0b1`) or a float (`1e3`, `-Inf`, `NaN`, hex floats).
// nullopt when the text is not a number.
[[nodiscard]] std::optional<double> ParseNotationNumber(std::string_view text);

// Reads the Go string literal ("...", '...' or `...`) starting at text[*pos],
// with Go's escapes, and advances *pos past it. Error: InvalidArgument.
[[nodiscard]] Result<std::string> ReadGoStringLiteral(std::string_view text, size_t* pos);

}  // namespace ember::promql
