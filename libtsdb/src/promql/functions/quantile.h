// The φ-quantile of a set of values and of classic histogram buckets, as
// Prometheus computes them.
#pragma once

#include <span>
#include <vector>

namespace ember::promql::internal {

// The φ-quantile of `values` by linear interpolation between closest ranks;
// -Inf for q < 0, +Inf for q > 1, NaN for NaN q or no values. Sorts `values`
// (NaNs first).
double Quantile(double q, std::span<double> values);

// One cumulative bucket of a classic histogram.
struct Bucket {
  double upper_bound = 0;
  double count = 0;
};

// What BucketQuantile had to repair in non-monotonic input.
struct BucketFix {
  bool forced_monotonic = false;
  double min_bucket = 0;  // the lowest/highest upper bound lowered, and the largest drop
  double max_bucket = 0;
  double max_diff = 0;
};

// The φ-quantile of classic buckets (any order, sorted in place): NaN
// without a +Inf bucket, with fewer than two buckets or no observations;
// linear interpolation within the bucket, whose lower end is 0 for the
// first bucket unless its bound is <= 0. Counts that decrease are raised
// (reported in `fix`), differences below 1e-12 relative are ignored.
double BucketQuantile(double q, std::vector<Bucket>& buckets, BucketFix* fix);

// The estimated fraction of observations in [lower, upper].
double BucketFraction(double lower, double upper, std::vector<Bucket>& buckets);

}  // namespace ember::promql::internal
