#include "runner.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <memory>
#include <optional>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <utility>

#include "ember/obs/logger.h"
#include "ember/promql/ast.h"
#include "ember/promql/engine.h"
#include "ember/promql/parser.h"
#include "ember/promql/queryable.h"
#include "ember/tsdb/db.h"
#include "result_check.h"
#include "test_support.h"

namespace ember::promqltest {
namespace {

// The names skips are reported under.
constexpr char kNativeHistograms[] = "native histograms";
constexpr char kDurationExpressions[] = "duration expressions";
constexpr char kExtendedRange[] = "extended range selectors (anchored/smoothed)";
constexpr char kFillModifiers[] = "fill modifiers";
constexpr char kInfoFunction[] = "info()";
constexpr char kTypeAndUnit[] = "type and unit labels";
constexpr char kStartTimestamps[] = "start timestamps (@st)";

constexpr int64_t kMinute = 60 * 1000;

promql::EngineOptions SuiteEngineOptions() {
  promql::EngineOptions o;
  o.lookback_delta_ms = 5 * kMinute;
  o.max_samples = 10000;
  o.timeout = std::chrono::seconds(100);
  o.default_subquery_step_ms = kMinute;
  o.delayed_name_removal = true;
  o.parse.enable_experimental_functions = true;
  return o;
}

// The storage of one script between two `clear`s, and the series it holds
// that Ember cannot fully represent (so evals reading them are skipped).
class Storage {
 public:
  Status Open() {
    db_.reset();
    queryable_.reset();
    dir_ = std::make_unique<testing::TempDir>();
    tsdb::DbOptions options;
    options.dir = dir_->path();
    options.retention_ms = 0;
    // Every load block restarts at t=0, so later blocks write "into the past".
    options.out_of_order_time_window_ms = int64_t{1} << 50;
    options.maintenance_interval_ms = 0;
    options.block_cache_bytes = uint64_t{8} << 20;
    auto db = tsdb::Db::Open(options, Logger(std::make_shared<CapturingLogSink>(), LogLevel::kError));
    if (!db.ok()) return db.status();
    db_ = std::move(*db);
    queryable_ = promql::NewTsdbQueryable(*db_);
    special_.clear();
    return Status::Ok();
  }

  Status Close() {
    queryable_.reset();
    Status st;
    if (db_) st = db_->Close();
    db_.reset();
    dir_.reset();
    return st;
  }

  tsdb::Db& db() { return *db_; }
  const promql::Queryable& queryable() const { return *queryable_; }

  void MarkSpecial(const Labels& labels, const char* feature) {
    for (const auto& [l, f] : special_) {
      if (l == labels && f == feature) return;
    }
    special_.emplace_back(labels, feature);
  }
  const std::vector<std::pair<Labels, const char*>>& special() const { return special_; }

