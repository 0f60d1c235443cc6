// Remote read bodies: a snappy-compressed prometheus.ReadRequest, answered
// either by one snappy-compressed ReadResponse (SAMPLES) or by a stream of
// framed ChunkedReadResponse messages (STREAMED_XOR_CHUNKS).
//
// These functions convert between those forms and Ember's own types. All
// functions are pure and thread-safe; a ChunkedFrameReader is a cursor, to be
// used by one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ember/base/labels.h"
#include "ember/base/status.h"
#include "ember/wire/remote_write.h"

namespace ember::wire {

// One label matcher of a query; types numbered as on the wire.
struct WireMatcher {
  enum class Type { kEq = 0, kNeq = 1, kRe = 2, kNre = 3 };
  Type type = Type::kEq;
  std::string name;
  std::string value;

  friend bool operator==(const WireMatcher&, const WireMatcher&) = default;
};

// What the querying engine will do with the data; a store may use it to skip
// work. Times in milliseconds.
struct ReadHintsData {
  int64_t step_ms = 0;
  std::string func;
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  std::vector<std::string> grouping;
  bool by = false;
  int64_t range_ms = 0;

  friend bool operator==(const ReadHintsData&, const ReadHintsData&) = default;
};

// One query: series matching all `matchers` over [start_ms, end_ms].
struct ReadQuery {
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  std::vector<WireMatcher> matchers;
  ReadHintsData hints;

  friend bool operator==(const ReadQuery&, const ReadQuery&) = default;
};

enum class ReadResponseType { kSamples = 0, kStreamedXorChunks = 1 };

struct ReadRequestData {
  std::vector<ReadQuery> queries;
  // In the client's order of preference; empty means SAMPLES only.
  std::vector<ReadResponseType> accepted_response_types;

  friend bool operator==(const ReadRequestData&, const ReadRequestData&) = default;
};

// Bounds applied while decoding untrusted remote read bodies.
struct ReadDecodeLimits {
  // Largest compressed body accepted. Unit: bytes. Default: 32 MiB.
  size_t max_compressed_bytes = size_t{32} << 20;
  // Largest uncompressed protobuf accepted. Unit: bytes. Default: 128 MiB.
  size_t max_uncompressed_bytes = size_t{128} << 20;
  // Most queries in one request. Default: 1000.
  size_t max_queries = 1000;
  // Most label matchers over all queries of one request. Default: 1000.
  size_t max_matchers = 1000;
};

// Decodes a snappy-compressed ReadRequest. Response types this build does not
// know are dropped. Errors (nothing is returned on error):
// - ResourceExhausted: a size in `limits` is exceeded (the message names it);
// - InvalidArgument: not snappy ("snappy: ..."), not a ReadRequest
//   ("protobuf: ..."), or a matcher of unknown type (named by query and index).
Result<ReadRequestData> DecodeReadRequest(std::string_view snappy_body, const ReadDecodeLimits& limits = {});

// Encodes `request` as a snappy-compressed ReadRequest. Errors: InvalidArgument
// when the message would exceed protobuf's 2 GiB limit.
Result<std::string> EncodeReadRequest(const ReadRequestData& request);

// The SAMPLES answer to one query.
struct ReadQueryResult {
  std::vector<WriteSeries> series;
};

// Encodes one result per query, in query order, as a snappy-compressed
// ReadResponse. Errors: InvalidArgument when the message would exceed
// protobuf's 2 GiB limit.
Result<std::string> EncodeReadResponse(std::span<const ReadQueryResult> results);

// Decodes a snappy-compressed ReadResponse (for clients). Labels come back
// sorted. Errors: ResourceExhausted when a byte size in `limits` is exceeded;
// InvalidArgument when it is not snappy ("snappy: ..."), not a ReadResponse
// ("protobuf: ..."), or a series has no labels, an empty label name or a name
// given twice (named by result and series index). `max_queries` bounds the
// number of results; `max_matchers` is not used.
Result<std::vector<ReadQueryResult>> DecodeReadResponse(std::string_view snappy_body,
                                                        const ReadDecodeLimits& limits = {});

// Samples of one series over [min_time_ms, max_time_ms], as one Prometheus XOR
// chunk (the bytes of tsdb's chunkenc XOR encoding, wire encoding XOR = 1).
struct WireChunk {
  int64_t min_time_ms = 0;
  int64_t max_time_ms = 0;
  std::string data;

  friend bool operator==(const WireChunk&, const WireChunk&) = default;
};

struct ChunkedSeriesData {
  Labels labels;
  std::vector<WireChunk> chunks;

  friend bool operator==(const ChunkedSeriesData&, const ChunkedSeriesData&) = default;
};

// Serialises one ChunkedReadResponse message (not framed, not compressed):
// `series` with their chunks marked XOR, for the query at `query_index`.
std::string EncodeChunkedReadResponse(std::span<const ChunkedSeriesData> series, int64_t query_index);

// Parses one ChunkedReadResponse message and stores its query index in
// `*query_index` (when not null). Labels come back sorted. Errors:
// InvalidArgument when it is not a ChunkedReadResponse ("protobuf: ...") or a
// series has no labels, an empty label name or a name given twice;
// Unimplemented when a chunk is not XOR-encoded (native histogram chunks).
Result<std::vector<ChunkedSeriesData>> DecodeChunkedReadResponse(std::string_view message,
                                                                 int64_t* query_index);

// Appends one frame of the STREAMED_XOR_CHUNKS stream to `out`, as
// Prometheus's ChunkedWriter writes it: uvarint(message size), the CRC-32C
// (Castagnoli) of the message as a big-endian uint32, then the message.
void AppendChunkedFrame(std::string& out, std::string_view message);

// Reads the frames AppendChunkedFrame writes back out of a buffer. The views
// Next returns point into `data`, which must outlive them.
class ChunkedFrameReader {
 public:
  // `max_frame_bytes`: the largest message accepted (unit: bytes).
  ChunkedFrameReader(std::string_view data, size_t max_frame_bytes);

  // The next frame's message, or nullopt when the buffer ends cleanly after a
  // frame. Errors: Corruption when a frame is truncated, its size is not a
  // valid uvarint or its CRC does not match; ResourceExhausted when its size
  // exceeds max_frame_bytes. After an error every later call returns it again.
  Result<std::optional<std::string_view>> Next();

  // Bytes consumed so far (frames returned, headers included).
  size_t offset() const { return offset_; }

 private:
  std::string_view data_;
  size_t max_frame_bytes_;
  size_t offset_ = 0;
  Status error_;
};

}  // namespace ember::wire
