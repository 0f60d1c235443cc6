// WorkerPool: the bounded set of threads that run handlers, so that slow
// handlers (queries) never occupy the I/O threads.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace ember::http {

// Thread-safe, except that Stop is called by one thread (the owner).
class WorkerPool {
 public:
  // Starts `threads` workers. At most `max_queued` tasks wait beyond the
  // ones that are running.
  WorkerPool(size_t threads, size_t max_queued);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `task` unless every worker is busy and `max_queued` tasks already
  // wait, or the pool is stopped; returns false then, and nothing runs.
  // `then`, when given, runs on the same worker right after `task`, once the
  // pool already counts that worker as free: whoever `then` notifies may
  // submit again at once without being refused.
  bool TrySubmit(std::function<void()> task, std::function<void()> then = {});

  // Runs the tasks already queued, then joins the workers. Calling it again
  // does nothing.
  void Stop();

 private:
  struct Item {
    std::function<void()> task;
    std::function<void()> then;
  };
  void Work();

  const size_t thread_count_;
  const size_t max_queued_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Item> queue_;  // GUARDED_BY(mu_)
  size_t running_ = 0;      // GUARDED_BY(mu_)
  bool stopping_ = false;   // GUARDED_BY(mu_)
  std::vector<std::thread> threads_;
};

}  // namespace ember::http
