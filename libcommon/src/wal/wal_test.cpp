#include "ember/wal/wal.h"

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <unistd.h>

#include <catch2/catch.hpp>

#include "ember/wal/wal_reader.h"

namespace ember::wal {
namespace {

constexpr char kDir[] = "data/wal";

std::vector<std::string> RandomRecords(size_t n, uint32_t seed, size_t max_len = 200) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<size_t> len(0, max_len);
  std::uniform_int_distribution<int> byte(0, 255);
  std::vector<std::string> out;
  for (size_t i = 0; i < n; ++i) {
    std::string r(len(rng), '\0');
    for (auto& c : r) c = static_cast<char>(byte(rng));
    out.push_back(std::move(r));
  }
  return out;
}

struct Fixture {
  std::unique_ptr<FileSystem> fs = NewMemFileSystem();
  std::shared_ptr<CapturingLogSink> sink = std::make_shared<CapturingLogSink>();
  ManualClock clock{0};
  Logger logger{sink, LogLevel::kDebug, &clock};

  WalOptions Options(uint64_t segment_size = 1024) const {
    WalOptions o;
    o.dir = kDir;
    o.segment_size_bytes = segment_size;
    o.sync = SyncMode::kNever;
    return o;
  }

  std::unique_ptr<Wal> Open(uint64_t segment_size = 1024, std::vector<std::string>* replayed = nullptr) {
    auto wal = Wal::Open(*fs, Options(segment_size), logger, [&](std::string_view r) {
      if (replayed) replayed->emplace_back(r);
      return Status::Ok();
    });
    REQUIRE(wal.ok());
    return std::move(wal).value();
  }

  void Write(const std::vector<std::string>& records, uint64_t segment_size = 1024) {
    auto wal = Open(segment_size);
    for (const auto& r : records) REQUIRE(wal->Append(r).ok());
    REQUIRE(wal->Close().ok());
  }

  Result<std::vector<std::string>> Replay() {
    std::vector<std::string> out;
    Status s = ReplayWal(*fs, kDir, logger, [&](std::string_view r) {
      out.emplace_back(r);
      return Status::Ok();
    });
    if (!s.ok()) return s;
    return out;
  }

