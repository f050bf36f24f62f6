// What an unattended run may do (SPEC §6, issue 29): a settle window that
// leaves the service's own in-flight writes alone (--min-age), and a window
// of time (--since with --until).
#include "checks.hpp"
#include "database_checks.hpp"
#include "seed.hpp"
#include "tempdb.hpp"
#include "terminal.hpp"

#include <chrono>
#include <filesystem>
#include <regex>
#include <set>

using namespace mana::test;
using nlohmann::json;

namespace {

// Moves the users u<first>..u<last>, their Spaces s<first>.. and their
// memberships back in time.
void age(TempDatabases& db, int first, int last, const std::string& interval) {
    pqxx::work tx{db.auth()};
    for (const char* table : {"users", "organizations", "members"}) {
        const std::string id = std::string(table) == "members" ? "user_id" : "id";
        const std::string prefix = std::string(table) == "organizations" ? "s" : "u";
        tx.exec_params("UPDATE auth." + std::string(table) +
                           " SET created_at = now() - $1::interval " + "WHERE " + id +
                           " IN (SELECT $2 || g FROM generate_series($3::int, $4::int) g)",
                       interval, prefix, first, last);
    }
    tx.commit();
}

std::set<std::string> bootstrapped(TempDatabases& db, const std::string& column,
                                   const std::string& table_name) {
    std::set<std::string> ids;
    for (const auto& row : sync_query(db, "SELECT " + column +
                                              " FROM sync_changes WHERE client_id = "
                                              "'system:bootstrap' AND table_name = '" +
                                              table_name + "'"))
        ids.insert(row[0].as<std::string>());
    return ids;
}

// u1..u3 and their Spaces two days old, u4..u6 signed up a moment ago;
// nobody has a singleton.
void seed_old_and_young(TempDatabases& db) {
    add_users_with_spaces(db, 6);
    age(db, 1, 3, "2 days");
}

} // namespace

TEST_CASE("reconcile --min-age leaves a sign-up of a moment ago to the service's in-flight write, "
          "and writes the older ones") {
    TempDatabases db;
    seed_old_and_young(db);
    // The service's own write for u4, inserted and not yet committed.
    pqxx::connection service{db.sync_url()};
    pqxx::work in_flight{service};
    in_flight.exec("INSERT INTO sync_changes (app_id, table_name, record_id, user_id, op, "
                   "client_id) VALUES ('profile', 'userContext', 'singleton', 'u4', 'insert', "
                   "'system:bootstrap')");

    const MetricsFile file("min-age.prom");
    const auto run =
        reconcile_json(db, {"--since", "3d", "--min-age", "1m", "--metrics-file", file.path()}, 0);
    CHECK(run["users"]["scanned"] == 3);
    CHECK(run["users"]["pending"] == 3);
    CHECK(run["users"]["written"] == 3);
    CHECK(run["spaces"]["pending"] == 3);
    CHECK(run["spaces"]["written"] == 3);
    const auto metrics = file.text();
    CHECK_THAT(metrics,
               Catch::Contains(
                   "mana_auth_reconcile_pending_items{scope=\"since\",kind=\"userContext\"} 3\n"));
    in_flight.commit();

    CHECK(bootstrapped(db, "user_id", "userContext") ==
          std::set<std::string>{"u1", "u2", "u3", "u4"});
    CHECK(sync_count(db, "table_name = 'userContext' AND user_id = 'u4'") == 1);
    CHECK(bootstrapped(db, "space_id", "kontextDoc") == std::set<std::string>{"s1", "s2", "s3"});

    // Only pending items lack their singletons: no drift for --check.
    const auto check = reconcile_json(db, {"--check", "--min-age", "1m"}, 0);
    CHECK(check["users"]["scanned"] == 3);
    CHECK(check["users"]["missing"] == 0);
    CHECK(check["spaces"]["pending"] == 3);
    const auto text = cli({"reconcile", "--all", "--check", "--min-age", "1m"}, db.env());
    CHECK_THAT(text.out, Catch::Contains("pending (younger than --min-age 1m, left to a later "
                                         "run): 3 users, 3 Spaces"));
    const auto without = reconcile_json(db, {"--check"}, 10);
    CHECK(without["users"]["missing"] == 2);
    CHECK(without["users"]["pending"] == 0);
    CHECK(without["spaces"]["missing"] == 3);

    // A minute later, the next run writes the rest, u4's once.
    age(db, 4, 6, "2 minutes");
    reconcile_json(db, {"--min-age", "1m"}, 0);
    check_exactly_once(db);
}

