// Benchmark of `register --from` (SPEC §5: bound by scrypt, hashing on
// every core): users per second against the scrypt floor, the time of one
// hash times N divided by the cores.
//
//   register_bench [--users N]
//
// DATABASE_URL and SYNC_DATABASE_URL name databases made from sql/
// (tests/bench/run sets up a local cluster).
#include "bench_support.hpp"
#include "auth/password.hpp"

#include <cstdlib>
#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <thread>
#include <unistd.h>

using namespace mana;
using namespace mana::bench;

int main(int argc, char** argv) try {
    long long users = 1000;
    if (argc == 3 && std::string(argv[1]) == "--users") users = std::atoll(argv[2]);
    const char* binary = std::getenv("MANA_AUTH_BIN");
    if (!binary || !std::getenv("DATABASE_URL") || !std::getenv("SYNC_DATABASE_URL")) {
        std::cerr
            << "set DATABASE_URL, SYNC_DATABASE_URL and MANA_AUTH_BIN (tests/bench/run does)\n";
        return 2;
    }
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());

    // One hash, timed a few times on one core.
    constexpr int probes = 5;
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < probes; ++i)
        hash_password("benchmark password " + std::to_string(i));
    const double one_hash = seconds_since(start) / probes;
    const double floor = one_hash * static_cast<double>(users) / cores;

    const auto file = "/tmp/mana-register-bench-" + std::to_string(getpid()) + ".jsonl";
    {
        std::ofstream out(file);
        const auto tag = std::to_string(getpid());
        for (long long i = 0; i < users; ++i) {
            out << "{\"email\":\"bench" << tag << "-" << i
                << "@example.com\",\"password\":\"password-" << i << "\",\"tier\":\"beta\"}\n";
        }
    }
    const auto run = run_timed({binary, "register", "--from", file, "--quiet"});
    std::remove(file.c_str());
    const double rate = static_cast<double>(users) / run.seconds;
    const double floor_rate = static_cast<double>(users) / floor;
    std::cout << fmt::format("register benchmark: {} users from a JSON Lines file, {} cores\n",
                             users, cores);
    std::cout << fmt::format("  one scrypt hash {:.1f} ms; floor {:.1f} s = {:.1f} users/s\n",
                             one_hash * 1000, floor, floor_rate);
    std::cout << fmt::format(
        "  register --from (exit {}): {:.1f} s = {:.1f} users/s = {:.2f} of the floor "
        "(target >= 0.8)\n",
        run.exit_code, run.seconds, rate, rate / floor_rate);
    return run.exit_code == 0 && rate >= 0.8 * floor_rate ? 0 : 1;
} catch (const std::exception& e) {
    std::cerr << "register_bench: " << e.what() << "\n";
    return 1;
}
