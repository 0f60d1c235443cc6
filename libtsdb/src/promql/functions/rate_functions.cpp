// Functions over a range vector that look at how a series changes: rate,
// increase, delta, irate, idelta, deriv, predict_linear, resets, changes and
// double_exponential_smoothing.
#include <any>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "ember/base/strings.h"
#include "promql/functions/function_helpers.h"

namespace ember::promql::internal {
namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Upstream reports a possible non-counter only for series read straight from
// storage (a matrix selector), not for subquery results.
void MaybeWarnNonCounter(const RangeWindow& w, const FunctionContext& ctx) {
  if (ctx.call == nullptr || ctx.call->args.empty() || w.labels == nullptr) return;
  if (ctx.call->args[0]->kind != NodeKind::kMatrixSelector) return;
  const std::string_view name = w.labels->MetricName();
  if (name.empty() || EndsWith(name, "_total") || EndsWith(name, "_sum") || EndsWith(name, "_count") ||
      EndsWith(name, "_bucket")) {
    return;
  }
  // The engine walks a series' steps in a row: remembering the last name
  // warned about keeps a gauge from costing a message per step.
  if (ctx.state != nullptr) {
    if (!ctx.state->has_value()) ctx.state->emplace<std::string>();
    if (auto* last = std::any_cast<std::string>(ctx.state)) {
      if (*last == name) return;
      last->assign(name);
    }
  }
  ctx.Info("metric might not be a counter, name does not end in _total/_sum/_count/_bucket: " + GoQuote(name),
           ctx.call->args[0]->pos);
}

// The increase over the window extrapolated towards its ends: all the way to
// a boundary when the first/last sample is within 1.1 average sample
// intervals of it, else by half an interval; a counter is never extrapolated
// below zero.
std::optional<double> ExtrapolatedRate(const RangeWindow& w, bool is_counter, bool is_rate) {
  const auto& s = w.samples;
  if (s.size() < 2) return std::nullopt;
  const Sample& first = s.front();
  const Sample& last = s.back();
  double result = last.v - first.v;
  if (is_counter) {
    for (size_t i = 1; i < s.size(); ++i) {
      if (s[i].v < s[i - 1].v) result += s[i - 1].v;
    }
  }
  double duration_to_start = static_cast<double>(first.t - w.range_start_ms) / 1000;
  double duration_to_end = static_cast<double>(w.range_end_ms - last.t) / 1000;
  const double sampled_interval = static_cast<double>(last.t - first.t) / 1000;
  const double average_interval = sampled_interval / static_cast<double>(s.size() - 1);
  const double threshold = average_interval * 1.1;
  if (duration_to_start >= threshold) duration_to_start = average_interval / 2;
  if (is_counter) {
    double duration_to_zero = duration_to_start;
    if (result > 0 && first.v >= 0) duration_to_zero = sampled_interval * (first.v / result);
    if (duration_to_zero < duration_to_start) duration_to_start = duration_to_zero;
  }
  if (duration_to_end >= threshold) duration_to_end = average_interval / 2;
  double factor = 1;
  if (sampled_interval != 0)
    factor = (sampled_interval + duration_to_start + duration_to_end) / sampled_interval;
  if (is_rate) factor /= static_cast<double>(w.range_end_ms - w.range_start_ms) / 1000;
  return result * factor;
}

std::optional<double> Rate(const RangeWindow& w, const FunctionContext& ctx) {
  auto r = ExtrapolatedRate(w, true, true);
  if (r) MaybeWarnNonCounter(w, ctx);
  return r;
}

std::optional<double> Increase(const RangeWindow& w, const FunctionContext& ctx) {
  auto r = ExtrapolatedRate(w, true, false);
  if (r) MaybeWarnNonCounter(w, ctx);
  return r;
}

std::optional<double> Delta(const RangeWindow& w, const FunctionContext&) {
  return ExtrapolatedRate(w, false, false);
}

// irate/idelta: from the last two samples only.
std::optional<double> InstantValue(const RangeWindow& w, bool is_rate) {
  const auto& s = w.samples;
  if (s.size() < 2) return std::nullopt;
  const Sample& prev = s[s.size() - 2];
  const Sample& last = s.back();
  const int64_t interval_ms = last.t - prev.t;
  if (interval_ms == 0) return std::nullopt;
  // After a counter reset the last value is the increase since the reset.
  double result = last.v;
  if (!is_rate || !(last.v < prev.v)) result = last.v - prev.v;
  if (is_rate) result /= static_cast<double>(interval_ms) / 1000;
  return result;
}

std::optional<double> Irate(const RangeWindow& w, const FunctionContext&) { return InstantValue(w, true); }
std::optional<double> Idelta(const RangeWindow& w, const FunctionContext&) { return InstantValue(w, false); }

struct Regression {
  double slope;
  double intercept;
};

// Least squares over (seconds since intercept_ms, value), with compensated
// sums; a constant series has slope 0 exactly (NaN when it is infinite).
Regression LinearRegression(std::span<const Sample> s, int64_t intercept_ms) {
  KahanSum sum_x, sum_y, sum_xy, sum_x2;
  const double init_y = s[0].v;
  bool const_y = true;
  double n = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (const_y && i > 0 && s[i].v != init_y) const_y = false;
    n += 1;
    const double x = static_cast<double>(s[i].t - intercept_ms) / 1e3;
    sum_x.Add(x);
    sum_y.Add(s[i].v);
    sum_xy.Add(x * s[i].v);
    sum_x2.Add(x * x);
  }
  if (const_y) {
    if (std::isinf(init_y)) return {std::nan(""), std::nan("")};
    return {0, init_y};
  }
  const double sx = sum_x.sum + sum_x.c;
  const double sy = sum_y.sum + sum_y.c;
  const double sxy = sum_xy.sum + sum_xy.c;
  const double sx2 = sum_x2.sum + sum_x2.c;
  const double cov_xy = sxy - sx * sy / n;
  const double var_x = sx2 - sx * sx / n;
  const double slope = cov_xy / var_x;
  return {slope, sy / n - slope * sx / n};
}

