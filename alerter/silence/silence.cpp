#include "silence/silence.h"

#include "ember/base/strings.h"

#include <cstdio>
#include <mutex>
#include <random>

namespace ember::alerter {
namespace {

// Upstream's matchesEmpty: only the positive types count.
bool MatchesEmpty(const Matcher& m) {
  switch (m.type()) {
    case MatchType::kEqual:
      return m.value().empty();
    case MatchType::kRegexp:
      return m.Matches("");
    default:
      return false;
  }
}

}  // namespace

std::string_view SilenceStateString(SilenceState state) {
  switch (state) {
    case SilenceState::kExpired:
      return "expired";
    case SilenceState::kActive:
      return "active";
    case SilenceState::kPending:
      return "pending";
  }
  return "unknown";
}

SilenceState GetSilenceState(const Silence& silence, TimestampMs now) {
  if (now < silence.starts_at) return SilenceState::kPending;
  if (now > silence.ends_at) return SilenceState::kExpired;
  return SilenceState::kActive;
}

Status ValidateSilence(const Silence& silence) {
  if (silence.matchers.empty()) return Status::InvalidArgument("at least one matcher required");
  bool all_match_empty = true;
  for (size_t i = 0; i < silence.matchers.size(); ++i) {
    const Matcher& m = silence.matchers[i];
    const std::string prefix = "invalid label matcher " + std::to_string(i) + ": ";
    if (!IsUtf8LabelName(m.name())) {
      return Status::InvalidArgument(prefix + "invalid label name " + GoQuote(m.name()));
    }
    if ((m.type() == MatchType::kEqual || m.type() == MatchType::kNotEqual) && !IsValidUtf8(m.value())) {
      return Status::InvalidArgument(prefix + "invalid label value " + GoQuote(m.value()));
    }
    all_match_empty = all_match_empty && MatchesEmpty(m);
  }
  if (all_match_empty) return Status::InvalidArgument("at least one matcher must not match the empty string");
  if (silence.starts_at == 0) return Status::InvalidArgument("invalid zero start timestamp");
  if (silence.ends_at == 0) return Status::InvalidArgument("invalid zero end timestamp");
  if (silence.ends_at < silence.starts_at) {
    return Status::InvalidArgument("end time must not be before start time");
  }
  return Status::Ok();
}

Status ValidatePostableSilence(const Silence& silence, TimestampMs now) {
  if (silence.starts_at >= silence.ends_at) {
    return Status::InvalidArgument("Failed to create silence: start time must be before end time");
  }
  if (silence.ends_at < now) {
    return Status::InvalidArgument("Failed to create silence: end time can't be in the past");
  }
  return Status::Ok();
}

std::string NewUuidV4() {
  static std::mutex mu;
  static std::mt19937_64 rng{std::random_device{}() ^ (uint64_t{std::random_device{}()} << 32)};
  uint64_t hi = 0;
  uint64_t lo = 0;
  {
    std::lock_guard lock(mu);
    hi = rng();
    lo = rng();
  }
  hi = (hi & ~uint64_t{0xF000}) | uint64_t{0x4000};            // version 4
  lo = (lo & ~(uint64_t{0xC} << 60)) | (uint64_t{0x8} << 60);  // RFC 4122 variant
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xFFFF), static_cast<unsigned>(hi & 0xFFFF),
                static_cast<unsigned>(lo >> 48), static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFULL));
  return buf;
}

}  // namespace ember::alerter
