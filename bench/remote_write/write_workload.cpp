#include "write_workload.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <mutex>
#include <thread>

#include "ember/wire/remote_write.h"
#include "series_generator.h"

namespace ember::bench {
namespace {

// One sample of one series, before encoding: `series` indexes the flattened
// list of every target's series.
struct Point {
  uint32_t series;
  int64_t t;
  double v;
};

GeneratorOptions SizedGenerator(int64_t series, int rounds, int64_t start_ms) {
  GeneratorOptions o = OptionsForSeries(series);
  o.start_ms = start_ms;
  o.duration_ms = o.interval_ms * rounds;
  return o;
}

}  // namespace

uint64_t WriteWorkload::Samples(int from, int to) const {
  uint64_t n = 0;
  for (const auto& conn : requests) {
    for (int r = from; r < to; ++r) {
      for (const auto& req : conn[static_cast<size_t>(r)]) n += req.samples;
    }
  }
  return n;
}

uint64_t WriteWorkload::Requests(int from, int to) const {
  uint64_t n = 0;
  for (const auto& conn : requests) {
    for (int r = from; r < to; ++r) n += conn[static_cast<size_t>(r)].size();
  }
  return n;
}

uint64_t WriteWorkload::BodyBytes(int from, int to) const {
  uint64_t n = 0;
  for (const auto& conn : requests) {
    for (int r = from; r < to; ++r) {
      for (const auto& req : conn[static_cast<size_t>(r)]) n += req.body.size();
    }
  }
  return n;
}

Result<WriteWorkload> BuildWriteWorkload(const WriteWorkloadOptions& options) {
  SeriesGenerator gen(SizedGenerator(options.series, options.rounds, options.start_ms));
  const size_t conns = static_cast<size_t>(std::clamp(options.connections, 1, 1 << 16));
  const size_t rounds = static_cast<size_t>(options.rounds);

  // Flatten the targets' series and pick each one's connection.
  std::vector<const Labels*> labels;
  std::vector<uint32_t> first_of_target;
  std::vector<uint16_t> conn_of;
  for (const Target& target : gen.targets()) {
    first_of_target.push_back(static_cast<uint32_t>(labels.size()));
    for (const SeriesSpec& s : target.series) {
      labels.push_back(&s.labels);
      conn_of.push_back(static_cast<uint16_t>(s.labels.Hash() % conns));
    }
  }

  WriteWorkload w;
  w.series = labels.size();
  w.rounds = options.rounds;
  w.nodes = gen.options().nodes;
  w.requests.assign(conns, std::vector<std::vector<EncodedRequest>>(rounds));

  // points[c][r]: the samples connection c sends in round r, in scrape order.
  std::vector<std::vector<std::vector<Point>>> points(conns, std::vector<std::vector<Point>>(rounds));
  Scrape scrape;
  while (gen.Next(&scrape)) {
    uint32_t base = first_of_target[scrape.target];
    for (size_t i = 0; i < scrape.values.size(); ++i) {
      uint32_t s = base + static_cast<uint32_t>(i);
      points[conn_of[s]][scrape.index].push_back({s, scrape.timestamp_ms, scrape.values[i]});
    }
    w.max_time_ms = std::max(w.max_time_ms, scrape.timestamp_ms);
  }

  // Encode connection by connection on every core; each worker reuses one
  // batch so that labels are copied into strings that already have room.
  std::atomic<size_t> next{0};
  std::mutex mu;
  Status failure;
  auto work = [&] {
    std::vector<wire::WriteSeries> batch;
    for (size_t c; (c = next.fetch_add(1)) < conns;) {
      for (size_t r = 0; r < rounds; ++r) {
        std::vector<Point>& round = points[c][r];
        for (size_t begin = 0; begin < round.size(); begin += options.max_samples_per_request) {
          size_t n = std::min(options.max_samples_per_request, round.size() - begin);
          batch.resize(n);
          for (size_t i = 0; i < n; ++i) {
            const Point& p = round[begin + i];
            batch[i].labels = *labels[p.series];
            batch[i].samples.assign(1, {p.t, p.v});
          }
          auto body = wire::EncodeWriteRequest(batch);
          if (!body.ok()) {
            std::lock_guard lock(mu);
            failure = body.status();
            return;
          }
          w.requests[c][r].push_back({std::move(*body), static_cast<uint32_t>(n)});
        }
        std::vector<Point>().swap(round);
      }
    }
  };
  std::vector<std::thread> workers;
  for (unsigned i = 0; i < std::max(1u, std::thread::hardware_concurrency()); ++i) workers.emplace_back(work);
  for (auto& t : workers) t.join();
  if (!failure.ok()) return failure;
  return w;
}

}  // namespace ember::bench
