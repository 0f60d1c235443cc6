// Alerts as an alerting rule produces them, and the function that receives
// the ones due to be sent to Alertmanager.
#pragma once

#include <functional>
#include <span>
#include <string_view>

#include "ember/base/labels.h"
#include "ember/base/time.h"

namespace ember::rules {

// Ordered as upstream: a rule's state is the highest of its alerts' states.
enum class AlertState { kUnknown = 0, kInactive = 1, kPending = 2, kFiring = 3 };

// "unknown", "inactive", "pending", "firing".
std::string_view AlertStateName(AlertState state);

// One instance of an alerting rule (one label set of its result). Times are
// Unix milliseconds; 0 means "not set" (upstream's zero time.Time).
struct Alert {
  AlertState state = AlertState::kInactive;
  Labels labels;              // the series' labels without __name__, the rule's labels (templated), alertname
  Labels annotations;         // templated
  double value = 0;           // the expression's value at the last evaluation
  TimestampMs active_at = 0;  // when the condition started to hold
  TimestampMs fired_at = 0;   // when it went from pending to firing
  TimestampMs resolved_at = 0;        // when it stopped firing; 0 while active
  TimestampMs last_sent_at = 0;       // the last evaluation that handed it to the notify function
  TimestampMs valid_until = 0;        // when Alertmanager should consider it resolved without news
  TimestampMs keep_firing_since = 0;  // when the condition cleared while keep_firing_for holds it
};

// Receives the alerts of one alerting rule due to be sent after an
// evaluation: firing ones at most once per resend delay, resolved ones right
// away and then again per resend delay for 15 minutes. Called on the group's
// thread after every evaluation of an alerting rule, even with no alerts.
// `expr` is the rule's query text (for the generator URL). The span is valid
// only during the call. An Alertmanager alert takes startsAt = fired_at and
// endsAt = resolved_at when set, else valid_until.
using NotifyFunc = std::function<void(std::string_view expr, std::span<const Alert> alerts)>;

}  // namespace ember::rules
