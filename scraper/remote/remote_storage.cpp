#include "remote/remote_storage.h"

#include <algorithm>
#include <filesystem>

#include "ember/app/version.h"
#include "ember/base/strings.h"

namespace ember::scraper {
namespace {

// A directory name from a queue name: anything but [A-Za-z0-9._-] becomes
// '_', and "." and ".." cannot occur.
std::string DirName(const std::string& name) {
  std::string out = name;
  for (char& c : out) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-';
    if (!ok) c = '_';
  }
  if (out.empty() || out == "." || out == "..") out = "_" + out;
  return out;
}

std::vector<wire::WireMetadata> WireMetadataOf(const MetadataStore& store) {
  std::vector<wire::WireMetadata> out;
  for (const auto& [family, entries] : store.List("", -1, 1)) {
    for (const MetricMetadata& m : entries) {
      wire::WireMetadata w;
      w.metric_family_name = family;
      for (int t = 0; t <= static_cast<int>(wire::MetricType::kStateset); ++t) {
        if (wire::MetricTypeName(static_cast<wire::MetricType>(t)) == m.type) {
          w.type = static_cast<wire::MetricType>(t);
        }
      }
      w.help = m.help;
      w.unit = m.unit;
      out.push_back(std::move(w));
    }
  }
  return out;
}

}  // namespace

RemoteStorage::RemoteStorage(tsdb::Db& db, Options options, Logger logger, MetricsRegistry& registry)
    : db_(db), options_(std::move(options)), logger_(std::move(logger)), metrics_(registry) {}

RemoteStorage::~RemoteStorage() { Stop(); }

void RemoteStorage::SetObserving(bool on) {
  if (on == observing_) return;
  // Never under mu_: the store holds its observer lock while OnCommit waits
  // for mu_.
  if (on) {
    db_.AddCommitObserver(this);
  } else {
    db_.RemoveCommitObserver(this);
  }
  observing_ = on;
}

Status RemoteStorage::ApplyConfig(const ScraperConfig& config) {
  std::lock_guard apply(apply_mu_);
  Status first_error;
  bool any = false;
  {
    std::unique_lock lock(mu_);
    std::vector<Running> next;
    const std::string external = config.global.external_labels.ToString();
    for (const RemoteWriteConfig& rw : config.remote_write_configs) {
      const std::string name = RemoteWriteName(rw);
      const std::string key = RemoteWriteHash(rw) + external;
      auto same = std::find_if(queues_.begin(), queues_.end(), [&](const Running& r) {
        return r.queue != nullptr && r.key == key && r.queue->name() == name;
      });
      if (same != queues_.end()) {
        next.push_back(std::move(*same));
        same->queue = nullptr;
        continue;
      }
      // A changed queue keeps its directory: the old one stops first.
      for (Running& r : queues_) {
        if (r.queue != nullptr && r.queue->name() == name) {
          r.queue->Stop();
          r.queue = nullptr;
        }
      }
      QueueManager::Options qo;
      qo.config = rw;
      qo.name = name;
      qo.external_labels = config.global.external_labels;
      qo.dir = options_.dir + "/" + DirName(name);
      qo.max_disk_bytes = options_.max_disk_bytes_per_queue;
      qo.segment_bytes = options_.segment_bytes;
      qo.progress_interval = options_.progress_interval;
      qo.reshard_interval = options_.reshard_interval;
      if (options_.metadata != nullptr) {
        qo.metadata = [store = options_.metadata] { return WireMetadataOf(*store); };
      }
      qo.user_agent = "Prometheus/" + std::string(app::Version());
      auto started = QueueManager::Start(std::move(qo),
                                         logger_.With({{"remote_name", name}, {"url", rw.url}}), &metrics_);
      if (!started.ok()) {
        logger_.Error("Starting a remote write queue failed",
                      {{"remote_name", name}, {"err", started.status()}});
        if (first_error.ok()) {
          first_error =
              Status::InvalidArgument("remote_write " + GoQuote(name) + ": " + started.status().message());
        }
        continue;
      }
      next.push_back({key, std::move(started).value()});
    }
    for (Running& r : queues_) {
      if (r.queue != nullptr) r.queue->Stop();
    }
    queues_ = std::move(next);
    any = !queues_.empty();

    // Backlogs of queues no longer configured go, as upstream's do.
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(options_.dir, ec)) {
      const std::string dir = entry.path().filename().string();
      bool used = false;
      for (const RemoteWriteConfig& rw : config.remote_write_configs)
        used |= DirName(RemoteWriteName(rw)) == dir;
      if (!used && entry.is_directory()) {
        logger_.Info("Removing the queue of a remote write no longer configured",
                     {{"dir", entry.path().string()}});
        std::filesystem::remove_all(entry.path(), ec);
      }
    }
  }
  SetObserving(any);
  return first_error;
}

void RemoteStorage::Stop() {
  std::lock_guard apply(apply_mu_);
  SetObserving(false);
  std::unique_lock lock(mu_);
  for (Running& r : queues_) r.queue->Stop();
  queues_.clear();
}

std::vector<std::string> RemoteStorage::QueueNames() const {
  std::shared_lock lock(mu_);
  std::vector<std::string> names;
  for (const Running& r : queues_) names.push_back(r.queue->name());
  return names;
}

void RemoteStorage::OnCommit(const tsdb::Db& db, std::span<const tsdb::CommittedSample> samples) {
  int64_t max_t = tsdb::kMinTime;
  for (const tsdb::CommittedSample& s : samples) max_t = std::max(max_t, s.t);
  int64_t cur = highest_t_.load(std::memory_order_relaxed);
  while (max_t > cur && !highest_t_.compare_exchange_weak(cur, max_t, std::memory_order_relaxed)) {
  }
  if (max_t > cur) metrics_.highest_timestamp.Set(static_cast<double>(max_t) / 1000.0);
  metrics_.samples_in.Inc(static_cast<double>(samples.size()));
  std::shared_lock lock(mu_);
  for (Running& r : queues_) r.queue->Append(db, samples);
}

}  // namespace ember::scraper
