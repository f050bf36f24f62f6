// Faults, concurrency, SQL safety and secrets (SPEC §5): kills at random
// moments, connections terminated mid-run, everything at once, hostile
// strings, and known secrets at every log level.
#include "checks.hpp"
#include "database_checks.hpp"
#include "auth/password.hpp"
#include "seed.hpp"
#include "tempdb.hpp"
#include "test_server.hpp"

#include <csignal>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <unistd.h>

using namespace mana::test;
using nlohmann::json;

namespace {

// No user (of those registered by the tool) without its credential, its
// personal Space or its membership.
void check_no_half_registered(TempDatabases& db) {
    CHECK(
        auth_count(
            db, "auth.users u",
            "EXISTS (SELECT 1 FROM auth.security_events e WHERE e.user_id = u.id) AND ("
            "NOT EXISTS (SELECT 1 FROM auth.accounts a WHERE a.user_id = u.id AND a.provider_id = "
            "'credential') OR NOT EXISTS (SELECT 1 FROM auth.members m JOIN auth.organizations o "
            "ON "
            "o.id = m.organization_id WHERE m.user_id = u.id AND m.role = 'owner'))") == 0);
    CHECK(auth_count(db, "auth.organizations o",
                     "NOT EXISTS (SELECT 1 FROM auth.members m WHERE "
                     "m.organization_id = o.id)") == 0);
}

std::string write_users_file(const std::string& name, int n, const std::string& tag) {
    const auto path = temp_path(name);
    std::ofstream out(path);
    for (int i = 0; i < n; ++i) {
        out << "{\"email\":\"" << tag << i << "@example.com\",\"password\":\"password-" << i
            << "\"}\n";
    }
    return path;
}

long long terminate_backends(TempDatabases& db, const std::string& database) {
    return auth_query(
               db,
               "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '" +
                   database + "' AND application_name = 'mana-auth'")[0][0]
        .as<long long>();
}

} // namespace

TEST_CASE(
    "reconcile killed at ten random moments converges every time with nothing lost or doubled",
    "[slow]") {
    TempDatabases db;
    // 30,000 users and Spaces: about 20,000 singletons lost a round, twenty
    // batches to kill between, at a third of the CPU that 100,000 took.
    add_users_with_spaces(db, 30000);
    REQUIRE(cli({"reconcile", "--all", "--quiet"}, db.env()).exit_code == 0);
    std::mt19937 random(static_cast<unsigned>(getpid()));
    int kills = 0;
    for (int round = 0; round < 10; ++round) {
        // A fresh outage: a random third of the singletons lost.
        const auto complete = sync_count(db, "true");
        sync_query(db, "DELETE FROM sync_changes WHERE random() < 0.33");
        const auto left = sync_count(db, "true");
        const auto started = sync_clock(db);
        Process run(cli_argv({"reconcile", "--all", "--batch-size", "1000", "--quiet"}), db.env());
        // The moment: every third round as soon as it is on the sync database
        // (loading ids), else once a random part, up to three quarters, of
        // what is missing is written.
        std::optional<long long> target;
        if (round % 3 != 0)
            target = left + 1 + static_cast<long long>(random() % ((complete - left) * 3 / 4));
        await_kill_moment(db, started, target);
        run.kill(SIGKILL);
        kills += run.wait().exit_code == 128 + SIGKILL;
        // --wait: the killed run's session keeps its lock until the server
        // notices the client is gone.
        const auto rerun = cli({"reconcile", "--all", "--wait", "--quiet"}, db.env());
        INFO("round " << round << ": " << rerun.err);
        REQUIRE(rerun.exit_code == 0);
        check_exactly_once(db);
    }
    CHECK(kills >= 8); // most kills landed before the run had finished
}

TEST_CASE("a batch register killed mid-way leaves no half-registered user and a re-run finishes") {
    TempDatabases db;
    const auto file = write_users_file("kill.jsonl", 60, "k");
    Process run(cli_argv({"register", "--from", file, "--quiet"}), db.env());
    REQUIRE(eventually([&] { return auth_count(db, "auth.users") >= 10; }));
    run.kill(SIGKILL);
    run.wait();
    const auto registered = auth_count(db, "auth.users");
    CHECK(registered < 60);
    check_no_half_registered(db);
    const auto rerun = cli({"register", "--from", file, "--if-exists", "skip", "--json"}, db.env());
    std::filesystem::remove(file);
    CHECK(rerun.exit_code == 0);
    CHECK(json_out(rerun)["created"].get<long long>() +
              json_out(rerun)["skipped"].get<long long>() ==
          60);
    CHECK(auth_count(db, "auth.users") == 60);
    check_no_half_registered(db);
    // Users killed between their commit and their singletons: reconcile repairs them.
    REQUIRE(cli({"reconcile", "--all", "--quiet"}, db.env()).exit_code == 0);
    check_exactly_once(db);
}

