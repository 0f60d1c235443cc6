// Fuzz target: replaying an arbitrary byte string as the only segment never
// crashes, cuts the segment to a prefix made of whole good records, and a WAL
// reopened there appends a record that a second replay sees last.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ember/wal/wal.h"
#include "ember/wal/wal_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ember;
  using namespace ember::wal;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto fs = NewMemFileSystem();
  Logger logger(std::make_shared<CapturingLogSink>(), LogLevel::kDebug);
  const std::string dir = "wal";
  const std::string path = JoinPath(dir, "00000001");
  if (!fs->WriteFileAtomically(path, bytes).ok()) std::abort();

  std::vector<std::string> first;
  Status s = ReplayWal(*fs, dir, logger, [&](std::string_view r) {
    first.emplace_back(r);
    return Status::Ok();
  });
  if (!s.ok()) std::abort();  // a lone segment is always the last: never Corruption
  auto cut = fs->FileSize(path);
  if (!cut.ok() || *cut > size || bytes.substr(0, *cut) != fs->ReadFile(path).value()) std::abort();

  WalOptions options;
  options.dir = dir;
  options.sync = SyncMode::kNever;
  std::vector<std::string> second;
  auto wal = Wal::Open(*fs, options, logger, [&](std::string_view r) {
    second.emplace_back(r);
    return Status::Ok();
  });
  if (!wal.ok() || second != first) std::abort();
  if (!(*wal)->Append("fuzz").ok()) std::abort();
  wal->reset();

  std::vector<std::string> third;
  if (!ReplayWal(*fs, dir, logger, [&](std::string_view r) {
         third.emplace_back(r);
         return Status::Ok();
       }).ok())
    std::abort();
  first.push_back("fuzz");
  if (third != first) std::abort();
  return 0;
}
