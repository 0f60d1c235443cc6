#include "promtool_blocks.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "ember/base/strings.h"
#include "resource_usage.h"

namespace ember::bench {
namespace {

// The number after `"key":` in a block's meta.json; 0 when absent.
uint64_t JsonNumber(const std::string& json, const std::string& key) {
  size_t at = json.find("\"" + key + "\"");
  if (at == std::string::npos) return 0;
  at = json.find(':', at);
  if (at == std::string::npos) return 0;
  return std::strtoull(json.c_str() + at + 1, nullptr, 10);
}

double Seconds(const timeval& tv) {
  return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) * 1e-6;
}

}  // namespace

std::string FindPromtool() {
  if (const char* env = std::getenv("PROMTOOL"); env != nullptr && *env != '\0') return env;
  if (::access("/usr/bin/promtool", X_OK) == 0) return "/usr/bin/promtool";
  const char* path = std::getenv("PATH");
  if (path == nullptr) return "";
  for (std::string_view dir : Split(path, ':')) {
    std::string candidate = std::string(dir) + "/promtool";
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

Result<PromtoolBlocks> CreatePrometheusBlocks(const std::string& promtool,
                                              const std::string& openmetrics_file, const std::string& out_dir,
                                              const std::string& log_file) {
  std::vector<std::string> args = {promtool,      "tsdb",           "create-blocks-from",
                                   "openmetrics", openmetrics_file, out_dir};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int log_fd = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log_fd < 0) return Status::FromErrno("opening " + log_file, errno);

  double start = WallSeconds();
  pid_t pid = ::fork();
  if (pid < 0) {
    int err = errno;
    ::close(log_fd);
    return Status::FromErrno("fork", err);
  }
  if (pid == 0) {
    ::dup2(log_fd, STDOUT_FILENO);
    ::dup2(log_fd, STDERR_FILENO);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(log_fd);
  int wstatus = 0;
  rusage usage{};
  if (::wait4(pid, &wstatus, 0, &usage) < 0) return Status::FromErrno("waiting for promtool", errno);
  PromtoolBlocks result;
  result.wall_seconds = WallSeconds() - start;
  result.cpu_seconds = Seconds(usage.ru_utime) + Seconds(usage.ru_stime);
  if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
    return Status::Internal("promtool create-blocks-from openmetrics failed (see " + log_file + ")");
  }

  namespace fs = std::filesystem;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(out_dir, ec)) {
    fs::path meta = entry.path() / "meta.json";
    if (!entry.is_directory() || !fs::exists(meta)) continue;
    std::ifstream in(meta);
    std::stringstream text;
    text << in.rdbuf();
    result.samples += JsonNumber(text.str(), "numSamples");
    result.series += JsonNumber(text.str(), "numSeries");
    ++result.blocks;
    std::string block = entry.path().string();
    result.bytes += DirectoryUsage(block).total;
    result.chunk_bytes +=
        DirectoryUsage(block, [](const std::string& f) { return f.starts_with("chunks/"); }).total;
    result.index_bytes += DirectoryUsage(block, [](const std::string& f) { return f == "index"; }).total;
  }
  if (result.blocks == 0) return Status::Internal("promtool wrote no block into " + out_dir);
  return result;
}

}  // namespace ember::bench
