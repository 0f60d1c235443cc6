// Silence: a time-bounded mute of the alerts whose labels match all of its
// matchers, as Alertmanager's silences. Its state follows from the time:
// pending before starts_at, expired after ends_at, active in between (both
// ends included, as upstream's getState).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ember/base/status.h"
#include "ember/base/time.h"
#include "model/matcher.h"

namespace ember::alerter {

enum class SilenceState { kExpired, kActive, kPending };

// "expired", "active", "pending".
std::string_view SilenceStateString(SilenceState state);

struct Silence {
  std::string id;  // UUID v4; empty in a Set call that creates a silence
  Matchers matchers;
  TimestampMs starts_at = 0;
  TimestampMs ends_at = 0;
  TimestampMs updated_at = 0;  // set by the store
  std::string created_by;
  std::string comment;

  friend bool operator==(const Silence&, const Silence&) = default;
};

SilenceState GetSilenceState(const Silence& silence, TimestampMs now);

// The store's checks, with upstream's texts (without the "invalid silence: "
// prefix Set adds): "at least one matcher required", "invalid label matcher
// <i>: invalid label name \"x\"" / "invalid label value \"x\"", "at least one
// matcher must not match the empty string", "invalid zero start timestamp",
// "invalid zero end timestamp", "end time must not be before start time".
Status ValidateSilence(const Silence& silence);

// The API v2 POST /silences checks made before the store sees the silence,
// with upstream's texts: "Failed to create silence: start time must be
// before end time" and "Failed to create silence: end time can't be in the
// past". InvalidArgument.
Status ValidatePostableSilence(const Silence& silence, TimestampMs now);

// A random (version 4) UUID in the 8-4-4-4-12 lower-case hex form.
std::string NewUuidV4();

}  // namespace ember::alerter
