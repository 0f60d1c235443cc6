// The seams through which rule evaluation reaches an engine and a store:
// a query function, an appender for results, and a series reader for
// restoring alerts' `for` state. ember-scraper binds them to PromQL and its
// TSDB; the log store binds them to LogQL. Nothing here knows either.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ember/base/labels.h"
#include "ember/base/status.h"
#include "ember/base/time.h"

namespace ember::rules {

// One element of an instant query's result.
struct Sample {
  Labels labels;
  double value = 0;
  TimestampMs timestamp_ms = 0;
};

// The message an adapter returns for a query whose result is neither an
// instant vector nor a scalar (a string, a range vector), as upstream does.
inline constexpr std::string_view kErrNotVectorOrScalar = "rule result is not a vector or scalar";

// Runs `query` as an instant query at `time_ms` and returns its result as a
// vector: a scalar becomes one sample with no labels; any other result type
// is an error whose message is kErrNotVectorOrScalar. The error's message is
// what the rule's lastError shows. Called from group threads concurrently
// (one call per group at a time), so it must be thread-safe.
using QueryFunc = std::function<Result<std::vector<Sample>>(std::string_view query, TimestampMs time_ms)>;

// Parses an expression and returns its canonical text (PromQL's
// expression String(), which upstream shows as a rule's query), or the
// parser's error. Thread-safe.
using ParseExprFunc = std::function<Result<std::string>(std::string_view expr)>;

// The bit pattern of Prometheus's staleness marker NaN.
inline constexpr uint64_t kStaleNaNBits = 0x7ff0000000000002ULL;
// The staleness marker as a double, and a test for it (other NaNs are not
// markers).
double StaleNaN();
bool IsStaleNaN(double v);

// A batch of samples written by one rule evaluation. Used by one thread.
class Appender {
 public:
  virtual ~Appender() = default;
  // Adds one sample (a value of StaleNaN() marks the series stale). A sample
  // the store refuses for ordering reasons is reported with code
  // kOutOfRange (out of order or too old) or kAlreadyExists (same timestamp,
  // different value): the evaluator counts and logs those and goes on; any
  // other error marks the rule unhealthy with its message.
  virtual Status Append(const Labels& labels, TimestampMs timestamp_ms, double value) = 0;
  // Makes the batch visible to queries, so that later rules of the group see
  // it. An error marks the rule unhealthy.
  virtual Status Commit() = 0;
  // Drops the batch.
  virtual void Rollback() = 0;
};

// Hands out appenders; thread-safe.
class Appendable {
 public:
  virtual ~Appendable() = default;
  virtual std::unique_ptr<Appender> NewAppender() = 0;
};

// One stored series with its samples in time order.
struct StoredSeries {
  Labels labels;
  std::vector<std::pair<TimestampMs, double>> samples;
};

// Returns every stored series whose labels equal all of `equal_matchers`
// (name="value" equality matchers; always includes
// __name__="ALERTS_FOR_STATE" and alertname) with its samples in
// [mint_ms, maxt_ms]. Used to restore alerts' `for` state after a restart;
// thread-safe.
using SeriesQueryFunc = std::function<Result<std::vector<StoredSeries>>(
    const std::vector<Label>& equal_matchers, TimestampMs mint_ms, TimestampMs maxt_ms)>;

}  // namespace ember::rules
