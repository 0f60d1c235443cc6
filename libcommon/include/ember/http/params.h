// Params: request parameters (URL query, form body, path parameters) as an
// ordered multimap, and the URL decoding rules of Go's net/url that fill it.
//
// A value, not thread-safe to mutate concurrently.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ember/base/status.h"

namespace ember::http {

class Params {
 public:
  using Entry = std::pair<std::string, std::string>;

  // The first value for `name`, or "" when absent (as Go's url.Values.Get).
  std::string_view Get(std::string_view name) const;
  // Every value for `name` in the order added (as Go's url.Values[name]).
  std::vector<std::string> GetAll(std::string_view name) const;
  bool Has(std::string_view name) const;

  void Add(std::string name, std::string value);
  // Appends every entry of `other` after the existing ones.
  void Append(const Params& other);

  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  std::vector<Entry>::const_iterator begin() const { return entries_.begin(); }
  std::vector<Entry>::const_iterator end() const { return entries_.end(); }

 private:
  std::vector<Entry> entries_;
};

// Parses "a=1&b=x+y&a=%21" as Go's url.ParseQuery: pairs split on '&', key
// and value on the first '=', '+' decodes to a space, %XX to its byte, empty
// pairs are skipped.
// Errors: InvalidArgument `invalid URL escape "%zz"` for a malformed escape and
// `invalid semicolon separator in query` for a ';' in a pair, as Go words
// them. The first error is returned; pairs after it are not reported.
Result<Params> ParseQuery(std::string_view query);

// Decodes %XX escapes; when `plus_is_space`, also '+' to ' ' (query strings
// and form bodies, not paths). Error: InvalidArgument `invalid URL escape "%zz"`.
Result<std::string> PercentDecode(std::string_view s, bool plus_is_space);

}  // namespace ember::http
