// What the peer tests share: where the peer binaries live and how a test
// says it is skipping, starting a server on a port chosen beforehand (a peer's
// own configuration may have to name it), the HTTP query API as parsed JSON,
// remote write into ember-scraper, and bounded polling.
//
// Nothing here sleeps in place of synchronisation: PollUntil pauses by waiting
// on the watched processes' exit, so a peer that dies ends the wait at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ember/base/status.h"
#include "ember/wire/remote_write.h"
#include "test_support.h"

namespace ember::peers {

// Installed by scripts/install-deps.sh --with-test-peers (Debian packages
// prometheus 2.42, prometheus-node-exporter 1.5).
inline constexpr char kPrometheusPath[] = "/usr/bin/prometheus";
inline constexpr char kPromtoolPath[] = "/usr/bin/promtool";
inline constexpr char kNodeExporterPath[] = "/usr/bin/prometheus-node-exporter";

// The first of `paths` that is not an executable file, or "" when all are.
// A test that gets a name back WARNs it and returns: the test is reported as
// skipped with the reason, as tests/compat does without Prometheus.
std::string MissingPeer(std::initializer_list<const char*> paths);

// Starts `path` with `args` (which must already name `port`, however the
// program spells its listen flag), logging to `log_file`, and waits until
// GET http://127.0.0.1:<port><ready_path> answers 200. Fails with the
// program's log when it exits or is not ready within `timeout`.
Result<testing::RunningProgram> StartServer(const std::string& path, const std::vector<std::string>& args,
                                            uint16_t port, const std::string& log_file,
                                            const std::string& ready_path,
                                            std::chrono::milliseconds timeout = std::chrono::seconds(60));

// Starts build/bin/ember-scraper with its store in dir/ember.
Result<testing::RunningProgram> StartEmber(const testing::TempDir& dir,
                                           std::vector<std::string> extra_args = {});

// "Name (pid N) log, last bytes:\n..." for a failure message.
std::string LogTail(std::string_view name, const testing::Process& process, size_t max_bytes = 6000);

// Milliseconds since the Unix epoch, now.
int64_t NowMs();
using testing::FormatSeconds;
using testing::FormEscape;

// GET base_url + path_and_query; the JSON body's "data" when the answer is 200
// with "status":"success", otherwise an error carrying the status and body.
Result<nlohmann::json> ApiGet(const std::string& base_url, const std::string& path_and_query);
// POST /api/v1/query (form: query, time) -> data.
Result<nlohmann::json> InstantQuery(const std::string& base_url, const std::string& query, int64_t time_ms);
// POST /api/v1/query_range (form: query, start, end, step) -> data.
Result<nlohmann::json> RangeQuery(const std::string& base_url, const std::string& query, int64_t start_ms,
                                  int64_t end_ms, int64_t step_ms);

// Sends one remote write 1.0 request to base_url/api/v1/write; OK on a 2xx.
Status RemoteWrite(const std::string& base_url, std::span<const wire::WriteSeries> series);

// Calls `condition` until it returns true or `timeout` passes; between tries
// waits up to `pause` for any of `watched` to exit. False on timeout or when a
// watched process has exited. With nothing to watch, `condition` is tried once.
bool PollUntil(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
               std::span<testing::Process* const> watched,
               std::chrono::milliseconds pause = std::chrono::milliseconds(200));

// A query result ("vector" or "matrix" data, or a /series list) with its
// entries sorted by their labels, so two servers' answers compare as sets.
nlohmann::json SortedByMetric(nlohmann::json data);

}  // namespace ember::peers
