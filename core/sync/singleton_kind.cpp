#include "sync/singleton_kind.hpp"

#include "pg/session.hpp"

namespace mana {
namespace {

SyncRow user_context_of(const SingletonRows& rows, const std::string& user_id,
                        const std::string& /*writer*/) {
    return rows.user_context(user_id);
}

SyncRow kontext_doc_of(const SingletonRows& rows, const std::string& space_id,
                       const std::string& writer) {
    return rows.kontext_doc(space_id, writer);
}

Outcome ensure_user(Database& sync, const std::string& user_id, const std::string& /*writer*/,
                    bool dry_run) {
    return ensure_user_singleton(sync, builtin_user_context(), user_id, dry_run);
}

Outcome ensure_space(Database& sync, const std::string& space_id, const std::string& writer,
                     bool dry_run) {
    if (writer.empty())
        return ensure_space_singleton(sync, builtin_kontext_doc(), {space_id, "", {}}, true);
    return ensure_space_singleton(sync, builtin_kontext_doc(), {space_id, writer, {writer}},
                                  dry_run);
}

// A moment of the window, read once per query (cast row by row it costs a
// third of the scan).
std::string moment(const char* setting) {
    return std::string("(SELECT current_setting('mana.") + setting + "')::timestamptz)";
}

// " AND column >= since AND column < until", for the bounds given.
std::string within(const std::string& column, const Window& window) {
    std::string bounds;
    if (!window.since.empty()) bounds += " AND " + column + " >= " + moment("since");
    if (!window.until.empty()) bounds += " AND " + column + " < " + moment("until");
    return bounds;
}

// ", whether created_at makes the item pending", when there is a settle window.
std::string pending_flag(const std::string& created_at, const Window& window) {
    return window.settled.empty() ? "" : ", " + created_at + " >= " + moment("settled");
}

std::string live_user_ids(const Window& window) {
    return "SELECT id" + pending_flag("created_at", window) +
           " FROM auth.users WHERE deleted_at IS NULL" + within("created_at", window);
}

// Joined in the window: the Space's first live member may be new. Pending
// by the Space's own created_at.
std::string space_ids(const Window& window) {
    auto created =
        "SELECT id" + pending_flag("created_at", window) + " FROM auth.organizations";
    if (window.since.empty()) return created;
    const auto joined =
        window.settled.empty()
            ? std::string("SELECT m.organization_id FROM auth.members m")
            : "SELECT m.organization_id" + pending_flag("o.created_at", window) +
                  " FROM auth.members m JOIN auth.organizations o ON o.id = m.organization_id";
    return created + " WHERE true" + within("created_at", window) + " UNION " + joined +
           " WHERE true" + within("m.created_at", window);
}

const std::string space_ids_table = "pg_temp.mana_reconcile_spaces";

} // namespace

const SingletonKind user_context_kind{
    "users",
    "auth.users",
    live_user_ids,
    "pg_temp.mana_reconcile_users",
    "pg_temp.mana_reconcile_audit_users",
    "pg_temp.mana_reconcile_missing_users",
    "pg_temp.mana_reconcile_writable_users",
    "pg_temp.mana_reconcile_write_users",
    "s.table_name = 'userContext' AND s.record_id = 'singleton'",
    "user_id",
    "",
    user_context_locks,
    false,
    user_context_of,
    ensure_user};

// No index leads with space_id: for few Spaces the Space-scoped index,
// read whole but without the table, tells who wrote in each (user_id is NOT
// NULL, SPEC §2.2, so no row escapes its pair).
const SingletonKind kontext_doc_kind{
    "spaces",
    "auth.organizations",
    space_ids,
    space_ids_table.c_str(),
    "pg_temp.mana_reconcile_audit_spaces",
    "pg_temp.mana_reconcile_missing_spaces",
    "pg_temp.mana_reconcile_writable_spaces",
    "pg_temp.mana_reconcile_write_spaces",
    "s.table_name = 'kontextDoc'",
    "space_id",
    "SELECT DISTINCT c.user_id, c.space_id FROM sync_changes c JOIN " + space_ids_table +
        " t ON t.id = c.space_id WHERE c.space_id IS NOT NULL",
    kontext_doc_locks,
    true,
    kontext_doc_of,
    ensure_space};

} // namespace mana
