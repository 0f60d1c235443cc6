// Replaying a write-ahead log: every record of every segment, in write order.
// The byte format is described in libcommon/src/wal/FORMAT.md.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "ember/base/file_system.h"
#include "ember/base/status.h"
#include "ember/obs/logger.h"

namespace ember::wal {

// Receives one record. The view is valid only during the call. A non-OK
// return stops the replay, which returns that status unchanged.
using RecordFn = std::function<Status(std::string_view record)>;

// Calls `fn` with each record of the segments in `dir`, oldest first.
//
// A torn or corrupt tail of the LAST segment (a short header, a payload
// shorter than its length, a CRC mismatch) is what a crash during a write
// leaves: the segment is truncated to its last good record, a warning naming
// the segment, offset and reason is logged, and the replay succeeds. The
// records before the cut are delivered; nothing after it is.
//
// Errors: Corruption, naming the segment and offset, when a segment other
// than the last is bad or a segment in the middle is missing (the caller
// decides whether to repair or refuse to start); IOError/NotFound from the
// file system; whatever `fn` returned. An absent or empty `dir` replays
// nothing and is OK. Not safe to run while a Wal is writing to `dir`.
Status ReplayWal(FileSystem& fs, const std::string& dir, const Logger& logger, const RecordFn& fn);

// The segment numbers in `dir`, ascending; other names are ignored. An absent
// directory has none. Corruption when the numbers are not consecutive (a
// segment in the middle is missing).
Result<std::vector<uint32_t>> ListSegments(FileSystem& fs, const std::string& dir);

}  // namespace ember::wal
