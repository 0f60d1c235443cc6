#include "kubernetes_targets.h"

#include <algorithm>

#include "ember/base/strings.h"

namespace ember::discovery::k8s {
namespace {

using LabelMap = std::map<std::string, std::string>;

const std::string kPrefix = "__meta_kubernetes_";
const std::string kNamespaceLabel = kPrefix + "namespace";
const std::string kServiceNameLabel = "kubernetes.io/service-name";

Labels ToLabels(const LabelMap& m) {
  std::vector<Label> v;
  v.reserve(m.size());
  for (const auto& [name, value] : m) v.push_back({name, value});
  return Labels::FromSorted(std::move(v));
}

// Go's LabelSet.Merge: `from` wins.
void Merge(LabelMap& into, const LabelMap& from) {
  for (const auto& [name, value] : from) into[name] = value;
}

std::string JoinHostPort(std::string_view host, int64_t port) {
  std::string p = std::to_string(port);
  if (host.find(':') != std::string_view::npos) return "[" + std::string(host) + "]:" + p;
  return std::string(host) + ":" + p;
}

const char* BoolText(bool b) { return b ? "true" : "false"; }

void AddAnnotationsAndLabels(LabelMap& ls, const ObjectMeta& meta, std::string_view resource) {
  const std::string base = kPrefix + std::string(resource);
  for (const auto& [k, v] : meta.labels) {
    std::string ln = SanitizeLabelName(k);
    ls[base + "_label_" + ln] = v;
    ls[base + "_labelpresent_" + ln] = "true";
  }
  for (const auto& [k, v] : meta.annotations) {
    std::string ln = SanitizeLabelName(k);
    ls[base + "_annotation_" + ln] = v;
    ls[base + "_annotationpresent_" + ln] = "true";
  }
}

void AddMetaLabels(LabelMap& ls, const ObjectMeta& meta, std::string_view resource) {
  ls[kPrefix + std::string(resource) + "_name"] = meta.name;
  AddAnnotationsAndLabels(ls, meta, resource);
}

const OwnerReference* ControllerOf(const ObjectMeta& meta) {
  for (const OwnerReference& ref : meta.owner_references) {
    if (ref.controller) return &ref;
  }
  return nullptr;
}

std::string PodReady(const Pod& pod) {
  for (const Condition& c : pod.conditions) {
    if (c.type == "Ready") return ToLower(c.status);
  }
  return "unknown";
}

LabelMap PodLabels(const Pod& pod) {
  LabelMap ls{
      {kPrefix + "pod_ip", pod.pod_ip},       {kPrefix + "pod_ready", PodReady(pod)},
      {kPrefix + "pod_phase", pod.phase},     {kPrefix + "pod_node_name", pod.node_name},
      {kPrefix + "pod_host_ip", pod.host_ip}, {kPrefix + "pod_uid", pod.meta.uid},
  };
  AddMetaLabels(ls, pod.meta, "pod");
  if (const OwnerReference* owner = ControllerOf(pod.meta)) {
    if (!owner->kind.empty()) ls[kPrefix + "pod_controller_kind"] = owner->kind;
    if (!owner->name.empty()) ls[kPrefix + "pod_controller_name"] = owner->name;
  }
  return ls;
}

LabelMap ServiceLabels(const Service& svc) {
  LabelMap ls{{kNamespaceLabel, svc.meta.ns}};
  AddMetaLabels(ls, svc.meta, "service");
  return ls;
}

// The containers then the init containers, each with whether it is an init one.
std::vector<std::pair<const Container*, bool>> AllContainers(const Pod& pod) {
  std::vector<std::pair<const Container*, bool>> out;
  for (const Container& c : pod.containers) out.emplace_back(&c, false);
  for (const Container& c : pod.init_containers) out.emplace_back(&c, true);
  return out;
}

std::string ContainerId(const std::vector<ContainerStatus>& statuses, const std::string& name) {
  for (const ContainerStatus& s : statuses) {
    if (s.name == name) return s.container_id;
  }
  return "";
}

// Targets for the container ports of pods behind endpoints that no endpoint
// port covered, as upstream adds them.
template <typename PortNumbers>
void AddUncoveredPodPorts(std::vector<std::pair<const Pod*, PortNumbers>>& seen,
                          std::vector<Labels>& targets) {
  for (const auto& [pod, covered] : seen) {
    if (pod->pod_ip.empty()) continue;
    for (const auto& [c, is_init] : AllContainers(*pod)) {
      for (const ContainerPort& cport : c->ports) {
        if (std::find(covered.begin(), covered.end(), cport.container_port) != covered.end()) continue;
        std::string ports = std::to_string(cport.container_port);
        LabelMap t{
            {std::string(kAddressLabel), JoinHostPort(pod->pod_ip, cport.container_port)},
            {kPrefix + "pod_container_name", c->name},
            {kPrefix + "pod_container_image", c->image},
            {kPrefix + "pod_container_port_name", cport.name},
            {kPrefix + "pod_container_port_number", ports},
            {kPrefix + "pod_container_port_protocol", cport.protocol},
            {kPrefix + "pod_container_init", BoolText(is_init)},
        };
        Merge(t, PodLabels(*pod));
        targets.push_back(ToLabels(t));
      }
    }
  }
}

// The address upstream picks for a node: the first of the first type present
// in InternalIP, InternalDNS, ExternalIP, ExternalDNS, LegacyHostIP, Hostname.
std::optional<std::string> NodeAddressFor(const Node& node) {
  for (std::string_view type :
       {"InternalIP", "InternalDNS", "ExternalIP", "ExternalDNS", "LegacyHostIP", "Hostname"}) {
    for (const NodeAddress& a : node.addresses) {
      if (a.type == type) return a.address;
    }
  }
  return std::nullopt;
}

bool MatchesHostnamePattern(std::string_view pattern, std::string_view host) {
  if (pattern == host) return true;
  std::vector<std::string_view> p = Split(pattern, '.');
  std::vector<std::string_view> h = Split(host, '.');
  if (p.empty() || p[0] != "*" || p.size() != h.size()) return false;
  for (size_t i = 1; i < p.size(); ++i) {
    if (p[i] != h[i]) return false;
  }
  return true;
}

Kind PrimaryKind(KubernetesRole role) {
  switch (role) {
    case KubernetesRole::kNode:
      return Kind::kNode;
    case KubernetesRole::kPod:
      return Kind::kPod;
    case KubernetesRole::kService:
      return Kind::kService;
    case KubernetesRole::kEndpoints:
      return Kind::kEndpoints;
    case KubernetesRole::kEndpointSlice:
      return Kind::kEndpointSlice;
    case KubernetesRole::kIngress:
      return Kind::kIngress;
  }
  return Kind::kPod;
}

}  // namespace

std::string SanitizeLabelName(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (size_t i = 0; i < name.size();) {
    char c = name[i];
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_') {
      out += c;
      ++i;
      continue;
    }
    out += '_';
    size_t n = Utf8SequenceLength(name, i);
    i += n == 0 ? 1 : n;
  }
  return out;
}

