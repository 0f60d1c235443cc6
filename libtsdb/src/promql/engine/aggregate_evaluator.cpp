// Aggregation operators: sum, avg, count, min, max, group, stddev, stdvar,
// quantile, topk, bottomk, count_values, limitk, limit_ratio.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "promql/engine/evaluator.h"
#include "promql/engine/step_matrix.h"

namespace ember::promql::internal {

namespace {

// topk/bottomk as Prometheus picks them, so that ties between equal values
// resolve to the same series: a heap of up to k elements (Go's
// container/heap moves, weakest on top) fed in input order, where a newcomer
// replaces the top only when strictly better; the result is then ordered
// best first by a stable sort of the heap.
template <typename ValueOf>
std::vector<size_t> SelectK(const std::vector<size_t>& members, size_t k, bool top, ValueOf value_of) {
  std::vector<size_t> heap;
  heap.reserve(k);
  // less(i, j): heap[i] is weaker than heap[j]; NaN is the weakest of all.
  auto weaker = [&](double x, double y) {
    if (std::isnan(x)) return !std::isnan(y);
    return top ? x < y : x > y;
  };
  auto less = [&](size_t i, size_t j) { return weaker(value_of(heap[i]), value_of(heap[j])); };
  auto up = [&](size_t j) {
    while (j > 0) {
      size_t i = (j - 1) / 2;
      if (!less(j, i)) break;
      std::swap(heap[i], heap[j]);
      j = i;
    }
  };
  auto down = [&](size_t i0) {
    size_t i = i0;
    const size_t n = heap.size();
    for (;;) {
      size_t j = 2 * i + 1;
      if (j >= n) break;
      if (j + 1 < n && less(j + 1, j)) ++j;
      if (!less(j, i)) break;
      std::swap(heap[i], heap[j]);
      i = j;
    }
    return i > i0;
  };
  for (size_t m : members) {
    if (heap.size() < k) {
      heap.push_back(m);
      up(heap.size() - 1);
    } else if (weaker(value_of(heap[0]), value_of(m))) {
      heap[0] = m;
      if (k > 1 && !down(0)) up(0);
    }
  }
  std::stable_sort(heap.begin(), heap.end(),
                   [&](size_t x, size_t y) { return weaker(value_of(y), value_of(x)); });
  return heap;
}

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Go's strconv.FormatFloat(v, 'f', -1, 64) (count_values' label values).
std::string FormatFloatF(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[512];
  auto res = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::fixed);
  return std::string(buf, res.ptr);
}

std::pair<double, double> KahanSumInc(double inc, double sum, double c) {
  double t = sum + inc;
  if (std::isinf(t)) {
    c = 0;
  } else if (std::fabs(sum) >= std::fabs(inc)) {
    c += (sum - t) + inc;
  } else {
    c += (inc - t) + sum;
  }
  return {t, c};
}

double Quantile(double q, std::vector<double>& values) {
  if (values.empty() || std::isnan(q)) return kNaN;
  if (q < 0) return -std::numeric_limits<double>::infinity();
  if (q > 1) return std::numeric_limits<double>::infinity();
  // Go's sort.Float64s order: NaN first.
  std::sort(values.begin(), values.end(),
            [](double a, double b) { return a < b || (std::isnan(a) && !std::isnan(b)); });
  double n = static_cast<double>(values.size());
  double rank = q * (n - 1);
  double lower = std::max(0.0, std::floor(rank));
  double upper = std::min(n - 1, lower + 1);
  double weight = rank - std::floor(rank);
  return values[static_cast<size_t>(lower)] * (1 - weight) + values[static_cast<size_t>(upper)] * weight;
}

}  // namespace

