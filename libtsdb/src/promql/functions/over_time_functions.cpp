// The <aggregation>_over_time functions: one value per series from all the
// samples of its window.
#include <algorithm>
#include <any>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

#include "promql/functions/function_helpers.h"
#include "promql/functions/quantile.h"

namespace ember::promql::internal {
namespace {

std::optional<double> AvgOverTime(const RangeWindow& w, const FunctionContext&) {
  const auto& s = w.samples;
  if (s.empty()) return std::nullopt;
  // The direct mean (compensated sum / count) is the more accurate; only once
  // the sum would overflow does it switch to the incremental mean.
  double sum = s[0].v;
  double c = 0;
  double mean = 0;
  double count = 1;
  bool incremental = false;
  for (size_t i = 1; i < s.size(); ++i) {
    count = static_cast<double>(i + 1);
    const double v = s[i].v;
    if (!incremental) {
      KahanSum k{sum, c};
      k.Add(v);
      if (!std::isinf(k.sum)) {
        sum = k.sum;
        c = k.c;
        continue;
      }
      incremental = true;
      mean = sum / (count - 1);
      c /= (count - 1);
    }
    const double q = (count - 1) / count;
    KahanSum k{q * mean, q * c};
    k.Add(v / count);
    mean = k.sum;
    c = k.c;
  }
  if (incremental) return mean + c;
  return sum / count + c / count;
}

std::optional<double> CountOverTime(const RangeWindow& w, const FunctionContext&) {
  if (w.samples.empty()) return std::nullopt;
  return static_cast<double>(w.samples.size());
}

std::optional<double> PresentOverTime(const RangeWindow& w, const FunctionContext&) {
  if (w.samples.empty()) return std::nullopt;
  return 1;
}

std::optional<double> LastOverTime(const RangeWindow& w, const FunctionContext&) {
  if (w.samples.empty()) return std::nullopt;
  return w.samples.back().v;
}

std::optional<double> FirstOverTime(const RangeWindow& w, const FunctionContext&) {
  if (w.samples.empty()) return std::nullopt;
  return w.samples.front().v;
}

std::optional<double> TsOfLastOverTime(const RangeWindow& w, const FunctionContext&) {
  if (w.samples.empty()) return std::nullopt;
  return static_cast<double>(w.samples.back().t) / 1000;
}

std::optional<double> TsOfFirstOverTime(const RangeWindow& w, const FunctionContext&) {
  if (w.samples.empty()) return std::nullopt;
  return static_cast<double>(w.samples.front().t) / 1000;
}

// Picks the sample `better(candidate, best)` prefers; a NaN best is always
// replaced, so NaN wins only when every value is NaN.
template <typename Better>
const Sample* Pick(std::span<const Sample> s, Better better) {
  const Sample* best = &s[0];
  for (const Sample& x : s) {
    if (better(x.v, best->v) || std::isnan(best->v)) best = &x;
  }
  return best;
}

std::optional<double> MaxOverTime(const RangeWindow& w, const FunctionContext&) {
  if (w.samples.empty()) return std::nullopt;
  return Pick(w.samples, [](double a, double b) { return a > b; })->v;
}

std::optional<double> MinOverTime(const RangeWindow& w, const FunctionContext&) {
  if (w.samples.empty()) return std::nullopt;
  return Pick(w.samples, [](double a, double b) { return a < b; })->v;
}

// The ts_of_* variants take the latest of equal extremes.
std::optional<double> TsOfMaxOverTime(const RangeWindow& w, const FunctionContext&) {
  if (w.samples.empty()) return std::nullopt;
  return static_cast<double>(Pick(w.samples, [](double a, double b) { return a >= b; })->t) / 1000;
}

std::optional<double> TsOfMinOverTime(const RangeWindow& w, const FunctionContext&) {
  if (w.samples.empty()) return std::nullopt;
  return static_cast<double>(Pick(w.samples, [](double a, double b) { return a <= b; })->t) / 1000;
}

std::optional<double> SumOverTime(const RangeWindow& w, const FunctionContext&) {
  if (w.samples.empty()) return std::nullopt;
  KahanSum k;
  for (const Sample& x : w.samples) k.Add(x.v);
  return k.Value();
}

// Welford's online variance with compensated mean and sum of squares.
std::optional<double> Variance(const RangeWindow& w) {
  if (w.samples.empty()) return std::nullopt;
  double count = 0;
  KahanSum mean;
  KahanSum aux;
  for (const Sample& x : w.samples) {
    count += 1;
    const double delta = x.v - (mean.sum + mean.c);
    mean.Add(delta / count);
    aux.Add(delta * (x.v - (mean.sum + mean.c)));
  }
  return (aux.sum + aux.c) / count;
}

std::optional<double> StdvarOverTime(const RangeWindow& w, const FunctionContext&) { return Variance(w); }

std::optional<double> StddevOverTime(const RangeWindow& w, const FunctionContext&) {
  auto v = Variance(w);
  if (v) *v = std::sqrt(*v);
  return v;
}

// Reused across calls so that the per-step path does not allocate.
std::vector<double>& ScratchValues(std::span<const Sample> s) {
  thread_local std::vector<double> values;
  values.clear();
  for (const Sample& x : s) values.push_back(x.v);
  return values;
}

std::optional<double> QuantileOverTime(const RangeWindow& w, const FunctionContext& ctx) {
  if (w.samples.empty() || w.scalars.empty()) return std::nullopt;
  const double q = w.scalars[0];
  if (std::isnan(q) || q < 0 || q > 1) {
    // One message per φ rather than one per series and step.
    const uint64_t bits = std::bit_cast<uint64_t>(q);
    const uint64_t* last = ctx.state != nullptr ? std::any_cast<uint64_t>(ctx.state) : nullptr;
    if (last == nullptr || *last != bits) {
      ctx.Warn(InvalidQuantileMessage(q), ArgPos(ctx, 0));
      if (ctx.state != nullptr) *ctx.state = bits;
    }
  }
  return Quantile(q, ScratchValues(w.samples));
}

std::optional<double> MadOverTime(const RangeWindow& w, const FunctionContext&) {
  if (w.samples.empty()) return std::nullopt;
  std::vector<double>& values = ScratchValues(w.samples);
  for (double v : values) {
    if (std::isnan(v)) return std::numeric_limits<double>::quiet_NaN();
  }
  const double median = Quantile(0.5, values);
  for (double& v : values) v = std::fabs(v - median);
  return Quantile(0.5, values);
}

// One function per line, kept so by hand (clang-format would pack them in columns).
// clang-format off
constexpr NamedFunction kFunctions[] = {
    {"avg_over_time", {.range = AvgOverTime}},
    {"count_over_time", {.range = CountOverTime}},
    // Like an offset, these return the series' own values: the name stays.
    {"first_over_time", {.range = FirstOverTime, .drops_name = false}},
    {"last_over_time", {.range = LastOverTime, .drops_name = false}},
    {"mad_over_time", {.range = MadOverTime}},
    {"max_over_time", {.range = MaxOverTime}},
    {"min_over_time", {.range = MinOverTime}},
    {"present_over_time", {.range = PresentOverTime}},
    {"quantile_over_time", {.range = QuantileOverTime}},
    {"stddev_over_time", {.range = StddevOverTime}},
    {"stdvar_over_time", {.range = StdvarOverTime}},
    {"sum_over_time", {.range = SumOverTime}},
    {"ts_of_first_over_time", {.range = TsOfFirstOverTime}},
    {"ts_of_last_over_time", {.range = TsOfLastOverTime}},
    {"ts_of_max_over_time", {.range = TsOfMaxOverTime}},
    {"ts_of_min_over_time", {.range = TsOfMinOverTime}},
};
// clang-format on

}  // namespace

std::span<const NamedFunction> OverTimeFunctions() { return kFunctions; }

}  // namespace ember::promql::internal
