#include "scrape/scheduler.h"

#include <algorithm>

namespace ember::scraper {

Scheduler::Scheduler(int workers) {
  timer_ = std::thread([this] { TimerLoop(); });
  for (int i = 0; i < std::max(1, workers); ++i) workers_.emplace_back([this] { WorkerLoop(); });
}

Scheduler::~Scheduler() { Stop(); }

uint64_t Scheduler::At(TimePoint when, Task task) {
  std::lock_guard lock(mu_);
  if (stopping_) return 0;
  const uint64_t id = next_id_++;
  const bool earliest = timers_.empty() || when < timers_.begin()->first;
  timers_.emplace(when, id);
  tasks_.emplace(id, std::make_pair(when, std::move(task)));
  if (earliest) timer_cv_.notify_one();
  return id;
}

bool Scheduler::Cancel(uint64_t id) {
  std::lock_guard lock(mu_);
  auto it = tasks_.find(id);
  if (it == tasks_.end()) return false;
  auto [first, last] = timers_.equal_range(it->second.first);
  for (auto t = first; t != last; ++t) {
    if (t->second == id) {
      timers_.erase(t);
      break;
    }
  }
  tasks_.erase(it);
  return true;
}

void Scheduler::Post(Task task) {
  std::lock_guard lock(mu_);
  if (stopping_) return;
  ready_.push_back(std::move(task));
  work_cv_.notify_one();
}

void Scheduler::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !timer_.joinable()) return;
    stopping_ = true;
    timers_.clear();
    tasks_.clear();
  }
  timer_cv_.notify_all();
  work_cv_.notify_all();
  if (timer_.joinable()) timer_.join();
  for (std::thread& w : workers_) {
    if (w.joinable()) w.join();
  }
}

void Scheduler::TimerLoop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (timers_.empty()) {
      timer_cv_.wait(lock);
      continue;
    }
    const TimePoint next = timers_.begin()->first;
    if (std::chrono::steady_clock::now() < next) {
      timer_cv_.wait_until(lock, next);
      continue;
    }
    const uint64_t id = timers_.begin()->second;
    timers_.erase(timers_.begin());
    auto it = tasks_.find(id);
    if (it == tasks_.end()) continue;
    ready_.push_back(std::move(it->second.second));
    tasks_.erase(it);
    work_cv_.notify_one();
  }
}

void Scheduler::WorkerLoop() {
  std::unique_lock lock(mu_);
  while (true) {
    work_cv_.wait(lock, [this] { return stopping_ || !ready_.empty(); });
    if (ready_.empty()) return;  // stopping and drained
    Task task = std::move(ready_.front());
    ready_.pop_front();
    lock.unlock();
    task();
    task = nullptr;
    lock.lock();
  }
}

}  // namespace ember::scraper
