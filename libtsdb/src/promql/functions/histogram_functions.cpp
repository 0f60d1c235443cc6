// histogram_quantile and histogram_fraction over classic histograms (series
// with an `le` label, grouped by their other labels), and the native-only
// histogram_* functions, which ignore float samples.
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "ember/base/strings.h"
#include "promql/functions/function_helpers.h"
#include "promql/functions/quantile.h"

namespace ember::promql::internal {
namespace {

constexpr std::string_view kBucketLabel = "le";

struct ClassicHistogram {
  Labels labels;  // the series' labels without `le`
  std::vector<Bucket> buckets;
};

std::string WithMetricName(std::string message, std::string_view name) {
  if (!name.empty()) message += " for metric name " + GoQuote(name);
  return message;
}

std::string MonotonicityMessage(std::string_view metric_name) {
  return WithMetricName(
      "input to histogram_quantile needed to be fixed for monotonicity (see "
      "https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile)",
      metric_name);
}

// Groups the samples by their labels other than `le`, in order of first
// appearance; a sample whose `le` is missing or not a number is skipped with
// a warning at the vector argument's position.
std::vector<ClassicHistogram> GroupBuckets(const Vector& input, const FunctionContext& ctx, size_t arg) {
  std::vector<ClassicHistogram> groups;
  std::map<Labels, size_t> index;
  const std::vector<std::string> excluded = {std::string(kBucketLabel)};
  for (const VectorSample& s : input) {
    const std::string_view le = s.labels.Get(kBucketLabel);
    const std::optional<double> upper = ParseFloat(le);
    if (!upper) {
      ctx.Warn(WithMetricName("bucket label \"le\" is missing or has a malformed value of " + GoQuote(le),
                              s.labels.MetricName()),
               ArgPos(ctx, arg));
      continue;
    }
    Labels key = s.labels.Without(excluded);
    auto [it, inserted] = index.try_emplace(key, groups.size());
    if (inserted) groups.push_back({std::move(key), {}});
    groups[it->second].buckets.push_back({*upper, s.v});
  }
  return groups;
}

Vector HistogramQuantile(std::span<const ArgValue> args, const FunctionContext& ctx) {
  if (args.size() < 2 || args[1].vector == nullptr) return {};
  const double q = args[0].scalar;
  if (std::isnan(q) || q < 0 || q > 1) ctx.Warn(InvalidQuantileMessage(q), ArgPos(ctx, 0));
  Vector out;
  for (ClassicHistogram& h : GroupBuckets(*args[1].vector, ctx, 1)) {
    BucketFix fix;
    const double v = BucketQuantile(q, h.buckets, &fix);
    if (fix.forced_monotonic) {
      ctx.Info(MonotonicityMessage(h.labels.MetricName()), ArgPos(ctx, 1));
    }
    out.push_back(VectorSample{std::move(h.labels), ctx.t, v, true});
  }
  return out;
}

// A quantile as Prometheus writes it into a label: OpenMetrics style, with
// ".0" added to integers.
std::string QuantileLabelValue(double q) {
  std::string s = FormatFloat(q, 'g');
  if (std::isfinite(q) && s.find_first_of("e.") == std::string::npos) s += ".0";
  return s;
}

// histogram_quantiles(v, "label", φ...): one output series per histogram
// and φ, told apart by the label.
Vector HistogramQuantiles(std::span<const ArgValue> args, const FunctionContext& ctx) {
  if (args.size() < 3 || args[0].vector == nullptr) return {};
  const std::string_view label = args[1].string;
  for (size_t i = 2; i < args.size(); ++i) {
    const double q = args[i].scalar;
    if (std::isnan(q) || q < 0 || q > 1) ctx.Warn(InvalidQuantileMessage(q), ArgPos(ctx, i));
  }
  std::vector<ClassicHistogram> groups = GroupBuckets(*args[0].vector, ctx, 0);
  Vector out;
  std::vector<Bucket> buckets;
  for (size_t i = 2; i < args.size(); ++i) {
    const double q = args[i].scalar;
    const std::string q_value = QuantileLabelValue(q);
    for (const ClassicHistogram& h : groups) {
      // Each φ starts from the buckets as read (the estimator rewrites them).
      buckets = h.buckets;
      BucketFix fix;
      const double v = BucketQuantile(q, buckets, &fix);
      if (fix.forced_monotonic) ctx.Info(MonotonicityMessage(h.labels.MetricName()), ArgPos(ctx, 0));
      out.push_back(VectorSample{LabelsBuilder(h.labels).Set(label, q_value).Build(), ctx.t, v, true});
    }
  }
  return out;
}

Vector HistogramFraction(std::span<const ArgValue> args, const FunctionContext& ctx) {
  if (args.size() < 3 || args[2].vector == nullptr) return {};
  const double lower = args[0].scalar;
  const double upper = args[1].scalar;
  Vector out;
  for (ClassicHistogram& h : GroupBuckets(*args[2].vector, ctx, 2)) {
    const double v = BucketFraction(lower, upper, h.buckets);
    out.push_back(VectorSample{std::move(h.labels), ctx.t, v, true});
  }
  return out;
}

// These read native histograms only; float samples give no output.
Vector NativeOnly(std::span<const ArgValue>, const FunctionContext&) { return {}; }

// One function per line, kept so by hand (clang-format would pack them in columns).
// clang-format off
constexpr NamedFunction kFunctions[] = {
    {"histogram_avg", {.vector = NativeOnly}},
    {"histogram_count", {.vector = NativeOnly}},
    {"histogram_fraction", {.vector = HistogramFraction}},
    {"histogram_quantile", {.vector = HistogramQuantile}},
    {"histogram_quantiles", {.vector = HistogramQuantiles}},
    {"histogram_stddev", {.vector = NativeOnly}},
    {"histogram_stdvar", {.vector = NativeOnly}},
    {"histogram_sum", {.vector = NativeOnly}},
};
// clang-format on

}  // namespace

std::span<const NamedFunction> HistogramFunctions() { return kFunctions; }

}  // namespace ember::promql::internal
