#include "util/text.hpp"

#include <catch2/catch.hpp>

using namespace mana;

TEST_CASE("join puts the separator between the items only") {
    CHECK(join({}) == "");
    CHECK(join({"a"}) == "a");
    CHECK(join({"a", "", "c"}) == "a, , c");
    CHECK(join({"x", "y"}, " OR ") == "x OR y");
}

TEST_CASE("first_line takes the first non-empty line trimmed") {
    CHECK(first_line("\n  connection refused\n\tIs the server running?\n") == "connection refused");
    CHECK(first_line("") == "");
}

TEST_CASE("UTF-8 validation rejects malformed input") {
    CHECK(is_valid_utf8("plain ascii"));
    CHECK(is_valid_utf8("gr\xc3\xbc\xc3\x9f \xf0\x9f\x98\x80"));
    CHECK_FALSE(is_valid_utf8("\xff"));
    CHECK_FALSE(is_valid_utf8("\xc0\xaf"));         // overlong '/'
    CHECK_FALSE(is_valid_utf8("\xed\xa0\x80"));     // surrogate
    CHECK_FALSE(is_valid_utf8("\xe2\x82"));         // truncated
    CHECK_FALSE(is_valid_utf8("\xf4\x90\x80\x80")); // past U+10FFFF
}

TEST_CASE("utf16_length counts as JavaScript's String.length") {
    CHECK(utf16_length("abc") == 3);
    CHECK(utf16_length("\xc3\xbc") == 1);         // ü
    CHECK(utf16_length("\xf0\x9f\x98\x80") == 2); // 😀 is a surrogate pair
    CHECK(utf16_length("\xef\xac\x81") == 1);     // ﬁ
}

TEST_CASE("id_problem names what is wrong with an id") {
    CHECK(id_problem("abc").empty());
    CHECK(id_problem("") == "is empty");
    CHECK(id_problem(std::string(256, 'a')) == "is longer than 255 bytes");
    CHECK(id_problem(std::string(255, 'a')).empty());
    CHECK(id_problem("a\nb") == "contains control characters");
    CHECK(id_problem(std::string("a\0b", 3)) == "contains control characters");
    CHECK(id_problem("a\xff") == "is not valid UTF-8");
}

TEST_CASE("copy_line_to_value undoes COPY's text escapes and drops the line end") {
    const auto value = [](std::string line) {
        mana::copy_line_to_value(line);
        return line;
    };
    CHECK(value("abc\n") == "abc");
    CHECK(value("abc") == "abc");
    CHECK(value("a\\\\b\n") == "a\\b");
    CHECK(value("tab\\there\\nnew\\rcr\n") == "tab\there\nnew\rcr");
    CHECK(value("\\b\\f\\v") == "\b\f\v");
    CHECK(value("") == "");
}

TEST_CASE("closest_match finds the word a typo meant, and guesses nothing far from every one") {
    const std::vector<std::string> commands = {"register", "bootstrap", "reconcile",  "doctor",
                                               "catalog",  "dev",       "completions"};
    CHECK(closest_match("reconcle", commands) == "reconcile"); // a letter left out
    CHECK(closest_match("regsiter", commands) == "register");  // two swapped
    CHECK(closest_match("doctr", commands) == "doctor");
    CHECK(closest_match("catalgo", commands) == "catalog");
    CHECK(closest_match("dev", commands) == "dev");
    CHECK(closest_match("frobnicate", commands) == std::nullopt);
    CHECK(closest_match("ls", commands) == std::nullopt); // two edits from dev, but two letters
    CHECK(closest_match("", commands) == std::nullopt);
    const std::vector<std::string> options = {"--dry-run", "--check", "--json", "--max-writes",
                                              "--max-rate"};
    CHECK(closest_match("--dry-rn", options) == "--dry-run");
    CHECK(closest_match("--jsno", options) == "--json");
    CHECK(closest_match("--max-rat", options) == "--max-rate");
    CHECK(closest_match("--frobnicate", options) == std::nullopt);
}
