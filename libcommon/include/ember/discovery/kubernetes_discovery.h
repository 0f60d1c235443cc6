// Kubernetes service discovery (kubernetes_sd_configs), as Prometheus's
// discovery/kubernetes: the objects of a role (and those it joins: services
// and pods for endpoints and endpointslice, nodes for attach_metadata.node)
// are listed and then watched per namespace, and each object becomes one
// target group with upstream's sources and __meta_kubernetes_* labels.
//
// Each list+watch runs on a thread of its own: a list gives the complete
// state and a resourceVersion; a watch from that version streams ADDED,
// MODIFIED, DELETED and BOOKMARK events. A 410 Gone (or an ERROR event with
// code 410) and any failure lead to a new list, failures after a backoff; a
// list is also repeated every resync_interval so that a missed event heals.
// Groups are first sent once every list succeeded (the first update holds
// all of them), then as objects change; a deleted object sends an empty group
// for its source.
//
// Without api_server the pod's service account is used (in-cluster):
// https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT, the token file
// (read again every token_reload_interval, as client-go does) and ca.crt.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "ember/base/time.h"
#include "ember/discovery/kubernetes_sd_config.h"
#include "ember/discovery/provider.h"

namespace ember::discovery {

// Where in-cluster settings come from; tests point them elsewhere.
struct KubernetesInClusterEnv {
  std::string token_file = "/var/run/secrets/kubernetes.io/serviceaccount/token";
  std::string ca_file = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt";
  // Read only for namespaces.own_namespace.
  std::string namespace_file = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";
  // Reads an environment variable (nullopt when unset). Default: getenv.
  std::function<std::optional<std::string>(const std::string& name)> getenv;
};

// Run-time settings that are not part of the YAML config. Fixed per provider.
struct KubernetesDiscoveryOptions {
  // How often every object is listed again. Default: 10m.
  Milliseconds resync_interval = std::chrono::minutes(10);
  // The server-side bound of one watch request (timeoutSeconds); the watch is
  // then resumed from the last resourceVersion seen. Default: 5m.
  Milliseconds watch_timeout = std::chrono::minutes(5);
  // Waits before retrying after a failure: doubling from min to max.
  // Defaults: 1s and 30s.
  Milliseconds min_backoff = std::chrono::seconds(1);
  Milliseconds max_backoff = std::chrono::seconds(30);
  // How long a token, credentials or password file read is reused.
  // Default: 1m.
  Milliseconds file_reload_interval = std::chrono::minutes(1);
  KubernetesInClusterEnv in_cluster;
};

class KubernetesProviderConfig final : public ProviderConfig {
 public:
  explicit KubernetesProviderConfig(KubernetesSdConfig config, KubernetesDiscoveryOptions options = {})
      : config_(std::move(config)), options_(std::move(options)) {}
  std::string_view Name() const override { return "kubernetes"; }
  // KubernetesSdConfigFingerprint of the config (options are not part of it).
  std::string Fingerprint() const override;
  // Errors as KubernetesDiscovery::Create.
  Result<std::unique_ptr<Provider>> NewProvider(const ProviderOptions& options) const override;
  const KubernetesSdConfig& config() const { return config_; }

 private:
  KubernetesSdConfig config_;
  KubernetesDiscoveryOptions options_;
};

class KubernetesDiscovery final : public Provider {
 public:
  // Validates the config and prepares the HTTP client. Errors
  // (InvalidArgument): the validation errors of ValidateKubernetesSdConfig;
  // in-cluster without KUBERNETES_SERVICE_HOST/PORT ("unable to load
  // in-cluster configuration, KUBERNETES_SERVICE_HOST and
  // KUBERNETES_SERVICE_PORT must be defined"); own_namespace with an unreadable
  // or empty namespace file ("could not determine the pod's namespace: ...",
  // "could not read own namespace name (empty file)"); inline tls_config
  // ca, cert or key, which Ember's client takes only as files; a CA,
  // certificate or key file the client cannot load.
  static Result<std::unique_ptr<KubernetesDiscovery>> Create(KubernetesSdConfig config,
                                                             KubernetesDiscoveryOptions k8s_options,
                                                             ProviderOptions options);
  ~KubernetesDiscovery() override;

  // Lists and watches until `stop`; see the file comment.
  void Run(std::stop_token stop, const UpdateSink& update) override;

 private:
  struct Impl;
  explicit KubernetesDiscovery(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ember::discovery
