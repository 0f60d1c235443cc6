#include "ember/base/labels.h"

#include <xxhash.h>

#include <catch2/catch.hpp>
#include <string>

namespace ember {
namespace {

TEST_CASE("Labels sort, look up and print like Prometheus") {
  Labels l{{"job", "node"}, {"__name__", "up"}, {"instance", "a:9100"}};
  REQUIRE(l.size() == 3);
  CHECK(l[0].name == "__name__");
  CHECK(l[2].name == "job");
  CHECK(l.Get("job") == "node");
  CHECK(l.Get("missing").empty());
  CHECK(l.MetricName() == "up");
  CHECK(l.ToString() == "{__name__=\"up\", instance=\"a:9100\", job=\"node\"}");
  CHECK(Labels{{"a", "x\"y"}}.ToString() == "{a=\"x\\\"y\"}");
}

TEST_CASE("Labels hash is stable and order-independent") {
  Labels a{{"a", "1"}, {"b", "2"}};
  Labels b{{"b", "2"}, {"a", "1"}};
  CHECK(a.Hash() == b.Hash());
  CHECK(a == b);
  // Name/value boundaries matter: {a="b1"} differs from {ab="1"}.
  CHECK(Labels{{"a", "b1"}}.Hash() != Labels{{"ab", "1"}}.Hash());
  CHECK(a.HashForLabels({"a"}) == Labels{{"a", "1"}, {"c", "9"}}.HashForLabels({"a"}));
  Labels named{{"__name__", "x"}, {"a", "1"}, {"b", "2"}};
  CHECK(named.HashWithoutLabels({"b"}) == Labels{{"__name__", "y"}, {"a", "1"}}.HashWithoutLabels({}));
}

TEST_CASE("Labels compare as Prometheus labels.Compare") {
  CHECK(Labels{{"a", "1"}} < Labels{{"a", "2"}});
  CHECK(Labels{{"a", "1"}} < Labels{{"a", "1"}, {"b", "1"}});
  CHECK(Labels{{"b", "1"}} > Labels{{"a", "9"}});
  CHECK(Labels::FromUnsorted({{"a", "1"}, {"a", "2"}}).HasDuplicateNames());
}

TEST_CASE("LabelsBuilder sets, deletes and treats empty values as deletion") {
  Labels base{{"a", "1"}, {"b", "2"}};
  LabelsBuilder b(base);
  b.Set("c", "3").Set("a", "10").Del("b").Set("d", "");
  Labels out = b.Build();
  CHECK(out == Labels{{"a", "10"}, {"c", "3"}});
  CHECK(b.Get("a") == "10");
  CHECK(base.Without({"a"}) == Labels{{"b", "2"}});
  CHECK(base.Keep({"a"}) == Labels{{"a", "1"}});
}

TEST_CASE("Labels::Hash is XXH3 of the pairs, whether they fit the stack buffer or not") {
  for (size_t len : {size_t{3}, size_t{2000}}) {
    Labels l{{"__name__", "up"}, {"job", std::string(len, 'x')}};
    std::string bytes =
        std::string("__name__") + '\xff' + "up" + '\xff' + "job" + '\xff' + std::string(len, 'x') + '\xff';
    CHECK(l.Hash() == XXH3_64bits(bytes.data(), bytes.size()));
  }
}

}  // namespace
}  // namespace ember
