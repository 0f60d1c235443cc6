// The dedup stage's decision, upstream's DedupStage.needsUpdate: given what
// an alert group holds now and the receiver's last notification-log entry,
// whether to notify and why.
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>
#include <unordered_set>

#include "ember/base/time.h"
#include "nflog/nflog.h"

namespace ember::alerter {

enum class NotifyReason {
  kDoNotNotify,
  kFirstNotification,
  kNewAlertsInGroup,
  kAllAlertsResolved,
  kNewResolvedAlerts,
  kRepeatIntervalElapsed,
};

// Upstream's texts: "none", "first notification", "new alerts added",
// "some alerts resolved", "all alerts resolved", "repeat interval elapsed".
std::string_view NotifyReasonString(NotifyReason reason);
inline bool ShouldNotify(NotifyReason reason) { return reason != NotifyReason::kDoNotNotify; }

// `entry` is the last entry (null when none). The rules, in order:
// - no entry: notify (first notification) when anything fires, else not;
// - an alert fires that the entry did not have: first notification when the
//   entry had no firing alerts (it was a resolution), else new alerts;
// - nothing fires now: notify (all resolved) when the entry had firing
//   alerts -- whatever send_resolved says, so the log forgets them -- else not;
// - send_resolved and a resolved alert the entry did not have: notify;
// - otherwise notify only when the entry is older than now - repeat_interval.
NotifyReason DedupDecision(const NflogEntry* entry, const std::unordered_set<uint64_t>& firing,
                           const std::unordered_set<uint64_t>& resolved, bool send_resolved,
                           std::chrono::milliseconds repeat_interval, TimestampMs now);

}  // namespace ember::alerter
