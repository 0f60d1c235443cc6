// ember-shipper: does the job of Promtail. main() wires the components and
// owns their start and stop order.
#include "config/shipper_config.h"
#include "ember/app/program.h"

int main(int argc, char** argv) {
  using namespace ember;
  app::Program program({
      .name = "ember-shipper",
      .summary =
          "The Ember log shipper: tails files and pod logs, runs pipeline stages, pushes to the log store.",
      .default_listen_address = ":9080",
      .metrics_namespace = "promtail",
      .healthy_text = "OK",
      .ready_text = "Ready",
      .serve_plain_ready_path = true,
  });
  shipper::LoadOptions load_options;
  program.flags().String("positions.file", &load_options.positions_file,
                         "Where read offsets are kept; overrides positions.filename in the config file.");
  program.flags().Bool(
      "config.expand-env", &load_options.expand_env,
      "Expand ${VAR} and ${VAR:-default} references in the config file from the environment.");
  if (auto exit_code = program.ParseFlags(argc, argv)) return *exit_code;

  auto config = program.LoadConfig<shipper::ShipperConfig>(
      [&load_options](const std::string& path) { return shipper::LoadShipperConfig(path, load_options); });
  if (!config) return 1;

  return program.Run();
}
