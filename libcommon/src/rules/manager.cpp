#include "ember/rules/manager.h"

#include <map>
#include <thread>

#include "ember/base/strings.h"
#include "ember/rules/rule_file.h"
#include "group_state.h"

namespace ember::rules {
namespace internal {

struct ManagerState {
  std::shared_ptr<SharedOptions> shared;

  std::mutex update_mu;  // serialises Update and Stop

  mutable std::mutex mu;
  std::condition_variable cv;  // wakes stale-marker writers on Stop
  bool started = false;        // GUARDED_BY(mu)
  bool stopped = false;        // GUARDED_BY(mu)
  bool restored = false;       // GUARDED_BY(update_mu): a load has succeeded
  std::map<std::pair<std::string, std::string>, std::shared_ptr<Group>> groups;  // GUARDED_BY(mu)
  std::vector<std::thread> stale_writers;                                        // GUARDED_BY(update_mu)

  LoadedGroups Load(const LoadOptions& options, const std::vector<std::string>& files,
                    bool should_restore) const;
  // Writes staleness markers for a removed group two intervals from now,
  // unless the manager stops first.
  void ScheduleStaleMarkers(std::shared_ptr<Group> group);
};

LoadedGroups ManagerState::Load(const LoadOptions& load, const std::vector<std::string>& files,
                                bool should_restore) const {
  const ManagerOptions& o = shared->options;
  LoadedGroups out;
  RuleFileOptions parse_options;
  parse_options.ignore_unknown_fields = load.ignore_unknown_fields;
  parse_options.legacy_name_validation = o.legacy_name_validation;
  if (o.parse_expr) {
    parse_options.validate_expr = [&o](std::string_view expr) { return o.parse_expr(expr).status(); };
  }
  std::map<std::pair<std::string, std::string>, std::shared_ptr<Group>> loaded;
  for (const std::string& fn : files) {
    RuleFileParse parsed = ParseRuleFileAt(*o.fs, fn, parse_options);
    for (const std::string& w : parsed.warnings) shared->logger.Warn(w, {{"file", fn}});
    if (!parsed.ok()) {
      out.errors = std::move(parsed.errors);
      return out;
    }
    for (RuleGroupConfig& rg : parsed.file.groups) {
      std::vector<std::unique_ptr<Rule>> rules;
      for (RuleConfig& r : rg.rules) {
        std::string query = r.expr;
        if (o.parse_expr) {
          Result<std::string> q = o.parse_expr(r.expr);
          if (!q.ok()) {
            out.errors.push_back(fn + ": " + q.status().message());
            return out;
          }
          query = std::move(*q);
        }
        std::map<std::string, std::string> merged = rg.labels;
        for (const auto& [k, v] : r.labels) merged[k] = v;
        std::vector<Label> label_vec;
        for (auto& [k, v] : merged) label_vec.push_back({k, v});
        Labels labels = Labels::FromSorted(std::move(label_vec));
        if (!r.alert.empty()) {
          std::vector<Label> ann;
          for (auto& [k, v] : r.annotations) ann.push_back({k, v});
          rules.push_back(std::make_unique<AlertingRule>(
              r.alert, std::move(query), r.for_duration, r.keep_firing_for, std::move(labels),
              Labels::FromSorted(std::move(ann)), !should_restore));
        } else {
          rules.push_back(std::make_unique<RecordingRule>(r.record, std::move(query), std::move(labels)));
        }
      }
      Milliseconds interval = rg.interval.count() != 0 ? rg.interval : load.default_interval;
      auto state = std::make_unique<GroupState>(shared, rg.name, fn, interval, rg.limit, rg.query_offset,
                                                std::move(rules), should_restore, load.external_labels,
                                                load.external_url);
      loaded[{fn, rg.name}] = GroupAccess::Make(std::move(state));
    }
  }
  for (auto& [key, g] : loaded) out.groups.push_back(std::move(g));
  return out;
}

void ManagerState::ScheduleStaleMarkers(std::shared_ptr<Group> group) {
  const Clock& clock = *shared->options.clock;
  const TimestampMs now = clock.NowMs();
  const Milliseconds poll = shared->options.clock_poll_interval;
  stale_writers.emplace_back([this, group = std::move(group), now, poll, &clock] {
    internal::GroupState& g = *GroupAccess::State(*group);
    // Two intervals give a renamed rule's new group time to write its series first.
    const TimestampMs due = now + 2 * g.interval.count();
    std::unique_lock lock(mu);
    while (!stopped) {
      const TimestampMs t = clock.NowMs();
      if (t >= due) {
        lock.unlock();
        g.CleanupStaleSeries(now);
        return;
      }
      cv.wait_for(lock, std::max(std::min(Milliseconds(due - t), poll), Milliseconds(1)));
    }
  });
}

}  // namespace internal

Manager::Manager(ManagerOptions options) : state_(std::make_unique<internal::ManagerState>()) {
  auto shared = std::make_shared<internal::SharedOptions>();
  shared->logger = options.logger.With({{"component", "rules"}});
  if (options.metrics != nullptr) shared->metrics = std::make_unique<internal::RuleMetrics>(*options.metrics);
  if (options.clock == nullptr) options.clock = &Clock::Real();
  if (options.fs == nullptr) options.fs = &FileSystem::Real();
  shared->options = std::move(options);
  state_->shared = std::move(shared);
}

Manager::~Manager() { Stop(); }

void Manager::Start() {
  std::lock_guard update_lock(state_->update_mu);
  std::lock_guard lock(state_->mu);
  if (state_->started || state_->stopped) return;
  state_->shared->logger.Info("Starting rule manager...");
  state_->started = true;
  for (auto& [key, g] : state_->groups) internal::GroupAccess::State(*g)->StartThread();
}

void Manager::Stop() {
  std::lock_guard update_lock(state_->update_mu);
  std::vector<std::shared_ptr<Group>> groups;
  {
    std::lock_guard lock(state_->mu);
    if (state_->stopped) return;
    state_->stopped = true;
    for (auto& [key, g] : state_->groups) groups.push_back(g);
  }
  state_->shared->logger.Info("Stopping rule manager...");
  state_->cv.notify_all();
  for (auto& g : groups) internal::GroupAccess::State(*g)->StopThread();
  for (std::thread& t : state_->stale_writers) t.join();
  state_->stale_writers.clear();
  state_->shared->logger.Info("Rule manager stopped");
}

Status Manager::Update(const LoadOptions& options, const std::vector<std::string>& files) {
  std::lock_guard update_lock(state_->update_mu);
  bool started;
  {
    std::lock_guard lock(state_->mu);
    if (state_->stopped) return Status::Ok();
    started = state_->started;
  }
  const ManagerOptions& o = state_->shared->options;
  const bool should_restore =
      (!state_->restored || o.restore_new_rule_groups) && static_cast<bool>(o.query_series);
  LoadedGroups loaded = state_->Load(options, files, should_restore);
  if (!loaded.errors.empty()) {
    for (const std::string& e : loaded.errors)
      state_->shared->logger.Error("loading groups failed", {{"err", e}});
    return Status::InvalidArgument("error loading rules, previous rule set restored\n" +
                                   Join(loaded.errors, "\n"));
  }
  state_->restored = true;

  std::map<std::pair<std::string, std::string>, std::shared_ptr<Group>> old_groups;
  {
    std::lock_guard lock(state_->mu);
    old_groups = state_->groups;
  }
  std::map<std::pair<std::string, std::string>, std::shared_ptr<Group>> next;
  for (std::shared_ptr<Group>& newg : loaded.groups) {
    auto key = std::make_pair(newg->file(), newg->name());
    auto it = old_groups.find(key);
    internal::GroupState& ns = *internal::GroupAccess::State(*newg);
    if (it != old_groups.end()) {
      internal::GroupState& os = *internal::GroupAccess::State(*it->second);
      if (os.Equals(ns)) {
        next[key] = it->second;
        old_groups.erase(it);
        continue;
      }
      os.StopThread();
      ns.CopyState(os);
      old_groups.erase(it);
    }
    if (started) ns.StartThread();
    next[key] = std::move(newg);
  }
  for (auto& [key, oldg] : old_groups) {
    internal::GroupState& os = *internal::GroupAccess::State(*oldg);
    os.StopThread();
    os.MarkAllSeriesStale();
    if (!os.stale_series.empty()) state_->ScheduleStaleMarkers(oldg);
  }
  std::lock_guard lock(state_->mu);
  state_->groups = std::move(next);
  return Status::Ok();
}

LoadedGroups Manager::LoadGroups(const LoadOptions& options, const std::vector<std::string>& files) const {
  return state_->Load(options, files, /*should_restore=*/false);
}

std::vector<std::shared_ptr<Group>> Manager::RuleGroups() const {
  std::lock_guard lock(state_->mu);
  std::vector<std::shared_ptr<Group>> out;
  out.reserve(state_->groups.size());
  for (const auto& [key, g] : state_->groups) out.push_back(g);
  return out;
}

std::vector<GroupStatus> Manager::GroupStatuses() const {
  std::vector<GroupStatus> out;
  for (const auto& g : RuleGroups()) out.push_back(g->Status());
  return out;
}

}  // namespace ember::rules
