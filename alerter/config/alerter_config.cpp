#include "config/alerter_config.h"

#include "ember/base/file_system.h"
#include "ember/config/field_reader.h"
#include "ember/config/yaml_file.h"

namespace ember::alerter {
namespace {

// One receiver that notifies nobody: alerts are kept and shown, not sent.
constexpr std::string_view kDefaultConfig = R"(route:
  receiver: default
receivers:
  - name: default
)";

void DecodeConfig(config::FieldReader& r, AlerterConfig& c) {
  if (!r.Has("route")) r.Fail("no route provided in config");
  r.Field("templates", &c.templates);
  for (std::string_view later : {"global", "route", "receivers", "inhibit_rules", "time_intervals",
                                 "mute_time_intervals", "tracing"}) {
    r.Skip(later);
  }
}

}  // namespace

Result<AlerterConfig> LoadAlerterConfig(const std::string& path) {
  return config::LoadYamlFileOrDefault<AlerterConfig>(FileSystem::Real(), path, kDefaultConfig, "config",
                                                      DecodeConfig);
}

}  // namespace ember::alerter
