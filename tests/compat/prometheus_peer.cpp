#include "prometheus_peer.h"

#include <chrono>
#include <cstdio>

namespace ember::compat {

Result<PrometheusPeer> PrometheusPeer::Start(const testing::TempDir& dir) {
  std::string config = dir.WriteFile("prometheus.yml", "global:\n  scrape_interval: 1h\n");
  EMBER_ASSIGN_OR_RETURN(
      auto program, testing::StartExecutable(kPrometheusPath,
                                             {"--config.file=" + config, "--web.enable-remote-write-receiver",
                                              "--storage.tsdb.path=" + dir.Join("prometheus"),
                                              "--storage.tsdb.retention.time=10y", "--log.level=warn"},
                                             dir.Join("prometheus.log"), std::chrono::seconds(60)));
  return PrometheusPeer(std::move(program));
}

Status PrometheusPeer::Write(const std::vector<wire::WriteSeries>& series) {
  EMBER_ASSIGN_OR_RETURN(std::string body, wire::EncodeWriteRequest(series));
  EMBER_ASSIGN_OR_RETURN(
      auto reply, testing::HttpPost(program_.base_url + "/api/v1/write", body, "application/x-protobuf"));
  if (reply.status / 100 != 2) {
    return Status::Internal("remote write answered " + std::to_string(reply.status) + ": " + reply.body);
  }
  return Status::Ok();
}

Result<QueryOutcome> PrometheusPeer::Post(const std::string& path, const std::string& form,
                                          double* wall_seconds) {
  auto begin = std::chrono::steady_clock::now();
  EMBER_ASSIGN_OR_RETURN(auto reply, testing::HttpPost(program_.base_url + path, form));
  if (wall_seconds != nullptr) {
    *wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  }
  return ParsePrometheusResponse(reply.body);
}

Result<QueryOutcome> PrometheusPeer::Instant(const std::string& query, int64_t time_ms,
                                             double* wall_seconds) {
  return Post("/api/v1/query",
              "query=" + FormEscape(query) + "&time=" + FormatSeconds(time_ms) + "&stats=all", wall_seconds);
}

Result<QueryOutcome> PrometheusPeer::Range(const std::string& query, int64_t start_ms, int64_t end_ms,
                                           int64_t step_ms, double* wall_seconds) {
  return Post("/api/v1/query_range",
              "query=" + FormEscape(query) + "&start=" + FormatSeconds(start_ms) +
                  "&end=" + FormatSeconds(end_ms) + "&step=" + FormatSeconds(step_ms) + "&stats=all",
              wall_seconds);
}

}  // namespace ember::compat
