// The WAL's byte format (FORMAT.md), shared by the writer and the reader.
// Private to the wal piece.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ember/base/file_system.h"
#include "ember/base/status.h"
#include "ember/wal/wal_reader.h"

namespace ember::wal {

// A record is a header (little-endian u32 payload length, then little-endian
// u32 CRC-32C of those four length bytes followed by the payload) and the payload.
inline constexpr size_t kHeaderSize = 8;
inline constexpr uint64_t kMaxPayloadSize = 0xFFFFFFFFu;
// Segment names are this many decimal digits, zero-padded.
inline constexpr size_t kSegmentNameWidth = 8;
inline constexpr uint32_t kMaxSegment = 99999999;

// "00000042" for 42.
std::string SegmentName(uint32_t segment);
// 42 for "00000042"; nullopt for anything that is not exactly kSegmentNameWidth digits.
std::optional<uint32_t> ParseSegmentName(std::string_view name);

// Appends the framed `payload` to `out`. The caller checks kMaxPayloadSize.
void EncodeRecord(std::string_view payload, std::string* out);

// What ScanSegment found.
struct ScanResult {
  // Offset just past the last good record: where the segment may be cut.
  uint64_t good_end = 0;
  // Empty when every byte parsed; else why parsing stopped at good_end:
  // "short header", "short payload" or "crc mismatch".
  std::string_view problem;
  // The first non-OK status returned by the callback (scanning stops there).
  Status callback_status;
};

// Calls `fn` with each good record of `data` in order, until the data ends,
// a bad record is met or `fn` fails. Views passed to `fn` point into `data`.
ScanResult ScanSegment(std::string_view data, const std::function<Status(std::string_view)>& fn);

}  // namespace ember::wal
