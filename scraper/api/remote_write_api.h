// The remote write receiver: POST /api/v1/write, remote write 1.0
// (prometheus.WriteRequest) and 2.0 (io.prometheus.write.v2.Request) bodies,
// snappy-compressed, as Prometheus's receiver takes them.
//
// A request is stored whole or not at all: every sample is appended to one
// Appender, and any rejected sample rolls the request back and answers 400
// naming it, so a sender never has to guess what was kept. Success is 204
// with the X-Prometheus-Remote-Write-{Samples,Histograms,Exemplars}-Written
// headers. 415 for a content type or encoding it does not speak; 5xx only
// when the store failed, where a retry can help.
//
// Thread-safe: requests are handled concurrently.
#pragma once

#include "ember/http/request.h"
#include "ember/http/response.h"
#include "ember/obs/logger.h"
#include "ember/obs/metrics.h"
#include "ember/tsdb/db.h"
#include "ember/wire/remote_write.h"
#include "metadata/metadata_store.h"

namespace ember::scraper {

class RemoteWriteApi {
 public:
  struct Options {
    // Which messages are accepted (--web.remote-write-receiver.accepted-protobuf-messages).
    bool accept_v1 = true;
    bool accept_v2 = true;
    wire::WriteDecodeLimits limits;
  };

  // `metrics` receives the receiver's counters and must outlive this object.
  RemoteWriteApi(tsdb::Db& db, MetadataStore& metadata, Logger logger, MetricsRegistry& metrics,
                 Options options);

  http::Response Write(http::Request& request);

 private:
  http::Response Store(const wire::WriteRequestData& data);

  tsdb::Db& db_;
  MetadataStore& metadata_;
  Logger logger_;
  Options options_;
  Counter* samples_written_ = nullptr;
  Counter* requests_rejected_ = nullptr;
};

}  // namespace ember::scraper
