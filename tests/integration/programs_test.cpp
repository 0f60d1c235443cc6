// The four programs, started from build/bin on free loopback ports: they
// serve the standard endpoints, reload their config (keeping the old one when
// the new one is bad), reject bad configs and flags, and stop cleanly.
#include <signal.h>

#include <stdexcept>

#include <catch2/catch.hpp>

#include "ember/base/strings.h"
#include "ember/http/client.h"
#include "ember/tsdb/db.h"
#include "test_bcrypt_hash.h"
#include "test_certificates.h"
#include "test_support.h"

namespace ember::testing {
namespace {

struct ProgramCase {
  std::string name;
  std::string metrics_namespace;
  std::vector<std::string> storage_args;  // relative to the temp dir: "{dir}" is replaced
  std::string good_config;
  std::string bad_config;  // one unknown key: `bogus_key`
  std::vector<std::string> extra_args;
};

std::vector<ProgramCase> Cases() {
  return {
      {"ember-scraper",
       "prometheus",
       {"--storage.tsdb.path={dir}/tsdb"},
       "global:\n  scrape_interval: 30s\n",
       "global:\n  scrape_interval: 30s\n  bogus_key: 1\n",
       {"--web.enable-lifecycle"}},
      {"ember-logstore",
       "loki",
       {"--storage.path={dir}/logs"},
       "auth_enabled: false\n",
       "auth_enabled: false\nbogus_key: 1\n",
       {}},
      {"ember-alerter",
       "alertmanager",
       {"--storage.path={dir}/alerts"},
       "route:\n  receiver: x\nreceivers:\n  - name: x\n",
       "route:\n  receiver: x\nbogus_key: 1\n",
       {}},
      {"ember-shipper",
       "promtail",
       {"--positions.file={dir}/positions.yaml"},
       "positions:\n  filename: /tmp/p.yaml\n",
       "positions:\n  filename: /tmp/p.yaml\n  bogus_key: 1\n",
       {}},
  };
}

std::vector<std::string> Args(const ProgramCase& c, const TempDir& dir, const std::string& config_file) {
  std::vector<std::string> args;
  for (std::string a : c.storage_args) {
    a.replace(a.find("{dir}"), 5, dir.path());
    args.push_back(a);
  }
  if (!config_file.empty()) args.push_back("--config.file=" + config_file);
  args.insert(args.end(), c.extra_args.begin(), c.extra_args.end());
  return args;
}

// The value of an unlabelled sample in an exposition, or nullopt.
std::optional<double> MetricValue(const std::string& exposition, const std::string& name) {
  for (std::string_view line : Split(exposition, '\n')) {
    if (line.starts_with(name + " ")) return ParseFloat(line.substr(name.size() + 1));
  }
  return std::nullopt;
}

// Polls /metrics until `name` has `want`: for changes the program makes after
// a signal, which no response tells the test about.
bool WaitForMetric(const std::string& base_url, const std::string& name, double want) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    auto m = HttpGet(base_url + "/metrics");
    if (m.ok() && MetricValue(m->body, name) == want) return true;
  }
  return false;
}

void CheckStandardEndpointsAndStop(const ProgramCase& c) {
  TempDir dir;
  auto p = StartProgram(c.name, Args(c, dir, ""), dir);
  REQUIRE(p.ok());
  CHECK(HttpGet(p->base_url + "/-/healthy")->status == 200);
  CHECK(HttpGet(p->base_url + "/-/ready")->status == 200);
  auto metrics = HttpGet(p->base_url + "/metrics");
  REQUIRE(metrics.ok());
  CHECK(metrics->status == 200);
  CHECK(metrics->Header("Content-Type").starts_with("text/plain; version=0.0.4"));
  CHECK(metrics->body.find(c.metrics_namespace + "_build_info{") != std::string::npos);
  CHECK(metrics->body.find("process_resident_memory_bytes ") != std::string::npos);
  CHECK(HttpGet(p->base_url + "/no/such/path")->status == 404);

  REQUIRE(p->process.Signal(SIGTERM).ok());
  CHECK(p->process.WaitExit(std::chrono::seconds(30)) == 0);
  CHECK(p->process.Log().find("exiting gracefully") != std::string::npos);
}

