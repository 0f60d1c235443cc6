#include "series_generator.h"

#include <bit>
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "ember/base/strings.h"
#include "openmetrics_writer.h"

namespace ember::bench {
namespace {

GeneratorOptions Tiny() {
  GeneratorOptions o;
  o.nodes = 2;
  o.cpus_per_node = 2;
  o.pods_per_node = 6;
  o.duration_ms = 20 * 60 * 1000;  // 80 scrapes
  o.jitter_fraction = 0.2;         // enough late scrapes to see them
  return o;
}

struct Point {
  int64_t t;
  uint64_t bits;
  friend bool operator==(const Point&, const Point&) = default;
};

// Every series' samples, keyed by labels, read scrape by scrape.
std::map<Labels, std::vector<Point>> ReadAll(SeriesGenerator& gen) {
  std::map<Labels, std::vector<Point>> out;
  gen.Rewind();
  Scrape s;
  while (gen.Next(&s)) {
    const auto& specs = gen.targets()[s.target].series;
    REQUIRE(s.values.size() == specs.size());
    for (size_t i = 0; i < specs.size(); ++i) {
      out[specs[i].labels].push_back({s.timestamp_ms, std::bit_cast<uint64_t>(s.values[i])});
    }
  }
  return out;
}

bool ValidLabelName(std::string_view name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

TEST_CASE("The same options give the same data set, bit for bit; another seed does not") {
  SeriesGenerator a(Tiny()), b(Tiny());
  REQUIRE(a.num_series() == b.num_series());
  REQUIRE(a.num_samples() == a.num_series() * 80);
  CHECK(ReadAll(a) == ReadAll(b));

  GeneratorOptions other = Tiny();
  other.seed = 2;
  SeriesGenerator c(other);
  CHECK(ReadAll(a) != ReadAll(c));
}

TEST_CASE("Rewind starts the same scrapes again") {
  SeriesGenerator gen(Tiny());
  auto first = ReadAll(gen);
  CHECK(ReadAll(gen) == first);
}

TEST_CASE("Label sets are sorted, valid, unique and carry their family's name") {
  SeriesGenerator gen(Tiny());
  std::set<Labels> seen;
  for (const Target& t : gen.targets()) {
    for (const SeriesSpec& s : t.series) {
      const auto& v = s.labels.vec();
      for (size_t i = 1; i < v.size(); ++i) CHECK(v[i - 1].name < v[i].name);
      for (const Label& l : v) CHECK(ValidLabelName(l.name));
      CHECK(s.labels.Get("instance") == t.instance);
      CHECK(s.labels.Get("job") == t.job);
      CHECK(seen.insert(s.labels).second);

      const MetricFamily& family = gen.families()[s.family];
      std::string_view name = s.labels.MetricName();
      CHECK(ValidLabelName(name));
      if (family.type == MetricType::kCounter) {
        CHECK(name == family.name + "_total");
      } else if (family.type == MetricType::kSummary) {
        CHECK((name == family.name || name == family.name + "_sum" || name == family.name + "_count"));
      } else {
        CHECK(name == family.name);
      }
    }
  }
  CHECK(seen.size() == gen.num_series());
}

TEST_CASE("Each series' timestamps grow by about the interval, from its target's offset") {
  GeneratorOptions o = Tiny();
  SeriesGenerator gen(o);
  for (const auto& [labels, points] : ReadAll(gen)) {
    REQUIRE(points.size() == 80);
    for (size_t k = 0; k < points.size(); ++k) {
      CHECK(points[k].t >= o.start_ms);
      CHECK(points[k].t < o.start_ms + o.duration_ms);
      if (k > 0) CHECK(points[k].t > points[k - 1].t);
      int64_t slot_start = o.start_ms + static_cast<int64_t>(k) * o.interval_ms;
      CHECK(points[k].t - slot_start < o.interval_ms);
    }
  }
  // Some scrapes are late, most are on time.
  int late = 0;
  for (uint32_t t = 0; t < gen.targets().size(); ++t) {
    for (uint64_t k = 0; k < gen.scrapes_per_target(); ++k) {
      int64_t on_time = o.start_ms + gen.targets()[t].offset_ms + static_cast<int64_t>(k) * o.interval_ms;
      int64_t delay = gen.Timestamp(t, k) - on_time;
      CHECK(delay >= 0);
      CHECK(delay <= o.max_jitter_ms);
      if (delay > 0) ++late;
    }
  }
  uint64_t scrapes = gen.targets().size() * gen.scrapes_per_target();
  CHECK(late > 0);
  CHECK(late < static_cast<int>(scrapes / 2));
}

TEST_CASE("Scrapes come in time order of their slots") {
  SeriesGenerator gen(Tiny());
  Scrape s;
  uint64_t last_index = 0;
  int64_t last_offset = -1;
  while (gen.Next(&s)) {
    int64_t offset = gen.targets()[s.target].offset_ms;
    if (s.index == last_index) {
      CHECK(offset >= last_offset);
    } else {
      CHECK(s.index == last_index + 1);
    }
    last_index = s.index;
    last_offset = offset;
  }
}

TEST_CASE("A SeriesCursor yields what Next yields for its series") {
  SeriesGenerator gen(Tiny());
  auto all = ReadAll(gen);
  for (uint32_t t = 0; t < gen.targets().size(); ++t) {
    for (uint32_t s = 0; s < gen.targets()[t].series.size(); s += 7) {
      std::vector<Point> points;
      SeriesCursor cursor(gen, t, s);
      int64_t ts;
      double v;
      while (cursor.Next(&ts, &v)) points.push_back({ts, std::bit_cast<uint64_t>(v)});
      CHECK(points == all[gen.targets()[t].series[s].labels]);
    }
  }
}

TEST_CASE("Values have the exporters' precision and counters never fall") {
  SeriesGenerator gen(Tiny());
  int cpu_series = 0, byte_series = 0;
  for (const auto& [labels, points] : ReadAll(gen)) {
    std::string_view name = labels.MetricName();
    for (size_t k = 0; k < points.size(); ++k) {
      double v = std::bit_cast<double>(points[k].bits);
      CHECK(std::isfinite(v));
      if (name == "node_cpu_seconds_total") {
        CHECK(std::round(v * 100) / 100 == v);
      }
      if (name == "node_disk_written_bytes_total") CHECK(std::fmod(v, 4096) == 0);
      if (name == "node_disk_read_bytes_total") CHECK(std::fmod(v, 512) == 0);
      if (name == "node_memory_MemFree_bytes" || name == "node_memory_Cached_bytes")
        CHECK(std::fmod(v, 4096) == 0);
      if (name == "node_hwmon_temp_celsius") CHECK(std::round(v * 10) / 10 == v);
      if (name == "kube_pod_status_phase") CHECK((v == 0 || v == 1));
      if (k > 0 && name.ends_with("_total")) {
        CHECK(v >= std::bit_cast<double>(points[k - 1].bits));
      }
    }
    if (name == "node_cpu_seconds_total" && labels.Get("mode") == "idle") {
      ++cpu_series;
      // Idle CPU time grows by seconds every 15 s scrape, never by more than the 15 s.
      double first = std::bit_cast<double>(points.front().bits);
      double last = std::bit_cast<double>(points.back().bits);
      CHECK(last - first > 79 * 0.5);
      CHECK(last - first < 79 * 15);
    }
    if (name == "node_network_receive_bytes_total") ++byte_series;
  }
  CHECK(cpu_series == 2 * 2);
  CHECK(byte_series > 0);
}

TEST_CASE("The series count grows with the nodes") {
  GeneratorOptions o;
  o.duration_ms = o.interval_ms;
  o.nodes = 1;
  size_t one = SeriesGenerator(o).num_series();
  o.nodes = 4;
  size_t four = SeriesGenerator(o).num_series();
  CHECK(one > 1000);
  CHECK(four > 3 * one);
  CHECK(four < 5 * one);
}

TEST_CASE("OpenMetrics text holds every sample, family by family, and ends in # EOF") {
  GeneratorOptions o = Tiny();
  o.nodes = 1;
  o.duration_ms = 5 * o.interval_ms;
  SeriesGenerator gen(o);
  std::string text;
  auto samples = WriteOpenMetrics(gen, [&](std::string_view piece) {
    text.append(piece);
    return Status::Ok();
  });
  REQUIRE(samples.ok());
  CHECK(*samples == gen.num_samples());
  REQUIRE(text.size() > 6);
  CHECK(text.substr(text.size() - 6) == "# EOF\n");

  std::set<std::string> declared;
  std::string family;
  std::string family_type;
  std::map<std::string, std::vector<Point>> by_series;
  std::string last_series;
  std::set<std::string> finished_series;
  uint64_t lines = 0;
  std::vector<std::string_view> all = Split(text, '\n');
  REQUIRE(all.back().empty());
  all.pop_back();
  REQUIRE(all.back() == "# EOF");
  all.pop_back();
  for (std::string_view line : all) {
    if (line.starts_with("# TYPE ")) {
      std::vector<std::string_view> parts = Split(line, ' ');
      REQUIRE(parts.size() == 4);
      family = std::string(parts[2]);
      family_type = std::string(parts[3]);
      CHECK(declared.insert(family).second);  // each family in one piece
      CHECK((family_type == "counter" || family_type == "gauge" || family_type == "summary" ||
             family_type == "unknown"));
      continue;
    }
    ++lines;
    size_t value_at = line.rfind(' ', line.rfind(' ') - 1);
    std::string series(line.substr(0, value_at));
    std::vector<std::string_view> tail = Split(line.substr(value_at + 1), ' ');
    REQUIRE(tail.size() == 2);
    std::string name = series.substr(0, series.find('{'));
    CHECK(name.starts_with(family));
    if (family_type == "counter") CHECK(name == family + "_total");
    if (series.find('{') != std::string::npos) CHECK(series.back() == '}');
    // Timestamps: seconds with exactly three decimals.
    std::string_view ts = tail[1];
    REQUIRE(ts.size() > 4);
    CHECK(ts[ts.size() - 4] == '.');
    auto seconds = ParseInt(ts.substr(0, ts.size() - 4));
    auto millis = ParseInt(ts.substr(ts.size() - 3));
    REQUIRE(seconds.has_value());
    REQUIRE(millis.has_value());
    auto value = ParseFloat(tail[0]);
    REQUIRE(value.has_value());
    // A series' lines are contiguous.
    if (series != last_series) {
      CHECK(finished_series.insert(last_series).second);
      CHECK(!finished_series.contains(series));
      last_series = series;
    }
    by_series[series].push_back({*seconds * 1000 + *millis, std::bit_cast<uint64_t>(*value)});
  }
  CHECK(lines == gen.num_samples());
  CHECK(declared.size() == gen.families().size());
  CHECK(by_series.size() == gen.num_series());

  // The text reads back as exactly the generated samples.
  for (uint32_t t = 0; t < gen.targets().size(); ++t) {
    for (uint32_t s = 0; s < gen.targets()[t].series.size(); ++s) {
      const Labels& labels = gen.targets()[t].series[s].labels;
      std::string key(labels.MetricName());
      bool first = true;
      for (const Label& l : labels) {
        if (l.name == kMetricNameLabel) continue;
        key += (first ? "{" : ",") + l.name + "=\"" + l.value + "\"";
        first = false;
      }
      if (!first) key += "}";
      std::vector<Point> want;
      SeriesCursor cursor(gen, t, s);
      int64_t ts;
      double v;
      while (cursor.Next(&ts, &v)) want.push_back({ts, std::bit_cast<uint64_t>(v)});
      CHECK(by_series[key] == want);
    }
  }
}

TEST_CASE("OpenMetrics timestamps are seconds with three decimals") {
  std::string out;
  AppendOpenMetricsTimestamp(&out, 1704067215502);
  CHECK(out == "1704067215.502");
  out.clear();
  AppendOpenMetricsTimestamp(&out, 1704067200007);
  CHECK(out == "1704067200.007");
}

}  // namespace
}  // namespace ember::bench
