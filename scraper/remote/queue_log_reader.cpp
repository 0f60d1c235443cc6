#include "remote/queue_log_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <limits>

#include "ember/wal/crc32c.h"

namespace ember::scraper {
namespace {

constexpr size_t kHeaderBytes = 8;

uint32_t LittleEndian32(const unsigned char* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 | static_cast<uint32_t>(p[2]) << 16 |
         static_cast<uint32_t>(p[3]) << 24;
}

std::string SegmentName(uint32_t segment) {
  char name[16];
  std::snprintf(name, sizeof(name), "%08u", segment);
  return name;
}

bool ReadFull(int fd, char* buf, size_t n, uint64_t offset) {
  size_t done = 0;
  while (done < n) {
    const ssize_t got = ::pread(fd, buf + done, n - done, static_cast<off_t>(offset + done));
    if (got <= 0) return false;
    done += static_cast<size_t>(got);
  }
  return true;
}

}  // namespace

QueueLogReader::QueueLogReader(std::string dir, LogPosition start, Logger logger)
    : dir_(std::move(dir)), logger_(std::move(logger)), pos_(start) {
  const uint32_t oldest = OldestSegment();
  if (oldest != 0 && pos_.segment < oldest) pos_ = {oldest, 0};
  if (pos_.segment == 0) pos_ = {oldest == 0 ? 1 : oldest, 0};
}

QueueLogReader::~QueueLogReader() {
  if (fd_ >= 0) ::close(fd_);
}

bool QueueLogReader::SegmentExists(uint32_t segment) const {
  struct stat st;
  return ::stat((dir_ + "/" + SegmentName(segment)).c_str(), &st) == 0;
}

uint32_t QueueLogReader::OldestSegment() const {
  uint32_t oldest = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() != 8 || name.find_first_not_of("0123456789") != std::string::npos) continue;
    const auto n = static_cast<uint32_t>(std::stoul(name));
    if (oldest == 0 || n < oldest) oldest = n;
  }
  return oldest;
}

bool QueueLogReader::OpenSegment(uint32_t segment) {
  if (fd_ >= 0 && fd_segment_ == segment) return true;
  if (fd_ >= 0) ::close(fd_);
  fd_ = ::open((dir_ + "/" + SegmentName(segment)).c_str(), O_RDONLY | O_CLOEXEC);
  fd_segment_ = segment;
  return fd_ >= 0;
}

bool QueueLogReader::ReadAt(std::string* record, bool* bad) {
  *bad = false;
  if (!OpenSegment(pos_.segment)) return false;
  unsigned char header[kHeaderBytes];
  if (!ReadFull(fd_, reinterpret_cast<char*>(header), kHeaderBytes, pos_.offset)) return false;
  const uint32_t length = LittleEndian32(header);
  const uint32_t crc = LittleEndian32(header + 4);
  // A length past the file cannot be read yet; reading it whole would also
  // trust a corrupt length with a huge allocation.
  struct stat st;
  if (::fstat(fd_, &st) != 0 ||
      static_cast<uint64_t>(st.st_size) < pos_.offset + kHeaderBytes + static_cast<uint64_t>(length)) {
    return false;
  }
  record->resize(length);
  if (length > 0 && !ReadFull(fd_, record->data(), length, pos_.offset + kHeaderBytes)) return false;
  uint32_t want = wal::Crc32c(std::string_view(reinterpret_cast<const char*>(header), 4));
  want = wal::Crc32cExtend(want, *record);
  if (want != crc) {
    *bad = true;
    return false;
  }
  return true;
}

QueueLogReader::Outcome QueueLogReader::Next(std::string* record, LogPosition* next) {
  for (;;) {
    bool bad = false;
    if (ReadAt(record, &bad)) {
      pos_.offset += kHeaderBytes + record->size();
      *next = pos_;
      return Outcome::kRecord;
    }
    // Nothing complete here. Only once the writer has moved on can the
    // segment's tail be judged: read it once more, since a record finished
    // before the next segment was created is visible now.
    if (!SegmentExists(pos_.segment + 1)) return Outcome::kEnd;
    if (ReadAt(record, &bad)) {
      pos_.offset += kHeaderBytes + record->size();
      *next = pos_;
      return Outcome::kRecord;
    }
    struct stat st;
    const bool at_end =
        fd_ >= 0 && ::fstat(fd_, &st) == 0 && static_cast<uint64_t>(st.st_size) <= pos_.offset;
    if (!at_end || bad) {
      logger_.Warn(
          "Skipping the damaged rest of a remote write queue segment",
          {{"segment", static_cast<int64_t>(pos_.segment)}, {"offset", static_cast<int64_t>(pos_.offset)}});
    }
    pos_ = {pos_.segment + 1, 0};
  }
}

}  // namespace ember::scraper
