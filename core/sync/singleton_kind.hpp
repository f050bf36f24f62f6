// The kinds of the catalog in force as the reconcile engine sees them, so
// that it asks a kind instead of branching on one: what its scope shares
// (where the items are and how their ids are found) and what is its own
// (its rows, its working tables, its locks).
#pragma once

#include "pg/db.hpp"
#include "pg/locks.hpp"
#include "pg/query_values.hpp"
#include "sync/catalog.hpp"
#include "sync/singletons.hpp"
#include "sync/sync_log.hpp"

#include <string>
#include <vector>

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

// What the kinds of one scope share. The tables of the sync session are
// temporary and named with pg_temp., so that a table of the same name in
// another schema is never read, written or dropped (a search_path that
// lists pg_temp after public would find it first).
struct ScopeShape {
    Scope scope;
    const char* phase;       // "users" or "spaces": progress and logs
    const char* items_table; // where the items and their created_at are (auth database)
    // The ids of the window that must have the singletons (auth database),
    // reading its moments from the settings mana.since, mana.until and
    // mana.settled; with_born, each id is followed by its item's creation
    // (whole seconds since 1970); with a settled moment, then by whether it
    // is pending (t or f).
    std::string (*ids_sql)(const Window& window, bool with_born);
    const char* ids_table; // the sync session's every id of the shard, numbered n
    // Those without the singleton of a kind or with it twice, with each
    // kind's copies (SingletonKind::copies_column).
    const char* audit_table;
    const char* id_column; // the change log's column naming the user or Space
    // With few ids (--since), where no index leads with id_column: who wrote
    // anything for each id, as (user_id, <id_column>) pairs whose rows are
    // then looked up by index ("" where one leads with it).
    std::string writers_sql;
    // A Space's row is written by one of its live members: a Space without
    // one is an orphan, never written.
    bool needs_writer;
};

const ScopeShape& shape_of(Scope scope);

class SingletonKind {
  public:
    // The kind numbered `number` in its catalog: its working tables are named by it.
    SingletonKind(const CatalogKind& of, std::size_t number);

    const CatalogKind& kind() const { return kind_; }
    const ScopeShape& shape() const { return shape_; }
    const std::string& name() const { return kind_.name; }
    const KindLocks& locks() const { return locks_; }

    // The sync session's tables of this kind: the ids without its
    // singleton, numbered n from 1; those of them with a writer, as (id,
    // user_id of their row); those, numbered n from 1 in the order of
    // user_id.
    const std::string missing_table;
    const std::string writable_table;
    const std::string write_table;
    // Its column of the scope's audit table: the sum of its rows' weights
    // per item, NULL when none.
    const std::string copies_column;
    // Its number in the catalog, as a query tells its rows from another
    // kind's.
    std::size_t number() const { return number_; }

    // When a row s of sync_changes is one of the kind (SPEC §7): its
    // table_name and record_id added to values.
    std::string rows_sql(QueryValues& values) const;

    // Checks one item, and writes it unless dry_run, under its item lock
    // (per-item writers). Without a writer a kind that needs one only checks.
    Outcome ensure(Database& sync, const std::string& id, const std::string& writer,
                   bool dry_run) const;

  private:
    std::size_t number_;
    CatalogKind kind_;
    const ScopeShape& shape_;
    KindLocks locks_;
};

// The kinds of a catalog, in its order.
std::vector<SingletonKind> singleton_kinds(const Catalog& catalog);

} // namespace mana
