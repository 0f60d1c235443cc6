// Helpers shared by the evaluator's stages for matrices with one sample per
// step time: building them by label set, walking them step by step.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "ember/base/labels.h"
#include "ember/base/status.h"
#include "ember/promql/value.h"
#include "promql/engine/evaluator.h"

namespace ember::promql::internal {

// Close to Go's %g: shortest representation (annotation texts).
std::string FormatFloatG(double v);

// `l` without __name__.
Labels DropName(const Labels& l);

// Maps label sets to indexes of a Matrix being built.
class SeriesIndex {
 public:
  // Samples reserved for a new series (the steps of the evaluation, capped
  // so sparse results stay small).
  void set_reserve(size_t n) { reserve_ = std::min<size_t>(n, 1024); }

  // The index of the series with `labels` in `out`, added if new.
  size_t GetOrAdd(Matrix& out, const Labels& labels, bool drop_name) {
    auto& bucket = index_[labels.Hash()];
    for (uint32_t i : bucket) {
      if (out[i].labels == labels) {
        out[i].drop_name = out[i].drop_name || drop_name;
        return i;
      }
    }
    bucket.push_back(static_cast<uint32_t>(out.size()));
    out.push_back(Series{labels, {}, drop_name});
    out.back().samples.reserve(reserve_);
    return out.size() - 1;
  }

 private:
  size_t reserve_ = 0;
  std::unordered_map<uint64_t, std::vector<uint32_t>> index_;
};

// `vector cannot contain metrics with the same labelset`.
Status DuplicateLabelset();

// Merges series that ended up with equal labels (after dropping __name__);
// two samples at one time are an error.
Status MergeEqualLabels(Matrix& m);

// Samples held by a value (for the max-samples limit).
int64_t CountPoints(const StepValue& v);

// Walks the step-aligned samples of a vector value step by step.
struct StepCursors {
  explicit StepCursors(const Matrix& m) : matrix(m), pos(m.size(), 0) {}
  // The value of series i at time t, or null.
  const Sample* At(size_t i, int64_t t) {
    const auto& s = matrix[i].samples;
    size_t& p = pos[i];
    while (p < s.size() && s[p].t < t) ++p;
    if (p < s.size() && s[p].t == t) return &s[p];
    return nullptr;
  }
  const Matrix& matrix;
  std::vector<size_t> pos;
};

}  // namespace ember::promql::internal