std::optional<double> Deriv(const RangeWindow& w, const FunctionContext&) {
  if (w.samples.size() < 2) return std::nullopt;
  return LinearRegression(w.samples, w.samples[0].t).slope;
}

std::optional<double> PredictLinear(const RangeWindow& w, const FunctionContext& ctx) {
  if (w.samples.size() < 2 || w.scalars.empty()) return std::nullopt;
  // Upstream takes the intercept at the evaluation time, offset or not.
  const Regression r = LinearRegression(w.samples, ctx.t);
  return r.slope * w.scalars[0] + r.intercept;
}

std::optional<double> Resets(const RangeWindow& w, const FunctionContext&) {
  const auto& s = w.samples;
  if (s.empty()) return std::nullopt;
  int resets = 0;
  for (size_t i = 1; i < s.size(); ++i) {
    if (s[i].v < s[i - 1].v) ++resets;
  }
  return resets;
}

std::optional<double> Changes(const RangeWindow& w, const FunctionContext&) {
  const auto& s = w.samples;
  if (s.empty()) return std::nullopt;
  int changes = 0;
  for (size_t i = 1; i < s.size(); ++i) {
    const double prev = s[i - 1].v;
    const double cur = s[i].v;
    if (cur != prev && !(std::isnan(cur) && std::isnan(prev))) ++changes;
  }
  return changes;
}

// Go's %f: six decimals, and NaN/+Inf/-Inf spelled as Go spells them.
std::string GoPercentF(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[512];
  std::snprintf(buf, sizeof(buf), "%f", v);
  return buf;
}

// Holt's linear smoothing: sf weighs the newest value, tf the newest trend.
std::optional<double> DoubleExponentialSmoothing(const RangeWindow& w, const FunctionContext& ctx) {
  if (w.scalars.size() < 2) return std::nullopt;
  const double sf = w.scalars[0];
  const double tf = w.scalars[1];
  // Written so that NaN fails too, as upstream's comparisons make it.
  if (!(sf > 0 && sf < 1)) {
    ctx.Fail(
        Status::InvalidArgument("invalid smoothing factor. Expected: 0 < sf < 1, got: " + GoPercentF(sf)));
    return std::nullopt;
  }
  if (!(tf > 0 && tf < 1)) {
    ctx.Fail(Status::InvalidArgument("invalid trend factor. Expected: 0 < tf < 1, got: " + GoPercentF(tf)));
    return std::nullopt;
  }
  const auto& s = w.samples;
  if (s.size() < 2) return std::nullopt;
  double s0 = 0;
  double s1 = s[0].v;
  double b = s[1].v - s[0].v;
  for (size_t i = 1; i < s.size(); ++i) {
    const double x = sf * s[i].v;
    // The trend at the first step is the initial difference itself.
    if (i - 1 != 0) b = tf * (s1 - s0) + (1 - tf) * b;
    const double y = (1 - sf) * (s1 + b);
    s0 = s1;
    s1 = x + y;
  }
  return s1;
}

// One function per line, kept so by hand (clang-format would pack them in columns).
// clang-format off
constexpr NamedFunction kFunctions[] = {
    {"changes", {.range = Changes}},
    {"delta", {.range = Delta}},
    {"deriv", {.range = Deriv}},
    {"double_exponential_smoothing", {.range = DoubleExponentialSmoothing}},
    {"idelta", {.range = Idelta}},
    {"increase", {.range = Increase}},
    {"irate", {.range = Irate}},
    {"predict_linear", {.range = PredictLinear}},
    {"rate", {.range = Rate}},
    {"resets", {.range = Resets}},
};
// clang-format on

}  // namespace

std::span<const NamedFunction> RateFunctions() { return kFunctions; }

}  // namespace ember::promql::internal
