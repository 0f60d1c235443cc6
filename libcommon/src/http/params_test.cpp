#include "ember/http/params.h"

#include <catch2/catch.hpp>

#include "ember/http/request.h"

namespace ember::http {
namespace {

using Values = std::vector<std::string>;

TEST_CASE("ParseQuery decodes as Go's url.ParseQuery", "[params]") {
  auto p = ParseQuery("query=sum(rate(x%5B5m%5D))+by+(job)&a=1&a=2&empty=&novalue&&b=%2B");
  REQUIRE(p.ok());
  CHECK(p->Get("query") == "sum(rate(x[5m])) by (job)");
  CHECK(p->GetAll("a") == Values{"1", "2"});
  CHECK(p->Has("empty"));
  CHECK(p->Get("empty").empty());
  CHECK(p->Has("novalue"));
  CHECK(p->Get("b") == "+");
  CHECK_FALSE(p->Has("missing"));
  CHECK(p->Get("missing").empty());
  CHECK(p->size() == 6);
}

TEST_CASE("ParseQuery reports malformed input in Go's words", "[params]") {
  CHECK(ParseQuery("a=%zz").status().message() == "invalid URL escape \"%zz\"");
  CHECK(ParseQuery("a=1%").status().message() == "invalid URL escape \"%\"");
  CHECK(ParseQuery("a=%4").status().message() == "invalid URL escape \"%4\"");
  CHECK(ParseQuery("a=1;b=2").status().message() == "invalid semicolon separator in query");
  CHECK(ParseQuery("a=1;b=2").status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("PercentDecode treats '+' as a space only for queries", "[params]") {
  CHECK(*PercentDecode("/a+b%20c", false) == "/a+b c");
  CHECK(*PercentDecode("a+b%20c", true) == "a b c");
}

Request FormRequest(std::string method, std::string content_type, std::string body, std::string query) {
  Request r;
  r.method = std::move(method);
  if (!content_type.empty()) r.headers.Set("Content-Type", content_type);
  r.body = std::move(body);
  r.raw_query = std::move(query);
  return r;
}

TEST_CASE("Request::Form merges body and query as Go's ParseForm", "[params]") {
  SECTION("GET uses the query alone") {
    auto form = FormRequest("GET", "application/x-www-form-urlencoded", "a=body", "a=query").Form();
    REQUIRE(form.ok());
    CHECK(form->GetAll("a") == Values{"query"});
  }
  SECTION("POST body values come before query values") {
    auto form =
        FormRequest("POST", "application/x-www-form-urlencoded; charset=UTF-8", "a=body&b=x+y", "a=query&c=3")
            .Form();
    REQUIRE(form.ok());
    CHECK(form->Get("a") == "body");
    CHECK(form->GetAll("a") == Values{"body", "query"});
    CHECK(form->Get("b") == "x y");
    CHECK(form->Get("c") == "3");
  }
  SECTION("PUT and PATCH parse the body too") {
    CHECK(FormRequest("PUT", "application/x-www-form-urlencoded", "a=1", "").Form()->Get("a") == "1");
    CHECK(FormRequest("PATCH", "application/x-www-form-urlencoded", "a=1", "").Form()->Get("a") == "1");
  }
  SECTION("other content types leave the body alone") {
    auto form = FormRequest("POST", "application/json", "a=body", "a=query").Form();
    REQUIRE(form.ok());
    CHECK(form->GetAll("a") == Values{"query"});
    CHECK(FormRequest("POST", "", "a=body", "").Form()->empty());
  }
  SECTION("a malformed escape in body or query is an error") {
    CHECK(FormRequest("POST", "application/x-www-form-urlencoded", "a=%zz", "").Form().status().code() ==
          StatusCode::kInvalidArgument);
    CHECK(FormRequest("GET", "", "", "a=%g1").Form().status().message() == "invalid URL escape \"%g1\"");
  }
}

}  // namespace
}  // namespace ember::http
