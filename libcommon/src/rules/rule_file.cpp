// Decoding and validating rule files with upstream's error texts.
//
// Upstream decodes a rule file twice with Go's YAML library: strictly into
// the rule types (unknown keys and type errors are collected as
// "yaml: unmarshal errors:\n  line N: ..."), and a second time keeping the
// YAML nodes so that validation errors can name line:column positions. This
// decoder walks the yaml-cpp tree once and records both: the same messages,
// the same positions (1-based; 0:0 for a key that is absent).
#include "ember/rules/rule_file.h"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <limits>
#include <optional>
#include <set>

#include "ember/base/strings.h"
#include "ember/template/prometheus_template.h"
#include "name_validation.h"

namespace ember::rules {
namespace {

struct Pos {
  int line = 0;
  int column = 0;
};

Pos PosOf(const YAML::Node& n) {
  YAML::Mark m = n.Mark();
  if (m.is_null()) return {};
  return {m.line + 1, m.column + 1};
}

std::string FormatPos(Pos p) { return std::to_string(p.line) + ":" + std::to_string(p.column); }

// Positions of the nodes that validation errors point at.
struct RuleNodes {
  Pos record;
  Pos alert;
  Pos expr;
};
struct GroupNodes {
  Pos group;
  std::vector<RuleNodes> rules;
};

// A decoding error that stops everything, as a failing custom unmarshaler
// (a duration's) does in Go's decoder.
struct FatalDecodeError {
  std::string message;
};

enum class ScalarTag { kNull, kBool, kInt, kFloat, kStr };

bool IsPlain(const YAML::Node& n) { return n.Tag() == "?" || n.Tag().empty(); }

ScalarTag ResolveScalar(const YAML::Node& n) {
  const std::string& tag = n.Tag();
  if (tag == "!") return ScalarTag::kStr;  // quoted
  if (tag == "tag:yaml.org,2002:str" || tag == "!!str") return ScalarTag::kStr;
  if (tag == "tag:yaml.org,2002:int" || tag == "!!int") return ScalarTag::kInt;
  if (tag == "tag:yaml.org,2002:float" || tag == "!!float") return ScalarTag::kFloat;
  if (tag == "tag:yaml.org,2002:bool" || tag == "!!bool") return ScalarTag::kBool;
  if (tag == "tag:yaml.org,2002:null" || tag == "!!null") return ScalarTag::kNull;
  if (!IsPlain(n)) return ScalarTag::kStr;
  const std::string& s = n.Scalar();
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return ScalarTag::kNull;
  for (std::string_view b : {"true", "True", "TRUE", "false", "False", "FALSE"}) {
    if (s == b) return ScalarTag::kBool;
  }
  std::string digits;
  for (char c : s) {
    if (c != '_') digits += c;
  }
  if (ParseInt(digits)) return ScalarTag::kInt;
  if (digits.size() > 2 &&
      (digits.rfind("0x", 0) == 0 || digits.rfind("0o", 0) == 0 || digits.rfind("0b", 0) == 0))
    return ScalarTag::kInt;
  if (ParseFloat(digits) && s.find_first_not_of("0123456789+-.eE_") == std::string::npos)
    return ScalarTag::kFloat;
  for (std::string_view f : {".inf", ".Inf", ".INF", "+.inf", "-.inf", "-.Inf", ".nan", ".NaN", ".NAN"}) {
    if (s == f) return ScalarTag::kFloat;
  }
  return ScalarTag::kStr;
}

bool IsNullNode(const YAML::Node& n) {
  return n.IsNull() || (n.IsScalar() && ResolveScalar(n) == ScalarTag::kNull);
}

std::string_view TagName(const YAML::Node& n) {
  if (n.IsMap()) return "!!map";
  if (n.IsSequence()) return "!!seq";
  switch (ResolveScalar(n)) {
    case ScalarTag::kNull:
      return "!!null";
    case ScalarTag::kBool:
      return "!!bool";
    case ScalarTag::kInt:
      return "!!int";
    case ScalarTag::kFloat:
      return "!!float";
    case ScalarTag::kStr:
      break;
  }
  return "!!str";
}

// Go's "cannot unmarshal !!str `abc` into int" (long values cut to 7 bytes
// and "...").
std::string CannotUnmarshal(const YAML::Node& n, std::string_view into) {
  std::string out = "cannot unmarshal ";
  out += TagName(n);
  if (n.IsScalar()) {
    std::string v = n.Scalar();
    if (v.size() > 10) v = v.substr(0, 7) + "...";
    out += " `" + v + "`";
  }
  out += " into ";
  out += into;
  return out;
}

std::optional<int64_t> ScalarInt(const YAML::Node& n) {
  ScalarTag tag = ResolveScalar(n);
  std::string s;
  for (char c : n.Scalar()) {
    if (c != '_') s += c;
  }
  if (tag == ScalarTag::kInt) {
    if (auto v = ParseInt(s)) return v;
    bool neg = !s.empty() && s[0] == '-';
    std::string body = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? s.substr(1) : s;
    int base = 10;
    if (body.rfind("0x", 0) == 0) base = 16;
    if (body.rfind("0o", 0) == 0) base = 8;
    if (body.rfind("0b", 0) == 0) base = 2;
    if (base == 10 || body.size() <= 2) return std::nullopt;
    errno = 0;
    char* end = nullptr;
    unsigned long long v = std::strtoull(body.c_str() + 2, &end, base);
    if (errno != 0 || *end != '\0' ||
        v > static_cast<unsigned long long>(std::numeric_limits<int64_t>::max()))
      return std::nullopt;
    return neg ? -static_cast<int64_t>(v) : static_cast<int64_t>(v);
  }
  if (tag == ScalarTag::kFloat) {
    std::optional<double> d = ParseFloat(s);
    if (d && std::isfinite(*d) && *d == std::trunc(*d) && std::fabs(*d) < 9.2e18)
      return static_cast<int64_t>(*d);
  }
  return std::nullopt;
}

class Decoder {
 public:
  explicit Decoder(bool ignore_unknown) : ignore_unknown_(ignore_unknown) {}

