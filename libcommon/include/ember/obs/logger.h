// Logger: logfmt lines as the upstream programs write them,
//   ts=2026-11-24T23:53:37.123Z level=info component=web msg="Start listening" address=:9090
//
// A Logger is a cheap value (a shared sink plus context fields); With() makes
// a child that adds fields, such as component=. Components receive a Logger in
// their constructor; there is no global logger. Thread-safe: lines from many
// threads never interleave.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "ember/base/clock.h"
#include "ember/base/status.h"
#include "ember/base/time.h"

namespace ember {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

// Parses "debug", "info", "warn", "error" (the --log.level values).
Result<LogLevel> ParseLogLevel(std::string_view s);
std::string_view LogLevelName(LogLevel level);

// One key=value pair of a log line. Values of any arithmetic type, strings,
// durations and Status convert implicitly. Integers print without a decimal
// point, floats in Go's shortest 'g' form ("0.25", "1e+06", "NaN"), durations
// as Go prints them ("1.5s"). The key is a view: it must outlive the call.
struct LogField {
  std::string_view key;
  std::string value;

  LogField(std::string_view k, std::string_view v) : key(k), value(v) {}
  LogField(std::string_view k, const std::string& v) : key(k), value(v) {}
  LogField(std::string_view k, const char* v) : key(k), value(v) {}
  LogField(std::string_view k, const Status& s) : key(k), value(s.ok() ? "ok" : s.message()) {}
  LogField(std::string_view k, bool v) : key(k), value(v ? "true" : "false") {}
  template <class T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, int> = 0>
  LogField(std::string_view k, T v) : key(k), value(std::to_string(v)) {}
  template <class T, std::enable_if_t<std::is_floating_point_v<T>, int> = 0>
  LogField(std::string_view k, T v) : key(k), value(FormatFloatValue(static_cast<double>(v))) {}
  template <class Rep, class Period>
  LogField(std::string_view k, std::chrono::duration<Rep, Period> d)
      : key(k), value(FormatGoDuration(std::chrono::duration_cast<Nanoseconds>(d))) {}

 private:
  static std::string FormatFloatValue(double v);
};

// Where finished lines go.
class LogSink {
 public:
  virtual ~LogSink() = default;
  // Receives one whole line without the trailing newline. Called concurrently.
  virtual void Write(std::string_view line) = 0;
};

// The process's stderr: each line and its newline go out in one write(), under
// a lock, so lines from many threads and loggers never interleave. Shared by
// every default-constructed Logger.
std::shared_ptr<LogSink> StderrLogSink();

// Collects lines in memory, for tests that check what was logged.
class CapturingLogSink final : public LogSink {
 public:
  void Write(std::string_view line) override;
  std::vector<std::string> Lines() const;
  // True when some line contains every one of `parts`.
  bool Contains(const std::vector<std::string>& parts) const;

 private:
  mutable std::mutex mu_;
  std::vector<std::string> lines_;  // GUARDED_BY(mu_)
};

class Logger {
 public:
  // Writes to stderr at info level with the real clock.
  Logger();
  Logger(std::shared_ptr<LogSink> sink, LogLevel level, const Clock* clock = &Clock::Real());

  // A child logger whose lines carry `fields` after level= and before msg=,
  // after the fields of earlier With() calls.
  Logger With(std::vector<LogField> fields) const;

  void Debug(std::string_view msg, std::initializer_list<LogField> fields = {}) const {
    Log(LogLevel::kDebug, msg, fields);
  }
  void Info(std::string_view msg, std::initializer_list<LogField> fields = {}) const {
    Log(LogLevel::kInfo, msg, fields);
  }
  void Warn(std::string_view msg, std::initializer_list<LogField> fields = {}) const {
    Log(LogLevel::kWarn, msg, fields);
  }
  void Error(std::string_view msg, std::initializer_list<LogField> fields = {}) const {
    Log(LogLevel::kError, msg, fields);
  }
  // Writes `ts=<now> level=<level> <With() fields> msg=<msg> <fields>` when
  // `level` is enabled. Keys are written as given, except that bytes a logfmt
  // key cannot hold (space, '=', '"', control bytes) become '_'. A value is
  // quoted (Go's strconv.Quote) when it is empty or holds a space, '=', '"',
  // a control byte or invalid UTF-8.
  void Log(LogLevel level, std::string_view msg, std::initializer_list<LogField> fields) const;

  bool Enabled(LogLevel level) const { return level >= level_; }
  LogLevel level() const { return level_; }

 private:
  std::shared_ptr<LogSink> sink_;
  LogLevel level_;
  const Clock* clock_;
  std::string context_;  // pre-rendered " key=value" pairs from With()
};

}  // namespace ember
