// Fuzzes the notification-log snapshot decoder: any file is read or refused
// with a Status; a decoded payload encodes back to itself.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "nflog/nflog_codec.h"
#include "silence/state_files.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ember::alerter;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  (void)DecodeNflogSnapshot(input);
  auto frame = UnframeSnapshot(kNflogSnapshotMagic, input);
  if (!frame.ok()) return 0;
  auto entries = DecodeNflogSnapshot(frame->payload);
  if (entries.ok() && EncodeNflogSnapshot(*entries) != frame->payload) __builtin_trap();
  return 0;
}
