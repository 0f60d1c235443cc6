// The YAML target file parser, strict as yaml.v2's UnmarshalStrict into
// []*targetgroup.Group: type errors are collected and reported together,
// an unknown or repeated key is one of them, an invalid label name stops
// decoding with its own message.
#include <yaml-cpp/yaml.h>

#include "ember/base/strings.h"
#include "ember/discovery/target_group.h"

namespace ember::discovery {
namespace {

constexpr std::string_view kGroupType =
    "struct { Targets []string \"yaml:\\\"targets\\\"\"; Labels model.LabelSet \"yaml:\\\"labels\\\"\" }";

int Line(const YAML::Node& n) { return n.Mark().line + 1; }

std::string Tag(const YAML::Node& n) {
  if (n.IsMap()) return "!!map";
  if (n.IsSequence()) return "!!seq";
  if (n.IsNull()) return "!!null";
  if (n.Tag() == "!") return "!!str";  // quoted
  const std::string& s = n.Scalar();
  if (s == "true" || s == "false" || s == "True" || s == "False" || s == "TRUE" || s == "FALSE")
    return "!!bool";
  if (ParseInt(s)) return "!!int";
  if (ParseFloat(s)) return "!!float";
  return "!!str";
}

struct Decoder {
  std::vector<std::string> errors;  // yaml.v2's TypeError lines
  Status fatal;                     // an error from a custom unmarshaler

  void TypeError(const YAML::Node& n, std::string_view into) {
    errors.push_back("line " + std::to_string(Line(n)) + ": cannot unmarshal " + Tag(n) + " into " +
                     std::string(into));
  }
  // A scalar read as a Go string: any scalar's text; null reads as "".
  bool String(const YAML::Node& n, std::string* out, std::string_view into = "string") {
    if (n.IsNull()) {
      out->clear();
      return true;
    }
    if (!n.IsScalar()) {
      TypeError(n, into);
      return false;
    }
    *out = n.Scalar();
    return true;
  }
  // Checks the keys of a mapping for duplicates; yaml.v2 strict mode reports
  // `key "x" already set in map`.
  bool DuplicateKey(const YAML::Node& key, std::vector<std::string>& seen) {
    std::string text = key.IsScalar() ? key.Scalar() : "";
    for (const std::string& s : seen) {
      if (s == text) {
        errors.push_back("line " + std::to_string(Line(key)) + ": key " + GoQuote(text) +
                         " already set in map");
        return true;
      }
    }
    seen.push_back(text);
    return false;
  }

  void Group(const YAML::Node& n, TargetGroup& g) {
    if (!n.IsMap()) return TypeError(n, kGroupType);
    std::vector<std::string> seen;
    for (auto it = n.begin(); it != n.end() && fatal.ok(); ++it) {
      YAML::Node key = it->first;
      YAML::Node value = it->second;
      if (DuplicateKey(key, seen)) continue;
      std::string name = key.IsScalar() ? key.Scalar() : "";
      if (name == "targets") {
        g.targets.clear();
        if (value.IsNull()) continue;
        if (!value.IsSequence()) {
          TypeError(value, "[]string");
          continue;
        }
        for (const YAML::Node& t : value) {
          std::string address;
          if (String(t, &address)) g.targets.push_back(Labels{{std::string(kAddressLabel), address}});
        }
      } else if (name == "labels") {
        DecodeLabels(value, g);
      } else {
        errors.push_back("line " + std::to_string(Line(key)) + ": field " + name + " not found in type " +
                         std::string(kGroupType));
      }
    }
  }

  void DecodeLabels(const YAML::Node& n, TargetGroup& g) {
    if (n.IsNull()) return;
    if (!n.IsMap()) return TypeError(n, "model.LabelSet");
    std::vector<Label> labels;
    std::vector<std::string> seen;
    for (auto it = n.begin(); it != n.end(); ++it) {
      if (DuplicateKey(it->first, seen)) continue;
      Label l;
      if (!String(it->first, &l.name) || !String(it->second, &l.value, "model.LabelValue")) continue;
      if (Status s = ValidateLabelName(l.name); !s.ok()) {
        fatal = s;
        return;
      }
      labels.push_back(std::move(l));
    }
    g.labels = Labels::FromUnsorted(std::move(labels));
  }
};

}  // namespace

Result<std::vector<TargetGroup>> ParseTargetGroupsYaml(std::string_view text) {
  YAML::Node doc;
  try {
    doc = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument("yaml: line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  } catch (const std::exception& e) {
    return Status::InvalidArgument(std::string("yaml: ") + e.what());
  }
  std::vector<TargetGroup> groups;
  if (!doc.IsDefined() || doc.IsNull()) return groups;
  Decoder d;
  try {
    if (!doc.IsSequence()) {
      d.TypeError(doc, "[]*targetgroup.Group");
    } else {
      for (const YAML::Node& item : doc) {
        if (item.IsNull()) return Status::InvalidArgument("nil target group item found");
        d.Group(item, groups.emplace_back());
        if (!d.fatal.ok()) return d.fatal;
      }
    }
  } catch (const std::exception& e) {
    return Status::InvalidArgument(std::string("yaml: ") + e.what());
  }
  if (!d.errors.empty()) {
    std::string msg = "yaml: unmarshal errors:";
    for (const std::string& e : d.errors) msg += "\n  " + e;
    return Status::InvalidArgument(std::move(msg));
  }
  return groups;
}

}  // namespace ember::discovery
