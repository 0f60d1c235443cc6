// Manager: queues alerts and sends them to every discovered Alertmanager, as
// Prometheus's notifier.Manager does.
//
//   notifier::Manager n({.logger = logger, .metrics = &registry, .discovery_metrics = &sd_metrics});
//   Status s = n.ApplyConfig(cfg.alerting, cfg.global.external_labels);
//   n.Send(alerts);   // from the rule evaluator; never blocks on the network
//   ...
//   n.Stop();         // drains the queue first when drain_on_shutdown
//
// Alertmanagers are discovered by a DiscoveryManager named "notify", one job
// per alerting.alertmanagers item ("config-0", "config-1", ...). Each
// discovered target becomes an Alertmanager at
// `<__scheme__>://<__address__><__alerts_path__>` after the item's
// relabel_configs; __alerts_path__ starts as path_prefix + "/api/v2/alerts".
//
// A sender thread takes up to max_batch_size alerts at a time and POSTs them
// to every Alertmanager of every item at once, each with the item's timeout.
// A batch counts as sent when, for every item that had Alertmanagers and
// alerts left after its alert_relabel_configs, at least one of them answered
// 2xx; otherwise its alerts are counted in prometheus_notifications_dropped_total.
// A failed batch is not retried.
//
// Thread-safe: every method may be called from any thread.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ember/base/labels.h"
#include "ember/base/status.h"
#include "ember/base/time.h"
#include "ember/discovery/discovery_manager.h"
#include "ember/discovery/kubernetes_discovery.h"
#include "ember/notifier/alert.h"
#include "ember/notifier/notifier_config.h"
#include "ember/obs/logger.h"
#include "ember/obs/metrics.h"
#include "ember/relabel/relabeler.h"

namespace ember::discovery {
struct DiscoveryMetrics;
}

namespace ember::notifier {

// Fixed at construction.
struct ManagerOptions {
  // Alerts waiting to be sent; when full, the oldest are dropped (and
  // counted) for newer ones. --alertmanager.notification-queue-capacity.
  // Default: 10000.
  size_t queue_capacity = 10000;
  // Most alerts in one POST. --alertmanager.notification-batch-size.
  // Default: 256.
  size_t max_batch_size = 256;
  // On Stop, send what is queued before returning; otherwise it is dropped
  // and counted. --alertmanager.drain-notification-queue-on-shutdown.
  // Default: true, as upstream.
  bool drain_on_shutdown = true;
  // The User-Agent of the POSTs. Default: "Ember".
  std::string user_agent = "Ember";
  // The least time between two changes of the Alertmanager sets taken from
  // discovery. Zero applies changes only on FlushDiscovery() (for tests).
  // Default: 5s, as upstream.
  Milliseconds discovery_updates_interval = std::chrono::seconds(5);
  // How Kubernetes discovery talks to the API server.
  discovery::KubernetesDiscoveryOptions kubernetes;
  Logger logger;
  // Where the prometheus_notifications_* metrics are registered; may be null.
  // Outlives the manager. One manager per registry.
  MetricsRegistry* metrics = nullptr;
  // The discovery metrics shared with other discovery managers; may be null.
  // Outlives the manager.
  discovery::DiscoveryMetrics* discovery_metrics = nullptr;
};

class Manager {
 public:
  explicit Manager(ManagerOptions options);
  // Stop().
  ~Manager();
  Manager(const Manager&) = delete;
  Manager& operator=(const Manager&) = delete;

  // Replaces the configuration: external labels and alert_relabel_configs
  // apply to alerts sent from now on; an alertmanagers item equal to one
  // before (AlertmanagerConfigFingerprint) keeps its discovered
  // Alertmanagers, others start empty until discovery reports. Errors
  // (InvalidArgument): a relabel config that does not compile, an item whose
  // HTTP client cannot be made (an unreadable CA file, inline TLS material),
  // an api_version other than v2; the previous configuration then stays.
  // A discovery config that fails to start is logged and counted, as
  // DiscoveryManager::ApplyConfig does, and its error returned after the
  // rest is applied.
  Status ApplyConfig(const AlertingConfig& config, const Labels& external_labels);

  // Adds the external labels each alert lacks (its own values win), runs
  // alerting.alert_relabel_configs, leaves out the alerts they drop and
  // queues the rest. Never waits for sending. Once Stop has begun, alerts
  // are ignored.
  void Send(std::vector<Alert> alerts);

  // Stops taking alerts and discovery, lets a batch in flight finish, then
  // sends what is queued (drain_on_shutdown: each batch bounded by the
  // items' timeouts) or drops and counts it, and returns once the sender has
  // ended. Idempotent. ApplyConfig then fails with FailedPrecondition.
  void Stop();

  // URLs of the Alertmanagers alerts go to ("http://127.0.0.1:9093/api/v2/alerts"),
  // item by item, deduplicated within an item; for /api/v1/alertmanagers.
  std::vector<std::string> Alertmanagers() const;
  // URLs of the targets relabel_configs dropped, built from their labels
  // before relabeling.
  std::vector<std::string> DroppedAlertmanagers() const;

  // Alerts waiting to be sent.
  size_t QueueLength() const;

  // Applies discovery changes now; returns whether there were any. For tests
  // with discovery_updates_interval zero.
  bool FlushDiscovery();

 private:
  struct Metrics;
  struct AlertmanagerSet;
  struct BatchResult;

  void SyncDiscovered(const discovery::TargetSnapshot& snapshot);
  void SenderLoop();
  // Sends one batch to every set; false when some set took it nowhere.
  bool SendAll(const std::vector<Alert>& alerts);
  void SendOneBatch();

  ManagerOptions options_;
  Logger logger_;
  std::unique_ptr<Metrics> metrics_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Alert> queue_;                                                     // GUARDED_BY(mu_)
  Labels external_labels_;                                                      // GUARDED_BY(mu_)
  std::shared_ptr<const std::vector<relabel::CompiledRelabelConfig>> relabel_;  // GUARDED_BY(mu_)
  std::map<std::string, std::shared_ptr<AlertmanagerSet>> sets_;                // GUARDED_BY(mu_)
  bool stopping_ = false;                                                       // GUARDED_BY(mu_)
  bool stopped_ = false;                                                        // GUARDED_BY(mu_)

  std::mutex stop_mu_;  // serialises Stop
  std::unique_ptr<discovery::DiscoveryManager> discovery_;
  std::thread sender_;
};

}  // namespace ember::notifier
