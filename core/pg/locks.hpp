// Every advisory lock this tool takes, in one place: what makes each
// singleton exactly-once among concurrent runs of this tool (SPEC §2.3),
// and what keeps two reconciles from doing the same work.
//
// Every singleton has an item key and one of 128 buckets, both from a
// stable hash of its user or Space id. A per-item writer (bootstrap,
// register, reconcile under row-level security) holds its bucket shared and
// its item exclusively, in its transaction, while it checks and writes:
// per-item writers never wait for each other unless they write the same
// item. The set-based reconcile holds whole buckets exclusively, in its
// session, from its existence scan to its last commit, so nothing else of
// this tool can write a singleton it has judged missing.
//
// Session-scoped (held across transactions, so they need one server
// session from start to end): the run, shard and bucket locks.
// Transaction-scoped: the item locks.
#pragma once

#include "pg/lock_keys.hpp"
#include "pg/session.hpp"

#include <string>

namespace mana {

// A per-item writer's locks on id, until tx ends: its bucket shared, the
// item exclusive. Waits at most two minutes for a reconcile that holds the
// bucket.
void lock_item(pqxx::transaction_base& tx, const KindLocks& kind, const std::string& id);

// The run lock of a reconcile, held by the sync session until destroyed:
// one run for everything (exclusive), or one per shard (the run lock
// shared with other shards, the shard's own exclusive). Throws
// Error(locked) when another run holds it, unless wait.
class RunLock {
  public:
    RunLock(Database& sync, int shard, int shards, bool wait);
    RunLock(const RunLock&) = delete;
    RunLock& operator=(const RunLock&) = delete;
    ~RunLock();

  private:
    Database& sync_;
    int shard_;
    int shards_;
};

// A kind's buckets of one shard, held exclusively by the sync session until
// destroyed, on every exit path.
class BucketLocks {
  public:
    BucketLocks(Database& sync, const KindLocks& kind, int shard, int shards);
    BucketLocks(const BucketLocks&) = delete;
    BucketLocks& operator=(const BucketLocks&) = delete;
    ~BucketLocks();

  private:
    void set(pqxx::nontransaction& tx, const char* function) const;

    Database& sync_;
    LockSpace space_;
    int shard_;
    int shards_;
};

} // namespace mana
