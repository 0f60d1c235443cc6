// OpenMetricsParser: the OpenMetrics 1.0 text format
// (application/openmetrics-text, versions 0.0.1 and 1.0.0).
//
// Strict as Prometheus 3.x's textparse.OpenMetricsParser: single spaces
// between tokens, no blank lines, `# EOF` required and nothing after it,
// timestamps in (float) seconds, exemplars after ` # `, UNIT lines checked
// against the family name.
#pragma once

#include <string>
#include <string_view>

#include "ember/textparse/parser.h"

namespace ember::textparse {

struct OpenMetricsOptions {
  // Skip `_created` series of counters, summaries and histograms instead of
  // returning them as samples; their value is still available through
  // CreatedTimestamp(). Upstream's WithOMParserCTSeriesSkipped (the scraper
  // turns it on with created-timestamp ingestion). Default: false, as upstream.
  bool skip_created_series = false;
};

class OpenMetricsParser final : public Parser {
 public:
  // Parses `body`, which must outlive the parser; nothing is copied.
  explicit OpenMetricsParser(std::string_view body, OpenMetricsOptions options = {});
  explicit OpenMetricsParser(const char* body, OpenMetricsOptions options = {})
      : OpenMetricsParser(std::string_view(body), options) {}
  // A temporary body would dangle.
  explicit OpenMetricsParser(std::string&& body, OpenMetricsOptions options = {}) = delete;

  Result<Entry> Next() override;
  bool Exemplar(ExemplarView* out) override;
  // As upstream: looks ahead for the family's `_created` line with the same
  // labels (`le`/`quantile` aside) and returns its value in ms; the result is
  // cached for the following samples of the same series. Costs a look-ahead
  // parse per series, so call it only when created timestamps are wanted.
  std::optional<int64_t> CreatedTimestamp() override;

 private:
  Result<Entry> NextInternal();
  bool FastSeries();
  Status ParseLabelValues(std::vector<uint32_t>* offsets, bool exemplar);
  Status ParseSeriesEndOfLine(int token);
  Status ParseExemplar();
  Result<double> FloatValue(int token, std::string_view after);
  Status ParseError(std::string_view expected, int token) const;
  bool IsCreatedSeries() const;
  // The identity of the current series for matching its `_created` line:
  // labels but `le`/`quantile`, then `family`.
  void SeriesKey(std::string_view family, std::string* out) const;

  OpenMetricsOptions options_;
  size_t i_ = 0;
  size_t tok_start_ = 0;
  int state_ = 0;
  size_t family_len_ = 0;  // length of the last HELP/TYPE/UNIT family name
  bool done_ = false;      // `# EOF` was read

  // The exemplar of the current sample.
  std::vector<uint32_t> eoffsets_;
  bool has_exemplar_ = false;
  double exemplar_value_ = 0;
  int64_t exemplar_ts_ = 0;
  bool has_exemplar_ts_ = false;
  bool ignore_exemplar_ = false;  // while looking ahead for `_created`

  // CreatedTimestamp's look-ahead state and cache.
  std::vector<uint32_t> peek_offsets_;
  std::string ct_key_, peek_key_, cur_key_;
  int64_t ct_ = 0;
  bool ct_cached_ = false;
};

}  // namespace ember::textparse
