#include "silence/silences.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "silence/silence_codec.h"
#include "silence/state_files.h"

namespace ember::alerter {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;

constexpr TimestampMs kT0 = 1'700'000'000'000;

Matcher M(MatchType t, std::string n, std::string v) {
  return Matcher::Make(t, std::move(n), std::move(v)).value();
}

Silence MakeSilence(TimestampMs start, TimestampMs end, Matchers ms = {}) {
  Silence s;
  s.matchers = ms.empty() ? Matchers{M(MatchType::kEqual, "job", "api")} : std::move(ms);
  s.starts_at = start;
  s.ends_at = end;
  s.created_by = "alice";
  s.comment = "maintenance";
  return s;
}

// prefix + decimal n (appending sidesteps a GCC 12 -Wrestrict false positive).
std::string Numbered(std::string prefix, uint64_t n) {
  prefix += std::to_string(n);
  return prefix;
}

Labels L(std::vector<Label> ls) { return Labels::FromUnsorted(std::move(ls)); }

Logger Quiet() { return Logger(std::make_shared<CapturingLogSink>(), LogLevel::kError); }

std::unique_ptr<Silences> OpenMem(const Clock& clock, FileSystem* fs = nullptr, std::string dir = "") {
  SilencesOptions o;
  o.data_dir = std::move(dir);
  auto s = Silences::Open(o, fs ? *fs : FileSystem::Real(), clock, Quiet(), nullptr);
  REQUIRE(s.ok());
  return std::move(*s);
}

class TempDirectory {
 public:
  TempDirectory() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "ember-silence-XXXXXX").string();
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    path_ = tmpl;
  }
  ~TempDirectory() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST_CASE("silence state follows the time, both ends active") {
  Silence s = MakeSilence(kT0, kT0 + 1000);
  CHECK(GetSilenceState(s, kT0 - 1) == SilenceState::kPending);
  CHECK(GetSilenceState(s, kT0) == SilenceState::kActive);
  CHECK(GetSilenceState(s, kT0 + 1000) == SilenceState::kActive);
  CHECK(GetSilenceState(s, kT0 + 1001) == SilenceState::kExpired);
  CHECK(SilenceStateString(SilenceState::kPending) == "pending");
}

TEST_CASE("silence validation uses upstream's texts") {
  ManualClock clock(kT0);
  auto store = OpenMem(clock);
  auto err = [&](Silence s) { return store->Set(std::move(s)).status().message(); };

  Silence none = MakeSilence(kT0, kT0 + 1000);
  none.matchers.clear();
  CHECK(err(none) == "invalid silence: at least one matcher required");
  CHECK(err(MakeSilence(kT0, kT0 + 1000, {M(MatchType::kEqual, "a", "")})) ==
        "invalid silence: at least one matcher must not match the empty string");
  CHECK(
      err(MakeSilence(kT0, kT0 + 1000, {M(MatchType::kRegexp, "a", ".*"), M(MatchType::kEqual, "b", "")})) ==
      "invalid silence: at least one matcher must not match the empty string");
  // Negative matchers never count as matching the empty string (upstream's matchesEmpty).
  CHECK(store
            ->Set(MakeSilence(kT0, kT0 + 1000,
                              {M(MatchType::kRegexp, "a", ".*"), M(MatchType::kNotEqual, "b", "x")}))
            .ok());
  CHECK(err(MakeSilence(kT0, kT0 + 1000, {M(MatchType::kEqual, "", "x")})) ==
        "invalid silence: invalid label matcher 0: invalid label name \"\"");
  CHECK(err(MakeSilence(kT0, kT0 + 1000,
                        {M(MatchType::kEqual, "a", "x"), M(MatchType::kEqual, "b", "\xff")})) ==
        "invalid silence: invalid label matcher 1: invalid label value \"\\xff\"");
  CHECK(err(MakeSilence(kT0 + 10, kT0 + 5)) == "invalid silence: end time must not be before start time");
  CHECK(err(MakeSilence(kT0, 0)) == "invalid silence: invalid zero end timestamp");
  CHECK(store->Set(MakeSilence(kT0, kT0 + 1000)).status().code() == StatusCode::kOk);

  Silence unknown = MakeSilence(kT0, kT0 + 1000);
  unknown.id = "no-such-id";
  auto r = store->Set(unknown);
  CHECK(r.status().code() == StatusCode::kNotFound);
  CHECK(r.status().message() == "silence not found");

  CHECK(ValidatePostableSilence(MakeSilence(kT0, kT0), kT0).message() ==
        "Failed to create silence: start time must be before end time");
  CHECK(ValidatePostableSilence(MakeSilence(kT0 - 10, kT0 - 5), kT0).message() ==
        "Failed to create silence: end time can't be in the past");
  CHECK(ValidatePostableSilence(MakeSilence(kT0, kT0 + 5), kT0).ok());
}

