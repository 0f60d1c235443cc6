// Fuzzes PromParser: any body either parses to the end or fails with a
// Status; every accessor of every entry is exercised.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ember/textparse/prom_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ember::textparse;
  std::string_view body(reinterpret_cast<const char*>(data), size);
  PromParser p(body);
  std::vector<LabelView> labels;
  for (int k = 0; k < 100000; ++k) {
    auto e = p.Next();
    if (!e.ok() || *e == Entry::kEof) break;
    switch (*e) {
      case Entry::kSeries:
        p.Labels(&labels);
        (void)p.Series();
        (void)p.MetricName();
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
      case Entry::kHelp:
        (void)p.Help();
        (void)p.MetricFamily();
        break;
      default:
        (void)p.Comment();
        (void)p.MetricFamily();
        break;
    }
  }
  return 0;
}
