// The storage interface the PromQL engine reads through. libtsdb's Db is one
// implementation (NewTsdbQueryable); tests and LogQL may bring others.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "ember/base/labels.h"
#include "ember/base/status.h"
#include "ember/tsdb/matcher.h"
#include "ember/tsdb/sample.h"

namespace ember::tsdb {
class Db;
}

namespace ember::promql {

// The series one Select found, one at a time, sorted by labels.
class SeriesCursor {
 public:
  virtual ~SeriesCursor() = default;
  // Moves to the next series. False at the end or on an error (status()).
  virtual bool Next() = 0;
  virtual const Labels& labels() const = 0;
  // The series' samples in the selected range, sorted by time, stale markers
  // included. Valid until the next call to Next.
  virtual std::span<const tsdb::Sample> samples() const = 0;
  virtual Status status() const = 0;
};

// What a query will do with a selection; a store may use it to skip work.
struct SelectHints {
  int64_t start_ms = 0;  // inclusive
  int64_t end_ms = 0;    // inclusive
  int64_t step_ms = 0;   // 0 for an instant query
  int64_t range_ms = 0;  // the range of a matrix selector, 0 otherwise
};

// Thread-safe: the engine may call Select from several threads.
class Queryable {
 public:
  virtual ~Queryable() = default;
  // The series matching all `matchers` with samples in [start_ms, end_ms].
  [[nodiscard]] virtual Result<std::unique_ptr<SeriesCursor>> Select(
      const SelectHints& hints, std::span<const tsdb::Matcher> matchers) const = 0;
};

// A Queryable over `db`, which must outlive it.
std::unique_ptr<Queryable> NewTsdbQueryable(const tsdb::Db& db);

}  // namespace ember::promql
