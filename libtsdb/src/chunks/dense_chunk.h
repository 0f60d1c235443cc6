// Dense chunks: the at-rest encoding of float samples in the series store.
//
// Unlike an XOR chunk, whose bytes must match Prometheus's, a dense chunk is
// private to Ember and is written once, when a chunk is persisted, so the
// encoder can look at all samples before choosing how to write them. Values
// that are decimals with few digits (counters, byte counts, temperatures,
// 0/1 states) become integers packed in a few bits each; anything else falls
// back to an XOR stream or raw bits, so every double, NaN payloads included,
// round-trips bit for bit. The layout is documented byte by byte in
// libtsdb/docs/format/dense_chunk.md.
//
// Thread safety: the functions keep no state and may be called from any
// number of threads at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ember/base/status.h"
#include "ember/tsdb/sample.h"

namespace ember::tsdb {

// The most samples one dense chunk holds.
inline constexpr size_t kDenseChunkMaxSamples = 65535;

// Encodes samples into a dense chunk.
// Precondition: 1 to kDenseChunkMaxSamples samples, timestamps strictly
// increasing (asserted in debug builds). A release build given other input
// writes bytes that DecodeDenseChunk rejects as Corruption.
std::string EncodeDenseChunk(std::span<const Sample> samples);

// Appends the samples of a dense chunk to *out, values bit for bit as encoded.
// Error: Corruption when the bytes are not a chunk EncodeDenseChunk could have
// written (truncated, trailing bytes, a field out of range, timestamps that do
// not increase); *out is then left as it was. Whatever the input, nothing is
// read outside `data` and at most kDenseChunkMaxSamples samples are allocated.
Status DecodeDenseChunk(std::string_view data, std::vector<Sample>* out);

// The sample count, the first and the last timestamp, read from the header
// alone without decoding the body. Error: Corruption when the header is
// truncated or out of range; a valid header over a damaged body is reported
// only by DecodeDenseChunk.
Result<size_t> DenseChunkNumSamples(std::string_view data);
Result<int64_t> DenseChunkMinTime(std::string_view data);
Result<int64_t> DenseChunkMaxTime(std::string_view data);

}  // namespace ember::tsdb
