// The series store under kill -9: a child process appends batches and reports
// each one once its Commit returned; the test kills it at a random moment,
// reopens the store and checks that every reported batch is there, exactly
// once, with its values bit for bit -- many times over the same directory.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bit>
#include <catch2/catch.hpp>
#include <random>
#include <string>

#include "crash_data.h"
#include "test_support.h"

namespace ember {
namespace {

using crash_test::kSeries;

// Starts the child with its stdout on a pipe.
pid_t StartChild(const std::string& dir, int64_t first_batch, uint64_t seed, int* out_fd) {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    dup2(fds[1], 1);
    close(fds[0]);
    close(fds[1]);
    std::string first = std::to_string(first_batch);
    std::string s = std::to_string(seed);
    execl(EMBER_CRASH_CHILD, EMBER_CRASH_CHILD, dir.c_str(), first.c_str(), s.c_str(), nullptr);
    _exit(127);
  }
  close(fds[1]);
  *out_fd = fds[0];
  return pid;
}

// Reads acknowledged batch numbers until `count` arrived (or the child ended).
int64_t ReadAcks(int fd, int count, int64_t last) {
  std::string buf;
  char chunk[256];
  int seen = 0;
  while (seen < count) {
    ssize_t n = read(fd, chunk, sizeof(chunk));
    if (n <= 0) break;
    buf.append(chunk, n);
    size_t nl;
    while ((nl = buf.find('\n')) != std::string::npos) {
      last = std::stoll(buf.substr(0, nl));
      buf.erase(0, nl + 1);
      ++seen;
    }
  }
  return last;
}

// Checks the store against the acknowledged batches; returns the number of
// batches stored (the acknowledged ones, plus the one in flight when its
// commit finished before the kill).
int64_t Verify(const std::string& dir, int64_t last_acked) {
  auto db = tsdb::Db::Open(crash_test::Options(dir),
                           Logger(std::make_shared<CapturingLogSink>(), LogLevel::kError));
  INFO(db.status().ToString());
  REQUIRE(db.ok());
  auto set = (*db)->NewQuerier(tsdb::kMinTime, tsdb::kMaxTime).Select({});
  REQUIRE(set.ok());
  int64_t stored = -1;
  int series = 0;
  while (set->Next()) {
    const int i = std::stoi(std::string(set->labels().Get("series")));
    auto samples = set->samples();
    if (stored < 0) stored = static_cast<int64_t>(samples.size());
    INFO("series " << i << " holds " << samples.size() << " samples, acknowledged batches 0.." << last_acked);
    // All or nothing per batch: every series holds the same batches.
    REQUIRE(static_cast<int64_t>(samples.size()) == stored);
    for (size_t b = 0; b < samples.size(); ++b) {
      REQUIRE(samples[b].t == crash_test::SampleTime(static_cast<int64_t>(b), i));
      REQUIRE(std::bit_cast<uint64_t>(samples[b].v) ==
              std::bit_cast<uint64_t>(crash_test::SampleValue(static_cast<int64_t>(b), i)));
    }
    ++series;
  }
  REQUIRE(set->status().ok());
  if (last_acked >= 0) REQUIRE(series == kSeries);
  if (stored < 0) stored = 0;
  REQUIRE(stored >= last_acked + 1);
  REQUIRE(stored <= last_acked + 2);
  REQUIRE((*db)->Close().ok());
  return stored;
}

TEST_CASE("tsdb crash test: kill -9 at random points loses no acknowledged batch and duplicates nothing") {
  testing::TempDir dir;
  const std::string store = dir.Join("data");
  std::mt19937_64 rng(20261125);
  int64_t next_batch = 0;
  int64_t last_acked = -1;
  for (int round = 0; round < 30; ++round) {
    int fd;
    pid_t pid = StartChild(store, next_batch, rng(), &fd);
    const int acks = 1 + static_cast<int>(rng() % 40);
    last_acked = ReadAcks(fd, acks, last_acked);
    // The child is somewhere in its next batch, commit or checkpoint.
    kill(pid, SIGKILL);
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    // Acks written before the kill but not read yet count too.
    last_acked = ReadAcks(fd, 1 << 30, last_acked);
    close(fd);
    INFO("round " << round);
    REQUIRE(WIFSIGNALED(status));
    next_batch = Verify(store, last_acked);
    last_acked = next_batch - 1;
  }
  CHECK(next_batch > 30);
}

}  // namespace
}  // namespace ember
