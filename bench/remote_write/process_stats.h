// What the remote write benchmark reads about a server it started: CPU time
// and resident memory of another process, from /proc/<pid>.
#pragma once

#include <sys/types.h>

#include <cstdint>

namespace ember::bench {

struct ProcessStats {
  double cpu_seconds = 0;       // utime + stime of every thread so far (/proc/<pid>/stat)
  uint64_t rss_bytes = 0;       // VmRSS now (/proc/<pid>/status)
  uint64_t peak_rss_bytes = 0;  // VmHWM: the most VmRSS has been since the process started
};

// The figures of `pid` now; zeros for what cannot be read (the process has
// gone, say).
ProcessStats ReadProcessStats(pid_t pid);

}  // namespace ember::bench
