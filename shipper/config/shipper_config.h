// ShipperConfig: the parts of a Promtail configuration file that
// ember-shipper reads, as plain Options.
//
// `positions` is decoded; server, clients, scrape_configs, limits_config,
// target_config, options, tracing and global are accepted without being
// read, so that an existing Promtail config loads; this version does not act
// on them.
#pragma once

#include <string>

#include "ember/base/status.h"
#include "ember/base/time.h"

namespace ember::shipper {

struct PositionsConfig {
  std::string filename = "/var/log/positions.yaml";    // where read offsets are kept
  Nanoseconds sync_period = std::chrono::seconds(10);  // how often offsets are written
  bool ignore_invalid_yaml = false;                    // start afresh on a corrupt positions file
};

struct ShipperConfig {
  PositionsConfig positions;
};

struct LoadOptions {
  bool expand_env = false;     // -config.expand-env: expand ${VAR} before parsing
  std::string positions_file;  // -positions.file: replaces positions.filename when set
};

// Reads the file at `path`; "" gives the embedded default configuration.
// Errors: the file cannot be read; InvalidArgument "parsing YAML file <path>: ...".
Result<ShipperConfig> LoadShipperConfig(const std::string& path, const LoadOptions& options);

}  // namespace ember::shipper