Result<StepValue> Evaluator::EvalAggregate(const Aggregate& a, const StepRange& range) {
  const size_t steps = range.Steps();
  StepValue param;
  if (a.param) {
    EMBER_ASSIGN_OR_RETURN(param, Eval(*a.param, range));
  }
  EMBER_ASSIGN_OR_RETURN(StepValue in, Eval(*a.expr, range));
  Matrix& im = in.matrix;
  StepValue out;
  out.type = ValueType::kVector;

  std::string value_label;
  if (a.op == AggregateOp::kCountValues) {
    value_label = param.str;
    if (value_label.empty()) return Status::FailedPrecondition("invalid label name \"" + value_label + "\"");
  }
  // Group of each input series, computed once per series.
  std::vector<std::string> without = a.grouping;
  if (a.without) without.emplace_back(kMetricNameLabel);
  std::vector<size_t> group_of(im.size());
  std::vector<Labels> group_labels;
  // A group keeping __name__ drops it at the end if any member would.
  const bool keeps_name = !a.without && std::find(a.grouping.begin(), a.grouping.end(),
                                                  std::string(kMetricNameLabel)) != a.grouping.end();
  std::vector<char> group_drop;
  {
    std::unordered_map<uint64_t, std::vector<size_t>> by_hash;
    for (size_t k = 0; k < im.size(); ++k) {
      Labels gl;
      if (a.without) {
        gl = im[k].labels.Without(without);
      } else {
        gl = im[k].labels.Keep(a.grouping);
      }
      auto& bucket = by_hash[gl.Hash()];
      size_t g = SIZE_MAX;
      for (size_t c : bucket) {
        if (group_labels[c] == gl) g = c;
      }
      if (g == SIZE_MAX) {
        g = group_labels.size();
        bucket.push_back(g);
        group_labels.push_back(std::move(gl));
        group_drop.push_back(0);
      }
      group_of[k] = g;
      if (keeps_name && im[k].drop_name) group_drop[g] = 1;
    }
  }
  const size_t ngroups = group_labels.size();
  StepCursors cur(im);
  const bool keeps_series = a.op == AggregateOp::kTopk || a.op == AggregateOp::kBottomk ||
                            a.op == AggregateOp::kLimitk || a.op == AggregateOp::kLimitRatio;
  std::vector<size_t> series_out(im.size(), SIZE_MAX);
  std::vector<size_t> group_out(ngroups, SIZE_MAX);
  SeriesIndex index;

  struct Acc {
    double value = 0;
    double c = 0;
    double mean = 0;
    double count = 0;
    bool seen = false;
    bool incremental = false;
  };
  std::vector<Acc> acc(ngroups);
  std::vector<std::vector<size_t>> members(ngroups);
  std::vector<std::vector<double>> values(ngroups);
  std::unordered_map<std::string, size_t> cv_out;

  for (size_t i = 0; i < steps; ++i) {
    EMBER_RETURN_IF_ERROR(Tick());
    const int64_t t = range.T(i);
    const double p = param.type == ValueType::kScalar ? param.scalars[i] : 0;
    std::fill(acc.begin(), acc.end(), Acc{});
    for (auto& mbr : members) mbr.clear();
    if (a.op == AggregateOp::kQuantile && (p < 0 || p > 1 || std::isnan(p))) {
      annotations_.push_back({AnnotationKind::kWarning,
                              "quantile value should be between 0 and 1, got " + FormatFloatG(p),
                              a.param->pos});
    }
    for (size_t k = 0; k < im.size(); ++k) {
      const Sample* s = cur.At(k, t);
      if (!s) continue;
      const double f = s->v;
      Acc& g = acc[group_of[k]];
      const bool first = !g.seen;
      g.seen = true;
      switch (a.op) {
        case AggregateOp::kSum:
          std::tie(g.value, g.c) = KahanSumInc(f, g.value, g.c);
          break;
        case AggregateOp::kAvg: {
          g.count++;
          if (first) {
            g.value = f;
            break;
          }
          if (!g.incremental) {
            auto [nv, nc] = KahanSumInc(f, g.value, g.c);
            if (!std::isinf(nv)) {
              g.value = nv;
              g.c = nc;
              break;
            }
            // The sum would overflow: continue with an incremental mean.
            g.incremental = true;
            g.mean = g.value / (g.count - 1);
            g.c /= g.count - 1;
          }
          if (std::isinf(g.mean)) {
            if (std::isinf(f) && (g.mean > 0) == (f > 0)) break;
            if (!std::isinf(f) && !std::isnan(f)) break;
          }
          double current = g.mean + g.c;
          std::tie(g.mean, g.c) = KahanSumInc(f / g.count - current / g.count, g.mean, g.c);
          break;
        }
        case AggregateOp::kCount:
          g.value += 1;
          break;
        case AggregateOp::kGroup:
          g.value = 1;
          break;
        case AggregateOp::kMin:
          if (first || g.value > f || std::isnan(g.value)) g.value = f;
          break;
        case AggregateOp::kMax:
          if (first || g.value < f || std::isnan(g.value)) g.value = f;
          break;
        case AggregateOp::kStddev:
        case AggregateOp::kStdvar: {
          g.count++;
          double delta = f - g.mean;
          g.mean += delta / g.count;
          g.value += delta * (f - g.mean);
          break;
        }
        case AggregateOp::kQuantile:
        case AggregateOp::kTopk:
        case AggregateOp::kBottomk:
        case AggregateOp::kLimitk:
        case AggregateOp::kLimitRatio:
          members[group_of[k]].push_back(k);
          break;
        case AggregateOp::kCountValues: {
          LabelsBuilder lb(group_labels[group_of[k]]);
          lb.Set(value_label, FormatFloatF(f));
          Labels l = lb.Build();
          size_t idx = index.GetOrAdd(out.matrix, l, false);
          auto& samples = out.matrix[idx].samples;
          if (!samples.empty() && samples.back().t == t) {
            samples.back().v += 1;
          } else {
            samples.push_back({t, 1});
          }
          break;
        }
      }
    }
    if (a.op == AggregateOp::kCountValues) continue;
    if (keeps_series) {
      if (std::isnan(p)) {
        return Status::FailedPrecondition(a.op == AggregateOp::kLimitRatio ? "Ratio value is NaN"
                                                                           : "Parameter value is NaN");
      }
      if (a.op == AggregateOp::kLimitRatio && (p < -1 || p > 1)) {
        const double capped = p < -1 ? -1.0 : 1.0;
        annotations_.push_back({AnnotationKind::kWarning,
                                "ratio value should be between -1 and 1, got " + FormatFloatG(p) +
                                    ", capping to " + FormatFloatG(capped),
                                a.param->pos});
      }
      for (size_t g = 0; g < ngroups; ++g) {
        auto& mbr = members[g];
        if (mbr.empty()) continue;
        std::vector<size_t> chosen;
        if (a.op == AggregateOp::kLimitRatio) {
          double ratio = std::clamp(p, -1.0, 1.0);
          for (size_t k : mbr) {
            double h = static_cast<double>(im[k].labels.Hash()) /
                       static_cast<double>(std::numeric_limits<uint64_t>::max());
            if ((ratio >= 0 && h < ratio) || (ratio < 0 && h >= 1 + ratio)) chosen.push_back(k);
          }
        } else {
          if (p < 1) continue;
          size_t n = p >= static_cast<double>(mbr.size()) ? mbr.size() : static_cast<size_t>(p);
          if (a.op == AggregateOp::kLimitk) {
            chosen.assign(mbr.begin(), mbr.begin() + static_cast<long>(n));
          } else {
            const bool top = a.op == AggregateOp::kTopk;
            auto value_of = [&](size_t k) { return cur.At(k, t)->v; };
            chosen = SelectK(mbr, n, top, value_of);
          }
        }
        for (size_t k : chosen) {
          if (series_out[k] == SIZE_MAX) {
            series_out[k] = index.GetOrAdd(out.matrix, im[k].labels, im[k].drop_name);
          }
          out.matrix[series_out[k]].samples.push_back({t, cur.At(k, t)->v});
        }
      }
      continue;
    }
    for (size_t g = 0; g < ngroups; ++g) {
      Acc& ag = acc[g];
      if (!ag.seen && a.op != AggregateOp::kQuantile) continue;
      double v = 0;
      switch (a.op) {
        case AggregateOp::kSum:
          v = ag.value + ag.c;
          break;
        case AggregateOp::kAvg:
          v = ag.incremental ? ag.mean + ag.c : (ag.count == 1 ? ag.value : (ag.value + ag.c) / ag.count);
          break;
        case AggregateOp::kStdvar:
          v = ag.value / ag.count;
          break;
        case AggregateOp::kStddev:
          v = std::sqrt(ag.value / ag.count);
          break;
        case AggregateOp::kQuantile: {
          if (members[g].empty()) continue;
          auto& vals = values[g];
          vals.clear();
          for (size_t k : members[g]) vals.push_back(cur.At(k, t)->v);
          v = Quantile(p, vals);
          break;
        }
        default:
          v = ag.value;
          break;
      }
      if (group_out[g] == SIZE_MAX)
        group_out[g] = index.GetOrAdd(out.matrix, group_labels[g], group_drop[g] != 0);
      out.matrix[group_out[g]].samples.push_back({t, v});
    }
  }
  Release(in);
  Release(param);
  EMBER_RETURN_IF_ERROR(Hold(CountPoints(out)));
  return out;
}

}  // namespace ember::promql::internal
