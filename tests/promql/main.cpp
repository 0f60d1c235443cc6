// promql-test-runner: runs PromQL test scripts (DSL.md) against Ember's store
// and engine and prints, per file, how many evals passed, failed and were
// skipped (by missing feature), then every failure.
//
//   promql-test-runner [-v] [--line N]... FILE...
//
// Exit code: 0 when no eval failed, 1 otherwise (or on bad usage), 77 when
// every file is missing (so CTest reports the test as skipped).
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "runner.h"

namespace {

int Usage() {
  std::cerr << "usage: promql-test-runner [-v] [--line N]... FILE...\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  using ember::promqltest::FileReport;
  ember::promqltest::RunOptions options;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-v" || arg == "--verbose") {
      options.verbose = true;
    } else if (arg == "--line" || arg.rfind("--line=", 0) == 0) {
      std::string value;
      if (arg == "--line") {
        if (++i >= argc) return Usage();
        value = argv[i];
      } else {
        value = arg.substr(7);
      }
      char* end = nullptr;
      long line = std::strtol(value.c_str(), &end, 10);
      if (end == value.c_str() || *end != '\0' || line <= 0) return Usage();
      options.lines.insert(static_cast<int>(line));
    } else if (!arg.empty() && arg[0] == '-') {
      return Usage();
    } else {
      files.push_back(arg);
    }
  }
  if (files.empty()) return Usage();

  bool failed = false;
  size_t missing = 0;
  std::vector<FileReport> reports;
  for (const auto& file : files) {
    if (!std::filesystem::exists(file)) {
      std::cout << file << ": not found, skipped\n";
      ++missing;
      continue;
    }
    reports.push_back(ember::promqltest::RunScriptFile(file, options, std::cout));
  }
  for (const auto& r : reports) {
    if (r.failed > 0 || r.broken) failed = true;
    for (const auto& f : r.failures) std::cout << "FAILED " << f << "\n";
  }
  for (const auto& r : reports) {
    std::cout << r.file << ": passed " << r.passed << ", failed " << r.failed << ", skipped " << r.skipped;
    if (!r.skip_reasons.empty()) {
      std::cout << " (";
      bool first = true;
      for (const auto& [reason, n] : r.skip_reasons) {
        std::cout << (first ? "" : ", ") << reason << ": " << n;
        first = false;
      }
      std::cout << ")";
    }
    if (r.broken) std::cout << " [stopped: see FAILED above]";
    std::cout << "\n";
  }
  if (failed) return 1;
  if (missing == files.size()) return 77;
  return 0;
}
