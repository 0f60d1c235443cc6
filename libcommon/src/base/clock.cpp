#include "ember/base/clock.h"

namespace ember {

Clock& Clock::Real() {
  static RealClock clock;
  return clock;
}

}  // namespace ember
