// Decoding kubernetes_sd_configs from YAML, with upstream's checks and texts.
#include "ember/discovery/kubernetes_sd_config.h"

#include <catch2/catch.hpp>

#include "ember/discovery/kubernetes_discovery.h"

namespace ember::discovery {
namespace {

Status Decode(std::string_view yaml, std::vector<KubernetesSdConfig>* out) {
  return config::DecodeYaml(yaml, "scrape_config", [&](config::FieldReader& r) {
    r.List("kubernetes_sd_configs",
           [&](config::FieldReader& item) { DecodeKubernetesSdConfig(item, out->emplace_back()); });
  });
}

std::string Error(std::string_view yaml) {
  std::vector<KubernetesSdConfig> c;
  return Decode(yaml, &c).message();
}

TEST_CASE("kubernetes_sd_configs: a full config decodes") {
  std::vector<KubernetesSdConfig> c;
  REQUIRE(Decode(R"(
kubernetes_sd_configs:
  - role: endpointslice
    api_server: https://k8s.example:6443
    namespaces:
      names: [default, monitoring]
    selectors:
      - role: pod
        label: app=web
      - role: service
        field: metadata.name=web
    attach_metadata:
      node: true
    authorization:
      credentials_file: token
    tls_config:
      ca_file: ca.crt
      insecure_skip_verify: false
    follow_redirects: false
  - role: node
)",
                 &c)
              .message() == "");
  REQUIRE(c.size() == 2);
  const KubernetesSdConfig& a = c[0];
  CHECK(a.role == KubernetesRole::kEndpointSlice);
  CHECK(a.api_server == "https://k8s.example:6443");
  CHECK(a.namespaces == std::vector<std::string>{"default", "monitoring"});
  CHECK_FALSE(a.own_namespace);
  REQUIRE(a.selectors.size() == 2);
  CHECK(a.selectors[0] == KubernetesSelector{KubernetesRole::kPod, "app=web", ""});
  CHECK(a.selectors[1] == KubernetesSelector{KubernetesRole::kService, "", "metadata.name=web"});
  CHECK(a.attach_node_metadata);
  REQUIRE(a.http_client.authorization);
  CHECK(a.http_client.authorization->type == "Bearer");
  CHECK(a.http_client.authorization->credentials_file == "token");
  CHECK_FALSE(a.http_client.follow_redirects);

  KubernetesSdConfig joined = a;
  JoinDirectory(joined, "/etc/ember");
  CHECK(joined.http_client.authorization->credentials_file == "/etc/ember/token");
  CHECK(joined.http_client.tls_config.ca_file == "/etc/ember/ca.crt");

  const KubernetesSdConfig& b = c[1];
  CHECK(b.role == KubernetesRole::kNode);
  CHECK(b.api_server.empty());
  CHECK(b.namespaces.empty());
  CHECK(b.selectors.empty());
  CHECK_FALSE(b.attach_node_metadata);

  KubernetesProviderConfig pa(a), pb(b), pa2(a);
  CHECK(pa.Name() == "kubernetes");
  CHECK(pa.Fingerprint() == pa2.Fingerprint());
  CHECK(pa.Fingerprint() != pb.Fingerprint());
  CHECK(pa.Fingerprint() != KubernetesProviderConfig(joined).Fingerprint());
}

TEST_CASE("kubernetes_sd_configs: upstream's errors") {
  CHECK(Error("kubernetes_sd_configs:\n  - api_server: http://a\n") ==
        "line 2: role missing (one of: pod, service, endpoints, endpointslice, node, ingress) "
        "(path: kubernetes_sd_configs[0])");
  CHECK(Error("kubernetes_sd_configs:\n  - role: pods\n").find("unknown Kubernetes SD role \"pods\"") !=
        std::string::npos);
  CHECK(Error("kubernetes_sd_configs:\n  - role: pod\n    bearer_token: x\n")
            .find("to use custom HTTP client configuration please provide the 'api_server' URL explicitly") !=
        std::string::npos);
  CHECK(Error("kubernetes_sd_configs:\n  - role: pod\n    api_server: https://a\n    namespaces:\n      "
              "own_namespace: true\n")
            .find("cannot use 'api_server' and 'namespaces.own_namespace' simultaneously") !=
        std::string::npos);
  CHECK(Error("kubernetes_sd_configs:\n  - role: pod\n    selectors:\n      - role: pod\n      - role: pod\n")
            .find("duplicated selector role: pod") != std::string::npos);
  CHECK(Error("kubernetes_sd_configs:\n  - role: pod\n    selectors:\n      - role: service\n")
            .find("pod role supports only pod, node selectors") != std::string::npos);
  CHECK(Error("kubernetes_sd_configs:\n  - role: endpoints\n    selectors:\n      - role: node\n")
            .find("endpoints role supports only pod, service, endpoints selectors") != std::string::npos);
  CHECK(Error("kubernetes_sd_configs:\n  - role: node\n    selectors:\n      - label: a=b\n")
            .find("node role supports only node selectors") != std::string::npos);
  CHECK(Error("kubernetes_sd_configs:\n  - role: pod\n    selectors:\n      - role: podx\n")
            .find("unknown Kubernetes SD role \"podx\"") != std::string::npos);
  CHECK(Error("kubernetes_sd_configs:\n  - role: pod\n    kubeconfig_file: /k\n")
            .find("field kubeconfig_file is not supported") != std::string::npos);
  CHECK(Error("kubernetes_sd_configs:\n  - role: pod\n    attach_metadata: {namespace: true}\n")
            .find("field namespace is not supported") != std::string::npos);
  CHECK(Error("kubernetes_sd_configs:\n  - role: pod\n    api_server: k8s:6443\n")
            .find("api_server \"k8s:6443\" must be an http:// or https:// URL") != std::string::npos);
  CHECK(Error("kubernetes_sd_configs:\n  - role: pod\n    foo: 1\n").find("field foo not found") !=
        std::string::npos);
  CHECK(Error("kubernetes_sd_configs:\n  - role: pod\n    api_server: https://a\n    basic_auth: {username: "
              "u}\n    bearer_token: t\n")
            .find("at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured") !=
        std::string::npos);
}

TEST_CASE("kubernetes_sd_configs: in-cluster settings are checked when the provider is made") {
  KubernetesSdConfig c;
  c.role = KubernetesRole::kPod;
  KubernetesDiscoveryOptions o;
  o.in_cluster.getenv = [](const std::string&) { return std::nullopt; };
  auto d = KubernetesProviderConfig(c, o).NewProvider({});
  CHECK(
      d.status().message() ==
      "unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be "
      "defined");

  o.in_cluster.getenv = [](const std::string& n) -> std::optional<std::string> {
    return n == "KUBERNETES_SERVICE_HOST" ? "127.0.0.1" : "443";
  };
  o.in_cluster.namespace_file = "/nonexistent/namespace";
  c.own_namespace = true;
  d = KubernetesProviderConfig(c, o).NewProvider({});
  CHECK(d.status().message().rfind("could not determine the pod's namespace: ", 0) == 0);

  KubernetesSdConfig inline_ca;
  inline_ca.api_server = "https://k8s";
  inline_ca.http_client.tls_config.ca = "-----BEGIN CERTIFICATE-----";
  CHECK(KubernetesProviderConfig(inline_ca).NewProvider({}).status().message().find("inline tls_config") !=
        std::string::npos);
}

}  // namespace
}  // namespace ember::discovery
