// kubernetes_sd_configs: targets discovered from the Kubernetes API, as
// Prometheus's discovery/kubernetes. This header holds the configuration and
// its decoding; kubernetes_discovery.h holds the provider.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ember/base/status.h"
#include "ember/config/field_reader.h"
#include "ember/config/http_client_config.h"

namespace ember::discovery {

// What kind of object becomes a target group.
enum class KubernetesRole { kNode, kPod, kService, kEndpoints, kEndpointSlice, kIngress };

// "node", "pod", "service", "endpoints", "endpointslice", "ingress".
std::string_view KubernetesRoleName(KubernetesRole role);
// The role named `name`; InvalidArgument `unknown Kubernetes SD role "x"`.
Result<KubernetesRole> ParseKubernetesRole(std::string_view name);

// Restricts the objects of one kind listed and watched (`selectors`).
struct KubernetesSelector {
  // The kind of object restricted. A selector decoded without `role` holds a
  // value outside the enum (upstream's empty role), which validation refuses.
  KubernetesRole role = KubernetesRole::kPod;
  // A label selector ("app=web,tier!=db"), sent as is. Default: "" (all).
  std::string label;
  // A field selector ("spec.nodeName=n1"), sent as is. Default: "" (all).
  std::string field;

  friend bool operator==(const KubernetesSelector&, const KubernetesSelector&) = default;
};

// One item of kubernetes_sd_configs. Every field is fixed per provider: a
// changed config makes a new provider (see KubernetesProviderConfig).
struct KubernetesSdConfig {
  // Required.
  KubernetesRole role = KubernetesRole::kPod;
  // The API server's base URL ("https://k8s.example:6443", a path prefix
  // allowed). Default: "" (in-cluster: KUBERNETES_SERVICE_HOST/PORT and the
  // pod's service account).
  std::string api_server;
  // Namespaces watched; empty and own_namespace false mean all namespaces.
  std::vector<std::string> namespaces;
  // Also watch the namespace this pod runs in (in-cluster only). Default: false.
  bool own_namespace = false;
  // At most one per role, each role allowed by `role` (see
  // ValidateKubernetesSdConfig). Their syntax is left to the API server,
  // which refuses a bad selector when it is listed.
  std::vector<KubernetesSelector> selectors;
  // Add the labels and annotations of the node a target runs on (roles pod,
  // endpoints, endpointslice). Default: false.
  bool attach_node_metadata = false;
  // How the API server is reached when api_server is set (authorization,
  // basic_auth, tls_config, follow_redirects).
  config::HttpClientConfig http_client;
};

// InvalidArgument with upstream's texts, in upstream's order:
//   "to use custom HTTP client configuration please provide the 'api_server' URL explicitly"
//   "cannot use 'api_server' and 'namespaces.own_namespace' simultaneously"
//   "duplicated selector role: pod"
//   "pod role supports only pod, node selectors"
// and, Ember's own, `api_server "x" must be an http:// or https:// URL`.
Status ValidateKubernetesSdConfig(const KubernetesSdConfig& config);

// Decodes one item of `kubernetes_sd_configs` (role, api_server, namespaces,
// selectors, attach_metadata and the inline HTTP client keys) and validates
// it. "role missing (one of: pod, service, endpoints, endpointslice, node,
// ingress)" when role is absent. kubeconfig_file and attach_metadata keys
// other than `node` are refused as not supported.
void DecodeKubernetesSdConfig(config::FieldReader& r, KubernetesSdConfig& config);

// Joins the relative file names of the config (CA, certificate, key,
// credential and password files) to `dir`, the config file's directory.
void JoinDirectory(KubernetesSdConfig& config, const std::string& dir);

// A canonical text of the config, equal for equal configs.
std::string KubernetesSdConfigFingerprint(const KubernetesSdConfig& config);

}  // namespace ember::discovery
