// ember-scraper: does the job of the Prometheus server. main() wires the
// components and owns their start and stop order.
#include <memory>

#include "config/scraper_config.h"
#include "ember/app/program.h"

int main(int argc, char** argv) {
  using namespace ember;
  app::Program program({
      .name = "ember-scraper",
      .summary = "The Ember monitoring server: scraping, time series storage, PromQL and rules.",
      .default_listen_address = ":9090",
      .metrics_namespace = "prometheus",
      .healthy_text = "Prometheus Server is Healthy.\n",
      .ready_text = "Prometheus Server is Ready.\n",
      .lifecycle_flag = true,
  });
  std::string tsdb_path = "data/";
  std::string retention_time;
  program.flags().String("storage.tsdb.path", &tsdb_path, "Base path for metrics storage.");
  program.flags().String("storage.tsdb.retention.time", &retention_time,
                         "How long to retain samples in storage (default 15d).");
  if (auto exit_code = program.ParseFlags(argc, argv)) return *exit_code;

  if (!program.PrepareStorageDir(tsdb_path)) return 1;

  auto config = program.LoadConfig<scraper::ScraperConfig>(scraper::LoadScraperConfig);
  if (!config) return 1;

  return program.Run();
}
