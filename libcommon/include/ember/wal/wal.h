// Wal: the write-ahead log the series store and the log store write through
// before acknowledging a write. A directory of numbered segment files
// (00000001, 00000002, ...), each a sequence of length+CRC-32C framed records;
// the byte format is described in libcommon/src/wal/FORMAT.md.
//
// Typical use:
//   EMBER_ASSIGN_OR_RETURN(auto wal, Wal::Open(fs, options, logger, ApplyRecord));
//   ... EMBER_RETURN_IF_ERROR(wal->AppendBatch(records)); then acknowledge.
//   ... after a checkpoint covering segments < n: wal->TruncateBefore(n).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>

#include "ember/base/file_system.h"
#include "ember/base/status.h"
#include "ember/obs/logger.h"
#include "ember/wal/wal_reader.h"

namespace ember::wal {

enum class SyncMode {
  kAlways,  // AppendBatch fsyncs before it returns: an OK batch survives a machine crash.
  kNever,   // never fsync; the OS writes back when it likes. For tests and benchmarks.
};

// Fixed at Open; none of these is reloadable.
struct WalOptions {
  // Directory holding the segment files; created (with parents) when missing.
  // Files whose names are not 8 decimal digits are left alone. Default: none, required.
  std::string dir;
  // A new segment is started before a record when the current segment already
  // holds at least this many bytes, so a segment exceeds it by at most one
  // record (records are never split). Unit: bytes. Default: 128 MiB.
  uint64_t segment_size_bytes = uint64_t{128} << 20;
  // When appended records are made durable. Default: kAlways.
  SyncMode sync = SyncMode::kAlways;
};

// Thread-safe: every method may be called from any thread; appends are
// serialised by an internal mutex, so concurrent batches never interleave.
class Wal {
 public:
  // Replays the log in options.dir to `replay` (may be empty) exactly as
  // ReplayWal does -- cutting a torn tail of the last segment -- and then
  // opens the last segment (or creates 00000001) to append after its last
  // good record. `fs` must outlive the Wal.
  // Errors: as ReplayWal; InvalidArgument when options.dir is empty.
  [[nodiscard]] static Result<std::unique_ptr<Wal>> Open(FileSystem& fs, WalOptions options, Logger logger,
                                                         const RecordFn& replay = {});

  // Closes the current segment (syncing under kAlways); errors are dropped,
  // call Close() to see them.
  ~Wal();
  Wal(const Wal&) = delete;
  Wal& operator=(const Wal&) = delete;

  // Appends `records` in order and, under SyncMode::kAlways, syncs once
  // before returning: when it returns OK every record is durable and the
  // caller may acknowledge. An empty batch does nothing.
  // Errors: InvalidArgument when a record is longer than 4 GiB - 1 (nothing is
  // written). IOError from the file system: the batch may be partly written
  // and the Wal is then broken -- this and every later append return the
  // first error, and a restart's replay cuts the partial tail.
  Status AppendBatch(std::span<const std::string_view> records);
  // AppendBatch of one record.
  Status Append(std::string_view record);

  // The segment the next record is written to (unless it rolls over first).
  // A checkpoint taken now covers everything in segments before this one once
  // StartNewSegment() has been called.
  uint32_t CurrentSegment() const;

  // Closes the current segment and starts the next one; returns the new
  // segment's number. Lets a caller cut at a clean boundary for a checkpoint.
  Result<uint32_t> StartNewSegment();

  // Removes the whole segments numbered below `segment`, oldest first (so a
  // crash midway leaves a consecutive run). OK when there are none.
  // Errors: InvalidArgument when `segment` is past the current segment (the
  // segment being written is never removed); IOError from the file system.
  Status TruncateBefore(uint32_t segment);

  // Syncs (under kAlways) and closes the current segment. Later appends fail
  // with FailedPrecondition. Idempotent.
  Status Close();

 private:
  Wal(FileSystem& fs, WalOptions options, Logger logger);

  Status AppendLocked(std::span<const std::string_view> records);
  Status RollLocked();
  Status OpenSegmentLocked(uint32_t segment, bool truncate);
  std::string SegmentPath(uint32_t segment) const;

  FileSystem& fs_;
  const WalOptions options_;
  const Logger logger_;

  mutable std::mutex mu_;
  std::unique_ptr<WritableFile> file_;  // GUARDED_BY(mu_); null after Close
  uint32_t segment_ = 0;                // GUARDED_BY(mu_)
  uint64_t segment_bytes_ = 0;          // GUARDED_BY(mu_)
  Status broken_;                       // GUARDED_BY(mu_); the first write error
};

}  // namespace ember::wal
