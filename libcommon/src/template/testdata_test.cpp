// Runs the golden cases in testdata/*.txt. Each file holds cases:
//
//   === case name
//   --- template
//   {{ .a | printf "%05d" }}
//   --- data
//   {"a": 42}
//   --- output
//   00042
//
// Sections: `template` (required); `data` (JSON: integers become int,
// numbers with a fraction or exponent float64, objects map[string]interface{});
// `missingkey` (default|zero|error); `output` or `error` (exact text; a
// section's text is its lines joined by newlines, without trailing newlines).
// Files named prom_*.txt expand the template as an alerting rule's annotation
// (ExpandAlertTemplate, rule name "test") with sections `labels` (JSON
// object), `external_labels`, `value` (number), `external_url`, `time_ms`, and
// `query` lines `<query> => <JSON list of {"labels": {...}, "value": n}>`.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "ember/base/strings.h"
#include "ember/template/prometheus_template.h"
#include "ember/template/template.h"

namespace ember::tmpl {
namespace {

struct Json {
  std::string_view s;
  size_t i = 0;

  void Ws() {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  }
  std::string Str() {
    std::string out;
    ++i;
    while (i < s.size() && s[i] != '"') {
      if (s[i] == '\\') {
        ++i;
        char e = s[i];
        if (e == 'n') {
          out += '\n';
        } else if (e == 't') {
          out += '\t';
        } else if (e == 'u') {
          AppendUtf8(out, static_cast<uint32_t>(std::stoul(std::string(s.substr(i + 1, 4)), nullptr, 16)));
          i += 4;
        } else {
          out += e;
        }
        ++i;
        continue;
      }
      out += s[i++];
    }
    ++i;
    return out;
  }
  Value Parse() {
    Ws();
    char c = s[i];
    if (c == '{') {
      ++i;
      std::map<std::string, Value, std::less<>> m;
      Ws();
      if (s[i] == '}') {
        ++i;
        return Value::Map(std::move(m));
      }
      while (true) {
        Ws();
        std::string k = Str();
        Ws();
        ++i;  // ':'
        m[k] = Parse();
        Ws();
        if (s[i++] == '}') break;
      }
      return Value::Map(std::move(m));
    }
    if (c == '[') {
      ++i;
      std::vector<Value> l;
      Ws();
      if (s[i] == ']') {
        ++i;
        return Value::List(std::move(l));
      }
      while (true) {
        l.push_back(Parse());
        Ws();
        if (s[i++] == ']') break;
      }
      return Value::List(std::move(l));
    }
    if (c == '"') return Value(Str());
    if (s.substr(i).starts_with("null")) {
      i += 4;
      return Value(nullptr);
    }
    if (s.substr(i).starts_with("true")) {
      i += 4;
      return Value(true);
    }
    if (s.substr(i).starts_with("false")) {
      i += 5;
      return Value(false);
    }
    size_t st = i;
    while (i < s.size() &&
           (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '-' || s[i] == '+' || s[i] == '.')) {
      ++i;
    }
    std::string num(s.substr(st, i - st));
    if (num.find_first_of(".eE") != std::string::npos || num == "NaN" || num.ends_with("Inf")) {
      return Value(*ParseFloat(num));
    }
    return Value(static_cast<int64_t>(std::stoll(num)));
  }
};

Value ParseJson(std::string_view s) {
  Json j{s};
  return j.Parse();
}

Labels LabelsFromJson(std::string_view s) {
  Value v = ParseJson(s);
  std::vector<Label> ls;
  for (const auto& [k, e] : v.AsMap().entries) ls.push_back({k, e.AsString()});
  return Labels::FromUnsorted(std::move(ls));
}

struct Case {
  std::string file;
  std::string name;
  int line = 0;
  std::map<std::string, std::string> sections;
};

std::vector<Case> LoadCases(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::vector<Case> cases;
  std::string line;
  std::string* section = nullptr;
  bool first_line = true;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.starts_with("=== ")) {
      cases.push_back(Case{path.filename().string(), line.substr(4), n, {}});
      section = nullptr;
      continue;
    }
    if (line.starts_with("--- ") && !cases.empty()) {
      section = &cases.back().sections[line.substr(4)];
      first_line = true;
      continue;
    }
    if (section == nullptr) continue;  // comments between cases
    if (!first_line) *section += '\n';
    *section += line;
    first_line = false;
  }
  // Blank lines separate cases: they end no section.
  for (auto& c : cases) {
    for (auto& [k, v] : c.sections) {
      while (!v.empty() && v.back() == '\n') v.pop_back();
    }
  }
  return cases;
}

