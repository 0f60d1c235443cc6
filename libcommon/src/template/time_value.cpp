#include "ember/template/time_value.h"

#include <array>

#include "ember/base/time.h"

namespace ember::tmpl {
namespace {

struct Civil {
  int64_t year;
  int month, day, hour, minute, second, yday, wday;
  int64_t nanos;
};

Civil ToCivil(int64_t unix_nanos) {
  int64_t secs = unix_nanos / 1000000000;
  int64_t ns = unix_nanos % 1000000000;
  if (ns < 0) {
    ns += 1000000000;
    --secs;
  }
  int64_t days = secs / 86400;
  int64_t rem = secs % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  Civil c{};
  c.hour = static_cast<int>(rem / 3600);
  c.minute = static_cast<int>(rem % 3600 / 60);
  c.second = static_cast<int>(rem % 60);
  c.nanos = ns;
  c.wday = static_cast<int>(((days % 7) + 11) % 7);  // 1970-01-01 was a Thursday
  // Howard Hinnant's civil_from_days.
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  c.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  c.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  c.year = c.month <= 2 ? y + 1 : y;
  bool leap = (c.year % 4 == 0 && c.year % 100 != 0) || c.year % 400 == 0;
  static constexpr std::array<int, 12> kCum = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
  c.yday = kCum[static_cast<size_t>(c.month - 1)] + c.day + (leap && c.month > 2 ? 1 : 0);
  return c;
}

constexpr std::array<const char*, 12> kMonths = {"January",   "February", "March",    "April",
                                                 "May",       "June",     "July",     "August",
                                                 "September", "October",  "November", "December"};
constexpr std::array<const char*, 7> kDays = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                              "Thursday", "Friday", "Saturday"};

void Pad(std::string& out, int64_t v, int width, char pad = '0') {
  std::string s = std::to_string(v < 0 ? -v : v);
  if (v < 0) out += '-';
  for (int i = static_cast<int>(s.size()); i < width; ++i) out += pad;
  out += s;
}

bool StartsWith(std::string_view s, size_t i, std::string_view p) { return s.substr(i).starts_with(p); }

}  // namespace

std::string FormatGoTime(int64_t unix_nanos, std::string_view layout) {
  Civil c = ToCivil(unix_nanos);
  std::string out;
  size_t i = 0;
  while (i < layout.size()) {
    auto take = [&](std::string_view p) {
      if (StartsWith(layout, i, p)) {
        i += p.size();
        return true;
      }
      return false;
    };
    if (take("January")) {
      out += kMonths[static_cast<size_t>(c.month - 1)];
    } else if (take("Jan")) {
      out += std::string_view(kMonths[static_cast<size_t>(c.month - 1)]).substr(0, 3);
    } else if (take("Monday")) {
      out += kDays[static_cast<size_t>(c.wday)];
    } else if (take("Mon")) {
      out += std::string_view(kDays[static_cast<size_t>(c.wday)]).substr(0, 3);
    } else if (take("MST")) {
      out += "UTC";
    } else if (take("2006")) {
      Pad(out, c.year, 4);
    } else if (take("002")) {
      Pad(out, c.yday, 3);
    } else if (take("01")) {
      Pad(out, c.month, 2);
    } else if (take("02")) {
      Pad(out, c.day, 2);
    } else if (take("03")) {
      Pad(out, c.hour % 12 == 0 ? 12 : c.hour % 12, 2);
    } else if (take("04")) {
      Pad(out, c.minute, 2);
    } else if (take("05")) {
      Pad(out, c.second, 2);
    } else if (take("06")) {
      Pad(out, c.year % 100, 2);
    } else if (take("_2")) {
      Pad(out, c.day, 2, ' ');
    } else if (take("15")) {
      Pad(out, c.hour, 2);
    } else if (take("Z07:00") || take("Z0700") || take("Z07")) {
      out += 'Z';
    } else if (take("-07:00")) {
      out += "+00:00";
    } else if (take("-0700")) {
      out += "+0000";
    } else if (take("-07")) {
      out += "+00";
    } else if (take("PM")) {
      out += c.hour >= 12 ? "PM" : "AM";
    } else if (take("pm")) {
      out += c.hour >= 12 ? "pm" : "am";
    } else if ((layout[i] == '.' || layout[i] == ',') && i + 1 < layout.size() &&
               (layout[i + 1] == '0' || layout[i + 1] == '9')) {
      char digit = layout[i + 1];
      size_t j = i + 1;
      while (j < layout.size() && layout[j] == digit) ++j;
      // Only a fraction when not followed by another digit.
      if (j < layout.size() && layout[j] >= '0' && layout[j] <= '9') {
        out += layout[i++];
        continue;
      }
      size_t n = j - i - 1;
      std::string frac = std::to_string(c.nanos + 1000000000).substr(1, n > 9 ? 9 : n);
      if (digit == '9') {
        while (!frac.empty() && frac.back() == '0') frac.pop_back();
        if (!frac.empty()) {
          out += layout[i];
          out += frac;
        }
      } else {
        out += layout[i];
        out += frac;
      }
      i = j;
    } else if (take("1")) {
      out += std::to_string(c.month);
    } else if (take("2")) {
      out += std::to_string(c.day);
    } else if (take("3")) {
      out += std::to_string(c.hour % 12 == 0 ? 12 : c.hour % 12);
    } else if (take("4")) {
      out += std::to_string(c.minute);
    } else if (take("5")) {
      out += std::to_string(c.second);
    } else {
      out += layout[i++];
    }
  }
  return out;
}

