#include "target_exposition.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <string_view>
#include <utility>

namespace ember::bench {

namespace {

uint64_t SplitMix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

using LabelList = std::vector<std::pair<std::string_view, std::string>>;

constexpr const char* kModes[] = {"idle", "iowait", "irq", "nice", "softirq", "steal", "system", "user"};
constexpr const char* kNamespaces[] = {"default",  "kube-system", "monitoring", "ingress-nginx",
                                       "payments", "checkout",    "search",     "cert-manager",
                                       "logging",  "frontend",    "catalog",    "identity"};
constexpr const char* kApps[] = {"api",    "worker",  "web",       "cache",    "gateway", "scheduler",
                                 "broker", "indexer", "collector", "exporter", "proxy",   "auth"};

}  // namespace

// Adds families and series until the target's count is reached; every
// random choice comes from the seed.
class ExpositionBuilder {
 public:
  ExpositionBuilder(TargetExposition* out, int target, int limit, uint64_t seed)
      : out_(out),
        target_(target),
        limit_(static_cast<size_t>(limit)),
        rng_(SplitMix(seed * 1000003 + target)) {}

  bool Full() const { return out_->series_.size() >= limit_; }

  void Build() {
    NodeExporter();
    for (int pod = 0; !Full(); ++pod) Pod(pod);
  }

 private:
  using Kind = TargetExposition::Kind;

  uint64_t Next() { return rng_ = SplitMix(rng_); }
  int64_t Uniform(int64_t lo, int64_t hi) { return lo + static_cast<int64_t>(Next() % (hi - lo + 1)); }
  std::string Hex(int n) {
    static const char kDigits[] = "0123456789abcdef";
    std::string s;
    for (int i = 0; i < n; ++i) s += kDigits[Next() % 16];
    return s;
  }
  std::string Alnum(int n) {
    static const char kChars[] = "bcdfghjklmnpqrstvwxz2456789";
    std::string s;
    for (int i = 0; i < n; ++i) s += kChars[Next() % (sizeof kChars - 1)];
    return s;
  }
  std::string NodeName() const {
    return "ip-10-0-" + std::to_string(target_ / 250) + "-" + std::to_string(target_ % 250 + 4) +
           ".eu-west-1.compute.internal";
  }

  // Makes `name` the family that the next series belong to; a family named
  // again (one per container, say) gathers all its series in one place.
  void Family(std::string_view name, std::string_view type, std::string_view help) {
    for (size_t i = 0; i < out_->families_.size(); ++i) {
      if (names_[i] == name) {
        family_ = i;
        return;
      }
    }
    std::string h = "# HELP ";
    h.append(name)
        .append(" ")
        .append(help)
        .append("\n# TYPE ")
        .append(name)
        .append(" ")
        .append(type)
        .append("\n");
    out_->families_.push_back({std::move(h), 0});
    names_.emplace_back(name);
    family_ = out_->families_.size() - 1;
  }
  void Add(std::string_view name, const LabelList& labels, Kind kind, int64_t start, int64_t step,
           double divisor) {
    if (Full()) return;
    TargetExposition::Series s;
    s.prefix.append(name);
    if (!labels.empty()) {
      s.prefix += '{';
      for (size_t i = 0; i < labels.size(); ++i) {
        if (i > 0) s.prefix += ',';
        s.prefix.append(labels[i].first).append("=\"").append(labels[i].second).append("\"");
      }
      s.prefix += '}';
    }
    s.prefix += ' ';
    s.kind = kind;
    s.start = start;
    s.step = step;
    s.divisor = divisor;
    s.seed = Next();
    s.family = static_cast<uint32_t>(family_);
    out_->series_.push_back(std::move(s));
  }
  void Counter(std::string_view name, const LabelList& labels, int64_t start, int64_t step,
               double divisor = 1) {
    Add(name, labels, Kind::kCounter, start, std::max<int64_t>(1, step), divisor);
  }
  void Gauge(std::string_view name, const LabelList& labels, int64_t centre, int64_t spread,
             double divisor = 1) {
    Add(name, labels, Kind::kGauge, centre, std::max<int64_t>(1, spread), divisor);
  }
  void Constant(std::string_view name, const LabelList& labels, int64_t value, double divisor = 1) {
    Add(name, labels, Kind::kConstant, value, 0, divisor);
  }

