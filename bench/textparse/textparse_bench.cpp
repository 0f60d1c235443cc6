// textparse: throughput of the exposition-format parsers, per core.
//
// Each case parses one body over and over on one thread for the configured
// time: Next() to the end, and for every sample the labels (Labels() into a
// reused vector), the value and the timestamp, as the scraper does on a cache
// miss. Throughput is body bytes and samples over the thread's CPU time.
#include <fstream>
#include <sstream>

#include "benchmark.h"
#include "ember/textparse/openmetrics_parser.h"
#include "ember/textparse/prom_parser.h"
#include "textparse/exposition_payload.h"
#include "tsdb/resource_usage.h"

namespace ember::bench {

namespace {

struct Throughput {
  double mb_per_s = 0;
  double samples_per_s = 0;
};

template <class ParserT>
Result<Throughput> Measure(const std::string& body, double seconds, bool labels) {
  std::vector<textparse::LabelView> views;
  views.reserve(32);
  int64_t bytes = 0, samples = 0;
  double checksum = 0;
  double start = ThreadCpuSeconds();
  double elapsed = 0;
  do {
    for (int rep = 0; rep < 8; ++rep) {
      ParserT p(body);
      for (;;) {
        auto e = p.Next();
        if (!e.ok()) return e.status();
        if (*e == textparse::Entry::kEof) break;
        if (*e != textparse::Entry::kSeries) continue;
        ++samples;
        checksum += p.Value();
        if (auto ts = p.Timestamp()) checksum += static_cast<double>(*ts);
        if (labels) {
          p.Labels(&views);
          checksum += static_cast<double>(views.size());
        }
      }
      bytes += static_cast<int64_t>(body.size());
    }
    elapsed = ThreadCpuSeconds() - start;
  } while (elapsed < seconds);
  if (checksum == 0.5) std::printf(" ");  // keeps the work observable
  return Throughput{static_cast<double>(bytes) / elapsed / 1e6, static_cast<double>(samples) / elapsed};
}

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

constexpr const char* kTestdata = EMBER_TEXTPARSE_TESTDATA;
constexpr const char* kUpstreamNote =
    "Prometheus promtext (Go): ~248 MB/s, ~2.4M samples/s per core (published, Apple M2 Max, different "
    "hardware)";

void AddCase(std::vector<Figure>& figures, const std::string& name, const Throughput& t,
             const std::string& note) {
  figures.push_back({name + ": MB/s per core", t.mb_per_s, "MB/s", note});
  figures.push_back({name + ": samples/s per core", t.samples_per_s / 1e6, "M/s", ""});
}

}  // namespace

Result<std::vector<Figure>> RunTextparse(const BenchmarkOptions& options) {
  double seconds = std::max(0.2, options.seconds / 4);  // four timed phases per body
  int64_t series = options.series > 0 ? options.series : 10000;
  std::vector<Figure> figures;

  if (auto body = ReadFile(std::string(kTestdata) + "/alltypes.237mfs.prom.txt")) {
    EMBER_ASSIGN_OR_RETURN(auto t, Measure<textparse::PromParser>(*body, seconds, true));
    AddCase(figures, "prom text, alltypes.237mfs", t, kUpstreamNote);
    EMBER_ASSIGN_OR_RETURN(auto n, Measure<textparse::PromParser>(*body, seconds, false));
    AddCase(figures, "prom text, alltypes.237mfs, no labels", n, "Next() and value only");
  } else {
    figures.push_back({"prom text, alltypes.237mfs", 0, "", "skipped: reference test data absent"});
  }
  std::string prom = NodeExporterPayload(series, false);
  EMBER_ASSIGN_OR_RETURN(auto tp, Measure<textparse::PromParser>(prom, seconds, true));
  AddCase(figures, "prom text, node-exporter-like " + std::to_string(series / 1000) + "k", tp,
          std::to_string(prom.size() / 1024) + " KiB body");
  std::string om = NodeExporterPayload(series, true);
  EMBER_ASSIGN_OR_RETURN(auto to, Measure<textparse::OpenMetricsParser>(om, seconds, true));
  AddCase(figures, "openmetrics, node-exporter-like " + std::to_string(series / 1000) + "k", to,
          std::to_string(om.size() / 1024) + " KiB body");
  if (auto body = ReadFile(std::string(kTestdata) + "/alltypes.5mfs.om.txt")) {
    EMBER_ASSIGN_OR_RETURN(auto t5, Measure<textparse::OpenMetricsParser>(*body, seconds, true));
    AddCase(figures, "openmetrics, alltypes.5mfs (exemplars)", t5, "53 samples, 4.4 KiB");
  }
  return figures;
}

}  // namespace ember::bench