namespace {

class TimeObject : public Object {
 public:
  TimeObject(int64_t nanos, bool pointer) : nanos_(nanos), pointer_(pointer) {}
  std::string TypeName() const override { return pointer_ ? "*time.Time" : "time.Time"; }
  Member Lookup(std::string_view name) const override {
    Member m;
    m.kind = Member::Kind::kMethod;
    if (name == "Format") {
      m.params = {ArgType::String()};
    } else if (name == "Unix" || name == "UnixMilli" || name == "UnixNano" || name == "UTC" ||
               name == "String" || name == "Year" || name == "Month" || name == "Day" || name == "Hour" ||
               name == "Minute" || name == "Second" || name == "Nanosecond" || name == "YearDay" ||
               name == "Weekday" || name == "IsZero" || name == "Local") {
    } else {
      m.kind = Member::Kind::kNone;
    }
    return m;
  }
  Result<Value> Call(std::string_view name, std::vector<Value>& args) const override {
    Civil c = ToCivil(nanos_);
    if (name == "Format") return Value(FormatGoTime(nanos_, args[0].AsString()));
    if (name == "Unix") return Value(FloorDiv(nanos_, 1000000000));
    if (name == "UnixMilli") return Value(FloorDiv(nanos_, 1000000));
    if (name == "UnixNano") return Value(nanos_);
    if (name == "UTC" || name == "Local") return TimeValue(nanos_, false);
    if (name == "String") return Value(String());
    if (name == "Year") return Value(c.year);
    if (name == "Month") return Value(kMonths[static_cast<size_t>(c.month - 1)]);
    if (name == "Day") return Value(int64_t{c.day});
    if (name == "Hour") return Value(int64_t{c.hour});
    if (name == "Minute") return Value(int64_t{c.minute});
    if (name == "Second") return Value(int64_t{c.second});
    if (name == "Nanosecond") return Value(c.nanos);
    if (name == "YearDay") return Value(int64_t{c.yday});
    if (name == "Weekday") return Value(kDays[static_cast<size_t>(c.wday)]);
    if (name == "IsZero") return Value(false);
    return Status::InvalidArgument("no method " + std::string(name));
  }
  std::string String() const override {
    return FormatGoTime(nanos_, "2006-01-02 15:04:05.999999999 -0700 MST");
  }

 private:
  static int64_t FloorDiv(int64_t a, int64_t b) {
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    return q;
  }
  int64_t nanos_;
  bool pointer_;
};

class DurationObject : public Object {
 public:
  DurationObject(int64_t nanos, bool pointer) : nanos_(nanos), pointer_(pointer) {}
  std::string TypeName() const override { return pointer_ ? "*time.Duration" : "time.Duration"; }
  Member Lookup(std::string_view name) const override {
    Member m;
    if (name == "Seconds" || name == "Minutes" || name == "Hours" || name == "Milliseconds" ||
        name == "Nanoseconds" || name == "String") {
      m.kind = Member::Kind::kMethod;
    }
    return m;
  }
  Result<Value> Call(std::string_view name, std::vector<Value>&) const override {
    double d = static_cast<double>(nanos_);
    if (name == "Seconds") return Value(d / 1e9);
    if (name == "Minutes") return Value(d / 6e10);
    if (name == "Hours") return Value(d / 3.6e12);
    if (name == "Milliseconds") return Value(nanos_ / 1000000);
    if (name == "Nanoseconds") return Value(nanos_);
    return Value(String());
  }
  std::string String() const override { return FormatGoDuration(Nanoseconds(nanos_)); }

 private:
  int64_t nanos_;
  bool pointer_;
};

}  // namespace

Value TimeValue(int64_t unix_nanos, bool pointer) {
  return Value(std::shared_ptr<const Object>(std::make_shared<TimeObject>(unix_nanos, pointer)));
}

Value DurationValue(int64_t nanos, bool pointer) {
  return Value(std::shared_ptr<const Object>(std::make_shared<DurationObject>(nanos, pointer)));
}

}  // namespace ember::tmpl
