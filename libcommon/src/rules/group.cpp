#include <xxhash.h>

#include <algorithm>
#include <cmath>

#include "ember/rules/group.h"
#include "group_state.h"

namespace ember::rules {
namespace internal {
namespace {

double Seconds(std::chrono::nanoseconds d) { return std::chrono::duration<double>(d).count(); }

std::string NameAndLabels(const Rule& r) { return r.name() + r.labels().ToString(); }

}  // namespace

GroupState::GroupState(std::shared_ptr<const SharedOptions> shared_in, std::string name_in,
                       std::string file_in, Milliseconds interval_in, int64_t limit_in,
                       std::optional<Milliseconds> query_offset_in,
                       std::vector<std::unique_ptr<Rule>> rules_in, bool should_restore_in,
                       Labels external_labels_in, std::string external_url_in)
    : shared(std::move(shared_in)),
      clock(*shared->options.clock),
      logger(shared->logger.With({{"file", file_in}, {"group", name_in}})),
      name(std::move(name_in)),
      file(std::move(file_in)),
      interval(interval_in),
      limit(limit_in),
      query_offset(query_offset_in),
      rules(std::move(rules_in)),
      should_restore(should_restore_in),
      external_labels(std::move(external_labels_in)),
      external_url(std::move(external_url_in)),
      series_in_previous_eval(rules.size()) {
  if (RuleMetrics* m = shared->metrics.get()) {
    const std::vector<std::string> key{Key()};
    metrics.iterations_missed = &m->iterations_missed.WithLabelValues(key);
    metrics.iterations_scheduled = &m->iterations_scheduled.WithLabelValues(key);
    metrics.eval_total = &m->eval_total.WithLabelValues(key);
    metrics.eval_failures = &m->eval_failures.WithLabelValues(key);
    metrics.last_eval_time = &m->group_last_eval_time.WithLabelValues(key);
    metrics.last_duration = &m->group_last_duration.WithLabelValues(key);
    metrics.last_rule_duration_sum = &m->group_last_rule_duration_sum.WithLabelValues(key);
    metrics.last_restore_duration = &m->group_last_restore_duration.WithLabelValues(key);
    metrics.samples = &m->group_samples.WithLabelValues(key);
    m->group_rules.WithLabelValues(key).Set(static_cast<double>(rules.size()));
    m->group_interval.WithLabelValues(key).Set(std::chrono::duration<double>(interval).count());
  }
}

GroupState::~GroupState() { StopThread(); }

Milliseconds GroupState::QueryOffset() const {
  if (query_offset) return *query_offset;
  if (shared->options.default_query_offset) return shared->options.default_query_offset();
  return Milliseconds(0);
}

TimestampMs GroupState::EvalTimestamp(TimestampMs start_ms) const {
  // The slot offset is upstream's: the labels hash (XXH64 over
  // "file\xff<file>\xff" "name\xff<name>\xff") modulo the interval, in
  // nanoseconds.
  std::string buf = "file\xff" + file + "\xff" + "name\xff" + name + "\xff";
  uint64_t hash = XXH64(buf.data(), buf.size(), 0);
  const int64_t interval_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(interval).count();
  if (interval_ns <= 0) return start_ms;
  const int64_t offset = static_cast<int64_t>(hash % static_cast<uint64_t>(interval_ns));
  const int64_t adj_now = start_ms * 1'000'000 - offset;
  const int64_t base = adj_now - (adj_now % interval_ns);
  const int64_t next = base + offset;
  // Rounded up to milliseconds, so that a slot read back maps to itself.
  return next >= 0 ? (next + 999'999) / 1'000'000 : -(-next / 1'000'000);
}

void GroupState::Iterate(TimestampMs eval_ts) {
  if (metrics.iterations_scheduled) metrics.iterations_scheduled->Inc();
  const TimestampMs start_wall = clock.NowMs();
  const auto start = clock.SteadyNow();
  EvalRules(eval_ts);
  const auto took = std::chrono::duration_cast<std::chrono::nanoseconds>(clock.SteadyNow() - start);

  std::chrono::nanoseconds rule_sum{0};
  for (const auto& r : rules) rule_sum += r->evaluation_duration();
  if (RuleMetrics* m = shared->metrics.get()) m->iteration_duration.Observe(Seconds(took));
  if (metrics.last_rule_duration_sum) metrics.last_rule_duration_sum->Set(Seconds(rule_sum));
  if (metrics.last_duration) metrics.last_duration->Set(Seconds(took));
  if (metrics.last_eval_time) metrics.last_eval_time->Set(static_cast<double>(start_wall) / 1000.0);
  std::lock_guard lock(mu_);
  evaluation_time_ = took;
  last_evaluation_ = start_wall;
  last_eval_timestamp_ = eval_ts;
}

void GroupState::EvalRules(TimestampMs ts) {
  const ManagerOptions& o = shared->options;
  const Milliseconds offset = QueryOffset();
  const TimestampMs sample_ts = ts - offset.count();
  double samples_total = 0;

  for (size_t i = 0; i < rules.size(); ++i) {
    if (stopping()) return;
    Rule& rule = *rules[i];
    Logger rule_logger = logger.With({{"name", rule.name()}, {"index", i}});
    const TimestampMs start_wall = clock.NowMs();
    const auto start = clock.SteadyNow();
    auto finish = [&] {
      auto took = std::chrono::duration_cast<std::chrono::nanoseconds>(clock.SteadyNow() - start);
      if (RuleMetrics* m = shared->metrics.get()) m->eval_duration.Observe(Seconds(took));
      rule.SetEvaluation(start_wall, took);
    };
    if (metrics.eval_total) metrics.eval_total->Inc();

    RuleEvalContext ctx;
    ctx.query = &o.query;
    ctx.ts = ts;
    ctx.query_offset = offset;
    ctx.limit = limit;
    ctx.external_labels = &external_labels;
    ctx.external_url = &external_url;
    ctx.logger = &rule_logger;
    Result<std::vector<Sample>> result =
        o.query ? rule.Eval(ctx)
                : Result<std::vector<Sample>>(Status::FailedPrecondition("no query function"));
    if (!result.ok()) {
      rule.SetHealth(RuleHealth::kBad, result.status().message());
      if (metrics.eval_failures) metrics.eval_failures->Inc();
      if (result.status().code() != StatusCode::kCanceled) {
        rule_logger.Warn("Evaluating rule failed", {{"rule", rule.name()}, {"err", result.status()}});
      }
      finish();
      continue;
    }
    rule.SetHealth(RuleHealth::kGood, "");
    const std::vector<Sample>& vector = *result;
    samples_total += static_cast<double>(vector.size());

    if (rule.type() == RuleType::kAlerting) {
      static_cast<AlertingRule&>(rule).SendAlerts(ts, o.resend_delay, interval, o.notify);
    }

    if (o.appendable == nullptr) {
      finish();
      continue;
    }
    std::unique_ptr<Appender> app = o.appendable->NewAppender();
    std::set<Labels> returned;
    int num_out_of_order = 0;
    int num_duplicates = 0;
    for (const Sample& s : vector) {
      ember::Status st = app->Append(s.labels, s.timestamp_ms, s.value);
      if (st.ok()) {
        returned.insert(s.labels);
        continue;
      }
      rule.SetHealth(RuleHealth::kBad, st.message());
      if (st.code() == StatusCode::kOutOfRange) {
        ++num_out_of_order;
        rule_logger.Debug("Rule evaluation result discarded", {{"err", st}, {"sample", s.labels.ToString()}});
      } else if (st.code() == StatusCode::kAlreadyExists) {
        ++num_duplicates;
        rule_logger.Debug("Rule evaluation result discarded", {{"err", st}, {"sample", s.labels.ToString()}});
      } else {
        rule_logger.Warn("Rule evaluation result discarded", {{"err", st}, {"sample", s.labels.ToString()}});
      }
    }
    if (num_out_of_order > 0) {
      rule_logger.Warn("Error on ingesting out-of-order result from rule evaluation",
                       {{"num_dropped", num_out_of_order}});
    }
    if (num_duplicates > 0) {
      rule_logger.Warn(
          "Error on ingesting results from rule evaluation with different value but same timestamp",
          {{"num_dropped", num_duplicates}});
    }
    for (const Labels& lset : series_in_previous_eval[i]) {
      if (returned.count(lset)) continue;
      ember::Status st = app->Append(lset, sample_ts, StaleNaN());
      if (!st.ok() && st.code() != StatusCode::kOutOfRange && st.code() != StatusCode::kAlreadyExists) {
        rule_logger.Warn("Adding stale sample failed", {{"sample", lset.ToString()}, {"err", st}});
      }
    }
    if (ember::Status st = app->Commit(); !st.ok()) {
      rule.SetHealth(RuleHealth::kBad, st.message());
      if (metrics.eval_failures) metrics.eval_failures->Inc();
      rule_logger.Warn("Rule sample appending failed", {{"err", st}});
    } else {
      series_in_previous_eval[i] = std::move(returned);
    }
    finish();
  }
  if (metrics.samples) metrics.samples->Set(samples_total);
  CleanupStaleSeries(ts);
}

void GroupState::CleanupStaleSeries(TimestampMs ts) {
  if (stale_series.empty() || shared->options.appendable == nullptr) return;
  std::unique_ptr<Appender> app = shared->options.appendable->NewAppender();
  const TimestampMs sample_ts = ts - QueryOffset().count();
  for (const Labels& s : stale_series) {
    ember::Status st = app->Append(s, sample_ts, StaleNaN());
    if (!st.ok() && st.code() != StatusCode::kOutOfRange && st.code() != StatusCode::kAlreadyExists) {
      logger.Warn("Adding stale sample for previous configuration failed",
                  {{"sample", s.ToString()}, {"err", st}});
    }
  }
  if (ember::Status st = app->Commit(); !st.ok()) {
    logger.Warn("Stale sample appending for previous configuration failed", {{"err", st}});
  } else {
    stale_series.clear();
  }
}

void GroupState::RestoreForState(TimestampMs ts) {
  const ManagerOptions& o = shared->options;
  const auto start = clock.SteadyNow();
  const TimestampMs mint = ts - o.outage_tolerance.count();
  const TimestampMs grace = o.for_grace_period.count();
  for (const auto& r : rules) {
    if (r->type() != RuleType::kAlerting) continue;
    auto& rule = static_cast<AlertingRule&>(*r);
    const TimestampMs hold = rule.hold_duration().count();
    if (hold < grace || !o.query_series) {
      rule.SetRestored(true);
      continue;
    }
    Result<std::vector<StoredSeries>> sset = o.query_series(rule.ForStateMatchers(), mint, ts);
    if (!sset.ok()) {
      logger.Error("Failed to restore 'for' state",
                   {{"alertname", rule.name()}, {"stage", "Select"}, {"err", sset.status()}});
      rule.SetRestored(true);
      continue;
    }
    std::map<Labels, const StoredSeries*> by_labels;
    for (const StoredSeries& s : *sset) {
      by_labels[s.labels.Without({std::string(kMetricNameLabel)})] = &s;
    }
    if (by_labels.empty()) {
      logger.Debug("No series found to restore the 'for' state of the alert rule",
                   {{"alertname", rule.name()}});
      rule.SetRestored(true);
      continue;
    }
    rule.ForEachAlert([&](Alert& a) {
      auto it = by_labels.find(a.labels);
      if (it == by_labels.end() || it->second->samples.empty()) return;
      auto [t, v] = it->second->samples.back();
      if (IsStaleNaN(v) || std::isnan(v)) return;
      // Upstream works in whole seconds here.
      const TimestampMs down_at = (t / 1000) * 1000;
      TimestampMs restored_active_at = static_cast<TimestampMs>(v) * 1000;
      const TimestampMs time_spent_pending = down_at - restored_active_at;
      const TimestampMs time_remaining_pending = hold - time_spent_pending;
      if (time_remaining_pending <= 0) {
        // It was firing when the outage began; the next evaluation decides.
      } else if (time_remaining_pending < grace) {
        restored_active_at = ts + grace - hold;
      } else {
        restored_active_at += ts - down_at;
      }
      a.active_at = restored_active_at;
      logger.Debug("'for' state restored", {{"alertname", rule.name()},
                                            {"restored_time", FormatRfc3339Millis(a.active_at)},
                                            {"labels", a.labels.ToString()}});
    });
    rule.SetRestored(true);
  }
  should_restore = false;
  const double took =
      Seconds(std::chrono::duration_cast<std::chrono::nanoseconds>(clock.SteadyNow() - start));
  if (metrics.last_restore_duration) metrics.last_restore_duration->Set(took);
  logger.Debug("'for' state restoration completed", {{"duration_seconds", took}});
}

void GroupState::CopyState(GroupState& from) {
  {
    std::scoped_lock lock(mu_, from.mu_);
    evaluation_time_ = from.evaluation_time_;
    last_evaluation_ = from.last_evaluation_;
  }
  std::map<std::string, std::vector<size_t>> rule_map;
  for (size_t fi = 0; fi < from.rules.size(); ++fi) rule_map[NameAndLabels(*from.rules[fi])].push_back(fi);

  for (size_t i = 0; i < rules.size(); ++i) {
    auto it = rule_map.find(NameAndLabels(*rules[i]));
    if (it == rule_map.end() || it->second.empty()) continue;
    const size_t fi = it->second.front();
    it->second.erase(it->second.begin());
    series_in_previous_eval[i] = from.series_in_previous_eval[fi];
    if (rules[i]->type() == RuleType::kAlerting && from.rules[fi]->type() == RuleType::kAlerting) {
      static_cast<AlertingRule&>(*rules[i]).CopyAlertsFrom(static_cast<AlertingRule&>(*from.rules[fi]));
    }
  }
  // Series of rules that are gone (or unmatched duplicates) go stale.
  stale_series = from.stale_series;
  for (const auto& [key, left] : rule_map) {
    for (size_t fi : left) {
      for (const Labels& s : from.series_in_previous_eval[fi]) stale_series.push_back(s);
    }
  }
}

bool GroupState::Equals(const GroupState& o) const {
  if (name != o.name || file != o.file || interval != o.interval || limit != o.limit ||
      query_offset != o.query_offset || rules.size() != o.rules.size() ||
      external_labels != o.external_labels || external_url != o.external_url) {
    return false;
  }
  for (size_t i = 0; i < rules.size(); ++i) {
    if (rules[i]->Fingerprint() != o.rules[i]->Fingerprint()) return false;
  }
  return true;
}

GroupStatus GroupState::Status() const {
  GroupStatus s;
  s.name = name;
  s.file = file;
  s.interval = interval;
  s.limit = limit;
  s.query_offset = QueryOffset();
  {
    std::lock_guard lock(mu_);
    s.last_evaluation = last_evaluation_;
    s.evaluation_time = evaluation_time_;
    s.last_eval_timestamp = last_eval_timestamp_;
  }
  s.rules.reserve(rules.size());
  for (const auto& r : rules) s.rules.push_back(r->Status());
  return s;
}

void GroupState::MarkAllSeriesStale() {
  for (const auto& series : series_in_previous_eval) {
    for (const Labels& l : series) stale_series.push_back(l);
  }
  series_in_previous_eval.assign(rules.size(), {});
}

bool GroupState::stopping() const {
  std::lock_guard lock(mu_);
  return stop_;
}

bool GroupState::WaitUntil(TimestampMs target_ms) {
  std::unique_lock lock(mu_);
  while (!stop_) {
    const TimestampMs now = clock.NowMs();
    if (now >= target_ms) return true;
    Milliseconds wait = std::min(Milliseconds(target_ms - now), shared->options.clock_poll_interval);
    cv_.wait_for(lock, std::max(wait, Milliseconds(1)));
  }
  return false;
}

void GroupState::StartThread() {
  {
    std::lock_guard lock(mu_);
    stop_ = false;
  }
  // The first slot is fixed by the time of the start, not of the thread's
  // first instruction.
  const TimestampMs start_ms = clock.NowMs();
  thread_ = std::thread([this, start_ms] { Run(start_ms); });
}

void GroupState::StopThread() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void GroupState::Run(TimestampMs start_ms) {
  const int64_t iv = interval.count();
  if (iv <= 0) return;
  TimestampMs eval_ts = EvalTimestamp(start_ms) + iv;
  if (!WaitUntil(eval_ts)) return;
  // Ticks follow the first slot at whole intervals, as a ticker started then.
  TimestampMs tick = eval_ts + iv;
  auto next_iteration = [&]() -> bool {
    if (!WaitUntil(tick)) return false;
    const TimestampMs now = clock.NowMs();
    const int64_t missed = (now - eval_ts) / iv - 1;
    if (missed > 0) {
      if (metrics.iterations_missed) metrics.iterations_missed->Inc(static_cast<double>(missed));
      if (metrics.iterations_scheduled) metrics.iterations_scheduled->Inc(static_cast<double>(missed));
    }
    eval_ts += (std::max<int64_t>(missed, 0) + 1) * iv;
    // A slow iteration drops the ticks it overran, as Go's ticker does.
    while (tick <= now) tick += iv;
    Iterate(eval_ts);
    return true;
  };
  Iterate(eval_ts);
  if (should_restore) {
    // Restore after a second evaluation, when recording rules the alerts may
    // depend on have had a chance to run.
    if (!next_iteration()) return;
    RestoreForState(clock.NowMs());
  }
  while (next_iteration()) {
  }
}

}  // namespace internal

Group::Group(std::unique_ptr<internal::GroupState> state) : state_(std::move(state)) {}
Group::~Group() = default;
const std::string& Group::name() const { return state_->name; }
const std::string& Group::file() const { return state_->file; }
std::string Group::Key() const { return state_->Key(); }
Milliseconds Group::interval() const { return state_->interval; }
int64_t Group::limit() const { return state_->limit; }
Milliseconds Group::QueryOffset() const { return state_->QueryOffset(); }
size_t Group::rule_count() const { return state_->rules.size(); }
void Group::Eval(TimestampMs eval_time_ms) { state_->Iterate(eval_time_ms); }
void Group::RestoreForState(TimestampMs now_ms) { state_->RestoreForState(now_ms); }
TimestampMs Group::EvalTimestamp(TimestampMs start_ms) const { return state_->EvalTimestamp(start_ms); }
GroupStatus Group::Status() const { return state_->Status(); }

}  // namespace ember::rules