  void DecodeFile(const YAML::Node& root, RuleFile& out, std::vector<GroupNodes>& nodes) {
    if (!root.IsDefined() || IsNullNode(root)) return;
    ForEachField(root, "rulefmt.RuleGroups", [&](const std::string& key, const YAML::Node& value) {
      if (key != "groups") return false;
      if (IsNullNode(value)) return true;
      if (!value.IsSequence()) {
        TypeError(value, CannotUnmarshal(value, "[]rulefmt.RuleGroup"));
        return true;
      }
      for (const YAML::Node& item : value) {
        RuleGroupConfig& g = out.groups.emplace_back();
        GroupNodes& gn = nodes.emplace_back();
        gn.group = PosOf(item);
        DecodeGroup(item, g, gn);
      }
      return true;
    });
  }

  const std::vector<std::string>& type_errors() const { return type_errors_; }

 private:
  void DecodeGroup(const YAML::Node& n, RuleGroupConfig& g, GroupNodes& gn) {
    if (IsNullNode(n)) return;
    ForEachField(n, "rulefmt.RuleGroup", [&](const std::string& key, const YAML::Node& value) {
      if (key == "name") {
        String(value, &g.name);
      } else if (key == "interval") {
        Duration(value, &g.interval);
      } else if (key == "query_offset") {
        if (!IsNullNode(value)) {
          Milliseconds d{0};
          Duration(value, &d);
          g.query_offset = d;
        }
      } else if (key == "limit") {
        Int(value, &g.limit);
      } else if (key == "labels") {
        StringMap(value, &g.labels);
      } else if (key == "rules") {
        if (IsNullNode(value)) return true;
        if (!value.IsSequence()) {
          TypeError(value, CannotUnmarshal(value, "[]rulefmt.Rule"));
          return true;
        }
        for (const YAML::Node& item : value) {
          DecodeRule(item, g.rules.emplace_back(), gn.rules.emplace_back());
        }
      } else {
        return false;
      }
      return true;
    });
  }

