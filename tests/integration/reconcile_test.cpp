// reconcile --all: convergence, modes, locks, shards, interruption, RLS,
// one- and two-database setups.
#include "checks.hpp"
#include "database_checks.hpp"
#include "pg/locks.hpp"
#include "pg/schema.hpp"
#include "seed.hpp"
#include "tempdb.hpp"

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <set>
#include <unistd.h>

using namespace mana::test;
using nlohmann::json;

namespace {

// A mixed drift: some singletons there (bootstrap or web clients), some not,
// a soft-deleted user, an orphan Space.
void seed_drift(TempDatabases& db) {
    add_users_with_spaces(db, 40);
    add_user(db, "gone", "gone@example.com", true);
    add_space(db, "s-gone", "gone");
    add_member(db, "s-gone", "gone", "owner");
    add_space(db, "s-empty", "empty");
    add_member(db, "s12", "u4", "member"); // u4 also in s12, whose owner is u12
    for (int i = 1; i <= 10; ++i) {
        add_sync_row(db, "userContext", "singleton", "u" + std::to_string(i), "",
                     i % 2 ? "profile" : "web");
        add_sync_row(db, "kontextDoc", "doc" + std::to_string(i), "u" + std::to_string(i),
                     "s" + std::to_string(i), "kontext");
    }
    add_sync_row(db, "kontextDoc", "by-member", "u4", "s12",
                 "kontext"); // written by a non-owner member
    for (int i = 1; i <= 40; ++i)
        add_sync_row(db, "notes", "n" + std::to_string(i), "u" + std::to_string(i));
}

} // namespace

TEST_CASE("reconcile converges a mixed drift to exactly one row per singleton") {
    TempDatabases db;
    seed_drift(db);
    const auto doc = reconcile_json(db);
    CHECK(doc["ok"] == true);
    CHECK(doc["users"]["scanned"] == 40);
    CHECK(doc["users"]["missing"] == 30);
    CHECK(doc["users"]["written"] == 30);
    CHECK(doc["spaces"]["scanned"] == 42);
    CHECK(doc["spaces"]["missing"] == 29); // s1..s10 and s12 are there; two orphans
    CHECK(doc["spaces"]["written"] == 29);
    CHECK(doc["softDeletedUsers"] == 1);
    CHECK(doc["orphans"] == 2);
    CHECK(doc["orphanSample"].get<std::set<std::string>>() ==
          std::set<std::string>{"s-gone", "s-empty"});
    check_exactly_once(db);
    CHECK(sync_count(db, "user_id = 'gone'") == 0);
    CHECK(sync_count(db, "space_id IN ('s-gone', 's-empty')") == 0);
    // Each written kontextDoc is the owner's.
    CHECK(sync_count(
              db,
              "table_name = 'kontextDoc' AND client_id = 'system:bootstrap' AND user_id <> 'u' || "
              "substr(space_id, 2)") == 0);

    const auto again = reconcile_json(db);
    CHECK(again["users"]["missing"] == 0);
    CHECK(again["spaces"]["missing"] == 0);
    CHECK(again["users"]["written"] == 0);
    CHECK(sync_count(db, "true") == 40 + 40 + 40); // userContext, kontextDoc, notes
}

TEST_CASE("check and dry run write nothing and exit 10 on drift and 0 when converged") {
    TempDatabases db;
    seed_drift(db);
    const auto before = sync_count(db, "true");
    const auto check = reconcile_json(db, {"--check"}, 10);
    CHECK(check["mode"] == "check");
    CHECK(check["users"]["missing"] == 30);
    CHECK(check["spaces"]["missing"] == 29);
    const auto dry = reconcile_json(db, {"--dry-run", "--list", "5"}, 10);
    CHECK(dry["users"]["missingSample"].size() == 5);
    CHECK(sync_count(db, "true") == before);

    const auto text = cli({"reconcile", "--all", "--dry-run"}, db.env());
    CHECK(text.exit_code == 10);
    CHECK_THAT(text.out, Catch::Contains("missing userContext: u11, "));
    CHECK_THAT(text.out, Catch::Contains("orphan Spaces (no live member, not written): 2"));

    reconcile_json(db);
    reconcile_json(db, {"--check"}, 0);
    reconcile_json(db, {"--dry-run"}, 0);
}

