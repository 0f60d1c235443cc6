#include "worker_pool.h"

namespace ember::http {

WorkerPool::WorkerPool(size_t threads, size_t max_queued) : thread_count_(threads), max_queued_(max_queued) {
  threads_.reserve(threads);
  for (size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { Work(); });
}

WorkerPool::~WorkerPool() { Stop(); }

bool WorkerPool::TrySubmit(std::function<void()> task, std::function<void()> then) {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || queue_.size() + running_ >= thread_count_ + max_queued_) return false;
    queue_.push_back(Item{std::move(task), std::move(then)});
  }
  wake_.notify_one();
  return true;
}

void WorkerPool::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

void WorkerPool::Work() {
  for (;;) {
    Item item;
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      item = std::move(queue_.front());
      queue_.pop_front();
      ++running_;
    }
    item.task();
    {
      std::lock_guard lock(mu_);
      --running_;
    }
    if (item.then) item.then();
  }
}

}  // namespace ember::http
