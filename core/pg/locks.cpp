#include "pg/locks.hpp"

#include "util/error.hpp"
#include "util/option_names.hpp"

#include <mutex>
#include <spdlog/spdlog.h>

namespace mana {
namespace {

// A per-item writer waits at most this long for a set-based reconcile that
// holds its bucket.
constexpr const char* item_lock_timeout = "120s";
constexpr const char* item_statement_timeout = "125s";
// SQLSTATE of a lock wait that lock_timeout ended.
constexpr const char* lock_not_available = "55P03";

int key(LockSpace space) {
    return static_cast<int>(space);
}

// The second key of a shard's lock: unique for each (shard, shards) pair,
// since shard < shards <= lock_bucket_count.
int shard_key(int shard, int shards) {
    return shards * lock_bucket_count + shard;
}

// Releasing runs in destructors: a failure there must not hide the error
// that is unwinding. A session that broke has lost its locks anyway.
template <class F>
void release(Database& sync, const char* what, F&& unlock) {
    try {
        sync.run([&](pqxx::connection& c) {
            pqxx::nontransaction tx{c};
            unlock(tx);
        });
    } catch (const std::exception& e) {
        spdlog::debug("could not release the {} (the session's end frees it): {}", what, e.what());
    }
}

} // namespace

void lock_item(pqxx::transaction_base& tx, const KindLocks& kind, const std::string& id) {
    static std::once_flag said;
    std::call_once(said, [] {
        spdlog::debug("per-item writes wait up to {} for a reconcile's bucket locks: lock_timeout "
                      "and statement_timeout are raised to that in their transactions",
                      item_lock_timeout);
    });
    // Transaction-local, so safe through any pool; the statement timeout
    // must be set before the statement that waits.
    tx.exec_params("SELECT set_config('lock_timeout', $1, true), "
                   "set_config('statement_timeout', $2, true)",
                   item_lock_timeout, item_statement_timeout);
    // The item key is the 32-bit hash taken as PostgreSQL's signed int4:
    // the same bits, so every run computes the same key.
    try {
        tx.exec_params("SELECT pg_advisory_xact_lock_shared($1, $2), pg_advisory_xact_lock($3, $4)",
                       key(kind.bucket), lock_bucket(id), key(kind.item),
                       static_cast<std::int32_t>(stable_hash(id)));
    } catch (const pqxx::sql_error& e) {
        // The timeout is this tool's own, not the role's: only waiting helps.
        if (e.sqlstate() != lock_not_available) throw;
        throw failure(std::string("sync database: a running reconcile holds this item's lock "
                                  "bucket and did not release it within ") +
                      item_lock_timeout + ": run the command again once that reconcile has ended");
    }
}

RunLock::RunLock(Database& sync, int shard, int shards, bool wait)
    : sync_(sync), shard_(shard), shards_(shards) {
    const std::string mode = wait ? "pg_advisory_lock" : "pg_try_advisory_lock";
    const bool got = sync_.run([&](pqxx::connection& c) {
        pqxx::nontransaction tx{c};
        // pg_advisory_lock returns void: as text it is "", never "false".
        const auto lock = [&](const std::string& how, int a, int b) {
            return tx.exec_params1("SELECT " + how + "($1, $2)::text", a, b)[0].as<std::string>() !=
                   "false";
        };
        const int run = key(LockSpace::reconcile_run);
        if (shards_ == 1) return lock(mode, run, 0);
        if (!lock(mode + "_shared", run, 0)) return false;
        if (lock(mode, key(LockSpace::reconcile_shard), shard_key(shard_, shards_))) return true;
        tx.exec_params("SELECT pg_advisory_unlock_shared($1, 0)", run);
        return false;
    });
    if (!got) {
        throw Error(Exit::locked, "another reconcile is running on this sync database (it holds "
                                  "the lock): try again later, or pass " +
                                      option_name(Option::wait) + " to queue");
    }
}

RunLock::~RunLock() {
    release(sync_, "run lock", [&](pqxx::nontransaction& tx) {
        const int run = key(LockSpace::reconcile_run);
        if (shards_ == 1) {
            tx.exec_params("SELECT pg_advisory_unlock($1, 0)", run);
            return;
        }
        tx.exec_params("SELECT pg_advisory_unlock($1, $2), pg_advisory_unlock_shared($3, 0)",
                       key(LockSpace::reconcile_shard), shard_key(shard_, shards_), run);
    });
}

BucketLocks::BucketLocks(Database& sync, const KindLocks& kind, int shard, int shards)
    : sync_(sync), space_(kind.bucket), shard_(shard), shards_(shards) {
    sync_.run([&](pqxx::connection& c) {
        pqxx::nontransaction tx{c};
        set(tx, "pg_advisory_lock");
    });
}

BucketLocks::~BucketLocks() {
    release(sync_, "bucket locks",
            [&](pqxx::nontransaction& tx) { set(tx, "pg_advisory_unlock"); });
}

// The shard's buckets are those whose number modulo shards is the shard:
// the ids a sharded run loads are picked by the same rule.
void BucketLocks::set(pqxx::nontransaction& tx, const char* function) const {
    tx.exec_params(std::string("SELECT count(") + function +
                       "($1, b)) FROM generate_series(0, $2 - 1) b WHERE b % $3 = $4",
                   key(space_), lock_bucket_count, shards_, shard_);
}

} // namespace mana
