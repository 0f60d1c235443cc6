// PromParser: the Prometheus text exposition format (text/plain, versions
// 0.0.4 and 1.0.0, the latter with UTF-8 quoted names: `{"my.metric", "a"="b"} 1`).
//
// Behaves as Prometheus 3.x's textparse.PromParser: blank lines and white
// space between tokens are allowed, `untyped` is MetricType::kUnknown, a
// timestamp is an integer count of milliseconds.
#pragma once

#include <string>
#include <string_view>

#include "ember/textparse/parser.h"

namespace ember::textparse {

class PromParser final : public Parser {
 public:
  // Parses `body`, which must outlive the parser. A body that does not end in
  // a newline is copied once (upstream appends one); otherwise nothing is copied.
  explicit PromParser(std::string_view body);
  explicit PromParser(const char* body) : PromParser(std::string_view(body)) {}
  // A temporary body would dangle.
  explicit PromParser(std::string&& body) = delete;

  Result<Entry> Next() override;

 private:
  bool FastSeries();
  Status ParseLabelValues();
  Result<Entry> ParseMetricSuffix(int token);
  Status ParseError(std::string_view expected, int token) const;

  std::string owned_;  // the body plus '\n', when it lacked one
  size_t i_ = 0;       // lexer position
  size_t tok_start_ = 0;
  int state_ = 0;
};

}  // namespace ember::textparse
