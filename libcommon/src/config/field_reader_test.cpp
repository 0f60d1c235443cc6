#include "ember/config/field_reader.h"

#include <cmath>

#include <catch2/catch.hpp>

namespace ember::config {
namespace {

// Decodes `yaml` with `decode` and returns the error message ("" when OK).
std::string Decode(std::string_view yaml, const StructDecoder& decode) {
  Status s = DecodeYaml(yaml, "config", decode);
  return s.message();
}

TEST_CASE("Strings take any scalar's text") {
  std::string a = "default", b, c, d, e = "kept", f;
  CHECK(Decode("a: hello world\nb: 80\nc: 'true'\nd: |\n  two\n  lines\nf: !!str 5\n", [&](FieldReader& r) {
          r.Field("a", &a);
          r.Field("b", &b);
          r.Field("c", &c);
          r.Field("d", &d);
          r.Field("e", &e);
          r.Field("f", &f);
        }) == "");
  CHECK(a == "hello world");
  CHECK(b == "80");
  CHECK(c == "true");
  CHECK(d == "two\nlines\n");
  CHECK(e == "kept");
  CHECK(f == "5");
  CHECK(Decode("a: [1, 2]\n", [&](FieldReader& r) { r.Field("a", &a); }) ==
        "line 1: cannot unmarshal !!seq into string (path: a)");
}

TEST_CASE("Maps of string lists read as Go's url.Values") {
  std::map<std::string, std::vector<std::string>> params;
  CHECK(Decode("params:\n  module: [http_2xx]\n  target: [a, b]\n",
               [&](FieldReader& r) { r.Field("params", &params); }) == "");
  CHECK(params.at("module") == std::vector<std::string>{"http_2xx"});
  CHECK(params.at("target") == std::vector<std::string>{"a", "b"});
  CHECK(Decode("params:\n  module: http_2xx\n", [&](FieldReader& r) { r.Field("params", &params); }) ==
        "line 2: cannot unmarshal !!str `http_2xx` into []string (path: params.module)");
  CHECK(Decode("params: [a]\n", [&](FieldReader& r) { r.Field("params", &params); }) ==
        "line 1: cannot unmarshal !!seq into map[string][]string (path: params)");
}

TEST_CASE("Absent and null values keep defaults") {
  std::string s = "d";
  int i = 7;
  bool b = true;
  std::vector<std::string> list = {"x"};
  CHECK(Decode("s:\ni: ~\nb: null\nlist:\n", [&](FieldReader& r) {
          r.Field("s", &s);
          r.Field("i", &i);
          r.Field("b", &b);
          r.Field("list", &list);
        }) == "");
  CHECK(s == "d");
  CHECK(i == 7);
  CHECK(b);
  CHECK(list == std::vector<std::string>{"x"});
  CHECK(Decode("", [&](FieldReader& r) { r.Field("s", &s); }) == "");
  CHECK(Decode("# only a comment\n", [&](FieldReader& r) { r.Field("s", &s); }) == "");
}

TEST_CASE("Booleans take the YAML 1.1 forms and nothing else") {
  bool v = false;
  for (const char* yes : {"true", "True", "yes", "on", "Y"}) {
    v = false;
    CHECK(Decode(std::string("v: ") + yes, [&](FieldReader& r) { r.Field("v", &v); }) == "");
    CHECK(v);
  }
  for (const char* no : {"false", "FALSE", "no", "off", "n"}) {
    v = true;
    CHECK(Decode(std::string("v: ") + no, [&](FieldReader& r) { r.Field("v", &v); }) == "");
    CHECK_FALSE(v);
  }
  CHECK(Decode("v: 'true'", [&](FieldReader& r) { r.Field("v", &v); }) ==
        "line 1: cannot unmarshal !!str `true` into bool (path: v)");
  CHECK(Decode("v: 1", [&](FieldReader& r) { r.Field("v", &v); }) ==
        "line 1: cannot unmarshal !!int `1` into bool (path: v)");
}

TEST_CASE("Integers: forms, ranges and type errors") {
  int i = 0;
  int64_t i64 = 0;
  uint64_t u64 = 0;
  CHECK(Decode("i: -42\ni64: 0x7fffffffffffffff\nu64: 18446744073709551615\n", [&](FieldReader& r) {
          r.Field("i", &i);
          r.Field("i64", &i64);
          r.Field("u64", &u64);
        }) == "");
  CHECK(i == -42);
  CHECK(i64 == INT64_MAX);
  CHECK(u64 == UINT64_MAX);

  auto one = [&](std::string yaml) {
    return Decode(yaml, [&](FieldReader& r) {
      r.Field("i", &i);
      r.Field("u", &u64);
    });
  };
  CHECK(one("i: 1_000") == "");
  CHECK(i == 1000);
  CHECK(one("i: 0o17") == "");
  CHECK(i == 15);
  CHECK(one("i: 017") == "");
  CHECK(i == 15);
  CHECK(one("i: 0b101") == "");
  CHECK(i == 5);
  CHECK(one("i: 1e3") == "");
  CHECK(i == 1000);
  CHECK(one("i: abc") == "line 1: cannot unmarshal !!str `abc` into int (path: i)");
  CHECK(one("i: '5'") == "line 1: cannot unmarshal !!str `5` into int (path: i)");
  CHECK(one("i: 1.5") == "line 1: cannot unmarshal !!float `1.5` into int (path: i)");
  CHECK(one("i: 2147483648") == "line 1: cannot unmarshal !!int `2147483648` into int (path: i)");
  CHECK(one("u: -1") == "line 1: cannot unmarshal !!int `-1` into uint64 (path: u)");
  CHECK(one("i: a very long string value") ==
        "line 1: cannot unmarshal !!str `a very ...` into int (path: i)");
  CHECK(one("i: {a: 1}") == "line 1: cannot unmarshal !!map into int (path: i)");
}

TEST_CASE("Floats take ints, floats and the .inf/.nan spellings") {
  double d = 0;
  auto one = [&](std::string yaml) { return Decode(yaml, [&](FieldReader& r) { r.Field("d", &d); }); };
  CHECK(one("d: 2") == "");
  CHECK(d == 2);
  CHECK(one("d: -0.25") == "");
  CHECK(d == -0.25);
  CHECK(one("d: 1.5e3") == "");
  CHECK(d == 1500);
  CHECK(one("d: .inf") == "");
  CHECK(std::isinf(d));
  CHECK(one("d: -.Inf") == "");
  CHECK(d < 0);
  CHECK(one("d: .NaN") == "");
  CHECK(std::isnan(d));
  CHECK(one("d: fast") == "line 1: cannot unmarshal !!str `fast` into float64 (path: d)");
}

TEST_CASE("Prometheus and Go durations") {
  Milliseconds interval{60000};
  Nanoseconds timeout{0};
  CHECK(Decode("interval: 1m30s\ntimeout: 1.5s\n", [&](FieldReader& r) {
          r.Duration("interval", &interval);
          r.GoDuration("timeout", &timeout);
        }) == "");
  CHECK(interval == Milliseconds(90000));
  CHECK(timeout == Nanoseconds(1500000000));
  CHECK(Decode("\ninterval: 1.5s\n", [&](FieldReader& r) { r.Duration("interval", &interval); }) ==
        "line 2: not a valid duration string: \"1.5s\" (path: interval)");
  CHECK(Decode("timeout: 5\n", [&](FieldReader& r) { r.GoDuration("timeout", &timeout); }) ==
        "line 1: time: missing unit in duration \"5\" (path: timeout)");
  CHECK(interval == Milliseconds(90000));
}

TEST_CASE("Lists and maps of scalars replace their defaults") {
  std::vector<std::string> targets = {"default:1"};
  std::vector<double> buckets = {1};
  std::map<std::string, std::string> labels = {{"old", "x"}};
  CHECK(Decode("targets: [a:1, 'b:2', 3]\nbuckets:\n  - 0.5\n  - 10\nlabels:\n  env: prod\n  port: 80\n",
               [&](FieldReader& r) {
                 r.Field("targets", &targets);
                 r.Field("buckets", &buckets);
                 r.Field("labels", &labels);
               }) == "");
  CHECK(targets == std::vector<std::string>{"a:1", "b:2", "3"});
  CHECK(buckets == std::vector<double>{0.5, 10});
  CHECK(labels == std::map<std::string, std::string>{{"env", "prod"}, {"port", "80"}});

  CHECK(Decode("targets: a:1\n", [&](FieldReader& r) { r.Field("targets", &targets); }) ==
        "line 1: cannot unmarshal !!str `a:1` into []string (path: targets)");
  CHECK(Decode("buckets:\n  - 1\n  - x\n", [&](FieldReader& r) { r.Field("buckets", &buckets); }) ==
        "line 3: cannot unmarshal !!str `x` into float64 (path: buckets[1])");
  CHECK(Decode("labels:\n  a: [1]\n", [&](FieldReader& r) { r.Field("labels", &labels); }) ==
        "line 2: cannot unmarshal !!seq into string (path: labels.a)");
  CHECK(Decode("labels: [a]\n", [&](FieldReader& r) { r.Field("labels", &labels); }) ==
        "line 1: cannot unmarshal !!seq into map[string]string (path: labels)");
}

struct Target {
  std::string job;
  std::vector<std::string> targets;
};

void DecodeTarget(FieldReader& r, Target& t) {
  r.SetTypeName("scrape_config");
  r.Field("job_name", &t.job);
  r.Field("targets", &t.targets);
  if (t.job.empty()) r.Fail("job_name is empty");
}

TEST_CASE("Nested structs, lists of structs and unknown keys") {
  std::string global_interval;
  std::vector<Target> jobs;
  auto decode = [&](FieldReader& r) {
    r.Struct("global", [&](FieldReader& g) { g.Field("scrape_interval", &global_interval); });
    r.List("scrape_configs", [&](FieldReader& item) { DecodeTarget(item, jobs.emplace_back()); });
  };
  CHECK(Decode("global:\n  scrape_interval: 15s\nscrape_configs:\n  - job_name: a\n    targets: [x]\n"
               "  - job_name: b\n",
               decode) == "");
  CHECK(global_interval == "15s");
  REQUIRE(jobs.size() == 2);
  CHECK(jobs[1].job == "b");

  jobs.clear();
  CHECK(Decode("global:\n  scrape_interval: 15s\n  scrape_intervall: 1m\n", decode) ==
        "line 3: field scrape_intervall not found in type global (path: global.scrape_intervall)");
  CHECK(Decode("scrape_configs:\n  - job_name: a\n    target: [x]\n", decode) ==
        "line 3: field target not found in type scrape_config (path: scrape_configs[0].target)");
  CHECK(Decode("unknown: 1\n", decode) == "line 1: field unknown not found in type config (path: unknown)");
  CHECK(Decode("scrape_configs:\n  - job_name: a\n  - targets: [x]\n", decode) ==
        "line 3: job_name is empty (path: scrape_configs[1])");
  CHECK(Decode("global: 5\n", decode) == "line 1: cannot unmarshal !!int `5` into global (path: global)");
  CHECK(Decode("scrape_configs: {a: 1}\n", decode) ==
        "line 1: cannot unmarshal !!map into list (path: scrape_configs)");
  CHECK(Decode("- a\n", decode) == "line 1: cannot unmarshal !!seq into config");
}

TEST_CASE("A null struct decodes as an empty one") {
  int runs = 0;
  CHECK(Decode("global:\n", [&](FieldReader& r) { r.Struct("global", [&](FieldReader&) { ++runs; }); }) ==
        "");
  CHECK(runs == 1);
  CHECK(Decode("other: 1\n", [&](FieldReader& r) {
          r.Field("other", &runs);
          r.Struct("global", [&](FieldReader&) { runs = 100; });
        }) == "");
  CHECK(runs == 1);
}

TEST_CASE("Maps of structs and keys chosen by the document") {
  std::map<std::string, int> tenants;
  std::vector<std::string> stages;
  CHECK(Decode("overrides:\n  a:\n    limit: 1\n  b:\n    limit: 2\n"
               "stages:\n  - regex: {expression: x}\n  - json: {}\n",
               [&](FieldReader& r) {
                 r.Map("overrides",
                       [&](const std::string& name, FieldReader& o) { o.Field("limit", &tenants[name]); });
                 r.List("stages", [&](FieldReader& s) {
                   for (const std::string& kind : s.Keys()) {
                     stages.push_back(kind);
                     s.Struct(kind, [&](FieldReader& body) {
                       std::string expression;
                       body.Field("expression", &expression);
                     });
                   }
                 });
               }) == "");
  CHECK(tenants == std::map<std::string, int>{{"a", 1}, {"b", 2}});
  CHECK(stages == std::vector<std::string>{"regex", "json"});
  CHECK(Decode("overrides:\n  a:\n    limitt: 1\n", [&](FieldReader& r) {
          r.Map("overrides",
                [&](const std::string& name, FieldReader& o) { o.Field("limit", &tenants[name]); });
        }) == "line 3: field limitt not found in type overrides (path: overrides.a.limitt)");
}

TEST_CASE("Parse hands scalars to custom parsers with the value's position") {
  std::string action;
  std::vector<std::string> versions;
  auto decode = [&](FieldReader& r) {
    r.Parse("action", [&](const std::string& s) -> Status {
      if (s != "keep" && s != "drop") return Status::InvalidArgument("unknown relabel action " + s);
      action = s;
      return Status::Ok();
    });
    r.ParseList("versions", [&](const std::string& s) -> Status {
      if (s.rfind("TLS", 0) != 0) return Status::InvalidArgument("unknown TLS version: " + s);
      versions.push_back(s);
      return Status::Ok();
    });
  };
  CHECK(Decode("action: keep\nversions: [TLS12, TLS13]\n", decode) == "");
  CHECK(action == "keep");
  CHECK(versions == std::vector<std::string>{"TLS12", "TLS13"});
  CHECK(Decode("\naction: replace\n", decode) == "line 2: unknown relabel action replace (path: action)");
  CHECK(Decode("versions:\n  - TLS12\n  - SSL3\n", decode) ==
        "line 3: unknown TLS version: SSL3 (path: versions[1])");
}

TEST_CASE("Check, Fail and Unsupported carry the struct's path") {
  auto decode = [&](FieldReader& r) {
    r.Struct("limits", [&](FieldReader& l) {
      int max = 0;
      l.Field("max", &max);
      l.Check(max < 0 ? Status::InvalidArgument("max must not be negative") : Status::Ok());
      l.Unsupported("shard_by", "shard with the ring instead");
    });
  };
  CHECK(Decode("limits:\n  max: -1\n", decode) == "line 1: max must not be negative (path: limits)");
  CHECK(Decode("limits:\n  max: 1\n  shard_by: x\n", decode) ==
        "line 3: field shard_by is not supported: shard with the ring instead (path: limits.shard_by)");
  CHECK(Decode("", [&](FieldReader& r) { r.Fail("nothing configured"); }) == "line 1: nothing configured");
}

TEST_CASE("The first error wins and stops decoding") {
  int a = 0, b = 0;
  bool checked = false;
  CHECK(Decode("a: x\nb: y\nc: 1\n", [&](FieldReader& r) {
          r.Field("a", &a);
          r.Field("b", &b);
          checked = !r.ok();
          r.Fail("never reported");
        }) == "line 1: cannot unmarshal !!str `x` into int (path: a)");
  CHECK(checked);
}

TEST_CASE("Duplicate keys, merge keys and syntax errors") {
  std::string a, b;
  auto decode = [&](FieldReader& r) {
    r.Struct("x", [&](FieldReader& x) {
      x.Field("a", &a);
      x.Field("b", &b);
    });
  };
  CHECK(Decode("x:\n  a: 1\n  b: 2\n  a: 3\n", decode) ==
        "line 4: mapping key \"a\" already defined at line 2 (path: x)");
  CHECK(Decode("base: &base {a: 1, b: 2}\nx:\n  <<: *base\n  b: 3\n", [&](FieldReader& r) {
          r.Struct("base", [](FieldReader& base) {
            std::string ignored;
            base.Field("a", &ignored);
            base.Field("b", &ignored);
          });
          decode(r);
        }) == "");
  CHECK(a == "1");
  CHECK(b == "3");
  CHECK(Decode("x: [1\n", decode) == "line 2: end of sequence flow not found");
  CHECK(Decode("x:\n  a: 1\n y: 2\n", decode).rfind("line 3: ", 0) == 0);
}

TEST_CASE("Skip accepts a key whatever its value") {
  CHECK(Decode("remote_write:\n  - url: x\n    unknown: 1\nalerting: 5\n", [&](FieldReader& r) {
          r.Skip("remote_write");
          r.Skip("alerting");
          r.Skip("absent");
        }) == "");
}

TEST_CASE("Has and Keys do not consume") {
  CHECK(Decode("a: 1\nb:\n", [&](FieldReader& r) {
          CHECK(r.Has("a"));
          CHECK(r.Has("b"));
          CHECK_FALSE(r.Has("c"));
          CHECK(r.Keys() == std::vector<std::string>{"a", "b"});
          CHECK(r.path().empty());
        }) == "line 1: field a not found in type config (path: a)");
}

}  // namespace
}  // namespace ember::config
