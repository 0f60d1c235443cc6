#include "ember/app/version.h"

namespace ember::app {

std::string VersionText(const std::string& program) {
  return program + ", version " EMBER_VERSION " (revision: " EMBER_REVISION
                   ")\n  build user: ember\n  compiler: g++ " __VERSION__;
}

Labels BuildInfoLabels() {
  // Dashboards group by these upstream label names; goversion names the compiler here.
  return Labels{{"version", EMBER_VERSION},
                {"revision", EMBER_REVISION},
                {"branch", ""},
                {"goversion", "g++ " __VERSION__},
                {"tags", ""}};
}

std::string_view Version() { return EMBER_VERSION; }
std::string_view Revision() { return EMBER_REVISION; }
std::string_view CompilerVersion() { return "g++ " __VERSION__; }

}  // namespace ember::app
