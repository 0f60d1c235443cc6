#include "ember/http/params.h"

#include <algorithm>

#include "ember/base/strings.h"

namespace ember::http {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string_view Params::Get(std::string_view name) const {
  for (const auto& [k, v] : entries_) {
    if (k == name) return v;
  }
  return {};
}

std::vector<std::string> Params::GetAll(std::string_view name) const {
  std::vector<std::string> values;
  for (const auto& [k, v] : entries_) {
    if (k == name) values.push_back(v);
  }
  return values;
}

bool Params::Has(std::string_view name) const {
  return std::any_of(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.first == name; });
}

void Params::Add(std::string name, std::string value) {
  entries_.emplace_back(std::move(name), std::move(value));
}

void Params::Append(const Params& other) { entries_.insert(entries_.end(), other.begin(), other.end()); }

Result<std::string> PercentDecode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '%') {
      const int hi = i + 1 < s.size() ? HexValue(s[i + 1]) : -1;
      const int lo = i + 2 < s.size() ? HexValue(s[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        // Go quotes at most the '%' and the two characters after it.
        return Status::InvalidArgument("invalid URL escape " + GoQuote(s.substr(i, 3)));
      }
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Result<Params> ParseQuery(std::string_view query) {
  Params params;
  Status first_error;
  for (std::string_view pair : Split(query, '&')) {
    if (pair.find(';') != std::string_view::npos) {
      if (first_error.ok()) first_error = Status::InvalidArgument("invalid semicolon separator in query");
      continue;
    }
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    const std::string_view raw_key = pair.substr(0, eq);
    const std::string_view raw_value =
        eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    auto key = PercentDecode(raw_key, /*plus_is_space=*/true);
    auto value = PercentDecode(raw_value, /*plus_is_space=*/true);
    if (!key.ok() || !value.ok()) {
      if (first_error.ok()) first_error = key.ok() ? value.status() : key.status();
      continue;
    }
    params.Add(std::move(key).value(), std::move(value).value());
  }
  if (!first_error.ok()) return first_error;
  return params;
}

}  // namespace ember::http
