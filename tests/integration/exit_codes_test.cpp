// Every exit code the README documents is asserted somewhere in the
// integration tests (a static check of the suite itself).
#include "checks.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <regex>
#include <set>
#include <sstream>

using mana::test::read_text;

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
          std::set<std::string>{"0", "1", "2", "3", "4", "5", "6", "7", "10", "130", "143"});

    std::string suite;
    for (const auto& entry :
         std::filesystem::directory_iterator(MANA_SOURCE_DIR "/tests/integration")) {
        if (entry.path().filename() != "exit_codes_test.cpp") suite += read_text(entry.path());
    }
    for (const auto& code : codes) {
        INFO("exit code " << code);
        // `exit_code == N`, a (signal, code) pair, or a helper's expected-code argument.
        const std::regex asserted("exit_code == " + code + "\\b|, " + code + "[,)}]");
        CHECK(std::regex_search(suite, asserted));
    }
}
