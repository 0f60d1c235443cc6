// The inside of a Group: its rules, the series each rule wrote last time
// (for staleness markers), its timer thread and its status.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "ember/rules/group.h"
#include "ember/rules/manager.h"
#include "rule.h"
#include "rule_metrics.h"

namespace ember::rules::internal {

// What every group of one manager shares; immutable once built.
struct SharedOptions {
  ManagerOptions options;
  Logger logger;                         // component=rules
  std::unique_ptr<RuleMetrics> metrics;  // null without a registry
};

struct GroupMetricChildren {
  Counter* iterations_missed = nullptr;
  Counter* iterations_scheduled = nullptr;
  Counter* eval_total = nullptr;
  Counter* eval_failures = nullptr;
  Gauge* last_eval_time = nullptr;
  Gauge* last_duration = nullptr;
  Gauge* last_rule_duration_sum = nullptr;
  Gauge* last_restore_duration = nullptr;
  Gauge* samples = nullptr;
};

struct GroupState {
  GroupState(std::shared_ptr<const SharedOptions> shared, std::string name, std::string file,
             Milliseconds interval, int64_t limit, std::optional<Milliseconds> query_offset,
             std::vector<std::unique_ptr<Rule>> rules, bool should_restore, Labels external_labels,
             std::string external_url);
  ~GroupState();

  std::string Key() const { return file + ";" + name; }
  Milliseconds QueryOffset() const;
  TimestampMs EvalTimestamp(TimestampMs start_ms) const;

  // One timer iteration: EvalRules plus status and metrics.
  void Iterate(TimestampMs eval_ts);
  void EvalRules(TimestampMs ts);
  void CleanupStaleSeries(TimestampMs ts);
  void RestoreForState(TimestampMs ts);
  // Takes over alerts and staleness bookkeeping of the group this one replaces.
  void CopyState(GroupState& from);
  bool Equals(const GroupState& other) const;
  GroupStatus Status() const;

  void StartThread();
  // Stops the timer thread and waits for it; safe to call more than once.
  void StopThread();
  // Moves every series written last time to the stale list (the group is
  // being removed).
  void MarkAllSeriesStale();

  std::shared_ptr<const SharedOptions> shared;
  const Clock& clock;
  Logger logger;
  const std::string name;
  const std::string file;
  const Milliseconds interval;
  const int64_t limit;
  const std::optional<Milliseconds> query_offset;
  std::vector<std::unique_ptr<Rule>> rules;
  bool should_restore;
  const Labels external_labels;
  const std::string external_url;
  GroupMetricChildren metrics;

  // Touched only by the evaluating thread (or, stopped, by the manager).
  std::vector<std::set<Labels>> series_in_previous_eval;  // one per rule
  std::vector<Labels> stale_series;

 private:
  void Run(TimestampMs start_ms);
  // Waits until the clock reaches `target_ms`; false when stopped first.
  bool WaitUntil(TimestampMs target_ms);
  bool stopping() const;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;                            // GUARDED_BY(mu_)
  std::chrono::nanoseconds evaluation_time_{0};  // GUARDED_BY(mu_)
  TimestampMs last_evaluation_ = 0;              // GUARDED_BY(mu_)
  TimestampMs last_eval_timestamp_ = 0;          // GUARDED_BY(mu_)
  std::thread thread_;
};

// The one door from the library's inside to a Group's state.
struct GroupAccess {
  static GroupState* State(Group& g) { return g.state_.get(); }
  static const GroupState* State(const Group& g) { return g.state_.get(); }
  static std::shared_ptr<Group> Make(std::unique_ptr<GroupState> state) {
    return std::shared_ptr<Group>(new Group(std::move(state)));
  }
};

}  // namespace ember::rules::internal
