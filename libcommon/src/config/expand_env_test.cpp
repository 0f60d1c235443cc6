#include "ember/config/expand_env.h"

#include <map>

#include <catch2/catch.hpp>

namespace ember::config {
namespace {

EnvLookup FakeEnv(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

const EnvLookup kEnv = FakeEnv({{"HOST", "loki.svc"}, {"PORT", "3100"}, {"EMPTY", ""}, {"DOLLAR", "$HOST"}});

std::string Expand(std::string_view text) {
  auto r = ExpandEnv(text, kEnv);
  return r.ok() ? *r : "error: " + r.status().message();
}

TEST_CASE("ExpandEnv replaces both reference forms") {
  CHECK(Expand("url: http://${HOST}:$PORT/loki") == "url: http://loki.svc:3100/loki");
  CHECK(Expand("a: $HOST_NAME b: ${UNSET}.") == "a:  b: .");
  CHECK(Expand("no references") == "no references");
}

TEST_CASE("ExpandEnv defaults") {
  CHECK(Expand("${UNSET:-fallback}") == "fallback");
  CHECK(Expand("${EMPTY:-fallback}") == "fallback");
  CHECK(Expand("${EMPTY-fallback}") == "");
  CHECK(Expand("${UNSET-fallback}") == "fallback");
  CHECK(Expand("${PORT:-80}") == "3100");
  CHECK(Expand("${UNSET:-}") == "");
  CHECK(Expand("${UNSET:-http://${HOST}:${UNSET2:-9}}") == "http://loki.svc:9");
}

TEST_CASE("ExpandEnv keeps literal dollars") {
  CHECK(Expand("price: $$5 and $$HOST") == "price: $5 and $HOST");
  CHECK(Expand("regex: (.*)$ and $1 and $") == "regex: (.*)$ and $1 and $");
  CHECK(Expand("${DOLLAR}") == "$HOST");  // values are not expanded again
}

TEST_CASE("ExpandEnv errors name the line") {
  CHECK(Expand("a: 1\nb: ${HOST\n") == "error: line 2: unterminated \"${\"");
  CHECK(Expand("${}") == "error: line 1: bad substitution \"${}\"");
  CHECK(Expand("${1A}") == "error: line 1: bad substitution \"${1A}\"");
  CHECK(Expand("\n\n${HOST:=x}") ==
        "error: line 3: unsupported substitution \"${HOST:=x}\" (only ${NAME}, ${NAME-default} and "
        "${NAME:-default})");
}

TEST_CASE("ProcessEnvLookup reads the environment") {
  EnvLookup env = ProcessEnvLookup();
  CHECK(env("EMBER_SURELY_UNSET_VARIABLE") == std::nullopt);
  CHECK(env("PATH").has_value());
}

}  // namespace
}  // namespace ember::config
