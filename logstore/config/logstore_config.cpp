#include "config/logstore_config.h"

#include "ember/base/file_system.h"
#include "ember/config/field_reader.h"
#include "ember/config/yaml_file.h"

namespace ember::logstore {
namespace {

// Single-tenant, as Loki's local example configuration runs.
constexpr std::string_view kDefaultConfig = "auth_enabled: false\n";

void DecodeConfig(config::FieldReader& r, LogstoreConfig& c) {
  r.Field("auth_enabled", &c.auth_enabled);
  for (std::string_view later :
       {"target",         "server",          "common",          "schema_config",    "storage_config",
        "limits_config",  "ingester",        "querier",         "query_range",      "query_scheduler",
        "frontend",       "frontend_worker", "ruler",           "compactor",        "distributor",
        "memberlist",     "table_manager",   "tracing",         "analytics",        "chunk_store_config",
        "runtime_config", "index_gateway",   "ingester_client", "pattern_ingester", "operational_config"}) {
    r.Skip(later);
  }
}

}  // namespace

Result<LogstoreConfig> LoadLogstoreConfig(const std::string& path, const LoadOptions& options) {
  return config::LoadYamlFileOrDefault<LogstoreConfig>(FileSystem::Real(), path, kDefaultConfig, "config",
                                                       DecodeConfig, {.expand_env = options.expand_env});
}

}  // namespace ember::logstore
