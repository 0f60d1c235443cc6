// `ember-scraper test rules FILE...`: runs rule unit-test files in
// promtool's format (rule_test_file.h) against a fresh store per test, the
// PromQL engine and the rules evaluator, and prints what promtool prints.
//
// For each file, `out` receives "Unit Testing:  <file>" and then either
// "  SUCCESS" or blank lines, while `err` receives "  FAILED:" and each
// failure (promtool writes the same texts to stdout and stderr). Exit code:
// 0 when every file passed, 1 otherwise.
//
// Not thread-safe with respect to the streams; each call uses its own stores.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace ember::scraper {

struct RuleTestOptions {
  // `--run`: only the tests whose name matches one of these regular
  // expressions (RE2 syntax, unanchored, as Go's MatchString) run; a test
  // without a name has the name "". Empty: every test runs.
  std::vector<std::string> run;
  // `--ignore-unknown-fields`: unknown keys in rule files are accepted (the
  // test files themselves stay strict, as upstream). Default: false.
  bool ignore_unknown_fields = false;
  // `--enable-feature=promql-experimental-functions`. Default: false.
  bool enable_experimental_functions = false;
  // `--enable-feature=promql-delayed-name-removal`. Default: false.
  bool delayed_name_removal = false;
  // Where each test's temporary store is created (and removed after the
  // test). Default: the system's temporary directory.
  std::string temp_dir;
};

// Runs the tests of every file in order and returns the exit code.
int RunRuleTests(const std::vector<std::string>& files, const RuleTestOptions& options, std::ostream& out,
                 std::ostream& err);

}  // namespace ember::scraper
