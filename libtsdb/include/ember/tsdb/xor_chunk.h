// XOR chunks: the float sample encoding of Prometheus's `chunkenc.XORChunk`.
//
// A chunk is an immutable byte string whose first two bytes count its samples.
// The bytes are the same, bit for bit, as those Prometheus writes for the same
// samples, which remote read's STREAMED_XOR_CHUNKS response requires. The layout
// is documented byte by byte in libtsdb/docs/format/xor_chunk.md.
//
// Thread safety: an XorChunk is immutable and may be read from any number of
// threads. An XorAppender or XorIterator is used by one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ember/base/status.h"
#include "ember/tsdb/sample.h"

namespace ember::tsdb {

// The most samples one chunk can count in its 16-bit header.
inline constexpr size_t kXorChunkMaxSamples = 65535;

// XOR chunks keep values bit for bit, NaN payloads included, so Prometheus's
// stale marker survives a round trip.
using XorSample = Sample;

class XorIterator;

// The encoded bytes of a finished or in-progress chunk.
class XorChunk {
 public:
  // An empty chunk: the two header bytes, counting zero samples.
  XorChunk();

  // Adopts bytes produced elsewhere (by Prometheus, read back from disk). Only
  // the header is checked here; a damaged body is reported by the iterator.
  // Error: Corruption when fewer than the two header bytes are given.
  static Result<XorChunk> FromBytes(std::string bytes);

  // The encoded chunk, header included.
  const std::string& bytes() const { return bytes_; }
  // The sample count the header claims.
  size_t num_samples() const;

  // An iterator over the samples. It views bytes(): this chunk must outlive it.
  XorIterator Iterator() const;

 private:
  friend class XorAppender;
  explicit XorChunk(std::string bytes) : bytes_(std::move(bytes)) {}

  std::string bytes_;
};

// Builds a chunk sample by sample, in increasing time order, writing exactly
// the bits Prometheus's xorAppender writes for the same samples.
class XorAppender {
 public:
  XorAppender();

  // Appends one sample. Errors, which leave the chunk unchanged:
  // InvalidArgument when t is not after the previous sample's timestamp;
  // ResourceExhausted when the chunk already holds kXorChunkMaxSamples.
  Status Append(int64_t t, double v);

  size_t num_samples() const { return num_samples_; }
  // The encoded size so far, header included.
  size_t size_bytes() const { return bytes_.size(); }
  // The encoded bytes so far; the view is invalidated by the next Append.
  std::string_view bytes() const { return std::string_view(bytes_.data(), bytes_.size()); }
  // A copy of the chunk as it is now; appending more later does not change it.
  XorChunk Chunk() const { return XorChunk(std::string(bytes())); }

 private:
  void WriteBits(uint64_t bits, int count);
  void WriteValue(double v);

  // A vector, not a string: libstdc++ strings always grow by doubling, and the
  // head keeps one open chunk per series.
  std::vector<char> bytes_;
  int64_t t_ = 0;
  uint64_t t_delta_ = 0;  // as Prometheus: the last delta, wrapping like Go's uint64
  uint64_t v_bits_ = 0;
  // Small types, packed after the wide ones: 56 bytes in all.
  uint16_t num_samples_ = 0;  // at most kXorChunkMaxSamples
  uint8_t free_bits_ = 0;     // unused low bits of bytes_.back()
  uint8_t leading_ = 0xff;    // 0xff: no leading/trailing-zero window yet
  uint8_t trailing_ = 0;
};

// Decodes a chunk's samples in order. It never reads past the end of the bytes:
// a truncated or malformed chunk stops the iteration with a Corruption status.
//
//   for (auto it = chunk.Iterator(); it.Next();) Use(it.t(), it.v());
//   if (!it.status().ok()) ...
class XorIterator {
 public:
  // Iterates over encoded chunk bytes, header included. The bytes are viewed,
  // not copied: they must outlive the iterator.
  explicit XorIterator(std::string_view chunk_bytes);

  // Moves to the next sample. False at the end of the chunk or on corruption;
  // status() tells them apart.
  bool Next();
  // Moves to the first sample at or after t, staying put when the current one
  // already is (as Prometheus's Seek). False when there is none or on corruption.
  bool Seek(int64_t t);

  // The current sample; meaningful once Next or Seek has returned true. After
  // corruption it stays the last sample decoded whole.
  int64_t t() const { return t_; }
  double v() const;
  XorSample sample() const { return {t_, v()}; }

  // The sample count the header claims, and how many have been decoded.
  size_t num_samples() const { return num_total_; }
  size_t num_read() const { return num_read_; }

  // OK, or Corruption describing where the chunk is damaged.
  const Status& status() const { return status_; }

 private:
  bool ReadBits(int count, uint64_t* out);
  bool ReadVarintByte(uint8_t* out);
  bool ReadUvarint(uint64_t* out);
  bool ReadTimestampDelta();
  bool ReadValue();
  bool Fail(std::string_view what);

  std::string_view data_;  // the body, after the header
  size_t bit_pos_ = 0;
  size_t num_total_ = 0;
  size_t num_read_ = 0;
  int64_t t_ = 0;
  uint64_t t_delta_ = 0;
  uint64_t v_bits_ = 0;
  uint8_t leading_ = 0;  // as Prometheus's iterator: a window of 0/0 until one is read
  uint8_t trailing_ = 0;
  Status status_;
};

// Decodes every sample of a chunk. Error: Corruption as XorIterator reports it.
Result<std::vector<XorSample>> DecodeXorChunk(std::string_view chunk_bytes);

}  // namespace ember::tsdb
