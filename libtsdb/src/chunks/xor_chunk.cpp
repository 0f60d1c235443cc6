// The XOR chunk codec. Field by field the layout is in
// libtsdb/docs/format/xor_chunk.md; the comments here say why the code takes
// the shape it does.
#include "ember/tsdb/xor_chunk.h"

#include <bit>
#include <cstring>

namespace ember::tsdb {
namespace {

constexpr size_t kHeaderBytes = 2;
constexpr size_t kMaxVarintBytes = 10;

// Timestamp delta-of-delta buckets after the second sample: a prefix of ones
// closed by a zero, then a two's-complement payload. Prometheus's ranges are
// asymmetric, [-(2^(n-1) - 1), 2^(n-1)], and the decoder undoes that by
// treating payloads above 2^(n-1) as negative; both sides must agree exactly.
struct DodBucket {
  uint64_t prefix;
  int prefix_bits;
  int payload_bits;
};
constexpr DodBucket kDodBuckets[] = {{0b10, 2, 14}, {0b110, 3, 17}, {0b1110, 4, 20}};
constexpr uint64_t kDodWidePrefix = 0b1111;  // then the 64-bit delta-of-delta

bool FitsBucket(int64_t dod, int bits) {
  const int64_t half = int64_t{1} << (bits - 1);
  return -(half - 1) <= dod && dod <= half;
}

// Leading zeros are written in 5 bits, so a window never starts below bit 31.
constexpr int kMaxLeading = 31;

uint16_t ReadHeader(std::string_view bytes) {
  return static_cast<uint16_t>((static_cast<uint8_t>(bytes[0]) << 8) | static_cast<uint8_t>(bytes[1]));
}

}  // namespace

XorChunk::XorChunk() : bytes_(kHeaderBytes, '\0') {}

Result<XorChunk> XorChunk::FromBytes(std::string bytes) {
  if (bytes.size() < kHeaderBytes) {
    return Status::Corruption("xor chunk: " + std::to_string(bytes.size()) +
                              " bytes, shorter than its 2-byte header");
  }
  return XorChunk(std::move(bytes));
}

size_t XorChunk::num_samples() const { return ReadHeader(bytes_); }

XorIterator XorChunk::Iterator() const { return XorIterator(bytes_); }

// ---------------------------------------------------------------------------

XorAppender::XorAppender() : bytes_(kHeaderBytes, '\0') { bytes_.reserve(32); }

void XorAppender::WriteBits(uint64_t bits, int count) {
  // Most significant bit first: the rest of the last byte, then whole bytes,
  // then the start of a new one.
  if (count < 64) bits &= (uint64_t{1} << count) - 1;
  // A head holds one open chunk per series: growing by a quarter instead of
  // doubling keeps the unused tail of every buffer small.
  if (bytes_.size() + 9 > bytes_.capacity()) bytes_.reserve(bytes_.capacity() + bytes_.capacity() / 4 + 16);
  if (free_bits_ > 0) {
    const int take = count < free_bits_ ? count : static_cast<int>(free_bits_);
    const auto chunk = static_cast<uint8_t>(bits >> (count - take));
    bytes_.back() = static_cast<char>(static_cast<uint8_t>(bytes_.back()) | (chunk << (free_bits_ - take)));
    free_bits_ = static_cast<uint8_t>(free_bits_ - take);
    count -= take;
  }
  while (count >= 8) {
    count -= 8;
    bytes_.push_back(static_cast<char>(static_cast<uint8_t>(bits >> count)));
  }
  if (count > 0) {
    bytes_.push_back(static_cast<char>(static_cast<uint8_t>(bits << (8 - count))));
    free_bits_ = static_cast<uint8_t>(8 - count);
  }
}

void XorAppender::WriteValue(double v) {
  const uint64_t bits = std::bit_cast<uint64_t>(v);
  const uint64_t delta = bits ^ v_bits_;
  v_bits_ = bits;
  if (delta == 0) {
    WriteBits(0, 1);
    return;
  }
  int leading = std::countl_zero(delta);
  const int trailing = std::countr_zero(delta);
  if (leading > kMaxLeading) leading = kMaxLeading;
  // Reusing the previous window costs no header but may carry zero bits it
  // did not need; Prometheus reuses it whenever the new bits fit, and so must we.
  if (leading_ != 0xff && leading >= leading_ && trailing >= trailing_) {
    WriteBits(0b10, 2);
    WriteBits(delta >> trailing_, 64 - leading_ - trailing_);
    return;
  }
  leading_ = static_cast<uint8_t>(leading);
  trailing_ = static_cast<uint8_t>(trailing);
  const int significant = 64 - leading - trailing;
  WriteBits(0b11, 2);
  WriteBits(static_cast<uint64_t>(leading), 5);
  // 64 significant bits do not fit in 6 bits and are written as 0, which can
  // mean nothing else: a zero delta took the one-bit path above.
  WriteBits(static_cast<uint64_t>(significant & 63), 6);
  WriteBits(delta >> trailing, significant);
}

Status XorAppender::Append(int64_t t, double v) {
  if (num_samples_ >= kXorChunkMaxSamples) {
    return Status::ResourceExhausted("xor chunk: full at " + std::to_string(kXorChunkMaxSamples) +
                                     " samples");
  }
  if (num_samples_ > 0 && t <= t_) {
    return Status::InvalidArgument("xor chunk: sample at " + std::to_string(t) +
                                   " ms is not after the previous one at " + std::to_string(t_) + " ms");
  }
  // Deltas are computed in uint64 so that timestamps far apart (the whole int64
  // range) wrap the way Go's arithmetic does instead of overflowing.
  const uint64_t t_delta = static_cast<uint64_t>(t) - static_cast<uint64_t>(t_);
  if (num_samples_ == 0) {
    // Zig-zag varint, then the raw value bits.
    uint64_t zigzag = (static_cast<uint64_t>(t) << 1) ^ static_cast<uint64_t>(t >> 63);
    while (zigzag >= 0x80) {
      WriteBits((zigzag & 0x7f) | 0x80, 8);
      zigzag >>= 7;
    }
    WriteBits(zigzag, 8);
    v_bits_ = std::bit_cast<uint64_t>(v);
    WriteBits(v_bits_, 64);
  } else if (num_samples_ == 1) {
    uint64_t delta = t_delta;
    while (delta >= 0x80) {
      WriteBits((delta & 0x7f) | 0x80, 8);
      delta >>= 7;
    }
    WriteBits(delta, 8);
    WriteValue(v);
  } else {
    const auto dod = static_cast<int64_t>(t_delta - t_delta_);
    if (dod == 0) {
      WriteBits(0, 1);
    } else {
      bool written = false;
      for (const DodBucket& bucket : kDodBuckets) {
        if (FitsBucket(dod, bucket.payload_bits)) {
          WriteBits(bucket.prefix, bucket.prefix_bits);
          WriteBits(static_cast<uint64_t>(dod) & ((uint64_t{1} << bucket.payload_bits) - 1),
                    bucket.payload_bits);
          written = true;
          break;
        }
      }
      if (!written) {
        WriteBits(kDodWidePrefix, 4);
        WriteBits(static_cast<uint64_t>(dod), 64);
      }
    }
    WriteValue(v);
  }
  t_ = t;
  t_delta_ = t_delta;
  ++num_samples_;
  bytes_[0] = static_cast<char>(num_samples_ >> 8);
  bytes_[1] = static_cast<char>(num_samples_ & 0xff);
  return Status::Ok();
}

// ---------------------------------------------------------------------------

XorIterator::XorIterator(std::string_view chunk_bytes) {
  if (chunk_bytes.size() < kHeaderBytes) {
    status_ = Status::Corruption("xor chunk: " + std::to_string(chunk_bytes.size()) +
                                 " bytes, shorter than its 2-byte header");
    return;
  }
  num_total_ = ReadHeader(chunk_bytes);
  data_ = chunk_bytes.substr(kHeaderBytes);
}

double XorIterator::v() const { return std::bit_cast<double>(v_bits_); }

bool XorIterator::Fail(std::string_view what) {
  status_ = Status::Corruption("xor chunk: sample " + std::to_string(num_read_ + 1) + " of " +
                               std::to_string(num_total_) + ": " + std::string(what));
  return false;
}

bool XorIterator::ReadBits(int count, uint64_t* out) {
  // The bound is checked once, up front, so nothing below reads past data_.
  if (bit_pos_ + static_cast<size_t>(count) > data_.size() * 8) return false;
  uint64_t result = 0;
  while (count > 0) {
    const auto byte = static_cast<uint8_t>(data_[bit_pos_ >> 3]);
    const int available = 8 - static_cast<int>(bit_pos_ & 7);
    const int take = count < available ? count : available;
    const uint64_t bits = (byte >> (available - take)) & ((1u << take) - 1);
    result = (result << take) | bits;
    bit_pos_ += static_cast<size_t>(take);
    count -= take;
  }
  *out = result;
  return true;
}

bool XorIterator::ReadUvarint(uint64_t* out) {
  // As Go's binary.ReadUvarint: at most 10 bytes, the tenth holding one bit.
  uint64_t result = 0;
  for (size_t i = 0; i < kMaxVarintBytes; ++i) {
    uint64_t byte = 0;
    if (!ReadBits(8, &byte)) return Fail("truncated varint timestamp");
    if (byte < 0x80) {
      if (i == kMaxVarintBytes - 1 && byte > 1) return Fail("varint timestamp overflows 64 bits");
      *out = result | (byte << (7 * i));
      return true;
    }
    result |= (byte & 0x7f) << (7 * i);
  }
  return Fail("varint timestamp overflows 64 bits");
}

bool XorIterator::ReadTimestampDelta() {
  // The prefix is up to four bits: ones closed by a zero, or four ones.
  int ones = 0;
  while (ones < 4) {
    uint64_t bit = 0;
    if (!ReadBits(1, &bit)) return Fail("truncated timestamp");
    if (bit == 0) break;
    ++ones;
  }
  int64_t dod = 0;
  if (ones == 4) {
    uint64_t bits = 0;
    if (!ReadBits(64, &bits)) return Fail("truncated timestamp");
    dod = static_cast<int64_t>(bits);
  } else if (ones > 0) {
    const int width = kDodBuckets[ones - 1].payload_bits;
    uint64_t bits = 0;
    if (!ReadBits(width, &bits)) return Fail("truncated timestamp");
    // Payloads above 2^(width-1) are negative (see FitsBucket).
    if (bits > (uint64_t{1} << (width - 1))) bits -= uint64_t{1} << width;
    dod = static_cast<int64_t>(bits);
  }
  t_delta_ += static_cast<uint64_t>(dod);
  t_ = static_cast<int64_t>(static_cast<uint64_t>(t_) + t_delta_);
  return true;
}

bool XorIterator::ReadValue() {
  uint64_t bit = 0;
  if (!ReadBits(1, &bit)) return Fail("truncated value");
  if (bit == 0) return true;  // the same value again
  if (!ReadBits(1, &bit)) return Fail("truncated value");
  if (bit == 1) {
    uint64_t leading = 0;
    uint64_t significant = 0;
    if (!ReadBits(5, &leading) || !ReadBits(6, &significant)) return Fail("truncated value");
    if (significant == 0) significant = 64;
    // Prometheus never writes such a window; Go would shift the bits out of
    // the value, C++ would be undefined: call it corruption.
    if (leading + significant > 64) {
      return Fail("value window of " + std::to_string(leading) + " leading and " +
                  std::to_string(significant) + " significant bits exceeds 64");
    }
    leading_ = static_cast<uint8_t>(leading);
    trailing_ = static_cast<uint8_t>(64 - leading - significant);
  }
  uint64_t bits = 0;
  if (!ReadBits(64 - leading_ - trailing_, &bits)) return Fail("truncated value");
  v_bits_ ^= bits << trailing_;
  return true;
}

bool XorIterator::Next() {
  if (!status_.ok() || num_read_ == num_total_) return false;
  // On damage the last good sample stays current rather than a half-decoded one.
  const int64_t last_t = t_;
  const uint64_t last_v_bits = v_bits_;
  bool ok = true;
  if (num_read_ == 0) {
    uint64_t zigzag = 0;
    ok = ReadUvarint(&zigzag);
    t_ = static_cast<int64_t>((zigzag >> 1) ^ (~(zigzag & 1) + 1));
    if (ok && !ReadBits(64, &v_bits_)) ok = Fail("truncated value");
  } else if (num_read_ == 1) {
    ok = ReadUvarint(&t_delta_);
    t_ = static_cast<int64_t>(static_cast<uint64_t>(t_) + t_delta_);
    ok = ok && ReadValue();
  } else {
    ok = ReadTimestampDelta() && ReadValue();
  }
  if (!ok) {
    t_ = last_t;
    v_bits_ = last_v_bits;
    return false;
  }
  ++num_read_;
  return true;
}

bool XorIterator::Seek(int64_t t) {
  while (num_read_ == 0 || t_ < t) {
    if (!Next()) return false;
  }
  return status_.ok();
}

Result<std::vector<XorSample>> DecodeXorChunk(std::string_view chunk_bytes) {
  XorIterator it(chunk_bytes);
  std::vector<XorSample> samples;
  samples.reserve(it.num_samples());
  while (it.Next()) samples.push_back(it.sample());
  if (!it.status().ok()) return it.status();
  return samples;
}

}  // namespace ember::tsdb
