#include "api_response.h"

#include "query_json.h"

namespace ember::scraper {

std::string_view ApiErrorTypeName(ApiErrorType type) {
  switch (type) {
    case ApiErrorType::kBadData:
      return "bad_data";
    case ApiErrorType::kExecution:
      return "execution";
    case ApiErrorType::kTimeout:
      return "timeout";
    case ApiErrorType::kCanceled:
      return "canceled";
    case ApiErrorType::kInternal:
      return "internal";
    case ApiErrorType::kUnavailable:
      return "unavailable";
    case ApiErrorType::kNotFound:
      return "not_found";
    case ApiErrorType::kNotAcceptable:
      return "not_acceptable";
  }
  return "internal";
}

int ApiErrorStatusCode(ApiErrorType type) {
  switch (type) {
    case ApiErrorType::kBadData:
      return 400;
    case ApiErrorType::kExecution:
      return 422;
    case ApiErrorType::kCanceled:
      return 499;  // the client went away: nginx's "client closed request", as Prometheus 3
    case ApiErrorType::kTimeout:
    case ApiErrorType::kUnavailable:
      return 503;
    case ApiErrorType::kInternal:
      return 500;
    case ApiErrorType::kNotFound:
      return 404;
    case ApiErrorType::kNotAcceptable:
      return 406;
  }
  return 500;
}

ApiErrorType ApiErrorTypeFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
      return ApiErrorType::kBadData;
    case StatusCode::kDeadlineExceeded:
      return ApiErrorType::kTimeout;
    case StatusCode::kCanceled:
      return ApiErrorType::kCanceled;
    default:
      return ApiErrorType::kExecution;
  }
}

namespace {

void AppendStringArray(std::string& out, std::string_view key, std::span<const std::string> items) {
  if (items.empty()) return;
  out += ",\"";
  out += key;
  out += "\":[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    AppendJsonString(out, items[i]);
  }
  out += ']';
}

}  // namespace

http::Response ApiSuccess(std::string_view data_json, std::span<const std::string> warnings,
                          std::span<const std::string> infos) {
  std::string body;
  body.reserve(data_json.size() + 64);
  body += "{\"status\":\"success\",\"data\":";
  body += data_json;
  AppendStringArray(body, "warnings", warnings);
  AppendStringArray(body, "infos", infos);
  body += '}';
  return http::Response::Json(200, std::move(body));
}

http::Response ApiError(ApiErrorType type, std::string_view message, std::string_view data_json) {
  std::string body = "{\"status\":\"error\"";
  if (!data_json.empty()) {
    body += ",\"data\":";
    body += data_json;
  }
  body += ",\"errorType\":\"";
  body += ApiErrorTypeName(type);
  body += "\",\"error\":";
  AppendJsonString(body, message);
  body += '}';
  return http::Response::Json(ApiErrorStatusCode(type), std::move(body));
}

}  // namespace ember::scraper
