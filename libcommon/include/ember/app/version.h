// Build identity: the --version text and the labels of <namespace>_build_info.
#pragma once

#include <string>
#include <string_view>

#include "ember/base/labels.h"

namespace ember::app {

std::string VersionText(const std::string& program);
Labels BuildInfoLabels();

// The parts of the build identity, for /api/v1/status/buildinfo.
std::string_view Version();          // e.g. "0.1.0"
std::string_view Revision();         // the git commit, or "unknown"
std::string_view CompilerVersion();  // e.g. "g++ 12.2.0"

}  // namespace ember::app
