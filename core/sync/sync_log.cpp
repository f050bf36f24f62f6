#include "sync/sync_log.hpp"

#include "pg/locks.hpp"
#include "pg/session.hpp"
#include "sync/sync_changes.hpp"
#include "util/error.hpp"
#include "util/time.hpp"

namespace mana {
namespace {

bool any_row(pqxx::work& tx, const std::string& sql, const std::string& a) {
    return !tx.exec_params(sql + " LIMIT 1", a).empty();
}
bool any_row(pqxx::work& tx, const std::string& sql, const std::string& a, const std::string& b) {
    return !tx.exec_params(sql + " LIMIT 1", a, b).empty();
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

Outcome ensure_user_context(Database& sync, const std::string& user_id, bool dry_run) {
    return sync.transact([&](pqxx::work& tx) {
        scope_to_user(tx, user_id);
        lock_item(tx, user_context_locks, user_id);
        const bool exists = any_row(tx,
                                    "SELECT 1 FROM sync_changes WHERE user_id = $1 "
                                    "AND table_name = 'userContext' AND record_id = 'singleton'",
                                    user_id);
        return write_unless(tx, exists, dry_run, user_context_row(user_id, now_timestamp()));
    });
}

Outcome ensure_kontext_doc(Database& sync, const SpaceWriter& space, bool dry_run) {
    return sync.transact([&](pqxx::work& tx) {
        // Scoped to the writer (for WITH CHECK) and to the Space (to see rows
        // other members wrote).
        scope_to_user(tx, space.writer, space.space_id);
        lock_item(tx, kontext_doc_locks, space.space_id);
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
        // kontextDoc rows (no index serves it), for one a former member wrote.
        const bool exists =
            any_row(tx,
                    "SELECT 1 FROM sync_changes WHERE user_id = ANY($2::text[]) "
                    "AND space_id = $1 AND table_name = 'kontextDoc'",
                    space.space_id, pg_text_array(space.member_ids)) ||
            (!space.only_members_wrote &&
             any_row(tx,
                     "SELECT 1 FROM sync_changes WHERE space_id = $1 AND table_name = 'kontextDoc'",
                     space.space_id));
        return write_unless(tx, exists, dry_run,
                            kontext_doc_row(space.space_id, space.writer, now_timestamp()));
    });
}

void try_singleton_rows(Database& sync) {
    const std::string probe = "mana-auth:probe";
    sync.run([&](pqxx::connection& c) {
        pqxx::work tx{c};
        scope_to_user(tx, probe);
        const auto now = now_timestamp();
        insert_row(tx, user_context_row(probe, now));
        insert_row(tx, kontext_doc_row(probe, probe, now));
        tx.abort();
    });
}

} // namespace mana
