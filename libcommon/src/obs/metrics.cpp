#include "ember/obs/metrics.h"

#include <algorithm>
#include <cmath>

#include "ember/base/strings.h"

namespace ember {
namespace {

// CPUs have no atomic add for doubles; a compare-exchange loop stays
// lock-free wherever std::atomic<double> is.
void AtomicAdd(std::atomic<double>& target, double v) {
  double old = target.load(std::memory_order_relaxed);
  while (!target.compare_exchange_weak(old, old + v, std::memory_order_relaxed)) {
  }
}

std::string EscapeHelp(std::string_view help) {
  std::string out;
  out.reserve(help.size());
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void AppendLabelValue(std::string& out, std::string_view value) {
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

// Appends `name{labels,le="..."} value\n`; `le` is left out when empty.
void AppendSample(std::string& out, std::string_view name, const std::vector<Label>& labels,
                  std::string_view le, std::string_view value) {
  out += name;
  if (!labels.empty() || !le.empty()) {
    out += '{';
    bool first = true;
    for (const Label& l : labels) {
      if (!first) out += ',';
      first = false;
      out += l.name;
      out += "=\"";
      AppendLabelValue(out, l.value);
      out += '"';
    }
    if (!le.empty()) {
      if (!first) out += ',';
      out += "le=\"";
      out += le;
      out += '"';
    }
    out += '}';
  }
  out += ' ';
  out += value;
  out += '\n';
}

std::string FormatValue(double v) { return FormatFloat(v, 'g'); }

void AppendCounterOrGauge(std::string& out, const std::string& name, const std::vector<Label>& labels,
                          double value) {
  AppendSample(out, name, labels, "", FormatValue(value));
}

void AppendHistogram(std::string& out, const std::string& name, const std::vector<Label>& labels,
                     const Histogram& h) {
  std::vector<uint64_t> counts = h.CumulativeCounts();
  const std::vector<double>& bounds = h.bounds();
  for (size_t i = 0; i < bounds.size(); ++i) {
    AppendSample(out, name + "_bucket", labels, FormatValue(bounds[i]), std::to_string(counts[i]));
  }
  AppendSample(out, name + "_bucket", labels, "+Inf", std::to_string(counts.back()));
  AppendSample(out, name + "_sum", labels, "", FormatValue(h.Sum()));
  AppendSample(out, name + "_count", labels, "", std::to_string(counts.back()));
}

// Writes every child of a family, children ordered and labels named as
// client_golang prints them: label pairs sorted by name, children by values.
template <class M, class AppendOne>
void AppendFamily(std::string& out, const std::string& name, const std::vector<std::string>& label_names,
                  const std::map<std::vector<std::string>, std::unique_ptr<M>>& children,
                  AppendOne append_one) {
  std::vector<std::pair<std::vector<Label>, const M*>> rows;
  rows.reserve(children.size());
  for (const auto& [values, metric] : children) {
    std::vector<Label> labels;
    labels.reserve(values.size());
    for (size_t i = 0; i < values.size(); ++i) labels.push_back(Label{label_names[i], values[i]});
    std::sort(labels.begin(), labels.end());
    rows.emplace_back(std::move(labels), metric.get());
  }
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [labels, metric] : rows) append_one(out, name, labels, *metric);
}

}  // namespace

void Counter::Inc(double v) {
  assert(v >= 0 && "counters only go up");
  if (!(v >= 0)) return;
  AtomicAdd(value_, v);
}

void Gauge::Add(double v) { AtomicAdd(value_, v); }

Histogram::Histogram(std::vector<double> bounds) : bounds_(std::move(bounds)) {
  if (!bounds_.empty() && std::isinf(bounds_.back()) && bounds_.back() > 0) bounds_.pop_back();
  assert(std::adjacent_find(bounds_.begin(), bounds_.end(), std::greater_equal<double>()) == bounds_.end() &&
         "histogram bounds must be strictly ascending");
  counts_ = std::make_unique<std::atomic<uint64_t>[]>(bounds_.size() + 1);
}

void Histogram::Observe(double v) {
  // NaN compares false with every bound and so lands in +Inf, as upstream.
  size_t bucket = static_cast<size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin());
  counts_[bucket].fetch_add(1, std::memory_order_relaxed);
  AtomicAdd(sum_, v);
}

std::vector<uint64_t> Histogram::CumulativeCounts() const {
  std::vector<uint64_t> out(bounds_.size() + 1);
  uint64_t total = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    total += counts_[i].load(std::memory_order_relaxed);
    out[i] = total;
  }
  return out;
}

uint64_t Histogram::Count() const { return CumulativeCounts().back(); }

std::vector<double> DefaultBuckets() { return {.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}; }

std::vector<double> ExponentialBuckets(double start, double factor, int count) {
  assert(start > 0 && factor > 1 && count >= 1);
  std::vector<double> out;
  out.reserve(count > 0 ? static_cast<size_t>(count) : 0);
  double bound = start;
  for (int i = 0; i < count; ++i) {
    out.push_back(bound);
    bound *= factor;
  }
  return out;
}

struct MetricsRegistry::Entry {
  std::string name;
  std::string help;
  std::string_view type;  // one of the literals "counter", "gauge", "histogram"
  SampleWriter write;
};

MetricsRegistry::MetricsRegistry() = default;
MetricsRegistry::~MetricsRegistry() = default;

