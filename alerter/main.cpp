// ember-alerter: does the job of Alertmanager. main() wires the components
// and owns their start and stop order.
#include "config/alerter_config.h"
#include "ember/app/program.h"

int main(int argc, char** argv) {
  using namespace ember;
  app::Program program({
      .name = "ember-alerter",
      .summary = "The Ember alert router: grouping, inhibition, silences, routing and notifications.",
      .default_listen_address = ":9093",
      .metrics_namespace = "alertmanager",
      .healthy_text = "OK",
      .ready_text = "OK",
  });
  std::string storage_path = "data/";
  std::string retention = "120h";
  program.flags().String("storage.path", &storage_path, "Base path for data storage.");
  program.flags().String("data.retention", &retention, "How long to keep data for.");
  if (auto exit_code = program.ParseFlags(argc, argv)) return *exit_code;

  if (!program.PrepareStorageDir(storage_path)) return 1;
  auto config = program.LoadConfig<alerter::AlerterConfig>(alerter::LoadAlerterConfig);
  if (!config) return 1;

  return program.Run();
}
