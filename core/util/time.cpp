#include "util/time.hpp"

#include <ctime>
#include <fmt/format.h>

namespace mana {

std::string js_iso_timestamp(std::chrono::system_clock::time_point when) {
    using namespace std::chrono;
    const auto since_epoch = duration_cast<milliseconds>(when.time_since_epoch());
    const auto seconds = duration_cast<std::chrono::seconds>(since_epoch);
    auto millis = (since_epoch - seconds).count();
    std::time_t t = seconds.count();
    if (millis < 0) millis += 1000, --t; // before 1970: floor, as JavaScript does
    std::tm utc{};
    gmtime_r(&t, &utc);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", utc.tm_year + 1900,
                       utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, millis);
}

} // namespace mana
