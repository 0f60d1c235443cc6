#include "ember/notifier/notifier.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <set>

#include "alertmanager_targets.h"
#include "ember/base/file_system.h"
#include "ember/base/strings.h"
#include "ember/discovery/file_discovery.h"
#include "ember/discovery/static_provider.h"
#include "ember/http/client.h"
#include "ember/http/client_config.h"

namespace ember::notifier {
namespace {

// Upstream's latency histogram buckets (prometheus_notifications_latency_histogram_seconds).
std::vector<double> LatencyBuckets() { return {0.01, 0.1, 1, 10}; }

Result<std::vector<relabel::CompiledRelabelConfig>> Compile(
    const std::vector<relabel::RelabelConfig>& configs) {
  std::vector<relabel::CompiledRelabelConfig> out;
  out.reserve(configs.size());
  for (const relabel::RelabelConfig& c : configs) {
    EMBER_ASSIGN_OR_RETURN(relabel::CompiledRelabelConfig step, relabel::CompiledRelabelConfig::Create(c));
    out.push_back(std::move(step));
  }
  return out;
}

// Adds the external labels an alert lacks, then runs `steps`; the alerts
// they drop are left out (upstream's relabelAlerts).
std::vector<Alert> RelabelAlerts(std::vector<Alert> alerts, const Labels& external,
                                 std::span<const relabel::CompiledRelabelConfig> steps) {
  std::vector<Alert> kept;
  kept.reserve(alerts.size());
  for (Alert& a : alerts) {
    Labels labels = a.labels;
    if (!external.empty()) {
      LabelsBuilder b(a.labels);
      for (const Label& l : external) {
        if (a.labels.Get(l.name).empty()) b.Set(l.name, l.value);
      }
      labels = b.Build();
    }
    Labels out;
    if (!relabel::Process(labels, steps, &out)) continue;
    a.labels = std::move(out);
    kept.push_back(std::move(a));
  }
  return kept;
}

// The status line's text, as Go's resp.Status prints it ("500 Internal Server Error").
std::string StatusText(int code) {
  static const std::map<int, std::string_view> kTexts = {
      {200, "OK"},
      {301, "Moved Permanently"},
      {302, "Found"},
      {400, "Bad Request"},
      {401, "Unauthorized"},
      {403, "Forbidden"},
      {404, "Not Found"},
      {405, "Method Not Allowed"},
      {408, "Request Timeout"},
      {413, "Request Entity Too Large"},
      {429, "Too Many Requests"},
      {500, "Internal Server Error"},
      {502, "Bad Gateway"},
      {503, "Service Unavailable"},
      {504, "Gateway Timeout"},
  };
  std::string out = std::to_string(code);
  if (auto it = kTexts.find(code); it != kTexts.end()) {
    out += ' ';
    out += it->second;
  }
  return out;
}

}  // namespace

struct Manager::Metrics {
  explicit Metrics(MetricsRegistry& r)
      : errors(r.NewCounterFamily("prometheus_notifications_errors_total",
                                  "Total number of sent alerts affected by errors.", {"alertmanager"})),
        sent(r.NewCounterFamily("prometheus_notifications_sent_total", "Total number of alerts sent.",
                                {"alertmanager"})),
        latency(r.NewHistogramFamily("prometheus_notifications_latency_histogram_seconds",
                                     "Latency histogram for sending alert notifications.", {"alertmanager"},
                                     LatencyBuckets())),
        dropped(r.NewCounter("prometheus_notifications_dropped_total",
                             "Total number of alerts dropped due to errors when sending to Alertmanager.")),
        capacity(r.NewGauge("prometheus_notifications_queue_capacity",
                            "The capacity of the alert notifications queue.")) {
    // The registry may outlive the manager: the functions read shared cells.
    auto length_cell = queue_length;
    r.NewGaugeFunc("prometheus_notifications_queue_length", "The number of alert notifications in the queue.",
                   [length_cell] { return static_cast<double>(length_cell->load()); });
    auto discovered_cell = discovered;
    r.NewGaugeFunc("prometheus_notifications_alertmanagers_discovered",
                   "The number of alertmanagers discovered and active.",
                   [discovered_cell] { return static_cast<double>(discovered_cell->load()); });
  }

  Family<Counter>& errors;
  Family<Counter>& sent;
  Family<Histogram>& latency;
  Counter& dropped;
  Gauge& capacity;
  std::shared_ptr<std::atomic<int64_t>> queue_length = std::make_shared<std::atomic<int64_t>>(0);
  std::shared_ptr<std::atomic<int64_t>> discovered = std::make_shared<std::atomic<int64_t>>(0);
  // Owned when the options gave no registry.
  std::unique_ptr<MetricsRegistry> own_registry;
};

// One alertmanagers item: its config, client and the Alertmanagers
// discovery last reported for it.
struct Manager::AlertmanagerSet {
  AlertmanagerConfig config;
  std::string fingerprint;
  std::vector<relabel::CompiledRelabelConfig> relabel;
  std::vector<relabel::CompiledRelabelConfig> alert_relabel;
  std::shared_ptr<http::HttpClient> client;

