#include "nflog/dedup.h"

namespace ember::alerter {

std::string_view NotifyReasonString(NotifyReason reason) {
  switch (reason) {
    case NotifyReason::kDoNotNotify:
      return "none";
    case NotifyReason::kFirstNotification:
      return "first notification";
    case NotifyReason::kNewAlertsInGroup:
      return "new alerts added";
    case NotifyReason::kNewResolvedAlerts:
      return "some alerts resolved";
    case NotifyReason::kAllAlertsResolved:
      return "all alerts resolved";
    case NotifyReason::kRepeatIntervalElapsed:
      return "repeat interval elapsed";
  }
  return "unknown";
}

NotifyReason DedupDecision(const NflogEntry* entry, const std::unordered_set<uint64_t>& firing,
                           const std::unordered_set<uint64_t>& resolved, bool send_resolved,
                           std::chrono::milliseconds repeat_interval, TimestampMs now) {
  if (entry == nullptr) return firing.empty() ? NotifyReason::kDoNotNotify : NotifyReason::kFirstNotification;
  if (!entry->IsFiringSubset(firing)) {
    return entry->firing_alerts.empty() ? NotifyReason::kFirstNotification : NotifyReason::kNewAlertsInGroup;
  }
  if (firing.empty()) {
    // Alerts that fired and resolved within one interval were never sent:
    // only a receiver that saw firing alerts hears about the resolution.
    return entry->firing_alerts.empty() ? NotifyReason::kDoNotNotify : NotifyReason::kAllAlertsResolved;
  }
  if (send_resolved && !entry->IsResolvedSubset(resolved)) return NotifyReason::kNewResolvedAlerts;
  if (entry->timestamp < now - repeat_interval.count()) return NotifyReason::kRepeatIntervalElapsed;
  return NotifyReason::kDoNotNotify;
}

}  // namespace ember::alerter
