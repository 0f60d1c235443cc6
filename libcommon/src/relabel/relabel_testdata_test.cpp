// Runs every testdata/*.txt file: relabeling semantics written as data.
//
// A file holds cases; each is
//
//   case <name>
//   scheme legacy                    optional: legacy label name validation
//   input {a="1", "utf8 name"="x"}   the labels before relabeling
//   relabel_configs:                 YAML, up to the next directive line
//   - source_labels: [a]
//     target_label: b
//   output {a="1", b="1"}            the labels after, or
//   output dropped                   the set is dropped, or
//   error <message>                  decoding the YAML fails with exactly this
//
// Lines starting with '#' outside the YAML are comments. Values in label sets
// are double-quoted with the escapes \\ \" \n \t.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "ember/base/file_system.h"
#include "ember/config/field_reader.h"
#include "ember/relabel/relabel_config_yaml.h"
#include "ember/relabel/relabeler.h"

namespace ember::relabel {
namespace {

struct Case {
  std::string file;
  int line = 0;
  std::string name;
  NameValidation scheme = NameValidation::kUtf8;
  std::string input;
  std::string yaml;
  std::string output;  // "" when an error is expected
  std::string error;
  bool has_error = false;
};

bool IsDirective(const std::string& line) {
  for (std::string_view d : {"case ", "scheme ", "input ", "output ", "error "}) {
    if (line.starts_with(d)) return true;
  }
  return false;
}

std::vector<Case> ReadCases(const std::string& path, const std::string& file) {
  std::ifstream in(path);
  REQUIRE(in.good());
  std::vector<Case> cases;
  std::string line;
  int line_no = 0;
  bool in_yaml = false;
  while (std::getline(in, line)) {
    ++line_no;
    if (in_yaml && !IsDirective(line)) {
      cases.back().yaml += line + "\n";
      continue;
    }
    in_yaml = false;
    if (line.empty() || line[0] == '#') continue;
    if (line.starts_with("case ")) {
      Case& c = cases.emplace_back();
      c.file = file;
      c.line = line_no;
      c.name = line.substr(5);
      continue;
    }
    INFO(file << ":" << line_no << ": " << line);
    REQUIRE(!cases.empty());
    Case& c = cases.back();
    if (line == "scheme legacy") {
      c.scheme = NameValidation::kLegacy;
    } else if (line.starts_with("input ")) {
      c.input = line.substr(6);
    } else if (line.starts_with("relabel_configs:")) {
      c.yaml = line + "\n";
      in_yaml = true;
    } else if (line.starts_with("output ")) {
      c.output = line.substr(7);
    } else if (line.starts_with("error ")) {
      c.error = line.substr(6);
      c.has_error = true;
    } else {
      FAIL("unknown directive");
    }
  }
  return cases;
}

// Parses `{a="1", "b c"="2"}`.
std::vector<Label> ParseLabels(std::string_view s) {
  std::vector<Label> out;
  size_t i = 0;
  auto skip = [&] {
    while (i < s.size() && (s[i] == ' ' || s[i] == ',')) ++i;
  };
  auto quoted = [&] {
    std::string v;
    REQUIRE(s[i] == '"');
    for (++i; i < s.size() && s[i] != '"'; ++i) {
      if (s[i] == '\\' && i + 1 < s.size()) {
        const char e = s[++i];
        v += e == 'n' ? '\n' : e == 't' ? '\t' : e;
      } else {
        v += s[i];
      }
    }
    REQUIRE(i < s.size());
    ++i;
    return v;
  };
  REQUIRE(s.starts_with("{"));
  ++i;
  for (skip(); i < s.size() && s[i] != '}'; skip()) {
    Label l;
    if (s[i] == '"') {
      l.name = quoted();
    } else {
      while (i < s.size() && s[i] != '=') l.name += s[i++];
    }
    REQUIRE(i < s.size());
    REQUIRE(s[i] == '=');
    ++i;
    l.value = quoted();
    out.push_back(std::move(l));
  }
  REQUIRE(i < s.size());
  Labels sorted = Labels::FromUnsorted(std::move(out));
  REQUIRE(!sorted.HasDuplicateNames());
  return sorted.vec();
}

// Returns the decoding Status; fills `steps` when it is OK.
Status Compile(const Case& c, std::vector<CompiledRelabelConfig>& steps) {
  std::vector<RelabelConfig> configs;
  Status s = config::DecodeYaml(c.yaml, "config", [&](config::FieldReader& r) {
    r.List("relabel_configs",
           [&](config::FieldReader& item) { DecodeRelabelConfig(item, configs.emplace_back(), c.scheme); });
  });
  if (!s.ok()) return s;
  for (const RelabelConfig& rc : configs) {
    Result<CompiledRelabelConfig> step = CompiledRelabelConfig::Create(rc, c.scheme);
    if (!step.ok()) return step.status();
    steps.push_back(*std::move(step));
  }
  return Status::Ok();
}

void RunCase(const Case& c) {
  INFO(c.file << ":" << c.line << ": case " << c.name);
  REQUIRE(!c.yaml.empty());
  std::vector<CompiledRelabelConfig> steps;
  Status s = Compile(c, steps);
  if (c.has_error) {
    REQUIRE(!s.ok());
    CHECK(s.message() == c.error);
    return;
  }
  REQUIRE(s.message() == "");
  REQUIRE(!c.output.empty());
  std::vector<Label> labels = ParseLabels(c.input);
  const Labels before = Labels::FromSorted(labels);
  const bool kept = Process(labels, steps);
  if (c.output == "dropped") {
    CHECK_FALSE(kept);
  } else {
    REQUIRE(kept);
    CHECK(Labels::FromSorted(labels).ToString() == Labels::FromSorted(ParseLabels(c.output)).ToString());
  }
  // The Labels overload agrees, and runs a second time on this thread's
  // scratch buffers without carrying anything over.
  Labels out;
  CHECK(Process(before, steps, &out) == kept);
  if (kept) CHECK(out == Labels::FromSorted(labels));
}

TEST_CASE("relabel testdata", "[relabel]") {
  Result<std::vector<std::string>> names = FileSystem::Real().ListDir("testdata");
  REQUIRE(names.ok());
  size_t total = 0;
  for (const std::string& name : *names) {
    if (!name.ends_with(".txt")) continue;
    std::vector<Case> cases = ReadCases("testdata/" + name, name);
    CHECK(!cases.empty());
    for (const Case& c : cases) {
      DYNAMIC_SECTION(name << ": " << c.name) { RunCase(c); }
      ++total;
    }
  }
  CHECK(total >= 50);
}

}  // namespace
}  // namespace ember::relabel
