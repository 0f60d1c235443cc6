// The requests of the remote write benchmark, built and encoded before
// anything is measured, so that both servers receive the same bytes and the
// cost of encoding is in neither's figures.
//
// The data is SeriesGenerator's Kubernetes cluster (node-exporter, cAdvisor
// and kube-state-metrics series with kube-prometheus's target labels). Each
// round is one scrape interval: every series gets one sample. The series are
// split among the senders by label hash, as Prometheus's remote write queue
// splits them among its shards, so each series' samples travel on one
// connection in time order. Within a round a sender's samples follow scrape
// order, one TimeSeries per sample, cut into requests of at most
// max_samples_per_request: what Prometheus 2.x's queue manager sends.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ember/base/status.h"

namespace ember::bench {

struct WriteWorkloadOptions {
  // Active series, about: the cluster grows by whole nodes (~2,100 series each).
  int64_t series = 100000;
  // Scrape intervals; each gives every series one sample.
  int rounds = 41;
  // Senders (connections); series are split among them by label hash.
  int connections = 8;
  // Samples per request at most. Default: Prometheus's max_samples_per_send.
  size_t max_samples_per_request = 2000;
  // The first round starts here; the last ends at start_ms + rounds * 15 s.
  // Unit: ms since the epoch.
  int64_t start_ms = 0;
};

struct EncodedRequest {
  std::string body;  // snappy-compressed prometheus.WriteRequest
  uint32_t samples = 0;
};

struct WriteWorkload {
  size_t series = 0;
  int rounds = 0;
  int nodes = 0;
  int64_t max_time_ms = 0;  // the latest sample's timestamp
  // requests[c][r]: what connection c sends in round r, in order.
  std::vector<std::vector<std::vector<EncodedRequest>>> requests;

  // Samples and requests in rounds [from, to) over all connections.
  uint64_t Samples(int from, int to) const;
  uint64_t Requests(int from, int to) const;
  uint64_t BodyBytes(int from, int to) const;
};

// Generates and encodes the workload, on every core. Errors: those of
// wire::EncodeWriteRequest.
Result<WriteWorkload> BuildWriteWorkload(const WriteWorkloadOptions& options);

}  // namespace ember::bench
