// Fuzzes the notification-log change log: the input is the last log segment
// of an in-memory directory; opening it never crashes and fails only with a
// Corruption from a record that passed its CRC (which arbitrary input can
// forge); single records decode or are refused.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "ember/base/clock.h"
#include "ember/base/file_system.h"
#include "nflog/nflog.h"
#include "nflog/nflog_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ember;
  using namespace ember::alerter;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto record = DecodeNflogLogRecord(input);
  if (record.ok() && EncodeNflogLogRecord(*record) != input) __builtin_trap();

  auto fs = NewMemFileSystem();
  if (!fs->CreateDirs("d/log").ok() || !fs->WriteFileAtomically("d/log/00000001", input).ok()) return 0;
  ManualClock clock(0);
  NflogOptions options;
  options.data_dir = "d";
  options.sync = wal::SyncMode::kNever;
  auto log = NotificationLog::Open(options, *fs, clock,
                                   Logger(std::make_shared<CapturingLogSink>(), LogLevel::kError), nullptr);
  if (!log.ok() && log.status().code() != StatusCode::kCorruption) __builtin_trap();
  return 0;
}
