// Under the role's own limits (statement_timeout 2s, lock_timeout 1s,
// idle_in_transaction_session_timeout 1s, set with ALTER ROLE ... IN
// DATABASE on both test databases): the commands wait as long as their own
// locks need, and a limit the tool does not lift fails in one line that
// names the setting.
#include "checks.hpp"
#include "database_checks.hpp"
#include "pg/db.hpp"
#include "util/error.hpp"
#include "pg/locks.hpp"
#include "pgbouncer.hpp"
#include "seed.hpp"
#include "tempdb.hpp"

using namespace mana;
using namespace mana::test;

namespace {

// For connections made from now on; the fixture's own are older.
void limit_role(TempDatabases& db) {
    pqxx::nontransaction tx{db.auth()};
    for (const auto& database : {db.auth_name(), db.sync_name()}) {
        for (const char* setting : {"statement_timeout = '2s'", "lock_timeout = '1s'",
                                    "idle_in_transaction_session_timeout = '1s'"})
            tx.exec("ALTER ROLE CURRENT_USER IN DATABASE " + tx.quote_name(database) + " SET " +
                    setting);
    }
}

// A mana-auth session on the sync database has waited for an advisory lock
// longer than every limit of the role.
bool waited_past_the_limits(TempDatabases& db) {
    return eventually([&] {
        return sync_query(
                   db, "SELECT count(*) FROM pg_stat_activity WHERE datname = "
                       "current_database() AND application_name = 'mana-auth' AND "
                       "wait_event = 'advisory' AND now() - query_start > interval '2500 ms'")[0][0]
                   .as<long long>() > 0;
    });
}

} // namespace

TEST_CASE("under a role's statement, lock and idle limits reconcile and bootstrap wait as long as "
          "their locks need") {
    TempDatabases db;
    add_users_with_spaces(db, 200);
    limit_role(db);
    pqxx::connection holder{db.sync_url()};
    pqxx::nontransaction hold{holder};

    SECTION("reconcile --wait behind another run") {
        hold.exec_params("SELECT pg_advisory_lock($1, 0)",
                         static_cast<int>(LockSpace::reconcile_run));
        Process run(cli_argv({"reconcile", "--all", "--wait", "--log-level", "debug"}), db.env());
        REQUIRE(waited_past_the_limits(db));
        hold.exec("SELECT pg_advisory_unlock_all()");
        const auto result = run.wait();
        INFO(result.err);
        CHECK(result.exit_code == 0);
        // It said what it changed, for each session.
        CHECK_THAT(result.err,
                   Catch::Contains("sync database: statement_timeout is 2000 ms for this role or "
                                   "database; off for this session") &&
                       Catch::Contains("auth database: lock_timeout is 1000 ms") &&
                       Catch::Contains("idle_in_transaction_session_timeout is 1000 ms"));
        check_exactly_once(db);
    }
    SECTION("register, doctor and a reconcile without a wait") {
        const auto registered =
            cli({"register", "new@example.com", "--password-stdin"}, db.env(), "a good password\n");
        INFO(registered.err);
        CHECK(registered.exit_code == 0);
        CHECK(cli({"doctor"}, db.env()).exit_code == 0);
        CHECK(cli({"reconcile", "--all"}, db.env()).exit_code == 0);
        check_exactly_once(db);
    }
    SECTION("bootstrap behind a reconcile's bucket") {
        hold.exec_params("SELECT pg_advisory_lock($1, $2)",
                         static_cast<int>(LockSpace::user_bucket), lock_bucket("u1"));
        Process run(cli_argv({"bootstrap", "user", "u1"}), db.env());
        REQUIRE(waited_past_the_limits(db));
        hold.exec("SELECT pg_advisory_unlock_all()");
        const auto result = run.wait();
        INFO(result.err);
        CHECK(result.exit_code == 0);
        CHECK(sync_count(db, "user_id = 'u1' AND table_name = 'userContext'") == 1);
        CHECK(sync_count(db, "space_id = 's1' AND table_name = 'kontextDoc'") == 1);
    }
}

