// A stop request (SIGINT/SIGTERM), set from a signal handler by the CLI and
// polled by long-running work between steps.
#pragma once

namespace mana {

void request_stop(int signal_number); // async-signal-safe
int stop_signal();                    // 0 while nobody asked to stop
inline bool stop_requested() {
    return stop_signal() != 0;
}

} // namespace mana
