#include "scrape/discovery_configs.h"

#include <memory>

#include "ember/discovery/file_discovery.h"
#include "ember/discovery/kubernetes_discovery.h"
#include "ember/discovery/static_provider.h"

namespace ember::scraper {

discovery::JobConfigs ScrapeDiscoveryConfigs(const std::vector<ScrapeConfig>& scrape_configs) {
  discovery::JobConfigs jobs;
  for (const ScrapeConfig& c : scrape_configs) {
    auto& providers = jobs[c.job_name];
    if (!c.static_configs.empty()) {
      providers.push_back(std::make_shared<discovery::StaticProviderConfig>(c.static_configs));
    }
    for (const discovery::FileSdConfig& f : c.file_sd_configs) {
      providers.push_back(std::make_shared<discovery::FileProviderConfig>(f));
    }
    for (const discovery::KubernetesSdConfig& k : c.kubernetes_sd_configs) {
      providers.push_back(std::make_shared<discovery::KubernetesProviderConfig>(k));
    }
  }
  return jobs;
}

}  // namespace ember::scraper
