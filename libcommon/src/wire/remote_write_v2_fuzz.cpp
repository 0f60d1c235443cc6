// Feeds arbitrary bytes to the remote write 2.0 decoder; every input must
// either decode or fail with a Status, within the limits, and a decoded
// request must encode and decode again to the same series and metadata. As in
// wire_remote_write_fuzz, an input whose first byte is even is compressed
// first so that the protobuf and symbol-table checks get fuzzed too.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "ember/wire/remote_write.h"
#include "ember/wire/snappy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ember::wire;
  if (size == 0) return 0;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string body = data[0] % 2 == 0 ? SnappyCompress(input) : std::string(input);
  const WriteDecodeLimits limits{.max_compressed_bytes = 1 << 20,
                                 .max_uncompressed_bytes = 4 << 20,
                                 .max_series = 10'000,
                                 .max_samples = 100'000};
  auto decoded = DecodeWriteRequestV2(body, limits);
  if (!decoded.ok()) return 0;
  if (decoded->num_metadata != decoded->metadata.size()) __builtin_trap();
  auto again = EncodeWriteRequestV2(decoded->series, decoded->metadata);
  if (!again.ok()) __builtin_trap();
  auto twice = DecodeWriteRequestV2(*again, {});
  // Metadata whose family has no series comes back on a series of its own.
  if (!twice.ok() || twice->series.size() < decoded->series.size()) __builtin_trap();
  for (size_t i = 0; i < decoded->series.size(); ++i) {
    if (!(twice->series[i].labels == decoded->series[i].labels)) __builtin_trap();
    if (twice->series[i].samples.size() != decoded->series[i].samples.size()) __builtin_trap();
  }
  return 0;
}
