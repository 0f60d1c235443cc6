#include "model/time_interval.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>
#include <utility>

namespace ember::alerter {
namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (month 1..12).
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

struct Civil {
  int64_t year;
  int month;  // 1..12
  int day;    // 1..31
};

Civil CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return Civil{yoe + era * 400 + (m <= 2), m, d};
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int64_t y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Go's strconv.Atoi, with its error text.
Result<int> Atoi(std::string_view s) {
  std::string_view digits = s;
  bool negative = false;
  if (!digits.empty() && (digits.front() == '+' || digits.front() == '-')) {
    negative = digits.front() == '-';
    digits.remove_prefix(1);
  }
  auto syntax = [&] {
    return Status::InvalidArgument("strconv.Atoi: parsing " + std::string(1, '"') + std::string(s) +
                                   "\": invalid syntax");
  };
  if (digits.empty()) return syntax();
  int64_t v = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return syntax();
    v = v * 10 + (c - '0');
    if (v > static_cast<int64_t>(std::numeric_limits<int>::max()) + 1) {
      return Status::InvalidArgument("strconv.Atoi: parsing \"" + std::string(s) + "\": value out of range");
    }
  }
  if (negative) v = -v;
  if (v > std::numeric_limits<int>::max() || v < std::numeric_limits<int>::min()) {
    return Status::InvalidArgument("strconv.Atoi: parsing \"" + std::string(s) + "\": value out of range");
  }
  return static_cast<int>(v);
}

using MemberParser = Result<int> (*)(std::string_view);

// upstream's stringableRangeFromString: lower-cases, then "a" or "a:b".
Result<InclusiveRange> RangeFromString(std::string_view in, MemberParser member) {
  const std::string s = Lower(in);
  const size_t colon = s.find(':');
  if (colon != std::string::npos) {
    if (s.find(':', colon + 1) != std::string::npos) {
      return Status::InvalidArgument("couldn't parse range " + s + ", invalid format");
    }
    EMBER_ASSIGN_OR_RETURN(int begin, member(std::string_view(s).substr(0, colon)));
    EMBER_ASSIGN_OR_RETURN(int end, member(std::string_view(s).substr(colon + 1)));
    return InclusiveRange{begin, end};
  }
  EMBER_ASSIGN_OR_RETURN(int v, member(s));
  return InclusiveRange{v, v};
}

constexpr std::string_view kWeekdays[] = {"sunday",   "monday", "tuesday", "wednesday",
                                          "thursday", "friday", "saturday"};
constexpr std::string_view kMonths[] = {"january",   "february", "march",    "april",
                                        "may",       "june",     "july",     "august",
                                        "september", "october",  "november", "december"};

Result<int> WeekdayMember(std::string_view s) {
  for (int i = 0; i < 7; ++i) {
    if (kWeekdays[i] == s) return i;
  }
  return Status::InvalidArgument(std::string(s) + " is not a valid weekday");
}

Result<int> MonthMember(std::string_view s) {
  for (int i = 0; i < 12; ++i) {
    if (kMonths[i] == s) return i + 1;
  }
  Result<int> n = Atoi(s);
  if (!n.ok()) return Status::InvalidArgument(std::string(s) + " is not a valid month");
  return n;
}

Result<int> IntMember(std::string_view s) { return Atoi(s); }

std::string MonthName(int m) { return m >= 1 && m <= 12 ? std::string(kMonths[m - 1]) : std::string(); }

// ---- TZif reading ----

struct LocalType {
  int32_t utoff = 0;
  bool isdst = false;
};

// A POSIX TZ rule date: Jn (1..365, no leap day), n (0..365) or Mm.w.d.
struct RuleDate {
  char kind = 'M';  // 'J', 'N' or 'M'
  int day = 0;
  int week = 0;
  int month = 0;
  int32_t time = 7200;  // seconds after local midnight
};

struct PosixRule {
  int32_t std_offset = 0;  // seconds east of UTC
  bool has_dst = false;
  int32_t dst_offset = 0;
  RuleDate start;
  RuleDate end;
};

class RuleParser {
 public:
  explicit RuleParser(std::string_view s) : s_(s) {}