TEST_CASE("reconcile --min-age counts the same pending items item by item, on a read-only sync "
          "database, and per shard") {
    TempDatabases db;
    seed_old_and_young(db);
    const auto item_by_item = reconcile_json(db, {"--check", "--min-age", "1m"}, 10, true);
    CHECK(item_by_item["itemByItem"] == true);
    CHECK(item_by_item["users"]["scanned"] == 3);
    CHECK(item_by_item["users"]["missing"] == 3);
    CHECK(item_by_item["users"]["pending"] == 3);
    CHECK(item_by_item["spaces"]["pending"] == 3);

    sync_query(db, "ALTER DATABASE " + db.sync_name() + " SET default_transaction_read_only = on");
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"--check", "--min-age", "1m"}, {"--check", "--min-age", "1m", "--since", "3d"}}) {
        const auto read_only = reconcile_json(db, args, 10);
        CHECK(read_only["users"]["scanned"] == 3);
        CHECK(read_only["users"]["missing"] == 3);
        CHECK(read_only["users"]["pending"] == 3);
        CHECK(read_only["spaces"]["missing"] == 3);
        CHECK(read_only["spaces"]["pending"] == 3);
    }
    long long pending = 0, scanned = 0;
    for (const char* shard : {"1/2", "2/2"}) {
        const auto part = reconcile_json(db, {"--dry-run", "--min-age", "1m", "--shard", shard}, 10);
        pending += part["users"]["pending"].get<long long>();
        scanned += part["users"]["scanned"].get<long long>();
    }
    CHECK(pending == 3);
    CHECK(scanned == 3);
    sync_query(db, "ALTER DATABASE " + db.sync_name() + " RESET default_transaction_read_only");

    const auto written = reconcile_json(db, {"--min-age", "1m"}, 0, true);
    CHECK(written["users"]["written"] == 3);
    CHECK(written["spaces"]["written"] == 3);
    CHECK(bootstrapped(db, "user_id", "userContext") == std::set<std::string>{"u1", "u2", "u3"});
}

TEST_CASE("reconcile --since A --until B writes exactly the users and Spaces of the window") {
    TempDatabases db;
    add_users_with_spaces(db, 3);
    age(db, 1, 1, "3 hours");
    age(db, 2, 2, "2 hours");
    age(db, 3, 3, "30 minutes");
    // An old Space, joined inside the window: its writer is new.
    add_space(db, "s-joined", "joined", "team");
    auth_query(db, "UPDATE auth.organizations SET created_at = now() - interval '3 days' WHERE "
                   "id = 's-joined'");
    add_member(db, "s-joined", "u3", "owner", 120);

    const auto run = reconcile_json(db, {"--since", "150m", "--until", "1h"}, 0);
    CHECK(run["since"].is_string());
    CHECK(run["until"].is_string());
    CHECK(run["users"]["scanned"] == 1);
    CHECK(bootstrapped(db, "user_id", "userContext") == std::set<std::string>{"u2"});
    CHECK(bootstrapped(db, "space_id", "kontextDoc") == std::set<std::string>{"s2", "s-joined"});
    reconcile_json(db, {"--since", "150m", "--until", "1h", "--check"}, 0);
    reconcile_json(db, {"--check"}, 10);

    const auto text =
        cli({"reconcile", "--all", "--check", "--since", "150m", "--until", "1h"}, db.env());
    CHECK(text.exit_code == 0);
    CHECK_THAT(text.out,
               Catch::Matches("(.|\n)*new since [0-9T:.-]+Z until [0-9T:.-]+Z: users "
                              "created, Spaces created or joined in that window\n(.|\n)*"));

    CHECK_ONE_LINE_ERROR(cli({"reconcile", "--all", "--until", "1h"}, db.env()), 2,
                         "--until needs --since");
    CHECK_ONE_LINE_ERROR(cli({"reconcile", "--all", "--since", "1h", "--until", "2h"}, db.env()), 2,
                         "is not after --since");
    CHECK_ONE_LINE_ERROR(cli({"reconcile", "--all", "--since", "2026-01-02T00:00:00Z", "--until",
                              "2026-01-01T00:00:00Z"},
                             db.env()),
                         2, "--until 2026-01-01T00:00:00.000000Z is not after --since");
    CHECK_ONE_LINE_ERROR(cli({"reconcile", "--all", "--min-age", "soon"}, db.env()), 2,
                         "--min-age takes a span like 30s");
    CHECK(sync_count(db, "true") == 3); // u2, s2, s-joined: nothing more
}