TEST_CASE("users-only and spaces-only converge one kind") {
    TempDatabases db;
    seed_drift(db);
    const auto users = reconcile_json(db, {"--users-only"});
    CHECK(users["users"]["written"] == 30);
    CHECK(users["spaces"]["scanned"] == 0);
    CHECK(sync_count(db, "table_name = 'kontextDoc'") == 11);
    const auto spaces = reconcile_json(db, {"--spaces-only"});
    CHECK(spaces["spaces"]["written"] == 29);
    check_exactly_once(db);
}

namespace {

// auth.members' sequential and index scans so far, as the server's
// statistics show them.
std::pair<long long, long long> member_scans(TempDatabases& db) {
    const auto row = auth_query(db, "SELECT seq_scan, coalesce(idx_scan, 0) FROM "
                                    "pg_stat_user_tables WHERE schemaname = 'auth' AND "
                                    "relname = 'members'")[0];
    return {row[0].as<long long>(), row[1].as<long long>()};
}

} // namespace

// A batch's writers cost the same however many members the platform has.
TEST_CASE("reconcile finds the writers of missing Spaces by index, never reading all members") {
    TempDatabases db;
    add_users_with_spaces(db, 3000);
    auth_query(db, "ANALYZE auth.users, auth.organizations, auth.members");
    const auto before = member_scans(db);
    const auto run = reconcile_json(db, {"--batch-size", "500"});
    CHECK(run["spaces"]["written"] == 3000);
    // The tool's server session reports its scans when it ends.
    CHECK(eventually([&] { return member_scans(db).second > before.second; }));
    CHECK(member_scans(db).first == before.first);
    check_exactly_once(db);
}

// user_id leads three of the change log's indexes: rows written in its order
// go into neighbouring index pages. Each batch is a transaction of its own,
// so its rows share an xmin.
TEST_CASE("reconcile writes the missing rows batch after batch in the order of their user_id") {
    TempDatabases db;
    add_users_with_spaces(db, 60); // u1, u2, ..., not in text order
    // Spaces whose writers run against their own order: z01 is u60's.
    auth_query(db, "INSERT INTO auth.organizations (id, name) SELECT 'z' || lpad(g::text, 2, '0'), "
                   "'z' FROM generate_series(1, 60) g");
    auth_query(db, "INSERT INTO auth.members (id, organization_id, user_id, role) SELECT 'mz' || "
                   "g, 'z' || lpad(g::text, 2, '0'), 'u' || (61 - g), 'owner' FROM "
                   "generate_series(1, 60) g");
    const auto run = reconcile_json(db, {"--batch-size", "7"});
    CHECK(run["users"]["written"] == 60);
    CHECK(run["spaces"]["written"] == 120);
    for (const char* table : {"userContext", "kontextDoc"}) {
        INFO(table);
        const auto batches = std::string("SELECT xmin::text::bigint AS batch, min(user_id) AS "
                                         "first, max(user_id) AS last FROM sync_changes WHERE "
                                         "table_name = '") +
                             table + "' GROUP BY 1";
        CHECK(sync_query(db, batches).size() > 5);
        const auto out_of_order = sync_query(
            db, "SELECT count(*) FROM (SELECT first, lag(last) OVER (ORDER BY batch) AS before "
                "FROM (" +
                    batches + ") b) o WHERE first < before");
        CHECK(out_of_order[0][0].as<long long>() == 0);
    }
    check_exactly_once(db);
}

TEST_CASE("a role bound by row-level security converges item by item") {
    TempDatabases db;
    seed_drift(db);
    const auto check = reconcile_json(db, {"--check"}, 10, true);
    CHECK(check["itemByItem"] == true);
    CHECK(check["users"]["missing"] == 30);
    CHECK(check["spaces"]["missing"] == 29);
    const auto doc = reconcile_json(db, {}, 0, true);
    CHECK(doc["users"]["written"] == 30);
    CHECK(doc["spaces"]["written"] == 29);
    check_exactly_once(db);
    CHECK(reconcile_json(db, {"--check"}, 0, true)["spaces"]["missing"] == 0);
}