std::vector<Kind> KindsForRole(KubernetesRole role, bool attach_node_metadata) {
  std::vector<Kind> kinds{PrimaryKind(role)};
  if (role == KubernetesRole::kEndpoints || role == KubernetesRole::kEndpointSlice) {
    kinds.push_back(Kind::kService);
    kinds.push_back(Kind::kPod);
  }
  const bool takes_node = role == KubernetesRole::kPod || role == KubernetesRole::kEndpoints ||
                          role == KubernetesRole::kEndpointSlice;
  if (attach_node_metadata && takes_node) kinds.push_back(Kind::kNode);
  return kinds;
}

std::string SourceOf(Kind kind, const std::string& key) {
  switch (kind) {
    case Kind::kNode:
      return "node/" + key;
    case Kind::kPod:
      return "pod/" + key;
    case Kind::kService:
      return "svc/" + key;
    case Kind::kEndpoints:
      return "endpoints/" + key;
    case Kind::kEndpointSlice:
      return "endpointslice/" + key;
    case Kind::kIngress:
      return "ingress/" + key;
  }
  return key;
}

KubernetesTargets::KubernetesTargets(KubernetesRole role, bool attach_node_metadata)
    : primary_(PrimaryKind(role)),
      attach_node_(attach_node_metadata &&
                   (role == KubernetesRole::kPod || role == KubernetesRole::kEndpoints ||
                    role == KubernetesRole::kEndpointSlice)) {}