  std::optional<PosixRule> Parse() {
    PosixRule r;
    if (!Name()) return std::nullopt;
    auto off = Offset();
    if (!off) return std::nullopt;
    r.std_offset = -*off;
    if (i_ >= s_.size()) return r;
    if (!Name()) return std::nullopt;
    r.has_dst = true;
    r.dst_offset = r.std_offset + 3600;
    if (i_ < s_.size() && s_[i_] != ',') {
      auto d = Offset();
      if (!d) return std::nullopt;
      r.dst_offset = -*d;
    }
    if (i_ >= s_.size()) {
      // No rule: the US rules are the POSIX default, as in Go.
      r.start = RuleDate{'M', 0, 2, 3, 7200};
      r.end = RuleDate{'M', 0, 1, 11, 7200};
      return r;
    }
    if (s_[i_] != ',') return std::nullopt;
    ++i_;
    auto start = Date();
    if (!start || i_ >= s_.size() || s_[i_] != ',') return std::nullopt;
    ++i_;
    auto end = Date();
    if (!end || i_ != s_.size()) return std::nullopt;
    r.start = *start;
    r.end = *end;
    return r;
  }

 private:
  bool Name() {
    if (i_ < s_.size() && s_[i_] == '<') {
      const size_t close = s_.find('>', i_);
      if (close == std::string_view::npos) return false;
      i_ = close + 1;
      return true;
    }
    const size_t start = i_;
    while (i_ < s_.size() && std::isalpha(static_cast<unsigned char>(s_[i_]))) ++i_;
    return i_ - start >= 3;
  }

  std::optional<int> Number() {
    const size_t start = i_;
    int v = 0;
    while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) v = v * 10 + (s_[i_++] - '0');
    if (i_ == start) return std::nullopt;
    return v;
  }

  // [+-]hh[:mm[:ss]] in seconds.
  std::optional<int32_t> Offset() {
    int sign = 1;
    if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) sign = s_[i_++] == '-' ? -1 : 1;
    auto h = Number();
    if (!h) return std::nullopt;
    int32_t secs = *h * 3600;
    for (int mult : {60, 1}) {
      if (i_ < s_.size() && s_[i_] == ':') {
        ++i_;
        auto n = Number();
        if (!n) return std::nullopt;
        secs += *n * mult;
      } else {
        break;
      }
    }
    return sign * secs;
  }

  std::optional<RuleDate> Date() {
    RuleDate d;
    if (i_ < s_.size() && s_[i_] == 'J') {
      ++i_;
      d.kind = 'J';
      auto n = Number();
      if (!n) return std::nullopt;
      d.day = *n;
    } else if (i_ < s_.size() && s_[i_] == 'M') {
      ++i_;
      d.kind = 'M';
      auto m = Number();
      if (!m || i_ >= s_.size() || s_[i_++] != '.') return std::nullopt;
      auto w = Number();
      if (!w || i_ >= s_.size() || s_[i_++] != '.') return std::nullopt;
      auto wd = Number();
      if (!wd) return std::nullopt;
      d.month = *m;
      d.week = *w;
      d.day = *wd;
      if (d.month < 1 || d.month > 12 || d.week < 1 || d.week > 5 || d.day > 6) return std::nullopt;
    } else {
      d.kind = 'N';
      auto n = Number();
      if (!n) return std::nullopt;
      d.day = *n;
    }
    if (i_ < s_.size() && s_[i_] == '/') {
      ++i_;
      auto t = Offset();
      if (!t) return std::nullopt;
      d.time = *t;
    }
    return d;
  }

  std::string_view s_;
  size_t i_ = 0;
};

