// Scrape-protocol negotiation as Prometheus 3.x does it: the Accept header
// built from `scrape_protocols`, and the parser picked from the response's
// Content-Type with `fallback_scrape_protocol` when it is missing or unknown.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ember/base/status.h"
#include "ember/textparse/openmetrics_parser.h"
#include "ember/textparse/parser.h"

namespace ember::textparse {

// The protocol names of the configuration: "PrometheusProto",
// "PrometheusText0.0.4", "PrometheusText1.0.0", "OpenMetricsText0.0.1",
// "OpenMetricsText1.0.0". Returns the Accept header value for one
// ("text/plain;version=0.0.4"), or "" for an unknown name.
std::string_view ScrapeProtocolHeader(std::string_view protocol);

// Prometheus 3.x's scrape Accept header: the protocols in order with q-values
// from 0.(5+1) down, `;escaping=<escaping>` on the 1.0.0 text formats, then
// `*/*`. `escaping` is "allow-utf-8" under the utf8 name validation scheme,
// "underscores" under legacy. The defaults give
// `application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2`.
// Unknown protocol names are an InvalidArgument error.
Result<std::string> AcceptHeader(const std::vector<std::string>& protocols,
                                 std::string_view escaping = "allow-utf-8");

// The media type a parser is chosen by, as upstream's extractMediaType.
struct MediaTypeChoice {
  // "text/plain", "application/openmetrics-text" or
  // "application/vnd.google.protobuf"; "" when neither the Content-Type nor
  // the fallback gives one (the scrape fails with `warning`'s text).
  std::string media_type;
  // Upstream's error text when the fallback was used or nothing fits, e.g.
  // `non-compliant scrape target sending blank Content-Type and no
  // fallback_scrape_protocol specified for target`; "" when the Content-Type
  // was understood.
  std::string warning;
};

// `fallback_protocol` is a protocol name as above or "" for none.
MediaTypeChoice ChooseMediaType(std::string_view content_type, std::string_view fallback_protocol);

// A parser for `body` by ChooseMediaType. The protobuf format is not
// implemented (Unimplemented); nothing usable is an InvalidArgument error
// with upstream's text. `warning` (may be null) receives the choice's warning.
Result<std::unique_ptr<Parser>> NewParser(std::string_view body, std::string_view content_type,
                                          std::string_view fallback_protocol, OpenMetricsOptions options = {},
                                          std::string* warning = nullptr);

}  // namespace ember::textparse
