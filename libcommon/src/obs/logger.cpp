#include "ember/obs/logger.h"

#include <unistd.h>

#include <cerrno>

#include "ember/base/strings.h"

namespace ember {
namespace {

bool IsKeyByte(unsigned char c) { return c > ' ' && c != '=' && c != '"' && c != 0x7F; }

bool NeedsQuoting(std::string_view value) {
  if (value.empty()) return true;
  for (unsigned char c : value) {
    if (c <= ' ' || c == '=' || c == '"' || c == 0x7F) return true;
  }
  return !IsValidUtf8(value);
}

void AppendKey(std::string& out, std::string_view key) {
  if (key.empty()) {
    out += '_';
    return;
  }
  for (unsigned char c : key) out += IsKeyByte(c) ? static_cast<char>(c) : '_';
}

void AppendValue(std::string& out, std::string_view value) {
  if (NeedsQuoting(value)) {
    out += GoQuote(value);
  } else {
    out += value;
  }
}

// Appends " key=value".
void AppendPair(std::string& out, std::string_view key, std::string_view value) {
  out += ' ';
  AppendKey(out, key);
  out += '=';
  AppendValue(out, value);
}

class StderrSink final : public LogSink {
 public:
  void Write(std::string_view line) override {
    std::string buf;
    buf.reserve(line.size() + 1);
    buf.append(line);
    buf += '\n';
    std::lock_guard lock(mu_);
    // A short write is only expected for very long lines or signals; finishing
    // the line keeps the next one from starting mid-line.
    size_t done = 0;
    while (done < buf.size()) {
      ssize_t n = ::write(STDERR_FILENO, buf.data() + done, buf.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;  // nowhere left to report a failing stderr
      done += static_cast<size_t>(n);
    }
  }

 private:
  std::mutex mu_;
};

}  // namespace

Result<LogLevel> ParseLogLevel(std::string_view s) {
  if (s == "debug") return LogLevel::kDebug;
  if (s == "info") return LogLevel::kInfo;
  if (s == "warn") return LogLevel::kWarn;
  if (s == "error") return LogLevel::kError;
  return Status::InvalidArgument("unrecognized log level " + GoQuote(s) +
                                 " (expected debug, info, warn or error)");
}

std::string_view LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "unknown";
}

std::string LogField::FormatFloatValue(double v) { return FormatFloat(v, 'g'); }

void CapturingLogSink::Write(std::string_view line) {
  std::lock_guard lock(mu_);
  lines_.emplace_back(line);
}

std::vector<std::string> CapturingLogSink::Lines() const {
  std::lock_guard lock(mu_);
  return lines_;
}

bool CapturingLogSink::Contains(const std::vector<std::string>& parts) const {
  std::lock_guard lock(mu_);
  for (const std::string& line : lines_) {
    bool all = true;
    for (const std::string& part : parts) {
      if (line.find(part) == std::string::npos) {
        all = false;
        break;
      }
    }
    if (all) return true;
  }
  return false;
}

std::shared_ptr<LogSink> StderrLogSink() {
  static const std::shared_ptr<LogSink> sink = std::make_shared<StderrSink>();
  return sink;
}

Logger::Logger() : Logger(StderrLogSink(), LogLevel::kInfo) {}

Logger::Logger(std::shared_ptr<LogSink> sink, LogLevel level, const Clock* clock)
    : sink_(std::move(sink)), level_(level), clock_(clock) {}

Logger Logger::With(std::vector<LogField> fields) const {
  Logger child = *this;
  for (const LogField& f : fields) AppendPair(child.context_, f.key, f.value);
  return child;
}

void Logger::Log(LogLevel level, std::string_view msg, std::initializer_list<LogField> fields) const {
  if (!Enabled(level)) return;
  std::string line;
  line.reserve(64 + context_.size() + msg.size() + 32 * fields.size());
  line += "ts=";
  line += FormatRfc3339Millis(clock_->NowMs());
  line += " level=";
  line += LogLevelName(level);
  line += context_;
  AppendPair(line, "msg", msg);
  for (const LogField& f : fields) AppendPair(line, f.key, f.value);
  sink_->Write(line);
}

}  // namespace ember