// Seconds from the start of `year` (local) to the rule date's moment (local).
int64_t RuleSecondsIntoYear(int64_t year, const RuleDate& d) {
  int64_t day_of_year = 0;  // 0-based
  if (d.kind == 'J') {
    day_of_year = d.day - 1;
    if (IsLeap(year) && d.day >= 60) ++day_of_year;
  } else if (d.kind == 'N') {
    day_of_year = d.day;
  } else {
    const int64_t first = DaysFromCivil(year, d.month, 1);
    const int wday_first = static_cast<int>(((first % 7) + 11) % 7);  // 1970-01-01 was a Thursday (4)
    int mday = 1 + ((d.day - wday_first) % 7 + 7) % 7 + (d.week - 1) * 7;
    const int dim = DaysInMonth(year, d.month);
    while (mday > dim) mday -= 7;
    day_of_year = DaysFromCivil(year, d.month, mday) - DaysFromCivil(year, 1, 1);
  }
  return day_of_year * 86400 + d.time;
}

int32_t RuleOffsetAt(const PosixRule& r, int64_t t) {
  if (!r.has_dst) return r.std_offset;
  const int64_t year = CivilFromDays(FloorDiv(t + r.std_offset, 86400)).year;
  const int64_t year_start = DaysFromCivil(year, 1, 1) * 86400;
  // The start moment is given in standard time, the end in daylight time.
  const int64_t start = year_start + RuleSecondsIntoYear(year, r.start) - r.std_offset;
  const int64_t end = year_start + RuleSecondsIntoYear(year, r.end) - r.dst_offset;
  const bool dst = start < end ? (t >= start && t < end) : !(t >= end && t < start);
  return dst ? r.dst_offset : r.std_offset;
}

uint32_t ReadBe32(const std::string& b, size_t at) {
  return (static_cast<uint32_t>(static_cast<unsigned char>(b[at])) << 24) |
         (static_cast<uint32_t>(static_cast<unsigned char>(b[at + 1])) << 16) |
         (static_cast<uint32_t>(static_cast<unsigned char>(b[at + 2])) << 8) |
         static_cast<uint32_t>(static_cast<unsigned char>(b[at + 3]));
}

}  // namespace

struct TimeZone::Impl {
  std::vector<int64_t> transitions;
  std::vector<uint8_t> transition_types;
  std::vector<LocalType> types;
  std::optional<PosixRule> rule;

  static std::optional<Impl> Parse(const std::string& b) {
    if (b.size() < 44 || b.compare(0, 4, "TZif") != 0) return std::nullopt;
    const char version = b[4];
    size_t at = 0;
    auto counts = [&](size_t h, uint32_t c[6]) {
      for (int i = 0; i < 6; ++i) c[i] = ReadBe32(b, h + 20 + 4 * i);
    };
    uint32_t c[6];
    counts(0, c);
    // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
    auto block_size = [&](int time_size) {
      return static_cast<size_t>(c[3]) * time_size + c[3] + static_cast<size_t>(c[4]) * 6 + c[5] +
             static_cast<size_t>(c[2]) * (time_size + 4) + c[1] + c[0];
    };
    int time_size = 4;
    at = 44;
    if (version >= '2') {
      at += block_size(4);
      if (b.size() < at + 44 || b.compare(at, 4, "TZif") != 0) return std::nullopt;
      counts(at, c);
      at += 44;
      time_size = 8;
    }
    if (b.size() < at + block_size(time_size)) return std::nullopt;
    Impl impl;
    for (uint32_t i = 0; i < c[3]; ++i) {
      int64_t t;
      if (time_size == 8) {
        t = static_cast<int64_t>((static_cast<uint64_t>(ReadBe32(b, at)) << 32) | ReadBe32(b, at + 4));
      } else {
        t = static_cast<int32_t>(ReadBe32(b, at));
      }
      impl.transitions.push_back(t);
      at += time_size;
    }
    for (uint32_t i = 0; i < c[3]; ++i) impl.transition_types.push_back(static_cast<uint8_t>(b[at++]));
    for (uint32_t i = 0; i < c[4]; ++i) {
      LocalType lt;
      lt.utoff = static_cast<int32_t>(ReadBe32(b, at));
      lt.isdst = b[at + 4] != 0;
      impl.types.push_back(lt);
      at += 6;
    }
    if (impl.types.empty()) return std::nullopt;
    for (uint8_t t : impl.transition_types) {
      if (t >= impl.types.size()) return std::nullopt;
    }
    at += c[5] + static_cast<size_t>(c[2]) * (time_size + 4) + c[1] + c[0];
    if (time_size == 8 && at < b.size() && b[at] == '\n') {
      const size_t end = b.find('\n', at + 1);
      if (end != std::string::npos && end > at + 1)
        impl.rule = RuleParser(b.substr(at + 1, end - at - 1)).Parse();
    }
    return impl;
  }

