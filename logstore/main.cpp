// ember-logstore: does the job of Loki. main() wires the components and owns
// their start and stop order.
#include "config/logstore_config.h"
#include "ember/app/program.h"

int main(int argc, char** argv) {
  using namespace ember;
  app::Program program({
      .name = "ember-logstore",
      .summary = "The Ember log store: push API, log storage, LogQL and the Loki query API.",
      .default_listen_address = ":3100",
      .metrics_namespace = "loki",
      .healthy_text = "OK",
      .ready_text = "ready\n",
      .serve_plain_ready_path = true,
  });
  std::string storage_path = "logstore-data/";
  logstore::LoadOptions load_options;
  program.flags().String("storage.path", &storage_path, "Base path for log storage.");
  program.flags().Bool(
      "config.expand-env", &load_options.expand_env,
      "Expand ${VAR} and ${VAR:-default} references in the config file from the environment.");
  if (auto exit_code = program.ParseFlags(argc, argv)) return *exit_code;

  if (!program.PrepareStorageDir(storage_path)) return 1;
  auto config = program.LoadConfig<logstore::LogstoreConfig>(
      [&load_options](const std::string& path) { return logstore::LoadLogstoreConfig(path, load_options); });
  if (!config) return 1;

  return program.Run();
}
