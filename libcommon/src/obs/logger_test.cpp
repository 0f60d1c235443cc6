#include "ember/obs/logger.h"

#include <cmath>

#include <catch2/catch.hpp>

namespace ember {
namespace {

// 2026-11-24T23:53:37.123Z
constexpr TimestampMs kNow = 1795564417123;

struct Fixture {
  std::shared_ptr<CapturingLogSink> sink = std::make_shared<CapturingLogSink>();
  ManualClock clock{kNow};
  Logger logger{sink, LogLevel::kInfo, &clock};

  std::string Last() const { return sink->Lines().back(); }
};

TEST_CASE("Logger writes ts, level, msg and fields in order") {
  Fixture f;
  f.logger.With({{"component", "web"}}).Info("Start listening", {{"address", "0.0.0.0:9090"}});
  CHECK(f.Last() ==
        "ts=2026-11-24T23:53:37.123Z level=info component=web msg=\"Start listening\" address=0.0.0.0:9090");
}

TEST_CASE("Logger timestamps follow the injected clock") {
  Fixture f;
  f.logger.Info("a");
  f.clock.Advance(std::chrono::milliseconds(1877));
  f.logger.Info("b");
  auto lines = f.sink->Lines();
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == "ts=2026-11-24T23:53:37.123Z level=info msg=a");
  CHECK(lines[1] == "ts=2026-11-24T23:53:39.000Z level=info msg=b");
  f.clock.SetWallMs(0);
  f.logger.Info("epoch");
  CHECK(f.Last() == "ts=1970-01-01T00:00:00.000Z level=info msg=epoch");
}

TEST_CASE("Logger quotes values only when logfmt needs it") {
  Fixture f;
  f.logger.Info("m", {{"plain", "abc/def:1"},
                      {"space", "a b"},
                      {"eq", "a=b"},
                      {"quote", "say \"hi\""},
                      {"empty", ""},
                      {"newline", "a\nb"},
                      {"tab", "a\tb"},
                      {"backslash", "a\\b"},
                      {"utf8", "caf\xC3\xA9"},
                      {"bad_utf8", "x\xff"}});
  CHECK(f.Last() ==
        "ts=2026-11-24T23:53:37.123Z level=info msg=m plain=abc/def:1 space=\"a b\" eq=\"a=b\" "
        "quote=\"say \\\"hi\\\"\" empty=\"\" newline=\"a\\nb\" tab=\"a\\tb\" backslash=a\\b "
        "utf8=caf\xC3\xA9 bad_utf8=\"x\\xff\"");
}

TEST_CASE("Logger replaces bytes a key cannot hold") {
  Fixture f;
  f.logger.Info("m", {{"a b=c\"d", 1}, {"", 2}});
  CHECK(f.Last() == "ts=2026-11-24T23:53:37.123Z level=info msg=m a_b_c_d=1 _=2");
}

TEST_CASE("Logger formats numbers, bools, durations and statuses") {
  Fixture f;
  f.logger.Info("m", {{"int", 42},
                      {"neg", -7},
                      {"big", uint64_t{18446744073709551615u}},
                      {"i64", int64_t{9007199254740993}},
                      {"float", 0.25},
                      {"whole", 3.0},
                      {"large", 1e21},
                      {"nan", std::nan("")},
                      {"flag", true},
                      {"dur", std::chrono::milliseconds(1500)},
                      {"ok", Status::Ok()},
                      {"err", Status::InvalidArgument("bad input")}});
  CHECK(f.Last() ==
        "ts=2026-11-24T23:53:37.123Z level=info msg=m int=42 neg=-7 big=18446744073709551615 "
        "i64=9007199254740993 float=0.25 whole=3 large=1e+21 nan=NaN flag=true dur=1.5s ok=ok "
        "err=\"bad input\"");
}

TEST_CASE("Logger drops lines below its level") {
  Fixture f;
  f.logger.Debug("hidden");
  f.logger.Info("shown");
  f.logger.Warn("careful");
  f.logger.Error("broken", {{"err", "x"}});
  auto lines = f.sink->Lines();
  REQUIRE(lines.size() == 3);
  CHECK(lines[1] == "ts=2026-11-24T23:53:37.123Z level=warn msg=careful");
  CHECK(lines[2] == "ts=2026-11-24T23:53:37.123Z level=error msg=broken err=x");
  CHECK_FALSE(f.logger.Enabled(LogLevel::kDebug));

  Logger debug(f.sink, LogLevel::kDebug, &f.clock);
  debug.Debug("now shown");
  CHECK(f.Last() == "ts=2026-11-24T23:53:37.123Z level=debug msg=\"now shown\"");
}

TEST_CASE("With() chains context fields and leaves the parent alone") {
  Fixture f;
  Logger web = f.logger.With({{"component", "web"}});
  Logger handler = web.With({{"path", "/metrics"}, {"attempt", 2}});
  handler.Info("served");
  CHECK(f.Last() ==
        "ts=2026-11-24T23:53:37.123Z level=info component=web path=/metrics attempt=2 msg=served");
  web.Info("up");
  CHECK(f.Last() == "ts=2026-11-24T23:53:37.123Z level=info component=web msg=up");
  f.logger.Info("root");
  CHECK(f.Last() == "ts=2026-11-24T23:53:37.123Z level=info msg=root");
}

TEST_CASE("ParseLogLevel accepts the --log.level values") {
  CHECK(ParseLogLevel("debug").value() == LogLevel::kDebug);
  CHECK(ParseLogLevel("info").value() == LogLevel::kInfo);
  CHECK(ParseLogLevel("warn").value() == LogLevel::kWarn);
  CHECK(ParseLogLevel("error").value() == LogLevel::kError);
  auto bad = ParseLogLevel("verbose");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message() == "unrecognized log level \"verbose\" (expected debug, info, warn or error)");
  CHECK(LogLevelName(LogLevel::kWarn) == "warn");
}

TEST_CASE("CapturingLogSink finds a line holding every part") {
  Fixture f;
  f.logger.Error("Error reloading config", {{"file", "a.yml"}, {"err", "boom"}});
  CHECK(f.sink->Contains({"level=error", "msg=\"Error reloading config\"", "file=a.yml"}));
  CHECK_FALSE(f.sink->Contains({"level=info", "file=a.yml"}));
}

}  // namespace
}  // namespace ember
