// Env: the clock and file system a component uses, handed to it at
// construction so tests can substitute both.
#pragma once

#include "ember/base/clock.h"
#include "ember/base/file_system.h"

namespace ember {

struct Env {
  Clock* clock = &Clock::Real();
  FileSystem* fs = &FileSystem::Real();

  static Env Real() { return Env{}; }
};

}  // namespace ember
