// The calendar functions (year, month, day_of_week, hour, ...): the UTC
// calendar field of each sample's value read as Unix seconds, or of the
// evaluation time when called without an argument.
#include <cmath>
#include <cstdint>
#include <limits>

#include "promql/functions/function_helpers.h"

namespace ember::promql::internal {
namespace {

struct CivilTime {
  int64_t year;
  int month;        // 1..12
  int day;          // 1..31
  int day_of_week;  // 0 = Sunday
  int day_of_year;  // 1..366
  int days_in_month;
  int hour;
  int minute;
};

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

bool IsLeap(int64_t y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }

CivilTime ToCivil(int64_t unix_seconds) {
  const int64_t days = FloorDiv(unix_seconds, 86400);
  const int64_t secs = unix_seconds - days * 86400;
  // Days to civil date, with years starting in March so leap days fall last.
  const int64_t z = days + 719468;
  const int64_t era = FloorDiv(z, 146097);
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy_march = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy_march + 2) / 153;
  CivilTime c{};
  c.day = static_cast<int>(doy_march - (153 * mp + 2) / 5 + 1);
  c.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  c.year = yoe + era * 400 + (c.month <= 2 ? 1 : 0);
  static constexpr int kCumulative[] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = IsLeap(c.year);
  c.day_of_year = kCumulative[c.month - 1] + c.day + (leap && c.month > 2 ? 1 : 0);
  c.days_in_month = kDays[c.month - 1] + (leap && c.month == 2 ? 1 : 0);
  c.day_of_week = static_cast<int>(FloorDiv(days + 4, 7) * -7 + days + 4);  // 1970-01-01 was a Thursday
  c.hour = static_cast<int>(secs / 3600);
  c.minute = static_cast<int>(secs % 3600 / 60);
  return c;
}

// Go's int64(f): truncation; NaN and out-of-range values give the minimum
// int64 on the platforms upstream runs on.
int64_t GoInt64(double f) {
  if (!(f >= -9.223372036854775808e18 && f < 9.223372036854775808e18)) {
    return std::numeric_limits<int64_t>::min();
  }
  return static_cast<int64_t>(f);
}

template <double (*Field)(const CivilTime&)>
Vector DateFunction(std::span<const ArgValue> args, const FunctionContext& ctx) {
  if (args.empty()) {
    // Go's integer division truncates towards zero.
    return Vector{VectorSample{Labels{}, ctx.t, Field(ToCivil(ctx.t / 1000)), false}};
  }
  return MapSamples(args, ctx, [](double v) { return Field(ToCivil(GoInt64(v))); });
}

double Year(const CivilTime& c) { return static_cast<double>(c.year); }
double Month(const CivilTime& c) { return c.month; }
double DayOfMonth(const CivilTime& c) { return c.day; }
double DayOfWeek(const CivilTime& c) { return c.day_of_week; }
double DayOfYear(const CivilTime& c) { return c.day_of_year; }
double DaysInMonth(const CivilTime& c) { return c.days_in_month; }
double Hour(const CivilTime& c) { return c.hour; }
double Minute(const CivilTime& c) { return c.minute; }

// One function per line, kept so by hand (clang-format would pack them in columns).
// clang-format off
constexpr NamedFunction kFunctions[] = {
    {"day_of_month", {.vector = DateFunction<DayOfMonth>}},
    {"day_of_week", {.vector = DateFunction<DayOfWeek>}},
    {"day_of_year", {.vector = DateFunction<DayOfYear>}},
    {"days_in_month", {.vector = DateFunction<DaysInMonth>}},
    {"hour", {.vector = DateFunction<Hour>}},
    {"minute", {.vector = DateFunction<Minute>}},
    {"month", {.vector = DateFunction<Month>}},
    {"year", {.vector = DateFunction<Year>}},
};
// clang-format on

}  // namespace

std::span<const NamedFunction> TimeFunctions() { return kFunctions; }

}  // namespace ember::promql::internal
