// FlagSet: command-line flags spelled as the upstream programs spell them.
//
// Accepts both kingpin style (Prometheus, Alertmanager: "--config.file=x",
// "--config.file x", "--no-web.enable-admin-api") and Go flag style (Loki,
// Promtail: "-config.file=x", "-config.file x"), so command lines written for
// the upstream programs work unchanged. Not thread-safe; used once in main().
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ember/base/status.h"

namespace ember {

class FlagSet {
 public:
  // `program` and `summary` head the --help text.
  FlagSet(std::string program, std::string summary);

  // Each call registers a flag whose value lands in *target when parsed; the
  // target's value at registration is the default shown in --help.
  void String(std::string name, std::string* target, std::string help);
  void Bool(std::string name, bool* target, std::string help);
  void Int(std::string name, int64_t* target, std::string help);
  // A string flag that may be given many times; each use appends.
  void Strings(std::string name, std::vector<std::string>* target, std::string help);

  enum class Outcome {
    kRun,     // flags parsed: run the program
    kExitOk,  // --help or --version printed: exit 0
  };

  // Parses argv. Errors name the flag: `unknown flag --foo`,
  // `flag --bar expects a value`, `invalid value "x" for flag --n: ...`.
  // --help / -h print the usage to `out`; --version prints `version_text`.
  Result<Outcome> Parse(int argc, const char* const* argv, const std::string& version_text, std::string* out);

  // The --help text.
  std::string Usage() const;

  // True when the named flag appeared on the command line.
  bool WasSet(std::string_view name) const;

  // Every flag's name and current value, sorted by name, as Prometheus's
  // /api/v1/status/flags lists them: strings as given, booleans "true" or
  // "false", lists joined with ",".
  std::vector<std::pair<std::string, std::string>> Values() const;

 private:
  enum class Kind { kString, kBool, kInt, kStrings };
  struct Flag {
    std::string name;
    Kind kind;
    void* target;
    std::string help;
    std::string default_text;
    bool set = false;
  };
  Flag* Find(std::string_view name);
  Status Assign(Flag& flag, std::string_view value);

  std::string program_;
  std::string summary_;
  std::vector<Flag> flags_;
};

}  // namespace ember
