#include "api_params.h"

#include <catch2/catch.hpp>
#include <limits>

namespace ember::scraper {
namespace {

template <class T>
std::string ErrorOf(const Result<T>& r) {
  return r.ok() ? "<ok>" : r.status().message();
}

TEST_CASE("ParseApiTime reads float seconds, RFC 3339 and Prometheus's bounds") {
  CHECK(*ParseApiTime("1735686000") == 1735686000000);
  CHECK(*ParseApiTime("1735686000.5") == 1735686000500);
  CHECK(*ParseApiTime("1435781451.781") == 1435781451781);
  CHECK(*ParseApiTime("-1.5") == -1500);
  CHECK(*ParseApiTime("4") == 4000);
  CHECK(*ParseApiTime("2015-07-01T20:10:51.781Z") == 1435781451781);
  CHECK(*ParseApiTime("2015-07-01T22:10:51.781+02:00") == 1435781451781);
  CHECK(*ParseApiTime("2015-07-01T20:10:51Z") == 1435781451000);
  CHECK(*ParseApiTime("-292273086-05-16T16:47:06Z") == kApiMinTimeMs);
  CHECK(*ParseApiTime("292277025-08-18T07:12:54.999999999Z") == kApiMaxTimeMs);
  CHECK(ErrorOf(ParseApiTime("abc")) == R"(cannot parse "abc" to a valid timestamp)");
  CHECK(ErrorOf(ParseApiTime("")) == R"(cannot parse "" to a valid timestamp)");
  CHECK(ErrorOf(ParseApiTime("2015-07-01")) == R"(cannot parse "2015-07-01" to a valid timestamp)");
}

TEST_CASE("ParseApiTimeParam defaults and wraps errors as upstream") {
  auto form = http::ParseQuery("start=10&end=&bad=x");
  REQUIRE(form.ok());
  CHECK(*ParseApiTimeParam(*form, "start", 5) == 10000);
  CHECK(*ParseApiTimeParam(*form, "end", 7) == 7);
  CHECK(*ParseApiTimeParam(*form, "time", 9) == 9);
  CHECK(ErrorOf(ParseApiTimeParam(*form, "bad", 0)) ==
        R"(Invalid time value for 'bad': cannot parse "x" to a valid timestamp)");
}

TEST_CASE("ParseApiDuration reads float seconds and PromQL durations") {
  CHECK(*ParseApiDuration("15") == 15000);
  CHECK(*ParseApiDuration("0.5") == 500);
  CHECK(*ParseApiDuration("0.0005") == 0);
  CHECK(*ParseApiDuration("-1") == -1000);
  CHECK(*ParseApiDuration("0") == 0);
  CHECK(*ParseApiDuration("15s") == 15000);
  CHECK(*ParseApiDuration("1m30s") == 90000);
  CHECK(*ParseApiDuration("1d") == 86400000);
  CHECK(*ParseApiDuration("250ms") == 250);
  CHECK(*ParseApiDuration("NaN") == std::numeric_limits<int64_t>::min() / 1'000'000);
  CHECK(ErrorOf(ParseApiDuration("abc")) == R"(cannot parse "abc" to a valid duration)");
  CHECK(ErrorOf(ParseApiDuration("")) == R"(cannot parse "" to a valid duration)");
  CHECK(ErrorOf(ParseApiDuration("1h2")) == R"(cannot parse "1h2" to a valid duration)");
  CHECK(ErrorOf(ParseApiDuration("1e10")) ==
        R"(cannot parse "1e10" to a valid duration. It overflows int64)");
  CHECK(ErrorOf(ParseApiDuration("-Inf")) ==
        R"(cannot parse "-Inf" to a valid duration. It overflows int64)");
}

TEST_CASE("ParseApiLimit is Go's Atoi, non-negative") {
  CHECK(*ParseApiLimit("") == 0);
  CHECK(*ParseApiLimit("10") == 10);
  CHECK(*ParseApiLimit("+5") == 5);
  CHECK(*ParseApiLimit("007") == 7);
  CHECK(*ParseApiLimit("9223372036854775807") == std::numeric_limits<int64_t>::max());
  CHECK(ErrorOf(ParseApiLimit("abc")) == R"(strconv.Atoi: parsing "abc": invalid syntax)");
  CHECK(ErrorOf(ParseApiLimit("1.5")) == R"(strconv.Atoi: parsing "1.5": invalid syntax)");
  CHECK(ErrorOf(ParseApiLimit(" 1")) == R"(strconv.Atoi: parsing " 1": invalid syntax)");
  CHECK(ErrorOf(ParseApiLimit("-")) == R"(strconv.Atoi: parsing "-": invalid syntax)");
  CHECK(ErrorOf(ParseApiLimit("9223372036854775808")) ==
        R"(strconv.Atoi: parsing "9223372036854775808": value out of range)");
  CHECK(ErrorOf(ParseApiLimit("99999999999999999999x")) ==
        R"(strconv.Atoi: parsing "99999999999999999999x": value out of range)");
  CHECK(ErrorOf(ParseApiLimit("-1")) == "limit must be non-negative");
  CHECK(*GoAtoi("-9223372036854775808") == std::numeric_limits<int64_t>::min());
  CHECK(ErrorOf(GoAtoi("-9223372036854775809")) ==
        R"(strconv.Atoi: parsing "-9223372036854775809": value out of range)");
}

TEST_CASE("ParseApiMatchers parses each match[] into a set") {
  auto sets = ParseApiMatchers({"up", R"({job="a", __name__=~"x.*"})"});
  REQUIRE(sets.ok());
  REQUIRE(sets->size() == 2);
  REQUIRE((*sets)[0].size() == 1);
  CHECK((*sets)[0][0].ToString() == R"(__name__="up")");
  CHECK((*sets)[1].size() == 2);
  CHECK(ParseApiMatchers({}).value().empty());
  CHECK(ErrorOf(ParseApiMatchers({"up", R"({job=~".*"})"})) ==
        "match[] must contain at least one non-empty matcher");
  CHECK(ErrorOf(ParseApiMatchers({R"({job=""})"})) == "match[] must contain at least one non-empty matcher");
  CHECK(ErrorOf(ParseApiMatchers({"up{"})).rfind("1:", 0) == 0);
}

TEST_CASE("UnescapeApiName undoes U__ escaping as prometheus/common does") {
  CHECK(UnescapeApiName("U__http_2e_status") == "http.status");
  CHECK(UnescapeApiName("U__a__b") == "a_b");
  CHECK(UnescapeApiName("U___1f600_") == "\xf0\x9f\x98\x80");
  CHECK(UnescapeApiName("U__caf_E9_") == "caf\xc3\xa9");
  CHECK(UnescapeApiName("U__") == "");
  CHECK(UnescapeApiName("plain_name") == "plain_name");
  CHECK(UnescapeApiName("u__x_2e_") == "u__x_2e_");
  // Malformed escapes leave the name as it is.
  CHECK(UnescapeApiName("U__a_") == "U__a_");
  CHECK(UnescapeApiName("U__a_2e") == "U__a_2e");
  CHECK(UnescapeApiName("U__a_zz_") == "U__a_zz_");
  CHECK(UnescapeApiName("U__a_d800_") == "U__a_d800_");
  CHECK(UnescapeApiName("U__a_110000_") == "U__a_110000_");
  // Six characters read (with the closing one) is where upstream stops.
  CHECK(UnescapeApiName("U__a_10fff_") == "a\xf0\x90\xbf\xbf");
  CHECK(UnescapeApiName("U__a_10ffff_") == "U__a_10ffff_");
}

TEST_CASE("ParseApiLabelName unescapes and validates") {
  CHECK(*ParseApiLabelName("job") == "job");
  CHECK(*ParseApiLabelName("__name__") == "__name__");
  CHECK(*ParseApiLabelName("U__http_2e_status") == "http.status");
  CHECK(*ParseApiLabelName("http.status") == "http.status");
  CHECK(ErrorOf(ParseApiLabelName("")) == R"(invalid label name: "")");
  CHECK(ErrorOf(ParseApiLabelName("U__")) == R"(invalid label name: "")");
  CHECK(ErrorOf(ParseApiLabelName("a\xff")) == R"(invalid label name: "a\xff")");
}

TEST_CASE("InvalidParamError is a 400 bad_data naming the parameter") {
  http::Response r =
      InvalidParamError(Status::InvalidArgument("cannot parse \"x\" to a valid timestamp"), "time");
  CHECK(r.status == 400);
  CHECK(
      r.body ==
      R"({"status":"error","errorType":"bad_data","error":"invalid parameter \"time\": cannot parse \"x\" to a valid timestamp"})");
}

TEST_CASE("ApiForm merges body and query and skips bad pairs as Go does") {
  http::Request get;
  get.method = "GET";
  get.raw_query = "a=1&b=%zz&c=x+y&d=1;2";
  Status error;
  http::Params form = ApiForm(get, &error);
  CHECK(error.message() == R"(invalid URL escape "%zz")");
  CHECK(form.Get("a") == "1");
  CHECK(!form.Has("b"));
  CHECK(form.Get("c") == "x y");
  CHECK(!form.Has("d"));

  http::Request post;
  post.method = "POST";
  post.raw_query = "query=up&time=2";
  post.body = "time=1&match%5B%5D=a&match[]=b";
  post.headers.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
  form = ApiForm(post, &error);
  CHECK(error.ok());
  CHECK(form.Get("query") == "up");
  CHECK(form.Get("time") == "1");  // the body first
  CHECK(form.GetAll("time") == std::vector<std::string>{"1", "2"});
  CHECK(form.GetAll("match[]") == std::vector<std::string>{"a", "b"});

  post.headers.Set("Content-Type", "application/json");
  form = ApiForm(post, nullptr);
  CHECK(form.Get("time") == "2");
  CHECK(!form.Has("match[]"));

  post.headers.Set("Content-Type", "application/x-www-form-urlencoded");
  post.body = "a=%&b=2";
  form = ApiForm(post, &error);
  CHECK(error.message() == R"(invalid URL escape "%")");
  CHECK(form.Get("b") == "2");
}

}  // namespace
}  // namespace ember::scraper
