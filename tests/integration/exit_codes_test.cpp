// Every exit code the README documents is asserted somewhere in the
// integration tests (a static check of the suite itself).
#include "checks.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <regex>
#include <set>
#include <sstream>

using mana::test::read_text;

namespace {

// Whether the test sources assert exit code `code` in one of the suite's
// forms: `exit_code == N`, `wait() == N`, CHECK_ONE_LINE_ERROR's code
// argument, reconcile_json's expected code, or a {signal, code} pair whose
// code a loop asserts. Any other appearance of the number (an argument of a
// seeding helper, a count) is not an assertion of it.
bool asserts_exit_code(const std::string& sources, const std::string& code) {
    const std::regex asserted("(exit_code|wait\\(\\)) == " + code + "\\b" +
                              "|CHECK_ONE_LINE_ERROR\\((\\w+|[^;]*?\\)),\\s*" + code + "\\s*," +
                              "|reconcile_json\\(\\w+,\\s*(\\{[^{}]*\\}|[\\w:]+(\\(\\w*\\))?),\\s*" +
                              code + "\\s*[,)]" + "|\\{SIG[A-Z]+, " + code + "\\}");
    return std::regex_search(sources, asserted);
}

} // namespace

TEST_CASE("the exit-code meta-test counts assertions of a code and not its mere number") {
    CHECK(asserts_exit_code("CHECK(r.exit_code == 5);", "5"));
    CHECK(asserts_exit_code("CHECK(run.wait() == 130);", "130"));
    CHECK(asserts_exit_code("CHECK_ONE_LINE_ERROR(cli({\"a\", \"b\"}, db.env()),\n    4, \"x\");",
                            "4"));
    CHECK(asserts_exit_code("CHECK_ONE_LINE_ERROR(text, 7, \"refused\");", "7"));
    CHECK(asserts_exit_code("{std::pair<int, int>{SIGINT, 130}, {SIGTERM, 143}}", "143"));
    CHECK(asserts_exit_code("reconcile_json(db, {\"--max-writes\", \"4\"}, 7);", "7"));
    CHECK(asserts_exit_code("reconcile_json(db, std::move(args), 7, true);", "7"));
    CHECK_FALSE(asserts_exit_code("reconcile_json(db, {\"--max-writes\", \"7\"});", "7"));
    CHECK_FALSE(asserts_exit_code("add_member(db, \"s1\", 5);", "5"));
    CHECK_FALSE(asserts_exit_code("CHECK(r.exit_code == 50);", "5"));
    CHECK_FALSE(asserts_exit_code("CHECK_ONE_LINE_ERROR(cli({\"a\"}), 2, \"got 4, then\");", "4"));
    CHECK_FALSE(asserts_exit_code("add_users(db, 7);\nCHECK(sync_count(db) == 7);", "7"));
}

TEST_CASE("every documented exit code is asserted by an integration test") {
    const auto readme = read_text(MANA_SOURCE_DIR "/README.md");
    const auto table = readme.substr(readme.find("## Exit codes"));
    std::set<std::string> codes;
    const std::regex row("\\n\\| ([0-9]+)(?: / ([0-9]+))? \\|");
    for (std::sregex_iterator it(table.begin(), table.end(), row), end; it != end; ++it) {
        codes.insert((*it)[1]);
        if ((*it)[2].matched) codes.insert((*it)[2]);
    }
    CHECK(codes ==
          std::set<std::string>{"0", "1", "2", "3", "4", "5", "6", "7", "8", "10", "130", "143"});

    std::string suite;
    for (const auto& entry :
         std::filesystem::directory_iterator(MANA_SOURCE_DIR "/tests/integration")) {
        if (entry.path().filename() != "exit_codes_test.cpp") suite += read_text(entry.path());
    }
    for (const auto& code : codes) {
        INFO("exit code " << code);
        CHECK(asserts_exit_code(suite, code));
    }
}
