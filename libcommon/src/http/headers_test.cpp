#include "ember/http/headers.h"

#include <catch2/catch.hpp>

namespace ember::http {
namespace {

TEST_CASE("Headers look names up case-insensitively", "[headers]") {
  Headers headers{{"Content-Type", "text/plain"}, {"Set-Cookie", "a=1"}};
  headers.Add("set-cookie", "b=2");
  CHECK(headers.Get("content-type") == "text/plain");
  CHECK(headers.Get("CONTENT-TYPE") == "text/plain");
  CHECK(headers.Get("Missing").empty());
  CHECK(headers.GetAll("Set-Cookie") == std::vector<std::string>{"a=1", "b=2"});
  headers.Set("SET-COOKIE", "c=3");
  CHECK(headers.GetAll("set-cookie") == std::vector<std::string>{"c=3"});
  headers.Remove("content-TYPE");
  CHECK_FALSE(headers.Has("Content-Type"));
  CHECK(headers.size() == 1);
}

}  // namespace
}  // namespace ember::http