  void NodeExporter() {
    const int cpus = 8;
    Family("node_cpu_seconds_total", "counter", "Seconds the CPUs spent in each mode.");
    for (int c = 0; c < cpus; ++c) {
      for (const char* mode : kModes) {
        const bool busy = std::string_view(mode) == "idle" || std::string_view(mode) == "user" ||
                          std::string_view(mode) == "system";
        Counter("node_cpu_seconds_total", {{"cpu", std::to_string(c)}, {"mode", mode}},
                Uniform(1000, 9000000), busy ? Uniform(20, 90) : Uniform(1, 3), 100);
      }
    }
    Family("node_cpu_guest_seconds_total", "counter",
           "Seconds the CPUs spent in guests (VMs) for each mode.");
    for (int c = 0; c < cpus; ++c) {
      for (const char* mode : {"nice", "user"}) {
        Counter("node_cpu_guest_seconds_total", {{"cpu", std::to_string(c)}, {"mode", mode}}, 0, 1, 100);
      }
    }
    for (const char* load : {"node_load1", "node_load5", "node_load15"}) {
      Family(load, "gauge", "Load average.");
      Gauge(load, {}, Uniform(50, 400), 20, 100);
    }
    static const char* kMemory[] = {
        "Active",      "Active_anon",  "Active_file",  "AnonHugePages", "AnonPages",     "Bounce",
        "Buffers",     "Cached",       "CommitLimit",  "Committed_AS",  "DirectMap1G",   "DirectMap2M",
        "DirectMap4k", "Dirty",        "Inactive",     "Inactive_anon", "Inactive_file", "KReclaimable",
        "KernelStack", "Mapped",       "MemAvailable", "MemFree",       "MemTotal",      "Mlocked",
        "PageTables",  "SReclaimable", "SUnreclaim",   "Shmem",         "Slab",          "SwapCached",
        "SwapFree",    "SwapTotal",    "Unevictable",  "VmallocUsed",   "Writeback",     "WritebackTmp"};
    for (const char* m : kMemory) {
      std::string name = std::string("node_memory_") + m + "_bytes";
      Family(name, "gauge", std::string("Memory information field ") + m + "_bytes.");
      if (std::string_view(m) == "MemTotal" || std::string_view(m) == "SwapTotal" ||
          std::string_view(m).substr(0, 9) == "DirectMap") {
        Constant(name, {}, Uniform(1, 64) * 1073741824);
      } else {
        Gauge(name, {}, Uniform(1000, 4000000) * 4096, Uniform(1, 200) * 4096);
      }
    }
    const std::vector<std::string> devices = {"eth0",           "eth1",           "lo",
                                              "cali" + Hex(11), "cali" + Hex(11), "vxlan.calico"};
    for (const char* dir : {"receive", "transmit"}) {
      for (const char* what : {"bytes", "packets", "errs", "drop", "compressed", "fifo"}) {
        std::string name = std::string("node_network_") + dir + "_" + what + "_total";
        Family(name, "counter", std::string("Network device statistic ") + dir + "_" + what + ".");
        for (const auto& d : devices) {
          const bool moves = std::string_view(what) == "bytes" || std::string_view(what) == "packets";
          Counter(name, {{"device", d}}, Uniform(0, 1LL << 40), moves ? Uniform(1000, 2000000) : 1);
        }
      }
    }
    Family("node_network_up", "gauge", "Value is 1 if operstate is 'up', 0 otherwise.");
    for (const auto& d : devices) Constant("node_network_up", {{"device", d}}, d == "lo" ? 0 : 1);
    const char* disks[] = {"nvme0n1", "nvme1n1", "dm-0", "dm-1"};
    static const std::pair<const char*, const char*> kDiskCounters[] = {
        {"node_disk_reads_completed_total", "The total number of reads completed successfully."},
        {"node_disk_writes_completed_total", "The total number of writes completed successfully."},
        {"node_disk_read_bytes_total", "The total number of bytes read successfully."},
        {"node_disk_written_bytes_total", "The total number of bytes written successfully."},
        {"node_disk_io_time_seconds_total", "Total seconds spent doing I/Os."},
        {"node_disk_read_time_seconds_total", "The total number of seconds spent by all reads."},
        {"node_disk_write_time_seconds_total", "This is the total number of seconds spent by all writes."},
        {"node_disk_reads_merged_total", "The total number of reads merged."},
        {"node_disk_writes_merged_total", "The number of writes merged."}};
    for (const auto& [name, help] : kDiskCounters) {
      Family(name, "counter", help);
      const bool bytes = std::string_view(name).find("bytes") != std::string_view::npos;
      const bool seconds = std::string_view(name).find("seconds") != std::string_view::npos;
      for (const char* d : disks) {
        Counter(name, {{"device", d}}, Uniform(0, 1LL << 36) * (bytes ? 512 : 1),
                bytes ? Uniform(8, 20000) * 512 : Uniform(1, 300), seconds ? 1000 : 1);
      }
    }
    Family("node_disk_io_now", "gauge", "The number of I/Os currently in progress.");
    for (const char* d : disks) Gauge("node_disk_io_now", {{"device", d}}, 2, 2);
    struct Mount {
      std::string device, fstype, mountpoint;
    };
    std::vector<Mount> mounts = {
        {"/dev/nvme0n1p1", "xfs", "/"},
        {"/dev/nvme0n1p128", "vfat", "/boot/efi"},
        {"/dev/nvme1n1", "ext4", "/var/lib/kubelet"},
        {"/dev/nvme1n1", "ext4", "/var/lib/containerd"},
        {"tmpfs", "tmpfs", "/run"},
        {"tmpfs", "tmpfs", "/run/user/1000"},
        {"shm", "tmpfs", "/run/containerd/io.containerd.grpc.v1.cri/sandboxes/" + Hex(64) + "/shm"},
        {"overlay", "overlay",
         "/run/containerd/io.containerd.runtime.v2.task/k8s.io/" + Hex(64) + "/rootfs"}};
    static const std::pair<const char*, const char*> kFs[] = {
        {"node_filesystem_size_bytes", "Filesystem size in bytes."},
        {"node_filesystem_free_bytes", "Filesystem free space in bytes."},
        {"node_filesystem_avail_bytes", "Filesystem space available to non-root users in bytes."},
        {"node_filesystem_files", "Filesystem total file nodes."},
        {"node_filesystem_files_free", "Filesystem total free file nodes."},
        {"node_filesystem_readonly", "Filesystem read-only status."},
        {"node_filesystem_device_error",
         "Whether an error occurred while getting statistics for the given device."}};
    for (const auto& [name, help] : kFs) {
      Family(name, "gauge", help);
      std::string_view n = name;
      for (const auto& m : mounts) {
        LabelList labels = {{"device", m.device}, {"fstype", m.fstype}, {"mountpoint", m.mountpoint}};
        if (n == "node_filesystem_readonly" || n == "node_filesystem_device_error") {
          Constant(name, labels, 0);
        } else if (n == "node_filesystem_size_bytes" || n == "node_filesystem_files") {
          Constant(name, labels, Uniform(1, 500) * 1073741824 / (n == "node_filesystem_files" ? 16384 : 1));
        } else {
          Gauge(name, labels, Uniform(1, 400) * 268435456 / (n == "node_filesystem_files_free" ? 16384 : 1),
                Uniform(1, 64) * 4096);
        }
      }
    }
    Family("node_hwmon_temp_celsius", "gauge", "Hardware monitor for temperature (input)");
    for (int s = 1; s <= 8; ++s) {
      Gauge("node_hwmon_temp_celsius",
            {{"chip", "platform_coretemp_0"}, {"sensor", "temp" + std::to_string(s)}}, Uniform(380, 650), 15,
            10);
    }
    for (const char* what : {"processed", "dropped", "times_squeezed"}) {
      std::string name = std::string("node_softnet_") + what + "_total";
      Family(name, "counter", std::string("Number of ") + what + " packets");
      for (int c = 0; c < cpus; ++c) {
        Counter(name, {{"cpu", std::to_string(c)}}, Uniform(0, 1LL << 30),
                std::string_view(what) == "processed" ? Uniform(100, 5000) : 1);
      }
    }
    for (const char* what : {"running", "waiting"}) {
      std::string name = std::string("node_schedstat_") + what + "_seconds_total";
      Family(name, "counter", std::string("Number of seconds CPU spent ") + what + " a process.");
      for (int c = 0; c < cpus; ++c) {
        // Nanosecond counters printed as seconds: full-precision floats.
        Counter(name, {{"cpu", std::to_string(c)}}, Uniform(1LL << 40, 1LL << 46), Uniform(1, 900000000),
                1e9);
      }
    }
    Family("node_interrupts_total", "counter", "Interrupt details.");
    static const std::pair<const char*, const char*> kIrqs[] = {
        {"0", "IO-APIC"},  {"1", "IO-APIC"},  {"8", "IO-APIC"},  {"9", "IO-APIC"},
        {"24", "PCI-MSI"}, {"25", "PCI-MSI"}, {"26", "PCI-MSI"}, {"27", "PCI-MSI"},
        {"LOC", ""},       {"RES", ""},       {"CAL", ""},       {"TLB", ""}};
    for (const auto& [irq, type] : kIrqs) {
      std::string devices_label = std::string_view(type).empty() ? "" : "nvme0q" + std::string(irq);
      std::string info = std::string_view(type).empty() ? std::string("Local timer interrupts")
                                                        : std::string(type) + "-edge";
      for (int c = 0; c < cpus; ++c) {
        Counter("node_interrupts_total",
                {{"cpu", std::to_string(c)}, {"devices", devices_label}, {"info", info}, {"type", irq}},
                Uniform(0, 1LL << 32), Uniform(0, 3000));
      }
    }
    static const char* kVmstat[] = {"oom_kill", "pgfault", "pgmajfault", "pgpgin",
                                    "pgpgout",  "pswpin",  "pswpout"};
    for (const char* v : kVmstat) {
      std::string name = std::string("node_vmstat_") + v;
      Family(name, "untyped", std::string("/proc/vmstat information field ") + v + ".");
      Counter(name, {}, Uniform(0, 1LL << 34), std::string_view(v) == "oom_kill" ? 1 : Uniform(10, 50000));
    }
    static const char* kNetstat[] = {"Icmp_InErrors",
                                     "Icmp_InMsgs",
                                     "Icmp_OutMsgs",
                                     "Ip_Forwarding",
                                     "IpExt_InOctets",
                                     "IpExt_OutOctets",
                                     "Tcp_ActiveOpens",
                                     "Tcp_CurrEstab",
                                     "Tcp_InErrs",
                                     "Tcp_InSegs",
                                     "Tcp_OutRsts",
                                     "Tcp_OutSegs",
                                     "Tcp_PassiveOpens",
                                     "Tcp_RetransSegs",
                                     "TcpExt_ListenDrops",
                                     "TcpExt_ListenOverflows",
                                     "TcpExt_SyncookiesFailed",
                                     "TcpExt_SyncookiesRecv",
                                     "TcpExt_SyncookiesSent",
                                     "TcpExt_TCPSynRetrans",
                                     "Udp_InDatagrams",
                                     "Udp_InErrors",
                                     "Udp_NoPorts",
                                     "Udp_OutDatagrams",
                                     "Udp_RcvbufErrors",
                                     "Udp_SndbufErrors",
                                     "Udp6_InDatagrams",
                                     "Udp6_OutDatagrams"};
    for (const char* v : kNetstat) {
      std::string name = std::string("node_netstat_") + v;
      Family(name, "untyped", std::string("Statistic ") + v + ".");
      if (std::string_view(v) == "Ip_Forwarding") {
        Constant(name, {}, 1);
      } else if (std::string_view(v) == "Tcp_CurrEstab") {
        Gauge(name, {}, Uniform(50, 900), 20);
      } else {
        Counter(name, {}, Uniform(0, 1LL << 34), Uniform(1, 40000));
      }
    }
    Family("node_boot_time_seconds", "gauge", "Node boot time, in unixtime.");
    Constant("node_boot_time_seconds", {}, 1700000000 + Uniform(0, 20000000));
    Family("node_context_switches_total", "counter", "Total number of context switches.");
    Counter("node_context_switches_total", {}, Uniform(1LL << 30, 1LL << 40), Uniform(2000, 90000));
    Family("node_forks_total", "counter", "Total number of forks.");
    Counter("node_forks_total", {}, Uniform(1LL << 20, 1LL << 30), Uniform(1, 80));
    Family("node_procs_running", "gauge", "Number of processes in runnable state.");
    Gauge("node_procs_running", {}, 4, 3);
    Family("node_time_seconds", "gauge", "System time in seconds since epoch (1970).");
    Counter("node_time_seconds", {}, 1767225600LL * 1000000, 15000000, 1e6);
    Family("node_uname_info", "gauge", "Labeled system information as provided by the uname system call.");
    Constant("node_uname_info",
             {{"domainname", "(none)"},
              {"machine", "x86_64"},
              {"nodename", NodeName()},
              {"release", "6.1.109-118.189.amzn2023.x86_64"},
              {"sysname", "Linux"},
              {"version", "#1 SMP PREEMPT_DYNAMIC Tue Sep 10 08:59:12 UTC 2024"}},
             1);
    static const char* kCollectors[] = {
        "arp",     "bcache", "bonding",    "conntrack", "cpu",      "cpufreq", "diskstats", "edac",
        "entropy", "filefd", "filesystem", "hwmon",     "loadavg",  "meminfo", "netclass",  "netdev",
        "netstat", "nfs",    "pressure",   "schedstat", "sockstat", "softnet", "stat",      "textfile",
        "time",    "timex",  "uname",      "vmstat",    "xfs",      "zfs"};
    Family("node_scrape_collector_duration_seconds", "gauge",
           "node_exporter: Duration of a collector scrape.");
    for (const char* c : kCollectors) {
      Gauge("node_scrape_collector_duration_seconds", {{"collector", c}}, Uniform(20000, 3000000), 15000,
            1e9);
    }
    Family("node_scrape_collector_success", "gauge", "node_exporter: Whether a collector succeeded.");
    for (const char* c : kCollectors) Constant("node_scrape_collector_success", {{"collector", c}}, 1);
    Family("go_gc_duration_seconds", "summary",
           "A summary of the pause duration of garbage collection cycles.");
    for (const char* q : {"0", "0.25", "0.5", "0.75", "1"}) {
      Gauge("go_gc_duration_seconds", {{"quantile", q}}, Uniform(20000, 300000), 9000, 1e9);
    }
    Counter("go_gc_duration_seconds_sum", {}, Uniform(1000000, 90000000), Uniform(10000, 90000), 1e9);
    Counter("go_gc_duration_seconds_count", {}, Uniform(1000, 90000), 1);
    Family("go_goroutines", "gauge", "Number of goroutines that currently exist.");
    Gauge("go_goroutines", {}, 9, 2);
    Family("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
    Gauge("process_resident_memory_bytes", {}, Uniform(4000, 8000) * 4096, 64 * 4096);
    Family("process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.");
    Counter("process_cpu_seconds_total", {}, Uniform(1000, 900000), 2, 100);
    Family("promhttp_metric_handler_requests_total", "counter",
           "Total number of scrapes by HTTP status code.");
    for (const char* code : {"200", "500", "503"}) {
      if (std::string_view(code) == "200") {
        Counter("promhttp_metric_handler_requests_total", {{"code", code}}, Uniform(1000, 200000), 1);
      } else {
        Constant("promhttp_metric_handler_requests_total", {{"code", code}}, 0);
      }
    }
  }

  // One pod's kube-state-metrics series: most are constant, as in
  // kube-state-metrics; restarts and the like move rarely, so here only the
  // CPU and memory usage gauges of the pod's containers move every scrape.
  void Pod(int index) {
    const std::string ns = kNamespaces[Next() % std::size(kNamespaces)];
    const std::string app = kApps[Next() % std::size(kApps)];
    const std::string owner = app + "-" + Alnum(10);
    const std::string pod = owner + "-" + Alnum(5);
    const std::string uid = Hex(8) + "-" + Hex(4) + "-" + Hex(4) + "-" + Hex(4) + "-" + Hex(12);
    const std::string node = NodeName();
    const std::string pod_ip = "10.1." + std::to_string(target_ % 250) + "." + std::to_string(index + 10);
    const int containers = 1 + static_cast<int>(Next() % 2);
    LabelList base = {{"namespace", ns}, {"pod", pod}, {"uid", uid}};

    Family("kube_pod_info", "gauge", "Information about pod.");
    Constant("kube_pod_info",
             {{"namespace", ns},
              {"pod", pod},
              {"uid", uid},
              {"host_ip", "10.0." + std::to_string(target_ / 250) + "." + std::to_string(target_ % 250 + 4)},
              {"pod_ip", pod_ip},
              {"node", node},
              {"created_by_kind", "ReplicaSet"},
              {"created_by_name", owner},
              {"priority_class", ""},
              {"host_network", "false"}},
             1);
    Family("kube_pod_owner", "gauge", "Information about the Pod's owner.");
    Constant("kube_pod_owner",
             {{"namespace", ns},
              {"pod", pod},
              {"uid", uid},
              {"owner_kind", "ReplicaSet"},
              {"owner_name", owner},
              {"owner_is_controller", "true"}},
             1);
    Family("kube_pod_created", "gauge", "Unix creation timestamp");
    Constant("kube_pod_created", base, 1760000000 + Uniform(0, 7000000));
    Family("kube_pod_start_time", "gauge", "Start time in unix timestamp for a pod.");
    Constant("kube_pod_start_time", base, 1760000000 + Uniform(0, 7000000));
    Family("kube_pod_status_phase", "gauge", "The pods current phase.");
    for (const char* phase : {"Pending", "Succeeded", "Failed", "Unknown", "Running"}) {
      LabelList l = base;
      l.push_back({"phase", phase});
      Constant("kube_pod_status_phase", l, std::string_view(phase) == "Running" ? 1 : 0);
    }
    Family("kube_pod_status_ready", "gauge", "Describes whether the pod is ready to serve requests.");
    for (const char* cond : {"true", "false", "unknown"}) {
      LabelList l = base;
      l.push_back({"condition", cond});
      Constant("kube_pod_status_ready", l, std::string_view(cond) == "true" ? 1 : 0);
    }
    Family("kube_pod_status_scheduled", "gauge",
           "Describes the status of the scheduling process for the pod.");
    for (const char* cond : {"true", "false", "unknown"}) {
      LabelList l = base;
      l.push_back({"condition", cond});
      Constant("kube_pod_status_scheduled", l, std::string_view(cond) == "true" ? 1 : 0);
    }
    for (int c = 0; c < containers; ++c) {
      const std::string container = c == 0 ? app : "istio-proxy";
      LabelList cl = {{"namespace", ns}, {"pod", pod}, {"uid", uid}, {"container", container}};
      Family("kube_pod_container_info", "gauge", "Information about a container in a pod.");
      LabelList info = cl;
      info.push_back(
          {"image", "registry.example.com/" + ns + "/" + container + ":v1." + std::to_string(Next() % 40)});
      info.push_back({"image_id", "registry.example.com/" + ns + "/" + container + "@sha256:" + Hex(64)});
      info.push_back({"container_id", "containerd://" + Hex(64)});
      Constant("kube_pod_container_info", info, 1);
      Family("kube_pod_container_status_restarts_total", "counter",
             "The number of container restarts per container.");
      Constant("kube_pod_container_status_restarts_total", cl, static_cast<int64_t>(Next() % 3));
      for (const char* state : {"running", "waiting", "terminated"}) {
        std::string name = std::string("kube_pod_container_status_") + state;
        Family(name, "gauge",
               std::string("Describes whether the container is currently in ") + state + " state.");
        Constant(name, cl, std::string_view(state) == "running" ? 1 : 0);
      }
      for (const char* kind : {"requests", "limits"}) {
        std::string name = std::string("kube_pod_container_resource_") + kind;
        Family(name, "gauge", std::string("The number of requested ") + kind + " resource by a container.");
        LabelList cpu = cl;
        cpu.push_back({"node", node});
        cpu.push_back({"resource", "cpu"});
        cpu.push_back({"unit", "core"});
        Constant(name, cpu, Uniform(1, 40) * 50, 1000);
        LabelList mem = cl;
        mem.push_back({"node", node});
        mem.push_back({"resource", "memory"});
        mem.push_back({"unit", "byte"});
        Constant(name, mem, Uniform(1, 64) * 67108864);
      }
      // Usage as a kubelet reports it beside kube-state-metrics: these move.
      Family("container_cpu_usage_seconds_total", "counter", "Cumulative cpu time consumed in seconds.");
      Counter("container_cpu_usage_seconds_total", cl, Uniform(1000000, 90000000000),
              Uniform(1000000, 400000000), 1e9);
      Family("container_memory_working_set_bytes", "gauge", "Current working set in bytes.");
      Gauge("container_memory_working_set_bytes", cl, Uniform(2000, 200000) * 4096, Uniform(1, 100) * 4096);
      Family("container_network_receive_bytes_total", "counter", "Cumulative count of bytes received");
      Counter("container_network_receive_bytes_total", cl, Uniform(0, 1LL << 36), Uniform(100, 900000));
    }
  }

  TargetExposition* out_;
  int target_;
  size_t limit_;
  uint64_t rng_;
  std::vector<std::string> names_;  // of out_->families_
  size_t family_ = 0;
};

TargetExposition::TargetExposition(int target, int series, uint64_t seed) {
  ExpositionBuilder(this, target, series, seed).Build();
  // Each family's series together, in the order they were added.
  std::stable_sort(series_.begin(), series_.end(),
                   [](const Series& a, const Series& b) { return a.family < b.family; });
  size_t i = 0;
  for (size_t f = 0; f < families_.size(); ++f) {
    while (i < series_.size() && series_[i].family == f) ++i;
    families_[f].end = i;
  }
}

double TargetExposition::ChangingFraction() const {
  size_t changing = 0;
  for (const auto& s : series_) changing += s.kind != Kind::kConstant;
  return series_.empty() ? 0 : static_cast<double>(changing) / static_cast<double>(series_.size());
}

void TargetExposition::Render(uint64_t k, std::string* out) const {
  out->clear();
  size_t i = 0;
  char buf[32];
  for (const Family& f : families_) {
    if (f.end == i) continue;  // every series of it was cut by the limit
    out->append(f.header);
    for (; i < f.end; ++i) {
      const Series& s = series_[i];
      int64_t units = s.start;
      if (s.kind == Kind::kCounter) {
        // About `step` a scrape: step plus a jitter below step, so that it
        // never goes down.
        units += static_cast<int64_t>(k) * s.step + static_cast<int64_t>(SplitMix(s.seed ^ k) % s.step);
      } else if (s.kind == Kind::kGauge) {
        units += static_cast<int64_t>(SplitMix(s.seed ^ k) % (2 * s.step + 1)) - s.step;
      }
      out->append(s.prefix);
      const double v = s.divisor == 1 ? static_cast<double>(units) : static_cast<double>(units) / s.divisor;
      auto r = std::to_chars(buf, buf + sizeof buf, v);
      out->append(buf, r.ptr);
      out->push_back('\n');
    }
  }
}

}  // namespace ember::bench
