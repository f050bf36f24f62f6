#include "sync/singleton_kind.hpp"

#include "pg/session.hpp"

namespace mana {
namespace {

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

// ", created_at in whole seconds since 1970", when asked for.
std::string born(const std::string& created_at, bool with_born) {
    return with_born ? ", floor(date_part('epoch', " + created_at + "))::bigint" : "";
}

std::string live_user_ids(const Window& window, bool with_born) {
    return "SELECT id" + born("created_at", with_born) + pending_flag("created_at", window) +
           " FROM auth.users WHERE deleted_at IS NULL" + within("created_at", window);
}

// Joined in the window: the Space's first live member may be new. Pending,
// and born, by the Space's own created_at.
std::string space_ids(const Window& window, bool with_born) {
    auto created = "SELECT id" + born("created_at", with_born) +
                   pending_flag("created_at", window) + " FROM auth.organizations";
    if (window.since.empty()) return created;
    const auto joined =
        window.settled.empty() && !with_born
            ? std::string("SELECT m.organization_id FROM auth.members m")
            : "SELECT m.organization_id" + born("o.created_at", with_born) +
                  pending_flag("o.created_at", window) +
                  " FROM auth.members m JOIN auth.organizations o ON o.id = m.organization_id";
    return created + " WHERE true" + within("created_at", window) + " UNION " + joined +
           " WHERE true" + within("m.created_at", window);
}

const std::string space_ids_table = "pg_temp.mana_reconcile_spaces";

const ScopeShape user_shape{Scope::user,
                            "users",
                            "auth.users",
                            live_user_ids,
                            "pg_temp.mana_reconcile_users",
                            "pg_temp.mana_reconcile_audit_users",
                            "user_id",
                            "",
                            false};

// No index leads with space_id: for few Spaces the Space-scoped index,
// read whole but without the table, tells who wrote in each (user_id is NOT
// NULL, SPEC §2.2, so no row escapes its pair).
const ScopeShape space_shape{Scope::space,
                             "spaces",
                             "auth.organizations",
                             space_ids,
                             space_ids_table.c_str(),
                             "pg_temp.mana_reconcile_audit_spaces",
                             "space_id",
                             "SELECT DISTINCT c.user_id, c.space_id FROM sync_changes c JOIN " +
                                 space_ids_table +
                                 " t ON t.id = c.space_id WHERE c.space_id IS NOT NULL",
                             true};

std::string working_table(const char* what, std::size_t number) {
    return std::string("pg_temp.mana_reconcile_") + what + "_" + std::to_string(number);
}

} // namespace

const ScopeShape& shape_of(Scope scope) {
    return scope == Scope::user ? user_shape : space_shape;
}

SingletonKind::SingletonKind(const CatalogKind& of, std::size_t number)
    : missing_table(working_table("missing", number)),
      writable_table(working_table("writable", number)),
      write_table(working_table("write", number)),
      copies_column("copies_" + std::to_string(number)), number_(number), kind_(of),
      shape_(shape_of(of.scope)), locks_(locks_of(of)) {}

std::string SingletonKind::rows_sql(QueryValues& values) const {
    auto rows = "s.table_name = " + values.add(kind_.table_name);
    if (kind_.scope == Scope::user && kind_.record_id)
        rows += " AND s.record_id = " + values.add(*kind_.record_id);
    return rows;
}

Outcome SingletonKind::ensure(Database& sync, const std::string& id, const std::string& writer,
                              bool dry_run) const {
    if (kind_.scope == Scope::user) return ensure_user_singleton(sync, kind_, id, dry_run);
    if (writer.empty()) return ensure_space_singleton(sync, kind_, {id, "", {}}, true);
    return ensure_space_singleton(sync, kind_, {id, writer, {writer}}, dry_run);
}

std::vector<SingletonKind> singleton_kinds(const Catalog& catalog) {
    std::vector<SingletonKind> kinds;
    kinds.reserve(catalog.kinds.size());
    for (std::size_t i = 0; i < catalog.kinds.size(); ++i)
        kinds.emplace_back(catalog.kinds[i], i);
    return kinds;
}

} // namespace mana
