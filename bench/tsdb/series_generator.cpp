#include "series_generator.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>
#include <string_view>
#include <utility>

namespace ember::bench {
namespace {

// splitmix64: one 64-bit state, good enough statistics for shaping data, and
// cheap enough that generating values costs little next to storing them.
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t NextRandom(uint64_t* state) {
  *state += 0x9e3779b97f4a7c15ULL;
  uint64_t z = *state;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

double Uniform(uint64_t* state) { return static_cast<double>(NextRandom(state) >> 11) * 0x1.0p-53; }

// Roughly normal, mean 0 and variance 1: the sum of three uniforms has
// variance 1/4.
double Gauss(uint64_t* state) { return (Uniform(state) + Uniform(state) + Uniform(state) - 1.5) * 2; }

// A hash that is the same in every build, unlike std::hash.
uint64_t Fnv1a(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  return h;
}

int64_t UniformInt(uint64_t* state, int64_t lo, int64_t hi) {
  return lo + static_cast<int64_t>(NextRandom(state) % static_cast<uint64_t>(hi - lo + 1));
}

std::string RandomString(uint64_t* state, std::string_view alphabet, int n) {
  std::string s;
  s.reserve(n);
  for (int i = 0; i < n; ++i) s.push_back(alphabet[NextRandom(state) % alphabet.size()]);
  return s;
}

constexpr std::string_view kHex = "0123456789abcdef";
// The alphabet Kubernetes uses for generated name suffixes.
constexpr std::string_view kKubeAlphabet = "bcdfghjklmnpqrstvwxz2456789";

std::string Uuid(uint64_t* state) {
  return RandomString(state, kHex, 8) + "-" + RandomString(state, kHex, 4) + "-" +
         RandomString(state, kHex, 4) + "-" + RandomString(state, kHex, 4) + "-" +
         RandomString(state, kHex, 12);
}

constexpr int64_t kKiB = 1024;
constexpr int64_t kMiB = 1024 * kKiB;
constexpr int64_t kGiB = 1024 * kMiB;

// --- The cluster the exporters describe. ---

struct Container {
  std::string name;
  std::string image;
  std::string image_id;
  std::string container_id;  // 64 hex digits
};

struct Pod {
  std::string ns;
  std::string name;
  std::string uid;
  std::string ip;
  std::string owner_kind;  // ReplicaSet or DaemonSet
  std::string owner_name;
  std::string app;
  std::string pod_template_hash;
  bool host_network = false;
  uint32_t node = 0;
  int64_t created_s = 0;
  std::vector<Container> containers;
};

struct Deployment {
  std::string ns;
  std::string name;
  std::string replicaset;  // current ReplicaSet name
  int replicas = 1;
  int64_t created_s = 0;
};

struct Node {
  std::string name;  // ip-10-0-3-37.ec2.internal
  std::string ip;
  std::string system_uuid;
  int64_t memory_bytes = 0;
  double load = 0;  // fraction of its CPUs busy on average
  std::vector<uint32_t> pods;
};

struct Cluster {
  std::vector<Node> nodes;
  std::vector<Pod> pods;
  std::vector<Deployment> deployments;
  std::vector<std::string> daemonsets;  // name; namespace in daemonset_ns
  std::vector<std::string> daemonset_ns;
  std::vector<std::string> namespaces;
};

constexpr int64_t kClusterCreatedS = 1696118400;  // 2023-10-01

Container MakeContainer(uint64_t* rng, const std::string& registry_path, const std::string& name) {
  Container c;
  c.name = name;
  std::string version = std::to_string(UniformInt(rng, 1, 3)) + "." + std::to_string(UniformInt(rng, 0, 40)) +
                        "." + std::to_string(UniformInt(rng, 0, 9));
  c.image = registry_path + ":" + version;
  c.image_id = registry_path + "@sha256:" + RandomString(rng, kHex, 64);
  c.container_id = RandomString(rng, kHex, 64);
  return c;
}

Cluster MakeCluster(const GeneratorOptions& options, uint64_t* rng) {
  Cluster cluster;
  // Random suffixes can collide; a repeated name would merge two series.
  std::set<std::string> used;
  auto unique = [&](const std::string& prefix, std::string_view alphabet, int n) {
    for (;;) {
      std::string name = prefix + RandomString(rng, alphabet, n);
      if (used.insert(name).second) return name;
    }
  };
  cluster.namespaces = {"default", "kube-system", "monitoring", "logging",  "ingress-nginx",
                        "shop",    "payments",    "search",     "identity", "data"};
  for (int i = 0; i < options.nodes; ++i) {
    Node n;
    std::string a = std::to_string(i / 200), b = std::to_string(20 + i % 200);
    n.ip = "10.0." + a + "." + b;
    n.name = "ip-10-0-" + a + "-" + b + ".ec2.internal";
    n.system_uuid = "ec2" + RandomString(rng, kHex, 5) + "-" + Uuid(rng).substr(9);
    n.memory_bytes = (int64_t{32} * kGiB) - UniformInt(rng, 400, 600) * kMiB;
    n.load = 0.15 + 0.5 * Uniform(rng);
    cluster.nodes.push_back(std::move(n));
  }
  auto add_pod = [&](Pod pod) {
    pod.uid = Uuid(rng);
    pod.ip = pod.host_network ? cluster.nodes[pod.node].ip
                              : "10.0." + std::to_string(64 + UniformInt(rng, 0, 63)) + "." +
                                    std::to_string(UniformInt(rng, 2, 254));
    cluster.nodes[pod.node].pods.push_back(static_cast<uint32_t>(cluster.pods.size()));
    cluster.pods.push_back(std::move(pod));
  };

  const std::vector<std::pair<std::string, std::string>> daemonsets = {{"kube-proxy", "kube-system"},
                                                                       {"aws-node", "kube-system"},
                                                                       {"node-exporter", "monitoring"},
                                                                       {"fluent-bit", "logging"}};
  for (const auto& [name, ns] : daemonsets) {
    cluster.daemonsets.push_back(name);
    cluster.daemonset_ns.push_back(ns);
    for (int i = 0; i < options.nodes; ++i) {
      Pod pod;
      pod.ns = ns;
      pod.app = name;
      pod.name = unique(name + "-", kKubeAlphabet, 5);
      pod.owner_kind = "DaemonSet";
      pod.owner_name = name;
      pod.host_network = name != "fluent-bit";
      pod.node = static_cast<uint32_t>(i);
      pod.created_s = kClusterCreatedS + UniformInt(rng, 0, 60 * 86400);
      std::string registry =
          name == "node-exporter" ? "quay.io/prometheus/node-exporter" : "registry.k8s.io/" + ns + "/" + name;
      pod.containers.push_back(MakeContainer(rng, registry, name));
      add_pod(std::move(pod));
    }
  }

  const std::vector<std::string> apps = {"api",     "web",    "worker",  "cart",     "checkout", "catalog",
                                         "ledger",  "auth",   "indexer", "frontend", "gateway",  "notifier",
                                         "billing", "orders", "ranker",  "session",  "profile",  "reports"};
  const std::vector<std::string> app_namespaces = {"default",  "shop", "payments",     "search",
                                                   "identity", "data", "ingress-nginx"};
  int64_t pods_left = int64_t{options.nodes} * std::max(0, options.pods_per_node - 4);
  int next_node = 0;
  while (pods_left > 0) {
    Deployment d;
    d.ns = app_namespaces[NextRandom(rng) % app_namespaces.size()];
    d.name = unique(apps[NextRandom(rng) % apps.size()] + "-", "abcdefghijklmnopqrstuvwxyz", 4);
    d.replicas = static_cast<int>(std::min<int64_t>(pods_left, UniformInt(rng, 1, 6)));
    d.created_s = kClusterCreatedS + UniformInt(rng, 0, 80 * 86400);
    std::string hash = RandomString(rng, kKubeAlphabet, 10);
    d.replicaset = d.name + "-" + hash;
    bool sidecar = Uniform(rng) < 0.25, reloader = Uniform(rng) < 0.06;
    for (int r = 0; r < d.replicas; ++r) {
      Pod pod;
      pod.ns = d.ns;
      pod.app = d.name;
      pod.pod_template_hash = hash;
      pod.name = unique(d.replicaset + "-", kKubeAlphabet, 5);
      pod.owner_kind = "ReplicaSet";
      pod.owner_name = d.replicaset;
      pod.node = static_cast<uint32_t>(next_node);
      next_node = (next_node + 1 + static_cast<int>(NextRandom(rng) % 3)) % options.nodes;
      pod.created_s = d.created_s + UniformInt(rng, 0, 20 * 86400);
      std::string registry = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/" + d.ns + "/" + d.name;
      pod.containers.push_back(MakeContainer(rng, registry, d.name));
      if (sidecar) pod.containers.push_back(MakeContainer(rng, "docker.io/istio/proxyv2", "istio-proxy"));
      if (reloader) {
        pod.containers.push_back(
            MakeContainer(rng, "ghcr.io/jimmidyson/configmap-reload", "config-reloader"));
      }
      add_pod(std::move(pod));
    }
    pods_left -= d.replicas;
    cluster.deployments.push_back(std::move(d));
  }
  return cluster;
}

// --- Building targets. ---

class FamilyTable {
 public:
  explicit FamilyTable(std::vector<MetricFamily>* families) : families_(families) {}
  uint32_t Get(std::string_view name, MetricType type) {
    auto it = index_.find(std::string(name));
    if (it != index_.end()) {
      assert((*families_)[it->second].type == type);
      return it->second;
    }
    auto id = static_cast<uint32_t>(families_->size());
    families_->push_back({std::string(name), type});
    index_.emplace(std::string(name), id);
    return id;
  }

 private:
  std::vector<MetricFamily>* families_;
  std::map<std::string, uint32_t, std::less<>> index_;
};

class TargetBuilder {
 public:
  TargetBuilder(FamilyTable* families, Target* target, std::vector<Label> target_labels)
      : families_(families), target_(target), target_labels_(std::move(target_labels)) {}

  void Counter(std::string_view family, std::vector<Label> labels, ValueModel model) {
    Add(family, MetricType::kCounter, "_total", std::move(labels), model);
  }
  void Gauge(std::string_view family, std::vector<Label> labels, ValueModel model) {
    Add(family, MetricType::kGauge, "", std::move(labels), model);
  }
  void Unknown(std::string_view family, std::vector<Label> labels, ValueModel model) {
    Add(family, MetricType::kUnknown, "", std::move(labels), model);
  }
  void Add(std::string_view family, MetricType type, std::string_view suffix, std::vector<Label> labels,
           ValueModel model) {
    labels.push_back({std::string(kMetricNameLabel), std::string(family) + std::string(suffix)});
    // honor_labels: what the exporter sets wins over the target's labels.
    for (const auto& tl : target_labels_) {
      bool present =
          std::any_of(labels.begin(), labels.end(), [&](const Label& l) { return l.name == tl.name; });
      if (!present) labels.push_back(tl);
    }
    target_->series.push_back({Labels::FromUnsorted(std::move(labels)), families_->Get(family, type), model});
  }

 private:
  FamilyTable* families_;
  Target* target_;
  std::vector<Label> target_labels_;
};

using VM = ValueModel;

// Go runtime and process metrics every Go exporter exposes.
void AddGoProcess(TargetBuilder& b, uint64_t* rng, int64_t rss) {
  int64_t sum_start = UniformInt(rng, 100, 900) * 1000000;
  const char* quantiles[] = {"0", "0.25", "0.5", "0.75", "1"};
  for (int i = 0; i < 5; ++i) {
    b.Add("go_gc_duration_seconds", MetricType::kSummary, "", {{"quantile", quantiles[i]}},
          VM::Walk(30000 + i * 20000, 10000, 2000000, 3000, 1, 0.1, 1e9));
  }
  b.Add("go_gc_duration_seconds", MetricType::kSummary, "_sum", {},
        VM::Counter(sum_start, 2.4e6, 1, 0.3, 1e9));
  b.Add("go_gc_duration_seconds", MetricType::kSummary, "_count", {},
        VM::Counter(sum_start / 80000, 1, 1, 0.3));
  b.Gauge("go_goroutines", {}, VM::Walk(UniformInt(rng, 8, 40), 5, 200, 1.5, 1, 0.5));
  b.Gauge("go_info", {{"version", "go1.21.6"}}, VM::Constant(1));
  b.Gauge("go_threads", {}, VM::Walk(UniformInt(rng, 8, 14), 6, 40, 0.5, 1, 0.02));
  const char* memstats_walk[] = {"go_memstats_alloc_bytes",         "go_memstats_heap_alloc_bytes",
                                 "go_memstats_heap_idle_bytes",     "go_memstats_heap_inuse_bytes",
                                 "go_memstats_heap_released_bytes", "go_memstats_stack_inuse_bytes",
                                 "go_memstats_mspan_inuse_bytes",   "go_memstats_next_gc_bytes"};
  for (const char* name : memstats_walk) {
    int64_t v = UniformInt(rng, 2 * kMiB, 12 * kMiB);
    b.Gauge(name, {}, VM::Walk(v, kMiB, 64 * kMiB, 4000, 8, 0.95));
  }
  const char* memstats_const[] = {
      "go_memstats_sys_bytes",           "go_memstats_heap_sys_bytes",     "go_memstats_stack_sys_bytes",
      "go_memstats_mspan_sys_bytes",     "go_memstats_mcache_inuse_bytes", "go_memstats_mcache_sys_bytes",
      "go_memstats_buck_hash_sys_bytes", "go_memstats_gc_sys_bytes",       "go_memstats_other_sys_bytes"};
  for (const char* name : memstats_const) {
    b.Gauge(name, {}, VM::Walk(UniformInt(rng, 16, 4096) * 1024, 16384, 64 * kMiB, 2, 8192, 0.01));
  }
  b.Gauge("go_memstats_heap_objects", {},
          VM::Walk(UniformInt(rng, 20000, 60000), 1000, 500000, 800, 1, 0.95));
  b.Gauge("go_memstats_last_gc_time_seconds", {},
          VM::Counter(1704067190LL * 1000000000 + UniformInt(rng, 0, 999999999), 40e9, 1, 0.3, 1e9));
  // A counter in the text format, but its family would clash with the gauge above in OpenMetrics.
  b.Unknown("go_memstats_alloc_bytes_total", {}, VM::Counter(UniformInt(rng, 1, 9) * kGiB, 3e6, 8, 1));
  b.Counter("go_memstats_frees", {}, VM::Counter(UniformInt(rng, 1000000, 9000000), 30000, 1, 1));
  b.Counter("go_memstats_mallocs", {}, VM::Counter(UniformInt(rng, 1000000, 9000000), 30500, 1, 1));
  b.Counter("go_memstats_lookups", {}, VM::Constant(0));
  b.Counter("process_cpu_seconds", {}, VM::Counter(UniformInt(rng, 1000, 90000), 3, 1, 0.9, 100));
  b.Gauge("process_max_fds", {}, VM::Constant(1048576));
  b.Gauge("process_open_fds", {}, VM::Walk(UniformInt(rng, 9, 14), 8, 30, 0.7, 1, 0.05));
  b.Gauge("process_resident_memory_bytes", {}, VM::Walk(rss, rss / 2, rss * 2, 150, 4096, 0.9));
  b.Gauge("process_start_time_seconds", {}, VM::Constant(170390000000 + UniformInt(rng, 0, 99999), 100));
  b.Gauge("process_virtual_memory_bytes", {},
          VM::Walk(UniformInt(rng, 700, 800) * kMiB, 0, 2 * kGiB, 0.3, kMiB, 0.02));
  for (const char* code : {"200", "500", "503"}) {
    bool ok = std::string_view(code) == "200";
    b.Counter("promhttp_metric_handler_requests", {{"code", code}},
              ok ? VM::Counter(UniformInt(rng, 10000, 90000), 1, 1, 1) : VM::Constant(0));
  }
  b.Gauge("promhttp_metric_handler_requests_in_flight", {}, VM::Constant(1));
  for (const char* cause : {"encoding", "gathering"}) {
    b.Counter("promhttp_metric_handler_errors", {{"cause", cause}}, VM::Constant(0));
  }
}

void AddNodeExporter(TargetBuilder& b, const Cluster& cluster, const Node& node, int cpus, uint64_t* rng) {
  // CPU: two-decimal seconds (USER_HZ is 100), split between modes.
  const std::pair<const char*, double> modes[] = {{"idle", -1},     {"iowait", 0.01},   {"irq", 0},
                                                  {"nice", 0.0005}, {"softirq", 0.008}, {"steal", 0.002},
                                                  {"system", 0.25}, {"user", 0.72}};
  int64_t uptime_cs = UniformInt(rng, 5, 60) * 86400 * 100;
  for (int c = 0; c < cpus; ++c) {
    std::string cpu = std::to_string(c);
    double busy = node.load * (0.6 + 0.8 * Uniform(rng));
    for (const auto& [mode, share] : modes) {
      double fraction = share < 0 ? 1 - busy : busy * share;
      double step = fraction * 15 * 100;
      ValueModel m = step == 0 ? VM::Constant(0, 100)
                               : VM::Counter(static_cast<int64_t>(uptime_cs * fraction), step, 1,
                                             step < 5 ? 0.3 : 1, 100);
      b.Counter("node_cpu_seconds", {{"cpu", cpu}, {"mode", mode}}, m);
    }
    for (const char* mode : {"nice", "user"}) {
      b.Counter("node_cpu_guest_seconds", {{"cpu", cpu}, {"mode", mode}}, VM::Constant(0));
    }
    b.Gauge("node_cpu_scaling_frequency_hertz", {{"cpu", cpu}},
            VM::Walk(UniformInt(rng, 2400000, 3100000) * 1000, 1200000000, 3500000000, 150000, 1000, 0.9));
    b.Counter("node_softnet_processed", {{"cpu", cpu}},
              VM::Counter(UniformInt(rng, 1000000, 90000000), 4000));
    b.Counter("node_softnet_dropped", {{"cpu", cpu}}, VM::Constant(0));
    b.Counter("node_softnet_times_squeezed", {{"cpu", cpu}},
              VM::Counter(UniformInt(rng, 10, 900), 1, 1, 0.05));
    // Scheduler statistics are nanoseconds printed as seconds: full precision.
    b.Counter("node_schedstat_running_seconds", {{"cpu", cpu}},
              VM::Counter(uptime_cs * 10000000 / 3, busy * 15e9, 1, 1, 1e9));
    b.Counter("node_schedstat_waiting_seconds", {{"cpu", cpu}},
              VM::Counter(uptime_cs * 1000000 / 7, busy * 1.5e9, 1, 1, 1e9));
    b.Counter("node_schedstat_timeslices", {{"cpu", cpu}}, VM::Counter(uptime_cs * 3, 9000));
  }

  // Memory: bytes in pages; totals fixed, the rest moving by pages.
  int64_t total = node.memory_bytes;
  auto mem_walk = [&](double share, double p) {
    int64_t v = static_cast<int64_t>(total * share) / 4096 * 4096;
    return VM::Walk(v, v / 2 / 4096 * 4096, std::min(total, v * 2) / 4096 * 4096, 300, 4096, p);
  };
  const std::pair<const char*, double> mem_moving[] = {
      {"MemFree", 0.30},      {"MemAvailable", 0.55},  {"Buffers", 0.01},      {"Cached", 0.25},
      {"Active", 0.35},       {"Inactive", 0.2},       {"Active_anon", 0.25},  {"Inactive_anon", 0.01},
      {"Active_file", 0.1},   {"Inactive_file", 0.19}, {"Dirty", 0.0001},      {"AnonPages", 0.25},
      {"Mapped", 0.03},       {"Shmem", 0.005},        {"KReclaimable", 0.02}, {"Slab", 0.03},
      {"SReclaimable", 0.02}, {"SUnreclaim", 0.01},    {"PageTables", 0.004},  {"Committed_AS", 0.6}};
  for (const auto& [name, share] : mem_moving) {
    b.Gauge(std::string("node_memory_") + name + "_bytes", {}, mem_walk(share, name[0] == 'D' ? 0.8 : 0.95));
  }
  b.Gauge("node_memory_KernelStack_bytes", {},
          VM::Walk(UniformInt(rng, 600, 900) * 16384, 16384, kGiB, 3, 16384, 0.6));
  b.Gauge("node_memory_Writeback_bytes", {}, VM::Walk(0, 0, 64 * kMiB, 2, 4096, 0.05));
  b.Gauge("node_memory_AnonHugePages_bytes", {},
          VM::Walk(UniformInt(rng, 50, 400) * 2 * kMiB, 0, 4 * kGiB, 1, 2 * kMiB, 0.1));
  b.Gauge("node_memory_VmallocUsed_bytes", {},
          VM::Walk(UniformInt(rng, 9000, 12000) * 4096, 0, kGiB, 2, 4096, 0.1));
  b.Gauge("node_memory_Percpu_bytes", {},
          VM::Walk(UniformInt(rng, 1000, 3000) * 4096, 0, kGiB, 1, 4096, 0.02));
  const std::pair<const char*, int64_t> mem_fixed[] = {
      {"MemTotal_bytes", total},
      {"SwapTotal_bytes", 0},
      {"SwapFree_bytes", 0},
      {"SwapCached_bytes", 0},
      {"Unevictable_bytes", 0},
      {"Mlocked_bytes", 0},
      {"NFS_Unstable_bytes", 0},
      {"Bounce_bytes", 0},
      {"WritebackTmp_bytes", 0},
      {"CommitLimit_bytes", total / 2},
      {"VmallocTotal_bytes", 35184372087808},
      {"VmallocChunk_bytes", 0},
      {"HardwareCorrupted_bytes", 0},
      {"ShmemHugePages_bytes", 0},
      {"ShmemPmdMapped_bytes", 0},
      {"FileHugePages_bytes", 0},
      {"FilePmdMapped_bytes", 0},
      {"HugePages_Total", 0},
      {"HugePages_Free", 0},
      {"HugePages_Rsvd", 0},
      {"HugePages_Surp", 0},
      {"Hugepagesize_bytes", 2 * kMiB},
      {"DirectMap4k_bytes", UniformInt(rng, 200, 400) * kMiB},
      {"DirectMap2M_bytes", 30 * kGiB},
      {"DirectMap1G_bytes", 3 * kGiB}};
  for (const auto& [name, v] : mem_fixed) b.Gauge(std::string("node_memory_") + name, {}, VM::Constant(v));

  // vmstat and PSI.
  const std::pair<const char*, double> vmstat[] = {{"pgpgin", 300}, {"pgpgout", 2500},  {"pswpin", 0},
                                                   {"pswpout", 0},  {"pgfault", 90000}, {"pgmajfault", 2},
                                                   {"oom_kill", 0}};
  for (const auto& [name, step] : vmstat) {
    b.Unknown(std::string("node_vmstat_") + name, {},
              step == 0 ? VM::Constant(0)
                        : VM::Counter(UniformInt(rng, 1000000, 900000000), step, 1, step < 5 ? 0.2 : 1));
  }
  const std::pair<const char*, double> psi[] = {{"node_pressure_cpu_waiting_seconds", 40000},
                                                {"node_pressure_io_waiting_seconds", 9000},
                                                {"node_pressure_io_stalled_seconds", 7000},
                                                {"node_pressure_memory_waiting_seconds", 100},
                                                {"node_pressure_memory_stalled_seconds", 80}};
  for (const auto& [name, step] : psi) {
    b.Counter(name, {},
              VM::Counter(UniformInt(rng, 1000, 90000) * 1000000, step, 1, step < 1000 ? 0.2 : 1, 1e6));
  }

  // Block devices: sectors of 512 bytes, times in milliseconds.
  for (const char* dev : {"nvme0n1", "nvme1n1", "dm-0"}) {
    std::vector<Label> d = {{"device", dev}};
    double io = 0.5 + Uniform(rng);
    b.Counter("node_disk_reads_completed", d, VM::Counter(UniformInt(rng, 100000, 9000000), 15 * io, 1, 0.9));
    b.Counter("node_disk_reads_merged", d, VM::Counter(UniformInt(rng, 1000, 900000), 2 * io, 1, 0.5));
    b.Counter("node_disk_read_bytes", d,
              VM::Counter(UniformInt(rng, 1000, 90000) * kMiB, 15 * io * 16384, 512, 0.9));
    b.Counter("node_disk_read_time_seconds", d,
              VM::Counter(UniformInt(rng, 10000, 900000), 15 * io, 1, 0.9, 1000));
    b.Counter("node_disk_writes_completed", d, VM::Counter(UniformInt(rng, 1000000, 90000000), 180 * io));
    b.Counter("node_disk_writes_merged", d, VM::Counter(UniformInt(rng, 100000, 9000000), 60 * io));
    b.Counter("node_disk_written_bytes", d,
              VM::Counter(UniformInt(rng, 1000, 900000) * kMiB, 180 * io * 12288, 4096));
    b.Counter("node_disk_write_time_seconds", d,
              VM::Counter(UniformInt(rng, 100000, 9000000), 120 * io, 1, 1, 1000));
    b.Gauge("node_disk_io_now", d, VM::Walk(0, 0, 12, 1, 1, 0.3));
    b.Counter("node_disk_io_time_seconds", d,
              VM::Counter(UniformInt(rng, 100000, 9000000), 160 * io, 1, 1, 1000));
    b.Counter("node_disk_io_time_weighted_seconds", d,
              VM::Counter(UniformInt(rng, 100000, 9000000), 240 * io, 1, 1, 1000));
    b.Counter("node_disk_discards_completed", d, VM::Counter(UniformInt(rng, 100, 9000), 3, 1, 0.01));
    b.Counter("node_disk_discards_merged", d, VM::Constant(0));
    b.Counter("node_disk_discarded_sectors", d,
              VM::Counter(UniformInt(rng, 1000000, 90000000), 40000, 8, 0.01));
    b.Counter("node_disk_discard_time_seconds", d, VM::Counter(UniformInt(rng, 100, 9000), 4, 1, 0.01, 1000));
    b.Counter("node_disk_flush_requests", d, VM::Counter(UniformInt(rng, 100000, 900000), 12 * io, 1, 0.95));
    b.Counter("node_disk_flush_requests_time_seconds", d,
              VM::Counter(UniformInt(rng, 10000, 90000), 4 * io, 1, 0.6, 1000));
    b.Gauge("node_disk_info",
            {{"device", dev},
             {"major", dev[0] == 'd' ? "253" : "259"},
             {"minor", std::to_string(UniformInt(rng, 0, 9))},
             {"model", dev[0] == 'd' ? "" : "Amazon Elastic Block Store"},
             {"path", "pci-0000:00:1" + std::to_string(UniformInt(rng, 0, 9)) + ".0-nvme-1"},
             {"revision", "1.0"},
             {"serial", "vol0" + RandomString(rng, kHex, 16)}},
            VM::Constant(1));
  }

  // Network: the host interfaces in full, and one interface per pod network.
  auto add_iface = [&](const std::string& dev, double traffic, bool host) {
    std::vector<Label> d = {{"device", dev}};
    double pps = traffic / 900;
    b.Counter("node_network_receive_bytes", d, VM::Counter(UniformInt(rng, 1, 900) * kGiB, traffic * 15));
    b.Counter("node_network_transmit_bytes", d, VM::Counter(UniformInt(rng, 1, 900) * kGiB, traffic * 13));
    b.Counter("node_network_receive_packets", d, VM::Counter(UniformInt(rng, 1, 900) * 1000000, pps * 15));
    b.Counter("node_network_transmit_packets", d, VM::Counter(UniformInt(rng, 1, 900) * 1000000, pps * 14));
    b.Counter("node_network_receive_errs", d, VM::Counter(0, 1, 1, 0.0005));
    b.Counter("node_network_transmit_errs", d, VM::Constant(0));
    b.Counter("node_network_receive_drop", d, VM::Counter(UniformInt(rng, 0, 900), 1, 1, 0.01));
    b.Counter("node_network_transmit_drop", d, VM::Constant(0));
    const char* zero[] = {"receive_fifo",        "transmit_fifo",  "receive_frame",   "receive_compressed",
                          "transmit_compressed", "transmit_colls", "transmit_carrier"};
    for (const char* z : zero) b.Counter(std::string("node_network_") + z, d, VM::Constant(0));
    b.Counter("node_network_receive_multicast", d, VM::Counter(UniformInt(rng, 0, 90000), 1, 1, 0.1));
    b.Gauge("node_network_up", d, VM::Constant(dev == "lo" ? 0 : 1));
    b.Gauge("node_network_mtu_bytes", d, VM::Constant(dev == "lo" ? 65536 : 9001));
    b.Gauge("node_network_carrier", d, VM::Constant(1));
    b.Gauge("node_network_flags", d, VM::Constant(dev == "lo" ? 9 : 4099));
    b.Gauge("node_network_iface_id", d, VM::Constant(UniformInt(rng, 1, 300)));
    b.Gauge("node_network_info",
            {{"address", RandomString(rng, kHex, 2) + ":" + RandomString(rng, kHex, 2) + ":" +
                             RandomString(rng, kHex, 2) + ":" + RandomString(rng, kHex, 2) + ":" +
                             RandomString(rng, kHex, 2) + ":" + RandomString(rng, kHex, 2)},
             {"broadcast", "ff:ff:ff:ff:ff:ff"},
             {"device", dev},
             {"duplex", host ? "full" : ""},
             {"ifalias", ""},
             {"operstate", "up"}},
            VM::Constant(1));
    if (!host) return;
    const char* host_only[] = {"iface_link",      "address_assign_type", "device_id",    "dormant",
                               "iface_link_mode", "net_dev_group",       "protocol_type"};
    for (const char* g : host_only) b.Gauge(std::string("node_network_") + g, d, VM::Constant(0));
    b.Gauge("node_network_transmit_queue_length", d, VM::Constant(1000));
    b.Gauge("node_network_speed_bytes", d, VM::Constant(dev == "lo" ? -125000 : 3125000000));
    b.Counter("node_network_carrier_changes", d, VM::Constant(2));
    b.Counter("node_network_carrier_up_changes", d, VM::Constant(1));
    b.Counter("node_network_carrier_down_changes", d, VM::Constant(1));
  };
  add_iface("lo", 200000, true);
  add_iface("eth0", 4000000 * node.load, true);
  add_iface("eth1", 500000 * node.load, true);
  for (uint32_t p : node.pods) {
    if (cluster.pods[p].host_network) continue;
    add_iface("eni" + RandomString(rng, kHex, 11), 30000 + 300000 * Uniform(rng), false);
  }

  // File systems: kube-prometheus excludes the per-pod mounts.
  const std::tuple<const char*, const char*, const char*, int64_t> mounts[] = {
      {"/dev/nvme0n1p1", "/", "xfs", 80 * kGiB},
      {"/dev/nvme0n1p128", "/boot/efi", "vfat", 10 * kMiB},
      {"/dev/nvme1n1", "/var/lib/containerd", "xfs", 200 * kGiB},
      {"tmpfs", "/run", "tmpfs", total / 2},
      {"shm", "/run/containerd/io.containerd.grpc.v1.cri/sandboxes/shm", "tmpfs", 64 * kMiB}};
  for (const auto& [device, mountpoint, fstype, size] : mounts) {
    std::vector<Label> f = {{"device", device}, {"fstype", fstype}, {"mountpoint", mountpoint}};
    int64_t blocks = size / 4096;
    int64_t free_blocks = blocks * UniformInt(rng, 20, 90) / 100;
    bool busy = std::string_view(fstype) == "xfs";
    ValueModel free_bytes = busy ? VM::Walk(free_blocks * 4096, 0, size, 40, 4096, 0.7)
                                 : VM::Walk(free_blocks * 4096, 0, size, 1, 4096, 0.02);
    b.Gauge("node_filesystem_size_bytes", f, VM::Constant(blocks * 4096));
    b.Gauge("node_filesystem_free_bytes", f, free_bytes);
    b.Gauge("node_filesystem_avail_bytes", f, free_bytes);
    int64_t files = size / 16384;
    b.Gauge("node_filesystem_files", f, VM::Constant(files));
    b.Gauge("node_filesystem_files_free", f, VM::Walk(files * 9 / 10, 0, files, 3, 1, busy ? 0.3 : 0.01));
    b.Gauge("node_filesystem_readonly", f, VM::Constant(0));
    b.Gauge("node_filesystem_device_error", f, VM::Constant(0));
  }

  // Kernel-wide gauges and counters.
  // Load averages with two decimals; the longer the average, the smaller its moves.
  int64_t load_x100 = static_cast<int64_t>(node.load * cpus * 100);
  const std::pair<const char*, double> loads[] = {{"node_load1", 15}, {"node_load5", 6}, {"node_load15", 3}};
  for (const auto& [name, step] : loads)
    b.Gauge(name, {}, VM::Walk(load_x100, 0, cpus * 200, step, 1, 1, 100));
  b.Gauge("node_boot_time_seconds", {}, VM::Constant(1704067200 - uptime_cs / 100));
  b.Gauge("node_time_seconds", {}, VM::ScrapeTime());
  b.Counter("node_context_switches", {}, VM::Counter(UniformInt(rng, 1, 90) * 1000000000, 15 * 9000 * cpus));
  b.Counter("node_intr", {}, VM::Counter(UniformInt(rng, 1, 90) * 1000000000, 15 * 5000 * cpus));
  b.Counter("node_forks", {}, VM::Counter(UniformInt(rng, 1, 90) * 1000000, 15 * 20));
  b.Gauge("node_procs_running", {}, VM::Walk(3, 1, cpus * 2, 1.5, 1, 0.8));
  b.Gauge("node_procs_blocked", {}, VM::Walk(0, 0, 4, 0.6, 1, 0.1));
  b.Gauge("node_entropy_available_bits", {}, VM::Constant(256));
  b.Gauge("node_entropy_pool_size_bits", {}, VM::Constant(256));
  b.Gauge("node_filefd_allocated", {}, VM::Walk(UniformInt(rng, 5000, 20000), 1000, 100000, 30, 32, 0.9));
  b.Gauge("node_filefd_maximum", {}, VM::Constant(9223372036854775807LL));
  const std::pair<const char*, int> sockstat[] = {
      {"TCP_alloc", 400}, {"TCP_inuse", 300}, {"TCP_mem", 90},    {"TCP_mem_bytes", 0}, {"TCP_orphan", 0},
      {"TCP_tw", 200},    {"UDP_inuse", 8},   {"UDP_mem", 4},     {"UDP_mem_bytes", 0}, {"sockets_used", 900},
      {"FRAG_inuse", 0},  {"RAW_inuse", 0},   {"TCP6_inuse", 12}, {"UDP6_inuse", 3}};
  for (const auto& [name, v] : sockstat) {
    std::string metric = std::string("node_sockstat_") + name;
    if (std::string_view(name) == "TCP_mem_bytes" || std::string_view(name) == "UDP_mem_bytes") {
      b.Gauge(metric, {}, VM::Walk(90 * 4096, 0, 100 * kMiB, 8, 4096, 0.9));
    } else if (v == 0) {
      b.Gauge(metric, {}, VM::Constant(0));
    } else {
      b.Gauge(metric, {}, VM::Walk(v, 0, v * 4, std::max(1.0, v / 60.0), 1, 0.8));
    }
  }
  const std::pair<const char*, double> netstat[] = {
      {"Tcp_ActiveOpens", 40},       {"Tcp_PassiveOpens", 30},     {"Tcp_InSegs", 9000},
      {"Tcp_OutSegs", 9500},         {"Tcp_RetransSegs", 3},       {"Tcp_InErrs", 0},
      {"Tcp_OutRsts", 20},           {"Udp_InDatagrams", 300},     {"Udp_OutDatagrams", 300},
      {"Udp_InErrors", 0},           {"Udp_NoPorts", 0.5},         {"TcpExt_ListenDrops", 0},
      {"TcpExt_ListenOverflows", 0}, {"TcpExt_SyncookiesSent", 0}, {"TcpExt_TCPTimeouts", 1},
      {"TcpExt_TCPSynRetrans", 0.5}, {"Icmp_InMsgs", 2},           {"Icmp_OutMsgs", 2},
      {"Icmp_InErrors", 0},          {"IpExt_InOctets", 4e6},      {"IpExt_OutOctets", 4e6},
      {"Ip6_InOctets", 2000},        {"Ip6_OutOctets", 2000},      {"Udp6_InDatagrams", 3},
      {"Udp6_OutDatagrams", 3}};
  for (const auto& [name, step] : netstat) {
    b.Unknown(std::string("node_netstat_") + name, {},
              step == 0 ? VM::Constant(UniformInt(rng, 0, 3))
                        : VM::Counter(UniformInt(rng, 1000000, 900000000), step * node.load * 4, 1,
                                      step < 2 ? 0.3 : 1));
  }
  b.Gauge("node_netstat_Tcp_CurrEstab", {}, VM::Walk(UniformInt(rng, 100, 400), 10, 2000, 4, 1, 0.8));
  b.Gauge("node_nf_conntrack_entries", {}, VM::Walk(UniformInt(rng, 1000, 4000), 100, 100000, 20, 1, 1));
  b.Gauge("node_nf_conntrack_entries_limit", {}, VM::Constant(262144));
  b.Gauge("node_timex_offset_seconds", {}, VM::Noise(-900000, 900000, 1e9));
  b.Gauge("node_timex_frequency_adjustment_ratio", {},
          VM::Walk(1000012000, 999900000, 1000100000, 300, 1, 1, 1e9));
  b.Gauge("node_timex_maxerror_seconds", {},
          VM::Walk(UniformInt(rng, 1000, 9000), 0, 100000, 300, 1, 1, 1e6));
  b.Gauge("node_timex_estimated_error_seconds", {},
          VM::Walk(UniformInt(rng, 10, 900), 0, 10000, 5, 1, 0.5, 1e6));
  b.Gauge("node_timex_sync_status", {}, VM::Constant(1));
  b.Gauge("node_timex_status", {}, VM::Constant(8193));
  b.Gauge("node_timex_loop_time_constant", {}, VM::Constant(2));
  b.Gauge("node_timex_tick_seconds", {}, VM::Constant(10000, 1e6));
  b.Gauge("node_timex_tai_offset_seconds", {}, VM::Constant(0));
  b.Gauge("node_uname_info",
          {{"domainname", "(none)"},
           {"machine", "x86_64"},
           {"nodename", node.name},
           {"release", "5.10.205-195.807.amzn2.x86_64"},
           {"sysname", "Linux"},
           {"version", "#1 SMP Tue Jan 16 18:28:59 UTC 2024"}},
          VM::Constant(1));
  b.Gauge("node_os_info",
          {{"build_id", ""},
           {"id", "amzn"},
           {"id_like", "centos rhel fedora"},
           {"name", "Amazon Linux"},
           {"pretty_name", "Amazon Linux 2"},
           {"variant", ""},
           {"variant_id", ""},
           {"version", "2"},
           {"version_codename", ""},
           {"version_id", "2"}},
          VM::Constant(1));
  b.Gauge("node_os_version", {{"id", "amzn"}, {"id_like", "centos rhel fedora"}, {"name", "Amazon Linux"}},
          VM::Constant(2));
  b.Gauge("node_textfile_scrape_error", {}, VM::Constant(0));
  b.Gauge("node_selinux_enabled", {}, VM::Constant(0));
  b.Gauge("node_arp_entries", {{"device", "eth0"}}, VM::Walk(UniformInt(rng, 3, 20), 1, 60, 1, 1, 0.05));
  b.Gauge("node_exporter_build_info",
          {{"branch", "HEAD"},
           {"goarch", "amd64"},
           {"goos", "linux"},
           {"goversion", "go1.21.6"},
           {"revision", "7333465abf9efba81876303bb57e6fadb946041b"},
           {"tags", "netgo osusergo static_build"},
           {"version", "1.7.0"}},
          VM::Constant(1));

  // Temperatures with one decimal; the sensor moves by tenths.
  for (int chip = 0; chip < 2; ++chip) {
    std::string chip_name = "platform_coretemp_" + std::to_string(chip);
    b.Gauge("node_hwmon_chip_names", {{"chip", chip_name}, {"chip_name", "coretemp"}}, VM::Constant(1));
    for (int s = 1; s <= 4; ++s) {
      int64_t temp = 400 + static_cast<int64_t>(node.load * 300) + UniformInt(rng, 0, 60);
      b.Gauge("node_hwmon_temp_celsius", {{"chip", chip_name}, {"sensor", "temp" + std::to_string(s)}},
              VM::Walk(temp, 300, 950, 8, 1, 0.9, 10));
    }
  }

  const char* collectors[] = {
      "arp",       "bcache",     "bonding",      "btrfs",   "conntrack",    "cpu",        "cpufreq",
      "diskstats", "dmi",        "edac",         "entropy", "fibrechannel", "filefd",     "filesystem",
      "hwmon",     "infiniband", "ipvs",         "loadavg", "mdadm",        "meminfo",    "netclass",
      "netdev",    "netstat",    "nfs",          "nfsd",    "nvme",         "os",         "powersupplyclass",
      "pressure",  "rapl",       "schedstat",    "selinux", "sockstat",     "softnet",    "stat",
      "tapestats", "textfile",   "thermal_zone", "time",    "timex",        "udp_queues", "uname",
      "vmstat",    "xfs",        "zfs"};
  for (const char* collector : collectors) {
    int64_t typical = UniformInt(rng, 20000, 3000000);
    b.Gauge("node_scrape_collector_duration_seconds", {{"collector", collector}},
            VM::Noise(typical / 2, typical * 2, 1e9));
    b.Gauge("node_scrape_collector_success", {{"collector", collector}}, VM::Constant(1));
  }

  AddGoProcess(b, rng, UniformInt(rng, 4000, 6000) * 4096);
}

void AddCadvisor(TargetBuilder& b, const Cluster& cluster, const Node& node, uint64_t* rng) {
  // The cgroup hierarchy of the node itself, then each pod and its containers.
  const char* cgroups[] = {"/",
                           "/kubepods.slice",
                           "/kubepods.slice/kubepods-burstable.slice",
                           "/kubepods.slice/kubepods-besteffort.slice",
                           "/system.slice",
                           "/system.slice/containerd.service",
                           "/system.slice/kubelet.service",
                           "/system.slice/sshd.service",
                           "/system.slice/systemd-journald.service",
                           "/user.slice"};
  auto cgroup_metrics = [&](std::vector<Label> labels, double cpu_cores, int64_t memory) {
    b.Counter("container_cpu_usage_seconds", labels,
              VM::Counter(UniformInt(rng, 1000, 9000000) * 1000000, cpu_cores * 15e9, 1, 1, 1e9));
    int64_t mem = memory / 4096 * 4096;
    b.Gauge("container_memory_usage_bytes", labels, VM::Walk(mem, mem / 2, mem * 2, 200, 4096, 0.95));
    b.Gauge("container_memory_working_set_bytes", labels,
            VM::Walk(mem * 4 / 5 / 4096 * 4096, mem / 3, mem * 2, 150, 4096, 0.95));
    b.Gauge("container_memory_rss", labels,
            VM::Walk(mem * 3 / 5 / 4096 * 4096, mem / 4, mem * 2, 120, 4096, 0.9));
    b.Gauge("container_memory_cache", labels, VM::Walk(mem / 5 / 4096 * 4096, 0, mem, 40, 4096, 0.7));
  };
  for (const char* cg : cgroups) {
    cgroup_metrics(
        {{"container", ""}, {"id", cg}, {"image", ""}, {"name", ""}, {"namespace", ""}, {"pod", ""}},
        node.load * 2 * Uniform(rng), UniformInt(rng, 64, 8192) * kMiB);
  }
  for (uint32_t p : node.pods) {
    const Pod& pod = cluster.pods[p];
    std::string uid_slice = pod.uid;
    std::replace(uid_slice.begin(), uid_slice.end(), '-', '_');
    std::string pod_cgroup =
        "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + uid_slice + ".slice";
    std::vector<Label> pod_labels = {{"container", ""}, {"id", pod_cgroup},    {"image", ""},
                                     {"name", ""},      {"namespace", pod.ns}, {"pod", pod.name}};
    double cores = 0.02 + 0.4 * Uniform(rng) * node.load;
    int64_t memory = UniformInt(rng, 32, 2048) * kMiB;
    cgroup_metrics(pod_labels, cores, memory);
    if (!pod.host_network) {
      double traffic = 20000 + 400000 * Uniform(rng);
      std::vector<Label> net = pod_labels;
      net.push_back({"interface", "eth0"});
      b.Counter("container_network_receive_bytes", net,
                VM::Counter(UniformInt(rng, 1, 90) * kGiB, traffic * 15));
      b.Counter("container_network_transmit_bytes", net,
                VM::Counter(UniformInt(rng, 1, 90) * kGiB, traffic * 12));
      b.Counter("container_network_receive_packets", net,
                VM::Counter(UniformInt(rng, 1, 90) * 1000000, traffic / 60));
      b.Counter("container_network_transmit_packets", net,
                VM::Counter(UniformInt(rng, 1, 90) * 1000000, traffic / 70));
      b.Counter("container_network_receive_packets_dropped", net, VM::Counter(0, 1, 1, 0.002));
      b.Counter("container_network_transmit_packets_dropped", net, VM::Constant(0));
      b.Counter("container_network_receive_errors", net, VM::Constant(0));
      b.Counter("container_network_transmit_errors", net, VM::Constant(0));
    }
    for (const Container& c : pod.containers) {
      std::vector<Label> l = {
          {"container", c.name}, {"id", pod_cgroup + "/cri-containerd-" + c.container_id + ".scope"},
          {"image", c.image},    {"name", c.container_id},
          {"namespace", pod.ns}, {"pod", pod.name}};
      double share = c.name == "istio-proxy" ? 0.15 : (c.name == "config-reloader" ? 0.01 : 0.8);
      cgroup_metrics(l, cores * share, static_cast<int64_t>(memory * share));
      bool limited = Uniform(rng) < 0.6;
      b.Counter("container_cpu_cfs_periods", l,
                limited ? VM::Counter(UniformInt(rng, 100000, 9000000), 150) : VM::Constant(0));
      b.Counter("container_cpu_cfs_throttled_periods", l,
                limited ? VM::Counter(UniformInt(rng, 100, 90000), 2, 1, 0.1) : VM::Constant(0));
      b.Counter(
          "container_cpu_cfs_throttled_seconds", l,
          limited ? VM::Counter(UniformInt(rng, 100, 90000) * 1000000, 2e8, 1, 0.1, 1e9) : VM::Constant(0));
      b.Gauge("container_memory_max_usage_bytes", l, VM::Constant(memory * 3 / 2 / 4096 * 4096));
      b.Counter("container_memory_failcnt", l, VM::Constant(0));
      std::vector<Label> fs = l;
      fs.push_back({"device", "/dev/nvme1n1"});
      b.Counter("container_fs_reads_bytes", fs,
                VM::Counter(UniformInt(rng, 1, 900) * kMiB, 2 * 4096, 4096, 0.05));
      b.Counter("container_fs_writes_bytes", fs,
                VM::Counter(UniformInt(rng, 1, 900) * kMiB, 20 * 4096, 4096, 0.4));
      b.Counter("container_fs_reads", fs, VM::Counter(UniformInt(rng, 100, 90000), 2, 1, 0.05));
      b.Counter("container_fs_writes", fs, VM::Counter(UniformInt(rng, 1000, 900000), 20, 1, 0.4));
      // cAdvisor stamps this with its own housekeeping time: whole seconds.
      b.Gauge("container_last_seen", l, VM::Counter(1704067200 + UniformInt(rng, -3, 0), 15, 1));
      b.Gauge("container_start_time_seconds", l, VM::Constant(pod.created_s + UniformInt(rng, 2, 60)));
      b.Gauge("container_threads", l, VM::Walk(UniformInt(rng, 8, 60), 1, 500, 1, 1, 0.2));
      b.Gauge("container_processes", l, VM::Walk(1, 1, 10, 0.5, 1, 0.01));
      b.Gauge("container_sockets", l, VM::Walk(UniformInt(rng, 2, 40), 0, 500, 1.5, 1, 0.4));
      b.Counter("container_oom_events", l, VM::Constant(0));
    }
  }
}

void AddKubeStateMetrics(TargetBuilder& b, const Cluster& cluster, uint64_t* rng) {
  for (const std::string& ns : cluster.namespaces) {
    std::vector<Label> l = {{"namespace", ns}};
    b.Gauge("kube_namespace_created", l, VM::Constant(kClusterCreatedS + UniformInt(rng, 0, 86400)));
    b.Gauge("kube_namespace_labels", l, VM::Constant(1));
    for (const char* phase : {"Active", "Terminating"}) {
      b.Gauge("kube_namespace_status_phase", {{"namespace", ns}, {"phase", phase}},
              VM::Constant(phase[0] == 'A' ? 1 : 0));
    }
  }
  for (const Node& node : cluster.nodes) {
    std::vector<Label> n = {{"node", node.name}};
    b.Gauge("kube_node_info",
            {{"container_runtime_version", "containerd://1.7.11"},
             {"internal_ip", node.ip},
             {"kernel_version", "5.10.205-195.807.amzn2.x86_64"},
             {"kubelet_version", "v1.28.5-eks-5e0fdde"},
             {"kubeproxy_version", "v1.28.5-eks-5e0fdde"},
             {"node", node.name},
             {"os_image", "Amazon Linux 2"},
             {"pod_cidr", ""},
             {"provider_id", "aws:///eu-west-1a/i-0" + RandomString(rng, kHex, 16)},
             {"system_uuid", node.system_uuid}},
            VM::Constant(1));
    b.Gauge("kube_node_labels", n, VM::Constant(1));
    b.Gauge("kube_node_created", n, VM::Constant(kClusterCreatedS + UniformInt(rng, 0, 90 * 86400)));
    b.Gauge("kube_node_spec_unschedulable", n, VM::Constant(0));
    for (const char* condition : {"DiskPressure", "MemoryPressure", "PIDPressure", "Ready"}) {
      bool ready = std::string_view(condition) == "Ready";
      for (const char* status : {"false", "true", "unknown"}) {
        bool on = (std::string_view(status) == "true") == ready && std::string_view(status) != "unknown";
        b.Gauge("kube_node_status_condition",
                {{"condition", condition}, {"node", node.name}, {"status", status}},
                VM::Constant(on ? 1 : 0));
      }
    }
    const std::tuple<const char*, const char*, int64_t> resources[] = {
        {"cpu", "core", 8},
        {"ephemeral_storage", "byte", 85886742528},
        {"memory", "byte", node.memory_bytes},
        {"pods", "integer", 58},
        {"hugepages_1Gi", "byte", 0},
        {"hugepages_2Mi", "byte", 0}};
    for (const auto& [resource, unit, v] : resources) {
      std::vector<Label> r = {{"node", node.name}, {"resource", resource}, {"unit", unit}};
      b.Gauge("kube_node_status_capacity", r, VM::Constant(v));
      bool cpu = std::string_view(resource) == "cpu";
      b.Gauge("kube_node_status_allocatable", r, cpu ? VM::Constant(7910, 1000) : VM::Constant(v * 9 / 10));
    }
  }
  for (const Deployment& d : cluster.deployments) {
    std::vector<Label> l = {{"deployment", d.name}, {"namespace", d.ns}};
    b.Gauge("kube_deployment_created", l, VM::Constant(d.created_s));
    b.Gauge("kube_deployment_labels", l, VM::Constant(1));
    b.Gauge("kube_deployment_metadata_generation", l, VM::Constant(UniformInt(rng, 1, 40)));
    b.Gauge("kube_deployment_status_observed_generation", l, VM::Constant(UniformInt(rng, 1, 40)));
    b.Gauge("kube_deployment_spec_paused", l, VM::Constant(0));
    b.Gauge("kube_deployment_spec_replicas", l, VM::Constant(d.replicas));
    b.Gauge("kube_deployment_spec_strategy_rollingupdate_max_surge", l,
            VM::Constant(std::max(1, d.replicas / 4)));
    b.Gauge("kube_deployment_spec_strategy_rollingupdate_max_unavailable", l, VM::Constant(0));
    for (const char* series : {"replicas", "replicas_available", "replicas_ready", "replicas_updated"}) {
      b.Gauge(std::string("kube_deployment_status_") + series, l,
              VM::Walk(d.replicas, d.replicas - 1, d.replicas, 1, 1, 0.002));
    }
    b.Gauge("kube_deployment_status_replicas_unavailable", l, VM::Walk(0, 0, 1, 1, 1, 0.002));
    for (const char* condition : {"Available", "Progressing"}) {
      for (const char* status : {"false", "true", "unknown"}) {
        std::vector<Label> c = l;
        c.push_back({"condition", condition});
        c.push_back({"status", status});
        b.Gauge("kube_deployment_status_condition", c,
                VM::Constant(std::string_view(status) == "true" ? 1 : 0));
      }
    }
    std::vector<Label> rs = {{"namespace", d.ns}, {"replicaset", d.replicaset}};
    b.Gauge("kube_replicaset_created", rs, VM::Constant(d.created_s));
    b.Gauge("kube_replicaset_spec_replicas", rs, VM::Constant(d.replicas));
    b.Gauge("kube_replicaset_status_replicas", rs, VM::Constant(d.replicas));
    b.Gauge("kube_replicaset_status_ready_replicas", rs,
            VM::Walk(d.replicas, d.replicas - 1, d.replicas, 1, 1, 0.002));
    std::vector<Label> owner = rs;
    owner.push_back({"owner_is_controller", "true"});
    owner.push_back({"owner_kind", "Deployment"});
    owner.push_back({"owner_name", d.name});
    b.Gauge("kube_replicaset_owner", owner, VM::Constant(1));
  }
  for (size_t i = 0; i < cluster.daemonsets.size(); ++i) {
    std::vector<Label> l = {{"daemonset", cluster.daemonsets[i]}, {"namespace", cluster.daemonset_ns[i]}};
    auto n = static_cast<int64_t>(cluster.nodes.size());
    for (const char* series : {"current_number_scheduled", "desired_number_scheduled", "number_available",
                               "number_ready", "updated_number_scheduled"}) {
      b.Gauge(std::string("kube_daemonset_status_") + series, l, VM::Constant(n));
    }
    b.Gauge("kube_daemonset_status_number_misscheduled", l, VM::Constant(0));
    b.Gauge("kube_daemonset_status_number_unavailable", l, VM::Constant(0));
  }
  for (const Pod& pod : cluster.pods) {
    const Node& node = cluster.nodes[pod.node];
    std::vector<Label> l = {{"namespace", pod.ns}, {"pod", pod.name}, {"uid", pod.uid}};
    auto with = [&](std::initializer_list<Label> extra) {
      std::vector<Label> v = l;
      v.insert(v.end(), extra);
      return v;
    };
    b.Gauge("kube_pod_info",
            with({{"created_by_kind", pod.owner_kind},
                  {"created_by_name", pod.owner_name},
                  {"host_ip", node.ip},
                  {"host_network", pod.host_network ? "true" : "false"},
                  {"node", node.name},
                  {"pod_ip", pod.ip},
                  {"priority_class", pod.host_network ? "system-node-critical" : ""}}),
            VM::Constant(1));
    b.Gauge("kube_pod_owner",
            with({{"owner_is_controller", "true"},
                  {"owner_kind", pod.owner_kind},
                  {"owner_name", pod.owner_name}}),
            VM::Constant(1));
    b.Gauge("kube_pod_labels",
            with({{"label_app", pod.app}, {"label_pod_template_hash", pod.pod_template_hash}}),
            VM::Constant(1));
    b.Gauge("kube_pod_created", l, VM::Constant(pod.created_s));
    b.Gauge("kube_pod_start_time", l, VM::Constant(pod.created_s + 1));
    b.Gauge("kube_pod_status_scheduled_time", l, VM::Constant(pod.created_s));
    b.Gauge("kube_pod_restart_policy", with({{"type", "Always"}}), VM::Constant(1));
    b.Gauge("kube_pod_service_account", with({{"service_account", pod.host_network ? pod.app : "default"}}),
            VM::Constant(1));
    for (const char* phase : {"Failed", "Pending", "Running", "Succeeded", "Unknown"}) {
      b.Gauge("kube_pod_status_phase", with({{"phase", phase}}),
              VM::Constant(std::string_view(phase) == "Running" ? 1 : 0));
    }
    for (const char* condition : {"false", "true", "unknown"}) {
      bool is_true = std::string_view(condition) == "true";
      bool is_false = std::string_view(condition) == "false";
      // Readiness flaps now and then; scheduling never changes.
      b.Gauge("kube_pod_status_ready", with({{"condition", condition}}),
              is_true ? VM::Walk(1, 0, 1, 1, 1, 0.0005)
                      : (is_false ? VM::Walk(0, 0, 1, 1, 1, 0.0005) : VM::Constant(0)));
      b.Gauge("kube_pod_status_scheduled", with({{"condition", condition}}), VM::Constant(is_true ? 1 : 0));
    }
    for (const char* qos : {"BestEffort", "Burstable", "Guaranteed"}) {
      b.Gauge("kube_pod_status_qos_class", with({{"qos_class", qos}}),
              VM::Constant(std::string_view(qos) == "Burstable" ? 1 : 0));
    }
    for (const Container& c : pod.containers) {
      std::vector<Label> cl = {
          {"container", c.name}, {"namespace", pod.ns}, {"pod", pod.name}, {"uid", pod.uid}};
      auto cwith = [&](std::initializer_list<Label> extra) {
        std::vector<Label> v = cl;
        v.insert(v.end(), extra);
        return v;
      };
      b.Gauge("kube_pod_container_info",
              cwith({{"container_id", "containerd://" + c.container_id},
                     {"image", c.image},
                     {"image_id", c.image_id},
                     {"image_spec", c.image}}),
              VM::Constant(1));
      b.Gauge("kube_pod_container_status_ready", cl, VM::Constant(1));
      b.Gauge("kube_pod_container_status_running", cl, VM::Constant(1));
      b.Gauge("kube_pod_container_status_terminated", cl, VM::Constant(0));
      b.Gauge("kube_pod_container_status_waiting", cl, VM::Constant(0));
      b.Counter("kube_pod_container_status_restarts", cl, VM::Counter(UniformInt(rng, 0, 3), 1, 1, 0.0003));
      b.Gauge("kube_pod_container_state_started", cl, VM::Constant(pod.created_s + UniformInt(rng, 2, 60)));
      int64_t millicores = 50 * UniformInt(rng, 1, 20);
      int64_t memory = UniformInt(rng, 1, 32) * 64 * kMiB;
      b.Gauge("kube_pod_container_resource_requests", cwith({{"resource", "cpu"}, {"unit", "core"}}),
              VM::Constant(millicores, 1000));
      b.Gauge("kube_pod_container_resource_requests", cwith({{"resource", "memory"}, {"unit", "byte"}}),
              VM::Constant(memory));
      b.Gauge("kube_pod_container_resource_limits", cwith({{"resource", "memory"}, {"unit", "byte"}}),
              VM::Constant(memory * 2));
    }
  }
}

}  // namespace

std::string_view MetricTypeName(MetricType type) {
  switch (type) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kSummary:
      return "summary";
    case MetricType::kUnknown:
      return "unknown";
  }
  return "unknown";
}

ValueModel ValueModel::Constant(int64_t value, double divisor) {
  ValueModel m;
  m.start = value;
  m.divisor = divisor;
  return m;
}

ValueModel ValueModel::Counter(int64_t start, double step, int64_t quantum, double p, double divisor) {
  ValueModel m;
  m.kind = ValueKind::kCounter;
  m.start = start / quantum * quantum;
  m.step = step;
  m.quantum = quantum;
  m.p = p;
  m.divisor = divisor;
  return m;
}

ValueModel ValueModel::Walk(int64_t start, int64_t lo, int64_t hi, double step, int64_t quantum, double p,
                            double divisor) {
  ValueModel m;
  m.kind = ValueKind::kWalk;
  m.start = std::clamp(start, lo, hi);
  m.lo = lo;
  m.hi = hi;
  m.step = step;
  m.quantum = quantum;
  m.p = p;
  m.divisor = divisor;
  return m;
}

ValueModel ValueModel::Noise(int64_t lo, int64_t hi, double divisor) {
  ValueModel m;
  m.kind = ValueKind::kNoise;
  m.lo = lo;
  m.hi = hi;
  m.divisor = divisor;
  return m;
}

ValueModel ValueModel::ScrapeTime() {
  ValueModel m;
  m.kind = ValueKind::kScrapeTime;
  return m;
}

SeriesGenerator::SeriesGenerator(GeneratorOptions options) : options_(options) {
  uint64_t rng = Mix(options_.seed);
  Cluster cluster = MakeCluster(options_, &rng);
  FamilyTable families(&families_);
  auto add_target = [&](std::string job, std::string instance) -> Target& {
    Target t;
    t.job = std::move(job);
    t.instance = std::move(instance);
    uint64_t h = Mix(options_.seed ^ Fnv1a(t.job + "/" + t.instance));
    // Late scrapes must not cross into the next interval.
    t.offset_ms =
        static_cast<int64_t>(h % static_cast<uint64_t>(options_.interval_ms - options_.max_jitter_ms));
    targets_.push_back(std::move(t));
    return targets_.back();
  };
  for (const Node& node : cluster.nodes) {
    std::string exporter_pod;
    for (uint32_t p : node.pods) {
      if (cluster.pods[p].app == "node-exporter") exporter_pod = cluster.pods[p].name;
    }
    std::vector<Label> labels = {{"container", "node-exporter"},  {"endpoint", "https"},
                                 {"instance", node.ip + ":9100"}, {"job", "node-exporter"},
                                 {"namespace", "monitoring"},     {"pod", exporter_pod},
                                 {"service", "node-exporter"}};
    Target& t = add_target("node-exporter", node.ip + ":9100");
    TargetBuilder b(&families, &t, labels);
    AddNodeExporter(b, cluster, node, options_.cpus_per_node, &rng);

    std::vector<Label> kubelet = {
        {"endpoint", "https-metrics"}, {"metrics_path", "/metrics/cadvisor"}, {"node", node.name},
        {"service", "kubelet"},        {"instance", node.ip + ":10250"},      {"job", "kubelet"}};
    Target& k = add_target("kubelet", node.ip + ":10250");
    TargetBuilder kb(&families, &k, kubelet);
    AddCadvisor(kb, cluster, node, &rng);
  }
  if (options_.kube_state_metrics) {
    std::string instance = "10.0.77.14:8080";
    std::vector<Label> labels = {
        {"container", "kube-state-metrics"},
        {"endpoint", "http"},
        {"namespace", "monitoring"},
        {"pod", "kube-state-metrics-6c8f9d7b5-" + RandomString(&rng, kKubeAlphabet, 5)},
        {"service", "kube-state-metrics"},
        {"instance", instance},
        {"job", "kube-state-metrics"}};
    Target& t = add_target("kube-state-metrics", instance);
    TargetBuilder b(&families, &t, labels);
    AddKubeStateMetrics(b, cluster, &rng);
  }

  for (const Target& t : targets_) num_series_ += t.series.size();
  scrapes_per_target_ = static_cast<uint64_t>(options_.duration_ms / options_.interval_ms);
  order_.resize(targets_.size());
  for (uint32_t i = 0; i < order_.size(); ++i) order_[i] = i;
  std::stable_sort(order_.begin(), order_.end(),
                   [&](uint32_t a, uint32_t b) { return targets_[a].offset_ms < targets_[b].offset_ms; });
  size_t widest = 0;
  for (const Target& t : targets_) widest = std::max(widest, t.series.size());
  values_.resize(widest);
  Rewind();
}

int64_t SeriesGenerator::Timestamp(uint32_t target, uint64_t k) const {
  int64_t t = options_.start_ms + targets_[target].offset_ms + static_cast<int64_t>(k) * options_.interval_ms;
  uint64_t h = Mix(options_.seed ^ Mix((uint64_t{target} << 40) ^ k));
  if (static_cast<double>(h >> 11) * 0x1.0p-53 < options_.jitter_fraction) {
    t += 3 + static_cast<int64_t>(Mix(h) %
                                  static_cast<uint64_t>(std::max<int64_t>(1, options_.max_jitter_ms - 2)));
  }
  return t;
}

SeriesGenerator::State SeriesGenerator::InitialState(uint32_t target, uint32_t series) const {
  const ValueModel& m = targets_[target].series[series].model;
  return State{m.start, Mix(options_.seed ^ Mix((uint64_t{target} << 32) | series))};
}

double SeriesGenerator::Evaluate(const ValueModel& m, State* s, int64_t t, bool first) {
  switch (m.kind) {
    case ValueKind::kConstant:
      break;
    case ValueKind::kCounter:
      if (!first && Uniform(&s->rng) < m.p) {
        double inc = std::max(0.0, m.step * (1 + 0.35 * Gauss(&s->rng)));
        s->units += std::llround(inc / static_cast<double>(m.quantum)) * m.quantum;
      }
      break;
    case ValueKind::kWalk:
      if (!first && Uniform(&s->rng) < m.p) {
        s->units += std::llround(Gauss(&s->rng) * m.step) * m.quantum;
        // Reflect at the bounds so that the walk does not stick to them.
        if (s->units > m.hi) s->units = std::max(m.lo, 2 * m.hi - s->units);
        if (s->units < m.lo) s->units = std::min(m.hi, 2 * m.lo - s->units);
      }
      break;
    case ValueKind::kNoise:
      s->units = UniformInt(&s->rng, m.lo, m.hi);
      break;
    case ValueKind::kScrapeTime:
      return static_cast<double>(t * 1000000 + UniformInt(&s->rng, 0, 1999999)) / 1e9;
  }
  return m.divisor == 1 ? static_cast<double>(s->units) : static_cast<double>(s->units) / m.divisor;
}

bool SeriesGenerator::Next(Scrape* scrape) {
  if (k_ >= scrapes_per_target_ || order_.empty()) return false;
  uint32_t target = order_[pos_];
  const Target& t = targets_[target];
  int64_t ts = Timestamp(target, k_);
  std::vector<State>& states = state_[target];
  for (size_t i = 0; i < t.series.size(); ++i)
    values_[i] = Evaluate(t.series[i].model, &states[i], ts, k_ == 0);
  scrape->target = target;
  scrape->index = k_;
  scrape->timestamp_ms = ts;
  scrape->values = std::span<const double>(values_.data(), t.series.size());
  if (++pos_ == order_.size()) {
    pos_ = 0;
    ++k_;
  }
  return true;
}

void SeriesGenerator::Rewind() {
  state_.resize(targets_.size());
  for (uint32_t t = 0; t < targets_.size(); ++t) {
    state_[t].resize(targets_[t].series.size());
    for (uint32_t s = 0; s < targets_[t].series.size(); ++s) state_[t][s] = InitialState(t, s);
  }
  k_ = 0;
  pos_ = 0;
}

SeriesCursor::SeriesCursor(const SeriesGenerator& gen, uint32_t target, uint32_t series)
    : gen_(&gen),
      target_(target),
      model_(&gen.targets()[target].series[series].model),
      state_(gen.InitialState(target, series)) {}

bool SeriesCursor::Next(int64_t* t, double* v) {
  if (k_ >= gen_->scrapes_per_target()) return false;
  *t = gen_->Timestamp(target_, k_);
  *v = SeriesGenerator::Evaluate(*model_, &state_, *t, k_ == 0);
  ++k_;
  return true;
}

uint64_t SampleDigest(uint64_t labels_hash, int64_t t, double v) {
  // One mixing round over a combination no two different samples of a data
  // set share in practice; cheap enough to run inside a timed read.
  return Mix(labels_hash + static_cast<uint64_t>(t) * 0x9e3779b97f4a7c15ULL +
             std::bit_cast<uint64_t>(v) * 0xc2b2ae3d27d4eb4fULL);
}

GeneratorOptions OptionsForSeries(int64_t series) {
  GeneratorOptions probe;
  probe.nodes = 2;
  probe.duration_ms = probe.interval_ms;
  const double per_node = static_cast<double>(SeriesGenerator(probe).num_series()) / probe.nodes;
  GeneratorOptions o;
  o.nodes = std::max(1, static_cast<int>(std::lround(static_cast<double>(series) / per_node)));
  return o;
}

}  // namespace ember::bench
