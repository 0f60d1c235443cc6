#include "process_metrics.h"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace ember::app {
namespace {

// Fields of /proc/self/stat after the command name, which may hold spaces.
std::vector<std::string> StatFields() {
  std::ifstream in("/proc/self/stat");
  std::string line;
  std::getline(in, line);
  std::vector<std::string> fields;
  size_t close = line.rfind(')');
  if (close == std::string::npos) return fields;
  std::istringstream rest(line.substr(close + 2));
  for (std::string f; rest >> f;) fields.push_back(f);
  return fields;
}

double BootTimeSeconds() {
  std::ifstream in("/proc/stat");
  for (std::string key; in >> key;) {
    if (key == "btime") {
      double v = 0;
      in >> v;
      return v;
    }
    in.ignore(1 << 20, '\n');
  }
  return 0;
}

// Indexes into StatFields(): field N of proc(5) is at N - 3.
constexpr size_t kUtime = 11, kStime = 12, kStartTime = 19, kVsize = 20, kRss = 21;

double StatField(size_t index) {
  auto f = StatFields();
  return index < f.size() ? std::stod(f[index]) : 0;
}

}  // namespace

void RegisterProcessMetrics(MetricsRegistry& registry) {
  const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(::sysconf(_SC_PAGESIZE));
  const double start = BootTimeSeconds() + StatField(kStartTime) / ticks;
  registry.NewCounterFunc("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
                          [ticks] { return (StatField(kUtime) + StatField(kStime)) / ticks; });
  registry.NewGaugeFunc("process_resident_memory_bytes", "Resident memory size in bytes.",
                        [page] { return StatField(kRss) * page; });
  registry.NewGaugeFunc("process_virtual_memory_bytes", "Virtual memory size in bytes.",
                        [] { return StatField(kVsize); });
  registry.NewGaugeFunc("process_start_time_seconds",
                        "Start time of the process since unix epoch in seconds.", [start] { return start; });
  registry.NewGaugeFunc("process_open_fds", "Number of open file descriptors.", [] {
    std::error_code ec;
    double n = 0;
    for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end; it.increment(ec))
      ++n;
    return n;
  });
  registry.NewGaugeFunc("process_max_fds", "Maximum number of open file descriptors.", [] {
    rlimit rl{};
    return ::getrlimit(RLIMIT_NOFILE, &rl) == 0 ? static_cast<double>(rl.rlim_cur) : 0.0;
  });
}

}  // namespace ember::app
