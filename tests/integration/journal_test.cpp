// Under systemd (issue 32, item 2): when stderr is the journal's stream,
// as JOURNAL_STREAM names it, every line starts with its sd-daemon
// priority and has no time of its own, and a reconcile run, --quiet
// included, ends with one summary line at info. systemd cannot run in CI,
// so the tool is handed the variable as systemd sets it: the device and
// inode of its own stderr.
#include "checks.hpp"
#include "database_checks.hpp"
#include "seed.hpp"
#include "tempdb.hpp"

#include <regex>
#include <sstream>

using namespace mana::test;

namespace {

// mana-auth with args, its stderr named by JOURNAL_STREAM as systemd names
// a service's; or, with journal false, a variable inherited from a parent
// whose stream this is not.
Result on_journal(const std::vector<std::string>& args, const EnvChanges& env,
                  bool journal = true) {
    const std::string stream = journal ? "$(stat -L -c %d:%i /proc/self/fd/2)" : "1:1";
    auto argv = cli_argv(args);
    argv.insert(argv.begin(),
                {"/bin/sh", "-c", "JOURNAL_STREAM=" + stream + " exec \"$0\" \"$@\""});
    return run(argv, env);
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    return lines;
}

// The JSON object of a line that starts with its priority.
nlohmann::json after_priority(const std::string& line) {
    return nlohmann::json::parse(line.substr(line.find('>') + 1));
}

const std::regex timestamp(R"(\d{4}-\d\d-\d\dT\d\d:\d\d)");

} // namespace

TEST_CASE("on the journal's stream, lines carry their priority and no time, and a quiet run "
          "ends with its summary at info") {
    TempDatabases db;
    add_users_with_spaces(db, 2);
    const auto env = db.env();

    const auto quiet = on_journal({"reconcile", "--all", "--quiet"}, env);
    INFO(quiet.err);
    CHECK(quiet.exit_code == 0);
    check_exactly_once(db);
    REQUIRE(line_count(quiet.err) == 1);
    CHECK_THAT(quiet.err, Catch::StartsWith("<6>info: reconcile write: exit 0 in "));
    CHECK_THAT(quiet.err,
               Catch::Contains("; userContext: 2 missing, 2 written, 0 pending, 0 failed; "
                               "kontextDoc: 2 missing, 2 written, 0 pending, 0 failed\n"));

    // Every line has its priority: debug, info (progress, the summary).
    const auto look = on_journal({"reconcile", "--all", "--check", "--log-level", "debug"}, env);
    CHECK(look.exit_code == 0);
    const auto lines = lines_of(look.err);
    REQUIRE(lines.size() > 2);
    for (const auto& line : lines) {
        INFO(line);
        CHECK(std::regex_search(line, std::regex("^<[67]>(debug|info): ")));
        CHECK_FALSE(std::regex_search(line, timestamp));
    }
    CHECK_THAT(lines.back(), Catch::StartsWith("<6>info: reconcile check: exit 0 in "));

    // Drift and a warning, in the JSON log format too.
    const TempFile open_file("journal.env", "", 0666);
    auto drift_env = env;
    drift_env["MANA_AUTH_CONFIG"] = open_file.path();
    sync_query(db, "DELETE FROM sync_changes WHERE table_name = 'userContext'");
    const auto drift =
        on_journal({"reconcile", "--all", "--check", "--log-format", "json"}, drift_env);
    CHECK(drift.exit_code == 10);
    const auto json_lines = lines_of(drift.err);
    REQUIRE(json_lines.size() == 2);
    CHECK_THAT(json_lines[0], Catch::StartsWith("<4>{"));
    CHECK(after_priority(json_lines[0])["level"] == "warn");
    // The summary's numbers are fields too.
    CHECK_THAT(json_lines[1], Catch::StartsWith("<6>{"));
    const auto summary = after_priority(json_lines[1]);
    CHECK(summary["level"] == "info");
    CHECK_THAT(summary["message"].get<std::string>(),
               Catch::StartsWith("reconcile check: exit 10 in "));
    CHECK(summary["mode"] == "check");
    CHECK(summary["exitCode"] == 10);
    CHECK(summary["kinds"]["userContext"] ==
          nlohmann::json{{"missing", 2}, {"written", 0}, {"pending", 0}, {"failed", 0}});
    CHECK(summary["kinds"]["kontextDoc"]["missing"] == 0);
    CHECK_FALSE(summary.contains("time"));

    // A failed run ends with its error at <3>, in either format.
    auto unreachable = env;
    unreachable["DATABASE_URL"] = "postgresql://nobody@127.0.0.1:1/none";
    for (const char* format : {"text", "json"}) {
        const auto failed =
            on_journal({"reconcile", "--all", "--quiet", "--log-format", format}, unreachable);
        CHECK(failed.exit_code == 1);
        CHECK(line_count(failed.err) == 1);
        if (std::string(format) == "text") {
            CHECK_THAT(failed.err, Catch::StartsWith("<3>error: auth database"));
            continue;
        }
        CHECK_THAT(failed.err, Catch::StartsWith("<3>{"));
        const auto error = after_priority(failed.err);
        CHECK(error["level"] == "error");
        CHECK(error["exitCode"] == 1);
    }
}

TEST_CASE("a JOURNAL_STREAM that names another stream leaves the lines as they are, and a quiet "
          "run silent") {
    TempDatabases db;
    add_users_with_spaces(db, 1);
    const auto quiet = on_journal({"reconcile", "--all", "--quiet"}, db.env(), false);
    CHECK(quiet.exit_code == 0);
    CHECK(quiet.err.empty());
    const auto look = on_journal({"reconcile", "--all", "--check"}, db.env(), false);
    CHECK(look.exit_code == 0);
    CHECK_THAT(look.err, !Catch::Contains("<6>"));
    CHECK_THAT(look.err, !Catch::Contains("reconcile check: exit"));
}
