#include "ember/base/flags.h"

#include <catch2/catch.hpp>

namespace ember {
namespace {

struct Parsed {
  std::string config = "prometheus.yml";
  std::string listen = "0.0.0.0:9090";
  bool admin = true;
  int64_t limit = 10;
  std::vector<std::string> features;
};

Result<FlagSet::Outcome> ParseInto(Parsed& p, std::vector<const char*> args, std::string* out) {
  FlagSet flags("ember-test", "A test program.");
  flags.String("config.file", &p.config, "Configuration file path.");
  flags.String("web.listen-address", &p.listen, "Address to listen on.");
  flags.Bool("web.enable-admin-api", &p.admin, "Enable admin endpoints.");
  flags.Int("query.max-samples", &p.limit, "Sample limit.");
  flags.Strings("enable-feature", &p.features, "Features.");
  args.insert(args.begin(), "ember-test");
  return flags.Parse(static_cast<int>(args.size()), args.data(), "ember-test, version 1", out);
}

TEST_CASE("Flags accept kingpin and Go flag spellings") {
  Parsed p;
  std::string out;
  auto r = ParseInto(p,
                     {"--config.file=/etc/x.yml", "-web.listen-address", ":1234", "--no-web.enable-admin-api",
                      "-query.max-samples=5", "--enable-feature=a", "--enable-feature", "b"},
                     &out);
  REQUIRE(r.ok());
  CHECK(*r == FlagSet::Outcome::kRun);
  CHECK(p.config == "/etc/x.yml");
  CHECK(p.listen == ":1234");
  CHECK_FALSE(p.admin);
  CHECK(p.limit == 5);
  CHECK(p.features == std::vector<std::string>{"a", "b"});
}

TEST_CASE("Flags report errors naming the flag") {
  Parsed p;
  std::string out;
  CHECK(ParseInto(p, {"--bogus=1"}, &out).status().message() == "unknown flag --bogus");
  CHECK(ParseInto(p, {"--config.file"}, &out).status().message() == "flag --config.file expects a value");
  CHECK(ParseInto(p, {"--query.max-samples=x"}, &out).status().message() ==
        "invalid value \"x\" for flag --query.max-samples: expected an integer");
}

TEST_CASE("Help and version print and ask to exit") {
  Parsed p;
  std::string out;
  CHECK(ParseInto(p, {"--version"}, &out).value() == FlagSet::Outcome::kExitOk);
  CHECK(out == "ember-test, version 1");
  CHECK(ParseInto(p, {"-h"}, &out).value() == FlagSet::Outcome::kExitOk);
  CHECK(out.find("--config.file=<value>") != std::string::npos);
  CHECK(out.find("(default: \"prometheus.yml\")") != std::string::npos);
}

}  // namespace
}  // namespace ember
