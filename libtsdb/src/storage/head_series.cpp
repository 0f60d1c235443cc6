#include "head_series.h"

#include "encoding.h"

namespace ember::tsdb {

HeadSeries::HeadSeries(uint64_t id_in, uint64_t hash_in, const Labels& labels, SymbolTable& symbols)
    : id(id_in),
      hash(hash_in),
      num_labels(static_cast<uint32_t>(labels.size())),
      label_refs(new const std::string*[2 * labels.size()]) {
  for (size_t i = 0; i < labels.size(); ++i) {
    label_refs[2 * i] = symbols.Intern(labels[i].name);
    label_refs[2 * i + 1] = symbols.Intern(labels[i].value);
  }
}

void HeadSeries::ReleaseLabels(SymbolTable& symbols) {
  for (size_t i = 0; i < 2 * num_labels; ++i) symbols.Release(label_refs[i]);
  label_refs.reset();
}

Labels HeadSeries::GetLabels() const {
  std::vector<Label> out(num_labels);
  for (size_t i = 0; i < num_labels; ++i) out[i] = {*label_refs[2 * i], *label_refs[2 * i + 1]};
  return Labels::FromSorted(std::move(out));
}

bool HeadSeries::HasLabels(const Labels& labels) const {
  if (labels.size() != num_labels) return false;
  for (size_t i = 0; i < num_labels; ++i) {
    if (*label_refs[2 * i] != labels[i].name || *label_refs[2 * i + 1] != labels[i].value) return false;
  }
  return true;
}

std::string HeadSeries::PackedLabels() const {
  std::string out;
  PutUvarint(&out, num_labels);
  for (size_t i = 0; i < 2 * num_labels; ++i) {
    PutUvarint(&out, label_refs[i]->size());
    out += *label_refs[i];
  }
  return out;
}

size_t HeadSeries::MemoryBytes() const {
  return sizeof(HeadSeries) + 16 + 2 * num_labels * sizeof(void*) + 16;
}

}  // namespace ember::tsdb
