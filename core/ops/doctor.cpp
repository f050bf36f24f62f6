#include "ops/doctor.hpp"

#include "auth/credentials.hpp"
#include "auth/registration.hpp"
#include "pg/db.hpp"
#include "pg/pooler.hpp"
#include "pg/privileges.hpp"
#include "pg/schema.hpp"
#include "pg/session.hpp"
#include "pg/standby_lag.hpp"
#include "sync/sync_changes.hpp"
#include "sync/sync_log.hpp"
#include "util/error.hpp"
#include "util/option_names.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <memory>

namespace mana {
namespace {

// A check's id: the database's role, then what is checked.
std::string check_id(DbRole role, const char* what) {
    return std::string(role == DbRole::auth ? "auth." : "sync.") + what;
}

// The connection itself: the database to examine further, if any.
Database* connection_check(DbRole role, const ConnectAttempt& attempt, std::vector<Check>& checks) {
    const std::string name = std::string(db_label(role)) + " connection";
    const auto id = check_id(role, "connection");
    if (!attempt.db) {
        checks.push_back({id, name, CheckStatus::fail, attempt.error.value_or("not connected")});
        return nullptr;
    }
    checks.push_back(
        {id, name, CheckStatus::ok, attempt.db->server_version() + " at " + attempt.db->shown()});
    return attempt.db.get();
}

void schema_check(Database& db, std::vector<Check>& checks) {
    const std::string name = std::string(db.label()) + " schema";
    const auto id = check_id(db.role(), "schema");
    const auto problems = check_schema(db);
    if (problems.empty()) {
        checks.push_back(
            {id, name, CheckStatus::ok, "every table and column the tool uses is there"});
        return;
    }
    std::string detail;
    for (const auto& p : problems)
        detail += (detail.empty() ? "" : "; ") + p.object + " " + p.problem;
    checks.push_back({id, name, CheckStatus::fail, detail});
}

// The schema guard (SPEC §7), ahead of the commands that would stop on it:
// the NOT NULL columns without a default that the tool's rows leave empty.
void required_columns_check(Database& db, const std::vector<TableFill>& tables,
                            const std::string& writers, std::vector<Check>& checks) {
    const auto name = std::string(db.label()) + " required columns";
    const auto id = check_id(db.role(), "requiredColumns");
    const auto unfilled = unfilled_columns(db, tables);
    if (unfilled.empty()) {
        checks.push_back({id, name, CheckStatus::ok,
                          "mana-auth fills every NOT NULL column without a default of the "
                          "tables it inserts into for " +
                              writers});
        return;
    }
    checks.push_back({id, name, CheckStatus::fail,
                      join(unfilled) + ": " + unfilled_why + ": " + writers +
                          " would stop before writing anything"});
}

void pooler_check(Database& db, std::vector<Check>& checks) {
    const std::string name = std::string(db.label()) + " pooler";
    const auto id = check_id(db.role(), "pooler");
    if (db.through_pooler())
        checks.push_back({id, name, CheckStatus::warn, pooler_consequence()});
    else
        checks.push_back({id, name, CheckStatus::ok, "none: connected to the server itself"});
}

// Reconcile and bootstrap only read the auth database: a standby serves them.
void writable_check(Database& auth, std::vector<Check>& checks) {
    const auto reason = read_only_reason(auth);
    checks.push_back({"auth.writable", "auth database writable",
                      reason ? CheckStatus::warn : CheckStatus::ok,
                      reason ? "read-only (" + *reason +
                                   "): register would fail; bootstrap and reconcile only read it"
                             : "takes writes (register needs them)"});
}

// Users whose credential no password matches (SPEC §8): found, not fixed.
void credentials_check(Database& auth, std::vector<Check>& checks) {
    const auto found = unusable_credentials(auth, 5);
    if (found.count == 0) {
        checks.push_back({"auth.credentials", "auth database credentials", CheckStatus::ok,
                          "every live user's password credential is a Better Auth scrypt hash"});
        return;
    }
    checks.push_back(
        {"auth.credentials", "auth database credentials", CheckStatus::warn,
         "live users whose password credential no password matches (not a Better Auth scrypt "
         "hash): " +
             std::to_string(found.count) + " (" + join(found.sample) +
             (found.count > 5 ? ", ..." : "") +
             "); give each a new password with `mana-auth register EMAIL " +
             option_name(Option::if_exists) + " update`"});
}

// What PostgreSQL will do with the sync role's queries of sync_changes,
// and why: reconcile chooses its strategy from the same answer.
void rls_check(Database& sync, std::vector<Check>& checks) {
    const auto row = sync.run([](pqxx::connection& c) {
        return pqxx::nontransaction{c}.exec1(
            "SELECT c.relrowsecurity, c.relforcerowsecurity, pg_get_userbyid(c.relowner), "
            "r.rolsuper, r.rolbypassrls, pg_has_role(c.relowner, 'USAGE') "
            "FROM pg_class c, pg_roles r WHERE c.oid = 'sync_changes'::regclass "
            "AND r.rolname = current_user");
    });
    const bool enabled = row[0].as<bool>(), forced = row[1].as<bool>();
    const auto owner = row[2].as<std::string>();
    const bool bound = sync.bound_by_rls();
    std::string why = "the sync role is bound by row-level security: bootstrap is fine, but "
                      "reconcile must check and write item by item, far slower; use a BYPASSRLS "
                      "maintenance role for reconcile";
    if (!bound) {
        why = !enabled             ? "row-level security is off on sync_changes"
              : row[3].as<bool>()  ? "the sync role is a superuser"
              : row[4].as<bool>()  ? "the sync role has BYPASSRLS"
              : row[5].as<bool>()  ? "the sync role acts as the owner of sync_changes (" + owner +
                                        "), and row-level security is not forced"
                                   : "row-level security does not apply to the sync role";
        why += ": reconcile runs set-based";
    }
    checks.push_back({"sync.roleRowSecurity", "sync role and row-level security",
                      bound ? CheckStatus::warn : CheckStatus::ok, why});
    if (!enabled) {
        checks.push_back({"sync.tableRowSecurity", "sync_changes row-level security",
                          CheckStatus::warn,
                          "disabled: every role of the sync service sees and writes every "
                          "user's rows (the service's schema enables and forces it)"});
    } else if (!forced) {
        checks.push_back({"sync.tableRowSecurity", "sync_changes row-level security",
                          CheckStatus::warn,
                          "enabled but not forced: its owner " + owner +
                              " bypasses it (the service's schema forces it)"});
    } else {
        checks.push_back({"sync.tableRowSecurity", "sync_changes row-level security",
                          CheckStatus::ok, "enabled and forced"});
    }
}

// The change log's indexes of SPEC §2.2, by their key columns (a partial
// one where the SPEC has it; a full one serves as well).
struct SyncIndex {
    const char* columns;
    bool partial; // WHERE space_id IS NOT NULL
};
constexpr SyncIndex sync_indexes[] = {
    {"user_id, app_id, created_at", false},
    {"table_name, record_id, created_at", false},
    {"user_id, app_id, table_name, created_at", false},
    {"user_id, space_id, app_id, created_at", true},
};

void index_check(Database& sync, std::vector<Check>& checks) {
    const auto present = sync.run([](pqxx::connection& c) {
        return pqxx::nontransaction{c}.exec(
            "SELECT string_agg(a.attname, ', ' ORDER BY k.i), pg_get_expr(x.indpred, x.indrelid) "
            "FROM pg_index x CROSS JOIN LATERAL unnest(x.indkey::int2[]) WITH ORDINALITY "
            "k(attnum, i) JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum "
            "WHERE x.indrelid = 'sync_changes'::regclass GROUP BY x.indexrelid, x.indpred, "
            "x.indrelid");
    });
    std::string missing;
    for (const auto& wanted : sync_indexes) {
        const bool found = std::any_of(present.begin(), present.end(), [&](const auto& index) {
            return index[0].template as<std::string>() == wanted.columns &&
                   (index[1].is_null() ||
                    (wanted.partial && index[1].template as<std::string>() ==
                                           "(space_id IS NOT NULL)"));
        });
        if (!found) missing += std::string(missing.empty() ? "" : ", ") + "(" + wanted.columns + ")";
    }
    if (missing.empty()) {
        checks.push_back(
            {"sync.indexes", "sync_changes indexes", CheckStatus::ok, "the four the service has"});
        return;
    }
    checks.push_back({"sync.indexes", "sync_changes indexes", CheckStatus::warn,
                      "none on " + missing +
                          ": per-item checks (register, bootstrap, a reconcile item by item) and "
                          "the service's pulls then scan the change log"});
}

// The singletons' rows inserted for real, rolled back: catches missing
// grants, row-level security, triggers, read-only standbys, columns without
// a default and missing partitions alike.
void sync_write_check(Database& sync, const Catalog& catalog, std::vector<Check>& checks) {
    try {
        try_singleton_rows(sync, catalog);
        checks.push_back({"sync.writePermission", "sync database write permission", CheckStatus::ok,
                          "may INSERT the singletons' rows into sync_changes (tried, rolled "
                          "back)"});
    } catch (const Error& e) {
        checks.push_back({"sync.writePermission", "sync database write permission",
                          CheckStatus::fail, e.what()});
    }
}

// Whether reconcile --max-lag could watch the standbys: a warning when the
// role cannot see their lag (only that option needs it).
void standby_lag_check(Database& sync, std::vector<Check>& checks) {
    const auto name = "standby lag (" + option_name(Option::max_lag) + ")";
    if (const auto role = role_blind_to_standbys(sync)) {
        checks.push_back({"sync.standbyLag", name, CheckStatus::warn,
                          "the sync role " + *role + " cannot see its standbys' lag: reconcile " +
                              option_name(Option::max_lag) +
                              " would be refused (GRANT pg_monitor TO " + *role + ")"});
        return;
    }
    checks.push_back({"sync.standbyLag", name, CheckStatus::ok,
                      "visible to the sync role; " + std::to_string(streaming_standbys(sync)) +
                          " standbys streaming from this server"});
}

// A privilege the commands need, and how doctor rates its absence.
struct Required {
    const Privilege& privilege;
    CheckStatus when_missing;
};

// Beyond what the write check tries. On the auth database, what only
// register needs is a warning (reconcile and bootstrap work with a
// read-only role); anything else is a failure.
const std::vector<Required> auth_privileges = {{auth_read, CheckStatus::fail},
                                               {auth_write, CheckStatus::warn}};
const std::vector<Required> sync_privileges = {{sync_read, CheckStatus::fail},
                                               {sync_temp, CheckStatus::fail}};

void privilege_check(Database& db, const std::vector<Required>& privileges,
                     std::vector<Check>& checks) {
    std::string missing;
    auto status = CheckStatus::ok; // the worst of the missing ones
    for (const auto& [privilege, when_missing] : privileges) {
        if (holds(db, privilege)) continue;
        missing += std::string(missing.empty() ? "" : "; ") + "no " + privilege.what + ": " +
                   privilege.commands + " would fail (" + grant_for(db, privilege) + ")";
        status = std::max(status, when_missing);
    }
    const auto name = std::string(db.label()) + " privileges";
    const auto id = check_id(db.role(), "privileges");
    if (missing.empty()) {
        checks.push_back({id, name, CheckStatus::ok, "every privilege the commands need"});
        return;
    }
    checks.push_back({id, name, status, missing});
}

} // namespace

const char* check_status_name(CheckStatus status) {
    switch (status) {
    case CheckStatus::ok:
        return "ok";
    case CheckStatus::warn:
        return "warn";
    case CheckStatus::fail:
        return "fail";
    }
    return "?";
}

std::vector<Check> run_doctor(const ConnectAttempt& auth_attempt,
                              const ConnectAttempt& sync_attempt, const Catalog& catalog) {
    std::vector<Check> checks;
    if (auto* auth = connection_check(DbRole::auth, auth_attempt, checks)) {
        pooler_check(*auth, checks);
        schema_check(*auth, checks);
        if (checks.back().status == CheckStatus::ok) {
            required_columns_check(*auth, registration_tables(), "register", checks);
            privilege_check(*auth, auth_privileges, checks);
            writable_check(*auth, checks);
            credentials_check(*auth, checks);
        }
    }
    if (auto* sync = connection_check(DbRole::sync, sync_attempt, checks)) {
        pooler_check(*sync, checks);
        schema_check(*sync, checks);
        if (checks.back().status == CheckStatus::ok) {
            required_columns_check(*sync, {sync_changes_fill()},
                                   "register, bootstrap and reconcile", checks);
            rls_check(*sync, checks);
            index_check(*sync, checks);
            privilege_check(*sync, sync_privileges, checks);
            sync_write_check(*sync, catalog, checks);
            standby_lag_check(*sync, checks);
        }
    }
    return checks;
}

} // namespace mana
