// TimeInterval: Alertmanager's recurring time windows (`time_intervals` in
// the config file), used by routes to mute or activate notifications, and the
// time zones they are evaluated in.
//
// A TimeInterval holds up to five conditions, each a list of ranges; a
// condition that is absent places no restriction, a present one requires the
// time to fall in at least one of its ranges, and all present conditions must
// hold. Times are evaluated in the interval's location (UTC by default),
// loaded from the system time zone database (/usr/share/zoneinfo).
//
// The Parse* functions take the strings of the YAML file and fail with
// upstream's messages ("monday:funday ..." -> "funday is not a valid weekday").
// Everything here is an immutable value once built; safe to share.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ember/base/status.h"

namespace ember::alerter {

// A time zone read from a TZif file: its transitions and, for times after
// the last one, the POSIX TZ rule in the file's footer.
class TimeZone {
 public:
  // "UTC" (or "") gives UTC; "Local" the zone of /etc/localtime; other names
  // are read from `zoneinfo_dir`. Errors: InvalidArgument "unknown time zone
  // <name>" (Go's wording), "time: invalid location name".
  static Result<std::shared_ptr<const TimeZone>> Load(
      std::string_view name, const std::string& zoneinfo_dir = "/usr/share/zoneinfo");
  // The UTC zone.
  static std::shared_ptr<const TimeZone> Utc();

  const std::string& name() const { return name_; }
  // Seconds east of UTC in effect at `unix_seconds`.
  int32_t OffsetAt(int64_t unix_seconds) const;

  struct Impl;
  explicit TimeZone(std::string name, std::shared_ptr<const Impl> impl);

 private:
  std::string name_;
  std::shared_ptr<const Impl> impl_;  // null for UTC
};

// An inclusive range of integers (weekdays 0=sunday..6, days of month 1..31
// or -31..-1 counted from the month's end, months 1..12, years).
struct InclusiveRange {
  int begin = 0;
  int end = 0;
  friend bool operator==(const InclusiveRange&, const InclusiveRange&) = default;
};

// Minutes since midnight, [start_minute, end_minute).
struct TimeRange {
  int start_minute = 0;
  int end_minute = 0;
  friend bool operator==(const TimeRange&, const TimeRange&) = default;
};

struct TimeInterval {
  std::optional<std::vector<TimeRange>> times;
  std::optional<std::vector<InclusiveRange>> weekdays;
  std::optional<std::vector<InclusiveRange>> days_of_month;
  std::optional<std::vector<InclusiveRange>> months;
  std::optional<std::vector<InclusiveRange>> years;
  // The zone the conditions are evaluated in; null means UTC.
  std::shared_ptr<const TimeZone> location;
};

// Whether the instant `unix_ms` lies within `interval`.
bool Contains(const TimeInterval& interval, int64_t unix_ms);

// "HH:MM" (00:00..23:59, or 24:00) to minutes; errors "couldn't parse
// timestamp <s>, invalid format".
Result<int> ParseTimeOfDay(std::string_view s);
// A start/end pair; errors "both start and end times must be provided",
// "start time cannot be equal or greater than end time".
Result<TimeRange> ParseTimeRange(std::string_view start, std::string_view end);
// "monday", "monday:friday" (case-insensitive).
Result<InclusiveRange> ParseWeekdayRange(std::string_view s);
// "1", "-1", "1:15", "-7:-1".
Result<InclusiveRange> ParseDayOfMonthRange(std::string_view s);
// "january", "1", "march:may", "3:5".
Result<InclusiveRange> ParseMonthRange(std::string_view s);
// "2024", "2024:2026".
Result<InclusiveRange> ParseYearRange(std::string_view s);

}  // namespace ember::alerter
