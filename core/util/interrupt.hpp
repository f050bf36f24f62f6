// A stop request (SIGINT/SIGTERM), set from a signal handler by the CLI and
// polled by long-running work between steps.
#pragma once

#include <chrono>
#include <functional>

namespace mana {

void request_stop(int signal_number); // async-signal-safe
int stop_signal();                    // 0 while nobody asked to stop
inline bool stop_requested() {
    return stop_signal() != 0;
}

// Sleeps until due, looking every 50 ms whether to stop (a signal, or
// another reason of the caller's): false when it stopped first.
bool sleep_until_unless(std::chrono::steady_clock::time_point due,
                        const std::function<bool()>& stopping);

} // namespace mana