std::map<std::string, Object>& KubernetesTargets::Store(Kind kind) { return stores_[kind]; }

void KubernetesTargets::Replace(Kind kind, std::string_view ns, std::vector<Object> objects) {
  std::map<std::string, Object>& store = Store(kind);
  std::map<std::string, Object> fresh;
  for (Object& o : objects) {
    std::string key = KeyOf(MetaOf(o));
    fresh.insert_or_assign(std::move(key), std::move(o));
  }
  for (auto it = store.begin(); it != store.end();) {
    const bool in_scope = kind == Kind::kNode || ns.empty() || MetaOf(it->second).ns == ns;
    if (in_scope && !fresh.count(it->first)) {
      if (kind == primary_) dirty_.insert(it->first);
      it = store.erase(it);
    } else {
      ++it;
    }
  }
  for (auto& [key, o] : fresh) {
    if (kind == primary_) dirty_.insert(key);
    store.insert_or_assign(key, std::move(o));
  }
  // A whole list of a joined kind may change any group: rebuild them all
  // rather than looking up each object's dependents.
  if (kind != primary_) {
    for (const auto& [key, o] : Store(primary_)) dirty_.insert(key);
  }
}

void KubernetesTargets::Upsert(Object object) {
  Kind kind = KindOf(object);
  std::string key = KeyOf(MetaOf(object));
  Object& stored = Store(kind).insert_or_assign(key, std::move(object)).first->second;
  MarkDependents(kind, key, &stored);
}

void KubernetesTargets::Remove(Kind kind, const std::string& key) {
  std::map<std::string, Object>& store = Store(kind);
  auto it = store.find(key);
  if (it != store.end()) {
    MarkDependents(kind, key, &it->second);
    store.erase(it);
  } else if (kind == primary_) {
    dirty_.insert(key);
  }
}

void KubernetesTargets::MarkDependents(Kind kind, const std::string& key, const Object* object) {
  if (kind == primary_) {
    dirty_.insert(key);
    return;
  }
  for (const auto& [pkey, primary] : Store(primary_)) {
    bool depends = false;
    switch (kind) {
      case Kind::kNode:
        depends = attach_node_ && ReferencesNode(primary, MetaOf(*object).name);
        break;
      case Kind::kPod:
        depends = ReferencesPod(primary, key);
        break;
      case Kind::kService:
        depends = ReferencesService(primary, key);
        break;
      default:
        break;
    }
    if (depends) dirty_.insert(pkey);
  }
}

bool KubernetesTargets::ReferencesNode(const Object& primary, const std::string& node) const {
  if (const Pod* pod = std::get_if<Pod>(&primary)) return pod->node_name == node;
  if (const Endpoints* eps = std::get_if<Endpoints>(&primary)) {
    for (const EndpointSubset& s : eps->subsets) {
      for (const auto* list : {&s.addresses, &s.not_ready_addresses}) {
        for (const EndpointAddress& a : *list) {
          if (a.node_name == node) return true;
          if (a.target_ref && a.target_ref->kind == "Node" && a.target_ref->name == node) return true;
        }
      }
    }
  }
  if (const EndpointSlice* eps = std::get_if<EndpointSlice>(&primary)) {
    for (const EndpointSliceEndpoint& ep : eps->endpoints) {
      if (ep.node_name == node) return true;
      if (ep.target_ref && ep.target_ref->kind == "Node" && ep.target_ref->name == node) return true;
    }
  }
  return false;
}

bool KubernetesTargets::ReferencesPod(const Object& primary, const std::string& pod_key) const {
  auto is_pod = [&](const std::optional<ObjectReference>& ref) {
    return ref && ref->kind == "Pod" && ref->ns + "/" + ref->name == pod_key;
  };
  if (const Endpoints* eps = std::get_if<Endpoints>(&primary)) {
    for (const EndpointSubset& s : eps->subsets) {
      for (const auto* list : {&s.addresses, &s.not_ready_addresses}) {
        for (const EndpointAddress& a : *list) {
          if (is_pod(a.target_ref)) return true;
        }
      }
    }
  }
  if (const EndpointSlice* eps = std::get_if<EndpointSlice>(&primary)) {
    for (const EndpointSliceEndpoint& ep : eps->endpoints) {
      if (is_pod(ep.target_ref)) return true;
    }
  }
  return false;
}