// Item by item, every item is checked before the first write (so that
// --max-writes can be decided): stopped while checking, the run does not
// know how many are missing; stopped while writing, it does.
TEST_CASE("an item-by-item run stopped while checking says how many are missing is not known, and "
          "stopped while writing says it") {
    TempDatabases db;
    add_users_with_spaces(db, 3000);
    const auto stopped = [&](bool as_json, std::optional<long long> target,
                             const std::vector<std::string>& more = {}) {
        std::vector<std::string> args{"reconcile", "--all", "--batch-size", "50"};
        args.insert(args.end(), more.begin(), more.end());
        if (as_json) args.push_back("--json");
        const auto started = sync_clock(db);
        Process run(cli_argv(args), db.env(true));
        if (target) {
            await_kill_moment(db, started, target);
        } else {
            // The second sync session (the Spaces') opens once the run's
            // signal handlers are in place.
            REQUIRE(eventually([&] { return tool_sessions_on_sync(db, started) >= 2; }));
        }
        run.kill(SIGTERM);
        const auto result = run.wait();
        INFO("stdout: " << result.out << "\nstderr: " << result.err);
        CHECK(result.exit_code == 143);
        return result;
    };
    // 3,000 checks, each its own transaction, come before any write.
    for (const bool as_json : {true, false}) {
        const auto result = stopped(as_json, std::nullopt);
        CHECK(sync_count(db, "true") == 0);
        if (as_json) {
            const auto doc = json_out(result);
            CHECK(doc["users"]["missing"].is_null());
            CHECK(doc["users"]["written"] == 0);
        } else {
            CHECK_THAT(result.out,
                       Catch::Contains("userContext: 3000 scanned, missing not known, 0 written"));
        }
    }
    // Users only: a kontextDoc written while the users are still being
    // checked would be the moment, and their missing not known yet.
    const auto doc = json_out(stopped(true, 1, {"--users-only"}));
    const auto written = sync_count(db, "table_name = 'userContext'");
    REQUIRE(written < 3000);
    CHECK(doc["users"]["missing"] == 3000);
    CHECK(doc["users"]["written"] == written);
}

TEST_CASE("shards are disjoint and together complete") {
    TempDatabases db;
    add_users_with_spaces(db, 300);
    std::set<std::string> seen;
    long long written = 0;
    for (int k = 1; k <= 3; ++k) {
        const auto shard = "--shard=" + std::to_string(k) + "/3";
        const auto dry = reconcile_json(db, {shard, "--dry-run", "--list", "1000"}, 10);
        for (const auto& id : dry["users"]["missingSample"]) {
            CHECK(seen.insert(id.get<std::string>()).second); // no id in two shards
        }
        const auto doc = reconcile_json(db, {shard});
        CHECK(doc["users"]["written"] == dry["users"]["missing"]);
        written +=
            doc["users"]["written"].get<long long>() + doc["spaces"]["written"].get<long long>();
        CHECK(doc["users"]["written"] > 50); // each shard a fair share
    }
    CHECK(seen.size() == 300);
    CHECK(written == 600);
    check_exactly_once(db);
    reconcile_json(db, {"--check"}, 0);
    CHECK_ONE_LINE_ERROR(cli({"reconcile", "--all", "--shard", "4/3"}, db.env()), 2,
                         "--shard must be K/N");
    CHECK_ONE_LINE_ERROR(cli({"reconcile", "--all", "--shard", "1/999"}, db.env()), 2,
                         "--shard must be K/N");
}

TEST_CASE("concurrent shard workers and a second full run never double a row") {
    TempDatabases db;
    add_users_with_spaces(db, 3000);
    std::vector<std::unique_ptr<Process>> workers;
    for (int k = 1; k <= 3; ++k) {
        workers.push_back(
            std::make_unique<Process>(cli_argv({"reconcile", "--all", "--batch-size", "50",
                                                "--shard", std::to_string(k) + "/3"}),
                                      db.env()));
    }
    workers.push_back(
        std::make_unique<Process>(cli_argv({"reconcile", "--all", "--wait"}), db.env()));
    for (auto& w : workers) {
        const auto result = w->wait();
        INFO(result.err);
        CHECK((result.exit_code == 0 || result.exit_code == 6));
    }
    check_exactly_once(db);
    CHECK(sync_count(db, "true") == 6000);
}

