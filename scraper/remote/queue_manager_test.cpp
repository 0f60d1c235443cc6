// The remote write client against an in-process receiver on 127.0.0.1:0
// that decodes what arrives and answers as each test scripts it.
#include "remote/queue_manager.h"

#include <catch2/catch.hpp>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "config/scraper_config.h"
#include "ember/http/router.h"
#include "ember/http/server.h"
#include "ember/wire/remote_write.h"
#include "remote/remote_storage.h"
#include "test_support.h"

namespace ember::scraper {
namespace {

using namespace std::chrono_literals;

Logger QuietLogger() { return Logger(std::make_shared<CapturingLogSink>(), LogLevel::kError); }

// Polls `done` until it holds or `timeout` passes.
template <class F>
bool WaitFor(F done, std::chrono::milliseconds timeout = 20s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

struct Reply {
  int status = 204;
  std::string retry_after;
};

class FakeReceiver {
 public:
  FakeReceiver() {
    http::Router router;
    router.Post("/api/v1/write", [this](http::Request& r) { return Handle(r); });
    http::ServerOptions o;
    o.listen_address = "127.0.0.1:0";
    o.metrics_namespace = "";
    o.worker_threads = 8;
    server_ = std::make_unique<http::Server>(o, std::move(router), QuietLogger(), metrics_);
    REQUIRE(server_->Start().ok());
  }
  ~FakeReceiver() { (void)server_->Shutdown(1s); }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()) + "/api/v1/write"; }

  // The next requests get these answers, then `always`.
  void Script(std::vector<Reply> replies, Reply always = {}) {
    std::lock_guard lock(mu_);
    script_.assign(replies.begin(), replies.end());
    always_ = always;
  }

  // Samples of the requests answered 2xx, as "labels@t=v".
  std::vector<std::string> Accepted() const {
    std::lock_guard lock(mu_);
    return accepted_;
  }
  size_t NumAccepted() const {
    std::lock_guard lock(mu_);
    return accepted_.size();
  }
  // Sample counts of every request, answered as scripted or not.
  std::vector<size_t> RequestSizes() const {
    std::lock_guard lock(mu_);
    return sizes_;
  }
  std::vector<std::string> Metadata() const {
    std::lock_guard lock(mu_);
    return metadata_;
  }
  void SetDelay(std::chrono::milliseconds delay) { delay_.store(delay); }
  std::map<std::string, std::string> LastHeaders() const {
    std::lock_guard lock(mu_);
    return headers_;
  }

 private:
  http::Response Handle(http::Request& r) {
    // A slow receiver, for resharding: the delay stands for its work.
    if (const auto delay = delay_.load(); delay.count() > 0) std::this_thread::sleep_for(delay);
    std::lock_guard lock(mu_);
    for (const char* h : {"Content-Encoding", "Content-Type", "X-Prometheus-Remote-Write-Version",
                          "User-Agent", "Authorization", "X-Scope-OrgID"}) {
      headers_[h] = std::string(r.headers.Get(h));
    }
    auto data = wire::DecodeWriteRequest(r.body);
    if (!data.ok()) return http::Response::Text(400, data.status().message());
    if (data->num_samples == 0 && !data->metadata.empty()) {
      for (const wire::WireMetadata& m : data->metadata) {
        metadata_.push_back(m.metric_family_name + " " + std::string(wire::MetricTypeName(m.type)) + " " +
                            m.help);
      }
      return http::Response{204, {}, ""};
    }
    sizes_.push_back(data->num_samples);
    Reply reply = always_;
    if (!script_.empty()) {
      reply = script_.front();
      script_.pop_front();
    }
    if (reply.status / 100 == 2) {
      for (const wire::WriteSeries& s : data->series) {
        for (const wire::WireSample& x : s.samples) {
          std::ostringstream out;
          out << s.labels.ToString() << "@" << x.t << "=" << x.v;
          accepted_.push_back(out.str());
        }
      }
    }
    http::Response response;
    response.status = reply.status;
    if (!reply.retry_after.empty()) response.headers.Set("Retry-After", reply.retry_after);
    return response;
  }