bool KubernetesTargets::ReferencesService(const Object& primary, const std::string& service_key) const {
  if (const Endpoints* eps = std::get_if<Endpoints>(&primary)) return KeyOf(eps->meta) == service_key;
  if (const EndpointSlice* eps = std::get_if<EndpointSlice>(&primary)) {
    auto it = eps->meta.labels.find(kServiceNameLabel);
    return it != eps->meta.labels.end() && eps->meta.ns + "/" + it->second == service_key;
  }
  return false;
}

std::vector<TargetGroup> KubernetesTargets::TakeChanges() {
  std::vector<TargetGroup> out;
  const std::map<std::string, Object>& store = Store(primary_);
  for (const std::string& key : dirty_) {
    std::string source = SourceOf(primary_, key);
    auto it = store.find(key);
    auto sent = sent_.find(source);
    if (it == store.end()) {
      if (sent != sent_.end()) {
        out.push_back(TargetGroup{{}, {}, source});
        sent_.erase(sent);
      }
      continue;
    }
    std::optional<TargetGroup> group = Build(it->second);
    if (!group) continue;
    if (sent != sent_.end() && sent->second == *group) continue;
    out.push_back(*group);
    sent_.insert_or_assign(source, std::move(*group));
  }
  dirty_.clear();
  return out;
}

const Pod* KubernetesTargets::FindPod(const std::optional<ObjectReference>& ref) const {
  if (!ref || ref->kind != "Pod") return nullptr;
  auto s = stores_.find(Kind::kPod);
  if (s == stores_.end()) return nullptr;
  auto it = s->second.find(ref->ns + "/" + ref->name);
  return it == s->second.end() ? nullptr : std::get_if<Pod>(&it->second);
}

const Service* KubernetesTargets::FindService(const std::string& key) const {
  auto s = stores_.find(Kind::kService);
  if (s == stores_.end()) return nullptr;
  auto it = s->second.find(key);
  return it == s->second.end() ? nullptr : std::get_if<Service>(&it->second);
}

const Node* KubernetesTargets::FindNode(const std::string& name) const {
  auto s = stores_.find(Kind::kNode);
  if (s == stores_.end()) return nullptr;
  auto it = s->second.find(name);
  return it == s->second.end() ? nullptr : std::get_if<Node>(&it->second);
}

std::optional<TargetGroup> KubernetesTargets::Build(const Object& object) const {
  if (const Pod* p = std::get_if<Pod>(&object)) return BuildPod(*p);
  if (const Node* n = std::get_if<Node>(&object)) return BuildNode(*n);
  if (const Service* s = std::get_if<Service>(&object)) return BuildService(*s);
  if (const Endpoints* e = std::get_if<Endpoints>(&object)) return BuildEndpoints(*e);
  if (const EndpointSlice* e = std::get_if<EndpointSlice>(&object)) return BuildEndpointSlice(*e);
  return BuildIngress(std::get<Ingress>(object));
}

TargetGroup KubernetesTargets::BuildPod(const Pod& pod) const {
  TargetGroup tg;
  tg.source = SourceOf(Kind::kPod, KeyOf(pod.meta));
  if (pod.pod_ip.empty()) return tg;
  const Node* node = nullptr;
  if (attach_node_) {
    node = FindNode(pod.node_name);
    if (node == nullptr) return tg;
  }
  LabelMap ls = PodLabels(pod);
  ls[kNamespaceLabel] = pod.meta.ns;
  if (node != nullptr) {
    LabelMap node_labels;
    AddMetaLabels(node_labels, node->meta, "node");
    Merge(ls, node_labels);
  }
  tg.labels = ToLabels(ls);

  for (const auto& [c, is_init] : AllContainers(pod)) {
    std::string id = ContainerId(is_init ? pod.init_container_statuses : pod.container_statuses, c->name);
    if (c->ports.empty()) {
      tg.targets.push_back(ToLabels({
          {std::string(kAddressLabel), pod.pod_ip},
          {kPrefix + "pod_container_name", c->name},
          {kPrefix + "pod_container_id", id},
          {kPrefix + "pod_container_image", c->image},
          {kPrefix + "pod_container_init", BoolText(is_init)},
      }));
      continue;
    }
    for (const ContainerPort& port : c->ports) {
      tg.targets.push_back(ToLabels({
          {std::string(kAddressLabel), JoinHostPort(pod.pod_ip, port.container_port)},
          {kPrefix + "pod_container_name", c->name},
          {kPrefix + "pod_container_id", id},
          {kPrefix + "pod_container_image", c->image},
          {kPrefix + "pod_container_port_number", std::to_string(port.container_port)},
          {kPrefix + "pod_container_port_name", port.name},
          {kPrefix + "pod_container_port_protocol", port.protocol},
          {kPrefix + "pod_container_init", BoolText(is_init)},
      }));
    }
  }
  return tg;
}