TEST_CASE("a second reconcile exits 6 at once while one runs and waits with --wait") {
    TempDatabases db;
    add_users_with_spaces(db, 10);
    // Hold the run lock as a running reconcile would.
    pqxx::connection holder{db.sync_url()};
    pqxx::nontransaction tx{holder};
    tx.exec("SELECT pg_advisory_lock(" +
            std::to_string(static_cast<int>(mana::LockSpace::reconcile_run)) + ", 0)");
    // Exit 6 proves it did not queue: a queued run would wait for ever here.
    CHECK_ONE_LINE_ERROR(cli({"reconcile", "--all"}, db.env()), 6, "another reconcile is running");
    CHECK(sync_count(db, "true") == 0);
    // Checking writes nothing and needs no lock.
    CHECK(cli({"reconcile", "--all", "--check"}, db.env()).exit_code == 10);

    Process waiting(cli_argv({"reconcile", "--all", "--wait"}), db.env());
    // Queued: its request for the run lock is in pg_locks, not granted.
    REQUIRE(eventually([&] {
        return sync_query(db, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT "
                              "granted AND database = (SELECT oid FROM pg_database WHERE datname "
                              "= current_database())")[0][0]
                   .as<long long>() == 1;
    }));
    CHECK(sync_count(db, "true") == 0);
    tx.exec("SELECT pg_advisory_unlock_all()");
    CHECK(waiting.wait().exit_code == 0);
    check_exactly_once(db);
}

TEST_CASE("killed at random moments a reconcile re-run converges with nothing doubled") {
    TempDatabases db;
    add_users_with_spaces(db, 20000);
    std::srand(static_cast<unsigned>(getpid()));
    int cut_short = 0; // kills that left the run partly done
    for (int round = 0; round < 4; ++round) {
        const auto before = sync_count(db, "true");
        const auto started = sync_clock(db);
        Process run(cli_argv({"reconcile", "--all", "--batch-size", "100"}), db.env());
        // Even rounds: as soon as it is on the sync database (loading ids);
        // odd rounds: once a random part of what is missing is written.
        std::optional<long long> target;
        if (round % 2 == 1)
            target = before + 1 + std::rand() % std::max(1LL, (40000 - before) * 3 / 4);
        await_kill_moment(db, started, target);
        run.kill(SIGKILL);
        run.wait();
        const auto rows = sync_count(db, "true");
        cut_short += rows > 0 && rows < 40000;
        check_no_doubles(db);
    }
    CHECK(cut_short > 0);
    const auto result = cli({"reconcile", "--all", "--wait", "--json"}, db.env());
    CHECK(result.exit_code == 0);
    check_exactly_once(db);
    CHECK(sync_count(db, "true") == 40000);
}

TEST_CASE(
    "SIGINT and SIGTERM stop after the current batch with exit 130 and 143 and a re-run finishes") {
    for (const auto& [signal_number, code] : {std::pair<int, int>{SIGINT, 130}, {SIGTERM, 143}}) {
        TempDatabases db;
        add_users_with_spaces(db, 20000);
        Process run(cli_argv({"reconcile", "--all", "--batch-size", "50", "--json"}), db.env());
        // Some batches of each kind are in.
        REQUIRE(eventually([&] {
            return sync_count(db, "table_name = 'userContext'") > 0 &&
                   sync_count(db, "table_name = 'kontextDoc'") > 0;
        }));
        run.kill(signal_number);
        const auto result = run.wait();
        INFO(result.err);
        const auto written = sync_count(db, "true");
        REQUIRE(written < 40000); // stopped part way
        CHECK(result.exit_code == code);
        const auto doc = json_out(result);
        CHECK(doc["interrupted"] == true);
        CHECK(doc["users"]["written"].get<long long>() +
                  doc["spaces"]["written"].get<long long>() ==
              written);
        // Truthful counts: what it found missing, so missing - written is
        // what remains (not "missing = written", as an interrupted run said).
        for (const auto& [kind, table] :
             {std::pair<const char*, const char*>{"users", "userContext"},
              {"spaces", "kontextDoc"}}) {
            INFO(kind);
            CHECK(doc[kind]["missing"] == 20000);
            CHECK(doc[kind]["missing"].get<long long>() - doc[kind]["written"].get<long long>() ==
                  20000 - sync_count(db, std::string("table_name = '") + table + "'"));
        }
        check_no_doubles(db);
        reconcile_json(db);
        check_exactly_once(db);
        CHECK(sync_count(db, "true") == 40000);
    }
}

