#include "ember/app/program.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <mutex>

#include "ember/app/version.h"
#include "ember/base/file_system.h"
#include "ember/base/strings.h"
#include "ember/config/web_config.h"
#include "ember/http/router.h"
#include "ember/http/server.h"
#include "process_metrics.h"

namespace ember::app {

struct Program::State {
  http::Router router;
  std::unique_ptr<http::Server> server;
  std::atomic<bool> ready{false};
  std::atomic<int> exit_code{0};
  std::mutex reload_mu;  // serialises reloads from SIGHUP and /-/reload
  std::vector<std::function<Status()>> reload_hooks;
  Gauge* reload_success = nullptr;
  Gauge* reload_timestamp = nullptr;
};

namespace {

// Signals Run() waits for. Blocked in every thread, so sigwait() in Run() is
// the only place they are delivered.
sigset_t HandledSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGHUP);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

std::string SignalName(int sig) {
  switch (sig) {
    case SIGHUP:
      return "SIGHUP";
    case SIGTERM:
      return "SIGTERM";
    case SIGINT:
      return "SIGINT";
  }
  return std::to_string(sig);
}

// The external URL and route prefix as Prometheus derives them from its flags.
Status ComputeExternalUrl(const std::string& flag_url, const std::string& flag_prefix,
                          const std::string& listen_address, std::string* external_url,
                          std::string* route_prefix) {
  std::string url = flag_url;
  if (url.empty()) {
    char host[256] = {};
    if (::gethostname(host, sizeof(host) - 1) != 0) return Status::IOError("cannot read the host name");
    std::string port = listen_address.substr(listen_address.rfind(':') + 1);
    url = "http://" + std::string(host) + ":" + port + "/";
  }
  if (url.front() == '"' || url.front() == '\'' || url.back() == '"' || url.back() == '\'') {
    return Status::InvalidArgument("URL must not begin or end with quotes");
  }
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos || scheme_end == 0) {
    return Status::InvalidArgument("invalid external URL " + GoQuote(url) + ": missing scheme and host");
  }
  const size_t path_start = url.find('/', scheme_end + 3);
  std::string base = url.substr(0, path_start);
  std::string path = path_start == std::string::npos ? "" : url.substr(path_start);
  if (size_t q = path.find_first_of("?#"); q != std::string::npos) path.resize(q);
  while (!path.empty() && path.back() == '/') path.pop_back();
  *external_url = base + path;
  std::string prefix = flag_prefix.empty() ? path : flag_prefix;
  while (!prefix.empty() && prefix.front() == '/') prefix.erase(prefix.begin());
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  *route_prefix = prefix.empty() ? "" : "/" + prefix;
  return Status::Ok();
}

}  // namespace

Program::Program(ProgramInfo info)
    : info_(std::move(info)),
      flags_(info_.name, info_.summary),
      metrics_(std::make_unique<MetricsRegistry>()),
      state_(std::make_unique<State>()) {
  common_.listen_address = info_.default_listen_address;
  flags_.String("config.file", &common_.config_file,
                "Configuration file path; empty runs on the embedded default configuration.");
  flags_.String("web.listen-address", &common_.listen_address,
                "Address to listen on for the web interface and API.");
  flags_.String(
      "web.config.file", &common_.web_config_file,
      "Path to a configuration file that can enable TLS or authentication (exporter-toolkit format).");
  flags_.String("log.level", &common_.log_level,
                "Only log messages with the given severity or above: debug, info, warn, error.");
  flags_.Int("web.max-request-body-bytes", &common_.max_body_bytes,
             "Largest request body accepted, in bytes.");
  flags_.Int("web.shutdown-grace-period", &common_.shutdown_grace_seconds,
             "Seconds in-flight requests may take to finish on shutdown.");
  if (info_.external_url_flags) {
    flags_.String("web.external-url", &common_.external_url,
                  "The URL under which the program is externally reachable (for example, if it is "
                  "served via a reverse proxy). Used for generating relative and absolute links back "
                  "to it. If the URL has a path portion, it will be used to prefix all HTTP endpoints. "
                  "If omitted, relevant URL components will be derived automatically.");
    flags_.String("web.route-prefix", &common_.route_prefix,
                  "Prefix for the internal routes of web endpoints. Defaults to path of "
                  "--web.external-url.");
  }
  if (info_.lifecycle_flag) {
    flags_.Bool("web.enable-lifecycle", &common_.enable_lifecycle,
                "Enable shutdown and reload via HTTP request.");
  }
}

