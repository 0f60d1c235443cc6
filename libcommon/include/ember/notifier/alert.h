// Alert: what a rule evaluator hands to the notifier, and its JSON encoding
// for Alertmanager's API v2 (POST /api/v2/alerts), byte for byte as
// Prometheus's notifier sends it.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "ember/base/labels.h"

namespace ember::notifier {

// An alert as Alertmanager's API v2 receives it (POST /api/v2/alerts).
struct Alert {
  // Identify the alert; hold at least "alertname".
  Labels labels;
  // Extra information that is not part of the identity.
  Labels annotations;
  // Unix milliseconds. 0: unset, encoded as Go's zero time
  // ("0001-01-01T00:00:00.000Z"), which Alertmanager reads as unset.
  int64_t starts_at_ms = 0;
  int64_t ends_at_ms = 0;
  // Link back to the expression that fired. "": omitted.
  std::string generator_url;

  friend bool operator==(const Alert&, const Alert&) = default;
};

// A time as Alertmanager's models (go-openapi's strfmt.DateTime) marshal it:
// RFC 3339 in UTC with exactly three fractional digits,
// "2024-05-01T10:00:00.123Z"; 0 gives "0001-01-01T00:00:00.000Z".
std::string FormatAlertTime(int64_t unix_ms);

// The JSON body of one POST /api/v2/alerts: an array of PostableAlert with
// the fields in upstream's order:
//   [{"annotations":{...},"endsAt":"...","startsAt":"...",
//     "generatorURL":"...","labels":{...}}]
// `annotations` is left out when empty and `generatorURL` when "" (their
// `omitempty`); startsAt, endsAt and labels are always written. Strings are
// escaped as Go's encoding/json does (<, > and & as \u003c, \u003e, \u0026;
// U+2028/U+2029 escaped; invalid UTF-8 replaced by U+FFFD). An empty batch is
// "[]".
std::string EncodeAlertsV2(std::span<const Alert> alerts);

}  // namespace ember::notifier
