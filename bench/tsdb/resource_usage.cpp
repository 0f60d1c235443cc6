#include "resource_usage.h"

#include <malloc.h>
#include <time.h>

#include <cstdio>
#include <cstring>
#include <filesystem>

#ifdef EMBER_HAVE_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

namespace ember::bench {

uint64_t HeapInUseBytes() {
  // The programs link jemalloc (cmake/EmberDeps.cmake): its own count, after
  // refreshing its statistics; glibc's when it is absent.
#ifdef EMBER_HAVE_JEMALLOC
  uint64_t epoch = 1;
  size_t size = sizeof(epoch);
  size_t allocated = 0;
  size_t allocated_size = sizeof(allocated);
  if (mallctl("epoch", &epoch, &size, &epoch, size) == 0 &&
      mallctl("stats.allocated", &allocated, &allocated_size, nullptr, 0) == 0) {
    return allocated;
  }
#endif
  struct mallinfo2 mi = mallinfo2();
  return mi.uordblks + mi.hblkhd;
}

void ReturnFreedMemory() {
#ifdef EMBER_HAVE_JEMALLOC
  // MALLCTL_ARENAS_ALL: every arena gives its unused dirty pages back now
  // rather than over the next ten seconds.
  (void)mallctl("arena.4096.purge", nullptr, nullptr, nullptr, 0);
#else
  malloc_trim(0);
#endif
}

uint64_t ResidentBytes() {
  FILE* f = std::fopen("/proc/self/status", "r");
  if (f == nullptr) return 0;
  char line[256];
  uint64_t kib = 0;
  while (std::fgets(line, sizeof(line), f) != nullptr) {
    if (std::strncmp(line, "VmRSS:", 6) == 0) {
      kib = std::strtoull(line + 6, nullptr, 10);
      break;
    }
  }
  std::fclose(f);
  return kib * 1024;
}

double ProcessCpuSeconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double ThreadCpuSeconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double WallSeconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

DirUsage DirectoryUsage(const std::string& dir, const std::function<bool(const std::string&)>& filter) {
  namespace fs = std::filesystem;
  DirUsage usage;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    if (filter && !filter(fs::relative(it->path(), dir, ec).generic_string())) continue;
    usage.total += it->file_size(ec);
    ++usage.files;
  }
  return usage;
}

}  // namespace ember::bench
