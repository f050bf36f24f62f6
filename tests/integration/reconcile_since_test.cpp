// reconcile --all --since WHEN (SPEC §4, issue 13): only the users created,
// and the Spaces created or joined, since WHEN; older drift is the full
// run's.
#include "checks.hpp"
#include "database_checks.hpp"
#include "seed.hpp"
#include "tempdb.hpp"

#include <filesystem>
#include <memory>
#include <set>

using namespace mana::test;
using nlohmann::json;

namespace {

void make_old(TempDatabases& db, const std::string& table, const std::string& where) {
    pqxx::work tx{db.auth()};
    tx.exec("UPDATE auth." + table + " SET created_at = now() - interval '2 days' WHERE " + where);
    tx.commit();
}

// Two days old: u1..u4 owning s1..s4, none with its singletons, and s-orphan,
// no member. New: u5, u6 owning s5, s6, without singletons, and u7 with
// both; since an hour ago, u1 joined s-orphan (its first live member) and u2
// joined s3 (whose kontextDoc is there).
void seed_old_and_new(TempDatabases& db) {
    add_users_with_spaces(db, 7);
    add_space(db, "s-orphan", "orphan");
    make_old(db, "users", "id IN ('u1', 'u2', 'u3', 'u4')");
    make_old(db, "organizations", "id IN ('s1', 's2', 's3', 's4', 's-orphan')");
    make_old(db, "members", "organization_id IN ('s1', 's2', 's3', 's4')");
    add_member(db, "s-orphan", "u1", "member", 60);
    add_member(db, "s3", "u2", "member", 60);
    add_sync_row(db, "kontextDoc", "d3", "u3", "s3", "kontext");
    add_sync_row(db, "userContext", "singleton", "u7", "", "profile");
    add_sync_row(db, "kontextDoc", "d7", "u7", "s7", "kontext");
}

std::set<std::string> written_ids(TempDatabases& db, const std::string& column,
                                  const std::string& table_name) {
    std::set<std::string> ids;
    pqxx::work tx{db.sync()};
    for (const auto& row : tx.exec_params("SELECT " + column +
                                              " FROM sync_changes WHERE "
                                              "client_id = 'system:bootstrap' AND table_name = $1",
                                          table_name))
        ids.insert(row[0].as<std::string>());
    return ids;
}

// Waits until every other session on the sync database has ended (each
// reports its statistics as it ends), and reports this one's own.
void settle_statistics(TempDatabases& db) {
    sync_query(db, "SELECT pg_stat_force_next_flush()");
    REQUIRE(eventually([&] {
        return sync_query(db, "SELECT count(*) FROM pg_stat_activity WHERE datname = "
                              "current_database() AND pid <> pg_backend_pid()")[0][0]
                   .as<long long>() == 0;
    }));
}

// Blocks of sync_changes' heap read so far, from cache or disk.
long long change_log_heap_reads(TempDatabases& db) {
    settle_statistics(db);
    return sync_query(db, "SELECT heap_blks_hit + heap_blks_read FROM pg_statio_user_tables "
                          "WHERE relname = 'sync_changes'")[0][0]
        .as<long long>();
}

// The heap pages of sync_changes that hold its rows where `where`.
long long change_log_pages(TempDatabases& db, const std::string& where) {
    return sync_query(db, "SELECT count(DISTINCT (ctid::text::point)[0]) FROM sync_changes WHERE " +
                              where)[0][0]
        .as<long long>();
}

// Scans of sync_changes so far, sequential or by any index (each probe of a
// loop is one).
long long change_log_scans(TempDatabases& db) {
    settle_statistics(db);
    return sync_query(db, "SELECT seq_scan + idx_scan FROM pg_stat_user_tables WHERE relname = "
                          "'sync_changes'")[0][0]
        .as<long long>();
}

// 3,000 users owning their Spaces, converged, two days old, with 20,000
// other rows in their Spaces; new: u3001..u3000+n owning s3001..
void seed_converged_and_new(TempDatabases& db, long long n) {
    add_users_with_spaces(db, 3000);
    reconcile_json(db, {}, 0);
    for (const char* table : {"users", "organizations", "members"})
        make_old(db, table, "true");
    sync_query(db, "INSERT INTO sync_changes (app_id, table_name, record_id, user_id, space_id, "
                   "op, client_id) SELECT 'notes', 'note', 'n' || g, 'u' || (g % 3000 + 1), "
                   "'s' || (g % 3000 + 1), 'insert', 'web' FROM generate_series(1, 20000) g");
    add_users_with_spaces(db.auth(), 3001, 3000 + n);
}

} // namespace

