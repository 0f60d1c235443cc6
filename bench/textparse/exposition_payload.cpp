#include "exposition_payload.h"

#include <cstdio>
#include <random>
#include <string_view>
#include <vector>

namespace ember::bench {

namespace {

struct Family {
  std::string_view name;
  std::string_view type;  // counter, gauge, histogram, summary
  std::string_view help;
  std::vector<std::vector<std::pair<std::string_view, std::string>>> (*labels)(int instance);
};

std::string Num(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

}  // namespace

std::string NodeExporterPayload(int64_t series, bool openmetrics, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> uni(0, 1);
  std::string out;
  out.reserve(static_cast<size_t>(series) * 110);
  static const char* kModes[] = {"idle", "iowait", "irq", "nice", "softirq", "steal", "system", "user"};
  static const char* kBuckets[] = {"0.005", "0.01", "0.025", "0.05", "0.1", "0.25",
                                   "0.5",   "1",    "2.5",   "5",    "10",  "+Inf"};
  int64_t written = 0;
  auto help_type = [&](std::string_view name, std::string_view type, std::string_view help) {
    out += "# HELP ";
    out += name;
    out += ' ';
    out += help;
    out += "\n# TYPE ";
    out += name;
    out += ' ';
    out += type;
    out += '\n';
  };
  auto sample = [&](std::string_view name, std::string_view labels, const std::string& value) {
    out += name;
    if (!labels.empty()) {
      out += '{';
      out += labels;
      out += '}';
    }
    out += ' ';
    out += value;
    out += '\n';
    ++written;
  };
  const char* total = openmetrics ? "_total" : "";
  // Rounds of families until the target is reached; each round is one "node
  // group" so label values stay distinct.
  for (int round = 0; written < series; ++round) {
    std::string cpu_name = std::string("node_cpu_seconds") + (openmetrics ? "" : "_total");
    help_type(cpu_name, "counter", "Seconds the CPUs spent in each mode.");
    for (int cpu = 0; cpu < 32 && written < series; ++cpu) {
      for (const char* mode : kModes) {
        sample(std::string("node_cpu_seconds") + total,
               "cpu=\"" + std::to_string(round * 32 + cpu) + "\",mode=\"" + mode + "\"",
               Num(uni(rng) * 1e6, 2));
      }
    }
    for (std::string_view fam : {"node_network_receive_bytes", "node_network_transmit_bytes",
                                 "node_network_receive_packets", "node_network_transmit_packets"}) {
      std::string name = std::string(fam) + (openmetrics ? "" : "_total");
      help_type(name, "counter", "Network device statistic.");
      for (int dev = 0; dev < 16 && written < series; ++dev) {
        sample(std::string(fam) + total, "device=\"eth" + std::to_string(round * 16 + dev) + "\"",
               std::to_string(static_cast<int64_t>(uni(rng) * 1e12)));
      }
    }
    for (std::string_view fam :
         {"node_filesystem_avail_bytes", "node_filesystem_size_bytes", "node_filesystem_files_free"}) {
      help_type(fam, "gauge", "Filesystem statistic.");
      for (int fs = 0; fs < 12 && written < series; ++fs) {
        sample(fam,
               "device=\"/dev/nvme" + std::to_string(round) + "n1p" + std::to_string(fs) +
                   "\",fstype=\"ext4\",mountpoint=\"/var/lib/kubelet/pods/" +
                   std::to_string(round * 12 + fs) + "\"",
               std::to_string(static_cast<int64_t>(uni(rng) * 1e9) * 4096));
      }
    }
    help_type("node_memory_MemAvailable_bytes", "gauge", "Memory information field MemAvailable_bytes.");
    sample("node_memory_MemAvailable_bytes", "node=\"n" + std::to_string(round) + "\"",
           std::to_string(static_cast<int64_t>(uni(rng) * 1e7) * 4096));
    help_type("node_load1", "gauge", "1m load average.");
    sample("node_load1", "node=\"n" + std::to_string(round) + "\"", Num(uni(rng) * 16, 2));
    help_type("node_hwmon_temp_celsius", "gauge", "Hardware monitor for temperature (input)");
    for (int chip = 0; chip < 8 && written < series; ++chip) {
      sample("node_hwmon_temp_celsius",
             "chip=\"platform_coretemp_" + std::to_string(round) + "\",sensor=\"temp" + std::to_string(chip) +
                 "\"",
             Num(30 + uni(rng) * 50, 1));
    }
    help_type("http_request_duration_seconds", "histogram", "A histogram of request latencies.");
    for (int h = 0; h < 4 && written < series; ++h) {
      std::string base =
          "handler=\"/api/v1/query" + std::to_string(round * 4 + h) + "\",method=\"GET\",code=\"200\"";
      int64_t cum = 0;
      for (const char* le : kBuckets) {
        cum += static_cast<int64_t>(uni(rng) * 100);
        sample("http_request_duration_seconds_bucket", base + ",le=\"" + le + "\"", std::to_string(cum));
      }
      sample("http_request_duration_seconds_sum", base, Num(uni(rng) * 1e4, 6));
      sample("http_request_duration_seconds_count", base, std::to_string(cum));
    }
    help_type("go_gc_duration_seconds", "summary",
              "A summary of the pause duration of garbage collection cycles.");
    for (const char* q : {"0", "0.25", "0.5", "0.75", "1"}) {
      sample("go_gc_duration_seconds", "instance=\"n" + std::to_string(round) + "\",quantile=\"" + q + "\"",
             Num(uni(rng) * 1e-3, 9));
    }
    sample("go_gc_duration_seconds_sum", "instance=\"n" + std::to_string(round) + "\"", Num(uni(rng), 9));
    sample("go_gc_duration_seconds_count", "instance=\"n" + std::to_string(round) + "\"",
           std::to_string(static_cast<int>(uni(rng) * 1e5)));
  }
  if (openmetrics) out += "# EOF\n";
  return out;
}

}  // namespace ember::bench
