#include "nflog/nflog.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "nflog/dedup.h"
#include "nflog/nflog_codec.h"

namespace ember::alerter {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;

constexpr TimestampMs kT0 = 1'700'000'000'000;

Logger Quiet() { return Logger(std::make_shared<CapturingLogSink>(), LogLevel::kError); }

// prefix + decimal n (appending sidesteps a GCC 12 -Wrestrict false positive).
std::string Numbered(std::string prefix, uint64_t n) {
  prefix += std::to_string(n);
  return prefix;
}

const NflogReceiver kWebhook{"team-a", "webhook", 0};
const NflogReceiver kWebhook1{"team-a", "webhook", 1};

std::unique_ptr<NotificationLog> OpenLog(const Clock& clock, FileSystem& fs, std::string dir = "",
                                         milliseconds retention = hours(120)) {
  NflogOptions o;
  o.data_dir = std::move(dir);
  o.retention = retention;
  auto l = NotificationLog::Open(o, fs, clock, Quiet(), nullptr);
  REQUIRE(l.ok());
  return std::move(*l);
}

TEST_CASE("nflog log and query by group key and receiver") {
  ManualClock clock(kT0);
  auto fs = NewMemFileSystem();
  auto log = OpenLog(clock, *fs);
  REQUIRE(log->Log(kWebhook, "{}:{alertname=\"A\"}", {1, 2}, {3}).ok());
  auto e = log->Query(kWebhook, "{}:{alertname=\"A\"}");
  REQUIRE(e.ok());
  CHECK(e->timestamp == kT0);
  CHECK(e->firing_alerts == std::vector<uint64_t>{1, 2});
  CHECK(e->resolved_alerts == std::vector<uint64_t>{3});
  CHECK(e->expires_at == kT0 + 120 * 3600 * 1000LL);
  CHECK(kWebhook.Key() == "team-a/webhook/0");

  auto missing = log->Query(kWebhook1, "{}:{alertname=\"A\"}");
  CHECK(missing.status().code() == StatusCode::kNotFound);
  CHECK(missing.status().message() == "not found");
  CHECK(log->Query(kWebhook, "").status().message() == "no query parameters specified");

  clock.Advance(milliseconds(10));
  REQUIRE(log->Log(kWebhook, "{}:{alertname=\"A\"}", {}, {1, 2, 3}).ok());
  CHECK(log->Query(kWebhook, "{}:{alertname=\"A\"}")->firing_alerts.empty());
  CHECK(log->size() == 1);
}

TEST_CASE("nflog keeps a newer entry and expires after retention or the shorter expiry") {
  ManualClock clock(kT0);
  auto fs = NewMemFileSystem();
  auto log = OpenLog(clock, *fs, "", hours(1));
  clock.SetWallMs(kT0 + 1000);
  REQUIRE(log->Log(kWebhook, "g", {1}, {}).ok());
  clock.SetWallMs(kT0);
  REQUIRE(log->Log(kWebhook, "g", {2}, {}).ok());
  CHECK(log->Query(kWebhook, "g")->firing_alerts == std::vector<uint64_t>{1});

  REQUIRE(log->Log(kWebhook1, "g", {1}, {}, minutes(10)).ok());
  CHECK(log->Query(kWebhook1, "g")->expires_at == kT0 + 600000);
  REQUIRE(log->Log(kWebhook1, "h", {1}, {}, hours(5)).ok());
  CHECK(log->Query(kWebhook1, "h")->expires_at == kT0 + 3600000);

  clock.SetWallMs(kT0 + 600000);
  CHECK(log->GC() == 1);
  clock.SetWallMs(kT0 + 3600000);
  CHECK(log->GC() == 1);
  clock.SetWallMs(kT0 + 1000 + 3600000);
  CHECK(log->GC() == 1);
  CHECK(log->size() == 0);
}

TEST_CASE("nflog persists through snapshot and log, torn tails cut") {
  ManualClock clock(kT0);
  auto fs = NewMemFileSystem();
  std::string segment;
  std::vector<uint64_t> ends;
  {
    auto log = OpenLog(clock, *fs, "nflog");
    REQUIRE(log->Log(kWebhook, "g1", {1}, {}).ok());
    REQUIRE(log->Maintenance().ok());
    segment = fs->ListDir("nflog/log").value().back();
    for (uint64_t i = 0; i < 4; ++i) {
      clock.Advance(milliseconds(1));
      REQUIRE(log->Log(kWebhook1, Numbered("g", i + 2), {i}, {i + 100}).ok());
      ends.push_back(fs->FileSize("nflog/log/" + segment).value());
    }
    const std::string snapshot = fs->ReadFile("nflog/snapshot").value();
    const std::string seg = fs->ReadFile("nflog/log/" + segment).value();
    for (size_t cut = 0; cut <= seg.size(); ++cut) {
      auto copy = NewMemFileSystem();
      REQUIRE(copy->CreateDirs("nflog/log").ok());
      REQUIRE(copy->WriteFileAtomically("nflog/snapshot", snapshot).ok());
      REQUIRE(copy->WriteFileAtomically("nflog/log/" + segment, seg.substr(0, cut)).ok());
      auto loaded = OpenLog(clock, *copy, "nflog");
      CHECK(loaded->Query(kWebhook, "g1").ok());
      for (uint64_t i = 0; i < 4; ++i) {
        auto e = loaded->Query(kWebhook1, Numbered("g", i + 2));
        CHECK(e.ok() == (ends[i] <= cut));
        if (e.ok()) CHECK(e->resolved_alerts == std::vector<uint64_t>{i + 100});
      }
    }
  }
  // Close wrote a final snapshot.
  auto log = OpenLog(clock, *fs, "nflog");
  CHECK(log->size() == 5);
  CHECK(log->Query(kWebhook1, "g5")->firing_alerts == std::vector<uint64_t>{3});
}

TEST_CASE("nflog codec") {
  NflogEntry e{"g", kWebhook1, kT0, {1, 2, ~uint64_t{0}}, {7}, kT0 + 5};
  CHECK(DecodeNflogEntry(EncodeNflogEntry(e)).value() == e);
  CHECK(DecodeNflogLogRecord(EncodeNflogLogRecord(e)).value() == e);
  CHECK(DecodeNflogSnapshot(EncodeNflogSnapshot({e, e})).value().size() == 2);
  const std::string enc = EncodeNflogEntry(e);
  for (size_t i = 0; i < enc.size(); ++i) CHECK_FALSE(DecodeNflogEntry(enc.substr(0, i)).ok());
  CHECK(DecodeNflogLogRecord("\x02").status().message() == "nflog record: unknown kind");
}

TEST_CASE("dedup decisions follow upstream's needsUpdate") {
  using R = NotifyReason;
  const auto repeat = hours(4);
  auto decide = [&](const NflogEntry* e, std::unordered_set<uint64_t> firing,
                    std::unordered_set<uint64_t> resolved, bool send_resolved, TimestampMs now) {
    return DedupDecision(e, firing, resolved, send_resolved, repeat, now);
  };
  // No entry.
  CHECK(decide(nullptr, {1}, {}, false, kT0) == R::kFirstNotification);
  CHECK(decide(nullptr, {}, {1}, true, kT0) == R::kDoNotNotify);

  NflogEntry e{"g", kWebhook, kT0, {1, 2}, {3}, 0};
  // A new firing alert.
  CHECK(decide(&e, {1, 2, 4}, {}, false, kT0 + 1) == R::kNewAlertsInGroup);
  // After a resolution (no firing alerts logged) a new alert is a first notification.
  NflogEntry resolved_entry{"g", kWebhook, kT0, {}, {1, 2}, 0};
  CHECK(decide(&resolved_entry, {1}, {}, false, kT0 + 1) == R::kFirstNotification);
  // All resolved: notify regardless of send_resolved, but only when something was firing.
  CHECK(decide(&e, {}, {1, 2}, false, kT0 + 1) == R::kAllAlertsResolved);
  CHECK(decide(&resolved_entry, {}, {1, 2, 5}, true, kT0 + 1) == R::kDoNotNotify);
  // Some resolved: only with send_resolved.
  CHECK(decide(&e, {1}, {2}, true, kT0 + 1) == R::kNewResolvedAlerts);
  CHECK(decide(&e, {1}, {2}, false, kT0 + 1) == R::kDoNotNotify);
  CHECK(decide(&e, {1, 2}, {3}, true, kT0 + 1) == R::kDoNotNotify);
  // A subset still firing, nothing new: repeat interval decides (strictly older).
  CHECK(decide(&e, {1}, {}, false, kT0 + 4 * 3600000) == R::kDoNotNotify);
  CHECK(decide(&e, {1}, {}, false, kT0 + 4 * 3600000 + 1) == R::kRepeatIntervalElapsed);
  CHECK(NotifyReasonString(R::kRepeatIntervalElapsed) == "repeat interval elapsed");
  CHECK_FALSE(ShouldNotify(R::kDoNotNotify));
}

}  // namespace
}  // namespace ember::alerter