TEST_CASE("new silences get a v4 uuid and do not start in the past") {
  ManualClock clock(kT0);
  auto store = OpenMem(clock);
  auto id = store->Set(MakeSilence(kT0 - 5000, kT0 + 60000));
  REQUIRE(id.ok());
  CHECK(std::regex_match(*id,
                         std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")));
  auto s = store->Get(*id);
  REQUIRE(s.ok());
  CHECK(s->starts_at == kT0);
  CHECK(s->updated_at == kT0);
  CHECK(s->created_by == "alice");

  Silence zero = MakeSilence(0, kT0 + 60000);
  auto id2 = store->Set(zero);
  REQUIRE(id2.ok());
  CHECK(*id2 != *id);
  CHECK(store->Get(*id2)->starts_at == kT0);
  CHECK(store->Get("nope").status().message() == "silence not found");
}

TEST_CASE("updates in place or replace as upstream") {
  ManualClock clock(kT0);
  auto store = OpenMem(clock);

  SECTION("active: comment and end may change in place") {
    auto id = store->Set(MakeSilence(kT0, kT0 + 60000)).value();
    clock.Advance(milliseconds(1000));
    Silence s = store->Get(id).value();
    s.comment = "longer";
    s.ends_at = kT0 + 120000;
    auto again = store->Set(s);
    REQUIRE(again.ok());
    CHECK(*again == id);
    CHECK(store->Get(id)->ends_at == kT0 + 120000);
    CHECK(store->Get(id)->updated_at == kT0 + 1000);
    CHECK(store->Query({}).size() == 1);
  }
  SECTION("active: new matchers expire the old silence and create a new one") {
    auto id = store->Set(MakeSilence(kT0, kT0 + 60000)).value();
    clock.Advance(milliseconds(1000));
    Silence s = store->Get(id).value();
    s.matchers = {M(MatchType::kEqual, "job", "db")};
    auto id2 = store->Set(s).value();
    CHECK(id2 != id);
    CHECK(store->Get(id)->ends_at == kT0 + 1000);
    CHECK(store->Get(id2)->starts_at == kT0 + 1000);
    clock.Advance(milliseconds(1));
    CHECK(store->CountState(SilenceState::kExpired) == 1);
    CHECK(store->CountState(SilenceState::kActive) == 1);
  }
  SECTION("active: a changed start or an end in the past replaces") {
    auto id = store->Set(MakeSilence(kT0, kT0 + 60000)).value();
    clock.Advance(milliseconds(5000));
    Silence s = store->Get(id).value();
    s.starts_at = kT0 + 2000;
    auto id2 = store->Set(s).value();
    CHECK(id2 != id);
    CHECK(store->Get(id2)->starts_at == kT0 + 5000);
    // Same second, other milliseconds: upstream compares seconds.
    Silence t = store->Get(id2).value();
    t.starts_at = kT0 + 5999;
    CHECK(store->Set(t).value() == id2);
  }
  SECTION("pending: start may move, but not into the past") {
    auto id = store->Set(MakeSilence(kT0 + 60000, kT0 + 120000)).value();
    Silence s = store->Get(id).value();
    s.starts_at = kT0 + 30000;
    CHECK(store->Set(s).value() == id);
    s.starts_at = kT0 - 1000;
    auto id2 = store->Set(s).value();
    CHECK(id2 != id);
    CHECK(store->Get(id2)->starts_at == kT0);
    const Silence old = store->Get(id).value();
    CHECK(old.starts_at == kT0);
    CHECK(old.ends_at == kT0);
  }
  SECTION("expired: any change creates a new silence, the old one stays as it was") {
    auto id = store->Set(MakeSilence(kT0, kT0 + 1000)).value();
    clock.Advance(milliseconds(2000));
    Silence s = store->Get(id).value();
    s.ends_at = kT0 + 100000;
    auto id2 = store->Set(s).value();
    CHECK(id2 != id);
    CHECK(store->Get(id)->ends_at == kT0 + 1000);
    CHECK(store->Get(id)->updated_at == kT0);
  }
}

TEST_CASE("expire") {
  ManualClock clock(kT0);
  auto store = OpenMem(clock);
  auto active = store->Set(MakeSilence(kT0, kT0 + 60000)).value();
  auto pending = store->Set(MakeSilence(kT0 + 60000, kT0 + 120000)).value();
  clock.Advance(milliseconds(10));
  REQUIRE(store->Expire(active).ok());
  REQUIRE(store->Expire(pending).ok());
  CHECK(store->Get(active)->ends_at == kT0 + 10);
  CHECK(store->Get(pending)->starts_at == kT0 + 10);
  CHECK(store->Get(pending)->ends_at == kT0 + 10);
  clock.Advance(milliseconds(1));
  CHECK(store->CountState(SilenceState::kExpired) == 2);
  const uint64_t v = store->Version();
  CHECK(store->Expire(active).ok());  // idempotent, as upstream
  CHECK(store->Version() == v);
  Status missing = store->Expire("nope");
  CHECK(missing.code() == StatusCode::kNotFound);
  CHECK(missing.message() == "silence not found");
}

TEST_CASE("query and mutes with equality, regex and negative matchers") {
  ManualClock clock(kT0);
  auto store = OpenMem(clock);
  auto eq = store->Set(MakeSilence(kT0, kT0 + 60000, {M(MatchType::kEqual, "job", "api")})).value();
  auto re =
      store->Set(MakeSilence(kT0, kT0 + 60000, {M(MatchType::kRegexp, "instance", "web-[0-9]+")})).value();
  auto neg =
      store
          ->Set(MakeSilence(kT0, kT0 + 60000,
                            {M(MatchType::kEqual, "team", "ops"), M(MatchType::kNotEqual, "env", "prod"),
                             M(MatchType::kNotRegexp, "severity", "crit.*")}))
          .value();
  auto later =
      store->Set(MakeSilence(kT0 + 30000, kT0 + 90000, {M(MatchType::kEqual, "job", "api")})).value();

  const Labels api = L({{"job", "api"}, {"instance", "web-12"}});
  const Labels web_x = L({{"instance", "web-x"}});
  const Labels ops = L({{"team", "ops"}, {"env", "dev"}, {"severity", "warning"}});
  const Labels ops_prod = L({{"team", "ops"}, {"env", "prod"}});
  const Labels ops_crit = L({{"team", "ops"}, {"severity", "critical"}});

  std::vector<std::string> both = {eq, re};
  std::sort(both.begin(), both.end());
  CHECK(store->Mutes(api) == both);
  CHECK(store->Mutes(web_x).empty());
  CHECK(store->Mutes(ops) == std::vector<std::string>{neg});
  CHECK(store->Mutes(ops_prod).empty());
  CHECK(store->Mutes(ops_crit).empty());

  // The pending silence joins when its start is reached (cache re-checks state).
  clock.Advance(milliseconds(30000));
  std::vector<std::string> three = {eq, re, later};
  std::sort(three.begin(), three.end());
  CHECK(store->Mutes(api) == three);
  REQUIRE(store->Expire(eq).ok());
  clock.Advance(milliseconds(1));
  std::vector<std::string> two = {re, later};
  std::sort(two.begin(), two.end());
  CHECK(store->Mutes(api) == two);
  clock.Advance(milliseconds(60000));
  CHECK(store->Mutes(api).empty());

  SilenceQuery q;
  q.states = {SilenceState::kExpired};
  CHECK(store->Query(q).size() == 4);
  q = {};
  q.ids = {neg, "unknown"};
  REQUIRE(store->Query(q).size() == 1);
  CHECK(store->Query(q)[0].id == neg);
  q = {};
  q.matches = ops;
  CHECK(store->Query(q).size() == 1);
}

TEST_CASE("gc drops silences ended longer than retention ago") {
  ManualClock clock(kT0);
  SilencesOptions o;
  o.retention = hours(1);
  MetricsRegistry metrics;
  auto store = Silences::Open(o, FileSystem::Real(), clock, Quiet(), &metrics).value();
  auto a = store->Set(MakeSilence(kT0, kT0 + 1000)).value();
  auto b = store->Set(MakeSilence(kT0, kT0 + 60000)).value();
  clock.SetWallMs(kT0 + 1000 + 3600000 - 1);
  CHECK(store->GC() == 0);
  clock.SetWallMs(kT0 + 1000 + 3600000);
  CHECK(store->GC() == 1);
  CHECK(store->Get(a).status().code() == StatusCode::kNotFound);
  CHECK(store->Get(b).ok());
  const std::string text = metrics.Expose();
  CHECK(text.find("alertmanager_silences{state=\"expired\"} 1") != std::string::npos);
  CHECK(text.find("alertmanager_silences_gc_duration_seconds_count") != std::string::npos);
}

TEST_CASE("persistence: the log alone, then snapshot plus log, round trip") {
  ManualClock clock(kT0);
  auto fs = NewMemFileSystem();
  std::vector<Silence> want;
  {
    auto store = OpenMem(clock, fs.get(), "data/silences");
    auto a = store->Set(MakeSilence(kT0, kT0 + 60000, {M(MatchType::kRegexp, "x", "a|b")})).value();
    auto b = store->Set(MakeSilence(kT0 + 5000, kT0 + 60000)).value();
    clock.Advance(milliseconds(10));
    REQUIRE(store->Expire(b).ok());
    want = store->Query({});
    // No Close: the store is dropped as after a crash... except that the
    // destructor closes; reopen from a copy of the files instead.
    auto copy = NewMemFileSystem();
    auto names = fs->ListDir("data/silences/log");
    REQUIRE(names.ok());
    for (const auto& name : *names) {
      REQUIRE(copy->CreateDirs("data/silences/log").ok());
      auto content = fs->ReadFile("data/silences/log/" + name);
      INFO(name << " " << content.status().ToString());
      REQUIRE(content.ok());
      REQUIRE(copy->WriteFileAtomically("data/silences/log/" + name, *content).ok());
    }
    CHECK_FALSE(copy->Exists("data/silences/snapshot"));
    auto reopened = OpenMem(clock, copy.get(), "data/silences");
    CHECK(reopened->Query({}) == want);
    CHECK(reopened->Mutes(L({{"x", "b"}})) == std::vector<std::string>{a});
  }
  // Close wrote a snapshot and emptied the log.
  CHECK(fs->Exists("data/silences/snapshot"));
  auto store = OpenMem(clock, fs.get(), "data/silences");
  CHECK(store->Query({}) == want);
  auto c = store->Set(MakeSilence(kT0, kT0 + 90000)).value();
  REQUIRE(store->Maintenance().ok());
  auto d = store->Set(MakeSilence(kT0, kT0 + 90000)).value();
  store.reset();
  store = OpenMem(clock, fs.get(), "data/silences");
  CHECK(store->Query({}).size() == 4);
  CHECK(store->Get(c).ok());
  CHECK(store->Get(d).ok());
  // The log keeps only segments after the last snapshot.
  auto segments = fs->ListDir("data/silences/log").value();
  CHECK(segments.size() == 1);
}

// Every prefix of the last log segment is what a crash may leave: loading
// must succeed and keep every record that was complete in the prefix.
TEST_CASE("torn log tail at every byte offset") {
  ManualClock clock(kT0);
  auto fs = NewMemFileSystem();
  const std::string dir = "s";
  std::string snapshot;
  std::vector<std::pair<uint64_t, std::string>> ends;  // segment size after each Set, id
  std::string segment_name;
  {
    SilencesOptions o;
    o.data_dir = dir;
    auto store = Silences::Open(o, *fs, clock, Quiet(), nullptr).value();
    for (int i = 0; i < 3; ++i) REQUIRE(store->Set(MakeSilence(kT0, kT0 + 60000)).ok());
    REQUIRE(store->Maintenance().ok());
    snapshot = fs->ReadFile(dir + "/snapshot").value();
    segment_name = fs->ListDir(dir + "/log").value().back();
    for (int i = 0; i < 4; ++i) {
      Silence s = MakeSilence(kT0, kT0 + 60000);
      s.comment = Numbered("c", i);
      auto id = store->Set(s).value();
      ends.emplace_back(fs->FileSize(dir + "/log/" + segment_name).value(), id);
    }
    // Dropped without Close: the files are what a kill leaves.
    const std::string seg = fs->ReadFile(dir + "/log/" + segment_name).value();
    for (size_t cut = 0; cut <= seg.size(); ++cut) {
      auto copy = NewMemFileSystem();
      REQUIRE(copy->CreateDirs(dir + "/log").ok());
      REQUIRE(copy->WriteFileAtomically(dir + "/snapshot", snapshot).ok());
      REQUIRE(copy->WriteFileAtomically(dir + "/log/" + segment_name, seg.substr(0, cut)).ok());
      auto loaded = Silences::Open(o, *copy, clock, Quiet(), nullptr);
      REQUIRE(loaded.ok());
      size_t complete = 0;
      for (const auto& [end, id] : ends) {
        if (end <= cut) {
          ++complete;
          CHECK((*loaded)->Get(id).ok());
        } else {
          CHECK_FALSE((*loaded)->Get(id).ok());
        }
      }
      CHECK((*loaded)->Query({}).size() == 3 + complete);
      // A store opened on a torn tail keeps appending after the cut.
      REQUIRE((*loaded)->Set(MakeSilence(kT0, kT0 + 60000)).ok());
    }
    store.reset();
  }
}

TEST_CASE("a damaged snapshot is refused") {
  ManualClock clock(kT0);
  auto fs = NewMemFileSystem();
  SilencesOptions o;
  o.data_dir = "s";
  {
    auto store = Silences::Open(o, *fs, clock, Quiet(), nullptr).value();
    REQUIRE(store->Set(MakeSilence(kT0, kT0 + 60000)).ok());
  }
  std::string snap = fs->ReadFile("s/snapshot").value();
  snap[snap.size() / 2] ^= 0x40;
  REQUIRE(fs->WriteFileAtomically("s/snapshot", snap).ok());
  auto r = Silences::Open(o, *fs, clock, Quiet(), nullptr);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kCorruption);
}

TEST_CASE("codec round trip and decoder errors") {
  Silence s =
      MakeSilence(kT0, kT0 + 1, {M(MatchType::kNotRegexp, "a", "b+"), M(MatchType::kNotEqual, "c", "")});
  s.id = NewUuidV4();
  s.updated_at = kT0 - 1;
  CHECK(DecodeSilence(EncodeSilence(s)).value() == s);
  CHECK(DecodeSilenceLogRecord(EncodeSilenceLogRecord(s)).value() == s);
  CHECK(DecodeSilenceSnapshot(EncodeSilenceSnapshot({s, s})).value().size() == 2);
  const std::string enc = EncodeSilence(s);
  for (size_t i = 0; i < enc.size(); ++i) CHECK_FALSE(DecodeSilence(enc.substr(0, i)).ok());
  CHECK(DecodeSilence(enc + "x").status().message() == "silence record: trailing bytes");
  const std::string framed = FrameSnapshot(kSilenceSnapshotMagic, 7, "payload");
  auto frame = UnframeSnapshot(kSilenceSnapshotMagic, framed).value();
  CHECK(frame.first_segment == 7);
  CHECK(frame.payload == "payload");
  CHECK(UnframeSnapshot("EMNFLOG1", framed).status().message() == "snapshot: bad magic");
}

TEST_CASE("concurrent changes, lookups and maintenance") {
  ManualClock clock(kT0);
  auto fs = NewMemFileSystem();
  auto store = OpenMem(clock, fs.get(), "s");
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        if (t == 0) {
          if (!store->Maintenance().ok()) ++failures;
        } else if (t == 1) {
          (void)store->Mutes(L({{"job", "api"}}));
        } else {
          auto id = store->Set(MakeSilence(kT0, kT0 + 60000));
          if (!id.ok() || !store->Expire(*id).ok()) ++failures;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(failures == 0);
  CHECK(store->Query({}).size() == 100);
  store.reset();
  CHECK(OpenMem(clock, fs.get(), "s")->Query({}).size() == 100);
}

// A child process sets silences on a real directory and reports each id once
// Set returned; it is killed with SIGKILL at an arbitrary point, and every
// reported silence must be there when the directory is opened again.
TEST_CASE("kill -9 after acknowledged changes loses nothing", "[crash]") {
  for (int round = 0; round < 3; ++round) {
    TempDirectory tmp;
    const std::string dir = tmp.path() + "/silences";
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      close(fds[0]);
      ManualClock clock(kT0);
      SilencesOptions o;
      o.data_dir = dir;
      auto store = Silences::Open(o, FileSystem::Real(), clock, Quiet(), nullptr);
      if (!store.ok()) _exit(3);
      for (int i = 0;; ++i) {
        clock.Advance(milliseconds(1));
        Silence s = MakeSilence(kT0, kT0 + 3600000);
        s.comment = Numbered("n", i);
        auto id = (*store)->Set(s);
        if (!id.ok()) _exit(4);
        std::string line = *id + "\n";
        if (write(fds[1], line.data(), line.size()) != static_cast<ssize_t>(line.size())) _exit(5);
        if (i % (5 + round) == 4 && !(*store)->Maintenance().ok()) _exit(6);
      }
    }
    close(fds[1]);
    std::vector<std::string> acked;
    std::string buf;
    char chunk[256];
    while (acked.size() < static_cast<size_t>(20 + 7 * round)) {
      const ssize_t n = read(fds[0], chunk, sizeof(chunk));
      REQUIRE(n > 0);
      buf.append(chunk, static_cast<size_t>(n));
      size_t nl;
      while ((nl = buf.find('\n')) != std::string::npos) {
        acked.push_back(buf.substr(0, nl));
        buf.erase(0, nl + 1);
      }
    }
    REQUIRE(kill(pid, SIGKILL) == 0);
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    CHECK(WIFSIGNALED(status));
    close(fds[0]);

    ManualClock clock(kT0 + 1000);
    auto store = OpenMem(clock, &FileSystem::Real(), dir);
    for (const std::string& id : acked) {
      INFO("id " << id);
      CHECK(store->Get(id).ok());
    }
    CHECK(store->Query({}).size() >= acked.size());
    store.reset();
  }
}

}  // namespace
}  // namespace ember::alerter
