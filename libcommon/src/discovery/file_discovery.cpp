#include "ember/discovery/file_discovery.h"

#include <glob.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <set>

#include "ember/base/file_system.h"
#include "ember/base/strings.h"
#include "ember/discovery/discovery_metrics.h"

namespace ember::discovery {
namespace {

// The extension as Go's filepath.Ext gives it: from the last '.' of the last
// path element, or "".
std::string_view Ext(std::string_view path) {
  size_t slash = path.rfind('/');
  size_t dot = path.rfind('.');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) return {};
  return path.substr(dot);
}

// The directory to watch for a pattern, as upstream: its directory part, or
// "./" for a bare name.
std::string WatchDir(const std::string& pattern) {
  size_t slash = pattern.rfind('/');
  if (slash == std::string::npos) return "./";
  return pattern.substr(0, slash + 1);
}

// A file descriptor closed on destruction.
struct Fd {
  int fd = -1;
  explicit Fd(int f) : fd(f) {}
  ~Fd() {
    if (fd >= 0) close(fd);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
};

}  // namespace

Result<std::vector<TargetGroup>> ReadTargetFile(const std::string& path) {
  EMBER_ASSIGN_OR_RETURN(std::string content, FileSystem::Real().ReadFile(path));
  std::string ext = ToLower(Ext(path));
  Result<std::vector<TargetGroup>> groups =
      Status::InvalidArgument("unhandled file extension " + GoQuote(ext));
  if (ext == ".json") {
    groups = ParseTargetGroupsJson(content);
  } else if (ext == ".yml" || ext == ".yaml") {
    groups = ParseTargetGroupsYaml(content);
  }
  if (!groups.ok()) return groups;
  for (size_t i = 0; i < groups->size(); ++i) {
    TargetGroup& g = (*groups)[i];
    g.source = path + ":" + std::to_string(i);
    g.labels = LabelsBuilder(g.labels).Set(kFilepathLabel, path).Build();
  }
  return groups;
}

std::string FileProviderConfig::Fingerprint() const {
  std::string out = "refresh_interval=" + FormatDuration(config_.refresh_interval) + " files=";
  for (const std::string& f : config_.files) out += GoQuote(f) + ",";
  return out;
}

Result<std::unique_ptr<Provider>> FileProviderConfig::NewProvider(const ProviderOptions& options) const {
  EMBER_RETURN_IF_ERROR(ValidateFileSdConfig(config_));
  return std::unique_ptr<Provider>(std::make_unique<FileDiscovery>(config_, options));
}

FileDiscovery::FileDiscovery(FileSdConfig config, ProviderOptions options)
    : config_(std::move(config)), options_(std::move(options)) {}

std::vector<std::string> FileDiscovery::ListFiles() const {
  std::vector<std::string> paths;
  for (const std::string& pattern : config_.files) {
    glob_t g{};
    // GLOB_PERIOD: Go's '*' matches a leading dot too.
    int rc = glob(pattern.c_str(), GLOB_PERIOD, nullptr, &g);
    if (rc == 0) {
      for (size_t i = 0; i < g.gl_pathc; ++i) paths.emplace_back(g.gl_pathv[i]);
    } else if (rc != GLOB_NOMATCH) {
      options_.logger.Error("Error expanding glob", {{"glob", pattern}, {"err", "glob failed"}});
    }
    globfree(&g);
  }
  return paths;
}

void FileDiscovery::Refresh(const UpdateSink& update) {
  auto start = std::chrono::steady_clock::now();
  std::vector<TargetGroup> out;
  std::map<std::string, size_t> ref;
  for (const std::string& path : ListFiles()) {
    if (ref.count(path)) continue;  // matched by two patterns
    Result<std::vector<TargetGroup>> groups = ReadTargetFile(path);
    if (!groups.ok()) {
      if (options_.metrics != nullptr) options_.metrics->file_read_errors.Inc();
      options_.logger.Error("Error reading file", {{"path", path}, {"err", groups.status()}});
      // Keep the file's previous groups: nothing is sent for it, and its
      // count stays so that they are not deleted below.
      auto it = last_refresh_.find(path);
      ref[path] = it == last_refresh_.end() ? 0 : it->second;
      continue;
    }
    ref[path] = groups->size();
    for (TargetGroup& g : *groups) out.push_back(std::move(g));
  }
  // Empty groups for sources that disappeared, so consumers drop them.
  for (const auto& [path, n] : last_refresh_) {
    auto it = ref.find(path);
    size_t m = it == ref.end() ? 0 : it->second;
    for (size_t i = m; i < n; ++i) out.push_back(TargetGroup{{}, {}, path + ":" + std::to_string(i)});
  }
  last_refresh_ = std::move(ref);
  if (options_.metrics != nullptr) {
    options_.metrics->file_scan_duration.Observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  update(std::move(out));
}

void FileDiscovery::Run(std::stop_token stop, const UpdateSink& update) {
  Fd wake(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (wake.fd < 0) {
    options_.logger.Error("Error creating eventfd", {{"err", Status::FromErrno("eventfd", errno)}});
    return;
  }
  std::stop_callback on_stop(stop, [&] {
    uint64_t one = 1;
    [[maybe_unused]] ssize_t n = write(wake.fd, &one, sizeof(one));
  });
  // Without inotify the periodic refresh still works, as a degraded mode.
  Fd watcher(inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
  if (watcher.fd < 0) {
    options_.logger.Error("Error adding file watcher", {{"err", Status::FromErrno("inotify_init1", errno)}});
    if (options_.metrics != nullptr) options_.metrics->file_watcher_errors.Inc();
  }
  // Re-adding a watch for a directory already watched is a no-op, so this runs
  // at every refresh: a directory created later gets its watch then.
  auto watch_dirs = [&] {
    if (watcher.fd < 0) return;
    std::set<std::string> dirs;
    for (const std::string& p : config_.files) dirs.insert(WatchDir(p));
    for (const std::string& dir : dirs) {
      constexpr uint32_t kMask =
          IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF;
      if (inotify_add_watch(watcher.fd, dir.c_str(), kMask) < 0) {
        options_.logger.Error("Error adding file watch",
                              {{"path", dir}, {"err", Status::FromErrno("inotify_add_watch", errno)}});
      }
    }
  };

  // Watches go on before the files are read, so that a change made after a
  // consumer saw this refresh's groups always raises an event.
  auto refresh = [&] {
    watch_dirs();
    Refresh(update);
  };
  refresh();
  auto interval = std::max<Milliseconds>(config_.refresh_interval, Milliseconds(1));
  auto next = std::chrono::steady_clock::now() + interval;
  while (!stop.stop_requested()) {
    pollfd fds[2] = {{wake.fd, POLLIN, 0}, {watcher.fd, POLLIN, 0}};
    auto wait = std::chrono::duration_cast<Milliseconds>(next - std::chrono::steady_clock::now());
    int timeout = static_cast<int>(std::clamp<int64_t>(wait.count(), 0, 60'000));
    int n = poll(fds, watcher.fd >= 0 ? 2 : 1, timeout);
    if (stop.stop_requested()) break;
    if (n < 0 && errno != EINTR) {
      options_.logger.Error("Error watching file", {{"err", Status::FromErrno("poll", errno)}});
      if (options_.metrics != nullptr) options_.metrics->file_watcher_errors.Inc();
    }
    bool changed = false;
    if (n > 0 && (fds[1].revents & POLLIN)) {
      // Drain every queued event and refresh once: an editor's save comes as
      // several events, and reading everything again is the reliable answer.
      alignas(inotify_event) char buf[4096];
      while (read(watcher.fd, buf, sizeof(buf)) > 0) changed = true;
    }
    if (changed || std::chrono::steady_clock::now() >= next) {
      refresh();
      if (!changed) next = std::chrono::steady_clock::now() + interval;
    }
  }
}

}  // namespace ember::discovery