std::optional<TargetGroup> KubernetesTargets::BuildNode(const Node& node) const {
  TargetGroup tg;
  tg.source = SourceOf(Kind::kNode, node.meta.name);
  LabelMap ls{{kPrefix + "node_provider_id", node.provider_id}};
  for (const Condition& c : node.conditions) {
    ls[kPrefix + "node_condition_" + SanitizeLabelName(ToLower(c.type))] = ToLower(c.status);
  }
  AddMetaLabels(ls, node.meta, "node");
  tg.labels = ToLabels(ls);

  std::optional<std::string> addr = NodeAddressFor(node);
  if (!addr) return std::nullopt;
  LabelMap t{
      {std::string(kAddressLabel), JoinHostPort(*addr, node.kubelet_port)},
      {"instance", node.meta.name},
  };
  // The first address of each type.
  for (auto it = node.addresses.rbegin(); it != node.addresses.rend(); ++it) {
    t[SanitizeLabelName(kPrefix + "node_address_" + it->type)] = it->address;
  }
  tg.targets.push_back(ToLabels(t));
  return tg;
}

TargetGroup KubernetesTargets::BuildService(const Service& svc) const {
  TargetGroup tg;
  tg.source = SourceOf(Kind::kService, KeyOf(svc.meta));
  tg.labels = ToLabels(ServiceLabels(svc));
  for (const ServicePort& port : svc.ports) {
    LabelMap t{
        {std::string(kAddressLabel), JoinHostPort(svc.meta.name + "." + svc.meta.ns + ".svc", port.port)},
        {kPrefix + "service_port_name", port.name},
        {kPrefix + "service_port_number", std::to_string(port.port)},
        {kPrefix + "service_port_protocol", port.protocol},
        {kPrefix + "service_type", svc.type},
    };
    if (svc.type == "ExternalName") {
      t[kPrefix + "service_external_name"] = svc.external_name;
    } else {
      t[kPrefix + "service_cluster_ip"] = svc.cluster_ip;
    }
    if (svc.type == "LoadBalancer") {
      std::vector<std::string> ips;
      for (const std::string& ip : svc.load_balancer_ingress_ips) {
        if (!ip.empty()) ips.push_back(ip);
      }
      t[kPrefix + "service_loadbalancer_ip"] = ips.empty() ? svc.load_balancer_ip : Join(ips, ",");
    }
    tg.targets.push_back(ToLabels(t));
  }
  return tg;
}