TEST_CASE("a limit the tool does not lift ends the statement with one line naming the setting") {
    TempDatabases db;
    limit_role(db);
    Database sync(DbRole::sync, db.sync_url());
    const auto error_of = [&](auto&& work) -> std::string {
        try {
            sync.run(work);
        } catch (const ErrorBase& e) { // a lost session is a Fatal
            CHECK(e.code() == Exit::failure);
            return e.what();
        }
        FAIL("no error");
        return "";
    };

    CHECK_THAT(
        error_of([](pqxx::connection& c) { pqxx::nontransaction{c}.exec("SELECT pg_sleep(30)"); }),
        Catch::StartsWith("sync database: canceling statement due to statement timeout "
                          "(statement_timeout of this role or database: raise it for the "
                          "tool's role, ALTER ROLE ... SET statement_timeout)"));

    pqxx::connection holder{db.sync_url()};
    pqxx::nontransaction{holder}.exec("SELECT pg_advisory_lock(1, 1)");
    CHECK_THAT(error_of([](pqxx::connection& c) {
                   pqxx::nontransaction{c}.exec("SELECT pg_advisory_lock(1, 1)");
               }),
               Catch::Contains("canceling statement due to lock timeout (lock_timeout of this "
                               "role or database"));

    CHECK_THAT(error_of([&](pqxx::connection& c) {
                   pqxx::work tx{c};
                   tx.exec("SELECT 1");
                   const auto pid = std::to_string(c.backendpid());
                   // The server ends the idle transaction's session.
                   REQUIRE(eventually([&] {
                       return sync_query(db, "SELECT count(*) FROM pg_stat_activity WHERE pid = " +
                                                 pid)[0][0]
                                  .as<long long>() == 0;
                   }));
                   tx.exec("SELECT 1");
               }),
               Catch::Contains("connection lost (the server closed it: an administrator, a "
                               "restart, or a limit such as idle_in_transaction_session_timeout"));
}

// Through a transaction pool the tool leaves the auth sessions' settings
// alone, so the role's lock_timeout holds there.
TEST_CASE("a reconcile that hits a limit mid-run says which, keeps what it committed, and the next "
          "run finishes") {
    TempDatabases db;
    add_users_with_spaces(db, 300);
    pqxx::connection locker{db.auth_url()}; // older than the limits
    limit_role(db);
    PgBouncer pool("transaction");
    {
        // The Spaces' writers are looked up batch by batch: the first
        // lookup waits for this lock, past lock_timeout.
        pqxx::work lock{locker};
        lock.exec("LOCK TABLE auth.members IN ACCESS EXCLUSIVE MODE");
        CHECK_ONE_LINE_ERROR(cli({"reconcile", "--all", "--batch-size", "50"},
                                 {{"DATABASE_URL", pool.conninfo(db.auth_name())},
                                  {"SYNC_DATABASE_URL", db.sync_url()}}),
                             1,
                             "auth database: canceling statement due to lock timeout (lock_timeout "
                             "of this role or database");
    }
    const auto kept = sync_count(db, "true");
    check_no_doubles(db);
    const auto again = cli({"reconcile", "--all", "--json"}, db.env());
    INFO(again.err);
    CHECK(again.exit_code == 0);
    const auto doc = json_out(again);
    CHECK(doc["users"]["written"].get<long long>() + doc["spaces"]["written"].get<long long>() ==
          600 - kept);
    check_exactly_once(db);
}

// The audit's hash needs about 160 MB per million ids: an operator with more
// ids sets more for the tool's role (or in PGOPTIONS), and the tool keeps it.
TEST_CASE("reconcile raises work_mem to 128MB and keeps more that the role was given") {
    TempDatabases db;
    add_users_with_spaces(db, 3);
    {
        pqxx::nontransaction tx{db.auth()};
        tx.exec("ALTER ROLE CURRENT_USER IN DATABASE " + tx.quote_name(db.sync_name()) +
                " SET work_mem = '300MB'");
    }
    const auto result = cli({"reconcile", "--all", "--log-level", "debug"}, db.env());
    INFO(result.err);
    CHECK(result.exit_code == 0);
    CHECK_THAT(result.err, Catch::Contains("sync database: work_mem 300MB") &&
                               Catch::Contains("auth database: work_mem 128MB") &&
                               !Catch::Contains("sync database: work_mem 128MB"));
    check_exactly_once(db);
}
