// YAML decoding of one relabel step, for the config decoders of the programs
// that take relabel_configs (ember-scraper, ember-shipper):
//
//   r.List("relabel_configs", [&](config::FieldReader& item) {
//     relabel::DecodeRelabelConfig(item, sc.relabel_configs.emplace_back());
//   });
#pragma once

#include "ember/config/field_reader.h"
#include "ember/relabel/relabel_config.h"

namespace ember::relabel {

// Reads the keys source_labels, separator, regex, modulus, target_label,
// replacement and action into `c` (which should start as RelabelConfig{}),
// rejecting others, then validates the result (Validate and CheckRegex) with
// `scheme`. As upstream's YAML decoding does, a key given with a null value
// sets the field's zero value, not its default: `regex:` matches only "",
// `separator:` joins with nothing and `action:` fails with "relabel action
// cannot be empty". Errors are recorded in `r` with upstream's messages.
void DecodeRelabelConfig(config::FieldReader& r, RelabelConfig& c,
                         NameValidation scheme = NameValidation::kUtf8);

}  // namespace ember::relabel
