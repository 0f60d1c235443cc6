// The remote write benchmark's sender: pre-encoded requests POSTed to
// /api/v1/write on loopback, each connection on its own thread over one
// keep-alive HTTP/1.1 connection, one request in flight per connection
// (closed loop), as each shard of Prometheus's remote write queue sends.
#pragma once

#include <cstdint>
#include <string>

#include "write_workload.h"

namespace ember::bench {

struct SendResult {
  uint64_t requests = 0;      // answered 2xx
  uint64_t samples = 0;       // in the requests answered 2xx
  uint64_t failures = 0;      // answered otherwise, or lost to a transport error
  std::string first_failure;  // "HTTP 400: <body>" or what broke the connection
  double seconds = 0;         // wall time from the first request to the last answer
  // The slowest request, for a sign of stalls (compaction, GC). Unit: seconds.
  double max_latency_seconds = 0;
};

// Sends rounds [from, to) of every connection's requests to
// http://127.0.0.1:<port>/api/v1/write with the headers of remote write 1.0
// (Content-Encoding: snappy, Content-Type: application/x-protobuf,
// X-Prometheus-Remote-Write-Version: 0.1.0). A connection sends its requests
// in order, so a series' samples arrive in time order. After a non-2xx answer
// a connection carries on with its next request on a new connection; after a
// transport error it stops, counting its unsent requests as failures.
SendResult SendRounds(uint16_t port, const WriteWorkload& workload, int from, int to);

}  // namespace ember::bench
