// Self-metrics: counters, gauges and histograms exposed on /metrics in the
// Prometheus text format (version 0.0.4).
//
// A component receives a MetricsRegistry& in its constructor and declares all
// of its metrics there, once, keeping the returned references (they live as
// long as the registry). Use the upstream metric names where the meaning is
// the same; Ember-only metrics start with "ember_". All types are thread-safe;
// Inc/Set/Observe are lock-free.
#pragma once

#include <atomic>
#include <cassert>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "ember/base/labels.h"

namespace ember {

class Counter {
 public:
  // Adds `v`, which must be >= 0 (asserted; ignored in release builds, as a
  // counter that went down would read as a reset).
  void Inc(double v = 1);
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Gauge {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Add(double v);
  void Inc() { Add(1); }
  void Dec() { Add(-1); }
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Histogram {
 public:
  // `bounds` are the upper bounds of the buckets, strictly ascending
  // (asserted); +Inf is implicit and dropped when given last. A value equal to
  // a bound falls in that bound's bucket (le is "less or equal").
  explicit Histogram(std::vector<double> bounds);
  void Observe(double v);

  const std::vector<double>& bounds() const { return bounds_; }
  // Cumulative counts per bound, then the +Inf count (the total). Read bucket
  // by bucket while observations continue, so the sum and count of one read
  // may be off by the observations that raced with it.
  std::vector<uint64_t> CumulativeCounts() const;
  double Sum() const { return sum_.load(std::memory_order_relaxed); }
  uint64_t Count() const;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;  // one per bound plus +Inf
  std::atomic<double> sum_{0};
};

// Prometheus client defaults: .005 .01 .025 .05 .1 .25 .5 1 2.5 5 10.
std::vector<double> DefaultBuckets();
// `count` buckets starting at `start`, each `factor` times the previous.
std::vector<double> ExponentialBuckets(double start, double factor, int count);

// A metric name with one child per distinct set of label values.
template <class M>
class Family {
 public:
  // The child for `values`, one per label name given at registration, in
  // that order. Created on first use; the reference stays valid.
  // The number of values must match the number of label names (asserted).
  // Takes a lock: a hot path keeps the reference instead of calling this
  // per event.
  M& WithLabelValues(const std::vector<std::string>& values);

 private:
  friend class MetricsRegistry;
  Family(std::vector<std::string> label_names, std::function<std::unique_ptr<M>()> make)
      : label_names_(std::move(label_names)), make_(std::move(make)) {}

  std::vector<std::string> label_names_;
  std::function<std::unique_ptr<M>()> make_;
  mutable std::mutex mu_;
  std::map<std::vector<std::string>, std::unique_ptr<M>> children_;  // GUARDED_BY(mu_)
};

class MetricsRegistry {
 public:
  MetricsRegistry();
  ~MetricsRegistry();
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // Registering a name twice is a programming error (asserted).
  Counter& NewCounter(std::string name, std::string help);
  Gauge& NewGauge(std::string name, std::string help);
  Histogram& NewHistogram(std::string name, std::string help, std::vector<double> bounds);
  Family<Counter>& NewCounterFamily(std::string name, std::string help, std::vector<std::string> label_names);
  Family<Gauge>& NewGaugeFamily(std::string name, std::string help, std::vector<std::string> label_names);
  Family<Histogram>& NewHistogramFamily(std::string name, std::string help,
                                        std::vector<std::string> label_names, std::vector<double> bounds);

  // A gauge or counter whose value is read by `fn` at exposition time (for
  // values another component already tracks, such as a series count).
  // `fn` runs on the scraping thread and must be thread-safe.
  void NewGaugeFunc(std::string name, std::string help, std::function<double()> fn);
  void NewCounterFunc(std::string name, std::string help, std::function<double()> fn);

  // Constant labels on every sample, for `{version, revision, ...}` info metrics.
  void NewInfo(std::string name, std::string help, Labels labels);

  // The whole registry in the text exposition format 0.0.4: metrics sorted by
  // name, each family's children sorted by their label values, label names
  // in each sample sorted. A family without children is left out, as
  // client_golang does.
  std::string Expose() const;

 private:
  struct Entry;
  // Appends the sample lines of one metric named `name` to `out`.
  using SampleWriter = std::function<void(const std::string& name, std::string& out)>;
  void Add(std::string name, std::string help, std::string_view type, SampleWriter write);

  mutable std::mutex mu_;
  std::vector<std::unique_ptr<Entry>> entries_;  // GUARDED_BY(mu_)
};

template <class M>
M& Family<M>::WithLabelValues(const std::vector<std::string>& values) {
  assert(values.size() == label_names_.size() && "label value count differs from label name count");
  std::lock_guard lock(mu_);
  std::unique_ptr<M>& child = children_[values];
  if (!child) child = make_();
  return *child;
}

// The content type of Expose()'s output.
inline constexpr std::string_view kTextExpositionContentType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace ember
