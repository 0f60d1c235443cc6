#include <cctype>
#include <cstdio>
#include <memory>
#include <mutex>

#include "ember/http/client.h"
#include "test_support.h"

namespace ember::testing {
namespace {

http::HttpClient& Client() {
  static std::unique_ptr<http::HttpClient> client = [] {
    http::ClientOptions options;
    options.request_timeout = std::chrono::seconds(30);
    auto c = http::HttpClient::Create(options);
    return c.ok() ? std::move(c).value() : nullptr;
  }();
  return *client;
}

Result<HttpReply> Exchange(http::ClientRequest request) {
  EMBER_ASSIGN_OR_RETURN(http::ClientResponse resp, Client().Do(std::move(request)));
  HttpReply reply;
  reply.status = resp.status;
  reply.body = std::move(resp.body);
  for (const auto& [name, value] : resp.headers) reply.headers.emplace_back(name, value);
  return reply;
}

}  // namespace

std::string HttpReply::Header(const std::string& name) const {
  for (const auto& [n, v] : headers) {
    if (n.size() == name.size() && std::equal(n.begin(), n.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
        })) {
      return v;
    }
  }
  return "";
}

Result<HttpReply> HttpGet(const std::string& url) {
  http::ClientRequest req;
  req.url = url;
  return Exchange(std::move(req));
}

Result<HttpReply> HttpGetWithBasicAuth(const std::string& url, const std::string& user,
                                       const std::string& password) {
  http::ClientRequest req;
  req.url = url;
  req.headers.Set("Authorization", http::BasicAuthorization(user, password));
  return Exchange(std::move(req));
}

Result<HttpReply> HttpPost(const std::string& url, const std::string& body, const std::string& content_type) {
  http::ClientRequest req;
  req.method = "POST";
  req.url = url;
  req.body = body;
  req.headers.Set("Content-Type", content_type);
  return Exchange(std::move(req));
}

std::string FormatSeconds(int64_t ms) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%lld.%03lld", static_cast<long long>(ms / 1000),
                static_cast<long long>(ms % 1000));
  return buf;
}

std::string FormEscape(std::string_view s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

Result<HttpReply> HttpDo(const std::string& method, const std::string& url,
                         const std::vector<std::pair<std::string, std::string>>& headers,
                         const std::string& body) {
  http::ClientRequest req;
  req.method = method;
  req.url = url;
  req.body = body;
  for (const auto& [name, value] : headers) req.headers.Set(name, value);
  return Exchange(std::move(req));
}

Result<RunningProgram> StartExecutable(const std::string& path, std::vector<std::string> args,
                                       const std::string& log_file, std::chrono::milliseconds timeout,
                                       const std::string& ready_path) {
  uint16_t port = FreePort();
  args.push_back("--web.listen-address=127.0.0.1:" + std::to_string(port));
  EMBER_ASSIGN_OR_RETURN(Process process, Process::Start(path, args, log_file));
  std::string base = "http://127.0.0.1:" + std::to_string(port);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  // The program answers /-/ready once it listens; until then the connection
  // is refused, and each attempt waits for the process instead of sleeping.
  while (std::chrono::steady_clock::now() < deadline) {
    auto reply = HttpGet(base + ready_path);
    if (reply.ok() && reply->status == 200) return RunningProgram{std::move(process), port, base};
    if (auto code = process.WaitExit(std::chrono::milliseconds(20))) {
      return Status::Unavailable(path + " exited with code " + std::to_string(*code) + ":\n" + process.Log());
    }
  }
  return Status::DeadlineExceeded(path + " did not become ready:\n" + process.Log());
}

Result<RunningProgram> StartProgram(const std::string& name, std::vector<std::string> args,
                                    const TempDir& dir, std::chrono::milliseconds timeout,
                                    const std::string& ready_path) {
  return StartExecutable(ProgramPath(name), std::move(args), dir.Join(name + ".log"), timeout, ready_path);
}

}  // namespace ember::testing
