#include "load_client.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <thread>

extern char** environ;

namespace ember::bench {
namespace {

using Clock = std::chrono::steady_clock;

// Sends one request and reads its whole response; false on any failure.
bool RoundTrip(int fd, const std::string& request, std::string& buf) {
  if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size()))
    return false;
  buf.clear();
  size_t header_end = std::string::npos;
  size_t need = 0;
  char chunk[4096];
  while (true) {
    ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buf.append(chunk, static_cast<size_t>(n));
    if (header_end == std::string::npos) {
      header_end = buf.find("\r\n\r\n");
      if (header_end == std::string::npos) continue;
      size_t cl = buf.find("Content-Length: ");
      size_t length = cl == std::string::npos ? 0 : std::strtoul(buf.c_str() + cl + 16, nullptr, 10);
      need = header_end + 4 + length;
    }
    if (buf.size() >= need) return buf.compare(9, 3, "200") == 0;
  }
}

// Each connection runs on its own thread in a closed loop: send, wait for
// the response, repeat, until the time is up.
}  // namespace

int ConnectLoopback(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

LoadResult RunClosedLoop(uint16_t port, const std::string& path, int connections, double seconds) {
  std::string request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: ember-bench\r\n\r\n";
  std::atomic<bool> stop{false};
  std::vector<LoadResult> per(static_cast<size_t>(connections));
  std::vector<std::thread> threads;
  auto start = Clock::now();
  for (int c = 0; c < connections; ++c) {
    threads.emplace_back([&, c] {
      LoadResult& r = per[static_cast<size_t>(c)];
      int fd = ConnectLoopback(port);
      if (fd < 0) {
        ++r.errors;
        return;
      }
      std::string buf;
      while (!stop.load(std::memory_order_relaxed)) {
        auto t0 = Clock::now();
        if (!RoundTrip(fd, request, buf)) {
          ++r.errors;
          break;
        }
        ++r.requests;
        // Every 4th latency is enough for stable percentiles and keeps memory small.
        if ((r.requests & 3) == 0) {
          r.latencies_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
        }
      }
      ::close(fd);
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& t : threads) t.join();
  LoadResult total;
  total.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  for (auto& r : per) {
    total.requests += r.requests;
    total.errors += r.errors;
    total.latencies_us.insert(total.latencies_us.end(), r.latencies_us.begin(), r.latencies_us.end());
  }
  std::sort(total.latencies_us.begin(), total.latencies_us.end());
  return total;
}

double LoadResult::LatencyUs(double q) const {
  if (latencies_us.empty()) return 0;
  return latencies_us[std::min(latencies_us.size() - 1,
                               static_cast<size_t>(q * static_cast<double>(latencies_us.size())))];
}

WrkResult RunWrk(uint16_t port, const std::string& path, int connections, double seconds) {
  WrkResult result;
  int pipefd[2];
  if (::pipe2(pipefd, O_CLOEXEC) != 0) return result;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipefd[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  std::string c = "-c" + std::to_string(connections);
  std::string d = "-d" + std::to_string(static_cast<int>(std::max(1.0, seconds))) + "s";
  std::string url = "http://127.0.0.1:" + std::to_string(port) + path;
  const char* argv[] = {"wrk", "-t1", c.c_str(), d.c_str(), "--latency", url.c_str(), nullptr};
  pid_t pid;
  int rc = ::posix_spawnp(&pid, "wrk", &actions, nullptr, const_cast<char**>(argv), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipefd[1]);
  std::string out;
  if (rc == 0) {
    char buf[4096];
    ssize_t n;
    while ((n = ::read(pipefd[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
    ::waitpid(pid, nullptr, 0);
  }
  ::close(pipefd[0]);
  // "Requests/sec:   12345.67" and the " 99%   1.19ms" line of --latency.
  size_t rps = out.find("Requests/sec:");
  size_t p99 = out.find(" 99%");
  if (rps == std::string::npos || p99 == std::string::npos) return result;
  result.ran = true;
  result.requests_per_second = std::strtod(out.c_str() + rps + 13, nullptr);
  char* end = nullptr;
  double v = std::strtod(out.c_str() + p99 + 4, &end);
  std::string unit(end, std::min<size_t>(2, std::strlen(end)));
  result.p99_us = unit == "ms" ? v * 1000 : unit == "us" ? v : unit[0] == 's' ? v * 1e6 : v;
  return result;
}

}  // namespace ember::bench
