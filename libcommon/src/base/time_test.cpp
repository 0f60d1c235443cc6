#include "ember/base/time.h"

#include <catch2/catch.hpp>

namespace ember {
namespace {

TEST_CASE("ParseTimestamp accepts RFC 3339 and float seconds") {
  CHECK(ParseTimestamp("1435781451.781").value() == 1435781451781);
  CHECK(ParseTimestamp("1435781451").value() == 1435781451000);
  CHECK(ParseTimestamp("4").value() == 4000);
  CHECK(ParseTimestamp("-1.5").value() == -1500);
  CHECK(ParseTimestamp("2015-07-01T20:10:51.781Z").value() == 1435781451781);
  CHECK(ParseTimestamp("2015-07-01T22:10:51.781+02:00").value() == 1435781451781);
  CHECK(ParseTimestamp("2015-07-01T20:10:51Z").value() == 1435781451000);
  CHECK(ParseTimestamp("1969-12-31T23:59:59.999Z").value() == -1);
  CHECK(ParseTimestamp("9999-12-31T23:59:59.999Z").value() == 253402300799999);
  CHECK(ParseTimestamp("0000-01-01T00:00:00Z").value() == -62167219200000);
  CHECK(ParseTimestamp("-292273086-05-16T16:47:06Z").value() == kMinTimestampMs);
  CHECK(ParseTimestamp("292277025-08-18T07:12:54.999Z").value() == kMaxTimestampMs);
  auto bad = ParseTimestamp("yesterday");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message() == "cannot parse \"yesterday\" to a valid timestamp");
  CHECK_FALSE(ParseTimestamp("2015-13-01T00:00:00Z").ok());
  CHECK_FALSE(ParseTimestamp("2015-02-30T00:00:00Z").ok());
  CHECK_FALSE(ParseTimestamp("2015-07-01 20:10:51Z").ok());
}

TEST_CASE("RFC 3339 formatting") {
  CHECK(FormatRfc3339Millis(1435781451781) == "2015-07-01T20:10:51.781Z");
  CHECK(FormatRfc3339Millis(0) == "1970-01-01T00:00:00.000Z");
  CHECK(FormatRfc3339Millis(-1) == "1969-12-31T23:59:59.999Z");
  CHECK(FormatRfc3339Nano(1435781451780000000) == "2015-07-01T20:10:51.78Z");
  CHECK(FormatRfc3339Nano(1435781451000000000) == "2015-07-01T20:10:51Z");
}

TEST_CASE("Prometheus durations parse and print") {
  using std::chrono::hours;
  using std::chrono::minutes;
  CHECK(ParseDuration("1h30m").value() == minutes(90));
  CHECK(ParseDuration("5m").value() == minutes(5));
  CHECK(ParseDuration("300ms").value() == Milliseconds(300));
  CHECK(ParseDuration("1d").value() == hours(24));
  CHECK(ParseDuration("2w").value() == hours(24 * 14));
  CHECK(ParseDuration("1y").value() == hours(24 * 365));
  CHECK(ParseDuration("1m30s500ms").value() == Milliseconds(90500));
  CHECK(ParseDuration("0").value() == Milliseconds(0));
  CHECK(ParseDuration("").status().message() == "empty duration string");
  CHECK(ParseDuration("30m1h").status().message() == "not a valid duration string: \"30m1h\"");
  CHECK_FALSE(ParseDuration("1h1h").ok());
  CHECK_FALSE(ParseDuration("1.5h").ok());
  CHECK_FALSE(ParseDuration("-1h").ok());
  CHECK_FALSE(ParseDuration("10").ok());
  CHECK(ParseDuration("999999999999y").status().message() == "duration out of range");

  CHECK(FormatDuration(Milliseconds(0)) == "0s");
  CHECK(FormatDuration(minutes(90)) == "1h30m");
  CHECK(FormatDuration(hours(24)) == "1d");
  CHECK(FormatDuration(hours(24 * 7)) == "1w");
  CHECK(FormatDuration(hours(24 * 90)) == "90d");
  CHECK(FormatDuration(hours(24 * 365)) == "1y");
  CHECK(FormatDuration(Milliseconds(1500)) == "1s500ms");
}

TEST_CASE("Go durations parse and print") {
  using namespace std::chrono_literals;
  CHECK(ParseGoDuration("1.5h").value() == 90min);
  CHECK(ParseGoDuration("300ms").value() == 300ms);
  CHECK(ParseGoDuration("1h2m3.5s").value() == 1h + 2min + 3500ms);
  CHECK(ParseGoDuration("-2us").value() == -2us);
  CHECK(ParseGoDuration("0").value() == 0s);
  CHECK(ParseGoDuration("10").status().message() == "time: missing unit in duration \"10\"");
  CHECK(ParseGoDuration("3d").status().message() == "time: unknown unit \"d\" in duration \"3d\"");
  CHECK_FALSE(ParseGoDuration("").ok());
  CHECK_FALSE(ParseGoDuration("h").ok());

  CHECK(FormatGoDuration(0s) == "0s");
  CHECK(FormatGoDuration(1h) == "1h0m0s");
  CHECK(FormatGoDuration(1h + 2min + 3500ms) == "1h2m3.5s");
  CHECK(FormatGoDuration(90s) == "1m30s");
  CHECK(FormatGoDuration(300ms) == "300ms");
  CHECK(FormatGoDuration(1500ns) == "1.5\xC2\xB5s");
  CHECK(FormatGoDuration(-5s) == "-5s");
}

TEST_CASE("API durations take float seconds or a duration") {
  CHECK(ParseDurationOrSeconds("15").value() == Milliseconds(15000));
  CHECK(ParseDurationOrSeconds("0.5").value() == Milliseconds(500));
  CHECK(ParseDurationOrSeconds("15s").value() == Milliseconds(15000));
  CHECK(ParseDurationOrSeconds("1h").value() == Milliseconds(3600000));
  CHECK(ParseDurationOrSeconds("soon").status().message() == "cannot parse \"soon\" to a valid duration");
}

}  // namespace
}  // namespace ember