TEST_CASE("reconcile --since writes exactly what is new and leaves older drift to the full run") {
    TempDatabases db;
    seed_old_and_new(db);

    const auto check = reconcile_json(db, {"--since", "90m", "--check"}, 10);
    CHECK(check["since"].is_string());
    CHECK(check["users"]["scanned"] == 3); // u5, u6, u7
    CHECK(check["users"]["missing"] == 2);
    CHECK(check["spaces"]["scanned"] == 5); // s5, s6, s7, s-orphan, s3
    CHECK(check["spaces"]["missing"] == 3);
    CHECK(check["spaces"]["duplicates"] == 0);

    const auto doc = reconcile_json(db, {"--since", "90m"}, 0);
    CHECK(doc["users"]["written"] == 2);
    CHECK(doc["spaces"]["written"] == 3);
    CHECK(written_ids(db, "user_id", "userContext") == std::set<std::string>{"u5", "u6"});
    CHECK(written_ids(db, "space_id", "kontextDoc") ==
          std::set<std::string>{"s5", "s6", "s-orphan"});
    CHECK(sync_count(db, "space_id = 's-orphan' AND user_id = 'u1'") == 1); // its writer now
    reconcile_json(db, {"--since", "90m", "--check"}, 0);

    // The older drift is still there, for the full run.
    const auto full = reconcile_json(db, {"--check"}, 10);
    CHECK(full["since"].is_null());
    CHECK(full["users"]["missing"] == 4);
    CHECK(full["spaces"]["missing"] == 3); // s1, s2, s4
    reconcile_json(db, {}, 0);
    check_exactly_once(db);

    // A timestamp with its zone works as a span does; text names the moment.
    const auto text = cli({"reconcile", "--all", "--since", "2020-01-01T00:00:00+01:00"}, db.env());
    CHECK(text.exit_code == 0);
    CHECK_THAT(text.out, Catch::Contains("new since 2019-12-31T23:00:00.000000Z: users created, "
                                         "Spaces created or joined since then\n"));
    CHECK_THAT(text.out, Catch::Contains("userContext: 7 scanned, 0 missing, 0 written"));
}

// The SPEC's rule is any row: a lone delete, or an insert and its delete,
// leave the singleton there, neither missing nor written twice.
TEST_CASE("reconcile --since takes a new singleton deleted as often as written as there") {
    TempDatabases db;
    add_users_with_spaces(db, 2);
    add_sync_row(db, "userContext", "singleton", "u1", "", "profile", "delete");
    add_sync_row(db, "kontextDoc", "d1", "u1", "s1", "kontext");
    add_sync_row(db, "kontextDoc", "d1", "u1", "s1", "kontext", "delete");

    const auto check = reconcile_json(db, {"--since", "1h", "--check"}, 10);
    CHECK(check["users"]["missing"] == 1);
    CHECK(check["spaces"]["missing"] == 1);
    CHECK(check["users"]["duplicates"] == 0);
    CHECK(check["spaces"]["duplicates"] == 0);
    reconcile_json(db, {"--since", "1h"}, 0);
    CHECK(written_ids(db, "user_id", "userContext") == std::set<std::string>{"u2"});
    CHECK(written_ids(db, "space_id", "kontextDoc") == std::set<std::string>{"s2"});
}

TEST_CASE(
    "reconcile --since refuses a moment to come or unreadable by name, before it reads anything") {
    TempDatabases db;
    add_users_with_spaces(db, 2);
    for (const char* when : {"10x", "0m", "yesterday", "2026-11-25T03:00:00"}) {
        INFO(when);
        const auto result = cli({"reconcile", "--all", "--since", when}, db.env());
        CHECK_ONE_LINE_ERROR(result, 2, "--since");
    }
    const auto future = cli({"reconcile", "--all", "--since", "2999-01-01T00:00:00Z"}, db.env());
    CHECK_ONE_LINE_ERROR(future, 2,
                         "--since 2999-01-01T00:00:00Z is in the future (the auth "
                         "database's clock reads 20");
    CHECK(sync_count(db, "true") == 0);
    // Nothing was read: the refusal comes before the run's temporary tables.
    pqxx::work tx{db.sync()};
    CHECK(tx.exec1("SELECT count(*) FROM pg_class WHERE relname LIKE 'mana_reconcile%'")[0]
              .as<long long>() == 0);
}

TEST_CASE("reconcile --since counts doubles among what is new, and its metrics carry scope since") {
    TempDatabases db;
    seed_old_and_new(db);
    add_sync_row(db, "userContext", "singleton", "u7", "", "web");         // new, doubled
    add_sync_row(db, "kontextDoc", "d7b", "gone-member", "s7", "kontext"); // new, doubled
    add_sync_row(db, "kontextDoc", "d3b", "u3", "s3", "kontext");          // joined, doubled
    add_sync_row(db, "userContext", "singleton", "u1", "", "web");
    add_sync_row(db, "userContext", "singleton", "u1", "", "web"); // old: the full run's
    const MetricsFile metrics("since.prom");
    const auto doc = reconcile_json(db, {"--since", "90m", "--metrics-file", metrics.path()}, 0);
    CHECK(doc["users"]["duplicates"] == 1);
    CHECK(doc["users"]["duplicateSample"] == json::array({"u7"}));
    CHECK(doc["spaces"]["duplicates"] == 2);
    const auto text = metrics.text();
    CHECK_THAT(text, Catch::Contains("mana_auth_reconcile_success{scope=\"since\"} 1\n"));
    CHECK_THAT(text, Catch::Contains("mana_auth_reconcile_duplicate_items{scope=\"since\","
                                     "kind=\"userContext\"} 1\n"));
    CHECK(reconcile_json(db, {"--check"}, 10)["users"]["duplicates"] == 2);
}

