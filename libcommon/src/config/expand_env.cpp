#include "ember/config/expand_env.h"

#include <algorithm>
#include <cstdlib>

#include "ember/base/strings.h"

namespace ember::config {
namespace {

bool IsNameStart(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }

class Expander {
 public:
  Expander(std::string_view text, const EnvLookup& lookup) : text_(text), lookup_(lookup) {}

  Result<std::string> Run() { return Expand(0, text_.size()); }

 private:
  // Expands text_[begin, end).
  Result<std::string> Expand(size_t begin, size_t end) {
    std::string out;
    out.reserve(end - begin);
    size_t i = begin;
    while (i < end) {
      size_t dollar = text_.find('$', i);
      if (dollar == std::string_view::npos || dollar >= end) {
        out.append(text_.substr(i, end - i));
        break;
      }
      out.append(text_.substr(i, dollar - i));
      i = dollar + 1;
      if (i < end && text_[i] == '$') {
        out += '$';
        ++i;
      } else if (i < end && text_[i] == '{') {
        EMBER_ASSIGN_OR_RETURN(i, Braced(dollar, end, out));
      } else if (i < end && IsNameStart(text_[i])) {
        size_t name_end = i;
        while (name_end < end && IsNameChar(text_[name_end])) ++name_end;
        out += lookup_(text_.substr(i, name_end - i)).value_or("");
        i = name_end;
      } else {
        out += '$';
      }
    }
    return out;
  }

  // Expands the "${...}" starting at `dollar` onto `out`; returns the index
  // just past its closing brace.
  Result<size_t> Braced(size_t dollar, size_t end, std::string& out) {
    size_t close = MatchingBrace(dollar + 2, end);
    if (close == std::string_view::npos) return Error(dollar, "unterminated \"${\"");
    std::string_view body = text_.substr(dollar + 2, close - dollar - 2);
    size_t name_len = 0;
    while (name_len < body.size() && IsNameChar(body[name_len])) ++name_len;
    std::string_view name = body.substr(0, name_len);
    std::string_view op = body.substr(name_len);
    if (name.empty() || !IsNameStart(name[0])) {
      return Error(dollar, "bad substitution " + GoQuote(text_.substr(dollar, close + 1 - dollar)));
    }
    std::optional<std::string> value = lookup_(name);
    if (op.empty()) {
      out += value.value_or("");
      return close + 1;
    }
    bool colon = op.starts_with(":-");
    if (!colon && !op.starts_with("-")) {
      return Error(dollar, "unsupported substitution " + GoQuote(text_.substr(dollar, close + 1 - dollar)) +
                               " (only ${NAME}, ${NAME-default} and ${NAME:-default})");
    }
    bool use_value = value.has_value() && !(colon && value->empty());
    if (use_value) {
      out += *value;
    } else {
      size_t default_begin = dollar + 2 + name_len + (colon ? 2 : 1);
      EMBER_ASSIGN_OR_RETURN(std::string fallback, Expand(default_begin, close));
      out += fallback;
    }
    return close + 1;
  }

  // The index of the '}' closing a "${" whose body starts at `i`, counting
  // nested "${...}"; npos when there is none before `end`.
  size_t MatchingBrace(size_t i, size_t end) const {
    int depth = 0;
    for (; i < end; ++i) {
      if (text_[i] == '$' && i + 1 < end && text_[i + 1] == '$') {
        ++i;
      } else if (text_[i] == '$' && i + 1 < end && text_[i + 1] == '{') {
        ++depth;
        ++i;
      } else if (text_[i] == '}') {
        if (depth == 0) return i;
        --depth;
      }
    }
    return std::string_view::npos;
  }

  Status Error(size_t at, std::string message) const {
    auto line = 1 + std::count(text_.begin(), text_.begin() + static_cast<std::ptrdiff_t>(at), '\n');
    return Status::InvalidArgument("line " + std::to_string(line) + ": " + message);
  }

  std::string_view text_;
  const EnvLookup& lookup_;
};

}  // namespace

EnvLookup ProcessEnvLookup() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

Result<std::string> ExpandEnv(std::string_view text, const EnvLookup& lookup) {
  return Expander(text, lookup).Run();
}

}  // namespace ember::config