Program::~Program() = default;

FlagSet& Program::flags() { return flags_; }

http::Router& Program::router() { return state_->router; }

std::optional<int> Program::ParseFlags(int argc, char** argv) {
  std::string out;
  auto outcome = flags_.Parse(argc, argv, VersionText(info_.name), &out);
  if (!outcome.ok()) {
    std::fprintf(stderr, "%s: error: %s, try --help\n", info_.name.c_str(),
                 outcome.status().message().c_str());
    return 1;
  }
  if (*outcome == FlagSet::Outcome::kExitOk) {
    std::fprintf(stdout, "%s\n", out.c_str());
    return 0;
  }
  auto level = ParseLogLevel(common_.log_level);
  if (!level.ok()) {
    std::fprintf(stderr, "%s: error: %s\n", info_.name.c_str(), level.status().message().c_str());
    return 1;
  }
  logger_ = Logger(StderrLogSink(), *level);
  if (info_.external_url_flags) {
    Status s = ComputeExternalUrl(common_.external_url, common_.route_prefix, common_.listen_address,
                                  &external_url_, &route_prefix_);
    if (!s.ok()) {
      std::fprintf(stderr, "%s: error: parse external URL %s: %s\n", info_.name.c_str(),
                   GoQuote(common_.external_url).c_str(), s.message().c_str());
      return 1;
    }
  }

  // Block the handled signals before any thread exists, so every thread the
  // program starts inherits the mask and Run()'s sigwait receives them.
  sigset_t set = HandledSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);

  metrics_->NewInfo(
      info_.metrics_namespace + "_build_info",
      "A metric with a constant '1' value labeled by version, revision, branch, and goversion from which " +
          info_.name + " was built.",
      BuildInfoLabels());
  RegisterProcessMetrics(*metrics_);
  state_->reload_success =
      &metrics_->NewGauge(info_.metrics_namespace + "_config_last_reload_successful",
                          "Whether the last configuration reload attempt was successful.");
  state_->reload_timestamp =
      &metrics_->NewGauge(info_.metrics_namespace + "_config_last_reload_success_timestamp_seconds",
                          "Timestamp of the last successful configuration reload.");
  return std::nullopt;
}

bool Program::PrepareStorageDir(const std::string& path) const {
  if (Status s = FileSystem::Real().CreateDirs(path); !s.ok()) {
    logger_.Error("Opening storage failed", {{"path", path}, {"err", s}});
    return false;
  }
  return true;
}

void Program::OnReload(std::function<Status()> hook) { state_->reload_hooks.push_back(std::move(hook)); }

void Program::SetReady(bool ready) { state_->ready.store(ready); }

void Program::RequestExit(int exit_code) {
  state_->exit_code.store(exit_code);
  // Run() waits in sigwait (or will); SIGTERM to ourselves takes the
  // graceful path.
  ::kill(::getpid(), SIGTERM);
}

Status Program::RunReloadHooks() {
  std::lock_guard lock(state_->reload_mu);
  Status first;
  for (auto& hook : state_->reload_hooks) {
    Status s = hook();
    if (!s.ok() && first.ok()) first = s;
  }
  state_->reload_success->Set(first.ok() ? 1 : 0);
  if (first.ok()) state_->reload_timestamp->Set(static_cast<double>(Clock::Real().NowMs()) / 1000.0);
  return first;
}

