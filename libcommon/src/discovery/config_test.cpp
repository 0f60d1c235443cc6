// Decoding static_configs and file_sd_configs from YAML config text.
#include <catch2/catch.hpp>

#include "ember/config/field_reader.h"
#include "ember/discovery/file_sd_config.h"
#include "ember/discovery/static_config.h"

namespace ember::discovery {
namespace {

Status DecodeStatic(std::string_view yaml, std::vector<TargetGroup>* out) {
  return config::DecodeYaml(yaml, "scrape_config",
                            [&](config::FieldReader& r) { DecodeStaticConfigs(r, "static_configs", out); });
}

Status DecodeFile(std::string_view yaml, std::vector<FileSdConfig>* out) {
  return config::DecodeYaml(yaml, "scrape_config", [&](config::FieldReader& r) {
    r.List("file_sd_configs",
           [&](config::FieldReader& item) { DecodeFileSdConfig(item, out->emplace_back()); });
  });
}

TEST_CASE("static_configs decode into numbered groups") {
  std::vector<TargetGroup> groups;
  REQUIRE(DecodeStatic(R"(
static_configs:
  - targets: ['localhost:9090', 'localhost:9100']
    labels: {env: prod}
  - targets: [node:9100]
)",
                       &groups)
              .message() == "");
  REQUIRE(groups.size() == 2);
  CHECK(groups[0].source == "0");
  CHECK(groups[1].source == "1");
  REQUIRE(groups[0].targets.size() == 2);
  CHECK(groups[0].targets[1].Get("__address__") == "localhost:9100");
  CHECK(groups[0].labels == Labels{{"env", "prod"}});
  CHECK(groups[1].labels.empty());
}

TEST_CASE("static_configs errors name the line and path") {
  std::vector<TargetGroup> groups;
  CHECK(DecodeStatic("static_configs:\n  - targets: [a]\n    foo: 1\n", &groups).message() ==
        "line 3: field foo not found in type static_configs (path: static_configs[0].foo)");
  groups.clear();
  CHECK(DecodeStatic("static_configs:\n  - targets: [a]\n    labels: {'': x}\n", &groups).message() ==
        "line 2: \"\" is not a valid label name (path: static_configs[0])");
  groups.clear();
  CHECK(DecodeStatic("static_configs:\n  - targets: {a: b}\n", &groups)
            .message()
            .find("cannot unmarshal !!map") != std::string::npos);
}

TEST_CASE("file_sd_configs decode with defaults and upstream checks") {
  std::vector<FileSdConfig> c;
  REQUIRE(DecodeFile("file_sd_configs:\n  - files: [targets/*.json, a.yml]\n  - files: [b.YAML]\n    "
                     "refresh_interval: 30s\n",
                     &c)
              .message() == "");
  REQUIRE(c.size() == 2);
  CHECK(c[0].files == std::vector<std::string>{"targets/*.json", "a.yml"});
  CHECK(c[0].refresh_interval == std::chrono::minutes(5));
  CHECK(c[1].refresh_interval == std::chrono::seconds(30));

  c.clear();
  CHECK(
      DecodeFile("file_sd_configs:\n  - refresh_interval: 1m\n", &c).message() ==
      "line 2: file service discovery config must contain at least one path name (path: file_sd_configs[0])");
  for (std::string bad : {"a/*/b.json", "a.txt", "*.json.bak", "x*y/z.yml", "targets"}) {
    c.clear();
    CHECK(DecodeFile("file_sd_configs:\n  - files: ['" + bad + "']\n", &c).message() ==
          "line 2: path name \"" + bad + "\" is not valid for file discovery (path: file_sd_configs[0])");
  }
  for (std::string good : {"/etc/*.json", "*.yaml", "a/b/c*d*.yml", "x.JSON", "dir.d/f*.YML"}) {
    CHECK(ValidateFileSdConfig({{good}}).ok());
  }
}

}  // namespace
}  // namespace ember::discovery
