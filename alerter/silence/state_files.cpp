#include "silence/state_files.h"

#include <cstdio>
#include <utility>

#include "ember/wal/crc32c.h"
#include "ember/wal/wal_reader.h"
#include "silence/binary_codec.h"

namespace ember::alerter {
namespace {

constexpr uint32_t kSnapshotVersion = 1;
constexpr size_t kMagicSize = 8;
// magic, version, first segment, payload length, ..., crc.
constexpr size_t kSnapshotOverhead = kMagicSize + 4 + 4 + 8 + 4;

std::string SegmentName(uint32_t segment) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%08u", segment);
  return buf;
}

}  // namespace

std::string FrameSnapshot(std::string_view magic, uint32_t first_segment, std::string_view payload) {
  BinaryWriter w;
  w.out().append(magic.substr(0, kMagicSize));
  w.out().resize(kMagicSize, '\0');
  w.PutU32(kSnapshotVersion);
  w.PutU32(first_segment);
  w.PutU64(payload.size());
  w.out().append(payload);
  w.PutU32(wal::Crc32c(w.out()));
  return std::move(w.out());
}

Result<SnapshotFrame> UnframeSnapshot(std::string_view magic, std::string_view file) {
  if (file.size() < kSnapshotOverhead) return Status::Corruption("snapshot: file too short");
  std::string want(magic.substr(0, kMagicSize));
  want.resize(kMagicSize, '\0');
  if (file.substr(0, kMagicSize) != want) return Status::Corruption("snapshot: bad magic");
  BinaryReader r(file.substr(kMagicSize));
  uint32_t version = 0;
  SnapshotFrame frame;
  uint64_t length = 0;
  (void)r.GetU32(version);
  (void)r.GetU32(frame.first_segment);
  (void)r.GetU64(length);
  if (version != kSnapshotVersion)
    return Status::Corruption("snapshot: unsupported version " + std::to_string(version));
  if (length != file.size() - kSnapshotOverhead) return Status::Corruption("snapshot: length mismatch");
  const size_t body_end = file.size() - 4;
  BinaryReader crc_reader(file.substr(body_end));
  uint32_t crc = 0;
  (void)crc_reader.GetU32(crc);
  if (wal::Crc32c(file.substr(0, body_end)) != crc) return Status::Corruption("snapshot: checksum mismatch");
  frame.payload = file.substr(kSnapshotOverhead - 4, length);
  return frame;
}

Result<std::unique_ptr<StateFiles>> StateFiles::Open(FileSystem& fs, StateFilesOptions options, Logger logger,
                                                     const PayloadFn& on_snapshot,
                                                     const PayloadFn& on_record) {
  if (options.dir.empty()) return Status::InvalidArgument("state directory is empty");
  EMBER_RETURN_IF_ERROR(fs.CreateDirs(options.dir));
  std::unique_ptr<StateFiles> files(new StateFiles(fs, std::move(options)));
  files->snapshot_path_ = JoinPath(files->options_.dir, "snapshot");
  const std::string log_dir = files->log_dir();

  uint32_t first_segment = 0;
  auto data = fs.ReadFile(files->snapshot_path_);
  if (data.ok()) {
    EMBER_ASSIGN_OR_RETURN(SnapshotFrame frame, UnframeSnapshot(files->options_.magic, *data));
    first_segment = frame.first_segment;
    if (on_snapshot) EMBER_RETURN_IF_ERROR(on_snapshot(frame.payload));
  } else if (data.status().code() != StatusCode::kNotFound) {
    return data.status();
  }

  // Segments below first_segment are in the snapshot already: a crash
  // between writing it and truncating the log leaves them behind.
  if (first_segment > 0) {
    EMBER_RETURN_IF_ERROR(fs.CreateDirs(log_dir));
    EMBER_ASSIGN_OR_RETURN(auto segments, wal::ListSegments(fs, log_dir));
    bool any_left = false;
    for (uint32_t s : segments) {
      if (s < first_segment) {
        EMBER_RETURN_IF_ERROR(fs.RemoveFile(JoinPath(log_dir, SegmentName(s))));
      } else {
        any_left = true;
      }
    }
    // Keep numbering above the snapshot's mark, or records written next
    // would look covered by it on the following start.
    if (!any_left && first_segment > 1) {
      EMBER_ASSIGN_OR_RETURN(auto f, fs.OpenForAppend(JoinPath(log_dir, SegmentName(first_segment)), true));
      EMBER_RETURN_IF_ERROR(f->Sync());
      EMBER_RETURN_IF_ERROR(f->Close());
    }
  }

  wal::WalOptions wal_options;
  wal_options.dir = log_dir;
  wal_options.sync = files->options_.sync;
  wal_options.segment_size_bytes = uint64_t{64} << 20;
  EMBER_ASSIGN_OR_RETURN(files->wal_, wal::Wal::Open(fs, wal_options, std::move(logger), on_record));
  return files;
}

std::string StateFiles::log_dir() const { return JoinPath(options_.dir, "log"); }

Status StateFiles::Append(std::string_view record) {
  if (!wal_) return Status::FailedPrecondition("state files closed");
  return wal_->Append(record);
}

Status StateFiles::AppendBatch(std::span<const std::string_view> records) {
  if (!wal_) return Status::FailedPrecondition("state files closed");
  return wal_->AppendBatch(records);
}

Result<uint32_t> StateFiles::BeginCheckpoint() {
  if (!wal_) return Status::FailedPrecondition("state files closed");
  return wal_->StartNewSegment();
}

Result<uint64_t> StateFiles::FinishCheckpoint(uint32_t segment, std::string_view payload) {
  if (!wal_) return Status::FailedPrecondition("state files closed");
  const std::string file = FrameSnapshot(options_.magic, segment, payload);
  EMBER_RETURN_IF_ERROR(fs_.WriteFileAtomically(snapshot_path_, file));
  EMBER_RETURN_IF_ERROR(wal_->TruncateBefore(segment));
  return static_cast<uint64_t>(file.size());
}

Status StateFiles::Close() {
  if (!wal_) return Status::Ok();
  Status st = wal_->Close();
  wal_.reset();
  return st;
}

PeriodicRunner::PeriodicRunner(std::chrono::milliseconds interval, std::function<void()> fn) {
  thread_ = std::thread([this, interval, fn = std::move(fn)] {
    std::unique_lock lock(mu_);
    while (!stop_) {
      if (cv_.wait_for(lock, interval, [this] { return stop_; })) break;
      lock.unlock();
      fn();
      lock.lock();
    }
  });
}

PeriodicRunner::~PeriodicRunner() { Stop(); }

void PeriodicRunner::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace ember::alerter