 private:
  std::unique_ptr<testing::TempDir> dir_;
  std::unique_ptr<tsdb::Db> db_;
  std::unique_ptr<promql::Queryable> queryable_;
  std::vector<std::pair<Labels, const char*>> special_;
};

// The series `load_with_nhcb` derives from classic histogram series: `x` from
// `x_bucket{le=...}`, `x_count` and `x_sum`, without `le`.
std::optional<Labels> NhcbSeries(const Labels& labels) {
  std::string name(labels.MetricName());
  std::string base;
  auto strip = [&](std::string_view suffix) {
    if (name.size() > suffix.size() &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      base = name.substr(0, name.size() - suffix.size());
      return true;
    }
    return false;
  };
  if (!(strip("_bucket") && labels.Has("le")) && !strip("_count") && !strip("_sum")) return std::nullopt;
  LabelsBuilder b(labels);
  b.Del("le");
  b.Set(kMetricNameLabel, base);
  return b.Build();
}

// Query text with the contents of string literals blanked, for feature detection.
std::string BlankStrings(std::string_view q) {
  std::string out(q);
  char quote = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    char c = out[i];
    if (quote == 0) {
      if (c == '"' || c == '\'' || c == '`') quote = c;
      continue;
    }
    if (c == '\\' && quote != '`' && i + 1 < out.size()) {
      out[i] = out[i + 1] = ' ';
      ++i;
      continue;
    }
    if (c == quote) {
      quote = 0;
      continue;
    }
    out[i] = ' ';
  }
  return out;
}

// Whether the text inside `[...]` is more than `<duration>` or `<duration>:<duration>?`.
bool HasDurationArithmetic(const std::string& q) {
  static const std::regex kPlain(R"(^\s*-?[0-9.]*[a-zA-Z0-9.]*\s*$)");
  size_t pos = 0;
  while ((pos = q.find('[', pos)) != std::string::npos) {
    size_t end = pos + 1;
    int depth = 1;
    while (end < q.size() && depth > 0) {
      if (q[end] == '[') ++depth;
      if (q[end] == ']') --depth;
      ++end;
    }
    std::string inside = q.substr(pos + 1, end - pos - 2);
    std::stringstream parts(inside);
    std::string part;
    while (std::getline(parts, part, ':')) {
      if (!std::regex_match(part, kPlain)) return true;
    }
    pos = end;
  }
  return false;
}

// `start()` or `end()` as values rather than as `@ start()` / `@ end()`.
bool UsesBoundFunctions(const std::string& q) {
  static const std::regex kBound(R"(\b(start|end)\s*\(\s*\))");
  for (auto it = std::sregex_iterator(q.begin(), q.end(), kBound); it != std::sregex_iterator(); ++it) {
    size_t p = static_cast<size_t>(it->position());
    while (p > 0 && (q[p - 1] == ' ' || q[p - 1] == '\t')) --p;
    if (p == 0 || q[p - 1] != '@') return true;
  }
  return false;
}

// Whether a metric name occurs in the query text as a whole word.
bool MentionsName(const std::string& q, std::string_view name) {
  if (name.empty()) return false;
  auto is_word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ':'; };
  for (size_t p = q.find(name); p != std::string::npos; p = q.find(name, p + 1)) {
    size_t e = p + name.size();
    if ((p == 0 || !is_word(q[p - 1])) && (e >= q.size() || !is_word(q[e]))) return true;
  }
  return false;
}

// The experimental syntax a query uses, judged from its text (string
// literals blanked), for queries Ember's parser rejects.
std::vector<const char*> SyntaxFeatures(const std::string& query) {
  static const std::regex kFill(R"(\bfill(_left|_right)?\s*\()", std::regex::icase);
  static const std::regex kInfo(R"(\binfo\s*\()");
  static const std::regex kExtended(R"((^|[\s\])])(anchored|smoothed)\b)");
  static const std::regex kDurationFunc(R"(\b(step|range|min_of|max_of)\s*\(\s*)", std::regex::icase);
  static const std::regex kOffsetExpr(R"(\boffset\s*[-+]?\s*\()", std::regex::icase);
  std::string q = BlankStrings(query);
  std::vector<const char*> out;
  if (std::regex_search(q, kFill)) out.push_back(kFillModifiers);
  if (std::regex_search(q, kInfo)) out.push_back(kInfoFunction);
  if (std::regex_search(q, kExtended)) out.push_back(kExtendedRange);
  if (std::regex_search(q, kDurationFunc) || std::regex_search(q, kOffsetExpr) || HasDurationArithmetic(q) ||
      UsesBoundFunctions(q)) {
    out.push_back(kDurationExpressions);
  }
  return out;
}

// Functions whose result depends on the evaluation time even when their
// arguments do not; the @-modifier rewrite is not applied to queries using them.
bool IsAtModifierUnsafe(std::string_view name) {
  static constexpr std::string_view kNames[] = {
      "time",        "timestamp",     "predict_linear", "minute", "hour",  "day_of_week", "day_of_month",
      "day_of_year", "days_in_month", "month",          "year",   "start", "end",         "range",
      "step"};
  return std::find(std::begin(kNames), std::end(kNames), name) != std::end(kNames);
}

// The selectors and the names of the functions called in a query.
struct QueryParts {
  std::vector<const promql::VectorSelector*> selectors;
  std::vector<std::string_view> functions;
};