TEST_CASE("reconcile and concurrent bootstraps write each singleton once") {
    TempDatabases db;
    add_users_with_spaces(db, 2000);
    std::vector<std::unique_ptr<Process>> processes;
    processes.push_back(std::make_unique<Process>(
        cli_argv({"reconcile", "--all", "--batch-size", "100"}), db.env()));
    for (int i = 1; i <= 8; ++i) {
        processes.push_back(std::make_unique<Process>(
            cli_argv({"bootstrap", "user", "u" + std::to_string(i * 200)}), db.env(i % 2 == 0)));
    }
    check_all_exit_zero(processes);
    check_exactly_once(db);
    CHECK(sync_count(db, "true") == 4000);
}

TEST_CASE("one database holding both schemas converges too") {
    TempDatabases db;
    add_users_with_spaces(db, 25);
    // sync_changes in the auth database itself.
    {
        pqxx::connection c{db.auth_url()};
        pqxx::work tx{c};
        tx.exec(mana::sync_schema_sql());
        tx.commit();
    }
    const EnvChanges env = {{"DATABASE_URL", db.auth_url()}, {"SYNC_DATABASE_URL", db.auth_url()}};
    const auto result = cli({"reconcile", "--all", "--json"}, env);
    INFO(result.err);
    CHECK(result.exit_code == 0);
    CHECK(json_out(result)["users"]["written"] == 25);
    CHECK(auth_query(db, "SELECT count(*) FROM sync_changes")[0][0].as<long long>() == 50);
    CHECK(cli({"reconcile", "--all", "--check"}, env).exit_code == 0);
}

TEST_CASE("metrics-file writes Prometheus text for the textfile collector") {
    TempDatabases db;
    seed_drift(db);
    const MetricsFile metrics("reconcile.prom");
    REQUIRE(cli({"reconcile", "--all", "--quiet", "--metrics-file", metrics.path()}, db.env())
                .exit_code == 0);
    const auto text = metrics.text();
    CHECK_THAT(text, Catch::Contains("# TYPE mana_auth_reconcile_success "
                                     "gauge\nmana_auth_reconcile_success{scope=\"all\"} 1\n"));
    CHECK_THAT(text, Catch::Contains("mana_auth_reconcile_written_items{scope=\"all\","
                                     "kind=\"userContext\"} 30\n"));
    CHECK_THAT(text,
               Catch::Contains(
                   "mana_auth_reconcile_missing_items{scope=\"all\",kind=\"kontextDoc\"} 29\n"));
    CHECK_THAT(text, Catch::Contains("mana_auth_reconcile_orphan_spaces{scope=\"all\"} 2\n"));
    CHECK_THAT(text, Catch::Matches(
                         "(.|\n)*mana_auth_reconcile_last_run_timestamp_seconds\\{scope=\"all\"\\} "
                         "[0-9]{10}\n(.|\n)*"));
}