TEST_CASE("reconcile --since beside a full run and bootstraps writes each singleton once") {
    TempDatabases db;
    add_users_with_spaces(db, 1500);
    make_old(db, "users", "id::text < 'u5'"); // some old, most new
    std::vector<std::unique_ptr<Process>> processes;
    processes.push_back(std::make_unique<Process>(
        cli_argv({"reconcile", "--all", "--wait", "--batch-size", "100"}), db.env()));
    for (int i = 0; i < 3; ++i) {
        processes.push_back(std::make_unique<Process>(
            cli_argv({"reconcile", "--all", "--since", "1h", "--wait", "--batch-size", "100"}),
            db.env()));
    }
    for (int i = 1; i <= 6; ++i) {
        processes.push_back(std::make_unique<Process>(
            cli_argv({"bootstrap", "user", "u" + std::to_string(i * 250)}), db.env(i % 2 == 0)));
    }
    check_all_exit_zero(processes);
    check_exactly_once(db);
    CHECK(sync_count(db, "true") == 3000);
}

// The run of every minute costs what is new, not the size of the change log:
// no index leads with space_id, and a join on it read every row.
TEST_CASE("reconcile --since finds the rows of new Spaces by index, never reading the change log") {
    TempDatabases db;
    seed_converged_and_new(db, 100);
    add_sync_row(db, "kontextDoc", "d-other", "not-a-member", "s3001", "kontext"); // there
    add_sync_row(db, "noteDoc", "n1", "u3002", "s3002", "kontext"); // not a kontextDoc
    add_sync_row(db, "kontextDoc", "d3a", "u3003", "s3003", "kontext");
    add_sync_row(db, "kontextDoc", "d3b", "gone-member", "s3003", "kontext"); // doubled
    sync_query(db, "VACUUM ANALYZE sync_changes");
    const auto before = change_log_heap_reads(db);

    const auto check = reconcile_json(db, {"--since", "1h", "--check", "--spaces-only"}, 10);
    CHECK(check["spaces"]["scanned"] == 100);
    CHECK(check["spaces"]["missing"] == 98); // all but s3001 and s3003
    CHECK(check["spaces"]["duplicateSample"] == json::array({"s3003"}));
    const auto read = change_log_heap_reads(db) - before;
    // The pages a scan of every kontextDoc row would read.
    const auto pages = change_log_pages(db, "table_name = 'kontextDoc'");
    INFO(read << " heap blocks read; the kontextDoc rows fill " << pages);
    CHECK(read < pages / 4);
}

// The kinds' table names and record ids are bound to the audit, so that the
// planner sees them: read from settings, it judged a third of this change
// log to be kontextDoc rows and read it whole.
TEST_CASE("a full reconcile reads a Space kind's rows by index, not the whole change log") {
    TempDatabases db;
    seed_converged_and_new(db, 10);
    // Most of the change log's pages: notes with a body.
    sync_query(db, "INSERT INTO sync_changes (app_id, table_name, record_id, user_id, space_id, "
                   "op, data, client_id) SELECT 'notes', 'note', 'b' || g, 'u1', 's1', 'insert', "
                   "jsonb_build_object('body', repeat('x', 300)), 'web' "
                   "FROM generate_series(1, 40000) g");
    sync_query(db, "VACUUM ANALYZE sync_changes");
    const auto before = change_log_heap_reads(db);

    const auto check = reconcile_json(db, {"--check", "--spaces-only"}, 10);
    CHECK(check["spaces"]["scanned"] == 3010);
    CHECK(check["spaces"]["missing"] == 10);
    const auto read = change_log_heap_reads(db) - before;
    const auto pages = change_log_pages(db, "true");
    INFO(read << " heap blocks read of " << pages);
    CHECK(read < pages / 2);
}

// once the ids are many: a --since as old as the platform reads the change
// log once.
TEST_CASE("reconcile --since with many new Spaces reads the change log once") {
    TempDatabases db;
    seed_converged_and_new(db, 10);
    sync_query(db, "VACUUM ANALYZE sync_changes");
    const auto before = change_log_scans(db);

    const auto check = reconcile_json(db, {"--since", "3d", "--check", "--spaces-only"}, 10);
    CHECK(check["spaces"]["scanned"] == 3010);
    CHECK(check["spaces"]["missing"] == 10);
    CHECK(change_log_scans(db) - before == 1);
}
