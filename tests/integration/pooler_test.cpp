// Through a real PgBouncer in each pool mode: reconcile refuses a pool that
// does not keep its server session, before it reads or writes; bootstrap
// and register work exactly once through a transaction pool; a statement
// pool is refused by name; a session pool converges.
#include "checks.hpp"
#include "database_checks.hpp"
#include "pgbouncer.hpp"
#include "seed.hpp"
#include "tempdb.hpp"

#include <filesystem>

using namespace mana::test;

namespace {

// Both databases through the pooler.
EnvChanges pooled_env(const TempDatabases& db, const PgBouncer& pool) {
    return {{"DATABASE_URL", pool.conninfo(db.auth_name())},
            {"SYNC_DATABASE_URL", pool.conninfo(db.sync_name())}};
}

// No session of the pooled database holds an advisory lock or a temporary
// table: a refused run left nothing behind.
void check_no_session_state(TempDatabases& db) {
    CHECK(sync_advisory_locks(db) == 0);
    CHECK(sync_query(db, "SELECT count(*) FROM pg_class WHERE relpersistence = 't'")[0][0]
              .as<long long>() == 0);
}

// Sign-ups for register --from, new users n1..nn.
std::string sign_ups_file(int n) {
    std::string rows;
    for (int i = 1; i <= n; ++i) {
        const auto id = std::to_string(i);
        rows += "{\"email\":\"n" + id + "@example.com\",\"password\":\"password-n" + id + "\"}\n";
    }
    return write_file("pooler-sign-ups.jsonl", rows);
}

} // namespace

TEST_CASE("reconcile refuses a transaction pool by name before it reads or writes") {
    TempDatabases db;
    add_users_with_spaces(db, 50);
    PgBouncer pool("transaction");
    const auto env = pooled_env(db, pool);
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"reconcile", "--all"},
             {"reconcile", "--all", "--check"},
             {"reconcile", "--all", "--dry-run", "--users-only"}}) {
        CHECK_ONE_LINE_ERROR(cli(args, env), 1,
                             "sync database (" + pool.conninfo(db.sync_name()) +
                                 "): reached through a connection pooler");
    }
    // Declared a session pool, it is still found out.
    CHECK_ONE_LINE_ERROR(cli({"reconcile", "--all", "--pooled-session-ok"}, env), 1,
                         "it is not a session pool");
    CHECK(sync_count(db, "true") == 0);
    check_no_session_state(db);

    const auto doctor = cli({"doctor"}, env);
    CHECK_THAT(doctor.out,
               Catch::Contains("sync database pooler") && Catch::Contains("reconcile refuses it"));
}

TEST_CASE("every command refuses a statement pool by name and writes nothing") {
    TempDatabases db;
    add_users_with_spaces(db, 3);
    PgBouncer pool("statement");
    const auto env = pooled_env(db, pool);
    const std::string refusal =
        "): reached through a connection pooler that closed the connection at its first "
        "transaction, as a statement pool does";
    CHECK_ONE_LINE_ERROR(cli({"reconcile", "--all", "--pooled-session-ok"}, env), 1, refusal);
    CHECK_ONE_LINE_ERROR(cli({"bootstrap", "user", "u1"}, env), 1,
                         "auth database (" + pool.conninfo(db.auth_name()) + refusal);
    CHECK_ONE_LINE_ERROR(
        cli({"bootstrap", "space", "s1"}, {{"DATABASE_URL", db.auth_url()},
                                           {"SYNC_DATABASE_URL", pool.conninfo(db.sync_name())}}),
        1, "sync database (" + pool.conninfo(db.sync_name()) + refusal);
    CHECK_ONE_LINE_ERROR(
        cli({"register", "new@example.com", "--password-stdin"}, env, "a good password\n"), 1,
        refusal);
    CHECK(sync_count(db, "true") == 0);
    CHECK(auth_count(db, "auth.users", "email = 'new@example.com'") == 0);
    CHECK_THAT(cli({"doctor"}, env).out, Catch::Contains(refusal));
}

// The scenario: three reconciles, six bootstraps and a batch
// register at once, through a pool of three server sessions.
TEST_CASE("through a transaction pool every reconcile refuses and bootstraps and register write "
          "exactly once, through a session pool reconcile converges, a statement pool refuses "
          "them all") {
    TempDatabases db;
    add_users_with_spaces(db, 1000);
    const auto sign_ups = sign_ups_file(20);
    struct Exits {
        std::vector<Result> reconciles;
        std::vector<Result> others; // six bootstraps and a batch register
    };
    const auto run_all = [&](const EnvChanges& env, const std::vector<std::string>& reconcile) {
        std::vector<std::unique_ptr<Process>> reconciles, others;
        for (int i = 0; i < 3; ++i)
            reconciles.push_back(std::make_unique<Process>(cli_argv(reconcile), env));
        for (int i = 1; i <= 6; ++i)
            others.push_back(std::make_unique<Process>(
                cli_argv({"bootstrap", "user", "u" + std::to_string(i * 100)}), env));
        others.push_back(std::make_unique<Process>(
            cli_argv({"register", "--from", sign_ups, "--if-exists", "skip"}), env));
        Exits exits;
        for (auto& p : reconciles)
            exits.reconciles.push_back(p->wait());
        for (auto& p : others)
            exits.others.push_back(p->wait());
        return exits;
    };

    SECTION("transaction pool") {
        PgBouncer pool("transaction");
        const auto exits = run_all(pooled_env(db, pool), {"reconcile", "--all", "--wait"});
        for (const auto& r : exits.reconciles)
            CHECK_ONE_LINE_ERROR(r, 1, "reached through a connection pooler");
        for (const auto& r : exits.others) {
            INFO(r.err);
            CHECK(r.exit_code == 0);
        }
        check_no_doubles(db);
        // Exactly what the bootstraps and the sign-ups wrote: 6 users and
        // their Spaces, 20 new users and their personal Spaces.
        CHECK(sync_count(db, "table_name = 'userContext'") == 26);
        CHECK(sync_count(db, "table_name = 'kontextDoc'") == 26);
        for (int i = 1; i <= 6; ++i) {
            const auto id = std::to_string(i * 100);
            CHECK(sync_count(db, "user_id = 'u" + id + "' AND table_name = 'userContext'") == 1);
            CHECK(sync_count(db, "space_id = 's" + id + "' AND table_name = 'kontextDoc'") == 1);
        }
        CHECK(auth_count(db, "auth.users", "email LIKE 'n%@example.com'") == 20);
        check_no_session_state(db);
    }
    SECTION("session pool") {
        PgBouncer pool("session", 20);
        const auto exits =
            run_all(pooled_env(db, pool), {"reconcile", "--all", "--wait", "--pooled-session-ok"});
        for (const auto& group : {exits.reconciles, exits.others}) {
            for (const auto& r : group) {
                INFO(r.err);
                CHECK(r.exit_code == 0);
            }
        }
        check_exactly_once(db);
    }
    SECTION("statement pool") {
        PgBouncer pool("statement");
        const auto exits =
            run_all(pooled_env(db, pool), {"reconcile", "--all", "--wait", "--pooled-session-ok"});
        for (const auto& group : {exits.reconciles, exits.others}) {
            for (const auto& r : group)
                CHECK_ONE_LINE_ERROR(r, 1, "as a statement pool does");
        }
        CHECK(sync_count(db, "true") == 0);
        CHECK(auth_count(db, "auth.users", "email LIKE 'n%@example.com'") == 0);
    }
    std::filesystem::remove(sign_ups);
}
