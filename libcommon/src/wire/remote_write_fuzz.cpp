// Feeds arbitrary bytes to the remote write decoder; every input must either
// decode or fail with a Status, within the limits, and a decoded request must
// encode and decode again to the same series. The hand-written decoder must
// also agree with the one built on the generated protobuf classes: the same
// error, or the same series, samples (bit for bit), counts and metadata.
// Random bytes rarely make a valid snappy block, so an input whose first byte
// is even is compressed first: the protobuf and label checks behind snappy
// get fuzzed too.
#include <bit>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "ember/wire/remote_write.h"
#include "ember/wire/snappy.h"
#include "write_request_protobuf.h"

namespace {

bool SameRequest(const ember::wire::WriteRequestData& a, const ember::wire::WriteRequestData& b) {
  if (a.series.size() != b.series.size() || a.metadata != b.metadata || a.num_samples != b.num_samples ||
      a.num_histograms != b.num_histograms || a.num_exemplars != b.num_exemplars ||
      a.num_metadata != b.num_metadata) {
    return false;
  }
  for (size_t i = 0; i < a.series.size(); ++i) {
    if (!(a.series[i].labels == b.series[i].labels)) return false;
    if (a.series[i].samples.size() != b.series[i].samples.size()) return false;
    for (size_t j = 0; j < a.series[i].samples.size(); ++j) {
      if (a.series[i].samples[j].t != b.series[i].samples[j].t ||
          std::bit_cast<uint64_t>(a.series[i].samples[j].v) !=
              std::bit_cast<uint64_t>(b.series[i].samples[j].v)) {
        return false;
      }
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ember::wire;
  if (size == 0) return 0;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string body = data[0] % 2 == 0 ? SnappyCompress(input) : std::string(input);
  const WriteDecodeLimits limits{.max_compressed_bytes = 1 << 20,
                                 .max_uncompressed_bytes = 4 << 20,
                                 .max_series = 10'000,
                                 .max_samples = 100'000};
  auto decoded = DecodeWriteRequest(body, limits);
  auto reference = internal::DecodeWriteRequestWithProtobuf(body, limits);
  if (decoded.ok() != reference.ok()) __builtin_trap();
  if (!decoded.ok()) {
    if (!(decoded.status() == reference.status())) __builtin_trap();
    return 0;
  }
  if (!SameRequest(*decoded, *reference)) __builtin_trap();
  auto again = EncodeWriteRequest(decoded->series, decoded->metadata);
  if (!again.ok()) __builtin_trap();
  auto twice = DecodeWriteRequest(*again, {});
  if (!twice.ok() ||
      !SameRequest(*twice, WriteRequestData{decoded->series, decoded->metadata, decoded->num_samples, 0, 0,
                                            decoded->num_metadata})) {
    __builtin_trap();
  }
  return 0;
}
