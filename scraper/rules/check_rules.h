// `ember-scraper check rules FILE...`: promtool's `check rules`, checking rule
// files with the PromQL parser and the template engine.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace ember::scraper {

// Prints "Checking <file>", then "  SUCCESS: N rules found" to `out` or
// "  FAILED:" and each error to `err`, and an empty line, for every file, as
// promtool does. Returns the exit code: 0 when every file is valid, 1
// otherwise.
int CheckRuleFiles(const std::vector<std::string>& files, bool ignore_unknown_fields, std::ostream& out,
                   std::ostream& err);

}  // namespace ember::scraper
