// The two singleton kinds of SPEC §2.3 as the reconcile engine sees them,
// so that it asks a kind instead of branching on one.
#pragma once

#include "pg/db.hpp"
#include "pg/locks.hpp"
#include "sync/singletons.hpp"
#include "sync/sync_log.hpp"

#include <string>

namespace mana {

// The items a run looks at, by created_at, as moments (timestamptz text)
// the auth database resolved; each empty when not given. Those created (a
// Space also: joined) in [since, until) are in the window; of them, those
// created at or after `settled` are pending (--min-age), left to a later
// run.
struct Window {
    std::string since;
    std::string until;
    std::string settled;
};

// The tables of the sync session are temporary and named with pg_temp., so
// that a table of the same name in another schema is never read, written or
// dropped (a search_path that lists pg_temp after public would find it first).
struct SingletonKind {
    const char* phase;          // "users" or "spaces": progress and logs
    const char* items_table;    // where the items and their created_at are (auth database)
    // The ids of the window that must have the singleton (auth database),
    // reading its moments from the settings mana.since, mana.until and
    // mana.settled; with a settled moment, each id is followed by whether
    // it is pending (t or f).
    std::string (*ids_sql)(const Window& window);
    const char* ids_table;      // the sync session's every id of the shard, numbered n
    const char* audit_table;    // those without their singleton or with it twice
    const char* missing_table;  // those without it, numbered n from 1
    const char* writable_table; // those of them with a writer, as (id, user_id of their row)
    const char* write_table;    // those, numbered n from 1 in the order of user_id
    const char* rows_sql;       // when a row s of sync_changes is one of the kind (SPEC §2.3)
    const char* id_column;      // and the column naming its user or Space
    // With few ids (--since), where no index leads with id_column: who wrote
    // anything for each id, as (user_id, <id_column>) pairs whose rows are
    // then looked up by index ("" where one leads with it).
    std::string writers_sql;
    KindLocks locks;
    // A Space's row is written by one of its live members: a Space without
    // one is an orphan, never written.
    bool needs_writer;
    SyncRow (*row)(const SingletonRows& rows, const std::string& id, const std::string& writer);
    // Checks one item, and writes it unless dry_run, under its item lock
    // (per-item writers). Without a writer a kind that needs one only checks.
    Outcome (*ensure)(Database& sync, const std::string& id, const std::string& writer,
                      bool dry_run);
};

extern const SingletonKind user_context_kind;
extern const SingletonKind kontext_doc_kind;

} // namespace mana
