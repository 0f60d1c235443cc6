#include "notify/template_set.h"

#include <glob.h>

#include <cctype>
#include <fstream>
#include <sstream>

#include "ember/base/strings.h"

namespace ember::alerter {

namespace {

constexpr size_t kMaxCachedTemplates = 1024;

bool IsBlank(std::string_view s) {
  for (char c : s)
    if (!std::isspace(static_cast<unsigned char>(c))) return false;
  return true;
}

// One action of a template text: [begin, end) including its delimiters.
struct Action {
  size_t begin = 0, end = 0;
  size_t body_begin = 0;  // after "{{" and a trim marker
  size_t body_end = 0;    // before a trim marker and "}}"
  std::string keyword;    // first word ("define", "if", "end", ...) or ""
};

// Finds the action starting at `pos` ("{{" there). False when it does not end.
bool ScanAction(std::string_view t, size_t pos, Action& a) {
  a.begin = pos;
  size_t i = pos + 2;
  if (i + 1 < t.size() && t[i] == '-' && std::isspace(static_cast<unsigned char>(t[i + 1]))) ++i;
  while (i < t.size() && std::isspace(static_cast<unsigned char>(t[i]))) ++i;
  a.body_begin = i;
  if (t.substr(i, 2) == "/*") {
    size_t close = t.find("*/", i + 2);
    if (close == std::string_view::npos) return false;
    size_t end = t.find("}}", close + 2);
    if (end == std::string_view::npos) return false;
    a.body_end = close + 2;
    a.end = end + 2;
    a.keyword.clear();
    return true;
  }
  size_t w = i;
  while (w < t.size() && (std::isalnum(static_cast<unsigned char>(t[w])) || t[w] == '_')) ++w;
  a.keyword = std::string(t.substr(i, w - i));
  while (i < t.size()) {
    char c = t[i];
    if (c == '"' || c == '\'') {
      for (++i; i < t.size() && t[i] != c; ++i)
        if (t[i] == '\\') ++i;
      if (i >= t.size()) return false;
      ++i;
    } else if (c == '`') {
      size_t close = t.find('`', i + 1);
      if (close == std::string_view::npos) return false;
      i = close + 1;
    } else if (t.substr(i, 2) == "}}") {
      a.body_end = i;
      if (i >= 2 && t[i - 1] == '-' && std::isspace(static_cast<unsigned char>(t[i - 2]))) a.body_end = i - 1;
      a.end = i + 2;
      return true;
    } else {
      ++i;
    }
  }
  return false;
}

// The name of `{{define "name"}}`: the string literal after the keyword.
bool DefineName(std::string_view body, std::string& name) {
  size_t i = body.find_first_not_of(" \t\r\n", 6);
  if (i == std::string_view::npos) return false;
  char q = body[i];
  if (q != '"' && q != '`') return false;
  name.clear();
  for (++i; i < body.size() && body[i] != q; ++i) {
    if (q == '"' && body[i] == '\\' && i + 1 < body.size()) ++i;
    name.push_back(body[i]);
  }
  return i < body.size();
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("open " + path + ": no such file or directory");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Status GoParseCheck(std::string_view name, std::string_view text) {
  tmpl::ParseOptions po;
  po.funcs = &AlertmanagerFuncs();
  po.missing_key = tmpl::MissingKey::kZero;
  return tmpl::Template::Parse(name, text, po).status();
}

KV EscapeKV(const KV& kv) {
  KV out;
  for (const auto& [k, v] : kv) out.emplace(HtmlEscape(k), HtmlEscape(v));
  return out;
}

}  // namespace

std::string HtmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '\0':
        out += "\xef\xbf\xbd";
        break;
      case '"':
        out += "&#34;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '\'':
        out += "&#39;";
        break;
      case '+':
        out += "&#43;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

Status SplitDefinitions(std::string_view text, std::vector<TemplateDefinition>& defs, std::string& rest) {
  int depth = 0;
  size_t pos = 0, define_begin = 0, body_begin = 0, copied = 0;
  std::string name;
  while (true) {
    size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) break;
    Action a;
    if (!ScanAction(text, open, a)) return Status::InvalidArgument("unterminated action");
    const std::string& k = a.keyword;
    if (k == "if" || k == "range" || k == "with" || k == "block" || k == "define") {
      if (depth == 0 && k == "define") {
        if (!DefineName(text.substr(a.body_begin, a.body_end - a.body_begin), name))
          return Status::InvalidArgument("bad define");
        rest.append(text.substr(copied, open - copied));
        define_begin = open;
        body_begin = a.end;
      }
      ++depth;
    } else if (k == "end") {
      if (depth == 0) return Status::InvalidArgument("unexpected end");
      if (--depth == 0 && define_begin != std::string_view::npos && body_begin != 0) {
        TemplateDefinition d;
        d.name = name;
        d.text = std::string(text.substr(define_begin, a.end - define_begin));
        d.blank = IsBlank(text.substr(body_begin, open - body_begin));
        defs.push_back(std::move(d));
        copied = a.end;
        body_begin = 0;
      }
    }
    pos = a.end;
  }
  if (depth != 0) return Status::InvalidArgument("unclosed action");
  rest.append(text.substr(copied));
  return Status::Ok();
}

Status TemplateSet::Add(std::string_view name, std::string_view text) {
  EMBER_RETURN_IF_ERROR(GoParseCheck(name, text));
  std::vector<TemplateDefinition> defs;
  std::string rest;
  EMBER_RETURN_IF_ERROR(SplitDefinitions(text, defs, rest));
  for (auto& d : defs) {
    auto it = index_.find(d.name);
    if (it == index_.end()) {
      index_.emplace(d.name, defs_.size());
      defs_.push_back(std::move(d));
    } else if (!d.blank || defs_[it->second].blank) {
      defs_[it->second] = std::move(d);
    }
  }
  return Status::Ok();
}

Result<std::shared_ptr<const TemplateSet>> TemplateSet::FromSources(
    const std::vector<std::pair<std::string, std::string>>& sources) {
  std::shared_ptr<TemplateSet> set(new TemplateSet());
  EMBER_RETURN_IF_ERROR(set->Add("default.tmpl", DefaultTemplatesText()));
  for (const auto& [name, text] : sources) EMBER_RETURN_IF_ERROR(set->Add(name, text));
  return std::shared_ptr<const TemplateSet>(std::move(set));
}

Result<std::shared_ptr<const TemplateSet>> TemplateSet::Load(const std::vector<std::string>& globs) {
  std::vector<std::pair<std::string, std::string>> sources;
  for (const std::string& pattern : globs) {
    glob_t g{};
    int rc = ::glob(pattern.c_str(), 0, nullptr, &g);
    if (rc != 0 && rc != GLOB_NOMATCH) {
      globfree(&g);
      return Status::InvalidArgument("syntax error in pattern " + pattern);
    }
    std::vector<std::string> paths(g.gl_pathv, g.gl_pathv + g.gl_pathc);
    globfree(&g);
    for (const std::string& path : paths) {
      EMBER_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
      std::string base =
          path.substr(path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/') + 1);
      sources.emplace_back(base, std::move(text));
    }
  }
  return FromSources(sources);
}

Result<std::shared_ptr<const tmpl::Template>> TemplateSet::Compile(std::string_view text) const {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(text);
    if (it != cache_.end()) return it->second;
  }
  std::vector<TemplateDefinition> own;
  std::string main;
  if (!SplitDefinitions(text, own, main).ok()) {
    own.clear();
    main = std::string(text);
  }
  std::map<std::string, const TemplateDefinition*, std::less<>> overrides;
  for (const auto& d : own) overrides[d.name] = &d;
  // A comment between the pieces keeps a definition's left trim marker from
  // eating the end of the text before it.
  std::string combined = main;
  for (const auto& d : defs_) {
    auto it = overrides.find(d.name);
    const TemplateDefinition* use = &d;
    if (it != overrides.end() && (!it->second->blank || d.blank)) use = it->second;
    combined += "{{/* */}}";
    combined += use->text;
  }
  for (const auto& d : own) {
    if (index_.count(d.name) != 0) continue;
    combined += "{{/* */}}";
    combined += d.text;
  }
  tmpl::ParseOptions po;
  po.funcs = &AlertmanagerFuncs();
  po.missing_key = tmpl::MissingKey::kZero;
  EMBER_ASSIGN_OR_RETURN(std::shared_ptr<const tmpl::Template> t, tmpl::Template::Parse("", combined, po));
  std::lock_guard<std::mutex> lock(mu_);
  if (cache_.size() >= kMaxCachedTemplates) cache_.clear();
  cache_.emplace(std::string(text), t);
  return t;
}

Result<std::string> TemplateSet::ExecuteValue(std::string_view text, const tmpl::Value& data) const {
  if (text.empty()) return std::string();
  EMBER_ASSIGN_OR_RETURN(std::shared_ptr<const tmpl::Template> t, Compile(text));
  return t->Execute(data);
}

Result<std::string> TemplateSet::ExecuteText(std::string_view text, const NotificationData& data) const {
  return ExecuteValue(text, DataValue(data));
}

Result<std::string> TemplateSet::ExecuteHtml(std::string_view text, const NotificationData& data) const {
  if (text.empty()) return std::string();
  NotificationData e;
  e.receiver = HtmlEscape(data.receiver);
  e.status = HtmlEscape(data.status);
  for (const auto& a : data.alerts) {
    NotifyAlert x = a;
    x.status = HtmlEscape(a.status);
    x.labels = EscapeKV(a.labels);
    x.annotations = EscapeKV(a.annotations);
    x.generator_url = HtmlEscape(a.generator_url);
    x.fingerprint = HtmlEscape(a.fingerprint);
    e.alerts.push_back(std::move(x));
  }
  e.group_labels = EscapeKV(data.group_labels);
  e.common_labels = EscapeKV(data.common_labels);
  e.common_annotations = EscapeKV(data.common_annotations);
  e.external_url = HtmlEscape(data.external_url);
  e.group_key = data.group_key;
  e.truncated_alerts = data.truncated_alerts;
  return ExecuteValue(text, DataValue(e));
}

}  // namespace ember::alerter
