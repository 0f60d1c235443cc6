// Fuzz target: decoding arbitrary bytes as an XOR chunk never reads out of
// bounds and fails only with Corruption; whatever decodes, re-encodes to a
// chunk that decodes to the same samples bit for bit, and re-encoding that is
// stable (the encoder is a function of the samples alone).
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "ember/tsdb/xor_chunk.h"

namespace {

using ember::tsdb::DecodeXorChunk;
using ember::tsdb::XorAppender;
using ember::tsdb::XorSample;

bool SameSamples(const std::vector<XorSample>& a, const std::vector<XorSample>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].t != b[i].t || std::bit_cast<uint64_t>(a[i].v) != std::bit_cast<uint64_t>(b[i].v)) return false;
  }
  return true;
}

std::string Encode(const std::vector<XorSample>& samples) {
  XorAppender app;
  for (const XorSample& s : samples) {
    if (!app.Append(s.t, s.v).ok()) std::abort();
  }
  return std::string(app.bytes());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto decoded = DecodeXorChunk(bytes);
  if (!decoded.ok()) {
    if (decoded.status().code() != ember::StatusCode::kCorruption) std::abort();
    return 0;
  }
  // Prometheus's format does not forbid time going backwards, but our
  // appender refuses it; only increasing series can be re-encoded.
  for (size_t i = 1; i < decoded->size(); ++i) {
    if ((*decoded)[i].t <= (*decoded)[i - 1].t) return 0;
  }
  const std::string encoded = Encode(*decoded);
  auto again = DecodeXorChunk(encoded);
  if (!again.ok() || !SameSamples(*decoded, *again)) std::abort();
  if (Encode(*again) != encoded) std::abort();
  return 0;
}
