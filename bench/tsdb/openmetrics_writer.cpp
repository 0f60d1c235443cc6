#include "openmetrics_writer.h"

#include <charconv>
#include <vector>

#include "ember/base/file_system.h"

namespace ember::bench {
namespace {

constexpr size_t kFlushBytes = size_t{1} << 20;

void AppendEscaped(std::string* out, std::string_view value) {
  for (char c : value) {
    if (c == '\\') {
      out->append("\\\\");
    } else if (c == '"') {
      out->append("\\\"");
    } else if (c == '\n') {
      out->append("\\n");
    } else {
      out->push_back(c);
    }
  }
}

// `name{a="1",b="2"} ` for a series: everything on its sample lines but the
// value and the timestamp.
std::string LinePrefix(const Labels& labels) {
  std::string out(labels.MetricName());
  bool first = true;
  for (const Label& l : labels) {
    if (l.name == kMetricNameLabel) continue;
    out.append(first ? "{" : ",");
    first = false;
    out.append(l.name);
    out.append("=\"");
    AppendEscaped(&out, l.value);
    out.push_back('"');
  }
  if (!first) out.push_back('}');
  out.push_back(' ');
  return out;
}

void AppendDouble(std::string* out, double v) {
  char buf[32];
  // Shortest text that parses back to the same double, as Go's 'g' -1 does.
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, end);
}

}  // namespace

void AppendOpenMetricsTimestamp(std::string* out, int64_t t_ms) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), t_ms / 1000);
  int64_t ms = t_ms % 1000;
  *end++ = '.';
  *end++ = static_cast<char>('0' + ms / 100);
  *end++ = static_cast<char>('0' + ms / 10 % 10);
  *end++ = static_cast<char>('0' + ms % 10);
  out->append(buf, end);
}

Result<uint64_t> WriteOpenMetrics(const SeriesGenerator& gen, const TextSink& sink) {
  const auto& targets = gen.targets();
  std::vector<std::vector<std::pair<uint32_t, uint32_t>>> by_family(gen.families().size());
  for (uint32_t t = 0; t < targets.size(); ++t) {
    for (uint32_t s = 0; s < targets[t].series.size(); ++s)
      by_family[targets[t].series[s].family].push_back({t, s});
  }
  std::string buf;
  buf.reserve(kFlushBytes + 4096);
  uint64_t samples = 0;
  for (size_t f = 0; f < by_family.size(); ++f) {
    const MetricFamily& family = gen.families()[f];
    buf.append("# TYPE ").append(family.name).append(" ").append(MetricTypeName(family.type)).append("\n");
    for (auto [t, s] : by_family[f]) {
      std::string prefix = LinePrefix(targets[t].series[s].labels);
      SeriesCursor cursor(gen, t, s);
      int64_t ts;
      double v;
      while (cursor.Next(&ts, &v)) {
        buf.append(prefix);
        AppendDouble(&buf, v);
        buf.push_back(' ');
        AppendOpenMetricsTimestamp(&buf, ts);
        buf.push_back('\n');
        ++samples;
        if (buf.size() >= kFlushBytes) {
          EMBER_RETURN_IF_ERROR(sink(buf));
          buf.clear();
        }
      }
    }
  }
  buf.append("# EOF\n");
  EMBER_RETURN_IF_ERROR(sink(buf));
  return samples;
}

Result<uint64_t> WriteOpenMetricsFile(const SeriesGenerator& gen, const std::string& path) {
  EMBER_ASSIGN_OR_RETURN(auto file, FileSystem::Real().OpenForAppend(path, /*truncate=*/true));
  auto samples = WriteOpenMetrics(gen, [&](std::string_view piece) { return file->Append(piece); });
  Status closed = file->Close();
  if (!samples.ok()) return samples.status();
  EMBER_RETURN_IF_ERROR(closed);
  return samples;
}

}  // namespace ember::bench