TEST_CASE("a metrics file that cannot be written is refused before the run, and one lost at the "
          "end leaves the run's result") {
    TempDatabases db;
    seed_drift(db);
    const auto before = sync_count(db, "true");
    for (const char* mode : {"--check", "--quiet"}) {
        const auto refused =
            cli({"reconcile", "--all", mode, "--metrics-file", "/nonexistent-dir/m.prom"}, db.env());
        CHECK_ONE_LINE_ERROR(refused, 2, "--metrics-file /nonexistent-dir/m.prom: cannot create ");
        CHECK_THAT(refused.err, Catch::Contains("No such file or directory"));
    }
    CHECK(sync_count(db, "true") == before);

    // The directory goes while the run waits to read the users.
    const auto dir = temp_path("metrics-dir");
    const auto lost_at_end = [&](const std::string& mode) {
        std::filesystem::create_directory(dir);
        pqxx::connection holder{db.auth_url()};
        pqxx::work lock{holder};
        lock.exec("LOCK TABLE auth.users IN ACCESS EXCLUSIVE MODE");
        Process run(cli_argv({"reconcile", "--all", "--json", mode, "--metrics-file",
                              dir + "/m.prom"}),
                    db.env());
        REQUIRE(eventually([&] { return tool_lock_waits_on_auth(db) > 0; }));
        std::filesystem::remove_all(dir);
        lock.abort();
        return run.wait();
    };
    const auto check = lost_at_end("--check");
    CHECK(check.exit_code == 10); // the drift it found stays the answer
    CHECK(json_out(check)["users"]["missing"] == 30);
    CHECK_THAT(json_out(check)["metricsError"].get<std::string>(),
               Catch::Contains("No such file or directory"));
    const auto write = lost_at_end("--users-only");
    INFO(write.err);
    CHECK(write.exit_code == 1);
    const auto doc = json_out(write);
    CHECK(doc["ok"] == false);
    CHECK(doc["users"]["written"] == 30);
    CHECK_THAT(doc["metricsError"].get<std::string>(), Catch::Contains("--metrics-file: cannot "));
    CHECK_THAT(write.err, Catch::Contains("--metrics-file: cannot ") &&
                              Catch::Contains("No such file or directory"));
    CHECK(sync_count(db, "table_name = 'userContext'") == 40);
}

TEST_CASE("failed, refused and interrupted runs write their metrics and keep the last success") {
    TempDatabases db;
    add_users_with_spaces(db, 20000);
    const MetricsFile file("fail.prom");
    const auto metrics = [&](const std::vector<std::string>& extra, const EnvChanges& env) {
        std::vector<std::string> args{"reconcile", "--all",          "--check",
                                      "--quiet",   "--metrics-file", file.path()};
        args.insert(args.end(), extra.begin(), extra.end());
        return cli(args, env);
    };
    REQUIRE(metrics({}, db.env()).exit_code == 10); // a good check run: drift, success
    CHECK(file.line("mana_auth_reconcile_success{scope=\"all\"}") ==
          "mana_auth_reconcile_success{scope=\"all\"} 1");
    const auto last_success =
        file.line("mana_auth_reconcile_last_success_timestamp_seconds{scope=\"all\"}");
    REQUIRE_THAT(last_success, Catch::Matches("[a-z_]+\\{scope=\"all\"\\} [0-9]{10}"));

    // Failed: the auth database cannot be reached.
    CHECK(metrics({"--auth-db", "postgresql://127.0.0.1:1/nowhere"}, db.env()).exit_code == 1);
    CHECK(file.line("mana_auth_reconcile_success{scope=\"all\"}") ==
          "mana_auth_reconcile_success{scope=\"all\"} 0");
    CHECK(file.line("mana_auth_reconcile_last_success_timestamp_seconds{scope=\"all\"}") ==
          last_success);
    CHECK_THAT(file.text(), !Catch::Contains("_items{"));

    // Refused: another run holds the lock (a writing run needs it).
    {
        pqxx::connection holder{db.sync_url()};
        pqxx::nontransaction{holder}.exec(
            "SELECT pg_advisory_lock(" +
            std::to_string(static_cast<int>(mana::LockSpace::reconcile_run)) + ", 0)");
        file.remove();
        CHECK(cli({"reconcile", "--all", "--quiet", "--metrics-file", file.path()}, db.env())
                  .exit_code == 6);
        CHECK(file.line("mana_auth_reconcile_success{scope=\"all\"}") ==
              "mana_auth_reconcile_success{scope=\"all\"} 0");
        // None known any more: 0, so that an alert on its age fires.
        CHECK(file.line("mana_auth_reconcile_last_success_timestamp_seconds{scope=\"all\"}") ==
              "mana_auth_reconcile_last_success_timestamp_seconds{scope=\"all\"} 0");
    }

    // Interrupted: counts as far as they are known, success 0.
    Process run(
        cli_argv({"reconcile", "--all", "--batch-size", "50", "--quiet", "--metrics-file", file.path()}),
        db.env());
    REQUIRE(eventually([&] { return sync_count(db, "table_name = 'userContext'") > 0; }));
    run.kill(SIGTERM);
    CHECK(run.wait().exit_code == 143);
    CHECK(file.line("mana_auth_reconcile_success{scope=\"all\"}") ==
          "mana_auth_reconcile_success{scope=\"all\"} 0");
    CHECK_THAT(file.text(), Catch::Contains("mana_auth_reconcile_missing_items{scope=\"all\","
                                            "kind=\"userContext\"} 20000\n"));
}

