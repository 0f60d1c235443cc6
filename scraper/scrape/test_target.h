// Test helpers: an exposition endpoint on 127.0.0.1 whose answer the test
// sets, and a store in a temporary directory with a way to read it back.
#pragma once

#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ember/http/router.h"
#include "ember/http/server.h"
#include "ember/obs/logger.h"
#include "ember/tsdb/db.h"
#include "test_support.h"

namespace ember::scraper::testing {

inline Logger QuietLogger() { return Logger(std::make_shared<CapturingLogSink>(), LogLevel::kError); }

class TestTarget {
 public:
  TestTarget() {
    http::Router router;
    router.Get("/metrics", [this](http::Request& req) {
      std::lock_guard lock(mu_);
      ++requests_;
      last_headers_ = req.headers;
      last_query_ = req.raw_query;
      http::Response r;
      r.status = status_;
      r.body = body_;
      if (!content_type_.empty()) r.headers.Set("Content-Type", content_type_);
      return r;
    });
    http::ServerOptions options;
    options.worker_threads = 2;
    options.io_threads = 1;
    server_ = std::make_unique<http::Server>(options, std::move(router), QuietLogger(), registry_);
    REQUIRE(server_->Start().ok());
  }
  ~TestTarget() { (void)server_->Shutdown(std::chrono::milliseconds(100)); }

  std::string address() const { return "127.0.0.1:" + std::to_string(server_->port()); }
  void Serve(std::string body, std::string content_type = "text/plain; version=0.0.4", int status = 200) {
    std::lock_guard lock(mu_);
    body_ = std::move(body);
    content_type_ = std::move(content_type);
    status_ = status;
  }
  http::Headers last_headers() const {
    std::lock_guard lock(mu_);
    return last_headers_;
  }
  std::string last_query() const {
    std::lock_guard lock(mu_);
    return last_query_;
  }
  int requests() const {
    std::lock_guard lock(mu_);
    return requests_;
  }

 private:
  MetricsRegistry registry_;
  std::unique_ptr<http::Server> server_;
  mutable std::mutex mu_;
  std::string body_;
  std::string content_type_;
  int status_ = 200;
  int requests_ = 0;
  http::Headers last_headers_;
  std::string last_query_;
};

struct Series {
  Labels labels;
  std::vector<tsdb::Sample> samples;
};

class TestDb {
 public:
  TestDb() {
    tsdb::DbOptions options;
    options.dir = dir_.path();
    options.maintenance_interval_ms = 0;
    options.retention_ms = 0;
    auto db = tsdb::Db::Open(options, QuietLogger());
    REQUIRE(db.ok());
    db_ = std::move(db).value();
  }
  tsdb::Db& db() { return *db_; }

  // Every series named `metric` with all its samples, stale markers included.
  std::vector<Series> Select(const std::string& metric) {
    auto m = tsdb::Matcher::Create(tsdb::MatchType::kEqual, "__name__", metric);
    REQUIRE(m.ok());
    std::vector<tsdb::Matcher> matchers = {*m};
    auto set = db_->NewQuerier(tsdb::kMinTime, tsdb::kMaxTime).Select(matchers);
    REQUIRE(set.ok());
    std::vector<Series> out;
    while (set->Next()) {
      out.push_back({set->labels(), std::vector<tsdb::Sample>(set->samples().begin(), set->samples().end())});
    }
    return out;
  }
  std::vector<tsdb::Sample> Samples(const std::string& metric) {
    std::vector<tsdb::Sample> out;
    for (auto& s : Select(metric)) out.insert(out.end(), s.samples.begin(), s.samples.end());
    return out;
  }

 private:
  ember::testing::TempDir dir_;
  std::unique_ptr<tsdb::Db> db_;
};

// Polls `cond` until it holds or `timeout` passes.
inline bool WaitFor(const std::function<bool()>& cond,
                    std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return cond();
}

}  // namespace ember::scraper::testing
