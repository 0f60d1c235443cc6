// Manager: loads rule files into groups, runs each group on its own timer
// thread, and swaps groups on reload while keeping alert state.
//
//   rules::ManagerOptions o;
//   o.query = ...; o.appendable = &store; o.notify = ...; o.metrics = &registry;
//   rules::Manager m(std::move(o));
//   EMBER_RETURN_IF_ERROR(m.Update({.default_interval = 1min}, files));
//   m.Start();            // groups begin evaluating (after storage is ready)
//   ...
//   m.Stop();             // prompt: waits only for evaluations in flight
//
// Thread-safety: every method may be called from any thread; Update calls are
// serialised.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ember/base/clock.h"
#include "ember/base/file_system.h"
#include "ember/base/labels.h"
#include "ember/base/status.h"
#include "ember/obs/logger.h"
#include "ember/obs/metrics.h"
#include "ember/rules/alert.h"
#include "ember/rules/engine.h"
#include "ember/rules/group.h"

namespace ember::rules {

struct ManagerOptions {
  // Runs rule and template queries. Required.
  QueryFunc query;
  // Parses expressions when rule files load; its error fails the load as
  // `could not parse expression: <error>`, and its result is the rule's query
  // text. Default (empty): expressions are taken as written.
  ParseExprFunc parse_expr;
  // Receives rule results (recording series, ALERTS, ALERTS_FOR_STATE and
  // staleness markers). Required; must outlive the manager.
  Appendable* appendable = nullptr;
  // Reads ALERTS_FOR_STATE back to restore `for` state. With it, groups of
  // the first load (and of later ones with restore_new_rule_groups) restore
  // after their second evaluation and write ALERTS / ALERTS_FOR_STATE only
  // from then on, as upstream. Default (empty): nothing is restored, alerts
  // start pending afresh and ALERTS are written from the first evaluation.
  SeriesQueryFunc query_series;
  // Receives alerts due for sending. Default (empty): alerts are not sent.
  NotifyFunc notify;
  // The time source for timers and timestamps; must outlive the manager.
  // Default: the real clock.
  const Clock* clock = &Clock::Real();
  // The longest a group's timer thread sleeps before it reads the clock again
  // (it also wakes at its next slot and on Stop). Only a ManualClock needs a
  // short value. Default: 1s.
  Milliseconds clock_poll_interval{1000};
  // Rule files are read through this; must outlive the manager. Default: the
  // real file system.
  FileSystem* fs = &FileSystem::Real();
  // Logs with component=rules added. Default: stderr at info.
  Logger logger;
  // Where the prometheus_rule_* self-metrics are registered (once per
  // registry). Default: nullptr, no metrics.
  MetricsRegistry* metrics = nullptr;
  // How long an outage may last for `for` state to be restored
  // (--rules.alert.for-outage-tolerance). Default: 1h.
  Milliseconds outage_tolerance{std::chrono::hours(1)};
  // The least time an alert waits after a restore before firing
  // (--rules.alert.for-grace-period). Default: 10m.
  Milliseconds for_grace_period{std::chrono::minutes(10)};
  // The least time between two sends of a firing alert
  // (--rules.alert.resend-delay). Default: 1m.
  Milliseconds resend_delay{std::chrono::minutes(1)};
  // The query offset of groups without their own (global
  // rule_query_offset); read at every evaluation and status snapshot (from
  // any thread, so it must be thread-safe), so it may follow reloads.
  // Default (empty): 0.
  std::function<Milliseconds()> default_query_offset;
  // Restore `for` state for groups added by later reloads too, not only those
  // of the first load. Default: false (upstream's default).
  bool restore_new_rule_groups = false;
  // Legacy instead of UTF-8 metric and label name validation. Default: false.
  bool legacy_name_validation = false;
};

// What a load applies to the rule files' groups. Reloadable: every Update
// takes a new one.
struct LoadOptions {
  // The interval of groups without their own (global evaluation_interval).
  // Default: 1m.
  Milliseconds default_interval{std::chrono::minutes(1)};
  // The global external labels, given to templates as $externalLabels.
  Labels external_labels;
  // --web.external-url, given to templates as $externalURL.
  std::string external_url;
  // Accept unknown keys in rule files. Default: false.
  bool ignore_unknown_fields = false;
};

// Groups loaded from files and not started, or every error found.
struct LoadedGroups {
  std::vector<std::shared_ptr<Group>> groups;  // sorted by file, then name
  std::vector<std::string> errors;             // "<file>: <error>", upstream's texts; empty on success
};

namespace internal {
struct ManagerState;
}  // namespace internal

class Manager {
 public:
  explicit Manager(ManagerOptions options);
  // Stops the manager if running.
  ~Manager();
  Manager(const Manager&) = delete;
  Manager& operator=(const Manager&) = delete;

  // Lets groups start evaluating: before Start, Update only prepares them.
  // Groups wait for their first slot after the current time.
  void Start();

  // Stops every group's timer and waits for evaluations in flight; groups
  // stay readable. Later Updates are no-ops. Idempotent.
  void Stop();

  // Loads `files` (already glob-expanded paths; see ExpandRuleFileGlobs) and
  // replaces the running groups with them, as upstream does:
  //   * a group whose key (file;name) and config are unchanged keeps running
  //     untouched;
  //   * a changed group with the same key is stopped and replaced, and the
  //     new one takes over its alerts and staleness bookkeeping (rules are
  //     matched by name and labels);
  //   * a group that is gone is stopped and staleness markers are written for
  //     all its series two intervals later (unless the manager stops first).
  // On any load error nothing changes, each error is logged, and the result
  // is InvalidArgument "error loading rules, previous rule set restored"
  // (the individual errors follow, one per line). A stopped manager ignores
  // the call.
  Status Update(const LoadOptions& options, const std::vector<std::string>& files);

  // Loads `files` into new groups without touching the running ones. The
  // groups share this manager's options and metrics but never run on its
  // timers: callers drive them with Group::Eval (promtool's test runner).
  // `for` state is considered restored (ALERTS series are written from the
  // first evaluation).
  LoadedGroups LoadGroups(const LoadOptions& options, const std::vector<std::string>& files) const;

  // The running groups, sorted by file, then name.
  std::vector<std::shared_ptr<Group>> RuleGroups() const;

  // Snapshots of the running groups, sorted by file, then name.
  std::vector<GroupStatus> GroupStatuses() const;

 private:
  std::unique_ptr<internal::ManagerState> state_;
};

}  // namespace ember::rules