  mutable std::mutex mu;
  std::vector<std::string> ams;      // GUARDED_BY(mu): URLs, deduplicated
  std::vector<std::string> dropped;  // GUARDED_BY(mu)
};

// What the POSTs of one batch report back to the sender thread.
struct Manager::BatchResult {
  std::mutex mu;
  std::condition_variable cv;
  size_t outstanding = 0;               // GUARDED_BY(mu)
  std::map<std::string, bool> covered;  // GUARDED_BY(mu): set key -> some Alertmanager took it
};

Manager::Manager(ManagerOptions options) : options_(std::move(options)), logger_(options_.logger) {
  if (options_.queue_capacity == 0) options_.queue_capacity = 1;
  if (options_.max_batch_size == 0) options_.max_batch_size = 256;
  std::unique_ptr<MetricsRegistry> own;
  MetricsRegistry* registry = options_.metrics;
  if (registry == nullptr) {
    own = std::make_unique<MetricsRegistry>();
    registry = own.get();
  }
  metrics_ = std::make_unique<Metrics>(*registry);
  metrics_->own_registry = std::move(own);
  metrics_->capacity.Set(static_cast<double>(options_.queue_capacity));
  relabel_ = std::make_shared<const std::vector<relabel::CompiledRelabelConfig>>();

  discovery::DiscoveryManagerOptions dopts;
  dopts.name = "notify";
  dopts.updates_interval = options_.discovery_updates_interval;
  discovery_ = std::make_unique<discovery::DiscoveryManager>(
      dopts, logger_.With({{"component", "discovery manager notify"}}), options_.discovery_metrics,
      [this](const discovery::TargetSnapshot& snapshot) { SyncDiscovered(snapshot); });
  sender_ = std::thread([this] { SenderLoop(); });
}

Manager::~Manager() {
  Stop();
  discovery_.reset();
}

Status Manager::ApplyConfig(const AlertingConfig& config, const Labels& external_labels) {
  EMBER_ASSIGN_OR_RETURN(std::vector<relabel::CompiledRelabelConfig> alert_relabel,
                         Compile(config.alert_relabel_configs));
  std::map<std::string, std::shared_ptr<AlertmanagerSet>> old;
  {
    std::lock_guard lock(mu_);
    old = sets_;
  }
  std::map<std::string, std::shared_ptr<const AlertmanagerSet>> old_by_fingerprint;
  for (const auto& [key, set] : old) old_by_fingerprint.emplace(set->fingerprint, set);

  std::map<std::string, std::shared_ptr<AlertmanagerSet>> sets;
  discovery::JobConfigs jobs;
  for (size_t i = 0; i < config.alertmanagers.size(); ++i) {
    const AlertmanagerConfig& c = config.alertmanagers[i];
    const std::string key = "config-" + std::to_string(i);
    if (c.api_version != kAlertmanagerApiV2) {
      return Status::InvalidArgument("invalid Alertmanager API version '" + c.api_version +
                                     "', expected one of '[v2]'");
    }
    auto set = std::make_shared<AlertmanagerSet>();
    set->config = c;
    set->fingerprint = AlertmanagerConfigFingerprint(c);
    EMBER_ASSIGN_OR_RETURN(set->relabel, Compile(c.relabel_configs));
    EMBER_ASSIGN_OR_RETURN(set->alert_relabel, Compile(c.alert_relabel_configs));
    if (auto it = old_by_fingerprint.find(set->fingerprint); it != old_by_fingerprint.end()) {
      // Unchanged: keep the client and the Alertmanagers known so far, so
      // alerts keep flowing before discovery reports again.
      set->client = it->second->client;
      std::lock_guard set_lock(it->second->mu);
      set->ams = it->second->ams;
      set->dropped = it->second->dropped;
    } else {
      EMBER_ASSIGN_OR_RETURN(
          http::ClientOptions client_options,
          http::ClientOptionsFromConfig(c.http_client, c.timeout, options_.user_agent, "for Alertmanagers"));
      auto client = http::HttpClient::Create(std::move(client_options));
      if (!client.ok()) return client.status().WithContext("alertmanager " + key);
      set->client = std::shared_ptr<http::HttpClient>(std::move(client).value());
    }
    auto& providers = jobs[key];
    if (!c.static_configs.empty()) {
      providers.push_back(std::make_shared<discovery::StaticProviderConfig>(c.static_configs));
    }
    for (const discovery::FileSdConfig& f : c.file_sd_configs) {
      providers.push_back(std::make_shared<discovery::FileProviderConfig>(f));
    }
    for (const discovery::KubernetesSdConfig& k : c.kubernetes_sd_configs) {
      providers.push_back(std::make_shared<discovery::KubernetesProviderConfig>(k, options_.kubernetes));
    }
    sets.emplace(key, std::move(set));
  }
  {
    std::lock_guard lock(mu_);
    if (stopping_) return Status::FailedPrecondition("notifier stopped");
    external_labels_ = external_labels;
    relabel_ = std::make_shared<const std::vector<relabel::CompiledRelabelConfig>>(std::move(alert_relabel));
    sets_ = std::move(sets);
    int64_t discovered = 0;
    for (const auto& [key, set] : sets_) {
      std::lock_guard set_lock(set->mu);
      discovered += static_cast<int64_t>(set->ams.size());
    }
    metrics_->discovered->store(discovered);
  }
  // The replaced sets (and their clients) are released here, on this thread,
  // or by the sender once a batch in flight is done.
  old.clear();
  return discovery_->ApplyConfig(jobs);
}

void Manager::SyncDiscovered(const discovery::TargetSnapshot& snapshot) {
  std::map<std::string, std::shared_ptr<AlertmanagerSet>> sets;
  {
    std::lock_guard lock(mu_);
    sets = sets_;
  }
  for (const auto& [key, groups] : snapshot) {
    auto it = sets.find(key);
    if (it == sets.end()) {
      logger_.Error("couldn't sync alert manager set", {{"err", "invalid id:" + key}});
      continue;
    }
    AlertmanagerSet& set = *it->second;
    std::vector<std::string> active;
    std::vector<std::string> dropped;
    std::set<std::string> seen;
    for (const discovery::TargetGroup& group : groups) {
      Result<GroupAlertmanagers> found = AlertmanagersFromGroup(group, set.config, set.relabel);
      if (!found.ok()) {
        logger_.Error("Creating discovered Alertmanagers failed", {{"err", found.status()}});
        continue;
      }
      for (std::string& url : found->active) {
        if (!seen.insert(url).second) continue;
        // Start the counters at zero, as upstream.
        metrics_->sent.WithLabelValues({url});
        metrics_->errors.WithLabelValues({url});
        active.push_back(std::move(url));
      }
      for (std::string& url : found->dropped) dropped.push_back(std::move(url));
    }
    std::lock_guard set_lock(set.mu);
    set.ams = std::move(active);
    set.dropped = std::move(dropped);
  }
  std::lock_guard lock(mu_);
  int64_t discovered = 0;
  for (const auto& [key, set] : sets_) {
    std::lock_guard set_lock(set->mu);
    discovered += static_cast<int64_t>(set->ams.size());
  }
  metrics_->discovered->store(discovered);
}

void Manager::Send(std::vector<Alert> alerts) {
  std::lock_guard lock(mu_);
  if (stopping_) return;
  alerts = RelabelAlerts(std::move(alerts), external_labels_, *relabel_);
  if (alerts.empty()) return;
  const size_t capacity = options_.queue_capacity;
  auto begin = alerts.begin();
  if (alerts.size() > capacity) {
    const size_t d = alerts.size() - capacity;
    logger_.Warn("Alert batch larger than queue capacity, dropping alerts", {{"num_dropped", d}});
    metrics_->dropped.Inc(static_cast<double>(d));
    begin += static_cast<std::ptrdiff_t>(d);
  }
  const size_t incoming = static_cast<size_t>(alerts.end() - begin);
  if (queue_.size() + incoming > capacity) {
    const size_t d = queue_.size() + incoming - capacity;
    logger_.Warn("Alert notification queue full, dropping alerts", {{"num_dropped", d}});
    metrics_->dropped.Inc(static_cast<double>(d));
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(d));
  }
  queue_.insert(queue_.end(), std::make_move_iterator(begin), std::make_move_iterator(alerts.end()));
  metrics_->queue_length->store(static_cast<int64_t>(queue_.size()));
  cv_.notify_all();
}

