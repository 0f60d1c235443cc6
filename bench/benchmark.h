// A named benchmark that ember-bench runs and whose figures it prints.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ember/base/status.h"

namespace ember::bench {

// One row of a result table: what was measured, its value and unit, and
// optionally the same figure for a peer measured in the same run.
struct Figure {
  std::string name;
  double value = 0;
  std::string unit;
  std::string note;  // e.g. the peer the figure is compared with
};

struct BenchmarkOptions {
  double seconds = 5;    // how long each measured phase runs
  int connections = 16;  // concurrent client connections, where it applies
  int threads = 1;       // client threads, where it applies
  int64_t series = 0;    // active series in a generated data set, where it applies; 0: the benchmark's own
  double hours = 0;      // hours of samples in a generated data set, where it applies; 0: the benchmark's own
};

struct Benchmark {
  std::string name;
  std::string description;
  std::function<Result<std::vector<Figure>>(const BenchmarkOptions&)> run;
};

// Every benchmark ember-bench knows, in listing order.
std::vector<Benchmark> AllBenchmarks();

}  // namespace ember::bench
