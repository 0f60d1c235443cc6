#include "ember/base/time.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "ember/base/strings.h"

namespace ember {
namespace {

using std::chrono::days;
using std::chrono::sys_days;
using std::chrono::year_month_day;

// Prometheus prints its min/max API times in these forms and accepts them back.
constexpr std::string_view kMinTimeFormatted = "-292273086-05-16T16:47:06Z";
constexpr std::string_view kMaxTimeFormatted = "292277025-08-18T07:12:54.999Z";

bool ReadDigits(std::string_view s, size_t& pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  pos += n;
  out = v;
  return true;
}

bool Expect(std::string_view s, size_t& pos, char c) {
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

struct UnixTime {
  int64_t seconds;
  int64_t nanos;  // 0..999'999'999, after `seconds`
};

// Parses RFC 3339 (as Go's time.RFC3339Nano layout). Seconds and nanoseconds
// stay apart: years up to 9999 overflow int64 nanoseconds.
std::optional<UnixTime> ParseRfc3339(std::string_view s) {
  size_t pos = 0;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!ReadDigits(s, pos, 4, year) || !Expect(s, pos, '-') || !ReadDigits(s, pos, 2, month) ||
      !Expect(s, pos, '-') || !ReadDigits(s, pos, 2, day) || !Expect(s, pos, 'T') ||
      !ReadDigits(s, pos, 2, hour) || !Expect(s, pos, ':') || !ReadDigits(s, pos, 2, minute) ||
      !Expect(s, pos, ':') || !ReadDigits(s, pos, 2, second)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return std::nullopt;
  year_month_day ymd{std::chrono::year(year), std::chrono::month(month), std::chrono::day(day)};
  if (!ymd.ok()) return std::nullopt;
  int64_t nanos = 0;
  if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
    ++pos;
    size_t digits = 0;
    int64_t scale = 100'000'000;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (digits < 9) {
        nanos += (s[pos] - '0') * scale;
        scale /= 10;
      }
      ++digits;
      ++pos;
    }
    if (digits == 0) return std::nullopt;
  }
  int offset_seconds = 0;
  if (pos < s.size() && s[pos] == 'Z') {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int sign = s[pos] == '-' ? -1 : 1;
    ++pos;
    int oh = 0, om = 0;
    if (!ReadDigits(s, pos, 2, oh) || !Expect(s, pos, ':') || !ReadDigits(s, pos, 2, om)) return std::nullopt;
    if (oh > 23 || om > 59) return std::nullopt;
    offset_seconds = sign * (oh * 3600 + om * 60);
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  int64_t day_count = sys_days(ymd).time_since_epoch().count();
  int64_t secs = day_count * 86400 + hour * 3600 + minute * 60 + second - offset_seconds;
  return UnixTime{secs, nanos};
}

// Floor division for negative timestamps.
int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

struct CivilTime {
  int year, month, day, hour, minute, second;
};

CivilTime ToCivil(int64_t unix_seconds) {
  int64_t day_count = FloorDiv(unix_seconds, 86400);
  int64_t rem = unix_seconds - day_count * 86400;
  year_month_day ymd{sys_days{days{day_count}}};
  return {static_cast<int>(ymd.year()),
          static_cast<int>(static_cast<unsigned>(ymd.month())),
          static_cast<int>(static_cast<unsigned>(ymd.day())),
          static_cast<int>(rem / 3600),
          static_cast<int>(rem % 3600 / 60),
          static_cast<int>(rem % 60)};
}

std::string FormatCivil(const CivilTime& c) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", c.year, c.month, c.day, c.hour, c.minute,
                c.second);
  return buf;
}

struct DurationUnit {
  std::string_view name;
  int64_t ms;
};

// Largest first; "ms" before "m" so that the longer suffix is tried first.
constexpr std::array<DurationUnit, 7> kDurationUnits = {{
    {"y", 365LL * 24 * 3600 * 1000},
    {"w", 7LL * 24 * 3600 * 1000},
    {"d", 24LL * 3600 * 1000},
    {"h", 3600LL * 1000},
    {"ms", 1},
    {"m", 60LL * 1000},
    {"s", 1000},
}};

// Rank of a unit in the required order (y w d h m s ms).
int UnitRank(std::string_view unit) {
  static constexpr std::array<std::string_view, 7> kOrder = {"y", "w", "d", "h", "m", "s", "ms"};
  for (size_t i = 0; i < kOrder.size(); ++i) {
    if (kOrder[i] == unit) return static_cast<int>(i);
  }
  return -1;
}

