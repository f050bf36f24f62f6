// The auth or the sync database as a real hot standby (pg_basebackup -R,
// streaming from a primary of the test's own). An auth standby: reconcile
// and bootstrap only read it and work; register is refused in one line
// before it writes anything. A sync standby: --check and --dry-run give the
// primary's answer; a writing reconcile is refused by name.
#include "checks.hpp"
#include "database_checks.hpp"
#include "seed.hpp"
#include "test_server.hpp"

#include <algorithm>
#include <set>

using namespace mana::test;

namespace {

long long count(const std::string& conninfo, const std::string& sql) {
    pqxx::connection c{conninfo};
    return pqxx::nontransaction{c}.exec1(sql)[0].as<long long>();
}

} // namespace

TEST_CASE("reconcile and bootstrap work against an auth hot standby, register there is refused") {
    TestServer primary;
    pqxx::connection primary_auth{primary.auth_url()};
    add_users_with_spaces(primary_auth, 1, 100);
    Standby standby(primary);
    const auto standby_auth = standby.conninfo(primary.auth_name());
    const EnvChanges env{{"DATABASE_URL", standby_auth}, {"SYNC_DATABASE_URL", primary.sync_url()}};
    const auto singletons = [&](const std::string& where) {
        return count(primary.sync_url(), "SELECT count(*) FROM sync_changes WHERE " + where);
    };

    const auto reconciled = cli({"reconcile", "--all", "--json"}, env);
    INFO(reconciled.err);
    REQUIRE(reconciled.exit_code == 0);
    const auto doc = json_out(reconciled);
    CHECK(doc["users"]["written"] == 100);
    CHECK(doc["spaces"]["written"] == 100);

    // A sign-up on the primary reaches the standby by streaming.
    add_users_with_spaces(primary_auth, 101, 101);
    REQUIRE(
        eventually([&] { return count(standby_auth, "SELECT count(*) FROM auth.users") == 101; }));
    const auto bootstrapped = cli({"bootstrap", "user", "u101"}, env);
    INFO(bootstrapped.err);
    CHECK(bootstrapped.exit_code == 0);
    CHECK(singletons("user_id = 'u101' AND table_name = 'userContext'") == 1);
    CHECK(singletons("space_id = 's101' AND table_name = 'kontextDoc'") == 1);
    CHECK(singletons("table_name = 'userContext'") == 101);
    CHECK(singletons("table_name = 'kontextDoc'") == 101);

    CHECK_ONE_LINE_ERROR(
        cli({"register", "new@example.com", "--password-stdin"}, env, "a good password\n"), 1,
        "auth database (" + standby_auth +
            ") is read-only (a hot standby, in recovery): register writes users: point it at the "
            "primary");
    CHECK_ONE_LINE_ERROR(cli({"register", "--from", "-"}, env,
                             "{\"email\":\"n@example.com\",\"password\":\"password-n1\"}\n"),
                         1, "is read-only (a hot standby, in recovery)");
    CHECK(count(primary.auth_url(), "SELECT count(*) FROM auth.users") == 101);
    CHECK(singletons("true") == 202);

    CHECK_THAT(cli({"doctor"}, env).out,
               Catch::Contains("auth database writable") && Catch::Contains("register would fail"));
}

