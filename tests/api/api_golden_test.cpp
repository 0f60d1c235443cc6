// Golden tests of ember-scraper's HTTP API: each case in cases/*.case is a
// request and the exact answer Prometheus gives to it (see README.md for the
// file format). The server under test is the real program on a loopback
// port, seeded through its remote write receiver with seed.txt.
//
// Cases marked `peer` are also sent to Prometheus 2.42, seeded the same way,
// which must give the same answer: they pin the golden file to a real
// Prometheus where 2.x and 3.x agree.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "ember/base/strings.h"
#include "ember/promql/parser.h"
#include "ember/tsdb/sample.h"
#include "ember/wire/remote_write.h"
#include "prometheus_peer.h"
#include "test_support.h"

namespace ember {
namespace {

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::string line;
  std::istringstream in(text);
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

// seed.txt: `<series> <start seconds> <step seconds> <values...>`, values
// being numbers, NaN, Inf, -Inf, `stale` (a stale marker) or `_` (none).
std::vector<wire::WriteSeries> ParseSeed(const std::string& path) {
  std::vector<wire::WriteSeries> out;
  for (const std::string& raw : Lines(ReadText(path))) {
    std::string_view line = TrimSpace(raw);
    if (line.empty() || line.front() == '#') continue;
    // The selector ends at the first space outside braces and quotes.
    size_t end = 0;
    int depth = 0;
    bool quoted = false;
    for (; end < line.size(); ++end) {
      char c = line[end];
      if (quoted) {
        if (c == '\\')
          ++end;
        else if (c == '"')
          quoted = false;
      } else if (c == '"') {
        quoted = true;
      } else if (c == '{') {
        ++depth;
      } else if (c == '}') {
        --depth;
      } else if (c == ' ' && depth == 0) {
        break;
      }
    }
    auto matchers = promql::ParseMetricSelector(line.substr(0, end));
    REQUIRE(matchers.ok());
    std::vector<Label> labels;
    for (const tsdb::Matcher& m : *matchers) labels.push_back({m.name(), m.value()});
    wire::WriteSeries series;
    series.labels = Labels::FromUnsorted(std::move(labels));
    std::vector<std::string_view> fields;
    for (std::string_view f : Split(line.substr(end), ' ')) {
      if (!f.empty()) fields.push_back(f);
    }
    REQUIRE(fields.size() >= 2);
    const int64_t start_ms = static_cast<int64_t>(*ParseFloat(fields[0]) * 1000);
    const int64_t step_ms = static_cast<int64_t>(*ParseFloat(fields[1]) * 1000);
    for (size_t i = 2; i < fields.size(); ++i) {
      const int64_t t = start_ms + static_cast<int64_t>(i - 2) * step_ms;
      if (fields[i] == "_") continue;
      double v = fields[i] == "stale" ? tsdb::StaleNaN() : ParseFloat(fields[i]).value_or(0);
      series.samples.push_back({t, v});
    }
    out.push_back(std::move(series));
  }
  return out;
}

struct Case {
  std::string file;
  std::string name;
  bool peer = false;
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  int status = 0;
  std::string mode = "exact";  // exact | json | empty | any
  std::vector<std::pair<std::string, std::string>> expected_headers;
  std::string expected;
};

// The case file format is described in README.md.
std::vector<Case> ParseCases(const std::string& path) {
  std::vector<Case> cases;
  std::vector<std::string> lines = Lines(ReadText(path));
  size_t i = 0;
  auto at_case = [&](size_t k) { return k < lines.size() && lines[k].rfind("### ", 0) == 0; };
  while (i < lines.size()) {
    if (!at_case(i)) {
      ++i;
      continue;
    }
    Case c;
    c.file = std::filesystem::path(path).filename().string();
    c.name = lines[i].substr(4);
    if (c.name.size() > 7 && c.name.substr(c.name.size() - 7) == " [peer]") {
      c.peer = true;
      c.name.resize(c.name.size() - 7);
    }
    ++i;
    std::istringstream request_line(lines.at(i++));
    request_line >> c.method >> c.target;
    while (i < lines.size() && !lines[i].empty() && lines[i].rfind("--- ", 0) != 0) {
      const std::string& h = lines[i++];
      size_t colon = h.find(':');
      c.headers.emplace_back(h.substr(0, colon), std::string(TrimSpace(h.substr(colon + 1))));
    }
    if (i < lines.size() && lines[i].empty()) {
      ++i;
      std::string body;
      while (i < lines.size() && lines[i].rfind("--- ", 0) != 0) {
        if (!body.empty()) body += '\n';
        body += lines[i++];
      }
      c.body = body;
    }
    REQUIRE(i < lines.size());
    std::istringstream status_line(lines[i++].substr(4));
    status_line >> c.status;
    if (!(status_line >> c.mode)) c.mode = "exact";
    while (i < lines.size() && lines[i].rfind("< ", 0) == 0) {
      const std::string h = lines[i++].substr(2);
      size_t colon = h.find(':');
      c.expected_headers.emplace_back(h.substr(0, colon), std::string(TrimSpace(h.substr(colon + 1))));
    }
    std::string expected;
    while (i < lines.size() && !at_case(i)) {
      if (!expected.empty()) expected += '\n';
      expected += lines[i++];
    }
    while (!expected.empty() && (expected.back() == '\n' || expected.back() == ' ')) expected.pop_back();
    c.expected = expected;
    cases.push_back(std::move(c));
  }
  return cases;
}

// Whether `actual` matches `expected`, where the string "<any>" in expected
// matches any value.
bool JsonMatches(const nlohmann::json& expected, const nlohmann::json& actual) {
  if (expected.is_string() && expected.get<std::string>() == "<any>") return true;
  if (expected.type() != actual.type()) return false;
  if (expected.is_object()) {
    if (expected.size() != actual.size()) return false;
    for (auto it = expected.begin(); it != expected.end(); ++it) {
      if (!actual.contains(it.key()) || !JsonMatches(it.value(), actual[it.key()])) return false;
    }
    return true;
  }
  if (expected.is_array()) {
    if (expected.size() != actual.size()) return false;
    for (size_t k = 0; k < expected.size(); ++k) {
      if (!JsonMatches(expected[k], actual[k])) return false;
    }
    return true;
  }
  return expected == actual;
}

// Empty when the reply is what the case expects, else what differs.
std::string Check(const Case& c, const testing::HttpReply& reply) {
  std::string body = reply.body;
  while (!body.empty() && body.back() == '\n') body.pop_back();
  std::string problem;
  if (reply.status != c.status) {
    problem += "status " + std::to_string(reply.status) + ", expected " + std::to_string(c.status) + "\n";
  }
  for (const auto& [name, value] : c.expected_headers) {
    if (reply.Header(name) != value) {
      problem += "header " + name + ": " + reply.Header(name) + ", expected " + value + "\n";
    }
  }
  bool body_ok = true;
  if (c.mode == "json") {
    auto expected = nlohmann::json::parse(c.expected, nullptr, false);
    auto actual = nlohmann::json::parse(body, nullptr, false);
    body_ok = !expected.is_discarded() && !actual.is_discarded() && JsonMatches(expected, actual);
  } else if (c.mode == "empty") {
    body_ok = body.empty();
  } else if (c.mode == "any") {
    body_ok = true;
  } else {
    body_ok = body == c.expected;
  }
  if (!body_ok) problem += "body:\n  " + body + "\nexpected:\n  " + c.expected + "\n";
  return problem;
}

std::vector<Case> AllCases() {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(EMBER_API_CASES_DIR)) {
    if (entry.path().extension() == ".case") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  std::vector<Case> cases;
  for (const std::string& f : files) {
    for (Case& c : ParseCases(f)) cases.push_back(std::move(c));
  }
  return cases;
}

Status Seed(const std::string& base_url, const std::vector<wire::WriteSeries>& series) {
  EMBER_ASSIGN_OR_RETURN(std::string body, wire::EncodeWriteRequest(series));
  EMBER_ASSIGN_OR_RETURN(auto reply, testing::HttpDo("POST", base_url + "/api/v1/write",
                                                     {{"Content-Type", "application/x-protobuf"},
                                                      {"Content-Encoding", "snappy"},
                                                      {"X-Prometheus-Remote-Write-Version", "0.1.0"}},
                                                     body));
  if (reply.status / 100 != 2) {
    return Status::Internal("remote write answered " + std::to_string(reply.status) + ": " + reply.body);
  }
  return Status::Ok();
}

}  // namespace

TEST_CASE("ember-scraper answers the golden API cases") {
  testing::TempDir dir;
  std::string config =
      dir.WriteFile("prometheus.yml", "global:\n  scrape_interval: 15s\n  external_labels:\n    site: lab\n");
  auto program = testing::StartProgram("ember-scraper",
                                       {"--storage.tsdb.path=" + dir.Join("data"), "--config.file=" + config,
                                        "--web.enable-admin-api", "--storage.tsdb.retention.time=100y"},
                                       dir);
  REQUIRE(program.ok());
  REQUIRE(Seed(program->base_url, ParseSeed(EMBER_API_CASES_DIR "/../seed.txt")).ok());

  const std::vector<Case> cases = AllCases();
  REQUIRE(cases.size() > 20);
  // EMBER_API_GOLDEN_SHOW=1 prints every answer, for writing new cases.
  const bool show = std::getenv("EMBER_API_GOLDEN_SHOW") != nullptr;
  size_t failed = 0;
  std::string report;
  for (const Case& c : cases) {
    auto reply = testing::HttpDo(c.method, program->base_url + c.target, c.headers, c.body);
    REQUIRE(reply.ok());
    if (show) std::cout << "### " << c.name << "\n--- " << reply->status << "\n" << reply->body << "\n";
    std::string problem = Check(c, *reply);
    if (!problem.empty()) {
      ++failed;
      report += c.file + ": " + c.name + ": " + c.method + " " + c.target + "\n" + problem;
    }
  }
  INFO(report);
  CHECK(failed == 0);
}

TEST_CASE("ember-scraper refuses oversized and malformed remote bodies and keeps serving") {
  testing::TempDir dir;
  auto program = testing::StartProgram("ember-scraper", {"--storage.tsdb.path=" + dir.Join("data")}, dir);
  REQUIRE(program.ok());
  const std::vector<std::pair<std::string, std::string>> protobuf = {
      {"Content-Type", "application/x-protobuf"}, {"Content-Encoding", "snappy"}};
  // Larger than the 32 MiB the remote endpoints take.
  auto big =
      testing::HttpDo("POST", program->base_url + "/api/v1/write", protobuf, std::string(33 << 20, 'x'));
  if (big.ok()) CHECK(big->status == 413);  // the server may also close the connection early
  auto big_read =
      testing::HttpDo("POST", program->base_url + "/api/v1/read", protobuf, std::string(33 << 20, 'x'));
  if (big_read.ok()) CHECK(big_read->status == 413);
  // A snappy block that claims a huge uncompressed length: refused before
  // anything is allocated for it.
  const std::string bomb = std::string("\xff\xff\xff\xff\x0f", 5) + std::string(64, '\0');
  for (const char* path : {"/api/v1/write", "/api/v1/read"}) {
    auto reply = testing::HttpDo("POST", program->base_url + path, protobuf, bomb);
    REQUIRE(reply.ok());
    CHECK(reply->status == 413);
  }
  auto garbage = testing::HttpDo("POST", program->base_url + "/api/v1/read", protobuf, "not snappy");
  REQUIRE(garbage.ok());
  CHECK(garbage->status == 400);
  auto ready = testing::HttpGet(program->base_url + "/-/ready");
  REQUIRE(ready.ok());
  CHECK(ready->status == 200);
}

TEST_CASE("Prometheus 2.42 gives the answers of the cases marked peer") {
  if (::access(compat::kPrometheusPath, X_OK) != 0) {
    WARN("prometheus is not installed (scripts/install-deps.sh --with-test-peers); skipping");
    return;
  }
  testing::TempDir dir;
  auto peer = compat::PrometheusPeer::Start(dir);
  REQUIRE(peer.ok());
  REQUIRE(peer->Write(ParseSeed(EMBER_API_CASES_DIR "/../seed.txt")).ok());
  size_t checked = 0;
  size_t failed = 0;
  std::string report;
  for (const Case& c : AllCases()) {
    if (!c.peer) continue;
    ++checked;
    auto reply = testing::HttpDo(c.method, peer->base_url() + c.target, c.headers, c.body);
    REQUIRE(reply.ok());
    std::string problem = Check(c, *reply);
    if (!problem.empty()) {
      ++failed;
      report += c.file + ": " + c.name + ": " + c.method + " " + c.target + "\n" + problem;
    }
  }
  CHECK(checked > 10);
  INFO(report);
  CHECK(failed == 0);
}

}  // namespace ember