  void DecodeRule(const YAML::Node& n, RuleConfig& r, RuleNodes& rn) {
    if (IsNullNode(n)) return;
    ForEachField(n, "rulefmt.Rule", [&](const std::string& key, const YAML::Node& value) {
      if (key == "record") {
        rn.record = PosOf(value);
        String(value, &r.record);
      } else if (key == "alert") {
        rn.alert = PosOf(value);
        String(value, &r.alert);
      } else if (key == "expr") {
        rn.expr = PosOf(value);
        String(value, &r.expr);
      } else if (key == "for") {
        Duration(value, &r.for_duration);
      } else if (key == "keep_firing_for") {
        Duration(value, &r.keep_firing_for);
      } else if (key == "labels") {
        StringMap(value, &r.labels);
      } else if (key == "annotations") {
        StringMap(value, &r.annotations);
      } else {
        return false;
      }
      return true;
    });
  }

  // Calls `field(key, value)` for every key of mapping `n` in document order,
  // keys from merge keys (`<<: *anchor`) first unless given explicitly.
  // `field` returns false for a key it does not know.
  template <class F>
  void ForEachField(const YAML::Node& n, std::string_view type_name, F&& field) {
    if (!n.IsMap()) {
      TypeError(n, CannotUnmarshal(n, type_name));
      return;
    }
    std::set<std::string> explicit_keys;
    for (auto it = n.begin(); it != n.end(); ++it) {
      if (it->first.IsScalar() && it->first.Scalar() != "<<") explicit_keys.insert(it->first.Scalar());
    }
    std::map<std::string, int> seen;  // key -> line
    for (auto it = n.begin(); it != n.end(); ++it) {
      const YAML::Node key_node = it->first;
      const YAML::Node value = it->second;
      std::string key = key_node.IsScalar() ? key_node.Scalar() : std::string();
      if (key == "<<" && IsPlain(key_node)) {
        std::vector<YAML::Node> merged;
        if (value.IsMap()) merged.push_back(value);
        if (value.IsSequence()) {
          for (const YAML::Node& m : value) merged.push_back(m);
        }
        for (const YAML::Node& m : merged) {
          if (!m.IsMap()) continue;
          for (auto mit = m.begin(); mit != m.end(); ++mit) {
            std::string mkey = mit->first.IsScalar() ? mit->first.Scalar() : std::string();
            if (explicit_keys.count(mkey) || seen.count(mkey)) continue;
            seen[mkey] = PosOf(mit->first).line;
            if (!field(mkey, mit->second) && !ignore_unknown_) {
              TypeError(mit->first, "field " + mkey + " not found in type " + std::string(type_name));
            }
          }
        }
        continue;
      }
      if (auto prev = seen.find(key); prev != seen.end() && explicit_keys.count(key)) {
        TypeError(key_node,
                  "mapping key " + GoQuote(key) + " already defined at line " + std::to_string(prev->second));
        continue;
      }
      seen[key] = PosOf(key_node).line;
      if (!field(key, value) && !ignore_unknown_) {
        TypeError(key_node, "field " + key + " not found in type " + std::string(type_name));
      }
    }
  }

  void TypeError(const YAML::Node& at, std::string message) {
    type_errors_.push_back("line " + std::to_string(PosOf(at).line) + ": " + message);
  }

  void String(const YAML::Node& n, std::string* out) {
    if (IsNullNode(n)) return;
    if (!n.IsScalar()) return TypeError(n, CannotUnmarshal(n, "string"));
    *out = n.Scalar();
  }

  void Int(const YAML::Node& n, int64_t* out) {
    if (IsNullNode(n)) return;
    std::optional<int64_t> v;
    if (n.IsScalar()) v = ScalarInt(n);
    if (!v || *v < std::numeric_limits<int>::min() || *v > std::numeric_limits<int>::max())
      return TypeError(n, CannotUnmarshal(n, "int"));
    *out = *v;
  }

