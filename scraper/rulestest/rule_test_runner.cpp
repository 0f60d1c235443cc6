#include "rulestest/rule_test_runner.h"

#include <re2/re2.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <utility>

#include "ember/base/labels.h"
#include "ember/base/strings.h"
#include "ember/base/time.h"
#include "ember/obs/logger.h"
#include "ember/promql/engine.h"
#include "ember/promql/parser.h"
#include "ember/promql/queryable.h"
#include "ember/promql/series_notation.h"
#include "ember/rules/engine.h"
#include "ember/rules/manager.h"
#include "ember/rules/rule_file.h"
#include "ember/tsdb/db.h"
#include "rules/tsdb_rules.h"
#include "rulestest/rule_test_file.h"
#include "rulestest/rule_test_format.h"

namespace ember::scraper {
namespace {

constexpr Milliseconds kDefaultEvaluationInterval{60 * 1000};

class NullLogSink final : public LogSink {
 public:
  void Write(std::string_view) override {}
};

Logger QuietLogger() { return Logger(std::make_shared<NullLogSink>(), LogLevel::kError); }

// A directory removed with everything in it when the object goes.
class ScratchDir {
 public:
  static Result<std::unique_ptr<ScratchDir>> Create(const std::string& parent) {
    std::error_code ec;
    std::filesystem::path base =
        parent.empty() ? std::filesystem::temp_directory_path(ec) : std::filesystem::path(parent);
    if (ec) return Status::IOError("temporary directory: " + ec.message());
    std::string pattern = (base / "ember-rules-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) return Status::FromErrno("mkdtemp " + pattern, errno);
    return std::unique_ptr<ScratchDir>(new ScratchDir(pattern));
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  explicit ScratchDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// An input series with its expanded values, loaded into the store step by
// step as evaluation time advances (promtool's lazy loader).
struct InputSeries {
  Labels labels;
  std::vector<promql::SequenceValue> values;
  size_t next = 0;  // first value not yet appended
};

std::string ModelDuration(Milliseconds d) { return FormatDuration(d); }

std::string GoDurationSinceEpoch(TimestampMs ts) { return FormatGoDuration(Nanoseconds(ts * 1'000'000)); }

bool FloatsEqual(double a, double b, bool fuzzy) {
  if (a == b) return true;
  if (!fuzzy) return false;
  return std::nextafter(a, -INFINITY) == b || std::nextafter(a, INFINITY) == b;
}

// The context one file's tests share.
struct FileContext {
  std::vector<std::string> rule_files;  // resolved and glob-expanded
  Milliseconds evaluation_interval{0};
  std::map<std::string, size_t> group_order;
  bool fuzzy_compare = false;
};

class TestGroupRun {
 public:
  TestGroupRun(const RuleTestGroup& tg, const FileContext& file, const RuleTestOptions& options)
      : tg_(tg), file_(file), options_(options) {}

  // Returns the failures, each a multi-line text as promtool prints it.
  std::vector<std::string> Run() {
    std::vector<std::string> errs;
    Status st = Setup();
    if (!st.ok()) return {st.message()};

    rules::ManagerOptions mo;
    mo.query = query_;
    mo.parse_expr = PromqlRuleParser(engine_->options().parse);
    mo.appendable = appendable_.get();
    mo.logger = QuietLogger();
    rules::Manager manager(std::move(mo));

    rules::LoadOptions lo;
    lo.default_interval = tg_.interval;
    std::vector<Label> ext;
    for (const auto& [k, v] : tg_.external_labels) ext.push_back({k, v});
    lo.external_labels = Labels::FromUnsorted(std::move(ext));
    lo.external_url = tg_.external_url;
    lo.ignore_unknown_fields = options_.ignore_unknown_fields;
    rules::LoadedGroups loaded = manager.LoadGroups(lo, file_.rule_files);
    if (!loaded.errors.empty()) return loaded.errors;
    std::vector<std::shared_ptr<rules::Group>> groups = std::move(loaded.groups);
    std::stable_sort(groups.begin(), groups.end(), [this](const auto& a, const auto& b) {
      return OrderOf(a->name()) < OrderOf(b->name());
    });

    const TimestampMs mint = tg_.start_timestamp_ms;
    Milliseconds max_eval{0};
    for (const auto& a : tg_.alert_rule_test) max_eval = std::max(max_eval, a.eval_time);
    for (const auto& p : tg_.promql_expr_test) max_eval = std::max(max_eval, p.eval_time);
    const TimestampMs maxt = mint + max_eval.count();

    std::map<int64_t, std::set<std::string>> alerts_in_test;
    std::map<int64_t, std::vector<const AlertTestCase*>> alert_tests;
    for (const auto& a : tg_.alert_rule_test) {
      if (a.alertname.empty()) {
        std::string where = tg_.name.empty() ? "" : " (in TestGroup " + tg_.name + ")";
        return {"an item under alert_rule_test misses required attribute alertname at eval_time " +
                ModelDuration(a.eval_time) + where};
      }
      alerts_in_test[a.eval_time.count()].insert(a.alertname);
      alert_tests[a.eval_time.count()].push_back(&a);
    }
    std::vector<int64_t> alert_eval_times;
    for (const auto& [t, _] : alert_tests) alert_eval_times.push_back(t);
    size_t curr = 0;

    const int64_t step = file_.evaluation_interval.count();
    for (TimestampMs ts = mint; ts <= maxt; ts += step) {
      st = LoadTill(ts);
      if (!st.ok()) {
        errs.push_back(st.message());
        continue;
      }
      std::vector<std::string> eval_errs;
      for (const auto& g : groups) {
        g->Eval(ts);
        for (const auto& r : g->Status().rules) {
          if (!r.last_error.empty()) {
            eval_errs.push_back("    rule: " + r.name + ", time: " + GoDurationSinceEpoch(ts) +
                                ", err: " + r.last_error);
          }
        }
      }
      if (!eval_errs.empty()) {
        errs.insert(errs.end(), eval_errs.begin(), eval_errs.end());
        return errs;
      }
      while (curr < alert_eval_times.size() && ts - mint <= alert_eval_times[curr] &&
             alert_eval_times[curr] < ts + step - mint) {
        CheckAlerts(groups, alert_eval_times[curr], alerts_in_test[alert_eval_times[curr]],
                    alert_tests[alert_eval_times[curr]], errs);
        ++curr;
      }
    }

    for (const auto& tc : tg_.promql_expr_test) CheckExpr(tc, mint, errs);
    return errs;
  }

 private:
  Status Setup() {
    for (size_t i = 0; i < tg_.input_series.size(); ++i) {
      const auto& in = tg_.input_series[i];
      auto parsed = promql::ParseSeriesLine(in.series + " " + in.values);
      if (!parsed.ok()) {
        return Status::InvalidArgument("input_series[" + std::to_string(i) +
                                       "]: " + parsed.status().message());
      }
      if (parsed->HasHistogram()) {
        return Status::Unimplemented("input_series[" + std::to_string(i) +
                                     "]: native histogram values are not supported");
      }
      inputs_.push_back({std::move(parsed->labels), std::move(parsed->values), 0});
    }
    EMBER_ASSIGN_OR_RETURN(dir_, ScratchDir::Create(options_.temp_dir));
    tsdb::DbOptions o;
    o.dir = dir_->path();
    o.retention_ms = 0;
    o.maintenance_interval_ms = 0;
    o.block_cache_bytes = uint64_t{8} << 20;
    EMBER_ASSIGN_OR_RETURN(db_, tsdb::Db::Open(o, QuietLogger()));
    queryable_ = promql::NewTsdbQueryable(*db_);
    appendable_ = std::make_unique<TsdbRuleAppendable>(*db_);
    promql::EngineOptions eo;
    eo.default_subquery_step_ms = file_.evaluation_interval.count();
    eo.delayed_name_removal = options_.delayed_name_removal;
    eo.parse.enable_experimental_functions = options_.enable_experimental_functions;
    engine_ = std::make_unique<promql::Engine>(eo);
    query_ = PromqlRuleQuery(*engine_, *queryable_);
    return Status::Ok();
  }

  size_t OrderOf(const std::string& group) const {
    auto it = file_.group_order.find(group);
    return it == file_.group_order.end() ? 0 : it->second;
  }

  Status LoadTill(TimestampMs ts) {
    auto app = db_->NewAppender();
    const int64_t interval = tg_.interval.count();
    for (auto& in : inputs_) {
      for (; in.next < in.values.size(); ++in.next) {
        TimestampMs t = tg_.start_timestamp_ms + static_cast<int64_t>(in.next) * interval;
        if (t > ts) break;
        const auto& v = in.values[in.next];
        if (v.kind != promql::SequenceValue::Kind::kFloat) continue;
        auto added = app.Add(in.labels, t, v.value);
        if (!added.ok()) return added.status().WithContext(FormatTestLabels(in.labels));
      }
    }
    return app.Commit();
  }

  void CheckAlerts(const std::vector<std::shared_ptr<rules::Group>>& groups, int64_t t,
                   const std::set<std::string>& present, const std::vector<const AlertTestCase*>& tests,
                   std::vector<std::string>& errs) {
    std::map<std::string, std::vector<TestAlert>> got;
    for (const auto& g : groups) {
      for (const auto& r : g->Status().rules) {
        if (r.type != rules::RuleType::kAlerting || !present.contains(r.name)) continue;
        auto& list = got[r.name];
        for (const auto& a : r.active_alerts) {
          if (a.state == rules::AlertState::kFiring) list.push_back({a.labels, a.annotations});
        }
      }
    }
    for (const AlertTestCase* tc : tests) {
      std::vector<TestAlert> got_alerts = got[tc->alertname];
      std::vector<TestAlert> exp_alerts;
      for (const auto& a : tc->exp_alerts) {
        std::vector<Label> labels;
        for (const auto& [k, v] : a.exp_labels) {
          if (k != "alertname") labels.push_back({k, v});
        }
        labels.push_back({"alertname", tc->alertname});
        std::vector<Label> annotations;
        for (const auto& [k, v] : a.exp_annotations) annotations.push_back({k, v});
        exp_alerts.push_back(
            {Labels::FromUnsorted(std::move(labels)), Labels::FromUnsorted(std::move(annotations))});
      }
      std::sort(got_alerts.begin(), got_alerts.end(), AlertLess);
      std::sort(exp_alerts.begin(), exp_alerts.end(), AlertLess);
      bool equal = got_alerts.size() == exp_alerts.size();
      for (size_t i = 0; equal && i < got_alerts.size(); ++i) {
        equal = got_alerts[i].labels == exp_alerts[i].labels &&
                got_alerts[i].annotations == exp_alerts[i].annotations;
      }
      if (equal) continue;
      std::string name = tg_.name.empty() ? "" : "    name: " + tg_.name + ",\n";
      errs.push_back(name + "    alertname: " + tc->alertname + ", time: " + ModelDuration(Milliseconds(t)) +
                     ", \n        exp:" + IndentLines(FormatAlerts(exp_alerts), "            ") +
                     ", \n        got:" + IndentLines(FormatAlerts(got_alerts), "            "));
    }
  }

  void CheckExpr(const PromqlTestCase& tc, TimestampMs mint, std::vector<std::string>& errs) {
    std::string head = "    expr: " + GoQuote(tc.expr) + ", time: " + ModelDuration(tc.eval_time);
    auto got = query_(tc.expr, mint + tc.eval_time.count());
    if (!got.ok()) {
      errs.push_back(head + ", err: " + got.status().message());
      return;
    }
    std::vector<TestSample> got_samples;
    for (auto& s : *got) got_samples.push_back({std::move(s.labels), s.value});
    std::vector<TestSample> exp_samples;
    for (const auto& s : tc.exp_samples) {
      auto parsed = promql::ParseSeriesLine(s.labels);
      Status bad;
      if (!parsed.ok()) {
        // The PromQL parser words most syntax errors as promtool prints them.
        auto selector = promql::ParseMetricSelector(s.labels);
        bad = selector.ok() ? parsed.status() : selector.status();
      } else if (!parsed->values.empty()) {
        bad = Status::InvalidArgument("unexpected values after the series");
      } else if (!s.histogram.empty()) {
        bad = Status::Unimplemented("native histogram samples are not supported");
      }
      if (!bad.ok()) {
        errs.push_back(head + ", err: labels " + GoQuote(s.labels) + ": " + bad.message());
        return;
      }
      exp_samples.push_back({std::move(parsed->labels), s.value});
    }
    std::stable_sort(exp_samples.begin(), exp_samples.end(), SampleLess);
    std::stable_sort(got_samples.begin(), got_samples.end(), SampleLess);
    bool equal = got_samples.size() == exp_samples.size();
    for (size_t i = 0; equal && i < got_samples.size(); ++i) {
      equal = got_samples[i].labels == exp_samples[i].labels &&
              FloatsEqual(exp_samples[i].value, got_samples[i].value, file_.fuzzy_compare);
    }
    if (equal) return;
    errs.push_back(head + ",\n        exp: " + FormatSamples(exp_samples) +
                   "\n        got: " + FormatSamples(got_samples));
  }

  const RuleTestGroup& tg_;
  const FileContext& file_;
  const RuleTestOptions& options_;
  std::vector<InputSeries> inputs_;
  std::unique_ptr<ScratchDir> dir_;
  // Declared after dir_ so that they close before it is removed.
  std::unique_ptr<tsdb::Db> db_;
  std::unique_ptr<promql::Queryable> queryable_;
  std::unique_ptr<TsdbRuleAppendable> appendable_;
  std::unique_ptr<promql::Engine> engine_;
  rules::QueryFunc query_;
};

Result<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("open " + path + ": " + std::strerror(errno));
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return Status::IOError("read " + path + ": " + std::strerror(errno));
  return buf.str();
}

// Strict decoding errors read as Go's yaml.UnmarshalStrict words them:
// "yaml: unmarshal errors:\n  line 3: field x not found in type main.testGroup".
std::string YamlErrorText(const std::string& message) {
  if (message.rfind("line ", 0) != 0) return message;
  if (message.find(" not found in type ") == std::string::npos &&
      message.find("cannot unmarshal ") == std::string::npos) {
    return message;
  }
  std::string text = message;
  size_t path = text.rfind(" (path: ");
  if (path != std::string::npos && text.back() == ')') text.resize(path);
  return "yaml: unmarshal errors:\n  " + text;
}

bool MatchesRun(const std::string& name, const RE2* run) {
  return run == nullptr || RE2::PartialMatch(name, *run);
}

std::vector<std::string> RunFile(const std::string& filename, const RuleTestOptions& options, const RE2* run,
                                 std::ostream& err) {
  auto text = ReadWholeFile(filename);
  if (!text.ok()) return {text.status().message()};
  auto parsed = ParseRuleTestFile(*text);
  if (!parsed.ok()) return {YamlErrorText(parsed.status().message())};
  RuleTestFile& tf = *parsed;

  FileContext ctx;
  std::filesystem::path base = std::filesystem::path(filename).parent_path();
  for (const auto& rf : tf.rule_files) {
    std::string pattern = rf;
    if (!rf.empty() && std::filesystem::path(rf).is_relative())
      pattern = (base / rf).lexically_normal().string();
    auto matches = rules::ExpandRuleFileGlobs({pattern});
    if (!matches.ok()) return {matches.status().message()};
    if (matches->empty()) err << "  WARNING: no file match pattern " << pattern << "\n";
    ctx.rule_files.insert(ctx.rule_files.end(), matches->begin(), matches->end());
  }
  ctx.evaluation_interval =
      tf.evaluation_interval.count() == 0 ? kDefaultEvaluationInterval : tf.evaluation_interval;
  ctx.fuzzy_compare = tf.fuzzy_compare;
  for (size_t i = 0; i < tf.group_eval_order.size(); ++i) {
    if (!ctx.group_order.emplace(tf.group_eval_order[i], i).second) {
      return {"group name repeated in evaluation order: " + tf.group_eval_order[i]};
    }
  }

  std::vector<std::string> errs;
  for (auto& tg : tf.tests) {
    if (!MatchesRun(tg.name, run)) continue;
    if (tg.interval.count() == 0) tg.interval = ctx.evaluation_interval;
    TestGroupRun group_run(tg, ctx, options);
    auto group_errs = group_run.Run();
    errs.insert(errs.end(), group_errs.begin(), group_errs.end());
  }
  return errs;
}

}  // namespace

int RunRuleTests(const std::vector<std::string>& files, const RuleTestOptions& options, std::ostream& out,
                 std::ostream& err) {
  std::unique_ptr<RE2> run;
  if (!options.run.empty()) {
    std::string joined;
    for (size_t i = 0; i < options.run.size(); ++i) {
      if (i > 0) joined += "|";
      joined += options.run[i];
    }
    RE2::Options re_options;
    re_options.set_log_errors(false);
    run = std::make_unique<RE2>(joined, re_options);
    if (!run->ok()) {
      err << "invalid --run regular expression " << GoQuote(joined) << ": " << run->error() << "\n";
      return 1;
    }
  }
  bool failed = false;
  for (const auto& f : files) {
    out << "Unit Testing:  " << f << "\n";
    out.flush();
    auto errs = RunFile(f, options, run.get(), err);
    if (!errs.empty()) {
      err << "  FAILED:\n";
      for (const auto& e : errs) {
        err << e << "\n";
        err.flush();
        out << "\n";
      }
      failed = true;
    } else {
      out << "  SUCCESS\n";
    }
    out << "\n";
    out.flush();
  }
  return failed ? 1 : 0;
}

}  // namespace ember::scraper
