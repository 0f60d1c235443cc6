// Kubernetes objects in the API's JSON shape (testdata/kubernetes/*.json)
// turned into target groups, compared with the groups upstream builds
// (testdata/kubernetes/*.expected.json), and the changes events make.
#include "kubernetes_targets.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "kubernetes_objects.h"

namespace ember::discovery::k8s {
namespace {

std::string ReadTestdata(const std::string& name) {
  std::ifstream in(std::string(EMBER_KUBERNETES_TESTDATA) + "/" + name, std::ios::binary);
  REQUIRE(in.good());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<Object> ListOf(Kind kind, const std::string& file) {
  Result<ObjectList> list = ParseObjectList(kind, ReadTestdata(file));
  REQUIRE(list.ok());
  return std::move(list->items);
}

Labels LabelsOf(const nlohmann::json& j) {
  std::vector<Label> out;
  for (auto it = j.begin(); it != j.end(); ++it) out.push_back({it.key(), it.value().get<std::string>()});
  return Labels::FromUnsorted(std::move(out));
}

std::map<std::string, TargetGroup> Expected(const std::string& file) {
  std::map<std::string, TargetGroup> out;
  for (const nlohmann::json& g : nlohmann::json::parse(ReadTestdata(file))) {
    TargetGroup tg;
    tg.source = g["source"].get<std::string>();
    tg.labels = LabelsOf(g["labels"]);
    for (const nlohmann::json& t : g["targets"]) tg.targets.push_back(LabelsOf(t));
    out[tg.source] = tg;
  }
  return out;
}

void CheckGroups(const std::map<std::string, TargetGroup>& got,
                 const std::map<std::string, TargetGroup>& want) {
  std::vector<std::string> got_sources, want_sources;
  for (const auto& [s, g] : got) got_sources.push_back(s);
  for (const auto& [s, g] : want) want_sources.push_back(s);
  REQUIRE(got_sources == want_sources);
  for (const auto& [source, w] : want) {
    const TargetGroup& g = got.at(source);
    INFO("source " << source);
    CHECK(g.labels.ToString() == w.labels.ToString());
    REQUIRE(g.targets.size() == w.targets.size());
    for (size_t i = 0; i < w.targets.size(); ++i) {
      INFO("target " << i);
      CHECK(g.targets[i].ToString() == w.targets[i].ToString());
    }
  }
}

const TargetGroup* Find(const std::vector<TargetGroup>& groups, const std::string& source) {
  for (const TargetGroup& g : groups) {
    if (g.source == source) return &g;
  }
  return nullptr;
}

TEST_CASE("kubernetes role pod: recorded pods give upstream's groups") {
  KubernetesTargets t(KubernetesRole::kPod, false);
  t.Replace(Kind::kPod, "", ListOf(Kind::kPod, "pods.json"));
  std::vector<TargetGroup> changes = t.TakeChanges();
  CHECK(changes.size() == 3);
  CheckGroups(t.groups(), Expected("pods.expected.json"));
  CHECK(t.TakeChanges().empty());
}

TEST_CASE("kubernetes role node: recorded nodes give upstream's groups") {
  KubernetesTargets t(KubernetesRole::kNode, false);
  t.Replace(Kind::kNode, "", ListOf(Kind::kNode, "nodes.json"));
  CHECK(t.TakeChanges().size() == 2);  // the node without an address sends nothing
  CheckGroups(t.groups(), Expected("nodes.expected.json"));
}

TEST_CASE("kubernetes role service: recorded services give upstream's groups") {
  KubernetesTargets t(KubernetesRole::kService, false);
  t.Replace(Kind::kService, "", ListOf(Kind::kService, "services.json"));
  t.TakeChanges();
  CheckGroups(t.groups(), Expected("services.expected.json"));
}

TEST_CASE("kubernetes role ingress: recorded ingresses give upstream's groups") {
  KubernetesTargets t(KubernetesRole::kIngress, false);
  t.Replace(Kind::kIngress, "", ListOf(Kind::kIngress, "ingresses.json"));
  t.TakeChanges();
  CheckGroups(t.groups(), Expected("ingresses.expected.json"));
}

TEST_CASE("kubernetes role endpoints: joins services and pods as upstream") {
  KubernetesTargets t(KubernetesRole::kEndpoints, false);
  t.Replace(Kind::kEndpoints, "", ListOf(Kind::kEndpoints, "endpoints.json"));
  t.Replace(Kind::kService, "", ListOf(Kind::kService, "services.json"));
  t.Replace(Kind::kPod, "", ListOf(Kind::kPod, "pods.json"));
  t.TakeChanges();
  CheckGroups(t.groups(), Expected("endpoints.expected.json"));

  SECTION("a service change rebuilds its endpoints only") {
    std::vector<Object> services = ListOf(Kind::kService, "services.json");
    Service svc = std::get<Service>(services[0]);
    svc.meta.labels["tier"] = "front";
    t.Upsert(svc);
    std::vector<TargetGroup> changes = t.TakeChanges();
    REQUIRE(changes.size() == 1);
    CHECK(changes[0].source == "endpoints/default/web");
    CHECK(changes[0].labels.Get("__meta_kubernetes_service_label_tier") == "front");
  }
  SECTION("a pod deletion drops the pod labels from its endpoints") {
    t.Remove(Kind::kPod, "default/web-7c9f-abcde");
    std::vector<TargetGroup> changes = t.TakeChanges();
    REQUIRE(changes.size() == 1);
    CHECK(changes[0].targets.size() == 2);
    CHECK(!changes[0].targets[0].Has("__meta_kubernetes_pod_name"));
  }
  SECTION("a deleted endpoints object sends an empty group") {
    t.Remove(Kind::kEndpoints, "default/web");
    std::vector<TargetGroup> changes = t.TakeChanges();
    REQUIRE(changes.size() == 1);
    CHECK(changes[0] == TargetGroup{{}, {}, "endpoints/default/web"});
    CHECK(t.groups().count("endpoints/default/web") == 0);
  }
}

TEST_CASE("kubernetes role endpointslice: joins services and pods as upstream") {
  KubernetesTargets t(KubernetesRole::kEndpointSlice, false);
  t.Replace(Kind::kEndpointSlice, "", ListOf(Kind::kEndpointSlice, "endpointslices.json"));
  t.Replace(Kind::kService, "", ListOf(Kind::kService, "services.json"));
  t.Replace(Kind::kPod, "", ListOf(Kind::kPod, "pods.json"));
  t.TakeChanges();
  CheckGroups(t.groups(), Expected("endpointslices.expected.json"));

  SECTION("the secondary family of a dual-stack service has no targets") {
    std::vector<Object> services = ListOf(Kind::kService, "services.json");
    Service svc = std::get<Service>(services[0]);
    svc.ip_family_policy = "PreferDualStack";
    svc.ip_families = {"IPv6", "IPv4"};
    t.Upsert(svc);
    std::vector<TargetGroup> changes = t.TakeChanges();
    REQUIRE(changes.size() == 1);
    CHECK(changes[0].source == "endpointslice/default/web-abc12");
    CHECK(changes[0].targets.empty());
    CHECK(changes[0].labels.Get("__meta_kubernetes_service_name") == "web");
  }
}

TEST_CASE("kubernetes pod events: modified, deleted, relisted") {
  KubernetesTargets t(KubernetesRole::kPod, false);
  std::vector<Object> pods = ListOf(Kind::kPod, "pods.json");
  t.Replace(Kind::kPod, "", pods);
  t.TakeChanges();

  Pod p = std::get<Pod>(pods[1]);
  p.phase = "Running";
  t.Upsert(p);
  t.Upsert(p);
  std::vector<TargetGroup> changes = t.TakeChanges();
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].labels.Get("__meta_kubernetes_pod_phase") == "Running");