  void Duration(const YAML::Node& n, Milliseconds* out) {
    if (IsNullNode(n)) return;
    if (!n.IsScalar()) return TypeError(n, CannotUnmarshal(n, "string"));
    Result<Milliseconds> d = ParseDuration(n.Scalar());
    if (!d.ok()) throw FatalDecodeError{d.status().message()};
    *out = *d;
  }

  void StringMap(const YAML::Node& n, std::map<std::string, std::string>* out) {
    if (IsNullNode(n)) return;
    if (!n.IsMap()) return TypeError(n, CannotUnmarshal(n, "map[string]string"));
    std::map<std::string, std::string> m;
    for (auto it = n.begin(); it != n.end(); ++it) {
      if (!it->first.IsScalar()) {
        TypeError(it->first, CannotUnmarshal(it->first, "string"));
        continue;
      }
      std::string key = IsNullNode(it->first) ? std::string() : it->first.Scalar();
      std::string value;
      String(it->second, &value);
      m[key] = value;
    }
    *out = std::move(m);
  }

  bool ignore_unknown_;
  std::vector<std::string> type_errors_;
};

std::string RuleError(const RuleGroupConfig& g, size_t index, const RuleConfig& r, const Pos* node,
                      const Pos* node_alt, std::string_view message) {
  std::string out;
  if (node != nullptr) out += FormatPos(*node) + ": ";
  if (node_alt != nullptr) out += FormatPos(*node_alt) + ": ";
  out += "group " + GoQuote(g.name) + ", rule " + std::to_string(index + 1) + ", " +
         GoQuote(r.alert.empty() ? r.record : r.alert) + ": ";
  out += message;
  return out;
}

void ValidateRule(const RuleGroupConfig& g, size_t index, const RuleConfig& r, const RuleNodes& rn,
                  const RuleFileOptions& options, std::vector<std::string>& errs) {
  auto add = [&](const Pos* node, const Pos* alt, std::string_view msg) {
    errs.push_back(RuleError(g, index, r, node, alt, msg));
  };
  if (!r.record.empty() && !r.alert.empty()) {
    add(&rn.record, &rn.alert, "only one of 'record' and 'alert' must be set");
  }
  if (r.record.empty() && r.alert.empty()) {
    add(&rn.record, &rn.alert, "one of 'record' or 'alert' must be set");
  }
  if (r.expr.empty()) {
    add(&rn.expr, nullptr, "field 'expr' must be set in rule");
  } else if (options.validate_expr) {
    if (Status s = options.validate_expr(r.expr); !s.ok()) {
      add(&rn.expr, nullptr, "could not parse expression: " + s.message());
    }
  }
  bool legacy = options.legacy_name_validation;
  if (!r.record.empty()) {
    if (!r.annotations.empty()) add(&rn.record, nullptr, "invalid field 'annotations' in recording rule");
    if (r.for_duration.count() != 0) add(&rn.record, nullptr, "invalid field 'for' in recording rule");
    if (r.keep_firing_for.count() != 0)
      add(&rn.record, nullptr, "invalid field 'keep_firing_for' in recording rule");
    if (!IsValidMetricName(r.record, legacy))
      add(&rn.record, nullptr, "invalid recording rule name: " + r.record);
    if (r.record.find_first_of("{}") != std::string::npos) {
      add(&rn.record, nullptr,
          "braces present in the recording rule name; should it be in expr?: " + r.record);
    }
  }
  for (const auto& [k, v] : r.labels) {
    if (!IsValidLabelName(k, legacy) || k == kMetricNameLabel)
      add(nullptr, nullptr, "invalid label name: " + k);
    if (!IsValidUtf8(v)) add(nullptr, nullptr, "invalid label value: " + v);
  }
  for (const auto& [k, v] : r.annotations) {
    if (!IsValidLabelName(k, legacy)) add(nullptr, nullptr, "invalid annotation name: " + k);
  }
  if (options.check_templates && !r.alert.empty()) {
    for (const auto& [k, v] : r.labels) {
      if (Status s = tmpl::CheckAlertTemplate(r.alert, v); !s.ok()) {
        add(nullptr, nullptr, "label " + GoQuote(k) + ": " + s.message());
      }
    }
    for (const auto& [k, v] : r.annotations) {
      if (Status s = tmpl::CheckAlertTemplate(r.alert, v); !s.ok()) {
        add(nullptr, nullptr, "annotation " + GoQuote(k) + ": " + s.message());
      }
    }
  }
}

std::vector<std::string> Validate(const RuleFile& file, const std::vector<GroupNodes>& nodes,
                                  const RuleFileOptions& options) {
  std::vector<std::string> errs;
  std::set<std::string> names;
  for (size_t j = 0; j < file.groups.size(); ++j) {
    const RuleGroupConfig& g = file.groups[j];
    const GroupNodes& gn = nodes[j];
    if (g.name.empty()) errs.push_back(FormatPos(gn.group) + ": Groupname must not be empty");
    if (names.count(g.name)) {
      errs.push_back(FormatPos(gn.group) + ": groupname: \"" + g.name + "\" is repeated in the same file");
    }
    for (const auto& [k, v] : g.labels) {
      if (!IsValidLabelName(k, options.legacy_name_validation) || k == kMetricNameLabel) {
        errs.push_back("invalid label name: " + k);
      }
      if (!IsValidUtf8(v)) errs.push_back("invalid label value: " + v);
    }
    names.insert(g.name);
    for (size_t i = 0; i < g.rules.size(); ++i) ValidateRule(g, i, g.rules[i], gn.rules[i], options, errs);
  }
  return errs;
}

// Whether a document start marker ("---" at the start of a line) follows
// content of an earlier document.
bool HasSecondDocument(std::string_view text) {
  bool content = false;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const bool marker = line.substr(0, 3) == "---" && (line.size() == 3 || line[3] == ' ' || line[3] == '\t');
    if (marker && content) return true;
    std::string_view trimmed = TrimSpace(line);
    if (!marker && !trimmed.empty() && trimmed[0] != '#' && trimmed[0] != '%') content = true;
    if (marker && TrimSpace(line.substr(3)).size() > 0 && TrimSpace(line.substr(3))[0] != '#') content = true;
    pos = end + 1;
  }
  return false;
}

}  // namespace