namespace {

// u1..u10 owning s1..s10; u1..u5 and s1..s5 have their singletons: a run
// looks at 20 items and would write 10.
void seed_half_written(TempDatabases& db) {
    add_users_with_spaces(db, 10);
    for (int i = 1; i <= 5; ++i) {
        const auto n = std::to_string(i);
        add_sync_row(db, "userContext", "singleton", "u" + n, "", "profile");
        add_sync_row(db, "kontextDoc", "d" + n, "u" + n, "s" + n, "kontext");
    }
}

// A writing run refused by --max-writes: exit 7, nothing written.
void check_refused(TempDatabases& db, std::vector<std::string> args, long long would_write,
                   long long bound, bool plain_sync_role = false) {
    const auto before = sync_count(db, "true");
    const auto refused = reconcile_json(db, std::move(args), 7, plain_sync_role);
    CHECK(refused["ok"] == false);
    CHECK(refused["refused"] == "max-writes");
    CHECK(refused["maxWrites"]["wouldWrite"] == would_write);
    CHECK(refused["maxWrites"]["maxWrites"] == bound);
    CHECK(refused["users"]["written"] == 0);
    CHECK(refused["spaces"]["written"] == 0);
    CHECK(refused["exitCode"] == 7);
    CHECK(sync_count(db, "true") == before);
}

} // namespace

TEST_CASE("reconcile --max-writes N refuses one over the bound with nothing written, and writes "
          "at the bound") {
    TempDatabases db;
    seed_half_written(db);
    const MetricsFile metrics("max-writes.prom");
    check_refused(db, {"--max-writes", "9", "--metrics-file", metrics.path()}, 10, 9);
    CHECK_THAT(metrics.text(), Catch::Contains("mana_auth_reconcile_success{scope=\"all\"} 0\n"));

    const auto text = cli({"reconcile", "--all", "--max-writes", "9"}, db.env());
    CHECK_ONE_LINE_ERROR(text, 7,
                         "reconcile would write 10 singletons, over --max-writes 9: nothing "
                         "written; is the sync database the right one, and its change log whole? "
                         "A deliberate backfill runs without --max-writes");
    CHECK(sync_count(db, "true") == 10);

    const auto written = reconcile_json(db, {"--max-writes", "10"}, 0);
    CHECK(written["refused"].is_null());
    CHECK(written["users"]["written"] == 5);
    CHECK(written["spaces"]["written"] == 5);
    check_exactly_once(db);

    CHECK_ONE_LINE_ERROR(cli({"reconcile", "--all", "--max-writes", "101%"}, db.env()), 2,
                         "--max-writes takes a number of singletons");
}

TEST_CASE("reconcile --max-writes P% is a share of the users and Spaces looked at, item by item "
          "too") {
    TempDatabases db;
    seed_half_written(db);
    check_refused(db, {"--max-writes", "49.99%"}, 10, 9); // 9 of 20
    check_refused(db, {"--max-writes", "45%"}, 10, 9, true);
    check_refused(db, {"--max-writes", "9"}, 10, 9, true);
    const auto item_by_item = reconcile_json(db, {"--max-writes", "50%"}, 0, true);
    CHECK(item_by_item["itemByItem"] == true);
    CHECK(item_by_item["users"]["missing"] == 5);
    CHECK(item_by_item["users"]["written"] == 5);
    CHECK(item_by_item["spaces"]["written"] == 5);
    check_exactly_once(db);

    sync_query(db, "DELETE FROM sync_changes WHERE client_id = 'system:bootstrap'");
    const auto set_based = reconcile_json(db, {"--max-writes", "50%"}, 0);
    CHECK(set_based["users"]["written"] == 5);
    check_exactly_once(db);
}

