// Fuzzes OpenMetricsParser, created-timestamp look-ahead and exemplars
// included; the first byte picks whether `_created` series are skipped.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ember/textparse/openmetrics_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ember::textparse;
  if (size == 0) return 0;
  OpenMetricsOptions options{.skip_created_series = (data[0] & 1) != 0};
  bool with_ct = (data[0] & 2) != 0;
  std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  OpenMetricsParser p(body, options);
  std::vector<LabelView> labels;
  ExemplarView ex;
  for (int k = 0; k < 100000; ++k) {
    auto e = p.Next();
    if (!e.ok() || *e == Entry::kEof) break;
    switch (*e) {
      case Entry::kSeries: {
        std::string_view series = p.Series();
        if (with_ct) (void)p.CreatedTimestamp();
        if (p.Series() != series) __builtin_trap();  // the look-ahead must leave the parser where it was
        p.Labels(&labels);
        (void)p.Exemplar(&ex);
        (void)p.Timestamp();
        {
          // Sorted by name, `__name__` present (a body may repeat it as a label).
          int names = 0;
          for (size_t i = 0; i < labels.size(); ++i) {
            names += labels[i].name == "__name__";
            if (i > 0 && labels[i].name < labels[i - 1].name) __builtin_trap();
          }
          if (names < 1) __builtin_trap();
        }
        break;
      }
      case Entry::kHelp:
        (void)p.Help();
        break;
      default:
        (void)p.Unit();
        (void)p.MetricFamily();
        break;
    }
  }
  return 0;
}
