#include "ember/config/yaml_file.h"

#include <catch2/catch.hpp>

namespace ember::config {
namespace {

struct ServerOptions {
  std::string url = "http://localhost:3100";  // Default: the local Loki
  int64_t batch_size = 1024;
};

void DecodeServer(FieldReader& r, ServerOptions& o) {
  r.Field("url", &o.url);
  r.Field("batch_size", &o.batch_size);
}

TEST_CASE("LoadYamlFile decodes a file from the file system") {
  auto fs = NewMemFileSystem();
  REQUIRE(fs->WriteFileAtomically("/etc/shipper.yml", "url: http://loki:3100\n").ok());
  Result<ServerOptions> opts = LoadYamlFile(*fs, "/etc/shipper.yml", "server", &DecodeServer);
  REQUIRE(opts.ok());
  CHECK(opts->url == "http://loki:3100");
  CHECK(opts->batch_size == 1024);
}

TEST_CASE("An empty file means defaults") {
  auto fs = NewMemFileSystem();
  REQUIRE(fs->WriteFileAtomically("/empty.yml", "").ok());
  Result<ServerOptions> opts = LoadYamlFile(*fs, "/empty.yml", "server", &DecodeServer);
  REQUIRE(opts.ok());
  CHECK(opts->url == "http://localhost:3100");
}

TEST_CASE("LoadYamlFileOrDefault decodes the embedded default when no file is named") {
  auto fs = NewMemFileSystem();
  Result<ServerOptions> def = LoadYamlFileOrDefault(*fs, "", "batch_size: 8\n", "server", &DecodeServer);
  REQUIRE(def.ok());
  CHECK(def->batch_size == 8);
  REQUIRE(fs->WriteFileAtomically("/s.yml", "batch_size: 9\n").ok());
  CHECK(LoadYamlFileOrDefault(*fs, "/s.yml", "batch_size: 8\n", "server", &DecodeServer)->batch_size == 9);
  Result<ServerOptions> bad = LoadYamlFileOrDefault(*fs, "", "bogus: 1\n", "server", &DecodeServer);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message() ==
        "parsing YAML file (embedded default): line 1: field bogus not found in type server (path: bogus)");
}

TEST_CASE("Errors name the file") {
  auto fs = NewMemFileSystem();
  Result<ServerOptions> missing = LoadYamlFile(*fs, "/nope.yml", "server", &DecodeServer);
  CHECK(missing.status().code() == StatusCode::kNotFound);
  CHECK(missing.status().message().find("/nope.yml") != std::string::npos);

  REQUIRE(fs->WriteFileAtomically("/bad.yml", "url: x\nbatch_sise: 5\n").ok());
  Result<ServerOptions> bad = LoadYamlFile(*fs, "/bad.yml", "server", &DecodeServer);
  CHECK(bad.status().code() == StatusCode::kInvalidArgument);
  CHECK(bad.status().message() ==
        "parsing YAML file /bad.yml: line 2: field batch_sise not found in type server (path: batch_sise)");
}

TEST_CASE("Environment expansion only when asked") {
  auto fs = NewMemFileSystem();
  REQUIRE(fs->WriteFileAtomically("/env.yml", "url: http://${HOST:-loki}:3100\nbatch_size: ${BATCH}\n").ok());
  YamlFileOptions expand;
  expand.expand_env = true;
  expand.env = [](std::string_view name) -> std::optional<std::string> {
    if (name == "BATCH") return "64";
    return std::nullopt;
  };
  Result<ServerOptions> opts = LoadYamlFile(*fs, "/env.yml", "server", &DecodeServer, expand);
  REQUIRE(opts.ok());
  CHECK(opts->url == "http://loki:3100");
  CHECK(opts->batch_size == 64);

  Result<ServerOptions> raw = LoadYamlFile(*fs, "/env.yml", "server", &DecodeServer);
  CHECK(
      raw.status().message() ==
      "parsing YAML file /env.yml: line 2: cannot unmarshal !!str `${BATCH}` into int64 (path: batch_size)");

  REQUIRE(fs->WriteFileAtomically("/broken.yml", "url: ${HOST\n").ok());
  CHECK(LoadYamlFile(*fs, "/broken.yml", "server", &DecodeServer, expand).status().message() ==
        "parsing YAML file /broken.yml: line 1: unterminated \"${\"");
}

}  // namespace
}  // namespace ember::config
