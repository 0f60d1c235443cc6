// The parts of Kubernetes API objects that discovery reads, and their
// decoding from the API's JSON (lists, single objects and watch events).
//
// Decoding is tolerant as the API's own clients are: unknown fields are
// ignored, and a field of an unexpected JSON type reads as absent. Only a
// text that is not JSON, or not an object where one is required, fails.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "ember/base/status.h"

namespace ember::discovery::k8s {

struct OwnerReference {
  std::string kind;
  std::string name;
  bool controller = false;
};

struct ObjectMeta {
  std::string name;
  std::string ns;  // "namespace"; empty for cluster-scoped objects
  std::string uid;
  std::string resource_version;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
  std::vector<OwnerReference> owner_references;
};

struct ObjectReference {
  std::string kind;
  std::string ns;
  std::string name;
};

struct ContainerPort {
  std::string name;
  int64_t container_port = 0;
  std::string protocol;
};

struct Container {
  std::string name;
  std::string image;
  std::vector<ContainerPort> ports;
};

struct ContainerStatus {
  std::string name;
  std::string container_id;
};

struct Condition {
  std::string type;
  std::string status;
};

struct Pod {
  ObjectMeta meta;
  std::string node_name;
  std::vector<Container> containers;
  std::vector<Container> init_containers;
  std::string phase;
  std::string pod_ip;
  std::string host_ip;
  std::vector<Condition> conditions;
  std::vector<ContainerStatus> container_statuses;
  std::vector<ContainerStatus> init_container_statuses;
};

struct NodeAddress {
  std::string type;
  std::string address;
};

struct Node {
  ObjectMeta meta;
  std::string provider_id;
  std::vector<Condition> conditions;
  std::vector<NodeAddress> addresses;
  int64_t kubelet_port = 0;
};

struct ServicePort {
  std::string name;
  int64_t port = 0;
  std::string protocol;
};

struct Service {
  ObjectMeta meta;
  std::vector<ServicePort> ports;
  std::string type;
  std::string cluster_ip;
  std::string external_name;
  std::string load_balancer_ip;
  std::optional<std::string> ip_family_policy;
  std::vector<std::string> ip_families;
  // status.loadBalancer.ingress[].ip, in order.
  std::vector<std::string> load_balancer_ingress_ips;
};

struct EndpointAddress {
  std::string ip;
  std::string hostname;
  std::optional<std::string> node_name;
  std::optional<ObjectReference> target_ref;
};

struct EndpointPort {
  std::string name;
  int64_t port = 0;
  std::string protocol;
};

struct EndpointSubset {
  std::vector<EndpointAddress> addresses;
  std::vector<EndpointAddress> not_ready_addresses;
  std::vector<EndpointPort> ports;
};

struct Endpoints {
  ObjectMeta meta;
  std::vector<EndpointSubset> subsets;
};

struct EndpointSlicePort {
  std::optional<std::string> name;
  std::optional<std::string> protocol;
  std::optional<int64_t> port;
  std::optional<std::string> app_protocol;
};

struct EndpointSliceEndpoint {
  std::vector<std::string> addresses;
  std::optional<bool> ready;
  std::optional<bool> serving;
  std::optional<bool> terminating;
  std::optional<std::string> hostname;
  std::optional<std::string> node_name;
  std::optional<std::string> zone;
  std::optional<ObjectReference> target_ref;
  std::map<std::string, std::string> deprecated_topology;
};

struct EndpointSlice {
  ObjectMeta meta;
  std::string address_type;
  std::vector<EndpointSliceEndpoint> endpoints;
  std::vector<EndpointSlicePort> ports;
};

struct IngressRule {
  std::string host;
  // Absent when the rule has no `http` section.
  std::optional<std::vector<std::string>> paths;
};

struct Ingress {
  ObjectMeta meta;
  std::optional<std::string> class_name;
  std::vector<IngressRule> rules;
  // spec.tls[].hosts, flattened in order.
  std::vector<std::string> tls_hosts;
};

// The kinds of object discovery lists and watches.
enum class Kind { kNode, kPod, kService, kEndpoints, kEndpointSlice, kIngress };

// The alternatives are in the order of Kind.
using Object = std::variant<Node, Pod, Service, Endpoints, EndpointSlice, Ingress>;

inline Kind KindOf(const Object& object) { return static_cast<Kind>(object.index()); }

// The metadata of any object.
const ObjectMeta& MetaOf(const Object& object);
// "ns/name", or "name" for cluster-scoped objects (nodes).
std::string KeyOf(const ObjectMeta& meta);

// The collection path under the API root: "/api/v1/pods",
// "/api/v1/namespaces/<ns>/pods", "/apis/discovery.k8s.io/v1/...".
// `ns` is ignored for nodes; empty means all namespaces.
std::string CollectionPath(Kind kind, std::string_view ns);
std::string_view KindName(Kind kind);

// A decoded list response: its items and the resourceVersion to watch from.
struct ObjectList {
  std::vector<Object> items;
  std::string resource_version;
};

// Decodes a list response (`{"kind": "PodList", "metadata": {...}, "items":
// [...]}`) of `kind`. InvalidArgument when the text is not a JSON object.
Result<ObjectList> ParseObjectList(Kind kind, std::string_view json);

// Decodes one object of `kind` (as `kubectl get -o json` prints it).
Result<Object> ParseObject(Kind kind, std::string_view json);

enum class EventType { kAdded, kModified, kDeleted, kBookmark, kError };

// One line of a watch stream.
struct WatchEvent {
  EventType type = EventType::kAdded;
  // The object of ADDED, MODIFIED and DELETED events.
  std::optional<Object> object;
  // The object's (or the bookmark's) metadata.resourceVersion.
  std::string resource_version;
  // ERROR events: the Status object's code (410 when the resource version
  // is too old) and message.
  int64_t error_code = 0;
  std::string error_message;
};

// Decodes one watch event line (`{"type": "ADDED", "object": {...}}`).
// InvalidArgument for a text that is not such an object or an unknown type.
Result<WatchEvent> ParseWatchEvent(Kind kind, std::string_view line);

}  // namespace ember::discovery::k8s
