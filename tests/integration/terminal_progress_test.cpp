// Progress that can be read (issue 32, item 3): on a terminal one line per
// kind, redrawn in place and taken off for each line of text; off a
// terminal a log line per kind every 10 s, with fields in the JSON log
// format. reconcile's kinds and register --from's sign-ups alike.
#include "auth/password.hpp"
#include "checks.hpp"
#include "database_checks.hpp"
#include "seed.hpp"
#include "tempdb.hpp"
#include "terminal.hpp"

#include <regex>
#include <set>
#include <sstream>

using namespace mana::test;

namespace {

// How many of pattern's matches on the screen start a line of their own:
// after a line end, or after the progress block was cleared; not on the
// block, where the cursor waits at its top.
std::pair<long, long> on_own_line(const std::string& screen, const std::string& pattern) {
    const std::regex all(pattern);
    const std::regex own("(\r\n|\r\033\\[J)" + pattern);
    const auto count = [&](const std::regex& re) {
        return static_cast<long>(std::distance(
            std::sregex_iterator(screen.begin(), screen.end(), re), std::sregex_iterator()));
    };
    return {count(all), count(own)};
}

// A sign-up file of n lines, every 200th one not JSON; password hashes,
// so that no line waits for scrypt.
std::string sign_up_file(int n) {
    const auto hash = mana::hash_password(password);
    std::string lines;
    for (int i = 1; i <= n; ++i) {
        lines += i % 200 == 0 ? "not json\n"
                              : "{\"email\":\"u" + std::to_string(i) +
                                    "@example.com\",\"password_hash\":\"" + hash + "\"}\n";
    }
    return write_file("sign-ups.jsonl", lines);
}

} // namespace

TEST_CASE("on a terminal each kind has its own progress line, redrawn in place as one block") {
    TempDatabases db;
    add_users_with_spaces(db, 50000);
    // Paced, so that the writing lasts past the first second and shows a rate.
    Terminal terminal(cli_argv({"reconcile", "--all", "--max-rate", "20000"}), db.env());
    REQUIRE(terminal.wait() == 0);
    const auto& screen = terminal.screen();
    INFO(screen.substr(0, 3000));
    check_exactly_once(db);

    // The screen is frames, each ending with the cursor back at the top
    // of the block, and then the block cleared before the result.
    const auto cleared = screen.rfind("\r\033[J");
    REQUIRE(cleared != std::string::npos);
    CHECK_THAT(screen.substr(cleared), Catch::Contains("userContext: 50000 scanned"));
    const std::regex cursor_up("\033\\[(\\d+)A");
    // (The terminal turns each \n into \r\n.)
    const std::regex line("\r\033\\[K([^\r\n\033]*)\r\n");
    std::set<std::string> drawn_kinds;
    int frames = 0;
    std::size_t at = 0;
    std::set<std::string> with_rate; // the kinds drawn with a rate and the time left
    for (std::sregex_iterator up(screen.begin(), screen.begin() + cleared, cursor_up), end;
         up != end; ++up) {
        const auto frame = screen.substr(at, up->position() - at);
        at = up->position() + up->length();
        // Exactly as many lines as the cursor goes back up, each cleared first.
        std::vector<std::string> lines;
        for (std::sregex_iterator l(frame.begin(), frame.end(), line), none; l != none; ++l)
            lines.push_back((*l)[1]);
        CHECK(std::to_string(lines.size()) == (*up)[1].str());
        CHECK(std::regex_replace(frame, line, "") == "");
        std::set<std::string> kinds;
        for (const auto& text : lines) {
            const auto kind = text.substr(0, text.find(':'));
            kinds.insert(kind);
            if (std::regex_search(text,
                                  std::regex(R"(: writing \d+/50000 \d+%, \d+/s, \d+ s left$)")))
                with_rate.insert(kind);
        }
        CHECK(kinds.size() == lines.size()); // one line per kind
        drawn_kinds.insert(kinds.begin(), kinds.end());
        ++frames;
    }
    CHECK(at == cleared);
    CHECK(frames > 4);
    CHECK(drawn_kinds == std::set<std::string>{"userContext", "kontextDoc"});
    CHECK(with_rate == drawn_kinds);
}