void CheckReload(const ProgramCase& c) {
  TempDir dir;
  std::string file = dir.WriteFile("config.yml", c.good_config);
  auto p = StartProgram(c.name, Args(c, dir, file), dir);
  REQUIRE(p.ok());
  std::string last_reload = c.metrics_namespace + "_config_last_reload_successful";
  CHECK(MetricValue(HttpGet(p->base_url + "/metrics")->body, last_reload) == 1);

  dir.WriteFile("config.yml", c.bad_config);
  auto reload = HttpPost(p->base_url + "/-/reload", "");
  REQUIRE(reload.ok());
  CHECK(reload->status == 500);
  CHECK(reload->body.find("failed to reload config: parsing YAML file " + file) != std::string::npos);
  CHECK(reload->body.find("field bogus_key not found") != std::string::npos);
  CHECK(p->process.Log().find("msg=\"Error reloading config\"") != std::string::npos);
  CHECK(MetricValue(HttpGet(p->base_url + "/metrics")->body, last_reload) == 0);
  // Still serving on the configuration it had.
  CHECK(HttpGet(p->base_url + "/-/ready")->status == 200);

  // SIGHUP takes the same path.
  dir.WriteFile("config.yml", c.good_config);
  REQUIRE(p->process.Signal(SIGHUP).ok());
  CHECK(WaitForMetric(p->base_url, last_reload, 1));
  CHECK(p->process.Log().find("msg=\"Completed loading of configuration file\"") != std::string::npos);

  auto ok = HttpPost(p->base_url + "/-/reload", "");
  REQUIRE(ok.ok());
  CHECK(ok->status == 200);
}

const ProgramCase& Case(const std::string& name) {
  static const std::vector<ProgramCase> cases = Cases();
  for (const ProgramCase& c : cases) {
    if (c.name == name) return c;
  }
  throw std::logic_error("no case " + name);
}

// One test case per program and behaviour, so that ctest runs them in parallel.
TEST_CASE("ember-scraper serves the standard endpoints and stops on SIGTERM") {
  CheckStandardEndpointsAndStop(Case("ember-scraper"));
}
TEST_CASE("ember-logstore serves the standard endpoints and stops on SIGTERM") {
  CheckStandardEndpointsAndStop(Case("ember-logstore"));
}
TEST_CASE("ember-alerter serves the standard endpoints and stops on SIGTERM") {
  CheckStandardEndpointsAndStop(Case("ember-alerter"));
}
TEST_CASE("ember-shipper serves the standard endpoints and stops on SIGTERM") {
  CheckStandardEndpointsAndStop(Case("ember-shipper"));
}
TEST_CASE("ember-scraper refuses a bad config on reload and keeps the old one") {
  CheckReload(Case("ember-scraper"));
}
TEST_CASE("ember-logstore refuses a bad config on reload and keeps the old one") {
  CheckReload(Case("ember-logstore"));
}
TEST_CASE("ember-alerter refuses a bad config on reload and keeps the old one") {
  CheckReload(Case("ember-alerter"));
}
TEST_CASE("ember-shipper refuses a bad config on reload and keeps the old one") {
  CheckReload(Case("ember-shipper"));
}

TEST_CASE("A bad config at start is an error naming the field and its path") {
  TempDir dir;
  std::string file = dir.WriteFile("prometheus.yml", "global:\n  scrape_intervall: 5s\n");
  auto proc = Process::Start(ProgramPath("ember-scraper"),
                             {"--config.file=" + file, "--storage.tsdb.path=" + dir.Join("tsdb"),
                              "--web.listen-address=127.0.0.1:" + std::to_string(FreePort())},
                             dir.Join("log"));
  REQUIRE(proc.ok());
  CHECK(proc->WaitExit(std::chrono::seconds(30)) == 1);
  CHECK(proc->Log().find("line 2: field scrape_intervall not found in type global "
                         "(path: global.scrape_intervall)") != std::string::npos);
}

