#include "ember/wal/wal_reader.h"

#include "wal_format.h"

namespace ember::wal {

Status ReplayWal(FileSystem& fs, const std::string& dir, const Logger& logger, const RecordFn& fn) {
  EMBER_ASSIGN_OR_RETURN(auto segments, ListSegments(fs, dir));
  for (size_t i = 0; i < segments.size(); ++i) {
    const std::string name = SegmentName(segments[i]);
    const std::string path = JoinPath(dir, name);
    // The whole segment is read at once: FileSystem has no streaming read,
    // and a segment is bounded by WalOptions::segment_size_bytes.
    EMBER_ASSIGN_OR_RETURN(std::string data, fs.ReadFile(path));
    ScanResult scan = ScanSegment(data, fn);
    EMBER_RETURN_IF_ERROR(scan.callback_status);
    if (scan.problem.empty()) continue;
    if (i + 1 < segments.size()) {
      return Status::Corruption("wal " + dir + ": segment " + name + " offset " +
                                std::to_string(scan.good_end) + ": " + std::string(scan.problem));
    }
    // A crash during a write leaves exactly this in the last segment; the
    // records cut were never acknowledged, so dropping them is correct.
    logger.Warn("Cutting torn tail of the last WAL segment",
                {{"dir", dir},
                 {"segment", name},
                 {"offset", scan.good_end},
                 {"reason", scan.problem},
                 {"dropped_bytes", static_cast<uint64_t>(data.size()) - scan.good_end}});
    EMBER_RETURN_IF_ERROR(fs.Truncate(path, scan.good_end));
  }
  return Status::Ok();
}

}  // namespace ember::wal
