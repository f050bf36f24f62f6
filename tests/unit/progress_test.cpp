#include "util/progress.hpp"

#include <catch2/catch.hpp>

using namespace mana;
using namespace std::chrono_literals;

TEST_CASE("a progress line has done of total, the percentage, the rate and the time left") {
    ProgressMeter meter;
    const auto t0 = ProgressMeter::Clock::time_point{} + 1h;
    // In a step's first second, no rate yet.
    CHECK(progress_text(meter.report("userContext", "writing", 1000, 400000, t0)) ==
          "userContext: writing 1000/400000 0%");
    CHECK(progress_text(meter.report("userContext", "writing", 61000, 400000, t0 + 5s)) ==
          "userContext: writing 61000/400000 15%, 12000/s, 29 s left");
    // Each kind on its own; a total not known leaves the rest out.
    CHECK(progress_text(meter.report("kontextDoc", "checking", 7, 0, t0 + 5s)) ==
          "kontextDoc: checking 7");
    // A new step starts its rate afresh.
    const auto& loading = meter.report("kontextDoc", "writing", 0, 10, t0 + 6s);
    CHECK_FALSE(loading.rate);
    const auto& writing = meter.report("kontextDoc", "writing", 10, 10, t0 + 8s);
    REQUIRE(writing.rate);
    CHECK(*writing.rate == Approx(5));
    CHECK(*writing.percent == 100);
    CHECK(*writing.seconds_left == Approx(0));
    REQUIRE(meter.states().size() == 2);
    CHECK(meter.states()[0].name == "userContext");
}

TEST_CASE(
    "progress is due again per kind, an interval after its first report or its last telling") {
    ProgressMeter meter;
    const auto t0 = ProgressMeter::Clock::time_point{} + 1h;
    CHECK_FALSE(meter.due("userContext", 10s, t0)); // not reported yet
    meter.report("userContext", "writing", 1, 10, t0);
    meter.report("kontextDoc", "writing", 1, 10, t0 + 4s);
    CHECK_FALSE(meter.due("userContext", 10s, t0 + 9s));
    CHECK(meter.due("userContext", 10s, t0 + 10s));
    CHECK_FALSE(meter.due("userContext", 10s, t0 + 12s));
    // The other kind's turn is its own, not hidden by the first's.
    CHECK(meter.due("kontextDoc", 10s, t0 + 14s));
    CHECK(meter.due("userContext", 10s, t0 + 20s));
}