TEST_CASE("Flags: unknown flags fail, --version and --help succeed") {
  TempDir dir;
  auto bad = Process::Start(ProgramPath("ember-alerter"), {"--no.such.flag=1"}, dir.Join("bad.log"));
  REQUIRE(bad.ok());
  CHECK(bad->WaitExit(std::chrono::seconds(30)) == 1);
  CHECK(bad->Log().find("unknown flag --no.such.flag") != std::string::npos);

  auto version = Process::Start(ProgramPath("ember-logstore"), {"-version"}, dir.Join("version.log"));
  REQUIRE(version.ok());
  CHECK(version->WaitExit(std::chrono::seconds(30)) == 0);
  CHECK(version->Log().starts_with("ember-logstore, version "));

  auto help = Process::Start(ProgramPath("ember-shipper"), {"--help"}, dir.Join("help.log"));
  REQUIRE(help.ok());
  CHECK(help->WaitExit(std::chrono::seconds(30)) == 0);
  CHECK(help->Log().find("--config.file=<value>") != std::string::npos);
}

TEST_CASE("The scraper's lifecycle endpoints need --web.enable-lifecycle") {
  TempDir dir;
  auto p = StartProgram("ember-scraper", {"--storage.tsdb.path=" + dir.Join("tsdb")}, dir);
  REQUIRE(p.ok());
  auto reload = HttpPost(p->base_url + "/-/reload", "");
  REQUIRE(reload.ok());
  CHECK(reload->status == 403);
  CHECK(reload->body == "Lifecycle API is not enabled.");
}

TEST_CASE("ember-scraper serves every route under --web.route-prefix") {
  TempDir dir;
  auto p =
      StartProgram("ember-scraper", {"--storage.tsdb.path=" + dir.Join("tsdb"), "--web.route-prefix=/prom/"},
                   dir, std::chrono::seconds(30), "/prom/-/ready");
  REQUIRE(p.ok());
  auto query = HttpGet(p->base_url + "/prom/api/v1/query?query=1%2B1&time=4");
  REQUIRE(query.ok());
  CHECK(query->status == 200);
  CHECK(query->body == R"({"status":"success","data":{"resultType":"scalar","result":[4,"2"]}})");
  auto metrics = HttpGet(p->base_url + "/prom/metrics");
  REQUIRE(metrics.ok());
  CHECK(metrics->status == 200);
  auto outside = HttpGet(p->base_url + "/api/v1/query?query=1");
  REQUIRE(outside.ok());
  CHECK(outside->status == 404);
}

TEST_CASE("ember-scraper exits 1 when its storage cannot be opened after the server started") {
  TempDir dir;
  // The store holds a lock on its directory: a second opener must fail.
  tsdb::DbOptions options;
  options.dir = dir.Join("tsdb");
  options.maintenance_interval_ms = 0;
  auto held = tsdb::Db::Open(options, Logger());
  REQUIRE(held.ok());
  auto p = Process::Start(ProgramPath("ember-scraper"),
                          {"--storage.tsdb.path=" + dir.Join("tsdb"),
                           "--web.listen-address=127.0.0.1:" + std::to_string(FreePort())},
                          dir.Join("scraper.log"));
  REQUIRE(p.ok());
  CHECK(p->WaitExit(std::chrono::seconds(30)) == 1);
  CHECK(p->Log().find("Opening storage failed") != std::string::npos);
}

