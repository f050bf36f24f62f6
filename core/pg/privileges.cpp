#include "pg/privileges.hpp"

#include "pg/session.hpp"
#include "util/error.hpp"

namespace mana {

const Privilege auth_read{
    "SELECT on auth.users, auth.organizations, auth.members",
    "SELECT bool_and(has_table_privilege(t, 'SELECT')) FROM unnest(ARRAY['auth.users', "
    "'auth.organizations', 'auth.members']) t",
    "register, bootstrap and reconcile", "may not read the users, Spaces and members",
    "GRANT SELECT ON auth.users, auth.organizations, auth.members"};

const Privilege auth_write{
    "INSERT, UPDATE on auth.users, auth.accounts, auth.security_events, auth.organizations, "
    "auth.members",
    "SELECT bool_and(has_table_privilege(t, 'INSERT') AND has_table_privilege(t, 'UPDATE')) "
    "FROM unnest(ARRAY['auth.users', 'auth.accounts', 'auth.security_events', "
    "'auth.organizations', 'auth.members']) t",
    "register", "may not register users",
    "GRANT INSERT, UPDATE ON auth.users, auth.accounts, auth.security_events, "
    "auth.organizations, auth.members"};

const Privilege sync_read{"SELECT on sync_changes",
                          "SELECT has_table_privilege('sync_changes', 'SELECT')",
                          "register, bootstrap and reconcile", "may not read sync_changes",
                          "GRANT SELECT ON sync_changes"};

const Privilege sync_read_and_insert{"SELECT, INSERT on sync_changes",
                                     "SELECT has_table_privilege('sync_changes', 'SELECT') AND "
                                     "has_table_privilege('sync_changes', 'INSERT')",
                                     "register, bootstrap and reconcile",
                                     "may not SELECT and INSERT into sync_changes",
                                     "GRANT SELECT, INSERT ON sync_changes"};

const Privilege sync_temp{"TEMP on this database (temporary tables)",
                          "SELECT has_database_privilege(current_database(), 'TEMP')",
                          "reconcile",
                          "may not create temporary tables, which reconcile needs",
                          "GRANT TEMP ON DATABASE",
                          true};

bool holds(Database& db, const Privilege& privilege) {
    return db.run([&](pqxx::connection& c) {
        pqxx::read_transaction tx{c};
        return tx.exec1(privilege.query)[0].as<bool>();
    });
}

std::string grant_for(Database& db, const Privilege& privilege) {
    std::string grant = privilege.grant;
    if (privilege.grant_on_database) grant += std::string(" ") + db.database_name();
    return grant + " TO " + db.role_name();
}

void require_privilege(Database& db, const Privilege& privilege) {
    if (holds(db, privilege)) return;
    throw failure(std::string(db.label()) + ": role " + db.role_name() + " " +
                  privilege.refusal + ": " + grant_for(db, privilege));
}

std::optional<std::string> read_only_reason(Database& db) {
    const auto row = db.run([](pqxx::connection& c) {
        // Autocommit: transaction_read_only is then the session's default.
        return pqxx::nontransaction{c}.exec1(
            "SELECT pg_is_in_recovery(), current_setting('transaction_read_only') = 'on'");
    });
    if (row[0].as<bool>()) return "a hot standby, in recovery";
    if (row[1].as<bool>()) return "default_transaction_read_only is on";
    return std::nullopt;
}

void require_writable(Database& db, const std::string& what_writes) {
    const auto reason = read_only_reason(db);
    if (!reason) return;
    throw failure(db.named() + " is read-only (" + *reason + "): " + what_writes +
                  ": point it at the primary");
}

} // namespace mana
