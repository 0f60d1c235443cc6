// Group: an ordered list of recording and alerting rules evaluated together
// at one interval, and the status snapshots that the HTTP API shows.
//
// Groups are made by Manager::LoadGroups or Manager::Update (never directly).
// A group evaluates its rules one after another: each rule's results are
// appended and committed before the next rule runs, so later rules see the
// series earlier ones recorded.
//
// Thread-safety: Status() and the accessors may be called from any thread at
// any time. Eval() and RestoreForState() must not run concurrently with each
// other or with the manager's timer for the same group: a group handed out by
// Manager::LoadGroups is never run by the manager and may be driven by hand
// (the `promtool test rules` runner); a group running under the manager's
// timer must not be evaluated by hand.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ember/base/labels.h"
#include "ember/base/time.h"
#include "ember/rules/alert.h"

namespace ember::rules {

enum class RuleType { kRecording, kAlerting };
// "recording", "alerting" (the API's `type` values).
std::string_view RuleTypeName(RuleType type);

enum class RuleHealth { kUnknown, kGood, kBad };
// "unknown", "ok", "err" (the API's `health` values).
std::string_view RuleHealthName(RuleHealth health);

// A snapshot of one rule.
struct RuleStatus {
  RuleType type = RuleType::kRecording;
  std::string name;   // `record` or `alert`
  std::string query;  // the expression (canonical text when ManagerOptions::parse_expr is set)
  Labels labels;      // the rule's labels with the group's labels merged under them (as written, untemplated)
  Labels annotations;               // alerting rules only (as written, untemplated)
  Milliseconds for_duration{0};     // alerting rules only
  Milliseconds keep_firing_for{0};  // alerting rules only
  RuleHealth health = RuleHealth::kUnknown;
  std::string last_error;                       // "" when the last evaluation succeeded
  TimestampMs last_evaluation = 0;              // wall-clock start of the last evaluation; 0 = never
  std::chrono::nanoseconds evaluation_time{0};  // how long the last evaluation took
  // Alerting rules: the highest state among the alerts (kUnknown before the
  // first evaluation, kInactive with no alerts).
  AlertState state = AlertState::kUnknown;
  // Alerting rules: pending and firing alerts (not the resolved ones still
  // kept for re-sending), sorted by labels.
  std::vector<Alert> active_alerts;
};

// A snapshot of one group.
struct GroupStatus {
  std::string name;
  std::string file;
  Milliseconds interval{0};                     // the effective interval
  int64_t limit = 0;                            // 0 = no limit
  Milliseconds query_offset{0};                 // the effective offset
  TimestampMs last_evaluation = 0;              // wall-clock start of the last evaluation; 0 = never
  std::chrono::nanoseconds evaluation_time{0};  // how long the last evaluation took
  TimestampMs last_eval_timestamp = 0;          // the evaluation time (slot) used last; 0 = never
  std::vector<RuleStatus> rules;                // in file order
};

namespace internal {
struct GroupState;
struct GroupAccess;
}  // namespace internal

class Group {
 public:
  ~Group();
  Group(const Group&) = delete;
  Group& operator=(const Group&) = delete;

  const std::string& name() const;
  const std::string& file() const;
  // "file;name", the key of the group's self-metrics (label rule_group).
  std::string Key() const;
  Milliseconds interval() const;
  int64_t limit() const;
  // The group's query_offset, else the manager's default.
  Milliseconds QueryOffset() const;
  size_t rule_count() const;

  // Evaluates every rule once at `eval_time_ms` (queries run at
  // eval_time_ms - QueryOffset()), appends the results, writes staleness
  // markers for vanished series, hands alerts due for sending to the notify
  // function and updates the group's and rules' status and metrics: one
  // iteration of the group's timer.
  void Eval(TimestampMs eval_time_ms);

  // Restores the `for` state (active_at) of the alerts now pending from the
  // ALERTS_FOR_STATE series, as upstream does after a restart: only alerts
  // of rules whose `for` is at least the grace period, seen within the outage
  // tolerance before `now_ms`. Marks every alerting rule as restored, after
  // which its evaluations write ALERTS and ALERTS_FOR_STATE. Without
  // ManagerOptions::query_series it only does the marking.
  void RestoreForState(TimestampMs now_ms);

  // The latest evaluation slot at or before `start_ms`: slots are
  // `interval` apart, offset by a hash of the group's file and name so that
  // groups spread over the interval, as upstream.
  TimestampMs EvalTimestamp(TimestampMs start_ms) const;

  GroupStatus Status() const;

 private:
  friend struct internal::GroupAccess;
  explicit Group(std::unique_ptr<internal::GroupState> state);
  std::unique_ptr<internal::GroupState> state_;
};

}  // namespace ember::rules
