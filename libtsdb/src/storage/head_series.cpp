#include "head_series.h"

#include "encoding.h"

namespace ember::tsdb {

HeadSeries::HeadSeries(uint64_t id_in, const Labels& labels, SymbolTable& symbols)
    : id(id_in),
      num_labels(static_cast<uint32_t>(labels.size())),
      label_symbols(new uint32_t[2 * labels.size()]) {
  for (size_t i = 0; i < labels.size(); ++i) {
    label_symbols[2 * i] = symbols.Intern(labels[i].name);
    label_symbols[2 * i + 1] = symbols.Intern(labels[i].value);
  }
}

void HeadSeries::ReleaseLabels(SymbolTable& symbols) {
  for (size_t i = 0; i < 2 * num_labels; ++i) symbols.Release(label_symbols[i]);
  label_symbols.reset();
}

Labels HeadSeries::GetLabels(const SymbolTable& symbols) const {
  std::vector<Label> out(num_labels);
  for (size_t i = 0; i < num_labels; ++i) {
    out[i] = {symbols.Get(label_symbols[2 * i]), symbols.Get(label_symbols[2 * i + 1])};
  }
  return Labels::FromSorted(std::move(out));
}

bool HeadSeries::HasLabels(const Labels& labels, const SymbolTable& symbols) const {
  if (labels.size() != num_labels) return false;
  for (size_t i = 0; i < num_labels; ++i) {
    if (symbols.Get(label_symbols[2 * i]) != labels[i].name ||
        symbols.Get(label_symbols[2 * i + 1]) != labels[i].value) {
      return false;
    }
  }
  return true;
}

std::string HeadSeries::PackedLabels(const SymbolTable& symbols) const {
  std::string out;
  PutUvarint(&out, num_labels);
  for (size_t i = 0; i < 2 * num_labels; ++i) {
    const std::string& s = symbols.Get(label_symbols[i]);
    PutUvarint(&out, s.size());
    out += s;
  }
  return out;
}

size_t HeadSeries::MemoryBytes() const {
  return sizeof(HeadSeries) + 16 + 2 * num_labels * sizeof(uint32_t) + 16;
}

}  // namespace ember::tsdb
