#include "interrupt.hpp"

#include <atomic>

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

} // namespace mana