TEST_CASE(
    "the sync connection terminated mid-reconcile ends with one clear line and a re-run finishes") {
    TempDatabases db;
    add_users_with_spaces(db, 60000);
    Process run(cli_argv({"reconcile", "--all", "--batch-size", "200"}), db.env());
    REQUIRE(eventually([&] { return sync_count(db, "true") > 0; }));
    CHECK(terminate_backends(db, db.sync_name()) > 0);
    const auto result = run.wait();
    INFO(result.err);
    const auto kept = sync_count(db, "true");
    if (kept < 120000) { // it had not finished
        CHECK((result.exit_code == 1 || result.exit_code == 3));
        // One error line, whatever progress a slow run logged before it.
        CHECK(lines_above_info(result.err) == 1);
        CHECK_THAT(result.err, Catch::Contains("sync database"));
    }
    REQUIRE(cli({"reconcile", "--all", "--wait", "--quiet"}, db.env()).exit_code == 0);
    CHECK(sync_count(db, "true") == 120000);
    check_exactly_once(db);
}

TEST_CASE("an item-by-item reconcile whose sync connection is terminated stops at once, not "
          "item by item") {
    TempDatabases db;
    // Every item is checked before the first is written: 3,000 checks,
    // then the writes, which the test cuts short.
    add_users_with_spaces(db, 1500);
    Process run(cli_argv({"reconcile", "--all", "--batch-size", "50", "--quiet"}), db.env(true));
    REQUIRE(eventually([&] { return sync_count(db, "true") > 0; }));
    CHECK(terminate_backends(db, db.sync_name()) > 0);
    const auto result = run.wait();
    INFO(result.err);
    if (sync_count(db, "true") < 3000) { // it had not finished
        // One line naming the lost connection, not one failure per item left.
        CHECK(result.exit_code == 1);
        CHECK(line_count(result.err) == 1);
        CHECK_THAT(result.err, Catch::Contains("sync database: connection lost"));
    }
    REQUIRE(cli({"reconcile", "--all", "--quiet"}, db.env(true)).exit_code == 0);
    check_exactly_once(db);
}

TEST_CASE("the auth connection terminated mid batch register ends clearly and a re-run finishes") {
    TempDatabases db;
    const auto file = write_users_file("conn.jsonl", 50, "c");
    Process run(cli_argv({"register", "--from", file}), db.env());
    REQUIRE(eventually([&] { return auth_count(db, "auth.users") >= 5; }));
    CHECK(terminate_backends(db, db.auth_name()) > 0);
    const auto result = run.wait();
    INFO(result.err);
    if (auth_count(db, "auth.users") < 50) {
        CHECK((result.exit_code == 1 || result.exit_code == 3));
        CHECK_THAT(result.err, Catch::Contains("auth database"));
    }
    check_no_half_registered(db);
    const auto rerun =
        cli({"register", "--from", file, "--if-exists", "skip", "--quiet"}, db.env());
    std::filesystem::remove(file);
    CHECK(rerun.exit_code == 0);
    CHECK(auth_count(db, "auth.users") == 50);
    check_no_half_registered(db);
    REQUIRE(cli({"reconcile", "--all", "--quiet"}, db.env()).exit_code == 0);
    check_exactly_once(db);
}

TEST_CASE("a batch register whose sync connection is terminated stops at once, not row after "
          "row") {
    TempDatabases db;
    const auto file = write_users_file("sync-lost.jsonl", 200, "sl");
    // --quiet: no progress line of a slow machine among the error lines.
    Process run(cli_argv({"register", "--from", file, "--json", "--quiet"}), db.env());
    REQUIRE(eventually([&] { return sync_count(db, "table_name = 'userContext'") >= 5; }));
    CHECK(terminate_backends(db, db.sync_name()) > 0);
    const auto result = run.wait();
    INFO(result.err);
    std::filesystem::remove(file);
    // Hashing 200 passwords outlasts the terminate by far.
    const auto registered = auth_count(db, "auth.users");
    REQUIRE(registered < 200);
    CHECK(result.exit_code == 1);
    const auto doc = json_out(result);
    REQUIRE(doc["stopped"].is_object());
    CHECK_THAT(doc["stopped"]["error"].get<std::string>(),
               Catch::StartsWith("sync database: connection lost"));
    // It stopped at the row that found the connection gone: nothing after
    // it was registered, and no row was charged with the lost connection.
    CHECK(doc["stopped"]["line"].get<long long>() == registered);
    CHECK(doc["created"].get<long long>() == registered);
    CHECK(doc["failed"] == 0);
    REQUIRE(doc["halfDone"].size() == 1);
    CHECK(doc["halfDone"][0]["line"] == registered);
    // Two lines: the half-done user and the stop.
    CHECK(line_count(result.err) == 2);
    // The terminate may fall between its two singletons.
    const auto contexts = sync_count(db, "table_name = 'userContext'");
    CHECK((contexts == registered - 1 || contexts == registered));
}

