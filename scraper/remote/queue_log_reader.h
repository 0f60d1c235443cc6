// QueueLogReader: follows a libcommon wal directory while a Wal appends to
// it, record by record, from a saved position (libcommon/src/wal/FORMAT.md
// gives the framing). ReplayWal reads a closed log; this one reads a live one.
//
// At the end of what is written so far Next() answers kEnd; called again
// later it sees what was appended meanwhile. A record the writer has not
// finished yet looks like the end. Once a newer segment exists, the rest of
// the current one can no longer grow, and a bad record there is skipped to
// the next segment with a warning.
//
// Not thread-safe: one reader thread.
#pragma once

#include <cstdint>
#include <string>

#include "ember/base/status.h"
#include "ember/obs/logger.h"

namespace ember::scraper {

// Where a record starts (or the log continues): a segment number and a byte
// offset in it.
struct LogPosition {
  uint32_t segment = 0;
  uint64_t offset = 0;
  friend bool operator==(const LogPosition&, const LogPosition&) = default;
  friend auto operator<=>(const LogPosition&, const LogPosition&) = default;
};

class QueueLogReader {
 public:
  // Reads `dir` from `start`; a start before the oldest segment present
  // moves to that segment's beginning.
  QueueLogReader(std::string dir, LogPosition start, Logger logger);
  ~QueueLogReader();
  QueueLogReader(const QueueLogReader&) = delete;
  QueueLogReader& operator=(const QueueLogReader&) = delete;

  enum class Outcome { kRecord, kEnd };
  // The next record into *record; *next is where the log continues after it.
  Outcome Next(std::string* record, LogPosition* next);

  // Where the next record would start.
  LogPosition position() const { return pos_; }

 private:
  bool OpenSegment(uint32_t segment);
  // Reads the record at pos_; false when there is none (yet) or it is bad.
  bool ReadAt(std::string* record, bool* bad);
  bool SegmentExists(uint32_t segment) const;
  uint32_t OldestSegment() const;

  const std::string dir_;
  const Logger logger_;
  LogPosition pos_;
  int fd_ = -1;
  uint32_t fd_segment_ = 0;
};

}  // namespace ember::scraper
