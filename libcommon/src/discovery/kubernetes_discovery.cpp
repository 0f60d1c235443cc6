#include "ember/discovery/kubernetes_discovery.h"

#include <algorithm>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <thread>

#include "ember/base/file_system.h"
#include "ember/base/strings.h"
#include "ember/http/client.h"
#include "kubernetes_objects.h"
#include "kubernetes_targets.h"

namespace ember::discovery {
namespace {

using k8s::Kind;

std::string QueryEscape(std::string_view s) {
  std::string out;
  AppendQueryEscaped(out, s);
  return out;
}

// A file's trimmed content, read again once older than the reload interval.
class CachedFile {
 public:
  CachedFile(std::string path, Milliseconds reload) : path_(std::move(path)), reload_(reload) {}
  Result<std::string> Get() {
    std::lock_guard lock(mu_);
    auto now = std::chrono::steady_clock::now();
    if (!read_ || now - read_at_ >= reload_) {
      Result<std::string> content = FileSystem::Real().ReadFile(path_);
      if (!content.ok()) {
        // A file briefly missing while it is replaced keeps serving the last value.
        if (read_) return value_;
        return Status(content.status().code(),
                      "unable to read file " + path_ + ": " + content.status().message());
      }
      value_ = std::string(TrimSpace(*content));
      read_at_ = now;
      read_ = true;
    }
    return value_;
  }

 private:
  const std::string path_;
  const Milliseconds reload_;
  std::mutex mu_;
  bool read_ = false;                              // GUARDED_BY(mu_)
  std::chrono::steady_clock::time_point read_at_;  // GUARDED_BY(mu_)
  std::string value_;                              // GUARDED_BY(mu_)
};

// A value given inline or read from a file.
struct Secret {
  std::string inline_value;
  std::unique_ptr<CachedFile> file;
  Result<std::string> Get() const {
    if (file) return file->Get();
    return inline_value;
  }
};

Secret MakeSecret(const std::string& value, const std::string& file, Milliseconds reload) {
  Secret s;
  s.inline_value = value;
  if (!file.empty()) s.file = std::make_unique<CachedFile>(file, reload);
  return s;
}

class Backoff {
 public:
  Backoff(Milliseconds min, Milliseconds max) : min_(min), max_(max), next_(min) {}
  Milliseconds Next() {
    Milliseconds d = next_;
    next_ = std::min(max_, next_ * 2);
    return d;
  }
  void Reset() { next_ = min_; }

 private:
  Milliseconds min_, max_, next_;
};

}  // namespace

struct KubernetesDiscovery::Impl {
  KubernetesSdConfig config;
  KubernetesDiscoveryOptions k8s_options;
  ProviderOptions options;
  std::string base_url;
  // "" means all namespaces.
  std::vector<std::string> namespaces;
  std::vector<Kind> kinds;
  std::unique_ptr<http::HttpClient> client;
  // Authorization header parts.
  std::string auth_type;  // "Bearer", "Basic" (basic_auth) or "" (none)
  Secret credentials;
  Secret username;
  Secret password;

  // What the watcher threads hand to Run.
  struct Item {
    size_t watcher = 0;
    bool listed = false;  // a whole list (objects, namespace) rather than an event
    std::string ns;
    std::vector<k8s::Object> objects;
    k8s::WatchEvent event;
  };
  std::mutex mu;
  std::condition_variable_any cv;
  std::deque<Item> queue;  // GUARDED_BY(mu)

  void Push(Item item) {
    {
      std::lock_guard lock(mu);
      queue.push_back(std::move(item));
    }
    cv.notify_all();
  }

  std::string Selector(Kind kind, bool field) const {
    for (const KubernetesSelector& s : config.selectors) {
      if (KubernetesRoleName(s.role) == k8s::KindName(kind)) return field ? s.field : s.label;
    }
    return "";
  }

  std::string Url(Kind kind, const std::string& ns, const std::string& extra) const {
    std::string url = base_url + k8s::CollectionPath(kind, ns);
    std::string query;
    auto add = [&](std::string_view name, const std::string& value) {
      query += query.empty() ? "?" : "&";
      query += std::string(name) + "=" + QueryEscape(value);
    };
    if (std::string l = Selector(kind, false); !l.empty()) add("labelSelector", l);
    if (std::string f = Selector(kind, true); !f.empty()) add("fieldSelector", f);
    return url + query + (extra.empty() ? "" : (query.empty() ? "?" : "&") + extra);
  }

