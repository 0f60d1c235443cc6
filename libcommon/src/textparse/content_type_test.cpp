#include "ember/textparse/content_type.h"

#include <catch2/catch.hpp>

namespace ember::textparse {
namespace {

TEST_CASE("AcceptHeader: as Prometheus 3.x builds it", "[textparse]") {
  auto h = AcceptHeader(
      {"OpenMetricsText1.0.0", "OpenMetricsText0.0.1", "PrometheusText1.0.0", "PrometheusText0.0.4"});
  REQUIRE(h.ok());
  CHECK(*h ==
        "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,"
        "application/openmetrics-text;version=0.0.1;q=0.5,"
        "text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2");
  h = AcceptHeader({"PrometheusProto", "OpenMetricsText1.0.0", "OpenMetricsText0.0.1", "PrometheusText1.0.0",
                    "PrometheusText0.0.4"},
                   "underscores");
  REQUIRE(h.ok());
  CHECK(*h ==
        "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.6,"
        "application/openmetrics-text;version=1.0.0;escaping=underscores;q=0.5,"
        "application/openmetrics-text;version=0.0.1;q=0.4,"
        "text/plain;version=1.0.0;escaping=underscores;q=0.3,text/plain;version=0.0.4;q=0.2,*/*;q=0.1");
  h = AcceptHeader({"PrometheusText0.0.4"});
  REQUIRE(h.ok());
  CHECK(*h == "text/plain;version=0.0.4;q=0.6,*/*;q=0.5");
  CHECK_FALSE(AcceptHeader({"Bogus"}).ok());
}

TEST_CASE("ChooseMediaType: Content-Type, fallback and upstream's texts", "[textparse]") {
  auto c = ChooseMediaType("text/plain; version=0.0.4; charset=utf-8", "");
  CHECK(c.media_type == "text/plain");
  CHECK(c.warning.empty());
  c = ChooseMediaType("application/openmetrics-text; version=1.0.0; charset=utf-8", "");
  CHECK(c.media_type == "application/openmetrics-text");
  c = ChooseMediaType("Text/Plain", "");
  CHECK(c.media_type == "text/plain");
  c = ChooseMediaType("", "");
  CHECK(c.media_type.empty());
  CHECK(c.warning ==
        "non-compliant scrape target sending blank Content-Type and no fallback_scrape_protocol specified "
        "for target");
  c = ChooseMediaType("", "PrometheusText0.0.4");
  CHECK(c.media_type == "text/plain");
  CHECK(
      c.warning ==
      R"(non-compliant scrape target sending blank Content-Type, using fallback_scrape_protocol "text/plain")");
  c = ChooseMediaType("text/html", "");
  CHECK(c.media_type.empty());
  CHECK(
      c.warning ==
      R"(received unsupported Content-Type "text/html" and no fallback_scrape_protocol specified for target)");
  c = ChooseMediaType("text/html", "OpenMetricsText1.0.0");
  CHECK(c.media_type == "application/openmetrics-text");
  CHECK(
      c.warning ==
      R"(received unsupported Content-Type "text/html", using fallback_scrape_protocol "application/openmetrics-text")");
  c = ChooseMediaType("text/plain; charset", "");
  CHECK(c.media_type.empty());
  CHECK(c.warning ==
        "cannot parse Content-Type \"text/plain; charset\" and no fallback_scrape_protocol for target\n"
        "mime: invalid media parameter");
  c = ChooseMediaType("not a type", "PrometheusText1.0.0");
  CHECK(c.media_type == "text/plain");
  CHECK(c.warning ==
        "could not parse received Content-Type \"not a type\", using fallback_scrape_protocol "
        "\"text/plain\"\nmime: expected slash after first token");
  CHECK(ChooseMediaType("text/plain;", "").media_type == "text/plain");
}

TEST_CASE("NewParser: picks the parser", "[textparse]") {
  auto p = NewParser("a 1\n", "text/plain; version=0.0.4", "");
  REQUIRE(p.ok());
  CHECK(*(*p)->Next() == Entry::kSeries);
  p = NewParser("a 1\n# EOF\n", "application/openmetrics-text", "");
  REQUIRE(p.ok());
  CHECK(*(*p)->Next() == Entry::kSeries);
  CHECK(*(*p)->Next() == Entry::kEof);
  std::string warning;
  p = NewParser("a 1\n", "", "", {}, &warning);
  REQUIRE_FALSE(p.ok());
  CHECK(p.status().message() == warning);
  CHECK(NewParser("", "application/vnd.google.protobuf", "").status().code() == StatusCode::kUnimplemented);
}

}  // namespace
}  // namespace ember::textparse
