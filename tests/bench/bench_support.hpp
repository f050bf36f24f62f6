// Shared by the benchmarks: timing, running mana-auth with its peak RSS.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace mana::bench {

inline double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

struct Timed {
    int exit_code;
    double seconds;
    long peak_rss_kb;
};

// Runs argv with stdout and stderr to /dev/null (or stdin from input_file),
// timing it and reading its peak RSS from wait4().
Timed run_timed(const std::vector<std::string>& argv, const std::string& input_file = "");

} // namespace mana::bench
