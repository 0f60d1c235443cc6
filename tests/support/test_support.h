// What integration tests need to run Ember's programs from the outside:
// temporary directories, free loopback ports, child processes started from
// build/bin, and waiting for a program to report ready.
//
// Nothing here sleeps in place of synchronisation: waits are on process exit
// (pidfd) or on the program's own /-/ready answer, each bounded by a timeout.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ember/base/status.h"

namespace ember::testing {

// A fresh directory under $TMPDIR, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string Join(const std::string& name) const { return path_ + "/" + name; }
  // Writes `content` to path()/name, creating parent directories; returns the path.
  std::string WriteFile(const std::string& name, const std::string& content) const;

 private:
  std::string path_;
};

// A TCP port on 127.0.0.1 that was free a moment ago (the kernel's pick).
uint16_t FreePort();

// The path of a program built into build/bin ("ember-scraper").
std::string ProgramPath(const std::string& name);

// A child process with stdout and stderr appended to a log file. The
// destructor kills (SIGKILL) and reaps a child that is still running.
class Process {
 public:
  // Starts `path` with `args` (argv[1..]) directly, without a shell.
  static Result<Process> Start(const std::string& path, const std::vector<std::string>& args,
                               const std::string& log_file);

  Process(Process&& other) noexcept;
  Process& operator=(Process&& other) noexcept;
  ~Process();

  pid_t pid() const { return pid_; }
  Status Signal(int signal) const;
  // Waits for the child to exit: its exit code, or 128+signal when a signal
  // ended it; nullopt when `timeout` passes first.
  std::optional<int> WaitExit(std::chrono::milliseconds timeout);
  bool Running();
  // Everything the child wrote so far.
  std::string Log() const;

 private:
  Process(pid_t pid, int pidfd, std::string log_file)
      : pid_(pid), pidfd_(pidfd), log_file_(std::move(log_file)) {}
  void Reset();

  pid_t pid_ = -1;
  int pidfd_ = -1;
  std::optional<int> exit_code_;
  std::string log_file_;
};

// A program under test on a free port with its own data directory.
struct RunningProgram {
  Process process;
  uint16_t port;
  std::string base_url;  // "http://127.0.0.1:PORT"
};

// Starts build/bin/<name> with `--web.listen-address=127.0.0.1:PORT` added to
// `args` and waits until GET `ready_path` answers 200. Fails with the
// program's log when it exits or does not become ready within `timeout`.
Result<RunningProgram> StartProgram(const std::string& name, std::vector<std::string> args,
                                    const TempDir& dir,
                                    std::chrono::milliseconds timeout = std::chrono::seconds(30),
                                    const std::string& ready_path = "/-/ready");
// The same for any executable that takes --web.listen-address and serves
// /-/ready (such as a peer's server), logging to `log_file`.
Result<RunningProgram> StartExecutable(const std::string& path, std::vector<std::string> args,
                                       const std::string& log_file,
                                       std::chrono::milliseconds timeout = std::chrono::seconds(30),
                                       const std::string& ready_path = "/-/ready");

// A plain HTTP exchange with one of the programs under test.
struct HttpReply {
  int status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string Header(const std::string& name) const;
};
Result<HttpReply> HttpGet(const std::string& url);
Result<HttpReply> HttpGetWithBasicAuth(const std::string& url, const std::string& user,
                                       const std::string& password);
Result<HttpReply> HttpPost(const std::string& url, const std::string& body,
                           const std::string& content_type = "application/x-www-form-urlencoded");
// "1767225600.123" for 1767225600123 ms, as the HTTP APIs take times.
std::string FormatSeconds(int64_t ms);
// Percent-encodes a URL query or form value.
std::string FormEscape(std::string_view s);

// Any method, with the given header fields (Host, User-Agent and
// Content-Length are added).
Result<HttpReply> HttpDo(const std::string& method, const std::string& url,
                         const std::vector<std::pair<std::string, std::string>>& headers,
                         const std::string& body);

}  // namespace ember::testing
