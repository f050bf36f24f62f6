#include "option_values.hpp"

#include <catch2/catch.hpp>

using mana::cli::parse_moment;

namespace {

std::string usage_message(const std::string& when) {
    try {
        parse_moment("--since", when);
    } catch (const mana::Error& e) {
        CHECK(e.code() == mana::Exit::usage);
        return e.what();
    }
    return "accepted";
}

} // namespace

TEST_CASE("parse_moment takes a span of seconds, minutes, hours or days") {
    CHECK(parse_moment("--since", "45s").seconds_ago == 45);
    CHECK(parse_moment("--since", "15m").seconds_ago == 900);
    CHECK(parse_moment("--since", "2h").seconds_ago == 7200);
    CHECK(parse_moment("--since", "1d").seconds_ago == 86400);
    CHECK_FALSE(parse_moment("--since", "15m").timestamp);
}

TEST_CASE("parse_moment takes an ISO-8601 timestamp with its zone") {
    for (const char* when :
         {"2026-11-25T03:00:00Z", "2026-11-25 03:00Z", "2026-11-25T03:00:00.5+01:00",
          "2024-02-29T23:59:59.123456-0530", "2026-11-25T03:00:00+01",
          "2026-11-25T03:00:00.1234567Z", "0001-01-01T00:00:00-15:59"}) {
        INFO(when);
        CHECK(parse_moment("--since", when).timestamp == std::string(when));
    }
}

TEST_CASE("parse_moment refuses what is not a span or a zoned timestamp, by name") {
    CHECK_THAT(usage_message("0m"), Catch::Contains("is no span"));
    for (const char* bad : {"", "15", "m", "-5m", "1.5h", "10x", "15 m", "yesterday", "1w"})
        CHECK_THAT(usage_message(bad), Catch::Contains("--since takes a span like 15m"));
    CHECK_THAT(usage_message("2026-11-25T03:00:00"), Catch::Contains("needs a time and its zone"));
    CHECK_THAT(usage_message("2026-11-25"), Catch::Contains("needs a time and its zone"));
    for (const char* impossible : {"2026-02-29T00:00:00Z", "2026-13-01T00:00:00Z",
                                   "2026-11-25T24:00:00Z", "2026-11-25T03:60:00Z"})
        CHECK_THAT(usage_message(impossible), Catch::Contains("is no date and time"));
    CHECK_THAT(usage_message("1d\x1b[2J"), Catch::Contains("1d?[2J"));
}

TEST_CASE("parse_moment refuses what PostgreSQL would find out of range, as a usage error") {
    CHECK(parse_moment("--since", "36500d").seconds_ago == 36500LL * 86400);
    for (const char* too_long : {"999999999d", "99999999h", "999999999m"})
        CHECK_THAT(usage_message(too_long), Catch::Contains("reaches back more than 100 years"));
    CHECK_THAT(usage_message("0000-01-01T00:00:00Z"), Catch::Contains("is no date and time"));
    for (const char* zone : {"2026-11-25T03:00:00+25:00", "2026-11-25T03:00:00-16",
                             "2026-11-25T03:00:00+0160"})
        CHECK_THAT(usage_message(zone), Catch::Contains("has an offset from UTC beyond 15:59"));
}

TEST_CASE("parse_moment names the option it parses") {
    try {
        parse_moment("--until", "yesterday");
        FAIL("accepted");
    } catch (const mana::Error& e) {
        CHECK(e.code() == mana::Exit::usage);
        CHECK_THAT(e.what(), Catch::StartsWith("--until takes a span like 15m"));
    }
}

TEST_CASE("parse_duration takes a span, 0 included, and refuses anything else by name") {
    CHECK(mana::cli::parse_duration("--min-age", "0s") == 0);
    CHECK(mana::cli::parse_duration("--min-age", "90s") == 90);
    CHECK(mana::cli::parse_duration("--min-age", "1m") == 60);
    CHECK(mana::cli::parse_duration("--min-age", "2h") == 7200);
    for (const char* bad : {"", "1", "-1m", "1.5m", "2026-11-25T03:00:00Z", "999999999d"}) {
        INFO(bad);
        try {
            mana::cli::parse_duration("--min-age", bad);
            FAIL("accepted");
        } catch (const mana::Error& e) {
            CHECK(e.code() == mana::Exit::usage);
            CHECK_THAT(e.what(), Catch::StartsWith("--min-age "));
        }
    }
}

TEST_CASE("parse_write_bound takes a count or a percentage of what the run looked at") {
    using mana::cli::parse_write_bound;
    CHECK(parse_write_bound("1000").limit(5) == 1000);
    CHECK(parse_write_bound("5%").limit(1000) == 50);
    CHECK(parse_write_bound("0.5%").limit(1000) == 5);
    CHECK(parse_write_bound("100%").limit(7) == 7);
    CHECK(parse_write_bound("0%").limit(1000) == 0);
    for (const char* bad : {"", "-1", "5 %", "100.01%", "101%", "0.125%", "1e3"}) {
        INFO(bad);
        try {
            parse_write_bound(bad);
            FAIL("accepted");
        } catch (const mana::Error& e) {
            CHECK(e.code() == mana::Exit::usage);
            CHECK_THAT(e.what(), Catch::StartsWith("--max-writes takes a number"));
        }
    }
}