  MetricsRegistry metrics_;
  std::atomic<std::chrono::milliseconds> delay_{std::chrono::milliseconds(0)};
  std::unique_ptr<http::Server> server_;
  mutable std::mutex mu_;
  std::deque<Reply> script_;
  Reply always_;
  std::vector<std::string> accepted_;
  std::vector<size_t> sizes_;
  std::vector<std::string> metadata_;
  std::map<std::string, std::string> headers_;
};

// The sum of a metric's samples whose line starts with `prefix` in the
// exposition text.
double MetricValue(const MetricsRegistry& registry, const std::string& prefix) {
  std::istringstream in(registry.Expose());
  std::string line;
  double sum = 0;
  while (std::getline(in, line)) {
    if (line.rfind(prefix, 0) == 0 && line.size() > prefix.size() &&
        (line[prefix.size()] == '{' || line[prefix.size()] == ' ')) {
      sum += std::stod(line.substr(line.rfind(' ') + 1));
    }
  }
  return sum;
}

// A store and the remote storage on it, in a temporary directory.
class Harness {
 public:
  explicit Harness(const testing::TempDir& dir, std::chrono::milliseconds reshard_interval = 10s)
      : dir_(dir), reshard_interval_(reshard_interval) {
    Open();
  }
  ~Harness() { Close(); }

  void Open() {
    tsdb::DbOptions o;
    o.dir = dir_.Join("data");
    o.maintenance_interval_ms = 0;
    o.retention_ms = 0;
    o.block_cache_bytes = 1 << 20;
    auto db = tsdb::Db::Open(o, QuietLogger());
    REQUIRE(db.ok());
    db_ = std::move(db).value();
    metrics_ = std::make_unique<MetricsRegistry>();
    RemoteStorage::Options ro;
    ro.dir = dir_.Join("data/remote_write");
    ro.progress_interval = 20ms;
    ro.reshard_interval = reshard_interval_;
    ro.metadata = &metadata_store_;
    remote_ = std::make_unique<RemoteStorage>(*db_, ro, QuietLogger(), *metrics_);
  }
  void Close() {
    if (remote_) remote_->Stop();
    remote_.reset();
    if (db_) REQUIRE(db_->Close().ok());
    db_.reset();
  }

  Status Apply(const std::string& yaml) {
    auto c = ParseScraperConfig(yaml, "p.yml");
    REQUIRE(c.ok());
    return remote_->ApplyConfig(*c);
  }

  // One commit: series "<name>{i="0".."n-1"}", one sample each at t.
  void Commit(const std::string& name, int n, int64_t t, double v = 1) {
    auto app = db_->NewAppender();
    for (int i = 0; i < n; ++i)
      REQUIRE(app.Add(Labels{{"__name__", name}, {"i", std::to_string(i)}}, t, v).ok());
    REQUIRE(app.Commit().ok());
  }

  tsdb::Db& db() { return *db_; }
  RemoteStorage& remote() { return *remote_; }
  MetricsRegistry& metrics() { return *metrics_; }
  MetadataStore& metadata() { return metadata_store_; }

