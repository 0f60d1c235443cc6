// Go's text/template: parse once, execute many times.
//
//   EMBER_ASSIGN_OR_RETURN(auto t, tmpl::Template::Parse("msg", "{{ .name | printf \"%q\" }}", funcs));
//   EMBER_ASSIGN_OR_RETURN(std::string out, t->Execute(data));
//
// The language is Go's (actions, pipelines, variables, if/else if/range/
// with/define/template/block, break/continue, trim markers, comments) with
// Go's builtins (and or not len index slice print printf println eq ne lt le
// gt ge html js urlquery call) and Go's error texts:
//   parse: `template: NAME:LINE: message`
//   exec:  `template: NAME:LINE:COL: executing "NAME" at <node>: message`
//
// A parsed Template is immutable: Execute may run on many threads at once.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "ember/base/status.h"
#include "ember/template/value.h"

namespace ember::tmpl {

// What a missing map key gives (Go's Option("missingkey=...")).
enum class MissingKey {
  kDefault,  // "missingkey=default"/"invalid": no value, printed "<no value>"
  kZero,     // "missingkey=zero": the zero value of the map's element type
  kError,    // "missingkey=error": execution stops with `map has no entry for key "x"`
};

struct ParseOptions {
  // Action delimiters. Default: "{{" and "}}".
  std::string left_delim = "{{";
  std::string right_delim = "}}";
  // Functions the template may call besides the builtins; only their names
  // matter at parse time (`function "x" not defined` otherwise), their
  // bodies are looked up again at execution (see ExecOptions::funcs).
  // Not owned; may be null.
  const FuncMap* funcs = nullptr;
  MissingKey missing_key = MissingKey::kDefault;
};

// Limits that keep one execution bounded whatever the template says. Go has
// only a template-call depth of 100000; Ember's recursion runs on the
// thread's stack, so depth is bounded far lower.
struct ExecOptions {
  // Functions for this execution, looked up before ParseOptions::funcs and the
  // builtins (per-execution closures such as Prometheus's `query`). Not
  // owned; may be null.
  const FuncMap* funcs = nullptr;
  // Nested template invocations plus nested control structures at once:
  // past it, `exceeded maximum template depth (N)`. Default: 1000.
  int max_depth = 1000;
  // Output bytes, and the size of any string a function returns; past it
  // execution stops with ResourceExhausted. Default: 64 MiB.
  size_t max_output_bytes = size_t{64} << 20;
  // Nodes evaluated (each action, text, iteration); past it execution stops
  // with ResourceExhausted. 0: no limit. Default: 0.
  uint64_t max_steps = 0;
};

class Template {
 public:
  // Parses `text` as the template `name`; `{{define}}` and `{{block}}` add
  // further named templates. Error: InvalidArgument with Go's message
  // (`template: NAME:LINE: ...`).
  static Result<std::shared_ptr<const Template>> Parse(std::string_view name, std::string_view text,
                                                       const ParseOptions& options = {});

  // Executes the template on `data` (Go's `.` and `$`), appending to `out`
  // (partial output stays there on error). Error: InvalidArgument with
  // Go's exec message; ResourceExhausted when a limit in `options` is hit.
  Status Execute(std::string& out, const Value& data, const ExecOptions& options = {}) const;
  Result<std::string> Execute(const Value& data, const ExecOptions& options = {}) const;

  // Executes the associated template `name` (Go's ExecuteTemplate). Error as
  // Execute, and `template: no template "x" associated with template "y"`.
  Status ExecuteTemplate(std::string& out, std::string_view name, const Value& data,
                         const ExecOptions& options = {}) const;

  const std::string& name() const;
  // Whether a template of that name was defined (the main one included).
  bool HasTemplate(std::string_view name) const;

  ~Template();
  Template(const Template&) = delete;
  Template& operator=(const Template&) = delete;

  struct Impl;

 private:
  explicit Template(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Go's builtin functions only (and, or, ... call), for tools that list them.
const FuncMap& Builtins();

}  // namespace ember::tmpl
