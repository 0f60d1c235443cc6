// The process_* metrics every Prometheus client exports (CPU, memory, file
// descriptors, start time), read from /proc at exposition time.
#pragma once

#include "ember/obs/metrics.h"

namespace ember::app {

void RegisterProcessMetrics(MetricsRegistry& registry);

}  // namespace ember::app
