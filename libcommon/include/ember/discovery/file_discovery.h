// File-based service discovery (file_sd_configs), as Prometheus's
// discovery/file: target files matched by globs are read at start, on every
// inotify event in their directories and every refresh_interval.
//
// Each refresh sends the groups of every readable file (source
// "<path>:<index>") and an empty group for each source that disappeared since
// the last refresh (file deleted, renamed away or holding fewer groups). A
// file that cannot be read or parsed keeps its previous groups; the error is
// logged and counted in prometheus_sd_file_read_errors_total.
#pragma once

#include <map>
#include <string>

#include "ember/discovery/file_sd_config.h"
#include "ember/discovery/provider.h"

namespace ember::discovery {

class FileProviderConfig final : public ProviderConfig {
 public:
  explicit FileProviderConfig(FileSdConfig config) : config_(std::move(config)) {}
  std::string_view Name() const override { return "file"; }
  std::string Fingerprint() const override;
  Result<std::unique_ptr<Provider>> NewProvider(const ProviderOptions& options) const override;
  const FileSdConfig& config() const { return config_; }

 private:
  FileSdConfig config_;
};

// Runs on one thread (its Run); the real file system only (globs, inotify).
class FileDiscovery final : public Provider {
 public:
  FileDiscovery(FileSdConfig config, ProviderOptions options);
  void Run(std::stop_token stop, const UpdateSink& update) override;

  // One refresh: reads every matching file and calls `update` once with what
  // changed as described above. Run calls it; tests may call it instead of
  // Run, never while Run runs.
  void Refresh(const UpdateSink& update);

 private:
  // The files matching the globs now, sorted per pattern.
  std::vector<std::string> ListFiles() const;

  FileSdConfig config_;
  ProviderOptions options_;
  // File -> number of groups it had at the last refresh.
  std::map<std::string, size_t> last_refresh_;
};

}  // namespace ember::discovery
