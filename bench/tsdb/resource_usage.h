// What the storage benchmark reads about a process and a directory: resident
// memory, CPU time, wall time and bytes on disk.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace ember::bench {

// VmRSS of this process in bytes, from /proc/self/status; 0 when unknown.
uint64_t ResidentBytes();
// Has the allocator give freed pages back to the system, as it does by itself
// within seconds, so that ResidentBytes shows the steady state.
void ReturnFreedMemory();
// Bytes the allocator has handed out and not had back (mallinfo2): what the
// program holds, without the allocator's free lists.
uint64_t HeapInUseBytes();

// CPU time of every thread of this process (the store's background threads
// included), in seconds.
double ProcessCpuSeconds();

// CPU time of the calling thread, in seconds.
double ThreadCpuSeconds();

// A monotonic clock in seconds.
double WallSeconds();

// Apparent sizes (st_size) of the regular files under a directory.
struct DirUsage {
  uint64_t total = 0;
  uint64_t files = 0;
};
// `filter`, when set, picks the files counted by their path relative to
// `dir` ("wal/00000003").
DirUsage DirectoryUsage(const std::string& dir,
                        const std::function<bool(const std::string& relative_path)>& filter = nullptr);

}  // namespace ember::bench
