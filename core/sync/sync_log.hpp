// What the tool does to the sync database's change log: existence checks
// and writes, each per-item one under its locks (locks.hpp).
#pragma once

#include "pg/db.hpp"
#include "pg/lock_keys.hpp"
#include "sync/singletons.hpp"

#include <string>
#include <vector>

namespace mana {

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

// The kind's advisory lock namespaces (pg/locks.hpp): the built-in kinds
// keep those they always had, any other kind has its own, from its name.
KindLocks locks_of(const CatalogKind& kind);

// Write the kind's singleton unless it exists (by the rule of its scope,
// SPEC §7), under its item lock and with the transaction scoped for
// row-level security. dry_run only checks. A user's kind (scope user) for
// a user; a Space's kind (scope space) for a Space.
Outcome ensure_user_singleton(Database& sync, const CatalogKind& kind, const std::string& user_id,
                              bool dry_run);
Outcome ensure_space_singleton(Database& sync, const CatalogKind& kind, const SpaceWriter& space,
                               bool dry_run);

// Whether the change log takes the singletons' rows: one of each kind not
// retired for a
// made-up user and Space, inserted as a write inserts them, then rolled
// back. It finds what no catalog query does: a read-only server or
// default, a column without a default that the tool does not fill, no
// partition for today's rows, a constraint or trigger that refuses them.
// Throws the server's Error.
void try_singleton_rows(Database& sync, const Catalog& catalog);

} // namespace mana