TEST_CASE("ember-scraper takes its route prefix from --web.external-url's path") {
  TempDir dir;
  auto p = StartProgram(
      "ember-scraper",
      {"--storage.tsdb.path=" + dir.Join("tsdb"), "--web.external-url=http://example.test:9999/base/"}, dir,
      std::chrono::seconds(30), "/base/-/ready");
  REQUIRE(p.ok());
  auto flags = HttpGet(p->base_url + "/base/api/v1/status/flags");
  REQUIRE(flags.ok());
  CHECK(flags->status == 200);
  CHECK(flags->body.find(R"("web.external-url":"http://example.test:9999/base/")") != std::string::npos);
}

TEST_CASE("Basic auth from --web.config.file guards every endpoint") {
  TempDir dir;
  std::string web = dir.WriteFile(
      "web.yml", "basic_auth_users:\n  admin: " + http::testing::TestBcryptHash("s3cret") + "\n");

  // The readiness wait itself needs credentials, so start by hand.
  uint16_t port = FreePort();
  auto proc = Process::Start(ProgramPath("ember-alerter"),
                             {"--web.config.file=" + web, "--storage.path=" + dir.Join("alerts"),
                              "--web.listen-address=127.0.0.1:" + std::to_string(port)},
                             dir.Join("alerter.log"));
  REQUIRE(proc.ok());
  std::string url = "http://127.0.0.1:" + std::to_string(port) + "/-/healthy";
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  Result<HttpReply> anonymous = Status::Unavailable("not tried");
  while (std::chrono::steady_clock::now() < deadline) {
    anonymous = HttpGet(url);
    if (anonymous.ok()) break;
    REQUIRE_FALSE(proc->WaitExit(std::chrono::milliseconds(20)).has_value());
  }
  REQUIRE(anonymous.ok());
  CHECK(anonymous->status == 401);
  CHECK(HttpGetWithBasicAuth(url, "admin", "wrong")->status == 401);
  CHECK(HttpGetWithBasicAuth(url, "nobody", "s3cret")->status == 401);
  CHECK(HttpGetWithBasicAuth(url, "admin", "s3cret")->status == 200);
}

TEST_CASE("TLS and basic auth from --web.config.file, re-read on reload") {
  TempDir dir;
  http::testing::TestCertificates certs;
  auto web_config = [&](const std::string& password) {
    return "tls_server_config:\n  cert_file: " + certs.server_cert_file() +
           "\n  key_file: " + certs.server_key_file() +
           "\nbasic_auth_users:\n  admin: " + http::testing::TestBcryptHash(password) + "\n";
  };
  std::string web = dir.WriteFile("web.yml", web_config("first"));
  uint16_t port = FreePort();
  auto proc = Process::Start(ProgramPath("ember-logstore"),
                             {"--web.config.file=" + web, "--storage.path=" + dir.Join("logs"),
                              "--web.listen-address=127.0.0.1:" + std::to_string(port)},
                             dir.Join("logstore.log"));
  REQUIRE(proc.ok());

  http::ClientOptions options;
  options.tls.ca_file = certs.ca_file();
  auto client = http::HttpClient::Create(options);
  REQUIRE(client.ok());
  std::string base = "https://127.0.0.1:" + std::to_string(port);
  auto get = [&](const std::string& path, const std::string& user, const std::string& password) {
    http::ClientRequest req;
    req.url = base + path;
    if (!user.empty()) req.headers.Set("Authorization", http::BasicAuthorization(user, password));
    return (*client)->Do(std::move(req));
  };
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  Result<http::ClientResponse> first = Status::Unavailable("not tried");
  while (std::chrono::steady_clock::now() < deadline) {
    first = get("/ready", "admin", "first");
    if (first.ok()) break;
    REQUIRE_FALSE(proc->WaitExit(std::chrono::milliseconds(20)).has_value());
  }
  REQUIRE(first.ok());
  CHECK(first->status == 200);
  CHECK(get("/ready", "admin", "wrong")->status == 401);
  CHECK(get("/ready", "", "")->status == 401);
  // Plain HTTP on the TLS port gets no answer.
  CHECK_FALSE(HttpGet("http://127.0.0.1:" + std::to_string(port) + "/ready").ok());

  // A new password takes effect on reload, for new connections.
  dir.WriteFile("web.yml", web_config("second"));
  http::ClientRequest reload;
  reload.method = "POST";
  reload.url = base + "/-/reload";
  reload.headers.Set("Authorization", http::BasicAuthorization("admin", "first"));
  reload.headers.Set("Connection", "close");
  auto reloaded = (*client)->Do(std::move(reload));
  REQUIRE(reloaded.ok());
  CHECK(reloaded->status == 200);
  auto fresh = http::HttpClient::Create(options);
  REQUIRE(fresh.ok());
  client = std::move(fresh);
  CHECK(get("/ready", "admin", "second")->status == 200);
  CHECK(get("/ready", "admin", "first")->status == 401);
}

}  // namespace
}  // namespace ember::testing
