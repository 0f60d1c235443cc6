// Go's time.Time and time.Duration as template values: printed as Go prints
// them ("2015-06-23 13:19:44.128 +0000 UTC", "1h2m3s") and with the methods
// templates call (.Format "2006-01-02", .Unix, .UnixMilli, .UTC, .Year, ...,
// .Seconds, .String). Times are in UTC.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ember/template/value.h"

namespace ember::tmpl {

// A time.Time (type "time.Time"), or a *time.Time when `pointer` (as
// Prometheus's toTime returns).
Value TimeValue(int64_t unix_nanos, bool pointer = false);

// A time.Duration (or *time.Duration).
Value DurationValue(int64_t nanos, bool pointer = false);

// Go's Time.Format(layout) in UTC for the layout elements 2006 06 01 1 Jan
// January 02 2 _2 002 15 03 3 04 4 05 5 PM pm Mon Monday MST Z07:00 Z0700
// -07:00 -0700 -07 and fractional seconds (.000 .999 ,000 ,999).
std::string FormatGoTime(int64_t unix_nanos, std::string_view layout);

}  // namespace ember::tmpl
