#include "peer_harness.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace ember::peers {

std::string MissingPeer(std::initializer_list<const char*> paths) {
  for (const char* path : paths) {
    if (::access(path, X_OK) != 0) return path;
  }
  return "";
}

Result<testing::RunningProgram> StartServer(const std::string& path, const std::vector<std::string>& args,
                                            uint16_t port, const std::string& log_file,
                                            const std::string& ready_path,
                                            std::chrono::milliseconds timeout) {
  EMBER_ASSIGN_OR_RETURN(testing::Process process, testing::Process::Start(path, args, log_file));
  std::string base = "http://127.0.0.1:" + std::to_string(port);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  // Until the server listens the connection is refused; each attempt then
  // waits on the process instead of sleeping, so an early exit is seen at once.
  while (std::chrono::steady_clock::now() < deadline) {
    auto reply = testing::HttpGet(base + ready_path);
    if (reply.ok() && reply->status == 200) return testing::RunningProgram{std::move(process), port, base};
    if (auto code = process.WaitExit(std::chrono::milliseconds(50))) {
      return Status::Unavailable(path + " exited with code " + std::to_string(*code) + ":\n" + process.Log());
    }
  }
  return Status::DeadlineExceeded(path + " did not become ready:\n" + process.Log());
}

Result<testing::RunningProgram> StartEmber(const testing::TempDir& dir, std::vector<std::string> extra_args) {
  std::vector<std::string> args = {"--storage.tsdb.path=" + dir.Join("ember")};
  // Without a configuration of its own, ember-scraper would scrape itself
  // (the embedded default); the peers compare only what they send it.
  const bool has_config = std::any_of(extra_args.begin(), extra_args.end(),
                                      [](const std::string& a) { return a.starts_with("--config.file="); });
  if (!has_config)
    args.push_back("--config.file=" + dir.WriteFile("ember-receiver.yml", "scrape_configs: []\n"));
  for (std::string& a : extra_args) args.push_back(std::move(a));
  return testing::StartProgram("ember-scraper", std::move(args), dir, std::chrono::seconds(60));
}

std::string LogTail(std::string_view name, const testing::Process& process, size_t max_bytes) {
  std::string log = process.Log();
  std::string out = std::string(name) + " (pid " + std::to_string(process.pid()) + ") log";
  if (log.size() > max_bytes) {
    out += ", last " + std::to_string(max_bytes) + " bytes";
    log = log.substr(log.size() - max_bytes);
  }
  return out + ":\n" + log + "\n";
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

namespace {

Result<nlohmann::json> DataOf(const std::string& what, const Result<testing::HttpReply>& reply) {
  if (!reply.ok()) return Status::Unavailable(what + ": " + reply.status().ToString());
  nlohmann::json body = nlohmann::json::parse(reply->body, nullptr, /*allow_exceptions=*/false);
  if (reply->status != 200 || body.is_discarded() || !body.is_object() ||
      body.value("status", "") != "success" || !body.contains("data")) {
    return Status::Internal(what + " answered " + std::to_string(reply->status) + ": " + reply->body);
  }
  return body["data"];
}

}  // namespace

Result<nlohmann::json> ApiGet(const std::string& base_url, const std::string& path_and_query) {
  return DataOf("GET " + base_url + path_and_query, testing::HttpGet(base_url + path_and_query));
}

Result<nlohmann::json> InstantQuery(const std::string& base_url, const std::string& query, int64_t time_ms) {
  return DataOf(base_url + " query " + query + " @" + FormatSeconds(time_ms),
                testing::HttpPost(base_url + "/api/v1/query",
                                  "query=" + FormEscape(query) + "&time=" + FormatSeconds(time_ms)));
}

Result<nlohmann::json> RangeQuery(const std::string& base_url, const std::string& query, int64_t start_ms,
                                  int64_t end_ms, int64_t step_ms) {
  return DataOf(base_url + " query_range " + query,
                testing::HttpPost(base_url + "/api/v1/query_range",
                                  "query=" + FormEscape(query) + "&start=" + FormatSeconds(start_ms) +
                                      "&end=" + FormatSeconds(end_ms) + "&step=" + FormatSeconds(step_ms)));
}

Status RemoteWrite(const std::string& base_url, std::span<const wire::WriteSeries> series) {
  EMBER_ASSIGN_OR_RETURN(std::string body, wire::EncodeWriteRequest(series));
  EMBER_ASSIGN_OR_RETURN(auto reply,
                         testing::HttpPost(base_url + "/api/v1/write", body, "application/x-protobuf"));
  if (reply.status / 100 != 2) {
    return Status::Internal("remote write answered " + std::to_string(reply.status) + ": " + reply.body);
  }
  return Status::Ok();
}

bool PollUntil(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
               std::span<testing::Process* const> watched, std::chrono::milliseconds pause) {
  if (watched.empty()) return condition();
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    // The pause is a wait on the processes the condition depends on: one that
    // exits ends the poll instead of running out the timeout.
    auto slice = pause / static_cast<int>(watched.size());
    for (testing::Process* p : watched) {
      if (p->WaitExit(slice)) return false;
    }
  }
}

nlohmann::json SortedByMetric(nlohmann::json data) {
  auto by_labels = [](nlohmann::json& list, bool nested) {
    std::sort(list.begin(), list.end(), [nested](const nlohmann::json& a, const nlohmann::json& b) {
      return (nested ? a["metric"] : a).dump() < (nested ? b["metric"] : b).dump();
    });
  };
  if (data.is_array()) {
    by_labels(data, false);
  } else if (data.is_object() && data.contains("result") && data["result"].is_array()) {
    by_labels(data["result"], true);
  }
  return data;
}

}  // namespace ember::peers