TEST_CASE("check and dry run against a sync hot standby give the primary's exact answer, and a "
          "writing run there is refused by name") {
    TestServer primary;
    pqxx::connection auth{primary.auth_url()};
    add_users_with_spaces(auth, 1, 300);
    pqxx::nontransaction{auth}.exec(
        "INSERT INTO auth.organizations (id, name, slug, metadata) VALUES ('s-orphan', 'o', "
        "'s-orphan', '{\"type\":\"team\"}')");
    // Some there, some twice, a lone delete (present), odd ids; the rest missing.
    pqxx::connection sync{primary.sync_url()};
    pqxx::nontransaction{sync}.exec(
        "INSERT INTO sync_changes (app_id, table_name, record_id, user_id, op, client_id, space_id) "
        "SELECT 'profile', 'userContext', 'singleton', 'u' || i, CASE WHEN i = 7 THEN 'delete' "
        "ELSE 'insert' END, 'web', NULL FROM generate_series(1, 100) i UNION ALL SELECT "
        "'profile', 'userContext', 'singleton', 'u' || i, 'insert', 'web', NULL FROM "
        "generate_series(1, 5) i UNION ALL SELECT 'kontext', 'kontextDoc', 'doc' || i, 'u' || i, "
        "'insert', 'web', 's' || i FROM generate_series(50, 260) i UNION ALL SELECT 'kontext', "
        "'kontextDoc', 'again', 'u60', 'insert', 'web', 's60'");
    const auto expected_rows = pqxx::nontransaction{sync}
                                   .exec1("SELECT count(*) FROM sync_changes")[0]
                                   .as<long long>();
    Standby standby(primary);
    const auto standby_sync = standby.conninfo(primary.sync_name());
    REQUIRE(eventually([&] {
        return count(standby_sync, "SELECT count(*) FROM sync_changes") == expected_rows;
    }));
    const EnvChanges on_primary{{"DATABASE_URL", primary.auth_url()},
                                {"SYNC_DATABASE_URL", primary.sync_url()}};
    const EnvChanges on_standby{{"DATABASE_URL", primary.auth_url()},
                                {"SYNC_DATABASE_URL", standby_sync}};
    const auto answer = [](const EnvChanges& env, std::vector<std::string> args) {
        args.insert(args.begin(), {"reconcile", "--all", "--json", "--list", "1000"});
        const auto result = cli(args, env);
        INFO(result.err);
        CHECK(result.exit_code == 10);
        auto doc = json_out(result);
        comparable_answer(doc);
        return doc;
    };
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"--check"}, {"--dry-run"}, {"--check", "--shard", "2/3"}, {"--dry-run", "--since", "1d"}}) {
        INFO(args.back());
        CHECK(answer(on_standby, args) == answer(on_primary, args));
    }
    const auto full = answer(on_standby, {"--check"});
    CHECK(full["users"]["duplicates"] == 5);
    CHECK(full["spaces"]["duplicates"] == 1);
    CHECK(full["spaces"]["missing"] == 89);
    CHECK(full["orphans"] == 1);

    CHECK_ONE_LINE_ERROR(cli({"reconcile", "--all"}, on_standby), 1,
                         "is read-only (a hot standby, in recovery): reconcile writes singletons");
    CHECK(count(primary.sync_url(), "SELECT count(*) FROM sync_changes") == expected_rows);
}

TEST_CASE("reconcile --max-lag writes no batch while a standby whose replay is paused lags more "
          "than the bound, and finishes once replay resumes") {
    TestServer primary;
    pqxx::connection primary_auth{primary.auth_url()};
    add_users_with_spaces(primary_auth, 1, 3000);
    Standby standby(primary);
    pqxx::connection replica{standby.conninfo(primary.sync_name())};
    pqxx::nontransaction(replica).exec("SELECT pg_wal_replay_pause()");
    const EnvChanges env{{"DATABASE_URL", primary.auth_url()},
                         {"SYNC_DATABASE_URL", primary.sync_url()}};
    // 3,000 rows in batches of 100, five a second: a run of six seconds
    // unless it waits.
    Process run(cli_argv({"reconcile", "--all", "--users-only", "--json", "--max-lag", "1s",
                          "--max-rate", "500", "--batch-size", "100"}),
                env);
    pqxx::connection watch{primary.sync_url()};
    const auto written = [&] {
        return pqxx::nontransaction(watch).exec1("SELECT count(*) FROM sync_changes")[0].as<long long>();
    };
    // The run's last statement is its look at the standbys, repeated while
    // it waits (between batches, a batch follows each look).
    const auto last_look = [&] {
        const auto rows = pqxx::nontransaction(watch).exec(
            "SELECT query_start::text FROM pg_stat_activity WHERE application_name = 'mana-auth' "
            "AND datname = current_database() AND state = 'idle' AND query LIKE "
            "'%pg_stat_replication%'");
        return rows.empty() ? std::string() : rows[0][0].as<std::string>();
    };
    // Waiting: three looks in a row with no batch between them.
    std::set<std::string> looks;
    long long held = -1;
    REQUIRE(eventually([&] {
        const auto count = written();
        const auto look = last_look();
        if (count != held) looks.clear(), held = count;
        if (!look.empty()) looks.insert(look);
        return looks.size() >= 3 && written() == held;
    }));
    CHECK(held < 3000);
    // Waiting it stays: three more looks, and the count does not move.
    const auto seen = looks.size();
    REQUIRE(eventually([&] {
        CHECK(written() == held);
        looks.insert(last_look());
        return looks.size() >= seen + 3;
    }));
    CHECK(written() == held);

    pqxx::nontransaction(replica).exec("SELECT pg_wal_replay_resume()");
    const auto result = run.wait();
    INFO(result.err);
    CHECK(result.exit_code == 0);
    CHECK(json_out(result)["users"]["written"] == 3000);
    CHECK(written() == 3000);
}
