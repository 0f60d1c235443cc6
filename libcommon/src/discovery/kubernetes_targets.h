// KubernetesTargets: the objects one Kubernetes discovery knows, and the
// target groups upstream's discovery/kubernetes builds from them.
//
// Objects arrive from lists (Replace) and watch events (Upsert, Remove); each
// change marks the groups it may alter, and TakeChanges rebuilds those and
// returns the ones that differ from what it returned before (with an empty
// group for each source that disappeared). Not thread-safe: one owner.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ember/discovery/kubernetes_sd_config.h"
#include "ember/discovery/target_group.h"
#include "kubernetes_objects.h"

namespace ember::discovery::k8s {

// Replaces every character outside [a-zA-Z0-9_] (a whole UTF-8 sequence, or
// one invalid byte) with '_', as upstream's strutil.SanitizeLabelName.
std::string SanitizeLabelName(std::string_view name);

// The kinds a role lists and watches: its own first, then those it joins
// (services and pods for endpoints and endpointslice; nodes when node
// metadata is attached).
std::vector<Kind> KindsForRole(KubernetesRole role, bool attach_node_metadata);

class KubernetesTargets {
 public:
  KubernetesTargets(KubernetesRole role, bool attach_node_metadata);

  // Makes the objects of `kind` in namespace `ns` ("" for all namespaces, and
  // always for nodes) exactly `objects`, as after a list.
  void Replace(Kind kind, std::string_view ns, std::vector<Object> objects);
  // Adds or replaces one object (ADDED, MODIFIED).
  void Upsert(Object object);
  // Removes one object (DELETED) by KeyOf its metadata.
  void Remove(Kind kind, const std::string& key);

  // The groups changed since the previous call, in source order.
  std::vector<TargetGroup> TakeChanges();

  // Every group last returned by TakeChanges, by source.
  const std::map<std::string, TargetGroup>& groups() const { return sent_; }

 private:
  std::map<std::string, Object>& Store(Kind kind);
  // Marks the groups that depend on the object `key` of `kind`.
  void MarkDependents(Kind kind, const std::string& key, const Object* object);
  bool ReferencesNode(const Object& primary, const std::string& node) const;
  bool ReferencesPod(const Object& primary, const std::string& pod_key) const;
  bool ReferencesService(const Object& primary, const std::string& service_key) const;

  // The group of a primary object, or nothing when upstream sends none.
  std::optional<TargetGroup> Build(const Object& object) const;
  TargetGroup BuildPod(const Pod& pod) const;
  std::optional<TargetGroup> BuildNode(const Node& node) const;
  TargetGroup BuildService(const Service& svc) const;
  TargetGroup BuildEndpoints(const Endpoints& eps) const;
  TargetGroup BuildEndpointSlice(const EndpointSlice& eps) const;
  TargetGroup BuildIngress(const Ingress& ingress) const;

  const Pod* FindPod(const std::optional<ObjectReference>& ref) const;
  const Service* FindService(const std::string& key) const;
  const Node* FindNode(const std::string& name) const;

  Kind primary_;
  bool attach_node_;
  // Per kind: key -> object.
  std::map<Kind, std::map<std::string, Object>> stores_;
  // Keys of primary objects whose group must be rebuilt.
  std::set<std::string> dirty_;
  // Source -> the group last returned for it.
  std::map<std::string, TargetGroup> sent_;
};

// The source of the group of a primary object of `kind` with key `key`
// ("pod/<ns>/<name>", "svc/<ns>/<name>", "node/<name>", ...).
std::string SourceOf(Kind kind, const std::string& key);

}  // namespace ember::discovery::k8s
