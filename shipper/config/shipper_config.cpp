#include "config/shipper_config.h"

#include "ember/base/file_system.h"
#include "ember/config/field_reader.h"
#include "ember/config/yaml_file.h"

namespace ember::shipper {
namespace {

// Pushes to a log store on this machine; no targets until configured.
constexpr std::string_view kDefaultConfig = R"(clients:
  - url: http://localhost:3100/loki/api/v1/push
scrape_configs: []
)";

void DecodeConfig(config::FieldReader& r, ShipperConfig& c) {
  r.Struct("positions", [&](config::FieldReader& p) {
    p.Field("filename", &c.positions.filename);
    p.GoDuration("sync_period", &c.positions.sync_period);
    p.Field("ignore_invalid_yaml", &c.positions.ignore_invalid_yaml);
  });
  for (std::string_view later : {"server", "clients", "scrape_configs", "limits_config", "target_config",
                                 "options", "tracing", "global"}) {
    r.Skip(later);
  }
}

}  // namespace

Result<ShipperConfig> LoadShipperConfig(const std::string& path, const LoadOptions& options) {
  auto config = config::LoadYamlFileOrDefault<ShipperConfig>(
      FileSystem::Real(), path, kDefaultConfig, "config", DecodeConfig, {.expand_env = options.expand_env});
  if (config.ok() && !options.positions_file.empty()) config->positions.filename = options.positions_file;
  return config;
}

}  // namespace ember::shipper
