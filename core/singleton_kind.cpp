#include "singleton_kind.hpp"

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
    return ensure_user_context(sync, user_id, dry_run);
}

Outcome ensure_space(Database& sync, const std::string& space_id, const std::string& writer,
                     bool dry_run) {
    if (writer.empty()) return ensure_kontext_doc(sync, {space_id, "", {}}, true);
    return ensure_kontext_doc(sync, {space_id, writer, {writer}}, dry_run);
}

// The moment of --since, read once per query (cast row by row it costs a
// third of the scan).
const std::string since = "(SELECT current_setting('mana.since')::timestamptz)";

const std::string space_ids_table = "pg_temp.mana_reconcile_spaces";

} // namespace

const SingletonKind user_context_kind{
    "users",
    "SELECT id FROM auth.users WHERE deleted_at IS NULL",
    "SELECT id FROM auth.users WHERE deleted_at IS NULL AND created_at >= " + since,
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

// Joined since: the Space's first live member may be new. No index leads
// with space_id: for few Spaces the Space-scoped index, read whole but
// without the table, tells who wrote in each (user_id is NOT NULL, SPEC
// §2.2, so no row escapes its pair).
const SingletonKind kontext_doc_kind{
    "spaces",
    "SELECT id FROM auth.organizations",
    "SELECT id FROM auth.organizations WHERE created_at >= " + since +
        " UNION SELECT organization_id FROM auth.members WHERE created_at >= " + since,
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
