#include "script.h"

#include <cctype>
#include <utility>

namespace ember::promqltest {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Splits off the first whitespace-separated word of `s`; `s` keeps the rest, trimmed.
std::string_view NextWord(std::string_view& s) {
  s = Trim(s);
  size_t end = 0;
  while (end < s.size() && !IsSpace(s[end])) ++end;
  std::string_view word = s.substr(0, end);
  s = Trim(s.substr(end));
  return word;
}

bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

Status Error(int line, const std::string& msg) {
  return Status::InvalidArgument("line " + std::to_string(line) + ": " + msg);
}

}  // namespace

bool EvalCommand::ExpectsHistogram() const {
  for (const auto& s : results) {
    if (s.HasHistogram()) return true;
  }
  return false;
}

Result<SeriesLine> ParseSeriesLine(std::string_view text, bool* start_timestamps) {
  auto parsed = promql::ParseSeriesLine(text, start_timestamps);
  if (!parsed.ok()) return parsed.status();
  SeriesLine out;
  static_cast<promql::SeriesLine&>(out) = std::move(*parsed);
  return out;
}

namespace {

// Reads the header of an eval command into `cmd`.
Status ParseEvalHeader(std::string_view line, int line_no, EvalCommand& cmd) {
  std::string_view rest = line;
  std::string word = Lower(NextWord(rest));
  std::string variant = word.size() > 4 ? word.substr(5) : "";
  if (word.size() > 4 && word[4] != '_') return Error(line_no, "unknown command " + word);
  if (!variant.empty() && variant != "fail" && variant != "warn" && variant != "info" &&
      variant != "ordered") {
    return Error(line_no, "unknown command " + word);
  }
  std::string mode = Lower(NextWord(rest));
  if (mode == "instant") {
    std::string_view save = rest;
    if (Lower(NextWord(rest)) == "at") {
      auto t = ParseScriptDuration(NextWord(rest));
      if (!t.ok()) return Error(line_no, t.status().message());
      cmd.start_ms = cmd.end_ms = *t;
    } else {
      rest = save;
    }
  } else if (mode == "range") {
    if (variant == "ordered") return Error(line_no, "eval_ordered is for instant queries only");
    int64_t* fields[] = {&cmd.start_ms, &cmd.end_ms, &cmd.step_ms};
    const char* keywords[] = {"from", "to", "step"};
    for (int i = 0; i < 3; ++i) {
      if (Lower(NextWord(rest)) != keywords[i]) return Error(line_no, std::string("expected ") + keywords[i]);
      auto d = ParseScriptDuration(NextWord(rest));
      if (!d.ok()) return Error(line_no, d.status().message());
      *fields[i] = *d;
    }
    if (cmd.end_ms < cmd.start_ms) return Error(line_no, "end time before start time");
    if (cmd.step_ms <= 0) return Error(line_no, "step must be positive");
    cmd.range = true;
  } else {
    return Error(line_no, "expected instant or range after " + word);
  }
  if (rest.empty()) return Error(line_no, "missing expression");
  cmd.expr = std::string(rest);
  cmd.line = line_no;
  if (variant == "fail") cmd.fail = Expectation{Expectation::Kind::kAny, "", line_no};
  if (variant == "warn") cmd.warn.push_back({Expectation::Kind::kAny, "", line_no});
  if (variant == "info") cmd.info.push_back({Expectation::Kind::kAny, "", line_no});
  if (variant == "ordered") cmd.ordered = true;
  return Status::Ok();
}

// `fail|warn|info [msg: <text>|regex: <re>]` after `expect`.
Result<Expectation> ParseExpectationTail(std::string_view rest, int line_no) {
  Expectation e;
  e.line = line_no;
  rest = Trim(rest);
  if (rest.empty()) return e;
  size_t colon = rest.find(':');
  if (colon == std::string_view::npos) return Error(line_no, "expected msg: or regex:");
  std::string kind = Lower(Trim(rest.substr(0, colon)));
  e.text = std::string(Trim(rest.substr(colon + 1)));
  if (kind == "msg") {
    e.kind = Expectation::Kind::kMessage;
  } else if (kind == "regex") {
    e.kind = Expectation::Kind::kRegex;
  } else {
    return Error(line_no, "expected msg: or regex:, got " + kind);
  }
  return e;
}

Status ParseEvalBodyLine(std::string_view line, int line_no, EvalCommand& cmd, bool* stop) {
  std::string_view rest = line;
  std::string first = Lower(NextWord(rest));
  if (first == "expected_fail_message" || first == "expected_fail_regexp") {
    if (!cmd.fail) return Error(line_no, first + " without eval_fail");
    cmd.fail->kind =
        first == "expected_fail_message" ? Expectation::Kind::kMessage : Expectation::Kind::kRegex;
    cmd.fail->text = std::string(rest);
    return Status::Ok();
  }
  if (first == "expect") {
    std::string what = Lower(NextWord(rest));
    if (what == "fail" || what == "warn" || what == "info") {
      auto e = ParseExpectationTail(rest, line_no);
      if (!e.ok()) return e.status();
      if (what == "fail") {
        if (cmd.fail) return Error(line_no, "more than one expect fail");
        cmd.fail = *e;
      } else if (what == "warn") {
        if (cmd.no_warn) return Error(line_no, "expect warn together with expect no_warn");
        cmd.warn.push_back(*e);
      } else {
        if (cmd.no_info) return Error(line_no, "expect info together with expect no_info");
        cmd.info.push_back(*e);
      }
    } else if (what == "no_warn") {
      if (!cmd.warn.empty()) return Error(line_no, "expect no_warn together with expect warn");
      cmd.no_warn = true;
    } else if (what == "no_info") {
      if (!cmd.info.empty()) return Error(line_no, "expect no_info together with expect info");
      cmd.no_info = true;
    } else if (what == "ordered") {
      if (cmd.range) return Error(line_no, "expect ordered is for instant queries only");
      cmd.ordered = true;
    } else if (what == "string") {
      if (cmd.range) return Error(line_no, "expect string is for instant queries only");
      if (rest.empty() || (rest[0] != '"' && rest[0] != '`' && rest[0] != '\'')) {
        return Error(line_no, "expect string needs a quoted string");
      }
      size_t pos = 0;
      auto s = promql::ReadGoStringLiteral(rest, &pos);
      if (!s.ok()) return Error(line_no, s.status().message());
      if (!Trim(rest.substr(pos)).empty()) return Error(line_no, "text after expected string");
      cmd.expect_string = *s;
    } else if (what == "range") {
      if (Lower(NextWord(rest)) != "vector") return Error(line_no, "expected expect range vector");
      if (cmd.range) return Error(line_no, "expect range vector is for instant queries only");
      RangeVectorSpec spec;
      int64_t* fields[] = {&spec.start_ms, &spec.end_ms, &spec.step_ms};
      const char* keywords[] = {"from", "to", "step"};
      for (int i = 0; i < 3; ++i) {
        if (Lower(NextWord(rest)) != keywords[i])
          return Error(line_no, std::string("expected ") + keywords[i]);
        auto d = ParseScriptDuration(NextWord(rest));
        if (!d.ok()) return Error(line_no, d.status().message());
        *fields[i] = *d;
      }
      if (spec.step_ms <= 0 || spec.end_ms < spec.start_ms) return Error(line_no, "bad range vector spec");
      cmd.range_vector = spec;
      cmd.start_ms = cmd.end_ms = spec.end_ms;
    } else {
      return Error(line_no, "unknown expectation " + what);
    }
    return Status::Ok();
  }
  if (auto number = ParseScriptNumber(line)) {
    cmd.scalar = *number;
    *stop = true;  // upstream stops reading the block at a scalar line
    return Status::Ok();
  }
  auto series = ParseSeriesLine(line);
  if (!series.ok()) return Error(line_no, series.status().message());
  series->line = line_no;
  if (!cmd.range && !cmd.range_vector && series->values.size() != 1) {
    return Error(line_no, "expected exactly one value for an instant query");
  }
  for (auto& existing : cmd.results) {
    if (existing.labels == series->labels) {
      existing = std::move(*series);
      return Status::Ok();
    }
  }
  cmd.results.push_back(std::move(*series));
  return Status::Ok();
}

Status ParseLoadBody(std::string_view line, int line_no, LoadCommand& cmd,
                     std::optional<Labels>& pending_st) {
  bool st_line = false;
  auto series = ParseSeriesLine(line, &st_line);
  if (!series.ok()) return Error(line_no, series.status().message());
  if (st_line) {
    pending_st = series->labels;
    return Status::Ok();
  }
  series->line = line_no;
  if (pending_st) {
    if (*pending_st != series->labels) return Error(line_no, "@st line not followed by the same series");
    series->has_start_timestamps = true;
    pending_st.reset();
  }
  for (auto& existing : cmd.series) {
    if (existing.labels == series->labels) {
      existing = std::move(*series);
      return Status::Ok();
    }
  }
  cmd.series.push_back(std::move(*series));
  return Status::Ok();
}

}  // namespace

