// Times as the platform writes them.
#pragma once

#include <chrono>
#include <string>

namespace mana {

// A time as JavaScript's Date.prototype.toISOString() writes it:
// "2026-04-26T21:18:54.123Z".
std::string js_iso_timestamp(std::chrono::system_clock::time_point when);

} // namespace mana
