// ember-bench: runs a named benchmark and prints its result table.
//
//   ember-bench list
//   ember-bench run http-trivial [--seconds=5] [--connections=16] [--threads=1]
//   ember-bench run tsdb-storage-vs-prometheus [--series=100000] [--hours=2]
#include <cstdio>

#include "benchmark.h"
#include "ember/base/flags.h"

namespace {

void PrintTable(const std::string& name, const std::vector<ember::bench::Figure>& figures) {
  std::printf("benchmark: %s\n", name.c_str());
  std::printf("%-40s %16s  %-10s %s\n", "figure", "value", "unit", "note");
  for (const auto& f : figures) {
    std::printf("%-40s %16.2f  %-10s %s\n", f.name.c_str(), f.value, f.unit.c_str(), f.note.c_str());
  }
}

}  // namespace

int main(int argc, char** argv) {
  using namespace ember;
  auto benchmarks = bench::AllBenchmarks();
  if (argc < 2 || std::string_view(argv[1]) == "list") {
    for (const auto& b : benchmarks) std::printf("%-28s %s\n", b.name.c_str(), b.description.c_str());
    return argc < 2 ? 2 : 0;
  }
  if (std::string_view(argv[1]) != "run" || argc < 3) {
    std::fprintf(stderr, "usage: ember-bench list | run NAME [flags]\n");
    return 2;
  }
  std::string name = argv[2];
  bench::BenchmarkOptions options;
  int64_t connections = options.connections, threads = options.threads, series = options.series;
  std::string seconds = std::to_string(options.seconds), hours = "0";
  FlagSet flags("ember-bench run " + name, "Runs one benchmark.");
  flags.String("seconds", &seconds, "How long each measured phase runs.");
  flags.Int("connections", &connections, "Concurrent client connections.");
  flags.Int("threads", &threads, "Client threads.");
  flags.Int("series", &series, "Active series in a generated data set (0: the benchmark's default).");
  flags.String("hours", &hours, "Hours of samples in a generated data set (0: the benchmark's default).");
  std::string out;
  auto parsed = flags.Parse(argc - 2, argv + 2, "ember-bench", &out);
  if (!parsed.ok()) {
    std::fprintf(stderr, "ember-bench: %s\n", parsed.status().message().c_str());
    return 2;
  }
  if (*parsed == FlagSet::Outcome::kExitOk) {
    std::printf("%s\n", out.c_str());
    return 0;
  }
  options.seconds = std::stod(seconds);
  options.connections = static_cast<int>(connections);
  options.threads = static_cast<int>(threads);
  options.series = series;
  options.hours = std::stod(hours);
  for (const auto& b : benchmarks) {
    if (b.name != name) continue;
    auto figures = b.run(options);
    if (!figures.ok()) {
      std::fprintf(stderr, "ember-bench: %s: %s\n", name.c_str(), figures.status().message().c_str());
      return 1;
    }
    PrintTable(name, *figures);
    return 0;
  }
  std::fprintf(stderr, "ember-bench: no benchmark named %s (see ember-bench list)\n", name.c_str());
  return 2;
}
