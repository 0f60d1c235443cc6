#include "ember/http/router.h"

#include <algorithm>
#include <optional>
#include <set>

#include "ember/base/strings.h"

namespace ember::http {
namespace {

// "/a/b/" -> {"a", "b", ""}; "/" -> {""}.
std::vector<std::string_view> SplitPath(std::string_view path) {
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  return Split(path, '/');
}

// The decoded segments of a raw path, or nullopt for a malformed escape.
std::optional<std::vector<std::string>> DecodedSegments(std::string_view raw_path) {
  std::vector<std::string> segments;
  for (std::string_view raw : SplitPath(raw_path)) {
    auto decoded = PercentDecode(raw, /*plus_is_space=*/false);
    if (!decoded.ok()) return std::nullopt;
    segments.push_back(std::move(decoded).value());
  }
  return segments;
}

}  // namespace

void Router::Handle(std::string_view method, std::string_view pattern, Handler handler,
                    RouteOptions options) {
  auto fail = [&](std::string why) {
    if (status_.ok()) {
      status_ =
          Status::InvalidArgument("route " + std::string(method) + " " + std::string(pattern) + ": " + why);
    }
  };
  if (pattern.empty() || pattern.front() != '/') return fail("pattern must start with '/'");
  if (method.empty()) return fail("empty method");
  if (!handler) return fail("empty handler");

  CompiledRoute compiled;
  const auto parts = SplitPath(pattern);
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string_view part = parts[i];
    if (!part.empty() && (part.front() == ':' || part.front() == '*')) {
      if (part.size() == 1) return fail("parameter without a name");
      const bool wildcard = part.front() == '*';
      if (wildcard && i + 1 != parts.size()) return fail("a wildcard must be the last segment");
      compiled.segments.push_back(
          {wildcard ? SegmentKind::kWildcard : SegmentKind::kParam, std::string(part.substr(1))});
    } else {
      compiled.segments.push_back({SegmentKind::kLiteral, std::string(part)});
    }
  }
  for (const Route& r : routes_) {
    if (r.method == method && r.pattern == pattern) return fail("registered twice");
  }
  routes_.push_back(Route{std::string(method), std::string(pattern), std::move(handler), std::move(options)});
  compiled_.push_back(std::move(compiled));
}

bool Router::Matches(size_t i, const std::vector<std::string>& path_segments, Params* params,
                     std::vector<int>* specificity) const {
  const std::vector<Segment>& segments = compiled_[i].segments;
  size_t s = 0;
  for (; s < segments.size(); ++s) {
    const Segment& seg = segments[s];
    // Higher ranks win among patterns that match the same path.
    specificity->push_back(seg.kind == SegmentKind::kLiteral ? 2 : seg.kind == SegmentKind::kParam ? 1 : 0);
    if (seg.kind == SegmentKind::kWildcard) {
      std::string rest;
      for (size_t p = s; p < path_segments.size(); ++p) {
        if (p > s) rest.push_back('/');
        rest.append(path_segments[p]);
      }
      params->Add(seg.text, std::move(rest));
      return true;
    }
    if (s >= path_segments.size()) return false;
    if (seg.kind == SegmentKind::kLiteral) {
      if (seg.text != path_segments[s]) return false;
    } else {
      if (path_segments[s].empty()) return false;
      params->Add(seg.text, path_segments[s]);
    }
  }
  return s == path_segments.size();
}

RouteMatch Router::Find(std::string_view method, std::string_view raw_path) const {
  RouteMatch best;
  const auto decoded = DecodedSegments(raw_path);
  if (!decoded) return best;
  const std::vector<std::string>& path_segments = *decoded;
  std::vector<int> best_specificity;
  const Route* get_fallback = nullptr;
  Params get_fallback_params;
  std::vector<int> get_fallback_specificity;
  std::set<std::string> allowed;

  for (size_t i = 0; i < routes_.size(); ++i) {
    Params params;
    std::vector<int> specificity;
    if (!Matches(i, path_segments, &params, &specificity)) continue;
    const Route& route = routes_[i];
    allowed.insert(route.method);
    if (route.method == method) {
      if (best.route == nullptr || specificity > best_specificity) {
        best.route = &route;
        best.path_params = std::move(params);
        best_specificity = std::move(specificity);
      }
    } else if (method == "HEAD" && route.method == "GET") {
      if (get_fallback == nullptr || specificity > get_fallback_specificity) {
        get_fallback = &route;
        get_fallback_params = std::move(params);
        get_fallback_specificity = std::move(specificity);
      }
    }
  }
  if (best.route == nullptr && get_fallback != nullptr) {
    best.route = get_fallback;
    best.path_params = std::move(get_fallback_params);
  }
  if (best.route != nullptr) {
    best.status = 200;
    return best;
  }
  if (!allowed.empty()) {
    if (allowed.count("GET")) allowed.insert("HEAD");
    std::vector<std::string> methods(allowed.begin(), allowed.end());
    best.status = 405;
    best.allow = Join(methods, ", ");
  }
  return best;
}

}  // namespace ember::http
