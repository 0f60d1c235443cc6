// The JSON target file parser. Error texts follow Go's encoding/json as
// Prometheus uses it (json.Unmarshal into []*targetgroup.Group, each group
// decoded with DisallowUnknownFields).
#include <nlohmann/json.hpp>

#include "ember/base/strings.h"
#include "ember/discovery/target_group.h"

namespace ember::discovery {
namespace {

using Json = nlohmann::json;

std::string GoJsonType(const Json& v) {
  switch (v.type()) {
    case Json::value_t::object:
      return "object";
    case Json::value_t::array:
      return "array";
    case Json::value_t::string:
      return "string";
    case Json::value_t::boolean:
      return "bool";
    case Json::value_t::null:
      return "null";
    default:
      return "number";
  }
}

Status CannotUnmarshal(const Json& v, std::string_view into) {
  return Status::InvalidArgument("json: cannot unmarshal " + GoJsonType(v) + " into " + std::string(into));
}

Result<TargetGroup> DecodeGroup(const Json& item) {
  if (!item.is_object()) {
    return CannotUnmarshal(item, "Go value of type targetgroup.Group");
  }
  TargetGroup group;
  // Go matches field names case-insensitively; the last duplicate wins, which
  // nlohmann's parser already did for exact duplicates.
  for (const auto& [key, value] : item.items()) {
    if (EqualsIgnoreCase(key, "targets")) {
      group.targets.clear();
      if (value.is_null()) continue;
      if (!value.is_array()) return CannotUnmarshal(value, "Go struct field .targets of type []string");
      for (const Json& t : value) {
        if (t.is_null()) {
          group.targets.push_back(Labels{{std::string(kAddressLabel), ""}});
          continue;
        }
        if (!t.is_string()) return CannotUnmarshal(t, "Go struct field .targets of type string");
        group.targets.push_back(Labels{{std::string(kAddressLabel), t.get<std::string>()}});
      }
    } else if (EqualsIgnoreCase(key, "labels")) {
      if (value.is_null()) continue;
      if (!value.is_object()) return CannotUnmarshal(value, "Go struct field .labels of type model.LabelSet");
      std::vector<Label> labels;
      for (const auto& [name, v] : value.items()) {
        std::string text;
        if (v.is_string()) {
          text = v.get<std::string>();
        } else if (!v.is_null()) {
          return CannotUnmarshal(v, "Go value of type model.LabelValue");
        }
        labels.push_back({name, std::move(text)});
      }
      // Names are checked after the whole map decoded, as model.LabelSet does.
      for (const Label& l : labels) EMBER_RETURN_IF_ERROR(ValidateLabelName(l.name));
      group.labels = Labels::FromUnsorted(std::move(labels));
    } else {
      return Status::InvalidArgument("json: unknown field " + GoQuote(key));
    }
  }
  return group;
}

}  // namespace

Status ValidateLabelName(std::string_view name) {
  if (name.empty() || !IsValidUtf8(name)) {
    return Status::InvalidArgument(GoQuote(name) + " is not a valid label name");
  }
  return Status::Ok();
}

Result<std::vector<TargetGroup>> ParseTargetGroupsJson(std::string_view text) {
  Json doc;
  try {
    doc = Json::parse(text.begin(), text.end());
  } catch (const Json::parse_error& e) {
    // nlohmann's text minus its "[json.exception.parse_error.101] " prefix.
    std::string_view what = e.what();
    if (size_t cut = what.find("] "); cut != std::string_view::npos) what.remove_prefix(cut + 2);
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
      return Status::InvalidArgument("unexpected end of JSON input");
    }
    return Status::InvalidArgument(std::string(what));
  } catch (const std::exception& e) {
    return Status::InvalidArgument(e.what());
  }
  std::vector<TargetGroup> groups;
  if (doc.is_null()) return groups;
  if (!doc.is_array()) return CannotUnmarshal(doc, "Go value of type []*targetgroup.Group");
  for (const Json& item : doc) {
    if (item.is_null()) return Status::InvalidArgument("nil target group item found");
    EMBER_ASSIGN_OR_RETURN(TargetGroup g, DecodeGroup(item));
    groups.push_back(std::move(g));
  }
  return groups;
}

}  // namespace ember::discovery