void RunCase(const Case& c, bool prom) {
  INFO(c.file << ":" << c.line << ": " << c.name);
  REQUIRE(c.sections.count("template") == 1);
  const std::string& text = c.sections.at("template");
  std::string got;
  bool failed = false;
  if (prom) {
    AlertTemplateData data;
    ExpandOptions opts;
    if (c.sections.count("labels")) data.labels = LabelsFromJson(c.sections.at("labels"));
    if (c.sections.count("external_labels"))
      data.external_labels = LabelsFromJson(c.sections.at("external_labels"));
    if (c.sections.count("value")) data.value = *ParseFloat(std::string(TrimSpace(c.sections.at("value"))));
    if (c.sections.count("external_url")) {
      data.external_url = c.sections.at("external_url");
      opts.external_url = data.external_url;
    }
    if (c.sections.count("time_ms")) opts.time_ms = std::stoll(c.sections.at("time_ms"));
    std::map<std::string, std::vector<QuerySample>> queries;
    if (c.sections.count("query")) {
      std::istringstream qs(c.sections.at("query"));
      std::string l;
      while (std::getline(qs, l)) {
        size_t arrow = l.find(" => ");
        REQUIRE(arrow != std::string::npos);
        Value res = ParseJson(l.substr(arrow + 4));
        std::vector<QuerySample> samples;
        for (const auto& e : res.AsList().items) {
          QuerySample s;
          const auto& m = e.AsMap().entries;
          std::vector<Label> ls;
          for (const auto& [k, v] : m.at("labels").AsMap().entries) ls.push_back({k, v.AsString()});
          s.labels = Labels::FromUnsorted(std::move(ls));
          const Value& v = m.at("value");
          s.value = v.kind() == Value::Kind::kInt ? static_cast<double>(v.AsInt()) : v.AsFloat();
          samples.push_back(std::move(s));
        }
        queries[l.substr(0, arrow)] = std::move(samples);
      }
    }
    opts.query = [queries](std::string_view q, int64_t) -> Result<std::vector<QuerySample>> {
      auto it = queries.find(std::string(q));
      if (it == queries.end()) return Status::InvalidArgument("unknown query " + std::string(q));
      return it->second;
    };
    auto r = ExpandAlertTemplate("test", text, data, opts);
    if (r.ok()) {
      got = *r;
    } else {
      failed = true;
      got = r.status().message();
    }
  } else {
    ParseOptions po;
    po.funcs = &PrometheusFuncs();
    if (c.sections.count("missingkey")) {
      const std::string& mk = c.sections.at("missingkey");
      po.missing_key = mk == "zero"    ? MissingKey::kZero
                       : mk == "error" ? MissingKey::kError
                                       : MissingKey::kDefault;
    }
    Value data = c.sections.count("data") ? ParseJson(c.sections.at("data")) : Value(nullptr);
    auto t = Template::Parse("test", text, po);
    if (!t.ok()) {
      failed = true;
      got = t.status().message();
    } else {
      ExecOptions eo;
      eo.max_steps = 1000000;
      Status s = (*t)->Execute(got, data, eo);
      if (!s.ok()) {
        failed = true;
        got = s.message();
      }
    }
  }
  if (c.sections.count("error")) {
    CHECK(failed);
    CHECK(got == c.sections.at("error"));
  } else {
    REQUIRE(c.sections.count("output") == 1);
    CHECK_FALSE(failed);
    CHECK(got == c.sections.at("output"));
  }
}

TEST_CASE("template golden files", "[template]") {
  std::filesystem::path dir = EMBER_TEMPLATE_TESTDATA;
  int files = 0, cases = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".txt") continue;
    ++files;
    bool prom = entry.path().filename().string().starts_with("prom_");
    for (const Case& c : LoadCases(entry.path())) {
      ++cases;
      RunCase(c, prom);
    }
  }
  CHECK(files >= 3);
  CHECK(cases > 100);
}

}  // namespace
}  // namespace ember::tmpl
