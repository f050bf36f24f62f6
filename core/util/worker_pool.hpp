// A fixed set of threads running submitted jobs in order of submission;
// used to hash passwords on every core while the caller writes to the
// database.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

namespace mana {

class WorkerPool {
  public:
    explicit WorkerPool(unsigned threads);
    ~WorkerPool();
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    unsigned size() const { return static_cast<unsigned>(threads_.size()); }

    template <class F>
    std::future<std::invoke_result_t<F>> submit(F job) {
        auto task = std::make_shared<std::packaged_task<std::invoke_result_t<F>()>>(std::move(job));
        auto future = task->get_future();
        {
            std::lock_guard<std::mutex> lock(mutex_);
            jobs_.emplace_back([task] { (*task)(); });
        }
        ready_.notify_one();
        return future;
    }

  private:
    void work();

    std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<std::function<void()>> jobs_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

} // namespace mana
