// Clock: the one seam through which Ember code reads the time, so that tests
// can drive time by hand instead of sleeping.
#pragma once

#include <chrono>
#include <mutex>

#include "ember/base/time.h"

namespace ember {

// Thread-safe: both implementations may be read from any thread.
class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time, for timestamps that are stored or shown.
  virtual std::chrono::system_clock::time_point Now() const = 0;
  // Monotonic time, for measuring durations and deadlines.
  virtual std::chrono::steady_clock::time_point SteadyNow() const = 0;

  TimestampMs NowMs() const {
    return std::chrono::duration_cast<Milliseconds>(Now().time_since_epoch()).count();
  }

  // The process-wide real clock.
  static Clock& Real();
};

class RealClock final : public Clock {
 public:
  std::chrono::system_clock::time_point Now() const override { return std::chrono::system_clock::now(); }
  std::chrono::steady_clock::time_point SteadyNow() const override {
    return std::chrono::steady_clock::now();
  }
};

// A clock that moves only when told: wall and monotonic time advance together.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimestampMs start_ms = 0)
      : wall_(std::chrono::system_clock::time_point(Milliseconds(start_ms))) {}

  std::chrono::system_clock::time_point Now() const override {
    std::lock_guard lock(mu_);
    return wall_;
  }
  std::chrono::steady_clock::time_point SteadyNow() const override {
    std::lock_guard lock(mu_);
    return steady_;
  }
  void Advance(std::chrono::nanoseconds d) {
    std::lock_guard lock(mu_);
    wall_ += std::chrono::duration_cast<std::chrono::system_clock::duration>(d);
    steady_ += std::chrono::duration_cast<std::chrono::steady_clock::duration>(d);
  }
  void SetWallMs(TimestampMs ms) {
    std::lock_guard lock(mu_);
    wall_ = std::chrono::system_clock::time_point(Milliseconds(ms));
  }

 private:
  mutable std::mutex mu_;
  std::chrono::system_clock::time_point wall_;    // GUARDED_BY(mu_)
  std::chrono::steady_clock::time_point steady_;  // GUARDED_BY(mu_)
};

}  // namespace ember