void CollectParts(const promql::Expr& e, QueryParts& out) {
  using promql::NodeKind;
  switch (e.kind) {
    case NodeKind::kVectorSelector:
      out.selectors.push_back(static_cast<const promql::VectorSelector*>(&e));
      break;
    case NodeKind::kMatrixSelector:
      CollectParts(*static_cast<const promql::MatrixSelector&>(e).selector, out);
      break;
    case NodeKind::kSubquery:
      CollectParts(*static_cast<const promql::Subquery&>(e).expr, out);
      break;
    case NodeKind::kParen:
      CollectParts(*static_cast<const promql::Paren&>(e).expr, out);
      break;
    case NodeKind::kUnary:
      CollectParts(*static_cast<const promql::Unary&>(e).expr, out);
      break;
    case NodeKind::kBinary: {
      const auto& b = static_cast<const promql::Binary&>(e);
      CollectParts(*b.lhs, out);
      CollectParts(*b.rhs, out);
      break;
    }
    case NodeKind::kAggregate: {
      const auto& a = static_cast<const promql::Aggregate&>(e);
      CollectParts(*a.expr, out);
      if (a.param) CollectParts(*a.param, out);
      break;
    }
    case NodeKind::kCall: {
      const auto& call = static_cast<const promql::Call&>(e);
      out.functions.push_back(call.func->name);
      for (const auto& arg : call.args) CollectParts(*arg, out);
      break;
    }
    case NodeKind::kNumberLiteral:
    case NodeKind::kStringLiteral:
      break;
  }
}

bool HasAt(const promql::TimeModifiers& m) {
  return m.at_ms.has_value() || m.at_anchor != promql::AtAnchor::kNone;
}

// Sets `@ ts` on every selector and subquery without one, leaving what is
// inside subqueries alone (as upstream's runner does); reports calls of
// time-dependent functions in `unsafe`.
void SetAtModifiers(promql::Expr& e, int64_t ts, bool inside_subquery, bool& unsafe) {
  using promql::NodeKind;
  switch (e.kind) {
    case NodeKind::kVectorSelector: {
      auto& s = static_cast<promql::VectorSelector&>(e);
      if (!inside_subquery && !HasAt(s.modifiers)) s.modifiers.at_ms = ts;
      break;
    }
    case NodeKind::kMatrixSelector:
      SetAtModifiers(*static_cast<promql::MatrixSelector&>(e).selector, ts, inside_subquery, unsafe);
      break;
    case NodeKind::kSubquery: {
      auto& s = static_cast<promql::Subquery&>(e);
      if (!inside_subquery && !HasAt(s.modifiers)) s.modifiers.at_ms = ts;
      SetAtModifiers(*s.expr, ts, true, unsafe);
      break;
    }
    case NodeKind::kParen:
      SetAtModifiers(*static_cast<promql::Paren&>(e).expr, ts, inside_subquery, unsafe);
      break;
    case NodeKind::kUnary:
      SetAtModifiers(*static_cast<promql::Unary&>(e).expr, ts, inside_subquery, unsafe);
      break;
    case NodeKind::kBinary: {
      auto& b = static_cast<promql::Binary&>(e);
      SetAtModifiers(*b.lhs, ts, inside_subquery, unsafe);
      SetAtModifiers(*b.rhs, ts, inside_subquery, unsafe);
      break;
    }
    case NodeKind::kAggregate: {
      auto& a = static_cast<promql::Aggregate&>(e);
      SetAtModifiers(*a.expr, ts, inside_subquery, unsafe);
      if (a.param) SetAtModifiers(*a.param, ts, inside_subquery, unsafe);
      break;
    }
    case NodeKind::kCall: {
      auto& c = static_cast<promql::Call&>(e);
      if (c.func != nullptr && IsAtModifierUnsafe(c.func->name)) unsafe = true;
      for (auto& arg : c.args) SetAtModifiers(*arg, ts, inside_subquery, unsafe);
      break;
    }
    case NodeKind::kNumberLiteral:
    case NodeKind::kStringLiteral:
      break;
  }
}