Status RuleFileParse::ToStatus() const {
  if (errors.empty()) return Status::Ok();
  return Status::InvalidArgument(Join(errors, "\n"));
}

RuleFileParse ParseRuleFile(std::string_view content, const RuleFileOptions& options) {
  RuleFileParse out;
  std::vector<GroupNodes> nodes;
  try {
    // YAML::Load reads the first document only. (yaml-cpp 0.7's LoadAll can
    // loop forever on some malformed input, so later documents are only
    // detected, by their marker.)
    YAML::Node doc = YAML::Load(std::string(content));
    if (HasSecondDocument(content)) {
      out.warnings.push_back(
          "Multiple document yaml rules files are not supported, only the first document is processed");
    }
    Decoder decoder(options.ignore_unknown_fields);
    decoder.DecodeFile(doc, out.file, nodes);
    if (!decoder.type_errors().empty()) {
      std::string msg = "yaml: unmarshal errors:";
      for (const std::string& e : decoder.type_errors()) msg += "\n  " + e;
      out.errors.push_back(std::move(msg));
    }
  } catch (const FatalDecodeError& e) {
    out.errors.push_back(e.message);
  } catch (const YAML::Exception& e) {
    if (e.mark.is_null()) {
      out.errors.push_back("yaml: " + e.msg);
    } else {
      out.errors.push_back("yaml: line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
    }
  }
  if (!out.errors.empty()) {
    out.file = RuleFile{};
    return out;
  }
  out.errors = Validate(out.file, nodes, options);
  return out;
}

RuleFileParse ParseRuleFileAt(FileSystem& fs, const std::string& path, const RuleFileOptions& options) {
  Result<std::string> content = fs.ReadFile(path);
  if (!content.ok()) {
    RuleFileParse out;
    out.errors.push_back(path + ": " + content.status().message());
    return out;
  }
  RuleFileParse out = ParseRuleFile(*content, options);
  for (std::string& e : out.errors) e = path + ": " + e;
  return out;
}

}  // namespace ember::rules
