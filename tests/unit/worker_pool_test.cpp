#include "util/worker_pool.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <stdexcept>

using mana::WorkerPool;

TEST_CASE("a worker pool returns each job's result through its future") {
    WorkerPool pool(4);
    CHECK(pool.size() == 4);
    std::vector<std::future<long long>> results;
    for (long long i = 0; i < 200; ++i)
        results.push_back(pool.submit([i] { return i * i; }));
    for (long long i = 0; i < 200; ++i)
        CHECK(results[static_cast<std::size_t>(i)].get() == i * i);
}

TEST_CASE("a worker pool passes a job's exception to its future and goes on") {
    WorkerPool pool(2);
    auto failing = pool.submit([]() -> int { throw std::runtime_error("no hash"); });
    auto next = pool.submit([] { return 7; });
    CHECK_THROWS_WITH(failing.get(), "no hash");
    CHECK(next.get() == 7);
}

TEST_CASE("a worker pool runs every queued job before its destructor returns") {
    std::atomic<int> ran{0};
    {
        WorkerPool pool(3);
        for (int i = 0; i < 100; ++i)
            pool.submit([&ran] { ran.fetch_add(1); });
    }
    CHECK(ran.load() == 100);
}

TEST_CASE("a worker pool asked for no threads still has one") {
    WorkerPool pool(0);
    CHECK(pool.size() == 1);
    CHECK(pool.submit([] { return 1; }).get() == 1);
}
