#include "util/ids.hpp"
#include "pg/locks.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <regex>
#include <set>

using namespace mana;

TEST_CASE("Better Auth ids are 32 characters of a-zA-Z0-9") {
    const std::regex shape("[a-zA-Z0-9]{32}");
    std::set<std::string> seen;
    for (int i = 0; i < 200; ++i) {
        const auto id = better_auth_id();
        CHECK(std::regex_match(id, shape));
        seen.insert(id);
    }
    CHECK(seen.size() == 200);
}

TEST_CASE("nanoids are 21 characters of A-Za-z0-9_-") {
    const std::regex shape("[A-Za-z0-9_-]{21}");
    for (int i = 0; i < 200; ++i)
        CHECK(std::regex_match(nanoid(), shape));
}

TEST_CASE("UUID v4 is lowercase with version and variant set") {
    const std::regex shape("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    for (int i = 0; i < 200; ++i)
        CHECK(std::regex_match(uuid_v4(), shape));
}

TEST_CASE("random_string is unbiased over a 62-letter alphabet") {
    // 62 does not divide 256: a plain modulo would draw the first 8 letters
    // 5/4 as often as the others. 620,000 draws: each letter ~10,000 times.
    const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    std::map<char, int> counts;
    for (char c : random_string(620000, alphabet))
        ++counts[c];
    REQUIRE(counts.size() == 62);
    for (const auto& [letter, count] : counts) {
        INFO(letter);
        CHECK(count > 9400); // bias would put the first letters near 12,100
        CHECK(count < 10600);
    }
}

TEST_CASE("stable_hash is FNV-1a and lock buckets stay in range") {
    CHECK(stable_hash("") == 2166136261u);
    CHECK(stable_hash("a") == 0xe40c292cu);
    CHECK(stable_hash("foobar") == 0xbf9cf968u);
    for (const auto& id : {"", "a", "user-1", "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"}) {
        CHECK(lock_bucket(id) >= 0);
        CHECK(lock_bucket(id) < lock_bucket_count);
    }
}
