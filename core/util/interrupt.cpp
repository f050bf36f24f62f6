#include "util/interrupt.hpp"

#include <algorithm>
#include <atomic>
#include <thread>

namespace mana {
namespace {
std::atomic<int> requested{0};
static_assert(std::atomic<int>::is_always_lock_free, "needed in a signal handler");
} // namespace

void request_stop(int signal_number) {
    requested.store(signal_number);
}
int stop_signal() {
    return requested.load();
}

bool sleep_until_unless(std::chrono::steady_clock::time_point due,
                        const std::function<bool()>& stopping) {
    for (auto now = std::chrono::steady_clock::now(); now < due;
         now = std::chrono::steady_clock::now()) {
        if (stopping()) return false;
        std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
            due - now, std::chrono::milliseconds(50)));
    }
    return !stopping();
}

} // namespace mana
