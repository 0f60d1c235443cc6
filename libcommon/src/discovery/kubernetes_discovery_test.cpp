// The Kubernetes provider against a fake API server on 127.0.0.1: a list,
// then a watch stream with ADDED, MODIFIED and DELETED pods, an ERROR 410
// event and an HTTP 410 Gone that force new lists, a token file that changes
// between requests, and bearer authentication checked on every request; the
// joins of role endpoints, the DiscoveryManager and in-cluster HTTPS.
#include "ember/discovery/kubernetes_discovery.h"

#include <sys/socket.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <condition_variable>
#include <deque>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

#include "ember/discovery/discovery_manager.h"
#include "test_certificates.h"
#include "test_util.h"

namespace ember::discovery {
namespace {

namespace asio = boost::asio;
namespace beast_http = boost::beast::http;
using asio::ip::tcp;
using testing::Recorder;
using testing::TempDir;
using State = std::map<std::string, TargetGroup>;

// A minimal Kubernetes API server: lists answer from `list_body`, watches
// either fail with a scripted status or stream the lines the test pushes.
// Every request must carry "Authorization: Bearer <token>".
class FakeApiServer {
 public:
  // Serves HTTPS with the server certificate of `certs` when given.
  explicit FakeApiServer(const http::testing::TestCertificates* certs = nullptr)
      : acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    if (certs != nullptr) {
      tls_.emplace(asio::ssl::context::tls_server);
      tls_->use_certificate_chain_file(certs->server_cert_file());
      tls_->use_private_key_file(certs->server_key_file(), asio::ssl::context::pem);
    }
    accept_thread_ = std::thread([this] { AcceptLoop(); });
  }
  ~FakeApiServer() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
      for (int fd : fds_) ::shutdown(fd, SHUT_RDWR);
    }
    cv_.notify_all();
    ::shutdown(acceptor_.native_handle(), SHUT_RDWR);
    accept_thread_.join();
    for (std::thread& t : threads_) t.join();
  }

  uint16_t port() const { return acceptor_.local_endpoint().port(); }
  std::string Url() const {
    return (tls_ ? "https" : "http") + std::string("://127.0.0.1:") + std::to_string(port());
  }

  void SetToken(std::string token) {
    std::lock_guard lock(mu_);
    token_ = std::move(token);
  }
  void SetList(std::string body) {
    std::lock_guard lock(mu_);
    list_body_ = std::move(body);
  }
  // The list answer for one collection path, instead of SetList's.
  void SetList(const std::string& path, std::string body) {
    std::lock_guard lock(mu_);
    list_bodies_[path] = std::move(body);
  }
  // The next watch request is answered with `status` instead of a stream.
  void FailNextWatch(int status) {
    std::lock_guard lock(mu_);
    watch_failures_.push_back(status);
  }
  // A line for the current (or next) watch stream; "" ends the stream.
  void Push(std::string line) {
    {
      std::lock_guard lock(mu_);
      lines_.push_back(std::move(line));
    }
    cv_.notify_all();
  }
  // Waits until `n` requests whose target starts with `prefix` arrived.
  bool WaitForRequests(const std::string& prefix, size_t n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(10), [&] { return CountLocked(prefix) >= n; });
  }
  std::vector<std::string> requests() const {
    std::lock_guard lock(mu_);
    return requests_;
  }
  int unauthorized() const { return unauthorized_.load(); }

 private:
  size_t CountLocked(const std::string& prefix) const {
    size_t n = 0;
    for (const std::string& r : requests_) n += r.rfind(prefix, 0) == 0;
    return n;
  }

  void AcceptLoop() {
    while (true) {
      auto socket = std::make_shared<tcp::socket>(io_);
      boost::system::error_code ec;
      acceptor_.accept(*socket, ec);
      std::lock_guard lock(mu_);
      if (ec || stopping_) return;
      fds_.push_back(socket->native_handle());
      threads_.emplace_back([this, socket] {
        if (!tls_) return Serve(*socket);
        asio::ssl::stream<tcp::socket> stream(std::move(*socket), *tls_);
        boost::system::error_code hec;
        stream.handshake(asio::ssl::stream_base::server, hec);
        if (!hec) Serve(stream);
      });
    }
  }

  template <typename Stream>
  void Write(Stream& s, std::string_view bytes) {
    boost::system::error_code ec;
    asio::write(s, asio::buffer(bytes), ec);
  }

  template <typename Stream>
  void Respond(Stream& s, int status, const std::string& reason, const std::string& body) {
    Write(s, "HTTP/1.1 " + std::to_string(status) + " " + reason +
                 "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                 "\r\n\r\n" + body);
  }

  template <typename Stream>
  void Serve(Stream& s) {
    boost::beast::flat_buffer buffer;
    while (true) {
      beast_http::request<beast_http::string_body> req;
      boost::system::error_code ec;
      beast_http::read(s, buffer, req, ec);
      if (ec) return;
      std::string target(req.target());
      std::string auth(req[beast_http::field::authorization]);
      std::unique_lock lock(mu_);
      requests_.push_back(target);
      cv_.notify_all();
      if (auth != "Bearer " + token_) {
        ++unauthorized_;
        lock.unlock();
        Respond(s, 401, "Unauthorized", R"({"kind":"Status","code":401})");
        continue;
      }
      if (target.find("watch=1") == std::string::npos) {
        auto it = list_bodies_.find(target.substr(0, target.find('?')));
        std::string body = it == list_bodies_.end() ? list_body_ : it->second;
        lock.unlock();
        Respond(s, 200, "OK", body);
        continue;
      }
      if (!watch_failures_.empty()) {
        int status = watch_failures_.front();
        watch_failures_.pop_front();
        lock.unlock();
        Respond(s, status, "Gone", R"({"kind":"Status","status":"Failure","reason":"Expired","code":410})");
        continue;
      }
      // Lines go to the newest stream only: an older one, whose client has
      // gone, ends when a newer one starts.
      const int stream = ++current_stream_;
      cv_.notify_all();
      lock.unlock();
      Write(s, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
      while (true) {
        lock.lock();
        cv_.wait(lock, [&] { return stopping_ || stream != current_stream_ || !lines_.empty(); });
        if (stopping_ || stream != current_stream_) return;
        std::string line = std::move(lines_.front());
        lines_.pop_front();
        lock.unlock();
        if (line.empty()) {
          Write(s, "0\r\n\r\n");
          break;
        }
        line += "\n";
        char size[32];
        snprintf(size, sizeof(size), "%zx\r\n", line.size());
        Write(s, std::string(size) + line + "\r\n");
      }
    }
  }

  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::thread accept_thread_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // GUARDED_BY(mu_)
  std::optional<asio::ssl::context> tls_;
  std::vector<int> fds_;                            // GUARDED_BY(mu_)
  std::vector<std::thread> threads_;                // GUARDED_BY(mu_)
  std::string token_;                               // GUARDED_BY(mu_)
  std::string list_body_;                           // GUARDED_BY(mu_)
  std::map<std::string, std::string> list_bodies_;  // GUARDED_BY(mu_)
  std::deque<int> watch_failures_;                  // GUARDED_BY(mu_)
  std::deque<std::string> lines_;                   // GUARDED_BY(mu_)
  int current_stream_ = 0;                          // GUARDED_BY(mu_)
  std::vector<std::string> requests_;               // GUARDED_BY(mu_)
  std::atomic<int> unauthorized_{0};
};

ProviderOptions Quiet() { return {Logger(std::make_shared<CapturingLogSink>(), LogLevel::kInfo), nullptr}; }

std::string PodJson(const std::string& name, const std::string& ip, const std::string& rv,
                    const std::string& phase = "Running") {
  return R"({"kind":"Pod","apiVersion":"v1","metadata":{"name":")" + name +
         R"(","namespace":"default","uid":"uid-)" + name + R"(","resourceVersion":")" + rv +
         R"(","labels":{"app":")" + name +
         R"("}},"spec":{"nodeName":"n1","containers":[{"name":"c","image":"i",)" +
         R"("ports":[{"name":"m","containerPort":9100,"protocol":"TCP"}]}]},"status":{"phase":")" + phase +
         R"(","podIP":")" + ip + R"(","hostIP":"10.0.0.1"}})";
}