std::string Quoted(std::string_view s) { return GoQuote(s); }

}  // namespace

Result<TimestampMs> ParseTimestamp(std::string_view s) {
  if (auto f = ParseFloat(s); f && std::isfinite(*f)) {
    double whole;
    double frac = std::modf(*f, &whole);
    frac = std::round(frac * 1000) / 1000;
    if (whole >= -9.2e15 && whole <= 9.2e15) {
      return static_cast<int64_t>(whole) * 1000 + static_cast<int64_t>(std::llround(frac * 1000));
    }
  }
  if (s == kMinTimeFormatted) return kMinTimestampMs;
  if (s == kMaxTimeFormatted) return kMaxTimestampMs;
  if (auto t = ParseRfc3339(s)) return t->seconds * 1000 + t->nanos / 1'000'000;
  return Status::InvalidArgument("cannot parse " + Quoted(s) + " to a valid timestamp");
}

std::string FormatRfc3339Millis(TimestampMs ts) {
  int64_t secs = FloorDiv(ts, 1000);
  int ms = static_cast<int>(ts - secs * 1000);
  char frac[8];
  std::snprintf(frac, sizeof frac, ".%03dZ", ms);
  return FormatCivil(ToCivil(secs)) + frac;
}

std::string FormatRfc3339Nano(int64_t unix_nanos) {
  int64_t secs = FloorDiv(unix_nanos, 1'000'000'000);
  int64_t nanos = unix_nanos - secs * 1'000'000'000;
  std::string out = FormatCivil(ToCivil(secs));
  if (nanos != 0) {
    char frac[16];
    std::snprintf(frac, sizeof frac, ".%09lld", static_cast<long long>(nanos));
    std::string f(frac);
    while (f.back() == '0') f.pop_back();
    out += f;
  }
  out += 'Z';
  return out;
}

Result<Milliseconds> ParseDuration(std::string_view s) {
  if (s.empty()) return Status::InvalidArgument("empty duration string");
  if (s == "0") return Milliseconds(0);
  auto invalid = [&] { return Status::InvalidArgument("not a valid duration string: " + Quoted(s)); };
  int64_t total = 0;
  int last_rank = -1;
  size_t pos = 0;
  while (pos < s.size()) {
    size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    if (pos == start) return invalid();
    uint64_t n = 0;
    auto [ptr, ec] = std::from_chars(s.data() + start, s.data() + pos, n);
    if (ec != std::errc()) return Status::InvalidArgument("duration out of range");
    const DurationUnit* unit = nullptr;
    for (const DurationUnit& u : kDurationUnits) {
      if (s.substr(pos, u.name.size()) == u.name) {
        unit = &u;
        break;
      }
    }
    if (unit == nullptr) return invalid();
    pos += unit->name.size();
    int rank = UnitRank(unit->name);
    if (rank <= last_rank) return invalid();
    last_rank = rank;
    if (n > static_cast<uint64_t>(std::numeric_limits<int64_t>::max() / unit->ms)) {
      return Status::InvalidArgument("duration out of range");
    }
    int64_t part = static_cast<int64_t>(n) * unit->ms;
    if (total > std::numeric_limits<int64_t>::max() - part)
      return Status::InvalidArgument("duration out of range");
    total += part;
  }
  // Go's time.Duration is int64 nanoseconds: Prometheus rejects more than that.
  if (total > std::numeric_limits<int64_t>::max() / 1'000'000)
    return Status::InvalidArgument("duration out of range");
  return Milliseconds(total);
}

std::string FormatDuration(Milliseconds d) {
  int64_t ms = d.count();
  if (ms == 0) return "0s";
  std::string out;
  if (ms < 0) {
    out += '-';
    ms = -ms;
  }
  auto unit = [&](std::string_view name, int64_t mult, bool exact) {
    if (exact && ms % mult != 0) return;
    if (int64_t v = ms / mult; v > 0) {
      out += std::to_string(v);
      out += name;
      ms -= v * mult;
    }
  };
  // Years and weeks only when they divide exactly: "90d" reads better than "12w6d".
  unit("y", 365LL * 24 * 3600 * 1000, true);
  unit("w", 7LL * 24 * 3600 * 1000, true);
  unit("d", 24LL * 3600 * 1000, false);
  unit("h", 3600LL * 1000, false);
  unit("m", 60LL * 1000, false);
  unit("s", 1000, false);
  unit("ms", 1, false);
  return out;
}

Result<Nanoseconds> ParseGoDuration(std::string_view s) {
  auto invalid = [&] { return Status::InvalidArgument("time: invalid duration " + Quoted(s)); };
  std::string_view rest = s;
  bool negative = false;
  if (!rest.empty() && (rest[0] == '-' || rest[0] == '+')) {
    negative = rest[0] == '-';
    rest.remove_prefix(1);
  }
  if (rest == "0") return Nanoseconds(0);
  if (rest.empty()) return invalid();
  // Accumulate in long double nanoseconds: exact for every int64 duration a
  // config file writes, and overflow is checked below.
  long double total = 0;
  while (!rest.empty()) {
    size_t i = 0;
    uint64_t whole = 0;
    bool any_digits = false;
    while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9') {
      if (whole > (std::numeric_limits<uint64_t>::max() - 9) / 10) return invalid();
      whole = whole * 10 + static_cast<uint64_t>(rest[i] - '0');
      ++i;
      any_digits = true;
    }
    long double frac = 0, scale = 1;
    if (i < rest.size() && rest[i] == '.') {
      ++i;
      while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9') {
        scale /= 10;
        frac += (rest[i] - '0') * scale;
        ++i;
        any_digits = true;
      }
    }
    if (!any_digits) return invalid();
    size_t u = i;
    while (u < rest.size() && rest[u] != '.' && (rest[u] < '0' || rest[u] > '9')) ++u;
    std::string_view unit = rest.substr(i, u - i);
    if (unit.empty()) return Status::InvalidArgument("time: missing unit in duration " + Quoted(s));
    long double mult;
    if (unit == "ns")
      mult = 1;
    else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs")
      mult = 1e3;
    else if (unit == "ms")
      mult = 1e6;
    else if (unit == "s")
      mult = 1e9;
    else if (unit == "m")
      mult = 60e9;
    else if (unit == "h")
      mult = 3600e9;
    else
      return Status::InvalidArgument("time: unknown unit " + Quoted(unit) + " in duration " + Quoted(s));
    total += (static_cast<long double>(whole) + frac) * mult;
    rest.remove_prefix(u);
  }
  if (total > static_cast<long double>(std::numeric_limits<int64_t>::max())) return invalid();
  auto n = static_cast<int64_t>(total);
  return Nanoseconds(negative ? -n : n);
}

