// Prometheus 2.42 as a peer: started on a loopback port with an empty
// configuration and the remote write receiver, fed by remote write, and
// queried through its HTTP API.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ember/base/status.h"
#include "ember/wire/remote_write.h"
#include "query_result.h"
#include "test_support.h"

namespace ember::compat {

inline constexpr char kPrometheusPath[] = "/usr/bin/prometheus";

class PrometheusPeer {
 public:
  // Starts Prometheus with its data in dir/prometheus and waits for /-/ready.
  static Result<PrometheusPeer> Start(const testing::TempDir& dir);

  // Sends one remote write request and waits for its answer; the samples are
  // queryable once it returns OK (the receiver appends before answering).
  Status Write(const std::vector<wire::WriteSeries>& series);

  // Runs a query with stats=all. A query Prometheus rejects is an outcome
  // with `error` set; transport problems are errors. `wall_seconds`, when
  // given, receives the HTTP round trip time.
  Result<QueryOutcome> Instant(const std::string& query, int64_t time_ms, double* wall_seconds = nullptr);
  Result<QueryOutcome> Range(const std::string& query, int64_t start_ms, int64_t end_ms, int64_t step_ms,
                             double* wall_seconds = nullptr);

  const std::string& base_url() const { return program_.base_url; }

 private:
  explicit PrometheusPeer(testing::RunningProgram program) : program_(std::move(program)) {}
  Result<QueryOutcome> Post(const std::string& path, const std::string& form, double* wall_seconds);

  testing::RunningProgram program_;
};

using testing::FormatSeconds;
using testing::FormEscape;

}  // namespace ember::compat
