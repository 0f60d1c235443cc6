// What a scrape pool derives from its ScrapeConfig: fingerprints telling
// whether a reload changed it, the HTTP client options, the authorization
// headers, and the scrape loops' settings.
#pragma once

#include <functional>
#include <string>

#include "config/scraper_config.h"
#include "ember/base/status.h"
#include "ember/http/client_options.h"
#include "ember/http/headers.h"

namespace ember::scraper {

// A canonical text of every field of `config`: equal texts mean equal
// configs. With `for_cache`, the fields a reload may change while keeping
// the series caches (interval, timeout, sample_limit and the HTTP client
// settings, as upstream's reusableCache) are left out.
std::string ScrapeConfigFingerprint(const ScrapeConfig& config, bool for_cache = false);

// The HttpClient options for scraping with `config`: TLS files, redirects,
// the body size limit (0: none). InvalidArgument for what the client cannot
// do (certificates given inline rather than as files).
Result<http::ClientOptions> ScrapeClientOptions(const ScrapeConfig& config);

// A key for sharing one HttpClient between pools with the same options.
std::string ClientOptionsKey(const http::ClientOptions& options);

// Adds the Authorization header of basic_auth or authorization to a
// request, reading password and credentials files at each call (so rotated
// secrets are picked up); null when the config has neither.
std::function<Status(http::Headers&)> ScrapeAuthorizer(const config::HttpClientConfig& config);

}  // namespace ember::scraper