struct InstantCase {
  std::string query;
  int64_t time_ms = 0;
};

// An eval's outcome: passed, failed with a reason, or skipped for a feature.
struct Outcome {
  enum class Kind { kPass, kFail, kSkip };
  Kind kind = Kind::kPass;
  std::string reason;  // kFail: what differed; kSkip: the feature
  std::string detail;  // kFail: expected vs got
};

class ScriptRunner {
 public:
  ScriptRunner(std::string file, const RunOptions& options, std::ostream& log)
      : file_(std::move(file)), options_(options), log_(log), engine_(SuiteEngineOptions()) {}

  FileReport Run(const Script& script) {
    report_.file = file_;
    Status st = storage_.Open();
    if (!st.ok()) {
      Broken(0, "opening the store: " + st.ToString());
      return report_;
    }
    for (const auto& command : script.commands) {
      if (const auto* load = std::get_if<LoadCommand>(&command)) {
        Status s = Load(*load);
        if (!s.ok()) Broken(load->line, "load: " + s.ToString());
      } else if (const auto* clear = std::get_if<ClearCommand>(&command)) {
        Status s = storage_.Close();
        if (s.ok()) s = storage_.Open();
        if (!s.ok()) Broken(clear->line, "clear: " + s.ToString());
      } else {
        const auto& eval = std::get<EvalCommand>(command);
        if (!options_.lines.empty() && !options_.lines.contains(eval.line)) continue;
        Outcome outcome;
        try {
          outcome = Eval(eval);
        } catch (const std::exception& e) {
          // One eval's exception is that eval's failure, not the end of the file.
          outcome = Fail(std::string("exception: ") + e.what());
        }
        Record(eval, outcome);
      }
      if (report_.broken) break;
    }
    (void)storage_.Close();
    return report_;
  }

 private:
  void Broken(int line, const std::string& why) {
    report_.broken = true;
    report_.failures.push_back(file_ + ":" + std::to_string(line) + ": " + why);
  }

  void Record(const EvalCommand& cmd, const Outcome& outcome) {
    std::string where = file_ + ":" + std::to_string(cmd.line);
    switch (outcome.kind) {
      case Outcome::Kind::kPass:
        ++report_.passed;
        if (options_.verbose) log_ << where << ": PASS " << cmd.expr << "\n";
        break;
      case Outcome::Kind::kSkip:
        ++report_.skipped;
        ++report_.skip_reasons[outcome.reason];
        if (options_.verbose) {
          log_ << where << ": SKIP (" << outcome.reason << ") " << cmd.expr << "\n";
          if (!outcome.detail.empty()) log_ << "  without it: " << outcome.detail << "\n";
        }
        break;
      case Outcome::Kind::kFail: {
        ++report_.failed;
        std::string text = where + ": " + cmd.expr + "\n  " + outcome.reason;
        if (!outcome.detail.empty()) text += "\n" + outcome.detail;
        report_.failures.push_back(text);
        if (options_.verbose) log_ << "FAIL " << text << "\n";
        break;
      }
    }
  }

  Status Load(const LoadCommand& cmd) {
    auto app = storage_.db().NewAppender();
    for (const auto& series : cmd.series) {
      if (series.has_start_timestamps) storage_.MarkSpecial(series.labels, kStartTimestamps);
      if (series.HasHistogram()) storage_.MarkSpecial(series.labels, kNativeHistograms);
      if (series.labels.Has("__type__") || series.labels.Has("__unit__")) {
        storage_.MarkSpecial(series.labels, kTypeAndUnit);
      }
      if (cmd.with_nhcb) {
        if (auto derived = NhcbSeries(series.labels)) storage_.MarkSpecial(*derived, kNativeHistograms);
      }
      for (size_t i = 0; i < series.values.size(); ++i) {
        const auto& v = series.values[i];
        if (v.kind != SequenceValue::Kind::kFloat) continue;
        auto added = app.Add(series.labels, static_cast<int64_t>(i) * cmd.step_ms, v.value);
        if (!added.ok()) {
          return added.status().WithContext("line " + std::to_string(series.line) + " " +
                                            series.labels.ToString());
        }
      }
    }
    return app.Commit();
  }

