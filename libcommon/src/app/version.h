// Build identity: the --version text and the labels of <namespace>_build_info.
#pragma once

#include <string>

#include "ember/base/labels.h"

namespace ember::app {

std::string VersionText(const std::string& program);
Labels BuildInfoLabels();

}  // namespace ember::app
