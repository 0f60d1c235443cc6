// tsdb-storage-vs-prometheus: the series store on a realistic data set
// (SeriesGenerator: node-exporter, cAdvisor and kube-state-metrics series of
// a Kubernetes cluster at 15 s), against the goals set for it and against
// Prometheus 2.42's blocks for the same samples, in one run.
//
// Ember: append rate per core, resident memory per active series, WAL replay
// time after a crash, bytes per sample once persisted, full-scan decode rate.
// Prometheus: `promtool tsdb create-blocks-from openmetrics` writes the blocks
// its head would cut (2 h); their size per sample is the peer figure.
// promtool reads text at a few hundred thousand samples a second, so the
// comparison runs on a smaller cluster of the same shape (kComparisonSeries),
// and Ember stores that one too so both sides hold the same samples.
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <optional>

#include "benchmark.h"
#include "ember_store_run.h"
#include "openmetrics_writer.h"
#include "promtool_blocks.h"
#include "resource_usage.h"
#include "series_generator.h"
#include "test_support.h"

namespace ember::bench {
namespace {

// Series of the cluster both stores hold for the bytes-per-sample ratio.
constexpr int64_t kComparisonSeries = 10000;

struct Goals {
  static constexpr double kBytesPerSample = 1.0;
  static constexpr double kBytesPerSeries = 1024;
  static constexpr double kSamplesPerCoreSecond = 3e6;
};

// The generator options for about `series` series over `hours`.
GeneratorOptions SizedOptions(int64_t series, double hours) {
  GeneratorOptions o = OptionsForSeries(series);
  o.duration_ms = static_cast<int64_t>(hours * 3600 * 1000) / o.interval_ms * o.interval_ms;
  return o;
}

std::string Describe(const SeriesGenerator& gen) {
  char buf[160];
  std::snprintf(buf, sizeof(buf), "%zu series x %.3g h at %llds (%" PRIu64 " samples, %d nodes)",
                gen.num_series(), static_cast<double>(gen.options().duration_ms) / 3.6e6,
                static_cast<long long>(gen.options().interval_ms / 1000), gen.num_samples(),
                gen.options().nodes);
  return buf;
}

double PerSample(uint64_t bytes, uint64_t samples) {
  return samples == 0 ? 0 : static_cast<double>(bytes) / static_cast<double>(samples);
}

// The store at rest: reopened (RocksDB flushes its recovered log into a
// table then) and closed again.
uint64_t PersistedBytes(const EmberStoreFigures& f) { return f.at_end.persisted(); }

struct Row {
  std::string metric;
  double ember = 0;
  std::optional<double> prometheus;
  std::string goal;  // "<= 1.0" etc.; empty when none
  std::optional<bool> met;
};

void PrintComparison(const std::string& title, const std::vector<Row>& rows) {
  std::printf("%s\n", title.c_str());
  std::printf("%-46s %14s %14s %8s  %-14s %s\n", "metric", "ember", "prometheus", "ratio", "goal", "met");
  for (const Row& r : rows) {
    std::string prom = "-", ratio = "-";
    char buf[64];
    if (r.prometheus) {
      std::snprintf(buf, sizeof(buf), "%.3f", *r.prometheus);
      prom = buf;
      std::snprintf(buf, sizeof(buf), "%.3f", r.ember / *r.prometheus);
      ratio = buf;
    }
    std::string met = r.met ? (*r.met ? "yes" : "NO") : "";
    std::printf("%-46s %14.3f %14s %8s  %-14s %s\n", r.metric.c_str(), r.ember, prom.c_str(), ratio.c_str(),
                r.goal.c_str(), met.c_str());
  }
  std::printf("\n");
  std::fflush(stdout);
}

Result<std::vector<Figure>> RunStorageVsPrometheus(const BenchmarkOptions& options, int64_t default_series,
                                                   double default_hours) {
  int64_t series = options.series > 0 ? options.series : default_series;
  double hours = options.hours > 0 ? options.hours : default_hours;
  SeriesGenerator full(SizedOptions(series, hours));
  if (full.num_samples() == 0) return Status::InvalidArgument("--hours gives no scrape");
  GeneratorOptions compare_options = SizedOptions(std::min(series, kComparisonSeries), hours);
  bool separate = compare_options.nodes < full.options().nodes;
  std::optional<SeriesGenerator> compare_owned;
  if (separate) compare_owned.emplace(compare_options);
  SeriesGenerator& compare = separate ? *compare_owned : full;

  std::string promtool = FindPromtool();
  if (promtool.empty()) {
    std::fprintf(stderr,
                 "tsdb bench: promtool is not installed (scripts/install-deps.sh --with-test-peers); "
                 "measuring Ember only\n");
  }
  std::fprintf(stderr, "tsdb bench: data set %s\n", Describe(full).c_str());
  if (separate) std::fprintf(stderr, "tsdb bench: comparison set %s\n", Describe(compare).c_str());

  testing::TempDir dir;
  // Every store phase runs in a child process; see ember_store_run.h.
  EMBER_ASSIGN_OR_RETURN(EmberStoreFigures ember, MeasureEmberStore(full, dir.Join("ember")));
  EmberStoreFigures ember_compare = ember;
  if (separate) {
    EMBER_ASSIGN_OR_RETURN(ember_compare, MeasureEmberStore(compare, dir.Join("ember-compare")));
  }
  std::optional<PromtoolBlocks> prom;
  uint64_t openmetrics_bytes = 0;
  double openmetrics_seconds = 0;
  if (!promtool.empty()) {
    std::string text = dir.Join("data.om.txt");
    double t0 = WallSeconds();
    EMBER_ASSIGN_OR_RETURN(uint64_t written, WriteOpenMetricsFile(compare, text));
    openmetrics_seconds = WallSeconds() - t0;
    openmetrics_bytes = std::filesystem::file_size(text);
    EMBER_ASSIGN_OR_RETURN(
        prom, CreatePrometheusBlocks(promtool, text, dir.Join("prometheus"), dir.Join("promtool.log")));
    std::filesystem::remove(text);
    if (prom->samples != written) {
      return Status::Internal("promtool stored " + std::to_string(prom->samples) + " samples of " +
                              std::to_string(written));
    }
  }

  double samples = static_cast<double>(ember.samples);
  double millions = samples / 1e6;
  double append_per_core = samples / ember.append_cpu_seconds;
  double bytes_per_series =
      static_cast<double>(ember.rss_after_append - ember.rss_before_open) / static_cast<double>(ember.series);
  const uint64_t rss_growth = ember.rss_after_append - ember.rss_before_open;
  double bytes_per_series_without_rocksdb =
      static_cast<double>(rss_growth - std::min(rss_growth, ember.rocksdb_buffers_after_append)) /
      static_cast<double>(ember.series);
  double replay_bytes_per_series = static_cast<double>(ember.rss_after_replay - ember.rss_before_replay) /
                                   static_cast<double>(ember.series);
  double persisted = PerSample(PersistedBytes(ember), ember.samples);
  double compare_persisted = PerSample(PersistedBytes(ember_compare), ember_compare.samples);
  double scan_per_core = static_cast<double>(ember.scan_samples) / ember.scan_cpu_seconds;
  if (!ember.scan_matches || !ember_compare.scan_matches) {
    std::fprintf(stderr, "tsdb bench: WARNING: the full scan did not return exactly the samples appended\n");
  }
  if (ember.rejected_samples > 0) {
    std::fprintf(stderr, "tsdb bench: WARNING: %" PRIu64 " samples were rejected\n", ember.rejected_samples);
  }

  std::vector<Row> rows;
  Row same_data{"bytes/sample on disk, same data", compare_persisted, std::nullopt, "<= 1.0",
                compare_persisted <= Goals::kBytesPerSample};
  if (prom) same_data.prometheus = PerSample(prom->bytes, prom->samples);
  rows.push_back(same_data);
  rows.push_back({"bytes/sample on disk, full set", persisted, std::nullopt, "<= 1.0",
                  persisted <= Goals::kBytesPerSample});
  rows.push_back({"resident bytes per active series", bytes_per_series, std::nullopt, "<= 1024",
                  bytes_per_series <= Goals::kBytesPerSeries});
  rows.push_back({"  without RocksDB write buffers and cache", bytes_per_series_without_rocksdb, std::nullopt,
                  "<= 1024", bytes_per_series_without_rocksdb <= Goals::kBytesPerSeries});
  rows.push_back({"appended samples/s per core (millions)", append_per_core / 1e6, std::nullopt, ">= 3",
                  append_per_core >= Goals::kSamplesPerCoreSecond});
  rows.push_back({"appended samples/s, wall (millions)", samples / ember.append_wall_seconds / 1e6,
                  std::nullopt, "", std::nullopt});
  rows.push_back(
      {"WAL replay, s per million samples", ember.replay_seconds / millions, std::nullopt, "", std::nullopt});
  rows.push_back(
      {"full scan samples/s per core (millions)", scan_per_core / 1e6, std::nullopt, "", std::nullopt});
  std::string title = "tsdb-storage-vs-prometheus: " + Describe(full);
  if (separate) title += "\n  same data: " + Describe(compare);
  PrintComparison(title, rows);

  std::string set = Describe(full);
  std::vector<Figure> figures = {
      {"series", static_cast<double>(ember.series), "", set},
      {"samples", samples, "", ""},
      {"append wall time", ember.append_wall_seconds, "s", "one Appender per scrape"},
      {"append CPU time", ember.append_cpu_seconds, "s", "all threads"},
      {"appended samples/s per core", append_per_core, "samples/s", "goal >= 3e6"},
      {"appended samples/s (wall)", samples / ember.append_wall_seconds, "samples/s", ""},
      {"rejected samples", static_cast<double>(ember.rejected_samples), "", "must be 0"},
      {"resident memory per active series", bytes_per_series, "B", "after append; goal <= 1024"},
      {"heap in use per active series",
       static_cast<double>(ember.heap_after_append -
                           std::min(ember.heap_after_append, ember.heap_before_open)) /
           static_cast<double>(ember.series),
       "B", "allocator's count; RocksDB's buffers included"},
      {"  label index per series", static_cast<double>(ember.index_bytes) / static_cast<double>(ember.series),
       "B", "Db::Memory"},
      {"  series records and maps per series",
       static_cast<double>(ember.series_bytes) / static_cast<double>(ember.series), "B", "Db::Memory"},
      {"  head chunks per series", static_cast<double>(ember.chunk_bytes) / static_cast<double>(ember.series),
       "B", "Db::Memory"},
      {"RocksDB write buffers and block cache", static_cast<double>(ember.rocksdb_buffers_after_append), "B",
       "after append; bounded by options"},
      {"head series after append", static_cast<double>(ember.head_series_after_append), "", ""},
      {"head chunks after append", static_cast<double>(ember.head_chunks_after_append), "", ""},
      {"WAL replay after crash", ember.replay_seconds, "s", "Open, whole WAL"},
      {"WAL replay per million samples", ember.replay_seconds / millions, "s", ""},
      {"resident memory per series after replay", replay_bytes_per_series, "B", ""},
      {"RunMaintenance(true)", ember.maintenance_seconds, "s", "persists all"},
      {"Close", ember.close_seconds, "s", ""},
      {"reopen after Close", ember.reopen_seconds, "s", ""},
      {"on disk after Close", static_cast<double>(ember.after_close.all.total), "B", "all files"},
      {"  of which wal/", static_cast<double>(ember.after_close.wal.total), "B", ""},
      {"  of which RocksDB tables", static_cast<double>(ember.after_close.tables.total), "B", "index/*.sst"},
      {"  of which RocksDB log", static_cast<double>(ember.after_close.rocksdb_wal.total), "B",
       "index/*.log"},
      {"  of which RocksDB text logs", static_cast<double>(ember.after_close.info_logs.total), "B",
       "index/LOG*"},
      {"on disk after reopen and Close", static_cast<double>(ember.at_end.all.total), "B", "all files"},
      {"  of which RocksDB tables", static_cast<double>(ember.at_end.tables.total), "B", "index/*.sst"},
      {"  of which RocksDB log", static_cast<double>(ember.at_end.rocksdb_wal.total), "B", "index/*.log"},
      {"Db::DiskBytes after maintenance", static_cast<double>(ember.disk_bytes_reported), "B", ""},
      {"bytes/sample at rest", persisted, "B", "after reopen; no wal/, no text logs; goal <= 1.0"},
      {"bytes/sample after first Close", PerSample(ember.after_close.persisted(), ember.samples), "B",
       "no wal/, no text logs"},
      {"bytes/sample after first Close, all files", PerSample(ember.after_close.all.total, ember.samples),
       "B", ""},
      {"bytes/sample RocksDB tables at rest", PerSample(ember.at_end.tables.total, ember.samples), "B", ""},
      {"full scan series", static_cast<double>(ember.scan_series), "", ""},
      {"full scan samples read / appended", static_cast<double>(ember.scan_samples) / samples, "x",
       ember.scan_matches ? "digest matches" : "DIGEST MISMATCH"},
      {"full scan samples/s per core", scan_per_core, "samples/s", "__name__=~\".+\""},
      {"full scan samples/s (wall)", static_cast<double>(ember.scan_samples) / ember.scan_wall_seconds,
       "samples/s", ""},
  };
  std::string same = Describe(compare);
  figures.push_back({"same data: ember bytes/sample", compare_persisted, "B", same});
  if (prom) {
    double prom_bps = PerSample(prom->bytes, prom->samples);
    figures.push_back(
        {"same data: prometheus bytes/sample", prom_bps, "B", std::to_string(prom->blocks) + " blocks"});
    figures.push_back(
        {"same data: ratio ember/prometheus", compare_persisted / prom_bps, "x", "lower is better"});
    figures.push_back(
        {"prometheus chunks bytes/sample", PerSample(prom->chunk_bytes, prom->samples), "B", ""});
    figures.push_back(
        {"prometheus index bytes/sample", PerSample(prom->index_bytes, prom->samples), "B", ""});
    figures.push_back({"OpenMetrics text written", static_cast<double>(openmetrics_bytes), "B", ""});
    figures.push_back({"OpenMetrics text write time", openmetrics_seconds, "s", ""});
    figures.push_back({"promtool create-blocks wall time", prom->wall_seconds, "s", ""});
    figures.push_back({"promtool create-blocks CPU time", prom->cpu_seconds, "s", "user + system"});
    figures.push_back({"promtool samples/s per core", static_cast<double>(prom->samples) / prom->cpu_seconds,
                       "samples/s", "text parsing included"});
  }
  return figures;
}

}  // namespace

Result<std::vector<Figure>> RunTsdbStorageVsPrometheus(const BenchmarkOptions& options) {
  return RunStorageVsPrometheus(options, 100000, 2);
}

Result<std::vector<Figure>> RunTsdbStorageVsPrometheusQuick(const BenchmarkOptions& options) {
  return RunStorageVsPrometheus(options, 10000, 1);
}

}  // namespace ember::bench