  Outcome Skip(const char* feature) { return {Outcome::Kind::kSkip, feature, {}}; }

  // An eval is skipped, whatever its outcome would be, when it needs a
  // feature Ember lacks: the parser rejects syntax behind a feature flag, or
  // a selector reaches a series stored only for such a feature. Everything
  // else runs, and a failure is a failure.
  Outcome Eval(const EvalCommand& cmd) {
    if (cmd.ExpectsHistogram()) return Skip(kNativeHistograms);
    if (cmd.expr.find("__type__") != std::string::npos || cmd.expr.find("__unit__") != std::string::npos) {
      return Skip(kTypeAndUnit);
    }
    auto parsed = promql::ParseExpr(cmd.expr, engine_options_.parse);
    if (!parsed.ok()) {
      auto syntax = SyntaxFeatures(cmd.expr);
      if (!syntax.empty()) return Skip(syntax.front());
      // Without a tree the selectors are unknown: judge by the names in the text.
      std::string text = BlankStrings(cmd.expr);
      for (const auto& [labels, feature] : storage_.special()) {
        if (MentionsName(text, labels.MetricName())) return Skip(feature);
      }
    } else {
      QueryParts parts;
      CollectParts(**parsed, parts);
      // info() parses (its signature is known) but the engine does not evaluate it.
      if (std::find(parts.functions.begin(), parts.functions.end(), "info") != parts.functions.end()) {
        return Skip(kInfoFunction);
      }
      for (const auto* sel : parts.selectors) {
        for (const auto& [labels, feature] : storage_.special()) {
          if (tsdb::MatchesAll(sel->matchers, labels)) return Skip(feature);
        }
      }
    }
    return cmd.range ? RunRange(cmd) : RunInstant(cmd, parsed.ok() ? parsed->get() : nullptr);
  }

  Outcome Fail(std::string reason, std::string detail = {}) {
    return {Outcome::Kind::kFail, std::move(reason), std::move(detail)};
  }

  std::vector<std::string> Render(const std::vector<promql::Annotation>& annotations,
                                  const std::string& query) {
    std::vector<std::string> out;
    for (const auto& a : annotations) {
      std::string r = promql::RenderAnnotation(a, query);
      if (std::find(out.begin(), out.end(), r) == out.end()) out.push_back(r);
    }
    return out;
  }

  std::string Detail(const EvalCommand& cmd, const promql::Value& got) {
    return "  expected: " + FormatExpected(cmd) + "\n  got: " + FormatValue(got);
  }

  Outcome RunRange(const EvalCommand& cmd) {
    auto res = engine_.RangeQuery(storage_.queryable(), cmd.expr, cmd.start_ms, cmd.end_ms, cmd.step_ms);
    if (!res.ok()) {
      if (auto e = CheckFailure(cmd, res.status().message())) return Fail(*e);
      return {};
    }
    if (cmd.fail) return Fail("expected an error but got none", Detail(cmd, res->value));
    if (auto e = CheckAnnotations(cmd, Render(res->annotations, cmd.expr))) return Fail(*e);
    if (auto e = CheckResult(cmd, res->value)) return Fail(*e, Detail(cmd, res->value));
    return {};
  }