 private:
  const testing::TempDir& dir_;
  const std::chrono::milliseconds reshard_interval_;
  MetadataStore metadata_store_;
  std::unique_ptr<tsdb::Db> db_;
  std::unique_ptr<MetricsRegistry> metrics_;
  std::unique_ptr<RemoteStorage> remote_;
};

std::string Config(const std::string& url, const std::string& extra = "",
                   const std::string& queue =
                       "max_samples_per_send: 10, batch_send_deadline: 50ms, "
                       "min_backoff: 5ms, max_backoff: 20ms") {
  return "remote_write:\n  - url: " + url + "\n    name: test\n    queue_config: {" + queue + "}\n" + extra;
}

TEST_CASE("Samples are sent in batches of max_samples_per_send with upstream's headers") {
  testing::TempDir dir;
  FakeReceiver receiver;
  Harness h(dir);
  REQUIRE(h.Apply(Config(receiver.url())).ok());
  CHECK(h.remote().QueueNames() == std::vector<std::string>{"test"});
  h.Commit("batched", 25, 1000);
  REQUIRE(WaitFor([&] { return receiver.NumAccepted() == 25; }));
  std::vector<size_t> sizes = receiver.RequestSizes();
  std::sort(sizes.begin(), sizes.end());
  CHECK(sizes == std::vector<size_t>{5, 10, 10});
  auto headers = receiver.LastHeaders();
  CHECK(headers["Content-Encoding"] == "snappy");
  CHECK(headers["Content-Type"] == "application/x-protobuf");
  CHECK(headers["X-Prometheus-Remote-Write-Version"] == "0.1.0");
  CHECK_THAT(headers["User-Agent"], Catch::StartsWith("Prometheus/"));
  const std::vector<std::string> accepted = receiver.Accepted();
  std::set<std::string> got(accepted.begin(), accepted.end());
  CHECK(got.count("{__name__=\"batched\", i=\"7\"}@1000=1") == 1);
  CHECK(WaitFor([&] {
    return MetricValue(h.metrics(), "prometheus_remote_storage_samples_total") == 25 &&
           MetricValue(h.metrics(), "prometheus_remote_storage_queue_highest_sent_timestamp_seconds") == 1;
  }));
  CHECK(MetricValue(h.metrics(), "prometheus_remote_storage_highest_timestamp_in_seconds") == 1);
  CHECK(MetricValue(h.metrics(), "prometheus_remote_storage_shards") == 1);
  CHECK(MetricValue(h.metrics(), "prometheus_remote_storage_bytes_total") > 0);
}

TEST_CASE("A batch waits at most batch_send_deadline, and per-series order is kept") {
  testing::TempDir dir;
  FakeReceiver receiver;
  Harness h(dir);
  REQUIRE(h.Apply(Config(receiver.url(), "",
                         "max_samples_per_send: 1000, batch_send_deadline: 100ms, min_shards: 3"))
              .ok());
  for (int k = 0; k < 20; ++k) h.Commit("ordered", 5, 1000 + k);
  REQUIRE(WaitFor([&] { return receiver.NumAccepted() == 100; }));
  std::map<std::string, int64_t> last;
  for (const std::string& s : receiver.Accepted()) {
    const std::string series = s.substr(0, s.find('@'));
    const int64_t t = std::stoll(s.substr(s.find('@') + 1));
    CHECK(t > last[series]);
    last[series] = t;
  }
  CHECK(MetricValue(h.metrics(), "prometheus_remote_storage_shards") == 3);
}

TEST_CASE("Shards grow while sending cannot keep up, and each series stays in order") {
  testing::TempDir dir;
  FakeReceiver receiver;
  receiver.SetDelay(20ms);
  Harness h(dir, 100ms);
  REQUIRE(h.Apply(Config(receiver.url(), "",
                         "max_samples_per_send: 10, batch_send_deadline: 20ms, min_shards: 1, max_shards: 8"))
              .ok());
  for (int k = 0; k < 60; ++k) h.Commit("resharded", 50, 1000 + k);
  REQUIRE(WaitFor([&] { return MetricValue(h.metrics(), "prometheus_remote_storage_shards") > 1; }));
  REQUIRE(WaitFor([&] { return receiver.NumAccepted() == 3000; }, 60s));
  std::map<std::string, int64_t> last;
  for (const std::string& s : receiver.Accepted()) {
    const std::string series = s.substr(0, s.find('@'));
    const int64_t t = std::stoll(s.substr(s.find('@') + 1));
    CHECK(t > last[series]);
    last[series] = t;
  }
  CHECK(MetricValue(h.metrics(), "prometheus_remote_storage_shards") <= 8);
}

TEST_CASE("Metric metadata is sent every send_interval in batches of its max_samples_per_send") {
  testing::TempDir dir;
  FakeReceiver receiver;
  Harness h(dir);
  h.metadata().Replace("job/a", {{"up", {"gauge", "Target is up.", ""}},
                                 {"requests_total", {"counter", "Requests.", ""}},
                                 {"latency_seconds", {"histogram", "Latency.", "seconds"}}});
  REQUIRE(
      h.Apply(Config(receiver.url(), "    metadata_config: {send_interval: 50ms, max_samples_per_send: 2}\n"))
          .ok());
  REQUIRE(WaitFor([&] { return receiver.Metadata().size() >= 3; }));
  const std::vector<std::string> got = receiver.Metadata();
  const std::set<std::string> first(got.begin(), got.begin() + 3);
  CHECK(first == std::set<std::string>{"up gauge Target is up.", "requests_total counter Requests.",
                                       "latency_seconds histogram Latency."});
  CHECK(MetricValue(h.metrics(), "prometheus_remote_storage_metadata_total") >= 3);
  // send: false sends none.
  testing::TempDir other_dir;
  FakeReceiver other;
  Harness quiet(other_dir);
  quiet.metadata().Replace("job/a", {{"up", {"gauge", "Target is up.", ""}}});
  REQUIRE(quiet.Apply(Config(other.url(), "    metadata_config: {send: false, send_interval: 10ms}\n")).ok());
  quiet.Commit("m", 1, 1000);
  REQUIRE(WaitFor([&] { return other.NumAccepted() == 1; }));
  CHECK(other.Metadata().empty());
}

TEST_CASE("External labels are added and write_relabel_configs applied") {
  testing::TempDir dir;
  FakeReceiver receiver;
  Harness h(dir);
  REQUIRE(h.Apply("global:\n  external_labels: {cluster: east, i: ignored, AZ: one}\n" +
                  Config(receiver.url(),
                         "    headers: {X-Scope-OrgID: tenant}\n"
                         "    basic_auth: {username: u, password: p}\n"
                         "    write_relabel_configs:\n"
                         "      - {source_labels: [__name__], regex: dropped, action: drop}\n"
                         "      - {target_label: via, replacement: ember}\n"))
              .ok());
  h.Commit("dropped", 3, 1000);
  h.Commit("kept", 2, 1000);
  REQUIRE(WaitFor([&] { return receiver.NumAccepted() == 2; }));
  const std::vector<std::string> accepted = receiver.Accepted();
  std::set<std::string> got(accepted.begin(), accepted.end());
  // The series' own `i` wins over the external one.
  CHECK(got == std::set<std::string>{
                   "{AZ=\"one\", __name__=\"kept\", cluster=\"east\", i=\"0\", via=\"ember\"}@1000=1",
                   "{AZ=\"one\", __name__=\"kept\", cluster=\"east\", i=\"1\", via=\"ember\"}@1000=1"});
  CHECK(MetricValue(h.metrics(), "prometheus_remote_storage_samples_dropped_total") == 3);
  auto headers = receiver.LastHeaders();
  CHECK(headers["X-Scope-OrgID"] == "tenant");
  CHECK(headers["Authorization"] == "Basic dTpw");
}

TEST_CASE("5xx answers are retried with backoff until they succeed") {
  testing::TempDir dir;
  FakeReceiver receiver;
  receiver.Script({{500}, {503}, {502}});
  Harness h(dir);
  REQUIRE(h.Apply(Config(receiver.url())).ok());
  h.Commit("retried", 4, 1000);
  REQUIRE(WaitFor([&] { return receiver.NumAccepted() == 4; }));
  CHECK(receiver.RequestSizes() == std::vector<size_t>{4, 4, 4, 4});
  CHECK(MetricValue(h.metrics(), "prometheus_remote_storage_samples_retried_total") == 12);
  CHECK(MetricValue(h.metrics(), "prometheus_remote_storage_samples_failed_total") == 0);
}

TEST_CASE("A 400 answer drops the batch and counts it as failed") {
  testing::TempDir dir;
  FakeReceiver receiver;
  receiver.Script({{400}});
  Harness h(dir);
  REQUIRE(h.Apply(Config(receiver.url())).ok());
  h.Commit("rejected", 3, 1000);
  REQUIRE(WaitFor(
      [&] { return MetricValue(h.metrics(), "prometheus_remote_storage_samples_failed_total") == 3; }));
  // The queue goes on with later samples.
  h.Commit("later", 2, 2000);
  REQUIRE(WaitFor([&] { return receiver.NumAccepted() == 2; }));
  CHECK(receiver.RequestSizes() == std::vector<size_t>{3, 2});
  CHECK(MetricValue(h.metrics(), "prometheus_remote_storage_samples_retried_total") == 0);
}

TEST_CASE("429 is dropped unless retry_on_http_429, which honours Retry-After") {
  testing::TempDir dir;
  FakeReceiver receiver;
  SECTION("without retry_on_http_429") {
    receiver.Script({{429}});
    Harness h(dir);
    REQUIRE(h.Apply(Config(receiver.url())).ok());
    h.Commit("limited", 2, 1000);
    REQUIRE(WaitFor(
        [&] { return MetricValue(h.metrics(), "prometheus_remote_storage_samples_failed_total") == 2; }));
    CHECK(receiver.NumAccepted() == 0);
  }
  SECTION("with retry_on_http_429") {
    receiver.Script({{429, "0"}, {429, "1"}});
    Harness h(dir);
    REQUIRE(h.Apply(Config(receiver.url(), "",
                           "max_samples_per_send: 10, batch_send_deadline: 50ms, min_backoff: 5ms, "
                           "max_backoff: 20ms, retry_on_http_429: true"))
                .ok());
    const auto start = std::chrono::steady_clock::now();
    h.Commit("limited", 2, 1000);
    REQUIRE(WaitFor([&] { return receiver.NumAccepted() == 2; }));
    // The second answer asked for a one-second wait, longer than max_backoff.
    CHECK(std::chrono::steady_clock::now() - start >= 1s);
    CHECK(MetricValue(h.metrics(), "prometheus_remote_storage_samples_retried_total") == 4);
    CHECK(MetricValue(h.metrics(), "prometheus_remote_storage_samples_failed_total") == 0);
  }
}

TEST_CASE("A restart resumes from the saved position: nothing missing, nothing acknowledged sent again") {
  testing::TempDir dir;
  FakeReceiver receiver;
  {
    Harness h(dir);
    REQUIRE(h.Apply(Config(receiver.url())).ok());
    h.Commit("resume", 10, 1000);
    REQUIRE(WaitFor([&] { return receiver.NumAccepted() == 10; }));
    // The receiver goes down; samples pile up on disk.
    receiver.Script({}, {503});
    for (int k = 1; k <= 30; ++k) h.Commit("resume", 10, 1000 + k * 1000);
    REQUIRE(WaitFor([&] { return receiver.RequestSizes().size() >= 3; }));
    h.Close();
  }
  CHECK(receiver.NumAccepted() == 10);
  receiver.Script({}, {204});
  Harness h(dir);
  REQUIRE(h.Apply(Config(receiver.url())).ok());
  REQUIRE(WaitFor([&] { return receiver.NumAccepted() == 310; }));
  const std::vector<std::string> accepted = receiver.Accepted();
  std::set<std::string> got(accepted.begin(), accepted.end());
  CHECK(got.size() == 310);
  // Sent segments are removed once acknowledged.
  h.Commit("resume", 10, 100'000);
  REQUIRE(WaitFor([&] { return receiver.NumAccepted() == 320; }));
}

TEST_CASE("Segments are removed once sent, and a full queue drops and counts") {
  testing::TempDir dir;
  FakeReceiver receiver;
  receiver.Script({}, {503});
  tsdb::DbOptions o;
  o.dir = dir.Join("data");
  o.maintenance_interval_ms = 0;
  o.retention_ms = 0;
  o.block_cache_bytes = 1 << 20;
  auto db = tsdb::Db::Open(o, QuietLogger());
  REQUIRE(db.ok());
  MetricsRegistry metrics;
  RemoteStorage::Options ro;
  ro.dir = dir.Join("data/remote_write");
  ro.progress_interval = 20ms;
  ro.segment_bytes = 4096;
  ro.max_disk_bytes_per_queue = 64 << 10;
  RemoteStorage remote(**db, ro, QuietLogger(), metrics);
  auto c = ParseScraperConfig(Config(receiver.url()), "p.yml");
  REQUIRE(c.ok());
  REQUIRE(remote.ApplyConfig(*c).ok());
  int64_t t = 1000;
  // Fill past the bound while the receiver is down.
  while (MetricValue(metrics, "prometheus_remote_storage_samples_dropped_total") == 0) {
    auto app = (*db)->NewAppender();
    for (int i = 0; i < 50; ++i)
      REQUIRE(app.Add(Labels{{"__name__", "full"}, {"i", std::to_string(i)}}, t, 1).ok());
    REQUIRE(app.Commit().ok());
    t += 1000;
    REQUIRE(t < 10'000'000);
  }
  const std::string queue_dir = dir.Join("data/remote_write/test");
  auto segments = [&] {
    size_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(queue_dir))
      n += e.path().filename() != "progress";
    return n;
  };
  CHECK(segments() > 2);
  receiver.Script({}, {204});
  REQUIRE(WaitFor([&] { return segments() <= 1; }));
  remote.Stop();
  REQUIRE((*db)->Close().ok());
}

TEST_CASE("A reload keeps unchanged queues, stops removed ones and starts new ones") {
  testing::TempDir dir;
  FakeReceiver one, two;
  Harness h(dir);
  auto entry = [](const FakeReceiver& r, const std::string& name) {
    return "  - {url: " + r.url() + ", name: " + name + ", queue_config: {batch_send_deadline: 20ms}}\n";
  };
  REQUIRE(h.Apply("remote_write:\n" + entry(one, "one")).ok());
  h.Commit("reload", 1, 1000);
  REQUIRE(WaitFor([&] { return one.NumAccepted() == 1; }));
  REQUIRE(h.Apply("remote_write:\n" + entry(one, "one") + entry(two, "two")).ok());
  CHECK(h.remote().QueueNames() == std::vector<std::string>{"one", "two"});
  h.Commit("reload", 1, 2000);
  REQUIRE(WaitFor([&] { return one.NumAccepted() == 2 && two.NumAccepted() == 1; }));
  REQUIRE(h.Apply("remote_write:\n" + entry(two, "two")).ok());
  CHECK(h.remote().QueueNames() == std::vector<std::string>{"two"});
  CHECK_FALSE(std::filesystem::exists(dir.Join("data/remote_write/one")));
  h.Commit("reload", 1, 3000);
  REQUIRE(WaitFor([&] { return two.NumAccepted() == 2; }));
  CHECK(one.NumAccepted() == 2);
  REQUIRE(h.Apply("").ok());
  CHECK(h.remote().QueueNames().empty());
}

}  // namespace
}  // namespace ember::scraper