  Result<http::ClientRequest> Request(std::string url) const {
    http::ClientRequest req;
    req.url = std::move(url);
    req.headers.Set("Accept", "application/json");
    if (auth_type == "Basic") {
      EMBER_ASSIGN_OR_RETURN(std::string u, username.Get());
      EMBER_ASSIGN_OR_RETURN(std::string p, password.Get());
      req.headers.Set("Authorization", http::BasicAuthorization(u, p));
    } else if (!auth_type.empty()) {
      EMBER_ASSIGN_OR_RETURN(std::string c, credentials.Get());
      req.headers.Set("Authorization", auth_type + " " + c);
    }
    return req;
  }

  // Waits up to `d` or until stop; false when stopped.
  bool Sleep(std::stop_token stop, Milliseconds d) {
    std::unique_lock lock(mu);
    return !cv.wait_for(lock, stop, d, [] { return false; }) && !stop.stop_requested();
  }

  Result<k8s::ObjectList> List(Kind kind, const std::string& ns) {
    EMBER_ASSIGN_OR_RETURN(http::ClientRequest req, Request(Url(kind, ns, "")));
    EMBER_ASSIGN_OR_RETURN(http::ClientResponse resp, client->Do(std::move(req)));
    if (resp.status != 200) {
      return Status::Unavailable("failed to list " + std::string(k8s::KindName(kind)) +
                                 ": server returned HTTP status " + std::to_string(resp.status) + ": " +
                                 std::string(TrimSpace(resp.body.substr(0, 512))));
    }
    return k8s::ParseObjectList(kind, resp.body);
  }

  enum class WatchEnd { kEnded, kGone, kFailed, kStopped };

  // One watch request from `*rv`, feeding events to the queue and advancing
  // `*rv` as they come.
  WatchEnd Watch(std::stop_token stop, size_t watcher, Kind kind, const std::string& ns, std::string* rv,
                 Milliseconds timeout) {
    struct State {
      std::mutex mu;
      std::condition_variable_any cv;
      bool done = false;
      bool gone = false;
      Status status;
      std::string buffer;
      std::string rv;
    };
    auto st = std::make_shared<State>();
    st->rv = *rv;
    int64_t seconds = std::max<int64_t>(1, std::chrono::duration_cast<std::chrono::seconds>(timeout).count());
    Result<http::ClientRequest> req =
        Request(Url(kind, ns,
                    "watch=1&resourceVersion=" + QueryEscape(*rv) +
                        "&allowWatchBookmarks=true&timeoutSeconds=" + std::to_string(seconds)));
    if (!req.ok()) {
      options.logger.Error("Cannot build watch request", {{"err", req.status()}});
      return WatchEnd::kFailed;
    }
    // The server ends the watch after timeoutSeconds; the client bound only
    // catches a server that does not.
    req->timeout = timeout + std::chrono::seconds(30);
    auto on_chunk = [this, st, stop, watcher, kind, ns](std::string_view piece) {
      if (stop.stop_requested()) return false;
      st->buffer.append(piece);
      size_t start = 0;
      for (size_t nl; (nl = st->buffer.find('\n', start)) != std::string::npos; start = nl + 1) {
        std::string_view line(st->buffer.data() + start, nl - start);
        if (TrimSpace(line).empty()) continue;
        Result<k8s::WatchEvent> ev = k8s::ParseWatchEvent(kind, line);
        if (!ev.ok()) {
          st->status = Status::Unavailable("bad watch event: " + ev.status().message());
          return false;
        }
        if (ev->type == k8s::EventType::kError) {
          if (ev->error_code == 410) {
            st->gone = true;
          } else {
            st->status = Status::Unavailable("watch error " + std::to_string(ev->error_code) + ": " +
                                             ev->error_message);
          }
          return false;
        }
        if (!ev->resource_version.empty()) st->rv = ev->resource_version;
        if (ev->type == k8s::EventType::kBookmark) continue;
        Item item;
        item.watcher = watcher;
        item.ns = ns;
        item.event = std::move(*ev);
        Push(std::move(item));
      }
      st->buffer.erase(0, start);
      return true;
    };
    auto on_done = [st](Status s) {
      std::lock_guard lock(st->mu);
      if (st->status.ok()) st->status = std::move(s);
      st->done = true;
      st->cv.notify_all();
    };
    client->AsyncStream(std::move(*req), on_chunk, on_done);
    std::unique_lock lock(st->mu);
    if (!st->cv.wait(lock, stop, [&] { return st->done; })) return WatchEnd::kStopped;
    *rv = st->rv;
    if (st->gone || st->status.code() == StatusCode::kOutOfRange) return WatchEnd::kGone;
    if (!st->status.ok()) {
      if (stop.stop_requested()) return WatchEnd::kStopped;
      options.logger.Warn("Watch failed",
                          {{"kind", k8s::KindName(kind)}, {"namespace", ns}, {"err", st->status}});
      return WatchEnd::kFailed;
    }
    return WatchEnd::kEnded;
  }