  std::vector<std::string> Segments() { return fs->ListDir(kDir).value(); }
  std::string Path(const std::string& name) const { return JoinPath(kDir, name); }
};

// "00000042" for 42.
std::string Name(uint32_t segment) {
  std::string digits = std::to_string(segment);
  return std::string(8 - digits.size(), '0') + digits;
}

std::vector<std::string> Concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

TEST_CASE("Records round-trip across several segments") {
  Fixture f;
  auto records = RandomRecords(2000, 1);
  f.Write(records);
  auto segments = f.Segments();
  REQUIRE(segments.size() > 10);
  CHECK(segments.front() == "00000001");
  for (size_t i = 0; i + 1 < segments.size(); ++i) {
    uint64_t size = f.fs->FileSize(f.Path(segments[i])).value();
    CHECK(size >= 1024);
    CHECK(size < 1024 + 8 + 200);  // past the limit by at most one record
  }
  auto replayed = f.Replay();
  REQUIRE(replayed.ok());
  CHECK(*replayed == records);
  CHECK(f.sink->Lines().empty());
}

TEST_CASE("A batch is written in order, rolling segments inside the batch") {
  Fixture f;
  auto records = RandomRecords(300, 2);
  std::vector<std::string_view> views(records.begin(), records.end());
  {
    auto wal = f.Open();
    REQUIRE(wal->AppendBatch(std::span<const std::string_view>(views).first(100)).ok());
    REQUIRE(wal->AppendBatch(std::span<const std::string_view>(views).subspan(100)).ok());
    REQUIRE(wal->AppendBatch({}).ok());
    CHECK(wal->CurrentSegment() > 1);
  }
  CHECK(f.Replay().value() == records);
}

TEST_CASE("Records larger than the segment size get a segment each") {
  Fixture f;
  auto records = RandomRecords(5, 3, 5000);
  f.Write(records, 100);
  CHECK(f.Replay().value() == records);
}

TEST_CASE("Reopening appends after the existing records") {
  Fixture f;
  auto first = RandomRecords(500, 4);
  auto second = RandomRecords(500, 5);
  f.Write(first);
  std::vector<std::string> replayed;
  {
    auto wal = f.Open(1024, &replayed);
    CHECK(replayed == first);
    for (const auto& r : second) REQUIRE(wal->Append(r).ok());
  }
  CHECK(f.Replay().value() == Concat(first, second));
}

TEST_CASE("Reopening a fresh directory starts at segment 1 and ignores other files") {
  Fixture f;
  REQUIRE(f.fs->WriteFileAtomically(f.Path("checkpoint.00000003"), "not a segment").ok());
  auto wal = f.Open();
  CHECK(wal->CurrentSegment() == 1);
  REQUIRE(wal->Append("x").ok());
  CHECK(f.Replay().value() == std::vector<std::string>{"x"});
}

// Builds a WAL whose last segment ends with `last`, and returns the records
// before it and the offset where `last` starts in the last segment.
struct TornSetup {
  std::vector<std::string> before;
  std::string last_segment;
  uint64_t last_start = 0;
  uint64_t last_end = 0;
};

TornSetup BuildForTear(Fixture& f) {
  TornSetup t;
  t.before = RandomRecords(40, 6, 100);
  {
    // 36 records over several segments, then 4 (at most 432 bytes) that stay
    // in the last segment with the record to be torn.
    auto wal = f.Open(512);
    for (size_t i = 0; i < 36; ++i) REQUIRE(wal->Append(t.before[i]).ok());
    REQUIRE(wal->StartNewSegment().ok());
    for (size_t i = 36; i < 40; ++i) REQUIRE(wal->Append(t.before[i]).ok());
    t.last_segment = Name(wal->CurrentSegment());
    REQUIRE(t.last_segment != "00000001");
    t.last_start = f.fs->FileSize(f.Path(t.last_segment)).value();
    REQUIRE(wal->Append("the last record, which the crash tears").ok());
  }
  REQUIRE(f.Segments().back() == t.last_segment);
  t.last_end = f.fs->FileSize(f.Path(t.last_segment)).value();
  REQUIRE(t.last_end == t.last_start + 8 + 38);
  return t;
}

void CheckCutAndRecovery(Fixture& f, const TornSetup& t, const std::string& reason, uint64_t size_at_tear) {
  auto replayed = f.Replay();
  REQUIRE(replayed.ok());
  CHECK(*replayed == t.before);
  if (size_at_tear > t.last_start) {
    CHECK(f.sink->Contains({"level=warn", "segment=" + t.last_segment,
                            "offset=" + std::to_string(t.last_start), "reason=\"" + reason + "\""}));
  } else {
    CHECK(f.sink->Lines().empty());
  }
  CHECK(f.fs->FileSize(f.Path(t.last_segment)).value() == t.last_start);
  // The writer continues after the cut.
  {
    auto wal = f.Open(512);
    REQUIRE(wal->Append("after the crash").ok());
  }
  CHECK(f.Replay().value() == Concat(t.before, {"after the crash"}));
}

TEST_CASE("A torn last record at every byte offset is cut and the WAL continues") {
  Fixture probe;
  TornSetup shape = BuildForTear(probe);
  for (uint64_t cut = shape.last_start; cut < shape.last_end; ++cut) {
    CAPTURE(cut);
    Fixture f;
    TornSetup t = BuildForTear(f);
    f.sink = std::make_shared<CapturingLogSink>();
    f.logger = Logger(f.sink, LogLevel::kDebug, &f.clock);
    REQUIRE(f.fs->Truncate(f.Path(t.last_segment), cut).ok());
    std::string reason = cut - t.last_start < 8 ? "short header" : "short payload";
    CheckCutAndRecovery(f, t, reason, cut);
  }
}

TEST_CASE("A flipped byte anywhere in the last record is cut and the WAL continues") {
  Fixture probe;
  TornSetup shape = BuildForTear(probe);
  for (uint64_t at = shape.last_start; at < shape.last_end; ++at) {
    CAPTURE(at);
    Fixture f;
    TornSetup t = BuildForTear(f);
    f.sink = std::make_shared<CapturingLogSink>();
    f.logger = Logger(f.sink, LogLevel::kDebug, &f.clock);
    std::string data = f.fs->ReadFile(f.Path(t.last_segment)).value();
    data[at] = static_cast<char>(data[at] ^ 0x01);
    REQUIRE(f.fs->WriteFileAtomically(f.Path(t.last_segment), data).ok());
    // A flipped length bit asks for more bytes than are left.
    std::string reason = at < t.last_start + 4 ? "short payload" : "crc mismatch";
    CheckCutAndRecovery(f, t, reason, t.last_end);
  }
}

TEST_CASE("Garbage after the last record is cut") {
  Fixture f;
  auto records = RandomRecords(3, 7);
  f.Write(records);
  auto path = f.Path("00000001");
  uint64_t good = f.fs->FileSize(path).value();
  std::string data = f.fs->ReadFile(path).value() + std::string(4096, '\0');
  REQUIRE(f.fs->WriteFileAtomically(path, data).ok());
  CHECK(f.Replay().value() == records);
  CHECK(f.sink->Contains({"segment=00000001", "offset=" + std::to_string(good), "crc mismatch"}));
  CHECK(f.fs->FileSize(path).value() == good);
}

TEST_CASE("Corruption in an earlier segment is a Corruption status") {
  Fixture f;
  auto records = RandomRecords(200, 8);
  f.Write(records);
  REQUIRE(f.Segments().size() >= 3);
  auto path = f.Path("00000002");
  std::string data = f.fs->ReadFile(path).value();
  data[20] = static_cast<char>(data[20] ^ 0x80);
  REQUIRE(f.fs->WriteFileAtomically(path, data).ok());

  auto replayed = f.Replay();
  REQUIRE(replayed.status().code() == StatusCode::kCorruption);
  CHECK_THAT(replayed.status().message(), Catch::Contains("segment 00000002 offset "));
  // Nothing was cut.
  CHECK(f.fs->ReadFile(path).value() == data);
  auto wal = Wal::Open(*f.fs, f.Options(), f.logger);
  CHECK(wal.status().code() == StatusCode::kCorruption);
}

TEST_CASE("A torn earlier segment is a Corruption status naming the offset") {
  Fixture f;
  f.Write(RandomRecords(200, 9));
  auto path = f.Path("00000001");
  uint64_t size = f.fs->FileSize(path).value();
  REQUIRE(f.fs->Truncate(path, size - 3).ok());
  auto replayed = f.Replay();
  REQUIRE(replayed.status().code() == StatusCode::kCorruption);
  CHECK_THAT(replayed.status().message(),
             Catch::Contains("segment 00000001 offset ") && Catch::Contains("short payload"));
}

TEST_CASE("A missing segment in the middle is a Corruption status") {
  Fixture f;
  f.Write(RandomRecords(200, 10));
  REQUIRE(f.Segments().size() >= 3);
  REQUIRE(f.fs->RemoveFile(f.Path("00000002")).ok());
  auto replayed = f.Replay();
  REQUIRE(replayed.status().code() == StatusCode::kCorruption);
  CHECK_THAT(replayed.status().message(), Catch::Contains("00000002 is missing"));
}

TEST_CASE("A replay callback error stops the replay and is returned") {
  Fixture f;
  f.Write(RandomRecords(10, 11));
  int seen = 0;
  Status s = ReplayWal(*f.fs, kDir, f.logger, [&](std::string_view) {
    return ++seen == 3 ? Status::InvalidArgument("bad record") : Status::Ok();
  });
  CHECK(s == Status::InvalidArgument("bad record"));
  CHECK(seen == 3);
}

TEST_CASE("An absent directory replays nothing") {
  Fixture f;
  CHECK(f.Replay().value().empty());
}

TEST_CASE("TruncateBefore removes whole older segments after a checkpoint") {
  Fixture f;
  auto wal = f.Open();
  auto old_records = RandomRecords(100, 12);
  for (const auto& r : old_records) REQUIRE(wal->Append(r).ok());
  auto checkpoint = wal->StartNewSegment();
  REQUIRE(checkpoint.ok());
  CHECK(*checkpoint == wal->CurrentSegment());
  auto new_records = RandomRecords(100, 13);
  for (const auto& r : new_records) REQUIRE(wal->Append(r).ok());

  CHECK(wal->TruncateBefore(wal->CurrentSegment() + 1).code() == StatusCode::kInvalidArgument);
  REQUIRE(wal->TruncateBefore(*checkpoint).ok());
  auto segments = f.Segments();
  REQUIRE(!segments.empty());
  CHECK(segments.front() == Name(*checkpoint));
  CHECK(f.Replay().value() == new_records);
  REQUIRE(wal->TruncateBefore(*checkpoint).ok());  // nothing left to remove
  REQUIRE(wal->TruncateBefore(wal->CurrentSegment()).ok());
  CHECK(f.Segments().size() == 1);

  // A restart carries on from the surviving segment.
  wal.reset();
  auto reopened = f.Open();
  CHECK(reopened->CurrentSegment() >= *checkpoint);
}

TEST_CASE("A closed WAL refuses appends") {
  Fixture f;
  auto wal = f.Open();
  REQUIRE(wal->Close().ok());
  REQUIRE(wal->Close().ok());
  CHECK(wal->Append("x").code() == StatusCode::kFailedPrecondition);
}

TEST_CASE("Open requires a directory") {
  Fixture f;
  auto wal = Wal::Open(*f.fs, WalOptions{}, f.logger);
  CHECK(wal.status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("The WAL works on the real file system with sync") {
  auto dir = std::filesystem::temp_directory_path() /
             ("ember_wal_test_" + std::to_string(std::random_device{}()) + std::to_string(::getpid()));
  Fixture f;
  WalOptions o;
  o.dir = dir.string();
  o.segment_size_bytes = 4096;
  auto records = RandomRecords(300, 14);
  {
    auto wal = Wal::Open(FileSystem::Real(), o, f.logger);
    REQUIRE(wal.ok());
    for (const auto& r : records) REQUIRE((*wal)->Append(r).ok());
  }
  uint64_t last_size = 0;
  std::string last;
  {
    auto names = FileSystem::Real().ListDir(o.dir).value();
    REQUIRE(names.size() > 2);
    last = JoinPath(o.dir, names.back());
    last_size = FileSystem::Real().FileSize(last).value();
    REQUIRE(FileSystem::Real().Truncate(last, last_size - 1).ok());
  }
  std::vector<std::string> replayed;
  {
    auto wal = Wal::Open(FileSystem::Real(), o, f.logger, [&](std::string_view r) {
      replayed.emplace_back(r);
      return Status::Ok();
    });
    REQUIRE(wal.ok());
    REQUIRE((*wal)->Append("new").ok());
  }
  records.pop_back();
  CHECK(replayed == records);
  CHECK(f.sink->Contains({"level=warn", "Cutting torn tail"}));
  records.push_back("new");
  replayed.clear();
  REQUIRE(ReplayWal(FileSystem::Real(), o.dir, f.logger, [&](std::string_view r) {
            replayed.emplace_back(r);
            return Status::Ok();
          }).ok());
  CHECK(replayed == records);
  (void)FileSystem::Real().RemoveAll(o.dir);
}

}  // namespace
}  // namespace ember::wal
