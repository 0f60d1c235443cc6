#include "compat_dataset.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <string>

namespace ember::compat {
namespace {

constexpr uint64_t kStaleBits = 0x7ff0000000000002ULL;

// SplitMix64: a small generator whose output is the same on every platform.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, 1).
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  int Below(int n) { return static_cast<int>(Next() % static_cast<uint64_t>(n)); }

 private:
  uint64_t state_;
};

// The lifetime of one series in sample indexes: [first, last), with an
// optional pause [gap_begin, gap_end) that starts with a stale marker.
struct Lifetime {
  int first = 0;
  int last = 0;
  int gap_begin = -1;
  int gap_end = -1;
};

class Builder {
 public:
  Builder(const DatasetOptions& options, Rng& rng) : options_(options), rng_(rng) {
    steps_ = static_cast<int>(options.duration_ms / options.interval_ms);
  }

  int steps() const { return steps_; }

  // Adds a series whose value at step i is value(i) (called in order).
  template <class ValueFn>
  void Add(Labels labels, const Lifetime& life, ValueFn value) {
    // 123..999 ms past a whole second, then whole seconds within the interval.
    int64_t phase = 123 + rng_.Below(877) + 1000 * rng_.Below(static_cast<int>(options_.interval_ms / 1000));
    wire::WriteSeries s{std::move(labels), {}};
    for (int i = life.first; i < life.last; ++i) {
      int64_t t = options_.start_ms + phase + i * options_.interval_ms;
      double v = value(i);
      if (i == life.gap_begin) {
        s.samples.push_back({t, std::bit_cast<double>(kStaleBits)});
        continue;
      }
      if (i > life.gap_begin && i < life.gap_end) continue;
      s.samples.push_back({t, v});
    }
    // A series that ends before the data set does ends with a stale marker.
    if (life.last < steps_) {
      s.samples.push_back(
          {options_.start_ms + phase + life.last * options_.interval_ms, std::bit_cast<double>(kStaleBits)});
    }
    out_.push_back(std::move(s));
  }

  Lifetime Full() const { return {0, steps_, -1, -1}; }
  std::vector<wire::WriteSeries> Take() { return std::move(out_); }

 private:
  const DatasetOptions& options_;
  Rng& rng_;
  int steps_ = 0;
  std::vector<wire::WriteSeries> out_;
};

// A counter growing by about `rate` per step, reset to a small value with
// probability `reset_p` per step.
std::vector<double> CounterValues(Rng& rng, int steps, double rate, double reset_p) {
  std::vector<double> v(static_cast<size_t>(steps));
  double c = std::floor(rng.Uniform() * 1000);
  for (int i = 0; i < steps; ++i) {
    if (rng.Uniform() < reset_p) c = std::floor(rng.Uniform() * 3);
    c += std::floor(rate * (0.5 + rng.Uniform()));
    v[static_cast<size_t>(i)] = c;
  }
  return v;
}

}  // namespace

