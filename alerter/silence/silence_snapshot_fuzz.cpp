// Fuzzes the silence snapshot decoder: any file is read or refused with a
// Status; a decoded payload encodes back to itself.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "silence/silence_codec.h"
#include "silence/state_files.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ember::alerter;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  (void)DecodeSilenceSnapshot(input);
  auto frame = UnframeSnapshot(kSilenceSnapshotMagic, input);
  if (!frame.ok()) return 0;
  auto silences = DecodeSilenceSnapshot(frame->payload);
  if (silences.ok() && EncodeSilenceSnapshot(*silences) != frame->payload) __builtin_trap();
  return 0;
}
