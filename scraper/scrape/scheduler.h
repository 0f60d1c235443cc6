// Scheduler: the threads every scrape loop shares -- one timer thread that
// fires tasks at their time, and a small fixed pool of workers that runs
// them (starting a scrape, parsing and appending its result).
//
// Thread-safe: every method may be called from any thread, tasks included.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace ember::scraper {

class Scheduler {
 public:
  using Task = std::function<void()>;
  using TimePoint = std::chrono::steady_clock::time_point;

  // Starts the timer thread and `workers` worker threads (at least 1).
  explicit Scheduler(int workers);
  // Stops (see Stop).
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Runs `task` on a worker at `when` (or soon after). Returns an id for
  // Cancel (never 0). After Stop, the task is dropped and 0 returned.
  uint64_t At(TimePoint when, Task task);
  // Removes a task that has not been handed to a worker yet; returns whether
  // it did.
  bool Cancel(uint64_t id);
  // Runs `task` on a worker as soon as one is free.
  void Post(Task task);

  // Drops pending timers, lets the workers finish the queued tasks and joins
  // every thread. Idempotent. Must not be called from a task.
  void Stop();

 private:
  void TimerLoop();
  void WorkerLoop();

  std::mutex mu_;
  std::condition_variable timer_cv_;
  std::condition_variable work_cv_;
  std::multimap<TimePoint, uint64_t> timers_;             // GUARDED_BY(mu_)
  std::map<uint64_t, std::pair<TimePoint, Task>> tasks_;  // GUARDED_BY(mu_)
  std::deque<Task> ready_;                                // GUARDED_BY(mu_)
  uint64_t next_id_ = 1;                                  // GUARDED_BY(mu_)
  bool stopping_ = false;                                 // GUARDED_BY(mu_)
  std::thread timer_;
  std::vector<std::thread> workers_;
};

}  // namespace ember::scraper
