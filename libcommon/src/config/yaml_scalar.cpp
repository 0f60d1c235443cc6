#include "yaml_scalar.h"

#include <cmath>
#include <limits>

#include "ember/base/strings.h"

namespace ember::config {
namespace {

constexpr std::string_view kTagPrefix = "tag:yaml.org,2002:";

std::optional<bool> PlainBool(std::string_view s) {
  for (std::string_view t : {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"}) {
    if (s == t) return true;
  }
  for (std::string_view f : {"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"}) {
    if (s == f) return false;
  }
  return std::nullopt;
}

// A YAML 1.1 integer: optional sign, then 0x hex, 0o or leading-0 octal, 0b
// binary or decimal digits, with '_' allowed as a separator anywhere.
struct PlainInt {
  bool negative = false;
  uint64_t magnitude = 0;
};

std::optional<PlainInt> ParsePlainInt(std::string_view text) {
  std::string s;
  for (char c : text) {
    if (c != '_') s += c;
  }
  PlainInt out;
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) out.negative = s[i++] == '-';
  int base = 10;
  if (s.size() - i > 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
    base = 16;
    i += 2;
  } else if (s.size() - i > 2 && s[i] == '0' && (s[i + 1] == 'o' || s[i + 1] == 'O')) {
    base = 8;
    i += 2;
  } else if (s.size() - i > 2 && s[i] == '0' && (s[i + 1] == 'b' || s[i + 1] == 'B')) {
    base = 2;
    i += 2;
  } else if (s.size() - i > 1 && s[i] == '0') {
    base = 8;
    i += 1;
  }
  if (i == s.size()) return std::nullopt;
  for (; i < s.size(); ++i) {
    char c = s[i];
    int digit;
    if (c >= '0' && c <= '9') {
      digit = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      digit = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      digit = c - 'A' + 10;
    } else {
      return std::nullopt;
    }
    if (digit >= base) return std::nullopt;
    if (out.magnitude > (std::numeric_limits<uint64_t>::max() - static_cast<uint64_t>(digit)) / base) {
      return std::nullopt;
    }
    out.magnitude = out.magnitude * base + static_cast<uint64_t>(digit);
  }
  return out;
}

// A YAML 1.1 float: [-+](.digits | digits[.digits])[e[-+]digits], '_' allowed,
// or one of the .inf / .nan spellings.
std::optional<double> ParsePlainFloat(std::string_view text) {
  for (std::string_view inf : {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"}) {
    if (text == inf) return std::numeric_limits<double>::infinity();
  }
  for (std::string_view inf : {"-.inf", "-.Inf", "-.INF"}) {
    if (text == inf) return -std::numeric_limits<double>::infinity();
  }
  for (std::string_view nan : {".nan", ".NaN", ".NAN"}) {
    if (text == nan) return std::numeric_limits<double>::quiet_NaN();
  }
  std::string s;
  for (char c : text) {
    if (c != '_') s += c;
  }
  size_t i = 0;
  auto digits = [&] {
    size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i - start;
  };
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  size_t int_digits = digits();
  size_t frac_digits = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    frac_digits = digits();
  }
  if (int_digits == 0 && frac_digits == 0) return std::nullopt;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (digits() == 0) return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  return ParseFloat(s);
}

std::string_view TagName(YamlKind kind) {
  switch (kind) {
    case YamlKind::kNull:
      return "!!null";
    case YamlKind::kBool:
      return "!!bool";
    case YamlKind::kInt:
      return "!!int";
    case YamlKind::kFloat:
      return "!!float";
    case YamlKind::kString:
      return "!!str";
    case YamlKind::kMap:
      return "!!map";
    case YamlKind::kSequence:
      return "!!seq";
  }
  return "!!str";
}

// The number a node holds as a float, for integer targets given "1e3".
std::optional<double> NumberAsDouble(const YAML::Node& node) {
  YamlKind kind = Resolve(node);
  if (kind == YamlKind::kFloat) return ParsePlainFloat(node.Scalar());
  if (kind == YamlKind::kInt) {
    auto v = ParsePlainInt(node.Scalar());
    if (!v) return std::nullopt;
    double d = static_cast<double>(v->magnitude);
    return v->negative ? -d : d;
  }
  return std::nullopt;
}

}  // namespace

YamlKind Resolve(const YAML::Node& node) {
  if (node.IsNull()) return YamlKind::kNull;
  if (node.IsMap()) return YamlKind::kMap;
  if (node.IsSequence()) return YamlKind::kSequence;
  const std::string& tag = node.Tag();
  if (tag.starts_with(kTagPrefix)) {
    std::string_view name = std::string_view(tag).substr(kTagPrefix.size());
    if (name == "bool") return YamlKind::kBool;
    if (name == "int") return YamlKind::kInt;
    if (name == "float") return YamlKind::kFloat;
    if (name == "null") return YamlKind::kNull;
    return YamlKind::kString;
  }
  if (tag != "?") return YamlKind::kString;  // quoted ("!") or a local tag
  const std::string& text = node.Scalar();
  if (PlainBool(text)) return YamlKind::kBool;
  if (ParsePlainInt(text)) return YamlKind::kInt;
  if (ParsePlainFloat(text)) return YamlKind::kFloat;
  return YamlKind::kString;
}

std::optional<bool> ScalarAsBool(const YAML::Node& node) {
  if (Resolve(node) != YamlKind::kBool) return std::nullopt;
  return PlainBool(node.Scalar());
}

std::optional<int64_t> ScalarAsInt64(const YAML::Node& node) {
  if (Resolve(node) == YamlKind::kInt) {
    auto v = ParsePlainInt(node.Scalar());
    if (!v) return std::nullopt;
    constexpr uint64_t kMaxPositive = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
    if (!v->negative) {
      if (v->magnitude > kMaxPositive) return std::nullopt;
      return static_cast<int64_t>(v->magnitude);
    }
    if (v->magnitude > kMaxPositive + 1) return std::nullopt;
    return static_cast<int64_t>(0 - v->magnitude);
  }
  // A whole float within range reads as an integer, as upstream accepts it.
  auto d = NumberAsDouble(node);
  if (!d || *d != std::trunc(*d) || !(*d >= -0x1p63 && *d < 0x1p63)) return std::nullopt;
  return static_cast<int64_t>(*d);
}

std::optional<uint64_t> ScalarAsUint64(const YAML::Node& node) {
  if (Resolve(node) == YamlKind::kInt) {
    auto v = ParsePlainInt(node.Scalar());
    if (!v || (v->negative && v->magnitude != 0)) return std::nullopt;
    return v->magnitude;
  }
  auto d = NumberAsDouble(node);
  if (!d || *d != std::trunc(*d) || !(*d >= 0 && *d < 0x1p64)) return std::nullopt;
  return static_cast<uint64_t>(*d);
}

std::optional<double> ScalarAsDouble(const YAML::Node& node) { return NumberAsDouble(node); }

std::string CannotUnmarshal(const YAML::Node& node, std::string_view into) {
  YamlKind kind = Resolve(node);
  std::string out = "cannot unmarshal ";
  out += TagName(kind);
  if (node.IsScalar()) {
    std::string value = node.Scalar();
    if (value.size() > 10) value = value.substr(0, 7) + "...";
    out += " `" + value + "`";
  }
  out += " into ";
  out += into;
  return out;
}

}  // namespace ember::config
