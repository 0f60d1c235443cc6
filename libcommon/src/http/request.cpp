#include "ember/http/request.h"

#include "ember/base/strings.h"

namespace ember::http {
namespace {

// The media type without parameters, lower-cased: "application/x-www-form-urlencoded".
std::string MediaType(std::string_view content_type) {
  return ToLower(TrimSpace(content_type.substr(0, content_type.find(';'))));
}

bool MethodMayCarryForm(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH";
}

}  // namespace

Result<Params> Request::Query() const { return ParseQuery(raw_query); }

Result<Params> Request::Form() const {
  Params form;
  if (MethodMayCarryForm(method) &&
      MediaType(headers.Get("Content-Type")) == "application/x-www-form-urlencoded") {
    EMBER_ASSIGN_OR_RETURN(form, ParseQuery(body));
  }
  EMBER_ASSIGN_OR_RETURN(Params query, ParseQuery(raw_query));
  form.Append(query);
  return form;
}

}  // namespace ember::http