  int32_t OffsetAt(int64_t t) const {
    if (transitions.empty() || t < transitions.front()) {
      if (transitions.empty() && rule) return RuleOffsetAt(*rule, t);
      for (const LocalType& lt : types) {
        if (!lt.isdst) return lt.utoff;
      }
      return types.front().utoff;
    }
    if (t >= transitions.back() && rule) return RuleOffsetAt(*rule, t);
    const auto it = std::upper_bound(transitions.begin(), transitions.end(), t);
    const size_t idx = static_cast<size_t>(it - transitions.begin()) - 1;
    return types[transition_types[idx]].utoff;
  }
};

TimeZone::TimeZone(std::string name, std::shared_ptr<const Impl> impl)
    : name_(std::move(name)), impl_(std::move(impl)) {}

std::shared_ptr<const TimeZone> TimeZone::Utc() {
  static const auto utc = std::make_shared<const TimeZone>("UTC", nullptr);
  return utc;
}

Result<std::shared_ptr<const TimeZone>> TimeZone::Load(std::string_view name,
                                                       const std::string& zoneinfo_dir) {
  if (name.empty() || name == "UTC") return Utc();
  std::string path;
  if (name == "Local") {
    path = "/etc/localtime";
  } else {
    // Go refuses names that could leave the zone directory.
    bool dotdot = false;
    size_t start = 0;
    for (size_t i = 0; i <= name.size(); ++i) {
      if (i == name.size() || name[i] == '/') {
        if (name.substr(start, i - start) == "..") dotdot = true;
        start = i + 1;
      }
    }
    if (dotdot || name.front() == '/' || name.front() == '\\') {
      return Status::InvalidArgument("time: invalid location name");
    }
    path = zoneinfo_dir + "/" + std::string(name);
  }
  std::ifstream in(path, std::ios::binary);
  std::string bytes;
  if (in) bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  std::optional<Impl> impl = in ? Impl::Parse(bytes) : std::nullopt;
  if (!impl) {
    if (name == "Local") return Utc();
    return Status::InvalidArgument("unknown time zone " + std::string(name));
  }
  return std::make_shared<const TimeZone>(std::string(name), std::make_shared<const Impl>(std::move(*impl)));
}

int32_t TimeZone::OffsetAt(int64_t unix_seconds) const { return impl_ ? impl_->OffsetAt(unix_seconds) : 0; }

bool Contains(const TimeInterval& interval, int64_t unix_ms) {
  const int64_t secs = FloorDiv(unix_ms, 1000);
  const int64_t local = secs + (interval.location ? interval.location->OffsetAt(secs) : 0);
  const int64_t days = FloorDiv(local, 86400);
  const int64_t sod = local - days * 86400;
  const Civil civil = CivilFromDays(days);
  const int minute_of_day = static_cast<int>(sod / 60);
  const int weekday = static_cast<int>(((days % 7) + 11) % 7);

  if (interval.times) {
    const bool in = std::any_of(interval.times->begin(), interval.times->end(), [&](const TimeRange& r) {
      return minute_of_day >= r.start_minute && minute_of_day < r.end_minute;
    });
    if (!in) return false;
  }
  if (interval.days_of_month) {
    const int dim = DaysInMonth(civil.year, civil.month);
    bool in = false;
    for (const InclusiveRange& r : *interval.days_of_month) {
      int begin = r.begin < 0 ? dim + r.begin + 1 : r.begin;
      int end = r.end < 0 ? dim + r.end + 1 : r.end;
      if (begin > dim) continue;
      begin = std::clamp(begin, -dim, dim);
      end = std::clamp(end, -dim, dim);
      if (civil.day >= begin && civil.day <= end) {
        in = true;
        break;
      }
    }
    if (!in) return false;
  }
  if (interval.months) {
    const bool in =
        std::any_of(interval.months->begin(), interval.months->end(),
                    [&](const InclusiveRange& r) { return civil.month >= r.begin && civil.month <= r.end; });
    if (!in) return false;
  }
  if (interval.weekdays) {
    const bool in =
        std::any_of(interval.weekdays->begin(), interval.weekdays->end(),
                    [&](const InclusiveRange& r) { return weekday >= r.begin && weekday <= r.end; });
    if (!in) return false;
  }
  if (interval.years) {
    const bool in = std::any_of(interval.years->begin(), interval.years->end(), [&](const InclusiveRange& r) {
      return civil.year >= r.begin && civil.year <= r.end;
    });
    if (!in) return false;
  }
  return true;
}