std::string PodList(const std::string& rv, const std::vector<std::string>& pods) {
  std::string items;
  for (const std::string& p : pods) items += (items.empty() ? "" : ",") + p;
  return R"({"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":")" + rv + R"("},"items":[)" +
         items + "]}";
}

std::string Event(const std::string& type, const std::string& object) {
  return R"({"type":")" + type + R"(","object":)" + object + "}";
}

bool HasPod(const State& s, const std::string& name, const std::string& address,
            const std::string& phase = "Running") {
  auto it = s.find("pod/default/" + name);
  if (it == s.end() || it->second.targets.size() != 1) return false;
  const TargetGroup& g = it->second;
  return g.targets[0].Get("__address__") == address && g.labels.Get("__meta_kubernetes_pod_phase") == phase &&
         g.labels.Get("__meta_kubernetes_namespace") == "default" &&
         g.labels.Get("__meta_kubernetes_pod_name") == name &&
         g.labels.Get("__meta_kubernetes_pod_label_app") == name &&
         g.targets[0].Get("__meta_kubernetes_pod_container_port_name") == "m";
}

TEST_CASE("kubernetes provider lists, watches, relists on 410 and authenticates") {
  TempDir dir;
  std::string token_file = dir.Write("token", "first-token\n");
  FakeApiServer server;
  server.SetToken("first-token");
  server.SetList(PodList("100", {PodJson("a", "10.1.0.1", "90")}));

  KubernetesSdConfig config;
  config.role = KubernetesRole::kPod;
  config.api_server = server.Url() + "/";
  config.selectors.push_back({KubernetesRole::kPod, "app in (a,b)", ""});
  config.http_client.authorization.emplace();
  config.http_client.authorization->credentials_file = token_file;
  KubernetesDiscoveryOptions options;
  options.min_backoff = std::chrono::milliseconds(10);
  options.max_backoff = std::chrono::milliseconds(50);
  options.file_reload_interval = std::chrono::milliseconds(0);
  auto provider = KubernetesProviderConfig(config, options).NewProvider(Quiet());
  REQUIRE(provider.ok());

  Recorder rec;
  std::jthread run([&](std::stop_token stop) {
    (*provider)->Run(stop, [&](std::vector<TargetGroup> g) { rec.Update(std::move(g)); });
  });

  // The list.
  REQUIRE(rec.WaitFor([](const State& s) { return s.size() == 1 && HasPod(s, "a", "10.1.0.1:9100"); }));
  REQUIRE(server.WaitForRequests("/api/v1/pods?", 2));
  std::vector<std::string> reqs = server.requests();
  CHECK(reqs[0] == "/api/v1/pods?labelSelector=app+in+%28a%2Cb%29");
  CHECK(reqs[1] ==
        "/api/v1/pods?labelSelector=app+in+%28a%2Cb%29&watch=1&resourceVersion=100&allowWatchBookmarks=true&"
        "timeoutSeconds=300");

  // ADDED, MODIFIED, BOOKMARK, DELETED on the watch stream.
  server.Push(Event("ADDED", PodJson("b", "10.1.0.2", "101")));
  REQUIRE(rec.WaitFor([](const State& s) { return s.size() == 2 && HasPod(s, "b", "10.1.0.2:9100"); }));
  server.Push(Event("MODIFIED", PodJson("a", "10.1.0.1", "102", "Succeeded")));
  REQUIRE(rec.WaitFor([](const State& s) { return HasPod(s, "a", "10.1.0.1:9100", "Succeeded"); }));
  server.Push(R"({"type":"BOOKMARK","object":{"kind":"Pod","metadata":{"resourceVersion":"150"}}})");
  server.Push(Event("DELETED", PodJson("b", "10.1.0.2", "103")));
  REQUIRE(rec.WaitFor([](const State& s) { return s.size() == 1 && s.count("pod/default/b") == 0; }));

  // The stream ends normally: the watch resumes from the last version seen.
  server.Push("");
  REQUIRE(server.WaitForRequests("/api/v1/pods?", 3));
  CHECK(server.requests().back().find("&resourceVersion=103&") != std::string::npos);

  // ERROR 410 on the stream: a new list, with a token that changed meanwhile,
  // replaces the state (a gone, c new).
  dir.Write("token", "second-token");
  server.SetToken("second-token");
  server.SetList(PodList("200", {PodJson("c", "10.1.0.3", "180")}));
  server.Push(R"({"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","status":"Failure",)"
              R"j("message":"too old resource version: 103 (190)","reason":"Expired","code":410}})j");
  REQUIRE(rec.WaitFor([](const State& s) { return s.size() == 1 && HasPod(s, "c", "10.1.0.3:9100"); }));
  REQUIRE(server.WaitForRequests("/api/v1/pods?", 5));
  CHECK(server.requests()[3] == "/api/v1/pods?labelSelector=app+in+%28a%2Cb%29");
  CHECK(server.requests()[4].find("&resourceVersion=200&") != std::string::npos);

  // HTTP 410 Gone for a watch: listed again, then watched from the new version.
  server.FailNextWatch(410);
  server.SetList(PodList("300", {PodJson("c", "10.1.0.3", "180"), PodJson("d", "10.1.0.4", "290")}));
  server.Push("");  // ends the current stream; the next watch gets the 410
  REQUIRE(rec.WaitFor([](const State& s) { return s.size() == 2 && HasPod(s, "d", "10.1.0.4:9100"); }));
  REQUIRE(server.WaitForRequests("/api/v1/pods?", 8));
  reqs = server.requests();
  CHECK(reqs[5].find("&resourceVersion=200&") != std::string::npos);
  CHECK(reqs[6] == "/api/v1/pods?labelSelector=app+in+%28a%2Cb%29");
  CHECK(reqs[7].find("&resourceVersion=300&") != std::string::npos);
  CHECK(server.unauthorized() == 0);

  run.request_stop();
  run.join();
}

