// The target file parsers: what they accept and upstream's error texts.
#include "ember/discovery/target_group.h"

#include <catch2/catch.hpp>

namespace ember::discovery {
namespace {

Labels Target(const std::string& address) { return Labels{{std::string(kAddressLabel), address}}; }

std::string JsonError(std::string_view text) {
  auto r = ParseTargetGroupsJson(text);
  REQUIRE_FALSE(r.ok());
  return r.status().message();
}

std::string YamlError(std::string_view text) {
  auto r = ParseTargetGroupsYaml(text);
  REQUIRE_FALSE(r.ok());
  return r.status().message();
}

TEST_CASE("JSON target groups decode targets and labels") {
  auto r = ParseTargetGroupsJson(R"([
    {"targets": ["a:9100", "b:9100"], "labels": {"env": "prod", "team": "x"}},
    {"targets": [], "labels": null},
    {"Targets": ["c:1"]}
  ])");
  REQUIRE(r.ok());
  REQUIRE(r->size() == 3);
  CHECK((*r)[0].targets == std::vector<Labels>{Target("a:9100"), Target("b:9100")});
  CHECK((*r)[0].labels == Labels{{"env", "prod"}, {"team", "x"}});
  CHECK((*r)[1].targets.empty());
  CHECK((*r)[1].labels.empty());
  CHECK((*r)[2].targets == std::vector<Labels>{Target("c:1")});  // Go matches names case-insensitively
  CHECK(ParseTargetGroupsJson("null")->empty());
  CHECK(ParseTargetGroupsJson("[]")->empty());
  // Prometheus 3 accepts UTF-8 label names.
  CHECK(ParseTargetGroupsJson(R"([{"targets":["x"],"labels":{"service.name":"a"}}])").ok());
}

TEST_CASE("JSON target groups reject what upstream rejects") {
  CHECK(JsonError(R"([{"targets": ["a"], "foo": 1}])") == "json: unknown field \"foo\"");
  CHECK(JsonError(R"([{"targets": [1]}])") ==
        "json: cannot unmarshal number into Go struct field .targets of type string");
  CHECK(JsonError(R"([{"targets": "a"}])") ==
        "json: cannot unmarshal string into Go struct field .targets of type []string");
  CHECK(JsonError(R"([{"labels": []}])") ==
        "json: cannot unmarshal array into Go struct field .labels of type model.LabelSet");
  CHECK(JsonError(R"([{"labels": {"a": 1}}])") ==
        "json: cannot unmarshal number into Go value of type model.LabelValue");
  CHECK(JsonError(R"([{"labels": {"": "x"}}])") == "\"\" is not a valid label name");
  CHECK(JsonError(R"({"targets": []})") ==
        "json: cannot unmarshal object into Go value of type []*targetgroup.Group");
  CHECK(JsonError(R"([null])") == "nil target group item found");
  CHECK(JsonError(R"([1])") == "json: cannot unmarshal number into Go value of type targetgroup.Group");
  CHECK(JsonError("") == "unexpected end of JSON input");
  CHECK(JsonError("[{") != "");
}

TEST_CASE("YAML target groups decode targets and labels") {
  auto r = ParseTargetGroupsYaml(R"(
- targets: ['a:9100', b:9100]
  labels:
    env: prod
- targets: [80]
- labels: {x: ~}
)");
  REQUIRE(r.ok());
  REQUIRE(r->size() == 3);
  CHECK((*r)[0].targets == std::vector<Labels>{Target("a:9100"), Target("b:9100")});
  CHECK((*r)[0].labels == Labels{{"env", "prod"}});
  CHECK((*r)[1].targets == std::vector<Labels>{Target("80")});
  CHECK((*r)[2].labels.size() == 1);
  CHECK(ParseTargetGroupsYaml("")->empty());
  CHECK(ParseTargetGroupsYaml("# only a comment\n")->empty());
  CHECK(ParseTargetGroupsYaml("[]")->empty());
}

TEST_CASE("YAML target groups are strict") {
  constexpr std::string_view kType =
      "struct { Targets []string \"yaml:\\\"targets\\\"\"; Labels model.LabelSet \"yaml:\\\"labels\\\"\" }";
  CHECK(YamlError("- targets: [a]\n  foo: 1\n") ==
        "yaml: unmarshal errors:\n  line 2: field foo not found in type " + std::string(kType));
  CHECK(YamlError("- targets: [a]\n  targets: [b]\n") ==
        "yaml: unmarshal errors:\n  line 2: key \"targets\" already set in map");
  CHECK(YamlError("- targets: [[a]]\n") ==
        "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!seq into string");
  CHECK(YamlError("- labels: [a]\n") ==
        "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!seq into model.LabelSet");
  CHECK(YamlError("targets: [a]\n") ==
        "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!map into []*targetgroup.Group");
  CHECK(YamlError("- labels: {a: [x]}\n") ==
        "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!seq into model.LabelValue");
  CHECK(YamlError("- labels: {'': a}\n") == "\"\" is not a valid label name");
  CHECK(YamlError("- \n- targets: [a]\n") == "nil target group item found");
  CHECK(YamlError("- targets: [a\n").rfind("yaml: line ", 0) == 0);
  // Every type error is reported, as yaml.v2 collects them.
  CHECK(YamlError("- foo: 1\n- bar: 2\n").find("line 2: field bar") != std::string::npos);
}

TEST_CASE("label names are checked as Prometheus 3 does") {
  CHECK(ValidateLabelName("job").ok());
  CHECK(ValidateLabelName("höhe.x").ok());
  CHECK(ValidateLabelName("").message() == "\"\" is not a valid label name");
  CHECK(ValidateLabelName("a\xff").message() == "\"a\\xff\" is not a valid label name");
}

}  // namespace
}  // namespace ember::discovery
