// The one place scrape configs become service discovery configs: each job's
// static_configs, file_sd_configs and kubernetes_sd_configs (more mechanisms
// are added here).
#pragma once

#include <vector>

#include "config/scraper_config.h"
#include "ember/discovery/discovery_manager.h"

namespace ember::scraper {

// One entry per job, even a job without any discovery config (its targets
// are then always empty), so the DiscoveryManager reports every job.
discovery::JobConfigs ScrapeDiscoveryConfigs(const std::vector<ScrapeConfig>& scrape_configs);

}  // namespace ember::scraper
