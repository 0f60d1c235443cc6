// The /api/v1 endpoints about the server itself -- status/*, targets --
// and the admin endpoints for the store (rules and alerts: rules_api.h).
//
// Answers have Prometheus's shapes. Targets come from the ScrapeManager (none
// without one).
//
// Thread-safe: requests are handled concurrently.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "ember/http/request.h"
#include "ember/http/response.h"
#include "ember/obs/logger.h"
#include "ember/tsdb/db.h"
#include "scrape/scrape_manager.h"

namespace ember::scraper {

// What the status endpoints report that only main() knows.
struct ServerInfo {
  int64_t start_time_ms = 0;
  std::string working_directory;
  std::string hostname;
  std::string storage_retention;  // "15d", "512MiB", "15d or 512MiB"
  // Every command-line flag and its value (FlagSet::Values).
  std::vector<std::pair<std::string, std::string>> flags;
  // The configuration's text, and whether and when it was last loaded.
  std::function<std::string()> config_yaml;
  std::function<bool()> reload_success;
  std::function<int64_t()> last_config_time_ms;
  bool admin_api_enabled = false;
  // --web.listen-address and the external URL, for the targets' globalUrl.
  std::string listen_address;
  std::string external_url;
};

class StatusApi {
 public:
  // `scrape`, when not null, answers /api/v1/targets and
  // /api/v1/targets/metadata; it outlives the StatusApi.
  StatusApi(tsdb::Db& db, ServerInfo info, Logger logger, const ScrapeManager* scrape = nullptr);

  http::Response BuildInfo(http::Request&);
  http::Response Config(http::Request&);
  http::Response Flags(http::Request&);
  http::Response RuntimeInfo(http::Request&);
  http::Response Tsdb(http::Request&);
  http::Response WalReplay(http::Request&);
  http::Response Targets(http::Request&);
  http::Response TargetsMetadata(http::Request&);

  // Admin endpoints (POST and PUT): 503 "admin APIs disabled" unless
  // ServerInfo::admin_api_enabled.
  http::Response DeleteSeries(http::Request&);
  http::Response CleanTombstones(http::Request&);
  http::Response Snapshot(http::Request&);

  struct Route {
    std::string path;
    std::vector<std::string> methods;
    http::Response (StatusApi::*handler)(http::Request&);
  };
  static std::vector<Route> Routes();

 private:
  tsdb::Db& db_;
  ServerInfo info_;
  Logger logger_;
  const ScrapeManager* scrape_;
};

}  // namespace ember::scraper
