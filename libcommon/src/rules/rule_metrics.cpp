#include "rule_metrics.h"

namespace ember::rules::internal {
namespace {
constexpr const char* kGroup = "rule_group";
}  // namespace

RuleMetrics::RuleMetrics(MetricsRegistry& r)
    : eval_duration(r.NewHistogram("prometheus_rule_evaluation_duration_seconds",
                                   "The duration for a rule to execute.", DefaultBuckets())),
      iteration_duration(r.NewHistogram("prometheus_rule_group_duration_seconds",
                                        "The duration of rule group evaluations.", DefaultBuckets())),
      iterations_missed(
          r.NewCounterFamily("prometheus_rule_group_iterations_missed_total",
                             "The total number of rule group evaluations missed due to slow rule "
                             "group evaluation.",
                             {kGroup})),
      iterations_scheduled(r.NewCounterFamily("prometheus_rule_group_iterations_total",
                                              "The total number of scheduled rule group evaluations, whether "
                                              "executed or missed.",
                                              {kGroup})),
      eval_total(r.NewCounterFamily("prometheus_rule_evaluations_total",
                                    "The total number of rule evaluations.", {kGroup})),
      eval_failures(r.NewCounterFamily("prometheus_rule_evaluation_failures_total",
                                       "The total number of rule evaluation failures.", {kGroup})),
      group_interval(r.NewGaugeFamily("prometheus_rule_group_interval_seconds",
                                      "The interval of a rule group.", {kGroup})),
      group_last_eval_time(r.NewGaugeFamily("prometheus_rule_group_last_evaluation_timestamp_seconds",
                                            "The timestamp of the last rule group evaluation in seconds.",
                                            {kGroup})),
      group_last_duration(r.NewGaugeFamily("prometheus_rule_group_last_duration_seconds",
                                           "The duration of the last rule group evaluation.", {kGroup})),
      group_last_rule_duration_sum(
          r.NewGaugeFamily("prometheus_rule_group_last_rule_duration_sum_seconds",
                           "The sum of time in seconds it took to evaluate each rule in "
                           "the group regardless of concurrency.",
                           {kGroup})),
      group_last_restore_duration(r.NewGaugeFamily("prometheus_rule_group_last_restore_duration_seconds",
                                                   "The duration of the last alert rules alerts restoration "
                                                   "using the `ALERTS_FOR_STATE` series.",
                                                   {kGroup})),
      group_rules(r.NewGaugeFamily("prometheus_rule_group_rules", "The number of rules.", {kGroup})),
      group_samples(r.NewGaugeFamily("prometheus_rule_group_last_evaluation_samples",
                                     "The number of samples returned during the last rule group evaluation.",
                                     {kGroup})) {}

}  // namespace ember::rules::internal
