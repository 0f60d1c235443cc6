#include "ember/discovery/file_sd_config.h"

#include <array>

#include "ember/base/strings.h"

namespace ember::discovery {
namespace {

// Upstream's ^[^*]*(\*[^/]*)?\.(json|yml|yaml|JSON|YML|YAML)$ : a known
// extension, and a '*' only in the last path element.
bool ValidFilePattern(std::string_view name) {
  static constexpr std::array<std::string_view, 6> kSuffixes = {".json", ".yml", ".yaml",
                                                                ".JSON", ".YML", ".YAML"};
  for (std::string_view suffix : kSuffixes) {
    if (name.size() < suffix.size() || name.substr(name.size() - suffix.size()) != suffix) continue;
    std::string_view body = name.substr(0, name.size() - suffix.size());
    size_t star = body.find('*');
    if (star == std::string_view::npos || body.find('/', star) == std::string_view::npos) return true;
  }
  return false;
}

}  // namespace

Status ValidateFileSdConfig(const FileSdConfig& config) {
  if (config.files.empty()) {
    return Status::InvalidArgument("file service discovery config must contain at least one path name");
  }
  for (const std::string& name : config.files) {
    if (!ValidFilePattern(name)) {
      return Status::InvalidArgument("path name " + GoQuote(name) + " is not valid for file discovery");
    }
  }
  return Status::Ok();
}

void DecodeFileSdConfig(config::FieldReader& r, FileSdConfig& config) {
  r.Field("files", &config.files);
  r.Duration("refresh_interval", &config.refresh_interval);
  r.Check(ValidateFileSdConfig(config));
}

}  // namespace ember::discovery