TEST_CASE("kubernetes provider retries after a failed list and counts no groups before it") {
  FakeApiServer server;
  server.SetToken("right");
  server.SetList(PodList("5", {PodJson("a", "10.1.0.1", "1")}));
  KubernetesSdConfig config;
  config.role = KubernetesRole::kPod;
  config.api_server = server.Url();
  config.namespaces = {"default"};
  config.http_client.authorization.emplace();
  config.http_client.authorization->credentials = "wrong";
  KubernetesDiscoveryOptions options;
  options.min_backoff = std::chrono::milliseconds(5);
  options.max_backoff = std::chrono::milliseconds(20);
  auto provider = KubernetesProviderConfig(config, options).NewProvider(Quiet());
  REQUIRE(provider.ok());
  Recorder rec;
  std::jthread run([&](std::stop_token stop) {
    (*provider)->Run(stop, [&](std::vector<TargetGroup> g) { rec.Update(std::move(g)); });
  });
  REQUIRE(server.WaitForRequests("/api/v1/namespaces/default/pods", 3));
  CHECK(server.unauthorized() >= 3);
  CHECK(rec.updates() == 0);
  run.request_stop();
  run.join();
}

std::string ReadTestdata(const std::string& name) {
  std::ifstream in(std::string(EMBER_KUBERNETES_TESTDATA) + "/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST_CASE("kubernetes provider role endpoints waits for its three lists and joins them") {
  FakeApiServer server;
  server.SetToken("t");
  server.SetList("/api/v1/namespaces/default/endpoints", ReadTestdata("endpoints.json"));
  server.SetList("/api/v1/namespaces/default/services", ReadTestdata("services.json"));
  server.SetList("/api/v1/namespaces/default/pods", ReadTestdata("pods.json"));
  server.SetList("/api/v1/nodes", ReadTestdata("nodes.json"));
  KubernetesSdConfig config;
  config.role = KubernetesRole::kEndpoints;
  config.api_server = server.Url();
  config.namespaces = {"default"};
  config.attach_node_metadata = true;
  config.selectors.push_back({KubernetesRole::kService, "", "metadata.name=web"});
  config.http_client.authorization.emplace();
  config.http_client.authorization->credentials = "t";
  auto provider = KubernetesProviderConfig(config).NewProvider(Quiet());
  REQUIRE(provider.ok());
  Recorder rec;
  std::jthread run([&](std::stop_token stop) {
    (*provider)->Run(stop, [&](std::vector<TargetGroup> g) { rec.Update(std::move(g)); });
  });
  REQUIRE(rec.WaitFor([](const State& s) { return s.size() == 2; }));
  // One update with every group, sent once all four lists arrived.
  CHECK(rec.updates() == 1);
  const State state = rec.state();
  const TargetGroup& web = state.at("endpoints/default/web");
  CHECK(web.labels.Get("__meta_kubernetes_service_label_app") == "web");
  REQUIRE(web.targets.size() == 4);
  CHECK(web.targets[0].Get("__meta_kubernetes_pod_name") == "web-7c9f-abcde");
  CHECK(web.targets[0].Get("__meta_kubernetes_node_label_topology_kubernetes_io_zone") == "eu-1a");
  const TargetGroup& k = state.at("endpoints/default/kubernetes");
  CHECK(k.targets[0].Get("__meta_kubernetes_node_name") == "node-1");
  REQUIRE(server.WaitForRequests("/api/v1/namespaces/default/services?fieldSelector=metadata.name%3Dweb", 2));
  CHECK(server.unauthorized() == 0);
  run.request_stop();
  run.join();
}

TEST_CASE("kubernetes provider through the DiscoveryManager") {
  FakeApiServer server;
  server.SetToken("t");
  server.SetList(PodList("3", {PodJson("a", "10.1.0.1", "1"), PodJson("b", "10.1.0.2", "2")}));
  KubernetesSdConfig config;
  config.role = KubernetesRole::kPod;
  config.api_server = server.Url();
  config.http_client.authorization.emplace();
  config.http_client.authorization->credentials = "t";
  std::mutex mu;
  TargetSnapshot last;
  DiscoveryManager manager({"scrape", std::chrono::milliseconds(0)},
                           Logger(std::make_shared<CapturingLogSink>(), LogLevel::kInfo), nullptr,
                           [&](const TargetSnapshot& s) {
                             std::lock_guard lock(mu);
                             last = s;
                           });
  REQUIRE(manager.ApplyConfig({{"pods", {std::make_shared<KubernetesProviderConfig>(config)}}}).ok());
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  size_t groups = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    manager.Flush();
    std::lock_guard lock(mu);
    groups = last.count("pods") ? last.at("pods").size() : 0;
    if (groups == 2) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // the poll interval
  }
  REQUIRE(groups == 2);
  std::lock_guard lock(mu);
  CHECK(last.at("pods")[0].source == "pod/default/a");
  CHECK(last.at("pods")[1].targets[0].Get("__address__") == "10.1.0.2:9100");
  manager.Stop();
}

