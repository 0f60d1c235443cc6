#include "alertmanager_targets.h"

#include <catch2/catch.hpp>

namespace ember::notifier {
namespace {

std::vector<relabel::CompiledRelabelConfig> Compile(const std::vector<relabel::RelabelConfig>& configs) {
  std::vector<relabel::CompiledRelabelConfig> out;
  for (const auto& c : configs) out.push_back(*relabel::CompiledRelabelConfig::Create(c));
  return out;
}

TEST_CASE("the alerts path is joined and cleaned as Go's path.Join") {
  CHECK(AlertsPath("") == "/api/v2/alerts");
  CHECK(AlertsPath("/") == "/api/v2/alerts");
  CHECK(AlertsPath("am") == "/am/api/v2/alerts");
  CHECK(AlertsPath("/am/") == "/am/api/v2/alerts");
  CHECK(AlertsPath("//a//b/./c/..") == "/a/b/api/v2/alerts");
}

TEST_CASE("URLs are built from __scheme__, __address__ and __alerts_path__") {
  CHECK(AlertmanagerUrl(
            Labels{{"__address__", "a:9093"}, {"__scheme__", "https"}, {"__alerts_path__", "/x"}}) ==
        "https://a:9093/x");
  CHECK(AlertmanagerUrl(Labels{
            {"__address__", "a:9093"}, {"__scheme__", "http"}, {"__alerts_path__", "/a b/(c)/@:;=$"}}) ==
        "http://a:9093/a%20b/%28c%29/@:;=$");
}

TEST_CASE("targets take the config's scheme and path, group labels and relabeling") {
  AlertmanagerConfig c;
  c.scheme = "https";
  c.path_prefix = "/prefix";
  discovery::TargetGroup g;
  g.targets = {Labels{{"__address__", "a:9093"}}, Labels{{"__address__", "b:9093"}, {"zone", "own"}},
               Labels{{"__address__", "c:9093"}}};
  g.labels = Labels{{"zone", "eu"}};
  relabel::RelabelConfig drop;
  drop.source_labels = {"__address__"};
  drop.regex = "c:.*";
  drop.action = relabel::Action::kDrop;
  relabel::RelabelConfig scheme;
  scheme.source_labels = {"zone"};
  scheme.regex = "own";
  scheme.target_label = "__scheme__";
  scheme.replacement = "http";
  auto steps = Compile({drop, scheme});
  auto r = AlertmanagersFromGroup(g, c, steps);
  REQUIRE(r.ok());
  CHECK(r->active == std::vector<std::string>{"https://a:9093/prefix/api/v2/alerts",
                                              "http://b:9093/prefix/api/v2/alerts"});
  CHECK(r->dropped == std::vector<std::string>{"https://c:9093/prefix/api/v2/alerts"});

  discovery::TargetGroup bad;
  bad.targets = {Labels{{"__address__", "http://a:9093"}}};
  auto e = AlertmanagersFromGroup(bad, c, {});
  REQUIRE_FALSE(e.ok());
  CHECK(e.status().message() == "\"http://a:9093\" is not a valid hostname");
}

}  // namespace
}  // namespace ember::notifier
