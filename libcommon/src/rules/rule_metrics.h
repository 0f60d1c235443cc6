// The rule manager's self-metrics, declared in one place with upstream's
// names. Per-group metrics carry rule_group="<file>;<group>".
#pragma once

#include "ember/obs/metrics.h"

namespace ember::rules::internal {

struct RuleMetrics {
  explicit RuleMetrics(MetricsRegistry& r);

  // Upstream exposes these two as summaries; the registry offers histograms.
  Histogram& eval_duration;                     // prometheus_rule_evaluation_duration_seconds
  Histogram& iteration_duration;                // prometheus_rule_group_duration_seconds
  Family<Counter>& iterations_missed;           // prometheus_rule_group_iterations_missed_total
  Family<Counter>& iterations_scheduled;        // prometheus_rule_group_iterations_total
  Family<Counter>& eval_total;                  // prometheus_rule_evaluations_total
  Family<Counter>& eval_failures;               // prometheus_rule_evaluation_failures_total
  Family<Gauge>& group_interval;                // prometheus_rule_group_interval_seconds
  Family<Gauge>& group_last_eval_time;          // prometheus_rule_group_last_evaluation_timestamp_seconds
  Family<Gauge>& group_last_duration;           // prometheus_rule_group_last_duration_seconds
  Family<Gauge>& group_last_rule_duration_sum;  // prometheus_rule_group_last_rule_duration_sum_seconds
  Family<Gauge>& group_last_restore_duration;   // prometheus_rule_group_last_restore_duration_seconds
  Family<Gauge>& group_rules;                   // prometheus_rule_group_rules
  Family<Gauge>& group_samples;                 // prometheus_rule_group_last_evaluation_samples
};

}  // namespace ember::rules::internal
