// Rule file decoding and validation. testdata/*.bad.yml must fail with
// exactly the errors in the *.bad.yml.err beside them (one per line, without
// the file name promtool puts first); *.good.yml must load. Files named
// legacy_* are checked with legacy name validation; template_* need the
// template library's parser and are run by their own case.
#include <catch2/catch.hpp>

#include <filesystem>

#include "ember/base/strings.h"
#include "ember/rules/rule_file.h"

namespace ember::rules {
namespace {

// Stands in for the PromQL parser: rejects unbalanced parentheses with the
// parser's message.
Status FakeValidateExpr(std::string_view expr) {
  int depth = 0;
  for (char c : expr) depth += c == '(' ? 1 : c == ')' ? -1 : 0;
  if (depth > 0) {
    return Status::InvalidArgument("1:" + std::to_string(expr.size() + 1) +
                                   ": parse error: unclosed left parenthesis");
  }
  return Status::Ok();
}

RuleFileOptions OptionsFor(const std::string& name) {
  RuleFileOptions o;
  o.validate_expr = FakeValidateExpr;
  o.legacy_name_validation = name.rfind("legacy_", 0) == 0;
  return o;
}

std::string Read(const std::string& path) {
  Result<std::string> r = FileSystem::Real().ReadFile(path);
  REQUIRE(r.ok());
  return *r;
}

void RunTestdata(bool templates) {
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator("testdata")) {
    const std::string name = entry.path().filename().string();
    const bool is_template = name.rfind("template_", 0) == 0;
    if (is_template != templates) continue;
    const std::string path = entry.path().string();
    if (name.size() > 8 && name.substr(name.size() - 8) == ".bad.yml") {
      ++files;
      INFO(name);
      RuleFileParse p = ParseRuleFile(Read(path), OptionsFor(name));
      CHECK(Join(p.errors, "\n") == Read(path + ".err"));
    } else if (name.size() > 9 && name.substr(name.size() - 9) == ".good.yml") {
      ++files;
      INFO(name);
      RuleFileParse p = ParseRuleFile(Read(path), OptionsFor(name));
      CHECK(Join(p.errors, "\n") == "");
    }
  }
  CHECK(files > 0);
}

TEST_CASE("rule file testdata", "[rules]") { RunTestdata(false); }

TEST_CASE("rule file testdata with templates", "[rules][template]") { RunTestdata(true); }

TEST_CASE("a full rule file decodes every field", "[rules]") {
  RuleFileParse p = ParseRuleFile(Read("testdata/full.good.yml"));
  REQUIRE(p.ok());
  REQUIRE(p.file.groups.size() == 2);
  const RuleGroupConfig& g = p.file.groups[0];
  CHECK(g.name == "full");
  CHECK(g.interval == Milliseconds(30000));
  CHECK(g.limit == 10);
  CHECK(g.query_offset == Milliseconds(60000));
  CHECK(g.labels == std::map<std::string, std::string>{{"team", "infra"}});
  REQUIRE(g.rules.size() == 2);
  CHECK(g.rules[0].record == "job:up:sum");
  CHECK(g.rules[0].expr == "sum by (job) (up)");
  CHECK(g.rules[0].labels.at("source") == "rules");
  const RuleConfig& a = g.rules[1];
  CHECK(a.alert == "InstanceDown");
  CHECK(a.for_duration == Milliseconds(300000));
  CHECK(a.keep_firing_for == Milliseconds(120000));
  CHECK(a.annotations.at("summary") == "Instance {{ $labels.instance }} down");
  const RuleGroupConfig& d = p.file.groups[1];
  CHECK(d.interval == Milliseconds(0));
  CHECK(!d.query_offset.has_value());
  CHECK(d.rules.empty());
}

TEST_CASE("anchors, aliases and merge keys resolve", "[rules]") {
  RuleFileParse p = ParseRuleFile(Read("testdata/aliases.good.yml"));
  REQUIRE(p.ok());
  const auto& rules = p.file.groups.at(0).rules;
  REQUIRE(rules.size() == 3);
  CHECK(rules[1].expr == "rate(errors_total[5m])\n  > 0.1\n");
  CHECK(rules[2].alert == "Derived");
  CHECK(rules[2].expr == rules[0].expr);
  CHECK(rules[2].for_duration == Milliseconds(600000));
  CHECK(rules[2].labels == std::map<std::string, std::string>{{"copy", "Base"}, {"severity", "warning"}});
}

TEST_CASE("empty files and unknown fields on request", "[rules]") {
  CHECK(ParseRuleFile("").ok());
  CHECK(ParseRuleFile("# only a comment\n").ok());
  CHECK(ParseRuleFile("groups:\n").ok());
  RuleFileOptions lax;
  lax.ignore_unknown_fields = true;
  CHECK(ParseRuleFile("groups: [{name: g, x: 1, rules: [{record: r, expr: e, y: 2}]}]", lax).ok());
  RuleFileParse two = ParseRuleFile("groups: []\n---\ngroups: [{name: g}]\n");
  CHECK(two.ok());
  CHECK(two.warnings.size() == 1);
  CHECK(ParseRuleFile("---\ngroups: []\n").warnings.empty());
  CHECK(ParseRuleFile("# c\n--- # x\ngroups: []\n").warnings.empty());
  // Once made yaml-cpp's multi-document loader loop forever (yaml-cpp reads it as an empty document).
  CHECK(ParseRuleFile(",groups:\n- name: # Every :\n- name: # Everyreco o").file.groups.empty());
  CHECK(ParseRuleFile("[1, 2]").errors ==
        std::vector<std::string>{
            "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!seq into rulefmt.RuleGroups"});
}

TEST_CASE("ParseRuleFileAt prefixes errors with the path", "[rules]") {
  auto fs = NewMemFileSystem();
  REQUIRE(fs->WriteFileAtomically("/r.yml", "groups: [{name: g, rules: [{record: r}]}]").ok());
  RuleFileParse p = ParseRuleFileAt(*fs, "/r.yml");
  REQUIRE(p.errors.size() == 1);
  CHECK(p.errors[0] == "/r.yml: 0:0: group \"g\", rule 1, \"r\": field 'expr' must be set in rule");
  CHECK(p.ToStatus().code() == StatusCode::kInvalidArgument);
  RuleFileParse missing = ParseRuleFileAt(*fs, "/nope.yml");
  REQUIRE(missing.errors.size() == 1);
  CHECK(missing.errors[0].rfind("/nope.yml: ", 0) == 0);
}

TEST_CASE("ExpandRuleFileGlobs", "[rules]") {
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("ember_rules_glob_" + std::to_string(::getpid()))).string();
  std::filesystem::create_directories(dir + "/sub");
  for (const char* f : {"/b.yml", "/a.yml", "/c.yaml", "/sub/d.yml"}) {
    REQUIRE(FileSystem::Real().WriteFileAtomically(dir + f, "groups: []").ok());
  }
  Result<std::vector<std::string>> r =
      ExpandRuleFileGlobs({dir + "/*.yml", dir + "/none*", dir + "/*/*.yml"});
  REQUIRE(r.ok());
  CHECK(*r == std::vector<std::string>{dir + "/a.yml", dir + "/b.yml", dir + "/sub/d.yml"});
  Result<std::vector<std::string>> bad = ExpandRuleFileGlobs({dir + "/[a.yml"});
  CHECK(bad.status().message() ==
        "error retrieving rule files for " + dir + "/[a.yml: syntax error in pattern");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ember::rules