size_t Manager::QueueLength() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

std::vector<std::string> Manager::Alertmanagers() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (const auto& [key, set] : sets_) {
    std::lock_guard set_lock(set->mu);
    out.insert(out.end(), set->ams.begin(), set->ams.end());
  }
  return out;
}

std::vector<std::string> Manager::DroppedAlertmanagers() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (const auto& [key, set] : sets_) {
    std::lock_guard set_lock(set->mu);
    out.insert(out.end(), set->dropped.begin(), set->dropped.end());
  }
  return out;
}

bool Manager::FlushDiscovery() { return discovery_->Flush(); }

void Manager::SenderLoop() {
  for (;;) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      // A stop request wins over sending more.
      if (stopping_) break;
    }
    SendOneBatch();
  }
  const size_t left = QueueLength();
  if (!options_.drain_on_shutdown) {
    if (left > 0) {
      logger_.Warn(
          "Draining remaining notifications on shutdown is disabled, and some notifications have been "
          "dropped",
          {{"count", left}});
      metrics_->dropped.Inc(static_cast<double>(left));
      std::lock_guard lock(mu_);
      queue_.clear();
      metrics_->queue_length->store(0);
    }
    return;
  }
  logger_.Info("Draining any remaining notifications...");
  while (QueueLength() > 0) SendOneBatch();
  logger_.Info("Remaining notifications drained");
}

