// What the tool does to the sync database's change log: existence checks,
// writes, and the advisory locks that make every singleton exactly-once
// among concurrent runs of this tool (SPEC §2.3).
//
// Locking. Every singleton has an item key and one of 128 buckets, both
// from a stable hash of its user or Space id. A per-item writer (bootstrap,
// register, reconcile under row-level security) holds its bucket shared and
// its item exclusively while it checks and writes. The set-based reconcile
// holds whole buckets exclusively from its existence scan to its last
// commit, so nothing else of this tool can write a singleton it has judged.
#pragma once

#include "db.hpp"
#include "singletons.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mana {

enum class Singleton { user_context, kontext_doc };

// Few enough that a reconcile holding all of them fits the lock table of a
// small server (max_locks_per_transaction x max_connections).
constexpr int lock_bucket_count = 128;

// FNV-1a: stable across machines, versions and servers, so shards and lock
// keys agree wherever the tool runs.
std::uint32_t stable_hash(std::string_view id);
int lock_bucket(std::string_view id);

// Advisory lock namespaces (the first key of the two-key form).
enum class LockSpace : int {
    reconcile_run = 0x4D410001,
    user_bucket = 0x4D410002,
    space_bucket = 0x4D410003,
    user_item = 0x4D410004,
    space_item = 0x4D410005,
    reconcile_shard = 0x4D410006,
};
LockSpace bucket_lock_space(Singleton kind);

enum class Outcome { written, present, would_write };

// A Space as the writer of its kontextDoc sees it.
struct SpaceWriter {
    std::string space_id;
    std::string writer;                  // who writes the row (user_id)
    std::vector<std::string> member_ids; // every member, to find existing rows by index
    // Only members can have written its rows (the Space was created moments
    // ago): the scan for rows of former members is skipped.
    bool only_members_wrote = false;
};

// Write the singleton unless it exists, under its item lock and with the
// transaction scoped for row-level security. dry_run only checks.
Outcome ensure_user_context(Database& sync, const std::string& user_id, bool dry_run);
Outcome ensure_kontext_doc(Database& sync, const SpaceWriter& space, bool dry_run);

// Appends rows with COPY (the role must not be bound by row-level security).
void copy_rows(pqxx::work& tx, const std::vector<SyncRow>& rows);

// A failure naming the grant unless the sync role may read and insert into
// sync_changes: checked before a registration writes anything.
void require_sync_write_privilege(Database& sync);

} // namespace mana
