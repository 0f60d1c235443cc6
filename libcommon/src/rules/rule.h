// The rules a group evaluates: RecordingRule writes its expression's result
// as a new series; AlertingRule turns it into alerts that go from pending to
// firing to resolved. Both keep the health and timing the API shows.
//
// A rule is evaluated by one thread at a time (its group's); Status() and the
// alert accessors may be called concurrently from any thread.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "ember/base/labels.h"
#include "ember/obs/logger.h"
#include "ember/rules/alert.h"
#include "ember/rules/engine.h"
#include "ember/rules/group.h"

namespace ember::rules::internal {

// What one evaluation of a rule needs from its group.
struct RuleEvalContext {
  const QueryFunc* query = nullptr;
  TimestampMs ts = 0;            // the evaluation time
  Milliseconds query_offset{0};  // queries run at ts - query_offset
  int64_t limit = 0;             // 0 = no limit
  const Labels* external_labels = nullptr;
  const std::string* external_url = nullptr;
  const Logger* logger = nullptr;
};

class Rule {
 public:
  Rule(RuleType type, std::string name, std::string query, Labels labels)
      : type_(type), name_(std::move(name)), query_(std::move(query)), labels_(std::move(labels)) {}
  virtual ~Rule() = default;

  RuleType type() const { return type_; }
  const std::string& name() const { return name_; }
  const std::string& query() const { return query_; }
  const Labels& labels() const { return labels_; }

  // The samples to append (recording series, or ALERTS and
  // ALERTS_FOR_STATE), or the evaluation's error.
  virtual Result<std::vector<Sample>> Eval(const RuleEvalContext& ctx) = 0;
  // Everything that identifies the rule's configuration: two rules with the
  // same Fingerprint behave alike.
  virtual std::string Fingerprint() const = 0;

  void SetHealth(RuleHealth h, std::string last_error);
  void SetEvaluation(TimestampMs wall_start_ms, std::chrono::nanoseconds took);
  std::chrono::nanoseconds evaluation_duration() const;
  virtual RuleStatus Status() const;

 protected:
  mutable std::mutex mu_;

 private:
  RuleType type_;
  std::string name_;
  std::string query_;
  Labels labels_;
  RuleHealth health_ = RuleHealth::kUnknown;     // GUARDED_BY(mu_)
  std::string last_error_;                       // GUARDED_BY(mu_)
  TimestampMs last_evaluation_ = 0;              // GUARDED_BY(mu_)
  std::chrono::nanoseconds evaluation_time_{0};  // GUARDED_BY(mu_)
};

class RecordingRule final : public Rule {
 public:
  RecordingRule(std::string name, std::string query, Labels labels)
      : Rule(RuleType::kRecording, std::move(name), std::move(query), std::move(labels)) {}
  Result<std::vector<Sample>> Eval(const RuleEvalContext& ctx) override;
  std::string Fingerprint() const override;
};

class AlertingRule final : public Rule {
 public:
  AlertingRule(std::string name, std::string query, Milliseconds hold, Milliseconds keep_firing_for,
               Labels labels, Labels annotations, bool restored);

  Result<std::vector<Sample>> Eval(const RuleEvalContext& ctx) override;
  std::string Fingerprint() const override;
  RuleStatus Status() const override;

  Milliseconds hold_duration() const { return hold_; }
  const Labels& annotations() const { return annotations_; }

  // Hands the alerts due for sending at `ts` to `notify` (when set),
  // stamping last_sent_at and valid_until.
  void SendAlerts(TimestampMs ts, Milliseconds resend_delay, Milliseconds interval, const NotifyFunc& notify);

  bool restored() const;
  void SetRestored(bool restored);
  AlertState State() const;
  // All current alerts including resolved ones kept for re-sending, sorted by labels.
  std::vector<Alert> CurrentAlerts() const;
  // The labels matching this rule's ALERTS_FOR_STATE series (those without
  // template syntax).
  std::vector<Label> ForStateMatchers() const;
  // Runs `f` on every current alert under the rule's lock.
  template <class F>
  void ForEachAlert(F&& f) {
    std::lock_guard lock(mu_);
    for (auto& [labels, alert] : active_) f(alert);
  }
  // Takes over `from`'s alerts (state carried across a reload).
  void CopyAlertsFrom(AlertingRule& from);

 private:
  Labels AlertsSampleLabels(const Alert& a) const;
  Labels ForStateSampleLabels(const Alert* a) const;

  Milliseconds hold_;
  Milliseconds keep_firing_for_;
  Labels annotations_;
  bool restored_;                   // GUARDED_BY(mu_)
  bool evaluated_ = false;          // GUARDED_BY(mu_)
  std::map<Labels, Alert> active_;  // GUARDED_BY(mu_)
};

}  // namespace ember::rules::internal