TEST_CASE("a batch whose auth server crashes reports its counts and any half-done user, and a "
          "re-run with skip finishes it",
          "[slow]") {
    TempDatabases db; // the sync database
    TestServer auth_server;
    const auto file = write_users_file("crash.jsonl", 100, "cr");
    const EnvChanges env{{"DATABASE_URL", auth_server.auth_url()},
                         {"SYNC_DATABASE_URL", db.sync_url()}};
    const auto auth_users = [&] {
        pqxx::connection c{auth_server.auth_url()};
        return pqxx::nontransaction{c}.exec1("SELECT count(*) FROM auth.users")[0].as<long long>();
    };
    Process run(cli_argv({"register", "--from", file, "--json"}), env);
    // Well into the batch; hashing is slow on a loaded machine.
    REQUIRE(eventually([&] { return auth_users() >= 20; }));
    auth_server.crash();
    const auto result = run.wait();
    INFO(result.err);
    CHECK(result.exit_code == 1);
    const auto doc = json_out(result);
    CHECK(doc["ok"] == false);
    REQUIRE(doc["stopped"].is_object());
    CHECK_THAT(doc["stopped"]["error"].get<std::string>(), Catch::Contains("auth database"));
    const auto stopped_at = doc["stopped"]["line"].get<long long>();
    CHECK(stopped_at >= 20);
    // Every line up to the stop is accounted for, the stopped one included.
    CHECK(doc["created"].get<long long>() + doc["failed"].get<long long>() == stopped_at);
    CHECK_THAT(result.err, Catch::Contains("stopped at line " + std::to_string(stopped_at)) &&
                               Catch::Contains("run the file again with --if-exists skip"));
    CHECK_THAT(result.err, !Catch::Contains("reactivation"));
    // Whoever the crash left without singletons is named: half-done, or a
    // commit in doubt.
    auth_server.restart();
    pqxx::connection auth{auth_server.auth_url()};
    std::set<std::string> named;
    for (const auto& half : doc["halfDone"])
        named.insert(half["userId"].get<std::string>());
    for (const auto& failure : doc["failures"]) {
        if (failure["error"].get<std::string>().find("may or may not") == std::string::npos)
            continue;
        const auto id = pqxx::nontransaction{auth}.exec_params(
            "SELECT id FROM auth.users WHERE email = $1", failure["email"].get<std::string>());
        if (!id.empty()) named.insert(id[0][0].as<std::string>());
    }
    std::set<std::string> without;
    for (const auto& row : pqxx::nontransaction{auth}.exec("SELECT id FROM auth.users")) {
        if (sync_count(db, "table_name = 'userContext' AND user_id = '" + row[0].as<std::string>() +
                               "'") == 0)
            without.insert(row[0].as<std::string>());
    }
    CHECK(without == named);

    const auto rerun = cli({"register", "--from", file, "--if-exists", "skip", "--json"}, env);
    INFO(rerun.err);
    CHECK(rerun.exit_code == 0);
    CHECK(auth_users() == 100);
    CHECK(sync_count(db, "table_name = 'userContext'") == 100);
    CHECK(sync_count(db, "table_name = 'kontextDoc'") == 100);
    std::filesystem::remove(file);
}

TEST_CASE("a re-run with skip writes the singletons of users registered without them") {
    TempDatabases db;
    const auto file = write_users_file("skip.jsonl", 5, "sk");
    REQUIRE(cli({"register", "--from", file, "--no-bootstrap", "--quiet"}, db.env()).exit_code == 0);
    CHECK(sync_count(db, "true") == 0);
    const auto rerun = cli({"register", "--from", file, "--if-exists", "skip", "--json"}, db.env());
    std::filesystem::remove(file);
    CHECK(rerun.exit_code == 0);
    const auto doc = json_out(rerun);
    CHECK(doc["skipped"] == 5);
    CHECK(doc["singletons"]["written"] == 10);
    check_exactly_once(db);
    const auto single =
        cli({"register", "sk0@example.com", "--if-exists", "skip", "--password-stdin", "--json"},
            db.env(), "password-0\n");
    CHECK(json_out(single)["singletons"] ==
          json{{"userContext", "present"}, {"kontextDoc", "present"}});
}