TEST_CASE("kubernetes provider in-cluster: HTTPS to the service host with the service account") {
  http::testing::TestCertificates certs;
  TempDir dir;
  FakeApiServer server(&certs);
  server.SetToken("sa-token");
  server.SetList("/api/v1/namespaces/team-a/pods", PodList("7", {PodJson("a", "10.1.0.1", "1")}));
  KubernetesSdConfig config;
  config.role = KubernetesRole::kPod;
  config.own_namespace = true;
  KubernetesDiscoveryOptions options;
  options.in_cluster.token_file = dir.Write("token", "sa-token\n");
  options.in_cluster.ca_file = certs.ca_file();
  options.in_cluster.namespace_file = dir.Write("namespace", "team-a");
  const std::string port = std::to_string(server.port());
  options.in_cluster.getenv = [port](const std::string& n) -> std::optional<std::string> {
    if (n == "KUBERNETES_SERVICE_HOST") return "127.0.0.1";
    if (n == "KUBERNETES_SERVICE_PORT") return port;
    return std::nullopt;
  };
  auto provider = KubernetesProviderConfig(config, options).NewProvider(Quiet());
  REQUIRE(provider.ok());
  Recorder rec;
  std::jthread run([&](std::stop_token stop) {
    (*provider)->Run(stop, [&](std::vector<TargetGroup> g) { rec.Update(std::move(g)); });
  });
  REQUIRE(rec.WaitFor([](const State& s) { return HasPod(s, "a", "10.1.0.1:9100"); }));
  REQUIRE(server.WaitForRequests("/api/v1/namespaces/team-a/pods?watch=1&resourceVersion=7&", 1));
  CHECK(server.unauthorized() == 0);
  run.request_stop();
  run.join();
}

TEST_CASE("kubernetes provider in-cluster: service host and port, token file, own namespace") {
  TempDir dir;
  KubernetesSdConfig config;
  config.role = KubernetesRole::kService;
  config.own_namespace = true;
  config.namespaces = {"extra"};
  KubernetesDiscoveryOptions options;
  options.in_cluster.token_file = dir.Write("token", "t");
  options.in_cluster.ca_file = "";
  options.in_cluster.namespace_file = dir.Write("namespace", "");
  options.in_cluster.getenv = [](const std::string& n) -> std::optional<std::string> {
    if (n == "KUBERNETES_SERVICE_HOST") return "127.0.0.1";
    if (n == "KUBERNETES_SERVICE_PORT") return "6443";
    return std::nullopt;
  };
  CHECK(KubernetesProviderConfig(config, options).NewProvider(Quiet()).status().message() ==
        "could not read own namespace name (empty file)");
  dir.Write("namespace", "monitoring");
  CHECK(KubernetesProviderConfig(config, options).NewProvider(Quiet()).ok());
}

}  // namespace
}  // namespace ember::discovery
