#include "rules/check_rules.h"

#include "ember/base/file_system.h"
#include "ember/promql/parser.h"
#include "ember/rules/rule_file.h"

namespace ember::scraper {

int CheckRuleFiles(const std::vector<std::string>& files, bool ignore_unknown_fields, std::ostream& out,
                   std::ostream& err) {
  rules::RuleFileOptions options;
  options.ignore_unknown_fields = ignore_unknown_fields;
  options.validate_expr = [](std::string_view expr) { return promql::ParseExpr(expr).status(); };
  bool failed = false;
  for (const std::string& file : files) {
    out << "Checking " << file << "\n";
    rules::RuleFileParse parsed = rules::ParseRuleFileAt(FileSystem::Real(), file, options);
    if (!parsed.ok()) {
      failed = true;
      out.flush();
      err << "  FAILED:\n";
      for (const std::string& e : parsed.errors) err << e << "\n";
      err.flush();
    } else {
      size_t count = 0;
      for (const rules::RuleGroupConfig& g : parsed.file.groups) count += g.rules.size();
      out << "  SUCCESS: " << count << " rules found\n";
    }
    out << "\n";
  }
  return failed ? 1 : 0;
}

}  // namespace ember::scraper
