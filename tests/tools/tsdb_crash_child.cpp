// The writer half of the series store's crash test: appends deterministic
// batches to a store and reports each batch on stdout once Commit returned,
// until it is killed. Usage: tsdb-crash-child DIR FIRST_BATCH SEED
//
// Batch b holds one sample per series i: t = b * 15000 + i % 7, value
// SampleValue(b, i) (stale markers included). Every `maintain_every` batches
// (from the seed) it forces a checkpoint, so kills land there too.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "crash_data.h"
#include "ember/tsdb/db.h"

int main(int argc, char** argv) {
  using namespace ember;
  using namespace ember::tsdb;
  if (argc != 4) {
    std::fprintf(stderr, "usage: tsdb-crash-child DIR FIRST_BATCH SEED\n");
    return 2;
  }
  DbOptions options = crash_test::Options(argv[1]);
  const int64_t first = std::atoll(argv[2]);
  const uint64_t seed = std::strtoull(argv[3], nullptr, 10);
  auto db = Db::Open(options, Logger(StderrLogSink(), LogLevel::kWarn));
  if (!db.ok()) {
    std::fprintf(stderr, "open: %s\n", db.status().ToString().c_str());
    return 1;
  }
  const int64_t maintain_every = 5 + static_cast<int64_t>(seed % 17);
  std::vector<SeriesRef> refs(crash_test::kSeries);
  for (int64_t b = first;; ++b) {
    auto app = (*db)->NewAppender();
    for (int i = 0; i < crash_test::kSeries; ++i) {
      auto ref = b == first ? app.Add(crash_test::SeriesLabels(i), crash_test::SampleTime(b, i),
                                      crash_test::SampleValue(b, i))
                            : app.Add(refs[i], crash_test::SampleTime(b, i), crash_test::SampleValue(b, i));
      if (!ref.ok()) {
        std::fprintf(stderr, "add batch %lld series %d: %s\n", static_cast<long long>(b), i,
                     ref.status().ToString().c_str());
        return 1;
      }
      refs[i] = *ref;
    }
    Status st = app.Commit();
    if (!st.ok()) {
      std::fprintf(stderr, "commit: %s\n", st.ToString().c_str());
      return 1;
    }
    std::string line = std::to_string(b) + "\n";
    if (write(1, line.data(), line.size()) != static_cast<ssize_t>(line.size())) return 1;
    if (b % maintain_every == 0 && !(*db)->RunMaintenance(true).ok()) return 1;
  }
}
