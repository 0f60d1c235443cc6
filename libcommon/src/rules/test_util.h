// Fakes for the rules tests: an in-memory store that is both the Appendable
// and the source of queries, so that recorded series are visible to later
// rules exactly when committed.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "ember/base/file_system.h"
#include "ember/rules/engine.h"
#include "ember/rules/manager.h"

namespace ember::rules::testing {

struct Written {
  Labels labels;
  TimestampMs t;
  double v;
};

class FakeStore final : public Appendable {
 public:
  // Query results by expression: fixed samples, or a series name to read back.
  std::map<std::string, std::vector<Sample>> results;
  std::map<std::string, Status> errors;

  std::unique_ptr<Appender> NewAppender() override;

  // Reads the committed series named `name` with a non-stale sample at `t`.
  std::vector<Sample> Select(std::string_view name, TimestampMs t) const;
  std::vector<Written> Committed() const {
    std::lock_guard lock(mu_);
    return committed_;
  }
  // Committed samples of series whose labels contain all of `match`.
  std::vector<Written> For(const Labels& match) const;
  std::vector<TimestampMs> query_times() const {
    std::lock_guard lock(mu_);
    return query_times_;
  }

  QueryFunc Query() {
    return [this](std::string_view q, TimestampMs t) -> Result<std::vector<Sample>> {
      {
        std::lock_guard lock(mu_);
        query_times_.push_back(t);
      }
      std::string qs(q);
      if (auto e = errors.find(qs); e != errors.end()) return e->second;
      if (auto r = results.find(qs); r != results.end()) {
        std::vector<Sample> out = r->second;
        for (Sample& s : out) s.timestamp_ms = t;
        return out;
      }
      return Select(qs, t);
    };
  }

  SeriesQueryFunc SeriesQuery() {
    return [this](const std::vector<Label>& matchers, TimestampMs mint,
                  TimestampMs maxt) -> Result<std::vector<StoredSeries>> {
      std::lock_guard lock(mu_);
      std::map<Labels, StoredSeries> by;
      for (const Written& w : committed_) {
        bool ok = w.t >= mint && w.t <= maxt;
        for (const Label& m : matchers) ok = ok && w.labels.Get(m.name) == m.value;
        if (!ok) continue;
        StoredSeries& s = by[w.labels];
        s.labels = w.labels;
        s.samples.emplace_back(w.t, w.v);
      }
      std::vector<StoredSeries> out;
      for (auto& [l, s] : by) out.push_back(std::move(s));
      return out;
    };
  }

  void Commit(std::vector<Written> batch) {
    std::lock_guard lock(mu_);
    for (Written& w : batch) committed_.push_back(std::move(w));
    ++commits_;
  }
  int commits() const {
    std::lock_guard lock(mu_);
    return commits_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<Written> committed_;
  std::vector<TimestampMs> query_times_;
  int commits_ = 0;
};

class FakeAppender final : public Appender {
 public:
  explicit FakeAppender(FakeStore* store) : store_(store) {}
  Status Append(const Labels& labels, TimestampMs t, double v) override {
    batch_.push_back({labels, t, v});
    return Status::Ok();
  }
  Status Commit() override {
    store_->Commit(std::move(batch_));
    batch_.clear();
    return Status::Ok();
  }
  void Rollback() override { batch_.clear(); }

 private:
  FakeStore* store_;
  std::vector<Written> batch_;
};

inline std::unique_ptr<Appender> FakeStore::NewAppender() { return std::make_unique<FakeAppender>(this); }

inline std::vector<Sample> FakeStore::Select(std::string_view name, TimestampMs t) const {
  std::lock_guard lock(mu_);
  std::map<Labels, Sample> latest;
  for (const Written& w : committed_) {
    if (w.labels.MetricName() != name || w.t != t) continue;
    latest[w.labels] = {w.labels, w.v, w.t};
  }
  std::vector<Sample> out;
  for (auto& [l, s] : latest) {
    if (!IsStaleNaN(s.value)) out.push_back(s);
  }
  return out;
}

inline std::vector<Written> FakeStore::For(const Labels& match) const {
  std::lock_guard lock(mu_);
  std::vector<Written> out;
  for (const Written& w : committed_) {
    bool ok = true;
    for (const Label& m : match) ok = ok && w.labels.Get(m.name) == m.value;
    if (ok) out.push_back(w);
  }
  return out;
}

// Records every notify call.
struct Notifications {
  std::mutex mu;
  std::vector<std::pair<std::string, std::vector<Alert>>> calls;
  NotifyFunc Func() {
    return [this](std::string_view expr, std::span<const Alert> alerts) {
      std::lock_guard lock(mu);
      calls.emplace_back(std::string(expr), std::vector<Alert>(alerts.begin(), alerts.end()));
    };
  }
  std::vector<Alert> Last() {
    std::lock_guard lock(mu);
    return calls.empty() ? std::vector<Alert>{} : calls.back().second;
  }
};

}  // namespace ember::rules::testing
