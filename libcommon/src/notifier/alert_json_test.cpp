#include <catch2/catch.hpp>

#include "ember/notifier/alert.h"

namespace ember::notifier {
namespace {

TEST_CASE("alerts encode as Prometheus sends them to Alertmanager API v2") {
  Alert a;
  a.labels = Labels{{"alertname", "Up"}, {"job", "node"}};
  a.annotations = Labels{{"summary", "down"}};
  a.starts_at_ms = 1714557600123;  // 2024-05-01T10:00:00.123Z
  a.ends_at_ms = 1714557900000;
  a.generator_url = "http://prom:9090/graph?g0.expr=up&g0.tab=1";
  Alert b;
  b.labels = Labels{{"alertname", "Other"}};
  CHECK(EncodeAlertsV2(std::vector<Alert>{a, b}) ==
        R"([{"annotations":{"summary":"down"},"endsAt":"2024-05-01T10:05:00.000Z",)"
        R"("startsAt":"2024-05-01T10:00:00.123Z",)"
        R"("generatorURL":"http://prom:9090/graph?g0.expr=up\u0026g0.tab=1",)"
        R"("labels":{"alertname":"Up","job":"node"}},)"
        R"({"endsAt":"0001-01-01T00:00:00.000Z","startsAt":"0001-01-01T00:00:00.000Z",)"
        R"("labels":{"alertname":"Other"}}])");
}

TEST_CASE("an empty batch and an alert without labels") {
  CHECK(EncodeAlertsV2({}) == "[]");
  Alert a;
  CHECK(EncodeAlertsV2(std::vector<Alert>{a}) ==
        R"([{"endsAt":"0001-01-01T00:00:00.000Z","startsAt":"0001-01-01T00:00:00.000Z","labels":{}}])");
}

TEST_CASE("strings are escaped as Go's encoding/json escapes them") {
  Alert a;
  a.labels = Labels{{"alertname", "q\"b\\s\n\r\t\b\f\x01<>&\xe2\x80\xa8\xe2\x80\xa9\xc3\xa9\xff"}};
  CHECK(EncodeAlertsV2(std::vector<Alert>{a}) ==
        R"([{"endsAt":"0001-01-01T00:00:00.000Z","startsAt":"0001-01-01T00:00:00.000Z",)"
        R"("labels":{"alertname":"q\"b\\s\n\r\t\b\f\u0001\u003c\u003e\u0026\u2028\u2029)"
        "\xc3\xa9"
        R"(\ufffd"}}])");
}

TEST_CASE("times are UTC with milliseconds, as strfmt.DateTime marshals") {
  CHECK(FormatAlertTime(0) == "0001-01-01T00:00:00.000Z");
  CHECK(FormatAlertTime(1) == "1970-01-01T00:00:00.001Z");
  CHECK(FormatAlertTime(-1) == "1969-12-31T23:59:59.999Z");
  CHECK(FormatAlertTime(1700000000000) == "2023-11-14T22:13:20.000Z");
}

}  // namespace
}  // namespace ember::notifier
