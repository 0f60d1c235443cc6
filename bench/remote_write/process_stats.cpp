#include "process_stats.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

namespace ember::bench {
namespace {

// utime and stime, fields 14 and 15 of /proc/<pid>/stat, in clock ticks.
// The command name (field 2) may hold spaces and parentheses, so fields are
// counted from the last ')'.
double CpuSeconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return 0;
  size_t close = line.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(line.substr(close + 2));
  std::string field;
  unsigned long long ticks = 0;
  // After ')' comes field 3 (state); utime is field 14, the 12th from there.
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i >= 14) ticks += std::strtoull(field.c_str(), nullptr, 10);
  }
  return static_cast<double>(ticks) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

}  // namespace

ProcessStats ReadProcessStats(pid_t pid) {
  ProcessStats stats;
  stats.cpu_seconds = CpuSeconds(pid);
  FILE* f = std::fopen(("/proc/" + std::to_string(pid) + "/status").c_str(), "r");
  if (f == nullptr) return stats;
  char line[256];
  while (std::fgets(line, sizeof(line), f) != nullptr) {
    if (std::strncmp(line, "VmRSS:", 6) == 0) stats.rss_bytes = std::strtoull(line + 6, nullptr, 10) * 1024;
    if (std::strncmp(line, "VmHWM:", 6) == 0) {
      stats.peak_rss_bytes = std::strtoull(line + 6, nullptr, 10) * 1024;
    }
  }
  std::fclose(f);
  return stats;
}

}  // namespace ember::bench