Result<Script> ParseScript(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  // Comment lines become blank lines, which end blocks.
  for (auto& l : lines) {
    l = Trim(l);
    if (!l.empty() && l[0] == '#') l = {};
  }
  Script script;
  size_t i = 0;
  while (i < lines.size()) {
    int line_no = static_cast<int>(i) + 1;
    std::string_view line = lines[i];
    if (line.empty()) {
      ++i;
      continue;
    }
    std::string_view rest = line;
    std::string word = Lower(NextWord(rest));
    if (word == "clear") {
      script.commands.push_back(ClearCommand{line_no});
      ++i;
      continue;
    }
    if (StartsWith(word, "load")) {
      LoadCommand cmd;
      cmd.line = line_no;
      if (word == "load_with_nhcb") {
        cmd.with_nhcb = true;
      } else if (word != "load") {
        return Error(line_no, "unknown command " + word);
      }
      auto step = ParseScriptDuration(rest);
      if (!step.ok()) return Error(line_no, step.status().message());
      cmd.step_ms = *step;
      std::optional<Labels> pending_st;
      for (++i; i < lines.size() && !lines[i].empty(); ++i) {
        Status st = ParseLoadBody(lines[i], static_cast<int>(i) + 1, cmd, pending_st);
        if (!st.ok()) return st;
      }
      if (pending_st) return Error(line_no, "@st line at the end of a load block");
      script.commands.push_back(std::move(cmd));
      continue;
    }
    if (StartsWith(word, "eval")) {
      EvalCommand cmd;
      Status st = ParseEvalHeader(line, line_no, cmd);
      if (!st.ok()) return st;
      bool stop = false;
      for (++i; i < lines.size() && !lines[i].empty(); ++i) {
        if (stop) continue;  // lines after a scalar result are ignored
        st = ParseEvalBodyLine(lines[i], static_cast<int>(i) + 1, cmd, &stop);
        if (!st.ok()) return st;
      }
      if (cmd.range && cmd.scalar) return Error(line_no, "a scalar result line in a range eval");
      script.commands.push_back(std::move(cmd));
      continue;
    }
    return Error(line_no, "unknown command " + word);
  }
  return script;
}

}  // namespace ember::promqltest