TEST_CASE("reconcile --max-writes bounds each shard's run by its own share") {
    TempDatabases db;
    seed_half_written(db);
    for (const char* shard : {"1/2", "2/2"}) {
        INFO(shard);
        const auto look = reconcile_json(db, {"--dry-run", "--shard", shard}, 10);
        const auto would_write =
            look["users"]["missing"].get<long long>() + look["spaces"]["missing"].get<long long>();
        const auto looked_at =
            look["users"]["scanned"].get<long long>() + look["spaces"]["scanned"].get<long long>();
        REQUIRE(would_write > 0);
        check_refused(db, {"--shard", shard, "--max-writes", std::to_string(would_write - 1)},
                      would_write, would_write - 1);
        // The share as a percentage of this shard's items, rounded up to
        // the hundredth: exactly at the bound.
        const auto basis_points = (would_write * 10000 + looked_at - 1) / looked_at;
        const auto percent = std::to_string(basis_points / 100) + "." +
                             std::to_string(basis_points % 100 / 10) +
                             std::to_string(basis_points % 10) + "%";
        const auto written =
            reconcile_json(db, {"--shard", shard, "--max-writes", percent}, 0, shard[0] == '2');
        CHECK(written["users"]["written"].get<long long>() +
                  written["spaces"]["written"].get<long long>() ==
              would_write);
    }
    check_exactly_once(db);
}

TEST_CASE("reconcile reports the age of the oldest item it found missing, in every strategy, and "
          "none once converged") {
    TempDatabases db;
    add_users_with_spaces(db, 3);
    age(db, 1, 1, "2 hours");
    age(db, 2, 2, "10 minutes"); // u3 and s3: a moment ago, pending below
    const auto in_range = [](const json& age, long long expected) {
        INFO(age.dump());
        // The run takes a few seconds at most; a minute is a generous margin.
        return age.is_number_integer() && age.get<long long>() >= expected &&
               age.get<long long>() < expected + 60;
    };
    const MetricsFile metrics("staleness.prom");
    const auto set_based =
        reconcile_json(db, {"--check", "--min-age", "1m", "--metrics-file", metrics.path()}, 10);
    CHECK(in_range(set_based["users"]["oldestMissingSeconds"], 7200));
    CHECK(in_range(set_based["spaces"]["oldestMissingSeconds"], 7200));
    CHECK_THAT(metrics.text(), Catch::Contains("mana_auth_reconcile_oldest_missing_seconds{scope=\"all\","
                                        "kind=\"userContext\"} " +
                                        set_based["users"]["oldestMissingSeconds"].dump() + "\n"));
    CHECK(reconcile_json(db, {"--check", "--min-age", "1m"}, 10, true)["users"]["oldestMissingSeconds"] >=
          7200);
    sync_query(db, "ALTER DATABASE " + db.sync_name() + " SET default_transaction_read_only = on");
    CHECK(in_range(reconcile_json(db, {"--check", "--since", "1d"}, 10)["spaces"]["oldestMissingSeconds"],
                   7200));
    sync_query(db, "ALTER DATABASE " + db.sync_name() + " RESET default_transaction_read_only");

    // u1 written by someone else: the oldest missing user is now u2.
    add_sync_row(db, "userContext", "singleton", "u1", "", "profile");
    const auto item_by_item = reconcile_json(db, {"--min-age", "1m"}, 0, true);
    CHECK(in_range(item_by_item["users"]["oldestMissingSeconds"], 600));

    const auto converged = reconcile_json(db, {"--min-age", "1m", "--metrics-file", metrics.path()}, 0);
    CHECK(converged["users"]["oldestMissingSeconds"].is_null());
    CHECK(converged["spaces"]["oldestMissingSeconds"].is_null());
    CHECK_THAT(metrics.text(), Catch::Contains("mana_auth_reconcile_success{scope=\"all\"} 1\n") &&
                                   !Catch::Contains("oldest_missing_seconds"));
}

namespace {

// Scans of auth.users so far, sequential or by index, once every other
// session of the auth database has ended and so reported its own (as a
// session does when it ends).
long long user_scans(TempDatabases& db) {
    auth_query(db, "SELECT pg_stat_force_next_flush()");
    REQUIRE(eventually([&] {
        return auth_query(db, "SELECT count(*) FROM pg_stat_activity WHERE datname = "
                              "current_database() AND pid <> pg_backend_pid()")[0][0]
                   .as<long long>() == 0;
    }));
    return auth_query(db, "SELECT seq_scan + coalesce(idx_scan, 0) FROM pg_stat_user_tables "
                          "WHERE schemaname = 'auth' AND relname = 'users'")[0][0]
        .as<long long>();
}

} // namespace

