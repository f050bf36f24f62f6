// core/locks and core/db in-process, against a real server: every
// session-scoped lock is released on every exit path, and every libpqxx
// error names its database.
#include "checks.hpp"
#include "database_checks.hpp"
#include "pg/db.hpp"
#include "util/error.hpp"
#include "pg/locks.hpp"
#include "seed.hpp"
#include "tempdb.hpp"

using namespace mana;
using namespace mana::test;

namespace {

// Advisory locks granted in the sync database, of one namespace.
long long advisory_locks(TempDatabases& db, LockSpace space) {
    return sync_advisory_locks(db, "granted AND classid = " +
                                       std::to_string(static_cast<std::uint32_t>(space)));
}

} // namespace

TEST_CASE("bucket locks are released when the work under them fails") {
    TempDatabases db;
    Database sync(DbRole::sync, db.sync_url());
    const auto failing_work = [&] {
        BucketLocks buckets(sync, kontext_doc_locks, 1, 4);
        CHECK(advisory_locks(db, LockSpace::space_bucket) == lock_bucket_count / 4);
        throw failure("the work failed");
    };
    CHECK_THROWS_AS(failing_work(), Error);
    CHECK(advisory_locks(db, LockSpace::space_bucket) == 0);
    CHECK(advisory_locks(db, LockSpace::user_bucket) == 0);
}

TEST_CASE("a run lock is released with its guard, and a shard's only blocks that shard") {
    TempDatabases db;
    Database sync(DbRole::sync, db.sync_url());
    Database other(DbRole::sync, db.sync_url());
    {
        RunLock shard0(sync, 0, 2, false);
        RunLock shard1(other, 1, 2, false);
        Database third(DbRole::sync, db.sync_url());
        CHECK_THROWS_WITH(RunLock(third, 0, 2, false),
                          Catch::Contains("another reconcile is running"));
        CHECK_THROWS_WITH(RunLock(third, 0, 1, false),
                          Catch::Contains("another reconcile is running"));
        // The refused shard let go of the run lock it shared.
        CHECK(advisory_locks(db, LockSpace::reconcile_run) == 2);
    }
    CHECK(advisory_locks(db, LockSpace::reconcile_run) == 0);
    CHECK(advisory_locks(db, LockSpace::reconcile_shard) == 0);
    RunLock whole(sync, 0, 1, false);
    CHECK(advisory_locks(db, LockSpace::reconcile_run) == 1);
}

TEST_CASE("a libpqxx conversion error names the database") {
    TempDatabases db;
    Database sync(DbRole::sync, db.sync_url());
    const auto convert = [&] {
        return sync.run([](pqxx::connection& c) {
            pqxx::nontransaction tx{c};
            return tx.exec1("SELECT 'not a number'")[0].as<int>();
        });
    };
    CHECK_THROWS_MATCHES(convert(), Error, Catch::Matchers::Predicate<Error>([](const Error& e) {
                             return std::string(e.what()).rfind("sync database: ", 0) == 0;
                         }));
}

TEST_CASE("a per-item writer that outwaits a reconcile's bucket lock says so, not a role limit",
          "[slow]") {
    TempDatabases db;
    add_users_with_spaces(db, 1);
    Database sync(DbRole::sync, db.sync_url());
    BucketLocks reconciling(sync, user_context_locks, 0, 1);
    const auto result = cli({"bootstrap", "user", "u1"}, db.env());
    CHECK_ONE_LINE_ERROR(result, 1,
                         "sync database: a running reconcile holds this item's lock bucket and did "
                         "not release it within 120s: run the command again once that reconcile "
                         "has ended");
    CHECK_THAT(result.err, !Catch::Contains("raise it"));
    CHECK(sync_count(db, "true") == 0);
}
