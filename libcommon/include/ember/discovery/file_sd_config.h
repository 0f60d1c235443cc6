// file_sd_configs: targets read from JSON or YAML files named by globs.
#pragma once

#include <string>
#include <vector>

#include "ember/base/status.h"
#include "ember/base/time.h"
#include "ember/config/field_reader.h"

namespace ember::discovery {

struct FileSdConfig {
  // Paths or globs of target files; a '*' may appear only in the last path
  // element, and the name must end in .json, .yml or .yaml. Relative paths are
  // taken as given (the caller joins them with the config file's directory).
  // Required: at least one.
  std::vector<std::string> files;
  // How often all files are re-read, as a safety net for missed file system
  // events. Default: 5m. Fixed per provider: a change restarts the provider.
  Milliseconds refresh_interval = std::chrono::minutes(5);

  friend bool operator==(const FileSdConfig&, const FileSdConfig&) = default;
};

// InvalidArgument with upstream's texts: "file service discovery config must
// contain at least one path name", `path name "x" is not valid for file
// discovery`.
Status ValidateFileSdConfig(const FileSdConfig& config);

// Decodes `{files: [...], refresh_interval: 5m}` and validates it.
void DecodeFileSdConfig(config::FieldReader& r, FileSdConfig& config);

}  // namespace ember::discovery