// Looked up batch by batch (5,000 ids' created_at), the ages cost 0.2 s a
// batch, 9 s of a 10 %-missing run at a million users and Spaces. The same
// users written in one batch, then in twelve: the auth database is read
// as often.
TEST_CASE("a set-based run ages what it finds missing from the ids it loaded, looking nothing up "
          "in the auth database batch by batch") {
    TempDatabases db;
    add_users_with_spaces(db, 120);
    age(db, 1, 120, "3 hours");
    const auto before = user_scans(db);
    CHECK(reconcile_json(db, {"--users-only", "--batch-size", "1000"})["users"]["written"] == 120);
    const auto one_batch = user_scans(db);
    sync_query(db, "DELETE FROM sync_changes WHERE client_id = 'system:bootstrap'");
    const auto run = reconcile_json(db, {"--users-only", "--batch-size", "10"});
    CHECK(run["users"]["written"] == 120);
    const auto oldest = run["users"]["oldestMissingSeconds"];
    INFO(oldest.dump());
    CHECK((oldest.is_number_integer() && oldest >= 10800 && oldest < 10800 + 60));
    CHECK(user_scans(db) - one_batch == one_batch - before);
    CHECK(sync_count(db, "table_name = 'userContext'") == 120);
}

TEST_CASE("reconcile --max-rate keeps a backfill's average write rate under the rate") {
    TempDatabases db;
    add_users_with_spaces(db, 10000); // 20,000 singletons
    constexpr double rate = 5000;
    const auto started = std::chrono::steady_clock::now();
    const auto result = cli({"reconcile", "--all", "--max-rate", "5000"}, db.env());
    const auto seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    INFO(result.err);
    CHECK(result.exit_code == 0);
    const auto written = sync_count(db, "true");
    CHECK(written == 20000);
    // Paced from its first write, so measured from outside it can only be
    // slower; unpaced, this machine writes them in about a second.
    CHECK(static_cast<double>(written) / seconds <= rate * 1.02);
    check_exactly_once(db);

    CHECK_ONE_LINE_ERROR(cli({"reconcile", "--all", "--max-rate", "0"}, db.env()), 2,
                         "--max-rate");
}

TEST_CASE("a paced run shows its pace, stops at once on Ctrl-C, keeps what it wrote, and the next "
          "run finishes") {
    TempDatabases db;
    add_users_with_spaces(db, 2000);
    // 2,000 rows at 100 a second: 20 s unless stopped.
    Terminal run(cli_argv({"reconcile", "--all", "--users-only", "--max-rate", "100"}), db.env());
    REQUIRE(run.await(" s left"));
    INFO(run.screen());
    CHECK(std::regex_search(run.screen(),
                            std::regex(R"(userContext: writing [0-9]+/2000 [0-9]+%, [0-9]+/s, )")));
    const auto signalled = std::chrono::steady_clock::now();
    run.type("\x03");
    CHECK(run.wait() == 130);
    // Not the 20 s the pace would take: the wait ends with the signal.
    CHECK(std::chrono::steady_clock::now() - signalled < std::chrono::seconds(15));
    CHECK(sync_count(db, "true") < 2000);
    reconcile_json(db, {}, 0);
    check_exactly_once(db);
}

TEST_CASE("reconcile --max-lag refuses by name, before it reads, a sync role that cannot see the "
          "standbys' lag, and doctor says so") {
    TempDatabases db;
    add_users_with_spaces(db, 3);
    CHECK_ONE_LINE_ERROR(cli({"reconcile", "--all", "--max-lag", "5s"}, db.env(true)), 1,
                         std::string("--max-lag: the sync role ") + plain_role +
                             " cannot see its standbys' lag");
    CHECK(sync_count(db, "true") == 0);
    const auto doctor = cli({"doctor"}, db.env(true));
    CHECK_THAT(doctor.out, Catch::Contains("standby lag (--max-lag)"));
    CHECK_THAT(doctor.out, Catch::Contains(std::string("GRANT pg_monitor TO ") + plain_role));
    // A superuser sees them; with no standby there is nothing to wait for.
    CHECK(reconcile_json(db, {"--max-lag", "5s"}, 0)["users"]["written"] == 3);
}

TEST_CASE("the options that bound, pace or hold back writes are usage errors on a run that only "
          "looks") {
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
        {{"--check", "--max-writes", "9"}, "--max-writes bounds what a run writes"},
        {{"--dry-run", "--max-writes", "5%"}, "--max-writes bounds what a run writes"},
        {{"--dry-run", "--max-rate", "10"}, "--max-rate paces what a run writes"},
        {{"--check", "--max-lag", "5s"}, "--max-lag waits before what a run writes"}};
    for (const auto& [options, error] : cases) {
        auto args = options;
        args.insert(args.begin(), {"reconcile", "--all"});
        CHECK_ONE_LINE_ERROR(cli(args), 2, error);
    }
}
