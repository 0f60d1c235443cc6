#include "config/shipper_config.h"

#include <catch2/catch.hpp>

namespace ember::shipper {
namespace {

TEST_CASE("The embedded default keeps Promtail's positions defaults") {
  auto c = LoadShipperConfig("", {});
  REQUIRE(c.ok());
  CHECK(c->positions.filename == "/var/log/positions.yaml");
  CHECK(c->positions.sync_period == std::chrono::seconds(10));
}

TEST_CASE("The positions.file flag replaces positions.filename") {
  auto c = LoadShipperConfig("", {.positions_file = "/data/positions.yaml"});
  REQUIRE(c.ok());
  CHECK(c->positions.filename == "/data/positions.yaml");
}

}  // namespace
}  // namespace ember::shipper