  // An unchanged object sends nothing.
  t.Upsert(p);
  CHECK(t.TakeChanges().empty());

  t.Remove(Kind::kPod, "jobs/batch-xyz");
  changes = t.TakeChanges();
  REQUIRE(changes.size() == 1);
  CHECK(changes[0] == TargetGroup{{}, {}, "pod/jobs/batch-xyz"});

  // A relist of one namespace drops only that namespace's missing pods.
  t.Upsert(p);
  t.TakeChanges();
  t.Replace(Kind::kPod, "default", {});
  changes = t.TakeChanges();
  CHECK(changes.size() == 2);
  CHECK(Find(changes, "pod/default/web-7c9f-abcde") != nullptr);
  CHECK(Find(changes, "pod/default/unscheduled") != nullptr);
  CHECK(t.groups().size() == 1);
  CHECK(t.groups().count("pod/jobs/batch-xyz") == 1);
}

TEST_CASE("kubernetes attach_metadata.node adds the node's labels, waiting for the node") {
  KubernetesTargets t(KubernetesRole::kPod, true);
  t.Replace(Kind::kPod, "", ListOf(Kind::kPod, "pods.json"));
  t.Replace(Kind::kNode, "", {});
  t.TakeChanges();
  // Without its node a pod has no targets, as upstream.
  CHECK(t.groups().at("pod/default/web-7c9f-abcde").targets.empty());

  std::vector<Object> nodes = ListOf(Kind::kNode, "nodes.json");
  t.Upsert(nodes[0]);
  std::vector<TargetGroup> changes = t.TakeChanges();
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].source == "pod/default/web-7c9f-abcde");
  CHECK(changes[0].targets.size() == 4);
  CHECK(changes[0].labels.Get("__meta_kubernetes_node_name") == "node-1");
  CHECK(changes[0].labels.Get("__meta_kubernetes_node_label_topology_kubernetes_io_zone") == "eu-1a");
  CHECK(changes[0].labels.Get("__meta_kubernetes_node_labelpresent_kubernetes_io_hostname") == "true");
}