TEST_CASE("reconcile refuses a missing --all and contradicting flags") {
    TempDatabases db;
    CHECK_ONE_LINE_ERROR(cli({"reconcile"}, db.env()), 2, "pass --all");
    CHECK_ONE_LINE_ERROR(cli({"reconcile", "--all", "--users-only", "--spaces-only"}, db.env()), 2,
                         "exclude each other");
    CHECK_ONE_LINE_ERROR(cli({"reconcile", "--all", "--batch-size", "0"}, db.env()), 2,
                         "--batch-size");
}

TEST_CASE("reconcile never reads, writes or drops a table of another schema named like its own") {
    // The names of reconcile's temporary tables, as permanent tables in
    // public; with public before pg_temp in the search_path, an unqualified
    // name would find them first.
    const std::vector<std::string> names{
        "mana_reconcile_users",          "mana_reconcile_spaces",
        "mana_reconcile_audit_users",    "mana_reconcile_audit_spaces",
        "mana_reconcile_missing_users",  "mana_reconcile_missing_spaces",
        "mana_reconcile_writable_users", "mana_reconcile_writable_spaces",
        "mana_reconcile_write_users",    "mana_reconcile_write_spaces",
        "mana_reconcile_writers"};
    TempDatabases db;
    seed_drift(db);
    for (const auto& name : names) {
        sync_query(db, "CREATE TABLE public." + name + " (note text); INSERT INTO public." + name +
                           " VALUES ('kept'); GRANT ALL ON public." + name + " TO " + plain_role);
    }
    sync_query(db, "ALTER DATABASE " + db.sync_name() + " SET search_path = public, pg_temp");
    const auto all_kept = [&] {
        for (const auto& name : names) {
            INFO(name);
            CHECK(sync_query(db, "SELECT count(*) FROM public." + name + " WHERE note = 'kept'")[0][0]
                      .as<long long>() == 1);
        }
    };
    reconcile_json(db, {"--check"}, 10);
    all_kept();
    reconcile_json(db, {"--dry-run", "--since", "1000d"}, 10);
    all_kept();
    reconcile_json(db, {"--users-only"}, 0, true); // item by item
    all_kept();
    const auto doc = reconcile_json(db);
    CHECK(doc["spaces"]["written"] == 29);
    all_kept();
    check_exactly_once(db);
    reconcile_json(db, {"--check"}, 0);
    all_kept();
}

TEST_CASE("a look at a sync database read-only by default counts as one that is not, and a role "
          "bound by row-level security there is refused by name") {
    TempDatabases db;
    seed_drift(db);
    auto set_based = reconcile_json(db, {"--dry-run", "--list", "100"}, 10);
    sync_query(db, "ALTER DATABASE " + db.sync_name() + " SET default_transaction_read_only = on");
    auto merged = reconcile_json(db, {"--dry-run", "--list", "100"}, 10);
    comparable_answer(set_based);
    comparable_answer(merged);
    CHECK(merged == set_based);
    CHECK(merged["users"]["missing"] == 30);
    CHECK_ONE_LINE_ERROR(cli({"reconcile", "--all", "--check"}, db.env(true)), 1,
                         "is read-only, and its role is bound by row-level security");
    CHECK_ONE_LINE_ERROR(cli({"reconcile", "--all"}, db.env()), 1,
                         "is read-only (default_transaction_read_only is on): reconcile writes");
}
