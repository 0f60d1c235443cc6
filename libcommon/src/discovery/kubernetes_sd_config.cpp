#include "ember/discovery/kubernetes_sd_config.h"

#include <algorithm>
#include <array>

#include "ember/base/strings.h"

namespace ember::discovery {
namespace {

constexpr std::array<std::pair<KubernetesRole, std::string_view>, 6> kRoles = {{
    {KubernetesRole::kNode, "node"},
    {KubernetesRole::kPod, "pod"},
    {KubernetesRole::kService, "service"},
    {KubernetesRole::kEndpoints, "endpoints"},
    {KubernetesRole::kEndpointSlice, "endpointslice"},
    {KubernetesRole::kIngress, "ingress"},
}};

// The selector roles each role takes, in upstream's order.
std::vector<KubernetesRole> AllowedSelectors(KubernetesRole role) {
  switch (role) {
    case KubernetesRole::kPod:
      return {KubernetesRole::kPod, KubernetesRole::kNode};
    case KubernetesRole::kService:
      return {KubernetesRole::kService};
    case KubernetesRole::kEndpointSlice:
      return {KubernetesRole::kPod, KubernetesRole::kService, KubernetesRole::kEndpointSlice};
    case KubernetesRole::kEndpoints:
      return {KubernetesRole::kPod, KubernetesRole::kService, KubernetesRole::kEndpoints};
    case KubernetesRole::kNode:
      return {KubernetesRole::kNode};
    case KubernetesRole::kIngress:
      return {KubernetesRole::kIngress};
  }
  return {};
}

bool IsDefaultHttpClient(const config::HttpClientConfig& c) {
  const config::TlsClientConfig& t = c.tls_config;
  return !c.basic_auth && !c.authorization && c.follow_redirects && c.enable_http2 && t.ca.empty() &&
         t.ca_file.empty() && t.cert.empty() && t.cert_file.empty() && t.key.empty() && t.key_file.empty() &&
         t.server_name.empty() && !t.insecure_skip_verify && t.min_version.empty() && t.max_version.empty();
}

}  // namespace

std::string_view KubernetesRoleName(KubernetesRole role) {
  for (const auto& [r, name] : kRoles) {
    if (r == role) return name;
  }
  return "";  // the empty role of a selector without one
}

Result<KubernetesRole> ParseKubernetesRole(std::string_view name) {
  for (const auto& [r, n] : kRoles) {
    if (n == name) return r;
  }
  return Status::InvalidArgument("unknown Kubernetes SD role " + GoQuote(name));
}

Status ValidateKubernetesSdConfig(const KubernetesSdConfig& c) {
  if (!c.api_server.empty() && c.api_server.rfind("http://", 0) != 0 &&
      c.api_server.rfind("https://", 0) != 0) {
    return Status::InvalidArgument("api_server " + GoQuote(c.api_server) +
                                   " must be an http:// or https:// URL");
  }
  if (c.api_server.empty() && !IsDefaultHttpClient(c.http_client)) {
    return Status::InvalidArgument(
        "to use custom HTTP client configuration please provide the 'api_server' URL explicitly");
  }
  if (!c.api_server.empty() && c.own_namespace) {
    return Status::InvalidArgument("cannot use 'api_server' and 'namespaces.own_namespace' simultaneously");
  }
  std::vector<KubernetesRole> seen;
  const std::vector<KubernetesRole> allowed = AllowedSelectors(c.role);
  for (const KubernetesSelector& s : c.selectors) {
    if (std::find(seen.begin(), seen.end(), s.role) != seen.end()) {
      return Status::InvalidArgument("duplicated selector role: " + std::string(KubernetesRoleName(s.role)));
    }
    seen.push_back(s.role);
    if (std::find(allowed.begin(), allowed.end(), s.role) == allowed.end()) {
      std::vector<std::string> names;
      for (KubernetesRole a : allowed) names.emplace_back(KubernetesRoleName(a));
      return Status::InvalidArgument(std::string(KubernetesRoleName(c.role)) + " role supports only " +
                                     Join(names, ", ") + " selectors");
    }
  }
  return Status::Ok();
}

void DecodeKubernetesSdConfig(config::FieldReader& r, KubernetesSdConfig& c) {
  bool role_given = false;
  auto role = [](KubernetesRole* out, bool* given) {
    return [out, given](const std::string& text) -> Status {
      EMBER_ASSIGN_OR_RETURN(*out, ParseKubernetesRole(text));
      if (given != nullptr) *given = true;
      return Status::Ok();
    };
  };
  r.Parse("role", role(&c.role, &role_given));
  r.Field("api_server", &c.api_server);
  r.Unsupported("kubeconfig_file", "give api_server and the HTTP client settings instead");
  r.Struct("namespaces", [&](config::FieldReader& n) {
    n.SetTypeName("kubernetes.NamespaceDiscovery");
    n.Field("own_namespace", &c.own_namespace);
    n.Field("names", &c.namespaces);
  });
  r.List("selectors", [&](config::FieldReader& s) {
    s.SetTypeName("kubernetes.SelectorConfig");
    KubernetesSelector& sel = c.selectors.emplace_back();
    // An absent role is upstream's empty role, which no role allows.
    bool given = false;
    s.Parse("role", role(&sel.role, &given));
    if (!given) sel.role = static_cast<KubernetesRole>(-1);
    s.Field("label", &sel.label);
    s.Field("field", &sel.field);
  });
  r.Struct("attach_metadata", [&](config::FieldReader& a) {
    a.SetTypeName("kubernetes.AttachMetadataConfig");
    a.Field("node", &c.attach_node_metadata);
    a.Unsupported("namespace");
    a.Unsupported("deployment");
    a.Unsupported("job");
    a.Unsupported("cronjob");
  });
  config::DecodeHttpClientConfigInline(r, c.http_client);
  if (!r.ok()) return;
  if (!role_given)
    return r.Fail("role missing (one of: pod, service, endpoints, endpointslice, node, ingress)");
  r.Check(ValidateKubernetesSdConfig(c));
}

void JoinDirectory(KubernetesSdConfig& c, const std::string& dir) {
  config::JoinDirectory(c.http_client, dir);
}

std::string KubernetesSdConfigFingerprint(const KubernetesSdConfig& c) {
  std::string out;
  auto add = [&out](std::initializer_list<std::string_view> pieces) {
    for (std::string_view p : pieces) out.append(p);
  };
  auto flag = [](bool b) -> std::string_view { return b ? "true" : "false"; };
  add({"role=", KubernetesRoleName(c.role), " api_server=", GoQuote(c.api_server)});
  add({" own_namespace=", flag(c.own_namespace), " namespaces="});
  for (const std::string& n : c.namespaces) add({GoQuote(n), ","});
  add({" selectors="});
  for (const KubernetesSelector& s : c.selectors) {
    add({"{", KubernetesRoleName(s.role), " ", GoQuote(s.label), " ", GoQuote(s.field), "}"});
  }
  add({" attach_node=", flag(c.attach_node_metadata)});
  const config::HttpClientConfig& h = c.http_client;
  if (h.basic_auth) {
    const config::BasicAuthConfig& b = *h.basic_auth;
    add({" basic_auth={", GoQuote(b.username), " ", GoQuote(b.username_file), " ", GoQuote(b.password), " ",
         GoQuote(b.password_file), "}"});
  }
  if (h.authorization) {
    const config::AuthorizationConfig& a = *h.authorization;
    add({" authorization={", GoQuote(a.type), " ", GoQuote(a.credentials), " ", GoQuote(a.credentials_file),
         "}"});
  }
  const config::TlsClientConfig& t = h.tls_config;
  for (const std::string* s : {&t.ca, &t.ca_file, &t.cert, &t.cert_file, &t.key, &t.key_file, &t.server_name,
                               &t.min_version, &t.max_version}) {
    add({" ", GoQuote(*s)});
  }
  add({" insecure_skip_verify=", flag(t.insecure_skip_verify), " follow_redirects=", flag(h.follow_redirects),
       " enable_http2=", flag(h.enable_http2)});
  return out;
}

}  // namespace ember::discovery
