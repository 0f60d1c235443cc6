// AlerterConfig: the parts of an Alertmanager configuration file that
// ember-alerter reads, as plain Options.
//
// `templates` is decoded; the routing tree, receivers, inhibition rules,
// time intervals and `global` settings are accepted without being read, so
// that an existing alertmanager.yml loads; this version does not act on them.
// As in Alertmanager, a file without a `route` is rejected.
#pragma once

#include <string>
#include <vector>

#include "ember/base/status.h"

namespace ember::alerter {

struct AlerterConfig {
  std::vector<std::string> templates;  // globs of notification template files
};

// Reads the file at `path`; "" gives the embedded default configuration.
// Errors: the file cannot be read; InvalidArgument "parsing YAML file <path>: ...".
Result<AlerterConfig> LoadAlerterConfig(const std::string& path);

}  // namespace ember::alerter
