// WriteOpenMetrics: a SeriesGenerator's whole data set as OpenMetrics text,
// the input of `promtool tsdb create-blocks-from openmetrics`.
//
// OpenMetrics wants each metric family in one piece and each series' samples
// in time order, so the text goes family by family and, within a family,
// series by series (SeriesCursor), not scrape by scrape. It ends in `# EOF`.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "ember/base/status.h"
#include "series_generator.h"

namespace ember::bench {

// Receives the text in pieces of about a megabyte, in order.
using TextSink = std::function<Status(std::string_view)>;

// Writes the text to `sink`; returns the number of samples written.
Result<uint64_t> WriteOpenMetrics(const SeriesGenerator& gen, const TextSink& sink);

// Writes the text to the file `path` (replacing it); returns the number of
// samples written.
Result<uint64_t> WriteOpenMetricsFile(const SeriesGenerator& gen, const std::string& path);

// Appends the timestamp as OpenMetrics writes it, in seconds with three
// decimals ("1704067215.502"), which Prometheus reads back as exactly t_ms.
void AppendOpenMetricsTimestamp(std::string* out, int64_t t_ms);

}  // namespace ember::bench
