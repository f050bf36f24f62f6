#include "sync/sync_log.hpp"

#include "pg/locks.hpp"
#include "pg/session.hpp"
#include "sync/sync_changes.hpp"
#include "util/error.hpp"
#include "util/time.hpp"

namespace mana {
namespace {

template <typename... Values>
bool any_row(pqxx::work& tx, const std::string& sql, const Values&... values) {
    return !tx.exec_params(sql + " LIMIT 1", values...).empty();
}

Outcome write_unless(pqxx::work& tx, bool exists, bool dry_run, const SyncRow& row) {
    if (exists) return Outcome::present;
    if (dry_run) return Outcome::would_write;
    insert_row(tx, row);
    return Outcome::written;
}

std::string now_timestamp() {
    return js_iso_timestamp(std::chrono::system_clock::now());
}

} // namespace

KindLocks locks_of(const CatalogKind& kind) {
    if (is_builtin_kind(kind.name, kind.scope))
        return kind.scope == Scope::user ? user_context_locks : kontext_doc_locks;
    // Two kinds whose names hash alike share namespaces: they wait for each
    // other a little, and never write a second row.
    const auto low = static_cast<int>(stable_hash(kind.name) & 0xFFFF);
    return {static_cast<LockSpace>(static_cast<int>(LockSpace::kind_bucket) | low),
            static_cast<LockSpace>(static_cast<int>(LockSpace::kind_item) | low)};
}

Outcome ensure_user_singleton(Database& sync, const CatalogKind& kind, const std::string& user_id,
                              bool dry_run) {
    return sync.transact([&](pqxx::work& tx) {
        scope_to_user(tx, user_id);
        lock_item(tx, locks_of(kind), user_id);
        const bool exists = any_row(tx,
                                    "SELECT 1 FROM sync_changes WHERE user_id = $1 "
                                    "AND table_name = $2 AND record_id = $3",
                                    user_id, kind.table_name, *kind.record_id);
        return write_unless(tx, exists, dry_run, KindRows(kind, now_timestamp()).row(user_id, ""));
    });
}

Outcome ensure_space_singleton(Database& sync, const CatalogKind& kind, const SpaceWriter& space,
                               bool dry_run) {
    return sync.transact([&](pqxx::work& tx) {
        // Scoped to the writer (for WITH CHECK) and to the Space (to see rows
        // other members wrote).
        scope_to_user(tx, space.writer, space.space_id);
        lock_item(tx, locks_of(kind), space.space_id);
        // The sync service's policy splits its Space list on ',': such an id
        // can never be shown to a role bound by row-level security.
        if (space.space_id.find(',') != std::string::npos &&
            tx.exec1("SELECT row_security_active('sync_changes')")[0].as<bool>()) {
            throw failure("Space " + space.space_id +
                          ": its id contains ',', which row-level security cannot scope; "
                          "run with a BYPASSRLS role");
        }
        // The members' rows are found through the (user_id, space_id, ...)
        // index; only when none is there does the exact check scan the
        // kind's rows (no index serves it), for one a former member wrote.
        const bool exists =
            any_row(tx,
                    "SELECT 1 FROM sync_changes WHERE user_id = ANY($2::text[]) "
                    "AND space_id = $1 AND table_name = $3",
                    space.space_id, pg_text_array(space.member_ids), kind.table_name) ||
            (!space.only_members_wrote &&
             any_row(tx, "SELECT 1 FROM sync_changes WHERE space_id = $1 AND table_name = $2",
                     space.space_id, kind.table_name));
        return write_unless(tx, exists, dry_run,
                            KindRows(kind, now_timestamp()).row(space.space_id, space.writer));
    });
}

void try_singleton_rows(Database& sync, const Catalog& catalog) {
    const std::string probe = "mana-auth:probe";
    sync.run([&](pqxx::connection& c) {
        pqxx::work tx{c};
        scope_to_user(tx, probe);
        for (const auto& kind : catalog.kinds) {
            if (!kind.retired) insert_row(tx, KindRows(kind, now_timestamp()).row(probe, probe));
        }
        tx.abort();
    });
}

} // namespace mana
