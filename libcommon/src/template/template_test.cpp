#include "ember/template/template.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "ember/template/format.h"
#include "ember/template/prometheus_template.h"
#include "ember/template/time_value.h"

namespace ember::tmpl {
namespace {

std::string Run(std::string_view text, const Value& data, const ParseOptions& po = {},
                const ExecOptions& eo = {}) {
  auto t = Template::Parse("t", text, po);
  if (!t.ok()) return "PARSE: " + t.status().message();
  std::string out;
  Status s = (*t)->Execute(out, data, eo);
  if (!s.ok()) return "EXEC: " + s.message();
  return out;
}

// An Alertmanager-like KV: a map[string]string with methods.
class KV : public Object {
 public:
  explicit KV(Labels l) : labels_(std::move(l)), map_(Value::FromLabels(labels_)) {}
  std::string TypeName() const override { return "template.KV"; }
  Member Lookup(std::string_view name) const override {
    Member m;
    if (name == "Names" || name == "Values" || name == "SortedPairs") m.kind = Member::Kind::kMethod;
    if (name == "Remove") {
      m.kind = Member::Kind::kMethod;
      m.params = {ArgType::Any()};
    }
    return m;
  }
  Result<Value> Call(std::string_view name, std::vector<Value>& args) const override {
    std::vector<Value> out;
    if (name == "Names") {
      for (const auto& l : labels_) out.push_back(Value(l.name));
      return Value::List(std::move(out), "string");
    }
    if (name == "Values") {
      for (const auto& l : labels_) out.push_back(Value(l.value));
      return Value::List(std::move(out), "string");
    }
    if (name == "Remove") {
      std::vector<std::string> drop;
      if (args[0].kind() == Value::Kind::kString) drop.push_back(args[0].AsString());
      if (const ListData* l = args[0].ListOrNull()) {
        for (const auto& v : l->items) drop.push_back(v.AsString());
      }
      std::sort(drop.begin(), drop.end());
      return Value(std::shared_ptr<const Object>(std::make_shared<KV>(labels_.Without(drop))));
    }
    for (const auto& l : labels_) {
      out.push_back(Value::Map({{"Name", Value(l.name)}, {"Value", Value(l.value)}}));
    }
    return Value::List(std::move(out));
  }
  const Value* Underlying() const override { return &map_; }

 private:
  Labels labels_;
  Value map_;
};

class Alert : public Object {
 public:
  Alert(std::string status, Labels labels, int64_t starts_ns)
      : status_(std::move(status)),
        labels_(std::shared_ptr<const Object>(std::make_shared<KV>(std::move(labels)))),
        starts_(TimeValue(starts_ns)) {}
  std::string TypeName() const override { return "template.Alert"; }
  Member Lookup(std::string_view name) const override {
    Member m;
    if (name == "Status" || name == "Labels" || name == "StartsAt") m.kind = Member::Kind::kField;
    return m;
  }
  Value Field(std::string_view name) const override {
    if (name == "Status") return Value(status_);
    if (name == "Labels") return labels_;
    return starts_;
  }
  const std::string& status() const { return status_; }

 private:
  std::string status_;
  Value labels_;
  Value starts_;
};

class Alerts : public Object {
 public:
  explicit Alerts(std::vector<Value> alerts) : list_(Value::List(std::move(alerts), "template.Alert")) {}
  std::string TypeName() const override { return "template.Alerts"; }
  Member Lookup(std::string_view name) const override {
    Member m;
    if (name == "Firing" || name == "Resolved") m.kind = Member::Kind::kMethod;
    return m;
  }
  Result<Value> Call(std::string_view name, std::vector<Value>&) const override {
    std::vector<Value> out;
    for (const auto& a : list_.AsList().items) {
      const auto& alert = static_cast<const Alert&>(a.AsObject());
      if ((name == "Firing") == (alert.status() == "firing")) out.push_back(a);
    }
    return Value(std::shared_ptr<const Object>(std::make_shared<Alerts>(std::move(out))));
  }
  const Value* Underlying() const override { return &list_; }