Result<int> ParseTimeOfDay(std::string_view s) {
  // ^((([01][0-9])|(2[0-3])):[0-5][0-9])$|(^24:00$)
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  const bool valid =
      s == "24:00" || (s.size() == 5 && s[2] == ':' && digit(s[0]) && digit(s[1]) && digit(s[3]) &&
                       digit(s[4]) && (s[0] <= '1' || (s[0] == '2' && s[1] <= '3')) && s[3] <= '5');
  if (!valid)
    return Status::InvalidArgument("couldn't parse timestamp " + std::string(s) + ", invalid format");
  return ((s[0] - '0') * 10 + (s[1] - '0')) * 60 + (s[3] - '0') * 10 + (s[4] - '0');
}

Result<TimeRange> ParseTimeRange(std::string_view start, std::string_view end) {
  if (start.empty() || end.empty())
    return Status::InvalidArgument("both start and end times must be provided");
  EMBER_ASSIGN_OR_RETURN(int s, ParseTimeOfDay(start));
  EMBER_ASSIGN_OR_RETURN(int e, ParseTimeOfDay(end));
  if (s >= e) return Status::InvalidArgument("start time cannot be equal or greater than end time");
  return TimeRange{s, e};
}

Result<InclusiveRange> ParseWeekdayRange(std::string_view s) {
  EMBER_ASSIGN_OR_RETURN(InclusiveRange r, RangeFromString(s, WeekdayMember));
  if (r.begin > r.end) return Status::InvalidArgument("start day cannot be before end day");
  return r;
}

Result<InclusiveRange> ParseDayOfMonthRange(std::string_view s) {
  EMBER_ASSIGN_OR_RETURN(InclusiveRange r, RangeFromString(s, IntMember));
  auto out_of_range = [](int v) { return v == 0 || v < -31 || v > 31; };
  if (out_of_range(r.begin)) {
    return Status::InvalidArgument(std::to_string(r.begin) +
                                   " is not a valid day of the month: out of range");
  }
  if (out_of_range(r.end)) {
    return Status::InvalidArgument(std::to_string(r.end) + " is not a valid day of the month: out of range");
  }
  if (r.begin < 0 && r.end > 0) {
    return Status::InvalidArgument("end day must be negative if start day is negative");
  }
  const int check_begin = r.begin < 0 ? 28 + r.begin : r.begin;
  const int check_end = r.end < 0 ? 28 + r.end : r.end;
  if (check_begin > check_end) {
    return Status::InvalidArgument("end day " + std::to_string(r.end) + " is always before start day " +
                                   std::to_string(r.begin));
  }
  return r;
}

Result<InclusiveRange> ParseMonthRange(std::string_view s) {
  EMBER_ASSIGN_OR_RETURN(InclusiveRange r, RangeFromString(s, MonthMember));
  if (r.begin > r.end) {
    return Status::InvalidArgument("end month " + MonthName(r.end) + " is before start month " +
                                   MonthName(r.begin));
  }
  return r;
}

Result<InclusiveRange> ParseYearRange(std::string_view s) {
  EMBER_ASSIGN_OR_RETURN(InclusiveRange r, RangeFromString(s, IntMember));
  if (r.begin > r.end) {
    return Status::InvalidArgument("end year " + std::to_string(r.end) + " is before start year " +
                                   std::to_string(r.begin));
  }
  return r;
}

}  // namespace ember::alerter