int Program::Run() {
  http::ServerOptions options;
  options.listen_address = common_.listen_address;
  options.max_request_body_bytes = static_cast<size_t>(common_.max_body_bytes);
  options.metrics_namespace = info_.metrics_namespace;
  if (!common_.web_config_file.empty()) {
    auto security = config::LoadWebConfig(FileSystem::Real(), common_.web_config_file);
    if (!security.ok()) {
      logger_.Error("Error loading web config",
                    {{"file", common_.web_config_file}, {"err", security.status()}});
      return 1;
    }
    options.security = std::move(security).value();
    // The web config is re-read with the main config, as the exporter
    // toolkit picks up changes to it without a restart.
    OnReload([this] {
      auto reloaded = config::LoadWebConfig(FileSystem::Real(), common_.web_config_file);
      if (!reloaded.ok()) {
        logger_.Error("Error reloading web config",
                      {{"file", common_.web_config_file}, {"err", reloaded.status()}});
        return reloaded.status();
      }
      return state_->server->UpdateSecurity(std::move(reloaded).value());
    });
  }

  http::Router& r = state_->router;
  http::RouteOptions inline_route{.run_inline = true};
  r.Get("/metrics", [this](http::Request&) {
    http::Response resp = http::Response::Text(200, metrics_->Expose());
    resp.headers.Set("Content-Type", kTextExpositionContentType);
    return resp;
  });
  auto healthy = [this](http::Request&) { return http::Response::Text(200, info_.healthy_text); };
  auto ready = [this](http::Request&) {
    if (state_->ready.load()) return http::Response::Text(200, info_.ready_text);
    return http::Response::Text(503, "Service Unavailable");
  };
  r.Get("/-/healthy", healthy, inline_route);
  r.Get("/-/ready", ready, inline_route);
  if (info_.serve_plain_ready_path) r.Get("/ready", ready, inline_route);

  bool lifecycle = !info_.lifecycle_flag || common_.enable_lifecycle;
  auto reload = [this, lifecycle](http::Request&) {
    if (!lifecycle) return http::Response::Text(403, "Lifecycle API is not enabled.");
    Status s = RunReloadHooks();
    if (!s.ok()) return http::Response::Text(500, "failed to reload config: " + s.message() + "\n");
    return http::Response::Text(200, "");
  };
  r.Post("/-/reload", reload);
  r.Put("/-/reload", reload);
  if (info_.lifecycle_flag) {
    auto quit = [this, lifecycle](http::Request&) {
      if (!lifecycle) return http::Response::Text(403, "Lifecycle API is not enabled.");
      // Run() is waiting in sigwait; a SIGTERM to ourselves takes the same
      // graceful path as one from outside.
      ::kill(::getpid(), SIGTERM);
      return http::Response::Text(200, "Requesting termination... Goodbye!");
    };
    r.Post("/-/quit", quit);
    r.Put("/-/quit", quit);
  }

  if (!route_prefix_.empty()) {
    // Every route moves under the prefix; the bare root leads there.
    http::Router prefixed;
    for (const http::Route& route : r.routes()) {
      prefixed.Handle(route.method, route_prefix_ + (route.pattern == "/" ? "" : route.pattern),
                      route.handler, route.options);
    }
    const std::string target = route_prefix_ + "/";
    prefixed.Get("/", [target](http::Request&) {
      http::Response resp = http::Response::Text(302, "");
      resp.headers.Set("Location", target);
      return resp;
    });
    r = std::move(prefixed);
  }
  state_->server = std::make_unique<http::Server>(std::move(options), std::move(state_->router),
                                                  logger_.With({{"component", "web"}}), *metrics_);
  if (Status s = state_->server->Start(); !s.ok()) {
    logger_.Error("Unable to start web listener", {{"err", s}});
    return 1;
  }
  // main() loaded the configuration before Run(), or it would have exited.
  state_->reload_success->Set(1);
  state_->reload_timestamp->Set(static_cast<double>(Clock::Real().NowMs()) / 1000.0);
  if (ready_on_start_) SetReady(true);
  logger_.Info("Server is ready to receive web requests.");

  sigset_t set = HandledSignals();
  while (true) {
    int sig = 0;
    if (sigwait(&set, &sig) != 0) continue;
    if (sig == SIGHUP) {
      (void)RunReloadHooks();  // hooks log their own errors
      continue;
    }
    logger_.Warn("Received " + SignalName(sig) + ", exiting gracefully...");
    break;
  }
  SetReady(false);
  Status s = state_->server->Shutdown(std::chrono::seconds(common_.shutdown_grace_seconds));
  if (!s.ok()) logger_.Warn("Shutdown was not graceful", {{"err", s}});
  logger_.Info("See you next time!");
  return state_->exit_code.load();
}

}  // namespace ember::app
