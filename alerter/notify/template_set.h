// TemplateSet: the notification templates of one configuration, Ember's
// defaults (same output as Alertmanager's default.tmpl) plus the files the
// configuration's `templates` globs name, and the execution of a receiver
// setting's template text against them, as upstream's ExecuteTextString and
// ExecuteHTMLString do (missingkey=zero, Alertmanager's functions).
//
// Later definitions replace earlier ones (user files override the defaults;
// a definition with a blank body does not replace a non-blank one, as Go's
// rule), and definitions in the executed text replace both.
//
// HTML: Go's html/template escapes every interpolated value by its context.
// ExecuteHtml instead HTML-escapes every string of the data (labels,
// annotations, URLs, receiver, ...) as html/template escapes text content,
// and leaves the template's own text and literals alone: values land escaped
// in text and in quoted attributes, but no URL filtering or JavaScript/CSS
// escaping is done, and a function applied to a value sees it escaped.
//
// Thread-safe: a loaded set is immutable apart from an internal parse cache.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ember/base/status.h"
#include "ember/template/template.h"
#include "notify/template_data.h"

namespace ember::alerter {

// The text of Ember's default templates.
std::string_view DefaultTemplatesText();

// One `{{define}}` block found at the top level of a template text.
struct TemplateDefinition {
  std::string name;
  std::string text;    // from the define action to its end action, verbatim
  bool blank = false;  // the body is only white space
};

// Splits `text` into its top-level definitions and the rest (the text with
// them cut out). Error: the text is not well-formed enough to split.
Status SplitDefinitions(std::string_view text, std::vector<TemplateDefinition>& defs, std::string& rest);

class TemplateSet {
 public:
  // The defaults plus every file matching each glob, in order (files of one
  // glob sorted by name, a glob matching nothing adds nothing). Error: a
  // file cannot be read; InvalidArgument with Go's parse error of a file.
  static Result<std::shared_ptr<const TemplateSet>> Load(const std::vector<std::string>& globs);

  // The defaults plus the given (name, text) sources, for tests and tools.
  static Result<std::shared_ptr<const TemplateSet>> FromSources(
      const std::vector<std::pair<std::string, std::string>>& sources);

  // Executes `text` with the data; "" gives "". Error: InvalidArgument with
  // Go's parse or exec message.
  Result<std::string> ExecuteText(std::string_view text, const NotificationData& data) const;
  // As ExecuteText, with the data HTML-escaped (see above).
  Result<std::string> ExecuteHtml(std::string_view text, const NotificationData& data) const;
  // Executes `text` on any value (custom payloads, tests).
  Result<std::string> ExecuteValue(std::string_view text, const tmpl::Value& data) const;

 private:
  TemplateSet() = default;
  Status Add(std::string_view name, std::string_view text);
  Result<std::shared_ptr<const tmpl::Template>> Compile(std::string_view text) const;

  std::vector<TemplateDefinition> defs_;  // by order of first definition
  std::map<std::string, size_t, std::less<>> index_;
  mutable std::mutex mu_;
  mutable std::map<std::string, std::shared_ptr<const tmpl::Template>, std::less<>>
      cache_;  // GUARDED_BY(mu_)
};

// Go's html/template escaping of text content: & < > " ' + and NUL.
std::string HtmlEscape(std::string_view s);

}  // namespace ember::alerter