TEST_CASE("4 reconciles and 8 bootstraps and a batch register at once write every singleton once",
          "[slow]") {
    TempDatabases db;
    add_users_with_spaces(db, 5000);
    const auto file = write_users_file("mix.jsonl", 40, "mix");
    std::vector<std::unique_ptr<Process>> processes;
    for (int i = 0; i < 4; ++i) {
        processes.push_back(std::make_unique<Process>(
            cli_argv({"reconcile", "--all", "--batch-size", "250", "--quiet"}), db.env(i == 3)));
    }
    for (int i = 0; i < 8; ++i) {
        processes.push_back(std::make_unique<Process>(
            cli_argv({"bootstrap", "user", "u" + std::to_string(1 + i * 600), "--quiet"}),
            db.env(i % 2 == 1)));
    }
    processes.push_back(
        std::make_unique<Process>(cli_argv({"register", "--from", file, "--quiet"}), db.env()));
    const std::set<int> documented{0, 3, 6};
    for (auto& p : processes) {
        const auto result = p->wait();
        INFO(result.err);
        CHECK(documented.count(result.exit_code) == 1);
    }
    std::filesystem::remove(file);
    REQUIRE(cli({"reconcile", "--all", "--quiet"}, db.env()).exit_code == 0);
    check_exactly_once(db);
    check_no_half_registered(db);
}

TEST_CASE("ids and emails and names with quotes and backslashes and SQL round-trip unchanged") {
    TempDatabases db;
    const std::vector<std::string> hostile = {
        "o'brien",       "back\\slash", "dollar$$quote$$", "semi;colon; DROP TABLE auth.users; --",
        "double\"quote", "tab\there",   "new\nline",       "SELECT * FROM sync_changes",
        "comma,in,id",   "%_like"};
    for (std::size_t i = 0; i < hostile.size(); ++i) {
        const auto& id = hostile[i];
        pqxx::work tx{db.auth()};
        tx.exec_params("INSERT INTO auth.users (id, name, email) VALUES ($1, $1, $2)", id,
                       "h" + std::to_string(i) + "@example.com");
        tx.exec_params("INSERT INTO auth.organizations (id, name, slug) VALUES ($1, $1, $1)",
                       "space " + id);
        tx.exec_params("INSERT INTO auth.members (id, organization_id, user_id, role) VALUES ($1, "
                       "$1, $2, 'owner')",
                       "space " + id, id);
        tx.commit();
    }
    // Through COPY (reconcile) ...
    const auto result = cli({"reconcile", "--all", "--json"}, db.env());
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    for (const auto& id : hostile) {
        pqxx::nontransaction tx{db.sync()};
        INFO(id);
        const auto row =
            tx.exec_params("SELECT data->>'userId' FROM sync_changes WHERE user_id = $1 AND "
                           "table_name = 'userContext'",
                           id);
        REQUIRE(row.size() == 1);
        CHECK(row[0][0].as<std::string>() == id);
        CHECK(tx.exec_params("SELECT 1 FROM sync_changes WHERE space_id = $1 AND user_id = $2",
                             "space " + id, id)
                  .size() == 1);
    }
    // ... and through parameters (bootstrap of a new one, register).
    add_user(db, "it's \\ $$;--", "q@example.com");
    REQUIRE(cli({"bootstrap", "user", "it's \\ $$;--"}, db.env()).exit_code == 0);
    CHECK(sync_count(db, "user_id = 'it''s \\ $$;--' AND data->>'userId' = user_id") == 1);
    const std::string name = "Robert'); DROP TABLE auth.users; -- \\ $$ \"x\"";
    const auto reg =
        cli({"register", "o'brien+tag@example.com", "--name", name, "--password-stdin", "--json"},
            db.env(), "a fine password");
    INFO(reg.err);
    REQUIRE(reg.exit_code == 0);
    pqxx::nontransaction tx{db.auth()};
    const auto user =
        tx.exec_params("SELECT name FROM auth.users WHERE email = $1", "o'brien+tag@example.com");
    REQUIRE(user.size() == 1);
    CHECK(user[0][0].as<std::string>() == name);
    CHECK(tx.exec("SELECT slug FROM auth.organizations WHERE slug = 'o-brien-tag'").size() == 1);
}

