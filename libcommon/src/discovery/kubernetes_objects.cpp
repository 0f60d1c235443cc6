#include "kubernetes_objects.h"

#include <nlohmann/json.hpp>

namespace ember::discovery::k8s {
namespace {

using Json = nlohmann::json;

const Json& Empty() {
  static const Json kEmpty = Json::object();
  return kEmpty;
}

// The member `key` of `j` when `j` is an object holding it, else null.
const Json* Member(const Json& j, std::string_view key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  if (it == j.end()) return nullptr;
  return &*it;
}

// The object at `key`, or an empty object.
const Json& Obj(const Json& j, std::string_view key) {
  const Json* m = Member(j, key);
  return m != nullptr && m->is_object() ? *m : Empty();
}

// The items of the array at `key` (none when absent or not an array).
template <typename F>
void Each(const Json& j, std::string_view key, F&& f) {
  const Json* m = Member(j, key);
  if (m == nullptr || !m->is_array()) return;
  for (const Json& item : *m) f(item);
}

std::optional<std::string> OptStr(const Json& j, std::string_view key) {
  const Json* m = Member(j, key);
  if (m == nullptr || !m->is_string()) return std::nullopt;
  return m->get<std::string>();
}

std::string Str(const Json& j, std::string_view key) { return OptStr(j, key).value_or(""); }

std::optional<int64_t> OptInt(const Json& j, std::string_view key) {
  const Json* m = Member(j, key);
  if (m == nullptr) return std::nullopt;
  if (m->is_number_integer()) return m->get<int64_t>();
  if (m->is_number_float()) {
    double d = m->get<double>();
    if (d >= -9.2e18 && d <= 9.2e18) return static_cast<int64_t>(d);
  }
  return std::nullopt;
}

int64_t Int(const Json& j, std::string_view key) { return OptInt(j, key).value_or(0); }

std::optional<bool> OptBool(const Json& j, std::string_view key) {
  const Json* m = Member(j, key);
  if (m == nullptr || !m->is_boolean()) return std::nullopt;
  return m->get<bool>();
}

std::map<std::string, std::string> StrMap(const Json& j, std::string_view key) {
  std::map<std::string, std::string> out;
  const Json& m = Obj(j, key);
  for (auto it = m.begin(); it != m.end(); ++it) {
    if (it.value().is_string()) out[it.key()] = it.value().get<std::string>();
  }
  return out;
}

ObjectMeta ParseMeta(const Json& j) {
  const Json& m = Obj(j, "metadata");
  ObjectMeta meta;
  meta.name = Str(m, "name");
  meta.ns = Str(m, "namespace");
  meta.uid = Str(m, "uid");
  meta.resource_version = Str(m, "resourceVersion");
  meta.labels = StrMap(m, "labels");
  meta.annotations = StrMap(m, "annotations");
  Each(m, "ownerReferences", [&](const Json& o) {
    meta.owner_references.push_back(
        {Str(o, "kind"), Str(o, "name"), OptBool(o, "controller").value_or(false)});
  });
  return meta;
}

std::optional<ObjectReference> ParseRef(const Json& j, std::string_view key) {
  const Json* m = Member(j, key);
  if (m == nullptr || !m->is_object()) return std::nullopt;
  return ObjectReference{Str(*m, "kind"), Str(*m, "namespace"), Str(*m, "name")};
}

std::vector<Condition> ParseConditions(const Json& status) {
  std::vector<Condition> out;
  Each(status, "conditions", [&](const Json& c) { out.push_back({Str(c, "type"), Str(c, "status")}); });
  return out;
}

std::vector<Container> ParseContainers(const Json& spec, std::string_view key) {
  std::vector<Container> out;
  Each(spec, key, [&](const Json& c) {
    Container& container = out.emplace_back();
    container.name = Str(c, "name");
    container.image = Str(c, "image");
    Each(c, "ports", [&](const Json& p) {
      container.ports.push_back({Str(p, "name"), Int(p, "containerPort"), Str(p, "protocol")});
    });
  });
  return out;
}

std::vector<ContainerStatus> ParseContainerStatuses(const Json& status, std::string_view key) {
  std::vector<ContainerStatus> out;
  Each(status, key, [&](const Json& s) { out.push_back({Str(s, "name"), Str(s, "containerID")}); });
  return out;
}

Pod ParsePod(const Json& j) {
  Pod p;
  p.meta = ParseMeta(j);
  const Json& spec = Obj(j, "spec");
  const Json& status = Obj(j, "status");
  p.node_name = Str(spec, "nodeName");
  p.containers = ParseContainers(spec, "containers");
  p.init_containers = ParseContainers(spec, "initContainers");
  p.phase = Str(status, "phase");
  p.pod_ip = Str(status, "podIP");
  p.host_ip = Str(status, "hostIP");
  p.conditions = ParseConditions(status);
  p.container_statuses = ParseContainerStatuses(status, "containerStatuses");
  p.init_container_statuses = ParseContainerStatuses(status, "initContainerStatuses");
  return p;
}

Node ParseNode(const Json& j) {
  Node n;
  n.meta = ParseMeta(j);
  const Json& status = Obj(j, "status");
  n.provider_id = Str(Obj(j, "spec"), "providerID");
  n.conditions = ParseConditions(status);
  Each(status, "addresses", [&](const Json& a) {
    n.addresses.push_back({Str(a, "type"), Str(a, "address")});
  });
  n.kubelet_port = Int(Obj(Obj(status, "daemonEndpoints"), "kubeletEndpoint"), "Port");
  return n;
}

Service ParseService(const Json& j) {
  Service s;
  s.meta = ParseMeta(j);
  const Json& spec = Obj(j, "spec");
  Each(spec, "ports", [&](const Json& p) {
    s.ports.push_back({Str(p, "name"), Int(p, "port"), Str(p, "protocol")});
  });
  s.type = Str(spec, "type");
  s.cluster_ip = Str(spec, "clusterIP");
  s.external_name = Str(spec, "externalName");
  s.load_balancer_ip = Str(spec, "loadBalancerIP");
  s.ip_family_policy = OptStr(spec, "ipFamilyPolicy");
  Each(spec, "ipFamilies", [&](const Json& f) {
    if (f.is_string()) s.ip_families.push_back(f.get<std::string>());
  });
  Each(Obj(Obj(j, "status"), "loadBalancer"), "ingress",
       [&](const Json& i) { s.load_balancer_ingress_ips.push_back(Str(i, "ip")); });
  return s;
}

std::vector<EndpointAddress> ParseAddresses(const Json& subset, std::string_view key) {
  std::vector<EndpointAddress> out;
  Each(subset, key, [&](const Json& a) {
    out.push_back({Str(a, "ip"), Str(a, "hostname"), OptStr(a, "nodeName"), ParseRef(a, "targetRef")});
  });
  return out;
}

Endpoints ParseEndpoints(const Json& j) {
  Endpoints e;
  e.meta = ParseMeta(j);
  Each(j, "subsets", [&](const Json& s) {
    EndpointSubset& subset = e.subsets.emplace_back();
    subset.addresses = ParseAddresses(s, "addresses");
    subset.not_ready_addresses = ParseAddresses(s, "notReadyAddresses");
    Each(s, "ports", [&](const Json& p) {
      subset.ports.push_back({Str(p, "name"), Int(p, "port"), Str(p, "protocol")});
    });
  });
  return e;
}

EndpointSlice ParseEndpointSlice(const Json& j) {
  EndpointSlice e;
  e.meta = ParseMeta(j);
  e.address_type = Str(j, "addressType");
  Each(j, "endpoints", [&](const Json& ep) {
    EndpointSliceEndpoint& out = e.endpoints.emplace_back();
    Each(ep, "addresses", [&](const Json& a) {
      if (a.is_string()) out.addresses.push_back(a.get<std::string>());
    });
    const Json& cond = Obj(ep, "conditions");
    out.ready = OptBool(cond, "ready");
    out.serving = OptBool(cond, "serving");
    out.terminating = OptBool(cond, "terminating");
    out.hostname = OptStr(ep, "hostname");
    out.node_name = OptStr(ep, "nodeName");
    out.zone = OptStr(ep, "zone");
    out.target_ref = ParseRef(ep, "targetRef");
    out.deprecated_topology = StrMap(ep, "deprecatedTopology");
  });
  Each(j, "ports", [&](const Json& p) {
    e.ports.push_back(
        {OptStr(p, "name"), OptStr(p, "protocol"), OptInt(p, "port"), OptStr(p, "appProtocol")});
  });
  return e;
}

Ingress ParseIngress(const Json& j) {
  Ingress in;
  in.meta = ParseMeta(j);
  const Json& spec = Obj(j, "spec");
  in.class_name = OptStr(spec, "ingressClassName");
  Each(spec, "rules", [&](const Json& r) {
    IngressRule& rule = in.rules.emplace_back();
    rule.host = Str(r, "host");
    const Json* http = Member(r, "http");
    if (http == nullptr || !http->is_object()) return;
    rule.paths.emplace();
    Each(*http, "paths", [&](const Json& p) { rule.paths->push_back(Str(p, "path")); });
  });
  Each(spec, "tls", [&](const Json& t) {
    Each(t, "hosts", [&](const Json& h) {
      if (h.is_string()) in.tls_hosts.push_back(h.get<std::string>());
    });
  });
  return in;
}

Object ParseAs(Kind kind, const Json& j) {
  switch (kind) {
    case Kind::kNode:
      return ParseNode(j);
    case Kind::kPod:
      return ParsePod(j);
    case Kind::kService:
      return ParseService(j);
    case Kind::kEndpoints:
      return ParseEndpoints(j);
    case Kind::kEndpointSlice:
      return ParseEndpointSlice(j);
    case Kind::kIngress:
      return ParseIngress(j);
  }
  return Pod{};
}

Result<Json> ParseJsonObject(std::string_view text, std::string_view what) {
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::InvalidArgument("malformed JSON in " + std::string(what));
  if (!j.is_object()) return Status::InvalidArgument(std::string(what) + " is not a JSON object");
  return j;
}

}  // namespace

const ObjectMeta& MetaOf(const Object& object) {
  return std::visit([](const auto& o) -> const ObjectMeta& { return o.meta; }, object);
}

std::string KeyOf(const ObjectMeta& meta) { return meta.ns.empty() ? meta.name : meta.ns + "/" + meta.name; }

std::string_view KindName(Kind kind) {
  switch (kind) {
    case Kind::kNode:
      return "node";
    case Kind::kPod:
      return "pod";
    case Kind::kService:
      return "service";
    case Kind::kEndpoints:
      return "endpoints";
    case Kind::kEndpointSlice:
      return "endpointslice";
    case Kind::kIngress:
      return "ingress";
  }
  return "";
}

std::string CollectionPath(Kind kind, std::string_view ns) {
  std::string group = "/api/v1";
  std::string resource;
  switch (kind) {
    case Kind::kNode:
      return "/api/v1/nodes";
    case Kind::kPod:
      resource = "pods";
      break;
    case Kind::kService:
      resource = "services";
      break;
    case Kind::kEndpoints:
      resource = "endpoints";
      break;
    case Kind::kEndpointSlice:
      group = "/apis/discovery.k8s.io/v1";
      resource = "endpointslices";
      break;
    case Kind::kIngress:
      group = "/apis/networking.k8s.io/v1";
      resource = "ingresses";
      break;
  }
  if (ns.empty()) return group + "/" + resource;
  return group + "/namespaces/" + std::string(ns) + "/" + resource;
}

Result<ObjectList> ParseObjectList(Kind kind, std::string_view json) {
  EMBER_ASSIGN_OR_RETURN(Json j, ParseJsonObject(json, "list response"));
  ObjectList list;
  list.resource_version = Str(Obj(j, "metadata"), "resourceVersion");
  Each(j, "items", [&](const Json& item) {
    if (item.is_object()) list.items.push_back(ParseAs(kind, item));
  });
  return list;
}

Result<Object> ParseObject(Kind kind, std::string_view json) {
  EMBER_ASSIGN_OR_RETURN(Json j, ParseJsonObject(json, "object"));
  return ParseAs(kind, j);
}

Result<WatchEvent> ParseWatchEvent(Kind kind, std::string_view line) {
  EMBER_ASSIGN_OR_RETURN(Json j, ParseJsonObject(line, "watch event"));
  std::string type = Str(j, "type");
  const Json& object = Obj(j, "object");
  WatchEvent ev;
  if (type == "ADDED") {
    ev.type = EventType::kAdded;
  } else if (type == "MODIFIED") {
    ev.type = EventType::kModified;
  } else if (type == "DELETED") {
    ev.type = EventType::kDeleted;
  } else if (type == "BOOKMARK") {
    ev.type = EventType::kBookmark;
  } else if (type == "ERROR") {
    ev.type = EventType::kError;
    ev.error_code = Int(object, "code");
    ev.error_message = Str(object, "message");
    return ev;
  } else {
    return Status::InvalidArgument("unknown watch event type \"" + type + "\"");
  }
  ev.resource_version = Str(Obj(object, "metadata"), "resourceVersion");
  if (ev.type != EventType::kBookmark) ev.object = ParseAs(kind, object);
  return ev;
}

}  // namespace ember::discovery::k8s
