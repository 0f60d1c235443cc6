// static_configs: target groups written in the config file itself.
#pragma once

#include <string_view>
#include <vector>

#include "ember/config/field_reader.h"
#include "ember/discovery/target_group.h"

namespace ember::discovery {

// Decodes one `{targets: [host:port, ...], labels: {name: value}}` item into
// `group` (source left as is). Label names are checked as ValidateLabelName
// does, the error naming the item's line and path.
void DecodeStaticConfig(config::FieldReader& r, TargetGroup& group);

// Decodes the list under `key` (normally "static_configs"), appending one
// group per item with source "0", "1", ... in document order, as Prometheus
// numbers them.
void DecodeStaticConfigs(config::FieldReader& r, std::string_view key, std::vector<TargetGroup>* out);

}  // namespace ember::discovery
