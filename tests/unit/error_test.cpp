// The one per-item failure shape: an item's Error is its failure and the
// others go on; a Fatal error ends them all.
#include "util/error.hpp"

#include <catch2/catch.hpp>
#include <type_traits>

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

TEST_CASE("Error and Fatal are siblings: catching an Error never swallows a lost connection") {
    STATIC_REQUIRE_FALSE(std::is_base_of<Error, Fatal>::value);
    STATIC_REQUIRE_FALSE(std::is_base_of<Fatal, Error>::value);
    const auto caught_as_error = [](auto&& thrown) {
        try {
            try {
                throw thrown;
            } catch (const Error&) {
                return true;
            }
        } catch (const ErrorBase& e) {
            CHECK(e.code() == Exit::failure);
        }
        return false;
    };
    CHECK(caught_as_error(failure("sync database: permission denied")));
    CHECK_FALSE(caught_as_error(Fatal(Exit::failure, "sync database: connection lost")));
}