TEST_CASE("kubernetes label names are sanitised as upstream") {
  CHECK(SanitizeLabelName("app.kubernetes.io/name") == "app_kubernetes_io_name");
  CHECK(SanitizeLabelName("a-b_C9") == "a_b_C9");
  CHECK(SanitizeLabelName("caf\xc3\xa9") == "caf_");  // one rune, one underscore
  CHECK(SanitizeLabelName("x\xff") == "x_");
  CHECK(SanitizeLabelName("") == "");
}

TEST_CASE("kubernetes watch events decode, unknown fields ignored") {
  Result<WatchEvent> ev = ParseWatchEvent(
      Kind::kPod,
      R"({"type":"MODIFIED","object":{"kind":"Pod","apiVersion":"v1","future":{"x":1},)"
      R"("metadata":{"name":"p","namespace":"n","resourceVersion":"77"},"status":{"podIP":"10.0.0.1"}}})");
  REQUIRE(ev.ok());
  CHECK(ev->type == EventType::kModified);
  CHECK(ev->resource_version == "77");
  REQUIRE(ev->object);
  CHECK(std::get<Pod>(*ev->object).pod_ip == "10.0.0.1");

  ev = ParseWatchEvent(Kind::kPod,
                       R"({"type":"BOOKMARK","object":{"kind":"Pod","metadata":{"resourceVersion":"88"}}})");
  REQUIRE(ev.ok());
  CHECK(ev->type == EventType::kBookmark);
  CHECK(ev->resource_version == "88");
  CHECK(!ev->object);

  ev = ParseWatchEvent(Kind::kPod, R"({"type":"ERROR","object":{"kind":"Status","apiVersion":"v1",)"
                                   R"j("status":"Failure","message":"too old resource version: 1 (2)",)j"
                                   R"("reason":"Expired","code":410}})");
  REQUIRE(ev.ok());
  CHECK(ev->type == EventType::kError);
  CHECK(ev->error_code == 410);
  CHECK(ev->error_message == "too old resource version: 1 (2)");

  CHECK(!ParseWatchEvent(Kind::kPod, "{").ok());
  CHECK(!ParseWatchEvent(Kind::kPod, "[]").ok());
  CHECK(!ParseWatchEvent(Kind::kPod, R"({"type":"SOMETHING"})").ok());
  // Wrong JSON types read as absent.
  ev = ParseWatchEvent(Kind::kPod,
                       R"({"type":"ADDED","object":{"metadata":{"name":5,"labels":[1]},"spec":"x"}})");
  REQUIRE(ev.ok());
  CHECK(std::get<Pod>(*ev->object).meta.name.empty());
}

TEST_CASE("kubernetes collection paths") {
  CHECK(CollectionPath(Kind::kPod, "") == "/api/v1/pods");
  CHECK(CollectionPath(Kind::kPod, "ns1") == "/api/v1/namespaces/ns1/pods");
  CHECK(CollectionPath(Kind::kNode, "ns1") == "/api/v1/nodes");
  CHECK(CollectionPath(Kind::kEndpointSlice, "a") == "/apis/discovery.k8s.io/v1/namespaces/a/endpointslices");
  CHECK(CollectionPath(Kind::kIngress, "") == "/apis/networking.k8s.io/v1/ingresses");
  CHECK(CollectionPath(Kind::kEndpoints, "b") == "/api/v1/namespaces/b/endpoints");
  CHECK(CollectionPath(Kind::kService, "") == "/api/v1/services");
}

}  // namespace
}  // namespace ember::discovery::k8s
