#include "util/env_file.hpp"
#include "util/error.hpp"

#include <catch2/catch.hpp>

using namespace mana;

namespace {

std::vector<std::pair<std::string, std::string>> assignments_of(const std::string& text) {
    std::vector<std::pair<std::string, std::string>> pairs;
    for (const auto& a : parse_env_file(text, "mana-auth.env"))
        pairs.emplace_back(a.key, a.value);
    return pairs;
}

std::string env_refusal(const std::string& text) {
    try {
        parse_env_file(text, "mana-auth.env");
    } catch (const Error& e) {
        CHECK(e.code() == Exit::usage);
        return e.what();
    }
    FAIL("the file was accepted: " << text);
    return "";
}

} // namespace

TEST_CASE("an environment file's assignments are read as systemd reads them") {
    CHECK(assignments_of("") == decltype(assignments_of("")){});
    CHECK(assignments_of("# the databases\n"
                 "  ; a comment too\n"
                 "\n"
                 "DATABASE_URL=postgresql://a@h/db?sslmode=verify-full\n"
                 "  SYNC_DATABASE_URL =  host=s dbname=sync  \r\n"
                 "MANA_AUTH_MAX_WRITES=5%\n"
                 "EMPTY=\n") ==
          decltype(assignments_of("")){{"DATABASE_URL", "postgresql://a@h/db?sslmode=verify-full"},
                               {"SYNC_DATABASE_URL", "host=s dbname=sync"},
                               {"MANA_AUTH_MAX_WRITES", "5%"},
                               {"EMPTY", ""}});
    // Quotes keep blanks; double quotes take backslash escapes, single
    // quotes none; a # inside a value is no comment.
    CHECK(assignments_of("A=\" two  words \"\n") == decltype(assignments_of("")){{"A", " two  words "}});
    CHECK(assignments_of("D=a\\b\nE=a\\\\b\n") == decltype(assignments_of("")){{"D", "ab"}, {"E", "a\\b"}});
    CHECK(assignments_of("A=\"say \\\"hi\\\" \\\\ \\$HOME\"\nB='a \\ b'\nC=x#y\n") ==
          decltype(assignments_of("")){{"A", "say \"hi\" \\ $HOME"}, {"B", "a \\ b"}, {"C", "x#y"}});
}

TEST_CASE("a line of an environment file that is not an assignment is refused by its number") {
    CHECK(env_refusal("A=1\nDATABASE_URL postgresql://h/db\n") == "mana-auth.env:2: not KEY=VALUE");
    CHECK(env_refusal("export A=1\n") ==
          "mana-auth.env:1: \"export A\" is not a variable name (letters, digits and _)");
    CHECK(env_refusal("1A=1\n") ==
          "mana-auth.env:1: \"1A\" is not a variable name (letters, digits and _)");
    CHECK(env_refusal("=1\n") ==
          "mana-auth.env:1: \"\" is not a variable name (letters, digits and _)");
    CHECK(env_refusal("A=\"open\n") == "mana-auth.env:1: the quote is not closed on this line");
    CHECK(env_refusal("A='a'b\n") == "mana-auth.env:1: text after the closing quote");
    CHECK(env_refusal("\nA=one \\\n  two\n") ==
          "mana-auth.env:2: a line ending in a backslash continues on the next: put the value "
          "on one line");
}
