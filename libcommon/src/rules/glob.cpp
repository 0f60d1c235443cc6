#include <glob.h>

#include <algorithm>

#include "ember/rules/rule_file.h"

namespace ember::rules {
namespace {

// Go's filepath.Match syntax check: a '[' must close, a trailing '\\' escapes
// nothing.
bool ValidPattern(std::string_view p) {
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] == '\\') {
      if (++i >= p.size()) return false;
    } else if (p[i] == '[') {
      size_t j = i + 1;
      if (j < p.size() && p[j] == '^') ++j;
      if (j < p.size() && p[j] == ']') return false;  // an empty class
      bool closed = false;
      for (; j < p.size(); ++j) {
        if (p[j] == '\\') {
          ++j;
        } else if (p[j] == ']') {
          closed = true;
          break;
        }
      }
      if (!closed) return false;
      i = j;
    }
  }
  return true;
}

}  // namespace

Result<std::vector<std::string>> ExpandRuleFileGlobs(const std::vector<std::string>& patterns) {
  std::vector<std::string> out;
  for (const std::string& pattern : patterns) {
    if (!ValidPattern(pattern)) {
      return Status::InvalidArgument("error retrieving rule files for " + pattern +
                                     ": syntax error in pattern");
    }
    glob_t g{};
    int rc = glob(pattern.c_str(), GLOB_NOSORT, nullptr, &g);
    std::vector<std::string> matches;
    if (rc == 0) {
      for (size_t i = 0; i < g.gl_pathc; ++i) matches.emplace_back(g.gl_pathv[i]);
    }
    globfree(&g);
    std::sort(matches.begin(), matches.end());
    out.insert(out.end(), matches.begin(), matches.end());
  }
  return out;
}

}  // namespace ember::rules
