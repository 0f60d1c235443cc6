// Parser: a streaming, zero-copy reader of one scraped exposition body.
//
// The text formats' counterpart of Prometheus's model/textparse.Parser: Next()
// walks the body entry by entry (series, HELP, TYPE, UNIT, comment) and the
// accessors describe the entry it returned. Nothing is copied: names, label
// pairs and texts are views into the body, or, where escapes must be undone
// or a bucket bound normalised, into a buffer the parser owns. Every view an
// accessor returns stays valid until the next call to Next(); the body must
// outlive the parser. A parser is used by one thread at a time.
//
// Errors carry Prometheus 3.x's texts ("expected equal, got \"INVALID\" ..."),
// code kInvalidArgument; after an error the parser must not be used further.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ember/base/labels.h"
#include "ember/base/status.h"

namespace ember::textparse {

// What Next() found.
enum class Entry {
  kType,     // a TYPE line: MetricFamily(), Type()
  kHelp,     // a HELP line: MetricFamily(), Help()
  kSeries,   // a sample: Series(), Labels(), Value(), Timestamp(), Exemplar(), CreatedTimestamp()
  kComment,  // any other comment line: Comment()
  kUnit,     // a UNIT line (OpenMetrics): MetricFamily(), Unit()
  kEof,      // the end of the body; Next() keeps returning it
};

// Metric types with Prometheus's names (model.MetricType).
enum class MetricType { kUnknown, kCounter, kGauge, kHistogram, kGaugeHistogram, kSummary, kInfo, kStateset };

// "unknown", "counter", "gauge", "histogram", "gaugehistogram", "summary",
// "info", "stateset".
std::string_view MetricTypeName(MetricType type);

// One label pair; views as described at the top of this file.
struct LabelView {
  std::string_view name;
  std::string_view value;
  friend bool operator==(const LabelView&, const LabelView&) = default;
};

// An OpenMetrics exemplar: `# {trace_id="a"} 0.5 1234.5`.
struct ExemplarView {
  std::vector<LabelView> labels;  // sorted by name
  double value = 0;
  std::optional<int64_t> timestamp_ms;  // the exemplar's own timestamp, seconds * 1000 truncated
};

class Parser {
 public:
  virtual ~Parser() = default;
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;

  // Advances to the next entry. Entry::kEof at the end (after `# EOF` in
  // OpenMetrics); an InvalidArgument Status with upstream's message for a
  // malformed body.
  virtual Result<Entry> Next() = 0;

  // --- After kSeries ---

  // The series as written, `name{a="b"}` up to the closing brace: a cache key
  // for the scraper (the same bytes name the same series within a target).
  std::string_view Series() const {
    return std::string_view(b_ + series_start_, series_end_ - series_start_);
  }
  // The sample value. NaN values are Prometheus's normal NaN (0x7ff8000000000001).
  double Value() const { return value_; }
  // The sample's timestamp in milliseconds, when the line has one.
  std::optional<int64_t> Timestamp() const { return has_ts_ ? std::optional<int64_t>(ts_) : std::nullopt; }
  // The metric name, unescaped (UTF-8 quoted names included).
  std::string_view MetricName();
  // Fills `out` (cleared first) with `__name__` and the labels, sorted by
  // name, escapes undone; as upstream 3.x, the value of `le` in a histogram
  // and of `quantile` in a summary is rewritten in OpenMetrics float form
  // ("1" -> "1.0"). Reusing one vector keeps this free of heap allocation.
  void Labels(std::vector<LabelView>* out);
  // The same as an ember::Labels (allocates; for tests and slow paths).
  ember::Labels BuildLabels();
  // The sample's exemplar, if any. Returns false when there is none or when
  // it was already taken for this sample.
  virtual bool Exemplar(ExemplarView* out) {
    (void)out;
    return false;
  }
  // The created timestamp (ms) of the current sample, from the family's
  // `_created` series (OpenMetrics counters, summaries and histograms); nullopt
  // when unknown.
  virtual std::optional<int64_t> CreatedTimestamp() { return std::nullopt; }

  // --- After kHelp, kType, kUnit ---

  // The metric family name (unquoted).
  std::string_view MetricFamily() const {
    return std::string_view(b_ + name_start_, name_end_ - name_start_);
  }
  // The help text, unescaped as upstream does (Prometheus text: `\\` and
  // `\n`; OpenMetrics: also `\"`).
  std::string_view Help();
  MetricType Type() const { return mtype_; }
  std::string_view Unit() const { return text_; }

  // --- After kComment ---

  // The whole comment line without its newline, `#` included.
  std::string_view Comment() const { return text_; }

 protected:
  Parser() = default;

  // The body (for the Prometheus format it ends with '\n').
  const char* b_ = nullptr;
  size_t n_ = 0;
  // Where the current entry began.
  size_t start_ = 0;
  // kSeries: the series bytes, the metric name and label pairs as positions
  // in b_: [name_start, name_end, lname_start, lname_end, lvalue_start, lvalue_end, ...].
  size_t series_start_ = 0, series_end_ = 0;
  std::vector<uint32_t> offsets_;
  // Whether a quoted string of the series may hold a backslash escape.
  bool escapes_ = true;
  double value_ = 0;
  int64_t ts_ = 0;
  bool has_ts_ = false;
  // kHelp/kType/kUnit: the family name's position and the text.
  size_t name_start_ = 0, name_end_ = 0;
  std::string_view text_;
  MetricType mtype_ = MetricType::kUnknown;
  bool openmetrics_ = false;
  // Holds unescaped names, values and texts; reserved ahead so views into it stay valid.
  std::string scratch_;
  std::string name_scratch_;  // MetricName()'s, apart from the label views
};

}  // namespace ember::textparse