 private:
  Value list_;
};

Value Obj(std::shared_ptr<const Object> o) { return Value(std::move(o)); }

Value NotificationData() {
  std::vector<Value> alerts = {
      Obj(std::make_shared<Alert>("firing", Labels{{"alertname", "A"}, {"instance", "h1"}},
                                  1435065584128000000)),
      Obj(std::make_shared<Alert>("resolved", Labels{{"alertname", "A"}, {"instance", "h2"}}, 0)),
      Obj(std::make_shared<Alert>("firing", Labels{{"alertname", "A"}, {"instance", "h3"}}, 0)),
  };
  return Value::Map(
      {{"Alerts", Obj(std::make_shared<Alerts>(std::move(alerts)))},
       {"CommonLabels", Obj(std::make_shared<KV>(Labels{{"alertname", "A"}, {"severity", "page"}}))}});
}

TEST_CASE("objects with fields and methods", "[template]") {
  Value d = NotificationData();
  CHECK(Run("{{ len .Alerts.Firing }} firing, {{ len .Alerts.Resolved }} resolved", d) ==
        "2 firing, 1 resolved");
  CHECK(Run("{{ range .Alerts.Firing }}{{ .Labels.instance }} {{ end }}", d) == "h1 h3 ");
  CHECK(Run("{{ range .CommonLabels.SortedPairs }}{{ .Name }}={{ .Value }};{{ end }}", d) ==
        "alertname=A;severity=page;");
  CHECK(Run("{{ .CommonLabels.Names }} {{ .CommonLabels.Values }}", d) == "[alertname severity] [A page]");
  CHECK(Run("{{ (.CommonLabels.Remove \"severity\").Names }}", d) == "[alertname]");
  CHECK(Run("{{ .CommonLabels.alertname }} {{ index .CommonLabels \"severity\" }}", d) == "A page");
  CHECK(Run("{{ range .Alerts }}{{ .Status }} {{ end }}", d) == "firing resolved firing ");
  CHECK(Run("{{ (index .Alerts 0).StartsAt.Format \"2006-01-02T15:04:05.000Z07:00\" }}", d) ==
        "2015-06-23T13:19:44.128Z");
  CHECK(Run("{{ (index .Alerts 0).StartsAt }}", d) == "2015-06-23 13:19:44.128 +0000 UTC");
  CHECK(Run("{{ (index .Alerts 0).StartsAt.Unix }}", d) == "1435065584");
  CHECK(Run("{{ .Alerts.Nope }}", d) ==
        "EXEC: template: t:1:10: executing \"t\" at <.Alerts.Nope>: can't evaluate field Nope in type "
        "template.Alerts");
  CHECK(Run("{{ .CommonLabels.Remove }}", d) ==
        "EXEC: template: t:1:16: executing \"t\" at <.CommonLabels.Remove>: wrong number of args for Remove: "
        "want 1 "
        "got 0");
  CHECK(Run("{{ (index .Alerts 0).Status 1 }}", d) ==
        "EXEC: template: t:1:18: executing \"t\" at <0>: Status has arguments but cannot be invoked as "
        "function");
}

TEST_CASE("custom functions", "[template]") {
  FuncMap funcs;
  funcs["add"] =
      Func::Make({ArgType::Int(), ArgType::Int()}, std::nullopt,
                 [](std::vector<Value>& a) -> Result<Value> { return Value(a[0].AsInt() + a[1].AsInt()); });
  funcs["fail"] = Func::Make(
      {}, std::nullopt, [](std::vector<Value>&) -> Result<Value> { return Status::InvalidArgument("boom"); });
  funcs["half"] = Func::Make({ArgType::Float()}, std::nullopt, [](std::vector<Value>& a) -> Result<Value> {
    return Value(a[0].AsFloat() / 2);
  });
  ParseOptions po;
  po.funcs = &funcs;
  CHECK(Run("{{ add 1 2 }} {{ 3 | add 4 }} {{ half 3 }}", {}, po) == "3 7 1.5");
  CHECK(Run("{{ fail }}", {}, po) ==
        "EXEC: template: t:1:3: executing \"t\" at <fail>: error calling fail: boom");
  CHECK(Run("{{ add \"x\" 2 }}", {}, po) ==
        "EXEC: template: t:1:7: executing \"t\" at <\"x\">: expected integer; found \"x\"");
  CHECK(Run("{{ add .a 2 }}", Value::Map({{"a", Value(1.5)}}), po) ==
        "EXEC: template: t:1:7: executing \"t\" at <.a>: wrong type for value; expected int; got float64");
  CHECK(Run("{{ add 1 }}", {}, po) ==
        "EXEC: template: t:1:3: executing \"t\" at <add>: wrong number of args for add: want 2 got 1");

  // Functions supplied at execution replace the parse-time ones.
  FuncMap exec_funcs;
  exec_funcs["fail"] =
      Func::Make({}, std::nullopt, [](std::vector<Value>&) -> Result<Value> { return Value("ok"); });
  ExecOptions eo;
  eo.funcs = &exec_funcs;
  CHECK(Run("{{ fail }}", {}, po, eo) == "ok");

  // call
  Value data = Value::Map({{"f", Value(funcs["add"])}});
  CHECK(Run("{{ call .f 2 3 }}", data) == "5");
  CHECK(Run("{{ call .f 2 }}", data) ==
        "EXEC: template: t:1:3: executing \"t\" at <call .f 2>: error calling call: wrong number of args "
        "for .f: got 1 want 2");
  CHECK(Run("{{ call .f 2 \"x\" }}", data) ==
        "EXEC: template: t:1:3: executing \"t\" at <call .f 2 \"x\">: error calling call: arg 1: value has "
        "type "
        "string; should be int");
}

TEST_CASE("execution limits", "[template]") {
  ExecOptions eo;
  eo.max_output_bytes = 100;
  auto out = Run("{{ range 1000 }}xx{{ end }}", {}, {}, eo);
  CHECK(out == "EXEC: template: t: output size limit exceeded");
  CHECK(Run("{{ $x := \"0123456789\" }}{{ range 20 }}{{ $x = printf \"%s%s\" $x $x }}{{ end }}", {}, {},
            eo) == "EXEC: template: t: value size limit exceeded");
  eo = {};
  eo.max_steps = 50;
  CHECK(Run("{{ range 1000 }}{{ end }}", {}, {}, eo) == "EXEC: template: t: execution step limit exceeded");
  eo = {};
  eo.max_depth = 10;
  CHECK(Run("{{define \"r\"}}{{template \"r\"}}{{end}}{{template \"r\"}}", {}, {}, eo)
            .find("exceeded maximum template depth (10)") != std::string::npos);
  std::string deep(2000, '(');
  deep = "{{" + deep + "1" + std::string(2000, ')') + "}}";
  CHECK(Run(deep, {}) == "PARSE: template: t:1: max expression depth exceeded");
  std::string nested;
  for (int i = 0; i < 1100; ++i) nested += "{{if 1}}";
  CHECK(Run(nested, {}) == "PARSE: template: t:1: max expression depth exceeded");
}

TEST_CASE("templates run concurrently", "[template]") {
  auto t = Template::Parse("t", "{{ range . }}{{ printf \"%03d\" . }}{{ end }}");
  REQUIRE(t.ok());
  std::vector<Value> items;
  for (int i = 0; i < 100; ++i) items.push_back(i);
  Value data = Value::List(items);
  std::string want;
  for (int i = 0; i < 100; ++i) want += Sprintf("%03d", {i});
  std::vector<std::thread> threads;
  std::atomic<int> bad{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < 200; ++j) {
        auto r = (*t)->Execute(data);
        if (!r.ok() || *r != want) ++bad;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(bad == 0);
}

TEST_CASE("ExecuteTemplate and HasTemplate", "[template]") {
  auto t = Template::Parse("main", "{{define \"a\"}}A{{.}}{{end}}main");
  REQUIRE(t.ok());
  CHECK((*t)->HasTemplate("a"));
  CHECK((*t)->HasTemplate("main"));
  std::string out;
  REQUIRE((*t)->ExecuteTemplate(out, "a", Value(1)).ok());
  CHECK(out == "A1");
  Status s = (*t)->ExecuteTemplate(out, "b", Value(1));
  CHECK(s.message() == "template: no template \"b\" associated with template \"main\"");
}

TEST_CASE("custom delimiters", "[template]") {
  ParseOptions po;
  po.left_delim = "[[";
  po.right_delim = "]]";
  CHECK(Run("{{.}} [[ . ]] [[- \" x\" -]] y", Value("d"), po) == "{{.}} d xy");
}

TEST_CASE("alert template contract", "[template][prometheus]") {
  AlertTemplateData data;
  data.labels = Labels{{"instance", "h:9100"}, {"job", "node"}};
  data.value = 0.1234;
  ExpandOptions opts;
  auto r = ExpandAlertTemplate("HighLoad", "{{ $labels.instance }} at {{ $value | humanizePercentage }}",
                               data, opts);
  REQUIRE(r.ok());
  CHECK(*r == "h:9100 at 12.34%");
  Status s = CheckAlertTemplate("HighLoad", "{{ $labels.instance ");
  CHECK(s.code() == StatusCode::kInvalidArgument);
  CHECK(s.message() == "template: __alert_HighLoad:1: unclosed action");
  CHECK(CheckAlertTemplate("HighLoad", "{{ $value | humanize }}").ok());
  auto bad = ExpandAlertTemplate("X", "{{ nosuch }}", data, opts);
  CHECK(bad.status().message() ==
        "error parsing template __alert_X: template: __alert_X:1: function \"nosuch\" not defined");
  auto q = ExpandAlertTemplate("X", "{{ query \"up\" }}", data, opts);
  CHECK(q.status().message().find("error calling query") != std::string::npos);
}

}  // namespace
}  // namespace ember::tmpl
