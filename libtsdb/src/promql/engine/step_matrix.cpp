#include "promql/engine/step_matrix.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <iterator>
#include <utility>

namespace ember::promql::internal {

// Close to Go's %g: shortest representation.
std::string FormatFloatG(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, res.ptr);
}

Labels DropName(const Labels& l) {
  if (!l.Has(kMetricNameLabel)) return l;
  LabelsBuilder b(l);
  b.Del(kMetricNameLabel);
  return b.Build();
}

Status DuplicateLabelset() {
  return Status::FailedPrecondition("vector cannot contain metrics with the same labelset");
}

// Merges series that ended up with equal labels (after dropping __name__);
// two samples at one time are an error.
Status MergeEqualLabels(Matrix& m) {
  SeriesIndex index;
  Matrix out;
  out.reserve(m.size());
  for (Series& s : m) {
    if (s.samples.empty()) continue;
    size_t before = out.size();
    size_t i = index.GetOrAdd(out, s.labels, s.drop_name);
    if (i == before) {
      out[i].samples = std::move(s.samples);
      out[i].drop_name = s.drop_name;
      continue;
    }
    std::vector<Sample> merged;
    merged.reserve(out[i].samples.size() + s.samples.size());
    std::merge(out[i].samples.begin(), out[i].samples.end(), s.samples.begin(), s.samples.end(),
               std::back_inserter(merged), [](const Sample& a, const Sample& b) { return a.t < b.t; });
    for (size_t j = 1; j < merged.size(); ++j) {
      if (merged[j].t == merged[j - 1].t) return DuplicateLabelset();
    }
    out[i].samples = std::move(merged);
  }
  m = std::move(out);
  return Status::Ok();
}

int64_t CountPoints(const StepValue& v) {
  int64_t n = static_cast<int64_t>(v.scalars.size());
  for (const Series& s : v.matrix) n += static_cast<int64_t>(s.samples.size());
  return n;
}

}  // namespace ember::promql::internal