std::string FormatGoDuration(Nanoseconds d) {
  int64_t v = d.count();
  if (v == 0) return "0s";
  bool negative = v < 0;
  uint64_t u = negative ? static_cast<uint64_t>(-(v + 1)) + 1 : static_cast<uint64_t>(v);
  // Prints u / 10^prec with the fraction's trailing zeros trimmed.
  auto with_fraction = [](uint64_t value, int prec) {
    uint64_t pow = 1;
    for (int i = 0; i < prec; ++i) pow *= 10;
    std::string out = std::to_string(value / pow);
    uint64_t frac = value % pow;
    if (frac != 0) {
      std::string f = std::to_string(frac);
      f.insert(0, static_cast<size_t>(prec) - f.size(), '0');
      while (f.back() == '0') f.pop_back();
      out += '.';
      out += f;
    }
    return out;
  };
  std::string out;
  if (u < 1'000'000'000) {
    if (u < 1'000)
      out = std::to_string(u) + "ns";
    else if (u < 1'000'000)
      out = with_fraction(u, 3) + "\xC2\xB5s";
    else
      out = with_fraction(u, 6) + "ms";
  } else {
    uint64_t secs = u / 1'000'000'000;
    uint64_t hours = secs / 3600;
    uint64_t minutes = secs / 60 % 60;
    std::string sec = with_fraction(u % 60'000'000'000, 9) + "s";
    if (hours > 0)
      out = std::to_string(hours) + "h" + std::to_string(minutes) + "m" + sec;
    else if (minutes > 0)
      out = std::to_string(minutes) + "m" + sec;
    else
      out = sec;
  }
  return negative ? "-" + out : out;
}

Result<Milliseconds> ParseDurationOrSeconds(std::string_view s) {
  if (auto f = ParseFloat(s)) {
    double ms = *f * 1000.0;
    if (std::isnan(ms) || ms > 9.2e15 || ms < -9.2e15) {
      return Status::InvalidArgument("cannot parse " + Quoted(s) +
                                     " to a valid duration. It overflows int64");
    }
    return Milliseconds(static_cast<int64_t>(ms));
  }
  if (auto d = ParseDuration(s); d.ok()) return *d;
  return Status::InvalidArgument("cannot parse " + Quoted(s) + " to a valid duration");
}

}  // namespace ember
