#include "ember/wal/wal.h"

#include "wal_format.h"

namespace ember::wal {

Result<std::unique_ptr<Wal>> Wal::Open(FileSystem& fs, WalOptions options, Logger logger,
                                       const RecordFn& replay) {
  if (options.dir.empty()) return Status::InvalidArgument("wal: options.dir is empty");
  EMBER_RETURN_IF_ERROR(fs.CreateDirs(options.dir));
  EMBER_RETURN_IF_ERROR(ReplayWal(fs, options.dir, logger, replay));
  EMBER_ASSIGN_OR_RETURN(auto segments, ListSegments(fs, options.dir));
  std::unique_ptr<Wal> wal(new Wal(fs, std::move(options), std::move(logger)));
  std::lock_guard lock(wal->mu_);
  if (segments.empty()) {
    EMBER_RETURN_IF_ERROR(wal->OpenSegmentLocked(1, /*truncate=*/true));
  } else {
    // Replay has cut any torn tail, so appending continues right after the
    // last good record.
    EMBER_RETURN_IF_ERROR(wal->OpenSegmentLocked(segments.back(), /*truncate=*/false));
  }
  return wal;
}

Wal::Wal(FileSystem& fs, WalOptions options, Logger logger)
    : fs_(fs), options_(std::move(options)), logger_(std::move(logger)) {}

Wal::~Wal() { (void)Close(); }

std::string Wal::SegmentPath(uint32_t segment) const { return JoinPath(options_.dir, SegmentName(segment)); }

Status Wal::OpenSegmentLocked(uint32_t segment, bool truncate) {
  if (segment > kMaxSegment) {
    return Status::ResourceExhausted("wal " + options_.dir + ": segment numbers exhausted");
  }
  EMBER_ASSIGN_OR_RETURN(file_, fs_.OpenForAppend(SegmentPath(segment), truncate));
  segment_ = segment;
  segment_bytes_ = file_->Size();
  return Status::Ok();
}

Status Wal::RollLocked() {
  if (options_.sync == SyncMode::kAlways) EMBER_RETURN_IF_ERROR(file_->Sync());
  EMBER_RETURN_IF_ERROR(file_->Close());
  file_.reset();
  return OpenSegmentLocked(segment_ + 1, /*truncate=*/true);
}

Status Wal::Append(std::string_view record) {
  return AppendBatch(std::span<const std::string_view>(&record, 1));
}

Status Wal::AppendBatch(std::span<const std::string_view> records) {
  for (std::string_view r : records) {
    if (r.size() > kMaxPayloadSize) {
      return Status::InvalidArgument("wal: record of " + std::to_string(r.size()) + " bytes is too long");
    }
  }
  std::lock_guard lock(mu_);
  EMBER_RETURN_IF_ERROR(broken_);
  if (!file_) return Status::FailedPrecondition("wal " + options_.dir + ": closed");
  if (records.empty()) return Status::Ok();
  Status s = AppendLocked(records);
  if (!s.ok()) broken_ = s.WithContext("wal " + options_.dir + " broken by an earlier write error");
  return s;
}

Status Wal::AppendLocked(std::span<const std::string_view> records) {
  // One Append per segment touched: the batch is framed into one buffer.
  std::string buf;
  auto flush = [&]() -> Status {
    if (buf.empty()) return Status::Ok();
    EMBER_RETURN_IF_ERROR(file_->Append(buf));
    segment_bytes_ += buf.size();
    buf.clear();
    return Status::Ok();
  };
  for (std::string_view r : records) {
    if (segment_bytes_ + buf.size() >= options_.segment_size_bytes && segment_bytes_ + buf.size() > 0) {
      EMBER_RETURN_IF_ERROR(flush());
      EMBER_RETURN_IF_ERROR(RollLocked());
    }
    EncodeRecord(r, &buf);
  }
  EMBER_RETURN_IF_ERROR(flush());
  if (options_.sync == SyncMode::kAlways) EMBER_RETURN_IF_ERROR(file_->Sync());
  return Status::Ok();
}

uint32_t Wal::CurrentSegment() const {
  std::lock_guard lock(mu_);
  return segment_;
}

Result<uint32_t> Wal::StartNewSegment() {
  std::lock_guard lock(mu_);
  EMBER_RETURN_IF_ERROR(broken_);
  if (!file_) return Status::FailedPrecondition("wal " + options_.dir + ": closed");
  Status s = RollLocked();
  if (!s.ok()) {
    broken_ = s.WithContext("wal " + options_.dir + " broken by an earlier write error");
    return s;
  }
  return segment_;
}

Status Wal::TruncateBefore(uint32_t segment) {
  std::lock_guard lock(mu_);
  if (segment > segment_) {
    return Status::InvalidArgument("wal " + options_.dir + ": cannot remove segments before " +
                                   SegmentName(segment) + ", past the current segment " +
                                   SegmentName(segment_));
  }
  EMBER_ASSIGN_OR_RETURN(auto segments, ListSegments(fs_, options_.dir));
  for (uint32_t s : segments) {
    if (s >= segment) break;
    EMBER_RETURN_IF_ERROR(fs_.RemoveFile(SegmentPath(s)));
  }
  return Status::Ok();
}

Status Wal::Close() {
  std::lock_guard lock(mu_);
  if (!file_) return Status::Ok();
  Status s;
  if (broken_.ok() && options_.sync == SyncMode::kAlways) s = file_->Sync();
  Status c = file_->Close();
  file_.reset();
  return s.ok() ? c : s;
}

}  // namespace ember::wal
