// Feeds arbitrary bytes to every decoder of the store's own formats: WAL
// record payloads, packed labels, chunk keys and chunk values. None may crash
// or read out of bounds; what decodes must encode back to a form that decodes
// to the same thing.
#include <bit>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "encoding.h"
#include "keys.h"
#include "wal_records.h"

using namespace ember;
using namespace ember::tsdb;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);

  std::vector<WalSample> samples;
  if (DecodeWalSamples(in, &samples).ok()) {
    std::string again;
    EncodeWalSamples(samples, static_cast<WalRecordType>(in[0]), &again);
    std::vector<WalSample> back;
    if (!DecodeWalSamples(again, &back).ok() || back.size() != samples.size()) __builtin_trap();
    for (size_t i = 0; i < back.size(); ++i) {
      if (back[i].id != samples[i].id || back[i].t != samples[i].t ||
          std::bit_cast<uint64_t>(back[i].v) != std::bit_cast<uint64_t>(samples[i].v)) {
        __builtin_trap();
      }
    }
  }
  std::vector<WalSeries> series;
  if (DecodeWalSeries(in, &series).ok()) {
    std::string again;
    EncodeWalSeries(series, &again);
    std::vector<WalSeries> back;
    if (!DecodeWalSeries(again, &back).ok() || back.size() != series.size()) __builtin_trap();
  }
  auto labels = UnpackLabels(in);
  // Varints may be padded, so the bytes need not come back the same; the labels must.
  if (labels.ok()) {
    auto again = UnpackLabels(PackLabels(*labels));
    if (!again.ok() || !(*again == *labels)) __builtin_trap();
  }

  ChunkKeyParts key;
  (void)ParseChunkKey(in, &key);
  std::vector<Sample> decoded;
  if (DecodeChunkValue(in, 0, &decoded).ok() && !decoded.empty()) {
    std::vector<Sample> back;
    std::string again = EncodeChunkValue(decoded.data(), decoded.size());
    // Chunk values hold strictly increasing timestamps; others are not re-encodable.
    bool increasing = true;
    for (size_t i = 1; i < decoded.size(); ++i) increasing &= decoded[i - 1].t < decoded[i].t;
    if (increasing && (!DecodeChunkValue(again, decoded[0].t, &back).ok() || back.size() != decoded.size())) {
      __builtin_trap();
    }
  }
  return 0;
}