TEST_CASE("no password or connection password appears in any output at any log level", "[slow]") {
    TempDatabases db;
    const std::string connection_password = "Conn-Secret-7761";
    const std::string user_password = "User-Secret-5532";
    {
        pqxx::nontransaction tx{db.auth()};
        tx.exec("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = "
                "'mana_secret_tester') THEN "
                "CREATE ROLE mana_secret_tester LOGIN SUPERUSER PASSWORD '" +
                connection_password + "'; END IF; END $$");
    }
    const char* host = std::getenv("PGHOST");
    const char* port = std::getenv("PGPORT");
    const auto url = [&](const std::string& database) {
        return "postgresql://mana_secret_tester:" + connection_password + "@" +
               (host ? host : "localhost") + ":" + (port ? port : "5432") + "/" + database;
    };
    const EnvChanges env = {{"DATABASE_URL", url(db.auth_name())},
                            {"SYNC_DATABASE_URL", url(db.sync_name())},
                            {"PGPASSWORD", std::nullopt},
                            {"MANA_AUTH_PASSWORD", user_password}};
    add_users_with_spaces(db, 3);
    const auto file = write_users_file("secret.jsonl", 2, "s");
    {
        std::ofstream(file, std::ios::app)
            << "{\"email\":\"bad@example.com\",\"password\":\"" << user_password
            << "\",\"tier\":\"gold\"}\n{\"email\":\"x\",\"password\":\"" << user_password << "\"\n";
    }
    const std::vector<std::vector<std::string>> commands = {
        {"doctor"},
        {"register", "secret@example.com", "--if-exists", "update"},
        {"register", "not-an-email", "--password-stdin"},
        {"register", "--from", file, "--if-exists", "update"},
        {"bootstrap", "user", "u1"},
        {"bootstrap", "space", "s1", "--dry-run"},
        {"reconcile", "--all"},
        {"reconcile", "--all", "--dry-run"},
        {"reconcile", "--all", "--check", "--sync-db",
         "postgresql://x:" + connection_password + "@127.0.0.1:1/db"},
        {"bootstrap", "user", "u2", "--auth-db", url(db.auth_name() + "_missing")},
        {"register", "y@example.com", "--password", user_password},
        {"verify-password", "secret@example.com"},
        {"verify-password", "u1@example.com", "--password", user_password},
    };
    int runs = 0;
    for (const auto& command : commands) {
        // A level shows every line the levels above it show: trace shows
        // what any level does; info is what the tool runs at unless told.
        for (const auto* level : {"trace", "info"}) {
            for (const auto* format : {"text", "json"}) {
                auto args = command;
                for (const auto* extra : {"--log-level", level, "--log-format", format})
                    args.push_back(extra);
                if (std::string(format) == "json") args.push_back("--json");
                const auto result = cli(args, env, user_password + "\n");
                INFO(args[0] << " " << level << " " << format << "\n" << result.out << result.err);
                CHECK(result.out.find(connection_password) == std::string::npos);
                CHECK(result.err.find(connection_password) == std::string::npos);
                CHECK(result.out.find(user_password) == std::string::npos);
                CHECK(result.err.find(user_password) == std::string::npos);
                ++runs;
            }
        }
    }
    std::filesystem::remove(file);
    CHECK(runs == 52);
}

TEST_CASE("a sync server that crashes mid-reconcile ends it with one line that says what stays and "
          "to run it again",
          "[slow]") {
    TempDatabases db; // the auth database
    TestServer sync_server;
    add_users_with_spaces(db, 60000);
    const EnvChanges env{{"DATABASE_URL", db.auth_url()},
                         {"SYNC_DATABASE_URL", sync_server.sync_url()}};
    const auto written = [&] {
        pqxx::connection c{sync_server.sync_url()};
        return pqxx::nontransaction{c}.exec1("SELECT count(*) FROM sync_changes")[0].as<long long>();
    };
    Process run(cli_argv({"reconcile", "--all", "--batch-size", "200"}), env);
    REQUIRE(eventually([&] { return written() > 0; })); // writing, batch by batch with COPY
    sync_server.crash();
    const auto result = run.wait();
    INFO(result.err);
    CHECK(result.exit_code == 1);
    CHECK(lines_above_info(result.err) == 1);
    // Lost in a COPY, between statements, or while committing.
    CHECK_THAT(result.err, Catch::Contains("sync database: connection lost") &&
                               Catch::Contains("what was committed stays: run the command again"));
    sync_server.restart();
    REQUIRE(cli({"reconcile", "--all", "--quiet"}, env).exit_code == 0);
    CHECK(written() == 120000);
}
