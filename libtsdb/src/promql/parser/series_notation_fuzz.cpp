// Feeds arbitrary text to the series-notation readers; none may crash, and a
// parsed series keeps its labels valid (no duplicate names).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ember/promql/series_notation.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  bool start_timestamps = false;
  auto series = ember::promql::ParseSeriesLine(text, (size & 1) != 0 ? &start_timestamps : nullptr);
  if (series.ok() && series->labels.HasDuplicateNames()) std::abort();
  (void)ember::promql::ParseValueSequence(text);
  (void)ember::promql::ParseNotationDuration(text);
  (void)ember::promql::ParseNotationNumber(text);
  size_t pos = 0;
  (void)ember::promql::ReadGoStringLiteral(text, &pos);
  if (pos > size) std::abort();
  return 0;
}
