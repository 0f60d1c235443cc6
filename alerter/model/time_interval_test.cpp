#include "model/time_interval.h"

#include <catch2/catch.hpp>

#include <filesystem>

namespace ember::alerter {
namespace {

// 2024-03-15T12:30:00Z, a Friday.
constexpr int64_t kFriNoonUtc = 1710505800000;
constexpr int64_t kMinute = 60 * 1000;
constexpr int64_t kDay = 24 * 60 * kMinute;

TEST_CASE("range parsing follows upstream", "[alerter][timeinterval]") {
  CHECK(*ParseWeekdayRange("Monday:FRIDAY") == InclusiveRange{1, 5});
  CHECK(*ParseWeekdayRange("sunday") == InclusiveRange{0, 0});
  CHECK(ParseWeekdayRange("friday:monday").status().message() == "start day cannot be before end day");
  CHECK(ParseWeekdayRange("funday").status().message() == "funday is not a valid weekday");
  CHECK(ParseWeekdayRange("a:b:c").status().message() == "couldn't parse range a:b:c, invalid format");
  CHECK(*ParseDayOfMonthRange("-7:-1") == InclusiveRange{-7, -1});
  CHECK(*ParseDayOfMonthRange("1:31") == InclusiveRange{1, 31});
  CHECK(ParseDayOfMonthRange("0").status().message() == "0 is not a valid day of the month: out of range");
  CHECK(ParseDayOfMonthRange("1:32").status().message() ==
        "32 is not a valid day of the month: out of range");
  CHECK(ParseDayOfMonthRange("-1:5").status().message() ==
        "end day must be negative if start day is negative");
  CHECK(ParseDayOfMonthRange("10:-25").status().message() == "end day -25 is always before start day 10");
  CHECK(ParseDayOfMonthRange("x").status().message() == R"(strconv.Atoi: parsing "x": invalid syntax)");
  CHECK(*ParseMonthRange("march:May") == InclusiveRange{3, 5});
  CHECK(*ParseMonthRange("1:12") == InclusiveRange{1, 12});
  CHECK(ParseMonthRange("may:march").status().message() == "end month march is before start month may");
  CHECK(ParseMonthRange("smarch").status().message() == "smarch is not a valid month");
  CHECK(*ParseYearRange("2020:2030") == InclusiveRange{2020, 2030});
  CHECK(ParseYearRange("2030:2020").status().message() == "end year 2020 is before start year 2030");
  CHECK(*ParseTimeOfDay("24:00") == 1440);
  CHECK(*ParseTimeOfDay("09:05") == 545);
  CHECK(ParseTimeOfDay("9:05").status().message() == "couldn't parse timestamp 9:05, invalid format");
  CHECK(ParseTimeOfDay("24:01").status().message() == "couldn't parse timestamp 24:01, invalid format");
  CHECK(ParseTimeRange("", "10:00").status().message() == "both start and end times must be provided");
  CHECK(ParseTimeRange("10:00", "10:00").status().message() ==
        "start time cannot be equal or greater than end time");
}

TEST_CASE("Contains evaluates every present condition in UTC", "[alerter][timeinterval]") {
  TimeInterval ti;
  CHECK(Contains(ti, kFriNoonUtc));  // no condition: always
  ti.times = std::vector<TimeRange>{{12 * 60, 13 * 60}};
  CHECK(Contains(ti, kFriNoonUtc));
  CHECK_FALSE(Contains(ti, kFriNoonUtc + 31 * kMinute));  // 13:01
  ti.weekdays = std::vector<InclusiveRange>{{1, 5}};
  CHECK(Contains(ti, kFriNoonUtc));
  CHECK_FALSE(Contains(ti, kFriNoonUtc + kDay));  // Saturday
  ti.weekdays.reset();
  ti.months = std::vector<InclusiveRange>{{3, 3}};
  ti.years = std::vector<InclusiveRange>{{2024, 2024}};
  CHECK(Contains(ti, kFriNoonUtc));
  CHECK_FALSE(Contains(ti, kFriNoonUtc + 20 * kDay));  // April
  ti.times.reset();
  ti.months.reset();
  ti.days_of_month = std::vector<InclusiveRange>{{-1, -1}};  // last day of the month
  CHECK(Contains(ti, kFriNoonUtc + 16 * kDay));              // 2024-03-31
  CHECK_FALSE(Contains(ti, kFriNoonUtc + 15 * kDay));
  ti.days_of_month = std::vector<InclusiveRange>{{-3, -1}};
  CHECK(Contains(ti, 1709121600000));  // 2024-02-28 12:00Z, leap year: the 29 days end on the 29th
}

TEST_CASE("Contains honours the interval's time zone", "[alerter][timeinterval]") {
  if (!std::filesystem::exists("/usr/share/zoneinfo/Europe/Berlin")) {
    WARN("skipped: no system time zone database");
    return;
  }
  auto berlin = TimeZone::Load("Europe/Berlin");
  REQUIRE(berlin.ok());
  CHECK((*berlin)->OffsetAt(kFriNoonUtc / 1000) == 3600);        // CET in March
  CHECK((*berlin)->OffsetAt(1721046600) == 7200);                // CEST in July 2024
  CHECK((*berlin)->OffsetAt(4102444800 + 200 * 86400) == 7200);  // 2100, from the footer rule
  CHECK((*berlin)->OffsetAt(1711846800 - 1) == 3600);            // 2024-03-31 00:59:59Z
  CHECK((*berlin)->OffsetAt(1711846800) == 7200);                // 01:00Z: clocks go forward
  TimeInterval ti;
  ti.location = *berlin;
  ti.times = std::vector<TimeRange>{{13 * 60, 14 * 60}};  // 13:30 local = 12:30Z
  CHECK(Contains(ti, kFriNoonUtc));
  ti.location = nullptr;
  CHECK_FALSE(Contains(ti, kFriNoonUtc));
  auto sydney = TimeZone::Load("Australia/Sydney");
  REQUIRE(sydney.ok());
  CHECK((*sydney)->OffsetAt(1704067200) == 11 * 3600);  // January: daylight time
  CHECK((*sydney)->OffsetAt(1719792000) == 10 * 3600);  // July
  CHECK(TimeZone::Load("Mars/Olympus").status().message() == "unknown time zone Mars/Olympus");
  CHECK(TimeZone::Load("../etc/passwd").status().message() == "time: invalid location name");
  CHECK((*TimeZone::Load("UTC"))->OffsetAt(0) == 0);
}

}  // namespace
}  // namespace ember::alerter
