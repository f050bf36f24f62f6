// The one per-item failure shape: an item's Error is its failure and the
// others go on; a Fatal error ends them all.
#include "error.hpp"

#include <catch2/catch.hpp>

using namespace mana;

TEST_CASE("attempt makes an item's Error its failure and lets a Fatal one through") {
    bool ran = false;
    CHECK_FALSE(attempt("u1", [&] { ran = true; }).has_value());
    CHECK(ran);

    const auto failed = attempt("u2", [] { throw failure("sync database: permission denied"); });
    REQUIRE(failed.has_value());
    CHECK(failed->item == "u2");
    CHECK(failed->error == "sync database: permission denied");

    CHECK_THROWS_AS(attempt("u3", [] { throw Fatal(Exit::failure, "connection lost"); }), Fatal);
    // Not an Error of the tool: a bug, never charged to an item.
    CHECK_THROWS_AS(attempt("u4", [] { throw std::logic_error("bug"); }), std::logic_error);
}