  void WatchLoop(std::stop_token stop, size_t watcher, Kind kind, std::string ns) {
    Backoff backoff(k8s_options.min_backoff, k8s_options.max_backoff);
    while (!stop.stop_requested()) {
      Result<k8s::ObjectList> list = List(kind, ns);
      if (!list.ok()) {
        if (stop.stop_requested()) return;
        options.logger.Error("Failed to list objects",
                             {{"kind", k8s::KindName(kind)}, {"namespace", ns}, {"err", list.status()}});
        if (!Sleep(stop, backoff.Next())) return;
        continue;
      }
      std::string rv = list->resource_version;
      Item item;
      item.watcher = watcher;
      item.listed = true;
      item.ns = ns;
      item.objects = std::move(list->items);
      Push(std::move(item));

      auto resync_at = std::chrono::steady_clock::now() + k8s_options.resync_interval;
      while (!stop.stop_requested()) {
        auto left = std::chrono::duration_cast<Milliseconds>(resync_at - std::chrono::steady_clock::now());
        if (left <= Milliseconds(0)) break;
        auto started = std::chrono::steady_clock::now();
        WatchEnd end = Watch(stop, watcher, kind, ns, &rv, std::min(left, k8s_options.watch_timeout));
        if (end == WatchEnd::kStopped) return;
        // As client-go paces its restarts: a watch that lasted a while resets
        // the backoff; one that failed or ended at once waits it out, so that
        // a server answering every watch at once is not hammered.
        const bool brief = std::chrono::steady_clock::now() - started < std::chrono::seconds(1);
        if (end == WatchEnd::kFailed || brief) {
          if (!Sleep(stop, backoff.Next())) return;
        } else {
          backoff.Reset();
        }
        if (end == WatchEnd::kGone) {
          options.logger.Info("Watch resource version gone, listing again",
                              {{"kind", k8s::KindName(kind)}, {"namespace", ns}});
          break;
        }
        if (end == WatchEnd::kFailed) break;
      }
    }
  }
};

KubernetesDiscovery::KubernetesDiscovery(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
KubernetesDiscovery::~KubernetesDiscovery() = default;

Result<std::unique_ptr<KubernetesDiscovery>> KubernetesDiscovery::Create(
    KubernetesSdConfig config, KubernetesDiscoveryOptions k8s_options, ProviderOptions options) {
  EMBER_RETURN_IF_ERROR(ValidateKubernetesSdConfig(config));
  auto impl = std::make_unique<Impl>();
  const Milliseconds reload = k8s_options.file_reload_interval;
  http::ClientOptions client;
  // Lists of a large cluster are big; a watch is a stream and not bounded.
  client.max_response_body_bytes = 1ull << 30;
  client.user_agent = "Ember/kubernetes-sd";
  client.request_timeout = std::chrono::minutes(1);
  std::string own_namespace;
  if (config.api_server.empty()) {
    const KubernetesInClusterEnv& env = k8s_options.in_cluster;
    auto get = [&](const std::string& name) -> std::optional<std::string> {
      if (env.getenv) return env.getenv(name);
      const char* v = std::getenv(name.c_str());
      if (v == nullptr) return std::nullopt;
      return std::string(v);
    };
    std::optional<std::string> host = get("KUBERNETES_SERVICE_HOST");
    std::optional<std::string> port = get("KUBERNETES_SERVICE_PORT");
    if (!host || !port || host->empty() || port->empty()) {
      return Status::InvalidArgument(
          "unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must "
          "be "
          "defined");
    }
    std::string h = host->find(':') != std::string::npos ? "[" + *host + "]" : *host;
    impl->base_url = "https://" + h + ":" + *port;
    impl->auth_type = "Bearer";
    impl->credentials = MakeSecret("", env.token_file, reload);
    client.tls.ca_file = env.ca_file;
    if (config.own_namespace) {
      Result<std::string> ns = FileSystem::Real().ReadFile(env.namespace_file);
      if (!ns.ok()) {
        return Status::InvalidArgument("could not determine the pod's namespace: " + ns.status().message());
      }
      if (ns->empty()) return Status::InvalidArgument("could not read own namespace name (empty file)");
      own_namespace = *ns;
    }
    options.logger.Info("Using pod service account via in-cluster config");
  } else {
    impl->base_url = config.api_server;
    while (!impl->base_url.empty() && impl->base_url.back() == '/') impl->base_url.pop_back();
    const config::HttpClientConfig& h = config.http_client;
    const config::TlsClientConfig& t = h.tls_config;
    if (!t.ca.empty() || !t.cert.empty() || !t.key.empty()) {
      return Status::InvalidArgument(
          "kubernetes_sd_configs: inline tls_config ca, cert and key are not supported, use ca_file, "
          "cert_file and "
          "key_file");
    }
    client.tls.ca_file = t.ca_file;
    client.tls.cert_file = t.cert_file;
    client.tls.key_file = t.key_file;
    client.tls.server_name = t.server_name;
    client.tls.insecure_skip_verify = t.insecure_skip_verify;
    if (!t.min_version.empty()) client.tls.min_version = t.min_version;
    client.follow_redirects = h.follow_redirects;
    if (h.basic_auth) {
      impl->auth_type = "Basic";
      impl->username = MakeSecret(h.basic_auth->username, h.basic_auth->username_file, reload);
      impl->password = MakeSecret(h.basic_auth->password, h.basic_auth->password_file, reload);
    } else if (h.authorization) {
      impl->auth_type = h.authorization->type.empty() ? "Bearer" : h.authorization->type;
      impl->credentials = MakeSecret(h.authorization->credentials, h.authorization->credentials_file, reload);
    }
  }
  EMBER_ASSIGN_OR_RETURN(impl->client, http::HttpClient::Create(client));

  impl->namespaces = config.namespaces;
  if (config.own_namespace && !own_namespace.empty()) impl->namespaces.push_back(own_namespace);
  if (impl->namespaces.empty()) impl->namespaces.push_back("");
  impl->kinds = k8s::KindsForRole(config.role, config.attach_node_metadata);
  impl->config = std::move(config);
  impl->k8s_options = std::move(k8s_options);
  impl->options = std::move(options);
  return std::unique_ptr<KubernetesDiscovery>(new KubernetesDiscovery(std::move(impl)));
}

void KubernetesDiscovery::Run(std::stop_token stop, const UpdateSink& update) {
  Impl& impl = *impl_;
  k8s::KubernetesTargets targets(impl.config.role, impl.config.attach_node_metadata);
  std::vector<std::jthread> threads;
  // The kind each watcher lists and watches, by index.
  std::vector<Kind> watcher_kind;
  for (Kind kind : impl.kinds) {
    std::vector<std::string> scopes = kind == Kind::kNode ? std::vector<std::string>{""} : impl.namespaces;
    for (const std::string& ns : scopes) {
      size_t index = watcher_kind.size();
      watcher_kind.push_back(kind);
      threads.emplace_back([&impl, stop, index, kind, ns] { impl.WatchLoop(stop, index, kind, ns); });
    }
  }
  const size_t watchers = watcher_kind.size();
  std::vector<bool> listed(watchers, false);
  size_t listed_count = 0;
  bool sent_first = false;
  while (!stop.stop_requested()) {
    std::deque<Impl::Item> items;
    {
      std::unique_lock lock(impl.mu);
      impl.cv.wait(lock, stop, [&] { return !impl.queue.empty(); });
      items.swap(impl.queue);
    }
    if (stop.stop_requested()) break;
    for (Impl::Item& item : items) {
      if (item.listed) {
        Kind kind = watcher_kind[item.watcher];
        targets.Replace(kind, kind == Kind::kNode ? "" : item.ns, std::move(item.objects));
        if (!listed[item.watcher]) {
          listed[item.watcher] = true;
          ++listed_count;
        }
        continue;
      }
      if (!item.event.object) continue;
      k8s::Object& object = *item.event.object;
      if (item.event.type == k8s::EventType::kDeleted) {
        targets.Remove(k8s::KindOf(object), k8s::KeyOf(k8s::MetaOf(object)));
      } else {
        targets.Upsert(std::move(object));
      }
    }
    // Upstream waits for every informer to sync before sending anything.
    if (listed_count < watchers) continue;
    std::vector<TargetGroup> changes = targets.TakeChanges();
    if (changes.empty() && sent_first) continue;
    sent_first = true;
    update(std::move(changes));
  }
  impl.client->Shutdown();
  threads.clear();
}

std::string KubernetesProviderConfig::Fingerprint() const { return KubernetesSdConfigFingerprint(config_); }

Result<std::unique_ptr<Provider>> KubernetesProviderConfig::NewProvider(
    const ProviderOptions& options) const {
  EMBER_ASSIGN_OR_RETURN(std::unique_ptr<KubernetesDiscovery> d,
                         KubernetesDiscovery::Create(config_, options_, options));
  return std::unique_ptr<Provider>(std::move(d));
}

}  // namespace ember::discovery
