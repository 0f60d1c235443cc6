// Program: what the four Ember programs' main() functions share.
//
// It owns the common flags (--config.file, --web.listen-address,
// --web.config.file, --log.level, --version, --help), the logger, the metrics
// registry, the HTTP server with /metrics, /-/healthy, /-/ready and
// /-/reload, and signal handling: SIGHUP and POST /-/reload run the reload
// hooks, SIGTERM and SIGINT shut the server down gracefully. main() builds
// the program's own components between ParseFlags() and Run() and registers
// their routes and reload hooks; it stays the one place that wires them.
//
// Not thread-safe during set-up; after Run() starts, SetReady and the
// accessors of the logger and metrics may be used from any thread.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ember/base/flags.h"
#include "ember/base/status.h"
#include "ember/config/reloader.h"
#include "ember/obs/logger.h"
#include "ember/obs/metrics.h"

namespace ember::http {
class Router;
}

namespace ember::app {

struct ProgramInfo {
  std::string name;                    // binary name, e.g. "ember-scraper"
  std::string summary;                 // one line for --help
  std::string default_listen_address;  // e.g. ":9090"
  // Prefix of the self-metrics the upstream program exposes, e.g. "prometheus"
  // gives prometheus_build_info and prometheus_http_requests_total.
  std::string metrics_namespace;
  std::string healthy_text = "OK";  // body of a healthy /-/healthy
  std::string ready_text = "OK";    // body of /-/ready once ready
  // Also serve /ready (Loki and Promtail spell their readiness path so).
  bool serve_plain_ready_path = false;
  // /-/reload and /-/quit need --web.enable-lifecycle, as in Prometheus;
  // otherwise /-/reload is always on, as in Alertmanager.
  bool lifecycle_flag = false;
  // Serve --web.external-url and --web.route-prefix, as Prometheus and
  // Alertmanager do: every route moves under the prefix.
  bool external_url_flags = false;
};

// The flags every program has. Defaults come from ProgramInfo.
struct CommonFlags {
  std::string config_file;              // --config.file; "" uses the embedded default config
  std::string listen_address;           // --web.listen-address
  std::string web_config_file;          // --web.config.file; "" = plain HTTP, no auth
  std::string log_level = "info";       // --log.level
  bool enable_lifecycle = false;        // --web.enable-lifecycle (only with ProgramInfo::lifecycle_flag)
  int64_t max_body_bytes = 64 << 20;    // --web.max-request-body-bytes
  int64_t shutdown_grace_seconds = 30;  // --web.shutdown-grace-period
  std::string external_url;             // --web.external-url (with ProgramInfo::external_url_flags)
  std::string route_prefix;             // --web.route-prefix (with ProgramInfo::external_url_flags)
};

class Program {
 public:
  explicit Program(ProgramInfo info);
  ~Program();
  Program(const Program&) = delete;
  Program& operator=(const Program&) = delete;

  // Register program-specific flags here before ParseFlags.
  FlagSet& flags();

  // Parses argv and sets up logging. Returns an exit code when the program
  // must stop now: 0 after --help/--version, 1 on a bad flag (the error is
  // printed to stderr).
  std::optional<int> ParseFlags(int argc, char** argv);

  const CommonFlags& common() const { return common_; }
  const ProgramInfo& info() const { return info_; }
  const Logger& logger() const { return logger_; }
  MetricsRegistry& metrics() { return *metrics_; }
  // Routes added before Run() are served; the standard ones are added by Run().
  // Patterns are written without the route prefix: Run() moves every route
  // under it.
  http::Router& router();

  // The URL users reach the program under, as Prometheus computes it from
  // --web.external-url: "http://<hostname>:<port>" by default, without a
  // trailing '/'. Set by ParseFlags.
  const std::string& external_url() const { return external_url_; }
  // The path every route is served under: "" for the root, else "/prefix"
  // (--web.route-prefix, defaulting to the external URL's path).
  const std::string& route_prefix() const { return route_prefix_; }

  // Asks Run() to stop as on SIGTERM and return `exit_code`: for a component
  // that fails after Run() started (storage that cannot be opened, say).
  // Thread-safe.
  void RequestExit(int exit_code);

  // A hook run, in registration order, on SIGHUP and POST /-/reload. Every
  // hook runs; /-/reload answers 500 with the first error.
  void OnReload(std::function<Status()> hook);

  // Loads the configuration named by --config.file with `load` (which gives
  // the embedded default for ""), and registers its reload. Null after
  // logging the error when the first load fails: main() then exits 1.
  template <class T>
  std::unique_ptr<config::Reloader<T>> LoadConfig(typename config::Reloader<T>::Loader load) {
    auto reloader = std::make_unique<config::Reloader<T>>(common_.config_file, std::move(load),
                                                          logger_.With({{"component", "config"}}));
    if (Status s = reloader->Reload(); !s.ok()) {
      logger_.Error("Error loading config", {{"file", common_.config_file}, {"err", s}});
      return nullptr;
    }
    OnReload([r = reloader.get()] { return r->Reload(); });
    return reloader;
  }

  // Creates the storage directory `path` (and its parents). False after
  // logging the error when it cannot: main() then exits 1.
  bool PrepareStorageDir(const std::string& path) const;

  // /-/ready answers 503 until SetReady(true). Run() marks the program ready
  // once the server listens unless `MarkReadyOnStart(false)` was called.
  void SetReady(bool ready);
  void MarkReadyOnStart(bool on) { ready_on_start_ = on; }

  // Starts serving, waits for SIGTERM/SIGINT (or /-/quit), drains in-flight
  // requests for up to the grace period, and returns the process exit code.
  int Run();

 private:
  struct State;
  Status RunReloadHooks();

  ProgramInfo info_;
  CommonFlags common_;
  FlagSet flags_;
  Logger logger_;
  std::unique_ptr<MetricsRegistry> metrics_;
  std::unique_ptr<State> state_;
  bool ready_on_start_ = true;
  std::string external_url_;
  std::string route_prefix_;
};

}  // namespace ember::app
