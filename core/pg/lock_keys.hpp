// The keys of the tool's advisory locks (pg/locks.hpp says what each lock
// is for): their namespaces, and the bucket and hash of an id. Values only.
#pragma once

#include <cstdint>
#include <string_view>

namespace mana {

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
    // A catalog's other kinds: these, with the low 16 bits from the kind's name.
    kind_bucket = 0x4D420000,
    kind_item = 0x4D430000,
};

// The two namespaces of one singleton kind.
struct KindLocks {
    LockSpace bucket;
    LockSpace item;
};
constexpr KindLocks user_context_locks{LockSpace::user_bucket, LockSpace::user_item};
constexpr KindLocks kontext_doc_locks{LockSpace::space_bucket, LockSpace::space_item};

} // namespace mana
