#include "ember/base/status.h"

#include <catch2/catch.hpp>

namespace ember {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return Status::InvalidArgument("odd: " + std::to_string(x));
  return x / 2;
}

Result<int> Quarter(int x) {
  EMBER_ASSIGN_OR_RETURN(int h, Half(x));
  EMBER_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

Status CheckEven(int x) {
  EMBER_RETURN_IF_ERROR(Half(x));
  return Status::Ok();
}

TEST_CASE("Status carries a code and message and adds context") {
  Status ok;
  CHECK(ok.ok());
  CHECK(ok.ToString() == "ok");
  Status s = Status::NotFound("no such series");
  CHECK_FALSE(s.ok());
  CHECK(s.code() == StatusCode::kNotFound);
  CHECK(s.ToString() == "not_found: no such series");
  CHECK(s.WithContext("query").message() == "query: no such series");
  CHECK(Status::FromErrno("open x", ENOENT).code() == StatusCode::kNotFound);
  CHECK(Status::FromErrno("open x", ENOENT).message() == "open x: No such file or directory");
}

TEST_CASE("Result propagates values and errors through the macros") {
  CHECK(Quarter(8).value() == 2);
  Result<int> r = Quarter(6);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == "odd: 3");
  CHECK(r.value_or(-1) == -1);
  CHECK(CheckEven(4).ok());
  CHECK(CheckEven(5).code() == StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ember
