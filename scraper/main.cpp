// ember-scraper: does the job of the Prometheus server. main() wires the
// components and owns their start and stop order.
#include <memory>

#include "config/scraper_config.h"
#include "ember/app/program.h"
#include "ember/base/strings.h"
#include "ember/tsdb/db.h"

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
  std::string retention_size;
  program.flags().String("storage.tsdb.path", &tsdb_path, "Base path for metrics storage.");
  program.flags().String("storage.tsdb.retention.time", &retention_time,
                         "How long to retain samples in storage. If neither this flag nor "
                         "storage.tsdb.retention.size is set, the retention time defaults to 15d.");
  program.flags().String(
      "storage.tsdb.retention.size", &retention_size,
      "Maximum number of bytes that can be stored for blocks. Units supported: B, KB, MB, GB, "
      "TB, PB, EB. Ex: \"512MB\". Based on powers-of-2, so 1KB is 1024B.");
  if (auto exit_code = program.ParseFlags(argc, argv)) return *exit_code;
  const Logger& logger = program.logger();

  tsdb::DbOptions db_options;
  db_options.dir = tsdb_path;
  if (!retention_size.empty()) {
    auto bytes = ParseBase2Bytes(retention_size);
    if (!bytes || *bytes < 0) {
      logger.Error("Invalid flag", {{"flag", "storage.tsdb.retention.size"},
                                    {"err", "invalid byte size \"" + retention_size + "\""}});
      return 1;
    }
    db_options.retention_bytes = static_cast<uint64_t>(*bytes);
    db_options.retention_ms = 0;
  }
  if (!retention_time.empty()) {
    auto d = ParseDuration(retention_time);
    if (!d.ok()) {
      logger.Error("Invalid flag", {{"flag", "storage.tsdb.retention.time"}, {"err", d.status()}});
      return 1;
    }
    db_options.retention_ms = d->count();
  }

  if (!program.PrepareStorageDir(tsdb_path)) return 1;

  auto config = program.LoadConfig<scraper::ScraperConfig>(scraper::LoadScraperConfig);
  if (!config) return 1;
  db_options.out_of_order_time_window_ms = config->Current()->storage.out_of_order_time_window.count();

  auto db = tsdb::Db::Open(db_options, logger.With({{"component", "tsdb"}}), &program.metrics());
  if (!db.ok()) {
    logger.Error("Opening storage failed", {{"err", db.status()}});
    return 1;
  }

  const int code = program.Run();
  if (Status st = (*db)->Close(); !st.ok()) {
    logger.Error("Error closing storage", {{"err", st}});
    return 1;
  }
  return code;
}
