#include "write_sender.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <thread>

#include "load_client.h"

namespace ember::bench {
namespace {

using Clock = std::chrono::steady_clock;

bool SendAll(int fd, const std::string& head, const std::string& body) {
  size_t sent = 0, total = head.size() + body.size();
  while (sent < total) {
    iovec iov[2];
    int n = 0;
    if (sent < head.size()) iov[n++] = {const_cast<char*>(head.data() + sent), head.size() - sent};
    size_t body_off = sent > head.size() ? sent - head.size() : 0;
    iov[n++] = {const_cast<char*>(body.data() + body_off), body.size() - body_off};
    msghdr msg{};
    msg.msg_iov = iov;
    msg.msg_iovlen = static_cast<size_t>(n);
    ssize_t w = ::sendmsg(fd, &msg, MSG_NOSIGNAL);
    if (w <= 0) return false;
    sent += static_cast<size_t>(w);
  }
  return true;
}

struct Response {
  int status = 0;
  std::string body;
  bool close = false;  // the server said Connection: close
};

// Reads one response: a body by Content-Length, chunked, or (neither, and
// not 1xx/204/304) up to the end of the connection. False on a transport
// error or a malformed response.
class ResponseReader {
 public:
  explicit ResponseReader(int fd) : fd_(fd) {}

  bool Read(Response* r) {
    size_t end;
    while ((end = buf_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return false;
    }
    std::string head = buf_.substr(0, end + 2);
    buf_.erase(0, end + 4);
    if (head.size() < 12 || head.compare(0, 5, "HTTP/") != 0) return false;
    r->status = std::atoi(head.c_str() + 9);
    r->body.clear();
    r->close = false;
    long long length = -1;
    bool chunked = false;
    for (size_t pos = head.find("\r\n") + 2; pos < head.size();) {
      size_t eol = head.find("\r\n", pos);
      std::string line = head.substr(pos, eol - pos);
      pos = eol + 2;
      size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string name = line.substr(0, colon);
      size_t start = std::min(line.size(), line.find_first_not_of(' ', colon + 1));
      std::string value = line.substr(start);
      if (strcasecmp(name.c_str(), "Content-Length") == 0) length = std::atoll(value.c_str());
      if (strcasecmp(name.c_str(), "Transfer-Encoding") == 0 && strcasecmp(value.c_str(), "chunked") == 0) {
        chunked = true;
      }
      if (strcasecmp(name.c_str(), "Connection") == 0 && strcasecmp(value.c_str(), "close") == 0) {
        r->close = true;
      }
    }
    if (r->status / 100 == 1 || r->status == 204 || r->status == 304) return true;
    if (chunked) return ReadChunked(r);
    if (length >= 0) return Take(static_cast<size_t>(length), &r->body);
    while (Fill()) {
    }
    r->body.swap(buf_);
    r->close = true;
    return true;
  }

 private:
  bool Fill() {
    char chunk[16384];
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buf_.append(chunk, static_cast<size_t>(n));
    return true;
  }

  bool Take(size_t n, std::string* out) {
    while (buf_.size() < n) {
      if (!Fill()) return false;
    }
    out->append(buf_, 0, n);
    buf_.erase(0, n);
    return true;
  }

  bool ReadLine(std::string* line) {
    size_t eol;
    while ((eol = buf_.find("\r\n")) == std::string::npos) {
      if (!Fill()) return false;
    }
    line->assign(buf_, 0, eol);
    buf_.erase(0, eol + 2);
    return true;
  }

  bool ReadChunked(Response* r) {
    std::string line;
    while (true) {
      if (!ReadLine(&line)) return false;
      size_t size = std::strtoul(line.c_str(), nullptr, 16);
      if (size == 0) break;
      if (!Take(size, &r->body) || !ReadLine(&line)) return false;
    }
    // Trailers, up to the empty line.
    do {
      if (!ReadLine(&line)) return false;
    } while (!line.empty());
    return true;
  }

  int fd_;
  std::string buf_;
};

std::string RequestHead(size_t body_size) {
  return "POST /api/v1/write HTTP/1.1\r\n"
         "Host: 127.0.0.1\r\n"
         "User-Agent: ember-bench\r\n"
         "Content-Encoding: snappy\r\n"
         "Content-Type: application/x-protobuf\r\n"
         "X-Prometheus-Remote-Write-Version: 0.1.0\r\n"
         "Content-Length: " +
         std::to_string(body_size) + "\r\n\r\n";
}

void SendConnection(uint16_t port, const std::vector<std::vector<EncodedRequest>>& rounds, int from, int to,
                    SendResult* result) {
  auto fail = [&](std::string what) {
    ++result->failures;
    if (result->first_failure.empty()) result->first_failure = std::move(what);
  };
  int fd = ConnectLoopback(port);
  auto reader = std::make_unique<ResponseReader>(fd);
  Response response;
  uint64_t left = 0;
  for (int r = from; r < to; ++r) left += rounds[static_cast<size_t>(r)].size();
  for (int r = from; r < to && fd >= 0; ++r) {
    for (const EncodedRequest& req : rounds[static_cast<size_t>(r)]) {
      --left;
      auto t0 = Clock::now();
      errno = 0;
      if (!SendAll(fd, RequestHead(req.body.size()), req.body) || !reader->Read(&response)) {
        // errno stays 0 when the server closed the connection.
        fail(std::string("transport error: ") + (errno != 0 ? std::strerror(errno) : "connection closed"));
        ::close(fd);
        fd = -1;
        break;
      }
      result->max_latency_seconds =
          std::max(result->max_latency_seconds, std::chrono::duration<double>(Clock::now() - t0).count());
      if (response.status / 100 == 2) {
        ++result->requests;
        result->samples += req.samples;
      } else {
        fail("HTTP " + std::to_string(response.status) + ": " + response.body);
      }
      if (response.close || response.status / 100 != 2) {
        ::close(fd);
        fd = ConnectLoopback(port);
        reader = std::make_unique<ResponseReader>(fd);
      }
    }
  }
  if (fd >= 0) ::close(fd);
  // Requests never sent after the connection broke fail too.
  result->failures += left;
}

}  // namespace

SendResult SendRounds(uint16_t port, const WriteWorkload& workload, int from, int to) {
  std::vector<SendResult> per(workload.requests.size());
  std::vector<std::thread> threads;
  auto start = Clock::now();
  for (size_t c = 0; c < workload.requests.size(); ++c) {
    threads.emplace_back(SendConnection, port, std::cref(workload.requests[c]), from, to, &per[c]);
  }
  for (auto& t : threads) t.join();
  SendResult total;
  total.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  for (const SendResult& r : per) {
    total.requests += r.requests;
    total.samples += r.samples;
    total.failures += r.failures;
    total.max_latency_seconds = std::max(total.max_latency_seconds, r.max_latency_seconds);
    if (total.first_failure.empty()) total.first_failure = r.first_failure;
  }
  return total;
}

}  // namespace ember::bench
