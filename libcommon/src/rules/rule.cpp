#include "rule.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <set>

#include "ember/base/strings.h"
#include "ember/template/prometheus_template.h"

namespace ember::rules {

double StaleNaN() {
  double d;
  uint64_t bits = kStaleNaNBits;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

bool IsStaleNaN(double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  return bits == kStaleNaNBits;
}

std::string_view AlertStateName(AlertState state) {
  switch (state) {
    case AlertState::kUnknown:
      return "unknown";
    case AlertState::kInactive:
      return "inactive";
    case AlertState::kPending:
      return "pending";
    case AlertState::kFiring:
      return "firing";
  }
  return "unknown";
}

std::string_view RuleTypeName(RuleType type) {
  return type == RuleType::kAlerting ? "alerting" : "recording";
}

std::string_view RuleHealthName(RuleHealth health) {
  switch (health) {
    case RuleHealth::kGood:
      return "ok";
    case RuleHealth::kBad:
      return "err";
    case RuleHealth::kUnknown:
      break;
  }
  return "unknown";
}

namespace internal {
namespace {

constexpr std::string_view kAlertMetricName = "ALERTS";
constexpr std::string_view kAlertForStateMetricName = "ALERTS_FOR_STATE";
constexpr std::string_view kAlertStateLabel = "alertstate";
constexpr std::string_view kAlertNameLabel = "alertname";
// How long a resolved alert is kept (and re-sent) after resolving.
constexpr Milliseconds kResolvedRetention = std::chrono::minutes(15);

std::string LabelsFingerprint(const Labels& l) { return l.ToString(); }

}  // namespace

void Rule::SetHealth(RuleHealth h, std::string last_error) {
  std::lock_guard lock(mu_);
  health_ = h;
  last_error_ = std::move(last_error);
}

void Rule::SetEvaluation(TimestampMs wall_start_ms, std::chrono::nanoseconds took) {
  std::lock_guard lock(mu_);
  last_evaluation_ = wall_start_ms;
  evaluation_time_ = took;
}

std::chrono::nanoseconds Rule::evaluation_duration() const {
  std::lock_guard lock(mu_);
  return evaluation_time_;
}

RuleStatus Rule::Status() const {
  RuleStatus s;
  s.type = type_;
  s.name = name_;
  s.query = query_;
  s.labels = labels_;
  std::lock_guard lock(mu_);
  s.health = health_;
  s.last_error = last_error_;
  s.last_evaluation = last_evaluation_;
  s.evaluation_time = evaluation_time_;
  return s;
}

Result<std::vector<Sample>> RecordingRule::Eval(const RuleEvalContext& ctx) {
  TimestampMs query_time = ctx.ts - ctx.query_offset.count();
  EMBER_ASSIGN_OR_RETURN(std::vector<Sample> vector, (*ctx.query)(query(), query_time));
  LabelsBuilder lb;
  std::set<Labels> seen;
  for (Sample& s : vector) {
    lb.Reset(s.labels);
    lb.Set(kMetricNameLabel, name());
    for (const Label& l : labels()) lb.Set(l.name, l.value);
    s.labels = lb.Build();
    s.timestamp_ms = query_time;
    if (!seen.insert(s.labels).second) {
      return Status::InvalidArgument(
          "vector contains metrics with the same labelset after applying rule labels");
    }
  }
  if (ctx.limit > 0 && static_cast<int64_t>(vector.size()) > ctx.limit) {
    return Status::ResourceExhausted("exceeded limit of " + std::to_string(ctx.limit) + " with " +
                                     std::to_string(vector.size()) + " series");
  }
  return vector;
}

std::string RecordingRule::Fingerprint() const {
  return "record\n" + name() + "\n" + query() + "\n" + LabelsFingerprint(labels());
}

AlertingRule::AlertingRule(std::string name, std::string query, Milliseconds hold,
                           Milliseconds keep_firing_for, Labels labels, Labels annotations, bool restored)
    : Rule(RuleType::kAlerting, std::move(name), std::move(query), std::move(labels)),
      hold_(hold),
      keep_firing_for_(keep_firing_for),
      annotations_(std::move(annotations)),
      restored_(restored) {}

std::string AlertingRule::Fingerprint() const {
  return "alert\n" + name() + "\n" + query() + "\n" + std::to_string(hold_.count()) + "\n" +
         std::to_string(keep_firing_for_.count()) + "\n" + LabelsFingerprint(labels()) + "\n" +
         LabelsFingerprint(annotations_);
}

bool AlertingRule::restored() const {
  std::lock_guard lock(mu_);
  return restored_;
}

void AlertingRule::SetRestored(bool restored) {
  std::lock_guard lock(mu_);
  restored_ = restored;
}

Labels AlertingRule::AlertsSampleLabels(const Alert& a) const {
  LabelsBuilder lb(labels());
  for (const Label& l : a.labels) lb.Set(l.name, l.value);
  lb.Set(kMetricNameLabel, kAlertMetricName);
  lb.Set(kAlertNameLabel, name());
  lb.Set(kAlertStateLabel, AlertStateName(a.state));
  return lb.Build();
}

Labels AlertingRule::ForStateSampleLabels(const Alert* a) const {
  LabelsBuilder lb(labels());
  if (a != nullptr) {
    for (const Label& l : a->labels) lb.Set(l.name, l.value);
  }
  lb.Set(kMetricNameLabel, kAlertForStateMetricName);
  lb.Set(kAlertNameLabel, name());
  return lb.Build();
}

std::vector<Label> AlertingRule::ForStateMatchers() const {
  std::vector<Label> out;
  for (const Label& l : ForStateSampleLabels(nullptr)) {
    if (l.value.find("{{") != std::string::npos) continue;
    out.push_back(l);
  }
  return out;
}

Result<std::vector<Sample>> AlertingRule::Eval(const RuleEvalContext& ctx) {
  const TimestampMs ts = ctx.ts;
  const TimestampMs query_time = ts - ctx.query_offset.count();
  EMBER_ASSIGN_OR_RETURN(std::vector<Sample> res, (*ctx.query)(query(), query_time));

  tmpl::ExpandOptions expand_options;
  expand_options.time_ms = ts;
  expand_options.external_url = *ctx.external_url;
  const QueryFunc* query_fn = ctx.query;
  expand_options.query = [query_fn](std::string_view q, int64_t t) -> Result<std::vector<tmpl::QuerySample>> {
    EMBER_ASSIGN_OR_RETURN(std::vector<Sample> samples, (*query_fn)(q, t));
    std::vector<tmpl::QuerySample> out;
    out.reserve(samples.size());
    for (Sample& s : samples) out.push_back({std::move(s.labels), s.value, s.timestamp_ms});
    return out;
  };

  std::map<Labels, Alert> fresh;
  LabelsBuilder lb;
  for (const Sample& smpl : res) {
    tmpl::AlertTemplateData data;
    data.labels = smpl.labels;
    data.external_labels = *ctx.external_labels;
    data.external_url = *ctx.external_url;
    data.value = smpl.value;
    auto expand = [&](const std::string& text) -> std::string {
      if (text.find("{{") == std::string::npos) return text;
      Result<std::string> r = tmpl::ExpandAlertTemplate(name(), text, data, expand_options);
      if (r.ok()) return *r;
      ctx.logger->Warn("Expanding alert template failed",
                       {{"err", r.status()}, {"data", smpl.labels.ToString()}});
      return "<error expanding template: " + r.status().message() + ">";
    };

    lb.Reset(smpl.labels);
    lb.Del(kMetricNameLabel);
    for (const Label& l : labels()) lb.Set(l.name, expand(l.value));
    lb.Set(kAlertNameLabel, name());

    std::vector<Label> annotations;
    for (const Label& a : annotations_) annotations.push_back({a.name, expand(a.value)});

    Labels lbs = lb.Build();
    if (fresh.count(lbs)) {
      return Status::InvalidArgument(
          "vector contains metrics with the same labelset after applying alert labels");
    }
    Alert a;
    a.labels = lbs;
    a.annotations = Labels::FromSorted(std::move(annotations));
    a.active_at = ts;
    a.state = AlertState::kPending;
    a.value = smpl.value;
    fresh.emplace(std::move(lbs), std::move(a));
  }

  std::lock_guard lock(mu_);
  evaluated_ = true;
  for (auto& [lbs, a] : fresh) {
    auto it = active_.find(lbs);
    if (it != active_.end() && it->second.state != AlertState::kInactive) {
      it->second.value = a.value;
      it->second.annotations = a.annotations;
      continue;
    }
    active_[lbs] = a;
  }

  std::vector<Sample> vec;
  int64_t num_active_pending = 0;
  for (auto it = active_.begin(); it != active_.end();) {
    Alert& a = it->second;
    bool erase = false;
    if (!fresh.count(it->first)) {
      bool keep_firing = false;
      if (a.state == AlertState::kFiring && keep_firing_for_.count() > 0) {
        if (a.keep_firing_since == 0) a.keep_firing_since = ts;
        if (ts - a.keep_firing_since < keep_firing_for_.count()) keep_firing = true;
      }
      if (a.state == AlertState::kPending ||
          (a.resolved_at != 0 && ts - a.resolved_at > kResolvedRetention.count())) {
        erase = true;
      }
      if (a.state != AlertState::kInactive && !keep_firing) {
        a.state = AlertState::kInactive;
        a.resolved_at = ts;
      }
      // Only firing alerts keep firing, and those are never due for removal.
      if (!keep_firing) {
        it = erase ? active_.erase(it) : std::next(it);
        continue;
      }
    } else {
      a.keep_firing_since = 0;
    }
    ++num_active_pending;
    if (a.state == AlertState::kPending && ts - a.active_at >= hold_.count()) {
      a.state = AlertState::kFiring;
      a.fired_at = ts;
    }
    if (a.state == AlertState::kFiring && ts - a.active_at < hold_.count()) {
      a.state = AlertState::kPending;
      a.fired_at = 0;
      a.last_sent_at = 0;
      a.keep_firing_since = 0;
    }
    if (restored_) {
      vec.push_back({AlertsSampleLabels(a), 1, query_time});
      // ALERTS_FOR_STATE holds active_at in whole Unix seconds, as upstream.
      double active_at_s =
          static_cast<double>(a.active_at >= 0 ? a.active_at / 1000 : -((-a.active_at + 999) / 1000));
      vec.push_back({ForStateSampleLabels(&a), active_at_s, query_time});
    }
    ++it;
  }

  if (ctx.limit > 0 && num_active_pending > ctx.limit) {
    active_.clear();
    return Status::ResourceExhausted("exceeded limit of " + std::to_string(ctx.limit) + " with " +
                                     std::to_string(num_active_pending) + " alerts");
  }
  return vec;
}

void AlertingRule::SendAlerts(TimestampMs ts, Milliseconds resend_delay, Milliseconds interval,
                              const NotifyFunc& notify) {
  std::vector<Alert> to_send;
  {
    std::lock_guard lock(mu_);
    for (auto& [lbs, a] : active_) {
      if (a.state == AlertState::kPending) continue;
      bool needs = a.resolved_at != 0 && a.resolved_at > a.last_sent_at;
      if (!needs) needs = a.last_sent_at == 0 || a.last_sent_at + resend_delay.count() < ts;
      if (!needs) continue;
      a.last_sent_at = ts;
      a.valid_until = ts + 4 * std::max(interval, resend_delay).count();
      to_send.push_back(a);
    }
  }
  if (notify) notify(query(), std::span<const Alert>(to_send));
}

AlertState AlertingRule::State() const {
  std::lock_guard lock(mu_);
  if (!evaluated_) return AlertState::kUnknown;
  AlertState max = AlertState::kInactive;
  for (const auto& [lbs, a] : active_) max = std::max(max, a.state);
  return max;
}

std::vector<Alert> AlertingRule::CurrentAlerts() const {
  std::lock_guard lock(mu_);
  std::vector<Alert> out;
  out.reserve(active_.size());
  for (const auto& [lbs, a] : active_) out.push_back(a);
  return out;
}

void AlertingRule::CopyAlertsFrom(AlertingRule& from) {
  std::map<Labels, Alert> alerts;
  {
    std::lock_guard lock(from.mu_);
    alerts = from.active_;
  }
  std::lock_guard lock(mu_);
  for (auto& [lbs, a] : alerts) active_[lbs] = std::move(a);
}

RuleStatus AlertingRule::Status() const {
  RuleStatus s = Rule::Status();
  s.annotations = annotations_;
  s.for_duration = hold_;
  s.keep_firing_for = keep_firing_for_;
  s.state = State();
  for (Alert& a : CurrentAlerts()) {
    if (a.resolved_at == 0) s.active_alerts.push_back(std::move(a));
  }
  return s;
}

}  // namespace internal
}  // namespace ember::rules
