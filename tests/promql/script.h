// The PromQL test-script language (`load`, `clear`, `eval` blocks), parsed
// into commands. The language is described in
// ../shared/reference/promql-testdata/DSL.md; this file only reads it, the
// runner (runner.h) executes it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "ember/base/labels.h"
#include "ember/base/status.h"
#include "ember/promql/series_notation.h"

namespace ember::promqltest {

using promql::SequenceValue;

// `<series> <values>` in a load block or an eval's expected results.
struct SeriesLine : promql::SeriesLine {
  int line = 0;  // 1-based line in the file
  // A `<series>@st` line gave start timestamps for this series (load only).
  bool has_start_timestamps = false;
};

struct LoadCommand {
  int line = 0;
  int64_t step_ms = 0;
  bool with_nhcb = false;  // load_with_nhcb
  // In order of first appearance; a repeated label set replaced the earlier line.
  std::vector<SeriesLine> series;
};

struct ClearCommand {
  int line = 0;
};

// An `expect fail|warn|info [msg: ...|regex: ...]` line (or a deprecated
// eval_fail/eval_warn/eval_info header, or an expected_fail_* line).
struct Expectation {
  enum class Kind { kAny, kMessage, kRegex };
  Kind kind = Kind::kAny;
  std::string text;  // kMessage: exact text; kRegex: an RE2 searched unanchored
  int line = 0;
};

// `expect range vector from <start> to <end> step <step>`.
struct RangeVectorSpec {
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  int64_t step_ms = 0;
};

struct EvalCommand {
  int line = 0;
  std::string expr;
  bool range = false;
  // Instant: start_ms == end_ms == the evaluation time, step_ms == 0.
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  int64_t step_ms = 0;

  std::optional<Expectation> fail;
  std::vector<Expectation> warn;
  std::vector<Expectation> info;
  bool no_warn = false;
  bool no_info = false;
  bool ordered = false;
  std::optional<std::string> expect_string;
  std::optional<RangeVectorSpec> range_vector;

  // A result line that is just a number: the result is this scalar.
  std::optional<double> scalar;
  // Expected series, in the order listed (a repeated label set replaced the
  // earlier line in place).
  std::vector<SeriesLine> results;

  // Some expected value is a native histogram.
  bool ExpectsHistogram() const;
};

using Command = std::variant<LoadCommand, ClearCommand, EvalCommand>;

struct Script {
  std::vector<Command> commands;
};

// Parses a whole script. Error: InvalidArgument "line N: <reason>" for the
// first line that does not parse (as upstream, one bad line rejects the file).
[[nodiscard]] Result<Script> ParseScript(std::string_view text);

// Pieces of the language (ember/promql/series_notation.h), exposed for tests.

// A duration as the scripts write times and steps (promql::ParseNotationDuration).
[[nodiscard]] inline Result<int64_t> ParseScriptDuration(std::string_view text) {
  return promql::ParseNotationDuration(text);
}

// promql::ParseSeriesLine, into the script's SeriesLine (line left 0).
[[nodiscard]] Result<SeriesLine> ParseSeriesLine(std::string_view text, bool* start_timestamps = nullptr);

using promql::ParseValueSequence;

// A number as the upstream runner reads a scalar result line (promql::ParseNotationNumber).
[[nodiscard]] inline std::optional<double> ParseScriptNumber(std::string_view text) {
  return promql::ParseNotationNumber(text);
}

}  // namespace ember::promqltest
