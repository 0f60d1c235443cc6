// The envelope of every /api/v1 answer, as Prometheus writes it:
//   {"status":"success","data":...,"warnings":[...],"infos":[...]}
//   {"status":"error","errorType":"bad_data","error":"..."}
// with the status code Prometheus gives each error type.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "ember/base/status.h"
#include "ember/http/response.h"

namespace ember::scraper {

enum class ApiErrorType {
  kBadData,        // 400 "bad_data": a parameter or query that cannot be used
  kExecution,      // 422 "execution": the query failed while running
  kTimeout,        // 503 "timeout"
  kCanceled,       // 499 "canceled": the client closed the request
  kInternal,       // 500 "internal"
  kUnavailable,    // 503 "unavailable": the feature is turned off
  kNotFound,       // 404 "not_found"
  kNotAcceptable,  // 406 "not_acceptable"
};

std::string_view ApiErrorTypeName(ApiErrorType type);
int ApiErrorStatusCode(ApiErrorType type);

// The error type for a failed query or store call: InvalidArgument is
// bad_data, DeadlineExceeded timeout, Canceled canceled, anything else
// execution (as the engine's contract says).
ApiErrorType ApiErrorTypeFor(const Status& status);

// 200 with `data_json` (already JSON) as `data`; `warnings` and `infos` are
// written only when not empty.
http::Response ApiSuccess(std::string_view data_json, std::span<const std::string> warnings = {},
                          std::span<const std::string> infos = {});

// The error answer; `data_json`, when not empty, is written as `data`.
http::Response ApiError(ApiErrorType type, std::string_view message, std::string_view data_json = {});
inline http::Response ApiError(const Status& status) {
  return ApiError(ApiErrorTypeFor(status), status.message());
}

}  // namespace ember::scraper