void Manager::SendOneBatch() {
  std::vector<Alert> batch;
  {
    std::lock_guard lock(mu_);
    const size_t n = std::min(options_.max_batch_size, queue_.size());
    batch.assign(std::make_move_iterator(queue_.begin()),
                 std::make_move_iterator(queue_.begin() + static_cast<std::ptrdiff_t>(n)));
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
    metrics_->queue_length->store(static_cast<int64_t>(queue_.size()));
  }
  if (!SendAll(batch)) metrics_->dropped.Inc(static_cast<double>(batch.size()));
}

bool Manager::SendAll(const std::vector<Alert>& alerts) {
  if (alerts.empty()) return true;
  const auto begin = std::chrono::steady_clock::now();
  std::map<std::string, std::shared_ptr<AlertmanagerSet>> sets;
  {
    std::lock_guard lock(mu_);
    sets = sets_;
  }
  auto result = std::make_shared<BatchResult>();
  // The encoded batch, reused by the sets without alert relabeling.
  std::shared_ptr<const std::string> common_payload;
  for (const auto& [key, set] : sets) {
    std::vector<std::string> ams;
    {
      std::lock_guard set_lock(set->mu);
      ams = set->ams;
    }
    if (ams.empty()) continue;
    std::shared_ptr<const std::string> payload;
    size_t count = alerts.size();
    if (!set->alert_relabel.empty()) {
      std::vector<Alert> relabeled = RelabelAlerts(alerts, Labels(), set->alert_relabel);
      if (relabeled.empty()) continue;
      count = relabeled.size();
      payload = std::make_shared<const std::string>(EncodeAlertsV2(relabeled));
    } else {
      if (!common_payload) common_payload = std::make_shared<const std::string>(EncodeAlertsV2(alerts));
      payload = common_payload;
    }
    Result<std::string> authorization = http::AuthorizationFromConfig(set->config.http_client);
    {
      std::lock_guard lock(result->mu);
      result->covered[key] = false;
      result->outstanding += ams.size();
    }
    for (const std::string& url : ams) {
      auto done = [this, result, key, url, count, begin](Status err) {
        if (!err.ok()) {
          logger_.Error("Error sending alerts", {{"alertmanager", url}, {"count", count}, {"err", err}});
          metrics_->errors.WithLabelValues({url}).Inc(static_cast<double>(count));
        }
        const std::chrono::duration<double> took = std::chrono::steady_clock::now() - begin;
        metrics_->latency.WithLabelValues({url}).Observe(took.count());
        metrics_->sent.WithLabelValues({url}).Inc(static_cast<double>(count));
        std::lock_guard lock(result->mu);
        if (err.ok()) result->covered[key] = true;
        if (--result->outstanding == 0) result->cv.notify_all();
      };
      if (!authorization.ok()) {
        done(authorization.status().WithContext("Post \"" + url + "\""));
        continue;
      }
      http::ClientRequest req;
      req.method = "POST";
      req.url = url;
      req.headers.Set("Content-Type", "application/json");
      if (!authorization->empty()) req.headers.Set("Authorization", *authorization);
      req.body = *payload;
      req.timeout = set->config.timeout;
      set->client->AsyncDo(std::move(req), [done](Result<http::ClientResponse> resp) {
        if (!resp.ok()) return done(resp.status());
        if (resp->status / 100 != 2) {
          return done(Status::Unavailable("bad response status " + StatusText(resp->status)));
        }
        done(Status::Ok());
      });
    }
  }
  std::unique_lock lock(result->mu);
  result->cv.wait(lock, [&] { return result->outstanding == 0; });
  // Every set that was tried needs one Alertmanager that took the batch.
  return std::all_of(result->covered.begin(), result->covered.end(),
                     [](const auto& kv) { return kv.second; });
}

void Manager::Stop() {
  std::lock_guard stop_lock(stop_mu_);
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
  }
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    cv_.notify_all();
  }
  logger_.Info("Stopping notification manager...");
  discovery_->Stop();
  if (sender_.joinable()) sender_.join();
  std::lock_guard lock(mu_);
  stopped_ = true;
  logger_.Info("Notification manager stopped");
}

}  // namespace ember::notifier
