// How a YAML scalar reads as a typed value, following the YAML 1.1 rules the
// upstream programs' Go decoder applies: plain scalars resolve to null, bool,
// int, float or string by their text; quoted scalars are always strings; an
// explicit tag (`!!str 5`) wins over the text.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ember::config {

enum class YamlKind { kNull, kBool, kInt, kFloat, kString, kMap, kSequence };

YamlKind Resolve(const YAML::Node& node);

// Each returns nullopt when the node does not hold a value of that type (a
// string, a fraction for an integer, a number out of range).
std::optional<bool> ScalarAsBool(const YAML::Node& node);
std::optional<int64_t> ScalarAsInt64(const YAML::Node& node);
std::optional<uint64_t> ScalarAsUint64(const YAML::Node& node);
std::optional<double> ScalarAsDouble(const YAML::Node& node);

// "cannot unmarshal !!str `abc` into int": the Go decoder's wording, which
// users of the upstream programs know. Long values are cut short.
std::string CannotUnmarshal(const YAML::Node& node, std::string_view into);

}  // namespace ember::config
