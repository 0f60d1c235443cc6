// Helpers for the discovery tests: a temporary directory and a sink that
// records updates and lets a test wait, with a bound, for a condition.
#pragma once

#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "ember/discovery/target_group.h"

namespace ember::discovery::testing {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "ember-discovery-XXXXXX").string();
    path_ = mkdtemp(tmpl.data()) ? tmpl : "";
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string Join(const std::string& name) const { return path_ + "/" + name; }
  // Writes through a temporary file and a rename, so that a reader never sees
  // half of it.
  std::string Write(const std::string& name, const std::string& content) const {
    std::string tmp = Join(name + ".tmp");
    std::ofstream(tmp, std::ios::binary) << content;
    std::filesystem::rename(tmp, Join(name));
    return Join(name);
  }

 private:
  std::string path_;
};

// The merged state of one provider, as the manager would hold it.
class Recorder {
 public:
  void Update(std::vector<TargetGroup> groups) {
    std::lock_guard lock(mu_);
    ++updates_;
    for (TargetGroup& g : groups) {
      if (g.targets.empty()) {
        state_.erase(g.source);
      } else {
        std::string source = g.source;
        state_[source] = std::move(g);
      }
    }
    cv_.notify_all();
  }
  // Waits up to 10 s for `pred` over the state to hold.
  bool WaitFor(const std::function<bool(const std::map<std::string, TargetGroup>&)>& pred) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(10), [&] { return pred(state_); });
  }
  int updates() const {
    std::lock_guard lock(mu_);
    return updates_;
  }
  std::map<std::string, TargetGroup> state() const {
    std::lock_guard lock(mu_);
    return state_;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, TargetGroup> state_;
  int updates_ = 0;
};

}  // namespace ember::discovery::testing