TargetGroup KubernetesTargets::BuildEndpoints(const Endpoints& eps) const {
  TargetGroup tg;
  tg.source = SourceOf(Kind::kEndpoints, KeyOf(eps.meta));
  LabelMap ls{{kNamespaceLabel, eps.meta.ns}};
  if (const Service* svc = FindService(KeyOf(eps.meta))) Merge(ls, ServiceLabels(*svc));
  AddMetaLabels(ls, eps.meta, "endpoints");
  tg.labels = ToLabels(ls);

  std::vector<std::pair<const Pod*, std::vector<int64_t>>> seen;
  auto add = [&](const EndpointAddress& addr, const EndpointPort& port, const char* ready) {
    LabelMap t{
        {std::string(kAddressLabel), JoinHostPort(addr.ip, port.port)},
        {kPrefix + "endpoint_port_name", port.name},
        {kPrefix + "endpoint_port_protocol", port.protocol},
        {kPrefix + "endpoint_ready", ready},
    };
    if (addr.target_ref) {
      t[kPrefix + "endpoint_address_target_kind"] = addr.target_ref->kind;
      t[kPrefix + "endpoint_address_target_name"] = addr.target_ref->name;
    }
    if (addr.node_name) t[kPrefix + "endpoint_node_name"] = *addr.node_name;
    if (!addr.hostname.empty()) t[kPrefix + "endpoint_hostname"] = addr.hostname;
    if (attach_node_) {
      const Node* node = nullptr;
      if (addr.node_name) {
        node = FindNode(*addr.node_name);
      } else if (addr.target_ref && addr.target_ref->kind == "Node") {
        node = FindNode(addr.target_ref->name);
      }
      if (node != nullptr) AddMetaLabels(t, node->meta, "node");
    }
    const Pod* pod = FindPod(addr.target_ref);
    if (pod == nullptr) {
      tg.targets.push_back(ToLabels(t));
      return;
    }
    auto entry = std::find_if(seen.begin(), seen.end(), [&](const auto& e) { return e.first == pod; });
    if (entry == seen.end()) entry = seen.insert(seen.end(), {pod, {}});
    Merge(t, PodLabels(*pod));
    bool matched = false;
    for (const auto& [c, is_init] : AllContainers(*pod)) {
      for (const ContainerPort& cport : c->ports) {
        if (port.port != cport.container_port) continue;
        t[kPrefix + "pod_container_name"] = c->name;
        t[kPrefix + "pod_container_image"] = c->image;
        t[kPrefix + "pod_container_port_name"] = cport.name;
        t[kPrefix + "pod_container_port_number"] = std::to_string(port.port);
        t[kPrefix + "pod_container_port_protocol"] = port.protocol;
        t[kPrefix + "pod_container_init"] = BoolText(is_init);
        matched = true;
        break;
      }
      if (matched) break;
    }
    entry->second.push_back(port.port);
    tg.targets.push_back(ToLabels(t));
  };
  for (const EndpointSubset& ss : eps.subsets) {
    for (const EndpointPort& port : ss.ports) {
      for (const EndpointAddress& addr : ss.addresses) add(addr, port, "true");
      for (const EndpointAddress& addr : ss.not_ready_addresses) add(addr, port, "false");
    }
  }
  AddUncoveredPodPorts(seen, tg.targets);
  return tg;
}

