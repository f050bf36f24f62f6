#include "util/time.hpp"

#include <catch2/catch.hpp>

using namespace mana;

TEST_CASE("js_iso_timestamp writes toISOString's format") {
    using namespace std::chrono;
    const auto t = system_clock::time_point(milliseconds(1777238334123LL));
    CHECK(js_iso_timestamp(t) == "2026-04-26T21:18:54.123Z");
    CHECK(js_iso_timestamp(system_clock::time_point(milliseconds(0))) ==
          "1970-01-01T00:00:00.000Z");
    CHECK(js_iso_timestamp(system_clock::time_point(milliseconds(-1))) ==
          "1969-12-31T23:59:59.999Z");
}
