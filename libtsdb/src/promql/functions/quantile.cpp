#include "promql/functions/quantile.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ember::promql::internal {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
// Below this relative difference two cumulative counts are taken as equal:
// float noise from rate() over buckets, not a real decrease.
constexpr double kSmallDeltaTolerance = 1e-12;

bool AlmostEqual(double a, double b, double epsilon) {
  if (std::isnan(a) && std::isnan(b)) return true;
  if (a == b) return true;
  const double min_normal = std::numeric_limits<double>::min();
  const double abs_sum = std::fabs(a) + std::fabs(b);
  const double diff = std::fabs(a - b);
  if (a == 0 || b == 0 || abs_sum < min_normal) return diff < epsilon * min_normal;
  return diff / std::min(abs_sum, std::numeric_limits<double>::max()) < epsilon;
}

void SortAndCoalesce(std::vector<Bucket>& buckets) {
  std::stable_sort(buckets.begin(), buckets.end(),
                   [](const Bucket& a, const Bucket& b) { return a.upper_bound < b.upper_bound; });
  size_t out = 0;
  for (size_t i = 1; i < buckets.size(); ++i) {
    if (buckets[i].upper_bound == buckets[out].upper_bound) {
      buckets[out].count += buckets[i].count;
    } else {
      buckets[++out] = buckets[i];
    }
  }
  buckets.resize(out + 1);
}

}  // namespace

double Quantile(double q, std::span<double> values) {
  if (values.empty() || std::isnan(q)) return kNaN;
  if (q < 0) return -kInf;
  if (q > 1) return kInf;
  std::sort(values.begin(), values.end(), [](double a, double b) {
    if (std::isnan(a)) return !std::isnan(b);
    return a < b;
  });
  const double n = static_cast<double>(values.size());
  const double rank = q * (n - 1);
  const double lower = std::max(0.0, std::floor(rank));
  const double upper = std::min(n - 1, lower + 1);
  const double weight = rank - std::floor(rank);
  return values[static_cast<size_t>(lower)] * (1 - weight) + values[static_cast<size_t>(upper)] * weight;
}

double BucketQuantile(double q, std::vector<Bucket>& buckets, BucketFix* fix) {
  if (std::isnan(q)) return kNaN;
  if (q < 0) return -kInf;
  if (q > 1) return kInf;
  if (buckets.empty()) return kNaN;
  SortAndCoalesce(buckets);
  if (!(std::isinf(buckets.back().upper_bound) && buckets.back().upper_bound > 0)) return kNaN;

  BucketFix local;
  local.min_bucket = kInf;
  local.max_bucket = -kInf;
  double prev = buckets[0].count;
  for (size_t i = 1; i < buckets.size(); ++i) {
    const double cur = buckets[i].count;
    if (cur == prev) continue;
    if (AlmostEqual(prev, cur, kSmallDeltaTolerance)) {
      buckets[i].count = prev;
      continue;
    }
    if (cur < prev) {
      buckets[i].count = prev;
      local.forced_monotonic = true;
      local.min_bucket = std::min(local.min_bucket, buckets[i].upper_bound);
      local.max_bucket = std::max(local.max_bucket, buckets[i].upper_bound);
      local.max_diff = std::max(local.max_diff, prev - cur);
      continue;
    }
    prev = cur;
  }
  if (fix != nullptr) *fix = local;

  if (buckets.size() < 2) return kNaN;
  const double observations = buckets.back().count;
  if (observations == 0) return kNaN;
  double rank = q * observations;
  // The first bucket (the +Inf one excluded) whose count reaches the rank.
  size_t b = 0;
  while (b < buckets.size() - 1 && !(buckets[b].count >= rank)) ++b;
  if (b == buckets.size() - 1) return buckets[buckets.size() - 2].upper_bound;
  if (b == 0 && buckets[0].upper_bound <= 0) return buckets[0].upper_bound;
  double bucket_start = 0;
  const double bucket_end = buckets[b].upper_bound;
  double count = buckets[b].count;
  if (b > 0) {
    bucket_start = buckets[b - 1].upper_bound;
    count -= buckets[b - 1].count;
    rank -= buckets[b - 1].count;
  }
  return bucket_start + (bucket_end - bucket_start) * (rank / count);
}

double BucketFraction(double lower, double upper, std::vector<Bucket>& buckets) {
  if (buckets.empty()) return kNaN;
  SortAndCoalesce(buckets);
  if (!(std::isinf(buckets.back().upper_bound) && buckets.back().upper_bound > 0)) return kNaN;
  const double count = buckets.back().count;
  if (count == 0 || std::isnan(lower) || std::isnan(upper)) return kNaN;
  if (lower >= upper) return 0;

  double rank = 0, lower_rank = 0, upper_rank = 0;
  bool lower_set = false, upper_set = false;
  double lower_bound = buckets[0].upper_bound <= 0 ? -kInf : 0;
  for (size_t i = 0; i < buckets.size(); ++i) {
    const Bucket& b = buckets[i];
    if (i > 0) lower_bound = buckets[i - 1].upper_bound;
    const double upper_bound = b.upper_bound;
    auto interpolate = [&](double v) {
      // Nothing is known about the spread below the first bound.
      if (lower_bound == -kInf) return b.count;
      return rank + (b.count - rank) * (v - lower_bound) / (upper_bound - lower_bound);
    };
    if (!lower_set && lower_bound >= lower) {
      lower_rank = rank;
      lower_set = true;
    }
    if (!upper_set && lower_bound >= upper) {
      upper_rank = rank;
      upper_set = true;
    }
    if (lower_set && upper_set) break;
    if (!lower_set && lower_bound < lower && upper_bound > lower) {
      lower_rank = interpolate(lower);
      lower_set = true;
    }
    if (!upper_set && lower_bound < upper && upper_bound > upper) {
      upper_rank = interpolate(upper);
      upper_set = true;
    }
    if (lower_set && upper_set) break;
    rank = b.count;
  }
  if (!lower_set || lower_rank > count) lower_rank = count;
  if (!upper_set || upper_rank > count) upper_rank = count;
  return (upper_rank - lower_rank) / count;
}

}  // namespace ember::promql::internal