  Outcome RunInstant(const EvalCommand& cmd, const promql::Expr* parsed) {
    std::vector<InstantCase> cases = {{cmd.expr, cmd.start_ms}};
    if (parsed != nullptr) {
      auto clone = promql::Clone(*parsed);
      bool unsafe = false;
      int64_t ts = cmd.start_ms;
      SetAtModifiers(*clone, ts, false, unsafe);
      if (!unsafe) {
        std::string rewritten = promql::ToString(*clone);
        auto reparsed = promql::ParseExpr(rewritten, engine_options_.parse);
        if (!reparsed.ok()) {
          return Fail("the @-rewritten query `" + rewritten +
                      "` does not parse: " + reparsed.status().message());
        }
        if (options_.verbose) log_ << file_ << ":" << cmd.line << ": @-rewrite: " << rewritten << "\n";
        std::vector<int64_t> times = ts == 0 ? std::vector<int64_t>{-1000, 0, 1000}
                                             : std::vector<int64_t>{-10 * ts, 0, ts / 5, ts, 10 * ts};
        for (int64_t t : times) cases.push_back({rewritten, t});
      }
    }
    for (const auto& c : cases) {
      Outcome o = RunInstantCase(cmd, c);
      if (o.kind != Outcome::Kind::kPass) {
        if (c.query != cmd.expr || c.time_ms != cmd.start_ms) {
          o.reason = "[as `" + c.query + "` at " + std::to_string(c.time_ms) + "ms] " + o.reason;
        }
        return o;
      }
    }
    return {};
  }

  static bool UsesRangeBoundFunctions(const std::string& query) {
    static const std::regex kBounds(R"(\b(start|end|range|step)\s*\(\s*\))", std::regex::icase);
    return std::regex_search(BlankStrings(query), kBounds);
  }

  Outcome RunInstantCase(const EvalCommand& cmd, const InstantCase& c) {
    auto res = engine_.InstantQuery(storage_.queryable(), c.query, c.time_ms);
    if (!res.ok()) {
      if (auto e = CheckFailure(cmd, res.status().message())) return Fail(*e);
      return {};
    }
    if (cmd.fail) return Fail("expected an error but got none", Detail(cmd, res->value));
    if (auto e = CheckAnnotations(cmd, Render(res->annotations, c.query))) return Fail(*e);
    if (auto e = CheckResult(cmd, res->value)) return Fail(*e, Detail(cmd, res->value));

    if (cmd.expect_string || cmd.range_vector || UsesRangeBoundFunctions(c.query)) return {};
    auto range =
        engine_.RangeQuery(storage_.queryable(), c.query, c.time_ms - kMinute, c.time_ms + kMinute, kMinute);
    if (!range.ok()) return Fail("error in range mode: " + range.status().message());
    if (cmd.ordered) return {};
    const auto* matrix = std::get_if<promql::Matrix>(&range->value);
    if (matrix == nullptr) return Fail("range mode returned " + FormatValue(range->value) + ", not a matrix");
    if (auto e = CheckMatrixSorted(*matrix)) return Fail("range mode: " + *e);
    promql::Vector at_t;
    for (const auto& series : *matrix) {
      for (const auto& s : series.samples) {
        if (s.t == c.time_ms) {
          at_t.push_back({series.labels, s.t, s.v, false});
          break;
        }
      }
    }
    promql::Value point;
    if (std::holds_alternative<promql::Scalar>(res->value)) {
      if (at_t.empty()) return Fail("range mode: no point at the evaluation time for a scalar result");
      point = promql::Scalar{c.time_ms, at_t[0].v};
    } else {
      point = std::move(at_t);
    }
    if (auto e = CheckResult(cmd, point)) return Fail("range mode: " + *e, Detail(cmd, point));
    return {};
  }

  std::string file_;
  const RunOptions& options_;
  std::ostream& log_;
  promql::EngineOptions engine_options_ = SuiteEngineOptions();
  promql::Engine engine_;
  Storage storage_;
  FileReport report_;
};

}  // namespace

FileReport RunScript(const std::string& file, const Script& script, const RunOptions& options,
                     std::ostream& log) {
  ScriptRunner runner(file, options, log);
  return runner.Run(script);
}

FileReport RunScriptFile(const std::string& file, const RunOptions& options, std::ostream& log) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    FileReport r;
    r.file = file;
    r.broken = true;
    r.failures.push_back(file + ": cannot read the file");
    return r;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  auto script = ParseScript(buf.str());
  if (!script.ok()) {
    FileReport r;
    r.file = file;
    r.broken = true;
    r.failures.push_back(file + ": " + script.status().message());
    return r;
  }
  return RunScript(file, *script, options, log);
}

}  // namespace ember::promqltest
