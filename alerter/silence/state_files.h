// StateFiles: the on-disk half of the silence store and the notification
// log. A directory holds
//   snapshot   the whole state as of a checkpoint, replaced atomically;
//   log/       a write-ahead log (ember::wal) of the changes made since.
// Every change is appended to the log and fsynced before the caller
// acknowledges it, so a process killed right after a change loses nothing;
// opening loads the snapshot, drops the log segments it covers and replays
// the rest, cutting a torn tail. The byte formats are in README.md.
//
// Thread-safety: Append/AppendBatch may be called from any thread. A
// checkpoint is BeginCheckpoint (while the caller holds the lock that orders
// its appends, so the state it then encodes is exactly what the log before
// the new segment describes) followed by FinishCheckpoint; the caller runs
// one checkpoint at a time.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <thread>

#include "ember/base/file_system.h"
#include "ember/base/status.h"
#include "ember/obs/logger.h"
#include "ember/wal/wal.h"

namespace ember::alerter {

// Fixed at Open.
struct StateFilesOptions {
  // The directory; created with its parents when missing. Required.
  std::string dir;
  // 8 bytes naming the kind of state in the snapshot header
  // ("EMSILNC1", "EMNFLOG1"). A snapshot with another magic is Corruption.
  std::string magic;
  // When log appends are made durable. Default: every append is fsynced.
  wal::SyncMode sync = wal::SyncMode::kAlways;
};

class StateFiles {
 public:
  using PayloadFn = std::function<Status(std::string_view payload)>;

  // Calls `on_snapshot` with the snapshot payload (not called when there is
  // no snapshot), removes the log segments the snapshot covers, calls
  // `on_record` with every later log record in write order and opens the log
  // for appending. `fs` must outlive the result.
  // Errors: Corruption for a damaged snapshot or a damaged log segment other
  // than the last; whatever a callback returns; IOError.
  [[nodiscard]] static Result<std::unique_ptr<StateFiles>> Open(FileSystem& fs, StateFilesOptions options,
                                                                Logger logger, const PayloadFn& on_snapshot,
                                                                const PayloadFn& on_record);

  // Appends and (under kAlways) fsyncs; OK means durable. Errors as Wal.
  Status Append(std::string_view record);
  Status AppendBatch(std::span<const std::string_view> records);

  // Starts a new log segment and returns its number: the snapshot written
  // by FinishCheckpoint(segment, ...) covers every record appended before.
  Result<uint32_t> BeginCheckpoint();
  // Writes the snapshot atomically, then removes the covered log segments.
  // Returns the snapshot's size in bytes.
  Result<uint64_t> FinishCheckpoint(uint32_t segment, std::string_view payload);

  // Closes the log. Idempotent.
  Status Close();

  const std::string& snapshot_path() const { return snapshot_path_; }
  std::string log_dir() const;

 private:
  StateFiles(FileSystem& fs, StateFilesOptions options) : fs_(fs), options_(std::move(options)) {}

  FileSystem& fs_;
  const StateFilesOptions options_;
  std::string snapshot_path_;
  std::unique_ptr<wal::Wal> wal_;
};

// The snapshot file: magic (8 bytes), u32 version (1), u32 first log segment
// not covered, u64 payload length, the payload, u32 CRC-32C of all the
// preceding bytes. Used by StateFiles and by the fuzz targets.
std::string FrameSnapshot(std::string_view magic, uint32_t first_segment, std::string_view payload);
struct SnapshotFrame {
  uint32_t first_segment = 0;
  std::string_view payload;  // a view into the decoded input
};
// Errors: Corruption ("snapshot: ...") for a wrong magic or version, a short
// file, trailing bytes or a CRC mismatch.
Result<SnapshotFrame> UnframeSnapshot(std::string_view magic, std::string_view file);

// Calls `fn` every `interval` on its own thread until Stop() (or the
// destructor). Waits on a condition variable, so Stop() returns promptly.
class PeriodicRunner {
 public:
  PeriodicRunner(std::chrono::milliseconds interval, std::function<void()> fn);
  ~PeriodicRunner();
  PeriodicRunner(const PeriodicRunner&) = delete;
  PeriodicRunner& operator=(const PeriodicRunner&) = delete;
  void Stop();

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace ember::alerter
