// Feeds arbitrary bytes to the remote read decoders: the request and the
// SAMPLES response (snappy bodies) and the STREAMED_XOR_CHUNKS frames with the
// ChunkedReadResponse inside each. Every input must decode or fail with a
// Status; what decodes must encode and decode again to the same thing. An
// input whose first byte is even is compressed first so that the protobuf
// checks behind snappy get fuzzed too.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "ember/wire/remote_read.h"
#include "ember/wire/snappy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ember::wire;
  if (size == 0) return 0;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string body = data[0] % 2 == 0 ? SnappyCompress(input) : std::string(input);
  const ReadDecodeLimits limits{.max_compressed_bytes = 1 << 20,
                                .max_uncompressed_bytes = 4 << 20,
                                .max_queries = 100,
                                .max_matchers = 1000};

  if (auto request = DecodeReadRequest(body, limits); request.ok()) {
    auto again = EncodeReadRequest(*request);
    if (!again.ok()) __builtin_trap();
    auto twice = DecodeReadRequest(*again, limits);
    if (!twice.ok() || !(*twice == *request)) __builtin_trap();
  }

  if (auto response = DecodeReadResponse(body, limits); response.ok()) {
    auto again = EncodeReadResponse(*response);
    if (!again.ok()) __builtin_trap();
    auto twice = DecodeReadResponse(*again, limits);
    if (!twice.ok() || twice->size() != response->size()) __builtin_trap();
    for (size_t i = 0; i < response->size(); ++i) {
      if ((*twice)[i].series.size() != (*response)[i].series.size()) __builtin_trap();
      for (size_t j = 0; j < (*response)[i].series.size(); ++j) {
        if (!((*twice)[i].series[j].labels == (*response)[i].series[j].labels)) __builtin_trap();
      }
    }
  }

  ChunkedFrameReader reader(input, 1 << 16);
  for (;;) {
    auto frame = reader.Next();
    if (!frame.ok() || !frame->has_value()) break;
    int64_t query_index = 0;
    auto series = DecodeChunkedReadResponse(**frame, &query_index);
    if (!series.ok()) continue;
    std::string framed;
    AppendChunkedFrame(framed, EncodeChunkedReadResponse(*series, query_index));
    ChunkedFrameReader back(framed, framed.size());
    auto message = back.Next();
    if (!message.ok() || !message->has_value()) __builtin_trap();
    int64_t index_back = -1;
    auto series_back = DecodeChunkedReadResponse(**message, &index_back);
    if (!series_back.ok() || !(*series_back == *series) || index_back != query_index) __builtin_trap();
  }
  return 0;
}
