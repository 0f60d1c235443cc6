// LogstoreConfig: the parts of a Loki configuration file that ember-logstore
// reads, as plain Options.
//
// `auth_enabled` is decoded; the other Loki sections (server, common,
// schema_config, storage_config, limits_config, ingester, querier, ruler,
// compactor, ...) are accepted without being read, so that an existing Loki
// config loads; this version does not act on them.
#pragma once

#include <string>

#include "ember/base/status.h"

namespace ember::logstore {

struct LogstoreConfig {
  // Require X-Scope-OrgID on every request (multi-tenant mode). Loki's default.
  bool auth_enabled = true;
};

struct LoadOptions {
  bool expand_env = false;  // -config.expand-env: expand ${VAR} before parsing
};

// Reads the file at `path`; "" gives the embedded default configuration.
// Errors: the file cannot be read; InvalidArgument "parsing YAML file <path>: ...".
Result<LogstoreConfig> LoadLogstoreConfig(const std::string& path, const LoadOptions& options);

}  // namespace ember::logstore