void MetricsRegistry::Add(std::string name, std::string help, std::string_view type, SampleWriter write) {
  std::lock_guard lock(mu_);
  assert(std::none_of(entries_.begin(), entries_.end(), [&](const auto& e) { return e->name == name; }) &&
         "metric registered twice");
  entries_.push_back(
      std::make_unique<Entry>(Entry{std::move(name), std::move(help), type, std::move(write)}));
}

// Each metric object is owned by the writer that exposes it; the registry owns
// the writers, so references handed out live as long as the registry.
Counter& MetricsRegistry::NewCounter(std::string name, std::string help) {
  auto counter = std::make_shared<Counter>();
  Add(std::move(name), std::move(help), "counter", [counter](const std::string& n, std::string& out) {
    AppendCounterOrGauge(out, n, {}, counter->Value());
  });
  return *counter;
}

Gauge& MetricsRegistry::NewGauge(std::string name, std::string help) {
  auto gauge = std::make_shared<Gauge>();
  Add(std::move(name), std::move(help), "gauge",
      [gauge](const std::string& n, std::string& out) { AppendCounterOrGauge(out, n, {}, gauge->Value()); });
  return *gauge;
}

Histogram& MetricsRegistry::NewHistogram(std::string name, std::string help, std::vector<double> bounds) {
  auto histogram = std::make_shared<Histogram>(std::move(bounds));
  Add(std::move(name), std::move(help), "histogram",
      [histogram](const std::string& n, std::string& out) { AppendHistogram(out, n, {}, *histogram); });
  return *histogram;
}

Family<Counter>& MetricsRegistry::NewCounterFamily(std::string name, std::string help,
                                                   std::vector<std::string> label_names) {
  std::shared_ptr<Family<Counter>> family(
      new Family<Counter>(std::move(label_names), [] { return std::make_unique<Counter>(); }));
  Add(std::move(name), std::move(help), "counter", [family](const std::string& n, std::string& out) {
    std::lock_guard lock(family->mu_);
    AppendFamily(out, n, family->label_names_, family->children_,
                 [](std::string& o, const std::string& nm, const std::vector<Label>& labels,
                    const Counter& c) { AppendCounterOrGauge(o, nm, labels, c.Value()); });
  });
  return *family;
}

Family<Gauge>& MetricsRegistry::NewGaugeFamily(std::string name, std::string help,
                                               std::vector<std::string> label_names) {
  std::shared_ptr<Family<Gauge>> family(
      new Family<Gauge>(std::move(label_names), [] { return std::make_unique<Gauge>(); }));
  Add(std::move(name), std::move(help), "gauge", [family](const std::string& n, std::string& out) {
    std::lock_guard lock(family->mu_);
    AppendFamily(out, n, family->label_names_, family->children_,
                 [](std::string& o, const std::string& nm, const std::vector<Label>& labels, const Gauge& g) {
                   AppendCounterOrGauge(o, nm, labels, g.Value());
                 });
  });
  return *family;
}

Family<Histogram>& MetricsRegistry::NewHistogramFamily(std::string name, std::string help,
                                                       std::vector<std::string> label_names,
                                                       std::vector<double> bounds) {
  std::shared_ptr<Family<Histogram>> family(new Family<Histogram>(
      std::move(label_names), [bounds = std::move(bounds)] { return std::make_unique<Histogram>(bounds); }));
  Add(std::move(name), std::move(help), "histogram", [family](const std::string& n, std::string& out) {
    std::lock_guard lock(family->mu_);
    AppendFamily(out, n, family->label_names_, family->children_,
                 [](std::string& o, const std::string& nm, const std::vector<Label>& labels,
                    const Histogram& h) { AppendHistogram(o, nm, labels, h); });
  });
  return *family;
}

void MetricsRegistry::NewGaugeFunc(std::string name, std::string help, std::function<double()> fn) {
  Add(std::move(name), std::move(help), "gauge",
      [fn = std::move(fn)](const std::string& n, std::string& out) {
        AppendCounterOrGauge(out, n, {}, fn());
      });
}

void MetricsRegistry::NewCounterFunc(std::string name, std::string help, std::function<double()> fn) {
  Add(std::move(name), std::move(help), "counter",
      [fn = std::move(fn)](const std::string& n, std::string& out) {
        AppendCounterOrGauge(out, n, {}, fn());
      });
}

void MetricsRegistry::NewInfo(std::string name, std::string help, Labels labels) {
  Add(std::move(name), std::move(help), "gauge",
      [labels = std::move(labels)](const std::string& n, std::string& out) {
        AppendCounterOrGauge(out, n, labels.vec(), 1);
      });
}

std::string MetricsRegistry::Expose() const {
  // Writers run outside the registry lock: a func metric may take its own
  // component's locks, and registration must not wait behind a scrape.
  std::vector<const Entry*> entries;
  {
    std::lock_guard lock(mu_);
    entries.reserve(entries_.size());
    for (const auto& e : entries_) entries.push_back(e.get());
  }
  std::sort(entries.begin(), entries.end(), [](const Entry* a, const Entry* b) { return a->name < b->name; });

  std::string out;
  std::string samples;
  for (const Entry* e : entries) {
    samples.clear();
    e->write(e->name, samples);
    if (samples.empty()) continue;
    out += "# HELP ";
    out += e->name;
    out += ' ';
    out += EscapeHelp(e->help);
    out += "\n# TYPE ";
    out += e->name;
    out += ' ';
    out += e->type;
    out += '\n';
    out += samples;
  }
  return out;
}

}  // namespace ember
