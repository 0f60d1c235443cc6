// Scrape protocol negotiation: scrape/scrape.go's acceptHeader,
// config.ScrapeProtocolsHeaders and textparse's extractMediaType, with a
// Go-compatible mime.ParseMediaType for the media type and its parameters.
#include "ember/textparse/content_type.h"

#include <array>
#include <cstring>

#include "ember/base/strings.h"
#include "ember/textparse/prom_parser.h"

namespace ember::textparse {

namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 5> kProtocolHeaders = {{
    {"PrometheusProto",
     "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited"},
    {"PrometheusText0.0.4", "text/plain;version=0.0.4"},
    {"PrometheusText1.0.0", "text/plain;version=1.0.0"},
    {"OpenMetricsText0.0.1", "application/openmetrics-text;version=0.0.1"},
    {"OpenMetricsText1.0.0", "application/openmetrics-text;version=1.0.0"},
}};

bool IsTokenChar(char c) {
  auto u = static_cast<unsigned char>(c);
  return u > 0x20 && u < 0x7f && std::strchr("()<>@,;:\\\"/[]?=", c) == nullptr;
}

std::string_view ConsumeToken(std::string_view v, std::string_view* rest) {
  size_t k = 0;
  while (k < v.size() && IsTokenChar(v[k])) ++k;
  *rest = v.substr(k);
  return v.substr(0, k);
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

std::string_view TrimLeft(std::string_view v) {
  while (!v.empty() && IsSpace(v.front())) v.remove_prefix(1);
  return v;
}

// One `;key=value` parameter; false when it is malformed.
bool ConsumeParam(std::string_view v, std::string* key, std::string_view* rest) {
  v = TrimLeft(v);
  if (v.empty() || v[0] != ';') return false;
  v = TrimLeft(v.substr(1));
  std::string_view r;
  std::string_view k = ConsumeToken(v, &r);
  if (k.empty()) return false;
  r = TrimLeft(r);
  if (r.empty() || r[0] != '=') return false;
  r = TrimLeft(r.substr(1));
  if (!r.empty() && r[0] == '"') {
    size_t j = 1;
    for (; j < r.size(); ++j) {
      if (r[j] == '\\') {
        ++j;
      } else if (r[j] == '"') {
        break;
      }
    }
    if (j >= r.size()) return false;
    *rest = r.substr(j + 1);
  } else {
    std::string_view after;
    std::string_view value = ConsumeToken(r, &after);
    if (value.empty()) return false;
    *rest = after;
  }
  *key = ToLower(k);
  return true;
}

// Go's mime.ParseMediaType, for the media type and its validity only.
Result<std::string> ParseMediaType(std::string_view v) {
  std::string_view base = v.substr(0, v.find(';'));
  std::string media = std::string(TrimSpace(ToLower(base)));
  std::string_view rest;
  std::string_view typ = ConsumeToken(media, &rest);
  if (typ.empty()) return Status::InvalidArgument("mime: no media type");
  if (!rest.empty()) {
    if (rest[0] != '/') return Status::InvalidArgument("mime: expected slash after first token");
    std::string_view after;
    std::string_view sub = ConsumeToken(rest.substr(1), &after);
    if (sub.empty()) return Status::InvalidArgument("mime: expected token after slash");
    if (!after.empty()) return Status::InvalidArgument("mime: unexpected content after media subtype");
  }
  std::string_view params = v.substr(base.size());
  std::vector<std::string> seen;
  while (!params.empty()) {
    params = TrimLeft(params);
    if (params.empty()) break;
    std::string key;
    std::string_view after;
    if (!ConsumeParam(params, &key, &after)) {
      if (TrimSpace(params) == ";") break;  // a trailing semicolon is ignored
      return Status::InvalidArgument("mime: invalid media parameter");
    }
    for (const auto& s : seen) {
      if (s == key) return Status::InvalidArgument("mime: duplicate parameter name");
    }
    seen.push_back(std::move(key));
    params = after;
  }
  return media;
}

}  // namespace

std::string_view ScrapeProtocolHeader(std::string_view protocol) {
  for (const auto& [name, header] : kProtocolHeaders) {
    if (name == protocol) return header;
  }
  return {};
}

Result<std::string> AcceptHeader(const std::vector<std::string>& protocols, std::string_view escaping) {
  std::string out;
  int weight = static_cast<int>(kProtocolHeaders.size()) + 1;
  for (const auto& p : protocols) {
    std::string_view header = ScrapeProtocolHeader(p);
    if (header.empty()) return Status::InvalidArgument("unknown scrape protocol " + GoQuote(p));
    out.append(header);
    // The escaping parameter only exists for the 1.0.0 text formats.
    if (p == "PrometheusText1.0.0" || p == "OpenMetricsText1.0.0") {
      out.append(";escaping=");
      out.append(escaping);
    }
    out.append(";q=0.");
    out.append(std::to_string(weight));
    out.push_back(',');
    --weight;
  }
  out.append("*/*;q=0.");
  out.append(std::to_string(weight));
  return out;
}

MediaTypeChoice ChooseMediaType(std::string_view content_type, std::string_view fallback_protocol) {
  std::string fallback;
  if (!fallback_protocol.empty()) {
    std::string_view header = ScrapeProtocolHeader(fallback_protocol);
    fallback = std::string(header.substr(0, header.find(';')));
  }
  if (content_type.empty()) {
    if (fallback.empty()) {
      return {"",
              "non-compliant scrape target sending blank Content-Type and no fallback_scrape_protocol "
              "specified for target"};
    }
    return {fallback,
            "non-compliant scrape target sending blank Content-Type, using fallback_scrape_protocol " +
                GoQuote(fallback)};
  }
  auto media = ParseMediaType(content_type);
  if (!media.ok()) {
    if (fallback.empty()) {
      return {"", "cannot parse Content-Type " + GoQuote(content_type) +
                      " and no fallback_scrape_protocol for target\n" + media.status().message()};
    }
    return {fallback, "could not parse received Content-Type " + GoQuote(content_type) +
                          ", using fallback_scrape_protocol " + GoQuote(fallback) + "\n" +
                          media.status().message()};
  }
  if (*media == "application/openmetrics-text" || *media == "application/vnd.google.protobuf" ||
      *media == "text/plain") {
    return {*media, ""};
  }
  if (fallback.empty()) {
    return {"", "received unsupported Content-Type " + GoQuote(content_type) +
                    " and no fallback_scrape_protocol specified for target"};
  }
  return {fallback, "received unsupported Content-Type " + GoQuote(content_type) +
                        ", using fallback_scrape_protocol " + GoQuote(fallback)};
}

Result<std::unique_ptr<Parser>> NewParser(std::string_view body, std::string_view content_type,
                                          std::string_view fallback_protocol, OpenMetricsOptions options,
                                          std::string* warning) {
  MediaTypeChoice choice = ChooseMediaType(content_type, fallback_protocol);
  if (warning != nullptr) *warning = choice.warning;
  if (choice.media_type == "text/plain") return std::unique_ptr<Parser>(new PromParser(body));
  if (choice.media_type == "application/openmetrics-text") {
    return std::unique_ptr<Parser>(new OpenMetricsParser(body, options));
  }
  if (choice.media_type == "application/vnd.google.protobuf") {
    return Status::Unimplemented("the protobuf exposition format is not supported");
  }
  return Status::InvalidArgument(choice.warning);
}

}  // namespace ember::textparse
