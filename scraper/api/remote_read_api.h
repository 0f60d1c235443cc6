// The remote read endpoint: POST /api/v1/read, as Prometheus serves it to
// another Prometheus's `remote_read`. A snappy-compressed ReadRequest asks
// for the series matching each query's matchers in its time range; the
// answer is the first type the client accepts that we speak:
// - SAMPLES: one snappy-compressed ReadResponse with raw samples, bounded by
//   the sample limit (400 "exceeded sample limit (N)");
// - STREAMED_XOR_CHUNKS: frames of ChunkedReadResponse messages (uvarint
//   length, big-endian CRC-32C, message), each at most the frame size limit,
//   carrying Prometheus XOR chunks.
// External labels are added to series that lack them; matchers on an
// external label's name are dropped, as Prometheus does.
//
// Thread-safe; at most `concurrent_limit` reads run at once, others wait.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>

#include "ember/base/labels.h"
#include "ember/http/request.h"
#include "ember/http/response.h"
#include "ember/obs/logger.h"
#include "ember/tsdb/db.h"
#include "ember/wire/remote_read.h"

namespace ember::scraper {

class RemoteReadApi {
 public:
  struct Options {
    // --storage.remote.read-sample-limit: most samples a SAMPLES answer may
    // carry; 0 means no limit. Default: 50,000,000.
    int64_t sample_limit = 50'000'000;
    // --storage.remote.read-concurrent-limit; 0 means no limit. Default: 10.
    int64_t concurrent_limit = 10;
    // --storage.remote.read-max-bytes-in-frame. Unit: bytes. Default: 1 MiB.
    int64_t max_bytes_in_frame = 1 << 20;
    wire::ReadDecodeLimits limits;
  };

  // `external_labels` is asked on each request (the configuration may be
  // reloaded).
  RemoteReadApi(tsdb::Db& db, std::function<Labels()> external_labels, Logger logger, Options options);

  http::Response Read(http::Request& request);

 private:
  http::Response Samples(const wire::ReadRequestData& request, const Labels& external);
  http::Response StreamedChunks(const wire::ReadRequestData& request, const Labels& external);

  tsdb::Db& db_;
  std::function<Labels()> external_labels_;
  Logger logger_;
  Options options_;
  std::mutex mu_;
  std::condition_variable cv_;
  int64_t running_ = 0;
};

}  // namespace ember::scraper