std::vector<wire::WriteSeries> GenerateDataset(const DatasetOptions& options) {
  Rng rng(options.seed);
  Builder b(options, rng);
  const int steps = b.steps();
  const char* jobs[] = {"api", "db", "cache"};
  const char* methods[] = {"GET", "POST"};
  const char* codes[] = {"200", "500"};
  const double les[] = {0.05, 0.1, 0.25, 0.5, 1, 2.5};
  for (int target = 0; target < options.targets; ++target) {
    std::string job = jobs[target % 3];
    std::string instance = "10.0." + std::to_string(target / 3) + "." + std::to_string(10 + target) + ":9100";
    auto base = [&](std::string name) {
      return std::vector<Label>{{"__name__", std::move(name)}, {"job", job}, {"instance", instance}};
    };
    auto with = [](std::vector<Label> l, std::string name, std::string value) {
      l.push_back({std::move(name), std::move(value)});
      return l;
    };
    // The last target starts an hour late; the one before ends 40 minutes early.
    Lifetime life = b.Full();
    if (target == options.targets - 1) life.first = steps / 3;
    if (target == options.targets - 2) life.last = steps - 160;

    {
      std::vector<double> up(static_cast<size_t>(steps));
      for (auto& x : up) x = rng.Uniform() < 0.03 ? 0 : 1;
      b.Add(Labels::FromUnsorted(base("up")), life, [&](int i) { return up[static_cast<size_t>(i)]; });
    }
    for (const char* method : methods) {
      for (const char* code : codes) {
        double rate = (std::string(code) == "500" ? 0.5 : 20) * (1 + target % 4);
        auto v = CounterValues(rng, steps, rate, 0.004);
        b.Add(Labels::FromUnsorted(with(with(base("http_requests_total"), "method", method), "code", code)),
              life, [v](int i) { return v[static_cast<size_t>(i)]; });
      }
    }
    {
      std::vector<double> cpu(static_cast<size_t>(steps));
      double c = rng.Uniform() * 100;
      for (auto& x : cpu) x = (c += 0.1 + rng.Uniform() * 2.5);
      b.Add(Labels::FromUnsorted(base("process_cpu_seconds_total")), life,
            [cpu](int i) { return cpu[static_cast<size_t>(i)]; });
    }
    {
      double level = 2e8 + 1e7 * target;
      b.Add(Labels::FromUnsorted(base("memory_usage_bytes")), life, [&rng, level](int i) {
        return std::floor(level + 3e7 * std::sin(i / 40.0) + 1e6 * rng.Uniform());
      });
    }
    {
      double phase = rng.Uniform() * 6;
      b.Add(Labels::FromUnsorted(base("temperature_celsius")), life,
            [&rng, phase](int i) { return 5 * std::sin(phase + i / 25.0) - 1 + rng.Uniform(); });
    }
    {
      // Pauses for 20 minutes on every other target.
      Lifetime gappy = life;
      if (target % 2 == 0) {
        gappy.gap_begin = steps / 2;
        gappy.gap_end = steps / 2 + 80;
      }
      b.Add(Labels::FromUnsorted(base("queue_length")), gappy,
            [&rng](int) { return static_cast<double>(rng.Below(50)); });
    }
    if (target < 6) {
      // A gauge with occasional NaN and infinite values (not stale markers).
      b.Add(Labels::FromUnsorted(base("odd_values")), life, [&rng](int) {
        double u = rng.Uniform();
        if (u < 0.02) return std::numeric_limits<double>::quiet_NaN();
        if (u < 0.03) return std::numeric_limits<double>::infinity();
        if (u < 0.04) return -std::numeric_limits<double>::infinity();
        return std::floor(u * 1000) / 8 - 40;
      });
    }
    for (const char* method : methods) {
      // Cumulative buckets that reset together, now and then.
      std::vector<std::vector<double>> buckets(std::size(les) + 1,
                                               std::vector<double>(static_cast<size_t>(steps)));
      std::vector<double> sum(static_cast<size_t>(steps));
      std::vector<double> acc(std::size(les) + 1, 0);
      double s = 0;
      double scale = 0.1 + 0.2 * (target % 5) + (std::string(method) == "POST" ? 0.4 : 0);
      for (int i = 0; i < steps; ++i) {
        if (rng.Uniform() < 0.003) {
          std::fill(acc.begin(), acc.end(), 0);
          s = 0;
        }
        int n = 5 + rng.Below(30);
        for (int k = 0; k < n; ++k) {
          double d = scale * -std::log(1 - rng.Uniform());
          s += d;
          for (size_t j = 0; j < std::size(les); ++j) {
            if (d <= les[j]) acc[j] += 1;
          }
          acc[std::size(les)] += 1;
        }
        for (size_t j = 0; j < acc.size(); ++j) buckets[j][static_cast<size_t>(i)] = acc[j];
        sum[static_cast<size_t>(i)] = s;
      }
      auto lbl = [&](std::string name) {
        return Labels::FromUnsorted(with(base(std::move(name)), "method", method));
      };
      for (size_t j = 0; j <= std::size(les); ++j) {
        std::string le = j < std::size(les) ? ([&] {
          char buf[32];
          std::snprintf(buf, sizeof buf, "%g", les[j]);
          return std::string(buf);
        })()
                                            : "+Inf";
        auto values = buckets[j];
        auto l = base("request_duration_seconds_bucket");
        l.push_back({"method", method});
        l.push_back({"le", le});
        b.Add(Labels::FromUnsorted(std::move(l)), life,
              [values](int i) { return values[static_cast<size_t>(i)]; });
      }
      auto count = buckets[std::size(les)];
      b.Add(lbl("request_duration_seconds_sum"), life, [sum](int i) { return sum[static_cast<size_t>(i)]; });
      b.Add(lbl("request_duration_seconds_count"), life,
            [count](int i) { return count[static_cast<size_t>(i)]; });
    }
  }
  auto out = b.Take();
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& c) { return a.labels < c.labels; });
  return out;
}

std::vector<std::vector<wire::WriteSeries>> SplitByTime(const std::vector<wire::WriteSeries>& series,
                                                        int64_t start_ms, int64_t window_ms) {
  int64_t max_t = start_ms;
  for (const auto& s : series) {
    if (!s.samples.empty()) max_t = std::max(max_t, s.samples.back().t);
  }
  std::vector<std::vector<wire::WriteSeries>> windows;
  std::vector<size_t> pos(series.size(), 0);
  for (int64_t w = start_ms; w <= max_t; w += window_ms) {
    std::vector<wire::WriteSeries> batch;
    for (size_t i = 0; i < series.size(); ++i) {
      const auto& samples = series[i].samples;
      size_t begin = pos[i];
      while (pos[i] < samples.size() && samples[pos[i]].t < w + window_ms) ++pos[i];
      if (pos[i] == begin) continue;
      batch.push_back({series[i].labels,
                       {samples.begin() + static_cast<ptrdiff_t>(begin),
                        samples.begin() + static_cast<ptrdiff_t>(pos[i])}});
    }
    if (!batch.empty()) windows.push_back(std::move(batch));
  }
  return windows;
}

}  // namespace ember::compat
