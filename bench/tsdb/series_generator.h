// SeriesGenerator: a seeded, deterministic data set shaped like what one
// Prometheus server stores for a Kubernetes cluster: per node a
// node-exporter target and a kubelet (cAdvisor) target, plus one
// kube-state-metrics target describing every pod, container, deployment and
// node. Label sets are what kube-prometheus produces (target labels
// `container`, `endpoint`, `instance`, `job`, `namespace`, `pod`, `service`,
// with honor_labels where the exporter sets `namespace`/`pod` itself).
//
// Values have the precision the exporters print, because that is what a
// float codec sees: CPU seconds with two decimals, byte counters growing in
// multiples of 512 or 4096, memory gauges moving by pages, temperatures with
// one decimal, load averages with two, 0/1 status gauges and info metrics at 1
// that rarely or never change, and a few full-precision floats (collector
// durations, scheduler nanoseconds, node_time_seconds).
//
// Every target is scraped every interval at its own fixed offset within it;
// a small fraction of scrapes is a few milliseconds late, as when a scrape
// timestamp falls outside Prometheus's timestamp tolerance.
//
// The same options give the same series, timestamps and values, bit for bit,
// whichever way they are read: scrape by scrape (Next, the order a scraper
// appends in) or one series at a time (SeriesCursor, the order OpenMetrics
// needs). A SeriesGenerator is used by one thread at a time; SeriesCursors
// over it may be used from many, as they only read it.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "ember/base/labels.h"

namespace ember::bench {

enum class MetricType { kCounter, kGauge, kSummary, kUnknown };

// "counter", "gauge", "summary" or "unknown", as `# TYPE` spells it.
std::string_view MetricTypeName(MetricType type);

// A metric family as `# TYPE` declares it: a counter family is named without
// the `_total` its samples carry; a summary's family covers its `_sum` and
// `_count` series.
struct MetricFamily {
  std::string name;
  MetricType type = MetricType::kGauge;
};

// How a series' value moves from one scrape to the next. The value is kept as
// integer `units` and exposed as units / divisor: 1234567 with divisor 100 is
// the double nearest 12345.67, which is what an exporter printing two
// decimals and a server parsing them end up with.
enum class ValueKind : uint8_t {
  kConstant,    // stays at `start`
  kCounter,     // on a fraction `p` of scrapes grows by about `step` units, a multiple of `quantum`
  kWalk,        // on a fraction `p` of scrapes moves by about `step` quanta either way, within [lo, hi]
  kNoise,       // a fresh value in [lo, hi] every scrape
  kScrapeTime,  // the scrape's own time in seconds, with nanosecond noise (node_time_seconds)
};

struct ValueModel {
  ValueKind kind = ValueKind::kConstant;
  int64_t start = 0;
  int64_t lo = 0;
  int64_t hi = 0;
  double step = 0;
  int64_t quantum = 1;
  double p = 1;
  double divisor = 1;

  static ValueModel Constant(int64_t value, double divisor = 1);
  static ValueModel Counter(int64_t start, double step, int64_t quantum = 1, double p = 1,
                            double divisor = 1);
  static ValueModel Walk(int64_t start, int64_t lo, int64_t hi, double step, int64_t quantum = 1,
                         double p = 1, double divisor = 1);
  static ValueModel Noise(int64_t lo, int64_t hi, double divisor = 1);
  static ValueModel ScrapeTime();
};

struct SeriesSpec {
  Labels labels;        // with __name__ and the target's labels
  uint32_t family = 0;  // index into SeriesGenerator::families()
  ValueModel model;
};

struct Target {
  std::string job;
  std::string instance;
  // Where in the scrape interval this target is scraped, as Prometheus
  // spreads targets by a hash of their labels. Unit: ms.
  int64_t offset_ms = 0;
  std::vector<SeriesSpec> series;
};

struct GeneratorOptions {
  // Seeds every random choice: names, uids, offsets, starting values, steps.
  uint64_t seed = 1;
  // Kubernetes nodes. Each is a node-exporter and a kubelet target and adds
  // its pods to the kube-state-metrics target, so the series count grows in
  // proportion (about 2,100 series a node with the defaults below).
  int nodes = 50;
  int cpus_per_node = 8;
  // Pods scheduled on each node, daemon sets included.
  int pods_per_node = 15;
  // Whether the kube-state-metrics target exists.
  bool kube_state_metrics = true;
  // The first scrape interval starts here. 2024-01-01T00:00:00Z is a
  // multiple of 2 h, so data lines up with 2 h blocks and partitions.
  // Unit: ms since the epoch.
  int64_t start_ms = 1704067200000;
  // Scrapes cover [start_ms, start_ms + duration_ms). Unit: ms. Default: 2 h.
  int64_t duration_ms = int64_t{2} * 3600 * 1000;
  int64_t interval_ms = 15000;
  // Fraction of scrapes whose timestamp is late by 3..max_jitter_ms ms.
  double jitter_fraction = 0.02;
  int64_t max_jitter_ms = 25;
};

// One scrape of one target: values[i] is the sample of
// targets()[target].series[i] at timestamp_ms. Valid until the next Next.
struct Scrape {
  uint32_t target = 0;
  uint64_t index = 0;  // which scrape of the target: 0, 1, ...
  int64_t timestamp_ms = 0;
  std::span<const double> values;
};

// Options whose node count gives about `series` series (at least one node);
// the caller sets the time span.
GeneratorOptions OptionsForSeries(int64_t series);

class SeriesGenerator {
 public:
  explicit SeriesGenerator(GeneratorOptions options);

  const GeneratorOptions& options() const { return options_; }
  const std::vector<MetricFamily>& families() const { return families_; }
  const std::vector<Target>& targets() const { return targets_; }
  size_t num_series() const { return num_series_; }
  uint64_t scrapes_per_target() const { return scrapes_per_target_; }
  uint64_t num_samples() const { return num_series_ * scrapes_per_target_; }

  // The timestamp of scrape `k` of a target.
  int64_t Timestamp(uint32_t target, uint64_t k) const;

  // The next scrape, in order of scrape slot (k, then target offset), so that
  // timestamps grow as a scraper's would. False after the last one.
  bool Next(Scrape* scrape);
  // Starts again from the first scrape, with the first values.
  void Rewind();

 private:
  friend class SeriesCursor;
  struct State {
    int64_t units = 0;
    uint64_t rng = 0;
  };
  State InitialState(uint32_t target, uint32_t series) const;
  static double Evaluate(const ValueModel& model, State* state, int64_t t, bool first);

  GeneratorOptions options_;
  std::vector<MetricFamily> families_;
  std::vector<Target> targets_;
  size_t num_series_ = 0;
  uint64_t scrapes_per_target_ = 0;

  std::vector<uint32_t> order_;  // target indices by offset
  std::vector<std::vector<State>> state_;
  std::vector<double> values_;
  uint64_t k_ = 0;
  size_t pos_ = 0;
};

// The samples of one series in time order, computed on their own: the same
// timestamps and values SeriesGenerator::Next yields for that series.
class SeriesCursor {
 public:
  SeriesCursor(const SeriesGenerator& gen, uint32_t target, uint32_t series);
  bool Next(int64_t* t, double* v);

 private:
  const SeriesGenerator* gen_;
  uint32_t target_;
  const ValueModel* model_;
  SeriesGenerator::State state_;
  uint64_t k_ = 0;
};

// An order-independent digest of samples: the wrapping sum of SampleDigest
// over every sample of every series, so a store read back in any order can
// be checked against what was appended.
uint64_t SampleDigest(uint64_t labels_hash, int64_t t, double v);

}  // namespace ember::bench
