// Rule files: the Prometheus rule file format (`groups:` of recording and
// alerting rules), decoded and validated with upstream's error texts.
//
//   groups:
//   - name: example          # required, unique within the file
//     interval: 30s          # default: the manager's evaluation interval
//     limit: 0               # max series per rule result, 0 = no limit
//     query_offset: 1m       # default: the manager's default query offset
//     labels: {team: a}      # added to every rule's results (Prometheus 3.x)
//     rules:
//     - record: job:up:sum
//       expr: sum by (job) (up)
//       labels: {source: rules}
//     - alert: InstanceDown
//       expr: up == 0
//       for: 5m
//       keep_firing_for: 1m
//       labels: {severity: page}
//       annotations: {summary: "{{ $labels.instance }} is down"}
//
// The expression language is not known here: validation calls an injected
// ExprValidator (the PromQL or LogQL parser), so one decoder serves both.
// Everything here is a pure function of its inputs and thread-safe.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ember/base/file_system.h"
#include "ember/base/status.h"
#include "ember/base/time.h"

namespace ember::rules {

// Checks that `expr` parses in the rules' expression language. Its error
// message is shown after "could not parse expression: ", as promtool prints
// the parser's error.
using ExprValidator = std::function<Status(std::string_view expr)>;

// One rule as written in the file. Exactly one of `record` and `alert` is set
// in a valid rule.
struct RuleConfig {
  std::string record;                         // recording rule: the output metric name
  std::string alert;                          // alerting rule: the alert name
  std::string expr;                           // the query, in the injected language
  Milliseconds for_duration{0};               // `for`: pending time before firing
  Milliseconds keep_firing_for{0};            // `keep_firing_for`: firing time after the condition clears
  std::map<std::string, std::string> labels;  // added to (or templated onto) results
  std::map<std::string, std::string> annotations;  // alerting rules only; templated
};

struct RuleGroupConfig {
  std::string name;
  // `interval`: 0 means "the manager's default evaluation interval".
  Milliseconds interval{0};
  // `query_offset`: unset means "the manager's default query offset".
  std::optional<Milliseconds> query_offset;
  // `limit`: the most series one rule may produce; 0 means no limit.
  int64_t limit = 0;
  // `labels`: added to every rule's results; a rule's own labels win.
  std::map<std::string, std::string> labels;
  std::vector<RuleConfig> rules;
};

struct RuleFile {
  std::vector<RuleGroupConfig> groups;
};

struct RuleFileOptions {
  // Parses a rule's expression. Default (empty): expressions are only
  // checked for being non-empty.
  ExprValidator validate_expr;
  // Checks alert label and annotation templates with ember::tmpl's
  // CheckAlertTemplate, as upstream does. Default: true.
  bool check_templates = true;
  // Accept unknown keys instead of rejecting them (promtool's
  // --ignore-unknown-fields). Default: false.
  bool ignore_unknown_fields = false;
  // Label and metric name validation: UTF-8 (Prometheus 3.x default) when
  // false, the legacy [a-zA-Z_:][a-zA-Z0-9_:]* rules when true. Default: false.
  bool legacy_name_validation = false;
};

// The outcome of decoding one rule file: the decoded groups and every error
// found. `errors` is empty when the file is valid; `file` is meaningful only
// then. Error texts are upstream's, one per entry, e.g.
//   `5:11: group "g", rule 1, "name": could not parse expression: ...`
//   `3:3: groupname: "g" is repeated in the same file`
//   `yaml: unmarshal errors:\n  line 7: field fo not found in type rulefmt.Rule`
struct RuleFileParse {
  RuleFile file;
  std::vector<std::string> errors;
  // Problems that do not fail the file (a second YAML document, which is
  // ignored), for the caller to log.
  std::vector<std::string> warnings;

  bool ok() const { return errors.empty(); }
  // All errors joined by "\n" in an InvalidArgument status (OK when none).
  Status ToStatus() const;
};

// Decodes and validates rule file text (only the first YAML document is read,
// as upstream does). Never throws.
RuleFileParse ParseRuleFile(std::string_view content, const RuleFileOptions& options = {});

// Reads `path` from `fs` and decodes it; every error is prefixed "<path>: ",
// as upstream's rulefmt.ParseFile does (a read error is the only error then).
RuleFileParse ParseRuleFileAt(FileSystem& fs, const std::string& path, const RuleFileOptions& options = {});

// Expands `rule_files` patterns (Go filepath.Glob syntax: `*`, `?`, `[...]`
// within one path element; no `**`, no braces) on the real file system, in
// pattern order, each pattern's matches sorted, duplicates kept as upstream
// keeps them. A pattern matching nothing contributes nothing. Error:
// InvalidArgument `error retrieving rule files for <pattern>: syntax error in
// pattern` for a malformed pattern.
Result<std::vector<std::string>> ExpandRuleFileGlobs(const std::vector<std::string>& patterns);

}  // namespace ember::rules
