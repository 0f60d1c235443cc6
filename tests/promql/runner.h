// Runs a parsed test script against a real store (tsdb::Db in a temporary
// directory) and the PromQL engine, as DSL.md §4-§6 describe: each eval is
// checked, instant evals also with the @-modifier rewrite and in range mode.
//
// An eval that needs a feature Ember lacks is skipped and counted under the
// feature's name, never as passed.
#pragma once

#include <map>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "script.h"

namespace ember::promqltest {

struct RunOptions {
  // Run only the evals whose header is on one of these lines (all when empty).
  std::set<int> lines;
  // Print every eval's outcome, not just failures.
  bool verbose = false;
};

struct FileReport {
  std::string file;
  int passed = 0;
  int failed = 0;
  int skipped = 0;
  // Skips by the name of the missing feature.
  std::map<std::string, int> skip_reasons;
  // `file:line: query` plus the reason, one entry per failed eval (or one for
  // a file that cannot be read or parsed).
  std::vector<std::string> failures;
  // The file could not be read or parsed.
  bool broken = false;
};

// Executes `script` (read from `file`, used in messages). Writes progress to
// `log` when options.verbose.
FileReport RunScript(const std::string& file, const Script& script, const RunOptions& options,
                     std::ostream& log);

// Reads, parses and runs a file.
FileReport RunScriptFile(const std::string& file, const RunOptions& options, std::ostream& log);

}  // namespace ember::promqltest
