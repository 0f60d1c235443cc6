#include "wal_format.h"

#include <cstring>

#include "ember/wal/crc32c.h"

namespace ember::wal {
namespace {

void PutFixed32(uint32_t v, char* out) {
  for (int i = 0; i < 4; ++i) out[i] = static_cast<char>((v >> (8 * i)) & 0xFF);
}

uint32_t GetFixed32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return static_cast<uint32_t>(u[0]) | static_cast<uint32_t>(u[1]) << 8 | static_cast<uint32_t>(u[2]) << 16 |
         static_cast<uint32_t>(u[3]) << 24;
}

}  // namespace

std::string SegmentName(uint32_t segment) {
  std::string digits = std::to_string(segment);
  if (digits.size() >= kSegmentNameWidth) return digits;
  return std::string(kSegmentNameWidth - digits.size(), '0') + digits;
}

std::optional<uint32_t> ParseSegmentName(std::string_view name) {
  if (name.size() != kSegmentNameWidth) return std::nullopt;
  uint32_t v = 0;
  for (char c : name) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint32_t>(c - '0');
  }
  return v;
}

void EncodeRecord(std::string_view payload, std::string* out) {
  char header[kHeaderSize];
  PutFixed32(static_cast<uint32_t>(payload.size()), header);
  uint32_t crc = Crc32cExtend(Crc32c(std::string_view(header, 4)), payload);
  PutFixed32(crc, header + 4);
  out->append(header, kHeaderSize);
  out->append(payload);
}

ScanResult ScanSegment(std::string_view data, const std::function<Status(std::string_view)>& fn) {
  ScanResult result;
  uint64_t pos = 0;
  while (pos < data.size()) {
    if (data.size() - pos < kHeaderSize) {
      result.problem = "short header";
      break;
    }
    const char* header = data.data() + pos;
    uint64_t length = GetFixed32(header);
    if (data.size() - pos - kHeaderSize < length) {
      result.problem = "short payload";
      break;
    }
    std::string_view payload = data.substr(pos + kHeaderSize, length);
    if (Crc32cExtend(Crc32c(std::string_view(header, 4)), payload) != GetFixed32(header + 4)) {
      result.problem = "crc mismatch";
      break;
    }
    pos += kHeaderSize + length;
    result.good_end = pos;
    if (fn) {
      result.callback_status = fn(payload);
      if (!result.callback_status.ok()) break;
    }
  }
  return result;
}

Result<std::vector<uint32_t>> ListSegments(FileSystem& fs, const std::string& dir) {
  std::vector<uint32_t> segments;
  if (!fs.Exists(dir)) return segments;
  EMBER_ASSIGN_OR_RETURN(auto names, fs.ListDir(dir));
  for (const auto& name : names) {
    if (auto n = ParseSegmentName(name)) segments.push_back(*n);
  }
  // ListDir sorts names and the names are fixed-width, so numbers ascend.
  for (size_t i = 1; i < segments.size(); ++i) {
    if (segments[i] != segments[i - 1] + 1) {
      return Status::Corruption("wal " + dir + ": segment " + SegmentName(segments[i - 1] + 1) +
                                " is missing between " + SegmentName(segments[i - 1]) + " and " +
                                SegmentName(segments[i]));
    }
  }
  return segments;
}

}  // namespace ember::wal