TargetGroup KubernetesTargets::BuildEndpointSlice(const EndpointSlice& eps) const {
  TargetGroup tg;
  tg.source = SourceOf(Kind::kEndpointSlice, KeyOf(eps.meta));
  LabelMap ls{{kNamespaceLabel, eps.meta.ns}, {kPrefix + "endpointslice_address_type", eps.address_type}};
  AddMetaLabels(ls, eps.meta, "endpointslice");
  const Service* svc = nullptr;
  if (auto it = eps.meta.labels.find(kServiceNameLabel); it != eps.meta.labels.end()) {
    svc = FindService(eps.meta.ns + "/" + it->second);
    if (svc != nullptr) Merge(ls, ServiceLabels(*svc));
  }
  tg.labels = ToLabels(ls);

  // A dual-stack service's slices of its secondary family carry no targets.
  if (svc != nullptr && svc->ip_family_policy &&
      (*svc->ip_family_policy == "PreferDualStack" || *svc->ip_family_policy == "RequireDualStack") &&
      !svc->ip_families.empty() && eps.address_type != svc->ip_families[0]) {
    return tg;
  }

  std::vector<std::pair<const Pod*, std::vector<int64_t>>> seen;
  auto add = [&](const std::string& addr, const EndpointSliceEndpoint& ep, const EndpointSlicePort& port) {
    LabelMap t{{std::string(kAddressLabel), port.port ? JoinHostPort(addr, *port.port) : addr}};
    if (port.name) t[kPrefix + "endpointslice_port_name"] = *port.name;
    if (port.protocol) t[kPrefix + "endpointslice_port_protocol"] = *port.protocol;
    if (port.port) t[kPrefix + "endpointslice_port"] = std::to_string(*port.port);
    if (port.app_protocol) t[kPrefix + "endpointslice_port_app_protocol"] = *port.app_protocol;
    if (ep.ready) t[kPrefix + "endpointslice_endpoint_conditions_ready"] = BoolText(*ep.ready);
    if (ep.serving) t[kPrefix + "endpointslice_endpoint_conditions_serving"] = BoolText(*ep.serving);
    if (ep.terminating)
      t[kPrefix + "endpointslice_endpoint_conditions_terminating"] = BoolText(*ep.terminating);
    if (ep.hostname) t[kPrefix + "endpointslice_endpoint_hostname"] = *ep.hostname;
    if (ep.target_ref) {
      t[kPrefix + "endpointslice_address_target_kind"] = ep.target_ref->kind;
      t[kPrefix + "endpointslice_address_target_name"] = ep.target_ref->name;
    }
    if (ep.node_name) t[kPrefix + "endpointslice_endpoint_node_name"] = *ep.node_name;
    if (ep.zone) t[kPrefix + "endpointslice_endpoint_zone"] = *ep.zone;
    for (const auto& [k, v] : ep.deprecated_topology) {
      std::string ln = SanitizeLabelName(k);
      t[kPrefix + "endpointslice_endpoint_topology_" + ln] = v;
      t[kPrefix + "endpointslice_endpoint_topology_present_" + ln] = "true";
    }
    if (attach_node_) {
      const Node* node = nullptr;
      if (ep.target_ref && ep.target_ref->kind == "Node") {
        node = FindNode(ep.target_ref->name);
      } else if (ep.node_name) {
        node = FindNode(*ep.node_name);
      }
      if (node != nullptr) AddMetaLabels(t, node->meta, "node");
    }
    const Pod* pod = FindPod(ep.target_ref);
    if (pod == nullptr) {
      tg.targets.push_back(ToLabels(t));
      return;
    }
    auto entry = std::find_if(seen.begin(), seen.end(), [&](const auto& e) { return e.first == pod; });
    if (entry == seen.end()) entry = seen.insert(seen.end(), {pod, {}});
    Merge(t, PodLabels(*pod));
    bool matched = false;
    for (const auto& [c, is_init] : AllContainers(*pod)) {
      for (const ContainerPort& cport : c->ports) {
        if (!port.port || *port.port != cport.container_port) continue;
        t[kPrefix + "pod_container_name"] = c->name;
        t[kPrefix + "pod_container_image"] = c->image;
        t[kPrefix + "pod_container_port_name"] = cport.name;
        t[kPrefix + "pod_container_port_number"] = std::to_string(*port.port);
        t[kPrefix + "pod_container_port_protocol"] = cport.protocol;
        t[kPrefix + "pod_container_init"] = BoolText(is_init);
        matched = true;
        break;
      }
      if (matched) break;
    }
    if (port.port) entry->second.push_back(*port.port);
    tg.targets.push_back(ToLabels(t));
  };
  for (const EndpointSliceEndpoint& ep : eps.endpoints) {
    for (const EndpointSlicePort& port : eps.ports) {
      for (const std::string& addr : ep.addresses) add(addr, ep, port);
    }
  }
  AddUncoveredPodPorts(seen, tg.targets);
  return tg;
}

TargetGroup KubernetesTargets::BuildIngress(const Ingress& ingress) const {
  TargetGroup tg;
  tg.source = SourceOf(Kind::kIngress, KeyOf(ingress.meta));
  LabelMap ls{{kNamespaceLabel, ingress.meta.ns}};
  if (ingress.class_name) ls[kPrefix + "ingress_class_name"] = *ingress.class_name;
  AddMetaLabels(ls, ingress.meta, "ingress");
  tg.labels = ToLabels(ls);
  for (const IngressRule& rule : ingress.rules) {
    std::string scheme = "http";
    for (const std::string& pattern : ingress.tls_hosts) {
      if (MatchesHostnamePattern(pattern, rule.host)) {
        scheme = "https";
        break;
      }
    }
    std::vector<std::string> paths;
    if (!rule.paths) {
      paths.push_back("/");
    } else {
      for (const std::string& p : *rule.paths) paths.push_back(p.empty() ? "/" : p);
    }
    for (const std::string& path : paths) {
      tg.targets.push_back(ToLabels({
          {std::string(kAddressLabel), rule.host},
          {kPrefix + "ingress_scheme", scheme},
          {kPrefix + "ingress_host", rule.host},
          {kPrefix + "ingress_path", path},
      }));
    }
  }
  return tg;
}

}  // namespace ember::discovery::k8s