TEST_CASE("off a terminal each kind logs its progress every 10 s, its numbers as fields") {
    TempDatabases db;
    add_users_with_spaces(db, 20000);
    // 40,000 rows at 2,500 a second: the writing alone lasts 16 s, past
    // each kind's first telling and its second.
    const auto result =
        cli({"reconcile", "--all", "--max-rate", "2500", "--log-format", "json"}, db.env());
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    std::set<std::string> writing;   // the kinds logged while writing
    std::set<std::string> with_rate; // and with their rate
    std::istringstream lines(result.err);
    for (std::string text; std::getline(lines, text);) {
        const auto line = nlohmann::json::parse(text);
        if (!line.contains("kind")) continue;
        INFO(text);
        // Any step may be logged (a slow machine checks for 10 s too);
        // every line has the fields, null where not known.
        const auto kind = line["kind"].get<std::string>();
        const auto phase = line["phase"].get<std::string>();
        CHECK(line["level"] == "info");
        CHECK(line["done"].is_number());
        CHECK((line["total"].is_number() || line["total"].is_null()));
        CHECK((line["rate"].is_number() || line["rate"].is_null()));
        CHECK((line["secondsLeft"].is_number() || line["secondsLeft"].is_null()));
        CHECK_THAT(line["message"].get<std::string>(), Catch::StartsWith(kind + ": " + phase));
        if (phase != "writing") continue;
        writing.insert(kind);
        CHECK(line["total"] == 20000);
        CHECK(line["done"].get<long long>() > 0);
        // From the step's second second on, its rate and the time left.
        if (line["rate"].is_number()) {
            CHECK(line["rate"].get<double>() > 0);
            CHECK(line["secondsLeft"].is_number());
            with_rate.insert(kind);
        }
    }
    // The kinds are told each on their own: one never hides the other.
    CHECK(writing == std::set<std::string>{"userContext", "kontextDoc"});
    CHECK_FALSE(with_rate.empty());
}

TEST_CASE("register --from on a terminal: the sign-ups' progress with its total, and each line "
          "of text on a line of its own") {
    TempDatabases db;
    const auto file = sign_up_file(600);
    Terminal terminal(cli_argv({"register", "--from", file, "--if-exists", "skip"}), db.env());
    REQUIRE(terminal.wait() == 3);
    const auto screen = terminal.screen();
    INFO(screen.substr(0, 3000));
    CHECK(auth_count(db, "auth.users") == 597);
    // The block drawn at the start, so each failed line's error took it off.
    CHECK_THAT(screen, Catch::StartsWith("\r\033[Ksign-ups: registering 0/600 0%\r\n\033[1A"));
    const auto errors = on_own_line(screen, R"(\S+ error: line \d+: not valid JSON)");
    CHECK(errors.first == 3);
    CHECK(errors.second == errors.first);
    CHECK(std::regex_search(screen, std::regex(R"(sign-ups: registering \d+/600 \d+%)")));
    const auto cleared = screen.rfind("\r\033[J");
    REQUIRE(cleared != std::string::npos);
    CHECK_THAT(screen.substr(cleared),
               Catch::Contains("597 created, 0 updated, 0 skipped, 3 failed"));

    // A dry run of the same file prints a line per row, the progress kept
    // off each.
    Terminal dry(cli_argv({"register", "--from", file, "--if-exists", "skip", "--dry-run"}),
                 db.env());
    REQUIRE(dry.wait() == 3);
    std::filesystem::remove(file);
    const auto dry_screen = dry.screen();
    INFO(dry_screen.substr(0, 3000));
    CHECK_THAT(dry_screen, Catch::StartsWith("\r\033[Ksign-ups: checking 0/600 0%\r\n"));
    const auto said = on_own_line(dry_screen, R"(line \d+: u\d+@example\.com: would skip)");
    CHECK(said.first == 597);
    CHECK(said.second == said.first);
    CHECK(on_own_line(dry_screen, R"(\S+ error: line \d+: not valid JSON)").second == 3);
}
