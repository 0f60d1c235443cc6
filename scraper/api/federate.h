// GET /federate: the newest sample of every series matching the `match[]`
// selectors, in the Prometheus text format (0.0.4), for another Prometheus
// to scrape. Series whose newest sample is older than the lookback delta, or
// is a stale marker, are left out; the external labels are added to series
// that do not carry them, as Prometheus federates.
#pragma once

#include <cstdint>
#include <functional>

#include "ember/base/clock.h"
#include "ember/base/labels.h"
#include "ember/http/request.h"
#include "ember/http/response.h"
#include "ember/tsdb/db.h"

namespace ember::scraper {

class Federate {
 public:
  // `external_labels` is asked on each request (the configuration may be
  // reloaded).
  Federate(tsdb::Db& db, int64_t lookback_delta_ms, std::function<Labels()> external_labels, Clock& clock);

  http::Response Serve(http::Request& request);

 private:
  tsdb::Db& db_;
  int64_t lookback_delta_ms_;
  std::function<Labels()> external_labels_;
  Clock& clock_;
};

}  // namespace ember::scraper
