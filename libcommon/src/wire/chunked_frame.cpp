// Framing of the STREAMED_XOR_CHUNKS remote read answer. Byte layout of one
// frame (Prometheus storage/remote/chunked.go):
//   uvarint  size of the message
//   4 bytes  CRC-32C (Castagnoli) of the message, big-endian
//   size     the message (a ChunkedReadResponse)
#include <string>

#include "ember/wal/crc32c.h"
#include "ember/wire/remote_read.h"
#include "varint.h"

namespace ember::wire {

void AppendChunkedFrame(std::string& out, std::string_view message) {
  internal::AppendUvarint(out, message.size());
  const uint32_t crc = wal::Crc32c(message);
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((crc >> shift) & 0xff));
  out.append(message);
}

ChunkedFrameReader::ChunkedFrameReader(std::string_view data, size_t max_frame_bytes)
    : data_(data), max_frame_bytes_(max_frame_bytes) {}

Result<std::optional<std::string_view>> ChunkedFrameReader::Next() {
  if (!error_.ok()) return error_;
  if (offset_ == data_.size()) return std::optional<std::string_view>();
  size_t pos = offset_;
  uint64_t size = 0;
  if (!internal::ReadUvarint(data_, &pos, &size)) {
    error_ = Status::Corruption("chunked frame at offset " + std::to_string(offset_) +
                                ": truncated or invalid size varint");
    return error_;
  }
  if (size > max_frame_bytes_) {
    error_ = Status::ResourceExhausted("chunked frame at offset " + std::to_string(offset_) + " of " +
                                       std::to_string(size) + " bytes exceeds the limit of " +
                                       std::to_string(max_frame_bytes_));
    return error_;
  }
  if (data_.size() - pos < 4 || data_.size() - pos - 4 < size) {
    error_ = Status::Corruption("chunked frame at offset " + std::to_string(offset_) + ": truncated (" +
                                std::to_string(size) + " bytes announced, " +
                                std::to_string(data_.size() - pos) + " left with the checksum)");
    return error_;
  }
  uint32_t want = 0;
  for (int i = 0; i < 4; ++i) want = (want << 8) | static_cast<uint8_t>(data_[pos + static_cast<size_t>(i)]);
  pos += 4;
  const std::string_view message = data_.substr(pos, size);
  if (const uint32_t got = wal::Crc32c(message); got != want) {
    error_ = Status::Corruption("chunked frame at offset " + std::to_string(offset_) + ": CRC mismatch");
    return error_;
  }
  offset_ = pos + size;
  return std::optional<std::string_view>(message);
}

}  // namespace ember::wire
